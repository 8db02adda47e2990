/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_pkt.c - the dataplane's pure packet functions on crafted frames:
 * underlay classification (every drop reason, and the fast path agreeing
 * with the exhaustive one), the encapsulation patch (every field), the
 * entropy source port, ARP and ICMP echo replies (exact bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dataplane/pkt.h"
#include "frames.h"

static struct dp_ul_ctx ctx;

static int
setup(void **state)
{
	static const uint8_t mac[6] = T_OUR_MAC;

	(void)state;
	dp_ul_ctx_init(&ctx, (const struct rte_ether_addr *)mac, rte_cpu_to_be_32(T_OUR_IP),
	               rte_cpu_to_be_32(T_OUR_IP), rte_cpu_to_be_16(T_VXLAN_PORT));
	return 0;
}

static struct dp_ul_info
classify(const struct t_vxlan *v)
{
	uint8_t buf[2048];
	uint32_t len = t_vxlan_build(v, buf);
	struct dp_ul_info info;

	memset(&info, 0xee, sizeof(info));
	dp_ul_classify(buf, len, &ctx, false, &info);
	return info;
}

static void
test_valid(void **state)
{
	struct t_vxlan v = t_vxlan_default();
	struct dp_ul_info i;

	(void)state;
	i = classify(&v);
	assert_int_equal(i.kind, DP_UL_VXLAN);
	assert_int_equal(i.vni, 5001);
	assert_int_equal(i.l3_off, 14);
	assert_int_equal(i.inner_off, 50);
	assert_int_equal(i.inner_len, 64);
	assert_int_equal(i.src_ip, rte_cpu_to_be_32(T_PEER_IP));

	v.vni = 16777215; /* the largest VNI */
	assert_int_equal(classify(&v).vni, 16777215);
	v.vni = 1;
	assert_int_equal(classify(&v).vni, 1);
}

static void
test_valid_slow_cases(void **state)
{
	struct t_vxlan v = t_vxlan_default();
	struct dp_ul_info i;

	(void)state;
	/* IP options: accepted, inner frame found after them. */
	v.ver_ihl = 0x46;
	v.opt_len = 4;
	i = classify(&v);
	assert_int_equal(i.kind, DP_UL_VXLAN);
	assert_int_equal(i.inner_off, 54);
	/* A right, non-zero UDP checksum is verified and accepted. */
	v = t_vxlan_default();
	v.udp_csum = T_CSUM_RIGHT;
	i = classify(&v);
	assert_int_equal(i.kind, DP_UL_VXLAN);
	assert_int_equal(i.inner_len, 64);
	/* Ethernet padding after a short IP packet is not part of the inner frame. */
	v = t_vxlan_default();
	v.inner_len = 14;
	v.pad = 20;
	i = classify(&v);
	assert_int_equal(i.kind, DP_UL_VXLAN);
	assert_int_equal(i.inner_len, 14);
	/* Addressed to the port address rather than the VTEP address. */
	ctx.port_ip = rte_cpu_to_be_32(T_IPV4(192, 0, 2, 9));
	v = t_vxlan_default();
	v.dst_ip = T_IPV4(192, 0, 2, 9);
	assert_int_equal(classify(&v).kind, DP_UL_VXLAN);
	ctx.port_ip = ctx.vtep_ip;
}

struct drop_case {
	const char *what;
	void (*mutate)(struct t_vxlan *v);
	uint32_t trunc; /* if non-zero, cut the frame to this length */
	int kind;
	int drop;
};

/* One mutation per line: a table, not functions to read. */
/* clang-format off */
static void m_none(struct t_vxlan *v) { (void)v; }
static void m_dst_mac(struct t_vxlan *v) { v->dst_mac[5] = 0x77; }
static void m_ipv6(struct t_vxlan *v) { v->ethertype = 0x86dd; }
static void m_vlan(struct t_vxlan *v) { v->ethertype = 0x8100; }
static void m_lldp(struct t_vxlan *v) { v->ethertype = 0x88cc; }
static void m_version(struct t_vxlan *v) { v->ver_ihl = 0x65; }
static void m_ihl(struct t_vxlan *v) { v->ver_ihl = 0x44; }
static void m_ip_csum(struct t_vxlan *v) { v->bad_ip_csum = 1; }
static void m_tot_big(struct t_vxlan *v) { v->tot_delta = 1; }
static void m_tot_small(struct t_vxlan *v) { v->tot_delta = -(8 + 8 + 64 - 4); }
static void m_mf(struct t_vxlan *v) { v->frag = 0x2000; }
static void m_offset(struct t_vxlan *v) { v->frag = 0x0010; }
static void m_ttl(struct t_vxlan *v) { v->ttl = 0; }
static void m_not_local(struct t_vxlan *v) { v->dst_ip = T_IPV4(192, 0, 2, 77); }
static void m_src_mcast(struct t_vxlan *v) { v->src_ip = T_IPV4(239, 1, 1, 1); }
static void m_src_own(struct t_vxlan *v) { v->src_ip = T_OUR_IP; }
static void m_src_zero(struct t_vxlan *v) { v->src_ip = 0; }
static void m_src_loop(struct t_vxlan *v) { v->src_ip = T_IPV4(127, 0, 0, 1); }
static void m_src_net0(struct t_vxlan *v) { v->src_ip = T_IPV4(0, 1, 2, 3); }
static void m_tcp(struct t_vxlan *v) { v->proto = 6; }
static void m_icmp(struct t_vxlan *v) { v->proto = 1; }
static void m_ulen_big(struct t_vxlan *v) { v->ulen_delta = 1; }
static void m_ulen_tiny(struct t_vxlan *v) { v->ulen_delta = -(8 + 64 + 1); }
static void m_dport(struct t_vxlan *v) { v->dport = 4790; }
static void m_udp_csum(struct t_vxlan *v) { v->udp_csum = 0x1234; }
static void m_no_i(struct t_vxlan *v) { v->vx_flags = 0x00; }
static void m_gbp(struct t_vxlan *v) { v->vx_flags = 0x88; }
static void m_res1(struct t_vxlan *v) { v->vx_res1[1] = 1; }
static void m_res2(struct t_vxlan *v) { v->vx_res2 = 1; }
static void m_inner_short(struct t_vxlan *v) { v->inner_len = 13; }
static void m_arp(struct t_vxlan *v) { v->ethertype = 0x0806; }
/* clang-format on */

static const struct drop_case drop_cases[] = {
        {"runt", m_none, 13, DP_UL_DROP, DP_DROP_UL_TRUNCATED},
        {"foreign destination MAC", m_dst_mac, 0, DP_UL_DROP, DP_DROP_UL_DST_MAC},
        {"IPv6 underlay", m_ipv6, 0, DP_UL_DROP, DP_DROP_UL_IPV6},
        {"802.1Q on the underlay", m_vlan, 0, DP_UL_DROP, DP_DROP_UL_ETHERTYPE},
        {"LLDP", m_lldp, 0, DP_UL_DROP, DP_DROP_UL_ETHERTYPE},
        {"IPv4 header cut", m_none, 14 + 12, DP_UL_DROP, DP_DROP_UL_TRUNCATED},
        {"IP version 6 in an IPv4 frame", m_version, 0, DP_UL_DROP, DP_DROP_IP_VERSION},
        {"IHL 4", m_ihl, 0, DP_UL_DROP, DP_DROP_IP_IHL},
        {"bad IPv4 checksum", m_ip_csum, 0, DP_UL_DROP, DP_DROP_IP_CHECKSUM},
        {"total length beyond the frame", m_tot_big, 0, DP_UL_DROP, DP_DROP_IP_LENGTH},
        {"frame cut after the IPv4 header", m_none, 14 + 20 + 4, DP_UL_DROP, DP_DROP_IP_LENGTH},
        {"more-fragments flag", m_mf, 0, DP_UL_DROP, DP_DROP_IP_FRAGMENT},
        {"fragment offset", m_offset, 0, DP_UL_DROP, DP_DROP_IP_FRAGMENT},
        {"TTL 0", m_ttl, 0, DP_UL_DROP, DP_DROP_IP_TTL},
        {"not our address", m_not_local, 0, DP_UL_DROP, DP_DROP_IP_NOT_LOCAL},
        {"multicast source", m_src_mcast, 0, DP_UL_DROP, DP_DROP_IP_SRC},
        {"our own source", m_src_own, 0, DP_UL_DROP, DP_DROP_IP_SRC},
        {"zero source", m_src_zero, 0, DP_UL_DROP, DP_DROP_IP_SRC},
        {"loopback source", m_src_loop, 0, DP_UL_DROP, DP_DROP_IP_SRC},
        {"\"this network\" source (0/8)", m_src_net0, 0, DP_UL_DROP, DP_DROP_IP_SRC},
        {"TCP to us", m_tcp, 0, DP_UL_DROP, DP_DROP_IP_PROTO},
        {"UDP length beyond IP payload", m_ulen_big, 0, DP_UL_DROP, DP_DROP_UDP_LENGTH},
        {"UDP length below 8", m_ulen_tiny, 0, DP_UL_DROP, DP_DROP_UDP_LENGTH},
        {"total length below UDP header", m_tot_small, 0, DP_UL_DROP, DP_DROP_UDP_LENGTH},
        {"wrong UDP port", m_dport, 0, DP_UL_DROP, DP_DROP_UDP_PORT},
        {"wrong UDP checksum", m_udp_csum, 0, DP_UL_DROP, DP_DROP_UDP_CHECKSUM},
        {"I flag clear", m_no_i, 0, DP_UL_DROP, DP_DROP_VXLAN_FLAGS},
        {"GBP flag set", m_gbp, 0, DP_UL_DROP, DP_DROP_VXLAN_FLAGS},
        {"reserved bits after flags", m_res1, 0, DP_UL_DROP, DP_DROP_VXLAN_RESERVED},
        {"reserved byte after VNI", m_res2, 0, DP_UL_DROP, DP_DROP_VXLAN_RESERVED},
        {"inner frame of 13 bytes", m_inner_short, 0, DP_UL_DROP, DP_DROP_INNER_TRUNCATED},
        {"ICMP to us", m_icmp, 0, DP_UL_ICMP, 0},
        {"ARP", m_arp, 0, DP_UL_ARP, 0},
};

static void
test_drop_reasons(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(drop_cases) / sizeof(drop_cases[0]); k++) {
		const struct drop_case *dc = &drop_cases[k];
		struct t_vxlan v = t_vxlan_default();
		uint8_t buf[2048];
		uint32_t len;
		struct dp_ul_info i;

		dc->mutate(&v);
		len = t_vxlan_build(&v, buf);
		if (dc->trunc != 0)
			len = dc->trunc;
		dp_ul_classify(buf, len, &ctx, false, &i);
		if (i.kind != dc->kind || (dc->kind == DP_UL_DROP && i.drop != dc->drop))
			fail_msg("%s: got kind %d drop %s, want kind %d drop %s", dc->what, i.kind,
			         i.kind == DP_UL_DROP ? dp_drop_name(i.drop) : "-", dc->kind,
			         dc->kind == DP_UL_DROP ? dp_drop_name((unsigned)dc->drop) : "-");
	}
}

