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

/* The s3:// sink: objects in an S3 bucket, signed with AWS Signature V4
 * by libcurl (CURLOPT_AWS_SIGV4).
 *
 * libcurl 7.88 (Debian 12) does not send x-amz-content-sha256, which
 * Swift's s3api and others require, so it is added here with the body's
 * real SHA-256 (it is then signed too).  The access key goes in
 * CURLOPT_USERNAME on its own because s3api's keys ("account:user")
 * contain a colon.  URLs are path-style (ENDPOINT/BUCKET/KEY) unless
 * path-style=false asks for virtual-host style (BUCKET.HOST/KEY).  Files
 * of multipart-threshold bytes or more go up in a multipart upload.
 *
 * The signed x-amz-content-sha256 makes the store verify every body it
 * receives (400 BadDigest otherwise), so a 2xx reply means it holds the
 * bytes sent.  The reply's ETag is compared with the MD5 too, when it is
 * one: not under server-side encryption with KMS or customer keys, where
 * AWS's ETag is something else (sink_http_etag_check()). */

#include <config.h>
#include "lib/flowlog-sink.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "util.h"
#include "lib/flowlog-sink-config.h"
#include "lib/flowlog-sink-http.h"

VLOG_DEFINE_THIS_MODULE(exporter_s3);

struct s3_sink {
    struct sink up;
    const struct sink_credentials *creds;
    char *base_url;             /* Up to the bucket's '/', inclusive. */
    char *prefix;               /* "" or ending in '/'. */
    char *bucket;
    char *sigv4;                /* "aws:amz:REGION:s3". */
    uint64_t multipart_threshold;   /* Files this big go in parts... */
    uint64_t part_size;             /* ...of this size. */
    struct sink_http *http;
};

/* Defaults: a flow log file is rarely this big, but a 5-tuple flood on a
 * busy host makes one. */
#define MULTIPART_THRESHOLD_DEFAULT (64ULL * 1024 * 1024)
#define PART_SIZE_DEFAULT (16ULL * 1024 * 1024)

/* S3 allows up to 10000 parts. */
#define MAX_PARTS 10000

static struct s3_sink *
s3_sink_cast(struct sink *sink)
{
    return SINK_CAST(sink, struct s3_sink, &sink_s3_class);
}

static enum sink_status
s3_open(const char *target, const char *credentials,
        const struct sink_config *cfg, struct sink **sinkp,
        char **reason)
{
    const struct sink_credentials *creds
        = sink_config_credentials(cfg, credentials);

    if (!creds || !creds->type || strcmp(creds->type, "s3")) {
        *reason = xasprintf("target %s: credentials=%s: %s has no section "
                            "[%s] with type=s3", target, credentials,
                            sink_config_file_name(cfg), credentials);
        return SINK_CONFIG_ERROR;
    }
    const char *region = sink_cred(creds, "region");
    if (!region) {
        region = "us-east-1";
    }
    const char *endpoint = sink_cred(creds, "endpoint");
    char *aws_endpoint = NULL;
    if (!endpoint) {
        /* AWS itself. */
        endpoint = aws_endpoint = xasprintf("https://s3.%s.amazonaws.com",
                                            region);
    }
    /* sink_config_load() checked the values' syntax. */
    const char *path_style = sink_cred(creds, "path-style");
    bool virtual_host = path_style && !strcmp(path_style, "false");
    const char *threshold = sink_cred(creds, "multipart-threshold");
    const char *part_size = sink_cred(creds, "multipart-part-size");

    const char *path = target + strlen("s3://");
    const char *slash = strchr(path, '/');
    size_t bucket_len = slash ? slash - path : strlen(path);
    char *bucket = xmemdup0(path, bucket_len);
    if (bucket_len < 3 || bucket_len > 63
        || strspn(bucket, "abcdefghijklmnopqrstuvwxyz0123456789.-")
           != bucket_len) {
        *reason = xasprintf("target %s: bucket name \"%s\" is not 3 to 63 "
                            "lowercase letters, digits, '.' and '-'",
                            target, bucket);
        free(bucket);
        free(aws_endpoint);
        return SINK_CONFIG_ERROR;
    }

    struct s3_sink *s = xzalloc(sizeof *s);
    s->up.class = &sink_s3_class;
    s->up.target = xstrdup(target);
    s->creds = creds;
    s->bucket = bucket;

    size_t n = strlen(endpoint);
    while (n && endpoint[n - 1] == '/') {
        n--;
    }
    if (virtual_host) {
        const char *host = strstr(endpoint, "://") + 3;
        s->base_url = xasprintf("%.*s%s.%.*s/", (int) (host - endpoint),
                                endpoint, bucket, (int) (endpoint + n - host),
                                host);
    } else {
        s->base_url = xasprintf("%.*s/%s/", (int) n, endpoint, bucket);
    }

    s->prefix = sink_prefix(slash);

    s->sigv4 = xasprintf("aws:amz:%s:s3", region);
    s->multipart_threshold = (threshold
                              ? strtoull(threshold, NULL, 10)
                              : MULTIPART_THRESHOLD_DEFAULT);
    s->part_size = (part_size
                    ? strtoull(part_size, NULL, 10)
                    : PART_SIZE_DEFAULT);
    free(aws_endpoint);
    s->http = sink_http_create();

    *sinkp = &s->up;
    return SINK_OK;
}

