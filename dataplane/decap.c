/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * decap.c - underlay receive: validate, decapsulate, learn, deliver.
 *
 * One burst is handled in three passes (VPP / l3fwd style):
 *  1. classify every frame (pkt.h; prefetching DP_PREFETCH frames ahead),
 *     map the VNI to its segment, strip the outer headers, build the FDB
 *     key of the inner source and prefetch its learn-filter set;
 *  2. deliver: push the segment's VLAN tag and queue the frame on the
 *     segment's access port (forwarding needs no table: a segment has one
 *     access attachment), one run of frames into the same segment at a
 *     time (its tag, port and frame limit loaded once, counted once);
 *  3. learn: the learn filter vouches for most sources (dp_private.h);
 *     the others take one bulk FDB lookup, and an event goes to control
 *     when a source is new, moved or due a refresh. Last, so the filter
 *     sets prefetched in pass 1 have the delivery work to arrive, and on
 *     keys and addresses only: the frames may be gone.
 * ARP and ICMP to the gateway's own addresses leave in pass 1 for arp.c.
 * Per-segment and per-VTEP counters are added once per run of frames.
 */
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "dp_private.h"

/* Wider than a VNI: equal to none, so no frame takes last_seg before it
 * is set (one compare instead of two). */
#define DECAP_NO_VNI UINT32_MAX

/* Pass 1's running state, apart from struct decap_ctx so that it lives in
 * registers: the context's address goes to out-of-line functions, and
 * for the compiler every call in the pass (a drop, an ARP) could then
 * read it, so its fields would be stored and reloaded for every frame. */
struct decap_pass1 {
	unsigned n;        /* frames accepted */
	unsigned nb_runs;  /* segment runs opened */
	uint32_t last_vni; /* of last_seg; DECAP_NO_VNI before the first */
	const struct map_seg *last_seg;
	uint64_t good_src; /* the last accepted outer source, or DP_UL_SRC_NONE */
};

/* Per-burst scratch of the frames that survived pass 1. */
struct decap_ctx {
	uint16_t nb;
	uint16_t nb_runs;
	/* Run k of frames into one segment: first[k] .. first[k + 1] - 1.
	 * Pass 1 opens a run where the VNI changes, so pass 2 need not
	 * compare every frame's segment (a run may be empty, or have the
	 * previous one's segment: both harmless). */
	uint8_t first[DP_BURST_MAX + 1];
	struct rte_mbuf *m[DP_BURST_MAX];
	const struct map_seg *seg[DP_BURST_MAX];
	rte_be32_t src_ip[DP_BURST_MAX];
	uint64_t src[DP_BURST_MAX];
	struct dp_lf_set *lf[DP_BURST_MAX];
	uint32_t len[DP_BURST_MAX]; /* inner frame as received (the sender's counters) */
	uint64_t keys[DP_BURST_MAX];
	uint64_t vals[DP_BURST_MAX];
	uint64_t hits;
};

/* Counters of a run of frames delivered into one segment. Runs are
 * flushed by value, so they live in registers (see encap.c). */
struct decap_run {
	uint16_t seg;
	uint32_t pkts;
	uint64_t bytes; /* delivered frames */
};

static void
decap_run_flush(struct dp_lcore *lc, struct decap_run r)
{
	if (r.pkts == 0)
		return;
	DP_STAT_ADD(lc->seg_stats[r.seg].decap_pkts, r.pkts);
	DP_STAT_ADD(lc->seg_stats[r.seg].decap_bytes, r.bytes);
}

/* Counters of a run of frames received from one VTEP. */
struct decap_vrun {
	uint16_t vtep;
	uint32_t pkts;
	uint64_t bytes; /* inner frames as received */
};

static void
decap_vrun_flush(struct dp_lcore *lc, struct decap_vrun r)
{
	if (r.pkts == 0 || r.vtep == MAP_VTEP_NONE)
		return;
	DP_STAT_ADD(lc->vtep_stats[r.vtep].rx_pkts, r.pkts);
	DP_STAT_ADD(lc->vtep_stats[r.vtep].rx_bytes, r.bytes);
}

