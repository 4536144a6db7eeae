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
#include "lib/flowlog-record.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"

struct field_info {
    const char *name;
    enum flowlog_field_type type;
};

static const struct field_info fields[FL_N_FIELDS] = {
    [FL_TIMESTAMP_START] = { "timestamp_start", FL_TYPE_INT64 },
    [FL_TIMESTAMP_END] = { "timestamp_end", FL_TYPE_INT64 },
    [FL_INTERFACE_ID] = { "interface_id", FL_TYPE_STRING },
    [FL_VM_ID] = { "vm_id", FL_TYPE_STRING },
    [FL_SUBNET_ID] = { "subnet_id", FL_TYPE_STRING },
    [FL_VPC_ID] = { "vpc_id", FL_TYPE_STRING },
    [FL_REGION] = { "region", FL_TYPE_STRING },
    [FL_PROTOCOL] = { "protocol", FL_TYPE_INT32 },
    [FL_SRC_ADDR] = { "src_addr", FL_TYPE_STRING },
    [FL_DST_ADDR] = { "dst_addr", FL_TYPE_STRING },
    [FL_SRC_PORT] = { "src_port", FL_TYPE_INT32 },
    [FL_DST_PORT] = { "dst_port", FL_TYPE_INT32 },
    [FL_TCP_FLAGS] = { "tcp_flags", FL_TYPE_INT32 },
    [FL_PACKETS] = { "packets", FL_TYPE_INT64 },
    [FL_BYTES] = { "bytes", FL_TYPE_INT64 },
    [FL_DIRECTION] = { "direction", FL_TYPE_STRING },
    [FL_FILTER] = { "filter", FL_TYPE_STRING },
    [FL_STATUS] = { "status", FL_TYPE_STRING },
    [FL_ICMP_TYPE] = { "icmp_type", FL_TYPE_INT32 },
    [FL_ICMP_CODE] = { "icmp_code", FL_TYPE_INT32 },
    [FL_RULE] = { "rule", FL_TYPE_STRING },
    [FL_CT_ZONE] = { "ct_zone", FL_TYPE_INT32 },
    [FL_OFPORT] = { "ofport", FL_TYPE_INT32 },
    [FL_HOST] = { "host", FL_TYPE_STRING },
    [FL_LOGGER] = { "logger", FL_TYPE_STRING },
    [FL_INTERVAL_START] = { "interval_start", FL_TYPE_INT64 },
    [FL_INTERVAL_END] = { "interval_end", FL_TYPE_INT64 },
};

const char *
flowlog_field_name(enum flowlog_field f)
{
    return f < FL_N_FIELDS ? fields[f].name : "<invalid>";
}

bool
flowlog_field_from_name(const char *name, enum flowlog_field *f)
{
    for (int i = 0; i < FL_N_FIELDS; i++) {
        if (!strcmp(name, fields[i].name)) {
            *f = i;
            return true;
        }
    }
    return false;
}

enum flowlog_field_type
flowlog_field_type(enum flowlog_field f)
{
    ovs_assert(f < FL_N_FIELDS);
    return fields[f].type;
}

bool
flowlog_field_is_numeric(enum flowlog_field f)
{
    return f < FL_N_FIELDS && fields[f].type != FL_TYPE_STRING;
}

const char *
flowlog_direction_name(enum flowlog_direction d)
{
    return (d == FL_DIR_INGRESS ? "ingress"
            : d == FL_DIR_EGRESS ? "egress"
            : "unknown");
}

const char *
flowlog_verdict_name(enum flowlog_verdict v)
{
    return (v == FL_VERDICT_ACCEPT ? "ACCEPT"
            : v == FL_VERDICT_DROP ? "DROP"
            : "");
}

const char *
flowlog_status_name(enum flowlog_status s)
{
    return (s == FL_STATUS_OK ? "OK"
            : s == FL_STATUS_SKIPDATA ? "SKIPDATA"
            : "NODATA");
}

static bool
set_string(struct flowlog_value *v, const char *s)
{
    if (!s || !s[0]) {
        return false;
    }
    v->string = s;
    v->length = strlen(s);
    return true;
}

static bool
set_integer(struct flowlog_value *v, int64_t x)
{
    v->integer = x;
    return true;
}

/* Formats 'addr' as a dotted quad into 'v->buf' (IP_FMT, without
 * printf(): every record has two). */
static bool
set_ipv4(struct flowlog_value *v, ovs_be32 addr_)
{
    uint32_t addr = ntohl(addr_);
    char *p = v->buf;

    for (int shift = 24; shift >= 0; shift -= 8) {
        unsigned int octet = (addr >> shift) & 0xff;

        if (octet >= 100) {
            *p++ = '0' + octet / 100;
        }
        if (octet >= 10) {
            *p++ = '0' + octet / 10 % 10;
        }
        *p++ = '0' + octet % 10;
        if (shift) {
            *p++ = '.';
        }
    }
    *p = '\0';
    v->string = v->buf;
    v->length = p - v->buf;
    return true;
}

