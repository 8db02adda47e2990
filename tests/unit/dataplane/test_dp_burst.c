/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_burst.c - frames through a real dataplane (dp_fixture.h): what
 * dp_mempool_info() reports, and that every path - delivered, flooded,
 * dropped - gives its mbufs back to the pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_cycles.h>

#include "dp_fixture.h"
#include "frames.h"

static struct dp_fixture fx;

static struct rte_mbuf *
mbuf_of(const uint8_t *p, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(fx.dp->pool);
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(d);
	memcpy(d, p, len);
	return m;
}

static void
rx_one(uint16_t port, const uint8_t *p, uint32_t len, struct dp_counters *before,
       struct dp_counters *after)
{
	struct rte_mbuf *m = mbuf_of(p, len);

	dp_counters_read(fx.dp, before);
	dp_fixture_rx(&fx, port, &m, 1);
	dp_counters_read(fx.dp, after);
	assert_int_equal(dp_fixture_in_use(&fx), fx.base_in_use);
}

static void
test_mempool_info(void **state)
{
	struct dp_mempool_info mi;
	struct rte_mbuf *m[5];

	(void)state;
	dp_mempool_info(fx.dp, &mi);
	assert_int_equal(mi.size, 1024);
	assert_int_equal(mi.in_use + mi.available, mi.size);
	assert_int_equal(mi.in_use, fx.base_in_use);
	assert_non_null(strstr(mi.name, "mbufs"));
	assert_int_equal(rte_pktmbuf_alloc_bulk(fx.dp->pool, m, 5), 0);
	dp_mempool_info(fx.dp, &mi);
	assert_int_equal(mi.in_use, fx.base_in_use + 5);
	assert_int_equal(mi.in_use + mi.available, mi.size);
	rte_pktmbuf_free_bulk(m, 5);
	assert_int_equal(dp_fixture_in_use(&fx), fx.base_in_use);
}

/* An mbuf with a VXLAN packet (the default one of frames.h) of VNI @p vni
 * around an inner frame of @p inner_len bytes, whose source MAC is a
 * group address when @p group_src. @p len receives the packet's length. */
static struct rte_mbuf *
vxlan_mbuf(uint32_t vni, uint16_t inner_len, bool group_src, uint32_t *len)
{
	struct t_vxlan v = t_vxlan_default();
	uint8_t buf[2048];

	v.vni = vni;
	v.inner_len = inner_len;
	*len = t_vxlan_build(&v, buf);
	if (group_src)
		buf[50 + 6] |= 0x01;
	return mbuf_of(buf, *len);
}

/* Receive @p m[0..nb) on the underlay and send what it queues: @p decap
 * frames delivered, @p drops dropped, all of them for @p reason, no mbuf
 * left behind. (Between the receive and the send, @p check, if not NULL,
 * sees the queued frames.) */
static void
decap_expect(struct rte_mbuf **m, uint16_t nb, void (*check)(void), uint64_t decap,
             enum dp_drop reason, uint64_t drops)
{
	struct dp_counters a, c;

	dp_counters_read(fx.dp, &c);
	dp_fixture_input(&fx, DPF_PORT_UNDERLAY, m, nb);
	if (check != NULL)
		check();
	dp_fixture_flush(&fx);
	dp_counters_read(fx.dp, &a);
	assert_int_equal(a.decap_pkts - c.decap_pkts, decap);
	assert_int_equal(a.drops[reason] - c.drops[reason], drops);
	assert_int_equal(dp_counters_drops(&a) - dp_counters_drops(&c), drops);
	assert_int_equal(dp_fixture_in_use(&fx), fx.base_in_use);
}

/* The frames queued on the access port: one per entry of @p want_vlan, in
 * order, each a 64-byte inner IPv4 frame with that tag (0: untagged).
 * @return their bytes. */
static uint64_t
check_access_tags(const uint16_t *want_vlan, unsigned nb)
{
	const struct dp_txb *b = &fx.lc->tx[DPF_PORT_ACCESS];
	uint64_t bytes = 0;

	assert_int_equal(b->nb, nb);
	for (unsigned i = 0; i < b->nb; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(b->pkts[i], const uint8_t *);
		uint32_t len = rte_pktmbuf_pkt_len(b->pkts[i]);

		if (want_vlan[i] == 0) {
			assert_int_equal(len, 64);
			assert_int_equal(p[12] << 8 | p[13], 0x0800);
		} else {
			assert_int_equal(len, 68);
			assert_int_equal(p[12] << 8 | p[13], 0x8100);
			assert_int_equal((p[14] << 8 | p[15]) & 0xfff, want_vlan[i]);
			assert_int_equal(p[16] << 8 | p[17], 0x0800);
		}
		bytes += len;
	}
	return bytes;
}

