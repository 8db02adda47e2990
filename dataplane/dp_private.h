/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_private.h - declarations shared inside dataplane/ only.
 *
 * Thread-safety: a struct dp_lcore is written only by the lcore that owns
 * it (its counters included, see DP_STAT_ADD); other threads read the
 * counters with relaxed loads. struct dp and struct dp_port are written by
 * the main thread before dp_start() and read-only afterwards.
 */
#ifndef VTEP_DP_PRIVATE_H
#define VTEP_DP_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#if defined(RTE_ARCH_X86)
#include <smmintrin.h>
#endif

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "common/compiler.h"
#include "dp.h"
#include "mapping/map.h"
#include "pkt.h"

#define DP_BURST_MAX     32  /* packets per rx burst */
#define DP_PREFETCH      3   /* prefetch packet i + DP_PREFETCH while handling i */
#define DP_TXB_MAX       128 /* per (lcore, port) tx buffer: a burst plus flood copies */
#define DP_EV_RING_SIZE  4096
#define DP_CMD_RING_SIZE 256
/* learn filter: 32,768 sets of 4 sources, 2 MiB per lcore */
#define DP_LF_BITS 15
#define DP_LF_SETS (1u << DP_LF_BITS)
#define DP_LF_WAYS 4

/* Relaxed load + store by the owning lcore: no locked instruction on the
 * fast path, and readers on other threads see whole values (kernel per-cpu
 * counter discipline; keeps TSan quiet). */
