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

/* The Parquet part reads what lib/flowlog-parquet.c writes, from the same
 * specification (parquet.thrift in Thrift's compact protocol,
 * Encodings.md): data pages v1, PLAIN or RLE_DICTIONARY values with a
 * PLAIN dictionary page, RLE/bit-packed definition levels, UNCOMPRESSED
 * or GZIP pages, flat schemas of INT32, INT64 and BYTE_ARRAY columns.
 * Anything else is refused with a message that says what.  No Parquet or
 * Thrift library is in Debian 12 for C (Arrow's is C++ and not packaged),
 * and the subset is small. */

#include <config.h>
#include "lib/flowlog-reader.h"

#include <endian.h>
#include <errno.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "util.h"

/* Text formats are decompressed and parsed in pieces of this size. */
#define TEXT_CHUNK (256 * 1024)

enum reader_kind { KIND_CSV, KIND_JSONL, KIND_PARQUET };

struct pq_file;

struct flowlog_reader {
    char *name;
    const uint8_t *data;
    size_t size;
    uint32_t wanted;
    enum reader_kind kind;
    bool gzip;
    struct flowlog_row row;

    /* The file's columns, in file order: the field of each, or -1 for a
     * column that is not a flow log field (ignored). */
    int *col_field;
    size_t n_cols;
    enum flowlog_field *fields;     /* Known fields only, in order. */
    size_t n_fields;

    /* Text formats: 'buf' holds the text from 'pos' to 'len'. */
    z_stream z;
    bool z_init;
    bool z_end;                 /* inflate() is at the end of a member. */
    bool eof;                   /* No more text after 'len'. */
    size_t in_pos;              /* Next byte of 'data' (not gzip). */
    char *buf;
    size_t pos, len, alloc;
    unsigned long long int line;
    struct json *json;          /* JSON lines: the current line's object. */

    /* Parquet. */
    struct pq_file *pq;
};

static char * OVS_PRINTF_FORMAT(2, 3)
reader_error(const struct flowlog_reader *r, const char *format, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    ds_put_format(&s, "%s: ", r->name);
    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);
    return ds_steal_cstr(&s);
}

/* Text: decompressing and line-splitting. */

/* Makes room for and reads more text into 'r->buf' after 'r->len', keeping
 * the bytes from 'r->pos' on.  Returns 0, EOF once there is no more text,
 * or an error message. */
static int
text_fill(struct flowlog_reader *r, char **errorp)
{
    if (r->eof) {
        return EOF;
    }
    if (r->pos) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->alloc - r->len < TEXT_CHUNK) {
        r->alloc = MAX(2 * r->alloc, r->len + TEXT_CHUNK + 1);
        r->buf = xrealloc(r->buf, r->alloc);
    }
    size_t room = r->alloc - r->len - 1;    /* For a NUL at the end. */

    if (!r->gzip) {
        size_t n = MIN(room, r->size - r->in_pos);
        if (n) {
            /* (An empty file may come as NULL.) */
            memcpy(r->buf + r->len, r->data + r->in_pos, n);
        }
        r->in_pos += n;
        r->len += n;
        r->eof = r->in_pos >= r->size;
        return 0;
    }

    z_stream *z = &r->z;
    z->next_out = (Bytef *) r->buf + r->len;
    z->avail_out = room;
    while (z->avail_out) {
        if (!z->avail_in) {
            if (!r->z_end) {
                *errorp = reader_error(r, "gzip data is truncated");
                return EINVAL;
            }
            r->eof = true;
            break;
        }
        int retval = inflate(z, Z_NO_FLUSH);
        r->z_end = retval == Z_STREAM_END;
        if (retval == Z_STREAM_END) {
            /* Another gzip member may follow (RFC 1952). */
            if (!z->avail_in) {
                r->eof = true;
                break;
            }
            inflateReset(z);
        } else if (retval != Z_OK && retval != Z_BUF_ERROR) {
            *errorp = reader_error(r, "gzip data is corrupt (%s)",
                                   z->msg ? z->msg : "inflate failed");
            return EINVAL;
        } else if (retval == Z_BUF_ERROR && z->avail_in) {
            *errorp = reader_error(r, "gzip data is corrupt");
            return EINVAL;
        }
    }
    r->len = r->alloc - 1 - z->avail_out;
    if (r->eof && z->avail_out == room && !r->len) {
        return EOF;
    }
    return 0;
}

/* Parses the unsigned or negative decimal integer 's' (NUL-terminated). */
static bool
parse_int(const char *s, int64_t *x)
{
    bool neg = *s == '-';
    uint64_t v = 0;
    const char *p = s + neg;

    if (!*p) {
        return false;
    }
    for (; *p; p++) {
        unsigned int d = (unsigned char) *p - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    if (neg ? v > (uint64_t) INT64_MAX + 1 : v > INT64_MAX) {
        return false;
    }
    *x = neg ? (int64_t) (0 - v) : (int64_t) v;
    return true;
}

/* Sets the column layout from the 'n' column names in 'names'. */
static void
set_columns(struct flowlog_reader *r, char **names, size_t n)
{
    r->col_field = xmalloc(MAX(n, 1) * sizeof *r->col_field);
    r->fields = xmalloc(FL_N_FIELDS * sizeof *r->fields);
    r->n_cols = n;
    r->n_fields = 0;
    uint32_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        enum flowlog_field f;

        r->col_field[i] = -1;
        if (flowlog_field_from_name(names[i], &f)
            && !(seen & FLOWLOG_FIELD_BIT(f))) {
            seen |= FLOWLOG_FIELD_BIT(f);
            r->col_field[i] = f;
            r->fields[r->n_fields++] = f;
        }
    }
}

/* Splits the record at 'r->pos', which ends at the newline 'nl' and has no
 * quote, into cells in place, as csv_split() does, and moves past it. */
static void
csv_split_unquoted(struct flowlog_reader *r, char *nl, char **cells,
                   size_t max, size_t *n)
{
    char *p = r->buf + r->pos;
    size_t n_cells = 0;

    for (;;) {
        char *comma = memchr(p, ',', nl - p);
        if (n_cells < max) {
            cells[n_cells] = p;
        }
        n_cells++;
        if (!comma) {
            break;
        }
        *comma = '\0';
        p = comma + 1;
    }
    *nl = '\0';
    r->pos = nl + 1 - r->buf;
    r->line++;
    *n = MIN(n_cells, max);
}

/* Splits the CSV record (RFC 4180) at 'r->pos', which
 * csv_ensure_record() made sure ends in the buffer, into cells, in place:
 * unquotes them and NUL-terminates each.  Stores the start of each of at
 * most 'max' cells in 'cells' and their number in '*n'. */
