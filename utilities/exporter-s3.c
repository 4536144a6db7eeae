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
 * path-style=false asks for virtual-host style (BUCKET.HOST/KEY).  Every
 * PUT is checked against its ETag (MD5). */

#include <config.h>
#include "utilities/exporter-sink.h"

#include <curl/curl.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"
#include "utilities/exporter-config.h"
#include "utilities/exporter-http.h"

struct s3_sink {
    struct exporter_sink up;
    const struct exporter_credentials *creds;
    char *base_url;             /* Up to the bucket's '/', inclusive. */
    char *prefix;               /* "" or ending in '/'. */
    char *bucket;
    char *sigv4;                /* "aws:amz:REGION:s3". */
    struct exporter_http *http;
};

static struct s3_sink *
s3_sink_cast(struct exporter_sink *sink)
{
    ovs_assert(sink->class == &exporter_s3_class);
    return CONTAINER_OF(sink, struct s3_sink, up);
}

static const char *
cred(const struct exporter_credentials *creds, const char *key)
{
    return exporter_credentials_get(creds, key);
}

static enum exporter_status
s3_open(const char *target, const char *credentials,
        const struct exporter_config *cfg, struct exporter_sink **sinkp,
        char **reason)
{
    const struct exporter_credentials *creds
        = exporter_config_credentials(cfg, credentials);

    if (!creds || !creds->type || strcmp(creds->type, "s3")) {
        *reason = xasprintf("target %s: credentials=%s: %s has no section "
                            "[%s] with type=s3", target, credentials,
                            exporter_config_file_name(cfg), credentials);
        return EXPORTER_CONFIG_ERROR;
    }
    const char *region = cred(creds, "region");
    if (!region) {
        region = "us-east-1";
    }
    const char *endpoint = cred(creds, "endpoint");
    char *aws_endpoint = NULL;
    if (!endpoint) {
        /* AWS itself. */
        endpoint = aws_endpoint = xasprintf("https://s3.%s.amazonaws.com",
                                            region);
    }
    if (strncmp(endpoint, "http://", 7) && strncmp(endpoint, "https://", 8)) {
        *reason = xasprintf("target %s: section [%s] of %s needs "
                            "endpoint= with an http:// or https:// URL",
                            target, credentials,
                            exporter_config_file_name(cfg));
        free(aws_endpoint);
        return EXPORTER_CONFIG_ERROR;
    }
    const char *path_style = cred(creds, "path-style");
    bool virtual_host = false;
    if (path_style && !strcmp(path_style, "false")) {
        virtual_host = true;
    } else if (path_style && strcmp(path_style, "true")) {
        *reason = xasprintf("target %s: section [%s] of %s: "
                            "path-style=%s (expected true or false)", target,
                            credentials, exporter_config_file_name(cfg),
                            path_style);
        free(aws_endpoint);
        return EXPORTER_CONFIG_ERROR;
    }

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
        return EXPORTER_CONFIG_ERROR;
    }

    struct s3_sink *s = xzalloc(sizeof *s);
    s->up.class = &exporter_s3_class;
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

    s->prefix = exporter_sink_prefix(slash);

    s->sigv4 = xasprintf("aws:amz:%s:s3", region);
    free(aws_endpoint);
    s->http = exporter_http_create();

    *sinkp = &s->up;
    return EXPORTER_OK;
}

static void
s3_close(struct exporter_sink *sink)
{
    struct s3_sink *s = s3_sink_cast(sink);

    exporter_http_destroy(s->http);
    free(s->base_url);
    free(s->prefix);
    free(s->bucket);
    free(s->sigv4);
    free(s->up.target);
    free(s);
}

/* The <Code> of an S3 error document, or "". */
static char *
s3_error_code(const struct exporter_http_response *resp)
{
    const char *body = ds_cstr_ro(&resp->body);
    const char *start = strstr(body, "<Code>");
    const char *end = start ? strstr(start, "</Code>") : NULL;

    return (end
            ? xmemdup0(start + 6, end - (start + 6))
            : xstrdup(""));
}

