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

#ifndef EXPORTER_DELIVERY_H
#define EXPORTER_DELIVERY_H 1

/* Delivery: takes snapshots from the spool, oldest first, renders each
 * into its file (lib/flowlog-file.h) and puts it through the sink its
 * logger's target names.  A snapshot leaves the spool only once the sink
 * confirmed it; failures are retried with capped exponential backoff and
 * jitter, per target, and logged once per change. */

#include <stddef.h>

struct ds;
struct json;
struct sink_config;
struct exporter_spool;

struct exporter_delivery *exporter_delivery_create(
    const struct sink_config *, struct exporter_spool *);
void exporter_delivery_destroy(struct exporter_delivery *);
void exporter_delivery_set_config(struct exporter_delivery *,
                                  const struct sink_config *);

void exporter_delivery_run(struct exporter_delivery *);
void exporter_delivery_wait(struct exporter_delivery *);
size_t exporter_delivery_retry_now(struct exporter_delivery *);

void exporter_delivery_format(const struct exporter_delivery *, struct ds *);
struct json *exporter_delivery_to_json(const struct exporter_delivery *);

#endif /* exporter-delivery.h */
