/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_map_fdb.c - FDB: learning (add, refresh, move, pinned), precedence
 * of set, delete and flush with source matching, limits, ageing with a fake
 * clock, get/walk, the reader lookups and the statistics.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "map_test.h"

static void
test_learn(void **state)
{
	struct map *m = *state;
	struct map_dest a = map_test_local(1, 10), b = map_test_local(2, 10);
	struct map_fdb_info fi;
	struct map_stats st;
	uint8_t mac[6];
	uint64_t v;

	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_mac(mac, 1);
	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 10), MAP_LEARN_ADDED);
	assert_int_equal(map_fdb_lookup(m, map_fdb_key(0, mac), &v), 0);
	assert_int_equal(map_fdb_val_type(v), MAP_FDB_LOCAL);
	assert_int_equal(map_fdb_val_port(v), 1);
	assert_int_equal(map_fdb_val_vlan(v), 10);
	assert_int_equal(map_fdb_val_src(v), MAP_SRC_LEARNED);
	assert_int_equal(map_fdb_val_seen(v), 10);

	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 10), MAP_LEARN_REFRESHED);
	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 15), MAP_LEARN_REFRESHED);
	assert_int_equal(map_fdb_lookup(m, map_fdb_key(0, mac), &v), 0);
	assert_int_equal(map_fdb_val_seen(v), 15);
	assert_int_equal(map_fdb_val_port(v), 1);

	assert_int_equal(map_fdb_learn(m, 0, mac, &b, 20), MAP_LEARN_MOVED);
	assert_int_equal(map_fdb_get(m, 0, mac, &fi), 0);
	assert_int_equal(fi.seg, 0);
	assert_int_equal(fi.vni, 100);
	assert_memory_equal(fi.mac, mac, 6);
	assert_int_equal(fi.dest.type, MAP_FDB_LOCAL);
	assert_int_equal(fi.dest.port, 2);
	assert_int_equal(fi.dest.vlan, 10);
	assert_int_equal(fi.src, MAP_SRC_LEARNED);
	assert_int_equal(fi.src_id, MAP_SRC_ID_NONE);
	assert_int_equal(fi.first_seen_s, 10);
	assert_int_equal(fi.last_seen_s, 20);
	assert_int_equal(fi.moves, 1);

	map_stats_get(m, &st);
	assert_int_equal(st.learned, 1);
	assert_int_equal(st.moves, 1);
	assert_int_equal(st.nb_fdb, 1);
	assert_int_equal(map_seg_nb_macs(m, 0), 1);

	/* Bad input. */
	assert_int_equal(map_fdb_learn(m, 1, mac, &a, 1), -ENOENT);
	assert_int_equal(map_fdb_learn(m, 64, mac, &a, 1), -ENOENT);
	mac[0] = 0x01; /* group address */
	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 1), -EINVAL);
	memset(mac, 0, 6);
	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 1), -EINVAL);
	map_test_mac(mac, 2);
	a.port = 4;
	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 1), -EINVAL);
	a = map_test_remote(0);
	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 1), -EINVAL);
	a = map_test_remote(map_test_ip(224, 0, 0, 1));
	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 1), -EINVAL);
}

