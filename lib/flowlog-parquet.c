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

/* Written from the Apache Parquet format specification: parquet.thrift
 * (the footer and page headers, in Thrift's compact protocol),
 * Encodings.md (PLAIN, RLE_DICTIONARY, the RLE/bit-packed hybrid) and
 * README.md (the file layout). */

#include <config.h>
#include "lib/flowlog-parquet.h"

#include <libdeflate.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

/* Fixed, so that the same rows give the same bytes. */
#define CREATED_BY "ovs-flowlog version 0.1"

#define MAGIC "PAR1"

/* Values of parquet.thrift's enums. */
enum pq_type { PQ_INT32 = 1, PQ_INT64 = 2, PQ_BYTE_ARRAY = 6 };
enum pq_repetition { PQ_REQUIRED = 0, PQ_OPTIONAL = 1 };
enum pq_converted_type { PQ_UTF8 = 0 };
enum pq_encoding { PQ_PLAIN = 0, PQ_RLE = 3, PQ_RLE_DICTIONARY = 8 };
enum pq_codec { PQ_UNCOMPRESSED = 0, PQ_GZIP = 2 };
enum pq_page_type { PQ_DATA_PAGE = 0, PQ_DICTIONARY_PAGE = 2 };

/* Thrift compact protocol. */
enum tc_type {
    TC_TRUE = 1, TC_FALSE = 2, TC_I16 = 4, TC_I32 = 5, TC_I64 = 6,
    TC_BINARY = 8, TC_LIST = 9, TC_STRUCT = 12,
};

#define TC_MAX_DEPTH 8

struct thrift {
    struct ofpbuf *out;
    int depth;
    int last_id[TC_MAX_DEPTH];  /* Last field id at each struct level. */
};

/* One distinct value of a dictionary-encoded column chunk: where its PLAIN
 * encoding is in 'dict_values', and its hash.  'key' is that encoding for
 * an INT32 or INT64 value (compared without memcmp()). */
struct dict_slot {
    uint32_t ofs;
    uint32_t len;
    uint32_t hash;
    uint64_t key;
};

/* A column and its values in the row group being filled. */
struct column {
    struct flowlog_parquet_column spec;
    size_t width;               /* PLAIN bytes of an INT32/INT64 value. */

    struct ofpbuf defs;         /* One byte per row: 1 value, 0 NULL. */
    struct ofpbuf values;       /* PLAIN values, or uint32_t indices. */
    size_t n_values;            /* Non-NULL values. */
    size_t plain_size;          /* Bytes of these values as PLAIN. */

    /* Dictionary, if 'spec.dictionary' and the chunk's distinct values have
     * not outgrown it ('plain' then, and 'values' holds PLAIN values). */
    bool plain;
    struct ofpbuf dict_values;  /* The entries, PLAIN, in index order. */
    struct dict_slot *slots;    /* Indexed by entry index. */
    size_t n_slots, allocated_slots;
    uint32_t *table;            /* Open addressing: entry index + 1, or 0. */
    size_t table_mask;          /* Its size, a power of 2, minus 1. */
    uint32_t last_index;        /* Index of the latest value. */

    /* Statistics of the non-NULL values. */
    bool has_minmax;
    int64_t min_int, max_int;
    struct ofpbuf min_str, max_str;
};

/* What the footer says about one column chunk. */
struct chunk_meta {
    int64_t num_values;         /* Including NULLs. */
    int64_t null_count;
    int64_t uncompressed_size;  /* Pages with their headers. */
    int64_t compressed_size;
    int64_t data_page_offset;
    int64_t dict_page_offset;   /* -1 if none. */
    bool dictionary;            /* Data page is RLE_DICTIONARY. */
    bool has_minmax;
    struct ofpbuf min, max;     /* PLAIN, without a length for strings. */
};

struct row_group_meta {
    struct chunk_meta *chunks;  /* One per column. */
    int64_t num_rows;
    int64_t file_offset;
    int64_t uncompressed_size;
    int64_t compressed_size;
};

struct flowlog_parquet_writer {
    struct column *columns;
    size_t n_columns;
    enum flowlog_parquet_codec codec;
    size_t max_rows, max_bytes;
    size_t max_dict;            /* Dictionary entries per column chunk. */

    size_t cur;                 /* Column of the next value in this row. */
    size_t n_rows;              /* Rows of the row group being filled. */
    size_t buffered;            /* Bytes they take. */

    struct row_group_meta *groups;
    size_t n_groups, allocated_groups;
    int64_t total_rows;

    flowlog_parquet_write_func *write;
    void *aux;
    uint64_t offset;            /* Bytes handed to 'write' so far. */
    int error;                  /* First error of 'write', if any. */

    struct libdeflate_compressor *compressor;   /* If GZIP. */
    struct ofpbuf levels;       /* Scratch: definition levels, uint32_t. */
    struct ofpbuf indices;      /* Scratch: encoded dictionary indices. */
    struct ofpbuf page;         /* Scratch: a page's uncompressed body. */
    struct ofpbuf zpage;        /* Scratch: its compressed body. */
    struct ofpbuf header;       /* Scratch: a page header. */
};

