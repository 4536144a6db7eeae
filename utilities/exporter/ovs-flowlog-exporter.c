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

/* ovs-flowlog-exporter: receives logger configurations and interval
 * snapshots from ovs-vswitchd's flowlog hook, spools them durably, writes
 * the flow log files and reports each logger's delivery state back (see
 * ovs-flowlog-exporter(8)). */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "socket-util.h"
#include "stream.h"
#include "svec.h"
#include "unixctl.h"
#include "util.h"
#include "lib/flowlog-command.h"
#include "lib/flowlog-sink-config.h"
#include "utilities/exporter/exporter-conn.h"
#include "utilities/exporter/exporter-delivery.h"
#include "utilities/exporter/exporter-logger.h"
#include "utilities/exporter/exporter-spool.h"
#include "utilities/exporter/exporter-worker.h"

VLOG_DEFINE_THIS_MODULE(exporter);

#define SPOOL_DEFAULT "/var/spool/ovs-flowlog"
#define SPOOL_MAX_BYTES_DEFAULT (1024ULL * 1024 * 1024)
#define DELETED_GRACE_DEFAULT 3600      /* Seconds. */

/* Threads for uploads and probes: a slow target holds one of them, and
 * each destination has at most one upload in progress. */
#define N_WORKERS 4

/* Command line. */
static char *listen_name;           /* --listen. */
static char *spool_dir;             /* --spool. */
static uint64_t spool_max_bytes = SPOOL_MAX_BYTES_DEFAULT;
static unsigned int deleted_grace = DELETED_GRACE_DEFAULT;
static char *config_file;           /* --config. */
static char *unixctl_path;          /* --unixctl. */

/* State. */
static struct sink_config *cfg;
static struct exporter_spool *spool;
static struct exporter_delivery *delivery;
static struct pstream *listener;
static struct ovs_list conns = OVS_LIST_INITIALIZER(&conns);
static bool exiting;

struct conn_node {
    struct ovs_list list_node;
    struct exporter_conn *conn;
};

static void parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);

static unixctl_cb_func exporter_unixctl_show;
static unixctl_cb_func exporter_unixctl_reload;
static unixctl_cb_func exporter_unixctl_retry;
static unixctl_cb_func exporter_unixctl_discard;
static unixctl_cb_func exporter_unixctl_exit;

/* LoggerState changes go to every connected ovs-vswitchd. */
static void
notify_state(const char *logger, enum sink_status status,
             const char *reason)
{
    struct conn_node *node;

    LIST_FOR_EACH (node, list_node, &conns) {
        exporter_conn_send_state(node->conn, logger, status, reason);
    }
}

/* The spool dropped or discarded one of 'logger''s snapshots: its state,
 * which carries its counters, goes to ovs-vswitchd again. */
static void
spool_dropped(const char *logger, void *aux OVS_UNUSED)
{
    exporter_logger_renotify(logger);
}

static void
accept_conns(void)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

    for (int i = 0; i < 16; i++) {
        struct stream *stream;
        int error = pstream_accept(listener, &stream);

        if (error == EAGAIN) {
            break;
        } else if (error) {
            VLOG_WARN_RL(&rl, "%s: accept failed (%s)", listen_name,
                         ovs_strerror(error));
            break;
        }

        struct conn_node *node = xmalloc(sizeof *node);
        node->conn = exporter_conn_create(stream, spool);
        ovs_list_push_back(&conns, &node->list_node);
    }
}