static void
test_cksum_offload_trusted(void **state)
{
	struct t_vxlan v = t_vxlan_default();
	uint8_t buf[256];
	uint32_t len;
	struct dp_ul_info i;

	(void)state;
	v.bad_ip_csum = 1;
	len = t_vxlan_build(&v, buf);
	dp_ul_classify(buf, len, &ctx, true, &i); /* the NIC said the checksum is good */
	assert_int_equal(i.kind, DP_UL_VXLAN);
}

/* The fast path is an optimisation of the slow path: on random corruptions
 * of valid frames both must reach the same verdict. */
static void
test_fast_equals_slow(void **state)
{
	uint32_t seed = 12345;

	(void)state;
	for (int n = 0; n < 200000; n++) {
		struct t_vxlan v = t_vxlan_default();
		uint8_t buf[256];
		struct dp_ul_info a, b;
		uint32_t len;
		int flips;

		v.inner_len = (uint16_t)(14 + n % 100);
		len = t_vxlan_build(&v, buf);
		seed = seed * 1103515245 + 12345;
		flips = (int)(seed >> 28) % 3;
		for (int f = 0; f < flips; f++) {
			seed = seed * 1103515245 + 12345;
			buf[(seed >> 8) % 64] ^= (uint8_t)(1u << ((seed >> 4) & 7));
		}
		seed = seed * 1103515245 + 12345;
		if ((seed >> 20) % 8 == 0)
			len -= (seed >> 10) % 20;
		memset(&a, 0, sizeof(a));
		dp_ul_classify(buf, len, &ctx, false, &a);
		dp_ul_classify_slow(buf, len, &ctx, false, &b);
		assert_int_equal(a.kind, b.kind);
		/* Mid-burst, after a frame of the default peer was accepted:
		 * the same verdict, with or without the martian checks. */
		{
			struct dp_ul_info c;

			memset(&c, 0, sizeof(c));
			dp_ul_classify_from(buf, len, &ctx, false, rte_cpu_to_be_32(T_PEER_IP), &c);
			assert_int_equal(c.kind, b.kind);
			if (c.kind == DP_UL_DROP)
				assert_int_equal(c.drop, b.drop);
			if (c.kind == DP_UL_VXLAN)
				assert_int_equal(c.src_ip, b.src_ip);
		}
		if (a.kind == DP_UL_DROP)
			assert_int_equal(a.drop, b.drop);
		if (a.kind == DP_UL_VXLAN) {
			assert_int_equal(a.inner_off, b.inner_off);
			assert_int_equal(a.inner_len, b.inner_len);
			assert_int_equal(a.vni, b.vni);
			assert_int_equal(a.src_ip, b.src_ip);
		}
	}
}

