/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * encap.c - access receive: classify by (port, VLAN), learn, encapsulate.
 *
 * A burst goes through four passes (VPP / l3fwd style), each a tight loop:
 *  1. parse every frame (prefetching DP_PREFETCH frames ahead): segment,
 *     destination and source keys, the inner flow hash (the UDP source
 *     port; here, while the headers are at hand, tagged frames too);
 *     prefetch the source's learn-filter set; a destination equal to the
 *     previous frame's joins its run instead of opening a key;
 *  2. the destinations: each run's key is looked up once (trains of one
 *     flow, many flows to one server), in
 *     the lcore's destination cache (dp_private.h), the misses in one
 *     bulk FDB lookup;
 *  3. forward, one run of frames with the same destination key at a time
 *     (they share the segment, the answer and the VTEP, decided once per
 *     run): a known remote destination is encapsulated by copying its
 *     VTEP's precomputed 50-byte header and patching five fields (pkt.h);
 *     unknown and group destinations are flooded (flood.c);
 *  4. learn: a source the learn filter vouches for needs nothing, the
 *     others one bulk lookup. Learning comes last so the filter sets
 *     prefetched in pass 1 have the whole forwarding work to arrive (with
 *     many flows they come from memory), and it needs only the keys, not
 *     the frames, which may be gone by then.
 * Per-segment and per-VTEP counters are added once per run of frames to
 * the same segment and VTEP, not once per frame.
 */
#include <rte_prefetch.h>

#include "dp_private.h"

/* Wider than a VLAN ID: equal to none, so no frame takes last_seg before
 * it is set (one compare instead of two). */
#define ENCAP_NO_VID UINT16_MAX

/* Pass 1's running state, apart from struct encap_ctx: the context's
 * address goes to encap_forward(), and for the compiler every call in the
 * pass (a drop frees an mbuf) could then read it, so its fields would be
 * stored and reloaded for every frame. A local struct whose address stays
 * here lives in registers. */
struct encap_pass1 {
	unsigned n;        /* frames accepted */
	unsigned nk;       /* destination runs opened */
	uint16_t last_vid; /* of last_seg; ENCAP_NO_VID before the first */
	const struct map_seg *last_seg;
};

struct encap_ctx {
	uint16_t nb;
	uint16_t nb_keys;
	struct rte_mbuf *m[DP_BURST_MAX];
	const struct map_seg *seg[DP_BURST_MAX];
	uint16_t vid[DP_BURST_MAX];
	uint8_t tagged[DP_BURST_MAX];    /* the frame carries an 802.1Q tag */
	uint8_t first[DP_BURST_MAX + 1]; /* keys[k]'s frames: first[k] .. first[k + 1] - 1 */
	uint64_t src[DP_BURST_MAX];
	uint32_t hash[DP_BURST_MAX]; /* inner flow hash, of the frame as it leaves (untagged) */
	struct dp_lf_set *lf[DP_BURST_MAX];
	uint64_t keys[DP_BURST_MAX]; /* pass 1: destinations; pass 4: unverified sources */
	uint64_t vals[DP_BURST_MAX];
	uint64_t hits;
};

/* Counters of a run of frames sent to one VTEP in one segment. */
struct encap_run {
	uint16_t seg;
	uint16_t vtep;
	uint32_t pkts;
	uint64_t bytes; /* inner frames */
};

/* By value: a run whose address is never taken lives in registers, and
 * the per-frame increments do not chain through a store and a reload
 * (about 0.5 cycles a frame in bench/micro). */
static void
encap_run_flush(struct dp_lcore *lc, struct encap_run r)
{
	struct dp_vtep_stats *vs = &lc->vtep_stats[r.vtep];
	struct dp_seg_stats *ss = &lc->seg_stats[r.seg];

	if (r.pkts == 0)
		return;
	DP_STAT_ADD(vs->tx_pkts, r.pkts);
	DP_STAT_ADD(vs->tx_bytes, r.bytes + (uint64_t)r.pkts * DP_VXLAN_HLEN_IPV4);
	DP_STAT_ADD(ss->encap_pkts, r.pkts);
	DP_STAT_ADD(ss->encap_bytes, r.bytes);
}

/* Count @p pkts frames of @p bytes sent to @p vtep in @p seg. */
static inline void
encap_run_add(struct dp_lcore *lc, struct encap_run *r, uint16_t seg, uint16_t vtep, uint32_t pkts,
              uint64_t bytes)
{
	if (unlikely(r->seg != seg || r->vtep != vtep)) {
		encap_run_flush(lc, *r);
		*r = (struct encap_run){.seg = seg, .vtep = vtep};
	}
	r->pkts += pkts;
	r->bytes += bytes;
}

