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
#include "utilities/exporter/exporter-delivery.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/flowlog-config.h"
#include "lib/flowlog-file.h"
#include "lib/flowlog-record.h"
#include "lib/flowlog-sink-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "random.h"
#include "socket-util.h"
#include "timeval.h"
#include "util.h"
#include "utilities/exporter/exporter-logger.h"
#include "lib/flowlog-sink.h"
#include "utilities/exporter/exporter-spool.h"
#include "utilities/exporter/exporter-worker.h"

VLOG_DEFINE_THIS_MODULE(exporter_delivery);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* Retries: 1 s, 2 s, 4 s, ... up to 60 s, each with up to half of it
 * taken off at random so that many failed targets do not retry in step. */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000

/* Where files go: one target with one set of credentials.  Snapshots whose
 * logger string does not parse (a newer ovs-vswitchd?) share a destination
 * per string that always fails with StorageConfigurationError: they stay
 * in the spool until an exporter that understands them delivers them. */
struct dest {
    char *name;                 /* Key in 'dests'. */
    char *target;               /* NULL if the options do not parse. */
    char *credentials;
    char *options_error;        /* Why the options do not parse. */
    struct sink *sink; /* Opened on first use. */
    bool busy;                  /* A delivery is in progress. */

    enum sink_status status;
    char *reason;
    unsigned int n_failures;    /* Consecutive failed attempts. */
    long long int next_attempt; /* time_msec() of the next attempt. */
    uint64_t n_delivered, n_failed;
};

struct exporter_delivery {
    struct sink_config *cfg;    /* A reference. */
    struct exporter_spool *spool;
    struct shash dests;         /* struct dest by target+credentials. */
    struct shash by_options;    /* Logger string -> struct dest. */
    uint64_t n_delivered, n_failed;
};

struct exporter_delivery *
exporter_delivery_create(const struct sink_config *cfg,
                         struct exporter_spool *spool)
{
    struct exporter_delivery *d = xzalloc(sizeof *d);

    d->cfg = sink_config_ref(cfg);
    d->spool = spool;
    shash_init(&d->dests);
    shash_init(&d->by_options);
    return d;
}

void
exporter_delivery_destroy(struct exporter_delivery *d)
{
    if (d) {
        struct shash_node *node;

        SHASH_FOR_EACH (node, &d->dests) {
            struct dest *dest = node->data;
            sink_close(dest->sink);
            free(dest->name);
            free(dest->target);
            free(dest->credentials);
            free(dest->options_error);
            free(dest->reason);
            free(dest);
        }
        shash_destroy(&d->dests);
        shash_destroy(&d->by_options);
        sink_config_unref(d->cfg);
        free(d);
    }
}

/* The destination of snapshots whose logger string is 'options'. */
static struct dest *
dest_for(struct exporter_delivery *d, const char *options)
{
    struct dest *dest = shash_find_data(&d->by_options, options);
    if (dest) {
        return dest;
    }

    struct flowlog_logger_opts opts;
    char *error = flowlog_logger_opts_parse(options, &opts);
    char *name = (error
                  ? xasprintf("options \"%s\"", options)
                  : xasprintf("%s (credentials %s)", opts.target,
                              opts.credentials));
    dest = shash_find_data(&d->dests, name);
    if (!dest) {
        dest = xzalloc(sizeof *dest);
        dest->name = xstrdup(name);
        if (error) {
            dest->options_error = xasprintf("options \"%s\": %s", options,
                                            error);
        } else {
            dest->target = xstrdup(opts.target);
            dest->credentials = xstrdup(opts.credentials);
        }
        shash_add(&d->dests, name, dest);
    }
    shash_add(&d->by_options, options, dest);

    free(name);
    if (error) {
        free(error);
    } else {
        flowlog_logger_opts_destroy(&opts);
    }
    return dest;
}

static bool
entry_ready(const struct exporter_spool_entry *e, void *d_)
{
    struct exporter_delivery *d = d_;

    const struct dest *dest = dest_for(d, e->options);

    return !dest->busy && dest->next_attempt <= time_msec();
}

