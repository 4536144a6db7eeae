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

#ifndef FLOWLOG_READER_H
#define FLOWLOG_READER_H 1

/* Reading flow log files back, for the CLI: every format flowlog-file.c
 * writes (CSV and JSON lines, gzip'd or not, and Parquet as
 * flowlog-parquet.c writes it), row by row, with the field names and
 * types of flowlog-record.h.  The format is told by the file's bytes
 * (gzip and Parquet magic, then '{' for JSON lines), not its name.
 *
 * A reader decodes only the fields it is asked for: what a query does not
 * look at costs (nearly) nothing, in Parquet not even decompression. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/flowlog-record.h"

/* One row: the value of each field asked for, as flowlog_field_type()
 * types it.  A field that is NULL ("not applicable", an empty CSV cell) or
 * not in the file has its bit clear in 'present'.  Strings are
 * NUL-terminated and valid until the next flowlog_reader_next(). */
struct flowlog_row {
    uint32_t present;               /* 1 << field, for each non-NULL. */
    int64_t ints[FL_N_FIELDS];
    const char *strs[FL_N_FIELDS];
    uint32_t lens[FL_N_FIELDS];

    /* For a string that comes from a Parquet dictionary: the dictionary
     * (nonzero, never the same for two dictionaries in one process), the
     * value's index in it and its size, so that a caller may compute
     * something once per dictionary entry instead of once per row.  0 in
     * 'dicts' for any other value. */
    uint64_t dicts[FL_N_FIELDS];
    uint32_t dict_index[FL_N_FIELDS];
    uint32_t dict_size[FL_N_FIELDS];
};

#define FLOWLOG_FIELD_BIT(F) (UINT32_C(1) << (F))
#define FLOWLOG_ALL_FIELDS ((UINT32_C(1) << FL_N_FIELDS) - 1)

static inline bool
flowlog_row_has(const struct flowlog_row *row, enum flowlog_field f)
{
    return row->present & FLOWLOG_FIELD_BIT(f);
}

struct flowlog_reader;

struct flowlog_reader *flowlog_reader_open(const char *name,
                                           const void *data, size_t size,
                                           uint32_t wanted, char **errorp);
int flowlog_reader_next(struct flowlog_reader *,
                        const struct flowlog_row **rowp, char **errorp);
const char *flowlog_reader_format(const struct flowlog_reader *);
const enum flowlog_field *flowlog_reader_columns(
    const struct flowlog_reader *, size_t *n);
void flowlog_reader_close(struct flowlog_reader *);

#endif /* flowlog-reader.h */