static int
csv_split(struct flowlog_reader *r, char **cells, size_t max, size_t *n,
          char **errorp)
{
    char *p = r->buf + r->pos;
    char *end = r->buf + r->len;
    size_t n_cells = 0;

    /* Fast path: a record without quotes. */
    char *nl = memchr(p, '\n', end - p);
    if (nl && !memchr(p, '"', nl - p)) {
        csv_split_unquoted(r, nl, cells, max, n);
        return 0;
    }

    /* Quoted cells, which may hold commas, quotes and newlines. */
    char *out = p;
    bool at_cell_start = true;
    while (p < end) {
        if (at_cell_start) {
            if (n_cells < max) {
                cells[n_cells] = out;
            }
            n_cells++;
            at_cell_start = false;
            if (*p == '"') {
                p++;
                for (;;) {
                    if (p >= end) {
                        goto corrupt;
                    }
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"') {
                            p++;
                        } else {
                            p++;
                            break;
                        }
                    }
                    *out++ = *p++;
                }
                if (p >= end || (*p != ',' && *p != '\n')) {
                    goto corrupt;
                }
            }
        }
        if (*p == ',') {
            *out++ = '\0';
            p++;
            at_cell_start = true;
        } else if (*p == '\n') {
            *out = '\0';
            r->pos = p + 1 - r->buf;
            r->line++;
            *n = MIN(n_cells, max);
            return 0;
        } else {
            *out++ = *p++;
        }
    }
corrupt:
    *errorp = reader_error(r, "line %llu: a quoted CSV cell is followed by "
                           "text or does not end", r->line + 1);
    return EINVAL;
}

/* Makes sure that the record starting at 'r->pos' is wholly in the
 * buffer: finds its end (an LF outside quotes), reading more text as
 * needed.  Returns 0, EOF if there is no more text, or an error. */
static int
csv_ensure_record(struct flowlog_reader *r, char **errorp)
{
    size_t scanned = 0;
    bool quoted = false;

    for (;;) {
        const char *start = r->buf + r->pos;
        const char *p = start + scanned;
        const char *end = r->buf + r->len;

        if (!scanned) {
            const char *nl = memchr(p, '\n', end - p);
            if (nl && !memchr(p, '"', nl - p)) {
                return 0;
            }
        }
        for (; p < end; p++) {
            if (*p == '"') {
                quoted = !quoted;
            } else if (*p == '\n' && !quoted) {
                return 0;
            }
        }
        scanned = end - start;
        if (r->eof) {
            if (!scanned) {
                return EOF;
            }
            if (quoted) {
                *errorp = reader_error(r, "line %llu: a quoted CSV cell "
                                       "does not end", r->line + 1);
                return EINVAL;
            }
            /* A last line without LF: end it. */
            if (r->len + 1 >= r->alloc) {
                r->alloc += 16;
                r->buf = xrealloc(r->buf, r->alloc);
            }
            r->buf[r->len++] = '\n';
            return 0;
        }
        int retval = text_fill(r, errorp);
        if (retval && retval != EOF) {
            return retval;
        }
    }
}

static int
csv_record(struct flowlog_reader *r, char **cells, size_t max, size_t *n,
           char **errorp)
{
    /* Fast path: a whole record without quotes is in the buffer. */
    char *p = r->buf + r->pos;
    char *nl = p ? memchr(p, '\n', r->len - r->pos) : NULL;
    if (nl && !memchr(p, '"', nl - p)) {
        csv_split_unquoted(r, nl, cells, max, n);
        return 0;
    }

    int retval = csv_ensure_record(r, errorp);
    return retval ? retval : csv_split(r, cells, max, n, errorp);
}

/* Sets 'row' field 'f' from the text 's' (NUL-terminated, 'len' bytes):
 * empty is NULL. */
static char *
set_text_value(struct flowlog_reader *r, enum flowlog_field f, char *s,
               size_t len)
{
    struct flowlog_row *row = &r->row;

    if (!len) {
        return NULL;
    }
    if (flowlog_field_type(f) == FL_TYPE_STRING) {
        row->strs[f] = s;
        row->lens[f] = len;
    } else if (!parse_int(s, &row->ints[f])) {
        return reader_error(r, "line %llu: %s: \"%s\" is not an integer",
                            r->line, flowlog_field_name(f), s);
    }
    row->present |= FLOWLOG_FIELD_BIT(f);
    return NULL;
}

static int
csv_open(struct flowlog_reader *r, char **errorp)
{
    char *cells[256];
    size_t n;
    int retval = csv_record(r, cells, ARRAY_SIZE(cells), &n, errorp);

    if (retval == EOF) {
        *errorp = reader_error(r, "empty file: no CSV header line");
        return EINVAL;
    } else if (retval) {
        return retval;
    }
    set_columns(r, cells, n);
    if (!r->n_fields) {
        *errorp = reader_error(r, "the CSV header names no flow log field");
        return EINVAL;
    }
    return 0;
}

static int
csv_next(struct flowlog_reader *r, char **errorp)
{
    char *cells[256];
    size_t n;

    for (;;) {
        int retval = csv_record(r, cells, ARRAY_SIZE(cells), &n, errorp);
        if (retval) {
            return retval;
        }
        if (n == 1 && !cells[0][0]) {
            continue;           /* An empty line. */
        }
        if (n != r->n_cols) {
            *errorp = reader_error(r, "line %llu: %"PRIuSIZE" cells, but "
                                   "the header has %"PRIuSIZE, r->line, n,
                                   r->n_cols);
            return EINVAL;
        }
        r->row.present = 0;
        for (size_t i = 0; i < n; i++) {
            int f = r->col_field[i];
            if (f >= 0 && r->wanted & FLOWLOG_FIELD_BIT(f)) {
                char *error = set_text_value(r, f, cells[i],
                                             strlen(cells[i]));
                if (error) {
                    *errorp = error;
                    return EINVAL;
                }
            }
        }
        return 0;
    }
}

/* JSON lines. */

static int
jsonl_line(struct flowlog_reader *r, char **linep, char **errorp)
{
    for (;;) {
        char *start = r->buf + r->pos;
        char *nl = memchr(start, '\n', r->len - r->pos);
        if (nl) {
            *nl = '\0';
            r->pos = nl + 1 - r->buf;
            r->line++;
            *linep = start;
            return 0;
        }
        if (r->eof) {
            if (r->pos == r->len) {
                return EOF;
            }
            r->buf[r->len] = '\0';
            *linep = start;
            r->pos = r->len;
            r->line++;
            return 0;
        }
        int retval = text_fill(r, errorp);
        if (retval && retval != EOF) {
            return retval;
        }
    }
}

