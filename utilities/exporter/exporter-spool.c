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

#include <config.h>
#include "utilities/exporter/exporter-spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "byte-order.h"
#include "hash.h"
#include "lib/flowlog-config.h"
#include "lib/flowlog-msg.h"
#include "lockfile.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "socket-util.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(exporter_spool);

/* Every spool file starts with these 8 bytes, then the snapshot's frames:
 * SnapshotBegin, SnapshotRecords..., SnapshotEnd. */
#define SPOOL_MAGIC "OVSFLSP1"
#define SPOOL_MAGIC_LEN 8
#define SPOOL_SUFFIX ".snap"

/* The smallest encoding of a Record inside SnapshotRecords: a tag and a
 * zero length.  A spool file of N bytes holds fewer than N / 2 records. */
#define MIN_RECORD_BYTES 2

/* How long, and how many, delivered snapshots are remembered, so that one
 * that ovs-vswitchd sends again (its Ack was lost with a connection) is
 * acknowledged again instead of written twice.  ovs-vswitchd resends right
 * after it reconnects, so minutes are plenty; after an exporter restart
 * a resent snapshot is delivered again to the same object key, which
 * overwrites it with the same bytes. */
#define DELIVERED_MAX_AGE_MS (60 * 60 * 1000)
#define DELIVERED_MAX 65536

/* How often the spool notices files removed from outside the exporter. */
#define CHECK_INTERVAL_MS 5000

/* exporter/show lists at most this many snapshots per logger. */
#define SHOW_MAX_SNAPSHOTS 10

struct delivered {
    struct hmap_node hmap_node;
    struct ovs_list list_node;      /* In 'delivered_lru', oldest first. */
    char *boot_uuid;
    uint64_t seq;
    long long int when;
};

/* What the spool knows of a logger: its snapshots' space and what it lost.
 * Kept for the life of the exporter, for its counters. */
struct spool_logger {
    char *name;                     /* Key in exporter_spool's 'loggers'. */
    uint64_t bytes;                 /* Of its entries. */
    uint64_t incoming;              /* Of its snapshots being received. */
    size_t n_entries;
    uint64_t n_records;             /* Of its entries. */

    /* Whether a connected ovs-vswitchd configures it, and if not, since
     * when (LLONG_MAX: not known yet, e.g. found in the spool at start and
     * no ovs-vswitchd has connected since). */
    bool configured;
    long long int orphan_since;

    /* The last delivery of one of its snapshots failed. */
    bool failing;

    uint64_t n_dropped, n_dropped_records;      /* Past its share. */
    uint64_t n_discarded, n_discarded_records;  /* Deleted logger. */
};

struct exporter_spool {
    char *dir;
    int dfd;                        /* The spool directory. */
    struct lockfile *lockfile;
    uint64_t max_bytes;
    long long int grace_ms;         /* Deleted loggers' snapshots. */
    uint64_t bytes;                 /* Sum of the entries' sizes. */
    uint64_t incoming;              /* Sum of the writers' sizes. */
    bool disk_full;                 /* A write failed for want of space. */
    struct hmap entries;            /* struct exporter_spool_entry. */
    struct shash loggers;           /* struct spool_logger. */
    struct hmap delivered;          /* struct delivered. */
    struct ovs_list delivered_lru;
    long long int next_check;       /* Of files removed from outside. */
    exporter_spool_drop_func *drop_cb;
    void *drop_aux;
    uint64_t n_added, n_removed, n_quarantined, n_vanished;
    uint64_t n_dropped, n_discarded;
};

/* A snapshot being received. */
struct exporter_spool_writer {
    struct exporter_spool_entry *e; /* Not in the spool until committed. */
    struct spool_logger *l;
    char *tmp;                      /* Temporary name, in the spool. */
    int fd;                         /* -1 if dropped. */
    bool dropped;                   /* No room within its logger's share. */
    struct ofpbuf buf;              /* One frame at a time. */
};

static uint32_t
snapshot_hash(const char *boot_uuid, uint64_t seq)
{
    return hash_string(boot_uuid, hash_uint64(seq));
}

static struct exporter_spool_entry *
entry_find(const struct exporter_spool *spool, const char *boot_uuid,
           uint64_t seq)
{
    struct exporter_spool_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, hmap_node, snapshot_hash(boot_uuid, seq),
                             &spool->entries) {
        if (e->seq == seq && !strcmp(e->boot_uuid, boot_uuid)) {
            return e;
        }
    }
    return NULL;
}

static struct delivered *
delivered_find(const struct exporter_spool *spool, const char *boot_uuid,
               uint64_t seq)
{
    struct delivered *d;

    HMAP_FOR_EACH_WITH_HASH (d, hmap_node, snapshot_hash(boot_uuid, seq),
                             &spool->delivered) {
        if (d->seq == seq && !strcmp(d->boot_uuid, boot_uuid)) {
            return d;
        }
    }
    return NULL;
}

static void
delivered_remove(struct exporter_spool *spool, struct delivered *d)
{
    hmap_remove(&spool->delivered, &d->hmap_node);
    ovs_list_remove(&d->list_node);
    free(d->boot_uuid);
    free(d);
}

static void
delivered_expire(struct exporter_spool *spool)
{
    long long int now = time_msec();
    struct delivered *d;

    LIST_FOR_EACH_SAFE (d, list_node, &spool->delivered_lru) {
        if (hmap_count(&spool->delivered) <= DELIVERED_MAX
            && now - d->when < DELIVERED_MAX_AGE_MS) {
            break;
        }
        delivered_remove(spool, d);
    }
}

static struct spool_logger *
logger_get(struct exporter_spool *spool, const char *name)
{
    struct spool_logger *l = shash_find_data(&spool->loggers, name);

    if (!l) {
        l = xzalloc(sizeof *l);
        l->name = xstrdup(name);
        l->orphan_since = LLONG_MAX;
        shash_add(&spool->loggers, name, l);
    }
    return l;
}

/* "web_5a1f6c2e-...-00000000000000000001.snap": logger names have no '_'
 * (flowlog_logger_name_valid()). */
static char *
spool_file_name(const char *logger, const char *boot_uuid, uint64_t seq)
{
    return xasprintf("%s_%s-%020"PRIu64 SPOOL_SUFFIX, logger, boot_uuid,
                     seq);
}

/* The name that versions before 0.2 gave spool files, still read. */
static char *
old_spool_file_name(const char *boot_uuid, uint64_t seq)
{
    return xasprintf("%s-%020"PRIu64 SPOOL_SUFFIX, boot_uuid, seq);
}

static void
entry_destroy(struct exporter_spool_entry *e)
{
    if (e) {
        free(e->boot_uuid);
        free(e->logger);
        free(e->options);
        free(e->file_name);
        free(e);
    }
}

static struct exporter_spool_entry *
entry_create(const Flowlog__SnapshotBegin *begin, uint64_t size,
             const char *file_name)
{
    struct exporter_spool_entry *e = xzalloc(sizeof *e);

    e->boot_uuid = xstrdup(begin->boot_uuid);
    e->seq = begin->seq;
    e->logger = xstrdup(begin->logger->name);
    e->options = xstrdup(begin->logger->options);
    e->start_ms = begin->start_ms;
    e->n_records = begin->n_records;
    e->size = size;
    e->file_name = (file_name
                    ? xstrdup(file_name)
                    : spool_file_name(e->logger, e->boot_uuid, e->seq));
    return e;
}

