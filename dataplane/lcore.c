/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcore.c - the run-to-completion burst loop of a forwarding lcore.
 *
 * Each lcore owns one RX queue on every port and its own TX queue on every
 * port, so nothing here is shared with another lcore but the read-only
 * mapping tables. Per pass: rx burst on each queue -> process -> one tx
 * burst per destination port; then (lcore 0) the control commands; then
 * one RCU quiescent report; then, if the pass found nothing, idle backoff.
 * A pass that begins long after the one before (the lcore lost its core)
 * is counted as a stall (dp.h), its own idle sleeps excepted.
 */
#include <sys/prctl.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "dp_private.h"

volatile int dp_stop_flag;

#define DP_IDLE_SPIN  256  /* empty passes before pausing */
#define DP_IDLE_PAUSE 1024 /* empty passes before sleeping */

void
dp_tx_flush(struct dp_lcore *lc, uint16_t port)
{
	struct dp_txb *b = &lc->tx[port];
	uint16_t ethdev = lc->port[port].ethdev;
	uint64_t bytes = b->bytes;
	uint16_t sent, n = b->nb;

	if (n == 0)
		return;
	sent = rte_eth_tx_burst(ethdev, lc->txq, b->pkts, n);
	if (unlikely(sent < n)) /* one retry: software ports drain in bursts */
		sent += rte_eth_tx_burst(ethdev, lc->txq, b->pkts + sent, (uint16_t)(n - sent));
	if (unlikely(sent < n)) {
		for (uint16_t i = sent; i < n; i++) {
			bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
			rte_pktmbuf_free(b->pkts[i]);
		}
		DP_STAT_ADD(lc->stats.drops[DP_DROP_TX_FULL], n - sent);
	}
	DP_STAT_ADD(lc->stats.port_tx_pkts[port], sent);
	DP_STAT_ADD(lc->stats.port_tx_bytes[port], bytes);
	b->nb = 0;
	b->bytes = 0;
}

void
dp_event_post(struct dp_lcore *lc, const struct dp_event *ev)
{
	if (likely(rte_ring_sp_enqueue_elem(lc->ev_ring, (void *)(uintptr_t)ev, sizeof(*ev)) == 0))
		DP_STAT_ADD(lc->stats.events_posted, 1);
	else
		DP_STAT_ADD(lc->stats.events_lost, 1);
}

void
dp_lf_record(struct dp_lcore *lc, uint64_t key, uint64_t dest, uint16_t vtep)
{
	struct dp_lf_set *set = dp_lf_set_of(lc, key);
	uint64_t now = dp_lf_now(lc), oldest = 0;
	unsigned victim = 0;

	/* The source's own slot, else the first empty one (way 0 of a set
	 * holding one source: dp_lf_lookup() looks there first), else the
	 * oldest. */
	for (unsigned w = 0; w < DP_LF_WAYS; w++) {
		uint64_t age = (now - (set->word[w] >> DP_LF_TIME_SHIFT)) & DP_LF_TIME_MASK;

		if (set->key[w] == key && (set->word[w] & DP_LF_VALID)) {
			victim = w;
			break;
		}
		if (!(set->word[w] & DP_LF_VALID))
			age = DP_LF_TIME_MASK + 1;
		if (age > oldest) {
			oldest = age;
			victim = w;
		}
	}
	set->key[victim] = key;
	set->word[victim] = DP_LF_VALID | now << DP_LF_TIME_SHIFT |
	                    (uint64_t)vtep << DP_LF_VTEP_SHIFT | (dest & DP_LF_DEST_MASK);
}

void
dp_learn_post(struct dp_lcore *lc, uint64_t key, uint64_t dest, uint16_t vtep,
              const struct dp_event *ev)
{
	if (dp_lf_lookup(dp_lf_clock(lc), dp_lf_set_of(lc, key), key, dest) != 0)
		return;
	dp_lf_record(lc, key, dest, vtep);
	dp_event_post(lc, ev);
}

/* Nothing arrived in this pass: spin a little, then pause, then sleep with
 * a doubling period capped at idle_max_us, so a returning packet waits at
 * most about idle_max_us plus the wake-up latency. */