static void
test_learn_remote(void **state)
{
	struct map *m = *state;
	rte_be32_t ip1 = map_test_ip(203, 0, 113, 1), ip2 = map_test_ip(203, 0, 113, 2);
	struct map_dest r1 = map_test_remote(ip1), r2 = map_test_remote(ip2);
	struct map_vtep_info vi;
	struct map_fdb_info fi;
	uint8_t mac[6];
	uint64_t v;

	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_mac(mac, 1);
	assert_int_equal(map_fdb_learn(m, 0, mac, &r1, 1), MAP_LEARN_ADDED);
	assert_int_equal(map_vtep_find(m, ip1), 0);
	assert_int_equal(map_fdb_lookup(m, map_fdb_key(0, mac), &v), 0);
	assert_int_equal(map_fdb_val_type(v), MAP_FDB_REMOTE);
	assert_int_equal(map_fdb_val_vtep(v), 0);
	assert_int_equal(map_fdb_val_vlan(v), 0);
	assert_int_equal(map_vtep_info(m, 0, &vi), 0);
	assert_int_equal(vi.refcnt, 1);
	assert_int_equal(vi.nb_fdb, 1);
	assert_int_equal(map_fdb_learn(m, 0, mac, &r1, 2), MAP_LEARN_REFRESHED);
	assert_int_equal(map_vtep_info(m, 0, &vi), 0);
	assert_int_equal(vi.refcnt, 1);

	assert_int_equal(map_fdb_learn(m, 0, mac, &r2, 3), MAP_LEARN_MOVED);
	assert_int_equal(map_fdb_get(m, 0, mac, &fi), 0);
	assert_int_equal(fi.dest.type, MAP_FDB_REMOTE);
	assert_int_equal(fi.dest.vtep_ip, ip2);
	assert_int_equal(map_vtep_info(m, 0, &vi), 0);
	assert_int_equal(vi.refcnt, 0); /* released after the grace period */
	map_reclaim(m);
	assert_int_equal(map_vtep_find(m, ip1), -ENOENT);
	assert_int_equal(map_vtep_find(m, ip2), 1);

	/* Remote to local and back. */
	r1 = map_test_local(0, 10);
	assert_int_equal(map_fdb_learn(m, 0, mac, &r1, 4), MAP_LEARN_MOVED);
	map_reclaim(m);
	assert_int_equal(map_vtep_find(m, ip2), -ENOENT);
	assert_int_equal(map_fdb_learn(m, 0, mac, &r2, 5), MAP_LEARN_MOVED);
	assert_int_equal(map_vtep_find(m, ip2), 0);
}

static void
test_learn_pinned(void **state)
{
	struct map *m = *state;
	struct map_dest a = map_test_local(1, 10), b = map_test_local(2, 10);
	struct map_fdb_info fi;
	struct map_stats st;
	uint8_t mac[6];

	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_mac(mac, 1);
	assert_int_equal(map_fdb_set(m, 0, mac, &a, MAP_SRC_MANAGER, 7), 0);
	assert_int_equal(map_fdb_learn(m, 0, mac, &b, 50), MAP_LEARN_PINNED);
	assert_int_equal(map_fdb_get(m, 0, mac, &fi), 0);
	assert_int_equal(fi.dest.port, 1);
	assert_int_equal(fi.src, MAP_SRC_MANAGER);
	assert_int_equal(fi.src_id, 7);
	/* The same destination seen: last seen refreshed, source kept. */
	assert_int_equal(map_fdb_learn(m, 0, mac, &a, 50), MAP_LEARN_REFRESHED);
	assert_int_equal(map_fdb_get(m, 0, mac, &fi), 0);
	assert_int_equal(fi.last_seen_s, 50);
	assert_int_equal(fi.src, MAP_SRC_MANAGER);

	assert_int_equal(map_fdb_set(m, 0, mac, &a, MAP_SRC_STATIC, 0), 0);
	assert_int_equal(map_fdb_learn(m, 0, mac, &b, 60), MAP_LEARN_PINNED);
	map_stats_get(m, &st);
	assert_int_equal(st.pinned, 2);
	assert_int_equal(st.learned, 0);
	assert_int_equal(st.moves, 0);
}