static void
entry_insert(struct exporter_spool *spool, struct exporter_spool_entry *e)
{
    struct spool_logger *l = logger_get(spool, e->logger);

    hmap_insert(&spool->entries, &e->hmap_node,
                snapshot_hash(e->boot_uuid, e->seq));
    spool->bytes += e->size;
    l->bytes += e->size;
    l->n_entries++;
    l->n_records += e->n_records;
}

/* Takes 'e' out of the spool's index and frees it (its file stays). */
static void
entry_forget(struct exporter_spool *spool, struct exporter_spool_entry *e)
{
    struct spool_logger *l = logger_get(spool, e->logger);

    hmap_remove(&spool->entries, &e->hmap_node);
    spool->bytes -= e->size;
    l->bytes -= e->size;
    l->n_entries--;
    l->n_records -= e->n_records;
    entry_destroy(e);
}

/* Reads the magic and the first frame of 'file_name' (in the spool) into
 * 'buf' (or less, if the file is shorter).  Stores the file's size in
 * '*sizep'. */
static int
read_file(const struct exporter_spool *spool, const char *file_name,
          struct ofpbuf *buf, uint64_t *sizep,
          char **error)
{
    int fd = openat(spool->dfd, file_name,
                    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    size_t want = SPOOL_MAGIC_LEN + 4;
    int retval = 0;
    struct stat st;

    if (fd < 0 || fstat(fd, &st)) {
        retval = errno;
        *error = xasprintf("%s/%s: open failed (%s)", spool->dir, file_name,
                           ovs_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return retval;
    }
    *sizep = st.st_size;

    while (buf->size < want) {
        ofpbuf_prealloc_tailroom(buf, MIN(want - buf->size, 65536));
        ssize_t n = read(fd, ofpbuf_tail(buf),
                         MIN(want - buf->size, ofpbuf_tailroom(buf)));
        if (n > 0) {
            buf->size += n;
            if (buf->size == SPOOL_MAGIC_LEN + 4
                && want == SPOOL_MAGIC_LEN + 4) {
                /* Now the first frame's length is known. */
                ovs_be32 len;
                memcpy(&len, (uint8_t *) buf->data + SPOOL_MAGIC_LEN,
                       sizeof len);
                want += MIN(ntohl(len), FLOWLOG_MAX_FRAME + 1);
            }
        } else if (!n) {
            break;
        } else if (errno != EINTR) {
            retval = errno;
            *error = xasprintf("%s/%s: read failed (%s)", spool->dir,
                               file_name, ovs_strerror(errno));
            break;
        }
    }
    close(fd);
    return retval;
}

/* Parses the start of a spool file of 'file_size' bytes held in 'buf'
 * (consumed) and returns its SnapshotBegin message in '*beginp'. */
static int
parse_file(struct ofpbuf *buf, uint64_t file_size, Flowlog__Message **beginp,
           char **error)
{
    struct flowlog_rx rx;
    Flowlog__Message *begin = NULL;
    int retval = EPROTO;

    *beginp = NULL;
    if (buf->size < SPOOL_MAGIC_LEN
        || memcmp(buf->data, SPOOL_MAGIC, SPOOL_MAGIC_LEN)) {
        *error = xstrdup("not a spool file (bad magic)");
        return EPROTO;
    }
    ofpbuf_pull(buf, SPOOL_MAGIC_LEN);

    flowlog_rx_init(&rx);
    ofpbuf_put(&rx.buf, buf->data, buf->size);

    if (flowlog_rx_parse(&rx, &begin, error)) {
        if (!*error) {
            *error = xstrdup("truncated before SnapshotBegin");
        }
        goto out;
    }
    if (begin->body_case != FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN) {
        *error = xstrdup("does not start with SnapshotBegin");
        goto out;
    }
    const Flowlog__SnapshotBegin *b = begin->snapshot_begin;
    if (!flowlog_logger_name_valid(b->logger->name)) {
        *error = xasprintf("invalid logger name \"%s\"", b->logger->name);
        goto out;
    }
    if (b->n_records > file_size / MIN_RECORD_BYTES) {
        *error = xasprintf("%"PRIu64" records announced in a file of "
                           "%"PRIu64" bytes", b->n_records, file_size);
        goto out;
    }
    retval = 0;

out:
    if (!retval) {
        *beginp = begin;
    } else {
        flowlog_msg_free(begin);
    }
    flowlog_rx_destroy(&rx);
    return retval;
}

/* Renames spool file 'file_name' to *.bad and logs why.  Returns false if
 * the file is gone. */
static bool
quarantine_file(struct exporter_spool *spool, const char *file_name,
                const char *why)
{
    char *to = xasprintf("%s.bad", file_name);
    bool exists = true;

    if (renameat(spool->dfd, file_name, spool->dfd, to)) {
        if (errno == ENOENT) {
            exists = false;
        } else {
            VLOG_ERR("%s/%s: %s; renaming it to %s failed (%s)", spool->dir,
                     file_name, why, to, ovs_strerror(errno));
            spool->n_quarantined++;
        }
    } else {
        VLOG_ERR("%s/%s: %s; moved aside to %s/%s", spool->dir, file_name,
                 why, spool->dir, to);
        spool->n_quarantined++;
    }
    free(to);
    return exists;
}

/* Indexes the spool files already in the directory: what an earlier run
 * acknowledged but did not deliver. */
static char *
spool_scan(struct exporter_spool *spool)
{
    int fd = openat(spool->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0) {
            close(fd);
        }
        return xasprintf("%s: cannot read the spool directory (%s)",
                         spool->dir, ovs_strerror(errno));
    }

    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        const char *name = de->d_name;
        size_t len = strlen(name);

        if (name[0] == '.' && len > 4 && !strcmp(name + len - 4, ".tmp")) {
            /* A write that a crash interrupted: never acknowledged. */
            unlinkat(spool->dfd, name, 0);
            continue;
        }
        if (len <= strlen(SPOOL_SUFFIX)
            || strcmp(name + len - strlen(SPOOL_SUFFIX), SPOOL_SUFFIX)) {
            continue;
        }

        struct ofpbuf buf;
        Flowlog__Message *begin;
        char *error = NULL;

        uint64_t size = 0;
        ofpbuf_init(&buf, 0);
        int retval = read_file(spool, name, &buf, &size, &error);
        if (!retval) {
            retval = parse_file(&buf, size, &begin, &error);
        }
        ofpbuf_uninit(&buf);
        if (retval) {
            quarantine_file(spool, name, error);
            free(error);
            continue;
        }

        const Flowlog__SnapshotBegin *b = begin->snapshot_begin;
        char *expected = spool_file_name(b->logger->name, b->boot_uuid,
                                         b->seq);
        char *old = old_spool_file_name(b->boot_uuid, b->seq);
        if ((strcmp(expected, name) && strcmp(old, name))
            || entry_find(spool, b->boot_uuid, b->seq)) {
            quarantine_file(spool, name, "its name does not match its "
                            "snapshot");
        } else {
            entry_insert(spool, entry_create(b, size, name));
        }
        free(expected);
        free(old);
        flowlog_msg_free(begin);
    }
    closedir(dir);
    return NULL;
}

