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

#ifndef FLOWLOG_RECORD_H
#define FLOWLOG_RECORD_H 1

/* The flow log record model: the one place where the 18 fields and the
 * extended fields are named and typed.  Every writer (CSV, JSON lines,
 * Parquet, flowlog/dump) takes values from flowlog_field_value(), the text
 * ones through flowlog_field_format(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct ds;
struct json;

enum flowlog_field {
    /* The 18 fields, in their contract order. */
    FL_TIMESTAMP_START,
    FL_TIMESTAMP_END,
    FL_INTERFACE_ID,
    FL_VM_ID,
    FL_SUBNET_ID,
    FL_VPC_ID,
    FL_REGION,
    FL_PROTOCOL,
    FL_SRC_ADDR,
    FL_DST_ADDR,
    FL_SRC_PORT,
    FL_DST_PORT,
    FL_TCP_FLAGS,
    FL_PACKETS,
    FL_BYTES,
    FL_DIRECTION,
    FL_FILTER,
    FL_STATUS,
    /* Extended fields, only when selected with 'fields'. */
    FL_ICMP_TYPE,
    FL_ICMP_CODE,
    FL_RULE,
    FL_CT_ZONE,
    FL_OFPORT,
    FL_HOST,
    FL_LOGGER,
    FL_INTERVAL_START,
    FL_INTERVAL_END,
    FL_N_FIELDS
};
#define FL_N_DEFAULT_FIELDS (FL_STATUS + 1)

enum flowlog_direction {
    FL_DIR_INGRESS,             /* Toward the VM. */
    FL_DIR_EGRESS,              /* From the VM. */
    FL_DIR_UNKNOWN,             /* Hairpin, or a SKIPDATA record. */
};

enum flowlog_verdict {
    FL_VERDICT_ACCEPT,
    FL_VERDICT_DROP,
    FL_VERDICT_NONE,            /* SKIPDATA and NODATA records. */
};

enum flowlog_status {
    FL_STATUS_OK,
    FL_STATUS_SKIPDATA,
    FL_STATUS_NODATA,
};

/* Who a record belongs to: the logging port's identity, copied from OVSDB
 * when the port was attached.  NULL strings are "not configured".  The hook
 * cuts the four identities from external_ids to at most FLOWLOG_ID_MAX
 * bytes, at a UTF-8 character boundary (they are UUIDs in practice; the
 * bound keeps a record small on the channel). */
#define FLOWLOG_ID_MAX 255
struct flowlog_identity {
    char *port_name;
    int ofport;
    char *iface_id;
    char *vm_id;
    char *subnet_id;
    char *vpc_id;
};

/* One record of a closed or open interval. */
struct flowlog_record {
    long long int first_ms;     /* Wall time of first packet (UNIX ms). */
    long long int last_ms;      /* Wall time of last packet (UNIX ms). */
    const struct flowlog_identity *id;
    uint8_t protocol;
    uint8_t tcp_flags;
    uint8_t direction;          /* enum flowlog_direction. */
    uint8_t verdict;            /* enum flowlog_verdict. */
    uint8_t status;             /* enum flowlog_status. */
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint8_t rule_table;
    ovs_be32 src_addr;
    ovs_be32 dst_addr;
    uint16_t src_port;
    uint16_t dst_port;
    uint16_t ct_zone;
    ovs_be64 rule_cookie;
    uint64_t packets;
    uint64_t bytes;
};

/* What is the same for every record of one file. */
struct flowlog_context {
    const char *region;
    const char *host;
    const char *logger;
    long long int interval_start_ms;
    long long int interval_end_ms;
};

/* The type of a field's values, as typed file formats (Parquet) write
 * them. */
enum flowlog_field_type {
    FL_TYPE_INT32,              /* An integer that fits in 32 bits. */
    FL_TYPE_INT64,              /* An integer. */
    FL_TYPE_STRING,             /* Text, never empty. */
};

/* One field's value, as flowlog_field_value() gives it. */
struct flowlog_value {
    int64_t integer;            /* FL_TYPE_INT32 and FL_TYPE_INT64. */
    const char *string;         /* FL_TYPE_STRING, 'length' bytes. */
    size_t length;
    char buf[32];               /* Holds 'string' when it is formatted. */
};

const char *flowlog_field_name(enum flowlog_field);
bool flowlog_field_from_name(const char *, enum flowlog_field *);
enum flowlog_field_type flowlog_field_type(enum flowlog_field);
bool flowlog_field_is_numeric(enum flowlog_field);
bool flowlog_field_value(enum flowlog_field, const struct flowlog_record *,
                         const struct flowlog_context *,
                         struct flowlog_value *);
bool flowlog_field_format(enum flowlog_field, const struct flowlog_record *,
                          const struct flowlog_context *, struct ds *);

const char *flowlog_direction_name(enum flowlog_direction);
const char *flowlog_verdict_name(enum flowlog_verdict);
const char *flowlog_status_name(enum flowlog_status);

void flowlog_csv_header(struct ds *, const enum flowlog_field *, size_t n);
void flowlog_csv_record(struct ds *, const enum flowlog_field *, size_t n,
                        const struct flowlog_record *,
                        const struct flowlog_context *);
void flowlog_json_record(struct ds *, const enum flowlog_field *, size_t n,
                         const struct flowlog_record *,
                         const struct flowlog_context *);
struct json *flowlog_json_field_names(const enum flowlog_field *, size_t n);
struct json *flowlog_json_record_create(const enum flowlog_field *,
                                        size_t n,
                                        const struct flowlog_record *,
                                        const struct flowlog_context *);

size_t flowlog_utf8_cut(const char *, size_t max);
char *flowlog_xastrftime_ms(long long int ms);
char *flowlog_utf8_xstrdup(const char *);

int flowlog_record_compare(const struct flowlog_record *,
                           const struct flowlog_record *);

#endif /* flowlog-record.h */