static void
test_decap_delivered(void **state)
{
	struct t_vxlan v = t_vxlan_default();
	struct dp_counters a, b;
	uint8_t buf[256];
	uint32_t len;

	(void)state;
	len = t_vxlan_build(&v, buf);
	rx_one(DPF_PORT_UNDERLAY, buf, len, &b, &a);
	assert_int_equal(a.decap_pkts - b.decap_pkts, 1);
	assert_int_equal(a.port_tx_pkts[DPF_PORT_ACCESS] - b.port_tx_pkts[DPF_PORT_ACCESS], 1);
	assert_int_equal(dp_counters_drops(&a), dp_counters_drops(&b));
}

static void
test_decap_dropped_once(void **state)
{
	struct t_vxlan v = t_vxlan_default();
	struct dp_counters a, b;
	uint8_t buf[256];
	uint32_t len;

	(void)state;
	v.vx_flags = 0x00;
	len = t_vxlan_build(&v, buf);
	rx_one(DPF_PORT_UNDERLAY, buf, len, &b, &a);
	assert_int_equal(a.drops[DP_DROP_VXLAN_FLAGS] - b.drops[DP_DROP_VXLAN_FLAGS], 1);
	assert_int_equal(dp_counters_drops(&a) - dp_counters_drops(&b), 1);
	assert_int_equal(a.port_tx_pkts[DPF_PORT_ACCESS], b.port_tx_pkts[DPF_PORT_ACCESS]);
}

/* Delivery takes the frames one run of equal segments at a time: runs
 * into a tagged segment, an untagged one, back, one frame too long for
 * the access port (dropped) and a third segment leave in order, each with
 * its segment's tag, and the counters per segment and in the tx buffer
 * add up. */
static void
test_decap_runs(void **state)
{
	static const uint32_t vni[] = {5001, 5001, 5002, 5002, 5001, 5001, 5004};
	static const uint16_t inner[] = {64, 64, 64, 64, 64, 1516, 64}; /* 1,520 tagged */
	/* VLAN of each frame that leaves (0: untagged). */
	static const uint16_t want_vlan[] = {100, 100, 0, 0, 100, 400};
	const struct dp_txb *b = &fx.lc->tx[DPF_PORT_ACCESS];
	uint16_t s1 = map_vni_seg(fx.map, 5001), s2 = map_vni_seg(fx.map, 5002);
	uint16_t s4 = map_vni_seg(fx.map, 5004);
	struct dp_seg_counters s1b, s1a, s2b, s2a, s4b, s4a;
	struct rte_mbuf *m[RTE_DIM(vni)];
	struct dp_counters a, c;
	uint64_t bytes = 0, rx_bytes = 0;

	(void)state;
	for (unsigned i = 0; i < RTE_DIM(vni); i++) {
		uint32_t len;

		m[i] = vxlan_mbuf(vni[i], inner[i], false, &len);
		rx_bytes += len;
	}
	dp_counters_read(fx.dp, &c);
	dp_seg_counters_read(fx.dp, s1, &s1b);
	dp_seg_counters_read(fx.dp, s2, &s2b);
	dp_seg_counters_read(fx.dp, s4, &s4b);
	/* Received: every frame, the dropped one too. */
	assert_int_equal(dp_fixture_input(&fx, DPF_PORT_UNDERLAY, m, RTE_DIM(vni)), rx_bytes);
	bytes = check_access_tags(want_vlan, RTE_DIM(want_vlan));
	assert_int_equal(b->bytes, bytes);
	dp_fixture_flush(&fx);
	dp_counters_read(fx.dp, &a);
	dp_seg_counters_read(fx.dp, s1, &s1a);
	dp_seg_counters_read(fx.dp, s2, &s2a);
	dp_seg_counters_read(fx.dp, s4, &s4a);
	assert_int_equal(a.decap_pkts - c.decap_pkts, 6);
	assert_int_equal(a.drops[DP_DROP_DECAP_MTU] - c.drops[DP_DROP_DECAP_MTU], 1);
	assert_int_equal(a.port_tx_bytes[DPF_PORT_ACCESS] - c.port_tx_bytes[DPF_PORT_ACCESS],
	                 bytes);
	assert_int_equal(s1a.decap_pkts - s1b.decap_pkts, 3);
	assert_int_equal(s1a.decap_bytes - s1b.decap_bytes, 3 * 68);
	assert_int_equal(s1a.drops - s1b.drops, 1);
	assert_int_equal(s2a.decap_pkts - s2b.decap_pkts, 2);
	assert_int_equal(s2a.decap_bytes - s2b.decap_bytes, 2 * 64);
	assert_int_equal(s4a.decap_pkts - s4b.decap_pkts, 1);
	assert_int_equal(s4a.decap_bytes - s4b.decap_bytes, 68);
	assert_int_equal(dp_fixture_in_use(&fx), fx.base_in_use);
}

