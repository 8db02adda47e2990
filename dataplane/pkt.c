/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt.c - the slow half of underlay classification, ARP and ICMP (see pkt.h).
 *
 * dp_ul_classify_slow() checks in the order a receiving host would, so that
 * every bad frame is counted under the first thing wrong with it, and each
 * malformed frame increments exactly one drop reason.
 */
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_udp.h>

#include "pkt.h"

static void
ul_drop(struct dp_ul_info *out, enum dp_drop reason)
{
	out->kind = DP_UL_DROP;
	out->drop = (uint8_t)reason;
}

/* UDP checksum over the pseudo header and @p ulen bytes of datagram. */
static bool
udp_cksum_ok(const uint8_t *ip, const uint8_t *udp, uint16_t ulen)
{
	uint32_t sum = 0;
	uint16_t proto_len[2] = {rte_cpu_to_be_16(IPPROTO_UDP), rte_cpu_to_be_16(ulen)};

	sum += __rte_raw_cksum(ip + 12, 8, 0); /* source + destination */
	sum += __rte_raw_cksum(proto_len, 4, 0);
	sum += __rte_raw_cksum(udp, ulen, 0);
	return dp_csum_fold(sum) == 0xffff;
}

/* Outer Ethernet: who is it for and what does it carry. @return true to go on with IPv4. */
static bool
ul_check_ether(const uint8_t *p, uint32_t len, const struct dp_ul_ctx *c, struct dp_ul_info *out)
{
	uint16_t et;

	if (len < RTE_ETHER_HDR_LEN) {
		ul_drop(out, DP_DROP_UL_TRUNCATED);
		return false;
	}
	if (!rte_is_same_ether_addr((const void *)p, &c->mac) &&
	    !rte_is_broadcast_ether_addr((const void *)p)) {
		ul_drop(out, DP_DROP_UL_DST_MAC);
		return false;
	}
	memcpy(&et, p + 12, 2);
	if (et == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		out->kind = DP_UL_ARP;
		out->l3_off = RTE_ETHER_HDR_LEN;
		return false;
	}
	if (et == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		ul_drop(out, DP_DROP_UL_IPV6);
		return false;
	}
	if (et != RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		ul_drop(out, DP_DROP_UL_ETHERTYPE);
		return false;
	}
	return true;
}

/* Outer IPv4 header. @return the header length, or 0 (out says why). */
static uint32_t
ul_check_ipv4(const uint8_t *ip, uint32_t l3_len, const struct dp_ul_ctx *c, bool cksum_good,
              struct dp_ul_info *out)
{
	uint32_t hlen, tot;
	uint16_t tot_be, frag;
	rte_be32_t src, dst;

	if (l3_len < 20) {
		ul_drop(out, DP_DROP_UL_TRUNCATED);
		return 0;
	}
	if ((ip[0] >> 4) != 4) {
		ul_drop(out, DP_DROP_IP_VERSION);
		return 0;
	}
	hlen = (uint32_t)(ip[0] & 0xf) * 4;
	if (hlen < 20) {
		ul_drop(out, DP_DROP_IP_IHL);
		return 0;
	}
	if (l3_len < hlen) {
		ul_drop(out, DP_DROP_UL_TRUNCATED);
		return 0;
	}
	if (!cksum_good && rte_raw_cksum(ip, hlen) != 0xffff) {
		ul_drop(out, DP_DROP_IP_CHECKSUM);
		return 0;
	}
	memcpy(&tot_be, ip + 2, 2);
	tot = rte_be_to_cpu_16(tot_be);
	if (tot < hlen || tot > l3_len) {
		ul_drop(out, DP_DROP_IP_LENGTH);
		return 0;
	}
	memcpy(&frag, ip + 6, 2);
	if ((frag & RTE_BE16(0x3fff)) != 0) {
		ul_drop(out, DP_DROP_IP_FRAGMENT);
		return 0;
	}
	if (ip[8] == 0) {
		ul_drop(out, DP_DROP_IP_TTL);
		return 0;
	}
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	if (dst != c->vtep_ip && dst != c->port_ip) {
		ul_drop(out, DP_DROP_IP_NOT_LOCAL);
		return 0;
	}
	if (dp_ul_src_martian(src, c)) {
		ul_drop(out, DP_DROP_IP_SRC);
		return 0;
	}
	out->src_ip = src;
	return hlen;
}

