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
#include "lib/flowlog-sink-config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(exporter_config);

/* The keys each credentials type= takes.  Keys that name secrets are
 * recognized by sink_config_key_is_secret(). */
struct type_info {
    const char *name;
    const char *keys[10];       /* NULL-terminated. */
    const char *required[4];    /* NULL-terminated. */
};

static const struct type_info types[] = {
    { "swift-tempauth",
      { "auth-url", "user", "key", "storage-url", NULL },
      { "auth-url", "user", "key", NULL } },
    { "swift-keystone-v3",
      { "auth-url", "username", "password", "user-domain-name",
        "project-name", "project-id", "project-domain-name", "region",
        "storage-url", NULL },
      { "auth-url", "username", "password", NULL } },
    { "swift-keystone-v2",
      { "auth-url", "username", "password", "tenant-name", "tenant-id",
        "region", "storage-url", NULL },
      { "auth-url", "username", "password", NULL } },
    { "s3",
      { "endpoint", "region", "access-key", "secret-key", "session-token",
        "path-style", "multipart-threshold", "multipart-part-size", NULL },
      { "access-key", "secret-key", NULL } },
};

static const struct type_info *
type_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (!strcmp(types[i].name, name)) {
            return &types[i];
        }
    }
    return NULL;
}

static bool
type_has_key(const struct type_info *t, const char *key)
{
    for (const char *const *k = t->keys; *k; k++) {
        if (!strcmp(*k, key)) {
            return true;
        }
    }
    return false;
}

static void
types_format(struct ds *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        ds_put_format(s, "%s%s", i ? ", " : "", types[i].name);
    }
}

/* A section while the file is parsed: keys with the line they were on. */
struct section {
    struct sink_credentials creds;
    int first_line;
    int type_line;
    struct shash lines;         /* Key -> line number (intptr_t). */
};

struct sink_config {
    struct ovs_refcount ref_cnt;
    char *file_name;
    char **file_roots;
    size_t n_file_roots;
    struct shash sections;      /* Name -> struct section. */
};

struct parse_ctx {
    struct sink_config *cfg;
    FILE *stream;
    int line;                   /* Line number of the line being parsed. */
    bool at_line_start;
    char *error;
};

/* An fgets() for ini_parse_stream() that keeps the line number, so that
 * errors found by the handler can name their line. */
static char *
ctx_read(char *buf, int size, void *ctx_)
{
    struct parse_ctx *ctx = ctx_;
    char *s = fgets(buf, size, ctx->stream);

    if (s) {
        if (ctx->at_line_start) {
            ctx->line++;
        }
        ctx->at_line_start = strchr(s, '\n') != NULL;
    }
    return s;
}

static int OVS_PRINTF_FORMAT(2, 3)
ctx_error(struct parse_ctx *ctx, const char *format, ...)
{
    if (!ctx->error) {
        struct ds s = DS_EMPTY_INITIALIZER;
        va_list args;

        ds_put_format(&s, "%s:%d: ", ctx->cfg->file_name, ctx->line);
        va_start(args, format);
        ds_put_format_valist(&s, format, args);
        va_end(args);
        ctx->error = ds_steal_cstr(&s);
    }
    return 0;
}

static char *
parse_file_roots(struct sink_config *cfg, const char *value)
{
    char *copy = xstrdup(value);
    char *save = NULL;
    char *error = NULL;

    for (char *dir = strtok_r(copy, ",", &save); dir;
         dir = strtok_r(NULL, ",", &save)) {
        dir += strspn(dir, " \t");
        size_t n = strlen(dir);
        while (n > 0 && (dir[n - 1] == ' ' || dir[n - 1] == '\t')) {
            dir[--n] = '\0';
        }
        while (n > 1 && dir[n - 1] == '/') {
            dir[--n] = '\0';
        }
        if (dir[0] != '/' || strstr(dir, "/../") || strstr(dir, "/./")
            || (n >= 3 && !strcmp(dir + n - 3, "/.."))
            || (n >= 2 && !strcmp(dir + n - 2, "/."))) {
            error = xasprintf("file-root: \"%s\" is not an absolute "
                              "directory without '.' or '..'", dir);
            break;
        }
        cfg->file_roots = xrealloc(cfg->file_roots, (cfg->n_file_roots + 1)
                                   * sizeof *cfg->file_roots);
        cfg->file_roots[cfg->n_file_roots++] = xstrdup(dir);
    }
    if (!error && !cfg->n_file_roots) {
        error = xstrdup("file-root: no directory given");
    }
    free(copy);
    return error;
}