#define DP_STAT_ADD(ctr, n)                                                                        \
	__atomic_store_n(&(ctr), __atomic_load_n(&(ctr), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)

struct dp_lcore_stats {
	uint64_t port_rx_pkts[DP_MAX_PORTS];
	uint64_t port_rx_bytes[DP_MAX_PORTS];
	uint64_t port_tx_pkts[DP_MAX_PORTS];
	uint64_t port_tx_bytes[DP_MAX_PORTS];
	uint64_t drops[DP_DROP_MAX];
	uint64_t encap_pkts;
	uint64_t decap_pkts;
	uint64_t flood_pkts;
	uint64_t flood_copies;
	uint64_t arp_replies;
	uint64_t arp_requests;
	uint64_t icmp_echo_replies;
	uint64_t events_posted;
	uint64_t events_lost;
	uint64_t idle_sleeps;
	uint64_t busy_polls;
	uint64_t empty_polls;
	uint64_t stalls[DP_STALL_BUCKETS]; /* dp_lcore_stall() */
	uint64_t stall_tsc;
	uint64_t stall_max_tsc;
} __rte_cache_aligned;

struct dp_seg_stats {
	uint64_t encap_pkts, encap_bytes;
	uint64_t decap_pkts, decap_bytes;
	uint64_t flood_pkts;
	uint64_t drops;
};

struct dp_vtep_stats {
	uint64_t tx_pkts, tx_bytes;
	uint64_t rx_pkts, rx_bytes;
};

/* Per-lcore, per-segment token bucket for flooded (BUM) frames. */
struct dp_flood_tb {
	uint64_t last_tsc;
	uint32_t tokens;
};

/*
 * Learn filter: what this lcore verified recently about a source MAC.
 * Learning must notice a new source, a move and a due refresh, which takes
 * an FDB lookup of the source per frame - as much as the forwarding lookup
 * itself. A source stays where it is almost always, so each lcore keeps a
 * small set-associative cache of sources it has checked (or reported)
 * recently, with the destination it found. A frame whose source is in it,
 * with the same destination, checked less than the hold time ago
 * (lf_hold_tsc, 250 ms), needs no lookup and no event: the FDB was
 * right, or the control thread was told. A change to a source's entry (a
 * delete, a flush, ageing, a move by a manager or by learning) moves the
 * map's forget generation (map_fdb_forget_gen()); each lcore checks it
 * once per loop pass and from then on trusts only what it records
 * afterwards (dp_fdb_sync()), so a deleted MAC is learned again by its
 * next frame. Forwarding lookups (destinations) go through the
 * destination cache below instead.
 *
 * A slot is two words: the FDB key, and
 *   bits  0..32  destination as learning encodes it (remote: 1 << 32 | IPv4,
 *                local: port << 16 | VLAN)
 *   bits 33..48  remote: the VTEP index the FDB named (its counters)
 *   bits 49..62  when, in units of 2^DP_LF_TICK_SHIFT TSC cycles (modulo 2^14)
 *   bit  63      valid
 * One set is one cache line.
 */
#define DP_LF_DEST_MASK  ((1ull << 33) - 1)
#define DP_LF_VTEP_SHIFT 33
#define DP_LF_TIME_SHIFT 49
#define DP_LF_TIME_MASK  0x3fffull
#define DP_LF_VALID      (1ull << 63)
#define DP_LF_TICK_SHIFT 24 /* 6.5 ms at 2.6 GHz: the time field wraps after 105 s */

struct dp_lf_set {
	uint64_t key[DP_LF_WAYS];
	uint64_t word[DP_LF_WAYS];
} __rte_cache_aligned;

/*
 * Destination cache: the FDB's answers for the destinations this lcore
 * forwarded to recently, direct mapped. Traffic concentrates on few
 * destinations (servers, the tenant's router, a storage head) while its
 * sources are many, and the bulk FDB lookup of a burst costs about 3
 * cycles a frame with one destination, 20 a frame with 32 (bench/micro
 * --dsts). Only hits are kept (a MAC learned meanwhile is found by the
 * next miss), and every change that can alter or remove an answer -
 * delete, flush, ageing, a move - moves the map's forget generation, on
 * which dp_fdb_sync() empties the cache. Emptying is a new epoch, not a
 * memset (a manager's burst of moves must not cost 64 KiB of stores per
 * loop pass): a slot holds the key and the answer's forwarding half (bits
 * 0..31 of the FDB value, map.h), with the epoch it was filled in where
 * the value keeps its last-seen time, and answers only in that epoch. The
 * epoch is 32 bits; when it wraps, the slots are cleared once for real.
 * 4,096 slots: with 1,024 destinations in turn a frame costs 38 cycles
 * of work instead of 57 without the cache, 62 with 256 slots.
 */
#define DP_DC_BITS  12
#define DP_DC_SLOTS (1u << DP_DC_BITS) /* 4,096: 64 KiB per lcore */

struct dp_dc_slot {
	uint64_t key;
	uint64_t val; /* bits 0..31 of the FDB value; 32..63 the epoch of the fill */
};

struct dp_txb {
	uint16_t nb;
	uint64_t bytes; /* of the nb packets queued: counted as they come, while known */
	struct rte_mbuf *pkts[DP_TXB_MAX];
};

struct dp_rxq {
	uint16_t port;   /* dataplane port index */
	uint16_t ethdev; /* ethdev port id */
	uint16_t queue;
	uint8_t role; /* enum dp_port_role */
};

/* What a lcore needs to know about a port, copied into its own context. */
struct dp_port_fast {
	uint16_t ethdev;
	uint16_t max_frame; /* largest frame we may send, without FCS */
	uint8_t role;
	bool tx_ip_cksum;       /* outer IPv4 checksum offload */
	bool rx_ip_cksum;       /* the port checks IPv4 header checksums */
	bool rx_outer_ip_cksum; /* the port checks outer IPv4 checksums of tunnels */
	struct rte_ether_addr mac;
};

struct dp_lcore {
	/* read-mostly, set up before start */
	struct dp *dp;
	struct map *map;
	struct rte_mempool *pool;
	struct rte_ring *ev_ring;  /* lcore -> control (single producer/consumer) */
	struct rte_ring *cmd_ring; /* control -> lcore 0 only, else NULL */
	unsigned id;               /* 0..nb_lcores-1, also the RCU reader id */
	unsigned lcore_id;
	uint16_t nb_rxq;
	uint16_t txq;     /* this lcore's tx queue on every port */
	uint16_t ul_port; /* dataplane index of the underlay port */
	uint16_t nb_ports;
	struct dp_rxq rxq[DP_MAX_PORTS];
	struct dp_port_fast port[DP_MAX_PORTS];
	rte_be32_t vtep_ip;      /* gateway VTEP address */
	rte_be32_t ul_ip;        /* underlay port address */
	rte_be16_t udp_port;     /* VXLAN port, network order */
	uint16_t ul_ip_mtu;      /* underlay IP MTU */
	struct dp_ul_ctx ul_ctx; /* underlay classification (pkt.h) */
	uint64_t tsc_hz;
	uint64_t lf_hold_tsc; /* learn filter hold time */
	uint64_t lf_hold;     /* the same in learn-filter time units */
	uint64_t lf_hold_now; /* what dp_lf_lookup() applies: lf_hold, or less since a forget */
	uint64_t lf_reset;    /* learn-filter time of the last forget seen */
	uint32_t fdb_gen;     /* the map's forget generation last seen */
	uint32_t dc_epoch;    /* destination cache: slots of other epochs are empty */
	bool lf_resetting;    /* lf_hold_now < lf_hold */
	bool idle_backoff;
	uint32_t idle_max_us;
	uint32_t segments_max;
	uint32_t vteps_max;
	uint32_t nb_lcores;
	uint64_t stall_min_tsc[DP_STALL_BUCKETS]; /* dp_stall_us() in TSC cycles */

	/* written by this lcore only */
	uint64_t now_tsc;
	uint64_t now_s_tsc; /* when now_s was last computed */
	uint32_t now_s;     /* map_now_s(), at most 1 ms old */
	uint32_t nb_empty;  /* consecutive empty passes */
	uint32_t sleep_us;
	struct dp_txb tx[DP_MAX_PORTS];
	struct dp_lcore_stats stats;
	struct dp_seg_stats *seg_stats;   /* [segments_max] */
	struct dp_vtep_stats *vtep_stats; /* [vteps_max] */
	struct dp_flood_tb *flood_tb;     /* [segments_max] */
	struct dp_lf_set *lf;             /* [DP_LF_SETS] */
	struct dp_dc_slot dc[DP_DC_SLOTS] __rte_cache_aligned;
} __rte_cache_aligned;

struct dp_port {
	struct dp_port_conf conf;
	uint16_t ethdev;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	struct rte_ether_addr mac;
	bool probed_by_us; /* rte_dev_probe() was ours: remove on destroy */
	bool started;
	bool tx_ip_cksum;
	bool rx_ip_cksum;
	bool rx_outer_ip_cksum;
	bool tx_fast_free;
	bool promisc; /* receive everything (access, or a software MAC) */
};

struct dp {
	struct dp_conf conf;
	struct map *map;
	struct rte_mempool *pool;
	struct dp_port ports[DP_MAX_PORTS];
	uint16_t nb_ports;
	uint16_t ul_port;
	struct dp_lcore *lcores[DP_MAX_LCORES];
	unsigned nb_lcores;
	struct rte_ring *cmd_ring;
	unsigned ev_next; /* round-robin start for dp_events_drain */
	bool started;
};

/* Command from the control thread to lcore 0. */
struct dp_cmd {
	uint32_t type; /* DP_CMD_* */
	uint32_t ip;   /* network order */
};

#define DP_CMD_ARP_SOLICIT 1

/* stop flag shared by every lcore (set by dp_stop) */
extern volatile int dp_stop_flag;

/* port.c */
int dp_ports_setup(struct dp *dp);
int dp_ports_start(struct dp *dp);
void dp_ports_stop(struct dp *dp);
void dp_ports_close(struct dp *dp);

/* lcore.c */
int dp_lcore_main(void *arg);

/**
 * The body of the burst loop for one rx burst: count, classify, forward,
 * then one tx burst per destination port. The loop calls it after
 * rte_eth_rx_burst(); in-process benchmarks (bench/micro.c) call it with
 * mbufs they built, on the lcore that owns @p lc, after dp_lcore_tick().
 * @return @p nb.
 */
uint16_t dp_burst_input(struct dp_lcore *lc, const struct dp_rxq *q, struct rte_mbuf **pkts,
                        uint16_t nb);
void dp_tx_flush(struct dp_lcore *lc, uint16_t port);
void dp_event_post(struct dp_lcore *lc, const struct dp_event *ev);

/* FDB key of the MAC at @p p (8 bytes readable) in segment @p seg: the
 * same word as map_fdb_key(), built in registers. Assembling it in memory
 * (6 + 2 bytes stored, 8 loaded) stalls store forwarding twice a frame. */
static inline uint64_t
dp_fdb_key(uint16_t seg, const uint8_t *p)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	uint64_t w;

	memcpy(&w, p, 8);
	return (w & 0xffffffffffffull) | (uint64_t)seg << 48;
#else
	return map_fdb_key(seg, p);
#endif
}

