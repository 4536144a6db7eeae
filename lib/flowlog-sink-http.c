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
#include "lib/flowlog-sink-http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/socket.h>

#include "ovs-thread.h"
#include "util.h"
#include "lib/flowlog-sink.h"

/* Bounds on one request (see the comment in flowlog-sink-http.h).  There
 * is deliberately no bound on a whole request: a large file over a slow
 * link takes as long as it takes, as long as it moves.  A transfer is
 * abandoned (and the upload retried) once it has moved fewer than
 * LOW_SPEED_BYTES per second for LOW_SPEED_SECONDS, which a live link,
 * however slow, does not do. */
/* Where read_cb() is in a body. */
struct body_reader {
    const struct sink_body *body;
    uint64_t pos;
    int error;
};

static size_t read_cb(char *, size_t, size_t, void *);

#define CONNECT_TIMEOUT_MS 3000
#define LOW_SPEED_BYTES 1000
#define LOW_SPEED_SECONDS 30

/* libcurl counts bytes as sent once the kernel takes them, and the kernel
 * would take megabytes into a socket's send buffer at once, then drain it
 * at the link's pace while libcurl, done sending, sees nothing move and
 * gives up after LOW_SPEED_SECONDS.  Keeping at most this much unsent in
 * the kernel makes libcurl's count follow the link (the data in flight is
 * still bounded only by TCP). */
#define NOTSENT_LOWAT (128 * 1024)

/* Keep at most this much of a response body: enough for an S3 error
 * document or a Keystone token response. */
#define MAX_BODY (1024 * 1024)

struct sink_http {
    CURL *curl;
};

/* See sink_http_set_transport(). */
static sink_http_transport_func *transport;

struct sink_http *
sink_http_create(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    if (ovsthread_once_start(&once)) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        ovsthread_once_done(&once);
    }

    struct sink_http *http = xzalloc(sizeof *http);
    http->curl = curl_easy_init();
    if (!http->curl) {
        out_of_memory();
    }
    return http;
}

void
sink_http_destroy(struct sink_http *http)
{
    if (http) {
        curl_easy_cleanup(http->curl);
        free(http);
    }
}

/* Abandons the transfer once sink_stop_all() was called. */
static int
progress_cb(void *aux OVS_UNUSED, curl_off_t dltotal OVS_UNUSED,
            curl_off_t dlnow OVS_UNUSED, curl_off_t ultotal OVS_UNUSED,
            curl_off_t ulnow OVS_UNUSED)
{
    return sink_stopping();
}

/* Sets up each new connection's socket. */
static int
sockopt_cb(void *aux OVS_UNUSED, curl_socket_t fd, curlsocktype purpose)
{
#ifdef TCP_NOTSENT_LOWAT
    if (purpose == CURLSOCKTYPE_IPCXN) {
        int lowat = NOTSENT_LOWAT;

        /* Best effort: without it, only the end of an upload is measured
         * less well. */
        setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat);
    }
#endif
    return CURL_SOCKOPT_OK;
}

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *resp_)
{
    struct sink_http_response *resp = resp_;
    size_t n = size * nmemb;

    if (resp->body.length < resp->max_body) {
        ds_put_buffer(&resp->body, ptr,
                      MIN(n, resp->max_body - resp->body.length));
    }
    return n;
}

static size_t
header_cb(char *ptr, size_t size, size_t nmemb, void *resp_)
{
    struct sink_http_response *resp = resp_;
    size_t n = size * nmemb;
    const char *colon = memchr(ptr, ':', n);

    if (colon && colon > ptr) {
        char *name = xmemdup0(ptr, colon - ptr);
        for (char *p = name; *p; p++) {
            *p = tolower((unsigned char) *p);
        }
        const char *v = colon + 1;
        const char *end = ptr + n;
        while (v < end && isspace((unsigned char) *v)) {
            v++;
        }
        while (end > v && isspace((unsigned char) end[-1])) {
            end--;
        }
        /* A redirect or "100 Continue" starts a new set of headers; the
         * last value of each name wins. */
        smap_replace_nocopy(&resp->headers, name, xmemdup0(v, end - v));
        free(name);
    }
    return n;
}

/* Answers 'req' through 'transport' instead of libcurl: its header lines
 * and body go through header_cb() and write_cb() as libcurl would pass
 * them (the body in pieces of at most CURL_MAX_WRITE_SIZE). */
static void
perform_transport(const struct sink_http_request *req,
                  struct sink_http_response *resp)
{
    struct ds headers = DS_EMPTY_INITIALIZER;
    struct ds body = DS_EMPTY_INITIALIZER;

