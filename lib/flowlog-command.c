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
#include "lib/flowlog-command.h"

#include <string.h>

#include "lib/flowlog-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "unixctl.h"
#include "util.h"

/* Separates the options "--format text|json" (also "--format=json") and,
 * if 'fields_ok', "--fields F1+F2..." from the other arguments of command
 * 'argv' into 'a'.  An argument "--" ends the options.  Returns false after
 * replying with an error for an unknown option or value, or for more than
 * 'max_args' other arguments. */
bool
flowlog_cmd_args_parse(struct unixctl_conn *conn, int argc,
                       const char *argv[], bool fields_ok, int max_args,
                       struct flowlog_cmd_args *a)
{
    char *error = NULL;
    bool options = true;

    ovs_assert(max_args < ARRAY_SIZE(a->argv));
    memset(a, 0, sizeof *a);
    a->argv[a->argc++] = argv[0];
    for (int i = 1; i < argc && !error; i++) {
        const char *arg = argv[i];

        if (!options || strncmp(arg, "--", 2)) {
            if (a->argc > max_args) {
                error = xasprintf("too many arguments (\"%s\")", arg);
            } else {
                a->argv[a->argc++] = arg;
            }
            continue;
        } else if (!strcmp(arg, "--")) {
            options = false;
            continue;
        }

        size_t len = strcspn(arg, "=");
        const char *value = (arg[len] ? &arg[len + 1]
                             : i + 1 < argc ? argv[i + 1] : NULL);
        bool is_format = len == 8 && !strncmp(arg, "--format", len);
        bool is_fields = (fields_ok && len == 8
                          && !strncmp(arg, "--fields", len));

        if (!is_format && !is_fields) {
            error = xasprintf("unknown option \"%s\" (expected --format%s)",
                              arg, fields_ok ? " or --fields" : "");
            break;
        } else if (!value) {
            error = xasprintf("%.*s needs a value", (int) len, arg);
            break;
        }
        if (!arg[len]) {
            i++;
        }
        if (is_format) {
            if (!strcmp(value, "json") || !strcmp(value, "text")) {
                a->json = value[0] == 'j';
            } else {
                error = xasprintf("--format %s: expected text or json",
                                  value);
            }
        } else {
            char *e = flowlog_fields_parse(value, a->fields, &a->n_fields);
            if (e) {
                error = xasprintf("--fields %s: %s", value, e);
                free(e);
            }
        }
    }
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
        return false;
    }
    return true;
}

/* Replies to 'conn' with 'json' (destroyed), on one line, members sorted. */
void
flowlog_cmd_reply_json(struct unixctl_conn *conn, struct json *json)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    json_to_ds(json, JSSF_SORT, &s);
    ds_put_char(&s, '\n');
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
    json_destroy(json);
}
