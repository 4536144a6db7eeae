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

/* ovs-flowlog: reads flow log files for people and scripts.  See
 * ovs-flowlog(1). */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command-line.h"
#include "lib/flowlog-config.h"
#include "lib/flowlog-reader.h"
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"
#include "utilities/flowlog-filter.h"
#include "utilities/flowlog-report.h"
#include "utilities/flowlog-source.h"
#include "utilities/flowlog-stats.h"

enum output { OUT_DEFAULT, OUT_TABLE, OUT_CSV, OUT_JSONL, OUT_JSON };

struct options {
    const char *command;
    enum output output;
    struct cli_filter *filter;
    struct cli_source_options src;
    bool has_time;

    /* cat. */
    enum flowlog_field fields[FL_N_FIELDS];
    size_t n_fields;
    unsigned long long int limit;

    /* top, denied, scans. */
    enum stats_measure by;
    enum flowlog_field key[FL_N_FIELDS];
    size_t n_key;
    const char *key_name;
    size_t top_n;
    int window;
    size_t min_ports, min_addrs;

    /* report. */
    const char *html;
    const char *title;

    bool progress;
};

static void usage(void) OVS_NO_RETURN;

/* Prints a usage error and exits with status 2. */
static void OVS_NO_RETURN OVS_PRINTF_FORMAT(1, 2)
usage_error(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\n(\"%s --help\" for help)\n", program_name);
    exit(2);
}

/* Prints an error and exits with status 1. */
static void OVS_NO_RETURN
fail(char *error)
{
    fprintf(stderr, "%s: %s\n", program_name, error);
    free(error);
    exit(1);
}

static unsigned long long int
parse_count(const char *option, const char *value, unsigned long long max)
{
    unsigned long long int x;

    if (!str_to_ullong(value, 10, &x) || x > max) {
        usage_error("--%s: \"%s\" is not a number from 0 to %llu", option,
                    value, max);
    }
    return x;
}

/* top's --key: a name of the list, or field names joined with
 * ','. */
static void
parse_key(struct options *o, const char *value)
{
    static const struct {
        const char *name;
        enum flowlog_field fields[2];
        size_t n;
    } keys[] = {
        { "src", { FL_SRC_ADDR }, 1 },
        { "dst", { FL_DST_ADDR }, 1 },
        { "pair", { FL_SRC_ADDR, FL_DST_ADDR }, 2 },
        { "dport", { FL_PROTOCOL, FL_DST_PORT }, 2 },
        { "interface", { FL_INTERFACE_ID }, 1 },
        { "verdict", { FL_FILTER }, 1 },
        { "rule", { FL_RULE }, 1 },
    };

    o->key_name = value;
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (!strcmp(value, keys[i].name)) {
            memcpy(o->key, keys[i].fields, keys[i].n * sizeof *o->key);
            o->n_key = keys[i].n;
            return;
        }
    }

    char *copy = xstrdup(value);
    char *save = NULL;
    o->n_key = 0;
    for (char *name = strtok_r(copy, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        enum flowlog_field f;
        if (!flowlog_field_from_name(name, &f) || o->n_key >= FL_N_FIELDS) {
            usage_error("--key: \"%s\" is not src, dst, pair, dport, "
                        "interface, verdict, rule or a list of field names",
                        name);
        }
        o->key[o->n_key++] = f;
    }
    free(copy);
    if (!o->n_key) {
        usage_error("--key: no key");
    }
}

enum {
    OPT_CSV = UCHAR_MAX + 1, OPT_JSONL, OPT_JSON, OPT_TABLE, OPT_FIELDS,
    OPT_LIMIT, OPT_BY, OPT_KEY, OPT_SINCE, OPT_UNTIL, OPT_CONFIG,
    OPT_CREDENTIALS, OPT_WINDOW, OPT_MIN_PORTS, OPT_MIN_ADDRS, OPT_HTML,
    OPT_TITLE, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_PAGE_SIZE, OPT_FILTER,
};

