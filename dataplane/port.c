/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * port.c - ethdev and mempool setup. A port is named in the configuration
 * and opened from a DPDK device string - a PCI address or vdev arguments -
 * so the same binary runs on NICs and on veths (net_af_packet), taps,
 * memif, pcap and ring devices.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "common/log.h"
#include "dp_private.h"

/* The ethdev name a device string creates: the vdev name before the first
 * comma ("net_af_packet0,iface=veth1" -> "net_af_packet0") or the PCI
 * address. */
static void
dev_name_of(const char *device, char *name, size_t size)
{
	size_t n = strcspn(device, ",");

	if (n >= size)
		n = size - 1;
	memcpy(name, device, n);
	name[n] = '\0';
}

static int
port_probe(struct dp_port *p)
{
	char name[DP_DEVICE_MAX];
	uint16_t pid;
	int r;

	dev_name_of(p->conf.device, name, sizeof(name));
	/* Already there (EAL --vdev / -a, or PCI probed at init)? */
	if (rte_eth_dev_get_port_by_name(name, &pid) != 0) {
		r = rte_dev_probe(p->conf.device);
		if (r < 0 && r != -EEXIST) {
			LOG_ERR(dp, "port %s: cannot open device \"%s\": %s", p->conf.name,
			        p->conf.device, rte_strerror(-r));
			return r;
		}
		p->probed_by_us = r == 0;
		if (rte_eth_dev_get_port_by_name(name, &pid) != 0) {
			char full[DP_DEVICE_MAX + 8];

			/* A short PCI address ("03:00.0") is named with its domain. */
			snprintf(full, sizeof(full), "0000:%s", name);
			if (rte_eth_dev_get_port_by_name(full, &pid) != 0) {
				LOG_ERR(dp, "port %s: device \"%s\" probed but no ethdev named %s",
				        p->conf.name, p->conf.device, name);
				return -ENODEV;
			}
		}
	}
	p->ethdev = pid;
	return 0;
}

static int
port_configure(struct dp *dp, struct dp_port *p)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nq = (uint16_t)dp->nb_lcores;
	int r;

	r = rte_eth_dev_info_get(p->ethdev, &info);
	if (r != 0)
		return r;
	if (info.max_rx_queues < nq || info.max_tx_queues < nq) {
		LOG_ERR(dp,
		        "port %s: %u forwarding lcores need %u rx and tx queues, device \"%s\" has "
		        "%u rx / %u tx (for net_af_packet add qpairs=%u)",
		        p->conf.name, dp->nb_lcores, nq, p->conf.device, info.max_rx_queues,
		        info.max_tx_queues, nq);
		return -EINVAL;
	}
	memset(&conf, 0, sizeof(conf));
	if (nq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
		        (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
		        info.flow_type_rss_offloads;
		/* The hash in the mbuf is the encap's entropy source port:
		 * free where the NIC delivers it (encap.c). */
		conf.rxmode.offloads |= info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH;
	}
	/* Every mbuf we send comes from our one pool with a reference
	 * count of 1 (flood copies are deep copies): the PMD may return them
	 * to the pool without checking either. */
	p->tx_fast_free = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE) != 0;
	if (p->tx_fast_free)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	if (p->conf.role == DP_PORT_UNDERLAY) {
		p->tx_ip_cksum = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
		p->rx_ip_cksum = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) != 0;
		/* A NIC that parses VXLAN reports the outer header's checksum
		 * apart (decap.c): ask for it where it can. */
		p->rx_outer_ip_cksum =
		        (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_OUTER_IPV4_CKSUM) != 0;
		if (p->tx_ip_cksum)
			conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		if (p->rx_ip_cksum)
			conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
		if (p->rx_outer_ip_cksum)
			conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_OUTER_IPV4_CKSUM;
	}
	r = rte_eth_dev_configure(p->ethdev, nq, nq, &conf);
	if (r != 0) {
		LOG_ERR(dp, "port %s: configure: %s", p->conf.name, rte_strerror(-r));
		return r;
	}
	p->nb_rxq = nq;
	p->nb_txq = nq;
	r = rte_eth_dev_adjust_nb_rx_tx_desc(p->ethdev, &p->conf.rx_desc, &p->conf.tx_desc);
	if (r != 0)
		return r;
	r = rte_eth_dev_set_mtu(p->ethdev, p->conf.mtu);
	if (r != 0 && r != -ENOTSUP)
		LOG_WARN(dp, "port %s: cannot set MTU %u: %s (keeping the device's)", p->conf.name,
		         p->conf.mtu, rte_strerror(-r));
	if (p->conf.has_mac) {
		r = rte_eth_dev_default_mac_addr_set(p->ethdev,
		                                     (struct rte_ether_addr *)p->conf.mac);
		if (r == -ENOTSUP) {
			/* Some virtual devices have no MAC of their own: use the
			 * configured one in our headers and receive in promiscuous
			 * mode so frames to it still arrive. */
			LOG_INFO(dp,
			         "port %s: device cannot take a MAC; using the configured one in "
			         "software, promiscuous",
			         p->conf.name);
			memcpy(&p->mac, p->conf.mac, RTE_ETHER_ADDR_LEN);
			p->promisc = true;
			return 0;
		}
		if (r != 0) {
			LOG_ERR(dp, "port %s: cannot set MAC: %s", p->conf.name, rte_strerror(-r));
			return r;
		}
	}
	return rte_eth_macaddr_get(p->ethdev, &p->mac);
}

