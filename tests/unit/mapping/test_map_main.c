/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_map_main.c - unit tests of mapping/: EAL start and the test groups.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "map_test.h"

static struct map_params
small_params(const char *name)
{
	return (struct map_params){
	        .name = name,
	        .fdb_max = 16,
	        .vteps_max = 4,
	        .segments_max = 4,
	        .nb_ports = 1,
	        .max_readers = 1,
	        .socket_id = SOCKET_ID_ANY,
	};
}

static void
test_create_invalid(void **state)
{
	struct map_params p = small_params("inv");
	struct map_params bad;

	(void)state;
	assert_null(map_create(NULL));
	assert_int_equal(errno, EINVAL);
	bad = p;
	bad.name = "a_name_longer_than_16";
	assert_null(map_create(&bad));
	assert_int_equal(errno, EINVAL);
	bad = p;
	bad.fdb_max = 0;
	assert_null(map_create(&bad));
	bad = p;
	bad.vteps_max = MAP_VTEP_MAX + 1;
	assert_null(map_create(&bad));
	bad = p;
	bad.segments_max = 0;
	assert_null(map_create(&bad));
	bad = p;
	bad.nb_ports = MAP_PORT_MAX + 1;
	assert_null(map_create(&bad));
	bad = p;
	bad.max_readers = 0;
	assert_null(map_create(&bad));
	assert_int_equal(errno, EINVAL);
	map_destroy(NULL);
}

static void
test_create_same_name(void **state)
{
	struct map_params p = small_params("dup");
	struct map *a, *b;

	(void)state;
	a = map_create(&p);
	assert_non_null(a);
	b = map_create(&p);
	assert_null(b);
	assert_int_equal(errno, EEXIST);
	map_destroy(a);
	a = map_create(&p); /* the name is free again */
	assert_non_null(a);
	map_destroy(a);
}

static size_t
rte_heap_bytes(void)
{
	struct rte_malloc_socket_stats st;
	size_t sum = 0;

	for (unsigned i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
			sum += st.heap_allocsz_bytes;
	return sum;
}

/* ASan does not see rte_malloc memory: check that map_destroy() gives back
 * every byte of DPDK heap, with objects still waiting in the defer queue. */
static void
test_destroy_frees_all(void **state)
{
	rte_be32_t flood[2] = {map_test_ip(198, 51, 100, 1), map_test_ip(198, 51, 100, 2)};
	struct map_dest r = map_test_remote(map_test_ip(203, 0, 113, 1));
	struct map_seg_conf c = map_test_seg_conf(100, 10);
	size_t before = rte_heap_bytes();
	struct map *m;
	uint8_t mac[6];

	(void)state;
	m = map_test_create(0, 64, 64);
	assert_non_null(m);
	c.flood = flood;
	c.nb_flood = 2;
	assert_int_equal(map_seg_add(m, &c), 0);
	map_test_seg_add(m, 5000, 20, 300, 0); /* another VNI page */
	for (uint32_t i = 0; i < 100; i++) {
		map_test_mac(mac, i);
		assert_true(map_fdb_learn(m, (uint16_t)(i % 2), mac, &r, 1) >= 0);
	}
	assert_int_equal(map_reader_register(m, 0), 0);
	map_reader_online(m, 0); /* keeps what follows in the defer queue */
	c.nb_flood = 1;
	assert_int_equal(map_seg_update(m, 0, &c), 0);
	assert_int_equal(map_seg_del(m, 1), 0);
	map_reader_offline(m, 0);
	map_destroy(m);
	assert_int_equal(rte_heap_bytes(), before);
}

static void
test_readers(void **state)
{
	struct map *m = *state;

	assert_int_equal(map_reader_register(m, 4), -EINVAL);
	assert_int_equal(map_reader_register(m, 3), 0);
	map_reader_online(m, 3);
	map_reader_quiescent(m, 3);
	map_reader_offline(m, 3);
	map_reader_unregister(m, 3);
}

static void
test_now_s(void **state)
{
	struct map *m = *state;

	assert_int_equal(map_now_s(m, m->tsc_base), 0);
	assert_int_equal(map_now_s(m, m->tsc_base + 5 * m->tsc_hz + 1), 5);
}

static const struct CMUnitTest life_tests[] = {
        cmocka_unit_test(test_create_invalid),
        cmocka_unit_test(test_create_same_name),
        cmocka_unit_test(test_destroy_frees_all),
        cmocka_unit_test_setup_teardown(test_readers, map_test_setup, map_test_teardown),
        cmocka_unit_test_setup_teardown(test_now_s, map_test_setup, map_test_teardown),
};

int
main(void)
{
	int fails = 0;

	if (map_test_eal_init("test_map", "-l", "0") < 0)
		return 1;
	fails += _cmocka_run_group_tests("life", life_tests, RTE_DIM(life_tests), NULL, NULL);
	fails += _cmocka_run_group_tests("seg", map_test_seg, map_test_seg_nb, NULL, NULL);
	fails += _cmocka_run_group_tests("fdb", map_test_fdb, map_test_fdb_nb, NULL, NULL);
	fails += _cmocka_run_group_tests("vtep", map_test_vtep, map_test_vtep_nb, NULL, NULL);
	fails += _cmocka_run_group_tests("tmpl", map_test_tmpl, map_test_tmpl_nb, NULL, NULL);
	map_test_eal_cleanup();
	return fails == 0 ? 0 : 1;
}