static int
jsonl_next(struct flowlog_reader *r, char **errorp)
{
    char *line;

    for (;;) {
        int retval = jsonl_line(r, &line, errorp);
        if (retval) {
            return retval;
        }
        if (line[strspn(line, " \t\r")]) {
            break;
        }
    }

    json_destroy(r->json);
    r->json = json_from_string(line);
    if (r->json->type == JSON_STRING) {
        *errorp = reader_error(r, "line %llu: %s", r->line,
                               json_string(r->json));
        return EINVAL;
    } else if (r->json->type != JSON_OBJECT) {
        *errorp = reader_error(r, "line %llu: not a JSON object", r->line);
        return EINVAL;
    }

    struct shash_node *node;
    struct flowlog_row *row = &r->row;

    row->present = 0;
    if (!r->fields) {
        /* The first object's names are the columns. */
        size_t n = shash_count(json_object(r->json));
        char **names = xmalloc(MAX(n, 1) * sizeof *names);
        const struct shash_node **nodes = shash_sort(json_object(r->json));
        for (size_t i = 0; i < n; i++) {
            names[i] = CONST_CAST(char *, nodes[i]->name);
        }
        set_columns(r, names, n);
        /* The contract's field order, rather than the sorted one. */
        uint32_t seen = 0;
        for (size_t i = 0; i < r->n_fields; i++) {
            seen |= FLOWLOG_FIELD_BIT(r->fields[i]);
        }
        r->n_fields = 0;
        for (int f = 0; f < FL_N_FIELDS; f++) {
            if (seen & FLOWLOG_FIELD_BIT(f)) {
                r->fields[r->n_fields++] = f;
            }
        }
        free(nodes);
        free(names);
    }
    SHASH_FOR_EACH (node, json_object(r->json)) {
        enum flowlog_field f;
        const struct json *v = node->data;

        if (!flowlog_field_from_name(node->name, &f)
            || !(r->wanted & FLOWLOG_FIELD_BIT(f))
            || v->type == JSON_NULL) {
            continue;
        }
        if (flowlog_field_type(f) == FL_TYPE_STRING) {
            if (v->type != JSON_STRING) {
                *errorp = reader_error(r, "line %llu: %s is not a string",
                                       r->line, node->name);
                return EINVAL;
            }
            row->strs[f] = json_string(v);
            row->lens[f] = strlen(json_string(v));
        } else if (v->type == JSON_INTEGER) {
            row->ints[f] = json_integer(v);
        } else {
            *errorp = reader_error(r, "line %llu: %s is not an integer",
                                   r->line, node->name);
            return EINVAL;
        }
        row->present |= FLOWLOG_FIELD_BIT(f);
    }
    return 0;
}

/* Parquet: Thrift's compact protocol, for reading. */

struct tc_reader {
    const uint8_t *p, *end;
    bool error;
};

enum tc_type {
    TC_STOP = 0, TC_TRUE = 1, TC_FALSE = 2, TC_BYTE = 3, TC_I16 = 4,
    TC_I32 = 5, TC_I64 = 6, TC_DOUBLE = 7, TC_BINARY = 8, TC_LIST = 9,
    TC_SET = 10, TC_MAP = 11, TC_STRUCT = 12,
};

static uint64_t
tc_varint(struct tc_reader *t)
{
    uint64_t x = 0;

    for (int shift = 0; shift < 64; shift += 7) {
        if (t->p >= t->end) {
            t->error = true;
            return 0;
        }
        uint8_t b = *t->p++;
        x |= (uint64_t) (b & 0x7f) << shift;
        if (!(b & 0x80)) {
            return x;
        }
    }
    t->error = true;
    return 0;
}

static int64_t
tc_zigzag(struct tc_reader *t)
{
    uint64_t x = tc_varint(t);
    return (int64_t) (x >> 1) ^ -(int64_t) (x & 1);
}

static const uint8_t *
tc_binary(struct tc_reader *t, size_t *len)
{
    uint64_t n = tc_varint(t);
    if (t->error || n > (uint64_t) (t->end - t->p)) {
        t->error = true;
        *len = 0;
        return NULL;
    }
    const uint8_t *s = t->p;
    t->p += n;
    *len = n;
    return s;
}

/* Reads the next field header of a struct.  Returns false at its end. */
static bool
tc_field(struct tc_reader *t, int *last_id, int *id, int *type)
{
    if (t->error || t->p >= t->end) {
        t->error = true;
        return false;
    }
    uint8_t b = *t->p++;
    if (b == TC_STOP) {
        return false;
    }
    *type = b & 0x0f;
    *id = b >> 4 ? *last_id + (b >> 4) : (int) tc_zigzag(t);
    *last_id = *id;
    return !t->error;
}

static void
tc_list(struct tc_reader *t, int *elem_type, size_t *n)
{
    if (t->p >= t->end) {
        t->error = true;
        *n = 0;
        return;
    }
    uint8_t b = *t->p++;
    *elem_type = b & 0x0f;
    *n = b >> 4;
    if (*n == 15) {
        *n = tc_varint(t);
    }
    if (*n > (size_t) (t->end - t->p)) {
        t->error = true;
        *n = 0;
    }
}

static void tc_skip(struct tc_reader *, int type, int depth);

static void
tc_skip_struct(struct tc_reader *t, int depth)
{
    int last = 0, id, type;

    while (tc_field(t, &last, &id, &type)) {
        tc_skip(t, type, depth + 1);
    }
}

static void
tc_skip(struct tc_reader *t, int type, int depth)
{
    size_t n, len;
    int elem;

    if (depth > 32) {
        t->error = true;
        return;
    }
    switch (type) {
    case TC_TRUE:
    case TC_FALSE:
        break;
    case TC_BYTE:
        t->p < t->end ? t->p++ : (void) (t->error = true);
        break;
    case TC_I16:
    case TC_I32:
    case TC_I64:
        tc_varint(t);
        break;
    case TC_DOUBLE:
        if (t->end - t->p < 8) {
            t->error = true;
        } else {
            t->p += 8;
        }
        break;
    case TC_BINARY:
        tc_binary(t, &len);
        break;
    case TC_LIST:
    case TC_SET:
        tc_list(t, &elem, &n);
        for (size_t i = 0; i < n && !t->error; i++) {
            if (elem == TC_TRUE || elem == TC_FALSE) {
                tc_skip(t, TC_BYTE, depth + 1);
            } else {
                tc_skip(t, elem, depth + 1);
            }
        }
        break;
    case TC_MAP:
        n = tc_varint(t);
        if (n) {
            if (t->p >= t->end) {
                t->error = true;
                break;
            }
            uint8_t kv = *t->p++;
            for (size_t i = 0; i < n && !t->error; i++) {
                tc_skip(t, kv >> 4, depth + 1);
                tc_skip(t, kv & 0x0f, depth + 1);
            }
        }
        break;
    case TC_STRUCT:
        tc_skip_struct(t, depth);
        break;
    default:
        t->error = true;
        break;
    }
}

/* Parquet: the file's structure. */

enum { PQ_INT32 = 1, PQ_INT64 = 2, PQ_BYTE_ARRAY = 6 };
enum { PQ_PLAIN = 0, PQ_PLAIN_DICTIONARY = 2, PQ_RLE = 3,
       PQ_RLE_DICTIONARY = 8 };
