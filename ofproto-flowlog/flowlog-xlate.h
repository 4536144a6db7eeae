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


#ifndef OFPROTO_FLOWLOG_XLATE_H
#define OFPROTO_FLOWLOG_XLATE_H 1

/* Translation's side of the hook, beyond what flowlog.h gives OVS:
 * recirculation facts, i.e. what a pass learned, kept for the pass that
 * resumes it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flowlog_xlate;

void fl_rid_store(uint32_t recirc_id, const struct flowlog_xlate *);
bool fl_rid_load(uint32_t recirc_id, struct flowlog_xlate *);
void fl_rid_run(void);
size_t fl_rid_count(void);

#endif /* flowlog-xlate.h */