static void
dp_idle(struct dp_lcore *lc)
{
	struct timespec ts;

	if (!lc->idle_backoff)
		return;
	if (lc->nb_empty < DP_IDLE_PAUSE) {
		if (++lc->nb_empty >= DP_IDLE_SPIN)
			rte_pause();
		return;
	}
	lc->sleep_us = lc->sleep_us == 0 ? 1 : RTE_MIN(lc->sleep_us * 2, lc->idle_max_us);
	ts.tv_sec = 0;
	ts.tv_nsec = (long)lc->sleep_us * 1000;
	nanosleep(&ts, NULL);
	/* The sleep was asked for, not a stall: the next pass's gap starts
	 * now. */
	lc->now_tsc = rte_rdtsc();
	DP_STAT_ADD(lc->stats.idle_sleeps, 1);
}

/* A pass began @p gap TSC cycles after the previous one (dp_lcore_pass()):
 * count it in every bucket it reaches. Rare, out of line. */
void
dp_lcore_stall(struct dp_lcore *lc, uint64_t gap)
{
	for (unsigned b = 0; b < DP_STALL_BUCKETS && gap >= lc->stall_min_tsc[b]; b++)
		DP_STAT_ADD(lc->stats.stalls[b], 1);
	DP_STAT_ADD(lc->stats.stall_tsc, gap);
	if (gap > lc->stats.stall_max_tsc)
		__atomic_store_n(&lc->stats.stall_max_tsc, gap, __ATOMIC_RELAXED);
}

uint16_t
dp_burst_input(struct dp_lcore *lc, const struct dp_rxq *q, struct rte_mbuf **pkts, uint16_t nb)
{
	uint64_t bytes;

	if (q->role == DP_PORT_UNDERLAY)
		bytes = dp_underlay_burst(lc, q->port, pkts, nb);
	else
		bytes = dp_access_burst(lc, q->port, pkts, nb);
	DP_STAT_ADD(lc->stats.port_rx_pkts[q->port], nb);
	DP_STAT_ADD(lc->stats.port_rx_bytes[q->port], bytes);
	/* One tx burst per destination port per rx burst. */
	for (uint16_t p = 0; p < lc->nb_ports; p++)
		if (lc->tx[p].nb != 0)
			dp_tx_flush(lc, p);
	return nb;
}

static inline unsigned
dp_poll_queue(struct dp_lcore *lc, const struct dp_rxq *q)
{
	struct rte_mbuf *pkts[DP_BURST_MAX];
	uint16_t nb;

	nb = rte_eth_rx_burst(q->ethdev, q->queue, pkts, DP_BURST_MAX);
	if (nb == 0)
		return 0;
	return dp_burst_input(lc, q, pkts, nb);
}

int
dp_lcore_main(void *arg)
{
	struct dp_lcore *lc = arg;

	/* Short idle sleeps must be short: the default 50 us timer slack
	 * would double them. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	map_reader_online(lc->map, lc->id);
	lc->now_tsc = rte_rdtsc(); /* the launch is not a stall */
	while (likely(!__atomic_load_n(&dp_stop_flag, __ATOMIC_RELAXED))) {
		unsigned got = 0;

		dp_lcore_tick(lc);
		for (uint16_t q = 0; q < lc->nb_rxq; q++)
			got += dp_poll_queue(lc, &lc->rxq[q]);
		/* Commands are rare: the emptiness test is two loads inline,
		 * a dequeue would be a call every pass. */
		if (lc->cmd_ring != NULL && unlikely(!rte_ring_empty(lc->cmd_ring)))
			dp_cmd_poll(lc);
		map_reader_quiescent(lc->map, lc->id);
		if (got != 0) {
			lc->nb_empty = 0;
			lc->sleep_us = 0;
			DP_STAT_ADD(lc->stats.busy_polls, 1);
		} else {
			DP_STAT_ADD(lc->stats.empty_polls, 1);
			dp_idle(lc);
		}
	}
	map_reader_offline(lc->map, lc->id);
	return 0;
}