static void
parse_options(int argc, char *argv[], struct options *o, char ***sources,
              size_t *n_sources)
{
    static const struct option long_options[] = {
        {"csv", no_argument, NULL, OPT_CSV},
        {"jsonl", no_argument, NULL, OPT_JSONL},
        {"json", no_argument, NULL, OPT_JSON},
        {"table", no_argument, NULL, OPT_TABLE},
        {"fields", required_argument, NULL, OPT_FIELDS},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"by", required_argument, NULL, OPT_BY},
        {"key", required_argument, NULL, OPT_KEY},
        {"top", required_argument, NULL, 'n'},
        {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"credentials", required_argument, NULL, OPT_CREDENTIALS},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"min-ports", required_argument, NULL, OPT_MIN_PORTS},
        {"min-addrs", required_argument, NULL, OPT_MIN_ADDRS},
        {"html", required_argument, NULL, OPT_HTML},
        {"title", required_argument, NULL, OPT_TITLE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"list-page-size", required_argument, NULL, OPT_PAGE_SIZE},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"interface", required_argument, NULL, OPT_FILTER},
        {"vm", required_argument, NULL, OPT_FILTER},
        {"subnet", required_argument, NULL, OPT_FILTER},
        {"vpc", required_argument, NULL, OPT_FILTER},
        {"addr", required_argument, NULL, OPT_FILTER},
        {"src", required_argument, NULL, OPT_FILTER},
        {"dst", required_argument, NULL, OPT_FILTER},
        {"port", required_argument, NULL, OPT_FILTER},
        {"sport", required_argument, NULL, OPT_FILTER},
        {"dport", required_argument, NULL, OPT_FILTER},
        {"protocol", required_argument, NULL, OPT_FILTER},
        {"direction", required_argument, NULL, OPT_FILTER},
        {"verdict", required_argument, NULL, OPT_FILTER},
        {"status", required_argument, NULL, OPT_FILTER},
        {"flags", required_argument, NULL, OPT_FILTER},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *by = NULL, *key = NULL, *since = NULL, *until = NULL;
    long long int now = time(NULL);
    bool given[OPT_FILTER + 1] = { false };

    o->filter = cli_filter_create();
    o->src.since = LLONG_MIN;
    o->src.until = LLONG_MAX;
    o->src.credentials = "default";
    o->src.page_size = 1000;
    o->top_n = 10;
    o->window = 300;
    o->min_ports = 30;
    o->min_addrs = 30;
    o->progress = isatty(STDERR_FILENO);

    for (;;) {
        int idx = -1;
        int c = getopt_long(argc, argv, "+n:hV", long_options, &idx);
        if (c == -1) {
            if (optind < argc && !o->command) {
                o->command = argv[optind++];
                continue;
            }
            if (optind < argc) {
                /* A source: keep going past it (options may follow). */
                *sources = xrealloc(*sources,
                                    (*n_sources + 1) * sizeof **sources);
                (*sources)[(*n_sources)++] = argv[optind++];
                continue;
            }
            break;
        }
        if (c > 0 && c <= OPT_FILTER) {
            given[c] = true;
        }
        switch (c) {
        case OPT_CSV: o->output = OUT_CSV; break;
        case OPT_JSONL: o->output = OUT_JSONL; break;
        case OPT_JSON: o->output = OUT_JSON; break;
        case OPT_TABLE: o->output = OUT_TABLE; break;
        case OPT_FIELDS: {
            char *copy = xstrdup(optarg), *error;
            for (char *p = copy; *p; p++) {
                if (*p == ',') {
                    *p = '+';
                }
            }
            error = flowlog_fields_parse(copy, o->fields, &o->n_fields);
            free(copy);
            if (error) {
                usage_error("--fields: %s", error);
            }
            break;
        }
        case OPT_LIMIT:
            o->limit = parse_count("limit", optarg, ULLONG_MAX);
            break;
        case OPT_BY: by = optarg; break;
        case OPT_KEY: key = optarg; break;
        case 'n':
            o->top_n = parse_count("top", optarg, SIZE_MAX);
            break;
        case OPT_SINCE: since = optarg; break;
        case OPT_UNTIL: until = optarg; break;
        case OPT_CONFIG: o->src.config_file = optarg; break;
        case OPT_CREDENTIALS: o->src.credentials = optarg; break;
        case OPT_WINDOW:
            o->window = parse_count("window", optarg, INT_MAX);
            if (!o->window) {
                usage_error("--window: must be at least 1 second");
            }
            break;
        case OPT_MIN_PORTS:
            o->min_ports = parse_count("min-ports", optarg, SIZE_MAX);
            break;
        case OPT_MIN_ADDRS:
            o->min_addrs = parse_count("min-addrs", optarg, SIZE_MAX);
            break;
        case OPT_HTML: o->html = optarg; break;
        case OPT_TITLE: o->title = optarg; break;
        case OPT_PROGRESS: o->progress = true; break;
        case OPT_PAGE_SIZE:
            o->src.page_size = parse_count("list-page-size", optarg, 10000);
            if (!o->src.page_size) {
                usage_error("--list-page-size: must be 1 to 10000");
            }
            break;
        case OPT_NO_PROGRESS: o->progress = false; break;
        case OPT_FILTER: {
            char *error = cli_filter_add(o->filter,
                                         long_options[idx].name, optarg);
            if (error) {
                usage_error("%s", error);
            }
            break;
        }
        case 'h':
            usage();
        case 'V':
            printf("%s %s\n", program_name, FLOWLOG_PACKAGE_STRING);
            exit(0);
        case '?':
            fprintf(stderr, "(\"%s --help\" for help)\n", program_name);
            exit(2);
        default:
            OVS_NOT_REACHED();
        }
    }

    if (!o->command) {
        usage_error("missing subcommand (cat, top, denied, scans or "
                    "report)");
    }
    const char *cmd = o->command;
    bool is_cat = !strcmp(cmd, "cat"), is_top = !strcmp(cmd, "top");
    bool is_denied = !strcmp(cmd, "denied"), is_scans = !strcmp(cmd, "scans");
    bool is_report = !strcmp(cmd, "report");
    if (!is_cat && !is_top && !is_denied && !is_scans && !is_report) {
        usage_error("unknown subcommand \"%s\" (cat, top, denied, scans or "
                    "report)", cmd);
    }
    if (!*n_sources) {
        usage_error("%s: no source (a file, a directory, file://DIR, "
                    "swift://CONTAINER[/PREFIX] or s3://BUCKET[/PREFIX])",
                    cmd);
    }

    /* Options that only some subcommands take. */
    struct { int opt; const char *name; bool ok; } only[] = {
        { OPT_CSV, "csv", is_cat },
        { OPT_JSONL, "jsonl", is_cat },
        { OPT_TABLE, "table", !is_report },
        { OPT_JSON, "json", is_top || is_denied || is_scans },
        { OPT_FIELDS, "fields", is_cat },
        { OPT_LIMIT, "limit", is_cat },
        { OPT_BY, "by", is_top },
        { OPT_KEY, "key", is_top },
        { OPT_WINDOW, "window", is_scans || is_report },
        { OPT_MIN_PORTS, "min-ports", is_scans || is_report },
        { OPT_MIN_ADDRS, "min-addrs", is_scans || is_report },
        { OPT_HTML, "html", is_report },
        { OPT_TITLE, "title", is_report },
    };
    for (size_t i = 0; i < ARRAY_SIZE(only); i++) {
        if (given[only[i].opt] && !only[i].ok) {
            usage_error("--%s: not an option of \"%s\"", only[i].name, cmd);
        }
    }
    if (is_report && !o->html) {
        usage_error("report: --html FILE is required");
    }

    o->by = BY_BYTES;
    if (by) {
        if (!strcmp(by, "bytes")) {
            o->by = BY_BYTES;
        } else if (!strcmp(by, "packets")) {
            o->by = BY_PACKETS;
        } else if (!strcmp(by, "records")) {
            o->by = BY_RECORDS;
        } else {
            usage_error("--by: \"%s\" is not bytes, packets or records", by);
        }
    }
    parse_key(o, key ? key : "src");

    char *error;
    if (since) {
        error = cli_parse_time(since, now, &o->src.since);
        if (error) {
            usage_error("--since: %s", error);
        }
    }
    if (until) {
        error = cli_parse_time(until, now, &o->src.until);
        if (error) {
            usage_error("--until: %s", error);
        }
    }
    if (since || until) {
        if (o->src.since >= o->src.until) {
            usage_error("--since must be earlier than --until");
        }
        o->has_time = true;
        cli_filter_set_time(o->filter, o->src.since, o->src.until);
    }
}

