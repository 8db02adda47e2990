/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_map_vtep.c - VTEPs: creation on first reference, refcounts, release
 * after a grace period, next-hop resolution republishing templates, and
 * map_underlay_set() rebuilding them.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "map_test.h"

static const uint8_t gw_mac[6] = {0x02, 0xee, 0, 0, 0, 0xfe};
static const uint8_t nb_mac[6] = {0x02, 0xee, 0, 0, 0, 0x05};

static struct map_underlay
underlay(void)
{
	return (struct map_underlay){
	        .port = 1,
	        .src_mac = {0x02, 0, 0, 0, 0, 1},
	        .src_ip = map_test_ip(10, 0, 0, 1),
	        .prefix_len = 24,
	        .port_ip = map_test_ip(10, 0, 0, 1),
	        .next_hop = map_test_ip(10, 0, 0, 254),
	        .udp_port = 4789,
	        .ttl = 64,
	};
}

/* Learn a MAC (numbered @p n) behind VTEP @p ip in segment 0. */
static uint16_t
learn_behind(struct map *m, uint32_t n, rte_be32_t ip)
{
	struct map_dest d = map_test_remote(ip);
	uint8_t mac[6];

	map_test_mac(mac, n);
	assert_true(map_fdb_learn(m, 0, mac, &d, 1) >= 0);
	return (uint16_t)map_vtep_find(m, ip);
}

static void
unlearn(struct map *m, uint32_t n)
{
	uint8_t mac[6];

	map_test_mac(mac, n);
	assert_int_equal(map_fdb_del(m, 0, mac, -1, -1), 0);
}

static void
check_tmpl(struct map *m, uint16_t idx, const uint8_t *mac)
{
	const struct map_vtep_tmpl *t = map_vtep_tmpl(m, idx);
	struct map_vtep_info vi;
	uint8_t zero[6] = {0};

	assert_non_null(t);
	assert_int_equal(map_vtep_info(m, idx, &vi), 0);
	assert_int_equal(t->vtep, idx);
	assert_int_equal(t->dst_ip, vi.ip);
	assert_int_equal(t->hdr_len, MAP_TMPL4_LEN);
	assert_int_equal(t->af, AF_INET);
	assert_int_equal(t->resolved, mac != NULL);
	assert_int_equal(vi.resolved, mac != NULL);
	assert_memory_equal(t->hdr, mac != NULL ? mac : zero, 6);
	assert_memory_equal(t->hdr + MAP_TMPL4_IP_OFF + 16, &vi.ip, 4);
}

static void
test_nexthop(void **state)
{
	struct map *m = *state;
	struct map_underlay u = underlay();
	rte_be32_t onlink = map_test_ip(10, 0, 0, 5), far1 = map_test_ip(192, 0, 2, 7);
	rte_be32_t far2 = map_test_ip(192, 0, 2, 8);
	const struct map_vtep_tmpl *before;
	struct map_vtep_info vi;
	uint16_t a, b, c, d;

	map_test_seg_add(m, 100, 10, 300, 0);
	assert_int_equal(map_underlay_set(m, &u), 0);
	a = learn_behind(m, 1, onlink);
	b = learn_behind(m, 2, far1);
	c = learn_behind(m, 3, far2);
	assert_int_equal(map_vtep_info(m, a, &vi), 0);
	assert_int_equal(vi.next_hop, onlink);
	assert_int_equal(map_vtep_info(m, b, &vi), 0);
	assert_int_equal(vi.next_hop, u.next_hop);
	check_tmpl(m, a, NULL);
	check_tmpl(m, b, NULL);
	assert_int_equal(map_vtep_tmpl(m, b)->port, 1);

	before = map_vtep_tmpl(m, b);
	assert_int_equal(map_nexthop_set(m, u.next_hop, gw_mac), 2);
	assert_ptr_not_equal(map_vtep_tmpl(m, b), before);
	check_tmpl(m, b, gw_mac);
	check_tmpl(m, c, gw_mac);
	check_tmpl(m, a, NULL);
	assert_int_equal(map_nexthop_set(m, u.next_hop, gw_mac), 0); /* no change */
	assert_int_equal(map_nexthop_set(m, onlink, nb_mac), 1);
	check_tmpl(m, a, nb_mac);
	assert_int_equal(map_vtep_info(m, a, &vi), 0);
	assert_memory_equal(vi.mac, nb_mac, 6);

	/* A VTEP created behind a resolved gateway starts resolved. */
	d = learn_behind(m, 4, map_test_ip(192, 0, 2, 9));
	check_tmpl(m, d, gw_mac);
	assert_int_equal(map_nexthop_set(m, u.next_hop, NULL), 3);
	check_tmpl(m, d, NULL);
	check_tmpl(m, a, nb_mac);
	assert_int_equal(map_nexthop_set(m, 0, gw_mac), 0);
	assert_int_equal(map_nexthop_set(m, map_test_ip(10, 0, 0, 99), gw_mac), 0);
}

