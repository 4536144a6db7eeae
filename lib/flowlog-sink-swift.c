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

/* The swift:// sink: objects in an OpenStack Swift container.
 *
 * The credentials section says how to get a token: TempAuth (GET of the
 * auth URL with X-Auth-User/X-Auth-Key), Keystone v3 (POST /auth/tokens,
 * password method) or Keystone v2.0 (POST /tokens, as NHN Cloud Object
 * Storage uses).  The token and storage URL are cached for the life of the
 * sink and fetched again once when Swift answers 401.  The storage URL
 * comes from storage-url= if configured, else from the auth response
 * (X-Storage-Url, or the Keystone catalog's public "object-store"
 * endpoint).  Every PUT carries the body's MD5 as its ETag header, so that
 * Swift itself refuses (422) a body that did not arrive intact: nothing
 * leaves the spool before Swift holds exactly its bytes.  The reply's ETag
 * is compared too, when it is an MD5 (sink_http_etag_check()). */

#include <config.h>
#include "lib/flowlog-sink.h"

#include <curl/curl.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "util.h"
#include "lib/flowlog-sink-config.h"
#include "lib/flowlog-sink-http.h"

VLOG_DEFINE_THIS_MODULE(exporter_swift);

enum swift_auth {
    SWIFT_TEMPAUTH,
    SWIFT_KEYSTONE_V3,
    SWIFT_KEYSTONE_V2,
};

struct swift_sink {
    struct sink up;
    const struct sink_credentials *creds;
    enum swift_auth auth;
    char *container;
    char *prefix;               /* "" or ending in '/'. */

    struct sink_http *http;
    char *token;                /* Cached; NULL until authenticated. */
    char *storage_url;          /* No trailing '/'. */
};

static struct swift_sink *
swift_sink_cast(struct sink *sink)
{
    return SINK_CAST(sink, struct swift_sink, &sink_swift_class);
}

static enum sink_status
swift_open(const char *target, const char *credentials,
           const struct sink_config *cfg, struct sink **sinkp,
           char **reason)
{
    const struct sink_credentials *creds
        = sink_config_credentials(cfg, credentials);
    enum swift_auth auth;

    if (!creds || !creds->type) {
        *reason = xasprintf("target %s: credentials=%s: %s has no section "
                            "[%s] with type=swift-tempauth, "
                            "swift-keystone-v3 or swift-keystone-v2",
                            target, credentials,
                            sink_config_file_name(cfg), credentials);
        return SINK_CONFIG_ERROR;
    } else if (!strcmp(creds->type, "swift-tempauth")) {
        auth = SWIFT_TEMPAUTH;
    } else if (!strcmp(creds->type, "swift-keystone-v3")) {
        auth = SWIFT_KEYSTONE_V3;
    } else if (!strcmp(creds->type, "swift-keystone-v2")) {
        auth = SWIFT_KEYSTONE_V2;
    } else {
        *reason = xasprintf("target %s: section [%s] of %s has type=%s, "
                            "which is not for swift://", target, credentials,
                            sink_config_file_name(cfg), creds->type);
        return SINK_CONFIG_ERROR;
    }

    const char *path = target + strlen("swift://");
    const char *slash = strchr(path, '/');
    size_t container_len = slash ? slash - path : strlen(path);
    if (!container_len) {
        *reason = xasprintf("target %s: no container (expected "
                            "swift://CONTAINER[/PREFIX])", target);
        return SINK_CONFIG_ERROR;
    }

    struct swift_sink *ss = xzalloc(sizeof *ss);
    ss->up.class = &sink_swift_class;
    ss->up.target = xstrdup(target);
    ss->creds = creds;
    ss->auth = auth;
    ss->container = xmemdup0(path, container_len);

    ss->prefix = sink_prefix(slash);
    ss->http = sink_http_create();

    *sinkp = &ss->up;
    return SINK_OK;
}

static void
swift_forget_token(struct swift_sink *ss)
{
    free(ss->token);
    ss->token = NULL;
    free(ss->storage_url);
    ss->storage_url = NULL;
}

static void
swift_close(struct sink *sink)
{
    struct swift_sink *ss = swift_sink_cast(sink);

    swift_forget_token(ss);
    sink_http_destroy(ss->http);
    free(ss->container);
    free(ss->prefix);
    free(ss->up.target);
    free(ss);
}

