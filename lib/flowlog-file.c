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
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

/* Compresses 'in' into 'out' as one gzip member.  The header holds no file
 * name and mtime 0, and the level is fixed, so the same input always gives
 * the same bytes (with the same zlib). */
static void
gzip_put(const void *in, size_t size, struct ofpbuf *out)
{
    gz_header header;
    z_stream z;

    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        out_of_memory();
    }
    memset(&header, 0, sizeof header);
    header.os = 3;              /* Unix, whatever host wrote it. */
    deflateSetHeader(&z, &header);

    z.next_in = CONST_CAST(Bytef *, in);
    z.avail_in = size;
    int retval;
    do {
        ofpbuf_prealloc_tailroom(out, deflateBound(&z, z.avail_in) + 64);
        z.next_out = ofpbuf_tail(out);
        z.avail_out = ofpbuf_tailroom(out);
        retval = deflate(&z, Z_FINISH);
        out->size = (uint8_t *) z.next_out - (uint8_t *) out->data;
    } while (retval == Z_OK || retval == Z_BUF_ERROR);
    ovs_assert(retval == Z_STREAM_END);
    deflateEnd(&z);
}

/* Appends to 'out' the bytes of the file that holds the 'n_records'
 * records of 'records' for the logger configured as 'opts': a CSV header
 * line and one line per record, or one JSON object per line, gzip'd when
 * 'opts' asks for it.  Records keep their order. */
void
flowlog_file_render(const struct flowlog_logger_opts *opts,
                    const struct flowlog_context *ctx,
                    const struct flowlog_record *records, size_t n_records,
                    struct ofpbuf *out)
{
    struct ds text = DS_EMPTY_INITIALIZER;

    if (opts->format == FL_FORMAT_CSV) {
        flowlog_csv_header(&text, opts->fields, opts->n_fields);
    }
    for (size_t i = 0; i < n_records; i++) {
        if (opts->format == FL_FORMAT_CSV) {
            flowlog_csv_record(&text, opts->fields, opts->n_fields,
                               &records[i], ctx);
        } else {
            flowlog_json_record(&text, opts->fields, opts->n_fields,
                                &records[i], ctx);
        }
    }

    if (opts->compression == FL_COMPRESSION_GZIP) {
        gzip_put(text.string, text.length, out);
    } else {
        ofpbuf_put(out, text.string, text.length);
    }
    ds_destroy(&text);
}

/* The file name extension for 'opts': ".csv", ".jsonl", plus ".gz". */
const char *
flowlog_file_suffix(const struct flowlog_logger_opts *opts)
{
    bool gz = opts->compression == FL_COMPRESSION_GZIP;

    return (opts->format == FL_FORMAT_CSV
            ? (gz ? ".csv.gz" : ".csv")
            : (gz ? ".jsonl.gz" : ".jsonl"));
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