static void
test_underlay_rebuild(void **state)
{
	struct map *m = *state;
	struct map_underlay u = underlay();
	rte_be32_t onlink = map_test_ip(10, 0, 0, 5), far = map_test_ip(192, 0, 2, 7);
	struct map_vtep_info vi;
	uint16_t a, b;

	map_test_seg_add(m, 100, 10, 300, 0);
	/* Before the underlay is known, nothing is reachable. */
	a = learn_behind(m, 1, onlink);
	b = learn_behind(m, 2, far);
	assert_int_equal(map_vtep_info(m, b, &vi), 0);
	assert_int_equal(vi.next_hop, 0);
	check_tmpl(m, b, NULL);

	assert_int_equal(map_underlay_set(m, &u), 0);
	assert_int_equal(map_nexthop_set(m, u.next_hop, gw_mac), 1);
	assert_int_equal(map_nexthop_set(m, onlink, nb_mac), 1);

	/* TTL change: every template rebuilt, resolutions kept. */
	u.ttl = 9;
	assert_int_equal(map_underlay_set(m, &u), 0);
	assert_int_equal(map_vtep_tmpl(m, a)->hdr[MAP_TMPL4_IP_OFF + 8], 9);
	assert_int_equal(map_vtep_tmpl(m, b)->hdr[MAP_TMPL4_IP_OFF + 8], 9);
	check_tmpl(m, a, nb_mac);
	check_tmpl(m, b, gw_mac);

	/* New gateway: VTEPs behind it need resolving again. */
	u.next_hop = map_test_ip(10, 0, 0, 253);
	assert_int_equal(map_underlay_set(m, &u), 0);
	assert_int_equal(map_vtep_info(m, b, &vi), 0);
	assert_int_equal(vi.next_hop, u.next_hop);
	check_tmpl(m, b, NULL);
	check_tmpl(m, a, nb_mac);

	/* No gateway: off-link VTEPs are unreachable. */
	u.next_hop = 0;
	assert_int_equal(map_underlay_set(m, &u), 0);
	assert_int_equal(map_vtep_info(m, b, &vi), 0);
	assert_int_equal(vi.next_hop, 0);
	/* A wider prefix puts it on-link. */
	u.prefix_len = 0;
	assert_int_equal(map_underlay_set(m, &u), 0);
	assert_int_equal(map_vtep_info(m, b, &vi), 0);
	assert_int_equal(vi.next_hop, far);

	u = underlay();
	u.prefix_len = 33;
	assert_int_equal(map_underlay_set(m, &u), -EINVAL);
	u = underlay();
	u.port = 4;
	assert_int_equal(map_underlay_set(m, &u), -EINVAL);
	u = underlay();
	u.ttl = 0;
	assert_int_equal(map_underlay_set(m, &u), -EINVAL);
	assert_int_equal(map_underlay_set(m, NULL), -EINVAL);
}

/* The last reference gone, a VTEP stays (template and index) until every
 * reader has passed a quiescent state. */