static char *
make_dirs(const char *dir)
{
    char *copy = xstrdup(dir);
    char *error = NULL;

    for (char *p = copy + 1; ; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(copy, 0700) && errno != EEXIST) {
                error = xasprintf("%s: cannot create the spool directory "
                                  "(%s)", copy, ovs_strerror(errno));
                break;
            }
            *p = c;
            if (!c) {
                break;
            }
        }
    }
    free(copy);
    return error;
}

/* Opens (creating it if needed) the spool in absolute directory 'dir' with
 * bound 'max_bytes', locks it against other exporters, and indexes what it
 * holds.  The snapshots of a deleted logger are kept for 'grace_ms', then
 * discarded.  Returns NULL on success, otherwise an error message. */
char *
exporter_spool_open(const char *dir, uint64_t max_bytes,
                    long long int grace_ms, struct exporter_spool **spoolp)
{
    struct exporter_spool *spool = xzalloc(sizeof *spool);
    char *error;

    *spoolp = NULL;
    spool->dir = xstrdup(dir);
    spool->dfd = -1;
    spool->max_bytes = max_bytes;
    spool->grace_ms = grace_ms;
    hmap_init(&spool->entries);
    shash_init(&spool->loggers);
    hmap_init(&spool->delivered);
    ovs_list_init(&spool->delivered_lru);

    error = make_dirs(dir);
    if (!error) {
        char *lock_name = xasprintf("%s/spool", dir);
        int retval = lockfile_lock(lock_name, &spool->lockfile);
        if (retval) {
            error = xasprintf("%s: cannot lock the spool (%s)%s", dir,
                              ovs_strerror(retval),
                              retval == EAGAIN
                              ? ": another ovs-flowlog-exporter uses it" : "");
        }
        free(lock_name);
    }
    if (!error) {
        spool->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (spool->dfd < 0) {
            error = xasprintf("%s: cannot open the spool directory (%s)",
                              dir, ovs_strerror(errno));
        }
    }
    if (!error) {
        error = spool_scan(spool);
    }
    if (error) {
        exporter_spool_close(spool);
        return error;
    }

    if (hmap_count(&spool->entries)) {
        VLOG_INFO("%s: resuming %"PRIuSIZE" snapshots (%"PRIu64" bytes) "
                  "that earlier runs acknowledged", dir,
                  hmap_count(&spool->entries), spool->bytes);
    }
    spool->next_check = time_msec() + CHECK_INTERVAL_MS;
    *spoolp = spool;
    return NULL;
}

void
exporter_spool_close(struct exporter_spool *spool)
{
    if (spool) {
        struct exporter_spool_entry *e;
        HMAP_FOR_EACH_POP (e, hmap_node, &spool->entries) {
            entry_destroy(e);
        }
        hmap_destroy(&spool->entries);

        struct shash_node *node;
        SHASH_FOR_EACH (node, &spool->loggers) {
            struct spool_logger *l = node->data;
            free(l->name);
            free(l);
        }
        shash_destroy(&spool->loggers);

        struct delivered *d;
        LIST_FOR_EACH_SAFE (d, list_node, &spool->delivered_lru) {
            delivered_remove(spool, d);
        }
        hmap_destroy(&spool->delivered);
        if (spool->dfd >= 0) {
            close(spool->dfd);
        }
        lockfile_unlock(spool->lockfile);
        free(spool->dir);
        free(spool);
    }
}

/* 'cb' is called with the name of a logger after one of its snapshots was
 * dropped or discarded (its counters changed). */
void
exporter_spool_set_drop_cb(struct exporter_spool *spool,
                           exporter_spool_drop_func *cb, void *aux)
{
    spool->drop_cb = cb;
    spool->drop_aux = aux;
}

/* True if snapshot ('boot_uuid', 'seq') is in the spool or was delivered
 * recently: it needs an Ack, not another copy. */
bool
exporter_spool_knows(const struct exporter_spool *spool,
                     const char *boot_uuid, uint64_t seq)
{
    return (entry_find(spool, boot_uuid, seq)
            || delivered_find(spool, boot_uuid, seq));
}

/* True unless a write failed for want of space on the spool's file system
 * and it does not have room for 'size' bytes again yet (with a margin for
 * the directory and the file system's own blocks). */
static bool
exporter_spool_disk_has_room(struct exporter_spool *spool, uint64_t size)
{
    struct statvfs vfs;

    if (spool->disk_full
        && !fstatvfs(spool->dfd, &vfs)
        && ((uint64_t) vfs.f_bavail * vfs.f_frsize
            >= size + 2 * vfs.f_bsize)) {
        spool->disk_full = false;
    }
    return !spool->disk_full;
}

/* Fairness. */

static uint64_t
logger_usage(const struct spool_logger *l)
{
    return l->bytes + l->incoming;
}

/* max_bytes / N, where N counts the loggers that hold or write spool data,
 * and 'l' (if nonnull) even if it does not yet. */
static uint64_t
fair_share(const struct exporter_spool *spool, const struct spool_logger *l)
{
    struct shash_node *node;
    size_t n = 0;

    SHASH_FOR_EACH (node, &spool->loggers) {
        const struct spool_logger *x = node->data;
        if (x == l || logger_usage(x)) {
            n++;
        }
    }
    return spool->max_bytes / MAX(n, 1);
}

/* The oldest entry of logger 'name' that is not being delivered. */
static struct exporter_spool_entry *
oldest_of(const struct exporter_spool *spool, const char *name)
{
    struct exporter_spool_entry *best = NULL;
    struct exporter_spool_entry *e;

    HMAP_FOR_EACH (e, hmap_node, &spool->entries) {
        if (!e->busy && !strcmp(e->logger, name)
            && (!best || e->start_ms < best->start_ms
                || (e->start_ms == best->start_ms && e->seq < best->seq))) {
            best = e;
        }
    }
    return best;
}

static void
notify_drop(struct exporter_spool *spool, const char *logger)
{
    if (spool->drop_cb) {
        spool->drop_cb(logger, spool->drop_aux);
    }
}

/* Drops spooled entry 'e' to keep the spool within its bound: 'for_whom'
 * is the logger that needed the room. */
static void
drop_entry(struct exporter_spool *spool, struct exporter_spool_entry *e,
           const struct spool_logger *for_whom, uint64_t share)
{
    struct spool_logger *l = logger_get(spool, e->logger);
    char *start = flowlog_xastrftime_ms(e->start_ms);
    char *logger = xstrdup(e->logger);

    l->n_dropped++;
    l->n_dropped_records += e->n_records;
    spool->n_dropped++;
    if (for_whom == l) {
        VLOG_WARN("logger %s: dropped its oldest spooled snapshot %s/%"PRIu64
                  " (interval starting %s, %"PRIu64" records) to stay "
                  "within its share of the spool (%"PRIu64" of %"PRIu64
                  " bytes); %"PRIu64" of its snapshots dropped so far",
                  logger, e->boot_uuid, e->seq, start, e->n_records, share,
                  spool->max_bytes, l->n_dropped);
    } else {
        VLOG_WARN("logger %s: dropped its oldest spooled snapshot %s/%"PRIu64
                  " (interval starting %s, %"PRIu64" records): it holds "
                  "%"PRIu64" bytes, more than its share of the spool "
                  "(%"PRIu64" of %"PRIu64" bytes), and logger %s needs room "
                  "within its own; %"PRIu64" of its snapshots dropped so far",
                  logger, e->boot_uuid, e->seq, start, e->n_records,
                  logger_usage(l), share, spool->max_bytes, for_whom->name,
                  l->n_dropped);
    }
    if (unlinkat(spool->dfd, e->file_name, 0) && errno != ENOENT) {
        VLOG_WARN("%s/%s: removing the dropped snapshot failed (%s)",
                  spool->dir, e->file_name, ovs_strerror(errno));
    }
    entry_forget(spool, e);
    free(start);
    notify_drop(spool, logger);
    free(logger);
}