static void
s3_close(struct sink *sink)
{
    struct s3_sink *s = s3_sink_cast(sink);

    sink_http_destroy(s->http);
    free(s->base_url);
    free(s->prefix);
    free(s->bucket);
    free(s->sigv4);
    free(s->up.target);
    free(s);
}

/* The text of the first <'tag'> element in 'xml', or NULL. */
static char *
xml_element(const char *xml, const char *tag)
{
    const char *body = xml;
    char *open = xasprintf("<%s>", tag);
    char *close = xasprintf("</%s>", tag);
    const char *start = strstr(body, open);
    const char *end = start ? strstr(start, close) : NULL;
    char *value = (end
                   ? xmemdup0(start + strlen(open),
                              end - (start + strlen(open)))
                   : NULL);

    free(open);
    free(close);
    return value;
}

/* The <Code> of an S3 error document, or "". */
static char *
s3_error_code(const struct sink_http_response *resp)
{
    char *code = xml_element(ds_cstr_ro(&resp->body), "Code");

    return code ? code : xstrdup("");
}

/* Sends one request for object 'key' (NULL: for the bucket) with the sorted
 * query string 'query' (or NULL) and 'body' (or NULL), and maps the answer
 * to a status, with the reason in '*reason' if it is not SINK_OK.  Stores
 * the response in '*resp', which the caller destroys. */
static enum sink_status
s3_request(struct s3_sink *s, const char *method, const char *key,
           const char *query, const char *content_type,
           const struct sink_body *body,
           struct sink_http_response *resp, char **reason)
{
    char *path = key ? xasprintf("%s%s", s->prefix, key) : xstrdup("");
    char *escaped = sink_http_escape(path, true);
    char *url = xasprintf("%s%s%s%s", s->base_url, escaped,
                          query ? "?" : "", query ? query : "");
    free(escaped);
    free(path);

    struct sink_body empty = SINK_BODY_MEM("", 0);
    char hex[65];
    sink_http_sha256_hex(body ? body : &empty, hex);
    char *h = xasprintf("x-amz-content-sha256: %s", hex);
    struct curl_slist *headers = curl_slist_append(NULL, h);
    free(h);
    const char *session_token = sink_cred(s->creds, "session-token");
    if (session_token) {
        h = xasprintf("x-amz-security-token: %s", session_token);
        headers = curl_slist_append(headers, h);
        free(h);
    }
    if (content_type) {
        h = xasprintf("Content-Type: %s", content_type);
        headers = curl_slist_append(headers, h);
        free(h);
    }

    struct sink_http_request req = {
        .method = method,
        .url = url,
        .headers = headers,
        .body = body,
        .max_body = !strcmp(method, "GET") && key ? SIZE_MAX : 0,
        .aws_sigv4 = s->sigv4,
        .username = sink_cred(s->creds, "access-key"),
        .password = sink_cred(s->creds, "secret-key"),
    };
    sink_http_perform(s->http, &req, resp);
    curl_slist_free_all(headers);