/* The inner flow hash of a frame (@p tag: 4 behind an 802.1Q tag, else
 * 0; it hashes as it will leave, untagged), for the UDP source port: the
 * port's RSS hash when it gave one. One per frame, for unicast and flood
 * alike, so a flow keeps its source port (and its underlay path) when its
 * destination becomes known. */
static inline uint32_t
encap_flow_hash(const struct rte_mbuf *m, const uint8_t *p, uint32_t len, unsigned tag)
{
	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
		return m->hash.rss;
	return dp_flow_hash_at(p, len, tag);
}

/* Pass 1 for one frame: @return true when it goes on. */
static inline bool
encap_classify(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m, struct encap_ctx *e,
               struct encap_pass1 *st)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct map_seg *seg;
	uint16_t vid = 0, idx;
	const unsigned n = st->n, nk = st->nk;
	uint64_t dst;
	bool tagged = false;

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
		tagged = true;
	} else if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
		/* The port (NIC offload, or the kernel under af_packet) took
		 * the tag out of the frame and left it in the mbuf. */
		vid = m->vlan_tci & 0xfff;
	}
	/* Frames of a burst mostly share a VLAN: its segment is looked up
	 * once (the pointer stays valid for the whole pass, RCU). */
	if (likely(vid == st->last_vid)) {
		seg = st->last_seg;
		idx = seg->idx;
	} else {
		idx = map_access_seg(lc->map, port, vid);
		if (unlikely(idx == MAP_SEG_NONE || (seg = map_seg_get(lc->map, idx)) == NULL)) {
			dp_drop(lc, m, DP_DROP_ACC_NO_SEGMENT);
			return false;
		}
		st->last_vid = vid;
		st->last_seg = seg;
	}
	if (unlikely(rte_is_multicast_ether_addr((const void *)(p + 6)))) {
		dp_drop(lc, m, DP_DROP_ACC_SRC_GROUP);
		DP_STAT_ADD(lc->seg_stats[idx].drops, 1);
		return false;
	}
	dst = dp_fdb_key(idx, p);
	e->m[n] = m;
	e->seg[n] = seg;
	e->vid[n] = vid;
	e->tagged[n] = tagged;
	/* A destination equal to the previous frame's shares its key, so
	 * the frames of one key are consecutive: a run for pass 3. Opened
	 * here, not in a loop of its own, while the key is in a register. */
	if (nk == 0 || dst != e->keys[nk - 1]) {
		e->first[nk] = (uint8_t)n;
		e->keys[nk] = dst;
		st->nk = nk + 1;
	}
	e->src[n] = dp_fdb_key(idx, p + 6);
	/* While the headers are at hand; a tagged frame as it will leave. */
	e->hash[n] =
	        likely(!tagged) ? encap_flow_hash(m, p, len, 0) : encap_flow_hash(m, p, len, 4);
	e->lf[n] = dp_lf_set_of(lc, e->src[n]);
	rte_prefetch0(e->lf[n]);
	/* The outer header goes in the headroom, a line nothing has touched
	 * since the mbuf's last use. */
	__builtin_prefetch(p - DP_VXLAN_HLEN_IPV4, 1,
	                   3); /* rte_prefetch0_write() is experimental */
	st->n = n + 1;
	return true;
}

static inline uint64_t
encap_learn_dest(uint16_t port, uint16_t vid)
{
	return (uint64_t)port << 16 | vid;
}

/* Pass 2, the answers: from the lcore's destination cache, the misses in
 * one bulk FDB lookup whose hits join the cache. */
static inline void
encap_dst_lookup(struct dp_lcore *lc, struct encap_ctx *e)
{
	uint64_t mkeys[DP_BURST_MAX], mvals[DP_BURST_MAX], mhits, hits = 0;
	uint8_t mref[DP_BURST_MAX];
	unsigned nm = 0;

	for (unsigned k = 0; k < e->nb_keys; k++) {
		if (likely(dp_dc_lookup(lc, e->keys[k], &e->vals[k]))) {
			hits |= 1ull << k;
		} else {
			mref[nm] = (uint8_t)k;
			mkeys[nm++] = e->keys[k];
		}
	}
	if (nm != 0) {
		map_fdb_lookup_bulk(lc->map, mkeys, nm, &mhits, mvals);
		for (unsigned j = 0; j < nm; j++) {
			if (((mhits >> j) & 1) == 0)
				continue;
			e->vals[mref[j]] = mvals[j];
			hits |= 1ull << mref[j];
			dp_dc_fill(lc, mkeys[j], mvals[j]);
		}
	}
	e->hits = hits;
}

