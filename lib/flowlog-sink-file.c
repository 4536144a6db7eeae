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
 * configuration.  The target is checked lexically when the sink opens.
 * Below the root nothing is ever looked up by path: every write walks down
 * from a descriptor of the root, one directory at a time, with openat()
 * and O_NOFOLLOW | O_DIRECTORY, creating missing directories with
 * mkdirat() (and an fsync of the parent, so that the new entry is
 * durable), and writes relative to the last directory's descriptor.  A
 * symlink or a non-directory on the way is an error, however the tree
 * below the root changes meanwhile: whoever can rename or replace
 * directories there cannot make the exporter write outside the root.
 * Files are written atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory.
 *
 * Temporary files are named ".NAME.PID.N.tmp", unique to the process
 * and the write, so that two writes of one name at once (two loggers
 * probing the same directory) never touch each other's.  One that a
 * killed exporter left behind is removed the next time the process
 * writes into its directory (see clean_stale_tmps()). */

#include <config.h>
#include "lib/flowlog-sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "util.h"
#include "lib/flowlog-sink-config.h"

VLOG_DEFINE_THIS_MODULE(flowlog_sink_file);

struct file_sink {
    struct sink up;
    char *dir;                  /* Target directory, no trailing '/'. */
    char *root;                 /* The file-root that holds 'dir'. */
    char *cleaned;              /* Directory last cleaned of stale
                                 * temporary files, or NULL. */
};

static struct file_sink *
file_sink_cast(struct sink *sink)
{
    return SINK_CAST(sink, struct file_sink, &sink_file_class);
}

/* Errors that retrying will not fix are configuration errors; the rest
 * (ENOSPC, EIO, ...) make the storage unavailable for now. */
static enum sink_status
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
        return SINK_CONFIG_ERROR;
    default:
        return SINK_UNAVAILABLE;
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

static enum sink_status
file_open(const char *target, const char *credentials OVS_UNUSED,
          const struct sink_config *cfg, struct sink **sinkp,
          char **reason)
{
    char *dir = xstrdup(target + strlen("file://"));
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') {
        dir[--n] = '\0';
    }

    size_t n_roots;
    const char *const *roots = sink_config_file_roots(cfg, &n_roots);
    for (size_t i = 0; i < n_roots; i++) {
        if (dir[0] == '/' && !strstr(dir, "/../") && !strstr(dir, "/./")
            && path_is_below(dir, roots[i])) {
            struct file_sink *fs = xzalloc(sizeof *fs);

            fs->up.class = &sink_file_class;
            fs->up.target = xstrdup(target);
            fs->dir = dir;
            fs->root = xstrdup(roots[i]);
            *sinkp = &fs->up;
            return SINK_OK;
        }
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "target %s is outside file-root ", target);
    for (size_t i = 0; i < n_roots; i++) {
        ds_put_format(&s, "%s%s", i ? "," : "", roots[i]);
    }
    ds_put_format(&s, " (the directories that file-root= in [default] of "
                  "%s allows)", sink_config_file_name(cfg));
    *reason = ds_steal_cstr(&s);
    free(dir);
    return SINK_CONFIG_ERROR;
}

static void
file_close(struct sink *sink)
{
    struct file_sink *fs = file_sink_cast(sink);

    free(fs->up.target);
    free(fs->dir);
    free(fs->root);
    free(fs->cleaned);
    free(fs);
}

/* Opens the file-root directory in '*fdp', creating it and its parents
 * as needed: the root itself is trusted configuration, so its path may
 * hold symlinks. */
static enum sink_status
open_root(const struct file_sink *fs, int *fdp, char **reason)
{
    char *root = xstrdup(fs->root);
    int error = 0;

    for (char *p = root + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(root, 0750) && errno != EEXIST) {
                error = errno;
                *reason = xasprintf("target %s: cannot create directory %s "
                                    "(%s)", fs->up.target, root,
                                    ovs_strerror(error));
            }
            *p = c;
            if (error || !c) {
                break;
            }
        }
    }
    if (!error) {
        *fdp = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (*fdp < 0) {
            error = errno;
            *reason = xasprintf("target %s: cannot open file-root %s (%s)",
                                fs->up.target, root, ovs_strerror(error));
        }
    }
    free(root);
    return error ? errno_status(error) : SINK_OK;
}

/* Opens in '*fdp' directory 'name' of directory 'parent_fd', whose path
 * is 'path' (for messages: it ends in 'name'), creating it if it does not
 * exist.  Never follows a symlink. */
