/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * micro.c - vtep-bench-micro: cycles per packet of the dataplane's own
 * work, in process, with no traffic generator and no real port.
 *
 * The real dataplane is built with dp_create() on two net_null ports
 * (transmit frees the mbufs, receive returns nothing) and the real mapping
 * tables. On the dataplane's own forwarding lcore the bench then runs the
 * burst loop's body, dp_burst_input() (dataplane/dp_private.h), on bursts
 * of 32 mbufs it fills itself, exactly as net_pcap's replay does (bulk
 * allocation, one copy per frame). The reference, measured in the same run
 * and interleaved with it, is the same loop with the dataplane replaced by
 * a transmit of the untouched mbufs to the output port: allocation, copy,
 * free. "Work" is the difference: what vtepd spends per packet beyond I/O.
 *
 * Cases: encap (access -> VXLAN), decap (VXLAN -> access) and flood
 * (broadcast replicated to --flood-vteps VTEPs), each with 64- and
 * 1500-byte inner frames (60 and 1496 bytes without FCS), for FDB sizes
 * 1, 1,000 and 1,000,000 (filler entries added to the traffic's own; the
 * exact table size is printed). Traffic is --flows flows (fewer when the
 * table is smaller), each with its own source MAC, already learned, so the
 * numbers are the steady state: no learn events (checked). Encapsulated
 * frames all go to one server unless --dsts N spreads them over N
 * destinations behind the --flood-vteps VTEPs (frame i to destination
 * i mod N): the per-lcore destination cache's miss path.
 *
 * Usage: vtep-bench-micro [EAL args --] [--entries 1,1000,1000000]
 *        [--flows 1024] [--lens 60,1496] [--dirs encap,decap,flood]
 *        [--bursts 20000] [--repeat 15] [--flood-vteps 4] [--dsts 1] [--vlan 0]
 * --vlan N puts the segment on VLAN N of the access port: encap's input
 * frames carry the tag (removed before encapsulation), decap pushes it.
 * Without EAL args: -l 0,1 --no-huge -m 2048 --no-pci, private prefix.
 * Prints a table, then one JSON line. Not a pass/fail test.
 *
 * Thread-safety: the main lcore writes the tables between cases; the
 * forwarding lcore runs the cases (a registered map reader).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>

#include "bench_eal.h"
#include "common/log.h"
#include "dataplane/dp_private.h"
#include "frames.h"

#define MICRO_BURST     32
#define MICRO_MAX_LIST  8
#define MICRO_MAX_REP   31
#define MICRO_FILL_KIND 0x0f /* MAC prefix of filler entries */
#define MICRO_DST_KIND  0x0d /* MAC prefix of the --dsts destinations */

enum micro_dir { MICRO_ENCAP, MICRO_DECAP, MICRO_FLOOD, MICRO_NB_DIRS };

static const char *const dir_names[] = {"encap", "decap", "flood"};

struct micro_opts {
	uint32_t entries[MICRO_MAX_LIST];
	unsigned nb_entries;
	uint16_t lens[MICRO_MAX_LIST];
	unsigned nb_lens;
	bool dirs[MICRO_NB_DIRS];
	uint32_t flows;
	uint32_t bursts;
	unsigned repeat;
	unsigned flood_vteps;
	uint32_t dsts; /* encap destinations */
	uint16_t vlan; /* the segment's VLAN on the access port (0: untagged) */
};

struct micro_result {
	enum micro_dir dir;
	uint16_t len;
	uint32_t entries; /* nominal */
	uint32_t nb_fdb;  /* actual table size */
	uint32_t flows;
	uint32_t dsts;
	double ref_best, dut_best, work_best; /* per input packet, best run of each */
	double ref_med, dut_med, work_med;    /* medians (work: of the paired differences) */
	uint64_t drops, events;               /* must stay 0 */
	uint64_t out_per_in;                  /* flood copies per frame */
};