/* A hand-built IPv4 template, as mapping/ builds it (its own unit tests
 * check that builder against this layout). */
static uint32_t
tmpl_ipv4(uint8_t *h)
{
	static const uint8_t dst[6] = T_PEER_MAC, src[6] = T_OUR_MAC;
	uint8_t *ip = h + 14;
	uint16_t zero = 0;

	memset(h, 0, 50);
	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	t_put16(h + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = 0x10;
	t_put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 17;
	t_put32(ip + 12, T_OUR_IP);
	t_put32(ip + 16, T_PEER_IP);
	t_put16(h + 36, T_VXLAN_PORT);
	h[42] = 0x08;
	(void)zero;
	/* Folded, as map_tmpl_build_ipv4() stores it. */
	return __rte_raw_cksum_reduce(__rte_raw_cksum(ip, 20, 0));
}

static void
test_encap_patch(void **state)
{
	uint8_t h[64];

	(void)state;
	for (uint32_t inner = 14; inner <= 9000; inner += 7) {
		uint32_t base = tmpl_ipv4(h);
		rte_be16_t sport = dp_udp_sport(inner * 2654435761u);
		uint8_t *ip = h + 14;

		h[46] = 0x12, h[47] = 0x34, h[48] = 0x56; /* the run's VNI, left alone */
		dp_encap_patch_ipv4(h, inner, base, sport, true);
		assert_int_equal((ip[2] << 8) | ip[3], inner + 36);
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff); /* checksum right */
		assert_memory_equal(h + 34, &sport, 2);
		assert_int_equal((h[38] << 8) | h[39], inner + 16);
		assert_int_equal(h[40] | h[41], 0); /* UDP checksum 0 (RFC 7348 for IPv4) */
		assert_int_equal(h[42], 0x08);
		assert_int_equal((h[46] << 16) | (h[47] << 8) | h[48], 0x123456);
		assert_int_equal(h[49], 0);
		assert_int_equal(ip[6], 0x40); /* DF */
		assert_int_equal(ip[8], 64);
	}
	/* Offload: the checksum field is left for the NIC (zero). */
	{
		uint32_t base = tmpl_ipv4(h);

		dp_encap_patch_ipv4(h, 100, base, 0, false);
		assert_int_equal(h[24] | h[25], 0);
	}
}

