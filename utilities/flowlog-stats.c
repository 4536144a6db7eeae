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
#include "utilities/flowlog-stats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "lib/flowlog-reader.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "util.h"
#include "utilities/flowlog-filter.h"

/* Counters per 64-bit key: a set of ports or addresses. */
struct count_node {
    struct hmap_node node;
    uint64_t key;
    uint64_t count;
};

static void
counts_add(struct hmap *map, uint64_t key, uint64_t n)
{
    uint32_t hash = hash_uint64(key);
    struct count_node *c;

    HMAP_FOR_EACH_WITH_HASH (c, node, hash, map) {
        if (c->key == key) {
            c->count += n;
            return;
        }
    }
    c = xmalloc(sizeof *c);
    c->key = key;
    c->count = n;
    hmap_insert(map, &c->node, hash);
}

static void
counts_destroy(struct hmap *map)
{
    struct count_node *c;

    HMAP_FOR_EACH_POP (c, node, map) {
        free(c);
    }
    hmap_destroy(map);
}

static int64_t
row_int(const struct flowlog_row *row, enum flowlog_field f)
{
    return flowlog_row_has(row, f) ? row->ints[f] : 0;
}

static bool
row_is_drop(const struct flowlog_row *row)
{
    return (flowlog_row_has(row, FL_FILTER)
            && !strcmp(row->strs[FL_FILTER], "DROP"));
}

const char *
stats_protocol_name(int64_t protocol, char buf[8])
{
    switch (protocol) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    default:
        snprintf(buf, 8, "%"PRId64, protocol);
        return buf;
    }
}

/* Appends UNIX time 't' as YYYY-MM-DDTHH:MM:SSZ, or as the number itself if
 * that does not fit (a corrupt file's year beyond the C library's range). */
void
stats_format_time(int64_t t, struct ds *s)
{
    time_t tt = t;
    struct tm tm;
    char buf[32];

    if (!gmtime_r(&tt, &tm)
        || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        ds_put_format(s, "%"PRId64, t);
        return;
    }
    ds_put_cstr(s, buf);
}

/* top. */

struct top_group {
    struct hmap_node node;
    uint64_t records, packets, bytes;
    size_t key_len;
    uint8_t key[];
};

struct stats_top {
    enum flowlog_field key[FL_N_FIELDS];
    size_t n_key;
    struct hmap groups;
    struct ds buf;              /* Scratch: a row's encoded key. */

    /* A key of one string field from a Parquet dictionary: the group of
     * each entry of the latest dictionary, found once per entry. */
    uint64_t cache_dict;
    struct top_group **cache;
    size_t cache_size;
};

struct stats_top *
stats_top_create(const enum flowlog_field *key, size_t n)
{
    struct stats_top *t = xzalloc(sizeof *t);

    ovs_assert(n <= FL_N_FIELDS);
    memcpy(t->key, key, n * sizeof *key);
    t->n_key = n;
    hmap_init(&t->groups);
    ds_init(&t->buf);
    return t;
}

void
stats_top_destroy(struct stats_top *t)
{
    if (t) {
        struct top_group *g;
        HMAP_FOR_EACH_POP (g, node, &t->groups) {
            free(g);
        }
        hmap_destroy(&t->groups);
        ds_destroy(&t->buf);
        free(t->cache);
        free(t);
    }
}

uint32_t
stats_top_fields(const struct stats_top *t)
{
    uint32_t fields = (FLOWLOG_FIELD_BIT(FL_PACKETS)
                       | FLOWLOG_FIELD_BIT(FL_BYTES));
    for (size_t i = 0; i < t->n_key; i++) {
        fields |= FLOWLOG_FIELD_BIT(t->key[i]);
    }
    return fields;
}

/* A key's encoding, field by field: 0 for NULL, or 1 and an int64_t, or 2,
 * a uint32_t length and the bytes of a string. */