/* A failed request that got no HTTP answer, or an unexpected one. */
static enum sink_status
swift_unavailable(const struct swift_sink *ss, const char *what,
                  const char *url, const struct sink_http_response *resp,
                  char **reason)
{
    if (!resp->status) {
        *reason = xasprintf("target %s: %s %s: %s", ss->up.target, what,
                            url, resp->error);
    } else {
        *reason = xasprintf("target %s: %s %s: HTTP status %ld",
                            ss->up.target, what, url, resp->status);
    }
    return SINK_UNAVAILABLE;
}

static const struct json *
jget(const struct json *json, const char *name)
{
    return json && json->type == JSON_OBJECT
           ? shash_find_data(json_object(json), name) : NULL;
}

static const char *
jstring(const struct json *json)
{
    return json && json->type == JSON_STRING ? json_string(json) : NULL;
}

/* The public URL of the "object-store" service in a Keystone catalog
 * ('catalog' an array of services), in 'region' if nonnull.  Keystone v3
 * lists endpoints with "interface" and "url", v2.0 with "publicURL". */
static const char *
catalog_object_store(const struct json *catalog, const char *region)
{
    if (!catalog || catalog->type != JSON_ARRAY) {
        return NULL;
    }
    for (size_t i = 0; i < catalog->array.n; i++) {
        const struct json *svc = catalog->array.elems[i];
        const char *type = jstring(jget(svc, "type"));
        const struct json *eps = jget(svc, "endpoints");

        if (!type || strcmp(type, "object-store")
            || !eps || eps->type != JSON_ARRAY) {
            continue;
        }
        for (size_t j = 0; j < eps->array.n; j++) {
            const struct json *ep = eps->array.elems[j];
            const char *ep_region = jstring(jget(ep, "region"));
            if (!ep_region) {
                ep_region = jstring(jget(ep, "region_id"));
            }
            if (region && (!ep_region || strcmp(region, ep_region))) {
                continue;
            }
            const char *url = jstring(jget(ep, "publicURL"));
            if (url) {
                return url;
            }
            const char *iface = jstring(jget(ep, "interface"));
            if (iface && !strcmp(iface, "public")) {
                url = jstring(jget(ep, "url"));
                if (url) {
                    return url;
                }
            }
        }
    }
    return NULL;
}

/* The Keystone request body, which holds the password: never logged. */
static char *
keystone_body(const struct swift_sink *ss)
{
    const struct sink_credentials *c = ss->creds;
    struct json *root = json_object_create();
    struct json *auth = json_object_create();

    if (ss->auth == SWIFT_KEYSTONE_V3) {
        struct json *user = json_object_create();
        json_object_put_string(user, "name", sink_cred(c, "username"));
        json_object_put_string(user, "password", sink_cred(c, "password"));
        struct json *udom = json_object_create();
        json_object_put_string(udom, "name",
                               sink_cred(c, "user-domain-name")
                               ? sink_cred(c, "user-domain-name") : "Default");
        json_object_put(user, "domain", udom);

        struct json *password = json_object_create();
        json_object_put(password, "user", user);
        struct json *identity = json_object_create();
        json_object_put(identity, "methods",
                        json_array_create_1(json_string_create("password")));
        json_object_put(identity, "password", password);
        json_object_put(auth, "identity", identity);

        struct json *project = json_object_create();
        if (sink_cred(c, "project-id")) {
            json_object_put_string(project, "id", sink_cred(c, "project-id"));
        } else if (sink_cred(c, "project-name")) {
            json_object_put_string(project, "name", sink_cred(c, "project-name"));
            struct json *pdom = json_object_create();
            json_object_put_string(pdom, "name",
                                   sink_cred(c, "project-domain-name")
                                   ? sink_cred(c, "project-domain-name")
                                   : "Default");
            json_object_put(project, "domain", pdom);
        }
        if (shash_count(json_object(project))) {
            struct json *scope = json_object_create();
            json_object_put(scope, "project", project);
            json_object_put(auth, "scope", scope);
        } else {
            json_destroy(project);
        }
    } else {
        struct json *pc = json_object_create();
        json_object_put_string(pc, "username", sink_cred(c, "username"));
        json_object_put_string(pc, "password", sink_cred(c, "password"));
        json_object_put(auth, "passwordCredentials", pc);
        if (sink_cred(c, "tenant-id")) {
            json_object_put_string(auth, "tenantId", sink_cred(c, "tenant-id"));
        } else if (sink_cred(c, "tenant-name")) {
            json_object_put_string(auth, "tenantName",
                                   sink_cred(c, "tenant-name"));
        }
    }
    json_object_put(root, "auth", auth);

    char *s = json_to_string(root, 0);
    json_destroy(root);
    return s;
}

