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

/* The file:// sink: files below a local directory.
 *
 * Whoever can write OVSDB chooses the target, and the exporter usually runs
 * as root, so it writes only below the file-root directories of its own
 * configuration.  The target is checked lexically when the sink opens and
 * every directory is checked again, as it is created, by its real path, so
 * that neither ".." nor a symlink leads outside the root.  Files are
 * written atomically: a temporary file in the same directory, fsync,
 * rename, fsync of the directory. */

#include <config.h>
#include "utilities/exporter-sink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"
#include "utilities/exporter-config.h"

struct file_sink {
    struct exporter_sink up;
    char *dir;                  /* Target directory, no trailing '/'. */
    char *root;                 /* The file-root that holds 'dir'. */
};

static struct file_sink *
file_sink_cast(struct exporter_sink *sink)
{
    ovs_assert(sink->class == &exporter_file_class);
    return CONTAINER_OF(sink, struct file_sink, up);
}

/* Errors that retrying will not fix are configuration errors; the rest
 * (ENOSPC, EIO, ...) make the storage unavailable for now. */
static enum exporter_status
errno_status(int error)
{
    switch (error) {
    case EACCES:
    case EPERM:
    case EROFS:
    case ENOTDIR:
    case EEXIST:
    case EISDIR:
    case ELOOP:
    case ENAMETOOLONG:
        return EXPORTER_CONFIG_ERROR;
    default:
        return EXPORTER_UNAVAILABLE;
    }
}

static bool
path_is_below(const char *path, const char *root)
{
    size_t n = strlen(root);

    if (!strcmp(root, "/")) {
        return path[0] == '/';
    }
    return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

static enum exporter_status
file_open(const char *target, const char *credentials OVS_UNUSED,
          const struct exporter_config *cfg, struct exporter_sink **sinkp,
          char **reason)
{
    char *dir = xstrdup(target + strlen("file://"));
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') {
        dir[--n] = '\0';
    }

    size_t n_roots;
    const char *const *roots = exporter_config_file_roots(cfg, &n_roots);
    for (size_t i = 0; i < n_roots; i++) {
        if (dir[0] == '/' && !strstr(dir, "/../") && !strstr(dir, "/./")
            && path_is_below(dir, roots[i])) {
            struct file_sink *fs = xzalloc(sizeof *fs);

            fs->up.class = &exporter_file_class;
            fs->up.target = xstrdup(target);
            fs->dir = dir;
            fs->root = xstrdup(roots[i]);
            *sinkp = &fs->up;
            return EXPORTER_OK;
        }
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "target %s is outside file-root ", target);
    for (size_t i = 0; i < n_roots; i++) {
        ds_put_format(&s, "%s%s", i ? "," : "", roots[i]);
    }
    ds_put_format(&s, " (the directories that file-root= in [default] of "
                  "%s allows)", exporter_config_file_name(cfg));
    *reason = ds_steal_cstr(&s);
    free(dir);
    return EXPORTER_CONFIG_ERROR;
}

static void
file_close(struct exporter_sink *sink)
{
    struct file_sink *fs = file_sink_cast(sink);

    free(fs->up.target);
    free(fs->dir);
    free(fs->root);
    free(fs);
}

/* Creates directory 'path' (EEXIST is fine) and returns its real path in
 * '*realp' if that is still below 'real_root'. */
static enum exporter_status
make_dir(const struct file_sink *fs, const char *path, const char *real_root,
         char **realp, char **reason)
{
    if (mkdir(path, 0750) && errno != EEXIST) {
        int error = errno;
        *reason = xasprintf("target %s: cannot create directory %s (%s)",
                            fs->up.target, path, ovs_strerror(error));
        return errno_status(error);
    }

    char *real = realpath(path, NULL);
    if (!real) {
        int error = errno;
        *reason = xasprintf("target %s: cannot resolve %s (%s)",
                            fs->up.target, path, ovs_strerror(error));
        return errno_status(error);
    }
    if (real_root && !path_is_below(real, real_root)) {
        *reason = xasprintf("target %s: %s resolves to %s, which is outside "
                            "file-root %s", fs->up.target, path, real,
                            fs->root);
        free(real);
        return EXPORTER_CONFIG_ERROR;
    }

    struct stat st;
    if (stat(real, &st) || !S_ISDIR(st.st_mode)) {
        *reason = xasprintf("target %s: %s is not a directory",
                            fs->up.target, real);
        free(real);
        return EXPORTER_CONFIG_ERROR;
    }
    *realp = real;
    return EXPORTER_OK;
}

/* Creates the directory that holds object 'key', one level at a time from
 * the file-root down, and stores its real path in '*dirp' and the file's
 * base name in '*basep'. */