/* Stores the value of field 'f' of 'rec' in 'v', as flowlog_field_type()
 * types it.  Returns false if the value is "not applicable", which writers
 * show as an empty CSV cell, a JSON null or a Parquet NULL.  A string may
 * point into 'rec', 'ctx' or 'v', so 'v' is valid as long as they are. */
bool
flowlog_field_value(enum flowlog_field f, const struct flowlog_record *rec,
                    const struct flowlog_context *ctx,
                    struct flowlog_value *v)
{
    bool ok = rec->status == FL_STATUS_OK;
    bool counted = rec->status != FL_STATUS_NODATA;
    bool icmp = rec->protocol == IPPROTO_ICMP;

    switch (f) {
    case FL_TIMESTAMP_START:
        return set_integer(v, rec->first_ms / 1000);
    case FL_TIMESTAMP_END:
        return set_integer(v, rec->last_ms / 1000);
    case FL_INTERFACE_ID:
        return rec->id && set_string(v, rec->id->iface_id);
    case FL_VM_ID:
        return rec->id && set_string(v, rec->id->vm_id);
    case FL_SUBNET_ID:
        return rec->id && set_string(v, rec->id->subnet_id);
    case FL_VPC_ID:
        return rec->id && set_string(v, rec->id->vpc_id);
    case FL_REGION:
        return set_string(v, ctx->region);
    case FL_PROTOCOL:
        return ok && set_integer(v, rec->protocol);
    case FL_SRC_ADDR:
    case FL_DST_ADDR:
        return ok && set_ipv4(v, (f == FL_SRC_ADDR
                                  ? rec->src_addr : rec->dst_addr));
    case FL_SRC_PORT:
    case FL_DST_PORT:
        return ok && set_integer(v, (icmp ? 0
                                     : f == FL_SRC_PORT ? rec->src_port
                                     : rec->dst_port));
    case FL_TCP_FLAGS:
        return ok && set_integer(v, (rec->protocol == IPPROTO_TCP
                                     ? rec->tcp_flags : 0));
    case FL_PACKETS:
        /* Parquet's INT64 is signed: no counter gets near 2^63. */
        return counted && set_integer(v, MIN(rec->packets, INT64_MAX));
    case FL_BYTES:
        return counted && set_integer(v, MIN(rec->bytes, INT64_MAX));
    case FL_DIRECTION:
        return counted && set_string(v,
                                     flowlog_direction_name(rec->direction));
    case FL_FILTER:
        return ok && set_string(v, flowlog_verdict_name(rec->verdict));
    case FL_STATUS:
        return set_string(v, flowlog_status_name(rec->status));
    case FL_ICMP_TYPE:
    case FL_ICMP_CODE:
        return ok && icmp && set_integer(v, (f == FL_ICMP_TYPE
                                             ? rec->icmp_type
                                             : rec->icmp_code));
    case FL_RULE:
        if (!ok || rec->rule_cookie == OVS_BE64_MAX) {
            return false;
        }
        v->length = snprintf(v->buf, sizeof v->buf, "%"PRIu8":0x%"PRIx64,
                             rec->rule_table, ntohll(rec->rule_cookie));
        v->string = v->buf;
        return true;
    case FL_CT_ZONE:
        return ok && set_integer(v, rec->ct_zone);
    case FL_OFPORT:
        return rec->id && rec->id->ofport >= 0
               && set_integer(v, rec->id->ofport);
    case FL_HOST:
        return set_string(v, ctx->host);
    case FL_LOGGER:
        return set_string(v, ctx->logger);
    case FL_INTERVAL_START:
        return set_integer(v, ctx->interval_start_ms / 1000);
    case FL_INTERVAL_END:
        return set_integer(v, ctx->interval_end_ms / 1000);
    case FL_N_FIELDS:
    default:
        OVS_NOT_REACHED();
    }
}

/* Appends 'x' in decimal to 'out', as "%"PRId64 would, without printf():
 * a record has up to a dozen integers, and a file millions of records. */
static void
put_int64(struct ds *out, int64_t x)
{
    char buf[24];
    char *p = buf + sizeof buf;
    uint64_t u = x < 0 ? -(uint64_t) x : x;

    do {
        *--p = '0' + u % 10;
        u /= 10;
    } while (u);
    if (x < 0) {
        *--p = '-';
    }
    ds_put_buffer(out, p, buf + sizeof buf - p);
}