static enum sink_status
open_subdir(const struct file_sink *fs, int parent_fd, const char *name,
            const char *path, int *fdp, char **reason)
{
    const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int error;

    if (!strcmp(name, ".") || !strcmp(name, "..")) {
        *reason = xasprintf("target %s: %s: '.' and '..' are not allowed "
                            "below file-root %s", fs->up.target, path,
                            fs->root);
        return SINK_CONFIG_ERROR;
    }

    int fd = openat(parent_fd, name, flags);
    if (fd < 0 && errno == ENOENT) {
        if (!mkdirat(parent_fd, name, 0750)) {
            /* The new entry is durable once its parent is. */
            if (fsync(parent_fd)) {
                error = errno;
                *reason = xasprintf("target %s: fsync of the directory that "
                                    "holds %s failed (%s)", fs->up.target,
                                    path, ovs_strerror(error));
                return errno_status(error);
            }
        } else if (errno != EEXIST) {
            error = errno;
            *reason = xasprintf("target %s: cannot create directory %s (%s)",
                                fs->up.target, path, ovs_strerror(error));
            return errno_status(error);
        }
        fd = openat(parent_fd, name, flags);
    }
    if (fd < 0) {
        error = errno;
        if (error == ELOOP || error == ENOTDIR) {
            /* Linux gives ENOTDIR for a symlink too (O_DIRECTORY is checked
             * first).  Which one it was is only for the message; the entry
             * may have changed since. */
            struct stat st;
            bool is_link = error == ELOOP;
            bool changed = false;
            if (!is_link) {
                if (!fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW)) {
                    is_link = S_ISLNK(st.st_mode);
                    changed = S_ISDIR(st.st_mode);
                } else {
                    changed = true;
                }
            }
            if (is_link) {
                *reason = xasprintf("target %s: %s is a symbolic link: below "
                                    "file-root %s, file:// targets are "
                                    "written only through real directories",
                                    fs->up.target, path, fs->root);
            } else if (changed) {
                *reason = xasprintf("target %s: %s was a symbolic link or not "
                                    "a directory when the exporter opened it, "
                                    "and has been replaced since",
                                    fs->up.target, path);
            } else {
                *reason = xasprintf("target %s: %s is not a directory",
                                    fs->up.target, path);
            }
            return SINK_CONFIG_ERROR;
        }
        *reason = xasprintf("target %s: cannot open directory %s (%s)",
                            fs->up.target, path, ovs_strerror(error));
        return errno_status(error);
    }
    *fdp = fd;
    return SINK_OK;
}

/* Opens the directory that holds object 'key' as '*dfdp', creating it one
 * level at a time from the file-root down; '*dirp' is its path (for
 * messages, to be freed) and '*basep' the object's name in it. */
static enum sink_status
open_key_dir(const struct file_sink *fs, const char *key, int *dfdp,
             char **dirp, const char **basep, char **reason)
{
    int fd;
    enum sink_status status = open_root(fs, &fd, reason);
    if (status != SINK_OK) {
        return status;
    }

    /* Below the root: the rest of the target directory, then the key's
     * directories. */
    struct ds rel = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&rel, fs->dir + (strcmp(fs->root, "/")
                                 ? strlen(fs->root) : 0));
    const char *slash = strrchr(key, '/');
    if (slash) {
        ds_put_format(&rel, "/%.*s", (int) (slash - key), key);
    }
    *basep = slash ? slash + 1 : key;

    struct ds path = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&path, strcmp(fs->root, "/") ? fs->root : "");
    char *save = NULL;
    for (char *comp = strtok_r(ds_cstr(&rel), "/", &save); comp;
         comp = strtok_r(NULL, "/", &save)) {
        int next;

        ds_put_format(&path, "/%s", comp);
        status = open_subdir(fs, fd, comp, ds_cstr(&path), &next, reason);
        close(fd);
        fd = -1;
        if (status != SINK_OK) {
            break;
        }
        fd = next;
    }
    ds_destroy(&rel);

    if (status != SINK_OK) {
        ds_destroy(&path);
        *dirp = NULL;
        return status;
    }
    if (!path.length) {
        ds_put_char(&path, '/');
    }
    *dfdp = fd;
    *dirp = ds_steal_cstr(&path);
    return SINK_OK;
}

static enum sink_status
file_failed(const struct file_sink *fs, const char *what, const char *dir,
            const char *name, int error, char **reason)
{
    *reason = xasprintf("target %s: %s %s/%s failed (%s)", fs->up.target,
                        what, dir, name, ovs_strerror(error));
    return errno_status(error);
}

/* A temporary file of another process is stale once that process is gone
 * or the file was last written this long ago (a PID reused since, a file
 * of an older version without a PID). */
#define STALE_TMP_AGE (60 * 60)

/* True if 'name' is a temporary file that no write in progress uses: a
 * ".NAME.PID.N.tmp" of a process other than this one that no longer runs,
 * or any ".NAME.tmp" last modified STALE_TMP_AGE seconds ago or earlier. */
static bool
tmp_is_stale(int dfd, const char *name, bool *exitedp)
{
    size_t len = strlen(name);
    struct stat st;

    *exitedp = false;
    if (name[0] != '.' || len < 6 || strcmp(name + len - 4, ".tmp")) {
        return false;
    }

    /* ".NAME.PID.N.tmp": the two numbers before ".tmp". */
    const char *end = name + len - 4;
    const char *p = end;
    int dots = 0;
    while (p > name + 1 && dots < 2) {
        p--;
        if (*p == '.') {
            dots++;
        } else if (*p < '0' || *p > '9') {
            break;
        }
    }
    if (dots == 2 && *p == '.') {
        long pid = strtol(p + 1, NULL, 10);
        if (pid > 0 && pid <= INT32_MAX) {
            if (pid == getpid()) {
                return false;
            }
            if (kill(pid, 0) && errno == ESRCH) {
                *exitedp = true;
                return true;
            }
        }
    }
    return (!fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)
            && S_ISREG(st.st_mode)
            && time(NULL) - st.st_mtime >= STALE_TMP_AGE);
}