static void
encode_key(const enum flowlog_field *key, size_t n,
           const struct flowlog_row *row, struct ds *buf)
{
    ds_clear(buf);
    for (size_t i = 0; i < n; i++) {
        enum flowlog_field f = key[i];
        if (!flowlog_row_has(row, f)) {
            ds_put_char(buf, 0);
        } else if (flowlog_field_type(f) == FL_TYPE_STRING) {
            uint32_t len = row->lens[f];
            ds_put_char(buf, 2);
            ds_put_buffer(buf, (const char *) &len, sizeof len);
            ds_put_buffer(buf, row->strs[f], len);
        } else {
            ds_put_char(buf, 1);
            ds_put_buffer(buf, (const char *) &row->ints[f],
                          sizeof row->ints[f]);
        }
    }
}

/* Hashes the key fields of 'row' as they are, without encoding them. */
static uint32_t
hash_row_key(const struct stats_top *t, const struct flowlog_row *row)
{
    uint32_t hash = 0;

    for (size_t i = 0; i < t->n_key; i++) {
        enum flowlog_field f = t->key[i];
        if (!flowlog_row_has(row, f)) {
            hash = hash_add(hash, 0x9e3779b9);
        } else if (flowlog_field_type(f) == FL_TYPE_STRING) {
            hash = hash_bytes(row->strs[f], row->lens[f], hash);
        } else {
            hash = hash_uint64_basis(row->ints[f], hash);
        }
    }
    return hash;
}

/* Whether encoded key 'p' is the key of 'row'. */
static bool
key_equals(const struct stats_top *t, const uint8_t *p,
           const struct flowlog_row *row)
{
    for (size_t i = 0; i < t->n_key; i++) {
        enum flowlog_field f = t->key[i];
        uint8_t tag = *p++;

        if (!flowlog_row_has(row, f)) {
            if (tag) {
                return false;
            }
        } else if (flowlog_field_type(f) == FL_TYPE_STRING) {
            uint32_t len;
            if (tag != 2) {
                return false;
            }
            memcpy(&len, p, sizeof len);
            if (len != row->lens[f]
                || memcmp(p + sizeof len, row->strs[f], len)) {
                return false;
            }
            p += sizeof len + len;
        } else {
            int64_t x;
            if (tag != 1) {
                return false;
            }
            memcpy(&x, p, sizeof x);
            if (x != row->ints[f]) {
                return false;
            }
            p += sizeof x;
        }
    }
    return true;
}

static struct top_group *
top_find(struct stats_top *t, const struct flowlog_row *row)
{
    uint32_t hash = hash_row_key(t, row);
    struct top_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, node, hash, &t->groups) {
        if (key_equals(t, g->key, row)) {
            return g;
        }
    }
    encode_key(t->key, t->n_key, row, &t->buf);
    g = xzalloc(sizeof *g + t->buf.length);
    g->key_len = t->buf.length;
    memcpy(g->key, t->buf.string, g->key_len);
    hmap_insert(&t->groups, &g->node, hash);
    return g;
}

void
stats_top_add(struct stats_top *t, const struct flowlog_row *row)
{
    enum flowlog_field f = t->key[0];
    struct top_group *g;

    if (t->n_key == 1 && flowlog_row_has(row, f) && row->dicts[f]) {
        uint32_t idx = row->dict_index[f];
        if (t->cache_dict != row->dicts[f]) {
            t->cache_dict = row->dicts[f];
            if (t->cache_size < row->dict_size[f]) {
                free(t->cache);
                t->cache_size = row->dict_size[f];
                t->cache = xmalloc(t->cache_size * sizeof *t->cache);
            }
            memset(t->cache, 0, row->dict_size[f] * sizeof *t->cache);
        }
        g = t->cache[idx];
        if (!g) {
            g = t->cache[idx] = top_find(t, row);
        }
    } else {
        g = top_find(t, row);
    }
    g->records++;
    g->packets += row_int(row, FL_PACKETS);
    g->bytes += row_int(row, FL_BYTES);
}

/* Decodes one field of an encoded key at '*p': returns false for NULL,
 * else stores an integer or a string. */
