/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_map_seg.c - segments: add, update, delete, the VNI and access maps,
 * index reuse after a grace period, flood-list VTEP references.
 */
#include <errno.h>
#include <string.h>

#include "map_test.h"

static void
test_seg_add(void **state)
{
	struct map *m = *state;
	struct map_seg_conf c = map_test_seg_conf(5001, 100);
	const struct map_seg *s;
	struct map_stats st;
	const uint8_t vni_word[4] = {0x00, 0x13, 0x89, 0x00}; /* 5001 << 8 */

	c.port = 2;
	c.ageing_s = 300;
	c.mac_limit = 10;
	c.flood_rate_pps = 1000;
	assert_int_equal(map_seg_add(m, &c), 0);
	assert_int_equal(map_vni_seg(m, 5001), 0);
	assert_int_equal(map_vni_seg(m, 5002), MAP_SEG_NONE);
	assert_int_equal(map_vni_seg(m, 5001 + 4096), MAP_SEG_NONE); /* other page */
	assert_int_equal(map_access_seg(m, 2, 100), 0);
	assert_int_equal(map_access_seg(m, 2, 101), MAP_SEG_NONE);
	assert_int_equal(map_access_seg(m, 0, 100), MAP_SEG_NONE);
	s = map_seg_get(m, 0);
	assert_non_null(s);
	assert_int_equal(s->idx, 0);
	assert_int_equal(s->port, 2);
	assert_int_equal(s->vlan, 100);
	assert_int_equal(s->vlan_tci, rte_cpu_to_be_16(100));
	assert_int_equal(s->vni, 5001);
	assert_memory_equal(&s->vni_word, vni_word, 4);
	assert_int_equal(s->ageing_s, 300);
	assert_int_equal(s->refresh_s, 75);
	assert_int_equal(s->mac_limit, 10);
	assert_int_equal(s->flood_rate_pps, 1000);
	assert_string_equal(s->name, "seg");
	assert_string_equal(s->tenant, "tenant");
	assert_int_equal(s->nb_flood, 0);
	assert_null(map_seg_get(m, 1));

	/* Untagged attachment, no ageing: refresh at the default. */
	c = map_test_seg_conf(7, MAP_VLAN_UNTAGGED);
	c.name = NULL;
	assert_int_equal(map_seg_add(m, &c), 1);
	assert_int_equal(map_access_seg(m, 0, 0), 1);
	assert_int_equal(map_access_seg(m, 0, 0x1000), 1); /* VID bits only */
	assert_int_equal(map_seg_get(m, 1)->refresh_s, MAP_REFRESH_DEFAULT_S);
	assert_string_equal(map_seg_get(m, 1)->name, "");
	map_stats_get(m, &st);
	assert_int_equal(st.nb_segs, 2);
}

static void
test_seg_add_invalid(void **state)
{
	struct map *m = *state;
	struct map_seg_conf c;
	char long_name[80];
	rte_be32_t flood[2] = {map_test_ip(198, 51, 100, 1), map_test_ip(198, 51, 100, 1)};

	map_test_seg_add(m, 100, 10, 0, 0);
	c = map_test_seg_conf(100, 11);
	assert_int_equal(map_seg_add(m, &c), -EEXIST); /* VNI taken */
	c = map_test_seg_conf(101, 10);
	assert_int_equal(map_seg_add(m, &c), -EEXIST); /* attachment taken */
	c.port = 1;
	assert_int_equal(map_seg_add(m, &c), 1); /* same VLAN, other port */

	c = map_test_seg_conf(0, 20);
	assert_int_equal(map_seg_add(m, &c), -EINVAL);
	c = map_test_seg_conf(1u << 24, 20);
	assert_int_equal(map_seg_add(m, &c), -EINVAL);
	c = map_test_seg_conf(200, 4095);
	assert_int_equal(map_seg_add(m, &c), -EINVAL);
	c = map_test_seg_conf(200, 20);
	c.port = 4;
	assert_int_equal(map_seg_add(m, &c), -EINVAL);
	c = map_test_seg_conf(200, 20);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	c.tenant = long_name;
	assert_int_equal(map_seg_add(m, &c), -EINVAL);
	c = map_test_seg_conf(200, 20);
	c.flood = flood;
	c.nb_flood = 2; /* twice the same address */
	assert_int_equal(map_seg_add(m, &c), -EINVAL);
	flood[1] = 0;
	assert_int_equal(map_seg_add(m, &c), -EINVAL);
	c.flood = NULL;
	assert_int_equal(map_seg_add(m, &c), -EINVAL);
}

static void
test_seg_full(void **state)
{
	struct map *m = map_test_create(0, 4, 3);
	struct map_seg_conf c;

	(void)state;
	assert_non_null(m);
	for (uint16_t i = 0; i < 3; i++)
		assert_int_equal(map_test_seg_add(m, 10 + i, 10 + i, 0, 0), i);
	c = map_test_seg_conf(99, 99);
	assert_int_equal(map_seg_add(m, &c), -ENOSPC);
	map_destroy(m);
}