/* Makes room for 'size' more bytes at the tail of 'b', at least doubling its
 * allocation when it grows: ofpbuf_put() grows a buffer by what it is asked
 * for (at least 64 bytes), and this file appends a few bytes at a time, so
 * a buffer of n bytes would be copied about n / 64 times (glibc's realloc()
 * hides that with mremap(), ASan's does not). */
static void
buf_grow(struct ofpbuf *b, size_t size)
{
    ofpbuf_prealloc_tailroom(b, MAX(size, b->allocated));
}

/* ofpbuf_put_uninit(), with buf_grow()'s growth. */
static inline void *
buf_put_uninit(struct ofpbuf *b, size_t size)
{
    if (OVS_UNLIKELY(ofpbuf_tailroom(b) < size)) {
        buf_grow(b, size);
    }
    void *p = ofpbuf_tail(b);
    b->size += size;
    return p;
}

/* ofpbuf_put(), without a call where there is room (column_put() appends a
 * few bytes at a time, for every value), and with buf_grow()'s growth. */
static inline void
buf_put(struct ofpbuf *b, const void *data, size_t size)
{
    if (size) {
        memcpy(buf_put_uninit(b, size), data, size);
    }
}

/* A value is given to the column functions as 'data', 'len': an INT32 or
 * INT64 value's PLAIN encoding, or a string's bytes, whose PLAIN encoding
 * has a 4-byte length before them. */

static inline bool
is_string(const struct column *c)
{
    return c->spec.type == FLOWLOG_PARQUET_STRING;
}

static inline size_t
plain_len(const struct column *c, size_t len)
{
    return len + (is_string(c) ? 4 : 0);
}

/* Appends the PLAIN encoding of a value to 'b'. */
static inline void
put_plain(struct ofpbuf *b, const struct column *c, const uint8_t *data,
          size_t len)
{
    if (is_string(c)) {
        uint8_t prefix[4] = { len, len >> 8, len >> 16, len >> 24 };
        buf_put(b, prefix, 4);
    }
    buf_put(b, data, len);
}

/* Little-endian integers and ULEB128 varints. */

static void
put_le32(struct ofpbuf *b, uint32_t x)
{
    uint8_t *p = buf_put_uninit(b, 4);

    for (int i = 0; i < 4; i++) {
        p[i] = x >> (8 * i);
    }
}

static void
put_le64(struct ofpbuf *b, uint64_t x)
{
    uint8_t *p = buf_put_uninit(b, 8);

    for (int i = 0; i < 8; i++) {
        p[i] = x >> (8 * i);
    }
}

static void
put_uleb128(struct ofpbuf *b, uint64_t x)
{
    while (x >= 0x80) {
        buf_put(b, &(uint8_t) { (x & 0x7f) | 0x80 }, 1);
        x >>= 7;
    }
    buf_put(b, &(uint8_t) { x }, 1);
}

/* Thrift compact protocol: just what the footer and page headers need.
 * Fields must be written in increasing id order within a struct. */

static uint64_t
zigzag(int64_t x)
{
    return ((uint64_t) x << 1) ^ (uint64_t) (x >> 63);
}

static void
tc_field(struct thrift *t, int id, enum tc_type type)
{
    int delta = id - t->last_id[t->depth];
    uint8_t byte;

    if (delta > 0 && delta <= 15) {
        byte = delta << 4 | type;
        buf_put(t->out, &byte, 1);
    } else {
        byte = type;
        buf_put(t->out, &byte, 1);
        put_uleb128(t->out, zigzag(id));
    }
    t->last_id[t->depth] = id;
}

static void
tc_i16(struct thrift *t, int id, int16_t x)
{
    tc_field(t, id, TC_I16);
    put_uleb128(t->out, zigzag(x));
}

static void
tc_i32(struct thrift *t, int id, int32_t x)
{
    tc_field(t, id, TC_I32);
    put_uleb128(t->out, zigzag(x));
}

static void
tc_i64(struct thrift *t, int id, int64_t x)
{
    tc_field(t, id, TC_I64);
    put_uleb128(t->out, zigzag(x));
}

static void
tc_bool(struct thrift *t, int id, bool x)
{
    tc_field(t, id, x ? TC_TRUE : TC_FALSE);
}

static void
tc_put_binary(struct thrift *t, const void *data, size_t len)
{
    put_uleb128(t->out, len);
    buf_put(t->out, data, len);
}

static void
tc_binary(struct thrift *t, int id, const void *data, size_t len)
{
    tc_field(t, id, TC_BINARY);
    tc_put_binary(t, data, len);
}

static void
tc_string(struct thrift *t, int id, const char *s)
{
    tc_binary(t, id, s, strlen(s));
}

/* Starts a struct that is a list element (no field header). */
static void
tc_push(struct thrift *t)
{
    ovs_assert(t->depth + 1 < TC_MAX_DEPTH);
    t->last_id[++t->depth] = 0;
}

/* Starts a struct that is field 'id'. */
static void
tc_struct_begin(struct thrift *t, int id)
{
    tc_field(t, id, TC_STRUCT);
    tc_push(t);
}

/* Ends the innermost struct, or the outermost with depth 0. */
static void
tc_struct_end(struct thrift *t)
{
    buf_put(t->out, &(uint8_t) { 0 }, 1);
    if (t->depth > 0) {
        t->depth--;
    }
}

