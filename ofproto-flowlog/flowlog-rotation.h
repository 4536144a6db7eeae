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


#ifndef OFPROTO_FLOWLOG_ROTATION_H
#define OFPROTO_FLOWLOG_ROTATION_H 1

/* The lifecycle of a logger's intervals, in the main thread: a new interval
 * at every aligned boundary, closing once a revalidator dump that began
 * after its end has completed (so every datapath flow's statistics are in),
 * then a snapshot on the channel's queue. */

#include <stdbool.h>
#include <stddef.h>

struct fl_logger;
struct fl_interval;
struct fl_snapshot;

void fl_rotation_init(void);
void fl_rotation_wake(void);
void fl_rotation_wait(void);

struct fl_interval *fl_logger_current(const struct fl_logger *);
void fl_logger_rotate(struct fl_logger *);
void fl_logger_close_all(struct fl_logger *);
void fl_logger_gc_bindings(struct fl_logger *);

/* Someone waiting for intervals to close (flowlog/flush): 'closed' is
 * called with each snapshot made, once 'n_pending' was decremented. */
struct fl_close_waiter {
    size_t n_pending;
    void (*closed)(struct fl_close_waiter *, const struct fl_logger *,
                   const struct fl_snapshot *);
};
void fl_logger_flush(struct fl_logger *, struct fl_close_waiter *);

void fl_revalidate_all(void);

#endif /* flowlog-rotation.h */