/* Gets a token and a storage URL into 'ss'. */
static enum sink_status
swift_authenticate(struct swift_sink *ss, char **reason)
{
    const struct sink_credentials *c = ss->creds;
    const char *auth_url = sink_cred(c, "auth-url");
    struct sink_http_request req = { .method = "GET" };
    struct curl_slist *headers = NULL;
    char *body = NULL;
    struct sink_body json_body;
    char *url;

    swift_forget_token(ss);
    if (ss->auth == SWIFT_TEMPAUTH) {
        char *h = xasprintf("X-Auth-User: %s", sink_cred(c, "user"));
        headers = curl_slist_append(headers, h);
        free(h);
        h = xasprintf("X-Auth-Key: %s", sink_cred(c, "key"));
        headers = curl_slist_append(headers, h);
        free(h);
        url = xstrdup(auth_url);
    } else {
        const char *suffix = (ss->auth == SWIFT_KEYSTONE_V3
                              ? "/auth/tokens" : "/tokens");
        size_t n = strlen(auth_url);
        while (n && auth_url[n - 1] == '/') {
            n--;
        }
        url = (n >= strlen(suffix)
               && !strncmp(auth_url + n - strlen(suffix), suffix,
                           strlen(suffix))
               ? xmemdup0(auth_url, n)
               : xasprintf("%.*s%s", (int) n, auth_url, suffix));
        body = keystone_body(ss);
        headers = curl_slist_append(headers,
                                    "Content-Type: application/json");
        headers = curl_slist_append(headers, "Accept: application/json");
        req.method = "POST";
        json_body = SINK_BODY_MEM(body, strlen(body));
        req.body = &json_body;
    }
    req.url = url;
    req.headers = headers;

    struct sink_http_response resp;
    sink_http_perform(ss->http, &req, &resp);
    curl_slist_free_all(headers);
    free(body);

    enum sink_status status = SINK_OK;
    const char *token = NULL;
    const char *storage_url = sink_cred(c, "storage-url");
    struct json *json = NULL;
    if (!resp.status || resp.status >= 500) {
        status = swift_unavailable(ss, "authentication at", url, &resp,
                                   reason);
    } else if (resp.status < 200 || resp.status > 299) {
        *reason = xasprintf("target %s: authentication at %s refused "
                            "(HTTP status %ld): check the credentials",
                            ss->up.target, url, resp.status);
        status = SINK_AUTH_ERROR;
    } else if (ss->auth == SWIFT_TEMPAUTH) {
        token = sink_http_header(&resp, "x-auth-token");
        if (!storage_url) {
            storage_url = sink_http_header(&resp, "x-storage-url");
        }
    } else {
        json = json_from_string(ds_cstr(&resp.body));
        const char *region = sink_cred(c, "region");
        if (ss->auth == SWIFT_KEYSTONE_V3) {
            token = sink_http_header(&resp, "x-subject-token");
            if (!storage_url) {
                storage_url = catalog_object_store(
                    jget(jget(json, "token"), "catalog"), region);
            }
        } else {
            const struct json *access = jget(json, "access");
            token = jstring(jget(jget(access, "token"), "id"));
            if (!storage_url) {
                storage_url = catalog_object_store(
                    jget(access, "serviceCatalog"), region);
            }
        }
    }

    if (status == SINK_OK) {
        if (!token || !token[0]) {
            *reason = xasprintf("target %s: authentication at %s gave no "
                                "token", ss->up.target, url);
            status = SINK_AUTH_ERROR;
        } else if (!storage_url || !storage_url[0]) {
            *reason = xasprintf("target %s: authentication at %s gave no "
                                "storage URL (no object-store endpoint%s%s "
                                "in the catalog; set storage-url=)",
                                ss->up.target, url,
                                sink_cred(c, "region") ? " in region " : "",
                                sink_cred(c, "region") ? sink_cred(c, "region") : "");
            status = SINK_CONFIG_ERROR;
        } else {
            size_t n = strlen(storage_url);
            while (n && storage_url[n - 1] == '/') {
                n--;
            }
            ss->token = xstrdup(token);
            ss->storage_url = xmemdup0(storage_url, n);
        }
    }
    json_destroy(json);
    sink_http_response_destroy(&resp);
    free(url);
    return status;
}

