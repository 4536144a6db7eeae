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
#include "lib/flowlog-config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "util.h"
#include "uuid.h"

/* Logger names are [a-z0-9-]{1,32}. */
bool
flowlog_logger_name_valid(const char *name)
{
    size_t n = strlen(name);

    return (n >= 1 && n <= 32
            && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n);
}

static char * OVS_WARN_UNUSED_RESULT
parse_int(const char *key, const char *value, int min, int max, int *out)
{
    int x;

    if (!str_to_int(value, 10, &x) || x < min || x > max) {
        return xasprintf("%s=%s: expected an integer between %d and %d",
                         key, value, min, max);
    }
    *out = x;
    return NULL;
}

static char * OVS_WARN_UNUSED_RESULT
parse_bool(const char *key, const char *value, bool *out)
{
    if (!strcasecmp(value, "true")) {
        *out = true;
    } else if (!strcasecmp(value, "false")) {
        *out = false;
    } else {
        return xasprintf("%s=%s: expected true or false", key, value);
    }
    return NULL;
}

/* Object store container and bucket names: 3 to 63 characters of lowercase
 * letters, digits, '-' and '.', starting and ending with a letter or digit
 * (the S3 rule, which Swift accepts too). */
static bool
bucket_name_valid(const char *s, size_t n)
{
    if (n < 3 || n > 63 || !isalnum((unsigned char) s[0])
        || !isalnum((unsigned char) s[n - 1])) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!islower((unsigned char) s[i]) && !isdigit((unsigned char) s[i])
            && s[i] != '-' && s[i] != '.') {
            return false;
        }
    }
    return true;
}

static bool
prefix_valid(const char *s)
{
    /* Printable, no empty path segments, no "." or ".." segments. */
    if (!*s || *s == '/' || s[strlen(s) - 1] == '/' || strstr(s, "//")) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (!isgraph((unsigned char) *p)) {
            return false;
        }
    }
    char *copy = xstrdup(s);
    char *save = NULL;
    bool ok = true;
    for (char *seg = strtok_r(copy, "/", &save); seg;
         seg = strtok_r(NULL, "/", &save)) {
        if (!strcmp(seg, ".") || !strcmp(seg, "..")) {
            ok = false;
        }
    }
    free(copy);
    return ok;
}

static char * OVS_WARN_UNUSED_RESULT
parse_target(const char *value)
{
    if (!strncmp(value, "file://", 7)) {
        const char *dir = value + 7;
        if (dir[0] != '/' || strstr(dir, "/../") || strstr(dir, "/./")
            || (strlen(dir) >= 3 && !strcmp(dir + strlen(dir) - 3, "/.."))) {
            return xasprintf("target=%s: file:// needs an absolute "
                             "directory without '.' or '..' "
                             "(file:///DIR)", value);
        }
        return NULL;
    }

    const char *rest;
    if (!strncmp(value, "swift://", 8)) {
        rest = value + 8;
    } else if (!strncmp(value, "s3://", 5)) {
        rest = value + 5;
    } else {
        return xasprintf("target=%s: expected file:///DIR, "
                         "swift://CONTAINER[/PREFIX] or "
                         "s3://BUCKET[/PREFIX]", value);
    }
    size_t n = strcspn(rest, "/");
    if (!bucket_name_valid(rest, n)) {
        return xasprintf("target=%s: container or bucket name must be 3 to "
                         "63 characters of a-z, 0-9, '-' and '.'", value);
    }
    if (rest[n] == '/' && !prefix_valid(rest + n + 1)) {
        return xasprintf("target=%s: malformed prefix", value);
    }
    return NULL;
}

/* Parses 'value', field names separated by '+' as in the logger option
 * "fields=" (e.g. "rule+icmp_type"), into 'fields' (room for FL_N_FIELDS)
 * and '*n'.  Returns NULL on success, otherwise a malloc()'d error message
 * (an unknown or repeated name, or none) and leaves '*n' unspecified. */