/* Every combination of existing entry and new source. */
static void
test_set_precedence(void **state)
{
	static const struct {
		int old_src; /* -1 = none */
		uint16_t old_id;
		enum map_src src;
		uint16_t id;
		int ret;
		enum map_src after;
	} cases[] = {
	        {-1, 0, MAP_SRC_MANAGER, 1, 0, MAP_SRC_MANAGER},
	        {-1, 0, MAP_SRC_STATIC, 0, 0, MAP_SRC_STATIC},
	        {MAP_SRC_LEARNED, 0, MAP_SRC_MANAGER, 1, 0, MAP_SRC_MANAGER},
	        {MAP_SRC_LEARNED, 0, MAP_SRC_STATIC, 0, 0, MAP_SRC_STATIC},
	        {MAP_SRC_MANAGER, 1, MAP_SRC_MANAGER, 2, 0, MAP_SRC_MANAGER},
	        {MAP_SRC_MANAGER, 1, MAP_SRC_STATIC, 0, 0, MAP_SRC_STATIC},
	        {MAP_SRC_STATIC, 0, MAP_SRC_MANAGER, 1, -EPERM, MAP_SRC_STATIC},
	        {MAP_SRC_STATIC, 0, MAP_SRC_STATIC, 3, 0, MAP_SRC_STATIC},
	};
	struct map *m = *state;
	struct map_dest old = map_test_local(1, 1), new = map_test_local(2, 2);
	struct map_fdb_info fi;
	uint8_t mac[6];

	map_test_seg_add(m, 100, 10, 300, 0);
	for (uint32_t i = 0; i < RTE_DIM(cases); i++) {
		map_test_mac(mac, i);
		if (cases[i].old_src == MAP_SRC_LEARNED)
			assert_int_equal(map_fdb_learn(m, 0, mac, &old, 1), MAP_LEARN_ADDED);
		else if (cases[i].old_src >= 0)
			assert_int_equal(
			        map_fdb_set(m, 0, mac, &old, cases[i].old_src, cases[i].old_id), 0);
		assert_int_equal(map_fdb_set(m, 0, mac, &new, cases[i].src, cases[i].id),
		                 cases[i].ret);
		assert_int_equal(map_fdb_get(m, 0, mac, &fi), 0);
		assert_int_equal(fi.src, cases[i].after);
		assert_int_equal(fi.dest.port, cases[i].ret == 0 ? 2 : 1);
		assert_int_equal(fi.src_id, cases[i].ret == 0 ? cases[i].id : cases[i].old_id);
		assert_int_equal(fi.moves, cases[i].ret == 0 && cases[i].old_src >= 0 ? 1 : 0);
	}
	map_test_mac(mac, 100);
	assert_int_equal(map_fdb_set(m, 0, mac, &new, MAP_SRC_LEARNED, 0), -EINVAL);
	assert_int_equal(map_fdb_set(m, 5, mac, &new, MAP_SRC_STATIC, 0), -ENOENT);
	/* Same source, same destination, other id: only the id changes. */
	map_test_mac(mac, 4);
	assert_int_equal(map_fdb_set(m, 0, mac, &new, MAP_SRC_MANAGER, 9), 0);
	assert_int_equal(map_fdb_get(m, 0, mac, &fi), 0);
	assert_int_equal(fi.src_id, 9);
	assert_int_equal(fi.moves, 1);
}

static void
test_del(void **state)
{
	struct map *m = *state;
	struct map_dest d = map_test_remote(map_test_ip(203, 0, 113, 1));
	struct map_stats st;
	uint8_t mac[6];

	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_mac(mac, 1);
	assert_int_equal(map_fdb_set(m, 0, mac, &d, MAP_SRC_MANAGER, 3), 0);
	assert_int_equal(map_fdb_del(m, 0, mac, MAP_SRC_STATIC, -1), -EPERM);
	assert_int_equal(map_fdb_del(m, 0, mac, MAP_SRC_MANAGER, 4), -EPERM);
	assert_int_equal(map_fdb_del(m, 0, mac, MAP_SRC_MANAGER, 3), 0);
	assert_int_equal(map_fdb_del(m, 0, mac, -1, -1), -ENOENT);
	assert_int_equal(map_fdb_del(m, 1, mac, -1, -1), -ENOENT);
	assert_int_equal(map_fdb_del(m, 9999, mac, -1, -1), -ENOENT);
	assert_int_equal(map_fdb_learn(m, 0, mac, &d, 1), MAP_LEARN_ADDED);
	assert_int_equal(map_fdb_del(m, 0, mac, -1, -1), 0);
	map_stats_get(m, &st);
	assert_int_equal(st.nb_fdb, 0);
	assert_int_equal(map_seg_nb_macs(m, 0), 0);
	map_reclaim(m);
	map_stats_get(m, &st);
	assert_int_equal(st.nb_vteps, 0);
}

