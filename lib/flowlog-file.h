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

#ifndef FLOWLOG_FILE_H
#define FLOWLOG_FILE_H 1

/* Flow log files: the bytes of one file (one logger, one host, one interval
 * snapshot) and its object key, as ovs-flowlog(7) defines them.  The same
 * snapshot always gives the same key and the same bytes, so a retried
 * upload overwrites instead of duplicating.  Shared by the exporter and the
 * CLI; not linked into ovs-vswitchd (it needs zlib). */

#include <stddef.h>
#include <stdint.h>

struct flowlog_context;
struct flowlog_logger_opts;
struct flowlog_record;

/* Writing a file piece by piece. */
struct flowlog_file_writer;
typedef int flowlog_file_write_func(void *aux, const void *, size_t);

struct flowlog_file_writer *flowlog_file_writer_create(
    const struct flowlog_logger_opts *, const struct flowlog_context *,
    flowlog_file_write_func *, void *aux);
int flowlog_file_writer_put(struct flowlog_file_writer *,
                            const struct flowlog_record *, size_t n);
int flowlog_file_writer_finish(struct flowlog_file_writer *, uint64_t *sizep);

char *flowlog_file_key(const struct flowlog_logger_opts *,
                       const char *prefix, const char *logger,
                       const char *system_id, long long int start_ms);
const char *flowlog_file_suffix(const struct flowlog_logger_opts *);

#endif /* flowlog-file.h */