static void
usage(void)
{
    printf("\
%s: reads flow log files for people and scripts\n\
usage: %s SUBCOMMAND [OPTIONS] SOURCE...\n\
\n\
Subcommands:\n\
  cat                 the records: an aligned table on a terminal, else CSV\n\
  top                 top N keys by bytes, packets or records\n\
  denied              the sources with the most DROP records\n\
  scans               sources that touched many ports or addresses\n\
  report --html FILE  one self-contained HTML page with charts\n\
\n\
Sources: FILE, DIR, file://DIR, swift://CONTAINER[/PREFIX],\n\
         s3://BUCKET[/PREFIX] (csv, jsonl, .gz or not, and parquet files)\n\
  --since=TIME, --until=TIME   records in [since, until) only; files and\n\
                      partitions outside it are not read.  TIME is\n\
                      YYYY-MM-DD[THH[:MM[:SS]]][Z] (UTC), @UNIX-SECONDS or\n\
                      -N{s,m,h,d} (before now)\n\
  --config=FILE       credentials in the exporter's INI format\n\
  --credentials=NAME  its section to use (default: default)\n\
  --list-page-size=N  keys per listing request (default: 1000)\n\
  (or OS_* for Swift through Keystone, ST_AUTH/ST_USER/ST_KEY for\n\
   TempAuth, AWS_* for S3: see ovs-flowlog(1))\n\
\n\
Filters (any subcommand; repeat an option or separate values with ','):\n\
  --interface=ID --vm=ID --subnet=ID --vpc=ID\n\
  --addr=CIDR (source or destination) --src=CIDR --dst=CIDR\n\
  --port=P[-Q] (source or destination) --sport=P[-Q] --dport=P[-Q]\n\
  --protocol=tcp|udp|icmp|N  --direction=ingress|egress|unknown\n\
  --verdict=accept|drop  --status=ok|skipdata|nodata\n\
  --flags=SYN+ACK|N   tcp_flags has all these bits\n\
\n\
cat:    --csv, --jsonl, --table, --fields=F1,F2,... --limit=N\n\
top:    --by=bytes|packets|records  --key=src|dst|pair|dport|interface|\n\
        verdict|rule|FIELD,...  -n, --top=N (0: all)  --json\n\
denied: -n N  --json\n\
scans:  --window=SECONDS (300) --min-ports=N (30) --min-addrs=N (30)\n\
        -n N --json\n\
report: --html=FILE [--title=TEXT] [--window ... as scans]\n\
top, denied, scans and report count OK records only unless --status is\n\
given.\n\
\n\
Other options:\n\
  --progress, --no-progress   progress on stderr (default: on a terminal)\n\
  -h, --help          this help\n\
  -V, --version       the version\n\
Exit status: 0 success, 1 failure, 2 usage error.\n",
           program_name, program_name);
    exit(0);
}