static void
test_flush(void **state)
{
	struct map *m = *state;
	struct map_dest l = map_test_local(1, 10), r = map_test_remote(map_test_ip(203, 0, 113, 1));
	struct map_stats st;
	uint8_t mac[6];

	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_seg_add(m, 200, 20, 300, 0);
	for (uint32_t i = 0; i < 300; i++) {
		uint16_t seg = i % 2;

		map_test_mac(mac, i);
		if (i % 3 == 0)
			assert_int_equal(map_fdb_learn(m, seg, mac, &r, 1), MAP_LEARN_ADDED);
		else
			assert_int_equal(map_fdb_set(m, seg, mac, &l, MAP_SRC_MANAGER, i % 3), 0);
	}
	/* 100 learned (50 per segment), 100 manager 1, 100 manager 2. */
	assert_int_equal(map_fdb_flush(m, -1, MAP_SRC_MANAGER, 1), 100);
	assert_int_equal(map_fdb_flush(m, -1, MAP_SRC_STATIC, -1), 0);
	assert_int_equal(map_fdb_flush(m, 0, MAP_SRC_LEARNED, -1), 50);
	assert_int_equal(map_fdb_flush(m, 0, -1, -1), 50);
	assert_int_equal(map_seg_nb_macs(m, 0), 0);
	assert_int_equal(map_seg_nb_macs(m, 1), 100);
	assert_int_equal(map_fdb_flush(m, 64, -1, -1), 0);
	assert_int_equal(map_fdb_flush(m, -1, -1, -1), 100);
	map_stats_get(m, &st);
	assert_int_equal(st.nb_fdb, 0);
	map_reclaim(m);
	map_stats_get(m, &st);
	assert_int_equal(st.nb_vteps, 0);
}

/* A full table (extendable buckets in use): flush and segment delete
 * follow the segments' lists of entries. */
static void
test_flush_full(void **state)
{
	/* 7000 + 1024 slack slots hash into 8192: 85% full. */
	struct map *m = map_test_create(7000, 4, 4);
	struct map_dest l = map_test_local(1, 10);
	struct map_stats st;
	uint8_t mac[6];

	(void)state;
	assert_non_null(m);
	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_seg_add(m, 200, 20, 300, 0);
	for (uint32_t i = 0; i < 7000; i++) {
		map_test_mac(mac, i * 7919);
		assert_int_equal(map_fdb_learn(m, (uint16_t)(i & 1), mac, &l, 1), MAP_LEARN_ADDED);
	}
	map_test_mac(mac, 999999);
	assert_int_equal(map_fdb_learn(m, 0, mac, &l, 1), -ENOSPC);
	assert_int_equal(map_fdb_flush(m, 1, -1, -1), 3500);
	assert_int_equal(map_seg_nb_macs(m, 1), 0);
	assert_int_equal(map_seg_del(m, 0), 0);
	map_stats_get(m, &st);
	assert_int_equal(st.nb_fdb, 0);
	assert_int_equal(st.limit_global, 1);
	map_destroy(m);
}