static struct section *
section_get(struct sink_config *cfg, const char *name, int line)
{
    struct section *s = shash_find_data(&cfg->sections, name);

    if (!s) {
        s = xzalloc(sizeof *s);
        s->creds.name = xstrdup(name);
        smap_init(&s->creds.keys);
        shash_init(&s->lines);
        s->first_line = line;
        shash_add(&cfg->sections, name, s);
    }
    return s;
}

static int
parse_key(void *ctx_, const char *section, const char *name,
            const char *value)
{
    struct parse_ctx *ctx = ctx_;
    struct sink_config *cfg = ctx->cfg;

    if (ctx->error) {
        return 0;
    }
    if (!section[0]) {
        return ctx_error(ctx, "key \"%s\" outside of any [section]", name);
    }

    struct section *s = section_get(cfg, section, ctx->line);
    if (!strcmp(name, "file-root")) {
        if (strcmp(section, "default")) {
            return ctx_error(ctx, "[%s] key \"file-root\": only valid in "
                             "[default]", section);
        }
        if (cfg->file_roots) {
            return ctx_error(ctx, "[default] key \"file-root\" given twice");
        }
        char *error = parse_file_roots(cfg, value);
        if (error) {
            ctx_error(ctx, "[default] key %s", error);
            free(error);
            return 0;
        }
        return 1;
    }

    if (!strcmp(name, "type")) {
        if (s->creds.type) {
            return ctx_error(ctx, "[%s] key \"type\" given twice", section);
        }
        if (!type_find(value)) {
            struct ds known = DS_EMPTY_INITIALIZER;
            types_format(&known);
            ctx_error(ctx, "[%s] key \"type\": unknown type \"%s\" "
                      "(expected one of %s)", section, value,
                      ds_cstr(&known));
            ds_destroy(&known);
            return 0;
        }
        s->creds.type = xstrdup(value);
        s->type_line = ctx->line;
        return 1;
    }

    bool known = false;
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        known = known || type_has_key(&types[i], name);
    }
    if (!known) {
        return ctx_error(ctx, "[%s] key \"%s\": unknown key", section, name);
    }
    if (smap_get(&s->creds.keys, name)) {
        return ctx_error(ctx, "[%s] key \"%s\" given twice", section, name);
    }
    smap_add(&s->creds.keys, name, value);
    shash_add(&s->lines, name, (void *) (intptr_t) ctx->line);
    return 1;
}

/* Checks the value of 'key'.  Returns NULL if it is fine, otherwise why it
 * is not, which the caller frees. */
static char *
check_value(const char *key, const char *value)
{
    if (!strcmp(key, "endpoint") || strstr(key, "-url")) {
        const char *host = (!strncmp(value, "http://", 7) ? value + 7
                            : !strncmp(value, "https://", 8) ? value + 8
                            : NULL);
        if (!host || !host[0] || strchr("/:?#", host[0])
            || strpbrk(value, " \t\"<>\\^`{|}")) {
            return xasprintf("\"%s\" is not an http:// or https:// URL with "
                             "a host", value);
        }
    } else if (!strcmp(key, "path-style")) {
        if (strcmp(value, "true") && strcmp(value, "false")) {
            return xasprintf("\"%s\" is neither true nor false", value);
        }
    } else if (!strcmp(key, "multipart-threshold")
               || !strcmp(key, "multipart-part-size")) {
        unsigned long long int n;
        if (!str_to_ullong(value, 10, &n)
            || n < SINK_S3_MIN_PART_SIZE
            || n > SINK_S3_MAX_PUT_SIZE) {
            return xasprintf("\"%s\" is not a number of bytes between %llu "
                             "(5 MiB) and %llu (5 GiB), the limits of S3",
                             value, SINK_S3_MIN_PART_SIZE,
                             SINK_S3_MAX_PUT_SIZE);
        }
    }
    return NULL;
}