static void
run_conns(void)
{
    struct conn_node *node;

    LIST_FOR_EACH_SAFE (node, list_node, &conns) {
        if (!exporter_conn_run(node->conn)) {
            exporter_conn_destroy(node->conn);
            ovs_list_remove(&node->list_node);
            free(node);
        }
    }
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    char *error;
    int retval;

    ovs_cmdl_proctitle_init(argc, argv);
    /* "ovs-flowlog-exporter (ovs-flowlog) 0.1" and OVS's library version,
     * for --version and "ovs-appctl version". */
    ovs_set_program_name(argv[0], FLOWLOG_PACKAGE_STRING);
    service_start(&argc, &argv);
    parse_options(argc, argv);
    fatal_ignore_sigpipe();

    /* Until daemonize_complete(), a fatal error goes to stderr and makes
     * the parent exit with a failure too.  VLOG_FATAL also writes it to
     * the log file, which parse_options() opened for --log-file: with
     * --detach, that is where an operator looks. */
    error = sink_config_load(config_file, &cfg);
    if (error) {
        VLOG_FATAL("%s", error);
    }

    daemonize_start(false);

    /* After forking: the spool's lock is not inherited. */
    error = exporter_spool_open(spool_dir, spool_max_bytes,
                                deleted_grace * 1000LL, &spool);
    if (error) {
        VLOG_FATAL("%s", error);
    }

    retval = pstream_open(listen_name, &listener, DSCP_DEFAULT);
    if (retval) {
        VLOG_FATAL("%s: cannot listen (%s)", listen_name,
                   ovs_strerror(retval));
    }
    retval = unixctl_server_create(unixctl_path, &unixctl);
    if (retval) {
        exit(EXIT_FAILURE);
    }
    unixctl_command_register("exporter/show", "[--format json]", 0, 2,
                             exporter_unixctl_show, NULL);
    unixctl_command_register("exporter/reload", "", 0, 0,
                             exporter_unixctl_reload, NULL);
    unixctl_command_register("exporter/retry", "", 0, 0,
                             exporter_unixctl_retry, NULL);
    unixctl_command_register("exporter/discard", "LOGGER", 1, 1,
                             exporter_unixctl_discard, NULL);
    unixctl_command_register("exit", "", 0, 0, exporter_unixctl_exit, NULL);

    daemonize_complete();

    exporter_loggers_init(cfg, notify_state);
    exporter_spool_set_drop_cb(spool, spool_dropped, NULL);
    exporter_workers_start(N_WORKERS);
    delivery = exporter_delivery_create(cfg, spool);
    VLOG_INFO("listening on %s, spool %s (bound %"PRIu64" bytes)",
              listen_name, spool_dir, spool_max_bytes);

    while (!exiting) {
        accept_conns();
        run_conns();
        exporter_workers_run();
        exporter_spool_run(spool);
        exporter_delivery_run(delivery);
        unixctl_server_run(unixctl);

        pstream_wait(listener);
        struct conn_node *node;
        LIST_FOR_EACH (node, list_node, &conns) {
            exporter_conn_wait(node->conn);
        }
        exporter_spool_wait(spool);
        exporter_delivery_wait(delivery);
        exporter_workers_wait();
        unixctl_server_wait(unixctl);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    struct conn_node *node;
    LIST_FOR_EACH_POP (node, list_node, &conns) {
        exporter_conn_destroy(node->conn);
        free(node);
    }
    pstream_close(listener);
    exporter_workers_stop();
    exporter_delivery_destroy(delivery);
    exporter_loggers_destroy();
    exporter_spool_close(spool);
    sink_config_unref(cfg);
    unixctl_server_destroy(unixctl);
    service_stop();
    return 0;
}

static void
exporter_unixctl_show(struct unixctl_conn *conn, int argc,
                      const char *argv[], void *aux OVS_UNUSED)
{
    struct flowlog_cmd_args a;

    if (!flowlog_cmd_args_parse(conn, argc, argv, false, 0, &a)) {
        return;
    }
    if (a.json) {
        struct json *obj = json_object_create();
        struct json *conn_array = json_array_create_empty();
        struct conn_node *node;

        json_object_put_string(obj, "listen", listen_name);
        json_object_put(obj, "config", sink_config_to_json(cfg));
        LIST_FOR_EACH (node, list_node, &conns) {
            json_array_add(conn_array, exporter_conn_to_json(node->conn));
        }
        json_object_put(obj, "connections", conn_array);
        json_object_put(obj, "loggers", exporter_loggers_to_json());
        json_object_put(obj, "spool", exporter_spool_to_json(spool));
        json_object_put(obj, "workers", exporter_workers_to_json());
        json_object_put(obj, "delivery",
                        exporter_delivery_to_json(delivery));
        flowlog_cmd_reply_json(conn, obj);
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "listen: %s\n", listen_name);
    sink_config_format(cfg, &s);

    ds_put_format(&s, "connections: %"PRIuSIZE"\n", ovs_list_size(&conns));
    struct conn_node *node;
    LIST_FOR_EACH (node, list_node, &conns) {
        exporter_conn_format(node->conn, &s);
    }

    exporter_loggers_format(&s);
    exporter_spool_format(spool, &s);
    exporter_workers_format(&s);
    exporter_delivery_format(delivery, &s);

    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Reads the configuration file again, with the checks of the start.  A
 * file that does not pass them changes nothing.  Otherwise its
 * configuration replaces the one in force: the sinks whose credentials
 * section or file-root changed are opened again with it, and their
 * loggers probed again; the spool and connections are untouched. */
static void
exporter_unixctl_reload(struct unixctl_conn *conn, int argc OVS_UNUSED,
                        const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct sink_config *new_cfg;
    char *error = sink_config_load(config_file, &new_cfg);

    if (error) {
        char *msg = xasprintf("%s; the configuration in force stays", error);

        VLOG_ERR("reload: %s", msg);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        free(error);
        return;
    }

    struct ds changes = DS_EMPTY_INITIALIZER;
    bool changed = sink_config_format_changes(cfg, new_cfg, &changes);
    struct svec probed = SVEC_EMPTY_INITIALIZER;

    exporter_loggers_set_config(new_cfg, &probed);
    exporter_delivery_set_config(delivery, new_cfg);
    sink_config_unref(cfg);
    cfg = new_cfg;

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "reloaded %s: ", config_file);
    if (!changed) {
        ds_put_cstr(&s, "nothing changed");
    } else {
        ds_put_format(&s, "changed %s; ", ds_cstr(&changes));
        if (probed.n) {
            ds_put_cstr(&s, "probing again: ");
            for (size_t i = 0; i < probed.n; i++) {
                ds_put_format(&s, "%s%s", i ? ", " : "", probed.names[i]);
            }
        } else {
            ds_put_cstr(&s, "no logger affected");
        }
    }
    svec_destroy(&probed);
    ds_destroy(&changes);

    VLOG_INFO("%s", ds_cstr(&s));
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
exporter_unixctl_retry(struct unixctl_conn *conn, int argc OVS_UNUSED,
                       const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    size_t n = exporter_delivery_retry_now(delivery);
    char *reply = (!n ? xstrdup("nothing to retry")
                   : xasprintf("retrying %"PRIuSIZE" target%s", n,
                               n == 1 ? "" : "s"));

    unixctl_command_reply(conn, reply);
    free(reply);
}

static void
exporter_unixctl_discard(struct unixctl_conn *conn, int argc OVS_UNUSED,
                         const char *argv[], void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (exporter_spool_discard(spool, argv[1], &s)) {
        unixctl_command_reply(conn, ds_cstr(&s));
    } else {
        unixctl_command_reply_error(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
exporter_unixctl_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                      const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    exiting = true;
    unixctl_command_reply(conn, NULL);
}

static char *
absolute(const char *name)
{
    char *abs = abs_file_name(NULL, name);
    if (!abs) {
        ovs_fatal(errno, "%s: cannot make the path absolute", name);
    }
    return abs;
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_LISTEN = UCHAR_MAX + 1,
        OPT_SPOOL,
        OPT_SPOOL_MAX_BYTES,
        OPT_DELETED_LOGGER_GRACE,
        OPT_CONFIG,
        OPT_UNIXCTL,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"spool", required_argument, NULL, OPT_SPOOL},
        {"spool-max-bytes", required_argument, NULL, OPT_SPOOL_MAX_BYTES},
        {"deleted-logger-grace", required_argument, NULL,
         OPT_DELETED_LOGGER_GRACE},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        DAEMON_LONG_OPTIONS,
        VLOG_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_LISTEN:
            if (strncmp(optarg, "punix:", 6) || !optarg[6]) {
                ovs_fatal(0, "--listen=%s: expected punix:PATH (the channel "
                          "has no authentication, so it listens only on a "
                          "Unix socket)", optarg);
            }
            free(listen_name);
            listen_name = xstrdup(optarg);
            break;

        case OPT_SPOOL:
            free(spool_dir);
            spool_dir = absolute(optarg);
            break;

        case OPT_SPOOL_MAX_BYTES: {
            unsigned long long int n;
            if (!str_to_ullong(optarg, 10, &n) || !n) {
                ovs_fatal(0, "--spool-max-bytes=%s: expected a positive "
                          "number of bytes", optarg);
            }
            spool_max_bytes = n;
            break;
        }

        case OPT_DELETED_LOGGER_GRACE:
            if (!str_to_uint(optarg, 10, &deleted_grace)
                || deleted_grace > 365 * 24 * 3600) {
                ovs_fatal(0, "--deleted-logger-grace=%s: expected a number "
                          "of seconds from 0 to 31536000 (a year)", optarg);
            }
            break;

        case OPT_CONFIG:
            free(config_file);
            config_file = absolute(optarg);
            break;

        case OPT_UNIXCTL:
            free(unixctl_path);
            unixctl_path = xstrdup(optarg);
            break;

        case 'h':
            usage();

        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);

    if (optind < argc) {
        ovs_fatal(0, "%s: unexpected argument; use --help for usage",
                  argv[optind]);
    }

    if (!listen_name) {
        listen_name = xasprintf("punix:%s/flowlog-exporter.sock",
                                ovs_rundir());
    }
    if (!spool_dir) {
        spool_dir = xstrdup(SPOOL_DEFAULT);
    }
    if (!config_file) {
        config_file = xasprintf("%s/openvswitch/flowlog-exporter.conf",
                                ovs_sysconfdir());
    }
}

static void
usage(void)
{
    printf("%s: flow log exporter for Open vSwitch\n"
           "usage: %s [OPTIONS]\n"
           "\nChannel and storage options:\n"
           "  --listen=punix:PATH     listen for ovs-vswitchd there\n"
           "                          (default: punix:%s/flowlog-exporter.sock)\n"
           "  --spool=DIR             durable spool directory\n"
           "                          (default: %s)\n"
           "  --spool-max-bytes=N     spool size bound (default: %llu)\n"
           "  --deleted-logger-grace=SECS\n"
           "                          keep a deleted logger's snapshots\n"
           "                          that long (default: %d)\n"
           "  --config=FILE           configuration file (default:\n"
           "                          %s/openvswitch/flowlog-exporter.conf)\n"
           "  --unixctl=SOCKET        override default control socket name\n",
           program_name, program_name, ovs_rundir(), SPOOL_DEFAULT,
           SPOOL_MAX_BYTES_DEFAULT, DELETED_GRACE_DEFAULT, ovs_sysconfdir());
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}
