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
#include "utilities/flowlog-source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/flowlog-config.h"
#include "lib/flowlog-sink.h"
#include "lib/flowlog-sink-config.h"
#include "openvswitch/dynamic-string.h"
#include "smap.h"
#include "util.h"

struct cli_source {
    char *arg;                  /* As given. */
    char *path;                 /* Local: the file or directory. */
    struct sink *sink;          /* Remote: the sink, or NULL. */
    struct sink_config *cfg;    /* Remote: its credentials. */
};

struct cli_sources {
    struct cli_source *sources;
    size_t n;
    struct cli_source_options opts;
    struct sink_config *cfg;
    char *buf;                  /* Holds the local file being read. */
    size_t buf_size;
};

/* A file named by its snapshot's start holds records up to one interval
 * later, and intervals are at most this long. */
#define SLACK_MS (FLOWLOG_INTERVAL_MAX * 1000LL)

static bool
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static bool
is_flowlog_name(const char *base)
{
    return (base[0] != '.'
            && (has_suffix(base, ".csv") || has_suffix(base, ".csv.gz")
                || has_suffix(base, ".jsonl") || has_suffix(base, ".jsonl.gz")
                || has_suffix(base, ".parquet")));
}

/* Parses a file name LOGGER_SYSTEMID_YYYYMMDDTHHMMSS.mmmZ.EXT (see
 * flowlog_file_key()).  Logger names have no '_'; a system-id may. */