/* Starts field 'id', a list of 'n' elements of 'type', which follow. */
static void
tc_list_begin(struct thrift *t, int id, enum tc_type type, size_t n)
{
    tc_field(t, id, TC_LIST);
    if (n < 15) {
        buf_put(t->out, &(uint8_t) { n << 4 | type }, 1);
    } else {
        buf_put(t->out, &(uint8_t) { 0xf0 | type }, 1);
        put_uleb128(t->out, n);
    }
}

static void
tc_init(struct thrift *t, struct ofpbuf *out)
{
    memset(t, 0, sizeof *t);
    t->out = out;
}

/* The RLE/bit-packed hybrid encoding of the 'n' values in 'v', each
 * 'bit_width' bits (1 to 32), without the length prefix.  A value repeated
 * 8 times or more becomes an RLE run; other values are bit-packed in
 * groups of 8, the last group padded with zeros. */

static size_t
run_length(const uint32_t *v, size_t i, size_t n, size_t max)
{
    size_t j = i + 1;

    while (j < n && j - i < max && v[j] == v[i]) {
        j++;
    }
    return j - i;
}

static void
bit_pack8(struct ofpbuf *out, const uint32_t v[8], int bit_width)
{
    uint8_t *p = buf_put_uninit(out, bit_width);
    uint64_t acc = 0;
    int n_bits = 0;

    /* Least significant bit first (Encodings.md). */
    for (int i = 0; i < 8; i++) {
        acc |= (uint64_t) v[i] << n_bits;
        n_bits += bit_width;
        while (n_bits >= 8) {
            *p++ = acc;
            acc >>= 8;
            n_bits -= 8;
        }
    }
}

static void
rle_encode(struct ofpbuf *out, const uint32_t *v, size_t n, int bit_width)
{
    size_t i = 0;

    while (i < n) {
        size_t run = run_length(v, i, n, SIZE_MAX);
        if (run >= 8) {
            put_uleb128(out, (uint64_t) run << 1);
            for (int b = 0; b < (bit_width + 7) / 8; b++) {
                buf_put(out, &(uint8_t) { v[i] >> (8 * b) }, 1);
            }
            i += run;
            continue;
        }

        /* Bit-pack groups of 8 up to the start of a run of 8. */
        size_t start = i;
        do {
            i += 8;
        } while (i < n && run_length(v, i, n, 8) < 8);
        i = MIN(i, n);

        size_t n_groups = (i - start + 7) / 8;
        put_uleb128(out, (uint64_t) n_groups << 1 | 1);
        for (size_t g = 0; g < n_groups; g++) {
            uint32_t group[8] = { 0 };
            size_t first = start + 8 * g;

            memcpy(group, &v[first], MIN(8, n - first) * sizeof *group);
            bit_pack8(out, group, bit_width);
        }
    }
}

/* Bits needed for the numbers 0 to 'max', at least 1. */
static int
bit_width(uint32_t max)
{
    int width = 1;

    while (width < 32 && max >> width) {
        width++;
    }
    return width;
}

/* Columns. */

static void
column_init(struct column *c, const struct flowlog_parquet_column *spec)
{
    memset(c, 0, sizeof *c);
    c->spec = *spec;
    c->spec.name = xstrdup(spec->name);
    c->width = spec->type == FLOWLOG_PARQUET_INT32 ? 4 : 8;
    ofpbuf_init(&c->defs, 0);
    ofpbuf_init(&c->values, 0);
    ofpbuf_init(&c->dict_values, 0);
    ofpbuf_init(&c->min_str, 0);
    ofpbuf_init(&c->max_str, 0);
}

/* Forgets the values of the row group just written. */
static void
column_clear(struct column *c)
{
    free(c->table);
    c->table = NULL;
    c->table_mask = 0;
    c->plain = false;
    ofpbuf_clear(&c->defs);
    ofpbuf_clear(&c->values);
    ofpbuf_clear(&c->dict_values);
    c->n_slots = 0;
    c->n_values = 0;
    c->plain_size = 0;
    c->has_minmax = false;
}

static void
column_destroy(struct column *c)
{
    column_clear(c);
    ofpbuf_uninit(&c->defs);
    ofpbuf_uninit(&c->values);
    ofpbuf_uninit(&c->dict_values);
    ofpbuf_uninit(&c->min_str);
    ofpbuf_uninit(&c->max_str);
    free(c->slots);
    free(CONST_CAST(char *, c->spec.name));
}

/* The 4 or 8 bytes of an integer's PLAIN encoding as a number, 0 for a
 * string. */
static inline uint64_t
int_key(const struct column *c, const uint8_t *data)
{
    uint32_t x32;
    uint64_t x64;

    if (is_string(c)) {
        return 0;
    } else if (c->width == 4) {
        memcpy(&x32, data, 4);
        return x32;
    } else {
        memcpy(&x64, data, 8);
        return x64;
    }
}

static inline bool
slot_matches(const struct column *c, const struct dict_slot *s,
             const uint8_t *data, size_t len, uint64_t key)
{
    return (!is_string(c)
            ? s->key == key
            : (s->len == len + 4
               && !memcmp((const uint8_t *) c->dict_values.data + s->ofs + 4,
                          data, len)));
}

