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

#ifndef FLOWLOG_SINK_CONFIG_H
#define FLOWLOG_SINK_CONFIG_H 1

/* The exporter's configuration file (INI, see ovs-flowlog-exporter(8)):
 * [default] with file-root= and optional credentials, and one named
 * section per credentials= name a logger may use.  The file holds secrets,
 * so it must not be readable or writable by group or others, and secret
 * values are never formatted.
 *
 * A loaded configuration never changes.  It is reference-counted (with
 * atomic counts, so that any thread may drop a reference): every sink
 * holds one, so a configuration that a reload replaced stays valid for
 * the sinks and jobs that still use it. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/compiler.h"
#include "smap.h"

struct ds;
struct json;

#define SINK_FILE_ROOT_DEFAULT "/var/log/openvswitch/flowlog"

/* S3's limits: parts of a multipart upload but the last are at least
 * 5 MiB, and one PUT is at most 5 GiB. */
#define SINK_S3_MIN_PART_SIZE (5ULL * 1024 * 1024)
#define SINK_S3_MAX_PUT_SIZE (5ULL * 1024 * 1024 * 1024)

/* One section: a set of credentials. */
struct sink_credentials {
    char *name;                 /* Section name, e.g. "default". */
    char *type;                 /* "swift-tempauth", ..., or NULL. */
    struct smap keys;           /* Every key but "type" and "file-root". */
};

struct sink_config;

char *sink_config_load(const char *file_name,
                           struct sink_config **)
    OVS_WARN_UNUSED_RESULT;
char *sink_config_create(const char *origin, const char *section,
                         const char *type, const struct smap *keys,
                         struct sink_config **)
    OVS_WARN_UNUSED_RESULT;
struct sink_config *sink_config_ref(const struct sink_config *);
void sink_config_unref(struct sink_config *);

const char *sink_config_file_name(const struct sink_config *);
const char *const *sink_config_file_roots(const struct sink_config *,
                                              size_t *n);
/* The non-empty value of 'key' in 'creds', or NULL. */
const char *sink_cred(const struct sink_credentials *,
                                     const char *key);
const struct sink_credentials *sink_config_credentials(
    const struct sink_config *, const char *name);

bool sink_config_key_is_secret(const char *key);
void sink_config_format(const struct sink_config *, struct ds *);
struct json *sink_config_to_json(const struct sink_config *);

/* Comparisons of two configurations, for a reload. */
bool sink_config_file_roots_equal(const struct sink_config *,
                                  const struct sink_config *);
bool sink_config_credentials_equal(const struct sink_config *,
                                   const struct sink_config *,
                                   const char *name);
bool sink_config_format_changes(const struct sink_config *old,
                                const struct sink_config *new,
                                struct ds *);

#endif /* flowlog-sink-config.h */