/* The port's checksum verdict is trusted only from a port that checks
 * checksums: a packet with a wrong outer checksum flagged good is
 * delivered from such a port, and dropped as ip_checksum from one that
 * does not (a software port's flags are not read at all). */
static void
test_decap_cksum_flags(void **state)
{
	struct t_vxlan v = t_vxlan_default();
	struct dp_port_fast *pf = &fx.lc->port[DPF_PORT_UNDERLAY];
	const bool saved = pf->rx_ip_cksum;
	struct dp_counters a, c;
	struct rte_mbuf *m;
	uint8_t buf[256];
	uint32_t len;

	(void)state;
	v.bad_ip_csum = 1;
	len = t_vxlan_build(&v, buf);
	for (int checks = 1; checks >= 0; checks--) {
		pf->rx_ip_cksum = checks;
		m = mbuf_of(buf, len);
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
		dp_counters_read(fx.dp, &c);
		dp_fixture_rx(&fx, DPF_PORT_UNDERLAY, &m, 1);
		dp_counters_read(fx.dp, &a);
		assert_int_equal(a.decap_pkts - c.decap_pkts, checks ? 1 : 0);
		assert_int_equal(a.drops[DP_DROP_IP_CHECKSUM] - c.drops[DP_DROP_IP_CHECKSUM],
		                 checks ? 0 : 1);
	}
	pf->rx_ip_cksum = saved;
	assert_int_equal(dp_fixture_in_use(&fx), fx.base_in_use);
}

/* A VXLAN packet whose mbuf has a second segment (trailing bytes a port
 * delivered in another buffer): the inner frame is in the first, the rest
 * is trimmed, and what leaves is exactly the tagged inner frame. (The
 * single-segment fast path sets the lengths without checks; this is the
 * other path.) */
static void
test_decap_two_segments(void **state)
{
	struct t_vxlan v = t_vxlan_default();
	const struct dp_txb *b = &fx.lc->tx[DPF_PORT_ACCESS];
	struct rte_mbuf *m, *tail;
	struct dp_counters a, c;
	uint8_t buf[256], *p;
	uint32_t len;

	(void)state;
	len = t_vxlan_build(&v, buf);
	m = mbuf_of(buf, len);
	tail = rte_pktmbuf_alloc(fx.dp->pool);
	assert_non_null(tail);
	p = (uint8_t *)rte_pktmbuf_append(tail, 20);
	assert_non_null(p);
	memset(p, 0xab, 20);
	assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
	assert_int_equal(rte_pktmbuf_pkt_len(m), len + 20);
	dp_counters_read(fx.dp, &c);
	dp_fixture_input(&fx, DPF_PORT_UNDERLAY, &m, 1);
	assert_int_equal(b->nb, 1);
	/* Segment 5001 is tagged (VLAN 100): the inner frame plus the tag. */
	assert_int_equal(rte_pktmbuf_pkt_len(b->pkts[0]), v.inner_len + 4);
	p = rte_pktmbuf_mtod(b->pkts[0], uint8_t *);
	assert_int_equal(p[12] << 8 | p[13], 0x8100);
	assert_int_equal((p[14] << 8 | p[15]) & 0xfff, 100);
	assert_memory_equal(p, buf + 50, 12);
	assert_memory_equal(p + 16, buf + 50 + 12, v.inner_len - 12);
	dp_fixture_flush(&fx);
	dp_counters_read(fx.dp, &a);
	assert_int_equal(a.decap_pkts - c.decap_pkts, 1);
	assert_int_equal(dp_counters_drops(&a), dp_counters_drops(&c));
	assert_int_equal(dp_fixture_in_use(&fx), fx.base_in_use);
}

/* Pass 1 opens a delivery run where the VNI changes, before it knows the
 * frame survives: a frame of another segment dropped in pass 1 leaves an
 * empty run, and a run with the previous run's segment. Delivery is the
 * same: in order, each frame with its segment's tag, counted once. */