/* Appends the value of field 'f' of 'rec' to 'out' as text, unformatted (no
 * quoting).  Returns false, appending nothing, if the value is "not
 * applicable". */
bool
flowlog_field_format(enum flowlog_field f, const struct flowlog_record *rec,
                     const struct flowlog_context *ctx, struct ds *out)
{
    struct flowlog_value v;

    if (!flowlog_field_value(f, rec, ctx, &v)) {
        return false;
    }
    if (fields[f].type == FL_TYPE_STRING) {
        ds_put_buffer(out, v.string, v.length);
    } else {
        put_int64(out, v.integer);
    }
    return true;
}

/* RFC 4180: quote a cell that holds a comma, quote, CR or LF.  's' is
 * 'n' bytes long and NUL-terminated. */
static void
csv_put_cell(struct ds *out, const char *s, size_t n)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        ds_put_buffer(out, s, n);
        return;
    }
    ds_put_char(out, '"');
    for (; *s; s++) {
        if (*s == '"') {
            ds_put_char(out, '"');
        }
        ds_put_char(out, *s);
    }
    ds_put_char(out, '"');
}

void
flowlog_csv_header(struct ds *out, const enum flowlog_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i) {
            ds_put_char(out, ',');
        }
        ds_put_cstr(out, flowlog_field_name(f[i]));
    }
    ds_put_char(out, '\n');
}

void
flowlog_csv_record(struct ds *out, const enum flowlog_field *f, size_t n,
                   const struct flowlog_record *rec,
                   const struct flowlog_context *ctx)
{
    for (size_t i = 0; i < n; i++) {
        struct flowlog_value v;

        if (i) {
            ds_put_char(out, ',');
        }
        if (!flowlog_field_value(f[i], rec, ctx, &v)) {
            continue;
        }
        if (fields[f[i]].type == FL_TYPE_STRING) {
            csv_put_cell(out, v.string, v.length);
        } else {
            put_int64(out, v.integer);
        }
    }
    ds_put_char(out, '\n');
}

/* How JSON writes the value of field 'f' of 'rec', which is formatted into
 * 'cell' (cleared first). */
enum json_kind { JSON_KIND_NULL, JSON_KIND_NUMBER, JSON_KIND_STRING };

static enum json_kind
json_field_format(enum flowlog_field f, const struct flowlog_record *rec,
                  const struct flowlog_context *ctx, struct ds *cell)
{
    ds_clear(cell);
    return (!flowlog_field_format(f, rec, ctx, cell) ? JSON_KIND_NULL
            : flowlog_field_is_numeric(f) ? JSON_KIND_NUMBER
            : JSON_KIND_STRING);
}

void
flowlog_json_record(struct ds *out, const enum flowlog_field *f, size_t n,
                    const struct flowlog_record *rec,
                    const struct flowlog_context *ctx)
{
    struct ds cell = DS_EMPTY_INITIALIZER;

    ds_put_char(out, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) {
            ds_put_char(out, ',');
        }
        ds_put_char(out, '"');
        ds_put_cstr(out, flowlog_field_name(f[i]));
        ds_put_cstr(out, "\":");
        switch (json_field_format(f[i], rec, ctx, &cell)) {
        case JSON_KIND_NULL:
            ds_put_cstr(out, "null");
            break;
        case JSON_KIND_NUMBER:
            ds_put_cstr(out, ds_cstr(&cell));
            break;
        case JSON_KIND_STRING:
            json_string_escape(ds_cstr(&cell), out);
            break;
        }
    }
    ds_put_cstr(out, "}\n");
    ds_destroy(&cell);
}

/* Returns a JSON array of the names of the 'n' fields in 'f'. */
struct json *
flowlog_json_field_names(const enum flowlog_field *f, size_t n)
{
    struct json *names = json_array_create_empty();

    for (size_t i = 0; i < n; i++) {
        json_array_add(names, json_string_create(flowlog_field_name(f[i])));
    }
    return names;
}

/* Returns 'rec' as a JSON object with the same members and values as
 * flowlog_json_record() writes, for output that is built as a whole (e.g.
 * flowlog/dump --format json).  The caller must json_destroy() it. */
struct json *
flowlog_json_record_create(const enum flowlog_field *f, size_t n,
                           const struct flowlog_record *rec,
                           const struct flowlog_context *ctx)
{
    struct json *obj = json_object_create();
    struct ds cell = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        struct json *value;

        switch (json_field_format(f[i], rec, ctx, &cell)) {
        case JSON_KIND_NUMBER:
            value = json_integer_create(strtoll(ds_cstr(&cell), NULL, 10));
            break;
        case JSON_KIND_STRING:
            value = json_string_create(ds_cstr(&cell));
            break;
        case JSON_KIND_NULL:
        default:
            value = json_null_create();
            break;
        }
        json_object_put(obj, flowlog_field_name(f[i]), value);
    }
    ds_destroy(&cell);
    return obj;
}

