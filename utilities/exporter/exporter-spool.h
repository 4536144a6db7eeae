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

#ifndef EXPORTER_SPOOL_H
#define EXPORTER_SPOOL_H 1

/* The exporter's durable spool: one file per snapshot, named by the
 * snapshot's logger, boot UUID and sequence number, holding the snapshot's
 * frames as they came over the channel.  A snapshot is written to its file
 * frame by frame as it arrives, so the exporter never holds a whole
 * snapshot in memory.  It is acknowledged to ovs-vswitchd only once its
 * file is durable (temporary name, fsync, rename, fsync of the directory),
 * and leaves the spool only once its sink confirmed the file, it was
 * dropped to keep its logger within its share, or its logger was deleted
 * long enough ago.
 *
 * The spool's size bound is shared fairly between loggers: with N loggers
 * holding or writing spool data, each is guaranteed max_bytes / N and may
 * borrow space that nobody else uses.  A logger that needs room within
 * its share takes it back from the loggers most over theirs (their oldest
 * snapshots are dropped, those of loggers whose deliveries fail first).  A
 * logger past its share whose deliveries fail makes room by dropping its
 * own oldest snapshots, and when it has none left, the snapshot arriving
 * is dropped; one whose deliveries work waits for them instead (the
 * snapshot is not acknowledged yet).  Every drop is counted per logger and
 * logged; no snapshot is ever dropped or refused because of another
 * logger's failing target. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/flowlog.pb-c.h"
#include "openvswitch/hmap.h"

struct ds;
struct json;
struct ofpbuf;
struct flowlog_identity;
struct flowlog_record;

/* A snapshot in the spool. */
struct exporter_spool_entry {
    struct hmap_node hmap_node;     /* In exporter_spool's 'entries'. */
    char *boot_uuid;
    uint64_t seq;
    char *logger;
    char *options;                  /* The logger string of the snapshot. */
    long long int start_ms;         /* Start of the snapshot (UNIX ms). */
    uint64_t n_records;
    uint64_t size;                  /* Bytes of its file. */
    char *file_name;                /* Base name, in the spool directory. */
    bool busy;                      /* Being delivered: not dropped. */
};

struct exporter_spool;
struct exporter_spool_writer;

/* Called after one of 'logger''s snapshots was dropped or discarded. */
typedef void exporter_spool_drop_func(const char *logger, void *aux);

char *exporter_spool_open(const char *dir, uint64_t max_bytes,
                          long long int grace_ms,
                          struct exporter_spool **)
    OVS_WARN_UNUSED_RESULT;
void exporter_spool_close(struct exporter_spool *);
void exporter_spool_set_drop_cb(struct exporter_spool *,
                                exporter_spool_drop_func *, void *aux);

void exporter_spool_run(struct exporter_spool *);
void exporter_spool_wait(struct exporter_spool *);

bool exporter_spool_knows(const struct exporter_spool *,
                          const char *boot_uuid, uint64_t seq);
bool exporter_spool_has_room(struct exporter_spool *, const char *logger,
                             uint64_t size);

/* Receiving a snapshot into the spool, frame by frame. */
int exporter_spool_begin(struct exporter_spool *,
                         const Flowlog__Message *begin,
                         struct exporter_spool_writer **, char **error)
    OVS_WARN_UNUSED_RESULT;
int exporter_spool_write(struct exporter_spool *,
                         struct exporter_spool_writer *,
                         const Flowlog__Message *, char **error)
    OVS_WARN_UNUSED_RESULT;
int exporter_spool_commit(struct exporter_spool *,
                          struct exporter_spool_writer *,
                          const Flowlog__Message *end, bool *dropped,
                          char **error)
    OVS_WARN_UNUSED_RESULT;
void exporter_spool_abort(struct exporter_spool *,
                          struct exporter_spool_writer *);

/* Loggers. */
void exporter_spool_peer_hello(struct exporter_spool *);
void exporter_spool_logger_configured(struct exporter_spool *,
                                      const char *logger, bool configured);
void exporter_spool_logger_failing(struct exporter_spool *,
                                   const char *logger, bool failing);
void exporter_spool_logger_counters(const struct exporter_spool *,
                                    const char *logger, uint64_t *dropped,
                                    uint64_t *dropped_records);
bool exporter_spool_discard(struct exporter_spool *, const char *logger,
                            struct ds *reply);

/* Delivery. */
const struct exporter_spool_entry *exporter_spool_oldest(
    const struct exporter_spool *,
    bool (*ready)(const struct exporter_spool_entry *, void *aux),
    void *aux);
void exporter_spool_hold(struct exporter_spool *,
                         const struct exporter_spool_entry *, bool busy);
struct exporter_spool_reader;
int exporter_spool_reader_open(const struct exporter_spool *,
                               const struct exporter_spool_entry *,
                               struct exporter_spool_reader **,
                               const Flowlog__SnapshotBegin **,
                               char **error)
    OVS_WARN_UNUSED_RESULT;
int exporter_spool_reader_next(struct exporter_spool_reader *,
                               const struct flowlog_record **, size_t *n,
                               char **error)
    OVS_WARN_UNUSED_RESULT;
void exporter_spool_reader_close(struct exporter_spool_reader *);
int exporter_spool_dir_fd(const struct exporter_spool *);
void exporter_spool_remove(struct exporter_spool *,
                           const struct exporter_spool_entry *);
void exporter_spool_quarantine(struct exporter_spool *,
                               const struct exporter_spool_entry *);

size_t exporter_spool_count(const struct exporter_spool *);
void exporter_spool_format(const struct exporter_spool *, struct ds *);
struct json *exporter_spool_to_json(const struct exporter_spool *);


#endif /* exporter-spool.h */