    enum sink_status status;
    /* (The body of an object that was read is not an error document.) */
    char *code = (!strcmp(method, "GET") && key && resp->status >= 200
                  && resp->status <= 299
                  ? xstrdup("") : s3_error_code(resp));
    if (!resp->status) {
        *reason = xasprintf("target %s: %s %s: %s", s->up.target, method,
                            url, resp->error);
        status = SINK_UNAVAILABLE;
    } else if (resp->status >= 200 && resp->status <= 299 && !code[0]) {
        /* (CompleteMultipartUpload may fail with 200 and an <Error>.) */
        status = SINK_OK;
    } else if (resp->status == 404 && !strcmp(method, "DELETE")
               && strcmp(code, "NoSuchBucket")) {
        status = SINK_OK;       /* Already gone. */
    } else if (resp->status == 401
               || !strcmp(code, "InvalidAccessKeyId")
               || !strcmp(code, "SignatureDoesNotMatch")
               || !strcmp(code, "InvalidToken")
               || !strcmp(code, "ExpiredToken")) {
        *reason = xasprintf("target %s: %s %s: %s (HTTP status %ld): check "
                            "the credentials", s->up.target, method, url,
                            code[0] ? code : "refused", resp->status);
        status = SINK_AUTH_ERROR;
    } else if (resp->status == 403 || resp->status == 404
               || !strcmp(code, "NoSuchBucket")) {
        *reason = xasprintf("target %s: %s %s: %s (HTTP status %ld)%s",
                            s->up.target, method, url,
                            code[0] ? code : "refused", resp->status,
                            (resp->status == 404
                             ? ": does the bucket exist?"
                             : !strcmp(method, "DELETE")
                             ? ": the keys may not delete from this bucket"
                             : !strcmp(method, "GET")
                             ? ": the keys may not read this bucket"
                             : ": the keys may not write to this bucket"));
        status = SINK_CONFIG_ERROR;
    } else {
        *reason = xasprintf("target %s: %s %s: %s%sHTTP status %ld",
                            s->up.target, method, url, code,
                            code[0] ? ", " : "", resp->status);
        status = SINK_UNAVAILABLE;
    }
    free(code);
    free(url);
    return status;
}

/* Checks the store's ETag in 'resp' (or 'etag', if nonnull) against
 * 'expected' (lowercase hex MD5, with a "-N" suffix for a multipart
 * upload), where it can be checked: see sink_http_etag_check(). */
static enum sink_status
s3_check_etag(struct s3_sink *s, const char *what, const char *key,
              const struct sink_http_response *resp,
              const char *etag, const char *expected, char **reason)
{
    if (sink_http_etag_check(resp, etag, expected) != SINK_ETAG_MISMATCH) {
        return SINK_OK;
    }
    if (!etag) {
        etag = sink_http_header(resp, "etag");
    }

    size_t len = strlen(etag);
    if (len >= 2 && etag[0] == '"' && etag[len - 1] == '"') {
        etag++;
        len -= 2;
    }
    *reason = xasprintf("target %s: %s of %s%s: the store's ETag %.*s is "
                        "not %s, the MD5 of the bytes sent", s->up.target,
                        what, s->prefix, key, (int) len, etag, expected);
    return SINK_UNAVAILABLE;
}

/* Appends 's' to 'ds' with XML's special characters as entities. */
static void
xml_escape(struct ds *ds, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': ds_put_cstr(ds, "&amp;"); break;
        case '<': ds_put_cstr(ds, "&lt;"); break;
        case '>': ds_put_cstr(ds, "&gt;"); break;
        case '"': ds_put_cstr(ds, "&quot;"); break;
        default: ds_put_char(ds, *s); break;
        }
    }
}

/* Undoes XML's five predefined entities in 's', in place. */
static void
xml_unescape(char *s)
{
    static const struct { const char *entity; char c; } entities[] = {
        { "&quot;", '"' }, { "&amp;", '&' }, { "&apos;", '\'' },
        { "&lt;", '<' }, { "&gt;", '>' },
    };
    char *out = s;

    while (*s) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(entities); i++) {
            size_t n = strlen(entities[i].entity);
            if (!strncmp(s, entities[i].entity, n)) {
                *out++ = entities[i].c;
                s += n;
                break;
            }
        }
        if (i == ARRAY_SIZE(entities)) {
            *out++ = *s++;
        }
    }
    *out = '\0';
}

