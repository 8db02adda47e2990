/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_map_tmpl.c - the outer header template: every byte, and the
 * per-packet checksum patch against rte_ipv4_cksum() on real headers.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>

#include "map_test.h"

static const struct map_underlay test_underlay = {
        .port = 1,
        .src_mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01},
        .src_ip = RTE_BE32(0xc0000201), /* 192.0.2.1 */
        .prefix_len = 24,
        .port_ip = RTE_BE32(0xc0000201),
        .next_hop = RTE_BE32(0xc00002fe),
        .udp_port = 4789,
        .ttl = 64,
        .tos = 0x10,
};

static void
test_tmpl_bytes(void **state)
{
	static const uint8_t nh_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};
	static const uint8_t want[MAP_TMPL4_LEN] = {
	        /* Ethernet */
	        0x02, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	        /* IPv4: 45, TOS, len 0, ID 0, DF, TTL 64, UDP, csum 0, src, dst */
	        0x45, 0x10, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0x00,
	        0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,
	        /* UDP: sport 0, dport 4789, len 0, csum 0 */
	        0x00, 0x00, 0x12, 0xb5, 0x00, 0x00, 0x00, 0x00,
	        /* VXLAN: I flag, reserved, VNI 0, reserved */
	        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct map_vtep_tmpl t;
	uint8_t zero[MAP_TMPL_MAX] = {0};

	(void)state;
	memset(&t, 0xa5, sizeof(t));
	map_tmpl_build_ipv4(&t, &test_underlay, map_test_ip(198, 51, 100, 7), nh_mac, 9);
	assert_memory_equal(t.hdr, want, sizeof(want));
	assert_memory_equal(t.hdr + MAP_TMPL4_LEN, zero, MAP_TMPL_MAX - MAP_TMPL4_LEN);
	assert_int_equal(t.hdr_len, 50);
	assert_int_equal(t.af, AF_INET);
	assert_int_equal(t.resolved, 1);
	assert_int_equal(t.port, 1);
	assert_int_equal(t.vtep, 9);
	assert_int_equal(t.dst_ip, map_test_ip(198, 51, 100, 7));
	assert_int_equal(t.src_ip, map_test_ip(192, 0, 2, 1));
	assert_int_equal(t.pad, 0);

	map_tmpl_build_ipv4(&t, &test_underlay, map_test_ip(198, 51, 100, 7), NULL, 9);
	assert_int_equal(t.resolved, 0);
	assert_memory_equal(t.hdr, zero, 6);
	assert_memory_equal(t.hdr + 6, want + 6, sizeof(want) - 6);
}

/* Patch a copy of the template's IPv4 header for @p len and compare with
 * DPDK's own checksum of the same header. */
static void
check_cksum(const struct map_vtep_tmpl *t, uint16_t len)
{
	struct rte_ipv4_hdr ip;
	rte_be16_t patched;

	memcpy(&ip, t->hdr + MAP_TMPL4_IP_OFF, sizeof(ip));
	ip.total_length = rte_cpu_to_be_16(len);
	ip.hdr_checksum = 0;
	patched = map_tmpl_ipv4_cksum(t, ip.total_length);
	assert_int_equal(patched, rte_ipv4_cksum(&ip));
	ip.hdr_checksum = patched;
	assert_int_equal(rte_raw_cksum(&ip, sizeof(ip)), 0xffff); /* verifies */
}

static void
test_tmpl_cksum(void **state)
{
	struct map_underlay u = test_underlay;
	struct map_vtep_tmpl t;

	(void)state;
	map_tmpl_build_ipv4(&t, &u, map_test_ip(198, 51, 100, 7), NULL, 0);
	for (uint32_t len = 28; len <= 9000; len++)
		check_cksum(&t, (uint16_t)len);

	/* Headers whose sums carry more than once: all-ones addresses, high
	 * TOS/TTL, and random ones. */
	u.src_ip = UINT32_MAX;
	u.tos = 0xff;
	u.ttl = 0xff;
	map_tmpl_build_ipv4(&t, &u, UINT32_MAX, NULL, 0);
	for (uint32_t len = 28; len <= 9000; len++)
		check_cksum(&t, (uint16_t)len);
	srand(1);
	for (int i = 0; i < 500; i++) {
		u.src_ip = (uint32_t)rand() * 2654435761u;
		u.tos = (uint8_t)rand();
		u.ttl = (uint8_t)(rand() | 1);
		map_tmpl_build_ipv4(&t, &u, (uint32_t)rand() * 40503u, NULL, 0);
		for (uint32_t len = 28; len <= 9000; len += 1 + (uint32_t)(rand() % 97))
			check_cksum(&t, (uint16_t)len);
		check_cksum(&t, 65535);
	}
}

const struct CMUnitTest map_test_tmpl[] = {
        cmocka_unit_test(test_tmpl_bytes),
        cmocka_unit_test(test_tmpl_cksum),
};
const size_t map_test_tmpl_nb = RTE_DIM(map_test_tmpl);
