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
#include "lib/flowlog-sink.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/flowlog-sink-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(exporter_sink);

static const struct sink_class *const classes[] = {
    &sink_file_class,
    &sink_swift_class,
    &sink_s3_class,
};

const char *
sink_status_name(enum sink_status status)
{
    switch (status) {
    case SINK_OK:
        return "ACTIVE";
    case SINK_AUTH_ERROR:
        return "AuthenticationError";
    case SINK_CONFIG_ERROR:
        return "StorageConfigurationError";
    case SINK_UNAVAILABLE:
    default:
        return "StorageUnavailableError";
    }
}

/* Opens the sink of 'target' in '*sinkp'.  On failure, stores NULL in
 * '*sinkp' and a malloc()'d reason in '*reason'.  The sink holds a
 * reference to 'cfg' until it is closed. */
enum sink_status
sink_open(const char *target, const char *credentials,
                   const struct sink_config *cfg,
                   struct sink **sinkp, char **reason)
{
    *sinkp = NULL;
    *reason = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
        const char *scheme = classes[i]->scheme;
        size_t n = strlen(scheme);

        if (!strncmp(target, scheme, n) && !strncmp(target + n, "://", 3)) {
            enum sink_status status = classes[i]->open(
                target, credentials, cfg, sinkp, reason);
            if (status != SINK_OK) {
                *sinkp = NULL;
            } else {
                (*sinkp)->cfg = sink_config_ref(cfg);
            }
            return status;
        }
    }
    *reason = xasprintf("target %s: this exporter does not support its "
                        "scheme yet (it writes file:// targets)", target);
    return SINK_CONFIG_ERROR;
}

/* Closes 'sink' (which may be NULL).  Any thread may call it. */
void
sink_close(struct sink *sink)
{
    if (sink) {
        struct sink_config *cfg = sink->cfg;

        sink->class->close(sink);
        sink_config_unref(cfg);
    }
}

/* True if a sink for 'target' with 'credentials' opened with configuration
 * 'old' would not be the one that 'new' gives: file:// sinks depend on
 * file-root=, the others on their credentials section. */
bool
sink_config_changed(const struct sink_config *old,
                    const struct sink_config *new,
                    const char *target, const char *credentials)
{
    if (old == new) {
        return false;
    } else if (!strncmp(target, "file://", 7)) {
        return !sink_config_file_roots_equal(old, new);
    } else {
        return !sink_config_credentials_equal(old, new, credentials);
    }
}

enum sink_status
sink_put(struct sink *sink, const char *key, const struct sink_body *body,
         char **reason)
{
    *reason = NULL;
    return sink->class->put(sink, key, body, reason);
}

/* Lists the objects of 'sink' whose keys start with 'prefix' (see struct
 * sink_class). */
enum sink_status
sink_list(struct sink *sink, const char *prefix, size_t page_size,
          sink_list_func *cb, void *aux, char **reason)
{
    *reason = NULL;
    if (!sink->class->list) {
        *reason = xasprintf("target %s: %s:// targets cannot be listed",
                            sink->target, sink->class->scheme);
        return SINK_CONFIG_ERROR;
    }
    return sink->class->list(sink, prefix, MAX(page_size, 1), cb, aux,
                             reason);
}

/* Reads object 'key' of 'sink' whole into 'body'. */
enum sink_status
sink_get(struct sink *sink, const char *key, struct ds *body, char **reason)
{
    *reason = NULL;
    ds_clear(body);
    if (!sink->class->get) {
        *reason = xasprintf("target %s: %s:// objects cannot be read",
                            sink->target, sink->class->scheme);
        return SINK_CONFIG_ERROR;
    }
    return sink->class->get(sink, key, body, reason);
}

/* Reads 'n' bytes of 'body' from position 'pos' (relative to the body's
 * start) into 'buf'.  Returns 0 or a positive errno value (EIO if the file
 * is shorter than the body says). */