/* UDP + VXLAN after a valid IPv4 header of @p hlen bytes, @p payload bytes after it. */
static void
ul_check_vxlan(const uint8_t *ip, uint32_t hlen, uint32_t payload, const struct dp_ul_ctx *c,
               struct dp_ul_info *out)
{
	const uint8_t *udp = ip + hlen;
	const uint8_t *vx = udp + 8;
	uint16_t ulen, dport, ucsum;

	if (payload < 8) {
		ul_drop(out, DP_DROP_UDP_LENGTH);
		return;
	}
	memcpy(&ulen, udp + 4, 2);
	memcpy(&dport, udp + 2, 2);
	memcpy(&ucsum, udp + 6, 2);
	ulen = rte_be_to_cpu_16(ulen);
	if (ulen < 8 || ulen > payload) {
		ul_drop(out, DP_DROP_UDP_LENGTH);
		return;
	}
	if (dport != c->udp_port) {
		ul_drop(out, DP_DROP_UDP_PORT);
		return;
	}
	if (ulen < 8 + 8) {
		ul_drop(out, DP_DROP_UL_TRUNCATED);
		return;
	}
	if (ucsum != 0 && !udp_cksum_ok(ip, udp, ulen)) {
		ul_drop(out, DP_DROP_UDP_CHECKSUM);
		return;
	}
	if (vx[0] != 0x08) { /* I flag, and nothing we do not implement (GBP, GPE) */
		ul_drop(out, DP_DROP_VXLAN_FLAGS);
		return;
	}
	if ((vx[1] | vx[2] | vx[3] | vx[7]) != 0) {
		ul_drop(out, DP_DROP_VXLAN_RESERVED);
		return;
	}
	if (ulen < 8 + 8 + RTE_ETHER_HDR_LEN) {
		ul_drop(out, DP_DROP_INNER_TRUNCATED);
		return;
	}
	out->kind = DP_UL_VXLAN;
	out->inner_off = (uint16_t)(RTE_ETHER_HDR_LEN + hlen + 16);
	out->inner_len = (uint16_t)(ulen - 16);
	out->vni = ((uint32_t)vx[4] << 16) | ((uint32_t)vx[5] << 8) | vx[6];
}

void
dp_ul_ctx_init(struct dp_ul_ctx *c, const struct rte_ether_addr *mac, rte_be32_t vtep_ip,
               rte_be32_t port_ip, rte_be16_t udp_port)
{
	static const uint8_t vx_flags[4] = {0x08, 0, 0, 0};
	uint8_t *w = c->fast_want, *m = c->fast_mask;

	memset(c, 0, sizeof(*c));
	c->mac = *mac;
	c->vtep_ip = vtep_ip;
	c->port_ip = port_ip;
	c->udp_port = udp_port;
	memcpy(w, mac, 6); /* destination: us */
	memset(m, 0xff, 6);
	w[12] = 0x08; /* IPv4 */
	m[12] = m[13] = 0xff;
	w[14] = 0x45; /* version 4, no options */
	m[14] = 0xff;
	m[20] = 0x3f; /* no fragment: offset and MF clear (DF may be set) */
	m[21] = 0xff;
	w[23] = IPPROTO_UDP;
	m[23] = 0xff;
	memcpy(w + 30, &vtep_ip, 4); /* to our VTEP address */
	memset(m + 30, 0xff, 4);
	memcpy(w + 36, &udp_port, 2); /* UDP destination port */
	memset(m + 36, 0xff, 2);
	memset(m + 40, 0xff, 2);     /* UDP checksum 0 (else the slow path checks it) */
	memcpy(w + 42, vx_flags, 4); /* VXLAN: I flag only, reserved 0 */
	memset(m + 42, 0xff, 4);
	m[49] = 0xff; /* last reserved byte */
}

void
dp_ul_classify_slow(const uint8_t *p, uint32_t len, const struct dp_ul_ctx *c, bool ip_cksum_good,
                    struct dp_ul_info *out)
{
	const uint8_t *ip = p + RTE_ETHER_HDR_LEN;
	uint16_t tot_be;
	uint32_t hlen;