static void
check_runs_with_drops(void)
{
	static const uint16_t want_vlan[] = {100, 100, 0, 0};

	check_access_tags(want_vlan, RTE_DIM(want_vlan));
}

static void
test_decap_runs_with_drops(void **state)
{
	static const uint32_t vni[] = {5001, 5002, 5001, 5002, 5002};
	static const bool bad[] = {false, true, false, false, false}; /* group inner source */
	struct rte_mbuf *m[RTE_DIM(vni)];
	uint32_t len;

	(void)state;
	for (unsigned i = 0; i < RTE_DIM(vni); i++)
		m[i] = vxlan_mbuf(vni[i], 64, bad[i], &len);
	decap_expect(m, RTE_DIM(vni), check_runs_with_drops, 4, DP_DROP_INNER_SRC_GROUP, 1);
}

/* The classifier skips the martian checks for a sender it accepted
 * earlier in the burst (dp_ul_classify_from()); senders that are not that
 * one still get them: in one burst, martian sources between frames of a
 * good sender are each dropped as ip_src, and the good frames delivered. */
static void
test_decap_martian_mid_burst(void **state)
{
	static const uint32_t src[] = {
	        T_PEER_IP, T_IPV4(224, 0, 0, 5), T_PEER_IP, T_IPV4(0, 1, 2, 3),
	        T_OUR_IP,  T_IPV4(127, 0, 0, 1), T_PEER_IP, T_IPV4(240, 0, 0, 1),
	        T_PEER_IP};
	struct rte_mbuf *m[RTE_DIM(src)];
	uint8_t buf[256];

	(void)state;
	for (unsigned i = 0; i < RTE_DIM(src); i++) {
		struct t_vxlan v = t_vxlan_default();

		v.src_ip = src[i];
		m[i] = mbuf_of(buf, t_vxlan_build(&v, buf));
	}
	decap_expect(m, RTE_DIM(src), NULL, 4, DP_DROP_IP_SRC, 5);
}

/* A 64-byte frame from 02:aa:00:00:00:05 on VLAN 100 to @p dst. */
static void
rx_access(const uint8_t dst[6], struct dp_counters *before, struct dp_counters *after)
{
	uint8_t f[64] = {[6] = 0x02, 0xaa, 0, 0, 0, 0x05, 0x81, 0x00, 0x00, 100, 0x08, 0x00};

	memcpy(f, dst, 6);
	rx_one(DPF_PORT_ACCESS, f, sizeof(f), before, after);
}

static void
test_access_flooded(void **state)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct dp_counters a, b;

	(void)state;
	/* One copy per flood VTEP of VNI 5001 (192.0.2.2, .3). */
	rx_access(bcast, &b, &a);
	assert_int_equal(a.flood_pkts - b.flood_pkts, 1);
	assert_int_equal(a.flood_copies - b.flood_copies, 2);
	assert_int_equal(a.port_tx_pkts[DPF_PORT_UNDERLAY] - b.port_tx_pkts[DPF_PORT_UNDERLAY], 2);
}

/* Learn events for source @p src after one frame from it on VLAN 100. */
static unsigned
learn_events(const uint8_t src[6])
{
	static const uint8_t dst[6] = {0x02, 0xbb, 0, 0, 0, 0x01}; /* behind 192.0.2.2 */
	uint8_t f[64] = {[12] = 0x81, 0x00, 0x00, 100, 0x08, 0x00};
	struct rte_mbuf *m;
	struct dp_event ev[64];
	unsigned n, nb = 0;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	m = mbuf_of(f, sizeof(f));
	dp_fixture_input(&fx, DPF_PORT_ACCESS, &m, 1);
	while ((n = dp_events_drain(fx.dp, ev, RTE_DIM(ev))) != 0)
		for (unsigned i = 0; i < n; i++)
			nb += ev[i].type == DP_EV_LEARN && memcmp(ev[i].mac, src, 6) == 0;
	dp_fixture_flush(&fx);
	return nb;
}

/* A source the FDB has where its frames come from is checked once and
 * then vouched for by the learn filter: no event, no lookup. When the
 * control thread deletes the entry the filter cannot see it, but the
 * map's forget generation moves: the next frame is learned again at once,
 * not a hold time (250 ms) later. */