/* AbortMultipartUpload of 'upload_id' (unescaped) of object 'key', so that
 * its parts do not linger.  Logs a failure. */
static void
s3_abort(struct s3_sink *s, const char *key, const char *upload_id)
{
    struct sink_http_response resp;
    char *upload_q = sink_http_escape(upload_id, false);
    char *query = xasprintf("uploadId=%s", upload_q);
    char *reason = NULL;

    if (s3_request(s, "DELETE", key, query, NULL, NULL, &resp, &reason)
        != SINK_OK) {
        VLOG_WARN("%s: aborting multipart upload %s of %s%s failed (%s); "
                  "the bucket's lifecycle rules must remove its parts",
                  s->up.target, upload_id, s->prefix, key, reason);
    }
    sink_http_response_destroy(&resp);
    free(reason);
    free(query);
    free(upload_q);
}

/* Aborts the multipart uploads of object 'key' other than 'upload_id': an
 * exporter killed in the middle of one leaves it behind, and the retry
 * after the restart starts another.  Best effort: failures are logged. */
static void
s3_sweep(struct s3_sink *s, const char *key, const char *upload_id)
{
    struct sink_http_response resp;
    char *full_key = xasprintf("%s%s", s->prefix, key);
    char *prefix_q = sink_http_escape(full_key, false);
    char *query = xasprintf("prefix=%s&uploads=", prefix_q);
    char *reason = NULL;

    if (s3_request(s, "GET", NULL, query, NULL, NULL, &resp, &reason)
        != SINK_OK) {
        VLOG_WARN("%s: listing the multipart uploads of %s failed (%s)",
                  s->up.target, full_key, reason);
    } else {
        /* <Upload><Key>K</Key><UploadId>U</UploadId>...</Upload>... */
        const char *p = ds_cstr_ro(&resp.body);
        int n = 0;

        while ((p = strstr(p, "<Upload>")) != NULL) {
            const char *end = strstr(p, "</Upload>");
            if (!end) {
                break;
            }

            char *upload = xmemdup0(p, end - p);
            char *k = xml_element(upload, "Key");
            char *u = xml_element(upload, "UploadId");
            free(upload);
            if (k && u) {
                xml_unescape(k);
                xml_unescape(u);
                if (!strcmp(k, full_key) && strcmp(u, upload_id)) {
                    s3_abort(s, key, u);
                    n++;
                }
            }
            free(k);
            free(u);
            p = end;
        }
        if (n) {
            VLOG_INFO("%s: aborted %d earlier multipart upload%s of %s, "
                      "left by an interrupted attempt", s->up.target, n,
                      n == 1 ? "" : "s", full_key);
        }
    }
    sink_http_response_destroy(&resp);
    free(reason);
    free(query);
    free(prefix_q);
    free(full_key);
}

static enum sink_status
s3_put_single(struct s3_sink *s, const char *key,
              const struct sink_body *body, char **reason)
{
    struct sink_http_response resp;
    char md5[SINK_MD5_HEX_LEN + 1];

    enum sink_status status = s3_request(s, "PUT", key, NULL,
                                             "application/octet-stream",
                                             body, &resp, reason);
    if (status == SINK_OK) {
        sink_http_body_md5_hex(body, md5);
        status = s3_check_etag(s, "PUT", key, &resp, NULL, md5, reason);
    }
    sink_http_response_destroy(&resp);
    return status;
}

/* A multipart upload: CreateMultipartUpload, one UploadPart per
 * 'part_size' bytes, CompleteMultipartUpload.  Every part's ETag is checked
 * against its MD5, and the object's against S3's multipart ETag (the MD5
 * of the parts' MD5s, "-" and the number of parts).  A failed upload is
 * aborted, so that its parts do not linger in the bucket. */
