/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp.c - life cycle of the dataplane and its DPDK-free API (dp.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "common/log.h"
#include "dp_private.h"

uint64_t
dp_tsc_hz(void)
{
	return rte_get_tsc_hz();
}

static const struct {
	uint32_t us;
	const char *name;
} dp_stall_buckets[DP_STALL_BUCKETS] = {{100, "100us"}, {1000, "1ms"}, {10000, "10ms"}};

uint32_t
dp_stall_us(unsigned b)
{
	return b < DP_STALL_BUCKETS ? dp_stall_buckets[b].us : UINT32_MAX;
}

const char *
dp_stall_name(unsigned b)
{
	return b < DP_STALL_BUCKETS ? dp_stall_buckets[b].name : "?";
}

/* Without overflow for any total a process can reach. */
static uint64_t
dp_tsc_to_us(uint64_t tsc)
{
	uint64_t hz = rte_get_tsc_hz();

	return tsc / hz * 1000000 + tsc % hz * 1000000 / hz;
}

static int
lcores_choose(struct dp *dp)
{
	unsigned id;

	if (dp->conf.nb_lcores == 0) {
		RTE_LCORE_FOREACH_WORKER (id) {
			if (dp->nb_lcores < DP_MAX_LCORES)
				dp->conf.lcores[dp->nb_lcores++] = id;
		}
	} else {
		for (unsigned i = 0; i < dp->conf.nb_lcores; i++) {
			id = dp->conf.lcores[i];
			if (!rte_lcore_is_enabled(id) || id == rte_get_main_lcore()) {
				LOG_ERR(dp,
				        "lcore %u is not an EAL worker lcore (check -l / --lcores)",
				        id);
				return -EINVAL;
			}
		}
		dp->nb_lcores = dp->conf.nb_lcores;
	}
	if (dp->nb_lcores == 0) {
		LOG_ERR(dp, "no forwarding lcore: give EAL a main lcore and at least one worker "
		            "(e.g. -l 0,1)");
		return -EINVAL;
	}
	return 0;
}

static struct dp_lcore *
lcore_create(struct dp *dp, unsigned idx)
{
	unsigned lcore_id = dp->conf.lcores[idx];
	int sock = (int)rte_lcore_to_socket_id(lcore_id);
	struct dp_lcore *lc;
	char name[RTE_RING_NAMESIZE];

	lc = rte_zmalloc_socket("dp_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE, sock);
	if (lc == NULL)
		return NULL;
	lc->dp = dp;
	lc->map = dp->map;
	lc->pool = dp->pool;
	lc->id = idx;
	lc->lcore_id = lcore_id;
	lc->txq = (uint16_t)idx;
	lc->ul_port = dp->ul_port;
	lc->nb_ports = dp->nb_ports;
	lc->vtep_ip = dp->conf.vtep_ip;
	lc->ul_ip = dp->ports[dp->ul_port].conf.ip;
	lc->udp_port = rte_cpu_to_be_16(dp->conf.udp_port);
	lc->ul_ip_mtu = dp->ports[dp->ul_port].conf.mtu;
	lc->tsc_hz = rte_get_tsc_hz();
	/* A source verified less than 250 ms ago needs no FDB lookup (most
	 * of learning's cost with many flows); what the control thread
	 * changes meanwhile reaches the filter through the forget generation
	 * (dp_fdb_sync()). A MAC refused by a limit posts at most 4 events/s
	 * per lcore. */
	lc->lf_hold_tsc = lc->tsc_hz / 4;
	lc->lf_hold = RTE_MAX(lc->lf_hold_tsc >> DP_LF_TICK_SHIFT, 1ull);
	lc->lf_hold_now = lc->lf_hold;
	lc->fdb_gen = map_fdb_forget_gen(dp->map);
	lc->dc_epoch = 1; /* the zeroed slots are of epoch 0: empty */
	lc->idle_backoff = dp->conf.idle_backoff;
	lc->idle_max_us = dp->conf.idle_max_us ? dp->conf.idle_max_us : 50;
	lc->segments_max = dp->conf.segments_max;
	lc->vteps_max = dp->conf.vteps_max;
	lc->nb_lcores = dp->nb_lcores;
	for (unsigned b = 0; b < DP_STALL_BUCKETS; b++)
		lc->stall_min_tsc[b] = lc->tsc_hz / 1000000 * dp_stall_us(b);
	lc->now_tsc = rte_rdtsc();
	for (uint16_t p = 0; p < dp->nb_ports; p++) {
		const struct dp_port *port = &dp->ports[p];

		lc->rxq[p] = (struct dp_rxq){.port = p,
		                             .ethdev = port->ethdev,
		                             .queue = (uint16_t)idx,
		                             .role = port->conf.role};
		lc->port[p].ethdev = port->ethdev;
		lc->port[p].role = port->conf.role;
		lc->port[p].tx_ip_cksum = port->tx_ip_cksum;
		lc->port[p].rx_ip_cksum = port->rx_ip_cksum;
		lc->port[p].rx_outer_ip_cksum = port->rx_outer_ip_cksum;
		lc->port[p].mac = port->mac;
		lc->port[p].max_frame = (uint16_t)(port->conf.mtu + RTE_ETHER_HDR_LEN +
		                                   (port->conf.role == DP_PORT_ACCESS ? 4 : 0));
	}
	lc->nb_rxq = dp->nb_ports;
	dp_ul_ctx_init(&lc->ul_ctx, &lc->port[lc->ul_port].mac, lc->vtep_ip, lc->ul_ip,
	               lc->udp_port);
	lc->seg_stats =
	        rte_zmalloc_socket("dp_seg_stats", sizeof(*lc->seg_stats) * lc->segments_max,
	                           RTE_CACHE_LINE_SIZE, sock);
	lc->vtep_stats =
	        rte_zmalloc_socket("dp_vtep_stats", sizeof(*lc->vtep_stats) * lc->vteps_max,
	                           RTE_CACHE_LINE_SIZE, sock);
	lc->flood_tb = rte_zmalloc_socket("dp_flood_tb", sizeof(*lc->flood_tb) * lc->segments_max,
	                                  RTE_CACHE_LINE_SIZE, sock);
	lc->lf = rte_zmalloc_socket("dp_learn_filter", sizeof(*lc->lf) * DP_LF_SETS,
	                            RTE_CACHE_LINE_SIZE, sock);
	snprintf(name, sizeof(name), "vtepd_ev%u", idx);
	lc->ev_ring = rte_ring_create_elem(name, sizeof(struct dp_event), DP_EV_RING_SIZE, sock,
	                                   RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (idx == 0)
		lc->cmd_ring = dp->cmd_ring;
	return lc; /* the caller checks every allocation and frees */
}

static void
lcore_free(struct dp_lcore *lc)
{
	if (lc == NULL)
		return;
	rte_ring_free(lc->ev_ring);
	rte_free(lc->seg_stats);
	rte_free(lc->vtep_stats);
	rte_free(lc->flood_tb);
	rte_free(lc->lf);
	rte_free(lc);
}

static int
conf_import(struct dp *dp, const struct dp_conf *c)
{
	int nb_ul = 0;

	dp->conf = *c;
	if (c->nb_ports == 0 || c->nb_ports > DP_MAX_PORTS)
		return -EINVAL;
	if (dp->conf.segments_max == 0)
		dp->conf.segments_max = 4096;
	if (dp->conf.vteps_max == 0)
		dp->conf.vteps_max = 4096;
	dp->nb_ports = c->nb_ports;
	for (uint16_t i = 0; i < c->nb_ports; i++) {
		dp->ports[i].conf = c->ports[i];
		dp->ports[i].ethdev = RTE_MAX_ETHPORTS;
		if (dp->ports[i].conf.rx_desc == 0)
			dp->ports[i].conf.rx_desc = 1024;
		if (dp->ports[i].conf.tx_desc == 0)
			dp->ports[i].conf.tx_desc = 1024;
		if (dp->ports[i].conf.mtu == 0)
			dp->ports[i].conf.mtu = 1500;
		if (c->ports[i].role == DP_PORT_UNDERLAY) {
			dp->ul_port = i;
			nb_ul++;
		}
	}
	if (nb_ul != 1) {
		LOG_ERR(dp, "exactly one underlay port is needed, %d configured", nb_ul);
		return -EINVAL;
	}
	return 0;
}

struct dp *
dp_create(const struct dp_conf *c, struct map *m)
{
	struct dp *dp = rte_zmalloc("dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	int r;

	if (dp == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	dp->map = m;
	r = conf_import(dp, c);
	if (r < 0)
		goto err;
	r = lcores_choose(dp);
	if (r < 0)
		goto err;
	r = dp_ports_setup(dp);
	if (r < 0)
		goto err;
	dp->cmd_ring = rte_ring_create_elem("vtepd_cmd", sizeof(struct dp_cmd), DP_CMD_RING_SIZE,
	                                    (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (dp->cmd_ring == NULL) {
		r = -ENOMEM;
		goto err;
	}
	for (unsigned i = 0; i < dp->nb_lcores; i++) {
		struct dp_lcore *lc = lcore_create(dp, i);

		dp->lcores[i] = lc;
		if (lc == NULL || lc->seg_stats == NULL || lc->vtep_stats == NULL ||
		    lc->flood_tb == NULL || lc->lf == NULL || lc->ev_ring == NULL) {
			LOG_ERR(dp, "lcore %u: out of memory for its context", dp->conf.lcores[i]);
			r = -ENOMEM;
			goto err;
		}
		r = map_reader_register(m, i);
		if (r < 0) {
			LOG_ERR(dp, "lcore %u: cannot register as a map reader: %s",
			        dp->conf.lcores[i], strerror(-r));
			goto err;
		}
	}
	return dp;
err:
	dp_destroy(dp);
	errno = -r;
	return NULL;
}

int
dp_start(struct dp *dp)
{
	int r;

	r = dp_ports_start(dp);
	if (r < 0)
		return r;
	__atomic_store_n(&dp_stop_flag, 0, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < dp->nb_lcores; i++) {
		r = rte_eal_remote_launch(dp_lcore_main, dp->lcores[i], dp->lcores[i]->lcore_id);
		if (r != 0) {
			LOG_ERR(dp, "lcore %u: launch: %s", dp->lcores[i]->lcore_id,
			        rte_strerror(-r));
			dp_stop(dp);
			return r;
		}
	}
	dp->started = true;
	LOG_INFO(dp, "forwarding on %u lcore(s)", dp->nb_lcores);
	return 0;
}

void
dp_stop(struct dp *dp)
{
	if (dp == NULL)
		return;
	__atomic_store_n(&dp_stop_flag, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < dp->nb_lcores; i++)
		if (dp->lcores[i] != NULL)
			rte_eal_wait_lcore(dp->lcores[i]->lcore_id);
	dp->started = false;
	dp_ports_stop(dp);
}

void
dp_destroy(struct dp *dp)
{
	if (dp == NULL)
		return;
	dp_stop(dp);
	for (unsigned i = 0; i < dp->nb_lcores; i++) {
		if (dp->lcores[i] != NULL && dp->map != NULL)
			map_reader_unregister(dp->map, i);
		lcore_free(dp->lcores[i]);
	}
	dp_ports_close(dp);
	rte_ring_free(dp->cmd_ring);
	rte_mempool_free(dp->pool);
	rte_free(dp);
}

uint16_t
dp_nb_ports(const struct dp *dp)
{
	return dp->nb_ports;
}

unsigned
dp_nb_lcores(const struct dp *dp)
{
	return dp->nb_lcores;
}

int
dp_port_info(const struct dp *dp, uint16_t port, struct dp_port_info *out)
{
	const struct dp_port *p;
	struct rte_eth_link link;
	struct rte_eth_stats st;

	if (port >= dp->nb_ports)
		return -ENOENT;
	p = &dp->ports[port];
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", p->conf.name);
	snprintf(out->device, sizeof(out->device), "%s", p->conf.device);
	out->role = p->conf.role;
	out->ethdev_port = p->ethdev;
	memcpy(out->mac, &p->mac, 6);
	out->mtu = p->conf.mtu;
	out->nb_rxq = p->nb_rxq;
	out->nb_txq = p->nb_txq;
	out->tx_ip_cksum_offload = p->tx_ip_cksum;
	if (rte_eth_link_get_nowait(p->ethdev, &link) == 0) {
		out->link_up = link.link_status == RTE_ETH_LINK_UP;
		out->speed_mbps = link.link_speed;
	}
	if (rte_eth_stats_get(p->ethdev, &st) == 0) {
		out->hw_ipackets = st.ipackets;
		out->hw_opackets = st.opackets;
		out->hw_ibytes = st.ibytes;
		out->hw_obytes = st.obytes;
		out->hw_imissed = st.imissed;
		out->hw_ierrors = st.ierrors;
		out->hw_oerrors = st.oerrors;
		out->hw_rx_nombuf = st.rx_nombuf;
	}
	return 0;
}

#define LD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

void
dp_counters_read(const struct dp *dp, struct dp_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned l = 0; l < dp->nb_lcores; l++) {
		const struct dp_lcore_stats *s = &dp->lcores[l]->stats;
		struct dp_lcore_counters lcc;

		for (unsigned p = 0; p < DP_MAX_PORTS; p++) {
			out->port_rx_pkts[p] += LD(s->port_rx_pkts[p]);
			out->port_rx_bytes[p] += LD(s->port_rx_bytes[p]);
			out->port_tx_pkts[p] += LD(s->port_tx_pkts[p]);
			out->port_tx_bytes[p] += LD(s->port_tx_bytes[p]);
		}
		for (unsigned d = 0; d < DP_DROP_MAX; d++)
			out->drops[d] += LD(s->drops[d]);
		out->encap_pkts += LD(s->encap_pkts);
		out->decap_pkts += LD(s->decap_pkts);
		out->flood_pkts += LD(s->flood_pkts);
		out->flood_copies += LD(s->flood_copies);
		out->arp_replies += LD(s->arp_replies);
		out->arp_requests += LD(s->arp_requests);
		out->icmp_echo_replies += LD(s->icmp_echo_replies);
		out->events_posted += LD(s->events_posted);
		out->events_lost += LD(s->events_lost);
		if (dp_lcore_counters_read(dp, l, &lcc) == 0) {
			out->idle_sleeps += lcc.idle_sleeps;
			out->busy_polls += lcc.busy_polls;
			out->empty_polls += lcc.empty_polls;
			for (unsigned b = 0; b < DP_STALL_BUCKETS; b++)
				out->stalls[b] += lcc.stalls[b];
			out->stall_us += lcc.stall_us;
			out->stall_max_us = RTE_MAX(out->stall_max_us, lcc.stall_max_us);
		}
	}
}

int
dp_lcore_counters_read(const struct dp *dp, unsigned idx, struct dp_lcore_counters *out)
{
	const struct dp_lcore *lc;
	const struct dp_lcore_stats *s;

	if (idx >= dp->nb_lcores || dp->lcores[idx] == NULL)
		return -ENOENT;
	lc = dp->lcores[idx];
	s = &lc->stats;
	memset(out, 0, sizeof(*out));
	out->lcore_id = lc->lcore_id;
	out->nb_rxq = lc->nb_rxq;
	for (uint16_t q = 0; q < lc->nb_rxq; q++) {
		out->rxq_port[q] = lc->rxq[q].port;
		out->rxq_queue[q] = lc->rxq[q].queue;
	}
	out->busy_polls = LD(s->busy_polls);
	out->empty_polls = LD(s->empty_polls);
	out->idle_sleeps = LD(s->idle_sleeps);
	for (unsigned b = 0; b < DP_STALL_BUCKETS; b++)
		out->stalls[b] = LD(s->stalls[b]);
	out->stall_us = dp_tsc_to_us(LD(s->stall_tsc));
	out->stall_max_us = dp_tsc_to_us(LD(s->stall_max_tsc));
	return 0;
}

uint64_t
dp_counters_drops(const struct dp_counters *c)
{
	uint64_t n = 0;

	for (unsigned d = 0; d < DP_DROP_MAX; d++)
		n += c->drops[d];
	return n;
}

void
dp_seg_counters_read(const struct dp *dp, uint16_t seg, struct dp_seg_counters *out)
{
	memset(out, 0, sizeof(*out));
	if (seg >= dp->conf.segments_max)
		return;
	for (unsigned l = 0; l < dp->nb_lcores; l++) {
		const struct dp_seg_stats *s = &dp->lcores[l]->seg_stats[seg];

		out->encap_pkts += LD(s->encap_pkts);
		out->encap_bytes += LD(s->encap_bytes);
		out->decap_pkts += LD(s->decap_pkts);
		out->decap_bytes += LD(s->decap_bytes);
		out->flood_pkts += LD(s->flood_pkts);
		out->drops += LD(s->drops);
	}
}

void
dp_vtep_counters_read(const struct dp *dp, uint16_t vtep, struct dp_vtep_counters *out)
{
	memset(out, 0, sizeof(*out));
	if (vtep >= dp->conf.vteps_max)
		return;
	for (unsigned l = 0; l < dp->nb_lcores; l++) {
		const struct dp_vtep_stats *s = &dp->lcores[l]->vtep_stats[vtep];

		out->tx_pkts += LD(s->tx_pkts);
		out->tx_bytes += LD(s->tx_bytes);
		out->rx_pkts += LD(s->rx_pkts);
		out->rx_bytes += LD(s->rx_bytes);
	}
}

void
dp_mempool_info(const struct dp *dp, struct dp_mempool_info *out)
{
	memset(out, 0, sizeof(*out));
	if (dp->pool == NULL)
		return;
	snprintf(out->name, sizeof(out->name), "%s", dp->pool->name);
	out->size = dp->pool->size;
	out->cache_size = dp->pool->cache_size;
	/* Both counts add the per-lcore caches: a free mbuf sitting in a
	 * cache is available, not in use. */
	out->available = rte_mempool_avail_count(dp->pool);
	out->in_use = rte_mempool_in_use_count(dp->pool);
}

unsigned
dp_events_drain(struct dp *dp, struct dp_event *ev, unsigned max)
{
	unsigned n = 0;

	/* Round-robin over lcores so a busy one cannot starve the others. */
	for (unsigned k = 0; k < dp->nb_lcores && n < max; k++) {
		struct dp_lcore *lc = dp->lcores[(dp->ev_next + k) % dp->nb_lcores];

		n += rte_ring_sc_dequeue_burst_elem(lc->ev_ring, ev + n, sizeof(*ev), max - n,
		                                    NULL);
	}
	dp->ev_next++;
	return n;
}

int
dp_neigh_solicit(struct dp *dp, uint32_t ip)
{
	struct dp_cmd cmd = {.type = DP_CMD_ARP_SOLICIT, .ip = ip};

	return rte_ring_sp_enqueue_elem(dp->cmd_ring, &cmd, sizeof(cmd)) == 0 ? 0 : -ENOBUFS;
}
