/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_learn.c - apply what the lcores saw: learned MACs (new, refreshed,
 * moved) and ARP neighbours. The lcores never write the tables; this is
 * where their observations meet precedence and limits (mapping/).
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "ctl.h"

#define CTL_EVENTS_BURST 256

static void
learn_report(struct ctl *c, const struct dp_event *ev, int r)
{
	static struct log_rl rl_pinned = LOG_RL_INIT(10, 10);
	static struct log_rl rl_moved = LOG_RL_INIT(20, 10);
	static struct log_rl rl_limit = LOG_RL_INIT(5, 10);
	const struct map_seg *seg = map_seg_get(c->map, ev->seg);
	char mac[NETADDR_MAC_STRLEN], where[48];
	uint32_t vni = seg != NULL ? seg->vni : 0;

	if (ev->remote)
		netaddr_ipv4_fmt(ev->ip, where, sizeof(where));
	else
		snprintf(where, sizeof(where), "port %u vlan %u", ev->port, ev->vlan);
	netaddr_mac_fmt(ev->mac, mac, sizeof(mac));
	switch (r) {
	case MAP_LEARN_PINNED:
		c->stats.learn_pinned++;
		LOG_WARN_RL(&rl_pinned, ctl,
		            "vni %u mac %s seen behind %s, but a static or manager entry places it "
		            "elsewhere: kept",
		            vni, mac, where);
		break;
	case MAP_LEARN_MOVED:
		c->stats.learn_moves++;
		LOG_INFO_RL(&rl_moved, ctl, "vni %u mac %s moved to %s", vni, mac, where);
		break;
	case -ENOSPC:
		c->stats.learn_limit++;
		LOG_WARN_RL(&rl_limit, ctl,
		            "vni %u mac %s not learned: MAC limit reached (it keeps being flooded)",
		            vni, mac);
		break;
	default:
		break;
	}
}

static void
learn_apply(struct ctl *c, const struct dp_event *ev, uint32_t now_s)
{
	const struct map_seg *seg = map_seg_get(c->map, ev->seg);
	struct map_dest d;
	int r;

	/* Seen in a segment a reload has since removed (its index may
	 * already name another segment): stale, drop it. */
	if (seg == NULL || seg->vni != ev->vni) {
		c->stats.learn_stale++;
		return;
	}
	memset(&d, 0, sizeof(d));
	if (ev->remote) {
		d.type = MAP_FDB_REMOTE;
		d.vtep_ip = ev->ip;
	} else {
		d.type = MAP_FDB_LOCAL;
		d.port = ev->port;
		d.vlan = ev->vlan;
	}
	r = map_fdb_learn(c->map, ev->seg, ev->mac, &d, now_s);
	if (r == MAP_LEARN_PINNED || r == MAP_LEARN_MOVED || r == -ENOSPC)
		learn_report(c, ev, r);
}

unsigned
ctl_events_process(struct ctl *c)
{
	struct dp_event ev[CTL_EVENTS_BURST];
	unsigned n, total = 0;
	uint32_t now_s = map_now_s(c->map, rte_rdtsc());

	do {
		n = dp_events_drain(c->dp, ev, CTL_EVENTS_BURST);
		for (unsigned i = 0; i < n; i++) {
			if (ev[i].type == DP_EV_LEARN)
				learn_apply(c, &ev[i], now_s);
			else if (ev[i].type == DP_EV_NEIGH)
				neigh_input(c->neigh, ev[i].ip, ev[i].mac);
		}
		total += n;
	} while (n == CTL_EVENTS_BURST && total < 64 * CTL_EVENTS_BURST);
	c->stats.events += total;
	return total;
}