    resp->status = transport(req, &headers, &body, &resp->error);
    if (resp->status) {
        char *p = headers.string;
        char *end = p + headers.length;
        while (p < end) {
            char *nl = memchr(p, '\n', end - p);
            char *next = nl ? nl + 1 : end;
            header_cb(p, 1, next - p, resp);
            p = next;
        }
        for (size_t ofs = 0; ofs < body.length; ofs += CURL_MAX_WRITE_SIZE) {
            write_cb(body.string + ofs, 1,
                     MIN(body.length - ofs, CURL_MAX_WRITE_SIZE), resp);
        }
    } else if (!resp->error) {
        resp->error = xstrdup("no response");
    }
    ds_destroy(&headers);
    ds_destroy(&body);
}

void
sink_http_set_transport(sink_http_transport_func *func)
{
    transport = func;
}

/* Performs 'req' and stores the outcome in 'resp', which the caller must
 * free with sink_http_response_destroy(). */
void
sink_http_perform(struct sink_http *http,
                      const struct sink_http_request *req,
                      struct sink_http_response *resp)
{
    char errbuf[CURL_ERROR_SIZE];
    CURL *c = http->curl;

    errbuf[0] = '\0';
    resp->status = 0;
    resp->error = NULL;
    smap_init(&resp->headers);
    ds_init(&resp->body);
    resp->max_body = req->max_body ? req->max_body : MAX_BODY;
    if (transport) {
        perform_transport(req, resp);
        return;
    }

    /* Reset keeps the connection cache, so the connection stays alive. */
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long) CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long) LOW_SPEED_BYTES);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long) LOW_SPEED_SECONDS);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_SOCKOPTFUNCTION, sockopt_cb);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, req->headers);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

    struct body_reader reader = { .body = req->body };
    if (req->body && !req->body->data) {
        /* A body in a file, read as it goes out.  (S3 requests carry the
         * body's x-amz-content-sha256, which libcurl's SigV4 signs.) */
        ovs_assert(!strcmp(req->method, "PUT"));
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
                         (curl_off_t) req->body->size);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(c, CURLOPT_READDATA, &reader);
    } else if (!strcmp(req->method, "PUT") || !strcmp(req->method, "POST")) {
        /* The body as POSTFIELDS, so that libcurl's SigV4 signs exactly
         * these bytes; the method is then overridden. */
        size_t size = req->body ? req->body->size : 0;
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS,
                         size ? req->body->data : "");
        if (strcmp(req->method, "POST")) {
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
        }
    } else if (strcmp(req->method, "GET")) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    }

    if (req->aws_sigv4) {
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, req->aws_sigv4);
        /* Separately: an access key may hold a ':'. */
        curl_easy_setopt(c, CURLOPT_USERNAME, req->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, req->password);
    }

    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        /* For a timeout, libcurl's detailed message names the bound that
         * was hit ("Operation too slow. Less than 1000 bytes/sec ..."). */
        resp->error = (reader.error
                       ? xasprintf("reading the file to upload failed (%s)",
                                   ovs_strerror(reader.error))
                       : xstrdup(rc == CURLE_OPERATION_TIMEDOUT && errbuf[0]
                                 ? errbuf : curl_easy_strerror(rc)));
        smap_clear(&resp->headers);
        ds_clear(&resp->body);
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    }
    if (req->password) {
        curl_easy_setopt(c, CURLOPT_PASSWORD, "");
    }
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
}

void
sink_http_response_destroy(struct sink_http_response *resp)
{
    free(resp->error);
    smap_destroy(&resp->headers);
    ds_destroy(&resp->body);
}

/* The value of response header 'name' (lowercase), or NULL. */
const char *
sink_http_header(const struct sink_http_response *resp,
                     const char *name)
{
    return smap_get(&resp->headers, name);
}

static void
to_hex(const unsigned char *md, unsigned int n, char *hex)
{
    for (unsigned int i = 0; i < n; i++) {
        sprintf(&hex[2 * i], "%02x", md[i]);
    }
    hex[2 * n] = '\0';
}

/* Feeds a body in a file to libcurl. */
static size_t
read_cb(char *buf, size_t size, size_t nitems, void *reader_)
{
    struct body_reader *reader = reader_;
    const struct sink_body *body = reader->body;
    size_t n = MIN(size * nitems, body->size - reader->pos);

    reader->error = sink_body_read(body, reader->pos, buf, n);
    if (reader->error) {
        return CURL_READFUNC_ABORT;
    }
    reader->pos += n;
    return n;
}

/* Runs 'md' over 'body', 64 kB at a time. */
static void
body_digest(const struct sink_body *body, const EVP_MD *md,
            unsigned char *out, unsigned int out_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int n = 0;
    char *buf = body->data ? NULL : xmalloc(65536);

    if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL)) {
        ovs_fatal(0, "OpenSSL cannot compute %s", EVP_MD_get0_name(md));
    }
    for (uint64_t pos = 0; pos < body->size; ) {
        size_t chunk = MIN(65536, body->size - pos);
        const void *p;
        if (body->data) {
            p = (const char *) body->data + pos;
        } else if (sink_body_read(body, pos, buf, chunk)) {
            /* The upload fails reading it too, with the error. */
            break;
        } else {
            p = buf;
        }
        EVP_DigestUpdate(ctx, p, chunk);
        pos += chunk;
    }
    if (!EVP_DigestFinal_ex(ctx, out, &n) || n != out_len) {
        ovs_fatal(0, "OpenSSL cannot compute %s", EVP_MD_get0_name(md));
    }
    EVP_MD_CTX_free(ctx);
    free(buf);
}