/* A tagged frame hashes as it will leave, untagged: for IPv4 (5-tuple and
 * not), ARP and anything else, with random headers. */
static void
test_flow_hash_tagged(void **state)
{
	static const uint16_t types[] = {0x0800, 0x0806, 0x86dd, 0x88cc};
	uint64_t x = 0x243f6a8885a308d3ull;

	(void)state;
	for (unsigned n = 0; n < 20000; n++) {
		uint8_t f[80], t[84];
		uint32_t len = 14 + (uint32_t)(n % 66);

		for (unsigned i = 0; i < sizeof(f); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			f[i] = (uint8_t)x;
		}
		f[12] = (uint8_t)(types[n % RTE_DIM(types)] >> 8);
		f[13] = (uint8_t)types[n % RTE_DIM(types)];
		if (n % 3 == 0)
			f[14] = 0x45;
		if (n % 5 == 0)
			f[23] = n % 2 ? IPPROTO_UDP : IPPROTO_TCP;
		if (n % 7 < 4)
			f[20] = 0x40, f[21] = 0; /* DF, not a fragment: the ports count */
		/* The same frame behind a tag. */
		memcpy(t, f, 12);
		t[12] = 0x81, t[13] = 0x00, t[14] = (uint8_t)(n >> 8 & 0x0f), t[15] = (uint8_t)n;
		memcpy(t + 16, f + 12, len - 12);
		assert_int_equal(dp_flow_hash_at(t, len + 4, 4), dp_flow_hash(f, len));
	}
}

