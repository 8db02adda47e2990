/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_fixture.h - a real dataplane without hardware, for tests and fuzzers:
 * EAL without hugepages, the mapping tables, and a struct dp from
 * dp_create() whose two ports are net_null devices (what they transmit is
 * freed at once). The caller drives forwarding context 0 itself on the
 * main thread - the lcores are never launched - so it can push one frame
 * through dp_underlay_burst() or dp_access_burst() and then check that
 * every mbuf went back to the pool.
 *
 * The addresses are those of tests/pkt/pkt_test.py (gateway 192.0.2.1,
 * MAC 02:00:00:00:01:01, remote VTEPs 192.0.2.2 and .3, VNI 5001 on VLAN
 * 100, VNI 5002 untagged, a static MAC behind 192.0.2.2), so its frames -
 * the fuzzers' seeds - take the same paths here as in vtepd. Added here:
 * a segment with a tiny flood rate (VNI 5003, VLAN 300), a VTEP whose
 * next hop never resolves (192.0.2.9), and a local static MAC.
 *
 * Thread-safety: one thread, the EAL main lcore.
 */
#ifndef VTEP_DP_FIXTURE_H
#define VTEP_DP_FIXTURE_H

#include <stdint.h>

#include "dp_private.h"

#define DPF_PORT_ACCESS   0
#define DPF_PORT_UNDERLAY 1

struct dp_fixture {
	struct map *map;
	struct dp *dp;
	struct dp_lcore *lc;  /* forwarding context 0, driven by the caller */
	uint32_t base_in_use; /* mbufs out of the pool when idle */
};

/**
 * EAL (private file prefix from @p name and the pid), an empty map, the
 * dataplane with its ports started.
 * @return 0 or -1 (the reason is printed).
 */
int dp_fixture_init(struct dp_fixture *f, const char *name);

/** Segments, VTEPs and FDB entries described above. @return 0 or -errno. */
int dp_fixture_fill(struct dp_fixture *f);

/**
 * One received burst on dataplane @p port, as the burst loop handles it:
 * dp_lcore_tick() (the clock, the learn filter's forgets), then classify
 * and forward. What is to be sent waits in
 * f->lc->tx[] until dp_fixture_flush().
 * @return the bytes the dataplane counted as received.
 */
uint64_t dp_fixture_input(struct dp_fixture *f, uint16_t port, struct rte_mbuf **pkts, uint16_t nb);

/** Send what dp_fixture_input() queued (net_null frees it) and drain the learn events. */
void dp_fixture_flush(struct dp_fixture *f);

/** dp_fixture_input() then dp_fixture_flush(). */
void dp_fixture_rx(struct dp_fixture *f, uint16_t port, struct rte_mbuf **pkts, uint16_t nb);

/** Mbufs out of the pool now. */
uint32_t dp_fixture_in_use(const struct dp_fixture *f);

/** Destroy everything and clean EAL up; NULL members are skipped. */
void dp_fixture_fini(struct dp_fixture *f);

#endif /* VTEP_DP_FIXTURE_H */
