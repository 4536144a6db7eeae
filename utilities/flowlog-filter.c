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
#include "utilities/flowlog-filter.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/flowlog-reader.h"
#include "lib/flowlog-record.h"
#include "sset.h"
#include "util.h"

struct cidr {
    uint32_t addr, mask;
};

struct port_range {
    int lo, hi;
};

/* The option kinds. */
enum cli_opt {
    OPT_INTERFACE, OPT_VM, OPT_SUBNET, OPT_VPC,     /* Identities. */
    OPT_ADDR, OPT_SRC, OPT_DST,                     /* CIDRs. */
    OPT_PORT, OPT_SPORT, OPT_DPORT,                 /* Port ranges. */
    OPT_PROTOCOL, OPT_DIRECTION, OPT_VERDICT, OPT_STATUS, OPT_FLAGS,
    N_OPTS
};

static const char *const opt_names[N_OPTS] = {
    [OPT_INTERFACE] = "interface", [OPT_VM] = "vm", [OPT_SUBNET] = "subnet",
    [OPT_VPC] = "vpc", [OPT_ADDR] = "addr", [OPT_SRC] = "src",
    [OPT_DST] = "dst", [OPT_PORT] = "port", [OPT_SPORT] = "sport",
    [OPT_DPORT] = "dport", [OPT_PROTOCOL] = "protocol",
    [OPT_DIRECTION] = "direction", [OPT_VERDICT] = "verdict",
    [OPT_STATUS] = "status", [OPT_FLAGS] = "flags",
};

struct cli_filter {
    bool given[N_OPTS];
    bool any_id;                /* One of OPT_INTERFACE to OPT_VPC given. */
    bool any_but_status;        /* An option other than OPT_STATUS given. */
    struct sset ids[4];         /* OPT_INTERFACE to OPT_VPC. */
    struct cidr *cidrs[3];      /* OPT_ADDR to OPT_DST. */
    size_t n_cidrs[3];
    struct port_range *ports[3];    /* OPT_PORT to OPT_DPORT. */
    size_t n_ports[3];
    bool protocols[256];
    bool directions[3];         /* enum flowlog_direction. */
    bool verdicts[2];           /* ACCEPT, DROP. */
    bool statuses[3];           /* enum flowlog_status. */
    int *flags;                 /* Each: bits that must all be set. */
    size_t n_flags;
    bool has_time;
    long long int since, until; /* [since, until) in UNIX seconds. */

    /* string_index() of each entry of the latest Parquet dictionary of
     * direction, filter and status (see struct flowlog_row), found once
     * per entry: -2 not yet. */
    struct {
        uint64_t dict;
        int8_t *index;
        size_t n;
    } cache[3];
};

static const enum flowlog_field id_fields[4] = {
    FL_INTERFACE_ID, FL_VM_ID, FL_SUBNET_ID, FL_VPC_ID,
};

struct cli_filter *
cli_filter_create(void)
{
    struct cli_filter *f = xzalloc(sizeof *f);
    for (int i = 0; i < 4; i++) {
        sset_init(&f->ids[i]);
    }
    return f;
}

void
cli_filter_destroy(struct cli_filter *f)
{
    if (f) {
        for (int i = 0; i < 4; i++) {
            sset_destroy(&f->ids[i]);
        }
        for (int i = 0; i < 3; i++) {
            free(f->cidrs[i]);
            free(f->ports[i]);
        }
        free(f->flags);
        for (int i = 0; i < 3; i++) {
            free(f->cache[i].index);
        }
        free(f);
    }
}

static int
opt_find(const char *option)
{
    for (int i = 0; i < N_OPTS; i++) {
        if (!strcmp(option, opt_names[i])) {
            return i;
        }
    }
    return -1;
}

/* Whether "--OPTION" is a filter option. */
bool
cli_filter_is_option(const char *option)
{
    return opt_find(option) >= 0;
}

