/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_map_main.c - unit tests of mapping/: EAL start and the test groups.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>

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