/* Reading. */

typedef void row_func(void *aux, const struct flowlog_row *,
                      struct flowlog_reader *);

struct progress {
    bool enabled;
    long long int next_ms;
    size_t files, n_files;
    unsigned long long int rows;
};

static void
progress_show(struct progress *p, bool force)
{
    if (!p->enabled) {
        return;
    }
    long long int now = time_msec();
    if (force || now >= p->next_ms) {
        fprintf(stderr, "\r%s: %"PRIuSIZE"/%"PRIuSIZE" files, %llu records",
                program_name, p->files, p->n_files, p->rows);
        fflush(stderr);
        p->next_ms = now + 200;
    }
}

static void
progress_end(struct progress *p)
{
    if (p->enabled) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}

/* Reads every file of 'files', calling 'func' for each row that passes
 * the filter.  'wanted' says which fields 'func' needs.  Stops early
 * when '*stop' becomes true. */
static void
read_files(struct cli_sources *sources, const struct cli_file *files,
           size_t n_files, const struct cli_filter *filter, uint32_t wanted,
           row_func *func, void *aux, bool *stop, bool show_progress)
{
    struct progress progress = {
        .enabled = show_progress && n_files > 1,
        .n_files = n_files,
    };

    wanted |= cli_filter_fields(filter);
    for (size_t i = 0; i < n_files && !*stop; i++) {
        const struct cli_file *f = &files[i];
        void *data;
        size_t size;
        char *error = cli_sources_read(sources, f, &data, &size);
        if (error) {
            progress_end(&progress);
            fail(error);
        }

        struct flowlog_reader *r = flowlog_reader_open(f->name, data, size,
                                                       wanted, &error);
        if (!r) {
            progress_end(&progress);
            fail(error);
        }
        const struct flowlog_row *row;
        int retval;
        while (!*stop && !(retval = flowlog_reader_next(r, &row, &error))) {
            if (cli_filter_match(filter, row)) {
                func(aux, row, r);
            }
            if (!(++progress.rows & 0xffff)) {
                progress_show(&progress, false);
            }
        }
        if (!*stop && retval != EOF) {
            progress_end(&progress);
            fail(error);
        }
        flowlog_reader_close(r);
        cli_sources_release(sources, f, data, size);
        progress.files++;
        progress_show(&progress, false);
    }
    progress_end(&progress);
}