/* One case as the forwarding lcore runs it. */
struct micro_case {
	struct micro *mb;
	enum micro_dir dir;
	uint8_t *frames; /* nb_frames frames of frame_len, back to back */
	uint32_t nb_frames;
	uint16_t frame_len;
	double ref[MICRO_MAX_REP], dut[MICRO_MAX_REP];
};

struct micro {
	struct micro_opts o;
	struct map *m;
	struct dp *dp;
	struct dp_lcore *lc;
	uint16_t seg;
	uint32_t nb_filler;
	uint32_t traffic_flows[2]; /* installed sources: access side, remote side */
	struct micro_result res[MICRO_NB_DIRS * MICRO_MAX_LIST * MICRO_MAX_LIST];
	unsigned nb_res;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------------ */
/* The dataplane and its tables, as vtepd's control thread sets them up */

static uint32_t
ip_of(const char *s)
{
	uint32_t ip;

	bench_parse_ip(s, &ip);
	return ip;
}

/* Remote VTEP k of the flood list: 198.18.0.2 + k, MAC 02:00:00:00:01:02 + k. */
static uint32_t
remote_ip(unsigned k)
{
	return rte_cpu_to_be_32(rte_be_to_cpu_32(ip_of(BENCH_REMOTE_IP)) + k);
}

static int
micro_dp_create(struct micro *mb)
{
	struct map_params mp = {.name = "micro",
	                        .fdb_max = 1 << 20,
	                        .vteps_max = 4096,
	                        .segments_max = 16,
	                        .nb_ports = 2,
	                        .max_readers = 4,
	                        .socket_id = (int)rte_socket_id()};
	struct dp_conf dc;
	struct dp_port_info pi;
	struct map_underlay u;

	mb->m = map_create(&mp);
	if (mb->m == NULL)
		return -errno;
	memset(&dc, 0, sizeof(dc));
	dc.nb_ports = 2;
	snprintf(dc.ports[0].name, DP_NAME_MAX, "access0");
	snprintf(dc.ports[0].device, DP_DEVICE_MAX, "net_null0,no-rx=1");
	dc.ports[0].role = DP_PORT_ACCESS;
	snprintf(dc.ports[1].name, DP_NAME_MAX, "underlay0");
	snprintf(dc.ports[1].device, DP_DEVICE_MAX, "net_null1,no-rx=1");
	dc.ports[1].role = DP_PORT_UNDERLAY;
	dc.ports[1].mtu = 9000; /* room for 1500-byte inner frames */
	dc.ports[1].ip = ip_of(BENCH_LOCAL_IP);
	dc.ports[1].prefix_len = 24;
	dc.ports[1].has_mac = true;
	bench_parse_mac(BENCH_LOCAL_MAC, dc.ports[1].mac);
	dc.lcores[0] = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	dc.nb_lcores = 1;
	dc.nb_mbufs = 16384;
	dc.vtep_ip = ip_of(BENCH_LOCAL_IP);
	dc.udp_port = 4789;
	dc.ttl = 64;
	dc.segments_max = 16;
	dc.vteps_max = 4096;
	mb->dp = dp_create(&dc, mb->m);
	if (mb->dp == NULL)
		return -errno;
	mb->lc = mb->dp->lcores[0];
	if (dp_port_info(mb->dp, 1, &pi) < 0)
		return -ENODEV;
	memset(&u, 0, sizeof(u));
	u.port = 1;
	memcpy(u.src_mac, pi.mac, 6);
	u.src_ip = dc.vtep_ip;
	u.port_ip = dc.vtep_ip;
	u.prefix_len = 24;
	u.udp_port = 4789;
	u.ttl = 64;
	return map_underlay_set(mb->m, &u);
}

static int
micro_seg_create(struct micro *mb)
{
	rte_be32_t flood[64];
	struct map_seg_conf sc = {.name = "bench",
	                          .vni = BENCH_VNI,
	                          .port = 0,
	                          .vlan = mb->o.vlan,
	                          .ageing_s = 300,
	                          .flood = flood,
	                          .nb_flood = (uint16_t)mb->o.flood_vteps};
	int idx;

	for (unsigned k = 0; k < mb->o.flood_vteps; k++)
		flood[k] = remote_ip(k);
	idx = map_seg_add(mb->m, &sc);
	if (idx < 0)
		return idx;
	mb->seg = (uint16_t)idx;
	/* Static neighbours: every remote VTEP resolved, as with
	 * ports[].neighbors in a configuration. */
	for (unsigned k = 0; k < mb->o.flood_vteps; k++) {
		uint8_t mac[6];

		bench_parse_mac(BENCH_REMOTE_MAC, mac);
		mac[5] = (uint8_t)(mac[5] + k);
		map_nexthop_set(mb->m, remote_ip(k), mac);
	}
	return 0;
}

/* Grow the filler entries (static, half local, half behind 64 VTEPs that
 * carry no traffic) to @p nb. */
static int
micro_fill(struct micro *mb, uint32_t nb)
{
	uint8_t mac[6];
	int r;

	for (uint32_t i = mb->nb_filler; i < nb; i++) {
		struct map_dest d = {.type = MAP_FDB_LOCAL, .port = 0, .vlan = mb->o.vlan};

		if (i & 1)
			d = (struct map_dest){.type = MAP_FDB_REMOTE,
			                      .vtep_ip = remote_ip(16 + i / 2 % 64)};
		bench_flow_mac(mac, MICRO_FILL_KIND, i);
		r = map_fdb_set(mb->m, mb->seg, mac, &d, MAP_SRC_STATIC, 0);
		if (r < 0)
			return r;
	}
	for (uint32_t i = nb; i < mb->nb_filler; i++) {
		bench_flow_mac(mac, MICRO_FILL_KIND, i);
		map_fdb_del(mb->m, mb->seg, mac, -1, -1);
	}
	mb->nb_filler = nb;
	map_reclaim(mb->m);
	return 0;
}

/*
 * The FDB entries the traffic of @p dir needs, learned as vtepd would have
 * learned them (so no learn event fires during the measurement): the
 * access side's sources behind the access port (encap, flood) or the
 * remote VMs behind the remote VTEP (decap), and the destination of the
 * encapsulated traffic behind the remote VTEP (static).
 */
static int
micro_traffic_entries(struct micro *mb, enum micro_dir dir, uint32_t flows)
{
	uint32_t now = map_now_s(mb->m, rte_rdtsc());
	struct map_dest local = {.type = MAP_FDB_LOCAL, .port = 0, .vlan = mb->o.vlan};
	struct map_dest remote = {.type = MAP_FDB_REMOTE, .vtep_ip = remote_ip(0)};
	unsigned own = dir == MICRO_DECAP; /* 0: access sources, 1: remote sources */
	uint8_t mac[6];
	int r;

	/* This direction's sources, and none of the other's: every case
	 * runs on a table of the nominal size. */
	for (unsigned kind = 0; kind < 2; kind++) {
		uint32_t want = kind == own ? flows : 0;

		for (uint32_t i = 0; i < want; i++) {
			bench_flow_mac(mac, kind ? BENCH_SRC_REMOTE : BENCH_SRC_ACCESS, i);
			r = map_fdb_learn(mb->m, mb->seg, mac, kind ? &remote : &local, now);
			if (r < 0)
				return r;
		}
		for (uint32_t i = want; i < mb->traffic_flows[kind]; i++) {
			bench_flow_mac(mac, kind ? BENCH_SRC_REMOTE : BENCH_SRC_ACCESS, i);
			map_fdb_del(mb->m, mb->seg, mac, -1, -1);
		}
		mb->traffic_flows[kind] = want;
	}
	bench_parse_mac(BENCH_DST_MAC, mac);
	r = map_fdb_set(mb->m, mb->seg, mac, &remote, MAP_SRC_STATIC, 0);
	/* --dsts: static, behind the resolved VTEPs, one more entry each. */
	for (uint32_t j = 0; r == 0 && mb->o.dsts > 1 && j < mb->o.dsts; j++) {
		struct map_dest d = {.type = MAP_FDB_REMOTE,
		                     .vtep_ip = remote_ip(j % mb->o.flood_vteps)};

		bench_flow_mac(mac, MICRO_DST_KIND, j);
		r = map_fdb_set(mb->m, mb->seg, mac, &d, MAP_SRC_STATIC, 0);
	}
	map_reclaim(mb->m);
	return r;
}

/* ------------------------------------------------------------------ */
/* Measurement, on the forwarding lcore                                */

/* Fill a burst the way net_pcap's infinite replay does. */
static inline int
micro_burst_fill(struct rte_mempool *pool, struct rte_mbuf **pkts, const struct micro_case *c,
                 uint32_t *next)
{
	uint32_t k = *next;

	if (rte_pktmbuf_alloc_bulk(pool, pkts, MICRO_BURST) != 0)
		return -ENOBUFS;
	for (unsigned i = 0; i < MICRO_BURST; i++) {
		struct rte_mbuf *m = pkts[i];

		rte_memcpy(rte_pktmbuf_mtod(m, void *), c->frames + (size_t)k * c->frame_len,
		           c->frame_len);
		m->data_len = c->frame_len;
		m->pkt_len = c->frame_len;
		if (++k == c->nb_frames)
			k = 0;
	}
	*next = k;
	return 0;
}

/* @return cycles per input packet of @p bursts bursts; dut: through the
 * dataplane, else the reference (straight to the output port). */
static double
micro_run(struct micro_case *c, uint32_t bursts, bool dut)
{
	struct dp_lcore *lc = c->mb->lc;
	const struct dp_rxq *q = &lc->rxq[c->dir == MICRO_DECAP ? 1 : 0];
	uint16_t out = lc->port[c->dir == MICRO_DECAP ? 0 : 1].ethdev;
	struct rte_mbuf *pkts[MICRO_BURST];
	uint32_t next = 0;
	uint64_t t0;

	t0 = rte_rdtsc_precise();
	for (uint32_t b = 0; b < bursts; b++) {
		if (micro_burst_fill(lc->pool, pkts, c, &next) < 0)
			return -1;
		if (dut) {
			/* One pass of the burst loop: clock, burst, RCU report. */
			dp_lcore_tick(lc);
			dp_burst_input(lc, q, pkts, MICRO_BURST);
			map_reader_quiescent(lc->map, lc->id);
		} else {
			uint16_t n = rte_eth_tx_burst(out, lc->txq, pkts, MICRO_BURST);

			if (n < MICRO_BURST)
				rte_pktmbuf_free_bulk(pkts + n, MICRO_BURST - n);
		}
	}
	return (double)(rte_rdtsc_precise() - t0) / ((double)bursts * MICRO_BURST);
}

static int
micro_case_main(void *arg)
{
	struct micro_case *c = arg;
	struct micro *mb = c->mb;
	uint32_t warm = mb->o.bursts / 10 + 1;

	map_reader_online(mb->m, mb->lc->id);
	micro_run(c, warm, false);
	micro_run(c, warm, true);
	for (unsigned r = 0; r < mb->o.repeat; r++) {
		c->ref[r] = micro_run(c, mb->o.bursts, false);
		c->dut[r] = micro_run(c, mb->o.bursts, true);
	}
	map_reader_offline(mb->m, mb->lc->id);
	return 0;
}

/* The input frames of a case: plain frames for encap and flood (flood: to
 * the broadcast address), tagged with @p vlan when it is not 0 (they leave
 * the gateway without it: a frame of @p len bytes is encapsulated), VXLAN
 * packets for decap (whose delivery pushes the tag). */
static uint8_t *
micro_frames(enum micro_dir dir, uint32_t flows, uint32_t dsts, uint16_t len, uint16_t vlan,
             uint16_t *frame_len)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint16_t flen = dir == MICRO_DECAP ? (uint16_t)(len + BENCH_VXLAN_HLEN)
	                                   : (uint16_t)(len + (vlan != 0 ? 4 : 0));
	uint8_t *f = malloc((size_t)flows * flen), inner[BENCH_FRAME_MAX];