enum { PQ_UNCOMPRESSED = 0, PQ_GZIP = 2 };
enum { PQ_DATA_PAGE = 0, PQ_DICTIONARY_PAGE = 2 };

struct pq_column {
    char *name;
    int type;                   /* PQ_INT32, ... */
    bool optional;
};

struct pq_chunk {
    int type;
    int codec;
    int64_t num_values;
    int64_t data_page_offset;
    int64_t dict_page_offset;   /* -1 if none. */
};

struct pq_group {
    int64_t num_rows;
    struct pq_chunk *chunks;    /* One per column. */
};

/* A decoded column chunk. */
struct pq_values {
    uint8_t *defined;           /* Per row: 1 or 0 (NULL). */
    int64_t *ints;              /* Per row, for integer columns. */
    const char **strs;          /* Per row, for string columns. */
    uint32_t *lens;
    struct ds storage;          /* NUL-terminated strings. */
    size_t *str_ofs;            /* Offsets into 'storage' while decoding. */
    uint32_t *dict_idx;         /* Per row: index in the dictionary, or
                                 * UINT32_MAX for a PLAIN value. */
    bool is_string;
    size_t *dofs;               /* Dictionary entries: offsets into */
    uint32_t *dlens;            /* 'storage', and lengths. */
    size_t n_dict_alloc;
    uint64_t dict_id;           /* The chunk's dictionary, or 0. */
    uint32_t dict_n;            /* Its size. */
    bool all_defined;           /* No NULL in the row group. */
    bool all_dict;              /* Strings: every value from the dictionary. */
};

/* Identifies dictionaries for struct flowlog_row's 'dicts'. */
static uint64_t next_dict_id = 1;

struct pq_file {
    struct pq_column *columns;
    size_t n_columns;
    struct pq_group *groups;
    size_t n_groups;

    size_t group;               /* Row group being read. */
    int64_t row;                /* Next row in it. */
    bool loaded;                /* 'values' hold group 'group'. */
    struct pq_values *values;   /* One per column. */
    size_t *want;               /* Columns to decode, in order. */
    size_t n_want;
    int *want_field;            /* For each of them: its field, */
    const struct pq_values **want_values;   /* and its values. */
    uint32_t group_present;     /* Fields never NULL in the row group. */

    /* Scratch of pq_load_column(), kept from page to page: pages are
     * large and freshly allocated memory costs page faults. */
    size_t n_scratch;
    uint32_t *slens, *indices;
    int64_t *ints;
    size_t *sofs;
    size_t n_dict_scratch;
    int64_t *dict_ints;
    size_t *dict_ofs;
    uint32_t *dict_lens;
    struct ds dict_storage;
    struct libdeflate_decompressor *inflater;
    uint8_t *page;              /* Scratch: a decompressed page. */
    size_t page_alloc;
};

static bool
pq_parse_schema_element(struct tc_reader *t, struct pq_column *c,
                        int *num_children)
{
    int last = 0, id, type;

    memset(c, 0, sizeof *c);
    c->type = -1;
    *num_children = 0;
    while (tc_field(t, &last, &id, &type)) {
        if (id == 1 && type == TC_I32) {
            c->type = tc_zigzag(t);
        } else if (id == 3 && type == TC_I32) {
            c->optional = tc_zigzag(t) == 1;
        } else if (id == 4 && type == TC_BINARY) {
            size_t len;
            const uint8_t *s = tc_binary(t, &len);
            free(c->name);
            c->name = s ? xmemdup0((const char *) s, len) : NULL;
        } else if (id == 5 && type == TC_I32) {
            *num_children = tc_zigzag(t);
        } else {
            tc_skip(t, type, 0);
        }
    }
    return !t->error && c->name;
}

static void
pq_parse_column_meta(struct tc_reader *t, struct pq_chunk *c)
{
    int last = 0, id, type;

    while (tc_field(t, &last, &id, &type)) {
        if (id == 1 && type == TC_I32) {
            c->type = tc_zigzag(t);
        } else if (id == 4 && type == TC_I32) {
            c->codec = tc_zigzag(t);
        } else if (id == 5 && type == TC_I64) {
            c->num_values = tc_zigzag(t);
        } else if (id == 9 && type == TC_I64) {
            c->data_page_offset = tc_zigzag(t);
        } else if (id == 11 && type == TC_I64) {
            c->dict_page_offset = tc_zigzag(t);
        } else {
            tc_skip(t, type, 0);
        }
    }
}

static void
pq_parse_row_group(struct tc_reader *t, struct pq_group *g, size_t n_cols,
                   bool *bad_columns)
{
    int last = 0, id, type;

    g->chunks = xcalloc(MAX(n_cols, 1), sizeof *g->chunks);
    while (tc_field(t, &last, &id, &type)) {
        if (id == 1 && type == TC_LIST) {
            int elem;
            size_t n;

            tc_list(t, &elem, &n);
            if (n != n_cols || elem != TC_STRUCT) {
                *bad_columns = true;
            }
            for (size_t i = 0; i < n && !t->error; i++) {
                struct pq_chunk scratch, *c = i < n_cols ? &g->chunks[i]
                                                         : &scratch;
                int clast = 0, cid, ctype;

                memset(c, 0, sizeof *c);
                c->dict_page_offset = -1;
                while (tc_field(t, &clast, &cid, &ctype)) {
                    if (cid == 3 && ctype == TC_STRUCT) {
                        pq_parse_column_meta(t, c);
                    } else {
                        tc_skip(t, ctype, 0);
                    }
                }
            }
        } else if (id == 3 && type == TC_I64) {
            g->num_rows = tc_zigzag(t);
        } else {
            tc_skip(t, type, 0);
        }
    }
}

static void
pq_file_destroy(struct pq_file *pq, size_t n_values)
{
    if (!pq) {
        return;
    }
    for (size_t i = 0; i < pq->n_columns; i++) {
        free(pq->columns[i].name);
    }
    free(pq->columns);
    for (size_t i = 0; i < pq->n_groups; i++) {
        free(pq->groups[i].chunks);
    }
    free(pq->groups);
    for (size_t i = 0; i < n_values; i++) {
        struct pq_values *v = &pq->values[i];
        free(v->defined);
        free(v->ints);
        free(v->strs);
        free(v->lens);
        free(v->str_ofs);
        free(v->dict_idx);
        free(v->dofs);
        free(v->dlens);
        ds_destroy(&v->storage);
    }
    free(pq->values);
    free(pq->want);
    free(pq->want_field);
    free(pq->want_values);
    free(pq->slens);
    free(pq->indices);
    free(pq->ints);
    free(pq->sofs);
    free(pq->dict_ints);
    free(pq->dict_ofs);
    free(pq->dict_lens);
    ds_destroy(&pq->dict_storage);
    if (pq->inflater) {
        libdeflate_free_decompressor(pq->inflater);
    }
    free(pq->page);
    free(pq);
}

