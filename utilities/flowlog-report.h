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

#ifndef FLOWLOG_REPORT_H
#define FLOWLOG_REPORT_H 1

/* ovs-flowlog report --html: one self-contained HTML page (inline CSS and
 * SVG, no script, a Content-Security-Policy that allows no request) with
 * traffic over time per interface, ACCEPT vs DROP over time, top talkers,
 * top denied sources, scan suspects, SKIPDATA records and missing files.
 * Every number shown is also in a data-value attribute. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli_file;
struct flowlog_row;

struct report_options {
    const char *title;
    int window;                 /* scans. */
    size_t min_ports, min_addrs;
    size_t top_n;
    bool status_given;          /* --status: count what it selects. */
};

struct report *report_create(const struct report_options *);
void report_destroy(struct report *);
uint32_t report_fields(void);
void report_add(struct report *, const struct flowlog_row *);
char *report_write(struct report *, const struct cli_file *, size_t n_files,
                   const char *file_name);

#endif /* flowlog-report.h */