static bool
decode_field(const uint8_t **p, int64_t *x, const char **s, uint32_t *len)
{
    uint8_t tag = *(*p)++;

    if (tag == 1) {
        memcpy(x, *p, sizeof *x);
        *p += sizeof *x;
    } else if (tag == 2) {
        memcpy(len, *p, sizeof *len);
        *s = (const char *) *p + sizeof *len;
        *p += sizeof *len + *len;
    }
    return tag != 0;
}

/* Orders keys field by field: integers by value, strings bytewise, NULL
 * after any value (as SQL's ORDER BY ... NULLS LAST). */
static int
compare_keys(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t xa = 0, xb = 0;
        const char *sa = NULL, *sb = NULL;
        uint32_t la = 0, lb = 0;
        bool ha = decode_field(&a, &xa, &sa, &la);
        bool hb = decode_field(&b, &xb, &sb, &lb);

        if (ha != hb) {
            return ha ? -1 : 1;
        } else if (!ha) {
            continue;
        } else if (sa || sb) {
            int c = memcmp(sa, sb, MIN(la, lb));
            if (c || la != lb) {
                return c ? c : la < lb ? -1 : 1;
            }
        } else if (xa != xb) {
            return xa < xb ? -1 : 1;
        }
    }
    return 0;
}

static uint64_t
measure(const struct top_group *g, enum stats_measure by)
{
    return (by == BY_BYTES ? g->bytes
            : by == BY_PACKETS ? g->packets : g->records);
}

static enum stats_measure sort_by;
static size_t sort_n_key;

static int
compare_groups(const void *a_, const void *b_)
{
    const struct top_group *a = *(const struct top_group **) a_;
    const struct top_group *b = *(const struct top_group **) b_;
    uint64_t ma = measure(a, sort_by), mb = measure(b, sort_by);

    if (ma != mb) {
        return ma > mb ? -1 : 1;
    }
    return compare_keys(a->key, b->key, sort_n_key);
}

static struct json *
json_count(uint64_t x)
{
    return json_integer_create(MIN(x, INT64_MAX));
}

/* The 'limit' groups of 't' with the largest 'by' (0 for all), largest
 * first, ties in key order: a JSON array of objects with the key's field
 * names and "records", "packets", "bytes". */
struct json *
stats_top_json(struct stats_top *t, enum stats_measure by, size_t limit)
{
    size_t n = hmap_count(&t->groups);
    struct top_group **groups = xmalloc(MAX(n, 1) * sizeof *groups);
    struct top_group *g;
    size_t i = 0;

    HMAP_FOR_EACH (g, node, &t->groups) {
        groups[i++] = g;
    }
    sort_by = by;
    sort_n_key = t->n_key;
    qsort(groups, n, sizeof *groups, compare_groups);

    struct json *array = json_array_create_empty();
    for (i = 0; i < n && (!limit || i < limit); i++) {
        struct json *obj = json_object_create();
        const uint8_t *p = groups[i]->key;

        for (size_t k = 0; k < t->n_key; k++) {
            int64_t x = 0;
            const char *s = NULL;
            uint32_t len;
            struct json *v;

            if (!decode_field(&p, &x, &s, &len)) {
                v = json_null_create();
            } else if (s) {
                v = json_string_create_nocopy(xmemdup0(s, len));
            } else {
                v = json_integer_create(x);
            }
            json_object_put(obj, flowlog_field_name(t->key[k]), v);
        }
        json_object_put(obj, "records", json_count(groups[i]->records));
        json_object_put(obj, "packets", json_count(groups[i]->packets));
        json_object_put(obj, "bytes", json_count(groups[i]->bytes));
        json_array_add(array, obj);
    }
    free(groups);
    return array;
}

/* denied. */

struct denied_group {
    struct hmap_node node;
    char *src;
    uint64_t records, packets, bytes;
    int64_t first, last;
    bool has_time;
    struct hmap ports;          /* protocol << 16 | dst_port -> records. */
    struct hmap dsts;           /* dst_addr -> records. */
};