/* cat. */

struct cat_state {
    const struct options *o;
    enum output output;
    enum flowlog_field fields[FL_N_FIELDS];
    size_t n_fields;
    bool started;
    unsigned long long int n;
    bool stop;
    struct ds out;

    /* Table: rows of a block, as text cells, aligned together. */
    char **cells;
    size_t n_rows;
    size_t widths[FL_N_FIELDS];
    bool header_done;
};

#define TABLE_BLOCK 1000

/* Makes 'row' a record and context for the writers of flowlog-record.h,
 * so that cat writes CSV and JSON exactly as the exporter does. */
static void
row_to_record(const struct flowlog_row *row, struct flowlog_record *rec,
              struct flowlog_identity *id, struct flowlog_context *ctx)
{
#define STR(F) (flowlog_row_has(row, F) ? row->strs[F] : NULL)
#define INT(F) (flowlog_row_has(row, F) ? row->ints[F] : 0)
    memset(rec, 0, sizeof *rec);
    memset(id, 0, sizeof *id);
    memset(ctx, 0, sizeof *ctx);

    id->iface_id = CONST_CAST(char *, STR(FL_INTERFACE_ID));
    id->vm_id = CONST_CAST(char *, STR(FL_VM_ID));
    id->subnet_id = CONST_CAST(char *, STR(FL_SUBNET_ID));
    id->vpc_id = CONST_CAST(char *, STR(FL_VPC_ID));
    id->ofport = flowlog_row_has(row, FL_OFPORT) ? INT(FL_OFPORT) : -1;
    rec->id = id;

    ctx->region = STR(FL_REGION);
    ctx->host = STR(FL_HOST);
    ctx->logger = STR(FL_LOGGER);
    ctx->interval_start_ms = INT(FL_INTERVAL_START) * 1000;
    ctx->interval_end_ms = INT(FL_INTERVAL_END) * 1000;

    rec->first_ms = INT(FL_TIMESTAMP_START) * 1000;
    rec->last_ms = INT(FL_TIMESTAMP_END) * 1000;
    rec->protocol = INT(FL_PROTOCOL);
    rec->tcp_flags = INT(FL_TCP_FLAGS);
    rec->src_port = INT(FL_SRC_PORT);
    rec->dst_port = INT(FL_DST_PORT);
    rec->packets = INT(FL_PACKETS);
    rec->bytes = INT(FL_BYTES);
    rec->icmp_type = INT(FL_ICMP_TYPE);
    rec->icmp_code = INT(FL_ICMP_CODE);
    rec->ct_zone = INT(FL_CT_ZONE);

    uint32_t addr;
    if (STR(FL_SRC_ADDR) && cli_parse_ipv4(STR(FL_SRC_ADDR), &addr)) {
        rec->src_addr = htonl(addr);
    }
    if (STR(FL_DST_ADDR) && cli_parse_ipv4(STR(FL_DST_ADDR), &addr)) {
        rec->dst_addr = htonl(addr);
    }