static inline void
decap_vrun_add(struct dp_lcore *lc, struct decap_vrun *r, uint16_t vtep, uint32_t len)
{
	if (unlikely(r->vtep != vtep)) {
		decap_vrun_flush(lc, *r);
		*r = (struct decap_vrun){.vtep = vtep};
	}
	r->pkts++;
	r->bytes += len;
}

/* Not VXLAN: the gateway's own ARP / ICMP, or a drop. Out of line: rare.
 * @p info by value: its address taken, the caller's copy would live in
 * memory for every packet (see dp_ul_classify()). */
static VTEP_NOINLINE void
decap_other(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m, const struct dp_ul_info info)
{
	switch (info.kind) {
	case DP_UL_ARP:
		dp_arp_input(lc, port, m);
		return;
	case DP_UL_ICMP:
		dp_icmp_input(lc, port, m, info.l3_off);
		return;
	default:
		dp_drop(lc, m, (enum dp_drop)info.drop);
		return;
	}
}

/* Did the port check the outer IPv4 header checksum, and find it good?
 * A port that recognised the packet as a tunnel reports the inner header
 * in the IP checksum flags and the outer one only as OUTER_IP_CKSUM_BAD,
 * which means something only with the outer checksum offload enabled. */
static inline bool
decap_outer_cksum_good(const struct dp_port_fast *pf, const struct rte_mbuf *m)
{
	if (unlikely(m->packet_type & RTE_PTYPE_TUNNEL_MASK))
		return pf->rx_outer_ip_cksum && !(m->ol_flags & RTE_MBUF_F_RX_OUTER_IP_CKSUM_BAD);
	return (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD;
}

/* Pass 1 for one frame: @return true when it goes on. @p hw_cksum: the
 * port checks IPv4 checksums at all (else its flags are not read: a
 * software port's are never set). */
static inline bool
decap_classify(struct dp_lcore *lc, uint16_t port, const struct dp_ul_ctx *c, bool hw_cksum,
               struct rte_mbuf *m, struct decap_ctx *d, struct decap_pass1 *st)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *inner;
	const struct map_seg *seg;
	struct dp_ul_info info;
	const unsigned n = st->n;
	uint16_t idx;

	dp_ul_classify_from(p, rte_pktmbuf_data_len(m), c,
	                    hw_cksum && decap_outer_cksum_good(&lc->port[port], m), st->good_src,
	                    &info);
	if (unlikely(info.kind != DP_UL_VXLAN)) {
		decap_other(lc, port, m, info);
		return false;
	}
	st->good_src = info.src_ip;
	/* Packets of a burst mostly share a VNI: its segment is looked up
	 * once (the pointer stays valid for the whole pass, RCU). */
	if (likely(info.vni == st->last_vni)) {
		seg = st->last_seg;
		idx = seg->idx;
	} else {
		idx = map_vni_seg(lc->map, info.vni);
		if (unlikely(idx == MAP_SEG_NONE || (seg = map_seg_get(lc->map, idx)) == NULL)) {
			dp_drop(lc, m, DP_DROP_VXLAN_UNKNOWN_VNI);
			return false;
		}
		st->last_vni = info.vni;
		st->last_seg = seg;
		d->first[st->nb_runs++] = (uint8_t)n;
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
	/* Leave only the inner frame (and room for a tag) in the mbuf. The
	 * classifier found it whole in the first segment (its lengths were
	 * checked against the segment's), so a single-segment mbuf needs no
	 * checks: set, do not adjust. */
	if (likely(m->nb_segs == 1)) {
		m->data_off = (uint16_t)(m->data_off + info.inner_off);
		m->data_len = info.inner_len;
		m->pkt_len = info.inner_len;
	} else {
		rte_pktmbuf_adj(m, info.inner_off);
		if (rte_pktmbuf_pkt_len(m) > info.inner_len)
			rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - info.inner_len);
	}
	d->m[n] = m;
	d->seg[n] = seg;
	d->src_ip[n] = info.src_ip;
	d->len[n] = rte_pktmbuf_pkt_len(m);
	d->src[n] = dp_fdb_key(idx, inner + 6);
	d->lf[n] = dp_lf_set_of(lc, d->src[n]);
	rte_prefetch0(d->lf[n]);
	st->n = n + 1;
	return true;
}