static void
test_learn_after_delete(void **state)
{
	static const uint8_t src[6] = {0x02, 0xaa, 0, 0, 0, 0x77};
	struct map_dest here = {.type = MAP_FDB_LOCAL, .port = DPF_PORT_ACCESS, .vlan = 100};
	uint16_t seg = map_vni_seg(fx.map, 5001);

	(void)state;
	assert_int_equal(map_fdb_learn(fx.map, seg, src, &here, map_now_s(fx.map, rte_rdtsc())),
	                 MAP_LEARN_ADDED);
	assert_int_equal(learn_events(src), 0); /* checked: fresh, recorded */
	assert_int_equal(learn_events(src), 0); /* vouched for */
	assert_int_equal(map_fdb_del(fx.map, seg, src, -1, -1), 0);
	assert_int_equal(learn_events(src), 1); /* learned again */
	/* Put back (as the control thread would): trusted again once checked. */
	assert_int_equal(map_fdb_learn(fx.map, seg, src, &here, map_now_s(fx.map, rte_rdtsc())),
	                 MAP_LEARN_ADDED);
	rte_delay_us_block(7000); /* past the learn filter's tick of the forget */
	assert_int_equal(learn_events(src), 0);
	assert_int_equal(learn_events(src), 0);
	assert_int_equal(map_fdb_del(fx.map, seg, src, -1, -1), 0);
}

/* One frame from 02:aa:00:00:00:05 on VLAN 100 to @p dst: how many
 * packets it left on the underlay, and the outer destination of the first. */
static unsigned
encap_to(const uint8_t dst[6], rte_be32_t *outer_dst)
{
	uint8_t f[64] = {[6] = 0x02, 0xaa, 0, 0, 0, 0x05, 0x81, 0x00, 0x00, 100, 0x08, 0x00};
	const struct dp_txb *b = &fx.lc->tx[DPF_PORT_UNDERLAY];
	struct rte_mbuf *m;
	unsigned n;

	memcpy(f, dst, 6);
	m = mbuf_of(f, sizeof(f));
	dp_fixture_input(&fx, DPF_PORT_ACCESS, &m, 1);
	n = b->nb;
	*outer_dst = 0;
	if (n > 0)
		memcpy(outer_dst, rte_pktmbuf_mtod_offset(b->pkts[0], const uint8_t *, 30), 4);
	dp_fixture_flush(&fx);
	return n;
}

/* The lcore's destination cache answers for a destination it has seen,
 * and follows the control thread: a move (set by a manager or learned)
 * goes to the new VTEP and a delete floods from the next frame on (the
 * forget generation empties the cache), a MAC added again is found again. */
static void
test_dest_cache_follows_fdb(void **state)
{
	static const uint8_t x[6] = {0x02, 0xbb, 0, 0, 0, 0x42};
	const rte_be32_t r1 = rte_cpu_to_be_32(T_IPV4(192, 0, 2, 2));
	const rte_be32_t r2 = rte_cpu_to_be_32(T_IPV4(192, 0, 2, 3));
	struct map_dest to_r1 = {.type = MAP_FDB_REMOTE, .vtep_ip = r1};
	struct map_dest to_r2 = {.type = MAP_FDB_REMOTE, .vtep_ip = r2};
	uint16_t seg = map_vni_seg(fx.map, 5001);
	uint64_t key = map_fdb_key(seg, x), v;
	rte_be32_t ip;

	(void)state;
	assert_int_equal(map_fdb_set(fx.map, seg, x, &to_r1, MAP_SRC_STATIC, 0), 0);
	assert_int_equal(encap_to(x, &ip), 1);
	assert_int_equal(ip, r1);
	assert_true(dp_dc_lookup(fx.lc, key, &v)); /* cached */
	assert_int_equal(encap_to(x, &ip), 1);
	assert_int_equal(ip, r1);
	/* Moved (a manager's event, a learned move): the next frame follows. */
	assert_int_equal(map_fdb_set(fx.map, seg, x, &to_r2, MAP_SRC_STATIC, 0), 0);
	assert_int_equal(encap_to(x, &ip), 1);
	assert_int_equal(ip, r2);
	/* Deleted: flooded to both flood VTEPs of VNI 5001. */
	assert_int_equal(map_fdb_del(fx.map, seg, x, -1, -1), 0);
	assert_int_equal(encap_to(x, &ip), 2);
	assert_false(dp_dc_lookup(fx.lc, key, &v));
	/* Back: unicast again. */
	assert_int_equal(map_fdb_set(fx.map, seg, x, &to_r1, MAP_SRC_STATIC, 0), 0);
	assert_int_equal(encap_to(x, &ip), 1);
	assert_int_equal(ip, r1);
	assert_int_equal(map_fdb_del(fx.map, seg, x, -1, -1), 0);
	/* Learned from r1's traffic, then from r2's (a VM moved and its
	 * first frames came from the new host): the next frame follows. */
	assert_int_equal(map_fdb_learn(fx.map, seg, x, &to_r1, map_now_s(fx.map, rte_rdtsc())),
	                 MAP_LEARN_ADDED);
	assert_int_equal(encap_to(x, &ip), 1);
	assert_int_equal(ip, r1);
	assert_int_equal(map_fdb_learn(fx.map, seg, x, &to_r2, map_now_s(fx.map, rte_rdtsc())),
	                 MAP_LEARN_MOVED);
	assert_int_equal(encap_to(x, &ip), 1);
	assert_int_equal(ip, r2);
	assert_int_equal(map_fdb_del(fx.map, seg, x, -1, -1), 0);
}

