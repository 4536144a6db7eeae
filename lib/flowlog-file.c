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
#include "lib/flowlog-file.h"

#include <string.h>
#include <time.h>
#include <zlib.h>

#include "lib/flowlog-config.h"
#include "lib/flowlog-parquet.h"
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* Rendered text is handed on in pieces of about this size. */
#define WRITER_CHUNK (64 * 1024)

struct flowlog_file_writer {
    const struct flowlog_logger_opts *opts;
    const struct flowlog_context *ctx;
    flowlog_file_write_func *write;
    void *aux;
    struct ds text;             /* Rendered, not yet handed on. */
    bool gzip;
    z_stream z;
    gz_header header;           /* deflate keeps a pointer to it. */
    uint8_t *zbuf;              /* WRITER_CHUNK bytes of deflate output. */
    uint64_t size;              /* Bytes handed to 'write' so far. */
    int error;                  /* First error of 'write', if any. */

    /* format=parquet. */
    struct flowlog_parquet_writer *parquet;
    struct flowlog_context pq_ctx;  /* 'ctx' with UTF-8 strings. */
};

static void
writer_emit(struct flowlog_file_writer *w, const void *data, size_t size)
{
    if (!w->error && size) {
        w->error = w->write(w->aux, data, size);
        w->size += size;
    }
}

/* Compresses what 'w' rendered (with 'flush' Z_NO_FLUSH or Z_FINISH) and
 * hands it on.  With Z_NO_FLUSH deflate's output does not depend on how
 * its input is cut into pieces, so the file has the same bytes whatever
 * WRITER_CHUNK is. */
static void
writer_deflate(struct flowlog_file_writer *w, int flush)
{
    z_stream *z = &w->z;
    int retval;

    z->next_in = (Bytef *) w->text.string;
    z->avail_in = w->text.length;
    do {
        z->next_out = w->zbuf;
        z->avail_out = WRITER_CHUNK;
        retval = deflate(z, flush);
        ovs_assert(retval != Z_STREAM_ERROR);
        writer_emit(w, w->zbuf, WRITER_CHUNK - z->avail_out);
    } while (z->avail_out == 0 || (flush == Z_FINISH
                                   && retval != Z_STREAM_END));
    ovs_assert(z->avail_in == 0);
    ds_clear(&w->text);
}

static void
writer_drain(struct flowlog_file_writer *w, bool finish)
{
    if (w->gzip) {
        writer_deflate(w, finish ? Z_FINISH : Z_NO_FLUSH);
    } else {
        writer_emit(w, w->text.string, w->text.length);
        ds_clear(&w->text);
    }
}

/* Parquet's column types for the field types of the record model. */
static enum flowlog_parquet_type
parquet_type(enum flowlog_field f)
{
    switch (flowlog_field_type(f)) {
    case FL_TYPE_INT32:
        return FLOWLOG_PARQUET_INT32;
    case FL_TYPE_INT64:
        return FLOWLOG_PARQUET_INT64;
    case FL_TYPE_STRING:
    default:
        return FLOWLOG_PARQUET_STRING;
    }
}

static char *
nullable_utf8_xstrdup(const char *s)
{
    return s ? flowlog_utf8_xstrdup(s) : NULL;
}

/* Starts the Parquet file of 'w': one column per field of the logger, in
 * order, every one of them nullable.  Every column but 'bytes', whose
 * values rarely repeat, is dictionary-encoded wherever that is smaller.
 * The context's strings come from the channel as they are: they are made
 * UTF-8 here, as the record's strings were when they arrived. */
static void
parquet_create(struct flowlog_file_writer *w)
{
    const struct flowlog_logger_opts *opts = w->opts;
    struct flowlog_parquet_column columns[FL_N_FIELDS];

    for (size_t i = 0; i < opts->n_fields; i++) {
        enum flowlog_field f = opts->fields[i];

        columns[i] = (struct flowlog_parquet_column) {
            .name = flowlog_field_name(f),
            .type = parquet_type(f),
            .optional = true,
            .dictionary = f != FL_BYTES,
        };
    }
    w->parquet = flowlog_parquet_writer_create(
        columns, opts->n_fields,
        (w->gzip ? FLOWLOG_PARQUET_GZIP : FLOWLOG_PARQUET_UNCOMPRESSED),
        w->write, w->aux);

    w->pq_ctx = *w->ctx;
    w->pq_ctx.region = nullable_utf8_xstrdup(w->ctx->region);
    w->pq_ctx.host = nullable_utf8_xstrdup(w->ctx->host);
    w->pq_ctx.logger = nullable_utf8_xstrdup(w->ctx->logger);
}