	if (f == NULL)
		return NULL;
	for (uint32_t i = 0; i < flows; i++) {
		uint8_t *p = f + (size_t)i * flen;

		if (dir == MICRO_DECAP) {
			bench_inner_frame(inner, i, len, BENCH_SRC_REMOTE, NULL);
			bench_vxlan_frame(p, inner, len, i, BENCH_VNI);
		} else if (dir == MICRO_FLOOD) {
			bench_inner_frame(p, i, len, BENCH_SRC_ACCESS, bcast);
		} else if (dsts > 1) {
			uint8_t dst[6];

			bench_flow_mac(dst, MICRO_DST_KIND, i % dsts);
			bench_inner_frame(p, i, len, BENCH_SRC_ACCESS, dst);
		} else {
			bench_inner_frame(p, i, len, BENCH_SRC_ACCESS, NULL);
		}
		if (dir != MICRO_DECAP && vlan != 0)
			bench_tag_frame(p, len, vlan);
	}
	*frame_len = flen;
	return f;
}

static int
micro_case(struct micro *mb, enum micro_dir dir, uint16_t len, uint32_t entries)
{
	struct micro_result *res = &mb->res[mb->nb_res];
	struct micro_case c = {.mb = mb, .dir = dir};
	struct dp_counters c0, c1;
	struct map_stats st;
	uint32_t flows = RTE_MIN(mb->o.flows, entries);
	double work[MICRO_MAX_REP];
	int r;

	r = micro_traffic_entries(mb, dir, flows);
	if (r < 0)
		return r;
	c.frames = micro_frames(dir, flows, mb->o.dsts, len, mb->o.vlan, &c.frame_len);
	if (c.frames == NULL)
		return -ENOMEM;
	c.nb_frames = flows;
	dp_counters_read(mb->dp, &c0);
	rte_eal_remote_launch(micro_case_main, &c, mb->lc->lcore_id);
	rte_eal_wait_lcore(mb->lc->lcore_id);
	dp_counters_read(mb->dp, &c1);
	free(c.frames);
	map_stats_get(mb->m, &st);
	for (unsigned i = 0; i < mb->o.repeat; i++)
		work[i] = c.dut[i] - c.ref[i];
	*res = (struct micro_result){.dir = dir,
	                             .len = len,
	                             .entries = entries,
	                             .nb_fdb = st.nb_fdb,
	                             .flows = flows,
	                             .dsts = dir == MICRO_ENCAP ? mb->o.dsts : 1};
	res->work_med = median(work, mb->o.repeat);
	res->ref_med = median(c.ref, mb->o.repeat); /* sorts: [0] is the best */
	res->dut_med = median(c.dut, mb->o.repeat);
	res->ref_best = c.ref[0];
	res->dut_best = c.dut[0];
	res->work_best = res->dut_best - res->ref_best;
	res->drops = dp_counters_drops(&c1) - dp_counters_drops(&c0);
	res->events = c1.events_posted + c1.events_lost - c0.events_posted - c0.events_lost;
	res->out_per_in = c1.flood_pkts > c0.flood_pkts ? (c1.flood_copies - c0.flood_copies) /
	                                                          (c1.flood_pkts - c0.flood_pkts)
	                                                : 1;
	mb->nb_res++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Options, output                                                     */

static int
parse_list(const char *s, uint32_t *out, unsigned max, unsigned *nb)
{
	char *end;

	*nb = 0;
	do {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || *nb == max || v == 0 || v > UINT32_MAX)
			return -1;
		out[(*nb)++] = (uint32_t)v;
		s = end + 1;
	} while (*end == ',');
	return *end == '\0' ? 0 : -1;
}

