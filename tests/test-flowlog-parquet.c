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

/* test-flowlog-parquet: writes a Parquet file with lib/flowlog-parquet.c
 * from JSON lines, for tests that read it back with other readers.
 *
 *   test-flowlog-parquet FILE < INPUT
 *
 * The first line of INPUT is an object:
 *
 *   {"columns": [{"name": N, "type": "int32"|"int64"|"string",
 *                 "optional": BOOL, "dictionary": BOOL}, ...],
 *    "codec": "gzip"|"none", "max_rows": N, "max_bytes": N}
 *
 * ("codec", "max_rows" and "max_bytes" may be left out), each following
 * line an array of one row's values: an integer, a string or null.  A line
 * {"repeat": N, "row": [...]} adds N rows, the integers of each the
 * previous one's plus 1 (for large files). */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flowlog-parquet.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/util.h"
#include "util.h"

static int
write_file(void *f_, const void *data, size_t size)
{
    FILE *f = f_;

    return fwrite(data, 1, size, f) == size ? 0 : errno;
}

static const struct json *
member(const struct json *obj, const char *name)
{
    return obj->type == JSON_OBJECT ? shash_find_data(json_object(obj), name)
                                    : NULL;
}

static void
parse_columns(const struct json *spec, struct flowlog_parquet_column **cp,
              size_t *np)
{
    const struct json *columns = member(spec, "columns");
    if (!columns || columns->type != JSON_ARRAY) {
        ovs_fatal(0, "first line: \"columns\" must be an array");
    }

    const struct json_array *a = json_array(columns);
    size_t n = a->n;
    struct flowlog_parquet_column *c = xcalloc(n, sizeof *c);
    for (size_t i = 0; i < n; i++) {
        const struct json *col = a->elems[i];
        const struct json *name = member(col, "name");
        const struct json *type = member(col, "type");
        const struct json *optional = member(col, "optional");
        const struct json *dictionary = member(col, "dictionary");

        if (!name || name->type != JSON_STRING
            || !type || type->type != JSON_STRING) {
            ovs_fatal(0, "column %"PRIuSIZE": needs \"name\" and \"type\"",
                      i);
        }
        c[i].name = json_string(name);
        const char *t = json_string(type);
        c[i].type = (!strcmp(t, "int32") ? FLOWLOG_PARQUET_INT32
                     : !strcmp(t, "int64") ? FLOWLOG_PARQUET_INT64
                     : !strcmp(t, "string") ? FLOWLOG_PARQUET_STRING
                     : (ovs_fatal(0, "%s: unknown type", t), 0));
        c[i].optional = optional && optional->type == JSON_TRUE;
        c[i].dictionary = dictionary && dictionary->type == JSON_TRUE;
    }
    *cp = c;
    *np = n;
}

static void
put_row(struct flowlog_parquet_writer *w,
        const struct flowlog_parquet_column *columns, size_t n_columns,
        const struct json *row, long long int add, int line)
{
    if (row->type != JSON_ARRAY || json_array(row)->n != n_columns) {
        ovs_fatal(0, "line %d: expected an array of %"PRIuSIZE" values",
                  line, n_columns);
    }
    for (size_t i = 0; i < n_columns; i++) {
        const struct json *v = json_array(row)->elems[i];

        if (v->type == JSON_NULL) {
            flowlog_parquet_put_null(w);
        } else if (v->type == JSON_INTEGER
                   && columns[i].type != FLOWLOG_PARQUET_STRING) {
            flowlog_parquet_put_int(w, json_integer(v) + add);
        } else if (v->type == JSON_STRING
                   && columns[i].type == FLOWLOG_PARQUET_STRING) {
            const char *s = json_string(v);
            flowlog_parquet_put_string(w, s, strlen(s));
        } else {
            ovs_fatal(0, "line %d: value %"PRIuSIZE" does not fit column %s",
                      line, i, columns[i].name);
        }
    }
    int error = flowlog_parquet_end_row(w);
    if (error) {
        ovs_fatal(error, "writing");
    }
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc != 2) {
        ovs_fatal(0, "usage: %s FILE < INPUT", argv[0]);
    }

    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        ovs_fatal(errno, "%s: open failed", argv[1]);
    }

    struct ds line = DS_EMPTY_INITIALIZER;
    if (ds_get_line(&line, stdin)) {
        ovs_fatal(0, "empty input");
    }
    struct json *spec = json_from_string(ds_cstr(&line));
    if (spec->type == JSON_STRING) {
        ovs_fatal(0, "first line: %s", json_string(spec));
    }

    struct flowlog_parquet_column *columns;
    size_t n_columns;
    parse_columns(spec, &columns, &n_columns);

    const struct json *codec = member(spec, "codec");
    bool gzip = codec && codec->type == JSON_STRING
                && !strcmp(json_string(codec), "gzip");
    struct flowlog_parquet_writer *w = flowlog_parquet_writer_create(
        columns, n_columns,
        gzip ? FLOWLOG_PARQUET_GZIP : FLOWLOG_PARQUET_UNCOMPRESSED,
        write_file, f);

    const struct json *max_rows = member(spec, "max_rows");
    const struct json *max_bytes = member(spec, "max_bytes");
    if (max_rows || max_bytes) {
        flowlog_parquet_writer_set_limits(
            w, max_rows ? json_integer(max_rows) : FLOWLOG_PARQUET_MAX_ROWS,
            max_bytes ? json_integer(max_bytes) : FLOWLOG_PARQUET_MAX_BYTES);
    }

    for (int n = 2; !ds_get_line(&line, stdin); n++) {
        struct json *row = json_from_string(ds_cstr(&line));
        const struct json *repeat = member(row, "repeat");

        if (row->type == JSON_STRING) {
            ovs_fatal(0, "line %d: %s", n, json_string(row));
        } else if (repeat) {
            const struct json *first = member(row, "row");
            for (long long int i = 0; i < json_integer(repeat); i++) {
                put_row(w, columns, n_columns, first, i, n);
            }
        } else {
            put_row(w, columns, n_columns, row, 0, n);
        }
        json_destroy(row);
    }

    uint64_t size;
    int error = flowlog_parquet_writer_finish(w, &size);
    if (error || fclose(f)) {
        ovs_fatal(error ? error : errno, "%s: write failed", argv[1]);
    }
    printf("%"PRIu64"\n", size);

    json_destroy(spec);
    free(columns);
    ds_destroy(&line);
    return 0;
}