struct stats_denied {
    struct hmap groups;
};

struct stats_denied *
stats_denied_create(void)
{
    struct stats_denied *d = xzalloc(sizeof *d);
    hmap_init(&d->groups);
    return d;
}

void
stats_denied_destroy(struct stats_denied *d)
{
    if (d) {
        struct denied_group *g;
        HMAP_FOR_EACH_POP (g, node, &d->groups) {
            counts_destroy(&g->ports);
            counts_destroy(&g->dsts);
            free(g->src);
            free(g);
        }
        hmap_destroy(&d->groups);
        free(d);
    }
}

uint32_t
stats_denied_fields(void)
{
    return (FLOWLOG_FIELD_BIT(FL_SRC_ADDR) | FLOWLOG_FIELD_BIT(FL_DST_ADDR)
            | FLOWLOG_FIELD_BIT(FL_PROTOCOL) | FLOWLOG_FIELD_BIT(FL_DST_PORT)
            | FLOWLOG_FIELD_BIT(FL_PACKETS) | FLOWLOG_FIELD_BIT(FL_BYTES)
            | FLOWLOG_FIELD_BIT(FL_FILTER)
            | FLOWLOG_FIELD_BIT(FL_TIMESTAMP_START)
            | FLOWLOG_FIELD_BIT(FL_TIMESTAMP_END));
}

static struct denied_group *
denied_find(struct hmap *groups, const char *src, size_t len)
{
    uint32_t hash = hash_bytes(src, len, 0);
    struct denied_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, node, hash, groups) {
        if (!strcmp(g->src, src)) {
            return g;
        }
    }
    g = xzalloc(sizeof *g);
    g->src = xmemdup0(src, len);
    hmap_init(&g->ports);
    hmap_init(&g->dsts);
    hmap_insert(groups, &g->node, hash);
    return g;
}

/* Counts 'row' if it is a DROP record with a source address. */
void
stats_denied_add(struct stats_denied *d, const struct flowlog_row *row)
{
    uint32_t dst;

    if (!row_is_drop(row) || !flowlog_row_has(row, FL_SRC_ADDR)) {
        return;
    }
    struct denied_group *g = denied_find(&d->groups, row->strs[FL_SRC_ADDR],
                                         row->lens[FL_SRC_ADDR]);
    g->records++;
    g->packets += row_int(row, FL_PACKETS);
    g->bytes += row_int(row, FL_BYTES);
    if (flowlog_row_has(row, FL_TIMESTAMP_START)
        && flowlog_row_has(row, FL_TIMESTAMP_END)) {
        int64_t a = row->ints[FL_TIMESTAMP_START];
        int64_t b = row->ints[FL_TIMESTAMP_END];
        if (!g->has_time) {
            g->first = a;
            g->last = b;
            g->has_time = true;
        } else {
            g->first = MIN(g->first, a);
            g->last = MAX(g->last, b);
        }
    }
    counts_add(&g->ports, (uint64_t) (row_int(row, FL_PROTOCOL) & 0xff) << 16
                          | (row_int(row, FL_DST_PORT) & 0xffff), 1);
    if (flowlog_row_has(row, FL_DST_ADDR)
        && cli_parse_ipv4(row->strs[FL_DST_ADDR], &dst)) {
        counts_add(&g->dsts, dst, 1);
    }
}

static int
compare_denied(const void *a_, const void *b_)
{
    const struct denied_group *a = *(const struct denied_group **) a_;
    const struct denied_group *b = *(const struct denied_group **) b_;

    if (a->records != b->records) {
        return a->records > b->records ? -1 : 1;
    }
    return strcmp(a->src, b->src);
}

static int
compare_counts(const void *a_, const void *b_)
{
    const struct count_node *a = *(const struct count_node **) a_;
    const struct count_node *b = *(const struct count_node **) b_;

    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    return a->key < b->key ? -1 : a->key > b->key;
}