/* The UDP source port of the first packet one frame to @p dst (with the
 * port's RSS hash @p rss) left on the underlay. */
static rte_be16_t
encap_sport(const uint8_t dst[6], uint32_t rss)
{
	uint8_t f[64] = {[6] = 0x02, 0xaa, 0, 0, 0, 0x05, 0x81, 0x00, 0x00, 100, 0x08, 0x00};
	const struct dp_txb *b = &fx.lc->tx[DPF_PORT_UNDERLAY];
	struct rte_mbuf *m;
	rte_be16_t sport = 0;

	memcpy(f, dst, 6);
	m = mbuf_of(f, sizeof(f));
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	m->hash.rss = rss;
	dp_fixture_input(&fx, DPF_PORT_ACCESS, &m, 1);
	assert_true(b->nb > 0);
	memcpy(&sport, rte_pktmbuf_mtod_offset(b->pkts[0], const uint8_t *, 34), 2);
	dp_fixture_flush(&fx);
	return sport;
}

/* One flow, one source port: a frame flooded while its destination is
 * unknown leaves with the port the same flow's frames take once it is
 * known - the port's RSS hash in both cases. */
static void
test_flood_sport_is_unicast_sport(void **state)
{
	static const uint8_t x[6] = {0x02, 0xbb, 0, 0, 0, 0x43};
	struct map_dest to_r1 = {.type = MAP_FDB_REMOTE,
	                         .vtep_ip = rte_cpu_to_be_32(T_IPV4(192, 0, 2, 2))};
	uint16_t seg = map_vni_seg(fx.map, 5001);
	const uint32_t rss = 0x12345678;

	(void)state;
	assert_int_equal(encap_sport(x, rss), dp_udp_sport(rss)); /* flooded */
	assert_int_equal(map_fdb_set(fx.map, seg, x, &to_r1, MAP_SRC_STATIC, 0), 0);
	assert_int_equal(encap_sport(x, rss), dp_udp_sport(rss)); /* unicast */
	assert_int_equal(map_fdb_del(fx.map, seg, x, -1, -1), 0);
}

/* A frame from 02:aa:00:00:00:05 on VLAN @p vlan to @p dst. */
static struct rte_mbuf *
access_frame_on(const uint8_t dst[6], uint16_t vlan)
{
	uint8_t f[64] = {[6] = 0x02, 0xaa, 0, 0, 0, 0x05, 0x81, 0x00, 0x00, 0x00, 0x08, 0x00};

	memcpy(f, dst, 6);
	f[14] = (uint8_t)(vlan >> 8);
	f[15] = (uint8_t)vlan;
	return mbuf_of(f, sizeof(f));
}

/* The same on VLAN 100 (VNI 5001). */
static struct rte_mbuf *
access_frame(const uint8_t dst[6])
{
	return access_frame_on(dst, 100);
}

/* Pass 3 of encap takes the frames one run of equal destinations at a
 * time: runs to two VTEPs, a run of broadcasts and of an unknown MAC
 * (flooded), one to an unresolved VTEP (dropped) and a run back to the
 * first VTEP leave in the order they came, each packet to its VTEP, and
 * every counter - unicast and per VTEP, the tx buffer's bytes - adds up. */