static int
pq_open(struct flowlog_reader *r, char **errorp)
{
    if (r->size < 12 || memcmp(r->data + r->size - 4, "PAR1", 4)) {
        *errorp = reader_error(r, "not a Parquet file (no PAR1 at its "
                               "end): truncated?");
        return EINVAL;
    }
    const uint8_t *tail = r->data + r->size - 8;
    uint32_t footer_len = tail[0] | tail[1] << 8 | tail[2] << 16
                          | (uint32_t) tail[3] << 24;
    if (footer_len > r->size - 12) {
        *errorp = reader_error(r, "Parquet footer length %"PRIu32" is "
                               "past the start of the file", footer_len);
        return EINVAL;
    }

    struct pq_file *pq = r->pq = xzalloc(sizeof *pq);
    ds_init(&pq->dict_storage);
    struct tc_reader t = { .p = tail - footer_len, .end = tail };
    int last = 0, id, type;
    bool bad_columns = false;
    while (tc_field(&t, &last, &id, &type)) {
        if (id == 2 && type == TC_LIST) {
            int elem;
            size_t n;

            tc_list(&t, &elem, &n);
            if (elem != TC_STRUCT || !n) {
                t.error = true;
                break;
            }
            pq->columns = xcalloc(n, sizeof *pq->columns);
            for (size_t i = 0; i < n && !t.error; i++) {
                struct pq_column c;
                int n_children;

                if (!pq_parse_schema_element(&t, &c, &n_children)) {
                    free(c.name);
                    t.error = true;
                    break;
                }
                if (i == 0) {
                    if ((size_t) n_children != n - 1) {
                        *errorp = reader_error(r, "nested Parquet schema: "
                                               "only flat ones are read");
                        free(c.name);
                        return EINVAL;
                    }
                    free(c.name);
                } else {
                    pq->columns[pq->n_columns++] = c;
                }
            }
        } else if (id == 4 && type == TC_LIST) {
            int elem;
            size_t n;

            tc_list(&t, &elem, &n);
            if (elem != TC_STRUCT) {
                t.error = true;
                break;
            }
            pq->groups = xcalloc(MAX(n, 1), sizeof *pq->groups);
            for (size_t i = 0; i < n && !t.error; i++) {
                pq_parse_row_group(&t, &pq->groups[pq->n_groups++],
                                   pq->n_columns, &bad_columns);
            }
        } else {
            tc_skip(&t, type, 0);
        }
    }
    if (t.error || !pq->n_columns) {
        *errorp = reader_error(r, "the Parquet footer is corrupt");
        return EINVAL;
    }
    if (bad_columns) {
        *errorp = reader_error(r, "a Parquet row group does not have one "
                               "column chunk per column");
        return EINVAL;
    }

    char **names = xmalloc(pq->n_columns * sizeof *names);
    for (size_t i = 0; i < pq->n_columns; i++) {
        const struct pq_column *c = &pq->columns[i];
        enum flowlog_field f;

        names[i] = c->name;
        if (flowlog_field_from_name(c->name, &f)) {
            int want = (flowlog_field_type(f) == FL_TYPE_STRING
                        ? PQ_BYTE_ARRAY
                        : flowlog_field_type(f) == FL_TYPE_INT64 ? PQ_INT64
                        : PQ_INT32);
            if (c->type != want) {
                *errorp = reader_error(r, "Parquet column %s has physical "
                                       "type %d, not %d", c->name, c->type,
                                       want);
                free(names);
                return EINVAL;
            }
        }
    }
    set_columns(r, names, pq->n_columns);
    free(names);
    pq->values = xcalloc(pq->n_columns, sizeof *pq->values);
    for (size_t i = 0; i < pq->n_columns; i++) {
        ds_init(&pq->values[i].storage);
    }
    pq->inflater = libdeflate_alloc_decompressor();
    if (!pq->inflater) {
        out_of_memory();
    }
    return 0;
}

/* The RLE/bit-packed hybrid: decodes 'n' values 'width' bits wide from
 * [p, end) into 'out'. */
static bool
rle_decode(const uint8_t *p, const uint8_t *end, int width, uint32_t *out,
           size_t n)
{
    size_t i = 0;
    size_t value_bytes = (width + 7) / 8;

    if (width < 0 || width > 32) {
        return false;
    }
    while (i < n) {
        struct tc_reader t = { .p = p, .end = end };
        uint64_t header = tc_varint(&t);
        if (t.error) {
            return false;
        }
        p = t.p;
        if (header & 1) {
            size_t count = (header >> 1) * 8;
            size_t bytes = (header >> 1) * width;
            if (bytes > (size_t) (end - p)) {
                return false;
            }
            uint32_t mask = width == 32 ? UINT32_MAX : (1u << width) - 1;
            size_t take = MIN(count, n - i);
            if (width == 0) {
                memset(&out[i], 0, take * sizeof *out);
                i += take;
            } else {
                /* Value k starts at bit k * width (least significant bit
                 * first): read it from the 8 bytes at its first byte,
                 * where 8 bytes are there to read. */
                for (size_t k = 0; k < take; k++) {
                    size_t bit = k * width;
                    const uint8_t *q = p + bit / 8;
                    uint64_t window;
                    if (end - q >= 8) {
                        memcpy(&window, q, 8);
                        window = le64toh(window);
                    } else {
                        window = 0;
                        for (int b = 0; b < end - q; b++) {
                            window |= (uint64_t) q[b] << (8 * b);
                        }
                    }
                    out[i++] = (window >> (bit % 8)) & mask;
                }
            }
            p += bytes;
        } else {
            size_t count = header >> 1;
            uint32_t value = 0;
            if (value_bytes > (size_t) (end - p)) {
                return false;
            }
            for (size_t b = 0; b < value_bytes; b++) {
                value |= (uint32_t) p[b] << (8 * b);
            }
            p += value_bytes;
            size_t take = MIN(count, n - i);
            for (size_t k = 0; k < take; k++) {
                out[i + k] = value;
            }
            i += take;
        }
    }
    return true;
}

/* Decodes 'n' definition levels of bit width 1 (RLE/bit-packed hybrid) at
 * [p, end) into 'defined' (1 for a value, 0 for NULL) and counts the values
 * in '*n_defined'.  Runs become memset(), as most pages have no NULL. */
static bool
levels_decode(const uint8_t *p, const uint8_t *end, uint8_t *defined,
              size_t n, size_t *n_defined)
{
    size_t i = 0, count = 0;

    while (i < n) {
        struct tc_reader t = { .p = p, .end = end };
        uint64_t header = tc_varint(&t);
        if (t.error) {
            return false;
        }
        p = t.p;
        if (header & 1) {
            size_t bytes = header >> 1;
            if (bytes > (size_t) (end - p) || bytes > SIZE_MAX / 8) {
                return false;
            }
            size_t take = MIN(bytes * 8, n - i);
            for (size_t k = 0; k < take; k++) {
                defined[i + k] = (p[k / 8] >> (k % 8)) & 1;
                count += defined[i + k];
            }
            i += take;
            p += bytes;
        } else {
            if (p >= end) {
                return false;
            }
            size_t take = MIN(header >> 1, n - i);
            uint8_t value = p[0] != 0;
            memset(&defined[i], value, take);
            count += value ? take : 0;
            i += take;
            p++;
        }
    }
    *n_defined = count;
    return true;
}