enum room {
    ROOM_OK,                    /* Write it. */
    ROOM_DROP,                  /* Drop the snapshot that needs it. */
    ROOM_WAIT,                  /* Do not acknowledge it yet. */
};

/* The oldest spooled entry of the logger other than 'l' that holds the
 * most, and more than 'floor' bytes, among the loggers whose deliveries
 * fail if 'failing_only', otherwise among all.  NULL if none of those has
 * an entry that is not being delivered. */
static struct exporter_spool_entry *
pick_victim(const struct exporter_spool *spool, const struct spool_logger *l,
            uint64_t floor, bool failing_only)
{
    struct exporter_spool_entry *victim = NULL;
    uint64_t most = floor;
    struct shash_node *node;

    SHASH_FOR_EACH (node, &spool->loggers) {
        const struct spool_logger *x = node->data;
        if (x != l && logger_usage(x) > most
            && (x->failing || !failing_only)) {
            struct exporter_spool_entry *e = oldest_of(spool, x->name);
            if (e) {
                victim = e;
                most = logger_usage(x);
            }
        }
    }
    return victim;
}

/* Makes room for 'need' more bytes of logger 'l' within the spool's bound,
 * dropping spooled snapshots as the fairness rules say (see
 * exporter-spool.h), in this order:
 *
 *   - the oldest snapshot of the logger whose deliveries fail that is
 *     most over its share (if 'l''s deliveries fail too, only if that
 *     logger holds more than 'l' would);
 *
 *   - if 'l' is within its share, the oldest snapshot of the logger most
 *     over its share, even one whose deliveries work;
 *
 *   - if 'l' is past its share and its deliveries fail, its own oldest
 *     snapshot, and if it has none left, ROOM_DROP: the snapshot that
 *     needs the room is dropped;
 *
 *   - if 'l' is past its share and its deliveries work (a burst, say
 *     after a reconnection), ROOM_WAIT while its spooled snapshots drain,
 *     so that a working logger loses nothing; ROOM_DROP only if it has
 *     nothing spooled that could drain (a snapshot larger than its share
 *     and the free space together). */
static enum room
make_room(struct exporter_spool *spool, struct spool_logger *l,
          uint64_t need)
{
    for (;;) {
        uint64_t used = spool->bytes + spool->incoming;
        if (used <= spool->max_bytes && need <= spool->max_bytes - used) {
            return ROOM_OK;
        }

        uint64_t share = fair_share(spool, l);
        uint64_t mine = logger_usage(l) + need;
        struct exporter_spool_entry *victim
            = pick_victim(spool, l, l->failing ? MAX(share, mine) : share,
                          true);
        if (!victim && mine <= share) {
            victim = pick_victim(spool, l, share, false);
            if (!victim) {
                /* What is over the bound is being received or delivered
                 * right now: it frees up soon.  Never refuse 'l'. */
                return ROOM_OK;
            }
        }
        if (!victim && l->failing) {
            victim = oldest_of(spool, l->name);
            if (!victim) {
                return ROOM_DROP;
            }
        }
        if (!victim) {
            return l->n_entries ? ROOM_WAIT : ROOM_DROP;
        }
        drop_entry(spool, victim, l, share);
    }
}

/* Would a snapshot of 'size' bytes of logger 'name' that had to wait
 * (ROOM_WAIT, or a full file system) be taken now? */
bool
exporter_spool_has_room(struct exporter_spool *spool, const char *name,
                        uint64_t size)
{
    struct spool_logger *l = logger_get(spool, name);
    uint64_t used = spool->bytes + spool->incoming;

    if (!exporter_spool_disk_has_room(spool, size)) {
        return false;
    }
    return ((used <= spool->max_bytes && size <= spool->max_bytes - used)
            || logger_usage(l) + size <= fair_share(spool, l)
            || l->failing || !l->n_entries);
}

/* Records whether the last delivery of one of logger 'name''s snapshots
 * failed. */
void
exporter_spool_logger_failing(struct exporter_spool *spool,
                              const char *name, bool failing)
{
    logger_get(spool, name)->failing = failing;
}

/* Receiving. */

static void
writer_release(struct exporter_spool *spool, struct exporter_spool_writer *w)
{
    if (w->fd >= 0) {
        close(w->fd);
        w->fd = -1;
    }
    if (!w->dropped) {
        unlinkat(spool->dfd, w->tmp, 0);
    }
    spool->incoming -= w->e->size;
    w->l->incoming -= w->e->size;
    w->e->size = 0;
}

static void
writer_destroy(struct exporter_spool_writer *w)
{
    entry_destroy(w->e);
    ofpbuf_uninit(&w->buf);
    free(w->tmp);
    free(w);
}

/* Appends 'size' bytes to the file of 'w', within its logger's share: if
 * there is no room, the snapshot is dropped (and 0 returned), or ENOBUFS
 * is returned if it should wait. */
static int
writer_put(struct exporter_spool *spool, struct exporter_spool_writer *w,
           const void *data, size_t size)
{
    if (w->dropped) {
        return 0;
    }
    switch (make_room(spool, w->l, size)) {
    case ROOM_OK:
        break;
    case ROOM_DROP:
        writer_release(spool, w);
        w->dropped = true;
        return 0;
    case ROOM_WAIT:
        return ENOBUFS;
    }

    size_t written;
    int retval = write_fully(w->fd, data, size, &written);
    if (retval) {
        return retval;
    }
    w->e->size += size;
    w->l->incoming += size;
    spool->incoming += size;
    return 0;
}

static int
writer_put_msg(struct exporter_spool *spool, struct exporter_spool_writer *w,
               const Flowlog__Message *msg)
{
    ofpbuf_clear(&w->buf);
    flowlog_msg_put(&w->buf, msg);
    return writer_put(spool, w, w->buf.data, w->buf.size);
}

static int
writer_error(struct exporter_spool *spool, struct exporter_spool_writer *w,
             const char *what, int retval, char **error)
{
    if (retval == ENOBUFS) {
        *error = xasprintf("logger %s is past its share of the spool "
                           "(%"PRIu64" of %"PRIu64" bytes) while its "
                           "spooled snapshots are delivered", w->l->name,
                           fair_share(spool, w->l), spool->max_bytes);
        return retval;
    }
    *error = xasprintf("%s %s/%s failed (%s)", what, spool->dir,
                       w->e->file_name, ovs_strerror(retval));
    if (retval == ENOSPC || retval == EDQUOT) {
        spool->disk_full = true;
    }
    return retval;
}

/* Starts receiving the snapshot whose SnapshotBegin is 'begin' (which the
 * spool file records as it is) into the spool.  On success stores in
 * '*wp' a writer for exporter_spool_write() and exporter_spool_commit() or
 * exporter_spool_abort().  Returns a positive errno value and a message in
 * '*error' on failure. */
int
exporter_spool_begin(struct exporter_spool *spool,
                     const Flowlog__Message *begin,
                     struct exporter_spool_writer **wp, char **error)
{
    const Flowlog__SnapshotBegin *b = begin->snapshot_begin;
    struct exporter_spool_writer *w = xzalloc(sizeof *w);

