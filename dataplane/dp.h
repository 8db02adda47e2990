/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp.h - the dataplane as the control thread sees it: start, stop, read
 * counters, drain learn events, ask for ARP resolution. DPDK-free: control/
 * includes this and never rte_mbuf.h or rte_ethdev.h.
 *
 * Thread-safety: dp_create(), dp_start(), dp_stop() and dp_destroy() are
 * called by the main thread. dp_events_drain() and dp_neigh_solicit() are
 * for one thread (the control thread). dp_counters_read() and the other
 * readers may be called from any thread at any time: they sum per-lcore
 * counters with relaxed loads and never stop forwarding.
 */
#ifndef VTEP_DP_H
#define VTEP_DP_H

#include <stdbool.h>
#include <stdint.h>

struct map;

#define DP_MAX_PORTS  16
#define DP_MAX_LCORES 64
#define DP_NAME_MAX   64
#define DP_DEVICE_MAX 256

enum dp_drop {
#define DP_DROP(name, desc) DP_DROP_##name,
#include "drop_reasons.def"
#undef DP_DROP
	DP_DROP_MAX
};

/** Counter name of a drop reason ("drop_ip_checksum"). */
const char *dp_drop_name(unsigned reason);

/** One-line description of a drop reason. */
const char *dp_drop_desc(unsigned reason);

enum dp_port_role {
	DP_PORT_ACCESS,
	DP_PORT_UNDERLAY,
};

struct dp_port_conf {
	char name[DP_NAME_MAX];
	char device[DP_DEVICE_MAX]; /* PCI address or vdev string */
	enum dp_port_role role;
	uint16_t mtu;
	uint16_t rx_desc;
	uint16_t tx_desc;
	/* underlay */
	uint32_t ip; /* network order */
	uint8_t prefix_len;
	uint32_t next_hop; /* network order, 0 = none */
	bool has_mac;
	uint8_t mac[6];
};

struct dp_conf {
	struct dp_port_conf ports[DP_MAX_PORTS];
	uint16_t nb_ports;
	unsigned lcores[DP_MAX_LCORES]; /* forwarding lcores; 0 entries = every worker */
	unsigned nb_lcores;
	uint32_t nb_mbufs; /* 0 = computed */
	uint32_t vtep_ip;  /* network order */
	uint16_t udp_port; /* host order */
	uint8_t ttl;
	uint8_t tos;
	uint32_t segments_max; /* sizes of per-lcore per-segment counters */
	uint32_t vteps_max;    /* and per-VTEP counters */
	bool idle_backoff;
	uint32_t idle_max_us;
};

struct dp;

/**
 * Probe the devices, configure ports, queues and the mempool, prepare one
 * context per forwarding lcore. Must follow rte_eal_init(). Nothing is
 * forwarded until dp_start().
 * @param m the mapping tables the lcores will read (they register as readers).
 * @return the dataplane, or NULL with errno set; the reason is logged.
 */
struct dp *dp_create(const struct dp_conf *c, struct map *m);

/** Start the ports and launch the forwarding lcores. @return 0 or -errno. */
int dp_start(struct dp *dp);

/** Ask the lcores to stop, wait for them, stop the ports. Idempotent. */
void dp_stop(struct dp *dp);

/** Close the ports and free everything; NULL is a no-op. */
void dp_destroy(struct dp *dp);

/** Number of ports (indexes 0..n-1 follow the configuration order). */
uint16_t dp_nb_ports(const struct dp *dp);

/** Number of forwarding lcores. */
unsigned dp_nb_lcores(const struct dp *dp);

struct dp_port_info {
	char name[DP_NAME_MAX];
	char device[DP_DEVICE_MAX];
	enum dp_port_role role;
	uint16_t ethdev_port;
	uint8_t mac[6];
	bool link_up;
	uint32_t speed_mbps;
	uint16_t mtu;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	/* from the device (rte_eth_stats) */
	uint64_t hw_ipackets, hw_opackets, hw_ibytes, hw_obytes;
	uint64_t hw_imissed, hw_ierrors, hw_oerrors, hw_rx_nombuf;
	bool tx_ip_cksum_offload;
};

/** @return 0 or -ENOENT. */
int dp_port_info(const struct dp *dp, uint16_t port, struct dp_port_info *out);

/*
 * Stalls of a forwarding lcore: a pass of its loop that began at least
 * dp_stall_us(b) after the one before, not counting its own idle sleeps.
 * For that long it did not poll its queues - it was preempted, interrupted,
 * or its vCPU descheduled - and a queue of 1,024-4,096 descriptors fills in
 * 25-400 us at 10-40 Mpps: stalls are what explain rx missed (imissed)
 * with no drop counted anywhere else.
 */
#define DP_STALL_BUCKETS 3

/** The threshold of stall bucket @p b, in microseconds: 100, 1,000, 10,000. */
uint32_t dp_stall_us(unsigned b);

/** Its name in views and metrics: "100us", "1ms", "10ms". */
const char *dp_stall_name(unsigned b);

