/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_fuzz_one.h - one input through the XenAPI response parsers, shared
 * by the libFuzzer target (fuzz_xapi.c) and the unit test that replays the
 * corpus and every crasher found (test_xapi_corpus.c).
 *
 * Thread-safety: one caller at a time (a static queue is reused).
 */
#ifndef XAPI_FUZZ_ONE_H
#define XAPI_FUZZ_ONE_H

#include <stddef.h>
#include <stdint.h>

/** Decode @p data as JSON-RPC and as XML-RPC; feed what decodes to the
 * cache (as records of every class and as an event batch) and the
 * bindings. @return 0. */
int xapi_fuzz_one(const uint8_t *data, size_t size);

#endif /* XAPI_FUZZ_ONE_H */