/* Doubles 'c->table' (or makes its first), rehashing every entry. */
static void
column_grow_table(struct column *c)
{
    size_t n = c->table ? 2 * (c->table_mask + 1) : 1024;

    free(c->table);
    c->table = xcalloc(n, sizeof *c->table);
    c->table_mask = n - 1;
    for (size_t i = 0; i < c->n_slots; i++) {
        size_t j = c->slots[i].hash & c->table_mask;
        while (c->table[j]) {
            j = (j + 1) & c->table_mask;
        }
        c->table[j] = i + 1;
    }
}

/* Gives up the dictionary of 'c' for the rest of its chunk: turns the
 * indices in 'c->values' into the PLAIN values they stand for. */
static void
column_fall_back(struct flowlog_parquet_writer *w, struct column *c)
{
    const uint32_t *index = c->values.data;
    const uint8_t *base = c->dict_values.data;
    struct ofpbuf values;

    ofpbuf_init(&values, c->plain_size + 4096);
    for (size_t i = 0; i < c->n_values; i++) {
        const struct dict_slot *s = &c->slots[index[i]];
        buf_put(&values, base + s->ofs, s->len);
    }
    w->buffered += values.size;
    w->buffered -= (c->values.size + c->dict_values.size
                    + c->n_slots * (sizeof *c->slots + 2 * sizeof *c->table));
    ofpbuf_uninit(&c->values);
    c->values = values;
    ofpbuf_clear(&c->dict_values);
    c->n_slots = 0;
    free(c->table);
    c->table = NULL;
    c->table_mask = 0;
    c->plain = true;
}

/* Returns the dictionary index of the value 'data', 'len', adding it if it
 * is new, or UINT32_MAX if adding it would take the dictionary past
 * 'w->max_dict' entries.  Sets '*is_new'. */
static uint32_t
column_dict_index(struct flowlog_parquet_writer *w, struct column *c,
                  const uint8_t *data, size_t len, bool *is_new)
{
    uint64_t key = int_key(c, data);

    /* Flow logs repeat the previous row's value often. */
    *is_new = false;
    if (c->n_slots
        && slot_matches(c, &c->slots[c->last_index], data, len, key)) {
        return c->last_index;
    }

    uint32_t hash = (!is_string(c)
                     ? hash_uint64(key) : hash_bytes(data, len, 0));
    size_t j = hash & c->table_mask;
    if (c->table) {
        for (; c->table[j]; j = (j + 1) & c->table_mask) {
            const struct dict_slot *s = &c->slots[c->table[j] - 1];
            if (s->hash == hash && slot_matches(c, s, data, len, key)) {
                c->last_index = c->table[j] - 1;
                return c->last_index;
            }
        }
    }

    *is_new = true;
    if (c->n_slots >= w->max_dict) {
        return UINT32_MAX;
    }
    if (2 * (c->n_slots + 1) > c->table_mask + 1) {
        column_grow_table(c);
        for (j = hash & c->table_mask; c->table[j];
             j = (j + 1) & c->table_mask) {
            continue;
        }
    }
    if (c->n_slots >= c->allocated_slots) {
        c->slots = x2nrealloc(c->slots, &c->allocated_slots,
                              sizeof *c->slots);
    }
    c->slots[c->n_slots] = (struct dict_slot) {
        .ofs = c->dict_values.size,
        .len = plain_len(c, len),
        .hash = hash,
        .key = key,
    };
    put_plain(&c->dict_values, c, data, len);
    w->buffered += plain_len(c, len) + sizeof *c->slots + 2 * sizeof *c->table;
    c->table[j] = c->n_slots + 1;
    c->last_index = c->n_slots++;
    return c->last_index;
}

/* Adds the value 'data', 'len' to column 'c' of the row.  Returns true if
 * statistics must consider it: always without a dictionary, only for a new
 * entry with one. */
static bool
column_put(struct flowlog_parquet_writer *w, struct column *c,
           const uint8_t *data, size_t len)
{
    bool is_new = true;

    if (c->spec.optional) {
        buf_put(&c->defs, &(uint8_t) { 1 }, 1);
        w->buffered++;
    }
    if (c->spec.dictionary && !c->plain) {
        uint32_t index = column_dict_index(w, c, data, len, &is_new);
        if (index != UINT32_MAX) {
            buf_put(&c->values, &index, sizeof index);
            w->buffered += sizeof index;
        } else {
            column_fall_back(w, c);
            put_plain(&c->values, c, data, len);
            w->buffered += plain_len(c, len);
        }
    } else {
        put_plain(&c->values, c, data, len);
        w->buffered += plain_len(c, len);
    }
    c->n_values++;
    c->plain_size += plain_len(c, len);
    return is_new;
}

static struct column *
next_column(struct flowlog_parquet_writer *w)
{
    ovs_assert(w->cur < w->n_columns);
    return &w->columns[w->cur++];
}

/* Adds 'x' as the value of the next column of the row, which must be an
 * INT32 (whose range 'x' must be in) or INT64 column. */
