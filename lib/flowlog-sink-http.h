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

#ifndef FLOWLOG_SINK_HTTP_H
#define FLOWLOG_SINK_HTTP_H 1

/* HTTP requests of the object-storage sinks, over libcurl.  A client keeps
 * one connection alive between requests.  Requests run in worker threads,
 * each bounded: a few seconds to connect, and the transfer is abandoned
 * when it stalls (under 1000 bytes/s for 30 s) or the exporter exits; a
 * transfer that keeps moving is never cut short, however long it takes. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/dynamic-string.h"
#include "smap.h"
#include "lib/flowlog-sink.h"

struct curl_slist;

struct sink_http_response {
    long status;                /* HTTP status, 0 if there was none. */
    char *error;                /* If 'status' is 0: what went wrong. */
    struct smap headers;        /* Response headers, names lowercased. */
    struct ds body;             /* Start of the response body. */
    size_t max_body;            /* How much of the body 'body' keeps. */
};

struct sink_http_request {
    const char *method;         /* "GET", "PUT", "POST", "DELETE". */
    const char *url;
    const struct curl_slist *headers;
    const struct sink_body *body;   /* For PUT and POST, or NULL.  One
                                     * in a file is read as it is sent
                                     * (PUT only). */

    /* How much of the response body to keep: 0 for the first 1 MiB
     * (enough for any error document or listing page), SIZE_MAX for all
     * of it (an object that is read). */
    size_t max_body;

    /* For S3: AWS Signature V4, e.g. "aws:amz:kr1:s3", with these keys. */
    const char *aws_sigv4;
    const char *username;
    const char *password;
};

struct sink_http *sink_http_create(void);
void sink_http_destroy(struct sink_http *);

void sink_http_perform(struct sink_http *,
                           const struct sink_http_request *,
                           struct sink_http_response *);
void sink_http_response_destroy(struct sink_http_response *);

/* For the fuzz harnesses of tests/fuzz/: a stand-in for the network that
 * answers every request of every client in the process.  It returns the
 * HTTP status (0 for a failed request, with '*error' set) and appends the
 * response's header lines (each ending in a new-line) to 'headers' and its
 * body to 'body', which then go through the same callbacks as libcurl's
 * replies.  NULL (the default) restores libcurl. */
typedef long sink_http_transport_func(const struct sink_http_request *,
                                      struct ds *headers, struct ds *body,
                                      char **error);
void sink_http_set_transport(sink_http_transport_func *);

const char *sink_http_header(const struct sink_http_response *,
                                 const char *name);

/* What the ETag of a successful PUT says about the bytes the store holds
 * (see sink_http_etag_check()). */
enum sink_etag {
    SINK_ETAG_MATCH,            /* They are the bytes sent. */
    SINK_ETAG_MISMATCH,         /* They are other bytes. */
    SINK_ETAG_OPAQUE,           /* Nothing: no ETag, or not an MD5. */
};
enum sink_etag sink_http_etag_check(const struct sink_http_response *,
                                    const char *etag, const char *expected);
char *sink_http_escape(const char *, bool keep_slash);
void sink_http_sha256_hex(const struct sink_body *, char hex[65]);

#define SINK_MD5_LEN 16
#define SINK_MD5_HEX_LEN 32
void sink_http_md5(const void *data, size_t size,
                       unsigned char md5[SINK_MD5_LEN]);
void sink_http_md5_hex(const void *data, size_t size,
                           char hex[SINK_MD5_HEX_LEN + 1]);
void sink_http_body_md5(const struct sink_body *,
                        unsigned char md5[SINK_MD5_LEN]);
void sink_http_body_md5_hex(const struct sink_body *,
                            char hex[SINK_MD5_HEX_LEN + 1]);

#endif /* flowlog-sink-http.h */
