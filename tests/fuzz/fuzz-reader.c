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

/* The CLI's file reader (lib/flowlog-reader.c): CSV and JSON lines, plain
 * or gzip'd, and Parquet, told apart by their bytes.  Input: a file.  It
 * is read twice, once for every field and once for the few fields of the
 * input's last byte, the way "ovs-flowlog cat" and a filtered "top" ask. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <string.h>

#include "lib/flowlog-reader.h"
#include "util.h"

static void
read_all(const uint8_t *data, size_t size, uint32_t wanted)
{
    char *error = NULL;
    struct flowlog_reader *r = flowlog_reader_open("fuzz", data, size,
                                                   wanted, &error);
    if (!r) {
        ovs_assert(error);
        free(error);
        return;
    }

    size_t n_columns;
    flowlog_reader_format(r);
    flowlog_reader_columns(r, &n_columns);
    for (;;) {
        const struct flowlog_row *row;
        int retval = flowlog_reader_next(r, &row, &error);
        if (retval) {
            ovs_assert(retval == EOF || error);
            break;
        }
        for (int f = 0; f < FL_N_FIELDS; f++) {
            if (flowlog_row_has(row, f)
                && flowlog_field_type(f) == FL_TYPE_STRING) {
                /* Every string is NUL-terminated at its length. */
                ovs_assert(row->strs[f]);
                ovs_assert(!row->strs[f][row->lens[f]]);
            }
        }
    }
    free(error);
    flowlog_reader_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    read_all(data, size, FLOWLOG_ALL_FIELDS);
    if (size) {
        uint8_t b = data[size - 1];
        read_all(data, size, (FLOWLOG_FIELD_BIT(b % FL_N_FIELDS)
                              | FLOWLOG_FIELD_BIT((b >> 3) % FL_N_FIELDS)));
    }
    return 0;
}