/* Enough mbufs for every descriptor, every lcore's cache and tx buffers,
 * and the frames in flight between them. */
static uint32_t
pool_size(const struct dp *dp)
{
	uint64_t n = 0;

	if (dp->conf.nb_mbufs != 0)
		return dp->conf.nb_mbufs;
	for (uint16_t i = 0; i < dp->nb_ports; i++) {
		const struct dp_port *p = &dp->ports[i];

		n += (uint64_t)p->nb_rxq * p->conf.rx_desc + (uint64_t)p->nb_txq * p->conf.tx_desc;
	}
	n += (uint64_t)dp->nb_lcores * (256 + DP_TXB_MAX * dp->nb_ports + DP_BURST_MAX * 4);
	n += 4096;
	return (uint32_t)RTE_MIN(n, (uint64_t)UINT32_MAX);
}

static int
pool_create(struct dp *dp)
{
	uint16_t max_mtu = 1500;
	uint32_t room, n = pool_size(dp);

	for (uint16_t i = 0; i < dp->nb_ports; i++)
		max_mtu = RTE_MAX(max_mtu, dp->ports[i].conf.mtu);
	/* Frame + tag + the 50 bytes we prepend come out of the headroom. */
	room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_DATAROOM,
	               RTE_ALIGN_CEIL((uint32_t)max_mtu + RTE_ETHER_HDR_LEN + 4 + 64, 1024));
	dp->pool = rte_pktmbuf_pool_create("vtepd_mbufs", n, 256, 0,
	                                   (uint16_t)(room + RTE_PKTMBUF_HEADROOM),
	                                   (int)rte_socket_id());
	if (dp->pool == NULL) {
		LOG_ERR(dp, "cannot create a pool of %u mbufs of %u bytes: %s", n,
		        room + RTE_PKTMBUF_HEADROOM, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	LOG_INFO(dp, "mbuf pool: %u mbufs of %u bytes", n, room + RTE_PKTMBUF_HEADROOM);
	return 0;
}

static int
port_queues_setup(struct dp *dp, struct dp_port *p)
{
	struct rte_eth_dev_info info;
	int r, sock = rte_eth_dev_socket_id(p->ethdev);

	if (sock < 0)
		sock = (int)rte_socket_id();
	r = rte_eth_dev_info_get(p->ethdev, &info);
	if (r != 0)
		return r;
	for (uint16_t q = 0; q < p->nb_rxq; q++) {
		struct rte_eth_rxconf rxc = info.default_rxconf;

		rxc.offloads = (p->rx_ip_cksum ? RTE_ETH_RX_OFFLOAD_IPV4_CKSUM : 0) |
		               (p->rx_outer_ip_cksum ? RTE_ETH_RX_OFFLOAD_OUTER_IPV4_CKSUM : 0);
		r = rte_eth_rx_queue_setup(p->ethdev, q, p->conf.rx_desc, (unsigned)sock, &rxc,
		                           dp->pool);
		if (r != 0) {
			LOG_ERR(dp, "port %s: rx queue %u: %s", p->conf.name, q, rte_strerror(-r));
			return r;
		}
	}
	for (uint16_t q = 0; q < p->nb_txq; q++) {
		struct rte_eth_txconf txc = info.default_txconf;

		txc.offloads = (p->tx_ip_cksum ? RTE_ETH_TX_OFFLOAD_IPV4_CKSUM : 0) |
		               (p->tx_fast_free ? RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE : 0);
		r = rte_eth_tx_queue_setup(p->ethdev, q, p->conf.tx_desc, (unsigned)sock, &txc);
		if (r != 0) {
			LOG_ERR(dp, "port %s: tx queue %u: %s", p->conf.name, q, rte_strerror(-r));
			return r;
		}
	}
	return 0;
}

int
dp_ports_setup(struct dp *dp)
{
	int r;

	for (uint16_t i = 0; i < dp->nb_ports; i++) {
		struct dp_port *p = &dp->ports[i];

		r = port_probe(p);
		if (r < 0)
			return r;
		for (uint16_t j = 0; j < i; j++) {
			if (dp->ports[j].ethdev == p->ethdev) {
				LOG_ERR(dp, "ports %s and %s open the same device",
				        dp->ports[j].conf.name, p->conf.name);
				return -EEXIST;
			}
		}
		r = port_configure(dp, p);
		if (r < 0)
			return r;
	}
	r = pool_create(dp);
	if (r < 0)
		return r;
	for (uint16_t i = 0; i < dp->nb_ports; i++) {
		r = port_queues_setup(dp, &dp->ports[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Tell a NIC that parses tunnels which UDP port is VXLAN here (4789 is
 * known to most; another gateway.udp_port is not), so it reports the outer
 * checksum apart and can hash on the inner headers. Best effort. */
static void
port_udp_tunnel(const struct dp *dp, const struct dp_port *p)
{
	struct rte_eth_udp_tunnel t = {.udp_port = dp->conf.udp_port,
	                               .prot_type = RTE_ETH_TUNNEL_TYPE_VXLAN};
	int r = rte_eth_dev_udp_tunnel_port_add(p->ethdev, &t);

	if (r == 0)
		LOG_INFO(dp, "port %s: UDP port %u registered as VXLAN with the device",
		         p->conf.name, dp->conf.udp_port);
	else if (r != -ENOTSUP)
		LOG_WARN(dp, "port %s: cannot register UDP port %u as VXLAN: %s", p->conf.name,
		         dp->conf.udp_port, rte_strerror(-r));
}

int
dp_ports_start(struct dp *dp)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	int r;

	for (uint16_t i = 0; i < dp->nb_ports; i++) {
		struct dp_port *p = &dp->ports[i];

		r = rte_eth_dev_start(p->ethdev);
		if (r != 0) {
			LOG_ERR(dp, "port %s: start: %s", p->conf.name, rte_strerror(-r));
			return r;
		}
		p->started = true;
		if (p->conf.role == DP_PORT_UNDERLAY)
			port_udp_tunnel(dp, p);
		/* Access ports carry every VM's MAC; the underlay only ours
		 * (and broadcast, for ARP). */
		if (p->conf.role == DP_PORT_ACCESS || p->promisc) {
			r = rte_eth_promiscuous_enable(p->ethdev);
			if (r != 0 && r != -ENOTSUP)
				LOG_WARN(dp, "port %s: promiscuous mode: %s", p->conf.name,
				         rte_strerror(-r));
		}
		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		LOG_INFO(dp, "port %s (%s, %s): ethdev %u, %s, %u queue(s)%s", p->conf.name,
		         p->conf.role == DP_PORT_ACCESS ? "access" : "underlay", p->conf.device,
		         p->ethdev, mac, p->nb_rxq,
		         p->tx_ip_cksum ? ", tx ipv4 checksum offload" : "");
	}
	return 0;
}

void
dp_ports_stop(struct dp *dp)
{
	for (uint16_t i = 0; i < dp->nb_ports; i++) {
		struct dp_port *p = &dp->ports[i];

		if (p->started) {
			rte_eth_dev_stop(p->ethdev);
			p->started = false;
		}
	}
}

void
dp_ports_close(struct dp *dp)
{
	for (uint16_t i = 0; i < dp->nb_ports; i++) {
		struct dp_port *p = &dp->ports[i];

		if (rte_eth_dev_is_valid_port(p->ethdev))
			rte_eth_dev_close(p->ethdev);
	}
}