bool
cli_file_name_parse(const char *base, long long int *start_ms,
                    char **logger, char **host)
{
    const char *first = strchr(base, '_');
    const char *last = strrchr(base, '_');
    struct tm tm;
    int ms, n = 0;

    *start_ms = LLONG_MIN;
    *logger = *host = NULL;
    if (!first || first == last) {
        return false;
    }
    memset(&tm, 0, sizeof tm);
    if (sscanf(last + 1, "%4d%2d%2dT%2d%2d%2d.%3dZ.%n", &tm.tm_year,
               &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
               &ms, &n) != 7 || !n) {
        return false;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *start_ms = (long long int) timegm(&tm) * 1000 + ms;
    *logger = xmemdup0(base, first - base);
    *host = xmemdup0(first + 1, last - first - 1);
    return true;
}

/* Partition levels: what a path's directories say about the snapshots in
 * them.  'level' counts the levels seen: 0 none, 1 year, 2 month, 3 day,
 * 4 hour. */
struct partition {
    int level;
    int v[4];
};

static bool
two_digits(const char *s, int *x)
{
    return (strlen(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0'
            && s[1] <= '9' && (*x = (s[0] - '0') * 10 + s[1] - '0', true));
}

/* Takes directory name 'name' into 'p' if it is the next partition
 * level (YYYY, MM, DD, HH or year=, month=, day=, hour=). */
static void
partition_push(struct partition *p, const char *name)
{
    static const char *const hive[4] = { "year=", "month=", "day=",
                                         "hour=" };
    int x;

    if (p->level >= 4) {
        return;
    }
    if (!strncmp(name, hive[p->level], strlen(hive[p->level]))) {
        name += strlen(hive[p->level]);
    }
    if (p->level == 0) {
        if (strlen(name) == 4 && strspn(name, "0123456789") == 4) {
            p->v[p->level++] = atoi(name);
        }
    } else if (two_digits(name, &x)) {
        p->v[p->level++] = x;
    }
}

/* Whether the snapshots below partition 'p' may hold records in
 * [since, until). */
static bool
partition_in_range(const struct partition *p, long long int since,
                   long long int until)
{
    struct tm tm;

    if (!p->level) {
        return true;
    }
    memset(&tm, 0, sizeof tm);
    tm.tm_year = p->v[0] - 1900;
    tm.tm_mon = p->level > 1 ? p->v[1] - 1 : 0;
    tm.tm_mday = p->level > 2 ? p->v[2] : 1;
    tm.tm_hour = p->level > 3 ? p->v[3] : 0;
    long long int lo = timegm(&tm);

    struct tm end = tm;
    switch (p->level) {
    case 1: end.tm_year++; break;
    case 2: end.tm_mon++; break;
    case 3: end.tm_mday++; break;
    default: end.tm_hour++; break;
    }
    long long int hi = timegm(&end);
    return ((until == LLONG_MAX || lo < until)
            && (since == LLONG_MIN || hi * 1000 + SLACK_MS >= since * 1000));
}

static bool
file_in_range(long long int start_ms, long long int since,
              long long int until)
{
    if (start_ms == LLONG_MIN) {
        return true;
    }
    if (until != LLONG_MAX && start_ms >= until * 1000) {
        return false;
    }
    return since == LLONG_MIN || start_ms + SLACK_MS >= since * 1000;
}

static void
add_file(struct cli_file **files, size_t *n, size_t *allocated,
         const char *name, const char *location, const char *base,
         size_t source)
{
    if (*n >= *allocated) {
        *files = x2nrealloc(*files, allocated, sizeof **files);
    }
    struct cli_file *f = &(*files)[(*n)++];
    f->name = xstrdup(name);
    f->location = xstrdup(location);
    f->source = source;
    cli_file_name_parse(base, &f->start_ms, &f->logger, &f->host);
}

static int
compare_files(const void *a_, const void *b_)
{
    const struct cli_file *a = a_, *b = b_;

    if (a->start_ms != b->start_ms) {
        return a->start_ms < b->start_ms ? -1 : 1;
    }
    return strcmp(a->name, b->name);
}

/* Walks directory 'dir' (below partition 'p'), adding its flow log files
 * in range. */
static char *
walk_dir(struct cli_sources *s, const char *dir, struct partition p,
         size_t source, struct cli_file **files, size_t *n,
         size_t *allocated)
{
    DIR *d = opendir(dir);
    if (!d) {
        return xasprintf("%s: cannot read directory (%s)", dir,
                         ovs_strerror(errno));
    }

    struct dirent *de;
    char *error = NULL;
    while ((de = readdir(d)) && !error) {
        if (de->d_name[0] == '.') {
            continue;
        }
        char *path = xasprintf("%s/%s", dir, de->d_name);
        struct stat st;

        if (stat(path, &st)) {
            error = xasprintf("%s: %s", path, ovs_strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            struct partition q = p;
            partition_push(&q, de->d_name);
            if (partition_in_range(&q, s->opts.since, s->opts.until)) {
                error = walk_dir(s, path, q, source, files, n, allocated);
            }
        } else if (S_ISREG(st.st_mode) && is_flowlog_name(de->d_name)) {
            long long int start;
            char *logger, *host;

            cli_file_name_parse(de->d_name, &start, &logger, &host);
            free(logger);
            free(host);
            if (file_in_range(start, s->opts.since, s->opts.until)) {
                add_file(files, n, allocated, path, path, de->d_name, source);
            }
        }
        free(path);
    }
    closedir(d);
    return error;
}

static void
env_key(struct smap *keys, const char *key, const char *var1,
        const char *var2)
{
    const char *value = getenv(var1);
    if ((!value || !value[0]) && var2) {
        value = getenv(var2);
    }
    if (value && value[0]) {
        smap_replace(keys, key, value);
    }
}

/* Credentials for 'target' from the environment (see ovs-flowlog(1)), as
 * a configuration whose section "default" holds them. */
static char *
config_from_env(const char *target, struct sink_config **cfgp)
{
    struct smap keys = SMAP_INITIALIZER(&keys);
    const char *type;
    char *error;

    *cfgp = NULL;
    if (!strncmp(target, "s3://", 5)) {
        type = "s3";
        env_key(&keys, "access-key", "AWS_ACCESS_KEY_ID", NULL);
        env_key(&keys, "secret-key", "AWS_SECRET_ACCESS_KEY", NULL);
        env_key(&keys, "session-token", "AWS_SESSION_TOKEN", NULL);
        env_key(&keys, "region", "AWS_REGION", "AWS_DEFAULT_REGION");
        env_key(&keys, "endpoint", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        if (!smap_get(&keys, "access-key") || !smap_get(&keys, "secret-key")) {
            smap_destroy(&keys);
            return xasprintf("%s: no credentials: give --config=FILE, or "
                             "set AWS_ACCESS_KEY_ID and "
                             "AWS_SECRET_ACCESS_KEY", target);
        }
    } else if (getenv("ST_AUTH") && getenv("ST_AUTH")[0]) {
        type = "swift-tempauth";
        env_key(&keys, "auth-url", "ST_AUTH", NULL);
        env_key(&keys, "user", "ST_USER", NULL);
        env_key(&keys, "key", "ST_KEY", NULL);
    } else if (getenv("OS_AUTH_URL") && getenv("OS_AUTH_URL")[0]) {
        const char *version = getenv("OS_IDENTITY_API_VERSION");
        bool v2 = ((getenv("OS_TENANT_NAME") && getenv("OS_TENANT_NAME")[0])
                   || (getenv("OS_TENANT_ID") && getenv("OS_TENANT_ID")[0])
                   || (version && (!strcmp(version, "2")
                                   || !strcmp(version, "2.0"))));
        type = v2 ? "swift-keystone-v2" : "swift-keystone-v3";
        env_key(&keys, "auth-url", "OS_AUTH_URL", NULL);
        env_key(&keys, "username", "OS_USERNAME", NULL);
        env_key(&keys, "password", "OS_PASSWORD", NULL);
        env_key(&keys, "region", "OS_REGION_NAME", NULL);
        env_key(&keys, "storage-url", "OS_STORAGE_URL", NULL);
        if (v2) {
            env_key(&keys, "tenant-name", "OS_TENANT_NAME", NULL);
            env_key(&keys, "tenant-id", "OS_TENANT_ID", NULL);
        } else {
            env_key(&keys, "project-name", "OS_PROJECT_NAME", NULL);
            env_key(&keys, "project-id", "OS_PROJECT_ID", NULL);
            env_key(&keys, "user-domain-name", "OS_USER_DOMAIN_NAME", NULL);
            env_key(&keys, "project-domain-name", "OS_PROJECT_DOMAIN_NAME",
                    NULL);
        }
    } else {
        return xasprintf("%s: no credentials: give --config=FILE, or set "
                         "ST_AUTH, ST_USER and ST_KEY (TempAuth) or "
                         "OS_AUTH_URL, OS_USERNAME, OS_PASSWORD and "
                         "OS_PROJECT_NAME or OS_TENANT_NAME (Keystone)",
                         target);
    }

    error = sink_config_create("the environment", "default", type, &keys,
                               cfgp);
    smap_destroy(&keys);
    if (error) {
        char *e = xasprintf("%s: credentials from the environment: %s",
                            target, error);
        free(error);
        error = e;
    }
    return error;
}

/* Opens the sink of remote source 'src'. */
static char *
open_remote(struct cli_sources *s, struct cli_source *src)
{
    struct flowlog_logger_opts opts;
    char *setting = xasprintf("target=%s", src->arg);
    char *error = flowlog_logger_opts_parse(setting, &opts);
    const char *credentials = "default";

    free(setting);
    if (error) {
        char *e = xasprintf("%s: %s", src->arg, error);
        free(error);
        return e;
    }
    flowlog_logger_opts_destroy(&opts);

    if (s->opts.config_file) {
        if (!s->cfg) {
            struct stat st;
            if (stat(s->opts.config_file, &st)) {
                return xasprintf("%s: %s", s->opts.config_file,
                                 ovs_strerror(errno));
            }
            error = sink_config_load(s->opts.config_file, &s->cfg);
            if (error) {
                return error;
            }
        }
        src->cfg = sink_config_ref(s->cfg);
        credentials = s->opts.credentials;
    } else {
        error = config_from_env(src->arg, &src->cfg);
        if (error) {
            return error;
        }
    }

    char *reason;
    enum sink_status status = sink_open(src->arg, credentials, src->cfg,
                                        &src->sink, &reason);
    if (status != SINK_OK) {
        error = xasprintf("%s (%s)", reason, sink_status_name(status));
        free(reason);
        return error;
    }
    return NULL;
}

struct list_ctx {
    struct cli_sources *s;
    size_t source;
    struct cli_file **files;
    size_t *n, *allocated;
};

/* Adds the object 'key' of a listing if its name and partitions may hold
 * records in range. */
static void
list_cb(void *ctx_, const char *key, uint64_t size OVS_UNUSED)
{
    struct list_ctx *ctx = ctx_;
    const struct cli_source *src = &ctx->s->sources[ctx->source];
    const char *slash = strrchr(key, '/');
    const char *base = slash ? slash + 1 : key;
    struct partition p = { .level = 0 };

    if (!is_flowlog_name(base)) {
        return;
    }
    for (const char *c = key; c < base; ) {
        const char *end = strchr(c, '/');
        char *dir = xmemdup0(c, end - c);
        partition_push(&p, dir);
        free(dir);
        c = end + 1;
    }
    if (!partition_in_range(&p, ctx->s->opts.since, ctx->s->opts.until)) {
        return;
    }

    long long int start;
    char *logger, *host;
    cli_file_name_parse(base, &start, &logger, &host);
    free(logger);
    free(host);
    if (file_in_range(start, ctx->s->opts.since, ctx->s->opts.until)) {
        size_t len = strlen(src->arg);
        char *name = xasprintf("%s%s%s", src->arg,
                               len && src->arg[len - 1] == '/' ? "" : "/",
                               key);
        add_file(ctx->files, ctx->n, ctx->allocated, name, key, base,
                 ctx->source);
        free(name);
    }
}

/* Opens the sources named by the 'n' arguments in 'args'.  Returns NULL
 * or an error message. */
char *
cli_sources_open(char **args, size_t n,
                 const struct cli_source_options *opts,
                 struct cli_sources **sp)
{
    struct cli_sources *s = xzalloc(sizeof *s);
    char *error = NULL;

    *sp = s;
    s->opts = *opts;
    s->sources = xcalloc(MAX(n, 1), sizeof *s->sources);
    for (size_t i = 0; i < n && !error; i++) {
        struct cli_source *src = &s->sources[s->n++];
        const char *arg = args[i];

        src->arg = xstrdup(arg);
        if (strstr(arg, "://")) {
            /* "s3://bucket/" is "s3://bucket". */
            size_t len = strlen(src->arg);
            while (len && src->arg[len - 1] == '/'
                   && src->arg[len - 2] != '/') {
                src->arg[--len] = '\0';
            }
        }
        if (!strncmp(arg, "file://", 7)) {
            src->path = xstrdup(arg + 7);
        } else if (!strncmp(arg, "swift://", 8) || !strncmp(arg, "s3://", 5)) {
            error = open_remote(s, src);
        } else if (strstr(arg, "://")) {
            error = xasprintf("%s: unknown scheme (file://, swift:// and "
                              "s3:// are read, and local paths)", arg);
        } else {
            src->path = xstrdup(arg);
        }
    }
    return error;
}

/* Lists the files of every source, pruned by the time options: those of
 * each source sorted by snapshot start, then name. */
char *
cli_sources_list(struct cli_sources *s, struct cli_file **filesp,
                 size_t *np)
{
    struct cli_file *files = NULL;
    size_t n = 0, allocated = 0;
    char *error = NULL;

    for (size_t i = 0; i < s->n && !error; i++) {
        struct cli_source *src = &s->sources[i];
        size_t first = n;

        if (src->sink) {
            struct list_ctx ctx = {
                .s = s, .source = i, .files = &files, .n = &n,
                .allocated = &allocated,
            };
            char *reason;
            enum sink_status status = sink_list(src->sink, "",
                                                s->opts.page_size,
                                                list_cb, &ctx, &reason);
            if (status != SINK_OK) {
                error = xasprintf("%s: listing failed: %s (%s)", src->arg,
                                  reason, sink_status_name(status));
                free(reason);
            }
        } else if (src->path) {
            struct stat st;
            if (stat(src->path, &st)) {
                error = xasprintf("%s: %s", src->path, ovs_strerror(errno));
            } else if (S_ISDIR(st.st_mode)) {
                struct partition p = { .level = 0 };
                error = walk_dir(s, src->path, p, i, &files, &n, &allocated);
            } else {
                const char *slash = strrchr(src->path, '/');
                const char *base = slash ? slash + 1 : src->path;
                long long int start;
                char *logger, *host;

                cli_file_name_parse(base, &start, &logger, &host);
                free(logger);
                free(host);
                if (file_in_range(start, s->opts.since, s->opts.until)) {
                    add_file(&files, &n, &allocated, src->path, src->path,
                             base, i);
                }
            }
        }
        if (n - first > 1) {
            qsort(&files[first], n - first, sizeof *files, compare_files);
        }
    }
    if (error) {
        cli_files_free(files, n);
        files = NULL;
        n = 0;
    }
    *filesp = files;
    *np = n;
    return error;
}

/* Reads file 'f' whole into '*data' and '*size' (release them with
 * cli_sources_release()).  Returns NULL or an error message. */
char *
cli_sources_read(struct cli_sources *s, const struct cli_file *f,
                 void **data, size_t *size)
{
    const struct cli_source *src = &s->sources[f->source];
    struct stat st;

    *data = NULL;
    *size = 0;
    if (src->sink) {
        struct ds body = DS_EMPTY_INITIALIZER;
        char *reason;
        enum sink_status status = sink_get(src->sink, f->location, &body,
                                           &reason);
        if (status != SINK_OK) {
            char *error = xasprintf("%s: %s (%s)", f->name, reason,
                                    sink_status_name(status));
            free(reason);
            ds_destroy(&body);
            return error;
        }
        *size = body.length;
        *data = ds_steal_cstr(&body);
        return NULL;
    }

    int fd = open(f->location, O_RDONLY);
    if (fd < 0) {
        return xasprintf("%s: cannot open (%s)", f->name,
                         ovs_strerror(errno));
    }
    if (fstat(fd, &st)) {
        int error = errno;
        close(fd);
        return xasprintf("%s: %s", f->name, ovs_strerror(error));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return xasprintf("%s: not a regular file", f->name);
    }

    /* A Parquet file is mapped: its reader touches only the footer and
     * the column chunks it needs, so most of the file is never read.  (The
     * exporter renames whole files into place, so none shrinks while it is
     * mapped.) */
    char magic[4];
    if (st.st_size >= 12 && pread(fd, magic, 4, 0) == 4
        && !memcmp(magic, "PAR1", 4)) {
        void *map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            close(fd);
            *data = map;
            *size = st.st_size;
            return NULL;
        }
    }

    /* Any other file is read into one buffer, reused from file to file:
     * fresh memory for each file (or mapping it) costs more in page faults
     * than the copy costs, since every byte is read. */
    if (s->buf_size < (size_t) st.st_size + 1) {
        free(s->buf);
        s->buf_size = st.st_size + 1;
        s->buf = xmalloc(s->buf_size);
    }
    size_t len = 0;
    while (len < (size_t) st.st_size) {
        ssize_t retval = read(fd, s->buf + len, st.st_size - len);
        if (retval < 0 && errno == EINTR) {
            continue;
        } else if (retval <= 0) {
            int error = retval ? errno : 0;
            close(fd);
            return xasprintf("%s: read error (%s)", f->name,
                             error ? ovs_strerror(error)
                             : "the file shrank while it was read");
        }
        len += retval;
    }
    close(fd);
    *data = s->buf;
    *size = len;
    return NULL;
}

/* Releases what cli_sources_read() gave for 'f'. */
void
cli_sources_release(struct cli_sources *s, const struct cli_file *f,
                    void *data, size_t size)
{
    if (s->sources[f->source].sink) {
        free(data);
    } else if (data && data != s->buf) {
        munmap(data, size);
    }
}

void
cli_sources_close(struct cli_sources *s)
{
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        free(s->sources[i].arg);
        free(s->sources[i].path);
        if (s->sources[i].sink) {
            sink_close(s->sources[i].sink);
        }
        if (s->sources[i].cfg) {
            sink_config_unref(s->sources[i].cfg);
        }
    }
    free(s->sources);
    free(s->buf);
    if (s->cfg) {
        sink_config_unref(s->cfg);
    }
    free(s);
}

void
cli_files_free(struct cli_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].location);
        free(files[i].logger);
        free(files[i].host);
    }
    free(files);
}