/* The index of FDB key @p key in a per-lcore table of 2^@p bits entries
 * (learn filter, destination cache): Fibonacci hashing, the top bits of
 * one multiplication. */
static inline uint32_t
dp_key_index(uint64_t key, unsigned bits)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

/* Learn filter (see struct dp_lf_set). */
static inline struct dp_lf_set *
dp_lf_set_of(const struct dp_lcore *lc, uint64_t key)
{
	return &lc->lf[dp_key_index(key, DP_LF_BITS)];
}

static inline uint64_t
dp_lf_now(const struct dp_lcore *lc)
{
	return (lc->now_tsc >> DP_LF_TICK_SHIFT) & DP_LF_TIME_MASK;
}

/* The learn filter's clock and hold time, as one burst's probes apply
 * them. Neither moves within a burst (both change once per loop pass), but
 * the out-of-line calls of a learn pass make the compiler reload them from
 * the lcore for every frame; taken once, they stay in registers (four
 * instructions a frame, bench/instr.sh). */
struct dp_lf_clock {
	uint64_t now;  /* dp_lf_now() */
	uint64_t hold; /* lf_hold_now */
};

static inline struct dp_lf_clock
dp_lf_clock(const struct dp_lcore *lc)
{
	return (struct dp_lf_clock){.now = dp_lf_now(lc), .hold = lc->lf_hold_now};
}

