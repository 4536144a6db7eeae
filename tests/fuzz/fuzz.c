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
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "util.h"

/* Once per process: log every level to /dev/null, so that the messages
 * that hostile input reaches are formatted (and checked) without flooding
 * the fuzzer's output, or to the console with FUZZ_VERBOSE set. */
void
fuzz_init(void)
{
    static bool inited;

    if (!inited) {
        inited = true;
        vlog_set_levels(NULL, VLF_CONSOLE,
                        getenv("FUZZ_VERBOSE") ? VLL_DBG : VLL_OFF);
        vlog_set_levels(NULL, VLF_SYSLOG, VLL_OFF);
        if (!vlog_set_log_file("/dev/null")) {
            vlog_set_levels(NULL, VLF_FILE, VLL_DBG);
        }
    }
}

/* A private directory for the harness's files, made once per process
 * under $TMPDIR and removed at exit. */
static char *tmpdir;

static void
remove_tmpdir(void)
{
    if (tmpdir) {
        fuzz_empty_dir(tmpdir);
        rmdir(tmpdir);
    }
}

const char *
fuzz_tmpdir(void)
{
    if (!tmpdir) {
        const char *base = getenv("TMPDIR");
        tmpdir = xasprintf("%s/flowlog-fuzz.XXXXXX", base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            ovs_fatal(errno, "%s: mkdtemp failed", tmpdir);
        }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

/* Removes everything in 'dir' (one level of subdirectories deep is
 * enough for the harnesses). */
void
fuzz_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d) {
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) {
            continue;
        }
        char *path = xasprintf("%s/%s", dir, de->d_name);
        if (unlink(path) && errno == EISDIR) {
            fuzz_empty_dir(path);
            rmdir(path);
        }
        free(path);
    }
    closedir(d);
}

/* Writes 'size' bytes of 'data' to file 'name' with 'mode'.  Returns 0 or
 * an errno value. */
int
fuzz_write_file(const char *name, const void *data, size_t size, int mode)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        return errno;
    }
    int error = write(fd, data, size) == size ? 0 : EIO;
    if (fchmod(fd, mode)) {
        error = errno;
    }
    close(fd);
    return error;
}

/* Takes the next part of '*data' up to the next 'delim' (or the end) into
 * 'part' (cleared first, NUL-terminated) and advances past it.  Returns
 * false, with 'part' empty, if nothing was left. */
bool
fuzz_split(const uint8_t **data, size_t *size, const char *delim,
           struct ds *part)
{
    size_t dlen = strlen(delim);

    ds_clear(part);
    if (!*size) {
        return false;
    }
    const uint8_t *p = *data;
    size_t n = *size;
    const uint8_t *hit = memmem(p, n, delim, dlen);
    size_t len = hit ? hit - p : n;
    size_t skip = hit ? len + dlen : n;

    ds_put_buffer(part, (const char *) p, len);
    *data = p + skip;
    *size = n - skip;
    return true;
}