static void
parquet_put(struct flowlog_file_writer *w, const struct flowlog_record *rec)
{
    const struct flowlog_logger_opts *opts = w->opts;
    struct flowlog_parquet_writer *pq = w->parquet;

    for (size_t i = 0; i < opts->n_fields; i++) {
        enum flowlog_field f = opts->fields[i];
        struct flowlog_value v;

        if (!flowlog_field_value(f, rec, &w->pq_ctx, &v)) {
            flowlog_parquet_put_null(pq);
        } else if (flowlog_field_type(f) == FL_TYPE_STRING) {
            flowlog_parquet_put_string(pq, v.string, v.length);
        } else {
            flowlog_parquet_put_int(pq, v.integer);
        }
    }
    w->error = flowlog_parquet_end_row(pq);
}

static int
parquet_finish(struct flowlog_file_writer *w)
{
    int error = flowlog_parquet_writer_finish(w->parquet, &w->size);

    free(CONST_CAST(char *, w->pq_ctx.region));
    free(CONST_CAST(char *, w->pq_ctx.host));
    free(CONST_CAST(char *, w->pq_ctx.logger));
    return error;
}

/* Starts the file of the logger configured as 'opts' in 'ctx' (both must
 * outlive the writer): a CSV header line, then one line per record, or one
 * JSON object per line, gzip'd when 'opts' asks for it; or a Parquet file
 * (see flowlog-parquet.h) whose pages are gzip'd when 'opts' asks for it.
 * Its bytes go to 'write' (with 'aux') as they are ready, in pieces of at
 * most a few 64 kB (Parquet: a page at a time, as each bounded row group
 * fills), so that rendering a snapshot of any size takes little memory.  The header gzip writes holds
 * no file name and mtime 0, and the level is fixed, so the same records
 * always give the same bytes (with the same zlib). */
struct flowlog_file_writer *
flowlog_file_writer_create(const struct flowlog_logger_opts *opts,
                           const struct flowlog_context *ctx,
                           flowlog_file_write_func *write, void *aux)
{
    struct flowlog_file_writer *w = xzalloc(sizeof *w);

    w->opts = opts;
    w->ctx = ctx;
    w->write = write;
    w->aux = aux;
    ds_init(&w->text);
    w->gzip = opts->compression == FL_COMPRESSION_GZIP;
    if (opts->format == FL_FORMAT_PARQUET) {
        parquet_create(w);
        return w;
    }
    if (w->gzip) {
        if (deflateInit2(&w->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16,
                         8, Z_DEFAULT_STRATEGY) != Z_OK) {
            out_of_memory();
        }
        /* No name, mtime 0 (xzalloc()). */
        w->header.os = 3;       /* Unix, whatever host wrote it. */
        deflateSetHeader(&w->z, &w->header);
        w->zbuf = xmalloc(WRITER_CHUNK);
    }
    if (opts->format == FL_FORMAT_CSV) {
        flowlog_csv_header(&w->text, opts->fields, opts->n_fields);
    }
    return w;
}

/* Adds the 'n' records of 'records' to the file, in their order.  Returns
 * the first error that 'write' returned, if any. */
int
flowlog_file_writer_put(struct flowlog_file_writer *w,
                        const struct flowlog_record *records, size_t n)
{
    const struct flowlog_logger_opts *opts = w->opts;

    if (w->parquet) {
        for (size_t i = 0; i < n && !w->error; i++) {
            parquet_put(w, &records[i]);
        }
        return w->error;
    }

    for (size_t i = 0; i < n && !w->error; i++) {
        if (opts->format == FL_FORMAT_CSV) {
            flowlog_csv_record(&w->text, opts->fields, opts->n_fields,
                               &records[i], w->ctx);
        } else {
            flowlog_json_record(&w->text, opts->fields, opts->n_fields,
                                &records[i], w->ctx);
        }
        if (w->text.length >= WRITER_CHUNK) {
            writer_drain(w, false);
        }
    }
    return w->error;
}