/* Unlinking from the head, the middle and the tail of a segment's list. */
static void
test_flush_after_deletes(void **state)
{
	struct map *m = *state;
	struct map_dest l = map_test_local(1, 10);
	uint8_t mac[6];

	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_seg_add(m, 200, 20, 300, 0);
	for (uint32_t i = 0; i < 100; i++) {
		map_test_mac(mac, i);
		assert_int_equal(map_fdb_learn(m, (uint16_t)(i % 2), mac, &l, 1), MAP_LEARN_ADDED);
	}
	/* Lists are in reverse insertion order: 98 and 99 are heads, 0 and 1
	 * tails. */
	for (uint32_t i = 0; i < 100; i += 3) {
		map_test_mac(mac, i);
		assert_int_equal(map_fdb_del(m, (uint16_t)(i % 2), mac, -1, -1), 0);
	}
	map_test_mac(mac, 1);
	assert_int_equal(map_fdb_del(m, 1, mac, -1, -1), 0);
	map_test_mac(mac, 98);
	assert_int_equal(map_fdb_del(m, 0, mac, -1, -1), 0);
	for (uint32_t i = 0; i < 10; i++) { /* reused positions */
		map_test_mac(mac, 1000 + i);
		assert_int_equal(map_fdb_learn(m, 0, mac, &l, 1), MAP_LEARN_ADDED);
	}
	assert_int_equal(map_seg_nb_macs(m, 0), 50 - 17 - 1 + 10);
	assert_int_equal(map_fdb_flush(m, 0, -1, -1), 42);
	assert_int_equal(map_seg_nb_macs(m, 1), 50 - 17 - 1);
	assert_int_equal(map_fdb_flush(m, 1, -1, -1), 32);
	assert_int_equal(map_fdb_flush(m, -1, -1, -1), 0);
}

static void
test_limits(void **state)
{
	struct map *m = map_test_create(8, 4, 4);
	struct map_dest l = map_test_local(1, 10);
	struct map_stats st;
	uint8_t mac[6];

	(void)state;
	assert_non_null(m);
	map_test_seg_add(m, 100, 10, 300, 3);
	map_test_seg_add(m, 200, 20, 300, 0);
	for (uint32_t i = 0; i < 3; i++) {
		map_test_mac(mac, i);
		assert_int_equal(map_fdb_learn(m, 0, mac, &l, 1), MAP_LEARN_ADDED);
	}
	map_test_mac(mac, 3);
	assert_int_equal(map_fdb_learn(m, 0, mac, &l, 1), -ENOSPC);
	/* The segment limit bounds learning only: a static entry goes in. */
	assert_int_equal(map_fdb_set(m, 0, mac, &l, MAP_SRC_STATIC, 0), 0);
	assert_int_equal(map_seg_nb_macs(m, 0), 4);
	map_test_mac(mac, 4);
	assert_int_equal(map_fdb_learn(m, 0, mac, &l, 1), -ENOSPC);
	map_test_mac(mac, 0);
	assert_int_equal(map_fdb_learn(m, 0, mac, &l, 2), MAP_LEARN_REFRESHED); /* at the limit */
	for (uint32_t i = 0; i < 4; i++) {
		map_test_mac(mac, 100 + i);
		assert_int_equal(map_fdb_learn(m, 1, mac, &l, 1), MAP_LEARN_ADDED);
	}
	map_test_mac(mac, 200);
	assert_int_equal(map_fdb_learn(m, 1, mac, &l, 1), -ENOSPC);
	/* The capacity binds every source. */
	assert_int_equal(map_fdb_set(m, 1, mac, &l, MAP_SRC_MANAGER, 1), -ENOSPC);
	map_stats_get(m, &st);
	assert_int_equal(st.limit_segment, 2);
	assert_int_equal(st.limit_global, 2);
	assert_int_equal(st.nb_fdb, 8);
	map_test_mac(mac, 100);
	assert_int_equal(map_fdb_del(m, 1, mac, -1, -1), 0);
	map_test_mac(mac, 200);
	assert_int_equal(map_fdb_learn(m, 1, mac, &l, 1), MAP_LEARN_ADDED);
	map_destroy(m);
}

static void
test_vtep_limit(void **state)
{
	struct map *m = map_test_create(64, 2, 4);
	struct map_dest d;
	struct map_stats st;
	uint8_t mac[6];

	(void)state;
	assert_non_null(m);
	map_test_seg_add(m, 100, 10, 300, 0);
	for (uint8_t i = 0; i < 3; i++) {
		d = map_test_remote(map_test_ip(203, 0, 113, i + 1));
		map_test_mac(mac, i);
		assert_int_equal(map_fdb_learn(m, 0, mac, &d, 1),
		                 i < 2 ? MAP_LEARN_ADDED : -ENOSPC);
	}
	map_stats_get(m, &st);
	assert_int_equal(st.limit_vteps, 1);
	assert_int_equal(st.nb_vteps, 2);
	assert_int_equal(st.nb_fdb, 2);
	map_destroy(m);
}

