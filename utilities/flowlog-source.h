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

#ifndef FLOWLOG_SOURCE_H
#define FLOWLOG_SOURCE_H 1

/* Where ovs-flowlog(1) finds flow log files: local files and directories,
 * file://DIR, swift://CONTAINER[/PREFIX] and s3://BUCKET[/PREFIX] (through
 * the sinks of lib/flowlog-sink.h, with credentials from a configuration
 * file in the exporter's format or from the environment).  Files are
 * pruned by the times in their partition directories and names before
 * they are read. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sink_config;

struct cli_source_options {
    long long int since, until;     /* UNIX seconds; LLONG_MIN/MAX. */
    const char *config_file;        /* --config, or NULL. */
    const char *credentials;        /* --credentials section name. */
    size_t page_size;               /* Keys per listing request. */
};

/* One flow log file to read. */
struct cli_file {
    char *name;             /* As messages show it: a path or a URL. */
    char *location;         /* Local path, or key below the source. */
    long long int start_ms; /* Snapshot start from the name, or
                             * LLONG_MIN if the name does not say. */
    char *logger, *host;    /* From the name, or NULL. */
    size_t source;          /* Index of its source. */
};

struct cli_sources;

char *cli_sources_open(char **args, size_t n,
                       const struct cli_source_options *,
                       struct cli_sources **);
char *cli_sources_list(struct cli_sources *, struct cli_file **, size_t *n);
char *cli_sources_read(struct cli_sources *, const struct cli_file *,
                       void **data, size_t *size);
void cli_sources_release(struct cli_sources *, const struct cli_file *,
                         void *data, size_t size);
void cli_sources_close(struct cli_sources *);
void cli_files_free(struct cli_file *, size_t n);

bool cli_file_name_parse(const char *base, long long int *start_ms,
                         char **logger, char **host);

#endif /* flowlog-source.h */