static void
test_sport_spread(void **state)
{
	uint8_t f[64];
	uint32_t seen[16384 / 32] = {0};
	unsigned distinct = 0;

	(void)state;
	for (unsigned flow = 0; flow < 1024; flow++) {
		uint16_t port;

		t_inner(f, 60, 0);
		f[14] = 0x45;
		f[23] = 17;
		f[20] = f[21] = 0;
		t_put32(f + 26, T_IPV4(10, 0, (flow >> 8) & 0xff, flow & 0xff));
		t_put32(f + 30, T_IPV4(10, 1, 0, 1));
		t_put16(f + 34, (uint16_t)(1024 + flow));
		t_put16(f + 36, 80);
		port = rte_be_to_cpu_16(dp_udp_sport(dp_flow_hash(f, 60)));
		assert_true(port >= 49152);
		/* Same flow, same port (one ECMP path per flow). */
		assert_int_equal(port, rte_be_to_cpu_16(dp_udp_sport(dp_flow_hash(f, 60))));
		if (!(seen[(port - 49152) / 32] & (1u << (port % 32)))) {
			seen[(port - 49152) / 32] |= 1u << (port % 32);
			distinct++;
		}
	}
	/* 1024 flows into 16384 ports: a good hash collides about 31 times. */
	assert_true(distinct > 950);
	/* Flows that differ only in L4 ports differ in source port too. */
	t_inner(f, 60, 0);
	f[14] = 0x45;
	f[23] = 6;
	f[20] = f[21] = 0;
	{
		uint32_t h1 = dp_flow_hash(f, 60);

		f[35] ^= 1;
		assert_int_not_equal(h1, dp_flow_hash(f, 60));
	}
}

static void
arp_frame(uint8_t *p, uint16_t op, uint32_t sip, uint32_t tip)
{
	static const uint8_t peer[6] = T_PEER_MAC;

	memset(p, 0, 60);
	memset(p, 0xff, 6);
	memcpy(p + 6, peer, 6);
	t_put16(p + 12, 0x0806);
	t_put16(p + 14, 1);
	t_put16(p + 16, 0x0800);
	p[18] = 6;
	p[19] = 4;
	t_put16(p + 20, op);
	memcpy(p + 22, peer, 6);
	t_put32(p + 28, sip);
	t_put32(p + 38, tip);
}

static void
test_arp(void **state)
{
	static const uint8_t peer[6] = T_PEER_MAC, ours[6] = T_OUR_MAC;
	rte_be32_t targets[2] = {rte_cpu_to_be_32(T_OUR_IP),
	                         rte_cpu_to_be_32(T_IPV4(192, 0, 2, 5))};
	struct rte_ether_addr smac;
	rte_be32_t sip;
	uint8_t p[64], want[64];

	(void)state;
	/* Request for us -> the reply, byte for byte. */
	arp_frame(p, 1, T_PEER_IP, T_OUR_IP);
	assert_int_equal(dp_arp_reply_make(p, 60, &ctx.mac, targets, 2, &sip, &smac), 0);
	memset(want, 0, 60);
	memcpy(want, peer, 6);
	memcpy(want + 6, ours, 6);
	t_put16(want + 12, 0x0806);
	t_put16(want + 14, 1);
	t_put16(want + 16, 0x0800);
	want[18] = 6;
	want[19] = 4;
	t_put16(want + 20, 2);
	memcpy(want + 22, ours, 6);
	t_put32(want + 28, T_OUR_IP);
	memcpy(want + 32, peer, 6);
	t_put32(want + 38, T_PEER_IP);
	assert_memory_equal(p, want, 60);
	assert_int_equal(sip, rte_cpu_to_be_32(T_PEER_IP));
	assert_memory_equal(&smac, peer, 6);
	/* For the second address too. */
	arp_frame(p, 1, T_PEER_IP, T_IPV4(192, 0, 2, 5));
	assert_int_equal(dp_arp_reply_make(p, 60, &ctx.mac, targets, 2, &sip, &smac), 0);
	/* Someone else's address. */
	arp_frame(p, 1, T_PEER_IP, T_IPV4(192, 0, 2, 99));
	assert_int_equal(dp_arp_reply_make(p, 60, &ctx.mac, targets, 2, &sip, &smac),
	                 DP_DROP_ARP_NOT_FOR_US);
	/* A reply to us: learn, send nothing. */
	arp_frame(p, 2, T_PEER_IP, T_OUR_IP);
	assert_int_equal(dp_arp_reply_make(p, 60, &ctx.mac, targets, 2, &sip, &smac), -1);
	/* Gratuitous ARP: learn. */
	arp_frame(p, 1, T_PEER_IP, T_PEER_IP);
	assert_int_equal(dp_arp_reply_make(p, 60, &ctx.mac, targets, 2, &sip, &smac), -1);
	/* Malformed: hardware length, opcode, truncation, multicast sender. */
	arp_frame(p, 1, T_PEER_IP, T_OUR_IP);
	p[18] = 8;
	assert_int_equal(dp_arp_reply_make(p, 60, &ctx.mac, targets, 2, &sip, &smac),
	                 DP_DROP_ARP_MALFORMED);
	arp_frame(p, 9, T_PEER_IP, T_OUR_IP);
	assert_int_equal(dp_arp_reply_make(p, 60, &ctx.mac, targets, 2, &sip, &smac),
	                 DP_DROP_ARP_MALFORMED);
	arp_frame(p, 1, T_PEER_IP, T_OUR_IP);
	assert_int_equal(dp_arp_reply_make(p, 30, &ctx.mac, targets, 2, &sip, &smac),
	                 DP_DROP_ARP_MALFORMED);
	arp_frame(p, 1, T_PEER_IP, T_OUR_IP);
	p[22] = 0x01;
	assert_int_equal(dp_arp_reply_make(p, 60, &ctx.mac, targets, 2, &sip, &smac),
	                 DP_DROP_ARP_MALFORMED);
}

