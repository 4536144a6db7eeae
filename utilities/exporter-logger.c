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
#include "utilities/exporter-logger.h"

#include <string.h>

#include "lib/flowlog-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(exporter_logger);

struct logger {
    char *name;
    char *options;              /* The logger string, as received. */
    char *target;               /* NULL if 'options' do not parse. */
    char *credentials;
    enum exporter_status status;
    char *reason;               /* NULL when 'status' is EXPORTER_OK. */
};

static struct shash loggers = SHASH_INITIALIZER(&loggers);
static const struct exporter_config *config;
static exporter_logger_notify_func *notify;

void
exporter_loggers_init(const struct exporter_config *cfg,
                      exporter_logger_notify_func *notify_cb)
{
    config = cfg;
    notify = notify_cb;
}

static void
logger_destroy(struct logger *l)
{
    if (l) {
        free(l->name);
        free(l->options);
        free(l->target);
        free(l->credentials);
        free(l->reason);
        free(l);
    }
}

void
exporter_loggers_destroy(void)
{
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, &loggers) {
        logger_destroy(node->data);
        shash_delete(&loggers, node);
    }
}

/* Reasons quote what ovs-vswitchd sent (a logger string, a target), which
 * may be long; they go into logs and LoggerState messages, so keep them
 * short. */
#define MAX_REASON 1024

/* Sets 'l''s state.  Returns true if it changed. */
static bool
logger_set_state(struct logger *l, enum exporter_status status,
                 const char *reason_)
{
    char *reason = NULL;

    if (status != EXPORTER_OK && reason_) {
        reason = (strlen(reason_) > MAX_REASON
                  ? xasprintf("%.*s...", MAX_REASON, reason_)
                  : xstrdup(reason_));
    }
    bool changed = (l->status != status
                    || !nullable_string_is_equal(l->reason, reason));
    if (changed) {
        l->status = status;
        free(l->reason);
        l->reason = reason;
    } else {
        free(reason);
    }
    return changed;
}

static bool
nullable_equal(const char *a, const char *b)
{
    return nullable_string_is_equal(a, b);
}

/* Applies LoggerConfig 'name' with logger string 'options' from the host
 * 'system_id'.  Probes the target when the logger is new, when its target
 * or credentials changed, or when it is in an error state.  Returns the
 * logger's state, with the reason (owned by the logger) in '*reason'. */
enum exporter_status
exporter_logger_configure(const char *name, const char *options,
                          const char *system_id, const char **reason)
{
    struct logger *l = shash_find_data(&loggers, name);
    bool is_new = !l;

    if (is_new) {
        l = xzalloc(sizeof *l);
        l->name = xstrdup(name);
        shash_add(&loggers, name, l);
    }

    struct flowlog_logger_opts opts;
    char *error = flowlog_logger_opts_parse(options, &opts);
    if (error) {
        char *why = xasprintf("options \"%s\": %s", options, error);
        if (logger_set_state(l, EXPORTER_CONFIG_ERROR, why)) {
            VLOG_WARN("logger %s: %s: %s", name,
                      exporter_status_name(l->status), l->reason);
        }
        free(why);
        free(error);
        free(l->options);
        l->options = xstrdup(options);
        free(l->target);
        free(l->credentials);
        l->target = l->credentials = NULL;
    } else {
        bool changed = (is_new || l->status != EXPORTER_OK
                        || !nullable_equal(l->target, opts.target)
                        || !nullable_equal(l->credentials, opts.credentials));

        free(l->options);
        l->options = xstrdup(options);
        free(l->target);
        l->target = xstrdup(opts.target);
        free(l->credentials);
        l->credentials = xstrdup(opts.credentials);

        if (changed) {
            struct exporter_sink *sink;
            char *why = NULL;
            enum exporter_status status = exporter_sink_open(
                opts.target, opts.credentials, config, &sink, &why);
            if (status == EXPORTER_OK) {
                status = exporter_sink_probe(sink, system_id, &why);
                exporter_sink_close(sink);
            }
            if (logger_set_state(l, status, why) || is_new) {
                if (status == EXPORTER_OK) {
                    VLOG_INFO("logger %s: target %s is writable: ACTIVE",
                              name, opts.target);
                } else {
                    VLOG_WARN("logger %s: %s: %s", name,
                              exporter_status_name(status), l->reason);
                }
            }
            free(why);
        }
        flowlog_logger_opts_destroy(&opts);
    }

    *reason = l->reason;
    return l->status;
}

/* Forgets logger 'name' (ovs-vswitchd deleted it).  Its snapshots in the
 * spool are still delivered. */
void
exporter_logger_delete(const char *name)
{
    struct logger *l = shash_find_and_delete(&loggers, name);

    if (l) {
        VLOG_INFO("logger %s: deleted", name);
        logger_destroy(l);
    }
}

/* Reports the outcome of delivering one of logger 'name''s files to
 * 'target' with 'credentials'.  Only a delivery to the logger's current
 * target changes its state; a snapshot taken before the target changed
 * still goes where it was configured to go. */
void
exporter_logger_delivered(const char *name, const char *target,
                          const char *credentials,
                          enum exporter_status status, const char *reason)
{
    struct logger *l = shash_find_data(&loggers, name);

    if (l && nullable_equal(l->target, target)
        && nullable_equal(l->credentials, credentials)
        && logger_set_state(l, status, reason) && notify) {
        notify(l->name, l->status, l->reason);
    }
}

void
exporter_loggers_format(struct ds *s)
{
    const struct shash_node **nodes = shash_sort(&loggers);

    ds_put_format(s, "loggers: %"PRIuSIZE"\n", shash_count(&loggers));
    for (size_t i = 0; i < shash_count(&loggers); i++) {
        const struct logger *l = nodes[i]->data;

        ds_put_format(s, "  %s: %s", l->name, exporter_status_name(l->status));
        if (l->target) {
            ds_put_format(s, ", target %s, credentials %s", l->target,
                          l->credentials);
        }
        if (l->reason) {
            ds_put_format(s, "\n    reason: %s", l->reason);
        }
        ds_put_char(s, '\n');
    }
    free(nodes);
}