/* Pass 4, learning of a local source the filter did not vouch for (the
 * FDB's answer in @p hit / @p v): new, moved here, or due a refresh. */
static void
encap_learn(struct dp_lcore *lc, uint16_t port, const struct encap_ctx *e, unsigned i, bool hit,
            uint64_t v)
{
	uint64_t dest = encap_learn_dest(port, e->vid[i]);
	union map_fdb_key k = {.u64 = e->src[i]};
	struct dp_event ev;

	if (hit && map_fdb_val_type(v) == MAP_FDB_LOCAL && map_fdb_val_port(v) == port &&
	    map_fdb_val_vlan(v) == e->vid[i] &&
	    lc->now_s - map_fdb_val_seen(v) < e->seg[i]->refresh_s) {
		dp_lf_record(lc, e->src[i], dest, MAP_VTEP_NONE);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = DP_EV_LEARN;
	ev.remote = 0;
	ev.seg = e->seg[i]->idx;
	ev.vni = e->seg[i]->vni;
	memcpy(ev.mac, k.mac, 6);
	ev.port = port;
	ev.vlan = e->vid[i];
	dp_learn_post(lc, e->src[i], dest, MAP_VTEP_NONE, &ev);
}

/* Pass 4: learn the sources of the burst. */
static void
encap_learn_burst(struct dp_lcore *lc, uint16_t port, struct encap_ctx *e)
{
	uint8_t idx[DP_BURST_MAX], ref[DP_BURST_MAX];
	const struct dp_lf_clock clock = dp_lf_clock(lc);
	unsigned n = 0, nk = 0;

	for (unsigned i = 0; i < e->nb; i++) {
		if (likely(dp_lf_lookup(clock, e->lf[i], e->src[i],
		                        encap_learn_dest(port, e->vid[i])) != 0))
			continue;
		/* A train from one unverified source is looked up once. */
		if (n > 0 && e->src[i] == e->src[idx[n - 1]]) {
			ref[n] = ref[n - 1];
		} else {
			ref[n] = (uint8_t)nk;
			e->keys[nk++] = e->src[i];
		}
		idx[n++] = (uint8_t)i;
	}
	if (likely(n == 0))
		return;
	map_fdb_lookup_bulk(lc->map, e->keys, nk, &e->hits, e->vals);
	for (unsigned j = 0; j < n; j++)
		encap_learn(lc, port, e, idx[j], (e->hits >> ref[j]) & 1, e->vals[ref[j]]);
}

/* Remove the 802.1Q tag (of a frame that has one): the VLAN is local to
 * this access port, the VNI is the segment's identity on the wire. */
static inline void
encap_untag(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	dp_move_macs(p + 4, p);
	rte_pktmbuf_adj(m, 4);
}

/* What the outer header of every frame of a run is made from: the VTEP's
 * 50-byte IPv4 template with the segment's VNI written in, and its
 * checksum base, loaded once per run. Every store into a frame is a byte store that may,
 * for the compiler, alias the template: read through the template's
 * pointer they would be reloaded for every frame (6 loads); as values
 * (registers, on x86 three vector registers) they are not. */
struct encap_tmpl {
#if defined(RTE_ARCH_X86)
	__m128i h0, h1, h2; /* bytes 0..47 */
	uint16_t h3;        /* bytes 48..49 */
#else
	uint8_t hdr[DP_VXLAN_HLEN_IPV4];
#endif
	uint32_t csum_base;
	bool offload; /* the template's port computes the outer IPv4 checksum */
};

static inline struct encap_tmpl
encap_tmpl_load(const struct map_seg *seg, const struct map_vtep_tmpl *t, bool offload)
{
	struct encap_tmpl x;

	/* IPv4 template (af == AF_INET); an IPv6 underlay adds its own patch
	 * function for the 70-byte template, the copy stays the same. */
	RTE_BUILD_BUG_ON(DP_VXLAN_HLEN_IPV4 != 50);
#if defined(RTE_ARCH_X86)
	x.h0 = _mm_loadu_si128((const __m128i *)t->hdr);
	x.h1 = _mm_loadu_si128((const __m128i *)(t->hdr + 16));
	x.h2 = _mm_loadu_si128((const __m128i *)(t->hdr + 32));
	/* The VNI word (bytes 46..49): its first half is h2's last 16-bit
	 * lane, its second half h3. Written here, once per run, not into
	 * every frame. */
	{
		uint16_t half[2];

		memcpy(half, &seg->vni_word, 4);
		x.h2 = _mm_insert_epi16(x.h2, half[0], 7);
		x.h3 = half[1];
	}
#else
	memcpy(x.hdr, t->hdr, DP_VXLAN_HLEN_IPV4);
	memcpy(x.hdr + 46, &seg->vni_word, 4);
#endif
	x.csum_base = t->ip_csum_base;
	x.offload = offload;
	return x;
}

/* Prepend and fill the outer header from @p x, set the tx offload flags.
 * @return 0, or -1 when the mbuf lacks headroom (left as it was). */
static inline int
encap_hdr(const struct encap_tmpl *x, struct rte_mbuf *m, rte_be16_t sport)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const bool offload = x->offload;
	uint8_t *h;

	/* rte_pktmbuf_prepend() without its NULL result, which the compiler
	 * tests again after the headroom check: a branch a frame. */
	if (unlikely(m->data_off < DP_VXLAN_HLEN_IPV4))
		return -1;
	m->data_off = (uint16_t)(m->data_off - DP_VXLAN_HLEN_IPV4);
	m->data_len = (uint16_t)(m->data_len + DP_VXLAN_HLEN_IPV4);
	m->pkt_len += DP_VXLAN_HLEN_IPV4;
	h = rte_pktmbuf_mtod(m, uint8_t *);
#if defined(RTE_ARCH_X86)
	_mm_storeu_si128((__m128i *)h, x->h0);
	_mm_storeu_si128((__m128i *)(h + 16), x->h1);
	_mm_storeu_si128((__m128i *)(h + 32), x->h2);
	memcpy(h + 48, &x->h3, 2);
#else
	memcpy(h, x->hdr, DP_VXLAN_HLEN_IPV4);
#endif
	dp_encap_patch_ipv4(h, len, x->csum_base, sport, !offload);
	if (offload) {
		/* The outer header is the only one the port must look at:
		 * a plain IPv4 packet as far as the checksum goes. */
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = 20;
		m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	} else {
		m->ol_flags = 0;
	}
	return 0;
}