/* One forwarding lcore's use of its time. */
struct dp_lcore_counters {
	unsigned lcore_id; /* the EAL lcore */
	uint16_t nb_rxq;
	uint16_t rxq_port[DP_MAX_PORTS]; /* it polls queue rxq_queue[i] of port rxq_port[i] */
	uint16_t rxq_queue[DP_MAX_PORTS];
	uint64_t busy_polls;
	uint64_t empty_polls;
	uint64_t idle_sleeps;
	uint64_t stalls[DP_STALL_BUCKETS]; /* stalls of at least dp_stall_us(b) */
	uint64_t stall_us;                 /* their time, summed */
	uint64_t stall_max_us;             /* the longest */
};

/** The counters of forwarding lcore @p idx (0..dp_nb_lcores() - 1).
 * @return 0 or -ENOENT. */
int dp_lcore_counters_read(const struct dp *dp, unsigned idx, struct dp_lcore_counters *out);

/* Totals summed over every lcore. */
struct dp_counters {
	uint64_t port_rx_pkts[DP_MAX_PORTS];
	uint64_t port_rx_bytes[DP_MAX_PORTS];
	uint64_t port_tx_pkts[DP_MAX_PORTS];
	uint64_t port_tx_bytes[DP_MAX_PORTS];
	uint64_t drops[DP_DROP_MAX];
	uint64_t encap_pkts;   /* unicast frames encapsulated */
	uint64_t decap_pkts;   /* frames decapsulated and delivered */
	uint64_t flood_pkts;   /* BUM / unknown frames replicated */
	uint64_t flood_copies; /* tunnel packets sent by replication */
	uint64_t arp_replies;  /* ARP replies sent for our addresses */
	uint64_t arp_requests; /* ARP requests sent (resolution) */
	uint64_t icmp_echo_replies;
	uint64_t events_posted; /* learn / neighbour events to control */
	uint64_t events_lost;   /* event ring full (harmless: re-posted later) */
	uint64_t idle_sleeps;
	uint64_t busy_polls; /* rx bursts that returned packets */
	uint64_t empty_polls;
	uint64_t stalls[DP_STALL_BUCKETS]; /* see struct dp_lcore_counters */
	uint64_t stall_us;
	uint64_t stall_max_us; /* the longest of any lcore */
};

/** Sum every lcore's counters into @p out. */
void dp_counters_read(const struct dp *dp, struct dp_counters *out);

/** Total drops (sum of out->drops). */
uint64_t dp_counters_drops(const struct dp_counters *c);

struct dp_seg_counters {
	uint64_t encap_pkts, encap_bytes; /* access -> underlay (unicast + flood) */
	uint64_t decap_pkts, decap_bytes; /* underlay -> access */
	uint64_t flood_pkts;              /* frames replicated */
	uint64_t drops;
};

/** Counters of segment index @p seg summed over lcores. */
void dp_seg_counters_read(const struct dp *dp, uint16_t seg, struct dp_seg_counters *out);

struct dp_vtep_counters {
	uint64_t tx_pkts, tx_bytes; /* tunnel packets sent to it */
	uint64_t rx_pkts, rx_bytes; /* tunnel packets received from it (known VTEPs) */
};

/** Counters of VTEP index @p vtep summed over lcores. */
void dp_vtep_counters_read(const struct dp *dp, uint16_t vtep, struct dp_vtep_counters *out);

/* The mbuf pool: what is out of it (in device rings, tx buffers, in flight)
 * and what is left. With the lcores idle, in_use is back to the same
 * figure after any amount of traffic; if it creeps up, mbufs leak. */
struct dp_mempool_info {
	char name[DP_NAME_MAX];
	uint32_t size;      /* mbufs in the pool */
	uint32_t in_use;    /* taken from it */
	uint32_t available; /* free, per-lcore caches included */
	uint32_t cache_size;
};

/** Snapshot of the mbuf pool's counts (any thread; exact only while the lcores are idle). */
void dp_mempool_info(const struct dp *dp, struct dp_mempool_info *out);

/* Events from lcores to the control thread. */
enum dp_event_type {
	DP_EV_LEARN, /* (seg, mac) seen behind dest: add, refresh or move */
	DP_EV_NEIGH, /* ARP: ip is at mac (from a reply or a request to us) */
};

struct dp_event {
	uint8_t type;   /* enum dp_event_type */
	uint8_t remote; /* DP_EV_LEARN: 1 = behind VTEP ip, 0 = local (port, vlan) */
	uint16_t seg;
	uint8_t mac[6];
	uint16_t port;
	uint16_t vlan;
	uint16_t pad;
	uint32_t ip;  /* network order: remote VTEP or neighbour */
	uint32_t vni; /* DP_EV_LEARN: the segment's VNI when the frame was seen; a
	               * reload may have deleted the segment and reused its index
	               * before the event is applied */
};

/**
 * Move up to @p max pending events into @p ev.
 * @return the number moved.
 */
unsigned dp_events_drain(struct dp *dp, struct dp_event *ev, unsigned max);

/**
 * Ask the dataplane to send one ARP request for @p ip (network order) on
 * the underlay port. Retries and timeouts are the caller's.
 * @return 0, or -ENOBUFS when the command ring is full.
 */
int dp_neigh_solicit(struct dp *dp, uint32_t ip);

/** TSC frequency the dataplane's clock runs at. */
uint64_t dp_tsc_hz(void);

#endif /* VTEP_DP_H */
