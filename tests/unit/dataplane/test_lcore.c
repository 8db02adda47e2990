/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_lcore.c - the per-lcore helpers of the burst loop that need no
 * EAL: FDB keys built in registers against map_fdb_key(), and the learn
 * filter (dataplane/dp_private.h): a source is vouched for with the
 * destination it was recorded with, for one hold time, and a full set
 * gives up its oldest source; the destination cache's epochs; stalls
 * counted by the gap between two passes of the loop.
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

static int
lc_setup(void **state)
{
	struct dp_lcore *lc = calloc(1, sizeof(*lc));

	if (lc == NULL || posix_memalign((void **)&lc->lf, 64, sizeof(*lc->lf) * DP_LF_SETS) != 0)
		return -1;
	memset(lc->lf, 0, sizeof(*lc->lf) * DP_LF_SETS);
	lc->tsc_hz = 2000000000ull;
	lc->lf_hold_tsc = lc->tsc_hz / 4;
	lc->lf_hold = lc->lf_hold_tsc >> DP_LF_TICK_SHIFT;
	lc->lf_hold_now = lc->lf_hold;
	lc->now_tsc = 1ull << 40;
	*state = lc;
	return 0;
}

static int
lc_teardown(void **state)
{
	struct dp_lcore *lc = *state;

	free(lc->lf);
	free(lc);
	return 0;
}

static uint64_t
lf_get(struct dp_lcore *lc, uint64_t key, uint64_t dest)
{
	return dp_lf_lookup(dp_lf_clock(lc), dp_lf_set_of(lc, key), key, dest);
}

static void
test_lf_hold(void **state)
{
	struct dp_lcore *lc = *state;
	uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	uint64_t key = map_fdb_key(3, mac), local = 1u << 16 | 100;
	uint64_t remote = 1ull << 32 | 0x0a000001, w;

	assert_true(lf_get(lc, key, local) == 0);
	dp_lf_record(lc, key, local, MAP_VTEP_NONE);
	assert_true(lf_get(lc, key, local) != 0);
	/* Another destination (a move) is not vouched for. */
	assert_true(lf_get(lc, key, remote) == 0);
	assert_true(lf_get(lc, key ^ 1, local) == 0);
	/* Recorded again elsewhere: updated in place, with its VTEP. */
	dp_lf_record(lc, key, remote, 4242);
	assert_true(lf_get(lc, key, local) == 0);
	w = lf_get(lc, key, remote);
	assert_true(w != 0);
	assert_int_equal((uint16_t)(w >> DP_LF_VTEP_SHIFT), 4242);
	/* Good for a hold time, not after. */
	lc->now_tsc += lc->lf_hold_tsc / 2;
	assert_true(lf_get(lc, key, remote) != 0);
	lc->now_tsc += lc->lf_hold_tsc;
	assert_true(lf_get(lc, key, remote) == 0);
}

/* The writer deleted or moved entries (its forget generation moved): what
 * was recorded before is looked up again, what is recorded after is
 * trusted, and the full hold comes back once a hold time has passed. */