/* A deleted index is reused only after every reader passed a quiescent
 * state; until then its object stays published for readers holding it. */
static void
test_seg_index_reuse(void **state)
{
	struct map *m = *state;
	const struct map_seg *old;

	for (uint16_t i = 0; i < 3; i++)
		map_test_seg_add(m, 10 + i, 10 + i, 0, 0);
	assert_int_equal(map_reader_register(m, 0), 0);
	map_reader_online(m, 0);
	old = map_seg_get(m, 1);
	assert_int_equal(map_seg_del(m, 1), 0);
	assert_int_equal(map_seg_del(m, 1), -ENOENT);
	assert_int_equal(map_vni_seg(m, 11), MAP_SEG_NONE);
	assert_int_equal(map_access_seg(m, 0, 11), MAP_SEG_NONE);
	map_reclaim(m);
	assert_ptr_equal(map_seg_get(m, 1), old); /* the reader may hold it */
	assert_int_equal(old->vni, 11);
	assert_int_equal(map_test_seg_add(m, 20, 20, 0, 0), 3);

	map_reader_quiescent(m, 0);
	map_reclaim(m);
	assert_null(map_seg_get(m, 1));
	assert_int_equal(map_test_seg_add(m, 21, 21, 0, 0), 1); /* lowest free */
	map_reader_offline(m, 0);
	map_reader_unregister(m, 0);
}

static void
test_seg_update(void **state)
{
	struct map *m = *state;
	rte_be32_t fa[2] = {map_test_ip(198, 51, 100, 1), map_test_ip(198, 51, 100, 2)};
	rte_be32_t fb[2] = {map_test_ip(198, 51, 100, 2), map_test_ip(198, 51, 100, 3)};
	struct map_seg_conf c = map_test_seg_conf(100, 10);
	struct map_vtep_info vi;
	const struct map_seg *before;
	uint8_t mac[6];

	c.flood = fa;
	c.nb_flood = 2;
	assert_int_equal(map_seg_add(m, &c), 0);
	map_test_seg_add(m, 200, 20, 0, 0);
	map_test_mac(mac, 1);
	struct map_dest d = map_test_local(0, 10);
	assert_int_equal(map_fdb_learn(m, 0, mac, &d, 1), MAP_LEARN_ADDED);
	before = map_seg_get(m, 0);

	/* VNI, attachment, flood list and limits change at once. */
	c = map_test_seg_conf(300, 30);
	c.port = 3;
	c.mac_limit = 5;
	c.ageing_s = 8;
	c.flood = fb;
	c.nb_flood = 2;
	assert_int_equal(map_seg_update(m, 0, &c), 0);
	assert_ptr_not_equal(map_seg_get(m, 0), before);
	assert_int_equal(map_vni_seg(m, 100), MAP_SEG_NONE);
	assert_int_equal(map_vni_seg(m, 300), 0);
	assert_int_equal(map_access_seg(m, 0, 10), MAP_SEG_NONE);
	assert_int_equal(map_access_seg(m, 3, 30), 0);
	assert_int_equal(map_seg_get(m, 0)->mac_limit, 5);
	assert_int_equal(map_seg_get(m, 0)->refresh_s, 2);
	assert_int_equal(map_seg_nb_macs(m, 0), 1); /* FDB entries stay */
	assert_int_equal(map_fdb_get(m, 0, mac, &(struct map_fdb_info){0}), 0);

	/* .1 lost its only reference (released after reclaim), .2 kept one,
	 * .3 is new. */
	map_reclaim(m);
	assert_int_equal(map_vtep_find(m, fa[0]), -ENOENT);
	assert_int_equal(map_vtep_info(m, (uint16_t)map_vtep_find(m, fb[0]), &vi), 0);
	assert_int_equal(vi.refcnt, 1);
	assert_true(map_vtep_find(m, fb[1]) >= 0);
	assert_int_equal(map_seg_get(m, 0)->nb_flood, 2);
	assert_int_equal(map_seg_get(m, 0)->flood[0], (uint16_t)map_vtep_find(m, fb[0]));

	/* Conflicts with segment 1; unchanged keys of its own are fine. */
	c = map_test_seg_conf(200, 99);
	assert_int_equal(map_seg_update(m, 0, &c), -EEXIST);
	c = map_test_seg_conf(300, 20);
	assert_int_equal(map_seg_update(m, 0, &c), -EEXIST);
	c = map_test_seg_conf(300, 30);
	c.port = 3;
	assert_int_equal(map_seg_update(m, 0, &c), 0);
	assert_int_equal(map_vni_seg(m, 300), 0);
	assert_int_equal(map_access_seg(m, 3, 30), 0);
	assert_int_equal(map_seg_update(m, 7, &c), -ENOENT);
	c.vni = 0;
	assert_int_equal(map_seg_update(m, 0, &c), -EINVAL);
}