    const char *dir = STR(FL_DIRECTION);
    rec->direction = (!dir ? FL_DIR_UNKNOWN
                      : !strcmp(dir, "ingress") ? FL_DIR_INGRESS
                      : !strcmp(dir, "egress") ? FL_DIR_EGRESS
                      : FL_DIR_UNKNOWN);
    const char *verdict = STR(FL_FILTER);
    rec->verdict = (!verdict ? FL_VERDICT_NONE
                    : !strcmp(verdict, "ACCEPT") ? FL_VERDICT_ACCEPT
                    : !strcmp(verdict, "DROP") ? FL_VERDICT_DROP
                    : FL_VERDICT_NONE);
    const char *status = STR(FL_STATUS);
    rec->status = (!status || !strcmp(status, "OK") ? FL_STATUS_OK
                   : !strcmp(status, "SKIPDATA") ? FL_STATUS_SKIPDATA
                   : FL_STATUS_NODATA);

    unsigned int table;
    unsigned long long int cookie;
    int n = 0;
    const char *rule = STR(FL_RULE);
    rec->rule_cookie = OVS_BE64_MAX;
    if (rule && sscanf(rule, "%u:0x%llx%n", &table, &cookie, &n) == 2
        && !rule[n] && table <= 255) {
        rec->rule_table = table;
        rec->rule_cookie = htonll(cookie);
    }
#undef STR
#undef INT
}

/* A cell of the table: times, protocols and flags for people. */
static void
table_cell(enum flowlog_field f, const struct flowlog_row *row, struct ds *s)
{
    if (!flowlog_row_has(row, f)) {
        ds_put_char(s, '-');
        return;
    }
    if (flowlog_field_type(f) == FL_TYPE_STRING) {
        ds_put_buffer(s, row->strs[f], row->lens[f]);
        return;
    }

    int64_t x = row->ints[f];
    char buf[8];
    if (f == FL_TIMESTAMP_START || f == FL_TIMESTAMP_END
        || f == FL_INTERVAL_START || f == FL_INTERVAL_END) {
        stats_format_time(x, s);
    } else if (f == FL_PROTOCOL) {
        ds_put_cstr(s, stats_protocol_name(x, buf));
    } else if (f == FL_TCP_FLAGS) {
        static const struct { int bit; const char *name; } flags[] = {
            { 2, "SYN" }, { 16, "ACK" }, { 1, "FIN" }, { 4, "RST" },
        };
        size_t start = s->length;
        for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
            if (x & flags[i].bit) {
                if (s->length > start) {
                    ds_put_char(s, '+');
                }
                ds_put_cstr(s, flags[i].name);
            }
        }
        if (s->length == start) {
            ds_put_char(s, x ? '?' : '-');
        }
    } else {
        ds_put_format(s, "%"PRId64, x);
    }
}

static bool
table_right(enum flowlog_field f)
{
    return (flowlog_field_is_numeric(f) && f != FL_PROTOCOL
            && f != FL_TCP_FLAGS && f != FL_TIMESTAMP_START
            && f != FL_TIMESTAMP_END && f != FL_INTERVAL_START
            && f != FL_INTERVAL_END);
}

static void
table_flush(struct cat_state *c)
{
    struct ds *s = &c->out;

    if (!c->header_done) {
        /* The header goes out with the first block, aligned to it. */
        c->header_done = true;
        for (size_t i = 0; i < c->n_fields; i++) {
            const char *name = flowlog_field_name(c->fields[i]);
            if (i) {
                ds_put_cstr(s, "  ");
            }
            if (table_right(c->fields[i])) {
                ds_put_format(s, "%*s", (int) c->widths[i], name);
            } else if (i + 1 < c->n_fields) {
                ds_put_format(s, "%-*s", (int) c->widths[i], name);
            } else {
                ds_put_cstr(s, name);
            }
        }
        ds_put_char(s, '\n');
    }
    for (size_t r = 0; r < c->n_rows; r++) {
        for (size_t i = 0; i < c->n_fields; i++) {
            const char *cell = c->cells[r * c->n_fields + i];
            if (i) {
                ds_put_cstr(s, "  ");
            }
            if (table_right(c->fields[i])) {
                ds_put_format(s, "%*s", (int) c->widths[i], cell);
            } else if (i + 1 < c->n_fields) {
                ds_put_format(s, "%-*s", (int) c->widths[i], cell);
            } else {
                ds_put_cstr(s, cell);
            }
            free(c->cells[r * c->n_fields + i]);
        }
        ds_put_char(s, '\n');
    }
    c->n_rows = 0;
    fputs(ds_cstr(s), stdout);
    ds_clear(s);
}