/* The entries of 'map', most counted first, ties by key. */
static struct count_node **
counts_sorted(const struct hmap *map)
{
    struct count_node **v = xmalloc(MAX(hmap_count(map), 1) * sizeof *v);
    struct count_node *c;
    size_t i = 0;

    HMAP_FOR_EACH (c, node, map) {
        v[i++] = c;
    }
    qsort(v, i, sizeof *v, compare_counts);
    return v;
}

/* The 'limit' sources (0 for all) with the most DROP records: "src_addr",
 * "records", "packets", "bytes", "first" and "last" (UNIX seconds), the
 * number of distinct destinations ("dst_addrs") and of protocol and port
 * pairs ("dst_ports"), and the 'max_ports' most tried of those ("ports":
 * objects of "protocol", "dst_port", "records"). */
struct json *
stats_denied_json(struct stats_denied *d, size_t limit, size_t max_ports)
{
    size_t n = hmap_count(&d->groups);
    struct denied_group **groups = xmalloc(MAX(n, 1) * sizeof *groups);
    struct denied_group *g;
    size_t i = 0;

    HMAP_FOR_EACH (g, node, &d->groups) {
        groups[i++] = g;
    }
    qsort(groups, n, sizeof *groups, compare_denied);

    struct json *array = json_array_create_empty();
    for (i = 0; i < n && (!limit || i < limit); i++) {
        struct json *obj = json_object_create();

        g = groups[i];
        json_object_put_string(obj, "src_addr", g->src);
        json_object_put(obj, "records", json_count(g->records));
        json_object_put(obj, "packets", json_count(g->packets));
        json_object_put(obj, "bytes", json_count(g->bytes));
        json_object_put(obj, "first", (g->has_time
                                       ? json_integer_create(g->first)
                                       : json_null_create()));
        json_object_put(obj, "last", (g->has_time
                                      ? json_integer_create(g->last)
                                      : json_null_create()));
        json_object_put(obj, "dst_addrs", json_count(hmap_count(&g->dsts)));
        json_object_put(obj, "dst_ports",
                        json_count(hmap_count(&g->ports)));

        struct count_node **ports = counts_sorted(&g->ports);
        struct json *list = json_array_create_empty();
        for (size_t k = 0; k < hmap_count(&g->ports) && k < max_ports; k++) {
            struct json *p = json_object_create();
            json_object_put(p, "protocol",
                            json_integer_create(ports[k]->key >> 16));
            json_object_put(p, "dst_port",
                            json_integer_create(ports[k]->key & 0xffff));
            json_object_put(p, "records", json_count(ports[k]->count));
            json_array_add(list, p);
        }
        free(ports);
        json_object_put(obj, "ports", list);
        json_array_add(array, obj);
    }
    free(groups);
    return array;
}

/* scans. */

struct scan_group {
    struct hmap_node node;
    char *src;
    int64_t window;             /* Start, UNIX seconds. */
    uint64_t records, dropped, packets, bytes;
    struct hmap ports;          /* protocol << 16 | dst_port. */
    struct hmap addrs;          /* dst_addr. */
};

struct stats_scans {
    int window;
    size_t min_ports, min_addrs;
    struct hmap groups;
};

struct stats_scans *
stats_scans_create(int window, size_t min_ports, size_t min_addrs)
{
    struct stats_scans *s = xzalloc(sizeof *s);

    ovs_assert(window > 0);
    s->window = window;
    s->min_ports = min_ports;
    s->min_addrs = min_addrs;
    hmap_init(&s->groups);
    return s;
}

void
stats_scans_destroy(struct stats_scans *s)
{
    if (s) {
        struct scan_group *g;
        HMAP_FOR_EACH_POP (g, node, &s->groups) {
            counts_destroy(&g->ports);
            counts_destroy(&g->addrs);
            free(g->src);
            free(g);
        }
        hmap_destroy(&s->groups);
        free(s);
    }
}