/* The way of @p set holding @p key, or DP_LF_WAYS. A key is in at most
 * one valid slot (dp_lf_record() updates it in place). */
static inline unsigned
dp_lf_way(const struct dp_lf_set *set, uint64_t key)
{
#if defined(RTE_ARCH_X86) && defined(__SSE4_1__)
	/* The four keys in two compares. */
	__m128i k = _mm_set1_epi64x((long long)key);
	__m128i lo = _mm_cmpeq_epi64(_mm_load_si128((const __m128i *)&set->key[0]), k);
	__m128i hi = _mm_cmpeq_epi64(_mm_load_si128((const __m128i *)&set->key[2]), k);
	unsigned mask = (unsigned)_mm_movemask_pd(_mm_castsi128_pd(lo)) |
	                (unsigned)_mm_movemask_pd(_mm_castsi128_pd(hi)) << 2;

	return mask == 0 ? DP_LF_WAYS : (unsigned)__builtin_ctz(mask);
#else
	unsigned w;

	for (w = 0; w < DP_LF_WAYS && set->key[w] != key; w++)
		;
	return w;
#endif
}

/* @return the slot word when @p key was found in @p set with destination
 * @p dest less than a hold time (@p c) ago, else 0. */
static inline uint64_t
dp_lf_lookup(struct dp_lf_clock c, const struct dp_lf_set *set, uint64_t key, uint64_t dest)
{
	uint64_t word;
	unsigned w = 0;

	/* Way 0 first, in one scalar compare: a set mostly holds a single
	 * source (dp_lf_record() fills the first free way; 1,024 sources in
	 * 32,768 sets), and the vector probe of all four ways is three
	 * times the instructions. */
	if (unlikely(set->key[0] != key)) {
		w = dp_lf_way(set, key);
		if (w == DP_LF_WAYS)
			return 0;
	}
	word = set->word[w];
	if ((word & (DP_LF_DEST_MASK | DP_LF_VALID)) != (dest | DP_LF_VALID) ||
	    ((c.now - (word >> DP_LF_TIME_SHIFT)) & DP_LF_TIME_MASK) >= c.hold)
		return 0;
	return word;
}