    *wp = NULL;
    *error = NULL;
    w->e = entry_create(b, 0, NULL);
    w->l = logger_get(spool, b->logger->name);
    w->tmp = xasprintf(".%s.tmp", w->e->file_name);
    ofpbuf_init(&w->buf, 0);

    unlinkat(spool->dfd, w->tmp, 0);
    w->fd = openat(spool->dfd, w->tmp,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   0600);
    if (w->fd < 0) {
        int retval = writer_error(spool, w, "create", errno, error);
        writer_destroy(w);
        return retval;
    }

    int retval = writer_put(spool, w, SPOOL_MAGIC, SPOOL_MAGIC_LEN);
    if (!retval) {
        retval = writer_put_msg(spool, w, begin);
    }
    if (retval) {
        writer_error(spool, w, "write", retval, error);
        exporter_spool_abort(spool, w);
        return retval;
    }
    *wp = w;
    return 0;
}

/* Appends 'msg' (SnapshotRecords) to the snapshot that 'w' receives.  On
 * failure, returns a positive errno value with a message in '*error', and
 * 'w' is to be aborted. */
int
exporter_spool_write(struct exporter_spool *spool,
                     struct exporter_spool_writer *w,
                     const Flowlog__Message *msg, char **error)
{
    int retval = writer_put_msg(spool, w, msg);

    *error = NULL;
    return retval ? writer_error(spool, w, "write", retval, error) : 0;
}

/* Appends 'end' (SnapshotEnd) to the snapshot that 'w' receives and makes
 * it durable: when this returns 0 the snapshot survives a crash of the
 * exporter or the host, or it was dropped (counted and logged) to keep its
 * logger within its share of the spool, as '*dropped' says.  Either way it
 * may be acknowledged.  Returns a positive errno value with a message in
 * '*error' on failure, leaving nothing behind.  Frees 'w'. */
int
exporter_spool_commit(struct exporter_spool *spool,
                      struct exporter_spool_writer *w,
                      const Flowlog__Message *end, bool *dropped,
                      char **error)
{
    const char *what = "write";
    int retval = writer_put_msg(spool, w, end);

    *error = NULL;
    *dropped = false;
    if (!retval && w->dropped) {
        struct spool_logger *l = w->l;
        struct exporter_spool_entry *e = w->e;
        char *start = flowlog_xastrftime_ms(e->start_ms);

        l->n_dropped++;
        l->n_dropped_records += e->n_records;
        spool->n_dropped++;
        VLOG_WARN("logger %s: dropped snapshot %s/%"PRIu64" (interval "
                  "starting %s, %"PRIu64" records) as it arrived: the "
                  "logger is past its share of the spool (%"PRIu64" of "
                  "%"PRIu64" bytes) with nothing older left to drop; "
                  "%"PRIu64" of its snapshots dropped so far", l->name,
                  e->boot_uuid, e->seq, start, e->n_records,
                  fair_share(spool, l), spool->max_bytes, l->n_dropped);
        free(start);
        *dropped = true;
        char *logger = xstrdup(l->name);
        writer_destroy(w);
        notify_drop(spool, logger);
        free(logger);
        return 0;
    }

    if (!retval) {
        what = "fsync";
        retval = fsync(w->fd) ? errno : 0;
    }
    if (!retval) {
        what = "close";
        retval = close(w->fd) ? errno : 0;
        w->fd = -1;
    }
    if (!retval) {
        what = "rename";
        retval = (renameat(spool->dfd, w->tmp, spool->dfd, w->e->file_name)
                  ? errno : 0);
    }
    if (!retval) {
        what = "fsync of the directory of";
        retval = fsync(spool->dfd) ? errno : 0;
        if (retval) {
            /* Renamed but maybe not durable: not acknowledged, so take it
             * back; ovs-vswitchd sends it again. */
            unlinkat(spool->dfd, w->e->file_name, 0);
        }
    }
    if (retval) {
        writer_error(spool, w, what, retval, error);
        exporter_spool_abort(spool, w);
        return retval;
    }

    struct exporter_spool_entry *e = w->e;
    uint64_t size = e->size;
    w->e = NULL;
    spool->incoming -= size;
    w->l->incoming -= size;
    entry_insert(spool, e);
    spool->n_added++;
    free(w->tmp);
    ofpbuf_uninit(&w->buf);
    free(w);
    return 0;
}

/* Abandons the snapshot that 'w' receives (if nonnull) and frees 'w'. */
void
exporter_spool_abort(struct exporter_spool *spool,
                     struct exporter_spool_writer *w)
{
    if (w) {
        writer_release(spool, w);
        writer_destroy(w);
    }
}

/* Loggers. */

/* An ovs-vswitchd said Hello: it configures its loggers next, so from now
 * on a logger found in the spool that nobody configures is a deleted one. */
void
exporter_spool_peer_hello(struct exporter_spool *spool)
{
    long long int now = time_msec();
    struct shash_node *node;

    SHASH_FOR_EACH (node, &spool->loggers) {
        struct spool_logger *l = node->data;
        if (!l->configured && l->orphan_since == LLONG_MAX) {
            l->orphan_since = now;
        }
    }
}

/* Logger 'name' was configured or, with 'configured' false, deleted. */
void
exporter_spool_logger_configured(struct exporter_spool *spool,
                                 const char *name, bool configured)
{
    struct spool_logger *l = logger_get(spool, name);

    if (configured) {
        l->configured = true;
        l->orphan_since = LLONG_MAX;
    } else {
        l->configured = false;
        l->orphan_since = time_msec();
        if (l->n_entries) {
            VLOG_INFO("logger %s: deleted; its %"PRIuSIZE" spooled "
                      "snapshots are still delivered for %lld s, then "
                      "discarded (exporter/discard %s discards them now)",
                      name, l->n_entries, spool->grace_ms / 1000, name);
        }
    }
}

/* Snapshots of logger 'name' dropped past its share since the exporter
 * started, and their records. */
void
exporter_spool_logger_counters(const struct exporter_spool *spool,
                               const char *name, uint64_t *dropped,
                               uint64_t *dropped_records)
{
    const struct spool_logger *l = shash_find_data(&spool->loggers, name);

    *dropped = l ? l->n_dropped : 0;
    *dropped_records = l ? l->n_dropped_records : 0;
}

/* Discards the spooled snapshots of logger 'l' that are not being
 * delivered; 'why' says why, for the log.  Returns how many. */
static size_t
discard_logger(struct exporter_spool *spool, struct spool_logger *l,
               const char *why, uint64_t *recordsp, uint64_t *bytesp)
{
    struct exporter_spool_entry *e;
    uint64_t records = 0, bytes = 0;
    size_t n = 0;

    HMAP_FOR_EACH_SAFE (e, hmap_node, &spool->entries) {
        if (!e->busy && !strcmp(e->logger, l->name)) {
            if (unlinkat(spool->dfd, e->file_name, 0) && errno != ENOENT) {
                VLOG_WARN("%s/%s: removing the discarded snapshot failed "
                          "(%s)", spool->dir, e->file_name,
                          ovs_strerror(errno));
            }
            n++;
            records += e->n_records;
            bytes += e->size;
            entry_forget(spool, e);
        }
    }
    if (n) {
        l->n_discarded += n;
        l->n_discarded_records += records;
        spool->n_discarded += n;
        VLOG_WARN("logger %s: %s: discarded its %"PRIuSIZE" spooled "
                  "snapshots (%"PRIu64" records, %"PRIu64" bytes)", l->name,
                  why, n, records, bytes);
        notify_drop(spool, l->name);
    }
    if (recordsp) {
        *recordsp = records;
        *bytesp = bytes;
    }
    return n;
}