static void
test_lf_forget(void **state)
{
	struct dp_lcore *lc = *state;
	uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x66};
	uint64_t a = map_fdb_key(3, mac), b = a ^ 0x10000, local = 1u << 16 | 100;
	uint64_t tick = 1ull << DP_LF_TICK_SHIFT;

	dp_fdb_sync(lc, lc->fdb_gen);
	dp_lf_record(lc, a, local, MAP_VTEP_NONE);
	assert_true(lf_get(lc, a, local) != 0);
	/* No forget: nothing changes. */
	dp_fdb_sync(lc, lc->fdb_gen);
	assert_true(lf_get(lc, a, local) != 0);
	assert_int_equal(lc->lf_hold_now, lc->lf_hold);

	/* A forget in this tick: a is not vouched for, even later. */
	dp_fdb_sync(lc, lc->fdb_gen + 1);
	assert_true(lf_get(lc, a, local) == 0);
	lc->now_tsc += tick;
	dp_fdb_sync(lc, lc->fdb_gen);
	assert_true(lf_get(lc, a, local) == 0);
	/* b, verified after the forget, is trusted in the next tick. */
	dp_lf_record(lc, b, local, MAP_VTEP_NONE);
	lc->now_tsc += tick;
	dp_fdb_sync(lc, lc->fdb_gen);
	assert_true(lf_get(lc, b, local) != 0);
	assert_true(lf_get(lc, a, local) == 0);
	/* a verified again: trusted again. */
	dp_lf_record(lc, a, local, MAP_VTEP_NONE);
	lc->now_tsc += tick;
	dp_fdb_sync(lc, lc->fdb_gen);
	assert_true(lf_get(lc, a, local) != 0);
	assert_true(lc->lf_resetting);
	/* A hold time after the forget the full hold applies again. */
	lc->now_tsc += lc->lf_hold_tsc;
	dp_fdb_sync(lc, lc->fdb_gen);
	assert_false(lc->lf_resetting);
	assert_int_equal(lc->lf_hold_now, lc->lf_hold);
	dp_lf_record(lc, a, local, MAP_VTEP_NONE);
	lc->now_tsc += lc->lf_hold_tsc / 2;
	dp_fdb_sync(lc, lc->fdb_gen);
	assert_true(lf_get(lc, a, local) != 0);
	/* The generation wraps like any counter. */
	lc->fdb_gen = UINT32_MAX;
	dp_fdb_sync(lc, 0);
	assert_true(lf_get(lc, a, local) == 0);
}

static void
test_lf_eviction(void **state)
{
	struct dp_lcore *lc = *state;
	const struct dp_lf_set *set = NULL;
	uint64_t keys[DP_LF_WAYS + 1], x = 99;
	unsigned n = 0;

	/* Five sources that share a set. */
	while (n < DP_LF_WAYS + 1) {
		uint64_t k = rnd(&x) & 0xffffffffffffull;

		if (set == NULL)
			set = dp_lf_set_of(lc, k);
		if (dp_lf_set_of(lc, k) == set)
			keys[n++] = k;
	}
	for (unsigned i = 0; i < DP_LF_WAYS; i++) {
		dp_lf_record(lc, keys[i], i, MAP_VTEP_NONE);
		lc->now_tsc += 1ull << DP_LF_TICK_SHIFT;
	}
	/* Filled in order: a set's first source in way 0, which
	 * dp_lf_lookup() compares first, the others found by the vector
	 * probe of all ways. */
	for (unsigned i = 0; i < DP_LF_WAYS; i++) {
		assert_true(set->key[i] == keys[i]);
		assert_true(lf_get(lc, keys[i], i) != 0);
		assert_true(lf_get(lc, keys[i], i + 1) == 0); /* another destination */
	}
	/* Keys[0] was touched again: keys[1] is now the oldest. */
	dp_lf_record(lc, keys[0], 0, MAP_VTEP_NONE);
	dp_lf_record(lc, keys[DP_LF_WAYS], 9, MAP_VTEP_NONE);
	assert_true(lf_get(lc, keys[DP_LF_WAYS], 9) != 0);
	assert_true(lf_get(lc, keys[0], 0) != 0);
	assert_true(lf_get(lc, keys[1], 1) == 0);
	assert_true(set->key[1] == keys[DP_LF_WAYS]); /* in the oldest's way */
	for (unsigned i = 2; i < DP_LF_WAYS; i++)
		assert_true(lf_get(lc, keys[i], i) != 0);
}

/* The destination cache answers only what was filled in the current
 * epoch: a forget (dp_fdb_sync() with a new generation) empties it at
 * once, and the epoch's wrap clears the slots for real, so a slot filled
 * 2^32 forgets ago never answers again. */