static int
parse_opts(int argc, char **argv, struct micro_opts *o)
{
	static const struct option longopts[] = {
	        {"entries", required_argument, NULL, 'e'},
	        {"flows", required_argument, NULL, 'f'},
	        {"lens", required_argument, NULL, 'l'},
	        {"dirs", required_argument, NULL, 'd'},
	        {"bursts", required_argument, NULL, 'b'},
	        {"repeat", required_argument, NULL, 'r'},
	        {"flood-vteps", required_argument, NULL, 'v'},
	        {"dsts", required_argument, NULL, 't'},
	        {"vlan", required_argument, NULL, 'g'},
	        {NULL, 0, NULL, 0},
	};
	uint32_t v[MICRO_MAX_LIST];
	unsigned n;
	int ch;

	*o = (struct micro_opts){.entries = {1, 1000, 1000000},
	                         .nb_entries = 3,
	                         .lens = {60, 1496},
	                         .nb_lens = 2,
	                         .dirs = {true, true, true},
	                         .flows = 1024,
	                         .bursts = 20000,
	                         .repeat = 15,
	                         .flood_vteps = 4,
	                         .dsts = 1};
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if (parse_list(optarg, o->entries, MICRO_MAX_LIST, &o->nb_entries) < 0)
				return -1;
			break;
		case 'l':
			if (parse_list(optarg, v, MICRO_MAX_LIST, &n) < 0)
				return -1;
			for (o->nb_lens = 0; o->nb_lens < n; o->nb_lens++) {
				if (v[o->nb_lens] < BENCH_FRAME_MIN || v[o->nb_lens] > 1500)
					return -1;
				o->lens[o->nb_lens] = (uint16_t)v[o->nb_lens];
			}
			break;
		case 'd':
			for (unsigned d = 0; d < MICRO_NB_DIRS; d++)
				o->dirs[d] = strstr(optarg, dir_names[d]) != NULL;
			break;
		case 'g': { /* 0 (untagged) is a value here */
			char *end;
			unsigned long vid = strtoul(optarg, &end, 10);

			if (end == optarg || *end != '\0' || vid > 4094)
				return -1;
			o->vlan = (uint16_t)vid;
			break;
		}
		case 'f':
		case 'b':
		case 'r':
		case 'v':
		case 't':
			if (parse_list(optarg, v, 1, &n) < 0)
				return -1;
			if (ch == 'f')
				o->flows = v[0];
			else if (ch == 'b')
				o->bursts = v[0];
			else if (ch == 'r')
				o->repeat = v[0];
			else if (ch == 't')
				o->dsts = v[0];
			else
				o->flood_vteps = v[0];
			break;
		default:
			return -1;
		}
	}
	if (o->repeat > MICRO_MAX_REP || o->flood_vteps > 16 || o->flows > 1000000 ||
	    o->dsts > 1000000)
		return -1;
	return 0;
}

