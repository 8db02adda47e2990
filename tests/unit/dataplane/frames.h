/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frames.h - crafting test frames byte by byte: an outer VXLAN packet with
 * every field settable, so each test changes exactly the field it is about.
 */
#ifndef VTEP_TEST_FRAMES_H
#define VTEP_TEST_FRAMES_H

#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

/* DPDK 22.11's RTE_IPV4() shifts an int left by 24: UBSan objects. */
#define T_IPV4(a, b, c, d)                                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#define T_OUR_MAC                                                                                  \
	{                                                                                          \
		0x02, 0x00, 0x00, 0x00, 0x01, 0x01                                                 \
	}
#define T_PEER_MAC                                                                                 \
	{                                                                                          \
		0x02, 0x00, 0x00, 0x00, 0x01, 0x02                                                 \
	}
#define T_OUR_IP     T_IPV4(192, 0, 2, 1)
#define T_PEER_IP    T_IPV4(192, 0, 2, 2)
#define T_VXLAN_PORT 4789

struct t_vxlan {
	uint8_t dst_mac[6], src_mac[6];
	uint16_t ethertype;
	uint8_t ver_ihl;
	uint8_t opt_len; /* bytes of IP options (ver_ihl must agree) */
	uint16_t frag;   /* flags + offset, host order */
	uint8_t ttl, proto;
	uint32_t src_ip, dst_ip; /* host order */
	int tot_delta;           /* added to the right IPv4 total length */
	uint16_t sport, dport;
	int ulen_delta;    /* added to the right UDP length */
	uint16_t udp_csum; /* 0, or T_CSUM_RIGHT, or a literal value */
	uint8_t vx_flags, vx_res1[3], vx_res2;
	uint32_t vni;
	uint16_t inner_len; /* inner frame bytes */
	uint16_t pad;       /* Ethernet padding after the IP packet */
	int bad_ip_csum;
};

#define T_CSUM_RIGHT 0xfffe

static inline struct t_vxlan
t_vxlan_default(void)
{
	struct t_vxlan v = {
	        .dst_mac = T_OUR_MAC,
	        .src_mac = T_PEER_MAC,
	        .ethertype = 0x0800,
	        .ver_ihl = 0x45,
	        .ttl = 64,
	        .proto = 17,
	        .src_ip = T_PEER_IP,
	        .dst_ip = T_OUR_IP,
	        .sport = 50000,
	        .dport = T_VXLAN_PORT,
	        .vx_flags = 0x08,
	        .vni = 5001,
	        .inner_len = 64,
	};
	return v;
}

static inline void
t_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
t_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Inner frame: 02:aa:..:01 <- 02:bb:..:02, IPv4 UDP, deterministic payload. */
static inline void
t_inner(uint8_t *p, uint16_t len, uint8_t seed)
{
	static const uint8_t dst[6] = {0x02, 0xaa, 0, 0, 0, 0x01};
	static const uint8_t src[6] = {0x02, 0xbb, 0, 0, 0, 0x02};

	for (uint16_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed);
	if (len >= 14) {
		memcpy(p, dst, 6);
		memcpy(p + 6, src, 6);
		p[12] = 0x08;
		p[13] = 0x00;
	}
}

/* Build the frame into @p buf; @return its length. */
static inline uint32_t
t_vxlan_build(const struct t_vxlan *v, uint8_t *buf)
{
	uint8_t *ip = buf + 14, *udp, *vx;
	uint32_t hlen = 20 + v->opt_len;
	uint16_t ulen = (uint16_t)(8 + 8 + v->inner_len);
	uint16_t tot = (uint16_t)(hlen + ulen);

	memcpy(buf, v->dst_mac, 6);
	memcpy(buf + 6, v->src_mac, 6);
	t_put16(buf + 12, v->ethertype);
	memset(ip, 0, hlen);
	ip[0] = v->ver_ihl;
	t_put16(ip + 2, (uint16_t)(tot + v->tot_delta));
	t_put16(ip + 4, 0x1234);
	t_put16(ip + 6, v->frag);
	ip[8] = v->ttl;
	ip[9] = v->proto;
	t_put32(ip + 12, v->src_ip);
	t_put32(ip + 16, v->dst_ip);
	for (uint32_t i = 20; i < hlen; i++)
		ip[i] = 1; /* NOP options */
	udp = ip + hlen;
	t_put16(udp, v->sport);
	t_put16(udp + 2, v->dport);
	t_put16(udp + 4, (uint16_t)(ulen + v->ulen_delta));
	t_put16(udp + 6, 0);
	vx = udp + 8;
	vx[0] = v->vx_flags;
	memcpy(vx + 1, v->vx_res1, 3);
	t_put32(vx + 4, v->vni << 8 | v->vx_res2);
	t_inner(vx + 8, v->inner_len, 0);
	{
		uint16_t c = (uint16_t)~rte_raw_cksum(ip, hlen);

		if (v->bad_ip_csum)
			c ^= 0x5a5a;
		memcpy(ip + 10, &c, 2);
	}
	if (v->udp_csum == T_CSUM_RIGHT) {
		uint32_t sum = __rte_raw_cksum(ip + 12, 8, 0);
		uint16_t pl[2] = {rte_cpu_to_be_16(17), rte_cpu_to_be_16(ulen)};
		uint16_t c;

		sum = __rte_raw_cksum(pl, 4, sum);
		sum = __rte_raw_cksum(udp, ulen, sum);
		c = (uint16_t)~__rte_raw_cksum_reduce(sum);
		if (c == 0)
			c = 0xffff;
		memcpy(udp + 6, &c, 2);
	} else if (v->udp_csum != 0) {
		t_put16(udp + 6, v->udp_csum);
	}
	memset(buf + 14 + tot, 0, v->pad);
	return 14u + tot + v->pad;
}

#endif /* VTEP_TEST_FRAMES_H */