static void
test_encap_runs(void **state)
{
	static const uint8_t x1[6] = {0x02, 0xbb, 0, 0, 0, 0x01}; /* static, behind r1 */
	static const uint8_t x2[6] = {0x02, 0xbb, 0, 0, 0, 0x44};
	static const uint8_t dead[6] = {0x02, 0xbb, 0, 0, 0, 0x02}; /* behind 192.0.2.9 */
	static const uint8_t unknown[6] = {0x02, 0xbb, 0, 0, 0, 0x45};
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const rte_be32_t r1 = rte_cpu_to_be_32(T_IPV4(192, 0, 2, 2));
	const rte_be32_t r2 = rte_cpu_to_be_32(T_IPV4(192, 0, 2, 3));
	struct map_dest to_r2 = {.type = MAP_FDB_REMOTE, .vtep_ip = r2};
	const uint8_t *dsts[] = {x1, x1, x2, x2, x2, bcast, unknown, unknown, dead, x1};
	/* Outer destinations expected on the underlay, in order: a flooded
	 * frame leaves once per flood VTEP of VNI 5001 (r1, r2). */
	const rte_be32_t want[] = {r1, r1, r2, r2, r2, r1, r2, r1, r2, r1, r2, r1};
	const struct dp_txb *b = &fx.lc->tx[DPF_PORT_UNDERLAY];
	uint16_t seg = map_vni_seg(fx.map, 5001);
	int v1 = map_vtep_find(fx.map, r1), v2 = map_vtep_find(fx.map, r2);
	struct dp_vtep_counters v1b, v1a, v2b, v2a;
	struct rte_mbuf *m[RTE_DIM(dsts)];
	struct dp_counters a, c;
	uint64_t bytes = 0;

	(void)state;
	assert_true(v1 >= 0 && v2 >= 0);
	assert_int_equal(map_fdb_set(fx.map, seg, x2, &to_r2, MAP_SRC_STATIC, 0), 0);
	for (unsigned i = 0; i < RTE_DIM(dsts); i++)
		m[i] = access_frame(dsts[i]);
	dp_counters_read(fx.dp, &c);
	dp_vtep_counters_read(fx.dp, (uint16_t)v1, &v1b);
	dp_vtep_counters_read(fx.dp, (uint16_t)v2, &v2b);
	/* Received: every frame, the dropped one too. */
	assert_int_equal(dp_fixture_input(&fx, DPF_PORT_ACCESS, m, RTE_DIM(dsts)),
	                 64 * RTE_DIM(dsts));
	assert_int_equal(b->nb, RTE_DIM(want));
	for (unsigned i = 0; i < b->nb; i++) {
		rte_be32_t ip;

		memcpy(&ip, rte_pktmbuf_mtod_offset(b->pkts[i], const uint8_t *, 30), 4);
		assert_int_equal(ip, want[i]);
		/* 64-byte frames without their tag, in 50 bytes of headers. */
		assert_int_equal(rte_pktmbuf_pkt_len(b->pkts[i]), 60 + 50);
		bytes += rte_pktmbuf_pkt_len(b->pkts[i]);
	}
	assert_int_equal(b->bytes, bytes);
	dp_fixture_flush(&fx);
	dp_counters_read(fx.dp, &a);
	dp_vtep_counters_read(fx.dp, (uint16_t)v1, &v1a);
	dp_vtep_counters_read(fx.dp, (uint16_t)v2, &v2a);
	assert_int_equal(a.encap_pkts - c.encap_pkts, 6);
	assert_int_equal(a.flood_pkts - c.flood_pkts, 3);
	assert_int_equal(a.flood_copies - c.flood_copies, 6);
	assert_int_equal(a.drops[DP_DROP_NEIGH_UNRESOLVED] - c.drops[DP_DROP_NEIGH_UNRESOLVED], 1);
	assert_int_equal(a.port_tx_pkts[DPF_PORT_UNDERLAY] - c.port_tx_pkts[DPF_PORT_UNDERLAY],
	                 RTE_DIM(want));
	assert_int_equal(a.port_tx_bytes[DPF_PORT_UNDERLAY] - c.port_tx_bytes[DPF_PORT_UNDERLAY],
	                 bytes);
	/* Unicast and flood copies alike count for the VTEP they went to. */
	assert_int_equal(v1a.tx_pkts - v1b.tx_pkts, 3 + 3);
	assert_int_equal(v2a.tx_pkts - v2b.tx_pkts, 3 + 3);
	assert_int_equal(v1a.tx_bytes - v1b.tx_bytes, 6 * 110);
	assert_int_equal(v2a.tx_bytes - v2b.tx_bytes, 6 * 110);
	assert_int_equal(dp_fixture_in_use(&fx), fx.base_in_use);
	assert_int_equal(map_fdb_del(fx.map, seg, x2, -1, -1), 0);
}