/* exporter/discard LOGGER: discards the logger's spooled snapshots now.
 * Returns false, with an error in 'reply', if the spool never held a
 * snapshot of 'name' nor heard of it. */
bool
exporter_spool_discard(struct exporter_spool *spool, const char *name,
                       struct ds *reply)
{
    struct spool_logger *l = shash_find_data(&spool->loggers, name);
    uint64_t records, bytes;

    if (!l) {
        ds_put_format(reply, "no logger %s in the spool", name);
        return false;
    }

    size_t n = discard_logger(spool, l, "exporter/discard", &records,
                              &bytes);
    ds_put_format(reply, "discarded %"PRIuSIZE" snapshots (%"PRIu64
                  " records, %"PRIu64" bytes) of logger %s", n, records,
                  bytes, name);
    if (l->n_entries) {
        ds_put_format(reply, "; %"PRIuSIZE" being delivered right now "
                      "stays", l->n_entries);
    }
    return true;
}

/* Forgets the entries whose files were removed from outside the exporter,
 * with a warning for each. */
static void
check_vanished(struct exporter_spool *spool)
{
    struct exporter_spool_entry *e;

    HMAP_FOR_EACH_SAFE (e, hmap_node, &spool->entries) {
        struct stat st;

        if (!e->busy
            && fstatat(spool->dfd, e->file_name, &st, AT_SYMLINK_NOFOLLOW)
            && errno == ENOENT) {
            VLOG_WARN("%s/%s: removed from outside the exporter: snapshot "
                      "%s/%"PRIu64" of logger %s (%"PRIu64" records) is "
                      "lost", spool->dir, e->file_name, e->boot_uuid, e->seq,
                      e->logger, e->n_records);
            spool->n_vanished++;
            entry_forget(spool, e);
        }
    }
}

void
exporter_spool_run(struct exporter_spool *spool)
{
    long long int now = time_msec();

    if (now >= spool->next_check) {
        check_vanished(spool);
        spool->next_check = now + CHECK_INTERVAL_MS;
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, &spool->loggers) {
        struct spool_logger *l = node->data;
        if (l->n_entries && !l->configured
            && l->orphan_since != LLONG_MAX
            && now - l->orphan_since >= spool->grace_ms) {
            char *why = xasprintf("deleted %lld s ago (grace period %lld s)",
                                  (now - l->orphan_since) / 1000,
                                  spool->grace_ms / 1000);
            discard_logger(spool, l, why, NULL, NULL);
            free(why);
        }
    }
}

void
exporter_spool_wait(struct exporter_spool *spool)
{
    struct shash_node *node;

    poll_timer_wait_until(spool->next_check);
    SHASH_FOR_EACH (node, &spool->loggers) {
        const struct spool_logger *l = node->data;
        if (l->n_entries && !l->configured
            && l->orphan_since != LLONG_MAX) {
            poll_timer_wait_until(l->orphan_since + spool->grace_ms);
        }
    }
}

/* Delivery. */

/* Returns the entry with the earliest snapshot start (then boot UUID and
 * sequence number) for which 'ready' returns true, or NULL. */
const struct exporter_spool_entry *
exporter_spool_oldest(const struct exporter_spool *spool,
                      bool (*ready)(const struct exporter_spool_entry *,
                                    void *aux),
                      void *aux)
{
    const struct exporter_spool_entry *best = NULL;
    const struct exporter_spool_entry *e;

    HMAP_FOR_EACH (e, hmap_node, &spool->entries) {
        if (best) {
            int c = (e->start_ms != best->start_ms
                     ? (e->start_ms < best->start_ms ? -1 : 1)
                     : strcmp(e->boot_uuid, best->boot_uuid));
            if (c > 0 || (!c && e->seq > best->seq)) {
                continue;
            }
        }
        if (!ready || ready(e, aux)) {
            best = e;
        }
    }
    return best;
}

/* Marks 'e' as being delivered ('busy'), so that it is neither dropped
 * nor discarded meanwhile, or no longer. */
void
exporter_spool_hold(struct exporter_spool *spool OVS_UNUSED,
                    const struct exporter_spool_entry *e, bool busy)
{
    CONST_CAST(struct exporter_spool_entry *, e)->busy = busy;
}

/* Reading a spool file back frame by frame. */
struct exporter_spool_reader {
    int fd;
    char *path;                     /* For error messages. */
    uint64_t file_size;
    struct flowlog_rx rx;
    Flowlog__Message *begin;
    Flowlog__Message *msg;          /* Frame whose records are current. */
    struct flowlog_record *records; /* FLOWLOG_RECORDS_PER_FRAME. */
    struct flowlog_identity *ids;
    size_t n;                       /* Records of 'msg' in 'records'. */
    uint64_t n_read;                /* Records read so far. */
    bool done;                      /* SnapshotEnd read. */
};

/* Reads the next frame of 'r''s file into '*msgp'. */
static int
reader_frame(struct exporter_spool_reader *r, Flowlog__Message **msgp,
             char **error)
{
    for (;;) {
        int retval = flowlog_rx_parse(&r->rx, msgp, error);
        if (retval != EAGAIN) {
            return retval;
        }

        /* Keep the buffered bytes at the start of the buffer, so that it
         * holds at most one frame and one read. */
        if (r->rx.buf.data != r->rx.buf.base) {
            ofpbuf_shift(&r->rx.buf, (char *) r->rx.buf.base
                         - (char *) r->rx.buf.data);
        }
        ofpbuf_prealloc_tailroom(&r->rx.buf, 65536);
        ssize_t n = read(r->fd, ofpbuf_tail(&r->rx.buf), 65536);
        if (n > 0) {
            r->rx.buf.size += n;
        } else if (!n) {
            *error = xasprintf("truncated after %"PRIu64" of %"PRIu64
                               " records", r->n_read,
                               r->begin ? r->begin->snapshot_begin->n_records
                                        : 0);
            return EPROTO;
        } else if (errno != EINTR) {
            *error = xasprintf("read failed (%s)", ovs_strerror(errno));
            return errno;
        }
    }
}

static void
reader_clear_records(struct exporter_spool_reader *r)
{
    for (size_t i = 0; i < r->n; i++) {
        flowlog_identity_destroy(&r->ids[i]);
    }
    r->n = 0;
    flowlog_msg_free(r->msg);
    r->msg = NULL;
}

/* Opens entry 'e''s file for exporter_spool_reader_next(), which reads it
 * one frame at a time, so that the memory it takes does not depend on the
 * snapshot's size.  Safe in a worker thread while 'e' is held
 * (exporter_spool_hold()).  On success, '*beginp' is the snapshot's
 * SnapshotBegin, valid until exporter_spool_reader_close(). */
