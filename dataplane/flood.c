/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flood.c - head-end replication of broadcast, multicast and unknown
 * unicast frames to every VTEP in the segment's flood list.
 *
 * Each lcore polices its share of the segment's flood_rate_pps with its own
 * token bucket (no shared cache line), so a broadcast storm in one site is
 * contained before it costs the underlay N copies per frame.
 * Copies are deep (rte_pktmbuf_copy): they need their own outer header, and
 * indirect mbufs would demand multi-segment transmit from every port.
 */
#include "dp_private.h"

#define DP_FLOOD_MAX 1024 /* VTEPs one frame is replicated to */

/* @return true if the segment may flood one more frame now. */
static inline bool
flood_police(struct dp_lcore *lc, const struct map_seg *seg)
{
	struct dp_flood_tb *tb = &lc->flood_tb[seg->idx];
	uint64_t rate = seg->flood_rate_pps / lc->nb_lcores;
	uint64_t cap, elapsed;

	if (seg->flood_rate_pps == 0)
		return true;
	if (rate == 0)
		rate = 1;
	cap = RTE_MAX(rate / 8, (uint64_t)DP_BURST_MAX);
	elapsed = lc->now_tsc - tb->last_tsc;
	if (elapsed > lc->tsc_hz)
		elapsed = lc->tsc_hz; /* a full bucket at most */
	if (elapsed * rate >= lc->tsc_hz) {
		uint64_t add = elapsed * rate / lc->tsc_hz;

		tb->tokens = (uint32_t)RTE_MIN(cap, tb->tokens + add);
		tb->last_tsc = lc->now_tsc;
	}
	if (tb->tokens == 0)
		return false;
	tb->tokens--;
	return true;
}

void
dp_flood(struct dp_lcore *lc, const struct map_seg *seg, struct rte_mbuf *m, uint32_t hash)
{
	const struct map_vtep_tmpl *tmpl[DP_FLOOD_MAX];
	struct dp_seg_stats *ss = &lc->seg_stats[seg->idx];
	unsigned nb = 0, sent = 0;
	uint16_t sport;
	uint32_t len;

	if (unlikely(seg->nb_flood == 0)) {
		dp_drop(lc, m, DP_DROP_FLOOD_EMPTY);
		DP_STAT_ADD(ss->drops, 1);
		return;
	}
	if (unlikely(!flood_police(lc, seg))) {
		dp_drop(lc, m, DP_DROP_FLOOD_RATE);
		DP_STAT_ADD(ss->drops, 1);
		return;
	}
	len = rte_pktmbuf_pkt_len(m);
	if (unlikely(len + 36 > lc->ul_ip_mtu)) {
		dp_drop(lc, m, DP_DROP_ENCAP_MTU);
		DP_STAT_ADD(ss->drops, 1);
		return;
	}
	for (unsigned i = 0; i < seg->nb_flood && nb < DP_FLOOD_MAX; i++) {
		const struct map_vtep_tmpl *t = map_vtep_tmpl(lc->map, seg->flood[i]);

		if (likely(t != NULL && t->resolved))
			tmpl[nb++] = t;
	}
	if (unlikely(nb == 0)) {
		dp_drop(lc, m, DP_DROP_NEIGH_UNRESOLVED);
		DP_STAT_ADD(ss->drops, 1);
		return;
	}
	sport = dp_udp_sport(hash);
	for (unsigned i = 0; i + 1 < nb; i++) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, lc->pool, 0, UINT32_MAX);

		if (unlikely(c == NULL)) {
			DP_STAT_ADD(lc->stats.drops[DP_DROP_NO_MBUF], 1);
			continue;
		}
		dp_encap_one(lc, seg, tmpl[i], c, sport);
		sent++;
	}
	dp_encap_one(lc, seg, tmpl[nb - 1], m, sport);
	sent++;
	DP_STAT_ADD(lc->stats.flood_pkts, 1);
	DP_STAT_ADD(lc->stats.flood_copies, sent);
	DP_STAT_ADD(ss->flood_pkts, 1);
}