static enum sink_status
s3_put_multipart(struct s3_sink *s, const char *key,
                 const struct sink_body *body, char **reason)
{
    uint64_t size = body->size;
    struct sink_http_response resp;
    enum sink_status status;

    status = s3_request(s, "POST", key, "uploads=",
                        "application/octet-stream", NULL, &resp, reason);
    char *upload_id = (status == SINK_OK
                       ? xml_element(ds_cstr_ro(&resp.body), "UploadId")
                       : NULL);
    sink_http_response_destroy(&resp);
    if (status != SINK_OK) {
        return status;
    }
    if (!upload_id || !upload_id[0]) {
        *reason = xasprintf("target %s: POST of %s%s?uploads: the answer "
                            "has no UploadId", s->up.target, s->prefix, key);
        free(upload_id);
        return SINK_UNAVAILABLE;
    }
    xml_unescape(upload_id);
    char *upload_q = sink_http_escape(upload_id, false);

    size_t part_size = MAX(s->part_size, DIV_ROUND_UP(size, MAX_PARTS));
    size_t n_parts = DIV_ROUND_UP(size, part_size);
    struct ds complete = DS_EMPTY_INITIALIZER;
    unsigned char *md5s = xmalloc(n_parts * SINK_MD5_LEN);

    ds_put_cstr(&complete, "<CompleteMultipartUpload>");
    for (size_t i = 0; status == SINK_OK && i < n_parts; i++) {
        size_t part_len = MIN(part_size, size - i * part_size);
        struct sink_body part = sink_body_slice(body, i * part_size,
                                                part_len);
        char md5[SINK_MD5_HEX_LEN + 1];
        char *query = xasprintf("partNumber=%"PRIuSIZE"&uploadId=%s", i + 1,
                                upload_q);

        sink_http_body_md5(&part, &md5s[i * SINK_MD5_LEN]);
        for (int k = 0; k < SINK_MD5_LEN; k++) {
            sprintf(&md5[2 * k], "%02x", md5s[i * SINK_MD5_LEN + k]);
        }
        status = s3_request(s, "PUT", key, query,
                            "application/octet-stream", &part,
                            &resp, reason);
        if (status == SINK_OK) {
            char *what = xasprintf("part %"PRIuSIZE" of %"PRIuSIZE, i + 1,
                                   n_parts);
            status = s3_check_etag(s, what, key, &resp, NULL, md5, reason);
            free(what);
        }
        /* CompleteMultipartUpload wants the ETags the store gave, which
         * are not the MD5s under SSE-KMS. */
        const char *etag = sink_http_header(&resp, "etag");
        size_t etag_len = etag ? strlen(etag) : 0;
        if (etag_len >= 2 && etag[0] == '"' && etag[etag_len - 1] == '"') {
            etag++;
            etag_len -= 2;
        }
        char *part_etag = etag_len ? xmemdup0(etag, etag_len) : xstrdup(md5);
        ds_put_format(&complete, "<Part><PartNumber>%"PRIuSIZE"</PartNumber>"
                      "<ETag>\"", i + 1);
        xml_escape(&complete, part_etag);
        ds_put_cstr(&complete, "\"</ETag></Part>");
        free(part_etag);
        sink_http_response_destroy(&resp);
        free(query);
    }
    ds_put_cstr(&complete, "</CompleteMultipartUpload>");

    if (status == SINK_OK) {
        char *query = xasprintf("uploadId=%s", upload_q);
        struct sink_body xml = SINK_BODY_MEM(complete.string,
                                             complete.length);
        status = s3_request(s, "POST", key, query, "application/xml",
                            &xml, &resp, reason);
        free(query);
        if (status == SINK_OK) {
            char expected[SINK_MD5_HEX_LEN + 1 + 12];
            char *etag = xml_element(ds_cstr_ro(&resp.body), "ETag");

            sink_http_md5_hex(md5s, n_parts * SINK_MD5_LEN,
                                  expected);
            snprintf(expected + SINK_MD5_HEX_LEN,
                     sizeof expected - SINK_MD5_HEX_LEN,
                     "-%"PRIuSIZE, n_parts);
            if (etag) {
                xml_unescape(etag);
            }
            status = s3_check_etag(s, "CompleteMultipartUpload", key, &resp,
                                   etag, expected, reason);
            free(etag);
        }
        sink_http_response_destroy(&resp);
    }

    if (status != SINK_OK) {
        /* The reason stays the first failure's. */
        s3_abort(s, key, upload_id);
    } else {
        s3_sweep(s, key, upload_id);
    }

    ds_destroy(&complete);
    free(md5s);
    free(upload_q);
    free(upload_id);
    return status;
}