/* The VNI is written into a run's header template once per run: frames of
 * two segments (VLAN 100 -> VNI 5001, VLAN 300 -> VNI 5003) to one VTEP,
 * alternating in runs of one and two, each leave with their own VNI, the
 * VXLAN flags and reserved bytes intact. */
static void
test_encap_vni_per_run(void **state)
{
	static const uint8_t x1[6] = {0x02, 0xbb, 0, 0, 0, 0x01}; /* static in 5001, behind r1 */
	static const uint8_t x3[6] = {0x02, 0xbb, 0, 0, 0, 0x46};
	static const uint16_t vlan[] = {100, 300, 300, 100, 300, 100, 100, 300};
	const rte_be32_t r1 = rte_cpu_to_be_32(T_IPV4(192, 0, 2, 2));
	struct map_dest to_r1 = {.type = MAP_FDB_REMOTE, .vtep_ip = r1};
	const struct dp_txb *b = &fx.lc->tx[DPF_PORT_UNDERLAY];
	uint16_t seg3 = map_vni_seg(fx.map, 5003);
	struct rte_mbuf *m[RTE_DIM(vlan)];

	(void)state;
	assert_int_equal(map_fdb_set(fx.map, seg3, x3, &to_r1, MAP_SRC_STATIC, 0), 0);
	for (unsigned i = 0; i < RTE_DIM(vlan); i++)
		m[i] = access_frame_on(vlan[i] == 100 ? x1 : x3, vlan[i]);
	dp_fixture_input(&fx, DPF_PORT_ACCESS, m, RTE_DIM(vlan));
	assert_int_equal(b->nb, RTE_DIM(vlan));
	for (unsigned i = 0; i < b->nb; i++) {
		const uint8_t *h = rte_pktmbuf_mtod(b->pkts[i], const uint8_t *);
		rte_be32_t ip;

		memcpy(&ip, h + 30, 4);
		assert_int_equal(ip, r1);
		assert_int_equal(h[42], 0x08); /* I flag */
		assert_int_equal(h[43] | h[44] | h[45] | h[49], 0);
		assert_int_equal(h[46] << 16 | h[47] << 8 | h[48], vlan[i] == 100 ? 5001 : 5003);
		/* The inner frame follows, untagged, to its own MAC. */
		assert_memory_equal(h + 50, vlan[i] == 100 ? x1 : x3, 6);
	}
	dp_fixture_flush(&fx);
	assert_int_equal(dp_fixture_in_use(&fx), fx.base_in_use);
	assert_int_equal(map_fdb_del(fx.map, seg3, x3, -1, -1), 0);
}

static void
test_access_unresolved(void **state)
{
	static const uint8_t behind_dead[6] = {0x02, 0xbb, 0, 0, 0, 0x02};
	struct dp_counters a, b;

	(void)state;
	/* The static MAC behind 192.0.2.9, whose ARP never resolves. */
	rx_access(behind_dead, &b, &a);
	assert_int_equal(a.drops[DP_DROP_NEIGH_UNRESOLVED] - b.drops[DP_DROP_NEIGH_UNRESOLVED], 1);
	assert_int_equal(a.port_tx_pkts[DPF_PORT_UNDERLAY], b.port_tx_pkts[DPF_PORT_UNDERLAY]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_mempool_info),
	        cmocka_unit_test(test_decap_delivered),
	        cmocka_unit_test(test_decap_dropped_once),
	        cmocka_unit_test(test_decap_runs),
	        cmocka_unit_test(test_decap_runs_with_drops),
	        cmocka_unit_test(test_decap_martian_mid_burst),
	        cmocka_unit_test(test_decap_two_segments),
	        cmocka_unit_test(test_decap_cksum_flags),
	        cmocka_unit_test(test_access_flooded),
	        cmocka_unit_test(test_access_unresolved),
	        cmocka_unit_test(test_encap_runs),
	        cmocka_unit_test(test_encap_vni_per_run),
	        cmocka_unit_test(test_learn_after_delete),
	        cmocka_unit_test(test_dest_cache_follows_fdb),
	        cmocka_unit_test(test_flood_sport_is_unicast_sport),
	};
	int r;

	if (dp_fixture_init(&fx, "test_dp_burst") < 0 || dp_fixture_fill(&fx) < 0)
		return 1;
	r = cmocka_run_group_tests_name("dp_burst", tests, NULL, NULL);
	dp_fixture_fini(&fx);
	return r;
}