static void
test_age(void **state)
{
	struct map *m = *state;
	struct map_dest l = map_test_local(1, 10);
	struct map_stats st;
	uint8_t a[6], b[6], c[6], n[6];

	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_seg_add(m, 200, 20, 0, 0); /* never ages */
	map_test_mac(a, 1);
	map_test_mac(b, 2);
	map_test_mac(c, 3);
	map_test_mac(n, 4);
	assert_int_equal(map_fdb_learn(m, 0, a, &l, 1000), MAP_LEARN_ADDED);
	assert_int_equal(map_fdb_learn(m, 0, b, &l, 1100), MAP_LEARN_ADDED);
	assert_int_equal(map_fdb_set(m, 0, c, &l, MAP_SRC_STATIC, 0), 0);
	assert_int_equal(map_fdb_learn(m, 1, n, &l, 0), MAP_LEARN_ADDED);

	assert_int_equal(map_fdb_age(m, 1299, 1000), 0);
	assert_int_equal(map_fdb_age(m, 1300, 1000), 1);
	assert_int_equal(map_fdb_get(m, 0, a, &(struct map_fdb_info){0}), -ENOENT);
	assert_int_equal(map_fdb_learn(m, 0, b, &l, 1350), MAP_LEARN_REFRESHED);
	assert_int_equal(map_fdb_age(m, 1600, 1000), 0);
	assert_int_equal(map_fdb_age(m, 1650, 1000), 1);
	assert_int_equal(map_fdb_age(m, 100000, 1000), 0); /* static, no ageing */
	assert_int_equal(map_fdb_age(m, 5, 1000), 0);      /* clock behind: kept */
	map_stats_get(m, &st);
	assert_int_equal(st.aged, 2);
	assert_int_equal(st.nb_fdb, 2);
}

/* The forget generation moves for every change that takes an entry away
 * or points it elsewhere (delete, flush, ageing, a segment removed, a
 * move by learning, a manager or static entry pointed elsewhere): what a
 * reader cached of the FDB may be wrong from then on. Adding an entry or
 * refreshing one does not move it. */
