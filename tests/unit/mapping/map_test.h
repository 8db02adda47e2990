/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_test.h - helpers shared by the mapping/ tests.
 *
 * Thread-safety: test code; the fixtures are used by the cmocka thread.
 */
#ifndef VTEP_MAP_TEST_H
#define VTEP_MAP_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_byteorder.h>

#include "map.h"

/**
 * rte_eal_init() for a test that must run next to others: no hugepages, no
 * PCI, in memory, a file prefix of @p name and the pid.
 * @param lcores the -l or --lcores argument ("-l", "0,1").
 * @return 0 or -1 (the reason is printed).
 */
int map_test_eal_init(const char *name, const char *lcores_opt, const char *lcores);

/* rte_eal_cleanup() and removal of the runtime directory EAL leaves. */
void map_test_eal_cleanup(void);

/* A map with small tables, uniquely named; @p fdb_max 0 = 1024. */
struct map *map_test_create(uint32_t fdb_max, uint32_t vteps_max, uint32_t segments_max);

/* cmocka setup/teardown keeping a map_test_create(0, 64, 64) map in *state. */
int map_test_setup(void **state);
int map_test_teardown(void **state);

/* Segment configuration with defaults: port 0, no flood list, no limits. */
struct map_seg_conf map_test_seg_conf(uint32_t vni, uint16_t vlan);

/* Add a segment, asserting success; @return its index. */
uint16_t map_test_seg_add(struct map *m, uint32_t vni, uint16_t vlan, uint32_t ageing_s,
                          uint32_t mac_limit);

/* 02:00:00:xx:xx:xx from @p n. */
void map_test_mac(uint8_t mac[6], uint32_t n);

/* a.b.c.d in network order. */
static inline rte_be32_t
map_test_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return rte_cpu_to_be_32((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

static inline struct map_dest
map_test_local(uint16_t port, uint16_t vlan)
{
	return (struct map_dest){.type = MAP_FDB_LOCAL, .port = port, .vlan = vlan};
}

static inline struct map_dest
map_test_remote(rte_be32_t ip)
{
	return (struct map_dest){.type = MAP_FDB_REMOTE, .vtep_ip = ip};
}

extern const struct CMUnitTest map_test_seg[];
extern const size_t map_test_seg_nb;
extern const struct CMUnitTest map_test_fdb[];
extern const size_t map_test_fdb_nb;
extern const struct CMUnitTest map_test_vtep[];
extern const size_t map_test_vtep_nb;
extern const struct CMUnitTest map_test_tmpl[];
extern const size_t map_test_tmpl_nb;

#endif /* VTEP_MAP_TEST_H */
