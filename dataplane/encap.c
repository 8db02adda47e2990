/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * encap.c - access receive: classify by (port, VLAN), learn, encapsulate.
 *
 * Three passes per burst like decap.c: parse every frame and build two FDB
 * keys (destination, source), one bulk lookup of up to 64 keys, then act.
 * A known remote destination is encapsulated by copying its VTEP's
 * precomputed 50-byte header and patching five fields (pkt.h); unknown and
 * group destinations are flooded (flood.c).
 */
#include <rte_prefetch.h>

#include "dp_private.h"

struct encap_ctx {
	uint16_t nb;
	struct rte_mbuf *m[DP_BURST_MAX];
	const struct map_seg *seg[DP_BURST_MAX];
	uint16_t vid[DP_BURST_MAX];
	uint64_t key[2 * DP_BURST_MAX]; /* [2i] destination, [2i + 1] source */
	uint64_t val[2 * DP_BURST_MAX];
};

/* Pass 1 for one frame: @return true when it goes on to the lookup. */
static inline bool
encap_classify(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m, struct encap_ctx *e)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct map_seg *seg;
	uint16_t vid = 0, idx;
	unsigned n = e->nb;

	if (unlikely(len < RTE_ETHER_HDR_LEN)) {
		dp_drop(lc, m, DP_DROP_ACC_TRUNCATED);
		return false;
	}
	if (p[12] == 0x81 && p[13] == 0x00) {
		if (unlikely(len < RTE_ETHER_HDR_LEN + 4)) {
			dp_drop(lc, m, DP_DROP_ACC_TRUNCATED);
			return false;
		}
		vid = (uint16_t)((p[14] << 8 | p[15]) & 0xfff);
	} else if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
		/* The port (NIC offload, or the kernel under af_packet) took
		 * the tag out of the frame and left it in the mbuf. */
		vid = m->vlan_tci & 0xfff;
	}
	idx = map_access_seg(lc->map, port, vid);
	if (unlikely(idx == MAP_SEG_NONE || (seg = map_seg_get(lc->map, idx)) == NULL)) {
		dp_drop(lc, m, DP_DROP_ACC_NO_SEGMENT);
		return false;
	}
	if (unlikely(rte_is_multicast_ether_addr((const void *)(p + 6)))) {
		dp_drop(lc, m, DP_DROP_ACC_SRC_GROUP);
		DP_STAT_ADD(lc->seg_stats[idx].drops, 1);
		return false;
	}
	e->m[n] = m;
	e->seg[n] = seg;
	e->vid[n] = vid;
	e->key[2 * n] = dp_fdb_key(idx, p);
	e->key[2 * n + 1] = dp_fdb_key(idx, p + 6);
	e->nb = (uint16_t)(n + 1);
	return true;
}

/* Learning of the local source: new, moved here, or due a refresh. */
static inline void
encap_learn(struct dp_lcore *lc, uint16_t port, struct encap_ctx *e, unsigned i, bool hit)
{
	uint64_t v = e->val[2 * i + 1];
	uint64_t dest = ((uint64_t)port << 16) | e->vid[i];
	struct dp_event ev;

	if (likely(hit) && map_fdb_val_type(v) == MAP_FDB_LOCAL && map_fdb_val_port(v) == port &&
	    map_fdb_val_vlan(v) == e->vid[i] &&
	    likely(lc->now_s - map_fdb_val_seen(v) < e->seg[i]->refresh_s))
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = DP_EV_LEARN;
	ev.remote = 0;
	ev.seg = e->seg[i]->idx;
	memcpy(ev.mac, rte_pktmbuf_mtod(e->m[i], uint8_t *) + 6, 6);
	ev.port = port;
	ev.vlan = e->vid[i];
	dp_learn_post(lc, e->key[2 * i + 1], dest, &ev);
}

/* Remove the 802.1Q tag: the VLAN is local to this access port, the VNI
 * is the segment's identity on the wire. */
static inline void
encap_untag(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	if (p[12] == 0x81 && p[13] == 0x00) {
		memmove(p + 4, p, 12);
		rte_pktmbuf_adj(m, 4);
	}
}