int
sink_body_read(const struct sink_body *body, uint64_t pos, void *buf,
               size_t n)
{
    ovs_assert(pos <= body->size && n <= body->size - pos);
    if (body->data) {
        memcpy(buf, (const char *) body->data + pos, n);
        return 0;
    }

    char *p = buf;
    off_t offset = body->offset + pos;
    while (n > 0) {
        ssize_t retval = pread(body->fd, p, n, offset);
        if (retval < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        } else if (!retval) {
            return EIO;
        }
        p += retval;
        offset += retval;
        n -= retval;
    }
    return 0;
}

/* The 'size' bytes of 'body' from position 'pos'. */
struct sink_body
sink_body_slice(const struct sink_body *body, uint64_t pos, uint64_t size)
{
    struct sink_body slice = *body;

    ovs_assert(pos <= body->size && size <= body->size - pos);
    if (slice.data) {
        slice.data = (const char *) slice.data + pos;
    } else {
        slice.offset += pos;
    }
    slice.size = size;
    return slice;
}

/* Targets whose probe object could not be deleted, warned about once. */
static struct ovs_mutex undeletable_mutex = OVS_MUTEX_INITIALIZER;
static struct sset undeletable OVS_GUARDED_BY(undeletable_mutex)
    = SSET_INITIALIZER(&undeletable);

/* Checks that 'sink' can be written: puts a 0-byte object, then deletes
 * it.  The object's name holds 'system_id', so that hosts probing the same
 * target do not step on each other.
 *
 * Writing is what delivery needs.  A store that takes the object but
 * refuses to delete it (403 on DELETE: a policy that allows PutObject
 * only, as write-only log buckets often have) is usable: the target is
 * ACTIVE, the probe object stays, and a warning says so once per target. */
enum sink_status
sink_probe(struct sink *sink, const char *system_id,
                    char **reason)
{
    char *key = xasprintf(".ovs-flowlog-probe-%s",
                          system_id && system_id[0] ? system_id : "unknown");
    for (char *p = key; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("-._:", *p)) {
            *p = '_';       /* As flowlog_file_key() does. */
        }
    }

    *reason = NULL;
    struct sink_body empty = SINK_BODY_MEM("", 0);
    enum sink_status status = sink->class->put(sink, key, &empty, reason);
    if (status == SINK_OK) {
        status = sink->class->delete(sink, key, reason);
        if (status == SINK_CONFIG_ERROR) {
            /* The object was just written, so the container or bucket
             * exists and the credentials are good: this is permission to
             * delete, which delivery never needs. */
            ovs_mutex_lock(&undeletable_mutex);
            bool first = sset_add(&undeletable, sink->target) != NULL;
            ovs_mutex_unlock(&undeletable_mutex);
            if (first) {
                VLOG_WARN("target %s: the probe object %s was written but "
                          "cannot be deleted (%s); writing is all delivery "
                          "needs, so the target is ACTIVE, and the probe "
                          "object stays", sink->target, key, *reason);
            }
            free(*reason);
            *reason = NULL;
            status = SINK_OK;
        }
    }
    free(key);
    return status;
}

/* Returns the object key prefix of a swift:// or s3:// target, given
 * 'slash', the '/' after its container or bucket (or NULL): the rest without
 * trailing slashes, followed by one '/' if not empty.  Caller frees. */
char *
sink_prefix(const char *slash)
{
    struct ds prefix = DS_EMPTY_INITIALIZER;

    if (slash) {
        ds_put_cstr(&prefix, slash + 1);
        while (prefix.length && ds_last(&prefix) == '/') {
            ds_chomp(&prefix, '/');
        }
        if (prefix.length) {
            ds_put_char(&prefix, '/');
        }
    }
    return ds_steal_cstr(&prefix);
}

static atomic_bool stopping = ATOMIC_VAR_INIT(false);

void
sink_stop_all(void)
{
    atomic_store_relaxed(&stopping, true);
}

bool
sink_stopping(void)
{
    bool b;

    atomic_read_relaxed(&stopping, &b);
    return b;
}

struct sink *
sink_check_class(struct sink *sink, const struct sink_class *class)
{
    ovs_assert(sink->class == class);
    return sink;
}