struct pq_page {
    int type;
    int32_t uncompressed_size, compressed_size;
    int32_t num_values;
    int encoding;
    int def_encoding;
};

/* Reads the page header at 'ofs' and returns its body, decompressed, in
 * '*body' and '*body_len', with the offset of the next page in '*next'. */
static char *
pq_read_page(struct flowlog_reader *r, const struct pq_chunk *chunk,
             uint64_t ofs, struct pq_page *page, const uint8_t **body,
             size_t *body_len, uint64_t *next)
{
    struct pq_file *pq = r->pq;

    if (ofs >= r->size) {
        return reader_error(r, "Parquet page offset %"PRIu64" is past the "
                            "end of the file", ofs);
    }
    struct tc_reader t = { .p = r->data + ofs, .end = r->data + r->size };
    int last = 0, id, type;

    memset(page, 0, sizeof *page);
    page->type = -1;
    while (tc_field(&t, &last, &id, &type)) {
        if (id == 1 && type == TC_I32) {
            page->type = tc_zigzag(&t);
        } else if (id == 2 && type == TC_I32) {
            page->uncompressed_size = tc_zigzag(&t);
        } else if (id == 3 && type == TC_I32) {
            page->compressed_size = tc_zigzag(&t);
        } else if ((id == 5 || id == 7) && type == TC_STRUCT) {
            int hlast = 0, hid, htype;
            while (tc_field(&t, &hlast, &hid, &htype)) {
                if (hid == 1 && htype == TC_I32) {
                    page->num_values = tc_zigzag(&t);
                } else if (hid == 2 && htype == TC_I32) {
                    page->encoding = tc_zigzag(&t);
                } else if (hid == 3 && htype == TC_I32 && id == 5) {
                    page->def_encoding = tc_zigzag(&t);
                } else {
                    tc_skip(&t, htype, 0);
                }
            }
        } else {
            tc_skip(&t, type, 0);
        }
    }
    if (t.error || page->compressed_size < 0 || page->uncompressed_size < 0
        || page->num_values < 0
        || page->compressed_size > t.end - t.p) {
        return reader_error(r, "Parquet page header at offset %"PRIu64" is "
                            "corrupt", ofs);
    }
    if (page->type != PQ_DATA_PAGE && page->type != PQ_DICTIONARY_PAGE) {
        return reader_error(r, "Parquet page type %d at offset %"PRIu64" "
                            "is not read (data page v1 and dictionary "
                            "pages only)", page->type, ofs);
    }
    *next = t.p + page->compressed_size - r->data;

    if (chunk->codec == PQ_UNCOMPRESSED) {
        *body = t.p;
        *body_len = page->compressed_size;
    } else if (chunk->codec == PQ_GZIP) {
        size_t need = MAX(page->uncompressed_size, 1);
        if (pq->page_alloc < need) {
            free(pq->page);
            pq->page = xmalloc(need);
            pq->page_alloc = need;
        }
        size_t actual;
        if (libdeflate_gzip_decompress(pq->inflater, t.p,
                                       page->compressed_size, pq->page,
                                       page->uncompressed_size, &actual)
            != LIBDEFLATE_SUCCESS
            || actual != (size_t) page->uncompressed_size) {
            return reader_error(r, "Parquet page at offset %"PRIu64": "
                                "gzip data is corrupt", ofs);
        }
        *body = pq->page;
        *body_len = actual;
    } else {
        return reader_error(r, "Parquet compression codec %d is not read "
                            "(UNCOMPRESSED and GZIP only)", chunk->codec);
    }
    return NULL;
}

/* Decodes 'n' PLAIN values of 'type' from [p, end) into 'v' from row
 * 'first' on, at the rows whose 'defined' is set; or, with 'dict', into
 * 'dict' (ints) and 'dict_strs'/'dict_lens'. */
static bool
pq_plain(int type, const uint8_t *p, const uint8_t *end, size_t n,
         int64_t *ints, struct ds *storage, size_t *str_ofs, uint32_t *lens)
{
    for (size_t i = 0; i < n; i++) {
        if (type == PQ_INT32) {
            uint32_t x;
            if (end - p < 4) {
                return false;
            }
            memcpy(&x, p, 4);
            ints[i] = (int32_t) le32toh(x);
            p += 4;
        } else if (type == PQ_INT64) {
            uint64_t x;
            if (end - p < 8) {
                return false;
            }
            memcpy(&x, p, 8);
            ints[i] = (int64_t) le64toh(x);
            p += 8;
        } else {
            if (end - p < 4) {
                return false;
            }
            uint32_t len = p[0] | p[1] << 8 | p[2] << 16
                           | (uint32_t) p[3] << 24;
            p += 4;
            if (len > (size_t) (end - p)) {
                return false;
            }
            str_ofs[i] = storage->length;
            lens[i] = len;
            ds_put_buffer(storage, (const char *) p, len);
            ds_put_char(storage, '\0');
            p += len;
        }
    }
    return true;
}

static void
scratch_reserve(struct pq_file *pq, size_t n)
{
    if (n > pq->n_scratch) {
        pq->n_scratch = MAX(n, 2 * pq->n_scratch);
        n = pq->n_scratch;
        pq->slens = xrealloc(pq->slens, n * sizeof *pq->slens);
        pq->indices = xrealloc(pq->indices, n * sizeof *pq->indices);
        pq->ints = xrealloc(pq->ints, n * sizeof *pq->ints);
        pq->sofs = xrealloc(pq->sofs, n * sizeof *pq->sofs);
    }
}

static void
dict_reserve(struct pq_file *pq, size_t n)
{
    if (n > pq->n_dict_scratch) {
        pq->n_dict_scratch = MAX(n, 2 * pq->n_dict_scratch);
        n = pq->n_dict_scratch;
        pq->dict_ints = xrealloc(pq->dict_ints, n * sizeof *pq->dict_ints);
        pq->dict_ofs = xrealloc(pq->dict_ofs, n * sizeof *pq->dict_ofs);
        pq->dict_lens = xrealloc(pq->dict_lens, n * sizeof *pq->dict_lens);
    }
}

