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
 * snapshot's (boot UUID, sequence number), holding the snapshot's frames as
 * they came over the channel.  A snapshot is acknowledged to ovs-vswitchd
 * only once its file is durable (temporary name, fsync, rename, fsync of
 * the directory), and leaves the spool only once its sink confirmed the
 * file.  The spool survives restarts and has a size bound. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/flowlog.pb-c.h"
#include "openvswitch/hmap.h"

struct ds;
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
    uint64_t size;                  /* Bytes of its file. */
    char *file_name;                /* Base name, in the spool directory. */
};

/* A snapshot read back from the spool. */
struct exporter_snapshot {
    Flowlog__Message *begin;        /* body.snapshot_begin. */
    size_t n_records;
    struct flowlog_record *records;
    struct flowlog_identity *ids;   /* records[i].id == &ids[i]. */
};

struct exporter_spool;

char *exporter_spool_open(const char *dir, uint64_t max_bytes,
                          struct exporter_spool **)
    OVS_WARN_UNUSED_RESULT;
void exporter_spool_close(struct exporter_spool *);

bool exporter_spool_knows(const struct exporter_spool *,
                          const char *boot_uuid, uint64_t seq);
bool exporter_spool_has_room(struct exporter_spool *, uint64_t frames_size);
int exporter_spool_add(struct exporter_spool *,
                       const Flowlog__SnapshotBegin *,
                       const struct ofpbuf *frames, char **error)
    OVS_WARN_UNUSED_RESULT;

const struct exporter_spool_entry *exporter_spool_oldest(
    const struct exporter_spool *,
    bool (*ready)(const struct exporter_spool_entry *, void *aux),
    void *aux);
int exporter_spool_load(const struct exporter_spool *,
                        const struct exporter_spool_entry *,
                        struct exporter_snapshot *, char **error)
    OVS_WARN_UNUSED_RESULT;
void exporter_spool_remove(struct exporter_spool *,
                           const struct exporter_spool_entry *);
void exporter_spool_quarantine(struct exporter_spool *,
                               const struct exporter_spool_entry *);

size_t exporter_spool_count(const struct exporter_spool *);
void exporter_spool_format(const struct exporter_spool *, struct ds *);

void exporter_snapshot_destroy(struct exporter_snapshot *);

#endif /* exporter-spool.h */
