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

#ifndef FLOWLOG_COMMAND_H
#define FLOWLOG_COMMAND_H 1

/* The options of the ovs-appctl commands of ovs-vswitchd's hook and of the
 * exporter ("--format json", "--fields F1+F2..."), and their JSON
 * replies. */

#include <stdbool.h>
#include <stddef.h>
#include "lib/flowlog-record.h"

struct json;
struct unixctl_conn;

/* The options that the commands take before or among their arguments. */
struct flowlog_cmd_args {
    bool json;                  /* --format json. */
    size_t n_fields;            /* --fields (flowlog/dump only). */
    enum flowlog_field fields[FL_N_FIELDS];
    int argc;                   /* The other arguments, the command's name */
    const char *argv[8];        /* first, as unixctl passes them. */
};

/* Separates a command's options from its other arguments; replies with an
 * error and returns false if they are not right. */
bool flowlog_cmd_args_parse(struct unixctl_conn *, int argc,
                            const char *argv[], bool fields_ok, int max_args,
                            struct flowlog_cmd_args *);

/* Replies with 'json' (and destroys it) as the JSON commands print it. */
void flowlog_cmd_reply_json(struct unixctl_conn *, struct json *);

#endif /* flowlog-command.h */
