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

#ifndef FLOWLOG_STATS_H
#define FLOWLOG_STATS_H 1

/* The statistics of ovs-flowlog(1) top, denied and scans, computed one
 * row at a time: their memory grows with the number of distinct keys
 * (sources, ports, addresses), never with the number of records. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/flowlog-record.h"

struct ds;
struct flowlog_row;
struct json;

enum stats_measure { BY_BYTES, BY_PACKETS, BY_RECORDS };

/* top: records, packets and bytes per key. */
struct stats_top;
struct stats_top *stats_top_create(const enum flowlog_field *key, size_t n);
void stats_top_destroy(struct stats_top *);
uint32_t stats_top_fields(const struct stats_top *);
void stats_top_add(struct stats_top *, const struct flowlog_row *);
struct json *stats_top_json(struct stats_top *, enum stats_measure,
                            size_t limit);

/* denied: the sources with the most DROP records. */
struct stats_denied;
struct stats_denied *stats_denied_create(void);
void stats_denied_destroy(struct stats_denied *);
uint32_t stats_denied_fields(void);
void stats_denied_add(struct stats_denied *, const struct flowlog_row *);
struct json *stats_denied_json(struct stats_denied *, size_t limit,
                               size_t max_ports);

/* scans: sources that touched many destination ports or addresses in a
 * window. */
struct stats_scans;
struct stats_scans *stats_scans_create(int window, size_t min_ports,
                                       size_t min_addrs);
void stats_scans_destroy(struct stats_scans *);
uint32_t stats_scans_fields(void);
void stats_scans_add(struct stats_scans *, const struct flowlog_row *);
struct json *stats_scans_json(struct stats_scans *, size_t limit);

/* Formatting a JSON array of flat objects as an aligned table. */
void stats_table(const struct json *array, const char *const *columns,
                 size_t n_columns, struct ds *);

const char *stats_protocol_name(int64_t protocol, char buf[8]);
void stats_format_time(int64_t t, struct ds *);

#endif /* flowlog-stats.h */
