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
#include "utilities/flowlog-report.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "lib/flowlog-reader.h"
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "util.h"
#include "utilities/flowlog-source.h"
#include "utilities/flowlog-stats.h"

/* Traffic of one series (an interface, or a verdict) in one minute. */
struct point {
    struct hmap_node node;
    char *name;
    int64_t minute;             /* UNIX seconds, a multiple of 60. */
    uint64_t records, packets, bytes;
};

struct totals {
    uint64_t records, packets, bytes;
};

struct report {
    struct report_options opts;
    struct hmap traffic;        /* Per interface. */
    struct hmap verdicts;       /* Per verdict. */
    struct totals all, accept, drop;
    struct stats_top *talkers;  /* src_addr, dst_addr. */
    struct stats_denied *denied;
    struct stats_scans *scans;
    struct stats_top *skipdata; /* interface_id, timestamp_start. */
    uint64_t rows, skip_rows;
    int64_t tmin, tmax;
};

struct report *
report_create(const struct report_options *opts)
{
    static const enum flowlog_field pair[] = { FL_SRC_ADDR, FL_DST_ADDR };
    static const enum flowlog_field skip[] = { FL_INTERFACE_ID,
                                               FL_TIMESTAMP_START };
    struct report *r = xzalloc(sizeof *r);

    r->opts = *opts;
    hmap_init(&r->traffic);
    hmap_init(&r->verdicts);
    r->talkers = stats_top_create(pair, 2);
    r->denied = stats_denied_create();
    r->scans = stats_scans_create(opts->window, opts->min_ports,
                                  opts->min_addrs);
    r->skipdata = stats_top_create(skip, 2);
    r->tmin = INT64_MAX;
    r->tmax = INT64_MIN;
    return r;
}

static void
points_destroy(struct hmap *map)
{
    struct point *p;

    HMAP_FOR_EACH_POP (p, node, map) {
        free(p->name);
        free(p);
    }
    hmap_destroy(map);
}

void
report_destroy(struct report *r)
{
    if (r) {
        points_destroy(&r->traffic);
        points_destroy(&r->verdicts);
        stats_top_destroy(r->talkers);
        stats_denied_destroy(r->denied);
        stats_scans_destroy(r->scans);
        stats_top_destroy(r->skipdata);
        free(r);
    }
}

uint32_t
report_fields(void)
{
    return (stats_denied_fields() | FLOWLOG_FIELD_BIT(FL_INTERFACE_ID)
            | FLOWLOG_FIELD_BIT(FL_STATUS));
}

static void
point_add(struct hmap *map, const char *name, int64_t minute,
          uint64_t packets, uint64_t bytes)
{
    uint32_t hash = hash_int(minute, hash_string(name, 0));
    struct point *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, hash, map) {
        if (p->minute == minute && !strcmp(p->name, name)) {
            goto found;
        }
    }
    p = xzalloc(sizeof *p);
    p->name = xstrdup(name);
    p->minute = minute;
    hmap_insert(map, &p->node, hash);
found:
    p->records++;
    p->packets += packets;
    p->bytes += bytes;
}

static void
totals_add(struct totals *t, uint64_t packets, uint64_t bytes)
{
    t->records++;
    t->packets += packets;
    t->bytes += bytes;
}

void
report_add(struct report *r, const struct flowlog_row *row)
{
    const char *status = (flowlog_row_has(row, FL_STATUS)
                          ? row->strs[FL_STATUS] : "OK");
    uint64_t packets = (flowlog_row_has(row, FL_PACKETS)
                        ? row->ints[FL_PACKETS] : 0);
    uint64_t bytes = (flowlog_row_has(row, FL_BYTES)
                      ? row->ints[FL_BYTES] : 0);

    if (!strcmp(status, "SKIPDATA")) {
        r->skip_rows++;
        stats_top_add(r->skipdata, row);
    }
    if (!r->opts.status_given && strcmp(status, "OK")) {
        return;
    }

    r->rows++;
    totals_add(&r->all, packets, bytes);
    const char *verdict = (flowlog_row_has(row, FL_FILTER)
                           ? row->strs[FL_FILTER] : "");
    if (!strcmp(verdict, "ACCEPT")) {
        totals_add(&r->accept, packets, bytes);
    } else if (!strcmp(verdict, "DROP")) {
        totals_add(&r->drop, packets, bytes);
    }
    if (flowlog_row_has(row, FL_TIMESTAMP_START)) {
        int64_t t = row->ints[FL_TIMESTAMP_START];
        int64_t minute = t - ((t % 60) + 60) % 60;

        r->tmin = MIN(r->tmin, t);
        r->tmax = MAX(r->tmax, flowlog_row_has(row, FL_TIMESTAMP_END)
                               ? row->ints[FL_TIMESTAMP_END] : t);
        point_add(&r->traffic, (flowlog_row_has(row, FL_INTERFACE_ID)
                                ? row->strs[FL_INTERFACE_ID] : "(none)"),
                  minute, packets, bytes);
        if (verdict[0]) {
            point_add(&r->verdicts, verdict, minute, packets, bytes);
        }
    }
    stats_top_add(r->talkers, row);
    stats_denied_add(r->denied, row);
    stats_scans_add(r->scans, row);
}