char *
flowlog_fields_parse(const char *value, enum flowlog_field *fields,
                     size_t *n)
{
    char *copy = xstrdup(value);
    char *save = NULL;
    char *error = NULL;

    *n = 0;
    for (char *name = strtok_r(copy, "+", &save); name;
         name = strtok_r(NULL, "+", &save)) {
        enum flowlog_field f;

        if (!flowlog_field_from_name(name, &f)) {
            error = xasprintf("unknown field \"%s\"", name);
            break;
        }
        for (size_t i = 0; i < *n; i++) {
            if (fields[i] == f) {
                error = xasprintf("field \"%s\" given twice", name);
                goto out;
            }
        }
        fields[(*n)++] = f;
    }
    if (!error && !*n) {
        error = xstrdup("no field named");
    }
out:
    free(copy);
    return error;
}

static char * OVS_WARN_UNUSED_RESULT
parse_fields(const char *value, struct flowlog_logger_opts *opts)
{
    char *error = flowlog_fields_parse(value, opts->fields, &opts->n_fields);

    if (error) {
        char *s = xasprintf("fields=%s: %s", value, error);
        free(error);
        return s;
    }
    return NULL;
}

static void
opts_init_default(struct flowlog_logger_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->interval = FLOWLOG_INTERVAL_DEFAULT;
    opts->filter = FL_FILTER_ALL;
    opts->capacity = FLOWLOG_CAPACITY_DEFAULT;
    opts->target = xstrdup(FLOWLOG_TARGET_DEFAULT);
    opts->credentials = xstrdup("default");
    opts->format = FL_FORMAT_CSV;
    opts->compression = FL_COMPRESSION_GZIP;
    opts->partition = FL_PARTITION_HOUR;
    opts->n_fields = FL_N_DEFAULT_FIELDS;
    for (size_t i = 0; i < FL_N_DEFAULT_FIELDS; i++) {
        opts->fields[i] = i;
    }
}

static char * OVS_WARN_UNUSED_RESULT
parse_option(const char *key, const char *value,
             struct flowlog_logger_opts *opts)
{
    if (!strcmp(key, "interval")) {
        return parse_int(key, value, FLOWLOG_INTERVAL_MIN,
                         FLOWLOG_INTERVAL_MAX, &opts->interval);
    } else if (!strcmp(key, "filter")) {
        if (!strcasecmp(value, "all")) {
            opts->filter = FL_FILTER_ALL;
        } else if (!strcasecmp(value, "accept")) {
            opts->filter = FL_FILTER_ACCEPT;
        } else if (!strcasecmp(value, "drop")) {
            opts->filter = FL_FILTER_DROP;
        } else {
            return xasprintf("filter=%s: expected all, accept or drop",
                             value);
        }
    } else if (!strcmp(key, "setup-only")) {
        return parse_bool(key, value, &opts->setup_only);
    } else if (!strcmp(key, "capacity")) {
        return parse_int(key, value, 1, FLOWLOG_CAPACITY_MAX,
                         &opts->capacity);
    } else if (!strcmp(key, "vpc") || !strcmp(key, "subnet")) {
        bool is_vpc = key[0] == 'v';
        struct uuid *u = is_vpc ? &opts->vpc : &opts->subnet;

        if (!uuid_from_string(u, value)) {
            return xasprintf("%s=%s: expected a UUID", key, value);
        }
        *(is_vpc ? &opts->has_vpc : &opts->has_subnet) = true;
    } else if (!strcmp(key, "target")) {
        char *error = parse_target(value);
        if (error) {
            return error;
        }
        free(opts->target);
        opts->target = xstrdup(value);
    } else if (!strcmp(key, "credentials")) {
        size_t n = strlen(value);
        if (!n || n > 64
            || strspn(value, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != n) {
            return xasprintf("credentials=%s: expected a section name of 1 "
                             "to 64 letters, digits, '_', '-' or '.'",
                             value);
        }
        free(opts->credentials);
        opts->credentials = xstrdup(value);
    } else if (!strcmp(key, "format")) {
        if (!strcasecmp(value, "csv")) {
            opts->format = FL_FORMAT_CSV;
        } else if (!strcasecmp(value, "jsonl")) {
            opts->format = FL_FORMAT_JSONL;
        } else if (!strcasecmp(value, "parquet")) {
            opts->format = FL_FORMAT_PARQUET;
        } else {
            return xasprintf("format=%s: expected csv, jsonl or parquet",
                             value);
        }
    } else if (!strcmp(key, "compression")) {
        if (!strcasecmp(value, "gzip")) {
            opts->compression = FL_COMPRESSION_GZIP;
        } else if (!strcasecmp(value, "none")) {
            opts->compression = FL_COMPRESSION_NONE;
        } else {
            return xasprintf("compression=%s: expected gzip or none", value);
        }
    } else if (!strcmp(key, "fields")) {
        return parse_fields(value, opts);
    } else if (!strcmp(key, "partition")) {
        if (!strcasecmp(value, "hour")) {
            opts->partition = FL_PARTITION_HOUR;
        } else if (!strcasecmp(value, "day")) {
            opts->partition = FL_PARTITION_DAY;
        } else if (!strcasecmp(value, "hive")) {
            opts->partition = FL_PARTITION_HIVE;
        } else {
            return xasprintf("partition=%s: expected hour, day or hive",
                             value);
        }
    } else {
        return xasprintf("unknown option \"%s\"", key);
    }
    return NULL;
}

/* Returns 's' without the white space at its start and end (which is cut
 * off in place). */
static char *
trim(char *s)
{
    s += strspn(s, " \t");
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
        s[--n] = '\0';
    }
    return s;
}