static void
test_arp_request(void **state)
{
	static const uint8_t ours[6] = T_OUR_MAC;
	uint8_t p[64], want[64];

	(void)state;
	assert_int_equal(dp_arp_request_build(p, &ctx.mac, rte_cpu_to_be_32(T_OUR_IP),
	                                      rte_cpu_to_be_32(T_PEER_IP)),
	                 60);
	memset(want, 0, 60);
	memset(want, 0xff, 6);
	memcpy(want + 6, ours, 6);
	t_put16(want + 12, 0x0806);
	t_put16(want + 14, 1);
	t_put16(want + 16, 0x0800);
	want[18] = 6;
	want[19] = 4;
	t_put16(want + 20, 1);
	memcpy(want + 22, ours, 6);
	t_put32(want + 28, T_OUR_IP);
	t_put32(want + 38, T_PEER_IP);
	assert_memory_equal(p, want, 60);
}

static uint32_t
echo_frame(uint8_t *p, uint8_t type, uint16_t payload)
{
	static const uint8_t peer[6] = T_PEER_MAC, ours[6] = T_OUR_MAC;
	uint8_t *ip = p + 14, *icmp = ip + 20;
	uint16_t c;

	memcpy(p, ours, 6);
	memcpy(p + 6, peer, 6);
	t_put16(p + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	t_put16(ip + 2, (uint16_t)(20 + 8 + payload));
	ip[8] = 61;
	ip[9] = 1;
	t_put32(ip + 12, T_PEER_IP);
	t_put32(ip + 16, T_OUR_IP);
	c = (uint16_t)~rte_raw_cksum(ip, 20);
	memcpy(ip + 10, &c, 2);
	icmp[0] = type;
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	t_put16(icmp + 4, 0x77);
	t_put16(icmp + 6, 3);
	for (uint16_t i = 0; i < payload; i++)
		icmp[8 + i] = (uint8_t)i;
	c = (uint16_t)~rte_raw_cksum(icmp, 8u + payload);
	memcpy(icmp + 2, &c, 2);
	return 14u + 20 + 8 + payload;
}

static void
test_icmp_echo(void **state)
{
	static const uint8_t peer[6] = T_PEER_MAC, ours[6] = T_OUR_MAC;
	uint8_t p[2048], orig[2048];
	uint32_t len;

	(void)state;
	for (uint16_t payload = 0; payload < 1400; payload += 97) {
		len = echo_frame(p, 8, payload);
		memcpy(orig, p, len);
		assert_int_equal(dp_icmp_echo_reply_make(p, len, 14, 64), 0);
		assert_memory_equal(p, peer, 6);
		assert_memory_equal(p + 6, ours, 6);
		assert_memory_equal(p + 14 + 12, orig + 14 + 16, 4); /* addresses swapped */
		assert_memory_equal(p + 14 + 16, orig + 14 + 12, 4);
		assert_int_equal(p[14 + 8], 64);
		assert_int_equal(rte_raw_cksum(p + 14, 20), 0xffff);
		assert_int_equal(p[34], 0); /* echo reply */
		assert_int_equal(rte_raw_cksum(p + 34, 8u + payload), 0xffff);
		assert_memory_equal(p + 34 + 4, orig + 34 + 4, 4u + payload); /* id, seq, data */
	}
	len = echo_frame(p, 13, 20);
	assert_int_equal(dp_icmp_echo_reply_make(p, len, 14, 64), DP_DROP_ICMP_UNHANDLED);
	len = echo_frame(p, 8, 20);
	p[40] ^= 0xff;
	assert_int_equal(dp_icmp_echo_reply_make(p, len, 14, 64), DP_DROP_ICMP_MALFORMED);
	len = echo_frame(p, 8, 20);
	t_put16(p + 16, 20 + 4); /* shorter than an ICMP header */
	assert_int_equal(dp_icmp_echo_reply_make(p, len, 14, 64), DP_DROP_ICMP_MALFORMED);
}

static void
test_drop_names(void **state)
{
	(void)state;
	assert_string_equal(dp_drop_name(DP_DROP_IP_CHECKSUM), "drop_ip_checksum");
	assert_string_equal(dp_drop_name(DP_DROP_VXLAN_UNKNOWN_VNI), "drop_vxlan_unknown_vni");
	assert_string_equal(dp_drop_name(DP_DROP_MAX), "drop_unknown");
	for (unsigned d = 0; d < DP_DROP_MAX; d++) {
		assert_true(strncmp(dp_drop_name(d), "drop_", 5) == 0);
		assert_true(strlen(dp_drop_desc(d)) > 10);
	}
}

/* The 20-byte fast path agrees with the generic checksum, right or wrong. */
static void
test_ipv4_cksum20(void **state)
{
	uint8_t ip[20];
	uint64_t x = 88172645463325252ull;

	(void)state;
	for (unsigned n = 0; n < 100000; n++) {
		uint16_t c;

		for (unsigned i = 0; i < 20; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			ip[i] = (uint8_t)x;
		}
		ip[10] = ip[11] = 0;
		c = (uint16_t)~rte_raw_cksum(ip, 20);
		memcpy(ip + 10, &c, 2);
		assert_true(dp_ipv4_cksum20_ok(ip));
		ip[x % 20] ^= (uint8_t)(1u << (x >> 8) % 8);
		assert_int_equal(dp_ipv4_cksum20_ok(ip), rte_raw_cksum(ip, 20) == 0xffff);
	}
	/* The edges of "a non-zero multiple of 0xffff": all zeros sums to 0
	 * (folded 0: wrong), all ones to 10 x 0xffff (folded 0xffff: right),
	 * and a header whose words sum to exactly 0xffff. */
	memset(ip, 0, sizeof(ip));
	assert_false(dp_ipv4_cksum20_ok(ip));
	memset(ip, 0xff, sizeof(ip));
	assert_true(dp_ipv4_cksum20_ok(ip));
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	memset(ip, 0, sizeof(ip));
	ip[0] = 0xff, ip[1] = 0xff;
	assert_true(dp_ipv4_cksum20_ok(ip));
	ip[19] = 1;
	assert_false(dp_ipv4_cksum20_ok(ip));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_valid),
	        cmocka_unit_test(test_valid_slow_cases),
	        cmocka_unit_test(test_drop_reasons),
	        cmocka_unit_test(test_cksum_offload_trusted),
	        cmocka_unit_test(test_fast_equals_slow),
	        cmocka_unit_test(test_encap_patch),
	        cmocka_unit_test(test_sport_spread),
	        cmocka_unit_test(test_arp),
	        cmocka_unit_test(test_arp_request),
	        cmocka_unit_test(test_icmp_echo),
	        cmocka_unit_test(test_drop_names),
	        cmocka_unit_test(test_ipv4_cksum20),
	        cmocka_unit_test(test_flow_hash_tagged),
	};

	return cmocka_run_group_tests_name("dataplane packet functions", tests, setup, NULL);
}