void
flowlog_parquet_put_int(struct flowlog_parquet_writer *w, int64_t x)
{
    struct column *c = next_column(w);
    uint8_t plain[8];

    ovs_assert(c->spec.type != FLOWLOG_PARQUET_STRING);
    ovs_assert(c->width == 8 || (x >= INT32_MIN && x <= INT32_MAX));
    for (size_t i = 0; i < c->width; i++) {
        plain[i] = (uint64_t) x >> (8 * i);
    }
    if (column_put(w, c, plain, c->width)) {
        if (!c->has_minmax) {
            c->min_int = c->max_int = x;
            c->has_minmax = true;
        } else if (x < c->min_int) {
            c->min_int = x;
        } else if (x > c->max_int) {
            c->max_int = x;
        }
    }
}

/* Compares byte strings as unsigned bytes, a prefix first (the order that
 * TypeDefinedOrder gives UTF-8 strings). */
static int
compare_bytes(const void *a, size_t a_len, const void *b, size_t b_len)
{
    int cmp = memcmp(a, b, MIN(a_len, b_len));

    return cmp ? cmp : a_len < b_len ? -1 : a_len > b_len;
}

static void
set_bytes(struct ofpbuf *b, const void *data, size_t len)
{
    ofpbuf_clear(b);
    buf_put(b, data, len);
}

/* Adds the 'len' bytes of 's', which must be UTF-8, as the value of the
 * next column of the row, which must be a string column. */
void
flowlog_parquet_put_string(struct flowlog_parquet_writer *w, const char *s,
                           size_t len)
{
    struct column *c = next_column(w);

    ovs_assert(c->spec.type == FLOWLOG_PARQUET_STRING);
    ovs_assert(len <= INT32_MAX);
    if (column_put(w, c, (const uint8_t *) s, len)) {
        if (!c->has_minmax) {
            set_bytes(&c->min_str, s, len);
            set_bytes(&c->max_str, s, len);
            c->has_minmax = true;
        } else if (compare_bytes(s, len, c->min_str.data,
                                 c->min_str.size) < 0) {
            set_bytes(&c->min_str, s, len);
        } else if (compare_bytes(s, len, c->max_str.data,
                                 c->max_str.size) > 0) {
            set_bytes(&c->max_str, s, len);
        }
    }
}

/* Makes the next column of the row, which must be optional, NULL. */
void
flowlog_parquet_put_null(struct flowlog_parquet_writer *w)
{
    struct column *c = next_column(w);

    ovs_assert(c->spec.optional);
    buf_put(&c->defs, &(uint8_t) { 0 }, 1);
    w->buffered++;
}

/* Writing. */

static void
emit(struct flowlog_parquet_writer *w, const void *data, size_t size)
{
    if (!w->error && size) {
        w->error = w->write(w->aux, data, size);
    }
    w->offset += size;
}

/* Compresses 'w->page' into 'w->zpage' as one gzip member (libdeflate, at
 * zlib's default level 6).  The gzip header holds no name and mtime 0, so
 * the bytes depend on the data only. */
static void
gzip_page(struct flowlog_parquet_writer *w)
{
    size_t bound = libdeflate_gzip_compress_bound(w->compressor,
                                                  w->page.size);

    ofpbuf_clear(&w->zpage);
    ofpbuf_prealloc_tailroom(&w->zpage, bound);
    w->zpage.size = libdeflate_gzip_compress(w->compressor, w->page.data,
                                             w->page.size, w->zpage.data,
                                             bound);
    ovs_assert(w->zpage.size);
}

/* Writes the page whose uncompressed body is in 'w->page': a dictionary
 * page of 'n_values' PLAIN entries if 'dict', else a data page of
 * 'n_values' values (NULLs included) in 'encoding'.  Adds its size to
 * 'm'. */
static void
write_page(struct flowlog_parquet_writer *w, bool dict, size_t n_values,
           enum pq_encoding encoding, struct chunk_meta *m)
{
    const struct ofpbuf *body = &w->page;
    struct thrift t;

    if (w->codec == FLOWLOG_PARQUET_GZIP) {
        gzip_page(w);
        body = &w->zpage;
    }
    ovs_assert(w->page.size <= INT32_MAX && body->size <= INT32_MAX);

    ofpbuf_clear(&w->header);
    tc_init(&t, &w->header);
    tc_i32(&t, 1, dict ? PQ_DICTIONARY_PAGE : PQ_DATA_PAGE);
    tc_i32(&t, 2, w->page.size);
    tc_i32(&t, 3, body->size);
    tc_struct_begin(&t, dict ? 7 : 5);
    tc_i32(&t, 1, n_values);
    tc_i32(&t, 2, encoding);
    if (!dict) {
        tc_i32(&t, 3, PQ_RLE);      /* Definition levels. */
        tc_i32(&t, 4, PQ_RLE);      /* Repetition levels (none). */
    }
    tc_struct_end(&t);
    tc_struct_end(&t);

    emit(w, w->header.data, w->header.size);
    emit(w, body->data, body->size);
    m->uncompressed_size += w->header.size + w->page.size;
    m->compressed_size += w->header.size + body->size;
}

/* Appends to 'out' the RLE/bit-packed hybrid of the uint32_t values in
 * 'v', 'width' bits wide, after a 4-byte length if 'with_length'. */