/* Parses the logger configuration string 's' ("interval=60,filter=all,...")
 * into 'opts'; options left out take their defaults.  White space around
 * ',' and '=' is allowed, and enumerated values (filter, setup-only,
 * format, compression, partition) are matched without regard to case:
 * flowlog_logger_opts_format() gives the canonical form.  Returns NULL on
 * success, otherwise a malloc()'d error message that names the offending
 * option, and leaves 'opts' empty (no need to destroy). */
char *
flowlog_logger_opts_parse(const char *s, struct flowlog_logger_opts *opts)
{
    char *copy = xstrdup(s);
    char *save = NULL;
    char *error = NULL;
    unsigned int seen = 0;

    opts_init_default(opts);
    for (char *kv = strtok_r(copy, ",", &save); kv;
         kv = strtok_r(NULL, ",", &save)) {
        static const char *keys[] = {
            "interval", "filter", "setup-only", "capacity", "vpc", "subnet",
            "target", "credentials", "format", "compression", "fields",
            "partition",
        };
        kv = trim(kv);
        char *value = strchr(kv, '=');

        if (!value) {
            error = xasprintf("\"%s\": expected KEY=VALUE", kv);
            break;
        }
        *value++ = '\0';
        kv = trim(kv);
        value = trim(value);
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
            if (!strcmp(kv, keys[i])) {
                if (seen & (1u << i)) {
                    error = xasprintf("option \"%s\" given twice", kv);
                }
                seen |= 1u << i;
            }
        }
        if (error) {
            break;
        }
        error = parse_option(kv, value, opts);
        if (error) {
            break;
        }
    }
    if (!error && opts->has_vpc && opts->has_subnet) {
        error = xstrdup("vpc and subnet are mutually exclusive");
    }
    free(copy);
    if (error) {
        flowlog_logger_opts_destroy(opts);
    }
    return error;
}

void
flowlog_logger_opts_destroy(struct flowlog_logger_opts *opts)
{
    if (opts) {
        free(opts->target);
        free(opts->credentials);
        opts->target = opts->credentials = NULL;
    }
}

void
flowlog_logger_opts_clone(struct flowlog_logger_opts *dst,
                          const struct flowlog_logger_opts *src)
{
    *dst = *src;
    dst->target = nullable_xstrdup(src->target);
    dst->credentials = nullable_xstrdup(src->credentials);
}