/* Checks each section's keys against its type=, once all are known. */
static char *
check_sections(const struct sink_config *cfg)
{
    const struct shash_node **sections = shash_sort(&cfg->sections);
    size_t n_sections = shash_count(&cfg->sections);
    char *error = NULL;

    for (size_t i = 0; !error && i < n_sections; i++) {
        const struct section *s = sections[i]->data;
        const char *name = s->creds.name;

        if (!s->creds.type) {
            if (smap_is_empty(&s->creds.keys)) {
                continue;       /* [default] with file-root= only. */
            }
            struct ds known = DS_EMPTY_INITIALIZER;
            types_format(&known);
            error = xasprintf("%s:%d: [%s] has no \"type\" key (expected "
                              "type= one of %s)", cfg->file_name,
                              s->first_line, name, ds_cstr(&known));
            ds_destroy(&known);
            break;
        }

        const struct type_info *t = type_find(s->creds.type);
        const struct shash_node **keys = shash_sort(&s->lines);
        for (size_t j = 0; !error && j < shash_count(&s->lines); j++) {
            const char *key = keys[j]->name;
            int line = (intptr_t) keys[j]->data;
            char *why;

            if (!type_has_key(t, key)) {
                error = xasprintf("%s:%d: [%s] key \"%s\": not a key of "
                                  "type=%s", cfg->file_name, line, name, key,
                                  t->name);
            } else if ((why = check_value(key, smap_get(&s->creds.keys,
                                                          key)))) {
                error = xasprintf("%s:%d: [%s] key \"%s\": %s",
                                  cfg->file_name, line, name, key, why);
                free(why);
            }
        }
        free(keys);
        for (const char *const *k = t->required; !error && *k; k++) {
            if (!smap_get(&s->creds.keys, *k)) {
                error = xasprintf("%s:%d: [%s] (type=%s) lacks the required "
                                  "key \"%s\"", cfg->file_name,
                                  s->type_line, name, t->name, *k);
            }
        }
    }
    free(sections);
    return error;
}

/* A file that holds secrets must not be open to group or others. */
static char *
check_mode(const char *file_name, int fd)
{
    struct stat st;

    if (fstat(fd, &st)) {
        return xasprintf("%s: stat failed (%s)", file_name,
                         ovs_strerror(errno));
    }
    if (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) {
        return xasprintf("%s: mode %04o lets group or others read or write "
                         "this file, which may hold secrets; refusing to "
                         "use it (fix it with: chmod 600 %s)", file_name,
                         (unsigned int) (st.st_mode & 07777), file_name);
    }
    return NULL;
}

static void sink_config_destroy(struct sink_config *);

/* Loads the configuration file 'file_name' into a new configuration
 * stored in '*cfgp'.  A file that does not exist gives the defaults.
 * Returns NULL on success, otherwise a malloc()'d message that names the
 * file, and the line and key at fault, and stores NULL in '*cfgp'. */
char *
sink_config_load(const char *file_name, struct sink_config **cfgp)
{
    struct sink_config *cfg = xzalloc(sizeof *cfg);
    char *error = NULL;

    ovs_refcount_init(&cfg->ref_cnt);
    cfg->file_name = xstrdup(file_name);
    shash_init(&cfg->sections);

    FILE *stream = fopen(file_name, "r");
    if (!stream) {
        if (errno != ENOENT) {
            error = xasprintf("%s: cannot open (%s)", file_name,
                              ovs_strerror(errno));
            goto out;
        }
        VLOG_INFO("%s: not found, using the defaults (file-root=%s)",
                  file_name, SINK_FILE_ROOT_DEFAULT);
    } else {
        error = check_mode(file_name, fileno(stream));
        if (!error) {
            struct parse_ctx ctx = {
                .cfg = cfg, .stream = stream, .at_line_start = true,
            };

            /* Values are taken verbatim: a secret may hold ';' or '#'. */
            ini_allow_inline_comments = false;
            ini_allow_multiline = false;
            ini_stop_on_first_error = true;
            ini_use_stack = false;
            ini_allow_realloc = true;
            ini_max_line = 8192;
            int retval = ini_parse_stream(ctx_read, &ctx, parse_key, &ctx);
            if (ctx.error) {
                error = ctx.error;
            } else if (retval > 0) {
                error = xasprintf("%s:%d: syntax error (expected [section] "
                                  "or key = value)", file_name, retval);
            } else if (retval < 0) {
                error = xasprintf("%s: read failed", file_name);
            } else {
                error = check_sections(cfg);
            }
        }
        fclose(stream);
    }
    if (!error && !cfg->n_file_roots) {
        error = parse_file_roots(cfg, SINK_FILE_ROOT_DEFAULT);
    }

out:
    if (error) {
        sink_config_destroy(cfg);
        cfg = NULL;
    }
    *cfgp = cfg;
    return error;
}

