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


#ifndef OFPROTO_FLOWLOG_OVSDB_H
#define OFPROTO_FLOWLOG_OVSDB_H 1

/* The hook's configuration from OVSDB: host-wide settings and loggers from
 * Open_vSwitch other_config, logging ports and their identities from
 * Interface other_config and external_ids.  The bridge's IDL omits
 * external_ids; the hook reads them through a small IDL of its own. */

#include <stdbool.h>

struct ds;
struct ovsrec_interface;
struct ovsrec_open_vswitch;
struct smap;
struct svec;

void fl_ovsdb_init(const char *remote);
void fl_ovsdb_exit(void);
void fl_ovsdb_configure(const struct ovsrec_open_vswitch *);
bool fl_ovsdb_run(void);
void fl_ovsdb_wait(void);
void fl_ovsdb_format_errors(struct ds *);
void fl_ovsdb_problems(struct svec *errors, struct svec *warnings);
void fl_ovsdb_check_interface(const struct ovsrec_interface *,
                              const struct smap *ext,
                              struct svec *errors, struct svec *warnings);

#endif /* flowlog-ovsdb.h */