	memset(out, 0, sizeof(*out));
	if (!ul_check_ether(p, len, c, out))
		return;
	hlen = ul_check_ipv4(ip, len - RTE_ETHER_HDR_LEN, c, ip_cksum_good, out);
	if (hlen == 0)
		return;
	out->l3_off = RTE_ETHER_HDR_LEN;
	if (ip[9] == IPPROTO_ICMP) {
		out->kind = DP_UL_ICMP;
		return;
	}
	if (ip[9] != IPPROTO_UDP) {
		ul_drop(out, DP_DROP_IP_PROTO);
		return;
	}
	memcpy(&tot_be, ip + 2, 2);
	ul_check_vxlan(ip, hlen, rte_be_to_cpu_16(tot_be) - hlen, c, out);
}

int
dp_arp_reply_make(uint8_t *p, uint32_t len, const struct rte_ether_addr *our_mac,
                  const rte_be32_t *targets, unsigned nb_targets, rte_be32_t *sender_ip,
                  struct rte_ether_addr *sender_mac)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(p + RTE_ETHER_HDR_LEN);
	rte_be32_t tip;
	bool ours = false;

	if (len < RTE_ETHER_HDR_LEN + sizeof(*arp) ||
	    arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || arp->arp_hlen != 6 ||
	    arp->arp_plen != 4 ||
	    (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) &&
	     arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REPLY)) ||
	    rte_is_multicast_ether_addr(&arp->arp_data.arp_sha))
		return DP_DROP_ARP_MALFORMED;
	tip = arp->arp_data.arp_tip;
	for (unsigned i = 0; i < nb_targets; i++)
		ours |= tip == targets[i];
	*sender_ip = arp->arp_data.arp_sip;
	rte_ether_addr_copy(&arp->arp_data.arp_sha, sender_mac);
	if (arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY) || arp->arp_data.arp_sip == tip)
		return ours || arp->arp_data.arp_sip == tip ? -1 : DP_DROP_ARP_NOT_FOR_US;
	if (!ours)
		return DP_DROP_ARP_NOT_FOR_US;
	/* Request for us: answer from the same buffer. */
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&arp->arp_data.arp_sha, &arp->arp_data.arp_tha);
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	rte_ether_addr_copy(our_mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = tip;
	rte_ether_addr_copy(&arp->arp_data.arp_tha, &eth->dst_addr);
	rte_ether_addr_copy(our_mac, &eth->src_addr);
	return 0;
}

uint32_t
dp_arp_request_build(uint8_t *p, const struct rte_ether_addr *our_mac, rte_be32_t our_ip,
                     rte_be32_t target_ip)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(p + RTE_ETHER_HDR_LEN);

	memset(p, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(our_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(our_mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = our_ip;
	arp->arp_data.arp_tip = target_ip;
	return RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
}

int
dp_icmp_echo_reply_make(uint8_t *p, uint32_t len, uint32_t l3_off, uint8_t ttl)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + l3_off);
	struct rte_icmp_hdr *icmp;
	struct rte_ether_addr tmp;
	uint32_t hlen, tot, sum;
	rte_be32_t a;

	/* The classifier validated the IPv4 header and its lengths. */
	hlen = (uint32_t)(ip->version_ihl & 0xf) * 4;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < hlen + sizeof(*icmp) || l3_off + tot > len)
		return DP_DROP_ICMP_MALFORMED;
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hlen);
	if (rte_raw_cksum(icmp, tot - hlen) != 0xffff)
		return DP_DROP_ICMP_MALFORMED;
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return DP_DROP_ICMP_UNHANDLED;
	/* Type 8 -> 0: the checksum grows by 0x0800 (RFC 1624 incremental update). */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	sum = (uint16_t)~icmp->icmp_cksum + (uint32_t)(uint16_t)~RTE_BE16(0x0800);
	icmp->icmp_cksum = (uint16_t)~dp_csum_fold(sum);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = ttl;
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, hlen);
	rte_ether_addr_copy(&eth->src_addr, &tmp);
	rte_ether_addr_copy(&eth->dst_addr, &eth->src_addr);
	rte_ether_addr_copy(&tmp, &eth->dst_addr);
	return 0;
}