static void
put_rle(struct ofpbuf *out, const struct ofpbuf *v, int width,
        bool with_length)
{
    size_t length_ofs = out->size;

    if (with_length) {
        put_le32(out, 0);
    }
    rle_encode(out, v->data, v->size / sizeof(uint32_t), width);
    if (with_length) {
        uint32_t len = out->size - length_ofs - 4;
        uint8_t *p = (uint8_t *) out->data + length_ofs;
        for (int i = 0; i < 4; i++) {
            p[i] = len >> (8 * i);
        }
    }
}

/* Starts the body of the data page of 'c' in 'w->page': the definition
 * levels of an optional column, with their length (data page v1). */
static void
start_data_page(struct flowlog_parquet_writer *w, const struct column *c)
{
    ofpbuf_clear(&w->page);
    if (c->spec.optional) {
        const uint8_t *defs = c->defs.data;

        ofpbuf_clear(&w->levels);
        for (size_t i = 0; i < c->defs.size; i++) {
            uint32_t level = defs[i];
            buf_put(&w->levels, &level, sizeof level);
        }
        put_rle(&w->page, &w->levels, 1, true);
    }
}

/* Writes column 'c' of the row group being filled and describes it in
 * 'm'. */
static void
write_column_chunk(struct flowlog_parquet_writer *w, struct column *c,
                   struct chunk_meta *m)
{
    memset(m, 0, sizeof *m);
    m->num_values = w->n_rows;
    m->null_count = w->n_rows - c->n_values;
    m->dict_page_offset = -1;
    ofpbuf_init(&m->min, 0);
    ofpbuf_init(&m->max, 0);

    /* RLE_DICTIONARY only where the dictionary and the indices (a byte of
     * bit width, then the hybrid encoding) are smaller than PLAIN values.
     * A chunk of NULLs only has no dictionary. */
    if (c->spec.dictionary && !c->plain && c->n_slots) {
        int width = bit_width(c->n_slots - 1);

        ofpbuf_clear(&w->indices);
        buf_put(&w->indices, &(uint8_t) { width }, 1);
        put_rle(&w->indices, &c->values, width, false);
        m->dictionary = (c->dict_values.size + w->indices.size
                         < c->plain_size);
    }

    if (m->dictionary) {
        m->dict_page_offset = w->offset;
        ofpbuf_clear(&w->page);
        buf_put(&w->page, c->dict_values.data, c->dict_values.size);
        write_page(w, true, c->n_slots, PQ_PLAIN, m);

        m->data_page_offset = w->offset;
        start_data_page(w, c);
        buf_put(&w->page, w->indices.data, w->indices.size);
        write_page(w, false, w->n_rows, PQ_RLE_DICTIONARY, m);
    } else {
        m->data_page_offset = w->offset;
        start_data_page(w, c);
        if (c->spec.dictionary && !c->plain) {
            const uint32_t *index = c->values.data;
            const uint8_t *base = c->dict_values.data;

            for (size_t i = 0; i < c->n_values; i++) {
                const struct dict_slot *s = &c->slots[index[i]];
                buf_put(&w->page, base + s->ofs, s->len);
            }
        } else {
            buf_put(&w->page, c->values.data, c->values.size);
        }
        write_page(w, false, w->n_rows, PQ_PLAIN, m);
    }

    m->has_minmax = c->has_minmax;
    if (!c->has_minmax) {
        /* NULLs only: no min or max. */
    } else if (c->spec.type == FLOWLOG_PARQUET_STRING) {
        set_bytes(&m->min, c->min_str.data, c->min_str.size);
        set_bytes(&m->max, c->max_str.data, c->max_str.size);
    } else if (c->width == 4) {
        put_le32(&m->min, c->min_int);
        put_le32(&m->max, c->max_int);
    } else {
        put_le64(&m->min, c->min_int);
        put_le64(&m->max, c->max_int);
    }
}

/* Writes the row group being filled, if it has rows. */
static void
write_row_group(struct flowlog_parquet_writer *w)
{
    if (!w->n_rows) {
        return;
    }

    if (w->n_groups >= w->allocated_groups) {
        w->groups = x2nrealloc(w->groups, &w->allocated_groups,
                               sizeof *w->groups);
    }
    struct row_group_meta *g = &w->groups[w->n_groups++];
    g->chunks = xmalloc(w->n_columns * sizeof *g->chunks);
    g->num_rows = w->n_rows;
    g->file_offset = w->offset;
    g->uncompressed_size = g->compressed_size = 0;
    for (size_t i = 0; i < w->n_columns; i++) {
        struct chunk_meta *m = &g->chunks[i];

        write_column_chunk(w, &w->columns[i], m);
        column_clear(&w->columns[i]);
        g->uncompressed_size += m->uncompressed_size;
        g->compressed_size += m->compressed_size;
    }
    w->total_rows += w->n_rows;
    w->n_rows = 0;
    w->buffered = 0;
}

/* Ends the row whose values were put.  Writes the row group once it is
 * full.  Returns the first error of the write callback, if any. */
