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

#ifndef FLOWLOG_PARQUET_H
#define FLOWLOG_PARQUET_H 1

/* A small Apache Parquet writer: a flat schema of INT32, INT64 and UTF-8
 * string columns, each required or optional (NULLs through definition
 * levels), written as a stream: "PAR1", one row group at a time as it
 * fills, then the footer.  Knows nothing of flow logs.
 *
 * What it writes, and nothing else, so that a reader needs little: data
 * pages v1, one per column chunk; PLAIN values, or a PLAIN dictionary page
 * and RLE_DICTIONARY indices; RLE/bit-packed definition levels; pages
 * UNCOMPRESSED or GZIP; min_value/max_value/null_count statistics per
 * column chunk with TypeDefinedOrder.  The output depends only on the rows
 * (and libdeflate's version): no clock, a fixed created_by. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum flowlog_parquet_type {
    FLOWLOG_PARQUET_INT32,      /* INT32. */
    FLOWLOG_PARQUET_INT64,      /* INT64. */
    FLOWLOG_PARQUET_STRING,     /* BYTE_ARRAY, STRING (UTF8), unsigned
                                 * bytewise order. */
};

struct flowlog_parquet_column {
    const char *name;
    enum flowlog_parquet_type type;
    bool optional;              /* May hold NULL, else required. */
    bool dictionary;            /* Dictionary-encode where it is smaller. */
};

enum flowlog_parquet_codec {
    FLOWLOG_PARQUET_UNCOMPRESSED,
    FLOWLOG_PARQUET_GZIP,       /* RFC 1952 members, level 6. */
};

/* The compression level of GZIP pages: zlib's default, compressed by
 * libdeflate (whole pages at once, several times faster than zlib for
 * about the same size). */
#define FLOWLOG_PARQUET_LEVEL 6

/* A row group is written once it holds this many rows or this many bytes
 * of buffered values, whichever comes first. */
#define FLOWLOG_PARQUET_MAX_ROWS 65536
#define FLOWLOG_PARQUET_MAX_BYTES (8 * 1024 * 1024)

/* With GZIP pages, a column chunk whose distinct values outgrow this many
 * dictionary entries is written PLAIN instead: indices 14 bits wide and
 * wider are nearly as random as the values they stand for, and gzip
 * compresses the PLAIN values better (ephemeral ports: 0.9 bytes per
 * record less for the two port columns).  Uncompressed pages keep their
 * dictionary whatever its size, where it is smaller than PLAIN. */
#define FLOWLOG_PARQUET_MAX_DICT_GZIP 8192

typedef int flowlog_parquet_write_func(void *aux, const void *, size_t);

struct flowlog_parquet_writer *flowlog_parquet_writer_create(
    const struct flowlog_parquet_column *, size_t n_columns,
    enum flowlog_parquet_codec, flowlog_parquet_write_func *, void *aux);
void flowlog_parquet_writer_set_limits(struct flowlog_parquet_writer *,
                                       size_t max_rows, size_t max_bytes);

/* One value for each column, in schema order, then end_row(). */
void flowlog_parquet_put_int(struct flowlog_parquet_writer *, int64_t);
void flowlog_parquet_put_string(struct flowlog_parquet_writer *,
                                const char *, size_t len);
void flowlog_parquet_put_null(struct flowlog_parquet_writer *);
int flowlog_parquet_end_row(struct flowlog_parquet_writer *);

int flowlog_parquet_writer_finish(struct flowlog_parquet_writer *,
                                  uint64_t *sizep);

#endif /* flowlog-parquet.h */
