/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arp.c - the gateway as a host on the underlay: it answers ARP for its
 * addresses and ICMP echo sent to them, and resolves next hops by sending
 * ARP requests the control thread asks for. Replies are built in the
 * received mbuf (no allocation); only solicitations allocate, at the rate
 * control decides (a few per second at most).
 */
#include "dp_private.h"

static void
neigh_event(struct dp_lcore *lc, rte_be32_t ip, const struct rte_ether_addr *mac)
{
	struct dp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = DP_EV_NEIGH;
	ev.ip = ip;
	memcpy(ev.mac, mac, 6);
	dp_event_post(lc, &ev);
}

void
dp_arp_input(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	const rte_be32_t targets[2] = {lc->ul_ip, lc->vtep_ip};
	struct rte_ether_addr sender_mac;
	rte_be32_t sender_ip;
	int r;

	if (rte_pktmbuf_data_len(m) != rte_pktmbuf_pkt_len(m)) {
		dp_drop(lc, m, DP_DROP_ARP_MALFORMED);
		return;
	}
	r = dp_arp_reply_make(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m),
	                      &lc->port[port].mac, targets, 2, &sender_ip, &sender_mac);
	if (r > 0) {
		dp_drop(lc, m, (enum dp_drop)r);
		return;
	}
	/* A request to us or a reply: either way the sender is a neighbour
	 * worth knowing (Linux creates the entry on a request, too). */
	neigh_event(lc, sender_ip, &sender_mac);
	if (r < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	m->ol_flags = 0;
	DP_STAT_ADD(lc->stats.arp_replies, 1);
	dp_tx_enqueue(lc, port, m);
}

void
dp_icmp_input(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m, uint32_t l3_off)
{
	int r;

	if (rte_pktmbuf_data_len(m) != rte_pktmbuf_pkt_len(m)) {
		dp_drop(lc, m, DP_DROP_ICMP_MALFORMED);
		return;
	}
	r = dp_icmp_echo_reply_make(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m), l3_off,
	                            64);
	if (r != 0) {
		dp_drop(lc, m, (enum dp_drop)r);
		return;
	}
	m->ol_flags = 0;
	DP_STAT_ADD(lc->stats.icmp_echo_replies, 1);
	dp_tx_enqueue(lc, port, m);
}

void
dp_arp_solicit_send(struct dp_lcore *lc, rte_be32_t ip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->pool);
	uint8_t *p;
	uint32_t len;

	if (m == NULL) {
		DP_STAT_ADD(lc->stats.drops[DP_DROP_NO_MBUF], 1);
		return;
	}
	p = (uint8_t *)rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	len = dp_arp_request_build(p, &lc->port[lc->ul_port].mac, lc->ul_ip, ip);
	RTE_SET_USED(len);
	DP_STAT_ADD(lc->stats.arp_requests, 1);
	dp_tx_enqueue(lc, lc->ul_port, m);
	dp_tx_flush(lc, lc->ul_port);
}

void
dp_cmd_poll(struct dp_lcore *lc)
{
	struct dp_cmd cmd[8];
	unsigned n;

	n = rte_ring_dequeue_burst_elem(lc->cmd_ring, cmd, sizeof(cmd[0]), RTE_DIM(cmd), NULL);
	for (unsigned i = 0; i < n; i++)
		if (cmd[i].type == DP_CMD_ARP_SOLICIT)
			dp_arp_solicit_send(lc, cmd[i].ip);
}