static void
cat_row(void *c_, const struct flowlog_row *row, struct flowlog_reader *r)
{
    struct cat_state *c = c_;

    if (!c->started) {
        c->started = true;
        if (!c->n_fields) {
            const enum flowlog_field *fields = flowlog_reader_columns(
                r, &c->n_fields);
            memcpy(c->fields, fields, c->n_fields * sizeof *fields);
        }
        if (c->output == OUT_CSV) {
            flowlog_csv_header(&c->out, c->fields, c->n_fields);
        } else if (c->output == OUT_TABLE) {
            c->cells = xmalloc(TABLE_BLOCK * c->n_fields * sizeof *c->cells);
            for (size_t i = 0; i < c->n_fields; i++) {
                c->widths[i] = strlen(flowlog_field_name(c->fields[i]));
            }
        }
    }

    if (c->output == OUT_TABLE) {
        for (size_t i = 0; i < c->n_fields; i++) {
            struct ds cell = DS_EMPTY_INITIALIZER;
            table_cell(c->fields[i], row, &cell);
            c->widths[i] = MAX(c->widths[i], cell.length);
            c->cells[c->n_rows * c->n_fields + i] = ds_steal_cstr(&cell);
        }
        if (++c->n_rows == TABLE_BLOCK) {
            table_flush(c);
        }
    } else {
        struct flowlog_record rec;
        struct flowlog_identity id;
        struct flowlog_context ctx;

        row_to_record(row, &rec, &id, &ctx);
        if (c->output == OUT_CSV) {
            flowlog_csv_record(&c->out, c->fields, c->n_fields, &rec, &ctx);
        } else {
            flowlog_json_record(&c->out, c->fields, c->n_fields, &rec, &ctx);
        }
        if (c->out.length >= 65536) {
            fputs(ds_cstr(&c->out), stdout);
            ds_clear(&c->out);
        }
    }
    c->n++;
    if (c->o->limit && c->n >= c->o->limit) {
        c->stop = true;
    }
}

static void
do_cat(struct options *o, struct cli_sources *sources,
       const struct cli_file *files, size_t n_files)
{
    struct cat_state c = { .o = o };

    c.output = (o->output != OUT_DEFAULT ? o->output
                : isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_CSV);
    memcpy(c.fields, o->fields, o->n_fields * sizeof *o->fields);
    c.n_fields = o->n_fields;
    ds_init(&c.out);

    read_files(sources, files, n_files, o->filter,
               FLOWLOG_ALL_FIELDS, cat_row, &c, &c.stop,
               o->progress);
    if (c.output == OUT_TABLE && c.n_rows) {
        table_flush(&c);
    }
    fputs(ds_cstr(&c.out), stdout);
    ds_destroy(&c.out);
    free(c.cells);
}

/* top, denied, scans. */

static void
top_row(void *t, const struct flowlog_row *row,
        struct flowlog_reader *r OVS_UNUSED)
{
    stats_top_add(t, row);
}

static void
denied_row(void *d, const struct flowlog_row *row,
           struct flowlog_reader *r OVS_UNUSED)
{
    stats_denied_add(d, row);
}

static void
scans_row(void *s, const struct flowlog_row *row,
          struct flowlog_reader *r OVS_UNUSED)
{
    stats_scans_add(s, row);
}

static void
print_json_or_table(const struct options *o, struct json *array,
                    const char *const *columns, size_t n_columns)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (o->output == OUT_JSON) {
        json_to_ds(array, JSSF_SORT, &s);
        ds_put_char(&s, '\n');
    } else {
        stats_table(array, columns, n_columns, &s);
    }
    fputs(ds_cstr(&s), stdout);
    ds_destroy(&s);
    json_destroy(array);
}

