/*
 * Copyright (c) 2026 The ovs-flowlog authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

#ifndef FLOWLOG_FILTER_H
#define FLOWLOG_FILTER_H 1

/* The record filters of ovs-flowlog(1), shared by every subcommand: each
 * option may be given more than once and takes comma-separated values;
 * a record matches an option if it matches any of its values, and the
 * filter if it matches every option given. */

#include <stdbool.h>
#include <stdint.h>

struct flowlog_row;
struct cli_filter;

struct cli_filter *cli_filter_create(void);
void cli_filter_destroy(struct cli_filter *);
bool cli_filter_is_option(const char *option);
char *cli_filter_add(struct cli_filter *, const char *option,
                     const char *value);
void cli_filter_set_time(struct cli_filter *, long long int since,
                         long long int until);
bool cli_filter_has_status(const struct cli_filter *);
void cli_filter_default_status_ok(struct cli_filter *);
uint32_t cli_filter_fields(const struct cli_filter *);
bool cli_filter_match(const struct cli_filter *, const struct flowlog_row *);

bool cli_parse_ipv4(const char *, uint32_t *);
char *cli_parse_time(const char *, long long int now, long long int *);

#endif /* flowlog-filter.h */