bool
flowlog_logger_opts_equal(const struct flowlog_logger_opts *a,
                          const struct flowlog_logger_opts *b)
{
    return (a->interval == b->interval
            && a->filter == b->filter
            && a->setup_only == b->setup_only
            && a->capacity == b->capacity
            && a->has_vpc == b->has_vpc
            && a->has_subnet == b->has_subnet
            && uuid_equals(&a->vpc, &b->vpc)
            && uuid_equals(&a->subnet, &b->subnet)
            && !strcmp(a->target, b->target)
            && !strcmp(a->credentials, b->credentials)
            && a->format == b->format
            && a->compression == b->compression
            && a->partition == b->partition
            && a->n_fields == b->n_fields
            && !memcmp(a->fields, b->fields,
                       a->n_fields * sizeof a->fields[0]));
}

const char *
flowlog_filter_name(enum flowlog_filter f)
{
    return (f == FL_FILTER_ALL ? "all"
            : f == FL_FILTER_ACCEPT ? "accept"
            : "drop");
}

static const char *
format_name(enum flowlog_format f)
{
    return (f == FL_FORMAT_CSV ? "csv"
            : f == FL_FORMAT_JSONL ? "jsonl"
            : "parquet");
}

static const char *
compression_name(enum flowlog_compression c)
{
    return c == FL_COMPRESSION_GZIP ? "gzip" : "none";
}

static const char *
partition_name(enum flowlog_partition p)
{
    return (p == FL_PARTITION_HOUR ? "hour"
            : p == FL_PARTITION_DAY ? "day"
            : "hive");
}

/* Appends the effective configuration in the logger string syntax. */
void
flowlog_logger_opts_format(const struct flowlog_logger_opts *opts,
                           struct ds *s)
{
    ds_put_format(s, "interval=%d,filter=%s,setup-only=%s,capacity=%d",
                  opts->interval, flowlog_filter_name(opts->filter),
                  opts->setup_only ? "true" : "false", opts->capacity);
    if (opts->has_vpc) {
        ds_put_format(s, ",vpc="UUID_FMT, UUID_ARGS(&opts->vpc));
    }
    if (opts->has_subnet) {
        ds_put_format(s, ",subnet="UUID_FMT, UUID_ARGS(&opts->subnet));
    }
    ds_put_format(s, ",target=%s,credentials=%s,format=%s,compression=%s",
                  opts->target, opts->credentials, format_name(opts->format),
                  compression_name(opts->compression));
    ds_put_cstr(s, ",fields=");
    for (size_t i = 0; i < opts->n_fields; i++) {
        ds_put_format(s, "%s%s", i ? "+" : "",
                      flowlog_field_name(opts->fields[i]));
    }
    ds_put_format(s, ",partition=%s", partition_name(opts->partition));
}

/* Returns the effective configuration as a JSON object with one member per
 * option, named as in the logger string, with the values of
 * flowlog_logger_opts_format() (integers and booleans as such, "fields" as
 * an array of names; "vpc" and "subnet" only when set). */
struct json *
flowlog_logger_opts_to_json(const struct flowlog_logger_opts *opts)
{
    struct json *obj = json_object_create();

    json_object_put(obj, "interval", json_integer_create(opts->interval));
    json_object_put_string(obj, "filter", flowlog_filter_name(opts->filter));
    json_object_put(obj, "setup-only", json_boolean_create(opts->setup_only));
    json_object_put(obj, "capacity", json_integer_create(opts->capacity));
    if (opts->has_vpc) {
        json_object_put_format(obj, "vpc", UUID_FMT, UUID_ARGS(&opts->vpc));
    }
    if (opts->has_subnet) {
        json_object_put_format(obj, "subnet", UUID_FMT,
                               UUID_ARGS(&opts->subnet));
    }
    json_object_put_string(obj, "target", opts->target);
    json_object_put_string(obj, "credentials", opts->credentials);
    json_object_put_string(obj, "format", format_name(opts->format));
    json_object_put_string(obj, "compression",
                           compression_name(opts->compression));
    json_object_put(obj, "fields",
                    flowlog_json_field_names(opts->fields, opts->n_fields));
    json_object_put_string(obj, "partition", partition_name(opts->partition));
    return obj;
}