/* Parses a dotted quad. */
bool
cli_parse_ipv4(const char *s, uint32_t *addr)
{
    uint32_t a = 0;

    for (int i = 0; i < 4; i++) {
        unsigned int octet = 0;
        int digits = 0;

        while (*s >= '0' && *s <= '9' && digits < 4) {
            octet = octet * 10 + (*s++ - '0');
            digits++;
        }
        if (!digits || digits > 3 || octet > 255
            || *s != (i < 3 ? '.' : '\0')) {
            return false;
        }
        if (i < 3) {
            s++;
        }
        a = a << 8 | octet;
    }
    *addr = a;
    return true;
}

static bool
parse_cidr(const char *s, struct cidr *c)
{
    char *copy = xstrdup(s);
    char *slash = strchr(copy, '/');
    int plen = 32;
    bool ok = true;

    if (slash) {
        *slash = '\0';
        ok = str_to_int(slash + 1, 10, &plen) && plen >= 0 && plen <= 32;
    }
    ok = ok && cli_parse_ipv4(copy, &c->addr);
    if (ok) {
        /* Only for a valid length: shifting by 33 or more is undefined. */
        c->mask = plen ? UINT32_MAX << (32 - plen) : 0;
        c->addr &= c->mask;
    }
    free(copy);
    return ok;
}

static bool
parse_port_range(const char *s, struct port_range *r)
{
    const char *dash = strchr(s, '-');
    char *lo = dash ? xmemdup0(s, dash - s) : xstrdup(s);
    bool ok = (str_to_int(lo, 10, &r->lo) && r->lo >= 0 && r->lo <= 65535
               && (!dash || (str_to_int(dash + 1, 10, &r->hi)
                             && r->hi >= r->lo && r->hi <= 65535)));
    if (!dash) {
        r->hi = r->lo;
    }
    free(lo);
    return ok;
}

static int
parse_flag_names(const char *s)
{
    static const struct { const char *name; int bit; } names[] = {
        { "FIN", 1 }, { "SYN", 2 }, { "RST", 4 }, { "ACK", 16 },
    };
    char *copy = xstrdup(s);
    char *save = NULL;
    int bits = 0;
    int x;

    if (str_to_int(s, 0, &x)) {
        free(copy);
        return x > 0 && x <= 0xff ? x : -1;
    }
    for (char *t = strtok_r(copy, "|+", &save); t;
         t = strtok_r(NULL, "|+", &save)) {
        int bit = 0;
        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
            if (!strcasecmp(t, names[i].name)) {
                bit = names[i].bit;
            }
        }
        if (!bit) {
            bits = -1;
            break;
        }
        bits |= bit;
    }
    free(copy);
    return bits > 0 ? bits : -1;
}

/* Adds the filter "--OPTION=VALUE".  Returns NULL, or an error message
 * that names the option (a usage error). */