static void
print_results(const struct micro *mb)
{
	double hz = (double)rte_get_tsc_hz();

	printf("\nvtep-bench-micro: cycles per input packet, one lcore, TSC %.0f MHz, bursts of "
	       "%d, %u interleaved runs of %u bursts each\n",
	       hz / 1e6, MICRO_BURST, mb->o.repeat, mb->o.bursts);
	if (mb->o.vlan != 0)
		printf("segment on VLAN %u of the access port: encap input tagged, decap output "
		       "tagged\n",
		       mb->o.vlan);
	printf("%-6s %5s %8s %6s %6s %4s | %6s %6s %6s | %6s %6s %6s | %6s\n", "dir", "len", "fdb",
	       "flows", "dsts", "out", "io", "vtepd", "work", "io", "vtepd", "work", "Mpps");
	printf("%-41s | %-20s | %-20s |\n", "", "best run", "median");
	for (unsigned i = 0; i < mb->nb_res; i++) {
		const struct micro_result *r = &mb->res[i];

		printf("%-6s %5u %8u %6u %6u %4" PRIu64
		       " | %6.1f %6.1f %6.1f | %6.1f %6.1f %6.1f | %6.2f%s\n",
		       dir_names[r->dir], r->len + 4, r->nb_fdb, r->flows, r->dsts, r->out_per_in,
		       r->ref_best, r->dut_best, r->work_best, r->ref_med, r->dut_med, r->work_med,
		       hz / r->dut_best / 1e6,
		       r->drops || r->events ? "  (drops or learn events!)" : "");
	}
	printf("len: inner frame on the wire (with FCS); dsts: destinations of the frames;\n"
	       "out: packets sent per input frame;\n"
	       "io: allocate + copy + transmit/free (the reference, no dataplane); vtepd: the "
	       "same\n"
	       "through dp_burst_input(); work = vtepd - io; Mpps = TSC / best vtepd cycles.\n"
	       "Interference from other processes only adds cycles: the best run is the figure,\n"
	       "the median shows how noisy the machine was.\n");
	printf("{\"bench\":\"micro\",\"tsc_hz\":%.0f,\"repeat\":%u,\"bursts\":%u,\"rows\":[", hz,
	       mb->o.repeat, mb->o.bursts);
	for (unsigned i = 0; i < mb->nb_res; i++) {
		const struct micro_result *r = &mb->res[i];

		printf("%s{\"dir\":\"%s\",\"frame_len\":%u,\"fdb_entries\":%u,\"flows\":%u,"
		       "\"dsts\":%u,\"vlan\":%u,"
		       "\"io_cyc\":%.1f,\"vtepd_cyc\":%.1f,\"work_cyc\":%.1f,\"io_med\":%.1f,"
		       "\"vtepd_med\":%.1f,\"work_med\":%.1f,\"drops\":%" PRIu64
		       ",\"events\":%" PRIu64 "}",
		       i ? "," : "", dir_names[r->dir], r->len + 4, r->nb_fdb, r->flows, r->dsts,
		       mb->o.vlan, r->ref_best, r->dut_best, r->work_best, r->ref_med, r->dut_med,
		       r->work_med, r->drops, r->events);
	}
	printf("]}\n");
}