/* HTML. */

static void
put_escaped(struct ds *s, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '<': ds_put_cstr(s, "&lt;"); break;
        case '>': ds_put_cstr(s, "&gt;"); break;
        case '&': ds_put_cstr(s, "&amp;"); break;
        case '"': ds_put_cstr(s, "&quot;"); break;
        case '\'': ds_put_cstr(s, "&#39;"); break;
        default: ds_put_char(s, *text); break;
        }
    }
}

/* Appends 'x' with thousands separators. */
static void
put_count(struct ds *s, uint64_t x)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%"PRIu64, x);

    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) {
            ds_put_char(s, ',');
        }
        ds_put_char(s, buf[i]);
    }
}

/* A number shown, with its exact value in data-value. */
static void
put_number(struct ds *s, const char *tag, const char *field, uint64_t x)
{
    ds_put_format(s, "<%s class=\"num\" data-field=\"%s\" "
                  "data-value=\"%"PRIu64"\">", tag, field, x);
    put_count(s, x);
    ds_put_format(s, "</%s>", tag);
}

static void
put_time(struct ds *s, const char *tag, const char *field, int64_t t)
{
    ds_put_format(s, "<%s class=\"time\" data-field=\"%s\" "
                  "data-value=\"%"PRId64"\">", tag, field, t);
    stats_format_time(t, s);
    ds_put_format(s, "</%s>", tag);
}

static void
put_text(struct ds *s, const char *field, const struct json *v)
{
    ds_put_format(s, "<td data-field=\"%s\"", field);
    if (v && v->type == JSON_STRING) {
        ds_put_cstr(s, " data-value=\"");
        put_escaped(s, json_string(v));
        ds_put_cstr(s, "\">");
        put_escaped(s, json_string(v));
    } else {
        ds_put_cstr(s, ">-");
    }
    ds_put_cstr(s, "</td>");
}

static const struct json *
member(const struct json *obj, const char *name)
{
    return shash_find_data(json_object(obj), name);
}

static uint64_t
member_int(const struct json *obj, const char *name)
{
    const struct json *v = member(obj, name);
    return v && v->type == JSON_INTEGER ? json_integer(v) : 0;
}

/* A table section: one row per object of 'array'; 'columns' are
 * member names, shown as text ('t'), counts ('n') or times ('T') as the
 * first character of each says. */
static void
put_table(struct ds *s, const char *section, const char *heading,
          const char *empty, const struct json *array,
          const char *const *columns, size_t n_columns)
{
    ds_put_format(s, "<section data-section=\"%s\"><h2>%s</h2>\n",
                  section, heading);
    if (!json_array(array)->n) {
        ds_put_format(s, "<p class=\"empty\">%s</p></section>\n", empty);
        return;
    }
    ds_put_cstr(s, "<table><thead><tr>");
    for (size_t c = 0; c < n_columns; c++) {
        ds_put_format(s, "<th>%s</th>", columns[c] + 1);
    }
    ds_put_cstr(s, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < json_array(array)->n; i++) {
        const struct json *obj = json_array(array)->elems[i];

        ds_put_format(s, "<tr data-row=\"%"PRIuSIZE"\">", i);
        for (size_t c = 0; c < n_columns; c++) {
            const char *name = columns[c] + 1;
            const struct json *v = member(obj, name);

            if (columns[c][0] == 'n') {
                put_number(s, "td", name, member_int(obj, name));
            } else if (columns[c][0] == 'T') {
                if (v && v->type == JSON_INTEGER) {
                    put_time(s, "td", name, json_integer(v));
                } else {
                    ds_put_format(s, "<td data-field=\"%s\">-</td>", name);
                }
            } else if (columns[c][0] == 'p') {
                /* denied's ports. */
                ds_put_format(s, "<td data-field=\"%s\">", name);
                for (size_t k = 0; v && k < json_array(v)->n; k++) {
                    const struct json *p = json_array(v)->elems[k];
                    char buf[8];
                    ds_put_format(s, "%s<span class=\"port\" "
                                  "data-protocol=\"%"PRIu64"\" "
                                  "data-port=\"%"PRIu64"\" "
                                  "data-value=\"%"PRIu64"\">%s/%"PRIu64
                                  " &times;", k ? " " : "",
                                  member_int(p, "protocol"),
                                  member_int(p, "dst_port"),
                                  member_int(p, "records"),
                                  stats_protocol_name(
                                      member_int(p, "protocol"), buf),
                                  member_int(p, "dst_port"));
                    put_count(s, member_int(p, "records"));
                    ds_put_cstr(s, "</span>");
                }
                ds_put_cstr(s, "</td>");
            } else {
                put_text(s, name, v);
            }
        }
        ds_put_cstr(s, "</tr>\n");
    }
    ds_put_cstr(s, "</tbody></table></section>\n");
}