static void
do_top(struct options *o, struct cli_sources *sources,
       const struct cli_file *files, size_t n_files)
{
    struct stats_top *t = stats_top_create(o->key, o->n_key);
    bool stop = false;

    cli_filter_default_status_ok(o->filter);
    read_files(sources, files, n_files, o->filter, stats_top_fields(t),
               top_row, t, &stop, o->progress);

    const char *columns[FL_N_FIELDS + 3];
    size_t n = 0;
    for (size_t i = 0; i < o->n_key; i++) {
        columns[n++] = flowlog_field_name(o->key[i]);
    }
    columns[n++] = "records";
    columns[n++] = "packets";
    columns[n++] = "bytes";
    print_json_or_table(o, stats_top_json(t, o->by, o->top_n), columns, n);
    stats_top_destroy(t);
}

static void
do_denied(struct options *o, struct cli_sources *sources,
          const struct cli_file *files, size_t n_files)
{
    struct stats_denied *d = stats_denied_create();
    bool stop = false;

    cli_filter_default_status_ok(o->filter);
    read_files(sources, files, n_files, o->filter, stats_denied_fields(),
               denied_row, d, &stop, o->progress);

    static const char *const columns[] = {
        "src_addr", "records", "packets", "bytes", "first", "last",
        "dst_addrs", "dst_ports", "ports",
    };
    print_json_or_table(o, stats_denied_json(d, o->top_n, 5), columns,
                        ARRAY_SIZE(columns));
    stats_denied_destroy(d);
}

static void
do_scans(struct options *o, struct cli_sources *sources,
         const struct cli_file *files, size_t n_files)
{
    struct stats_scans *s = stats_scans_create(o->window, o->min_ports,
                                               o->min_addrs);
    bool stop = false;

    cli_filter_default_status_ok(o->filter);
    read_files(sources, files, n_files, o->filter, stats_scans_fields(),
               scans_row, s, &stop, o->progress);

    static const char *const columns[] = {
        "src_addr", "window_start", "dst_ports", "dst_addrs", "records",
        "dropped", "packets", "bytes",
    };
    print_json_or_table(o, stats_scans_json(s, o->top_n), columns,
                        ARRAY_SIZE(columns));
    stats_scans_destroy(s);
}

/* report. */

static void
report_row(void *rep, const struct flowlog_row *row,
           struct flowlog_reader *r OVS_UNUSED)
{
    report_add(rep, row);
}

static void
do_report(struct options *o, struct cli_sources *sources,
          const struct cli_file *files, size_t n_files)
{
    struct report_options ro = {
        .title = o->title,
        .window = o->window,
        .min_ports = o->min_ports,
        .min_addrs = o->min_addrs,
        .top_n = o->top_n,
        .status_given = cli_filter_has_status(o->filter),
    };
    struct report *rep = report_create(&ro);
    bool stop = false;

    read_files(sources, files, n_files, o->filter, report_fields(),
               report_row, rep, &stop, o->progress);

    char *error = report_write(rep, files, n_files, o->html);
    report_destroy(rep);
    if (error) {
        fail(error);
    }
}

int
main(int argc, char *argv[])
{
    struct options o;
    char **args = NULL;
    size_t n_args = 0;

    memset(&o, 0, sizeof o);
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_ERR);
    parse_options(argc, argv, &o, &args, &n_args);

    struct cli_sources *sources;
    char *error = cli_sources_open(args, n_args, &o.src, &sources);
    if (error) {
        fail(error);
    }

    struct cli_file *files;
    size_t n_files;
    error = cli_sources_list(sources, &files, &n_files);
    if (error) {
        fail(error);
    }

    if (!strcmp(o.command, "cat")) {
        do_cat(&o, sources, files, n_files);
    } else if (!strcmp(o.command, "top")) {
        do_top(&o, sources, files, n_files);
    } else if (!strcmp(o.command, "denied")) {
        do_denied(&o, sources, files, n_files);
    } else if (!strcmp(o.command, "scans")) {
        do_scans(&o, sources, files, n_files);
    } else {
        do_report(&o, sources, files, n_files);
    }

    if (fflush(stdout) || ferror(stdout)) {
        fail(xasprintf("error writing standard output (%s)",
                       ovs_strerror(errno)));
    }
    cli_files_free(files, n_files);
    cli_sources_close(sources);
    cli_filter_destroy(o.filter);
    free(args);
    return 0;
}