static void
dest_succeeded(struct exporter_delivery *d, struct dest *dest)
{
    if (dest->status != SINK_OK) {
        VLOG_INFO("%s: delivering again after %u failed attempts",
                  dest->name, dest->n_failures);
    }
    dest->status = SINK_OK;
    free(dest->reason);
    dest->reason = NULL;
    dest->n_failures = 0;
    dest->next_attempt = 0;
    dest->n_delivered++;
    d->n_delivered++;
}

static void
dest_failed(struct exporter_delivery *d, struct dest *dest,
            enum sink_status status, const char *reason)
{
    unsigned int shift = MIN(dest->n_failures, 16);
    long long int delay = MIN(BACKOFF_MAX_MS,
                              (long long int) BACKOFF_MIN_MS << shift);
    delay -= random_range(delay / 2 + 1);

    dest->n_failures++;
    dest->n_failed++;
    d->n_failed++;
    dest->next_attempt = time_msec() + delay;

    if (dest->status != status
        || !nullable_string_is_equal(dest->reason, reason)) {
        VLOG_WARN("%s: delivery failed: %s (%s); the spool keeps the "
                  "snapshots and retries with backoff (up to %d s)",
                  dest->name, reason, sink_status_name(status),
                  BACKOFF_MAX_MS / 1000);
        dest->status = status;
        free(dest->reason);
        dest->reason = xstrdup(reason);
    }
    if (status != SINK_UNAVAILABLE) {
        /* Open afresh next time (new connection, new token). */
        sink_close(dest->sink);
        dest->sink = NULL;
    }
}

/* One delivery, handed to a worker thread (exporter-worker.h).  While it
 * is in progress its destination is busy: the job has the destination's
 * sink, and the spool entry stays where it is. */
struct delivery_job {
    /* Set by the main thread. */
    struct sink_config *cfg;    /* A reference: a reload may replace it. */
    const struct exporter_spool *spool;
    const struct exporter_spool_entry *e;
    char *target, *credentials;
    struct sink *sink;     /* Opened by the job if NULL. */
    struct exporter_delivery *d;
    struct dest *dest;

    /* Set by the worker. */
    bool load_failed;               /* The spool file does not load. */
    int load_error;                 /* Why, as an errno value. */
    enum sink_status status;
    char *reason;
};

static int
put_to_ofpbuf(void *out, const void *data, size_t size)
{
    ofpbuf_put(out, data, size);
    return 0;
}

static int
write_to_fd(void *fdp, const void *data, size_t size)
{
    size_t written;

    return write_fully(*(int *) fdp, data, size, &written);
}

/* What a file of snapshot 'b' says of its logger and interval. */
static struct flowlog_context
snapshot_context(const Flowlog__SnapshotBegin *b)
{
    const Flowlog__LoggerConfig *lc = b->logger;

    return (struct flowlog_context) {
        .region = lc->region,
        .host = lc->system_id,
        .logger = lc->name,
        .interval_start_ms = b->start_ms,
        .interval_end_ms = b->end_ms,
    };
}

/* Renders the snapshot that 'r' reads, one frame of records at a time,
 * through 'write' (with 'aux'), and stores the file's size in '*sizep'.
 * Returns 0, or an errno value with a message in '*errorp': with
 * '*write_failedp' false from reading the spool file (EPROTO if it is
 * corrupt), otherwise from 'write'. */
static int
render(struct exporter_spool_reader *r,
       const struct flowlog_logger_opts *opts,
       const struct flowlog_context *ctx,
       flowlog_file_write_func *write, void *aux,
       uint64_t *sizep, bool *write_failedp, char **errorp)
{
    struct flowlog_file_writer *w
        = flowlog_file_writer_create(opts, ctx, write, aux);
    int read_error = 0, write_error = 0;

    for (;;) {
        const struct flowlog_record *records;
        size_t n;

        read_error = exporter_spool_reader_next(r, &records, &n, errorp);
        if (read_error || !n) {
            break;
        }
        write_error = flowlog_file_writer_put(w, records, n);
        if (write_error) {
            break;
        }
    }
    int finish_error = flowlog_file_writer_finish(w, sizep);
    if (!read_error && !write_error) {
        write_error = finish_error;
    }
    if (write_error) {
        *errorp = xasprintf("writing the file to upload failed (%s)",
                            ovs_strerror(write_error));
    }
    *write_failedp = write_error != 0;
    return read_error ? read_error : write_error;
}