/* Decodes column 'col' of row group 'g' into 'pq->values[col]'. */
static char *
pq_load_column(struct flowlog_reader *r, const struct pq_group *g,
               size_t col)
{
    struct pq_file *pq = r->pq;
    const struct pq_column *column = &pq->columns[col];
    const struct pq_chunk *chunk = &g->chunks[col];
    struct pq_values *v = &pq->values[col];
    size_t rows = g->num_rows;
    bool is_string = column->type == PQ_BYTE_ARRAY;

    /* Dictionary, if any. */
    size_t n_dict = 0;
    char *error = NULL;

    v->defined = xrealloc(v->defined, MAX(rows, 1));
    v->is_string = is_string;
    if (is_string) {
        v->lens = xrealloc(v->lens, MAX(rows, 1) * sizeof *v->lens);
        v->str_ofs = xrealloc(v->str_ofs, MAX(rows, 1) * sizeof *v->str_ofs);
        v->dict_idx = xrealloc(v->dict_idx,
                               MAX(rows, 1) * sizeof *v->dict_idx);
        v->dict_id = 0;
        v->dict_n = 0;
    } else {
        v->ints = xrealloc(v->ints, MAX(rows, 1) * sizeof *v->ints);
    }
    ds_clear(&v->storage);
    v->all_defined = true;
    v->all_dict = is_string;

    uint64_t ofs = (chunk->dict_page_offset >= 0
                    ? chunk->dict_page_offset : chunk->data_page_offset);
    size_t row = 0;
    while (row < rows) {
        struct pq_page page;
        const uint8_t *body = NULL;
        size_t body_len = 0;
        uint64_t next = 0;

        error = pq_read_page(r, chunk, ofs, &page, &body, &body_len, &next);
        if (error) {
            goto out;
        }
        ofs = next;
        const uint8_t *p = body, *end = body + body_len;

        if (page.type == PQ_DICTIONARY_PAGE) {
            if (page.encoding != PQ_PLAIN
                && page.encoding != PQ_PLAIN_DICTIONARY) {
                error = reader_error(r, "column %s: dictionary encoding %d "
                                     "is not read", column->name,
                                     page.encoding);
                goto out;
            }
            n_dict = page.num_values;
            dict_reserve(pq, MAX(n_dict, 1));
            if (is_string && v->n_dict_alloc < n_dict) {
                v->n_dict_alloc = n_dict;
                v->dofs = xrealloc(v->dofs, n_dict * sizeof *v->dofs);
                v->dlens = xrealloc(v->dlens, n_dict * sizeof *v->dlens);
            }
            if (!pq_plain(column->type, p, end, n_dict, pq->dict_ints,
                          &v->storage, v->dofs, v->dlens)) {
                error = reader_error(r, "column %s: dictionary page is "
                                     "truncated", column->name);
                goto out;
            }
            v->dict_id = next_dict_id++;
            v->dict_n = n_dict;
            continue;
        }

        size_t n = page.num_values;
        if (n > rows - row) {
            error = reader_error(r, "column %s: more values than rows",
                                 column->name);
            goto out;
        }
        uint8_t *defined = v->defined + row;
        size_t n_defined = n;
        scratch_reserve(pq, MAX(n, 1));
        if (column->optional) {
            if (end - p < 4) {
                error = reader_error(r, "column %s: data page is truncated",
                                     column->name);
                goto out;
            }
            uint32_t len = p[0] | p[1] << 8 | p[2] << 16
                           | (uint32_t) p[3] << 24;
            p += 4;
            if (len > (size_t) (end - p)) {
                error = reader_error(r, "column %s: definition levels are "
                                     "truncated", column->name);
                goto out;
            }
            if (!levels_decode(p, p + len, defined, n, &n_defined)) {
                error = reader_error(r, "column %s: definition levels are "
                                     "corrupt", column->name);
                goto out;
            }
            if (n_defined != n) {
                v->all_defined = false;
            }
            p += len;
        } else {
            memset(defined, 1, n);
        }

        /* The non-NULL values: decoded in place when there is no NULL,
         * else packed and then spread over their rows. */
        bool dense = n_defined == n;
        if (page.encoding == PQ_PLAIN) {
            int64_t *ints = dense && !is_string ? v->ints + row : pq->ints;
            v->all_dict = false;
            if (!pq_plain(column->type, p, end, n_defined, ints,
                          &v->storage, pq->sofs, pq->slens)) {
                error = reader_error(r, "column %s: data page is truncated",
                                     column->name);
                goto out;
            }
            for (size_t i = 0, k = 0; i < n; i++) {
                if (!defined[i]) {
                    continue;
                }
                if (is_string) {
                    v->str_ofs[row + i] = pq->sofs[k];
                    v->lens[row + i] = pq->slens[k];
                    v->dict_idx[row + i] = UINT32_MAX;
                } else if (!dense) {
                    v->ints[row + i] = ints[k];
                }
                k++;
            }
        } else if (page.encoding == PQ_RLE_DICTIONARY
                   || page.encoding == PQ_PLAIN_DICTIONARY) {
            uint32_t *idx = (dense && is_string ? v->dict_idx + row
                             : pq->indices);
            if (!n_dict && n_defined) {
                error = reader_error(r, "column %s: dictionary-encoded page "
                                     "without a dictionary", column->name);
                goto out;
            } else if (n_defined
                       && (p >= end
                           || !rle_decode(p + 1, end, *p, idx, n_defined))) {
                error = reader_error(r, "column %s: dictionary indices are "
                                     "corrupt", column->name);
                goto out;
            }
            uint32_t max_idx = 0;
            for (size_t k = 0; k < n_defined; k++) {
                max_idx = MAX(max_idx, idx[k]);
            }
            if (n_defined && max_idx >= n_dict) {
                error = reader_error(r, "column %s: dictionary index "
                                     "%"PRIu32" out of range",
                                     column->name, max_idx);
                goto out;
            }
            if (dense && !is_string) {
                for (size_t i = 0; i < n; i++) {
                    v->ints[row + i] = pq->dict_ints[idx[i]];
                }
            } else if (!dense) {
                for (size_t i = 0, k = 0; i < n; i++) {
                    if (!defined[i]) {
                        continue;
                    }
                    if (!is_string) {
                        v->ints[row + i] = pq->dict_ints[idx[k]];
                    } else {
                        v->dict_idx[row + i] = idx[k];
                    }
                    k++;
                }
            }
        } else {
            error = reader_error(r, "column %s: encoding %d is not read "
                                 "(PLAIN and RLE_DICTIONARY only)",
                                 column->name, page.encoding);
            goto out;
        }
        row += n;
        if (!n) {
            error = reader_error(r, "column %s: an empty data page",
                                 column->name);
            goto out;
        }
    }

out:
    return error;
}