static enum sink_status
s3_put(struct sink *sink, const char *key, const struct sink_body *body,
       char **reason)
{
    struct s3_sink *s = s3_sink_cast(sink);

    return (body->size >= s->multipart_threshold
            ? s3_put_multipart(s, key, body, reason)
            : s3_put_single(s, key, body, reason));
}

static enum sink_status
s3_delete(struct sink *sink, const char *key, char **reason)
{
    struct sink_http_response resp;
    enum sink_status status = s3_request(s3_sink_cast(sink), "DELETE",
                                             key, NULL, NULL, NULL,
                                             &resp, reason);

    sink_http_response_destroy(&resp);
    return status;
}

/* ListObjectsV2 in pages of 'page_size' keys (max-keys), each page after
 * the continuation token of the one before.  The reply is a flat list of
 * <Contents> elements: the few elements read here are found as the
 * multipart upload's replies are, without an XML library. */
static enum sink_status
s3_list(struct sink *sink, const char *prefix, size_t page_size,
        sink_list_func *cb, void *aux, char **reason)
{
    struct s3_sink *s = s3_sink_cast(sink);
    char *full = xasprintf("%s%s", s->prefix, prefix);
    char *escaped_prefix = sink_http_escape(full, false);
    size_t skip = strlen(s->prefix);
    char *token = NULL;
    enum sink_status status;

    for (;;) {
        struct sink_http_response resp;
        char *escaped_token = token ? sink_http_escape(token, false) : NULL;
        /* Sorted by name: libcurl signs the query string as written. */
        char *query = xasprintf("%s%s%slist-type=2&max-keys=%"PRIuSIZE
                                "&prefix=%s",
                                token ? "continuation-token=" : "",
                                token ? escaped_token : "",
                                token ? "&" : "", page_size, escaped_prefix);
        status = s3_request(s, "GET", NULL, query, NULL, NULL, &resp,
                            reason);
        free(query);
        free(escaped_token);
        free(token);
        token = NULL;
        if (status != SINK_OK) {
            sink_http_response_destroy(&resp);
            break;
        }

        const char *p = ds_cstr(&resp.body);
        size_t n = 0;
        while ((p = strstr(p, "<Contents>"))) {
            const char *end = strstr(p, "</Contents>");
            if (!end) {
                break;
            }
            char *contents = xmemdup0(p, end - p);
            char *key = xml_element(contents, "Key");
            char *size = xml_element(contents, "Size");
            if (key) {
                xml_unescape(key);
                if (strlen(key) >= skip) {
                    cb(aux, key + skip, size ? strtoull(size, NULL, 10) : 0);
                }
                n++;
            }
            free(key);
            free(size);
            free(contents);
            p = end;
        }
        char *truncated = xml_element(ds_cstr(&resp.body), "IsTruncated");
        bool more = truncated && !strcmp(truncated, "true");
        free(truncated);
        if (more) {
            token = xml_element(ds_cstr(&resp.body),
                                "NextContinuationToken");
            if (token) {
                xml_unescape(token);
            } else {
                *reason = xasprintf("target %s: a truncated listing without "
                                    "NextContinuationToken", s->up.target);
                status = SINK_UNAVAILABLE;
            }
        }
        sink_http_response_destroy(&resp);
        if (!token) {
            break;
        }
    }
    free(full);
    free(escaped_prefix);
    return status;
}

static enum sink_status
s3_get(struct sink *sink, const char *key, struct ds *body, char **reason)
{
    struct sink_http_response resp;
    enum sink_status status = s3_request(s3_sink_cast(sink), "GET", key,
                                         NULL, NULL, NULL, &resp, reason);

    if (status == SINK_OK) {
        ds_swap(body, &resp.body);
    }
    sink_http_response_destroy(&resp);
    return status;
}

const struct sink_class sink_s3_class = {
    .scheme = "s3",
    .open = s3_open,
    .close = s3_close,
    .put = s3_put,
    .delete = s3_delete,
    .list = s3_list,
    .get = s3_get,
};
