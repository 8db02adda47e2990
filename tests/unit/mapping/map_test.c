/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_test.c - helpers shared by the mapping/ tests (see map_test.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "map_test.h"

int
map_test_eal_init(const char *name, const char *lcores_opt, const char *lcores)
{
	char prefix[64];
	char *argv[] = {
	        (char *)name,
	        "--no-huge",
	        "-m",
	        "512",
	        "--no-pci",
	        "--no-shconf",
	        "--no-telemetry",
	        "--file-prefix",
	        prefix,
	        (char *)lcores_opt,
	        (char *)lcores,
	        "--log-level=lib.eal:warning",
	        NULL,
	};

	snprintf(prefix, sizeof(prefix), "%s_%d", name, (int)getpid());
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed\n", name);
		return -1;
	}
	return 0;
}

void
map_test_eal_cleanup(void)
{
	char dir[PATH_MAX];

	/* EAL leaves its (empty, with --no-shconf) runtime directory. */
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
}

struct map *
map_test_create(uint32_t fdb_max, uint32_t vteps_max, uint32_t segments_max)
{
	static unsigned counter;
	char name[MAP_NAME_LEN_MAX + 1];
	struct map_params p = {
	        .name = name,
	        .fdb_max = fdb_max != 0 ? fdb_max : 1024,
	        .vteps_max = vteps_max,
	        .segments_max = segments_max,
	        .nb_ports = 4,
	        .max_readers = 4,
	        .socket_id = SOCKET_ID_ANY,
	};

	snprintf(name, sizeof(name), "t%u", counter++);
	return map_create(&p);
}

int
map_test_setup(void **state)
{
	*state = map_test_create(0, 64, 64);
	return *state == NULL ? -1 : 0;
}

int
map_test_teardown(void **state)
{
	map_destroy(*state);
	return 0;
}

struct map_seg_conf
map_test_seg_conf(uint32_t vni, uint16_t vlan)
{
	return (struct map_seg_conf){
	        .name = "seg",
	        .tenant = "tenant",
	        .vni = vni,
	        .port = 0,
	        .vlan = vlan,
	};
}

uint16_t
map_test_seg_add(struct map *m, uint32_t vni, uint16_t vlan, uint32_t ageing_s, uint32_t mac_limit)
{
	struct map_seg_conf c = map_test_seg_conf(vni, vlan);
	int idx;

	c.ageing_s = ageing_s;
	c.mac_limit = mac_limit;
	idx = map_seg_add(m, &c);
	assert_true(idx >= 0);
	return (uint16_t)idx;
}

void
map_test_mac(uint8_t mac[6], uint32_t n)
{
	mac[0] = 0x02;
	mac[1] = 0;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}