void
dp_encap_one(struct dp_lcore *lc, const struct map_seg *seg, const struct map_vtep_tmpl *t,
             struct rte_mbuf *m, uint16_t sport)
{
	struct encap_run r = {
	        .seg = seg->idx, .vtep = t->vtep, .pkts = 1, .bytes = rte_pktmbuf_pkt_len(m)};
	const struct encap_tmpl x = encap_tmpl_load(seg, t, lc->port[t->port].tx_ip_cksum);

	if (unlikely(encap_hdr(&x, m, sport) < 0)) {
		dp_drop(lc, m, DP_DROP_NO_MBUF);
		return;
	}
	encap_run_flush(lc, r);
	dp_tx_enqueue(lc, t->port, m);
}

/* Pass 3 for a frame with a remote destination (its header from @p x: a
 * resolved VTEP), queued through @p txc (the underlay: every template
 * sends there). @p inner_max is the longest inner frame the underlay's MTU
 * carries. @return 1 if sent, its inner length added to @p bytes. */
static inline unsigned
encap_unicast(struct dp_lcore *lc, const struct map_seg *seg, struct rte_mbuf *m, bool tagged,
              uint32_t h, const struct encap_tmpl *x, uint32_t inner_max, uint64_t *bytes,
              struct dp_txc *txc)
{
	uint32_t len;

	if (unlikely(tagged))
		encap_untag(m);
	len = rte_pktmbuf_pkt_len(m);
	if (unlikely(len > inner_max)) {
		dp_drop(lc, m, DP_DROP_ENCAP_MTU);
		DP_STAT_ADD(lc->seg_stats[seg->idx].drops, 1);
		return 0;
	}
	if (unlikely(encap_hdr(x, m, dp_udp_sport(h)) < 0)) {
		dp_drop(lc, m, DP_DROP_NO_MBUF);
		return 0;
	}
	*bytes += len;
	dp_txc_put_uncounted(txc, m);
	return 1;
}

/* Pass 3 for a frame whose destination is not a remote VTEP. */
static VTEP_NOINLINE void
encap_other(struct dp_lcore *lc, const struct map_seg *seg, struct rte_mbuf *m, bool tagged,
            uint32_t h, bool hit, uint64_t v)
{
	/* Group MACs are never in the FDB (neither learned nor accepted
	 * from config or managers), so they miss and flood. */
	if (hit && map_fdb_val_type(v) == MAP_FDB_LOCAL) {
		dp_drop(lc, m, DP_DROP_ACC_LOCAL_DST);
		return;
	}
	if (tagged)
		encap_untag(m);
	dp_flood(lc, seg, m, h);
}