static void
test_release_after_grace(void **state)
{
	struct map *m = *state;
	rte_be32_t ip = map_test_ip(192, 0, 2, 7);
	const struct map_vtep_tmpl *t;
	struct map_stats st;
	uint16_t a;

	map_test_seg_add(m, 100, 10, 300, 0);
	assert_int_equal(map_reader_register(m, 1), 0);
	map_reader_online(m, 1);
	a = learn_behind(m, 1, ip);
	t = map_vtep_tmpl(m, a);
	unlearn(m, 1);
	map_reclaim(m);
	assert_int_equal(map_vtep_find(m, ip), a);
	assert_ptr_equal(map_vtep_tmpl(m, a), t);
	assert_int_equal(t->dst_ip, ip); /* not poisoned */
	map_stats_get(m, &st);
	assert_int_equal(st.nb_vteps, 1);
	assert_int_equal(st.rcu_deferred, 1);
	assert_int_equal(st.rcu_freed, 0);

	map_reader_quiescent(m, 1);
	map_reclaim(m);
	assert_int_equal(map_vtep_find(m, ip), -ENOENT);
	assert_null(map_vtep_tmpl(m, a));
	assert_int_equal(map_vtep_info(m, a, &(struct map_vtep_info){0}), -ENOENT);
	map_stats_get(m, &st);
	assert_int_equal(st.nb_vteps, 0);
	assert_int_equal(st.rcu_freed, 1);
	map_reader_offline(m, 1);
	map_reader_unregister(m, 1);
}

/* Referenced again before its release: the same VTEP lives on. */
static void
test_resurrect(void **state)
{
	struct map *m = *state;
	rte_be32_t ip = map_test_ip(192, 0, 2, 7);
	uint16_t a;

	map_test_seg_add(m, 100, 10, 300, 0);
	assert_int_equal(map_reader_register(m, 0), 0);
	map_reader_online(m, 0);
	a = learn_behind(m, 1, ip);
	unlearn(m, 1);
	assert_int_equal(learn_behind(m, 2, ip), a);
	unlearn(m, 2);
	assert_int_equal(learn_behind(m, 3, ip), a); /* two stale releases queued */
	map_reader_quiescent(m, 0);
	map_reclaim(m);
	assert_int_equal(map_vtep_find(m, ip), a);
	check_tmpl(m, a, NULL);
	unlearn(m, 3);
	map_reader_quiescent(m, 0);
	map_reclaim(m);
	assert_int_equal(map_vtep_find(m, ip), -ENOENT);
	map_reader_offline(m, 0);
	map_reader_unregister(m, 0);
}

static void
test_lowest_index(void **state)
{
	struct map *m = *state;

	map_test_seg_add(m, 100, 10, 300, 0);
	for (uint8_t i = 0; i < 3; i++)
		assert_int_equal(learn_behind(m, i, map_test_ip(192, 0, 2, 10 + i)), i);
	unlearn(m, 1);
	assert_int_equal(learn_behind(m, 10, map_test_ip(192, 0, 2, 20)), 3);
	map_reclaim(m); /* no reader: the grace period is over at once */
	assert_int_equal(learn_behind(m, 11, map_test_ip(192, 0, 2, 21)), 1);
	assert_int_equal(map_vtep_find(m, map_test_ip(192, 0, 2, 11)), -ENOENT);
}

static int
walk_vtep(const struct map_vtep_info *vi, void *arg)
{
	unsigned *n = arg;

	assert_int_equal(vi->refcnt, 1);
	assert_int_equal(vi->nb_fdb, 1);
	return ++*n == 3 ? -7 : 0;
}

static void
test_walk(void **state)
{
	struct map *m = *state;
	unsigned n = 0;

	map_test_seg_add(m, 100, 10, 300, 0);
	for (uint8_t i = 0; i < 5; i++)
		learn_behind(m, i, map_test_ip(192, 0, 2, 10 + i));
	assert_int_equal(map_vtep_walk(m, walk_vtep, &n), -7);
	assert_int_equal(n, 3);
	assert_int_equal(map_vtep_info(m, 63, &(struct map_vtep_info){0}), -ENOENT);
	assert_int_equal(map_vtep_info(m, 64, &(struct map_vtep_info){0}), -ENOENT);
	assert_int_equal(map_vtep_find(m, map_test_ip(192, 0, 2, 99)), -ENOENT);
}

const struct CMUnitTest map_test_vtep[] = {
        cmocka_unit_test_setup_teardown(test_nexthop, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_underlay_rebuild, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_release_after_grace, map_test_setup,
                                        map_test_teardown),
        cmocka_unit_test_setup_teardown(test_resurrect, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_lowest_index, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_walk, map_test_setup, map_test_teardown),
};
const size_t map_test_vtep_nb = RTE_DIM(map_test_vtep);
