/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_xapi.c - libFuzzer target for the XenAPI response parsers (JSON-RPC,
 * XML-RPC, event batches, records) and what consumes them.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true && ninja -C build-fuzz
 *   build-fuzz/tests/unit/xenapi/fuzz_xapi -max_total_time=60 \
 *       -max_len=65536 tests/fuzz/corpus/xapi
 *
 * A crasher goes to tests/fuzz/regress/xapi/: test_xapi_corpus replays it
 * in the unit suite from then on.
 */
#include <stddef.h>
#include <stdint.h>

#include "xapi_fuzz_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return xapi_fuzz_one(data, size);
}
