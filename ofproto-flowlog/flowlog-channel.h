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


#ifndef OFPROTO_FLOWLOG_CHANNEL_H
#define OFPROTO_FLOWLOG_CHANNEL_H 1

/* The queue of closed snapshots and the connection to
 * ovs-flowlog-exporter that delivers them. */

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct json;
struct fl_snapshot;

void fl_channel_set_target(const char *target, const char *system_id);
void fl_channel_run(void);
void fl_channel_wait(void);

/* Queues 's' (taken over), dropping the oldest snapshots beyond
 * 'max_bytes'. */
void fl_channel_push(struct fl_snapshot *s, uint64_t max_bytes);

/* Loggers as the exporter should know them. */
void fl_channel_logger_config(const char *name, const char *options,
                              const char *region, const char *system_id);
void fl_channel_logger_deleted(const char *name);
const char *fl_channel_logger_state(const char *name, const char **reason);
void fl_channel_logger_counters(const char *name, uint64_t *sent,
                                uint64_t *acked, uint64_t *dropped);
bool fl_channel_logger_last_drop(const char *name, uint64_t *records,
                                 uint64_t *seq, long long int *start,
                                 long long int *end, uint64_t *n_records);
void fl_channel_logger_exporter_drops(const char *name, uint64_t *dropped,
                                      uint64_t *records);

bool fl_channel_queue_empty(void);
bool fl_channel_is_connected(void);
void fl_channel_show(struct ds *, uint64_t max_bytes);
void fl_channel_show_json(struct json *, uint64_t max_bytes);
void fl_channel_log_unacknowledged(uint64_t max_bytes);
bool fl_channel_queue_format(struct ds *, bool one, uint64_t seq);
struct json *fl_channel_queue_to_json(bool one, uint64_t seq);
const char *fl_channel_boot_uuid(void);

#endif /* flowlog-channel.h */