/* Pass 3: forward the frames of @p e, one run of frames with the same
 * destination key at a time: the answer, the VTEP and the counters are
 * dealt with once per run, the frames of a run only get their header.
 * (bench/micro, 1,024 flows to one destination: 3 cycles a frame less
 * than deciding per frame; when every frame has another destination
 * than the one before, runs of one, about 2 more.) @return the frames
 * encapsulated. */
static VTEP_NOINLINE unsigned
encap_forward(struct dp_lcore *lc, const struct encap_ctx *e)
{
	struct encap_run run = {.seg = MAP_SEG_NONE, .vtep = MAP_VTEP_NONE};
	const struct map_vtep_tmpl *t = NULL;
	uint16_t t_idx = MAP_VTEP_NONE;
	bool t_ok = false, t_offload = false;
	/* Loaded once: stores to the mbufs could alias them for the compiler. */
	const uint32_t inner_max = lc->ul_ip_mtu > 36 ? lc->ul_ip_mtu - 36u : 0;
	struct dp_txc txc;
	unsigned nb_out = 0, i;

	dp_txc_open(lc, &txc, lc->ul_port, e->nb);
	for (unsigned k = 0; k < e->nb_keys; k++) {
		const unsigned end = e->first[k + 1];
		const struct map_seg *seg = e->seg[e->first[k]]; /* in the key */
		uint64_t v = e->vals[k];
		bool hit = (e->hits >> k) & 1;

		if (likely(hit) && likely(map_fdb_val_type(v) == MAP_FDB_REMOTE)) {
			/* Consecutive runs mostly go to one VTEP. */
			if (unlikely(map_fdb_val_vtep(v) != t_idx)) {
				t_idx = map_fdb_val_vtep(v);
				t = map_vtep_tmpl(lc->map, t_idx);
				t_ok = t != NULL && t->resolved;
				t_offload = t_ok && lc->port[t->port].tx_ip_cksum;
			}
			if (likely(t_ok)) {
				const struct encap_tmpl x = encap_tmpl_load(seg, t, t_offload);
				uint64_t bytes = 0;
				unsigned sent = 0;

				for (i = e->first[k]; i < end; i++)
					sent += encap_unicast(lc, seg, e->m[i], e->tagged[i],
					                      e->hash[i], &x, inner_max, &bytes,
					                      &txc);
				/* The tx cursor's bytes, once for the run. */
				txc.bytes += bytes + (uint64_t)sent * DP_VXLAN_HLEN_IPV4;
				encap_run_add(lc, &run, seg->idx, t->vtep, sent, bytes);
				nb_out += sent;
			} else {
				for (i = e->first[k]; i < end; i++)
					dp_drop(lc, e->m[i], DP_DROP_NEIGH_UNRESOLVED);
				DP_STAT_ADD(lc->seg_stats[seg->idx].drops, end - e->first[k]);
			}
		} else {
			/* The flood path queues on the underlay itself. */
			dp_txc_close(&txc);
			for (i = e->first[k]; i < end; i++)
				encap_other(lc, seg, e->m[i], e->tagged[i], e->hash[i], hit, v);
			dp_txc_open(lc, &txc, lc->ul_port, e->nb - e->first[k]);
		}
	}
	dp_txc_close(&txc);
	encap_run_flush(lc, run);
	return nb_out;
}

uint64_t
dp_access_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t nb)
{
	struct encap_pass1 st = {.n = 0, .nk = 0, .last_vid = ENCAP_NO_VID, .last_seg = NULL};
	struct encap_ctx e;
	uint64_t rx_bytes = 0;
	unsigned nb_out;
	uint16_t i;

	for (i = 0; i < nb && i < DP_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < nb; i++) {
		if (i + DP_PREFETCH < nb)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH], void *));
		rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
		encap_classify(lc, port, pkts[i], &e, &st);
	}
	e.nb = (uint16_t)st.n;
	e.nb_keys = (uint16_t)st.nk;
	if (e.nb == 0)
		return rx_bytes;
	e.first[e.nb_keys] = (uint8_t)e.nb;
	encap_dst_lookup(lc, &e);
	nb_out = encap_forward(lc, &e);
	DP_STAT_ADD(lc->stats.encap_pkts, nb_out);
	encap_learn_burst(lc, port, &e);
	return rx_bytes;
}