/* Creates in '*cfgp' a configuration of one credentials section,
 * 'section', of type 'type' with 'keys', as if a file had them, checked
 * as sink_config_load() checks a file; messages name 'origin' (e.g. "the
 * environment") where they would name the file.  For readers whose
 * credentials do not come from a file.  Returns NULL or an error
 * message. */
char *
sink_config_create(const char *origin, const char *section,
                   const char *type, const struct smap *keys,
                   struct sink_config **cfgp)
{
    struct sink_config *cfg = xzalloc(sizeof *cfg);
    struct smap_node *node;
    char *error = NULL;

    ovs_refcount_init(&cfg->ref_cnt);
    cfg->file_name = xstrdup(origin);
    shash_init(&cfg->sections);

    struct section *s = section_get(cfg, section, 0);
    s->creds.type = xstrdup(type);
    SMAP_FOR_EACH (node, keys) {
        smap_add(&s->creds.keys, node->key, node->value);
        shash_add(&s->lines, node->key, (void *) (intptr_t) 0);
    }
    error = check_sections(cfg);
    if (!error) {
        error = parse_file_roots(cfg, SINK_FILE_ROOT_DEFAULT);
    }
    if (error) {
        sink_config_destroy(cfg);
        cfg = NULL;
    }
    *cfgp = cfg;
    return error;
}

static void
sink_config_destroy(struct sink_config *cfg)
{
    if (cfg) {
        struct shash_node *node;

        SHASH_FOR_EACH (node, &cfg->sections) {
            struct section *s = node->data;
            free(s->creds.name);
            free(s->creds.type);
            smap_destroy(&s->creds.keys);
            shash_destroy(&s->lines);
            free(s);
        }
        shash_destroy(&cfg->sections);
        for (size_t i = 0; i < cfg->n_file_roots; i++) {
            free(cfg->file_roots[i]);
        }
        free(cfg->file_roots);
        free(cfg->file_name);
        free(cfg);
    }
}

/* Returns a new reference to 'cfg_' (which may be NULL). */
struct sink_config *
sink_config_ref(const struct sink_config *cfg_)
{
    struct sink_config *cfg = CONST_CAST(struct sink_config *, cfg_);

    if (cfg) {
        ovs_refcount_ref(&cfg->ref_cnt);
    }
    return cfg;
}

/* Drops a reference to 'cfg' (which may be NULL), and frees it with the
 * last one.  Any thread may call it. */
void
sink_config_unref(struct sink_config *cfg)
{
    if (cfg && ovs_refcount_unref(&cfg->ref_cnt) == 1) {
        sink_config_destroy(cfg);
    }
}

const char *
sink_config_file_name(const struct sink_config *cfg)
{
    return cfg->file_name;
}

/* The directories below which file:// targets may write. */
const char *const *
sink_config_file_roots(const struct sink_config *cfg, size_t *n)
{
    *n = cfg->n_file_roots;
    return (const char *const *) cfg->file_roots;
}

/* The credentials section 'name', or NULL if the file has none, or has one
 * without type= (a [default] that only sets file-root=). */
const struct sink_credentials *
sink_config_credentials(const struct sink_config *cfg,
                            const char *name)
{
    const struct section *s = shash_find_data(&cfg->sections, name);

    return s && s->creds.type ? &s->creds : NULL;
}

/* True if the value of 'key' is a secret, which is never logged or
 * shown. */
bool
sink_config_key_is_secret(const char *key)
{
    return (strstr(key, "password") || strstr(key, "secret")
            || strstr(key, "key") || strstr(key, "token"));
}

/* Appends a description of 'cfg' to 's', with secrets hidden. */
void
sink_config_format(const struct sink_config *cfg, struct ds *s)
{
    ds_put_format(s, "config: %s\n", cfg->file_name);
    ds_put_cstr(s, "  file-root:");
    for (size_t i = 0; i < cfg->n_file_roots; i++) {
        ds_put_format(s, " %s", cfg->file_roots[i]);
    }
    ds_put_char(s, '\n');

    const struct shash_node **sections = shash_sort(&cfg->sections);
    for (size_t i = 0; i < shash_count(&cfg->sections); i++) {
        const struct section *sec = sections[i]->data;
        if (!sec->creds.type) {
            continue;
        }
        ds_put_format(s, "  credentials %s: type=%s", sec->creds.name,
                      sec->creds.type);

        const struct smap_node **keys = smap_sort(&sec->creds.keys);
        for (size_t j = 0; j < smap_count(&sec->creds.keys); j++) {
            ds_put_format(s, " %s=%s", keys[j]->key,
                          (sink_config_key_is_secret(keys[j]->key)
                           ? "<hidden>" : keys[j]->value));
        }
        free(keys);
        ds_put_char(s, '\n');
    }
    free(sections);
}