/* Sends 'method' for object 'key' (NULL: for the container, with the
 * query string 'query') with 'body' (or NULL) as body, authenticating
 * first if there is no token yet and once more on a 401.  For a GET,
 * stores the whole response body in 'out'. */
static enum sink_status
swift_request(struct swift_sink *ss, const char *method, const char *key,
              const char *query, const struct sink_body *body,
              struct ds *out, char **reason)
{
    uint64_t size = body ? body->size : 0;
    enum sink_status status = SINK_OK;
    char *path = (key ? xasprintf("%s/%s%s", ss->container, ss->prefix, key)
                  : xstrdup(ss->container));
    char *escaped = sink_http_escape(path, true);
    char *url = NULL;
    bool get = !strcmp(method, "GET");
    free(path);

    char md5[SINK_MD5_HEX_LEN + 1];
    if (!strcmp(method, "PUT")) {
        sink_http_body_md5_hex(body, md5);
    }

    for (int attempt = 0; attempt < 2; attempt++) {
        if (!ss->token) {
            status = swift_authenticate(ss, reason);
            if (status != SINK_OK) {
                break;
            }
        }

        free(url);
        url = xasprintf("%s/%s%s%s", ss->storage_url, escaped,
                        query ? "?" : "", query ? query : "");
        char *h = xasprintf("X-Auth-Token: %s", ss->token);
        struct curl_slist *headers = curl_slist_append(NULL, h);
        free(h);
        if (!strcmp(method, "PUT")) {
            headers = curl_slist_append(
                headers, "Content-Type: application/octet-stream");
            h = xasprintf("ETag: %s", md5);
            headers = curl_slist_append(headers, h);
            free(h);
        }

        struct sink_http_request req = {
            .method = method,
            .url = url,
            .headers = headers,
            .body = body,
            .max_body = get ? SIZE_MAX : 0,
        };
        struct sink_http_response resp;
        sink_http_perform(ss->http, &req, &resp);
        curl_slist_free_all(headers);

        bool retry = false;
        if (resp.status == 401) {
            swift_forget_token(ss);
            if (attempt == 0) {
                /* The token expired or was revoked: renew it once. */
                static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
                VLOG_INFO_RL(&rl, "target %s: Swift refused the cached "
                             "token (HTTP status 401), authenticating again",
                             ss->up.target);
                retry = true;
            } else {
                *reason = xasprintf("target %s: %s %s refused the new "
                                    "token (HTTP status 401)",
                                    ss->up.target, method, url);
                status = SINK_AUTH_ERROR;
            }
        } else if (resp.status == 403) {
            *reason = xasprintf("target %s: %s %s: forbidden (HTTP status "
                                "403): the account may not %s container %s",
                                ss->up.target, method, url,
                                (!strcmp(method, "DELETE") ? "delete from"
                                 : get ? "read" : "write to"),
                                ss->container);
            status = SINK_CONFIG_ERROR;
        } else if (resp.status == 404 && !strcmp(method, "DELETE")) {
            status = SINK_OK;   /* Already gone. */
        } else if (resp.status == 404) {
            *reason = xasprintf("target %s: %s %s: not found (HTTP status "
                                "404)%s%s%s", ss->up.target, method, url,
                                get && key ? "" : ": does container ",
                                get && key ? "" : ss->container,
                                get && key ? "" : " exist?");
            status = SINK_CONFIG_ERROR;
        } else if (resp.status == 422 && !strcmp(method, "PUT")) {
            *reason = xasprintf("target %s: PUT %s: Swift received other "
                                "bytes than the %"PRIu64" sent, whose MD5 "
                                "is %s (HTTP status 422), and stored "
                                "nothing", ss->up.target, url, size, md5);
            status = SINK_UNAVAILABLE;
        } else if (resp.status < 200 || resp.status > 299) {
            status = swift_unavailable(ss, method, url, &resp, reason);
        } else if (!strcmp(method, "PUT")
                   && sink_http_etag_check(&resp, NULL, md5)
                      == SINK_ETAG_MISMATCH) {
            const char *etag = sink_http_header(&resp, "etag");
            *reason = xasprintf("target %s: PUT %s: the ETag %s is not %s, "
                                "the MD5 of the %"PRIu64" bytes sent",
                                ss->up.target, url, etag, md5, size);
            status = SINK_UNAVAILABLE;
        } else {
            status = SINK_OK;
            if (get) {
                ds_swap(out, &resp.body);
            }
        }
        sink_http_response_destroy(&resp);
        if (!retry) {
            break;
        }
    }
    free(url);
    free(escaped);
    return status;
}

