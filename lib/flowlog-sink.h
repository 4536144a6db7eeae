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

#ifndef FLOWLOG_SINK_H
#define FLOWLOG_SINK_H 1

/* Sinks: where flow log files are stored, as a small library that the
 * exporter and the tools link.  A logger's target= names one (file:///DIR,
 * swift://CONTAINER[/PREFIX], s3://BUCKET[/PREFIX]) and its credentials=
 * names the configuration section (flowlog-sink-config.h) it uses.
 *
 * Every operation reports one of the logger states of ovs-flowlog(7) and,
 * on failure, a reason for the operator.  Operations may block, one at a
 * time per sink (the exporter runs them in worker threads); a sink that
 * talks to a network bounds each operation with a timeout and gives up
 * once sink_stop_all() was called. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;
struct sink_config;

enum sink_status {
    SINK_OK,                /* "ACTIVE". */
    SINK_AUTH_ERROR,        /* "AuthenticationError": no token, bad
                                 * credentials. */
    SINK_CONFIG_ERROR,      /* "StorageConfigurationError": 403, no such
                                 * container or bucket, outside file-root,
                                 * ... */
    SINK_UNAVAILABLE,       /* "StorageUnavailableError": anything else;
                                 * retried. */
};

const char *sink_status_name(enum sink_status);

struct sink;

/* The bytes of an object to store: 'size' bytes at 'data', or, with 'data'
 * NULL, 'size' bytes of the open file 'fd' from 'offset', read with
 * pread(), so that an upload of any size takes little memory. */
struct sink_body {
    const void *data;
    int fd;
    uint64_t offset;
    uint64_t size;
};

#define SINK_BODY_MEM(DATA, SIZE) \
    ((struct sink_body) { .data = (DATA), .fd = -1, .size = (SIZE) })

int sink_body_read(const struct sink_body *, uint64_t pos, void *buf,
                   size_t n);
struct sink_body sink_body_slice(const struct sink_body *, uint64_t pos,
                                 uint64_t size);

/* Called by sink_list() for each object: its key, relative to the
 * target's directory or prefix, and its size in bytes. */
typedef void sink_list_func(void *aux, const char *key, uint64_t size);

/* A sink implementation, for one URL scheme. */
struct sink_class {
    const char *scheme;         /* "file", "swift", "s3". */

    /* Creates in '*sinkp' a sink for 'target' (syntax already checked by
     * flowlog_logger_opts_parse()) that uses the credentials section
     * 'credentials' of 'cfg'.  'cfg' outlives the sink: sink_open() gives
     * the sink a reference to it. */
    enum sink_status (*open)(const char *target, const char *credentials,
                                 const struct sink_config *cfg,
                                 struct sink **sinkp,
                                 char **reason);
    void (*close)(struct sink *);

    /* Stores 'body' as object 'key' (relative to the target's directory
     * or prefix), replacing any object of that name, and returns only once
     * the store confirmed it. */
    enum sink_status (*put)(struct sink *, const char *key,
                            const struct sink_body *body, char **reason);

    /* Removes object 'key'; one that does not exist is not an error. */
    enum sink_status (*delete)(struct sink *, const char *key,
                                   char **reason);

    /* For readers (NULL in a class that cannot).  Calls 'cb' for each
     * object whose key (relative to the target's directory or prefix)
     * starts with 'prefix', in key order, asking the store for pages of
     * at most 'page_size' keys, as many pages as it takes. */
    enum sink_status (*list)(struct sink *, const char *prefix,
                             size_t page_size, sink_list_func *cb,
                             void *aux, char **reason);

    /* Reads object 'key' whole into 'body' (cleared first). */
    enum sink_status (*get)(struct sink *, const char *key,
                            struct ds *body, char **reason);
};

/* The common part of every sink; implementations embed it first. */
struct sink {
    const struct sink_class *class;
    char *target;
    struct sink_config *cfg;    /* A reference, set by sink_open(). */
};

enum sink_status sink_open(const char *target,
                                        const char *credentials,
                                        const struct sink_config *,
                                        struct sink **,
                                        char **reason);
void sink_close(struct sink *);
enum sink_status sink_put(struct sink *, const char *key,
                          const struct sink_body *, char **reason);
enum sink_status sink_list(struct sink *, const char *prefix,
                           size_t page_size, sink_list_func *, void *aux,
                           char **reason);
enum sink_status sink_get(struct sink *, const char *key, struct ds *body,
                          char **reason);
char *sink_prefix(const char *slash);
enum sink_status sink_probe(struct sink *,
                                         const char *system_id,
                                         char **reason);
bool sink_config_changed(const struct sink_config *old,
                         const struct sink_config *new,
                         const char *target, const char *credentials);

/* Makes every sink operation in progress, in any thread, give up soon
 * (SINK_UNAVAILABLE), and every later one too: for a process that exits. */
void sink_stop_all(void);
bool sink_stopping(void);

/* 'SINK' (a struct sink *) as the implementation's struct TYPE, which embeds
 * struct sink as 'up', after checking that it is of class 'CLASS'. */
#define SINK_CAST(SINK, TYPE, CLASS) \
    CONTAINER_OF(sink_check_class(SINK, CLASS), TYPE, up)
struct sink *sink_check_class(struct sink *, const struct sink_class *);

extern const struct sink_class sink_file_class;
extern const struct sink_class sink_swift_class;
extern const struct sink_class sink_s3_class;

#endif /* flowlog-sink.h */