/* Returns what sink_config_format() prints as a JSON object: "file",
 * "file_root" (an array) and "credentials" (by section name: "type" and
 * the other keys, secrets as "<hidden>"). */
struct json *
sink_config_to_json(const struct sink_config *cfg)
{
    struct json *obj = json_object_create();
    struct json *roots = json_array_create_empty();
    struct json *creds = json_object_create();

    json_object_put_string(obj, "file", cfg->file_name);
    for (size_t i = 0; i < cfg->n_file_roots; i++) {
        json_array_add(roots, json_string_create(cfg->file_roots[i]));
    }
    json_object_put(obj, "file_root", roots);

    struct shash_node *node;
    SHASH_FOR_EACH (node, &cfg->sections) {
        const struct section *sec = node->data;
        if (!sec->creds.type) {
            continue;
        }

        struct json *c = json_object_create();
        struct smap_node *key;
        SMAP_FOR_EACH (key, &sec->creds.keys) {
            json_object_put_string(c, key->key,
                                   (sink_config_key_is_secret(key->key)
                                    ? "<hidden>" : key->value));
        }
        json_object_put_string(c, "type", sec->creds.type);
        json_object_put(creds, sec->creds.name, c);
    }
    json_object_put(obj, "credentials", creds);
    return obj;
}

const char *
sink_cred(const struct sink_credentials *creds,
                         const char *key)
{
    const char *value = smap_get(&creds->keys, key);
    return value && value[0] ? value : NULL;
}

/* True if 'a' and 'b' allow the same file-root directories, in the same
 * order. */
bool
sink_config_file_roots_equal(const struct sink_config *a,
                             const struct sink_config *b)
{
    if (a->n_file_roots != b->n_file_roots) {
        return false;
    }
    for (size_t i = 0; i < a->n_file_roots; i++) {
        if (strcmp(a->file_roots[i], b->file_roots[i])) {
            return false;
        }
    }
    return true;
}

static bool
section_equal(const struct section *a, const struct section *b)
{
    if (!a || !b) {
        return a == b;
    }
    return (nullable_string_is_equal(a->creds.type, b->creds.type)
            && smap_equal(&a->creds.keys, &b->creds.keys));
}

/* Section 'name' of 'cfg' if it holds credentials, otherwise NULL (a
 * [default] with only file-root= holds none). */
static const struct section *
credentials_section(const struct sink_config *cfg, const char *name)
{
    const struct section *s = shash_find_data(&cfg->sections, name);

    return s && s->creds.type ? s : NULL;
}

/* True if the credentials section 'name' is the same in 'a' and 'b' (or in
 * neither). */
bool
sink_config_credentials_equal(const struct sink_config *a,
                              const struct sink_config *b,
                              const char *name)
{
    return section_equal(credentials_section(a, name),
                         credentials_section(b, name));
}

/* Appends to 's' what differs from 'old' to 'new', e.g. "file-root,
 * [swift], [s3]" (sections added, removed or changed, no values), and
 * returns true if anything does. */
bool
sink_config_format_changes(const struct sink_config *old,
                           const struct sink_config *new, struct ds *s)
{
    size_t start = s->length;

    if (!sink_config_file_roots_equal(old, new)) {
        ds_put_cstr(s, "file-root");
    }

    struct sset names = SSET_INITIALIZER(&names);
    struct shash_node *node;
    SHASH_FOR_EACH (node, &old->sections) {
        sset_add(&names, node->name);
    }
    SHASH_FOR_EACH (node, &new->sections) {
        sset_add(&names, node->name);
    }
    const char **sorted = sset_sort(&names);
    for (size_t i = 0; i < sset_count(&names); i++) {
        if (!sink_config_credentials_equal(old, new, sorted[i])) {
            ds_put_format(s, "%s[%s]", s->length > start ? ", " : "",
                          sorted[i]);
        }
    }
    free(sorted);
    sset_destroy(&names);

    return s->length > start;
}