static void render_and_put(struct delivery_job *,
                           struct exporter_spool_reader **,
                           const Flowlog__SnapshotBegin *,
                           const struct flowlog_logger_opts *);

/* Creates the temporary file that holds the file to upload, in the spool
 * directory, and unlinks it at once: it goes when its fd is closed.
 * Returns its fd, or a negative errno value with a message in '*errorp'. */
static int
create_upload_file(const struct delivery_job *job, char **errorp)
{
    int dfd = exporter_spool_dir_fd(job->spool);
    char *tmp = xasprintf(".upload-%s.tmp", job->e->file_name);

    unlinkat(dfd, tmp, 0);
    int fd = openat(dfd, tmp,
                    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        fd = -errno;
        *errorp = xasprintf("cannot create a temporary file in the spool "
                            "(%s)", ovs_strerror(-fd));
    } else {
        unlinkat(dfd, tmp, 0);
    }
    free(tmp);
    return fd;
}

/* In a worker thread: renders the job's snapshot, read back from its spool
 * file one frame at a time, into a temporary file in the spool, and puts
 * that through the sink, which reads it as it sends it: neither takes
 * memory in proportion to the snapshot.  Only when the spool's file system
 * has no room for that file is it rendered in memory, so that delivery can
 * still drain the spool.  Touches only the job and what does not change
 * while the job is in progress (the configuration, the spool entry's
 * file). */
static void
deliver_work(void *job_)
{
    struct delivery_job *job = job_;
    struct exporter_spool_reader *r;
    const Flowlog__SnapshotBegin *b;

    job->load_error = exporter_spool_reader_open(job->spool, job->e, &r, &b,
                                                 &job->reason);
    if (job->load_error) {
        job->load_failed = true;
        return;
    }

    const Flowlog__LoggerConfig *lc = b->logger;
    struct flowlog_logger_opts opts;
    char *opts_error = flowlog_logger_opts_parse(lc->options, &opts);
    ovs_assert(!opts_error);    /* dest_for() parsed the same string. */

    job->status = SINK_OK;
    if (!job->sink) {
        job->status = sink_open(job->target, job->credentials,
                                job->cfg, &job->sink, &job->reason);
    }
    if (job->status == SINK_OK) {
        render_and_put(job, &r, b, &opts);
    }
    flowlog_logger_opts_destroy(&opts);
    exporter_spool_reader_close(r);
}

/* deliver_work()'s rendering and upload of the snapshot that '*rp' reads
 * (it may be read again, with a new reader), which starts with 'b'. */