static inline uint64_t
decap_learn_dest(rte_be32_t src_ip)
{
	return (uint64_t)1 << 32 | src_ip;
}

/* Pass 3, learning from the FDB's answer (@p hit, @p v) for a source the
 * filter did not vouch for: is it where the FDB says? @return the
 * sender's VTEP index when the FDB knows it, else MAP_VTEP_NONE. */
static uint16_t
decap_learn(struct dp_lcore *lc, const struct decap_ctx *d, unsigned i, bool hit, uint64_t v)
{
	uint64_t dest = decap_learn_dest(d->src_ip[i]);
	union map_fdb_key k = {.u64 = d->src[i]};
	const struct map_vtep_tmpl *t;
	uint16_t vtep = MAP_VTEP_NONE;
	struct dp_event ev;

	if (hit && map_fdb_val_type(v) == MAP_FDB_REMOTE) {
		t = map_vtep_tmpl(lc->map, map_fdb_val_vtep(v));
		if (t != NULL && t->dst_ip == d->src_ip[i]) {
			vtep = t->vtep;
			if (lc->now_s - map_fdb_val_seen(v) < d->seg[i]->refresh_s) {
				dp_lf_record(lc, d->src[i], dest, vtep);
				return vtep;
			}
		}
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = DP_EV_LEARN;
	ev.remote = 1;
	ev.seg = d->seg[i]->idx;
	ev.vni = d->seg[i]->vni;
	memcpy(ev.mac, k.mac, 6);
	ev.ip = d->src_ip[i];
	dp_learn_post(lc, d->src[i], dest, vtep, &ev);
	return vtep;
}

/* Pass 3: learn the inner sources of the burst, count per sender. */
static void
decap_learn_burst(struct dp_lcore *lc, struct decap_ctx *d)
{
	uint8_t idx[DP_BURST_MAX], ref[DP_BURST_MAX];
	struct decap_vrun run = {.vtep = MAP_VTEP_NONE};
	const struct dp_lf_clock clock = dp_lf_clock(lc);
	unsigned n = 0, nk = 0;

	for (unsigned i = 0; i < d->nb; i++) {
		uint64_t w =
		        dp_lf_lookup(clock, d->lf[i], d->src[i], decap_learn_dest(d->src_ip[i]));

		if (likely(w != 0)) {
			decap_vrun_add(lc, &run, (uint16_t)(w >> DP_LF_VTEP_SHIFT), d->len[i]);
			continue;
		}
		/* A train from one unverified source is looked up once. */
		if (n > 0 && d->src[i] == d->src[idx[n - 1]]) {
			ref[n] = ref[n - 1];
		} else {
			ref[n] = (uint8_t)nk;
			d->keys[nk++] = d->src[i];
		}
		idx[n++] = (uint8_t)i;
	}
	if (n != 0) {
		map_fdb_lookup_bulk(lc->map, d->keys, nk, &d->hits, d->vals);
		for (unsigned j = 0; j < n; j++) {
			unsigned i = idx[j];
			uint16_t vtep =
			        decap_learn(lc, d, i, (d->hits >> ref[j]) & 1, d->vals[ref[j]]);

			decap_vrun_add(lc, &run, vtep, d->len[i]);
		}
	}
	decap_vrun_flush(lc, run);
}

/* What delivery into one segment needs, loaded once per run of frames
 * to it: stores to the mbufs could alias the segment and the lcore for
 * the compiler, which would load them again for every frame. */
struct decap_to {
	const struct map_seg *seg;
	rte_be32_t tag; /* the 802.1Q tag as it goes on the wire: TPID, TCI */
	bool tagged;
	uint16_t max_frame;
	uint16_t port;
};

static inline void
decap_to_load(const struct dp_lcore *lc, const struct map_seg *seg, struct decap_to *to)
{
	to->seg = seg;
	to->tagged = seg->vlan != MAP_VLAN_UNTAGGED;
	to->tag = dp_be32((uint32_t)RTE_ETHER_TYPE_VLAN << 16 | dp_be16(seg->vlan_tci));
	to->port = seg->port;
	to->max_frame = lc->port[seg->port].max_frame;
}

/* Pass 2, delivery: push the segment's tag and queue on its access port
 * through @p txc. @return the frame's length when queued (its bytes are
 * the caller's to count, once per run), 0 when dropped. */
static inline uint32_t
decap_deliver(struct dp_lcore *lc, const struct decap_to *to, struct rte_mbuf *m,
              struct dp_txc *txc)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (to->tagged) {
		/* The outer headers just left 50 bytes of headroom. */
		uint8_t *p = dp_mbuf_push(m, sizeof(struct rte_vlan_hdr));

		dp_move_macs(p, p + 4);
		memcpy(p + 12, &to->tag, 4);
		len += 4;
	}
	if (unlikely(len > to->max_frame)) {
		dp_drop(lc, m, DP_DROP_DECAP_MTU);
		DP_STAT_ADD(lc->seg_stats[to->seg->idx].drops, 1);
		return 0;
	}
	m->ol_flags = 0;
	dp_txc_put_uncounted(txc, m);
	return len;
}