char *
cli_filter_add(struct cli_filter *f, const char *option, const char *value)
{
    int opt = opt_find(option);
    char *copy = xstrdup(value);
    char *save = NULL;
    char *error = NULL;
    int n = 0;

    ovs_assert(opt >= 0);
    f->given[opt] = true;
    if (opt >= OPT_INTERFACE && opt <= OPT_VPC) {
        f->any_id = true;
    }
    if (opt != OPT_STATUS) {
        f->any_but_status = true;
    }
    for (char *v = strtok_r(copy, ",", &save); v && !error;
         v = strtok_r(NULL, ",", &save), n++) {
        switch (opt) {
        case OPT_INTERFACE: case OPT_VM: case OPT_SUBNET: case OPT_VPC:
            sset_add(&f->ids[opt - OPT_INTERFACE], v);
            break;

        case OPT_ADDR: case OPT_SRC: case OPT_DST: {
            int i = opt - OPT_ADDR;
            struct cidr c;
            if (!parse_cidr(v, &c)) {
                error = xasprintf("--%s: \"%s\" is not an IPv4 address or "
                                  "CIDR (A.B.C.D or A.B.C.D/N)", option, v);
                break;
            }
            f->cidrs[i] = xrealloc(f->cidrs[i],
                                   (f->n_cidrs[i] + 1) * sizeof c);
            f->cidrs[i][f->n_cidrs[i]++] = c;
            break;
        }

        case OPT_PORT: case OPT_SPORT: case OPT_DPORT: {
            int i = opt - OPT_PORT;
            struct port_range r;
            if (!parse_port_range(v, &r)) {
                error = xasprintf("--%s: \"%s\" is not a port (0 to 65535) "
                                  "or a range of ports (LOW-HIGH)",
                                  option, v);
                break;
            }
            f->ports[i] = xrealloc(f->ports[i],
                                   (f->n_ports[i] + 1) * sizeof r);
            f->ports[i][f->n_ports[i]++] = r;
            break;
        }

        case OPT_PROTOCOL: {
            int p;
            if (!strcasecmp(v, "tcp")) {
                p = 6;
            } else if (!strcasecmp(v, "udp")) {
                p = 17;
            } else if (!strcasecmp(v, "icmp")) {
                p = 1;
            } else if (!str_to_int(v, 10, &p) || p < 0 || p > 255) {
                error = xasprintf("--%s: \"%s\" is not tcp, udp, icmp or a "
                                  "protocol number", option, v);
                break;
            }
            f->protocols[p] = true;
            break;
        }

        case OPT_DIRECTION:
            if (!strcasecmp(v, "ingress")) {
                f->directions[FL_DIR_INGRESS] = true;
            } else if (!strcasecmp(v, "egress")) {
                f->directions[FL_DIR_EGRESS] = true;
            } else if (!strcasecmp(v, "unknown")) {
                f->directions[FL_DIR_UNKNOWN] = true;
            } else {
                error = xasprintf("--%s: \"%s\" is not ingress, egress or "
                                  "unknown", option, v);
            }
            break;

        case OPT_VERDICT:
            if (!strcasecmp(v, "accept")) {
                f->verdicts[FL_VERDICT_ACCEPT] = true;
            } else if (!strcasecmp(v, "drop")) {
                f->verdicts[FL_VERDICT_DROP] = true;
            } else {
                error = xasprintf("--%s: \"%s\" is not ACCEPT or DROP",
                                  option, v);
            }
            break;

        case OPT_STATUS:
            if (!strcasecmp(v, "ok")) {
                f->statuses[FL_STATUS_OK] = true;
            } else if (!strcasecmp(v, "skipdata")) {
                f->statuses[FL_STATUS_SKIPDATA] = true;
            } else if (!strcasecmp(v, "nodata")) {
                f->statuses[FL_STATUS_NODATA] = true;
            } else {
                error = xasprintf("--%s: \"%s\" is not OK, SKIPDATA or "
                                  "NODATA", option, v);
            }
            break;

        case OPT_FLAGS: {
            int bits = parse_flag_names(v);
            if (bits < 0) {
                error = xasprintf("--%s: \"%s\" is not FIN, SYN, RST, ACK "
                                  "joined with '+' or a number from 1 to "
                                  "255", option, v);
                break;
            }
            f->flags = xrealloc(f->flags, (f->n_flags + 1) * sizeof *f->flags);
            f->flags[f->n_flags++] = bits;
            break;
        }

        default:
            OVS_NOT_REACHED();
        }
    }
    if (!error && !n) {
        error = xasprintf("--%s: no value", option);
    }
    free(copy);
    return error;
}

/* Keeps only records that overlap [since, until) (UNIX seconds). */
void
cli_filter_set_time(struct cli_filter *f, long long int since,
                    long long int until)
{
    f->has_time = true;
    f->any_but_status = true;
    f->since = since;
    f->until = until;
}

bool
cli_filter_has_status(const struct cli_filter *f)
{
    return f->given[OPT_STATUS];
}

