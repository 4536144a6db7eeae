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

#ifndef EXPORTER_CONN_H
#define EXPORTER_CONN_H 1

/* One connection from ovs-vswitchd: Hello, LoggerConfig and snapshots in,
 * Ack and LoggerState out (lib/flowlog.proto).  A malformed, oversized or
 * truncated frame, or a message out of protocol order, closes the
 * connection with one log line. */

#include <stdbool.h>
#include "lib/flowlog-sink.h"

struct ds;
struct json;
struct exporter_spool;
struct stream;

struct exporter_conn *exporter_conn_create(struct stream *,
                                           struct exporter_spool *);
void exporter_conn_destroy(struct exporter_conn *);

bool exporter_conn_run(struct exporter_conn *);
void exporter_conn_wait(struct exporter_conn *);

void exporter_conn_send_state(struct exporter_conn *, const char *logger,
                              enum sink_status, const char *reason);

void exporter_conn_format(const struct exporter_conn *, struct ds *);
struct json *exporter_conn_to_json(const struct exporter_conn *);

#endif /* exporter-conn.h */