static void
test_dc_epochs(void **state)
{
	struct dp_lcore *lc = *state;
	uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x77};
	uint64_t key = map_fdb_key(5, mac), val = 0x10000007ull | 1ull << 40, v;

	lc->dc_epoch = 1;
	assert_false(dp_dc_lookup(lc, key, &v)); /* zeroed slots: epoch 0 */
	dp_dc_fill(lc, key, val);
	assert_true(dp_dc_lookup(lc, key, &v));
	assert_true(v == (val & UINT32_MAX)); /* the forwarding half only */
	assert_false(dp_dc_lookup(lc, key ^ 1, &v));
	dp_fdb_sync(lc, lc->fdb_gen); /* nothing forgotten */
	assert_true(dp_dc_lookup(lc, key, &v));
	dp_fdb_sync(lc, lc->fdb_gen + 1);
	assert_false(dp_dc_lookup(lc, key, &v));
	dp_dc_fill(lc, key, val);
	assert_true(dp_dc_lookup(lc, key, &v));
	/* Wrap: filled in the last epoch, then a forget. */
	lc->dc_epoch = UINT32_MAX;
	dp_dc_fill(lc, key, val);
	assert_true(dp_dc_lookup(lc, key, &v));
	dp_dc_flush(lc);
	assert_int_equal(lc->dc_epoch, 1);
	assert_false(dp_dc_lookup(lc, key, &v));
	lc->dc_epoch = UINT32_MAX; /* the slot really is empty */
	assert_false(dp_dc_lookup(lc, key, &v));
}

/* A pass that begins 100 us, 1 ms, 10 ms or more after the previous one
 * is a stall in one, two or three buckets; a shorter gap is none. */
static void
test_stalls(void **state)
{
	struct dp_lcore *lc = *state;
	const uint64_t us = lc->tsc_hz / 1000000;
	uint64_t t = lc->now_tsc, sum = 0;
	static const struct {
		uint64_t gap_us;
		uint64_t stalls[DP_STALL_BUCKETS]; /* afterwards */
	} steps[] = {
	        {0, {0, 0, 0}},     {99, {0, 0, 0}},    {100, {1, 0, 0}},
	        {999, {2, 0, 0}},   {1000, {3, 1, 0}},  {2500, {4, 2, 0}},
	        {30000, {5, 3, 1}}, {10000, {6, 4, 2}}, {42, {6, 4, 2}},
	};

	for (unsigned b = 0; b < DP_STALL_BUCKETS; b++)
		lc->stall_min_tsc[b] = us * dp_stall_us(b);
	assert_int_equal(dp_stall_us(0), 100);
	assert_int_equal(dp_stall_us(2), 10000);
	assert_string_equal(dp_stall_name(1), "1ms");
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		t += steps[i].gap_us * us;
		dp_lcore_pass(lc, t);
		assert_true(lc->now_tsc == t);
		if (steps[i].gap_us >= 100)
			sum += steps[i].gap_us * us;
		for (unsigned b = 0; b < DP_STALL_BUCKETS; b++)
			assert_true(lc->stats.stalls[b] == steps[i].stalls[b]);
		assert_true(lc->stats.stall_tsc == sum);
	}
	assert_true(lc->stats.stall_max_tsc == 30000 * us);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fdb_key),
	        cmocka_unit_test_setup_teardown(test_lf_hold, lc_setup, lc_teardown),
	        cmocka_unit_test_setup_teardown(test_lf_forget, lc_setup, lc_teardown),
	        cmocka_unit_test_setup_teardown(test_lf_eviction, lc_setup, lc_teardown),
	        cmocka_unit_test_setup_teardown(test_dc_epochs, lc_setup, lc_teardown),
	        cmocka_unit_test_setup_teardown(test_stalls, lc_setup, lc_teardown),
	};

	return cmocka_run_group_tests_name("dataplane lcore helpers", tests, NULL, NULL);
}