uint32_t
stats_scans_fields(void)
{
    return stats_denied_fields();
}

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Counts 'row' in the window of its timestamp_start. */
void
stats_scans_add(struct stats_scans *s, const struct flowlog_row *row)
{
    uint32_t dst;

    if (!flowlog_row_has(row, FL_SRC_ADDR)
        || !flowlog_row_has(row, FL_TIMESTAMP_START)) {
        return;
    }
    const char *src = row->strs[FL_SRC_ADDR];
    int64_t window = floor_div(row->ints[FL_TIMESTAMP_START], s->window)
                     * s->window;
    uint32_t hash = hash_int(window, hash_bytes(src, row->lens[FL_SRC_ADDR],
                                                0));
    struct scan_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, node, hash, &s->groups) {
        if (g->window == window && !strcmp(g->src, src)) {
            goto found;
        }
    }
    g = xzalloc(sizeof *g);
    g->src = xstrdup(src);
    g->window = window;
    hmap_init(&g->ports);
    hmap_init(&g->addrs);
    hmap_insert(&s->groups, &g->node, hash);
found:
    g->records++;
    g->dropped += row_is_drop(row);
    g->packets += row_int(row, FL_PACKETS);
    g->bytes += row_int(row, FL_BYTES);
    if (flowlog_row_has(row, FL_DST_PORT)) {
        counts_add(&g->ports,
                   (uint64_t) (row_int(row, FL_PROTOCOL) & 0xff) << 16
                   | (row->ints[FL_DST_PORT] & 0xffff), 1);
    }
    if (flowlog_row_has(row, FL_DST_ADDR)
        && cli_parse_ipv4(row->strs[FL_DST_ADDR], &dst)) {
        counts_add(&g->addrs, dst, 1);
    }
}

static int
compare_scans(const void *a_, const void *b_)
{
    const struct scan_group *a = *(const struct scan_group **) a_;
    const struct scan_group *b = *(const struct scan_group **) b_;
    size_t pa = hmap_count(&a->ports), pb = hmap_count(&b->ports);
    size_t aa = hmap_count(&a->addrs), ab = hmap_count(&b->addrs);

    if (MAX(pa, aa) != MAX(pb, ab)) {
        return MAX(pa, aa) > MAX(pb, ab) ? -1 : 1;
    }
    int c = strcmp(a->src, b->src);
    if (c) {
        return c;
    }
    return a->window < b->window ? -1 : a->window > b->window;
}

/* The windows in which a source touched at least 'min_ports' distinct
 * destination protocol and port pairs or 'min_addrs' distinct destination
 * addresses, most touched first: "src_addr", "window_start", "window_end",
 * "dst_ports", "dst_addrs", "records", "dropped", "packets", "bytes". */
struct json *
stats_scans_json(struct stats_scans *s, size_t limit)
{
    size_t n = 0;
    struct scan_group **groups = xmalloc(MAX(hmap_count(&s->groups), 1)
                                         * sizeof *groups);
    struct scan_group *g;

    HMAP_FOR_EACH (g, node, &s->groups) {
        if (hmap_count(&g->ports) >= s->min_ports
            || hmap_count(&g->addrs) >= s->min_addrs) {
            groups[n++] = g;
        }
    }
    qsort(groups, n, sizeof *groups, compare_scans);

    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < n && (!limit || i < limit); i++) {
        struct json *obj = json_object_create();

        g = groups[i];
        json_object_put_string(obj, "src_addr", g->src);
        json_object_put(obj, "window_start", json_integer_create(g->window));
        json_object_put(obj, "window_end",
                        json_integer_create(g->window + s->window));
        json_object_put(obj, "dst_ports", json_count(hmap_count(&g->ports)));
        json_object_put(obj, "dst_addrs", json_count(hmap_count(&g->addrs)));
        json_object_put(obj, "records", json_count(g->records));
        json_object_put(obj, "dropped", json_count(g->dropped));
        json_object_put(obj, "packets", json_count(g->packets));
        json_object_put(obj, "bytes", json_count(g->bytes));
        json_array_add(array, obj);
    }
    free(groups);
    return array;
}