static enum exporter_status
s3_request(struct s3_sink *s, const char *method, const char *key,
           const void *data, size_t size, char **reason)
{
    char *path = xasprintf("%s%s", s->prefix, key);
    char *escaped = exporter_http_escape_path(path);
    char *url = xasprintf("%s%s", s->base_url, escaped);
    free(escaped);
    free(path);

    char hex[65];
    exporter_http_sha256_hex(data ? data : "", size, hex);
    char *h = xasprintf("x-amz-content-sha256: %s", hex);
    struct curl_slist *headers = curl_slist_append(NULL, h);
    free(h);
    const char *session_token = cred(s->creds, "session-token");
    if (session_token) {
        h = xasprintf("x-amz-security-token: %s", session_token);
        headers = curl_slist_append(headers, h);
        free(h);
    }
    if (!strcmp(method, "PUT")) {
        headers = curl_slist_append(headers,
                                    "Content-Type: application/octet-stream");
    }

    struct exporter_http_request req = {
        .method = method,
        .url = url,
        .headers = headers,
        .body = data,
        .size = size,
        .aws_sigv4 = s->sigv4,
        .username = cred(s->creds, "access-key"),
        .password = cred(s->creds, "secret-key"),
    };
    struct exporter_http_response resp;
    exporter_http_perform(s->http, &req, &resp);
    curl_slist_free_all(headers);

    enum exporter_status status;
    char *code = s3_error_code(&resp);
    if (!resp.status) {
        *reason = xasprintf("target %s: %s %s: %s", s->up.target, method,
                            url, resp.error);
        status = EXPORTER_UNAVAILABLE;
    } else if (resp.status >= 200 && resp.status <= 299) {
        if (!strcmp(method, "PUT")
            && !exporter_http_etag_matches(&resp, data, size)) {
            const char *etag = exporter_http_header(&resp, "etag");
            *reason = xasprintf("target %s: PUT %s: the ETag %s is not the "
                                "MD5 of the %"PRIuSIZE" bytes sent",
                                s->up.target, url, etag ? etag : "(none)",
                                size);
            status = EXPORTER_UNAVAILABLE;
        } else {
            status = EXPORTER_OK;
        }
    } else if (resp.status == 404 && !strcmp(method, "DELETE")
               && strcmp(code, "NoSuchBucket")) {
        status = EXPORTER_OK;       /* Already gone. */
    } else if (resp.status == 401
               || !strcmp(code, "InvalidAccessKeyId")
               || !strcmp(code, "SignatureDoesNotMatch")
               || !strcmp(code, "InvalidToken")
               || !strcmp(code, "ExpiredToken")) {
        *reason = xasprintf("target %s: %s %s: %s (HTTP status %ld): check "
                            "the credentials", s->up.target, method, url,
                            code[0] ? code : "refused", resp.status);
        status = EXPORTER_AUTH_ERROR;
    } else if (resp.status == 403 || resp.status == 404
               || !strcmp(code, "NoSuchBucket")) {
        *reason = xasprintf("target %s: %s %s: %s (HTTP status %ld)%s",
                            s->up.target, method, url,
                            code[0] ? code : "refused", resp.status,
                            (resp.status == 404
                             ? ": does the bucket exist?"
                             : ": the keys may not write to this bucket"));
        status = EXPORTER_CONFIG_ERROR;
    } else {
        *reason = xasprintf("target %s: %s %s: %s%sHTTP status %ld",
                            s->up.target, method, url, code,
                            code[0] ? ", " : "", resp.status);
        status = EXPORTER_UNAVAILABLE;
    }
    free(code);
    exporter_http_response_destroy(&resp);
    free(url);
    return status;
}

static enum exporter_status
s3_put(struct exporter_sink *sink, const char *key, const void *data,
       size_t size, char **reason)
{
    return s3_request(s3_sink_cast(sink), "PUT", key, data, size, reason);
}

static enum exporter_status
s3_delete(struct exporter_sink *sink, const char *key, char **reason)
{
    return s3_request(s3_sink_cast(sink), "DELETE", key, NULL, 0, reason);
}

const struct exporter_sink_class exporter_s3_class = {
    .scheme = "s3",
    .open = s3_open,
    .close = s3_close,
    .put = s3_put,
    .delete = s3_delete,
};