/* The counters of run @p r, delivered through @p txc. @return its frames. */
static inline unsigned
decap_run_end(struct dp_lcore *lc, struct decap_run r, struct dp_txc *txc)
{
	txc->bytes += r.bytes;
	decap_run_flush(lc, r);
	return r.pkts;
}

uint64_t
dp_underlay_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t nb)
{
	struct dp_txc txc = {.b = NULL, .port = UINT16_MAX};
	struct decap_pass1 st = {.n = 0,
	                         .nb_runs = 0,
	                         .last_vni = DECAP_NO_VNI,
	                         .last_seg = NULL,
	                         .good_src = DP_UL_SRC_NONE};
	struct decap_ctx d;
	const bool hw_cksum = lc->port[port].rx_ip_cksum || lc->port[port].rx_outer_ip_cksum;
	uint64_t rx_bytes = 0;
	unsigned nb_out = 0;
	uint16_t i;

	for (i = 0; i < nb && i < DP_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < nb; i++) {
		if (i + DP_PREFETCH < nb)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH], void *));
		rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
		decap_classify(lc, port, &lc->ul_ctx, hw_cksum, pkts[i], &d, &st);
	}
	d.nb = (uint16_t)st.n;
	d.nb_runs = (uint16_t)st.nb_runs;
	if (d.nb == 0)
		return rx_bytes;
	/* Frames of a burst mostly go to one segment: by runs. */
	d.first[d.nb_runs] = (uint8_t)d.nb;
	for (unsigned k = 0; k < d.nb_runs; k++) {
		const unsigned end = d.first[k + 1];
		struct decap_run run;
		struct decap_to to;

		i = d.first[k];
		if (unlikely(i == end))
			continue;
		decap_to_load(lc, d.seg[i], &to);
		run = (struct decap_run){.seg = to.seg->idx};
		if (txc.port != to.port) {
			if (txc.b != NULL)
				dp_txc_close(&txc);
			dp_txc_open(lc, &txc, to.port, d.nb - i);
		}
		for (; i < end; i++) {
			uint32_t len = decap_deliver(lc, &to, d.m[i], &txc);

			run.pkts += len != 0;
			run.bytes += len;
		}
		nb_out += decap_run_end(lc, run, &txc);
	}
	dp_txc_close(&txc);
	DP_STAT_ADD(lc->stats.decap_pkts, nb_out);
	decap_learn_burst(lc, &d);
	return rx_bytes;
}