static enum exporter_status
make_dirs(const struct file_sink *fs, const char *key, char **dirp,
          const char **basep, char **reason)
{
    enum exporter_status status = EXPORTER_OK;
    char *real_root = NULL;
    char *cur = NULL;

    /* The root itself is trusted configuration: create it as needed. */
    char *root = xstrdup(fs->root);
    for (char *p = root + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            char *real = NULL;
            status = make_dir(fs, root, NULL, &real, reason);
            free(real);
            *p = c;
            if (status != EXPORTER_OK || !c) {
                break;
            }
        }
    }
    if (status == EXPORTER_OK) {
        status = make_dir(fs, root, NULL, &real_root, reason);
    }
    free(root);
    if (status != EXPORTER_OK) {
        return status;
    }

    /* Below the root: the rest of the target directory, then the key's
     * directories, each checked by its real path. */
    struct ds rel = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&rel, fs->dir + (strcmp(fs->root, "/")
                                 ? strlen(fs->root) : 0));
    const char *slash = strrchr(key, '/');
    if (slash) {
        ds_put_format(&rel, "/%.*s", (int) (slash - key), key);
    }
    *basep = slash ? slash + 1 : key;

    cur = xstrdup(real_root);
    char *save = NULL;
    for (char *comp = strtok_r(ds_cstr(&rel), "/", &save); comp;
         comp = strtok_r(NULL, "/", &save)) {
        char *path = xasprintf("%s%s%s", cur, strcmp(cur, "/") ? "/" : "",
                               comp);
        char *real = NULL;
        status = make_dir(fs, path, real_root, &real, reason);
        free(path);
        if (status != EXPORTER_OK) {
            break;
        }
        free(cur);
        cur = real;
    }
    ds_destroy(&rel);
    free(real_root);

    if (status != EXPORTER_OK) {
        free(cur);
        cur = NULL;
    }
    *dirp = cur;
    return status;
}

static enum exporter_status
file_failed(const struct file_sink *fs, const char *what, const char *dir,
            const char *name, int error, char **reason)
{
    *reason = xasprintf("target %s: %s %s/%s failed (%s)", fs->up.target,
                        what, dir, name, ovs_strerror(error));
    return errno_status(error);
}

static enum exporter_status
file_put(struct exporter_sink *sink, const char *key, const void *data,
         size_t size, char **reason)
{
    struct file_sink *fs = file_sink_cast(sink);
    enum exporter_status status;
    const char *base;
    char *dir;

    status = make_dirs(fs, key, &dir, &base, reason);
    if (status != EXPORTER_OK) {
        return status;
    }

    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        status = file_failed(fs, "open", dir, "", errno, reason);
        free(dir);
        return status;
    }

    char *tmp = xasprintf(".%s.tmp", base);
    unlinkat(dfd, tmp, 0);
    int fd = openat(dfd, tmp, (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                               | O_CLOEXEC), 0640);
    if (fd < 0) {
        status = file_failed(fs, "creating", dir, tmp, errno, reason);
        goto out;
    }

    const char *p = data;
    size_t left = size;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            status = file_failed(fs, "writing", dir, tmp, errno, reason);
            break;
        }
        p += n;
        left -= n;
    }
    if (status == EXPORTER_OK && fsync(fd)) {
        status = file_failed(fs, "fsync of", dir, tmp, errno, reason);
    }
    if (close(fd) && status == EXPORTER_OK) {
        status = file_failed(fs, "closing", dir, tmp, errno, reason);
    }
    if (status == EXPORTER_OK && renameat(dfd, tmp, dfd, base)) {
        status = file_failed(fs, "renaming to", dir, base, errno, reason);
    }
    if (status == EXPORTER_OK && fsync(dfd)) {
        status = file_failed(fs, "fsync of directory", dir, "", errno,
                             reason);
    }
    if (status != EXPORTER_OK) {
        unlinkat(dfd, tmp, 0);
    }

out:
    close(dfd);
    free(tmp);
    free(dir);
    return status;
}

static enum exporter_status
file_delete(struct exporter_sink *sink, const char *key, char **reason)
{
    struct file_sink *fs = file_sink_cast(sink);
    enum exporter_status status;
    const char *base;
    char *dir;

    status = make_dirs(fs, key, &dir, &base, reason);
    if (status != EXPORTER_OK) {
        return status;
    }

    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        status = file_failed(fs, "open", dir, "", errno, reason);
    } else {
        if (unlinkat(dfd, base, 0) && errno != ENOENT) {
            status = file_failed(fs, "removing", dir, base, errno, reason);
        }
        close(dfd);
    }
    free(dir);
    return status;
}

const struct exporter_sink_class exporter_file_class = {
    .scheme = "file",
    .open = file_open,
    .close = file_close,
    .put = file_put,
    .delete = file_delete,
};
