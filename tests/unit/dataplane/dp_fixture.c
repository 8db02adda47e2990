/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_fixture.c - see dp_fixture.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>

#include "common/log.h"
#include "dp_fixture.h"
#include "frames.h"
#include "map_test.h"

#define BE32(a, b, c, d) rte_cpu_to_be_32(T_IPV4(a, b, c, d))

static const uint8_t our_mac[6] = T_OUR_MAC;
static const uint8_t r1_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x02, 0x02};
static const uint8_t r2_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x02, 0x03};

static void
dp_conf_fill(struct dp_conf *c)
{
	struct dp_port_conf *acc = &c->ports[DPF_PORT_ACCESS];
	struct dp_port_conf *ul = &c->ports[DPF_PORT_UNDERLAY];

	memset(c, 0, sizeof(*c));
	snprintf(acc->name, sizeof(acc->name), "access0");
	snprintf(acc->device, sizeof(acc->device), "net_null0");
	acc->role = DP_PORT_ACCESS;
	snprintf(ul->name, sizeof(ul->name), "underlay0");
	snprintf(ul->device, sizeof(ul->device), "net_null1");
	ul->role = DP_PORT_UNDERLAY;
	ul->ip = BE32(192, 0, 2, 1);
	ul->prefix_len = 24;
	ul->has_mac = true;
	memcpy(ul->mac, our_mac, 6);
	for (unsigned i = 0; i < 2; i++) {
		c->ports[i].mtu = 1500;
		c->ports[i].rx_desc = 64;
		c->ports[i].tx_desc = 64;
	}
	c->nb_ports = 2;
	c->nb_mbufs = 1024;
	c->vtep_ip = BE32(192, 0, 2, 1);
	c->udp_port = 4789;
	c->ttl = 64;
	c->segments_max = 64;
	c->vteps_max = 64;
}

int
dp_fixture_init(struct dp_fixture *f, const char *name)
{
	struct dp_conf dc;

	memset(f, 0, sizeof(*f));
	if (map_test_eal_init(name, "-l", "0,1") < 0)
		return -1;
	log_set_level(RTE_LOG_WARNING); /* the fuzzers run millions of inputs */
	f->map = map_test_create(4096, 64, 64);
	if (f->map == NULL) {
		fprintf(stderr, "%s: map_test_create: %s\n", name, strerror(errno));
		return -1;
	}
	dp_conf_fill(&dc);
	f->dp = dp_create(&dc, f->map);
	if (f->dp == NULL || dp_ports_start(f->dp) < 0) {
		fprintf(stderr, "%s: cannot create the dataplane on net_null ports\n", name);
		return -1;
	}
	f->lc = f->dp->lcores[0];
	f->base_in_use = dp_fixture_in_use(f);
	return 0;
}

static int
underlay_set(struct dp_fixture *f)
{
	struct dp_port_info pi;
	struct map_underlay u = {
	        .port = DPF_PORT_UNDERLAY,
	        .src_ip = BE32(192, 0, 2, 1),
	        .prefix_len = 24,
	        .port_ip = BE32(192, 0, 2, 1),
	        .udp_port = 4789,
	        .ttl = 64,
	};
	int r = dp_port_info(f->dp, DPF_PORT_UNDERLAY, &pi);

	if (r < 0)
		return r;
	memcpy(u.src_mac, pi.mac, 6);
	return map_underlay_set(f->map, &u);
}

static int
seg_add(struct dp_fixture *f, uint32_t vni, uint16_t vlan, uint32_t rate, const rte_be32_t *flood,
        uint16_t nb_flood)
{
	struct map_seg_conf sc = map_test_seg_conf(vni, vlan);

	sc.port = DPF_PORT_ACCESS;
	sc.flood_rate_pps = rate;
	sc.flood = flood;
	sc.nb_flood = nb_flood;
	return map_seg_add(f->map, &sc);
}

static int
fdb_static(struct dp_fixture *f, int seg, uint8_t last, const struct map_dest *d)
{
	const uint8_t mac[6] = {0x02, 0xbb, 0, 0, 0, last};

	return map_fdb_set(f->map, (uint16_t)seg, mac, d, MAP_SRC_STATIC, 0);
}

int
dp_fixture_fill(struct dp_fixture *f)
{
	const rte_be32_t r1 = BE32(192, 0, 2, 2), r2 = BE32(192, 0, 2, 3);
	const rte_be32_t dead = BE32(192, 0, 2, 9); /* on-link, never resolved */
	const rte_be32_t both[2] = {r1, r2}, limited[2] = {r1, dead};
	struct map_dest to_r1 = {.type = MAP_FDB_REMOTE, .vtep_ip = r1};
	struct map_dest to_dead = {.type = MAP_FDB_REMOTE, .vtep_ip = dead};
	struct map_dest local = {.type = MAP_FDB_LOCAL, .port = DPF_PORT_ACCESS, .vlan = 100};
	int tagged, r;

	r = underlay_set(f);
	if (r < 0)
		return r;
	tagged = seg_add(f, 5001, 100, 0, both, 2);
	if (tagged < 0)
		return tagged;
	if ((r = seg_add(f, 5002, MAP_VLAN_UNTAGGED, 0, NULL, 0)) < 0 ||
	    (r = seg_add(f, 5003, 300, 2, limited, 2)) < 0 ||
	    (r = seg_add(f, 5004, 400, 0, &dead, 1)) < 0)
		return r;
	/* pkt_test.py's STATIC_MAC, one behind the dead VTEP, one local. */
	if ((r = fdb_static(f, tagged, 0x01, &to_r1)) < 0 ||
	    (r = fdb_static(f, tagged, 0x02, &to_dead)) < 0 ||
	    (r = fdb_static(f, tagged, 0x03, &local)) < 0)
		return r;
	map_nexthop_set(f->map, r1, r1_mac);
	map_nexthop_set(f->map, r2, r2_mac);
	return 0;
}

uint64_t
dp_fixture_input(struct dp_fixture *f, uint16_t port, struct rte_mbuf **pkts, uint16_t nb)
{
	struct dp_lcore *lc = f->lc;

	dp_lcore_tick(lc);
	if (f->dp->ports[port].conf.role == DP_PORT_UNDERLAY)
		return dp_underlay_burst(lc, port, pkts, nb);
	return dp_access_burst(lc, port, pkts, nb);
}

void
dp_fixture_flush(struct dp_fixture *f)
{
	struct dp_event ev[64];

	for (uint16_t p = 0; p < f->dp->nb_ports; p++)
		dp_tx_flush(f->lc, p);
	while (dp_events_drain(f->dp, ev, RTE_DIM(ev)) != 0)
		;
}

void
dp_fixture_rx(struct dp_fixture *f, uint16_t port, struct rte_mbuf **pkts, uint16_t nb)
{
	dp_fixture_input(f, port, pkts, nb);
	dp_fixture_flush(f);
}

uint32_t
dp_fixture_in_use(const struct dp_fixture *f)
{
	struct dp_mempool_info mi;

	dp_mempool_info(f->dp, &mi);
	return mi.in_use;
}

void
dp_fixture_fini(struct dp_fixture *f)
{
	dp_destroy(f->dp);
	map_destroy(f->map);
	map_test_eal_cleanup();
	memset(f, 0, sizeof(*f));
}