/* Makes the filter keep OK records only, unless --status was given: the
 * statistics of top, denied, scans and report are about traffic. */
void
cli_filter_default_status_ok(struct cli_filter *f)
{
    if (!f->given[OPT_STATUS]) {
        f->given[OPT_STATUS] = true;
        f->statuses[FL_STATUS_OK] = true;
    }
}

/* The fields that cli_filter_match() looks at, as FLOWLOG_FIELD_BIT()s. */
uint32_t
cli_filter_fields(const struct cli_filter *f)
{
    uint32_t fields = 0;

    for (int i = 0; f->any_id && i < 4; i++) {
        if (f->given[OPT_INTERFACE + i]) {
            fields |= FLOWLOG_FIELD_BIT(id_fields[i]);
        }
    }
    if (f->given[OPT_ADDR] || f->given[OPT_SRC]) {
        fields |= FLOWLOG_FIELD_BIT(FL_SRC_ADDR);
    }
    if (f->given[OPT_ADDR] || f->given[OPT_DST]) {
        fields |= FLOWLOG_FIELD_BIT(FL_DST_ADDR);
    }
    if (f->given[OPT_PORT] || f->given[OPT_SPORT]) {
        fields |= FLOWLOG_FIELD_BIT(FL_SRC_PORT);
    }
    if (f->given[OPT_PORT] || f->given[OPT_DPORT]) {
        fields |= FLOWLOG_FIELD_BIT(FL_DST_PORT);
    }
    if (f->given[OPT_PROTOCOL]) {
        fields |= FLOWLOG_FIELD_BIT(FL_PROTOCOL);
    }
    if (f->given[OPT_DIRECTION]) {
        fields |= FLOWLOG_FIELD_BIT(FL_DIRECTION);
    }
    if (f->given[OPT_VERDICT]) {
        fields |= FLOWLOG_FIELD_BIT(FL_FILTER);
    }
    if (f->given[OPT_STATUS]) {
        fields |= FLOWLOG_FIELD_BIT(FL_STATUS);
    }
    if (f->given[OPT_FLAGS]) {
        fields |= FLOWLOG_FIELD_BIT(FL_TCP_FLAGS);
    }
    if (f->has_time) {
        fields |= (FLOWLOG_FIELD_BIT(FL_TIMESTAMP_START)
                   | FLOWLOG_FIELD_BIT(FL_TIMESTAMP_END));
    }
    return fields;
}

static bool
match_cidrs(const struct cidr *c, size_t n, const struct flowlog_row *row,
            enum flowlog_field field)
{
    uint32_t addr;

    if (!flowlog_row_has(row, field)
        || !cli_parse_ipv4(row->strs[field], &addr)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((addr & c[i].mask) == c[i].addr) {
            return true;
        }
    }
    return false;
}

static bool
match_ports(const struct port_range *r, size_t n,
            const struct flowlog_row *row, enum flowlog_field field)
{
    if (!flowlog_row_has(row, field)) {
        return false;
    }
    int64_t port = row->ints[field];
    for (size_t i = 0; i < n; i++) {
        if (port >= r[i].lo && port <= r[i].hi) {
            return true;
        }
    }
    return false;
}

static int
string_index(const struct flowlog_row *row, enum flowlog_field field,
             const char *const names[], int n)
{
    if (flowlog_row_has(row, field)) {
        if (row->lens[field] > 8) {
            return -1;          /* Longer than any name. */
        }
        for (int i = 0; i < n; i++) {
            if (row->strs[field][0] == names[i][0]
                && !strcmp(row->strs[field], names[i])) {
                return i;
            }
        }
    }
    return -1;
}

/* string_index() through the cache 'slot' of 'f', for a value that comes
 * from a Parquet dictionary. */