/* Destination cache (see struct dp_dc_slot). */
static inline struct dp_dc_slot *
dp_dc_slot_of(struct dp_lcore *lc, uint64_t key)
{
	return &lc->dc[dp_key_index(key, DP_DC_BITS)];
}

/* @return true and the forwarding half of @p key's FDB value in @p val
 * when the cache has it. */
static inline bool
dp_dc_lookup(struct dp_lcore *lc, uint64_t key, uint64_t *val)
{
	const struct dp_dc_slot *s = dp_dc_slot_of(lc, key);

	*val = s->val & UINT32_MAX;
	return s->key == key && s->val >> 32 == lc->dc_epoch;
}

/* Remember @p val, the FDB's answer for @p key. */
static inline void
dp_dc_fill(struct dp_lcore *lc, uint64_t key, uint64_t val)
{
	struct dp_dc_slot *s = dp_dc_slot_of(lc, key);

	s->key = key;
	s->val = (val & UINT32_MAX) | (uint64_t)lc->dc_epoch << 32;
}

/* Empty the destination cache. */
static inline void
dp_dc_flush(struct dp_lcore *lc)
{
	if (unlikely(++lc->dc_epoch == 0)) {
		memset(lc->dc, 0, sizeof(lc->dc));
		lc->dc_epoch = 1;
	}
}

/* Once per loop pass, with the map's forget generation @p gen: when it
 * moved, the destination cache is emptied, and nothing the learn filter
 * recorded up to this learn-filter tick is vouched for - the hold applied
 * is the time since, which grows back to lf_hold. (A slot recorded in the
 * tick of the forget itself is dropped too: one more lookup, never a
 * stale answer.) A change the writer makes after this load is caught by
 * the next pass: the generation is loaded with acquire and stored with
 * release after the change, so an answer read after a load that saw the
 * new generation is the new one. */
static inline void
dp_fdb_sync(struct dp_lcore *lc, uint32_t gen)
{
	uint64_t since;

	if (unlikely(gen != lc->fdb_gen)) {
		lc->fdb_gen = gen;
		dp_dc_flush(lc);
		lc->lf_reset = dp_lf_now(lc);
		lc->lf_hold_now = 0;
		lc->lf_resetting = true;
	} else if (unlikely(lc->lf_resetting)) {
		since = (dp_lf_now(lc) - lc->lf_reset) & DP_LF_TIME_MASK;
		lc->lf_resetting = since < lc->lf_hold;
		lc->lf_hold_now = lc->lf_resetting ? since : lc->lf_hold;
	}
}

void dp_lf_record(struct dp_lcore *lc, uint64_t key, uint64_t dest, uint16_t vtep);

void dp_lcore_stall(struct dp_lcore *lc, uint64_t gap);

/* A pass of the loop begins at @p now: a gap since the previous one long
 * enough to be a stall (dp.h) is counted; one compare a pass. */
static inline void
dp_lcore_pass(struct dp_lcore *lc, uint64_t now)
{
	if (unlikely(now - lc->now_tsc >= lc->stall_min_tsc[0]))
		dp_lcore_stall(lc, now - lc->now_tsc);
	lc->now_tsc = now;
}

/* Once per pass of the burst loop: the clock every packet of the pass
 * uses, and what the writer made the learn filter forget. The seconds (a
 * division) are recomputed once a millisecond. */
static inline void
dp_lcore_tick(struct dp_lcore *lc)
{
	dp_lcore_pass(lc, rte_rdtsc());
	if (unlikely(lc->now_tsc - lc->now_s_tsc >= lc->tsc_hz >> 10)) {
		lc->now_s = map_now_s(lc->map, lc->now_tsc);
		lc->now_s_tsc = lc->now_tsc;
	}
	dp_fdb_sync(lc, map_fdb_forget_gen(lc->map));
}

/* Queue a packet for transmission on dataplane port @p port. */
static inline void
dp_tx_enqueue(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	struct dp_txb *b = &lc->tx[port];

	if (unlikely(b->nb == DP_TXB_MAX))
		dp_tx_flush(lc, port);
	b->bytes += rte_pktmbuf_pkt_len(m);
	b->pkts[b->nb++] = m;
}