static void
render_and_put(struct delivery_job *job, struct exporter_spool_reader **rp,
               const Flowlog__SnapshotBegin *b,
               const struct flowlog_logger_opts *opts)
{
    const Flowlog__LoggerConfig *lc = b->logger;
    struct flowlog_context ctx = snapshot_context(b);
    char *key = flowlog_file_key(opts, NULL, lc->name, lc->system_id,
                                 b->start_ms);
    struct sink_body body = { .fd = -1 };
    struct ofpbuf file;
    bool write_failed = true;
    int retval;

    ofpbuf_init(&file, 0);
    int fd = create_upload_file(job, &job->reason);
    if (fd >= 0) {
        retval = render(*rp, opts, &ctx, write_to_fd, &fd, &body.size,
                        &write_failed, &job->reason);
        body.fd = fd;
    } else {
        retval = -fd;
    }
    if (write_failed && (retval == ENOSPC || retval == EDQUOT)) {
        VLOG_INFO_RL(&rl, "%s: no room in the spool's file system for the "
                     "file to upload: rendering %s in memory", job->target,
                     key);
        free(job->reason);
        job->reason = NULL;
        exporter_spool_reader_close(*rp);
        retval = exporter_spool_reader_open(job->spool, job->e, rp, &b,
                                            &job->reason);
        write_failed = false;
        if (!retval) {
            ctx = snapshot_context(b);
            retval = render(*rp, opts, &ctx, put_to_ofpbuf, &file,
                            &body.size, &write_failed, &job->reason);
            body.data = file.data;
        }
    }

    if (retval && !write_failed) {
        /* The spool file cannot be read back. */
        job->load_failed = true;
        job->load_error = retval;
    } else if (retval) {
        job->status = SINK_UNAVAILABLE;
    } else {
        job->status = sink_put(job->sink, key, &body, &job->reason);
        if (job->status == SINK_OK) {
            VLOG_DBG("%s: delivered %s (%"PRIu64" bytes, %"PRIu64
                     " records)", job->target, key, body.size,
                     b->n_records);
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    ofpbuf_uninit(&file);
    free(key);
}

/* In the main thread, once deliver_work() is done: the spool entry leaves
 * the spool if the sink confirmed it. */
static void
deliver_done(void *job_)
{
    struct delivery_job *job = job_;
    struct exporter_delivery *d = job->d;
    struct dest *dest = job->dest;
    const struct exporter_spool_entry *e = job->e;

    /* A reload changed what this destination's sink uses while the job
     * ran: the sink goes, and a failure does not count, since it is the
     * old configuration's. */
    bool stale = (!job->load_failed
                  && sink_config_changed(job->cfg, d->cfg, dest->target,
                                         dest->credentials));
    if (stale) {
        sink_close(job->sink);
        job->sink = NULL;
    }

    dest->busy = false;
    dest->sink = job->sink;
    exporter_spool_hold(d->spool, e, false);
    if (exporter_workers_stopping()) {
        /* Abandoned at exit: the snapshot stays in the spool. */
    } else if (job->load_failed) {
        if (job->load_error != ENOENT) {
            VLOG_ERR("snapshot %s/%"PRIu64" of logger %s: %s", e->boot_uuid,
                     e->seq, e->logger, job->reason);
        }
        /* (A file removed from outside is reported as such.) */
        exporter_spool_quarantine(d->spool, e);
        d->n_failed++;
    } else if (stale && job->status != SINK_OK) {
        VLOG_INFO("%s: delivery with the configuration before the reload "
                  "failed (%s); trying again with the new one", dest->name,
                  job->reason);
        dest->next_attempt = 0;
    } else {
        char *logger = xstrdup(e->logger);

        exporter_spool_logger_failing(d->spool, logger,
                                      job->status != SINK_OK);
        if (job->status == SINK_OK) {
            exporter_spool_remove(d->spool, e);
            dest_succeeded(d, dest);
        } else {
            dest_failed(d, dest, job->status, job->reason);
        }
        exporter_logger_delivered(logger, dest->target, dest->credentials,
                                  job->status, job->reason);
        free(logger);
    }

    sink_config_unref(job->cfg);
    free(job->target);
    free(job->credentials);
    free(job->reason);
    free(job);
}

/* Starts delivering spool entry 'e' in a worker thread. */
static void
deliver(struct exporter_delivery *d, const struct exporter_spool_entry *e)
{
    struct dest *dest = dest_for(d, e->options);

    if (dest->options_error) {
        exporter_spool_logger_failing(d->spool, e->logger, true);
        dest_failed(d, dest, SINK_CONFIG_ERROR, dest->options_error);
        return;
    }

    struct delivery_job *job = xzalloc(sizeof *job);
    job->cfg = sink_config_ref(d->cfg);
    job->spool = d->spool;
    job->e = e;
    job->target = xstrdup(dest->target);
    job->credentials = xstrdup(dest->credentials);
    job->sink = dest->sink;
    job->d = d;
    job->dest = dest;

    dest->busy = true;
    dest->sink = NULL;
    exporter_spool_hold(d->spool, e, true);

    char *what = xasprintf("%s: snapshot %s/%"PRIu64" of logger %s",
                           dest->name, e->boot_uuid, e->seq, e->logger);
    exporter_job_submit(what, deliver_work, deliver_done, job);
    free(what);
}

void
exporter_delivery_run(struct exporter_delivery *d)
{
    /* Each call takes one entry and makes its destination busy, so this
     * ends after at most one entry per destination. */
    for (;;) {
        const struct exporter_spool_entry *e
            = exporter_spool_oldest(d->spool, entry_ready, d);
        if (!e) {
            break;
        }
        deliver(d, e);
    }
}

void
exporter_delivery_wait(struct exporter_delivery *d)
{
    if (!exporter_spool_count(d->spool)) {
        return;
    }
    if (exporter_spool_oldest(d->spool, entry_ready, d)) {
        poll_immediate_wake();
        return;
    }

    long long int now = time_msec();
    struct shash_node *node;
    SHASH_FOR_EACH (node, &d->dests) {
        const struct dest *dest = node->data;
        if (!dest->busy && dest->next_attempt > now) {
            poll_timer_wait_until(dest->next_attempt);
        }
    }
}

/* Makes 'cfg' the configuration of the sinks that delivery opens from now
 * on.  Closes the sinks that it changes (their credentials section, or
 * file-root for file:// targets), so that they are opened again with it,
 * and retries their destinations now.  A sink in use by a delivery in
 * progress is closed when the delivery is done (deliver_done()). */
void
exporter_delivery_set_config(struct exporter_delivery *d,
                             const struct sink_config *cfg)
{
    struct sink_config *old = d->cfg;
    struct shash_node *node;

    d->cfg = sink_config_ref(cfg);
    SHASH_FOR_EACH (node, &d->dests) {
        struct dest *dest = node->data;

        if (dest->target
            && sink_config_changed(old, d->cfg, dest->target,
                                   dest->credentials)) {
            sink_close(dest->sink);
            dest->sink = NULL;
            dest->next_attempt = 0;
        }
    }
    sink_config_unref(old);
}

/* Makes every destination that is waiting to retry try again now.
 * Returns how many destinations are failing: each is retried now, or is
 * in the middle of an attempt. */
size_t
exporter_delivery_retry_now(struct exporter_delivery *d)
{
    struct shash_node *node;
    size_t n = 0;

    SHASH_FOR_EACH (node, &d->dests) {
        struct dest *dest = node->data;
        if (dest->n_failures) {
            n++;
        }
        dest->next_attempt = 0;
    }
    return n;
}

void
exporter_delivery_format(const struct exporter_delivery *d, struct ds *s)
{
    const struct shash_node **nodes = shash_sort(&d->dests);
    long long int now = time_msec();

    ds_put_format(s, "delivery: %"PRIu64" delivered, %"PRIu64" failed\n",
                  d->n_delivered, d->n_failed);
    for (size_t i = 0; i < shash_count(&d->dests); i++) {
        const struct dest *dest = nodes[i]->data;

        ds_put_format(s, "  %s: %s, %"PRIu64" delivered, %"PRIu64" failed",
                      dest->name, sink_status_name(dest->status),
                      dest->n_delivered, dest->n_failed);
        if (dest->busy) {
            ds_put_cstr(s, ", delivering");
        } else if (dest->next_attempt > now) {
            ds_put_format(s, ", next attempt in %lld ms",
                          dest->next_attempt - now);
        }
        if (dest->reason) {
            ds_put_format(s, "\n    reason: %s", dest->reason);
        }
        ds_put_char(s, '\n');
    }
    free(nodes);
}

/* Returns what exporter_delivery_format() prints as a JSON object:
 * "delivered", "failed" and "targets" by name ("status", "delivered",
 * "failed", "delivering", "next_attempt_ms", "reason"). */
struct json *
exporter_delivery_to_json(const struct exporter_delivery *d)
{
    struct json *obj = json_object_create();
    struct json *targets = json_object_create();
    long long int now = time_msec();
    struct shash_node *node;

    json_object_put(obj, "delivered", json_integer_create(d->n_delivered));
    json_object_put(obj, "failed", json_integer_create(d->n_failed));
    SHASH_FOR_EACH (node, &d->dests) {
        const struct dest *dest = node->data;
        struct json *tj = json_object_create();

        json_object_put_string(tj, "status",
                               sink_status_name(dest->status));
        json_object_put(tj, "delivered",
                        json_integer_create(dest->n_delivered));
        json_object_put(tj, "failed", json_integer_create(dest->n_failed));
        json_object_put(tj, "delivering", json_boolean_create(dest->busy));
        json_object_put(tj, "next_attempt_ms",
                        (!dest->busy && dest->next_attempt > now
                         ? json_integer_create(dest->next_attempt - now)
                         : json_null_create()));
        json_object_put(tj, "reason",
                        (dest->reason ? json_string_create(dest->reason)
                         : json_null_create()));
        json_object_put(targets, dest->name, tj);
    }
    json_object_put(obj, "targets", targets);
    return obj;
}