void
dp_encap_one(struct dp_lcore *lc, const struct map_seg *seg, const struct map_vtep_tmpl *t,
	     struct rte_mbuf *m, uint16_t sport)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const struct dp_port_fast *pf = &lc->port[t->port];
	struct dp_vtep_stats *vs = &lc->vtep_stats[t->vtep];
	struct dp_seg_stats *ss = &lc->seg_stats[seg->idx];
	uint8_t *h;

	h = (uint8_t *)rte_pktmbuf_prepend(m, DP_VXLAN_HLEN_IPV4);
	if (unlikely(h == NULL)) {
		dp_drop(lc, m, DP_DROP_NO_MBUF);
		return;
	}
	/* IPv4 template (af == AF_INET); an IPv6 underlay adds its own patch
	 * function for the 70-byte template, the copy stays the same. */
	memcpy(h, t->hdr, DP_VXLAN_HLEN_IPV4);
	dp_encap_patch_ipv4(h, len, t->ip_csum_base, sport, seg->vni_word, !pf->tx_ip_cksum);
	if (pf->tx_ip_cksum) {
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = 20;
		m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	} else {
		m->ol_flags = 0;
	}
	DP_STAT_ADD(vs->tx_pkts, 1);
	DP_STAT_ADD(vs->tx_bytes, len + DP_VXLAN_HLEN_IPV4);
	DP_STAT_ADD(ss->encap_pkts, 1);
	DP_STAT_ADD(ss->encap_bytes, len);
	dp_tx_enqueue(lc, t->port, m);
}

/* Pass 3 for a frame with a remote destination. @return 1 if sent. */
static inline unsigned
encap_unicast(struct dp_lcore *lc, const struct map_seg *seg, struct rte_mbuf *m, uint64_t v)
{
	const struct map_vtep_tmpl *t = map_vtep_tmpl(lc->map, map_fdb_val_vtep(v));
	const uint8_t *p;
	uint32_t len;
	uint32_t h;

	if (unlikely(t == NULL || !t->resolved)) {
		dp_drop(lc, m, DP_DROP_NEIGH_UNRESOLVED);
		DP_STAT_ADD(lc->seg_stats[seg->idx].drops, 1);
		return 0;
	}
	encap_untag(m);
	len = rte_pktmbuf_pkt_len(m);
	if (unlikely(len + 36 > lc->ul_ip_mtu)) {
		dp_drop(lc, m, DP_DROP_ENCAP_MTU);
		DP_STAT_ADD(lc->seg_stats[seg->idx].drops, 1);
		return 0;
	}
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	h = (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH) ? m->hash.rss
						    : dp_flow_hash(p, rte_pktmbuf_data_len(m));
	dp_encap_one(lc, seg, t, m, dp_udp_sport(h));
	return 1;
}

void
dp_access_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t nb)
{
	struct encap_ctx e;
	uint64_t hits = 0;
	unsigned nb_out = 0;
	uint16_t i;

	e.nb = 0;
	for (i = 0; i < nb && i < DP_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < nb; i++) {
		if (i + DP_PREFETCH < nb)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH], void *));
		encap_classify(lc, port, pkts[i], &e);
	}
	if (e.nb == 0)
		return;
	map_fdb_lookup_bulk(lc->map, e.key, 2u * e.nb, &hits, e.val);
	for (i = 0; i < e.nb; i++) {
		struct rte_mbuf *m = e.m[i];
		bool dst_hit = (hits >> (2 * i)) & 1;
		uint64_t v = e.val[2 * i];

		encap_learn(lc, port, &e, i, (hits >> (2 * i + 1)) & 1);
		/* Group MACs are never in the FDB (neither learned nor
		 * accepted from config or managers), so they miss and flood. */
		if (likely(dst_hit) && likely(map_fdb_val_type(v) == MAP_FDB_REMOTE)) {
			nb_out += encap_unicast(lc, e.seg[i], m, v);
		} else if (dst_hit && map_fdb_val_type(v) == MAP_FDB_LOCAL) {
			dp_drop(lc, m, DP_DROP_ACC_LOCAL_DST);
		} else {
			encap_untag(m);
			dp_flood(lc, e.seg[i], m);
		}
	}
	DP_STAT_ADD(lc->stats.encap_pkts, nb_out);
}