static void
test_forget_gen(void **state)
{
	struct map *m = *state;
	struct map_dest l1 = map_test_local(1, 10), l2 = map_test_local(2, 10);
	struct map_dest r = map_test_remote(map_test_ip(203, 0, 113, 9));
	uint8_t a[6], b[6], c[6], d[6];
	uint32_t g = map_fdb_forget_gen(m);

	map_test_seg_add(m, 100, 10, 300, 0);
	map_test_seg_add(m, 200, 20, 300, 0);
	map_test_mac(a, 1);
	map_test_mac(b, 2);
	map_test_mac(c, 3);
	map_test_mac(d, 4);
	/* Learning: added, refreshed - nothing cached is wrong; moved - a
	 * destination cache would send to the old place: forget. */
	assert_int_equal(map_fdb_learn(m, 0, a, &l1, 10), MAP_LEARN_ADDED);
	assert_int_equal(map_fdb_learn(m, 0, a, &l1, 11), MAP_LEARN_REFRESHED);
	assert_int_equal(map_fdb_forget_gen(m), g);
	assert_int_equal(map_fdb_learn(m, 0, a, &l2, 12), MAP_LEARN_MOVED);
	assert_int_equal(map_fdb_forget_gen(m), ++g);
	/* A manager entry added, set again unchanged: nothing to forget. */
	assert_int_equal(map_fdb_set(m, 0, b, &l1, MAP_SRC_MANAGER, 1), 0);
	assert_int_equal(map_fdb_set(m, 0, b, &l1, MAP_SRC_MANAGER, 1), 0);
	assert_int_equal(map_fdb_forget_gen(m), g);
	/* ... pointed elsewhere (a migration): forget. */
	assert_int_equal(map_fdb_set(m, 0, b, &r, MAP_SRC_MANAGER, 1), 0);
	assert_int_equal(map_fdb_forget_gen(m), g + 1);
	/* A learned entry taken over by a static one elsewhere: forget. */
	assert_int_equal(map_fdb_set(m, 0, a, &l1, MAP_SRC_STATIC, 0), 0);
	assert_int_equal(map_fdb_forget_gen(m), g + 2);
	/* Delete; a delete of nothing changes nothing. */
	assert_int_equal(map_fdb_del(m, 0, b, -1, -1), 0);
	assert_int_equal(map_fdb_forget_gen(m), g + 3);
	assert_int_equal(map_fdb_del(m, 0, b, -1, -1), -ENOENT);
	assert_int_equal(map_fdb_forget_gen(m), g + 3);
	/* Flush. */
	assert_int_equal(map_fdb_learn(m, 0, c, &l1, 20), MAP_LEARN_ADDED);
	assert_int_equal(map_fdb_flush(m, 0, MAP_SRC_LEARNED, -1), 1);
	assert_int_equal(map_fdb_forget_gen(m), g + 4);
	assert_int_equal(map_fdb_flush(m, 0, MAP_SRC_LEARNED, -1), 0);
	assert_int_equal(map_fdb_forget_gen(m), g + 4);
	/* Ageing. */
	assert_int_equal(map_fdb_learn(m, 0, c, &l1, 20), MAP_LEARN_ADDED);
	assert_int_equal(map_fdb_age(m, 319, 1000), 0);
	assert_int_equal(map_fdb_forget_gen(m), g + 4);
	assert_int_equal(map_fdb_age(m, 320, 1000), 1);
	assert_int_equal(map_fdb_forget_gen(m), g + 5);
	/* A segment removed with its entries. */
	assert_int_equal(map_fdb_learn(m, 1, d, &l1, 20), MAP_LEARN_ADDED);
	assert_int_equal(map_seg_del(m, 1), 0);
	assert_int_equal(map_fdb_forget_gen(m), g + 6);
}

/* A sweep of a big table in small steps: each call examines at most
 * budget entries and resumes where the previous one stopped. */
static void
test_age_budget(void **state)
{
	struct map *m = *state;
	struct map_dest l = map_test_local(1, 10);
	unsigned total = 0, calls = 0, nb;
	uint8_t mac[6];

	map_test_seg_add(m, 100, 10, 10, 0);
	for (uint32_t i = 0; i < 1000; i++) {
		map_test_mac(mac, i);
		assert_int_equal(map_fdb_learn(m, 0, mac, &l, i < 500 ? 0 : 100), MAP_LEARN_ADDED);
	}
	do {
		nb = map_fdb_age(m, 50, 64);
		assert_true(nb <= 64);
		total += nb;
		calls++;
	} while (calls < 40 && total < 500);
	assert_int_equal(total, 500);
	assert_true(calls >= 500 / 64);
	assert_int_equal(map_seg_nb_macs(m, 0), 500);
	/* A second sweep finds nothing more; then everything expires. */
	for (int i = 0; i < 40; i++)
		assert_int_equal(map_fdb_age(m, 50, 64), 0);
	total = 0;
	for (int i = 0; i < 40; i++)
		total += map_fdb_age(m, 110, 64);
	assert_int_equal(total, 500);
}

static int
walk_count(const struct map_fdb_info *fi, void *arg)
{
	unsigned *n = arg;

	assert_int_equal(fi->vni, 100);
	return ++*n == 7 ? 42 : 0;
}

