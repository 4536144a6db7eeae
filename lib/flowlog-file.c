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
#include <libdeflate.h>

#include "lib/flowlog-config.h"
#include "lib/flowlog-parquet.h"
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* Rendered text is handed on in pieces of about this size. */
#define WRITER_CHUNK (64 * 1024)

/* A gzip'd file is a series of gzip members (RFC 1952 section 2.2: gzip,
 * zcat, zlib's gzread() and Python's gzip module read them as one stream),
 * each the compression of about this
 * much text, so that libdeflate, which compresses whole buffers and is
 * several times as fast as zlib's streaming deflate at the same level,
 * can do it with bounded memory.  Each member starts a new dictionary:
 * with 256 kB of text the file grows by well under 1%. */
#define GZIP_MEMBER (256 * 1024)

/* The gzip level: zlib's default. */
#define GZIP_LEVEL 6

struct flowlog_file_writer {
    const struct flowlog_logger_opts *opts;
    const struct flowlog_context *ctx;
    flowlog_file_write_func *write;
    void *aux;
    struct ds text;             /* Rendered, not yet handed on. */
    bool gzip;
    struct libdeflate_compressor *compressor;   /* If 'gzip'. */
    uint8_t *zbuf;              /* Room for one compressed member. */
    size_t zbuf_size;
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

/* Compresses what 'w' rendered into one gzip member and hands it on.  The
 * member's header has no file name, mtime 0 and the level's flags, so the
 * same text always gives the same bytes (with the same libdeflate). */
static void
writer_compress(struct flowlog_file_writer *w)
{
    size_t bound = libdeflate_gzip_compress_bound(w->compressor,
                                                  w->text.length);
    if (bound > w->zbuf_size) {
        free(w->zbuf);
        w->zbuf_size = bound;
        w->zbuf = xmalloc(bound);
    }
    size_t n = libdeflate_gzip_compress(w->compressor, w->text.string,
                                        w->text.length, w->zbuf, bound);
    ovs_assert(n);
    writer_emit(w, w->zbuf, n);
    ds_clear(&w->text);
}

/* Hands on what 'w' rendered, if there is enough of it or 'finish'. */
static void
writer_drain(struct flowlog_file_writer *w, bool finish)
{
    if (w->gzip) {
        /* A file always has a member, if only of nothing. */
        if (finish ? w->text.length || !w->size
                   : w->text.length >= GZIP_MEMBER) {
            writer_compress(w);
        }
    } else if (finish || w->text.length >= WRITER_CHUNK) {
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
 * fills), so that rendering a snapshot of any size takes little memory.
 * gzip'd text is a series of gzip members of about GZIP_MEMBER bytes of
 * text each; their headers hold no file name and mtime 0, and the level is
 * fixed, so the same records always give the same bytes (with the same
 * libdeflate). */
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
        w->compressor = libdeflate_alloc_compressor(GZIP_LEVEL);
        if (!w->compressor) {
            out_of_memory();
        }
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
        writer_drain(w, false);
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
    if (w->compressor) {
        libdeflate_free_compressor(w->compressor);
    }
    free(w->zbuf);
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