/* Time series, re-bucketed for the page. */
struct series {
    char *name;
    uint64_t *packets, *bytes;
    uint64_t total_bytes;
};

static int64_t
choose_bucket(int64_t span)
{
    static const int64_t sizes[] = {
        60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
        86400, 7 * 86400,
    };
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        if (span / sizes[i] < 96) {
            return sizes[i];
        }
    }
    return 30 * 86400;
}

static int
compare_series(const void *a_, const void *b_)
{
    const struct series *a = a_, *b = b_;

    if (a->total_bytes != b->total_bytes) {
        return a->total_bytes > b->total_bytes ? -1 : 1;
    }
    return strcmp(a->name, b->name);
}

static struct series *
make_series(const struct hmap *points, int64_t start, int64_t bucket,
            size_t n_buckets, size_t *n)
{
    struct series *series = NULL;
    size_t allocated = 0;
    struct shash index = SHASH_INITIALIZER(&index);
    const struct point *p;

    *n = 0;
    HMAP_FOR_EACH (p, node, points) {
        struct series *sr;
        size_t *idx = shash_find_data(&index, p->name);
        if (!idx) {
            if (*n >= allocated) {
                series = x2nrealloc(series, &allocated, sizeof *series);
            }
            sr = &series[*n];
            sr->name = xstrdup(p->name);
            sr->packets = xcalloc(n_buckets, sizeof *sr->packets);
            sr->bytes = xcalloc(n_buckets, sizeof *sr->bytes);
            sr->total_bytes = 0;
            idx = xmalloc(sizeof *idx);
            *idx = (*n)++;
            shash_add(&index, p->name, idx);
        }
        sr = &series[*idx];
        size_t b = MIN((p->minute - start) / bucket, n_buckets - 1);
        sr->packets[b] += p->packets;
        sr->bytes[b] += p->bytes;
        sr->total_bytes += p->bytes;
    }
    shash_destroy_free_data(&index);
    qsort(series, *n, sizeof *series, compare_series);
    return series;
}

static void
series_free(struct series *series, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(series[i].name);
        free(series[i].packets);
        free(series[i].bytes);
    }
    free(series);
}

#define CHART_W 720
#define CHART_H 120

/* An SVG bar chart of 'n' stacked series ('values[k]', one per bucket),
 * drawn in 'colors[k]'. */