static int
cached_index__(const struct cli_filter *f_, int slot,
               const struct flowlog_row *row, enum flowlog_field field,
               const char *const names[], int n)
{
    struct cli_filter *f = CONST_CAST(struct cli_filter *, f_);

    if (!flowlog_row_has(row, field) || !row->dicts[field]) {
        return string_index(row, field, names, n);
    }
    if (f->cache[slot].dict != row->dicts[field]) {
        size_t size = row->dict_size[field];
        f->cache[slot].dict = row->dicts[field];
        if (f->cache[slot].n < size) {
            free(f->cache[slot].index);
            f->cache[slot].index = xmalloc(size);
            f->cache[slot].n = size;
        }
        memset(f->cache[slot].index, -2, size);
    }
    int8_t *ip = &f->cache[slot].index[row->dict_index[field]];
    if (*ip == -2) {
        *ip = string_index(row, field, names, n);
    }
    return *ip;
}

/* cached_index__(), with the common case (an entry of the same dictionary
 * as the previous row's, already looked up) inline: it runs once per row. */
static inline int
cached_index(const struct cli_filter *f, int slot,
             const struct flowlog_row *row, enum flowlog_field field,
             const char *const names[], int n)
{
    if (flowlog_row_has(row, field) && row->dicts[field]
        && f->cache[slot].dict == row->dicts[field]) {
        int8_t i = f->cache[slot].index[row->dict_index[field]];
        if (i != -2) {
            return i;
        }
    }
    return cached_index__(f, slot, row, field, names, n);
}

/* Whether 'row' passes the filters of 'f' other than --status. */
static bool
match_but_status(const struct cli_filter *f, const struct flowlog_row *row)
{
    for (int i = 0; f->any_id && i < 4; i++) {
        if (f->given[OPT_INTERFACE + i]
            && (!flowlog_row_has(row, id_fields[i])
                || !sset_contains(&f->ids[i], row->strs[id_fields[i]]))) {
            return false;
        }
    }
    if (f->given[OPT_ADDR]
        && !match_cidrs(f->cidrs[0], f->n_cidrs[0], row, FL_SRC_ADDR)
        && !match_cidrs(f->cidrs[0], f->n_cidrs[0], row, FL_DST_ADDR)) {
        return false;
    }
    if (f->given[OPT_SRC]
        && !match_cidrs(f->cidrs[1], f->n_cidrs[1], row, FL_SRC_ADDR)) {
        return false;
    }
    if (f->given[OPT_DST]
        && !match_cidrs(f->cidrs[2], f->n_cidrs[2], row, FL_DST_ADDR)) {
        return false;
    }
    if (f->given[OPT_PORT]
        && !match_ports(f->ports[0], f->n_ports[0], row, FL_SRC_PORT)
        && !match_ports(f->ports[0], f->n_ports[0], row, FL_DST_PORT)) {
        return false;
    }
    if (f->given[OPT_SPORT]
        && !match_ports(f->ports[1], f->n_ports[1], row, FL_SRC_PORT)) {
        return false;
    }
    if (f->given[OPT_DPORT]
        && !match_ports(f->ports[2], f->n_ports[2], row, FL_DST_PORT)) {
        return false;
    }
    if (f->given[OPT_PROTOCOL]
        && (!flowlog_row_has(row, FL_PROTOCOL)
            || row->ints[FL_PROTOCOL] < 0 || row->ints[FL_PROTOCOL] > 255
            || !f->protocols[row->ints[FL_PROTOCOL]])) {
        return false;
    }
    if (f->given[OPT_DIRECTION]) {
        static const char *const names[] = { "ingress", "egress",
                                             "unknown" };
        int i = cached_index(f, 0, row, FL_DIRECTION, names, 3);
        if (i < 0 || !f->directions[i]) {
            return false;
        }
    }
    if (f->given[OPT_VERDICT]) {
        static const char *const names[] = { "ACCEPT", "DROP" };
        int i = cached_index(f, 1, row, FL_FILTER, names, 2);
        if (i < 0 || !f->verdicts[i]) {
            return false;
        }
    }
    if (f->given[OPT_FLAGS]) {
        bool any = false;
        int64_t flags = (flowlog_row_has(row, FL_TCP_FLAGS)
                         ? row->ints[FL_TCP_FLAGS] : 0);
        for (size_t i = 0; i < f->n_flags && !any; i++) {
            any = (flags & f->flags[i]) == f->flags[i];
        }
        if (!any) {
            return false;
        }
    }
    if (f->has_time) {
        if (flowlog_row_has(row, FL_TIMESTAMP_END)
            && row->ints[FL_TIMESTAMP_END] < f->since) {
            return false;
        }
        if (flowlog_row_has(row, FL_TIMESTAMP_START)
            && row->ints[FL_TIMESTAMP_START] >= f->until) {
            return false;
        }
    }
    return true;
}