/* Ends the file and frees 'w'.  Returns the first error that 'write'
 * returned, if any, and stores the file's size in '*sizep' (if nonnull). */
int
flowlog_file_writer_finish(struct flowlog_file_writer *w, uint64_t *sizep)
{
    int error;

    if (w->parquet) {
        error = parquet_finish(w);
    } else {
        writer_drain(w, true);
        error = w->error;
    }
    if (sizep) {
        *sizep = w->size;
    }
    if (w->zbuf) {
        deflateEnd(&w->z);
        free(w->zbuf);
    }
    ds_destroy(&w->text);
    free(w);
    return error;
}

/* The file name extension for 'opts': ".csv", ".jsonl", plus ".gz", or
 * ".parquet" (whose pages are compressed, not the file). */
const char *
flowlog_file_suffix(const struct flowlog_logger_opts *opts)
{
    bool gz = opts->compression == FL_COMPRESSION_GZIP;

    switch (opts->format) {
    case FL_FORMAT_CSV:
        return gz ? ".csv.gz" : ".csv";
    case FL_FORMAT_JSONL:
        return gz ? ".jsonl.gz" : ".jsonl";
    case FL_FORMAT_PARQUET:
    default:
        return ".parquet";
    }
}

/* Appends 's' to 'key' with every byte that is not safe in a file name or
 * an object key ('/', control characters, anything but letters, digits and
 * "-._:") replaced by '_', so that a system-id never adds a path level. */
static void
put_safe(struct ds *key, const char *s)
{
    if (!s || !s[0]) {
        ds_put_cstr(key, "unknown");
        return;
    }
    for (; *s; s++) {
        unsigned char c = *s;
        bool safe = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                     || (c >= '0' && c <= '9') || strchr("-._:", c));
        ds_put_char(key, safe ? c : '_');
    }
}

/* Returns the object key (free() it) of the file of the snapshot that
 * starts at 'start_ms' (UNIX ms) of 'logger' on the host 'system_id':
 *
 *   [PREFIX/]YYYY/MM/DD/HH/LOGGER_SYSTEMID_YYYYMMDDTHHMMSS.mmmZ.csv.gz
 *
 * with the partition levels ('opts->partition': hour, day or hive) and the
 * extension that 'opts' select.  'prefix' may be NULL or empty. */
char *
flowlog_file_key(const struct flowlog_logger_opts *opts, const char *prefix,
                 const char *logger, const char *system_id,
                 long long int start_ms)
{
    long long int secs = start_ms >= 0 ? start_ms / 1000
                                       : -((999 - start_ms) / 1000);
    int msecs = start_ms - secs * 1000;
    time_t t = secs;
    struct tm tm;
    struct ds key = DS_EMPTY_INITIALIZER;

    gmtime_r(&t, &tm);
    if (prefix && prefix[0]) {
        ds_put_format(&key, "%s/", prefix);
    }

    int year = tm.tm_year + 1900, mon = tm.tm_mon + 1;
    switch (opts->partition) {
    case FL_PARTITION_HOUR:
        ds_put_format(&key, "%04d/%02d/%02d/%02d/", year, mon, tm.tm_mday,
                      tm.tm_hour);
        break;
    case FL_PARTITION_DAY:
        ds_put_format(&key, "%04d/%02d/%02d/", year, mon, tm.tm_mday);
        break;
    case FL_PARTITION_HIVE:
        ds_put_format(&key, "year=%04d/month=%02d/day=%02d/hour=%02d/",
                      year, mon, tm.tm_mday, tm.tm_hour);
        break;
    default:
        OVS_NOT_REACHED();
    }

    put_safe(&key, logger);
    ds_put_char(&key, '_');
    put_safe(&key, system_id);
    ds_put_format(&key, "_%04d%02d%02dT%02d%02d%02d.%03dZ%s",
                  year, mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  msecs, flowlog_file_suffix(opts));
    return ds_steal_cstr(&key);
}
