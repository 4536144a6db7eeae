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

#ifndef EXPORTER_LOGGER_H
#define EXPORTER_LOGGER_H 1

/* The loggers ovs-vswitchd configured (LoggerConfig) and their delivery
 * state, which goes back to ovs-vswitchd as LoggerState: set by a write
 * probe when a logger appears, when its target, credentials or host
 * change, or when a reload changes what its sink uses, and by every
 * delivery of one of its files. */

#include <stdbool.h>
#include "lib/flowlog-msg.h"
#include "lib/flowlog-sink.h"

struct ds;
struct json;
struct sink_config;
struct svec;

/* Called on every change of a logger's state, and with the outcome of
 * every probe. */
typedef void exporter_logger_notify_func(const char *name,
                                         enum sink_status,
                                         const char *reason);

void exporter_loggers_init(const struct sink_config *,
                           exporter_logger_notify_func *);
void exporter_loggers_destroy(void);
void exporter_loggers_set_config(const struct sink_config *,
                                 struct svec *probed);

bool exporter_logger_configure(const char *name, const char *options,
                               const char *system_id,
                               enum sink_status *, const char **reason);
void exporter_logger_delete(const char *name);
void exporter_logger_renotify(const char *name);
void exporter_logger_delivered(const char *name, const char *target,
                               const char *credentials,
                               enum sink_status, const char *reason);

/* Counts and logs what SnapshotBegin 'b' says ovs-vswitchd dropped. */
void exporter_logger_vswitchd_drops(const Flowlog__SnapshotBegin *b);

void exporter_loggers_format(struct ds *);
struct json *exporter_loggers_to_json(void);

#endif /* exporter-logger.h */
