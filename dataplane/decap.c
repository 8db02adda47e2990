/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * decap.c - underlay receive: validate, decapsulate, learn, deliver.
 *
 * One burst is handled in three passes (VPP / l3fwd style):
 *  1. classify every frame (pkt.h; prefetching DP_PREFETCH frames ahead),
 *     map the VNI to its segment, build the FDB key of the inner source;
 *  2. one bulk FDB lookup for all of them;
 *  3. learn (post an event when the inner source is new, moved or due a
 *     refresh), strip the outer headers, push the segment's VLAN tag and
 *     queue the frame on the segment's access port.
 * ARP and ICMP to the gateway's own addresses leave in pass 1 for arp.c.
 */
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "dp_private.h"

/* Per-burst scratch of the frames that survived pass 1. */
struct decap_ctx {
	uint16_t nb;
	struct rte_mbuf *m[DP_BURST_MAX];
	uint64_t key[DP_BURST_MAX];
	uint64_t val[DP_BURST_MAX];
	const struct map_seg *seg[DP_BURST_MAX];
	rte_be32_t src_ip[DP_BURST_MAX];
};

static void
ul_ctx_of(const struct dp_lcore *lc, struct dp_ul_ctx *c)
{
	c->mac = lc->port[lc->ul_port].mac;
	c->vtep_ip = lc->vtep_ip;
	c->port_ip = lc->ul_ip;
	c->udp_port = lc->udp_port;
}

/* Not VXLAN: the gateway's own ARP / ICMP, or a drop. Out of line: rare. */
static VTEP_NOINLINE void
decap_other(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m, const struct dp_ul_info *info)
{
	switch (info->kind) {
	case DP_UL_ARP:
		dp_arp_input(lc, port, m);
		return;
	case DP_UL_ICMP:
		dp_icmp_input(lc, port, m, info->l3_off);
		return;
	default:
		dp_drop(lc, m, (enum dp_drop)info->drop);
		return;
	}
}

/* Pass 1 for one frame: @return true when it goes on to the lookup. */
static inline bool
decap_classify(struct dp_lcore *lc, uint16_t port, const struct dp_ul_ctx *c, struct rte_mbuf *m,
	       struct decap_ctx *d)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *inner;
	const struct map_seg *seg;
	struct dp_ul_info info;
	uint16_t idx;
	bool good = (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD;

	dp_ul_classify(p, rte_pktmbuf_data_len(m), c, good, &info);
	if (unlikely(info.kind != DP_UL_VXLAN)) {
		decap_other(lc, port, m, &info);
		return false;
	}
	idx = map_vni_seg(lc->map, info.vni);
	if (unlikely(idx == MAP_SEG_NONE || (seg = map_seg_get(lc->map, idx)) == NULL)) {
		dp_drop(lc, m, DP_DROP_VXLAN_UNKNOWN_VNI);
		return false;
	}
	inner = p + info.inner_off;
	if (unlikely(rte_is_multicast_ether_addr((const void *)(inner + 6)))) {
		dp_drop(lc, m, DP_DROP_INNER_SRC_GROUP);
		DP_STAT_ADD(lc->seg_stats[idx].drops, 1);
		return false;
	}
	if (unlikely(inner[12] == 0x81 && inner[13] == 0x00)) {
		dp_drop(lc, m, DP_DROP_INNER_TAGGED);
		DP_STAT_ADD(lc->seg_stats[idx].drops, 1);
		return false;
	}
	/* Leave only the inner frame (and room for a tag) in the mbuf. */
	rte_pktmbuf_adj(m, info.inner_off);
	if (rte_pktmbuf_pkt_len(m) > info.inner_len)
		rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - info.inner_len);
	d->m[d->nb] = m;
	d->seg[d->nb] = seg;
	d->src_ip[d->nb] = info.src_ip;
	d->key[d->nb] = dp_fdb_key(idx, inner + 6);
	d->nb++;
	return true;
}

/* Pass 3, learning: is the inner source where the FDB says? */
static inline void
decap_learn(struct dp_lcore *lc, struct decap_ctx *d, unsigned i, bool hit)
{
	const struct map_vtep_tmpl *t;
	struct dp_event ev;
	uint64_t v = d->val[i];

	if (likely(hit) && map_fdb_val_type(v) == MAP_FDB_REMOTE) {
		t = map_vtep_tmpl(lc->map, map_fdb_val_vtep(v));
		if (likely(t != NULL && t->dst_ip == d->src_ip[i])) {
			struct dp_vtep_stats *vs = &lc->vtep_stats[t->vtep];

			DP_STAT_ADD(vs->rx_pkts, 1);
			DP_STAT_ADD(vs->rx_bytes, rte_pktmbuf_pkt_len(d->m[i]));
			if (likely(lc->now_s - map_fdb_val_seen(v) < d->seg[i]->refresh_s))
				return;
		}
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = DP_EV_LEARN;
	ev.remote = 1;
	ev.seg = d->seg[i]->idx;
	memcpy(ev.mac, rte_pktmbuf_mtod(d->m[i], uint8_t *) + 6, 6);
	ev.ip = d->src_ip[i];
	dp_learn_post(lc, d->key[i], ((uint64_t)1 << 32) | d->src_ip[i], &ev);
}

/* Pass 3, delivery: push the segment's tag and queue on its access port.
 * @return 1 when queued, 0 when dropped. */
static inline unsigned
decap_deliver(struct dp_lcore *lc, const struct map_seg *seg, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct dp_seg_stats *ss = &lc->seg_stats[seg->idx];

	if (seg->vlan != MAP_VLAN_UNTAGGED) {
		/* The outer headers just left 50 bytes of headroom. */
		uint8_t *p = dp_mbuf_push(m, sizeof(struct rte_vlan_hdr));
		rte_be16_t tpid = RTE_BE16(RTE_ETHER_TYPE_VLAN);

		memmove(p, p + 4, 12);
		memcpy(p + 12, &tpid, 2);
		memcpy(p + 14, &seg->vlan_tci, 2);
		len += 4;
	}
	if (unlikely(len > lc->port[seg->port].max_frame)) {
		dp_drop(lc, m, DP_DROP_DECAP_MTU);
		DP_STAT_ADD(ss->drops, 1);
		return 0;
	}
	m->ol_flags = 0;
	DP_STAT_ADD(ss->decap_pkts, 1);
	DP_STAT_ADD(ss->decap_bytes, len);
	dp_tx_enqueue(lc, seg->port, m);
	return 1;
}

void
dp_underlay_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t nb)
{
	struct decap_ctx d;
	struct dp_ul_ctx c;
	uint64_t hits = 0;
	unsigned nb_out = 0;
	uint16_t i;

	ul_ctx_of(lc, &c);
	d.nb = 0;
	for (i = 0; i < nb && i < DP_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < nb; i++) {
		if (i + DP_PREFETCH < nb)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH], void *));
		decap_classify(lc, port, &c, pkts[i], &d);
	}
	if (d.nb == 0)
		return;
	map_fdb_lookup_bulk(lc->map, d.key, d.nb, &hits, d.val);
	for (i = 0; i < d.nb; i++) {
		decap_learn(lc, &d, i, (hits >> i) & 1);
		nb_out += decap_deliver(lc, d.seg[i], d.m[i]);
	}
	DP_STAT_ADD(lc->stats.decap_pkts, nb_out);
}