static enum sink_status
swift_put(struct sink *sink, const char *key, const struct sink_body *body,
          char **reason)
{
    return swift_request(swift_sink_cast(sink), "PUT", key, NULL, body,
                         NULL, reason);
}

static enum sink_status
swift_delete(struct sink *sink, const char *key, char **reason)
{
    return swift_request(swift_sink_cast(sink), "DELETE", key, NULL, NULL,
                         NULL, reason);
}

/* Lists the container in pages of 'page_size' names (format=json), each
 * page after the last name of the one before (marker=). */
static enum sink_status
swift_list(struct sink *sink, const char *prefix, size_t page_size,
           sink_list_func *cb, void *aux, char **reason)
{
    struct swift_sink *ss = swift_sink_cast(sink);
    char *full = xasprintf("%s%s", ss->prefix, prefix);
    char *escaped_prefix = sink_http_escape(full, false);
    size_t skip = strlen(ss->prefix);
    char *marker = NULL;
    struct ds page = DS_EMPTY_INITIALIZER;
    enum sink_status status;

    for (;;) {
        char *escaped_marker = marker ? sink_http_escape(marker, false)
                                      : NULL;
        char *query = xasprintf("format=json&limit=%"PRIuSIZE"%s%s"
                                "&prefix=%s", page_size,
                                marker ? "&marker=" : "",
                                marker ? escaped_marker : "",
                                escaped_prefix);
        status = swift_request(ss, "GET", NULL, query, NULL, &page, reason);
        free(query);
        free(escaped_marker);
        if (status != SINK_OK) {
            break;
        }

        struct json *json = json_from_string(ds_cstr(&page));
        if (json->type != JSON_ARRAY) {
            *reason = xasprintf("target %s: listing container %s: the reply "
                                "is not a JSON array", ss->up.target,
                                ss->container);
            json_destroy(json);
            status = SINK_UNAVAILABLE;
            break;
        }
        const struct json_array *a = json_array(json);
        for (size_t i = 0; i < a->n; i++) {
            const struct json *name = jget(a->elems[i], "name");
            const struct json *bytes = jget(a->elems[i], "bytes");
            const char *s = jstring(name);
            if (!s) {
                continue;       /* A "subdir" entry. */
            }
            free(marker);
            marker = xstrdup(s);
            if (strlen(s) >= skip) {
                cb(aux, s + skip, (bytes && bytes->type == JSON_INTEGER
                                   ? json_integer(bytes) : 0));
            }
        }
        bool more = a->n >= page_size && marker;
        json_destroy(json);
        if (!more) {
            break;
        }
    }
    free(marker);
    free(full);
    free(escaped_prefix);
    ds_destroy(&page);
    return status;
}

static enum sink_status
swift_get(struct sink *sink, const char *key, struct ds *body, char **reason)
{
    return swift_request(swift_sink_cast(sink), "GET", key, NULL, NULL, body,
                         reason);
}

const struct sink_class sink_swift_class = {
    .scheme = "swift",
    .open = swift_open,
    .close = swift_close,
    .put = swift_put,
    .delete = swift_delete,
    .list = swift_list,
    .get = swift_get,
};
