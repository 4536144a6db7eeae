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

#ifndef FUZZ_H
#define FUZZ_H 1

/* Shared by the libFuzzer harnesses of tests/fuzz/ (see README.md there).
 * Each harness defines LLVMFuzzerTestOneInput() and drives the product's
 * own functions, linked from the same libraries as the programs. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void fuzz_init(void);
const char *fuzz_tmpdir(void);
void fuzz_empty_dir(const char *dir);
int fuzz_write_file(const char *name, const void *data, size_t size,
                    int mode);
bool fuzz_split(const uint8_t **data, size_t *size, const char *delim,
                struct ds *part);

/* The stand-in for the network of the object-storage sinks
 * (sink_http_set_transport()): replies taken in order from the input. */
void fuzz_http_start(const uint8_t *data, size_t size);
void fuzz_http_finish(void);

struct sink;
void fuzz_sink_exercise(struct sink *, const char *system_id);

#endif /* fuzz.h */