int
flowlog_parquet_end_row(struct flowlog_parquet_writer *w)
{
    ovs_assert(w->cur == w->n_columns);
    w->cur = 0;
    w->n_rows++;
    if (w->n_rows >= w->max_rows || w->buffered >= w->max_bytes) {
        write_row_group(w);
    }
    return w->error;
}

static void
put_statistics(struct thrift *t, const struct chunk_meta *m)
{
    tc_struct_begin(t, 12);
    tc_i64(t, 3, m->null_count);
    if (m->has_minmax) {
        tc_binary(t, 5, m->max.data, m->max.size);
        tc_binary(t, 6, m->min.data, m->min.size);
        tc_bool(t, 7, true);
        tc_bool(t, 8, true);
    }
    tc_struct_end(t);
}

static void
put_encoding_stats(struct thrift *t, int page_type, int encoding)
{
    tc_push(t);
    tc_i32(t, 1, page_type);
    tc_i32(t, 2, encoding);
    tc_i32(t, 3, 1);
    tc_struct_end(t);
}

static void
put_column_chunk(struct flowlog_parquet_writer *w, struct thrift *t,
                 const struct column *c, const struct chunk_meta *m)
{
    static const enum pq_type types[] = {
        [FLOWLOG_PARQUET_INT32] = PQ_INT32,
        [FLOWLOG_PARQUET_INT64] = PQ_INT64,
        [FLOWLOG_PARQUET_STRING] = PQ_BYTE_ARRAY,
    };

    tc_push(t);                 /* ColumnChunk. */
    tc_i64(t, 2, 0);            /* file_offset: no ColumnMetaData outside
                                 * the footer. */
    tc_struct_begin(t, 3);      /* ColumnMetaData. */
    tc_i32(t, 1, types[c->spec.type]);
    if (m->dictionary) {
        tc_list_begin(t, 2, TC_I32, 3);
        put_uleb128(t->out, zigzag(PQ_PLAIN));
        put_uleb128(t->out, zigzag(PQ_RLE));
        put_uleb128(t->out, zigzag(PQ_RLE_DICTIONARY));
    } else {
        tc_list_begin(t, 2, TC_I32, 2);
        put_uleb128(t->out, zigzag(PQ_PLAIN));
        put_uleb128(t->out, zigzag(PQ_RLE));
    }
    tc_list_begin(t, 3, TC_BINARY, 1);
    tc_put_binary(t, c->spec.name, strlen(c->spec.name));
    tc_i32(t, 4, w->codec == FLOWLOG_PARQUET_GZIP ? PQ_GZIP : PQ_UNCOMPRESSED);
    tc_i64(t, 5, m->num_values);
    tc_i64(t, 6, m->uncompressed_size);
    tc_i64(t, 7, m->compressed_size);
    tc_i64(t, 9, m->data_page_offset);
    if (m->dictionary) {
        tc_i64(t, 11, m->dict_page_offset);
    }
    put_statistics(t, m);
    tc_list_begin(t, 13, TC_STRUCT, m->dictionary ? 2 : 1);
    if (m->dictionary) {
        put_encoding_stats(t, PQ_DICTIONARY_PAGE, PQ_PLAIN);
        put_encoding_stats(t, PQ_DATA_PAGE, PQ_RLE_DICTIONARY);
    } else {
        put_encoding_stats(t, PQ_DATA_PAGE, PQ_PLAIN);
    }
    tc_struct_end(t);           /* ColumnMetaData. */
    tc_struct_end(t);           /* ColumnChunk. */
}

/* Writes the footer: FileMetaData, its length, the magic. */
static void
write_footer(struct flowlog_parquet_writer *w)
{
    struct ofpbuf footer;
    struct thrift t;

    ofpbuf_init(&footer, 1024);
    tc_init(&t, &footer);
    tc_i32(&t, 1, 1);           /* version. */

    tc_list_begin(&t, 2, TC_STRUCT, w->n_columns + 1);
    tc_push(&t);                /* The root. */
    tc_string(&t, 4, "schema");
    tc_i32(&t, 5, w->n_columns);
    tc_struct_end(&t);
    for (size_t i = 0; i < w->n_columns; i++) {
        const struct column *c = &w->columns[i];
        bool string = c->spec.type == FLOWLOG_PARQUET_STRING;

        tc_push(&t);
        tc_i32(&t, 1, (c->spec.type == FLOWLOG_PARQUET_INT32 ? PQ_INT32
                       : c->spec.type == FLOWLOG_PARQUET_INT64 ? PQ_INT64
                       : PQ_BYTE_ARRAY));
        tc_i32(&t, 3, c->spec.optional ? PQ_OPTIONAL : PQ_REQUIRED);
        tc_string(&t, 4, c->spec.name);
        if (string) {
            tc_i32(&t, 6, PQ_UTF8);
            tc_struct_begin(&t, 10);    /* LogicalType. */
            tc_struct_begin(&t, 1);     /* STRING. */
            tc_struct_end(&t);
            tc_struct_end(&t);
        }
        tc_struct_end(&t);
    }

    tc_i64(&t, 3, w->total_rows);

    tc_list_begin(&t, 4, TC_STRUCT, w->n_groups);
    for (size_t i = 0; i < w->n_groups; i++) {
        const struct row_group_meta *g = &w->groups[i];

        tc_push(&t);
        tc_list_begin(&t, 1, TC_STRUCT, w->n_columns);
        for (size_t j = 0; j < w->n_columns; j++) {
            put_column_chunk(w, &t, &w->columns[j], &g->chunks[j]);
        }
        tc_i64(&t, 2, g->uncompressed_size);
        tc_i64(&t, 3, g->num_rows);
        tc_i64(&t, 5, g->file_offset);
        tc_i64(&t, 6, g->compressed_size);
        if (i <= INT16_MAX) {
            tc_i16(&t, 7, i);       /* ordinal, optional. */
        }
        tc_struct_end(&t);
    }

    tc_string(&t, 6, CREATED_BY);

    tc_list_begin(&t, 7, TC_STRUCT, w->n_columns);
    for (size_t i = 0; i < w->n_columns; i++) {
        tc_push(&t);                    /* ColumnOrder. */
        tc_struct_begin(&t, 1);         /* TYPE_ORDER. */
        tc_struct_end(&t);
        tc_struct_end(&t);
    }
    tc_struct_end(&t);                  /* FileMetaData. */

    emit(w, footer.data, footer.size);
    ofpbuf_uninit(&footer);
}

