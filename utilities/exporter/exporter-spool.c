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
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "byte-order.h"
#include "hash.h"
#include "lib/flowlog-msg.h"
#include "lockfile.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(exporter_spool);

/* Every spool file starts with these 8 bytes, then the snapshot's frames:
 * SnapshotBegin, SnapshotRecords..., SnapshotEnd. */
#define SPOOL_MAGIC "OVSFLSP1"
#define SPOOL_MAGIC_LEN 8
#define SPOOL_SUFFIX ".snap"

/* How long, and how many, delivered snapshots are remembered, so that one
 * that ovs-vswitchd sends again (its Ack was lost with a connection) is
 * acknowledged again instead of written twice.  ovs-vswitchd resends right
 * after it reconnects, so minutes are plenty; after an exporter restart
 * a resent snapshot is delivered again to the same object key, which
 * overwrites it with the same bytes. */
#define DELIVERED_MAX_AGE_MS (60 * 60 * 1000)
#define DELIVERED_MAX 65536

struct delivered {
    struct hmap_node hmap_node;
    struct ovs_list list_node;      /* In 'delivered_lru', oldest first. */
    char *boot_uuid;
    uint64_t seq;
    long long int when;
};

struct exporter_spool {
    char *dir;
    struct lockfile *lockfile;
    uint64_t max_bytes;
    uint64_t bytes;                 /* Sum of the entries' sizes. */
    bool full;                      /* Last has_room() said no. */
    bool disk_full;                 /* A write failed for want of space. */
    struct hmap entries;            /* struct exporter_spool_entry. */
    struct hmap delivered;          /* struct delivered. */
    struct ovs_list delivered_lru;
    uint64_t n_added, n_removed, n_quarantined;
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

static char *
spool_file_name(const char *boot_uuid, uint64_t seq)
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
entry_create(const Flowlog__SnapshotBegin *begin, uint64_t size)
{
    struct exporter_spool_entry *e = xzalloc(sizeof *e);

    e->boot_uuid = xstrdup(begin->boot_uuid);
    e->seq = begin->seq;
    e->logger = xstrdup(begin->logger->name);
    e->options = xstrdup(begin->logger->options);
    e->start_ms = begin->start_ms;
    e->size = size;
    e->file_name = spool_file_name(e->boot_uuid, e->seq);
    return e;
}

static void
entry_insert(struct exporter_spool *spool, struct exporter_spool_entry *e)
{
    hmap_insert(&spool->entries, &e->hmap_node,
                snapshot_hash(e->boot_uuid, e->seq));
    spool->bytes += e->size;
}

/* Reads 'file_name' (in 'dir') into 'buf': all of it, or with 'header_only'
 * only the magic and the first frame (or less, if the file is shorter).
 * Stores the file's size in '*sizep'. */
static int
read_file(const char *dir, const char *file_name, bool header_only,
          struct ofpbuf *buf, uint64_t *sizep, char **error)
{
    char *path = xasprintf("%s/%s", dir, file_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t want = header_only ? SPOOL_MAGIC_LEN + 4 : SIZE_MAX;
    int retval = 0;
    struct stat st;

    if (fd < 0 || fstat(fd, &st)) {
        retval = errno;
        *error = xasprintf("%s: open failed (%s)", path, ovs_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        free(path);
        return retval;
    }
    *sizep = st.st_size;

    while (buf->size < want) {
        ofpbuf_prealloc_tailroom(buf, MIN(want - buf->size, 65536));
        ssize_t n = read(fd, ofpbuf_tail(buf),
                         MIN(want - buf->size, ofpbuf_tailroom(buf)));
        if (n > 0) {
            buf->size += n;
            if (header_only && buf->size == SPOOL_MAGIC_LEN + 4
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
            *error = xasprintf("%s: read failed (%s)", path,
                               ovs_strerror(errno));
            break;
        }
    }
    close(fd);
    free(path);
    return retval;
}

/* Parses a spool file held in 'buf' (consumed).  If 'snap' is nonnull,
 * fills it with the whole snapshot, otherwise only returns the
 * SnapshotBegin message in '*beginp' (if nonnull). */
static int
parse_file(struct ofpbuf *buf, Flowlog__Message **beginp,
           struct exporter_snapshot *snap, char **error)
{
    struct flowlog_rx rx;
    Flowlog__Message *begin = NULL;
    Flowlog__Message *msg;
    int retval = EPROTO;
    size_t n = 0;

    if (beginp) {
        *beginp = NULL;
    }
    if (snap) {
        memset(snap, 0, sizeof *snap);
    }
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
    if (!snap) {
        retval = 0;
        goto out;
    }

    if (b->n_records > SIZE_MAX / sizeof *snap->records) {
        *error = xstrdup("impossible record count");
        goto out;
    }
    snap->records = xcalloc(b->n_records ? b->n_records : 1,
                            sizeof *snap->records);
    snap->ids = xcalloc(b->n_records ? b->n_records : 1,
                        sizeof *snap->ids);
    for (;;) {
        int error_ = flowlog_rx_parse(&rx, &msg, error);
        if (error_) {
            if (!*error) {
                *error = xasprintf("truncated after %"PRIuSIZE" of "
                                   "%"PRIu64" records", n, b->n_records);
            }
            goto out;
        }
        if (msg->body_case == FLOWLOG__MESSAGE__BODY_SNAPSHOT_END) {
            flowlog_msg_free(msg);
            break;
        }
        if (msg->body_case != FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS) {
            flowlog_msg_free(msg);
            *error = xstrdup("unexpected message inside the snapshot");
            goto out;
        }
        const Flowlog__SnapshotRecords *r = msg->snapshot_records;
        if (r->n_records > b->n_records - n) {
            flowlog_msg_free(msg);
            *error = xstrdup("more records than announced");
            goto out;
        }
        for (size_t i = 0; i < r->n_records; i++, n++) {
            flowlog_record_from_pb(r->records[i], &snap->records[n],
                                   &snap->ids[n]);
        }
        flowlog_msg_free(msg);
    }
    if (n != b->n_records) {
        *error = xasprintf("%"PRIuSIZE" of %"PRIu64" records", n,
                           b->n_records);
        goto out;
    }
    snap->n_records = n;
    retval = 0;

out:
    if (snap) {
        if (retval) {
            snap->n_records = n;
            exporter_snapshot_destroy(snap);
            flowlog_msg_free(begin);
        } else {
            snap->begin = begin;
        }
    } else if (!retval && beginp) {
        *beginp = begin;
    } else {
        flowlog_msg_free(begin);
    }
    flowlog_rx_destroy(&rx);
    return retval;
}

static void
quarantine_file(struct exporter_spool *spool, const char *file_name,
                const char *why)
{
    char *from = xasprintf("%s/%s", spool->dir, file_name);
    char *to = xasprintf("%s.bad", from);

    if (rename(from, to)) {
        VLOG_ERR("%s: %s; renaming it to %s failed (%s)", from, why, to,
                 ovs_strerror(errno));
    } else {
        VLOG_ERR("%s: %s; moved aside to %s", from, why, to);
    }
    spool->n_quarantined++;
    free(from);
    free(to);
}

/* Indexes the spool files already in the directory: what an earlier run
 * acknowledged but did not deliver. */
static char *
spool_scan(struct exporter_spool *spool)
{
    DIR *dir = opendir(spool->dir);
    if (!dir) {
        return xasprintf("%s: cannot read the spool directory (%s)",
                         spool->dir, ovs_strerror(errno));
    }

    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        const char *name = de->d_name;
        size_t len = strlen(name);

        if (name[0] == '.' && len > 4 && !strcmp(name + len - 4, ".tmp")) {
            /* A write that a crash interrupted: never acknowledged. */
            char *path = xasprintf("%s/%s", spool->dir, name);
            unlink(path);
            free(path);
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
        int retval = read_file(spool->dir, name, true, &buf, &size, &error);
        if (!retval) {
            retval = parse_file(&buf, &begin, NULL, &error);
        }
        ofpbuf_uninit(&buf);
        if (retval) {
            quarantine_file(spool, name, error);
            free(error);
            continue;
        }

        const Flowlog__SnapshotBegin *b = begin->snapshot_begin;
        struct exporter_spool_entry *e = entry_create(b, size);
        if (strcmp(e->file_name, name)
            || entry_find(spool, e->boot_uuid, e->seq)) {
            quarantine_file(spool, name, "its name does not match its "
                            "snapshot");
            entry_destroy(e);
        } else {
            entry_insert(spool, e);
        }
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
 * holds.  Returns NULL on success, otherwise an error message. */
char *
exporter_spool_open(const char *dir, uint64_t max_bytes,
                    struct exporter_spool **spoolp)
{
    struct exporter_spool *spool = xzalloc(sizeof *spool);
    char *error;

    *spoolp = NULL;
    spool->dir = xstrdup(dir);
    spool->max_bytes = max_bytes;
    hmap_init(&spool->entries);
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

        struct delivered *d;
        LIST_FOR_EACH_SAFE (d, list_node, &spool->delivered_lru) {
            delivered_remove(spool, d);
        }
        hmap_destroy(&spool->delivered);
        lockfile_unlock(spool->lockfile);
        free(spool->dir);
        free(spool);
    }
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

/* After a write failed with ENOSPC or EDQUOT: true once the spool's file
 * system has room for 'size' bytes again, with a margin for the directory
 * and the file system's own blocks. */
static bool
disk_has_room(struct exporter_spool *spool, uint64_t size)
{
    struct statvfs vfs;

    if (statvfs(spool->dir, &vfs)) {
        return false;
    }
    return (uint64_t) vfs.f_bavail * vfs.f_frsize >= size + 2 * vfs.f_bsize;
}

/* True if a snapshot whose frames take 'frames_size' bytes fits in the
 * spool's bound and, after a write failed for want of space, on its file
 * system.  Remembers the answer for exporter_spool_format(). */
bool
exporter_spool_has_room(struct exporter_spool *spool, uint64_t frames_size)
{
    uint64_t size = frames_size + SPOOL_MAGIC_LEN;

    if (spool->disk_full && disk_has_room(spool, size)) {
        spool->disk_full = false;
    }
    spool->full = (spool->disk_full
                   || size > spool->max_bytes
                   || spool->bytes > spool->max_bytes - size);
    return !spool->full;
}

static int
write_fully(int fd, const void *data, size_t size)
{
    const char *p = data;

    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        p += n;
        size -= n;
    }
    return 0;
}

/* Writes the snapshot that 'begin' starts and whose frames (SnapshotBegin
 * through SnapshotEnd) are in 'frames' to the spool, durably: when this
 * returns 0 the snapshot survives a crash of the exporter or the host.
 * Returns a positive errno value and a message in '*error' on failure,
 * leaving nothing behind. */
int
exporter_spool_add(struct exporter_spool *spool,
                   const Flowlog__SnapshotBegin *begin,
                   const struct ofpbuf *frames, char **error)
{
    struct exporter_spool_entry *e
        = entry_create(begin, SPOOL_MAGIC_LEN + frames->size);
    char *tmp = xasprintf(".%s.tmp", e->file_name);
    const char *what = "open";
    int retval = 0;
    int fd = -1;

    *error = NULL;
    int dfd = open(spool->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        retval = errno;
        goto out;
    }

    what = "create";
    unlinkat(dfd, tmp, 0);
    fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0600);
    if (fd < 0) {
        retval = errno;
        goto out;
    }
    what = "write";
    retval = write_fully(fd, SPOOL_MAGIC, SPOOL_MAGIC_LEN);
    if (!retval) {
        retval = write_fully(fd, frames->data, frames->size);
    }
    if (!retval) {
        what = "fsync";
        retval = fsync(fd) ? errno : 0;
    }
    if (close(fd) && !retval) {
        what = "close";
        retval = errno;
    }
    fd = -1;
    if (!retval) {
        what = "rename";
        retval = renameat(dfd, tmp, dfd, e->file_name) ? errno : 0;
    }
    if (!retval) {
        what = "fsync of the directory of";
        retval = fsync(dfd) ? errno : 0;
    }

out:
    if (retval) {
        *error = xasprintf("%s %s/%s failed (%s)", what, spool->dir,
                           e->file_name, ovs_strerror(retval));
        if (retval == ENOSPC || retval == EDQUOT) {
            spool->disk_full = spool->full = true;
        }
        if (dfd >= 0) {
            unlinkat(dfd, tmp, 0);
            if (!strcmp(what, "fsync of the directory of")) {
                /* Renamed but maybe not durable: not acknowledged, so take
                 * it back; ovs-vswitchd sends it again. */
                unlinkat(dfd, e->file_name, 0);
            }
        }
        entry_destroy(e);
    } else {
        entry_insert(spool, e);
        spool->n_added++;
    }
    if (dfd >= 0) {
        close(dfd);
    }
    free(tmp);
    return retval;
}

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

/* Reads entry 'e' back into 'snap'. */
int
exporter_spool_load(const struct exporter_spool *spool,
                    const struct exporter_spool_entry *e,
                    struct exporter_snapshot *snap, char **error)
{
    struct ofpbuf buf;

    *error = NULL;
    memset(snap, 0, sizeof *snap);
    uint64_t size;
    ofpbuf_init(&buf, e->size);
    int retval = read_file(spool->dir, e->file_name, false, &buf, &size,
                           error);
    if (!retval) {
        retval = parse_file(&buf, NULL, snap, error);
    }
    ofpbuf_uninit(&buf);
    return retval;
}

static void
entry_forget(struct exporter_spool *spool, struct exporter_spool_entry *e)
{
    hmap_remove(&spool->entries, &e->hmap_node);
    spool->bytes -= e->size;
    entry_destroy(e);
}

/* Removes delivered entry 'e' (which is freed) from the spool. */
void
exporter_spool_remove(struct exporter_spool *spool,
                      const struct exporter_spool_entry *e_)
{
    struct exporter_spool_entry *e = CONST_CAST(struct exporter_spool_entry *,
                                                e_);
    char *path = xasprintf("%s/%s", spool->dir, e->file_name);

    if (unlink(path) && errno != ENOENT) {
        VLOG_WARN("%s: removing the delivered snapshot failed (%s)", path,
                  ovs_strerror(errno));
    }
    free(path);

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
 * *.bad, with an error logged) and forgets it. */
void
exporter_spool_quarantine(struct exporter_spool *spool,
                          const struct exporter_spool_entry *e_)
{
    struct exporter_spool_entry *e = CONST_CAST(struct exporter_spool_entry *,
                                                e_);

    quarantine_file(spool, e->file_name, "unreadable spool file");
    entry_forget(spool, e);
}

size_t
exporter_spool_count(const struct exporter_spool *spool)
{
    return hmap_count(&spool->entries);
}

void
exporter_spool_format(const struct exporter_spool *spool, struct ds *s)
{
    ds_put_format(s, "spool: %s\n", spool->dir);
    ds_put_format(s, "  entries: %"PRIuSIZE", bytes: %"PRIu64", bound: "
                  "%"PRIu64" bytes%s\n", hmap_count(&spool->entries),
                  spool->bytes, spool->max_bytes,
                  (spool->disk_full
                   ? " (file system full: not acknowledging)"
                   : spool->full ? " (spool full: not acknowledging)" : ""));
    ds_put_format(s, "  written: %"PRIu64", delivered: %"PRIu64
                  ", unreadable: %"PRIu64"\n", spool->n_added,
                  spool->n_removed, spool->n_quarantined);
}

void
exporter_snapshot_destroy(struct exporter_snapshot *snap)
{
    if (snap) {
        for (size_t i = 0; i < snap->n_records; i++) {
            flowlog_identity_destroy(&snap->ids[i]);
        }
        free(snap->ids);
        free(snap->records);
        flowlog_msg_free(snap->begin);
        memset(snap, 0, sizeof *snap);
    }
}