/* Removes the stale temporary files (see tmp_is_stale()) of directory 'dfd'
 * ('dir' for the log), once per directory in a row: a killed exporter's
 * leftovers go when it writes into that directory again, which it does
 * when it resumes the spooled snapshot it was writing. */
static void
clean_stale_tmps(struct file_sink *fs, int dfd, const char *dir)
{
    if (fs->cleaned && !strcmp(fs->cleaned, dir)) {
        return;
    }
    free(fs->cleaned);
    fs->cleaned = xstrdup(dir);

    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    for (struct dirent *de; (de = readdir(d)) != NULL; ) {
        bool exited;

        if (tmp_is_stale(dfd, de->d_name, &exited)) {
            if (!unlinkat(dfd, de->d_name, 0)) {
                VLOG_INFO("target %s: removed the stale temporary file "
                          "%s/%s%s", fs->up.target, dir, de->d_name,
                          (exited ? " of a process that has exited"
                           : ", last written over an hour ago"));
            } else if (errno != ENOENT) {
                VLOG_WARN("target %s: removing the stale temporary file "
                          "%s/%s failed (%s)", fs->up.target, dir,
                          de->d_name, ovs_strerror(errno));
            }
        }
    }
    closedir(d);
}

static enum sink_status
file_put(struct sink *sink, const char *key, const struct sink_body *body,
         char **reason)
{
    struct file_sink *fs = file_sink_cast(sink);
    enum sink_status status;
    const char *base;
    char *dir;
    int dfd;

    status = open_key_dir(fs, key, &dfd, &dir, &base, reason);
    if (status != SINK_OK) {
        return status;
    }

    static atomic_count tmp_seq = ATOMIC_COUNT_INIT(0);
    clean_stale_tmps(fs, dfd, dir);
    char *tmp = xasprintf(".%s.%ld.%u.tmp", base, (long) getpid(),
                          atomic_count_inc(&tmp_seq));
    int fd = openat(dfd, tmp, (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                               | O_CLOEXEC), 0640);
    if (fd < 0) {
        status = file_failed(fs, "creating", dir, tmp, errno, reason);
        goto out;
    }

    /* 64 kB at a time from a body in a file. */
    char *buf = body->data ? NULL : xmalloc(65536);
    for (uint64_t pos = 0; pos < body->size && status == SINK_OK; ) {
        size_t chunk = body->data ? body->size - pos
                                  : MIN(65536, body->size - pos);
        const char *p;
        if (body->data) {
            p = (const char *) body->data + pos;
        } else {
            int error = sink_body_read(body, pos, buf, chunk);
            if (error) {
                *reason = xasprintf("target %s: reading the file to upload "
                                    "failed (%s)", fs->up.target,
                                    ovs_strerror(error));
                status = SINK_UNAVAILABLE;
                break;
            }
            p = buf;
        }
        pos += chunk;
        while (chunk > 0) {
            ssize_t n = write(fd, p, chunk);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                status = file_failed(fs, "writing", dir, tmp, errno, reason);
                break;
            }
            p += n;
            chunk -= n;
        }
    }
    free(buf);
    if (status == SINK_OK && fsync(fd)) {
        status = file_failed(fs, "fsync of", dir, tmp, errno, reason);
    }
    if (close(fd) && status == SINK_OK) {
        status = file_failed(fs, "closing", dir, tmp, errno, reason);
    }
    if (status == SINK_OK && renameat(dfd, tmp, dfd, base)) {
        status = file_failed(fs, "renaming to", dir, base, errno, reason);
    }
    if (status == SINK_OK && fsync(dfd)) {
        status = file_failed(fs, "fsync of directory", dir, "", errno,
                             reason);
    }
    if (status != SINK_OK) {
        unlinkat(dfd, tmp, 0);
    }

out:
    close(dfd);
    free(tmp);
    free(dir);
    return status;
}

static enum sink_status
file_delete(struct sink *sink, const char *key, char **reason)
{
    struct file_sink *fs = file_sink_cast(sink);
    enum sink_status status;
    const char *base;
    char *dir;
    int dfd;

    status = open_key_dir(fs, key, &dfd, &dir, &base, reason);
    if (status != SINK_OK) {
        return status;
    }
    if (unlinkat(dfd, base, 0) && errno != ENOENT) {
        status = file_failed(fs, "removing", dir, base, errno, reason);
    }
    close(dfd);
    free(dir);
    return status;
}

const struct sink_class sink_file_class = {
    .scheme = "file",
    .open = file_open,
    .close = file_close,
    .put = file_put,
    .delete = file_delete,
};