static void
test_walk_lookup_bulk(void **state)
{
	struct map *m = *state;
	struct map_dest l = map_test_local(1, 10);
	uint64_t keys[MAP_LOOKUP_BULK_MAX], vals[MAP_LOOKUP_BULK_MAX], hits = 0;
	unsigned n = 0;
	uint8_t mac[6];

	map_test_seg_add(m, 100, 10, 300, 0);
	for (uint32_t i = 0; i < 32; i++) {
		map_test_mac(mac, i);
		l.vlan = (uint16_t)i;
		assert_int_equal(map_fdb_learn(m, 0, mac, &l, i), MAP_LEARN_ADDED);
	}
	assert_int_equal(map_fdb_walk(m, walk_count, &n), 42);
	assert_int_equal(n, 7);
	for (uint32_t i = 0; i < MAP_LOOKUP_BULK_MAX; i++) {
		map_test_mac(mac, i);
		keys[i] = map_fdb_key(0, mac);
	}
	assert_int_equal(map_fdb_lookup_bulk(m, keys, MAP_LOOKUP_BULK_MAX, &hits, vals), 32);
	assert_int_equal(hits, UINT32_MAX);
	for (uint32_t i = 0; i < 32; i++)
		assert_int_equal(map_fdb_val_vlan(vals[i]), i);
	hits = 1;
	assert_int_equal(map_fdb_lookup_bulk(m, keys, 0, &hits, vals), 0);
	assert_int_equal(hits, 0);
	assert_int_equal(map_fdb_lookup(m, keys[40], &vals[0]), -ENOENT);
}

struct late_reader {
	struct map *m;
	unsigned id;
};

static void *
late_quiescent(void *arg)
{
	struct late_reader *r = arg;

	usleep(20000);
	map_reader_quiescent(r->m, r->id);
	return NULL;
}

/* Deleted key slots wait for a grace period. With every slot waiting, an
 * add below fdb_max waits for the readers (rcu_sync) instead of failing. */
static void
test_slots_wait_for_readers(void **state)
{
	struct map *m = map_test_create(1024, 4, 4);
	struct late_reader r = {.m = m, .id = 0};
	struct map_dest l = map_test_local(1, 10);
	struct map_stats st;
	pthread_t thr;
	uint8_t mac[6];
	uint32_t n = 0;

	(void)state;
	assert_non_null(m);
	map_test_seg_add(m, 100, 10, 300, 0);
	assert_int_equal(map_reader_register(m, 0), 0);
	map_reader_online(m, 0);
	/* 1024 + 1024 of slack: two rounds fill every slot. */
	for (int round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < 1024; i++) {
			map_test_mac(mac, n + i);
			assert_int_equal(map_fdb_learn(m, 0, mac, &l, 1), MAP_LEARN_ADDED);
		}
		assert_int_equal(map_fdb_flush(m, 0, -1, -1), 1024);
		n += 1024;
	}
	map_stats_get(m, &st);
	assert_int_equal(st.rcu_sync, 0);
	assert_int_equal(pthread_create(&thr, NULL, late_quiescent, &r), 0);
	map_test_mac(mac, n);
	assert_int_equal(map_fdb_learn(m, 0, mac, &l, 1), MAP_LEARN_ADDED);
	pthread_join(thr, NULL);
	map_stats_get(m, &st);
	assert_int_equal(st.rcu_sync, 1);
	assert_int_equal(st.nb_fdb, 1);
	map_reader_offline(m, 0);
	map_reader_unregister(m, 0);
	map_destroy(m);
}

const struct CMUnitTest map_test_fdb[] = {
        cmocka_unit_test_setup_teardown(test_learn, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_learn_remote, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_learn_pinned, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_set_precedence, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_del, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_flush, map_test_setup, map_test_teardown),
        cmocka_unit_test(test_flush_full),
        cmocka_unit_test_setup_teardown(test_flush_after_deletes, map_test_setup,
                                        map_test_teardown),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_vtep_limit),
        cmocka_unit_test_setup_teardown(test_age, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_age_budget, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_forget_gen, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_walk_lookup_bulk, map_test_setup, map_test_teardown),
        cmocka_unit_test(test_slots_wait_for_readers),
};
const size_t map_test_fdb_nb = RTE_DIM(map_test_fdb);