/* Tables. */

static bool
is_time_column(const char *column)
{
    return (!strncmp(column, "timestamp_", 10)
            || !strcmp(column, "first") || !strcmp(column, "last")
            || !strncmp(column, "window_", 7)
            || !strncmp(column, "interval_", 9));
}

static void
cell_text(const char *column, const struct json *v, struct ds *s)
{
    if (!v || v->type == JSON_NULL) {
        ds_put_char(s, '-');
    } else if (v->type == JSON_STRING) {
        ds_put_cstr(s, json_string(v));
    } else if (v->type == JSON_INTEGER) {
        int64_t x = json_integer(v);
        if (!strcmp(column, "protocol")) {
            char buf[8];
            ds_put_cstr(s, stats_protocol_name(x, buf));
        } else if (is_time_column(column)) {
            stats_format_time(x, s);
        } else {
            ds_put_format(s, "%"PRId64, x);
        }
    } else if (v->type == JSON_ARRAY) {
        /* denied's "ports": tcp/22:5 udp/53:1 */
        for (size_t i = 0; i < json_array(v)->n; i++) {
            const struct json *p = json_array(v)->elems[i];
            char buf[8];

            if (i) {
                ds_put_char(s, ' ');
            }
            ds_put_format(s, "%s/%"PRId64":%"PRId64,
                          stats_protocol_name(
                              json_integer(shash_find_data(json_object(p),
                                                           "protocol")), buf),
                          json_integer(shash_find_data(json_object(p),
                                                       "dst_port")),
                          json_integer(shash_find_data(json_object(p),
                                                       "records")));
        }
    } else {
        ds_put_cstr(s, "?");
    }
}

static void
put_cell(struct ds *s, const char *text, size_t width, bool right, size_t c,
         size_t n_columns)
{
    if (c) {
        ds_put_cstr(s, "  ");
    }
    if (right) {
        ds_put_format(s, "%*s", (int) width, text);
    } else if (c + 1 < n_columns) {
        ds_put_format(s, "%-*s", (int) width, text);
    } else {
        ds_put_cstr(s, text);
    }
}

/* Appends the objects of 'array' to 's' as a table of 'columns': a header
 * line, then one line per object; numbers right-aligned, text left. */
void
stats_table(const struct json *array, const char *const *columns,
            size_t n_columns, struct ds *s)
{
    size_t n = json_array(array)->n;
    char ***cells = xmalloc(MAX(n, 1) * sizeof *cells);
    size_t *width = xmalloc(n_columns * sizeof *width);
    bool *right = xmalloc(n_columns * sizeof *right);

    for (size_t c = 0; c < n_columns; c++) {
        width[c] = strlen(columns[c]);
        right[c] = false;
    }
    for (size_t r = 0; r < n; r++) {
        const struct json *obj = json_array(array)->elems[r];
        cells[r] = xmalloc(n_columns * sizeof *cells[r]);
        for (size_t c = 0; c < n_columns; c++) {
            const struct json *v = shash_find_data(json_object(obj),
                                                   columns[c]);
            struct ds cell = DS_EMPTY_INITIALIZER;

            cell_text(columns[c], v, &cell);
            if (v && v->type == JSON_INTEGER && !is_time_column(columns[c])
                && strcmp(columns[c], "protocol")) {
                right[c] = true;
            }
            width[c] = MAX(width[c], cell.length);
            cells[r][c] = ds_steal_cstr(&cell);
        }
    }
    for (size_t c = 0; c < n_columns; c++) {
        put_cell(s, columns[c], width[c], right[c], c, n_columns);
    }
    ds_put_char(s, '\n');
    for (size_t r = 0; r < n; r++) {
        for (size_t c = 0; c < n_columns; c++) {
            put_cell(s, cells[r][c], width[c], right[c], c, n_columns);
            free(cells[r][c]);
        }
        ds_put_char(s, '\n');
        free(cells[r]);
    }
    free(cells);
    free(width);
    free(right);
}