static int
pq_next(struct flowlog_reader *r, char **errorp)
{
    struct pq_file *pq = r->pq;

    while (pq->group < pq->n_groups
           && pq->row >= pq->groups[pq->group].num_rows) {
        pq->group++;
        pq->row = 0;
        pq->loaded = false;
    }
    if (pq->group >= pq->n_groups) {
        return EOF;
    }

    const struct pq_group *g = &pq->groups[pq->group];
    if (!pq->loaded) {
        if (!pq->want) {
            pq->want = xmalloc(pq->n_columns * sizeof *pq->want);
            pq->want_field = xmalloc(pq->n_columns * sizeof *pq->want_field);
            pq->want_values = xmalloc(pq->n_columns
                                      * sizeof *pq->want_values);
            for (size_t i = 0; i < pq->n_columns; i++) {
                int f = r->col_field[i];
                if (f >= 0 && r->wanted & FLOWLOG_FIELD_BIT(f)) {
                    pq->want_field[pq->n_want] = f;
                    pq->want_values[pq->n_want] = &pq->values[i];
                    pq->want[pq->n_want++] = i;
                }
            }
        }
        for (size_t i = 0; i < pq->n_want; i++) {
            char *error = pq_load_column(r, g, pq->want[i]);
            if (error) {
                *errorp = error;
                return EINVAL;
            }
        }
        pq->loaded = true;
    }

    struct flowlog_row *row = &r->row;
    size_t i = pq->row++;
    if (i == 0) {
        /* Per row group: the dictionaries of columns read only from them,
         * and the fields that are never NULL. */
        pq->group_present = 0;
        for (size_t k = 0; k < pq->n_want; k++) {
            size_t c = pq->want[k];
            int f = r->col_field[c];
            const struct pq_values *v = &pq->values[c];

            if (v->all_defined) {
                pq->group_present |= FLOWLOG_FIELD_BIT(f);
            }
            if (v->is_string && v->all_dict) {
                row->dicts[f] = v->dict_id;
                row->dict_size[f] = v->dict_n;
            }
        }
    }
    row->present = pq->group_present;
    for (size_t k = 0; k < pq->n_want; k++) {
        int f = pq->want_field[k];
        const struct pq_values *v = pq->want_values[k];
        if (!v->all_defined) {
            if (!v->defined[i]) {
                continue;
            }
            row->present |= FLOWLOG_FIELD_BIT(f);
        }
        if (!v->is_string) {
            row->ints[f] = v->ints[i];
        } else if (v->all_dict) {
            uint32_t idx = v->dict_idx[i];
            row->strs[f] = v->storage.string + v->dofs[idx];
            row->lens[f] = v->dlens[idx];
            row->dict_index[f] = idx;
        } else {
            uint32_t idx = v->dict_idx[i];
            if (idx != UINT32_MAX) {
                row->strs[f] = v->storage.string + v->dofs[idx];
                row->lens[f] = v->dlens[idx];
                row->dicts[f] = v->dict_id;
                row->dict_index[f] = idx;
                row->dict_size[f] = v->dict_n;
            } else {
                row->strs[f] = v->storage.string + v->str_ofs[i];
                row->lens[f] = v->lens[i];
                row->dicts[f] = 0;
            }
        }
    }
    return 0;
}

/* Whether 'name' ends in ".jsonl" or ".jsonl.gz": the only hint the
 * name gives, for an empty file, which has no bytes to tell. */
static bool
name_is_jsonl(const char *name)
{
    size_t n = strlen(name);

    return ((n >= 6 && !strcmp(name + n - 6, ".jsonl"))
            || (n >= 9 && !strcmp(name + n - 9, ".jsonl.gz")));
}

/* Opens a reader of the flow log file 'name' whose 'size' bytes are at
 * 'data' (which must stay there until flowlog_reader_close()), for the
 * fields whose bits are set in 'wanted' (FLOWLOG_FIELD_BIT).  On failure
 * returns NULL and an error message that names the file in '*errorp'. */
struct flowlog_reader *
flowlog_reader_open(const char *name, const void *data, size_t size,
                    uint32_t wanted, char **errorp)
{
    struct flowlog_reader *r = xzalloc(sizeof *r);
    const uint8_t *bytes = data;
    int error;

    *errorp = NULL;
    r->name = xstrdup(name);
    r->data = data;
    r->size = size;
    r->wanted = wanted;

    if (size >= 4 && !memcmp(bytes, "PAR1", 4)) {
        r->kind = KIND_PARQUET;
        error = pq_open(r, errorp);
    } else {
        r->gzip = size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
        if (r->gzip) {
            if (inflateInit2(&r->z, 15 + 16) != Z_OK) {
                out_of_memory();
            }
            r->z_init = true;
            r->z.next_in = CONST_CAST(Bytef *, bytes);
            r->z.avail_in = size;
        }
        error = text_fill(r, errorp);
        bool empty = error == EOF || (!error && r->eof && !r->len);
        if (empty && name_is_jsonl(name)) {
            /* JSON lines of no records: the file of a logger without
             * records (flowlog-file.c writes nothing, or an empty gzip
             * member). */
            r->kind = KIND_JSONL;
            return r;
        } else if (error == EOF) {
            *errorp = reader_error(r, "empty file: no CSV header line or "
                                   "JSON object");
            error = EINVAL;
        }
        if (!error) {
            const char *p = r->buf + r->pos;
            p += strspn(p, " \t\r\n");
            if (*p == '{') {
                r->kind = KIND_JSONL;
            } else {
                r->kind = KIND_CSV;
                error = csv_open(r, errorp);
            }
        }
    }
    if (error) {
        flowlog_reader_close(r);
        return NULL;
    }
    return r;
}

/* Reads the next row of 'r' into '*rowp'.  Returns 0, EOF at the end of
 * the file, or an errno value with an error message in '*errorp'. */
int
flowlog_reader_next(struct flowlog_reader *r,
                    const struct flowlog_row **rowp, char **errorp)
{
    int error;

    *errorp = NULL;
    switch (r->kind) {
    case KIND_CSV:
        error = csv_next(r, errorp);
        break;
    case KIND_JSONL:
        error = jsonl_next(r, errorp);
        break;
    case KIND_PARQUET:
    default:
        error = pq_next(r, errorp);
        break;
    }
    *rowp = error ? NULL : &r->row;
    return error;
}

/* "csv", "csv.gz", "jsonl", "jsonl.gz" or "parquet". */
const char *
flowlog_reader_format(const struct flowlog_reader *r)
{
    return (r->kind == KIND_PARQUET ? "parquet"
            : r->kind == KIND_JSONL ? (r->gzip ? "jsonl.gz" : "jsonl")
            : r->gzip ? "csv.gz" : "csv");
}

/* The flow log fields of the file, in its column order (JSON lines: in the
 * contract's order, as its first object has them; before the first row,
 * none). */
const enum flowlog_field *
flowlog_reader_columns(const struct flowlog_reader *r, size_t *n)
{
    *n = r->n_fields;
    return r->fields;
}

void
flowlog_reader_close(struct flowlog_reader *r)
{
    if (!r) {
        return;
    }
    if (r->z_init) {
        inflateEnd(&r->z);
    }
    pq_file_destroy(r->pq, r->pq && r->pq->values ? r->pq->n_columns : 0);
    json_destroy(r->json);
    free(r->buf);
    free(r->col_field);
    free(r->fields);
    free(r->name);
    free(r);
}