static void
put_chart(struct ds *s, const char *what, const char *unit,
          uint64_t *const values[], const char *const names[],
          const char *const colors[], size_t n, size_t n_buckets,
          int64_t start, int64_t bucket)
{
    uint64_t max = 1;

    for (size_t b = 0; b < n_buckets; b++) {
        uint64_t sum = 0;
        for (size_t k = 0; k < n; k++) {
            sum += values[k][b];
        }
        max = MAX(max, sum);
    }

    double w = (double) CHART_W / n_buckets;
    ds_put_format(s, "<figure data-chart=\"%s\"><svg width=\"%d\" "
                  "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
                  "aria-label=\"", what, CHART_W, CHART_H + 16, CHART_W,
                  CHART_H + 16);
    put_escaped(s, what);
    ds_put_cstr(s, "\">");
    ds_put_format(s, "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                  "class=\"axis\"/>", CHART_H, CHART_W, CHART_H);
    for (size_t b = 0; b < n_buckets; b++) {
        double y = CHART_H;
        for (size_t k = 0; k < n; k++) {
            uint64_t v = values[k][b];
            if (!v) {
                continue;
            }
            double h = (double) v * (CHART_H - 4) / max;
            h = MAX(h, 1);
            y -= h;
            ds_put_format(s, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                          "height=\"%.2f\" fill=\"%s\" data-series=\"%s\" "
                          "data-time=\"%"PRId64"\" data-value=\"%"PRIu64"\">"
                          "<title>", b * w + 0.5, y, MAX(w - 1, 0.5), h,
                          colors[k], names[k], start + b * bucket, v);
            stats_format_time(start + b * bucket, s);
            ds_put_format(s, " %s: ", names[k]);
            put_count(s, v);
            ds_put_format(s, " %s</title></rect>", unit);
        }
    }
    ds_put_cstr(s, "<text x=\"2\" y=\"");
    ds_put_format(s, "%d\" class=\"label\">", CHART_H + 13);
    stats_format_time(start, s);
    ds_put_format(s, "</text><text x=\"%d\" y=\"%d\" class=\"label\" "
                  "text-anchor=\"end\">", CHART_W - 2, CHART_H + 13);
    stats_format_time(start + n_buckets * bucket, s);
    ds_put_cstr(s, "</text></svg><figcaption>");
    put_escaped(s, what);
    ds_put_cstr(s, ", peak ");
    ds_put_format(s, "<span class=\"num\" data-field=\"peak\" "
                  "data-value=\"%"PRIu64"\">", max);
    put_count(s, max);
    ds_put_format(s, "</span> %s per ", unit);
    ds_put_format(s, "<span data-field=\"bucket\" data-value=\"%"PRId64"\">"
                  "%"PRId64"</span> s</figcaption></figure>\n", bucket,
                  bucket);
}

/* Missing files: per logger and host, gaps between consecutive snapshot
 * starts longer than 1.5 times the most common gap (the interval). */