/*
 * A cursor on one port's tx buffer for the main path of a burst: opened
 * with room for every packet still to come, so queueing one is a store
 * and an increment, with no check and no write back to the lcore context
 * per packet. Anything else that queues on the port (dp_tx_enqueue(),
 * the flood path) must come between dp_txc_close() and a new open.
 */
struct dp_txc {
	struct dp_txb *b;
	uint64_t bytes;
	uint16_t nb;
	uint16_t port;
};

static inline void
dp_txc_open(struct dp_lcore *lc, struct dp_txc *c, uint16_t port, unsigned need)
{
	if (unlikely(lc->tx[port].nb + need > DP_TXB_MAX))
		dp_tx_flush(lc, port);
	c->b = &lc->tx[port];
	c->nb = c->b->nb;
	c->bytes = c->b->bytes;
	c->port = port;
}

/* Queue @p m, whose packet length is @p len. */
static inline void
dp_txc_put(struct dp_txc *c, struct rte_mbuf *m, uint32_t len)
{
	c->b->pkts[c->nb++] = m;
	c->bytes += len;
}

/* Queue @p m, whose bytes the caller adds to c->bytes itself (once for
 * a run of packets it counts anyway). */
static inline void
dp_txc_put_uncounted(struct dp_txc *c, struct rte_mbuf *m)
{
	c->b->pkts[c->nb++] = m;
}

static inline void
dp_txc_close(struct dp_txc *c)
{
	c->b->nb = c->nb;
	c->b->bytes = c->bytes;
}

/* rte_pktmbuf_prepend() for a caller that knows the headroom is there
 * (it just removed at least @p len bytes of headers). */
static inline uint8_t *
dp_mbuf_push(struct rte_mbuf *m, uint16_t len)
{
	VTEP_ASSERT(rte_pktmbuf_headroom(m) >= len);
	m->data_off = (uint16_t)(m->data_off - len);
	m->data_len = (uint16_t)(m->data_len + len);
	m->pkt_len += len;
	return rte_pktmbuf_mtod(m, uint8_t *);
}

/* Move the two MAC addresses (12 bytes) at @p from to @p to, which may
 * overlap them (a tag pushed or pulled: 4 bytes apart). Both loads come
 * before the stores; memmove() of 12 bytes was a call into libc through
 * the PLT for every tagged frame. */
static inline void
dp_move_macs(uint8_t *to, const uint8_t *from)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, from, 8);
	memcpy(&b, from + 8, 4);
	memcpy(to, &a, 8);
	memcpy(to + 8, &b, 4);
}

static inline void
dp_drop(struct dp_lcore *lc, struct rte_mbuf *m, enum dp_drop reason)
{
	DP_STAT_ADD(lc->stats.drops[reason], 1);
	rte_pktmbuf_free(m);
}

/* decap.c / encap.c / flood.c / arp.c */
/* A received burst of @p nb frames: @return their bytes (the port's rx
 * byte counter; summed in the first pass, which reads each mbuf anyway). */
uint64_t dp_underlay_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t nb);
uint64_t dp_access_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t nb);
/* @p hash: the frame's inner flow hash (its UDP source port, as unicast). */
void dp_flood(struct dp_lcore *lc, const struct map_seg *seg, struct rte_mbuf *m, uint32_t hash);
/* Encapsulate towards @p t, count, and queue for transmission (or drop). */
void dp_encap_one(struct dp_lcore *lc, const struct map_seg *seg, const struct map_vtep_tmpl *t,
                  struct rte_mbuf *m, uint16_t sport);
void dp_arp_input(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m);
void dp_icmp_input(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m, uint32_t l3_off);
void dp_arp_solicit_send(struct dp_lcore *lc, rte_be32_t ip);
void dp_cmd_poll(struct dp_lcore *lc);

/* Learn-event helper used by encap and decap: post @p ev unless the learn
 * filter says it was posted within the hold time; record it there. */
void dp_learn_post(struct dp_lcore *lc, uint64_t key, uint64_t dest, uint16_t vtep,
                   const struct dp_event *ev);

#endif /* VTEP_DP_PRIVATE_H */