int
exporter_spool_reader_open(const struct exporter_spool *spool,
                           const struct exporter_spool_entry *e,
                           struct exporter_spool_reader **rp,
                           const Flowlog__SnapshotBegin **beginp,
                           char **error)
{
    struct exporter_spool_reader *r = xzalloc(sizeof *r);
    char magic[SPOOL_MAGIC_LEN];
    struct stat st;
    int retval = 0;

    *rp = NULL;
    *error = NULL;
    r->path = xasprintf("%s/%s", spool->dir, e->file_name);
    flowlog_rx_init(&r->rx);
    r->fd = openat(spool->dfd, e->file_name,
                   O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (r->fd < 0 || fstat(r->fd, &st)) {
        retval = errno;
        *error = xasprintf("open failed (%s)", ovs_strerror(retval));
        goto error;
    }
    r->file_size = st.st_size;

    ssize_t n = read(r->fd, magic, sizeof magic);
    if (n != sizeof magic || memcmp(magic, SPOOL_MAGIC, SPOOL_MAGIC_LEN)) {
        retval = EPROTO;
        *error = xstrdup("not a spool file (bad magic)");
        goto error;
    }
    retval = reader_frame(r, &r->begin, error);
    if (retval) {
        goto error;
    }
    if (r->begin->body_case != FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN) {
        retval = EPROTO;
        *error = xstrdup("does not start with SnapshotBegin");
        goto error;
    }
    r->records = xcalloc(FLOWLOG_RECORDS_PER_FRAME, sizeof *r->records);
    r->ids = xcalloc(FLOWLOG_RECORDS_PER_FRAME, sizeof *r->ids);
    *beginp = r->begin->snapshot_begin;
    *rp = r;
    return 0;

error:
    {
        char *with_path = xasprintf("%s: %s", r->path, *error);
        free(*error);
        *error = with_path;
    }
    exporter_spool_reader_close(r);
    return retval;
}

/* Reads the records of the next frame: on success stores in '*recordsp'
 * and '*np' the records (valid until the next call), or 0 records at the
 * end of the snapshot. */
int
exporter_spool_reader_next(struct exporter_spool_reader *r,
                           const struct flowlog_record **recordsp,
                           size_t *np, char **error)
{
    const Flowlog__SnapshotBegin *b = r->begin->snapshot_begin;
    Flowlog__Message *msg;

    *error = NULL;
    *recordsp = r->records;
    *np = 0;
    reader_clear_records(r);
    if (r->done) {
        return 0;
    }

    int retval = reader_frame(r, &msg, error);
    if (!retval) {
        if (msg->body_case == FLOWLOG__MESSAGE__BODY_SNAPSHOT_END) {
            flowlog_msg_free(msg);
            r->done = true;
            if (r->n_read != b->n_records) {
                retval = EPROTO;
                *error = xasprintf("%"PRIu64" of %"PRIu64" records",
                                   r->n_read, b->n_records);
            }
        } else if (msg->body_case
                   != FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS) {
            flowlog_msg_free(msg);
            retval = EPROTO;
            *error = xstrdup("unexpected message inside the snapshot");
        } else if (msg->snapshot_records->n_records
                   > b->n_records - r->n_read) {
            flowlog_msg_free(msg);
            retval = EPROTO;
            *error = xstrdup("more records than announced");
        } else {
            /* flowlog_rx_parse() refuses more than
             * FLOWLOG_RECORDS_PER_FRAME records in a frame. */
            const Flowlog__SnapshotRecords *sr = msg->snapshot_records;
            r->msg = msg;
            for (size_t i = 0; i < sr->n_records; i++) {
                flowlog_record_from_pb(sr->records[i], &r->records[i],
                                       &r->ids[i]);
            }
            r->n = sr->n_records;
            r->n_read += r->n;
            *np = r->n;
        }
    }
    if (retval) {
        char *with_path = xasprintf("%s: %s", r->path, *error);
        free(*error);
        *error = with_path;
    }
    return retval;
}

void
exporter_spool_reader_close(struct exporter_spool_reader *r)
{
    if (r) {
        reader_clear_records(r);
        if (r->fd >= 0) {
            close(r->fd);
        }
        flowlog_msg_free(r->begin);
        flowlog_rx_destroy(&r->rx);
        free(r->records);
        free(r->ids);
        free(r->path);
        free(r);
    }
}

/* The spool directory, for a worker thread's temporary files (names that
 * start with '.' and end in ".tmp": removed at start if a crash left
 * them). */
int
exporter_spool_dir_fd(const struct exporter_spool *spool)
{
    return spool->dfd;
}

/* Removes delivered entry 'e' (which is freed) from the spool. */
void
exporter_spool_remove(struct exporter_spool *spool,
                      const struct exporter_spool_entry *e_)
{
    struct exporter_spool_entry *e = CONST_CAST(struct exporter_spool_entry *,
                                                e_);

    if (unlinkat(spool->dfd, e->file_name, 0) && errno != ENOENT) {
        VLOG_WARN("%s/%s: removing the delivered snapshot failed (%s)",
                  spool->dir, e->file_name, ovs_strerror(errno));
    }

    struct delivered *d = xmalloc(sizeof *d);
    d->boot_uuid = xstrdup(e->boot_uuid);
    d->seq = e->seq;
    d->when = time_msec();
    hmap_insert(&spool->delivered, &d->hmap_node,
                snapshot_hash(d->boot_uuid, d->seq));
    ovs_list_push_back(&spool->delivered_lru, &d->list_node);
    delivered_expire(spool);

    spool->n_removed++;
    entry_forget(spool, e);
}

/* Moves entry 'e', which cannot be read back, out of the way (renamed to
 * *.bad, with an error logged) and forgets it.  A file removed from
 * outside the exporter is only forgotten, with a warning. */
void
exporter_spool_quarantine(struct exporter_spool *spool,
                          const struct exporter_spool_entry *e_)
{
    struct exporter_spool_entry *e = CONST_CAST(struct exporter_spool_entry *,
                                                e_);

    if (!quarantine_file(spool, e->file_name, "unreadable spool file")) {
        VLOG_WARN("%s/%s: removed from outside the exporter: snapshot "
                  "%s/%"PRIu64" of logger %s (%"PRIu64" records) is lost",
                  spool->dir, e->file_name, e->boot_uuid, e->seq, e->logger,
                  e->n_records);
        spool->n_vanished++;
    }
    entry_forget(spool, e);
}

size_t
exporter_spool_count(const struct exporter_spool *spool)
{
    return hmap_count(&spool->entries);
}

static int
compare_entries(const void *a_, const void *b_)
{
    const struct exporter_spool_entry *const *a = a_;
    const struct exporter_spool_entry *const *b = b_;

    if ((*a)->start_ms != (*b)->start_ms) {
        return (*a)->start_ms < (*b)->start_ms ? -1 : 1;
    }
    int c = strcmp((*a)->boot_uuid, (*b)->boot_uuid);
    return c ? c : (*a)->seq < (*b)->seq ? -1 : (*a)->seq > (*b)->seq;
}

/* Returns a malloc()'d array of the spooled entries of 'l', in the order
 * exporter/show lists them, and their number in '*n'. */
static const struct exporter_spool_entry **
logger_entries(const struct exporter_spool *spool,
               const struct spool_logger *l, size_t *n)
{
    const struct exporter_spool_entry **v
        = xmalloc(MAX(l->n_entries, 1) * sizeof *v);
    const struct exporter_spool_entry *e;

    *n = 0;
    HMAP_FOR_EACH (e, hmap_node, &spool->entries) {
        if (!strcmp(e->logger, l->name) && *n < l->n_entries) {
            v[(*n)++] = e;
        }
    }
    qsort(v, *n, sizeof *v, compare_entries);
    return v;
}

static void
format_logger(const struct exporter_spool *spool,
              const struct spool_logger *l, struct ds *s)
{
    ds_put_format(s, "  logger %s: %"PRIuSIZE" snapshots, %"PRIu64
                  " records, %"PRIu64" bytes", l->name, l->n_entries,
                  l->n_records, l->bytes);
    if (l->incoming) {
        ds_put_format(s, " (+%"PRIu64" arriving)", l->incoming);
    }
    ds_put_format(s, ", share %"PRIu64", dropped %"PRIu64" (%"PRIu64
                  " records), discarded %"PRIu64" (%"PRIu64" records)",
                  fair_share(spool, l), l->n_dropped, l->n_dropped_records,
                  l->n_discarded, l->n_discarded_records);
    if (!l->configured && l->orphan_since != LLONG_MAX && l->n_entries) {
        long long int left = (l->orphan_since + spool->grace_ms
                              - time_msec());
        ds_put_format(s, ", deleted: discarded in %lld s", MAX(left, 0)
                      / 1000);
    }
    ds_put_char(s, '\n');

    if (!l->n_entries) {
        return;
    }
    size_t n;
    const struct exporter_spool_entry **v = logger_entries(spool, l, &n);
    for (size_t i = 0; i < n && i < SHOW_MAX_SNAPSHOTS; i++) {
        char *start = flowlog_xastrftime_ms(v[i]->start_ms);
        ds_put_format(s, "    %s/%"PRIu64": %s, %"PRIu64" records, %"PRIu64
                      " bytes%s\n", v[i]->boot_uuid, v[i]->seq, start,
                      v[i]->n_records, v[i]->size,
                      v[i]->busy ? ", delivering" : "");
        free(start);
    }
    if (n > SHOW_MAX_SNAPSHOTS) {
        ds_put_format(s, "    ... and %"PRIuSIZE" more\n",
                      n - SHOW_MAX_SNAPSHOTS);
    }
    free(v);
}

void
exporter_spool_format(const struct exporter_spool *spool, struct ds *s)
{
    ds_put_format(s, "spool: %s\n", spool->dir);
    ds_put_format(s, "  entries: %"PRIuSIZE", bytes: %"PRIu64", bound: "
                  "%"PRIu64" bytes%s\n", hmap_count(&spool->entries),
                  spool->bytes, spool->max_bytes,
                  (spool->disk_full
                   ? " (file system full: not acknowledging)" : ""));
    ds_put_format(s, "  written: %"PRIu64", delivered: %"PRIu64
                  ", unreadable: %"PRIu64, spool->n_added, spool->n_removed,
                  spool->n_quarantined);
    if (spool->n_dropped) {
        ds_put_format(s, ", dropped: %"PRIu64, spool->n_dropped);
    }
    if (spool->n_discarded) {
        ds_put_format(s, ", discarded: %"PRIu64, spool->n_discarded);
    }
    if (spool->n_vanished) {
        ds_put_format(s, ", removed from outside: %"PRIu64,
                      spool->n_vanished);
    }
    ds_put_char(s, '\n');

    /* The loggers that hold something or lost something. */
    const struct shash_node **nodes = shash_sort(&spool->loggers);
    for (size_t i = 0; i < shash_count(&spool->loggers); i++) {
        const struct spool_logger *l = nodes[i]->data;
        if (logger_usage(l) || l->n_dropped || l->n_discarded) {
            format_logger(spool, l, s);
        }
    }
    free(nodes);
}

/* Returns what format_logger() prints of 'l' as a JSON object. */
static struct json *
logger_to_json(const struct exporter_spool *spool,
               const struct spool_logger *l)
{
    struct json *obj = json_object_create();

    json_object_put(obj, "snapshots", json_integer_create(l->n_entries));
    json_object_put(obj, "records", json_integer_create(l->n_records));
    json_object_put(obj, "bytes", json_integer_create(l->bytes));
    json_object_put(obj, "arriving", json_integer_create(l->incoming));
    json_object_put(obj, "share",
                    json_integer_create(fair_share(spool, l)));
    json_object_put(obj, "dropped", json_integer_create(l->n_dropped));
    json_object_put(obj, "dropped_records",
                    json_integer_create(l->n_dropped_records));
    json_object_put(obj, "discarded", json_integer_create(l->n_discarded));
    json_object_put(obj, "discarded_records",
                    json_integer_create(l->n_discarded_records));
    if (!l->configured && l->orphan_since != LLONG_MAX && l->n_entries) {
        long long int left = (l->orphan_since + spool->grace_ms
                              - time_msec());
        json_object_put(obj, "deleted_discarded_in_s",
                        json_integer_create(MAX(left, 0) / 1000));
    } else {
        json_object_put(obj, "deleted_discarded_in_s", json_null_create());
    }

    size_t n;
    const struct exporter_spool_entry **v = logger_entries(spool, l, &n);

    struct json *entries = json_array_create_empty();
    for (size_t i = 0; i < n && i < SHOW_MAX_SNAPSHOTS; i++) {
        struct json *ej = json_object_create();

        json_object_put_string(ej, "boot", v[i]->boot_uuid);
        json_object_put(ej, "seq", json_integer_create(v[i]->seq));
        json_object_put(ej, "start", json_string_create_nocopy(
                            flowlog_xastrftime_ms(v[i]->start_ms)));
        json_object_put(ej, "records", json_integer_create(v[i]->n_records));
        json_object_put(ej, "bytes", json_integer_create(v[i]->size));
        json_object_put(ej, "delivering", json_boolean_create(v[i]->busy));
        json_array_add(entries, ej);
    }
    json_object_put(obj, "entries", entries);
    json_object_put(obj, "more_entries",
                    json_integer_create(n > SHOW_MAX_SNAPSHOTS
                                        ? n - SHOW_MAX_SNAPSHOTS : 0));
    free(v);
    return obj;
}

/* Returns what exporter_spool_format() prints as a JSON object. */
struct json *
exporter_spool_to_json(const struct exporter_spool *spool)
{
    struct json *obj = json_object_create();

    json_object_put_string(obj, "dir", spool->dir);
    json_object_put(obj, "entries",
                    json_integer_create(hmap_count(&spool->entries)));
    json_object_put(obj, "bytes", json_integer_create(spool->bytes));
    json_object_put(obj, "max_bytes", json_integer_create(spool->max_bytes));
    json_object_put(obj, "file_system_full",
                    json_boolean_create(spool->disk_full));
    json_object_put(obj, "written", json_integer_create(spool->n_added));
    json_object_put(obj, "delivered", json_integer_create(spool->n_removed));
    json_object_put(obj, "unreadable",
                    json_integer_create(spool->n_quarantined));
    json_object_put(obj, "dropped", json_integer_create(spool->n_dropped));
    json_object_put(obj, "discarded",
                    json_integer_create(spool->n_discarded));
    json_object_put(obj, "removed_from_outside",
                    json_integer_create(spool->n_vanished));

    /* The loggers that hold something or lost something. */
    struct json *loggers = json_object_create();
    struct shash_node *node;
    SHASH_FOR_EACH (node, &spool->loggers) {
        const struct spool_logger *l = node->data;
        if (logger_usage(l) || l->n_dropped || l->n_discarded) {
            json_object_put(loggers, l->name, logger_to_json(spool, l));
        }
    }
    json_object_put(obj, "loggers", loggers);
    return obj;
}
