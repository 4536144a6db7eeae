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

#ifndef EXPORTER_SINK_H
#define EXPORTER_SINK_H 1

/* Sinks: where the exporter puts flow log files.  A logger's target=
 * names one (file:///DIR, swift://CONTAINER[/PREFIX], s3://BUCKET[/PREFIX])
 * and its credentials= names the configuration section it uses.
 *
 * Every operation reports one of the logger states of ovs-flowlog(7) and,
 * on failure, a reason for the operator.  Operations run in worker threads
 * (exporter-worker.h), one at a time per sink, and may block; a sink that
 * talks to a network bounds each operation with a timeout and gives up
 * when exporter_workers_stopping(). */

#include <stddef.h>

struct exporter_config;

enum exporter_status {
    EXPORTER_OK,                /* "ACTIVE". */
    EXPORTER_AUTH_ERROR,        /* "AuthenticationError": no token, bad
                                 * credentials. */
    EXPORTER_CONFIG_ERROR,      /* "StorageConfigurationError": 403, no such
                                 * container or bucket, outside file-root,
                                 * ... */
    EXPORTER_UNAVAILABLE,       /* "StorageUnavailableError": anything else;
                                 * retried. */
};

const char *exporter_status_name(enum exporter_status);

struct exporter_sink;

/* A sink implementation, for one URL scheme. */
struct exporter_sink_class {
    const char *scheme;         /* "file", "swift", "s3". */

    /* Creates in '*sinkp' a sink for 'target' (syntax already checked by
     * flowlog_logger_opts_parse()) that uses the credentials section
     * 'credentials' of 'cfg'.  'cfg' outlives the sink. */
    enum exporter_status (*open)(const char *target, const char *credentials,
                                 const struct exporter_config *cfg,
                                 struct exporter_sink **sinkp,
                                 char **reason);
    void (*close)(struct exporter_sink *);

    /* Stores 'size' bytes of 'data' as object 'key' (relative to the
     * target's directory or prefix), replacing any object of that name,
     * and returns only once the store confirmed it. */
    enum exporter_status (*put)(struct exporter_sink *, const char *key,
                                const void *data, size_t size,
                                char **reason);

    /* Removes object 'key'; one that does not exist is not an error. */
    enum exporter_status (*delete)(struct exporter_sink *, const char *key,
                                   char **reason);
};

/* The common part of every sink; implementations embed it first. */
struct exporter_sink {
    const struct exporter_sink_class *class;
    char *target;
};

enum exporter_status exporter_sink_open(const char *target,
                                        const char *credentials,
                                        const struct exporter_config *,
                                        struct exporter_sink **,
                                        char **reason);
void exporter_sink_close(struct exporter_sink *);
enum exporter_status exporter_sink_put(struct exporter_sink *,
                                       const char *key,
                                       const void *data, size_t size,
                                       char **reason);
char *exporter_sink_prefix(const char *slash);
enum exporter_status exporter_sink_probe(struct exporter_sink *,
                                         const char *system_id,
                                         char **reason);

extern const struct exporter_sink_class exporter_file_class;
extern const struct exporter_sink_class exporter_swift_class;
extern const struct exporter_sink_class exporter_s3_class;

#endif /* exporter-sink.h */