int
main(int argc, char **argv)
{
	struct micro *mb;
	int skip, r = 0;

	skip = bench_eal_init(argc, argv, "vtep_bench_micro");
	if (skip < 0) {
		fprintf(stderr, "vtep-bench-micro: EAL initialisation failed\n");
		return 1;
	}
	mb = calloc(1, sizeof(*mb));
	if (mb == NULL || parse_opts(argc - skip, argv + skip, &mb->o) < 0) {
		fprintf(stderr,
		        "usage: vtep-bench-micro [EAL args --] [--entries N,..] [--flows N] "
		        "[--lens N,..] [--dirs encap,decap,flood] [--bursts N] [--repeat N] "
		        "[--flood-vteps N] [--dsts N] [--vlan N]\n");
		return 2;
	}
	if (rte_lcore_count() < 2) {
		fprintf(stderr, "vtep-bench-micro: needs a main and a worker lcore (-l 0,1)\n");
		return 2;
	}
	log_set_level(RTE_LOG_WARNING);
	r = micro_dp_create(mb);
	if (r == 0)
		r = micro_seg_create(mb);
	if (r == 0)
		r = dp_ports_start(mb->dp);
	for (unsigned e = 0; r == 0 && e < mb->o.nb_entries; e++) {
		uint32_t want = mb->o.entries[e];
		uint32_t fl = RTE_MIN(mb->o.flows, want);

		/* Fillers so that encap's table (sources + destinations)
		 * holds the nominal number of entries. */
		uint32_t own = fl + (mb->o.dsts > 1 ? mb->o.dsts : 1);

		r = micro_fill(mb, want > own ? want - own : 0);
		for (unsigned l = 0; r == 0 && l < mb->o.nb_lens; l++)
			for (unsigned d = 0; r == 0 && d < MICRO_NB_DIRS; d++)
				if (mb->o.dirs[d])
					r = micro_case(mb, (enum micro_dir)d, mb->o.lens[l], want);
		fprintf(stderr, "vtep-bench-micro: fdb %u done\n", want);
	}
	if (r < 0)
		fprintf(stderr, "vtep-bench-micro: %s\n", strerror(-r));
	else
		print_results(mb);
	dp_destroy(mb->dp);
	map_destroy(mb->m);
	free(mb);
	rte_eal_cleanup();
	return r < 0 ? 1 : 0;
}