/* The MD5 of 'body', binary or as lowercase hex. */
void
sink_http_body_md5(const struct sink_body *body,
                   unsigned char md5[SINK_MD5_LEN])
{
    body_digest(body, EVP_md5(), md5, SINK_MD5_LEN);
}

void
sink_http_body_md5_hex(const struct sink_body *body,
                       char hex[SINK_MD5_HEX_LEN + 1])
{
    unsigned char md5[SINK_MD5_LEN];

    sink_http_body_md5(body, md5);
    to_hex(md5, SINK_MD5_LEN, hex);
}

/* The MD5 of 'data', binary or as lowercase hex: what object stores give
 * as ETag. */
void
sink_http_md5(const void *data, size_t size,
                  unsigned char md5[SINK_MD5_LEN])
{
    unsigned int n = 0;

    if (!EVP_Digest(data, size, md5, &n, EVP_md5(), NULL)
        || n != SINK_MD5_LEN) {
        ovs_fatal(0, "OpenSSL cannot compute MD5");
    }
}

void
sink_http_md5_hex(const void *data, size_t size,
                      char hex[SINK_MD5_HEX_LEN + 1])
{
    unsigned char md5[SINK_MD5_LEN];

    sink_http_md5(data, size, md5);
    to_hex(md5, SINK_MD5_LEN, hex);
}

/* Compares ETag 'etag' of 'resp' (NULL: its ETag header) with 'expected',
 * the lowercase hex MD5 of the bytes sent, or for an S3 multipart upload
 * the MD5 of the parts' MD5s followed by "-N".
 *
 * The store has already verified the body against what the request said
 * it was (Content-MD5 or Swift's ETag request header, or S3's signed
 * x-amz-content-sha256), so a 2xx reply is the proof; the ETag is only a
 * second look.  It is the MD5 only by convention, and not under S3
 * server-side encryption with KMS (or with customer keys), so it is
 * compared only when it has the shape of 'expected' and the reply has no
 * x-amz-server-side-encryption header. */
enum sink_etag
sink_http_etag_check(const struct sink_http_response *resp,
                     const char *etag, const char *expected)
{
    const struct smap_node *node;

    SMAP_FOR_EACH (node, &resp->headers) {
        if (!strncmp(node->key, "x-amz-server-side-encryption",
                     strlen("x-amz-server-side-encryption"))) {
            return SINK_ETAG_OPAQUE;
        }
    }

    if (!etag) {
        etag = sink_http_header(resp, "etag");
    }
    size_t len = etag ? strlen(etag) : 0;
    if (len >= 2 && etag[0] == '"' && etag[len - 1] == '"') {
        etag++;
        len -= 2;
    }

    /* The shape: 32 hex digits, then "-" and digits iff 'expected' has. */
    const char *dash = strchr(expected, '-');
    size_t hex_len = strspn(etag ? etag : "", "0123456789abcdefABCDEF");
    if (hex_len != SINK_MD5_HEX_LEN
        || (dash
            ? (len < hex_len + 2 || etag[hex_len] != '-'
               || strspn(etag + hex_len + 1, "0123456789")
                  != len - hex_len - 1)
            : len != hex_len)) {
        return SINK_ETAG_OPAQUE;
    }
    return (len == strlen(expected) && !strncasecmp(etag, expected, len)
            ? SINK_ETAG_MATCH
            : SINK_ETAG_MISMATCH);
}

/* The hex SHA-256 of 'body', for S3's x-amz-content-sha256. */
void
sink_http_sha256_hex(const struct sink_body *body, char hex[65])
{
    unsigned char md[32];

    body_digest(body, EVP_sha256(), md, sizeof md);
    to_hex(md, sizeof md, hex);
}

/* 's' percent-encoded for a URL path (with 'keep_slash') or a query string
 * value.  Every byte but the unreserved ones (and '/' in a path) is
 * encoded, which is also the canonical form that AWS Signature V4 signs. */
char *
sink_http_escape(const char *s, bool keep_slash)
{
    struct ds e = DS_EMPTY_INITIALIZER;

    for (; *s; s++) {
        unsigned char c = *s;
        if (isalnum(c) || strchr("-._~", c) || (c == '/' && keep_slash)) {
            ds_put_char(&e, c);
        } else {
            ds_put_format(&e, "%%%02X", c);
        }
    }
    return ds_steal_cstr(&e);
}
