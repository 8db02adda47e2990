/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_tmpl.c - the per-VTEP outer header template (pure functions: the
 * unit tests and the dataplane's own tests need no EAL for them).
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "map.h"

#define VXLAN_FLAG_I 0x08000000u /* flags byte 0x08, then 24 reserved bits */

void
map_tmpl_build_ipv4(struct map_vtep_tmpl *t, const struct map_underlay *u, rte_be32_t dst_ip,
                    const uint8_t *dst_mac, uint16_t vtep_idx)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(t->hdr + MAP_TMPL4_IP_OFF);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(t->hdr + MAP_TMPL4_UDP_OFF);
	struct rte_vxlan_hdr *vx = (struct rte_vxlan_hdr *)(t->hdr + MAP_TMPL4_VXLAN_OFF);
	uint32_t sum = 0;

	RTE_BUILD_BUG_ON(MAP_TMPL4_IP_OFF != sizeof(*eth));
	RTE_BUILD_BUG_ON(MAP_TMPL4_UDP_OFF != MAP_TMPL4_IP_OFF + sizeof(*ip));
	RTE_BUILD_BUG_ON(MAP_TMPL4_VXLAN_OFF != MAP_TMPL4_UDP_OFF + sizeof(*udp));
	RTE_BUILD_BUG_ON(MAP_TMPL4_LEN != MAP_TMPL4_VXLAN_OFF + sizeof(*vx));

	memset(t, 0, sizeof(*t));
	if (dst_mac != NULL)
		memcpy(&eth->dst_addr, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(&eth->src_addr, u->src_mac, RTE_ETHER_ADDR_LEN);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = u->tos;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = u->ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = u->src_ip;
	ip->dst_addr = dst_ip;

	udp->dst_port = rte_cpu_to_be_16(u->udp_port);
	vx->vx_flags = rte_cpu_to_be_32(VXLAN_FLAG_I);

	/* Host-order loads of network-order words, as rte_raw_cksum(): the
	 * ones'-complement sum commutes with byte swapping, so the folded
	 * complement is stored without a swap (see map_tmpl_ipv4_cksum()). */
	for (unsigned i = 0; i < sizeof(*ip); i += 2) {
		uint16_t w;

		memcpy(&w, t->hdr + MAP_TMPL4_IP_OFF + i, sizeof(w));
		sum += w;
	}
	/* Folded to 16 bits here, once, so the per-packet checksum needs
	 * one fold instead of two (the base and a length sum to at most
	 * 0x1fffe, whose fold is at most 0xffff). */
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	t->ip_csum_base = sum;
	t->hdr_len = MAP_TMPL4_LEN;
	t->af = AF_INET;
	t->resolved = dst_mac != NULL;
	t->port = u->port;
	t->vtep = vtep_idx;
	t->dst_ip = dst_ip;
	t->src_ip = u->src_ip;
}