/* Starts a Parquet file of the 'n_columns' columns in 'columns' (copied),
 * whose pages are compressed with 'codec'.  Its bytes go to 'write' (with
 * 'aux') as they are ready: the magic now, a row group whenever one is
 * full, the footer in flowlog_parquet_writer_finish(). */
struct flowlog_parquet_writer *
flowlog_parquet_writer_create(const struct flowlog_parquet_column *columns,
                              size_t n_columns,
                              enum flowlog_parquet_codec codec,
                              flowlog_parquet_write_func *write, void *aux)
{
    struct flowlog_parquet_writer *w = xzalloc(sizeof *w);

    ovs_assert(n_columns > 0);
    w->columns = xmalloc(n_columns * sizeof *w->columns);
    for (size_t i = 0; i < n_columns; i++) {
        column_init(&w->columns[i], &columns[i]);
    }
    w->n_columns = n_columns;
    w->codec = codec;
    w->max_rows = FLOWLOG_PARQUET_MAX_ROWS;
    w->max_bytes = FLOWLOG_PARQUET_MAX_BYTES;
    w->max_dict = (codec == FLOWLOG_PARQUET_GZIP
                   ? FLOWLOG_PARQUET_MAX_DICT_GZIP : UINT32_MAX);
    w->write = write;
    w->aux = aux;
    ofpbuf_init(&w->levels, 0);
    ofpbuf_init(&w->indices, 0);
    ofpbuf_init(&w->page, 0);
    ofpbuf_init(&w->zpage, 0);
    ofpbuf_init(&w->header, 64);

    if (codec == FLOWLOG_PARQUET_GZIP) {
        w->compressor = libdeflate_alloc_compressor(FLOWLOG_PARQUET_LEVEL);
        if (!w->compressor) {
            out_of_memory();
        }
    }

    emit(w, MAGIC, 4);
    return w;
}

/* Makes row groups end at 'max_rows' rows or 'max_bytes' bytes of buffered
 * values, instead of FLOWLOG_PARQUET_MAX_ROWS and _BYTES (for tests). */
void
flowlog_parquet_writer_set_limits(struct flowlog_parquet_writer *w,
                                  size_t max_rows, size_t max_bytes)
{
    ovs_assert(max_rows > 0 && max_rows <= INT32_MAX);
    w->max_rows = max_rows;
    w->max_bytes = max_bytes;
}

/* Writes the last row group and the footer, and frees 'w'.  Returns the
 * first error of the write callback, if any, and stores the file's size
 * in '*sizep' (if nonnull). */
int
flowlog_parquet_writer_finish(struct flowlog_parquet_writer *w,
                              uint64_t *sizep)
{
    ovs_assert(w->cur == 0);
    write_row_group(w);

    uint64_t footer_start = w->offset;
    write_footer(w);

    uint8_t trailer[8];
    uint32_t footer_len = w->offset - footer_start;
    for (int i = 0; i < 4; i++) {
        trailer[i] = footer_len >> (8 * i);
    }
    memcpy(&trailer[4], MAGIC, 4);
    emit(w, trailer, sizeof trailer);

    int error = w->error;
    if (sizep) {
        *sizep = w->offset;
    }

    for (size_t i = 0; i < w->n_groups; i++) {
        for (size_t j = 0; j < w->n_columns; j++) {
            ofpbuf_uninit(&w->groups[i].chunks[j].min);
            ofpbuf_uninit(&w->groups[i].chunks[j].max);
        }
        free(w->groups[i].chunks);
    }
    free(w->groups);
    for (size_t i = 0; i < w->n_columns; i++) {
        column_destroy(&w->columns[i]);
    }
    free(w->columns);
    libdeflate_free_compressor(w->compressor);
    ofpbuf_uninit(&w->levels);
    ofpbuf_uninit(&w->indices);
    ofpbuf_uninit(&w->page);
    ofpbuf_uninit(&w->zpage);
    ofpbuf_uninit(&w->header);
    free(w);
    return error;
}
