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

#ifndef EXPORTER_WORKER_H
#define EXPORTER_WORKER_H 1

/* Blocking sink operations (HTTP uploads, probes) run in a few worker
 * threads, so that a slow or dead object store never stalls the main loop:
 * the channel to ovs-vswitchd (acks), the spool and ovs-appctl stay served.
 *
 * A job's 'work' function runs in a worker thread and must touch only what
 * its 'aux' owns; its 'done' function then runs in the main thread, from
 * exporter_workers_run(), and frees 'aux'.  Jobs start in submission order.
 *
 * Why not libcurl's multi interface: every sink's request sequence
 * (authenticate, PUT, renew the token on a 401, multipart steps) would have
 * to be rewritten as a state machine; OVS has dedicated threads (monitor,
 * revalidators) but no generic thread pool, and this one is a queue and a
 * condition variable. */

#include <stdbool.h>
#include <stddef.h>

struct ds;
struct json;

typedef void exporter_job_func(void *aux);

void exporter_workers_start(unsigned int n_threads);
void exporter_workers_stop(void);
bool exporter_workers_stopping(void);

void exporter_job_submit(const char *what, exporter_job_func *work,
                         exporter_job_func *done, void *aux);

void exporter_workers_run(void);
void exporter_workers_wait(void);
void exporter_workers_format(struct ds *);
struct json *exporter_workers_to_json(void);

#endif /* exporter-worker.h */