/* Whether 'row' passes every filter of 'f'.  (It runs once per row, and
 * most often with --status alone, the default of the statistics.) */
bool
cli_filter_match(const struct cli_filter *f, const struct flowlog_row *row)
{
    if (f->any_but_status && !match_but_status(f, row)) {
        return false;
    }
    if (f->given[OPT_STATUS]) {
        static const char *const names[] = { "OK", "SKIPDATA", "NODATA" };
        /* A file without a status column holds OK records. */
        int i = (flowlog_row_has(row, FL_STATUS)
                 ? cached_index(f, 2, row, FL_STATUS, names, 3)
                 : FL_STATUS_OK);
        if (i < 0 || !f->statuses[i]) {
            return false;
        }
    }
    return true;
}

/* Parses a time for --since and --until into UNIX seconds: @SECONDS,
 * YYYY-MM-DD[THH[:MM[:SS]]][Z] (UTC; a space may stand for the T), or
 * -NUMBER followed by s, m, h or d (that long before 'now').  Returns
 * NULL or an error message. */
char *
cli_parse_time(const char *s, long long int now, long long int *t)
{
    if (s[0] == '@') {
        long long int x;
        if (str_to_llong(s + 1, 10, &x)) {
            *t = x;
            return NULL;
        }
    } else if (s[0] == '-' && isdigit((unsigned char) s[1])) {
        char *end;
        long long int x = strtoll(s + 1, &end, 10);
        int unit = (!strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60
                    : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400
                    : 0);
        if (unit && x <= LLONG_MAX / unit) {
            *t = now - x * unit;
            return NULL;
        }
    } else {
        struct tm tm;
        int year, mon, day, hour = 0, min = 0, sec = 0, n = 0;
        char sep = 0;

        memset(&tm, 0, sizeof tm);
        if (sscanf(s, "%4d-%2d-%2d%n", &year, &mon, &day, &n) == 3) {
            const char *p = s + n;
            if (*p == 'T' || *p == ' ') {
                sep = *p++;
                int m = 0;
                if (sscanf(p, "%2d%n", &hour, &m) == 1) {
                    p += m;
                    if (*p == ':' && sscanf(p + 1, "%2d%n", &min, &m) == 1) {
                        p += 1 + m;
                        if (*p == ':'
                            && sscanf(p + 1, "%2d%n", &sec, &m) == 1) {
                            p += 1 + m;
                        }
                    }
                } else {
                    p = "x";
                }
            }
            if (*p == 'Z') {
                p++;
            }
            if (!*p && mon >= 1 && mon <= 12 && day >= 1 && day <= 31
                && hour < 24 && min < 60 && sec < 61) {
                tm.tm_year = year - 1900;
                tm.tm_mon = mon - 1;
                tm.tm_mday = day;
                tm.tm_hour = hour;
                tm.tm_min = min;
                tm.tm_sec = sec;
                *t = timegm(&tm);
                (void) sep;
                return NULL;
            }
        }
    }
    return xasprintf("\"%s\" is not a time (YYYY-MM-DD[THH[:MM[:SS]]][Z] in "
                     "UTC, @UNIX-SECONDS, or -N followed by s, m, h or d)",
                     s);
}