static int
cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Returns 'ms', UNIX time in milliseconds, as "YYYY-MM-DDTHH:MM:SS.mmmZ"
 * (UTC), or as "MS ms" if it is before 1970 or after 9999: such a time comes
 * only from a corrupt or hostile snapshot or spool file, and OVS's
 * strftime_msec() formats neither (before 1970 its milliseconds are
 * negative and overflow its buffer).  The caller frees the string. */
char *
flowlog_xastrftime_ms(long long int ms)
{
    /* 9999-12-31T23:59:59.999Z. */
    const long long int max_ms = 253402300799999LL;

    return (ms >= 0 && ms <= max_ms
            ? xastrftime_msec("%Y-%m-%dT%H:%M:%S.###Z", ms, true)
            : xasprintf("%lld ms", ms));
}

/* Returns the length of the longest prefix of 's' that is at most 'max'
 * bytes long and ends at a UTF-8 character boundary: cutting valid UTF-8
 * there never splits a character (a byte 0x80 to 0xbf continues the
 * character before it). */
size_t
flowlog_utf8_cut(const char *s, size_t max)
{
    size_t len = strnlen(s, max + 1);

    if (len <= max) {
        return len;
    }
    len = max;
    while (len > 0 && ((uint8_t) s[len] & 0xc0) == 0x80) {
        len--;
    }
    return len;
}

/* Returns the length (1 to 4) of the well-formed UTF-8 sequence at the
 * start of 's' (NUL-terminated), or 0 if none starts there (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static int
utf8_sequence_len(const uint8_t *s)
{
    if (s[0] < 0x80) {
        return 1;
    }

    int n;
    uint8_t lo = 0x80, hi = 0xbf;       /* Range of the second byte. */
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        lo = s[0] == 0xe0 ? 0xa0 : 0x80;
        hi = s[0] == 0xed ? 0x9f : 0xbf;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        lo = s[0] == 0xf0 ? 0x90 : 0x80;
        hi = s[0] == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (int i = 2; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return n;
}

/* Returns a malloc()'d copy of 's' in which each byte that is not part of a
 * well-formed UTF-8 sequence is replaced by U+FFFD: strings that arrive on
 * the channel end up in files that promise UTF-8 (JSON, Parquet).  (OVS's
 * utf8_validate() only says whether a whole string is valid.) */
char *
flowlog_utf8_xstrdup(const char *s_)
{
    const uint8_t *s = (const uint8_t *) s_;
    struct ds out = DS_EMPTY_INITIALIZER;

    while (*s) {
        int n = utf8_sequence_len(s);
        if (n) {
            ds_put_buffer(&out, (const char *) s, n);
            s += n;
        } else {
            ds_put_cstr(&out, "\xef\xbf\xbd");
            s++;
        }
    }
    return ds_steal_cstr(&out);
}

#define CMP(A, B) if ((A) != (B)) { return (A) < (B) ? -1 : 1; }

/* A total order used to print records deterministically: by port, status,
 * direction, protocol, addresses, ports, verdict, then identity. */
int
flowlog_record_compare(const struct flowlog_record *a,
                       const struct flowlog_record *b)
{
    int c = cmp_str(a->id ? a->id->port_name : NULL,
                    b->id ? b->id->port_name : NULL);
    if (c) {
        return c;
    }
    CMP(a->status, b->status);
    CMP(a->direction, b->direction);
    CMP(a->protocol, b->protocol);
    CMP(ntohl(a->src_addr), ntohl(b->src_addr));
    CMP(ntohl(a->dst_addr), ntohl(b->dst_addr));
    CMP(a->src_port, b->src_port);
    CMP(a->dst_port, b->dst_port);
    CMP(a->verdict, b->verdict);
    CMP(a->icmp_type, b->icmp_type);
    CMP(a->icmp_code, b->icmp_code);
    CMP(a->ct_zone, b->ct_zone);
    CMP(a->rule_table, b->rule_table);
    CMP(ntohll(a->rule_cookie), ntohll(b->rule_cookie));

    /* The same port and flow under an identity that changed within the
     * interval. */
    const struct flowlog_identity *ia = a->id, *ib = b->id;
    if (ia && ib) {
        c = cmp_str(ia->iface_id, ib->iface_id);
        c = c ? c : cmp_str(ia->vm_id, ib->vm_id);
        c = c ? c : cmp_str(ia->subnet_id, ib->subnet_id);
        c = c ? c : cmp_str(ia->vpc_id, ib->vpc_id);
    }
    return c;
}