static struct json *
missing_json(const struct cli_file *files, size_t n_files)
{
    struct json *array = json_array_create_empty();
    struct shash groups = SHASH_INITIALIZER(&groups);

    for (size_t i = 0; i < n_files; i++) {
        const struct cli_file *f = &files[i];
        if (f->start_ms == LLONG_MIN || !f->logger) {
            continue;
        }
        char *key = xasprintf("%s\t%s", f->logger, f->host);
        struct json *list = shash_find_data(&groups, key);
        if (!list) {
            list = json_array_create_empty();
            shash_add(&groups, key, list);
        }
        json_array_add(list, json_integer_create(f->start_ms));
        free(key);
    }

    const struct shash_node **nodes = shash_sort(&groups);
    for (size_t g = 0; g < shash_count(&groups); g++) {
        const struct json *list = nodes[g]->data;
        size_t n = json_array(list)->n;
        long long int *starts = xmalloc(MAX(n, 1) * sizeof *starts);

        for (size_t i = 0; i < n; i++) {
            starts[i] = json_integer(json_array(list)->elems[i]);
        }
        /* Sorted already (files are sorted by start per source) but
         * sources may interleave. */
        for (size_t i = 1; i < n; i++) {
            for (size_t j = i; j > 0 && starts[j - 1] > starts[j]; j--) {
                long long int t = starts[j];
                starts[j] = starts[j - 1];
                starts[j - 1] = t;
            }
        }
        /* The most common gap. */
        long long int interval = 0;
        size_t best = 0;
        for (size_t i = 1; i < n; i++) {
            long long int gap = starts[i] - starts[i - 1];
            size_t count = 0;
            for (size_t j = 1; j < n; j++) {
                count += starts[j] - starts[j - 1] == gap;
            }
            if (gap > 0 && (count > best
                            || (count == best && gap < interval))) {
                best = count;
                interval = gap;
            }
        }
        for (size_t i = 1; interval > 0 && i < n; i++) {
            long long int gap = starts[i] - starts[i - 1];
            if (gap * 2 > interval * 3) {
                char *tab = strchr(nodes[g]->name, '\t');
                struct json *obj = json_object_create();
                json_object_put(obj, "logger", json_string_create_nocopy(
                                    xmemdup0(nodes[g]->name,
                                             tab - nodes[g]->name)));
                json_object_put_string(obj, "host", tab + 1);
                json_object_put(obj, "after",
                                json_integer_create(starts[i - 1] / 1000));
                json_object_put(obj, "before",
                                json_integer_create(starts[i] / 1000));
                json_object_put(obj, "missing",
                                json_integer_create((gap + interval / 2)
                                                    / interval - 1));
                json_array_add(array, obj);
            }
        }
        free(starts);
    }
    free(nodes);
    struct shash_node *node;
    SHASH_FOR_EACH (node, &groups) {
        json_destroy(node->data);
    }
    shash_destroy(&groups);
    return array;
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;"
    "max-width:1000px}"
    "h1{font-size:22px}h2{font-size:17px;margin-top:28px;"
    "border-bottom:1px solid #ddd}"
    "table{border-collapse:collapse;margin:8px 0}"
    "th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".empty{color:#777}.axis{stroke:#999}"
    ".label{font-size:10px;fill:#666}"
    "figure{margin:8px 0 16px}figcaption{font-size:12px;color:#555}"
    ".totals td{font-size:15px}"
    ".legend span{display:inline-block;width:10px;height:10px;"
    "margin:0 4px 0 12px}"
    ".port,.time{white-space:nowrap}";

static void
put_totals(struct ds *s, const char *name, const struct totals *t)
{
    ds_put_format(s, "<tr data-row=\"%s\"><th>%s</th>", name, name);
    put_number(s, "td", "records", t->records);
    put_number(s, "td", "packets", t->packets);
    put_number(s, "td", "bytes", t->bytes);
    ds_put_cstr(s, "</tr>\n");
}

/* Writes the page to 'file_name' ("-" for standard output).  Returns NULL
 * or an error message. */
char *
report_write(struct report *r, const struct cli_file *files, size_t n_files,
             const char *file_name)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *title = r->opts.title ? r->opts.title : "Flow log report";

    ds_put_cstr(&s, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                "<meta charset=\"utf-8\">"
                "<meta http-equiv=\"Content-Security-Policy\" "
                "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
                "<title>");
    put_escaped(&s, title);
    ds_put_format(&s, "</title><style>%s</style></head><body>\n<h1>", style);
    put_escaped(&s, title);
    ds_put_cstr(&s, "</h1>\n<p data-section=\"summary\">");
    put_number(&s, "span", "files", n_files);
    ds_put_cstr(&s, " files, ");
    put_number(&s, "span", "records", r->rows);
    ds_put_cstr(&s, " records");
    if (r->tmin <= r->tmax) {
        ds_put_cstr(&s, " from ");
        put_time(&s, "span", "first", r->tmin);
        ds_put_cstr(&s, " to ");
        put_time(&s, "span", "last", r->tmax);
    }
    ds_put_cstr(&s, r->opts.status_given
                ? " (records of the --status given).</p>\n"
                : " (status OK).</p>\n");

    /* Totals. */
    ds_put_cstr(&s, "<section data-section=\"totals\"><h2>Totals</h2>"
                "<table class=\"totals\"><thead><tr><th></th><th>records"
                "</th><th>packets</th><th>bytes</th></tr></thead><tbody>\n");
    put_totals(&s, "all", &r->all);
    put_totals(&s, "ACCEPT", &r->accept);
    put_totals(&s, "DROP", &r->drop);
    ds_put_cstr(&s, "</tbody></table></section>\n");

    /* Charts. */
    if (r->tmin <= r->tmax) {
        int64_t start = r->tmin - ((r->tmin % 60) + 60) % 60;
        int64_t bucket = choose_bucket(r->tmax - start + 1);
        start -= ((start % bucket) + bucket) % bucket;
        size_t n_buckets = (r->tmax - start) / bucket + 1;
        size_t n;

        struct series *v = make_series(&r->verdicts, start, bucket,
                                       n_buckets, &n);
        uint64_t *zero = xcalloc(n_buckets, sizeof *zero);
        uint64_t *pk[2] = { zero, zero };
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(v[i].name, "ACCEPT")) {
                pk[0] = v[i].packets;
            } else if (!strcmp(v[i].name, "DROP")) {
                pk[1] = v[i].packets;
            }
        }
        static const char *const vnames[] = { "ACCEPT", "DROP" };
        static const char *const vcolors[] = { "#3a7", "#d33" };
        ds_put_cstr(&s, "<section data-section=\"verdicts\"><h2>ACCEPT vs "
                    "DROP over time</h2><p class=\"legend\"><span style=\""
                    "background:#3a7\"></span>ACCEPT<span style=\""
                    "background:#d33\"></span>DROP</p>\n");
        put_chart(&s, "packets by verdict", "packets", pk, vnames, vcolors,
                  2, n_buckets, start, bucket);
        ds_put_cstr(&s, "</section>\n");
        series_free(v, n);

        struct series *t = make_series(&r->traffic, start, bucket,
                                       n_buckets, &n);
        size_t shown = MIN(n, 12);
        ds_put_cstr(&s, "<section data-section=\"traffic\"><h2>Traffic per "
                    "interface</h2>\n");
        if (n > shown) {
            ds_put_format(&s, "<p>The %"PRIuSIZE" interfaces with the most "
                          "bytes of ", shown);
            put_number(&s, "span", "interfaces", n);
            ds_put_cstr(&s, ".</p>\n");
        }
        for (size_t i = 0; i < shown; i++) {
            const char *name = t[i].name;
            char *bytes_what = xasprintf("bytes of %s", name);
            char *packets_what = xasprintf("packets of %s", name);
            uint64_t *bv[1] = { t[i].bytes };
            uint64_t *pv[1] = { t[i].packets };
            const char *names[1] = { "bytes" };
            const char *pnames[1] = { "packets" };
            const char *c1[1] = { "#37b" };
            const char *c2[1] = { "#a6c" };

            ds_put_cstr(&s, "<div data-interface=\"");
            put_escaped(&s, name);
            ds_put_cstr(&s, "\"><h3>");
            put_escaped(&s, name);
            ds_put_cstr(&s, "</h3>");
            put_chart(&s, bytes_what, "bytes", bv, names, c1, 1, n_buckets,
                      start, bucket);
            put_chart(&s, packets_what, "packets", pv, pnames, c2, 1,
                      n_buckets, start, bucket);
            ds_put_cstr(&s, "</div>\n");
            free(bytes_what);
            free(packets_what);
        }
        ds_put_cstr(&s, "</section>\n");
        series_free(t, n);
        free(zero);
    }

    static const char *const talkers[] = {
        "tsrc_addr", "tdst_addr", "nrecords", "npackets", "nbytes",
    };
    struct json *a = stats_top_json(r->talkers, BY_BYTES, r->opts.top_n);
    put_table(&s, "talkers", "Top talkers (bytes)", "No traffic.", a,
              talkers, ARRAY_SIZE(talkers));
    json_destroy(a);

    static const char *const denied[] = {
        "tsrc_addr", "nrecords", "npackets", "nbytes", "Tfirst", "Tlast",
        "ndst_addrs", "ndst_ports", "pports",
    };
    a = stats_denied_json(r->denied, r->opts.top_n, 5);
    put_table(&s, "denied", "Top denied sources", "No DROP records.", a,
              denied, ARRAY_SIZE(denied));
    json_destroy(a);

    static const char *const scans[] = {
        "tsrc_addr", "Twindow_start", "ndst_ports", "ndst_addrs",
        "nrecords", "ndropped", "npackets", "nbytes",
    };
    a = stats_scans_json(r->scans, r->opts.top_n);
    char *heading = xasprintf("Scan suspects (%"PRIuSIZE"+ ports or "
                              "%"PRIuSIZE"+ addresses in %d s)",
                              r->opts.min_ports, r->opts.min_addrs,
                              r->opts.window);
    put_table(&s, "scans", heading, "No source crossed the thresholds.", a,
              scans, ARRAY_SIZE(scans));
    free(heading);
    json_destroy(a);

    static const char *const skip[] = {
        "tinterface_id", "Ttimestamp_start", "nrecords", "npackets",
        "nbytes",
    };
    a = stats_top_json(r->skipdata, BY_PACKETS, 0);
    put_table(&s, "skipdata", "SKIPDATA records (capacity reached)",
              "None: every packet was recorded.", a, skip,
              ARRAY_SIZE(skip));
    json_destroy(a);

    static const char *const missing[] = {
        "tlogger", "thost", "Tafter", "Tbefore", "nmissing",
    };
    a = missing_json(files, n_files);
    put_table(&s, "missing", "Missing files",
              "None: every logger's files follow each other.", a, missing,
              ARRAY_SIZE(missing));
    json_destroy(a);

    ds_put_cstr(&s, "</body></html>\n");

    char *error = NULL;
    FILE *stream = strcmp(file_name, "-") ? fopen(file_name, "w") : stdout;
    if (!stream) {
        error = xasprintf("%s: cannot create (%s)", file_name,
                          ovs_strerror(errno));
    } else {
        fwrite(s.string, 1, s.length, stream);
        if (stream != stdout && fclose(stream)) {
            error = xasprintf("%s: write error (%s)", file_name,
                              ovs_strerror(errno));
        }
    }
    ds_destroy(&s);
    return error;
}
