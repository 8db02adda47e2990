/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_lcore.c - the per-lcore helpers of the burst loop that need no
 * EAL: FDB keys built in registers against map_fdb_key().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dataplane/dp_private.h"

static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
test_fdb_key(void **state)
{
	uint64_t x = 2463534242ull;
	uint8_t frame[16];

	(void)state;
	for (unsigned n = 0; n < 100000; n++) {
		uint16_t seg = (uint16_t)(rnd(&x) % MAP_SEG_MAX);

		for (unsigned i = 0; i < sizeof(frame); i++)
			frame[i] = (uint8_t)rnd(&x);
		assert_true(dp_fdb_key(seg, frame) == map_fdb_key(seg, frame));
		assert_true(dp_fdb_key(seg, frame + 6) == map_fdb_key(seg, frame + 6));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fdb_key),
	};

	return cmocka_run_group_tests_name("dataplane lcore helpers", tests, NULL, NULL);
}