static void
test_seg_del(void **state)
{
	struct map *m = *state;
	rte_be32_t flood[1] = {map_test_ip(198, 51, 100, 9)};
	struct map_seg_conf c = map_test_seg_conf(100, 10);
	struct map_dest r = map_test_remote(map_test_ip(203, 0, 113, 1));
	struct map_dest l = map_test_local(1, 5);
	struct map_fdb_info fi;
	struct map_stats st;
	uint8_t mac[6];

	c.flood = flood;
	c.nb_flood = 1;
	assert_int_equal(map_seg_add(m, &c), 0);
	map_test_seg_add(m, 200, 20, 0, 0);
	for (uint32_t i = 0; i < 50; i++) {
		map_test_mac(mac, i);
		assert_int_equal(map_fdb_learn(m, 0, mac, i % 2 ? &r : &l, 1), MAP_LEARN_ADDED);
		assert_int_equal(map_fdb_learn(m, 1, mac, &l, 1), MAP_LEARN_ADDED);
	}
	assert_int_equal(map_seg_nb_macs(m, 0), 50);
	assert_int_equal(map_seg_del(m, 0), 0);
	assert_int_equal(map_seg_nb_macs(m, 0), 0);
	assert_int_equal(map_seg_nb_macs(m, 1), 50);
	map_test_mac(mac, 3);
	assert_int_equal(map_fdb_get(m, 0, mac, &fi), -ENOENT);
	assert_int_equal(map_fdb_get(m, 1, mac, &fi), 0);
	assert_int_equal(map_fdb_learn(m, 0, mac, &l, 2), -ENOENT); /* dying */
	map_stats_get(m, &st);
	assert_int_equal(st.nb_fdb, 50);
	assert_int_equal(st.nb_segs, 1);
	assert_int_equal(st.nb_vteps, 2); /* until the grace period ends */
	map_reclaim(m);
	map_stats_get(m, &st);
	assert_int_equal(st.nb_vteps, 0);
	assert_int_equal(map_vtep_find(m, flood[0]), -ENOENT);
	assert_int_equal(map_seg_del(m, 0), -ENOENT);
	assert_int_equal(map_seg_del(m, 999), -ENOENT);
}

static void
test_seg_flood_refs(void **state)
{
	struct map *m = *state;
	rte_be32_t a = map_test_ip(198, 51, 100, 1), b = map_test_ip(198, 51, 100, 2);
	rte_be32_t fab[2] = {a, b}, fb[1] = {b};
	struct map_seg_conf c = map_test_seg_conf(100, 10);
	struct map_dest d = map_test_remote(b);
	struct map_vtep_info vi;
	uint8_t mac[6];

	c.flood = fab;
	c.nb_flood = 2;
	assert_int_equal(map_seg_add(m, &c), 0);
	c = map_test_seg_conf(200, 20);
	c.flood = fb;
	c.nb_flood = 1;
	assert_int_equal(map_seg_add(m, &c), 1);
	map_test_mac(mac, 1);
	assert_int_equal(map_fdb_learn(m, 1, mac, &d, 1), MAP_LEARN_ADDED);

	assert_int_equal(map_vtep_find(m, a), 0);
	assert_int_equal(map_vtep_find(m, b), 1);
	assert_int_equal(map_vtep_info(m, 0, &vi), 0);
	assert_int_equal(vi.refcnt, 1);
	assert_int_equal(vi.nb_fdb, 0);
	assert_int_equal(map_vtep_info(m, 1, &vi), 0);
	assert_int_equal(vi.refcnt, 3);
	assert_int_equal(vi.nb_fdb, 1);
	assert_int_equal(map_seg_get(m, 0)->flood[0], 0);
	assert_int_equal(map_seg_get(m, 0)->flood[1], 1);
	assert_non_null(map_vtep_tmpl(m, 0));

	assert_int_equal(map_seg_del(m, 0), 0);
	map_reclaim(m);
	assert_int_equal(map_vtep_find(m, a), -ENOENT);
	assert_null(map_vtep_tmpl(m, 0));
	assert_int_equal(map_vtep_info(m, 1, &vi), 0);
	assert_int_equal(vi.refcnt, 2);
}

static void
test_seg_nb_macs_bounds(void **state)
{
	struct map *m = *state;

	assert_int_equal(map_seg_nb_macs(m, 0), 0);
	assert_int_equal(map_seg_nb_macs(m, 64), 0);
	assert_int_equal(map_seg_nb_macs(m, MAP_SEG_NONE), 0);
}

const struct CMUnitTest map_test_seg[] = {
        cmocka_unit_test_setup_teardown(test_seg_add, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_seg_add_invalid, map_test_setup, map_test_teardown),
        cmocka_unit_test(test_seg_full),
        cmocka_unit_test_setup_teardown(test_seg_index_reuse, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_seg_update, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_seg_del, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_seg_flood_refs, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_seg_nb_macs_bounds, map_test_setup, map_test_teardown),
};
const size_t map_test_seg_nb = RTE_DIM(map_test_seg);
