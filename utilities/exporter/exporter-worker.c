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
#include "utilities/exporter/exporter-worker.h"

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/vlog.h"
#include "lib/flowlog-sink.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(exporter_worker);

struct job {
    struct ovs_list list_node;      /* In 'queue', then 'finished'. */
    char *what;                     /* For exporter/show. */
    exporter_job_func *work;
    exporter_job_func *done;
    void *aux;
    long long int started;          /* time_msec() when a worker took it. */
};

/* Declared before what it guards: clang checks OVS_GUARDED_BY. */
static struct ovs_mutex mutex = OVS_MUTEX_INITIALIZER;

struct worker {
    pthread_t thread;
    struct job *job OVS_GUARDED_BY(mutex);  /* In progress, or NULL. */
};

static pthread_cond_t wakeup;       /* Signaled when 'queue' grows. */
static struct ovs_list queue OVS_GUARDED_BY(mutex)
    = OVS_LIST_INITIALIZER(&queue);
static struct ovs_list finished OVS_GUARDED_BY(mutex)
    = OVS_LIST_INITIALIZER(&finished);
static struct seq *finished_seq;    /* Changes when 'finished' grows. */
static uint64_t finished_seqno;     /* Its value when last run. */
static struct worker *workers;
static size_t n_workers;
static atomic_bool stopping = ATOMIC_VAR_INIT(false);

static void *
worker_main(void *w_)
{
    struct worker *w = w_;

    ovs_mutex_lock(&mutex);
    for (;;) {
        while (ovs_list_is_empty(&queue) && !exporter_workers_stopping()) {
            ovs_mutex_cond_wait(&wakeup, &mutex);
        }
        if (exporter_workers_stopping()) {
            break;
        }

        struct job *job = CONTAINER_OF(ovs_list_pop_front(&queue),
                                       struct job, list_node);
        job->started = time_msec();
        w->job = job;
        ovs_mutex_unlock(&mutex);

        job->work(job->aux);

        ovs_mutex_lock(&mutex);
        w->job = NULL;
        ovs_list_push_back(&finished, &job->list_node);
        seq_change(finished_seq);
    }
    ovs_mutex_unlock(&mutex);
    return NULL;
}

/* Starts 'n_threads' worker threads. */
void
exporter_workers_start(unsigned int n_threads)
{
    ovs_assert(!workers && n_threads > 0);

    xpthread_cond_init(&wakeup, NULL);
    finished_seq = seq_create();
    n_workers = n_threads;
    workers = xcalloc(n_workers, sizeof *workers);
    for (size_t i = 0; i < n_workers; i++) {
        workers[i].thread = ovs_thread_create("sink", worker_main,
                                              &workers[i]);
    }
}

/* True once exporter_workers_stop() was called: a job's 'work' should give
 * up as soon as it can (for example from libcurl's progress callback). */
bool
exporter_workers_stopping(void)
{
    bool b;

    atomic_read_relaxed(&stopping, &b);
    return b;
}

/* Stops the workers: jobs in progress are asked to give up and waited for,
 * jobs not started are dropped, and every job's 'done' runs, so that its
 * 'aux' is freed.  A 'done' that sees exporter_workers_stopping() should
 * not count the outcome: what was not delivered stays in the spool. */
void
exporter_workers_stop(void)
{
    if (!workers) {
        return;
    }

    atomic_store_relaxed(&stopping, true);
    sink_stop_all();
    ovs_mutex_lock(&mutex);
    xpthread_cond_broadcast(&wakeup);
    ovs_mutex_unlock(&mutex);
    for (size_t i = 0; i < n_workers; i++) {
        xpthread_join(workers[i].thread, NULL);
    }

    ovs_mutex_lock(&mutex);
    ovs_list_push_back_all(&finished, &queue);
    ovs_mutex_unlock(&mutex);
    exporter_workers_run();

    free(workers);
    workers = NULL;
    seq_destroy(finished_seq);
    xpthread_cond_destroy(&wakeup);
}

/* Queues a job: 'work(aux)' in a worker thread, then 'done(aux)' in the
 * main thread.  'what' describes it in exporter/show. */
void
exporter_job_submit(const char *what, exporter_job_func *work,
                    exporter_job_func *done, void *aux)
{
    struct job *job = xzalloc(sizeof *job);

    job->what = xstrdup(what);
    job->work = work;
    job->done = done;
    job->aux = aux;

    ovs_mutex_lock(&mutex);
    ovs_list_push_back(&queue, &job->list_node);
    xpthread_cond_signal(&wakeup);
    ovs_mutex_unlock(&mutex);
}

/* Runs the 'done' function of every finished job. */
void
exporter_workers_run(void)
{
    struct ovs_list done_jobs;

    if (!workers) {
        return;
    }
    finished_seqno = seq_read(finished_seq);
    ovs_mutex_lock(&mutex);
    ovs_list_move(&done_jobs, &finished);
    ovs_list_init(&finished);
    ovs_mutex_unlock(&mutex);

    struct job *job;
    LIST_FOR_EACH_POP (job, list_node, &done_jobs) {
        job->done(job->aux);
        free(job->what);
        free(job);
    }
}

void
exporter_workers_wait(void)
{
    if (workers) {
        seq_wait(finished_seq, finished_seqno);
    }
}

/* Describes the jobs in progress and queued, for exporter/show. */
void
exporter_workers_format(struct ds *s)
{
    long long int now = time_msec();

    ovs_mutex_lock(&mutex);
    ds_put_format(s, "workers: %"PRIuSIZE" threads, %"PRIuSIZE" queued\n",
                  n_workers, ovs_list_size(&queue));
    for (size_t i = 0; i < n_workers; i++) {
        const struct job *job = workers[i].job;
        if (job) {
            ds_put_format(s, "  %s (for %lld ms)\n", job->what,
                          now - job->started);
        }
    }
    ovs_mutex_unlock(&mutex);
}

/* Returns what exporter_workers_format() prints as a JSON object:
 * "threads", "queued" and "jobs" in progress ("what", "ms"). */
struct json *
exporter_workers_to_json(void)
{
    struct json *obj = json_object_create();
    struct json *jobs = json_array_create_empty();
    long long int now = time_msec();

    ovs_mutex_lock(&mutex);
    json_object_put(obj, "threads", json_integer_create(n_workers));
    json_object_put(obj, "queued",
                    json_integer_create(ovs_list_size(&queue)));
    for (size_t i = 0; i < n_workers; i++) {
        const struct job *job = workers[i].job;
        if (job) {
            struct json *jj = json_object_create();

            json_object_put_string(jj, "what", job->what);
            json_object_put(jj, "ms", json_integer_create(now - job->started));
            json_array_add(jobs, jj);
        }
    }
    ovs_mutex_unlock(&mutex);
    json_object_put(obj, "jobs", jobs);
    return obj;
}
