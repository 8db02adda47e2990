/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gen.c - vtep-bench-gen: the bench's own traffic tool.
 *
 *   vtep-bench-gen pcap DIR [--flows 1,1024,65536] [--frame-len 60] [--vlan 0]
 *       Write DIR/plain_<N>.pcap (inner frames, the encap input; with
 *       --vlan N tagged with VLAN N) and DIR/vxlan_<N>.pcap (the same
 *       frames, untagged, as the remote VTEP sends them, the decap input)
 *       for each flow count. No EAL.
 *
 *   vtep-bench-gen EAL-ARGS -- MODE [options]
 *       Port 0 transmits, port 1 (if any) receives; both on the main
 *       lcore, typically net_memif clients of the gateway's ports.
 *     --pcap FILE --rate PPS --seconds S
 *       Replay FILE in a loop paced to PPS (0: as fast as possible).
 *       Frames the port refuses (its ring is full: the gateway did not
 *       keep up) are counted as refused and freed, never retried, so
 *       "refused" is the loss a NIC would count as rx missed.
 *     --learn N --rate PPS [--kind K] [--dst MAC]
 *       Send N frames, each from its own source MAC 02:K:i (K hex,
 *       default 0f), once (a refused frame is sent again): fills a
 *       gateway's FDB through its own learning at a rate its control
 *       thread can absorb.
 *     --latency --pcap FILE --interval-us I --count C
 *       Send one frame every I microseconds, stamped with the TSC in its
 *       last 16 bytes, and time its return on port 1: the gateway's
 *       forwarding latency, including its wake-up from idle.
 *   Prints one JSON line of results.
 *
 * Thread-safety: one thread (the EAL main lcore) does everything.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "frames.h"

#define GEN_BURST    32
#define GEN_NB_MBUFS 16383
#define GEN_MAGIC    0x48434e4250455456ull /* "VTEPBNCH" */
#define GEN_LAT_MAX  1000000
#define GEN_BACKLOG  512 /* frames a paced sender may be late, then it skips */

enum gen_mode { GEN_REPLAY, GEN_LEARN, GEN_LATENCY };

struct gen_opts {
	enum gen_mode mode;
	const char *pcap;
	double rate;
	double seconds;
	uint32_t learn;
	uint8_t kind;
	uint8_t dst[6];
	uint32_t interval_us;
	uint32_t count;
};

struct gen {
	struct gen_opts o;
	struct rte_mempool *pool;
	uint16_t tx_port, rx_port;
	bool has_rx;
	uint8_t *data; /* frames read from the pcap */
	uint8_t **frames;
	uint16_t *lens;
	uint32_t nb_frames;
	uint64_t offered, sent, refused, received, rx_bytes;
	uint64_t skipped; /* due while this process was not running: not sent */
};

static volatile sig_atomic_t gen_stop;

static void
on_signal(int sig)
{
	(void)sig;
	gen_stop = 1;
}

/* ------------------------------------------------------------------ */
/* pcap files                                                          */

/* With @p vlan (1..4094) the access side's frames carry an 802.1Q tag with
 * that VID (the encap input; what decap must deliver), and the VXLAN
 * packets the untagged frame: a segment on VLAN @p vlan. 0: untagged. */
static int
write_pcaps(const char *dir, const uint32_t *flows, unsigned nb, uint16_t len, uint16_t vlan)
{
	uint8_t inner[BENCH_FRAME_MAX], vx[BENCH_FRAME_MAX + BENCH_VXLAN_HLEN];
	uint8_t tagged[BENCH_FRAME_MAX + 4];
	uint16_t tlen;
	char path[4096];
	int r = 0;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	for (unsigned k = 0; k < nb && r == 0; k++) {
		struct bench_pcap plain, vxlan;

		snprintf(path, sizeof(path), "%s/plain_%u.pcap", dir, flows[k]);
		r = bench_pcap_open(&plain, path);
		if (r < 0)
			break;
		snprintf(path, sizeof(path), "%s/vxlan_%u.pcap", dir, flows[k]);
		r = bench_pcap_open(&vxlan, path);
		if (r < 0) {
			bench_pcap_close(&plain);
			break;
		}
		for (uint32_t i = 0; i < flows[k] && r == 0; i++) {
			bench_inner_frame(inner, i, len, BENCH_SRC_ACCESS, NULL);
			if (vlan != 0) {
				memcpy(tagged, inner, len);
				tlen = bench_tag_frame(tagged, len, vlan);
				r = bench_pcap_add(&plain, tagged, tlen);
			} else {
				r = bench_pcap_add(&plain, inner, len);
			}
			if (r == 0)
				r = bench_pcap_add(&vxlan, vx,
				                   bench_vxlan_frame(vx, inner, len, i, BENCH_VNI));
		}
		if (bench_pcap_close(&plain) < 0 || bench_pcap_close(&vxlan) < 0)
			r = r ? r : -EIO;
	}
	return r;
}

static int
cmd_pcap(int argc, char **argv)
{
	uint32_t flows[16] = {1, 1024, 65536};
	unsigned nb = 3;
	unsigned long len = BENCH_FRAME_MIN, vlan = 0;
	int r;

	for (int i = 3; i < argc; i += 2) {
		char *end, *s;

		if (i + 1 >= argc)
			return 2;
		if (strcmp(argv[i], "--frame-len") == 0) {
			len = strtoul(argv[i + 1], &end, 10);
			if (*end != '\0' || len < BENCH_FRAME_MIN || len > BENCH_FRAME_MAX)
				return 2;
		} else if (strcmp(argv[i], "--vlan") == 0) {
			vlan = strtoul(argv[i + 1], &end, 10);
			if (*end != '\0' || vlan > 4094)
				return 2;
		} else if (strcmp(argv[i], "--flows") == 0) {
			for (nb = 0, s = argv[i + 1]; nb < RTE_DIM(flows); s = end + 1) {
				flows[nb++] = (uint32_t)strtoul(s, &end, 10);
				if (end == s || flows[nb - 1] == 0 || (*end != ',' && *end != '\0'))
					return 2;
				if (*end == '\0')
					break;
			}
		} else {
			return 2;
		}
	}
	r = write_pcaps(argv[2], flows, nb, (uint16_t)len, (uint16_t)vlan);
	if (r < 0)
		fprintf(stderr, "vtep-bench-gen: %s: %s\n", argv[2], strerror(-r));
	return r < 0 ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* Ports                                                               */

static int
port_setup(struct gen *g, uint16_t port)
{
	struct rte_eth_conf conf;
	uint16_t nb_rxd = 1024, nb_txd = 1024;
	int r;

	memset(&conf, 0, sizeof(conf));
	r = rte_eth_dev_configure(port, 1, 1, &conf);
	if (r == 0)
		r = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (r == 0)
		r = rte_eth_rx_queue_setup(port, 0, nb_rxd, rte_eth_dev_socket_id(port), NULL,
		                           g->pool);
	if (r == 0)
		r = rte_eth_tx_queue_setup(port, 0, nb_txd, rte_eth_dev_socket_id(port), NULL);
	if (r == 0)
		r = rte_eth_dev_start(port);
	return r;
}

/* memif links come up when the peer accepts the connection. */
static int
wait_link(uint16_t port, double seconds)
{
	uint64_t end = rte_rdtsc() + (uint64_t)(seconds * (double)rte_get_tsc_hz());
	struct rte_eth_link link;

	while (rte_rdtsc() < end && !gen_stop) {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_ms(10);
	}
	return -ETIMEDOUT;
}

static void
rx_drain(struct gen *g)
{
	struct rte_mbuf *pkts[GEN_BURST];
	uint16_t n;

	if (!g->has_rx)
		return;
	n = rte_eth_rx_burst(g->rx_port, 0, pkts, GEN_BURST);
	for (uint16_t i = 0; i < n; i++)
		g->rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
	g->received += n;
	if (n)
		rte_pktmbuf_free_bulk(pkts, n);
}

/* Transmit up to @p n frames (the next ones in @p g->frames, or learn
 * frames from @p *next); refused ones are freed. @return frames offered. */
static unsigned
tx_frames(struct gen *g, unsigned n, uint32_t *next)
{
	struct rte_mbuf *pkts[GEN_BURST];
	uint16_t sent;

	n = RTE_MIN(n, (unsigned)GEN_BURST);
	if (rte_pktmbuf_alloc_bulk(g->pool, pkts, n) != 0)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		uint16_t len;

		if (g->o.mode == GEN_LEARN) {
			len = bench_inner_frame(p, *next, BENCH_FRAME_MIN, g->o.kind, g->o.dst);
		} else {
			len = g->lens[*next % g->nb_frames];
			rte_memcpy(p, g->frames[*next % g->nb_frames], len);
		}
		(*next)++;
		if (*next == g->nb_frames && g->o.mode == GEN_REPLAY)
			*next = 0;
		pkts[i]->data_len = len;
		pkts[i]->pkt_len = len;
	}
	sent = rte_eth_tx_burst(g->tx_port, 0, pkts, (uint16_t)n);
	if (sent < n)
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	g->sent += sent;
	g->refused += n - sent;
	if (g->o.mode == GEN_LEARN) {
		/* Every MAC must get through: a refused one goes again. */
		*next -= n - sent;
		n = sent;
	}
	g->offered += n;
	return n;
}

/* ------------------------------------------------------------------ */
/* Modes                                                               */

/* Replay (or learn) paced to o.rate: the frames due by now are sent in
 * bursts of at most 32, so the pace is exact over any interval longer
 * than a burst time. After a stall (this process descheduled) at most
 * GEN_BACKLOG frames are caught up and the rest is skipped and counted:
 * a burst at line rate would measure the generator, not the gateway. */
static double
run_paced(struct gen *g, uint64_t total)
{
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc(), now = t0;
	uint64_t end = t0 + (uint64_t)(g->o.seconds * (double)hz);
	double per_cycle = g->o.rate / (double)hz;
	uint32_t next = 0;

	while (!gen_stop && (total ? g->offered < total : now < end)) {
		uint64_t due = g->o.rate > 0 ? (uint64_t)((double)(now - t0) * per_cycle) + 1
		                             : g->offered + GEN_BURST;

		if (total && due > total)
			due = total;
		/* Back from a stall: the frames due meanwhile beyond the
		 * backlog are skipped (learning never skips a MAC). */
		if (g->o.rate > 0 && g->o.mode != GEN_LEARN &&
		    due > g->offered + g->skipped + GEN_BACKLOG)
			g->skipped = due - g->offered - GEN_BACKLOG;
		if (due > g->offered + g->skipped)
			tx_frames(g, (unsigned)(due - g->offered - g->skipped), &next);
		rx_drain(g);
		now = rte_rdtsc();
	}
	return (double)(rte_rdtsc() - t0) / (double)hz;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One stamped frame every interval; each is awaited (20 ms at most)
 * before the next is due, so every sample sees the gateway as the
 * interval left it. */
static int
run_latency(struct gen *g)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t *lat = calloc(g->o.count, sizeof(*lat));
	uint32_t nb_lat = 0, lost = 0;
	double us = 1e6 / (double)hz, sum = 0;

	if (lat == NULL)
		return -ENOMEM;
	for (uint32_t k = 0; k < g->o.count && !gen_stop; k++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(g->pool), *in[GEN_BURST];
		uint64_t t_tx, deadline, stamp[2];
		uint16_t len = g->lens[k % g->nb_frames];
		bool got = false;

		rte_delay_us_block(g->o.interval_us);
		if (m == NULL)
			return -ENOBUFS;
		rte_memcpy(rte_pktmbuf_mtod(m, void *), g->frames[k % g->nb_frames], len);
		m->data_len = m->pkt_len = len;
		t_tx = rte_rdtsc();
		stamp[0] = GEN_MAGIC;
		stamp[1] = t_tx;
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, len - 16), stamp, 16);
		if (rte_eth_tx_burst(g->tx_port, 0, &m, 1) != 1) {
			rte_pktmbuf_free(m);
			lost++;
			continue;
		}
		deadline = t_tx + hz / 50; /* 20 ms: a frame later than that is lost */
		while (!got && rte_rdtsc() < deadline) {
			uint16_t n = rte_eth_rx_burst(g->rx_port, 0, in, GEN_BURST);
			uint64_t now = rte_rdtsc();

			for (uint16_t i = 0; i < n; i++) {
				uint32_t l = rte_pktmbuf_pkt_len(in[i]);

				if (l >= 16 && rte_pktmbuf_data_len(in[i]) == l) {
					memcpy(stamp,
					       rte_pktmbuf_mtod_offset(in[i], uint8_t *, l - 16),
					       16);
					if (stamp[0] == GEN_MAGIC && stamp[1] == t_tx) {
						lat[nb_lat++] = now - t_tx;
						got = true;
					}
				}
			}
			if (n)
				rte_pktmbuf_free_bulk(in, n);
		}
		lost += !got;
	}
	qsort(lat, nb_lat, sizeof(*lat), cmp_u64);
	for (uint32_t i = 0; i < nb_lat; i++)
		sum += (double)lat[i];
	printf("{\"mode\":\"latency\",\"interval_us\":%u,\"samples\":%u,\"lost\":%u",
	       g->o.interval_us, nb_lat, lost);
	if (nb_lat > 0)
		printf(",\"min_us\":%.2f,\"p50_us\":%.2f,\"p90_us\":%.2f,\"p99_us\":%.2f,"
		       "\"max_us\":%.2f,\"mean_us\":%.2f",
		       (double)lat[0] * us, (double)lat[nb_lat / 2] * us,
		       (double)lat[nb_lat * 9 / 10] * us, (double)lat[nb_lat * 99 / 100] * us,
		       (double)lat[nb_lat - 1] * us, sum / nb_lat * us);
	printf("}\n");
	free(lat);
	return 0;
}

static int
parse_opts(int argc, char **argv, struct gen_opts *o)
{
	static const struct option longopts[] = {
	        {"pcap", required_argument, NULL, 'p'},
	        {"rate", required_argument, NULL, 'r'},
	        {"seconds", required_argument, NULL, 's'},
	        {"learn", required_argument, NULL, 'l'},
	        {"kind", required_argument, NULL, 'k'},
	        {"dst", required_argument, NULL, 'd'},
	        {"latency", no_argument, NULL, 'L'},
	        {"interval-us", required_argument, NULL, 'i'},
	        {"count", required_argument, NULL, 'c'},
	        {NULL, 0, NULL, 0},
	};
	char *end = NULL;
	int ch;

	*o = (struct gen_opts){.mode = GEN_REPLAY,
	                       .seconds = 10,
	                       .kind = 0x0f,
	                       .interval_us = 1000,
	                       .count = 1000};
	bench_parse_mac(BENCH_DST_MAC, o->dst);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		errno = 0;
		switch (ch) {
		case 'p':
			o->pcap = optarg;
			continue;
		case 'd':
			if (bench_parse_mac(optarg, o->dst) < 0)
				return -1;
			continue;
		case 'L':
			o->mode = GEN_LATENCY;
			continue;
		case 'r':
			o->rate = strtod(optarg, &end);
			break;
		case 's':
			o->seconds = strtod(optarg, &end);
			break;
		case 'l':
			o->mode = GEN_LEARN;
			o->learn = (uint32_t)strtoul(optarg, &end, 10);
			break;
		case 'k':
			o->kind = (uint8_t)strtoul(optarg, &end, 16);
			break;
		case 'i':
			o->interval_us = (uint32_t)strtoul(optarg, &end, 10);
			break;
		case 'c':
			o->count = (uint32_t)strtoul(optarg, &end, 10);
			break;
		default:
			return -1;
		}
		if (errno != 0 || *end != '\0')
			return -1;
	}
	if (o->mode != GEN_LEARN && o->pcap == NULL)
		return -1;
	if (o->rate < 0 || o->seconds <= 0 || o->count == 0 || o->count > GEN_LAT_MAX)
		return -1;
	return 0;
}

static int
gen_setup(struct gen *g)
{
	uint16_t nb = rte_eth_dev_count_avail();
	uint32_t room = RTE_MBUF_DEFAULT_DATAROOM;
	int r;

	if (nb == 0 || (g->o.mode == GEN_LATENCY && nb < 2))
		return -ENODEV;
	if (g->o.pcap != NULL) {
		r = bench_pcap_read(g->o.pcap, &g->data, &g->frames, &g->lens, &g->nb_frames);
		if (r < 0)
			return r;
	}
	if (g->o.mode == GEN_LEARN)
		g->nb_frames = g->o.learn;
	for (uint32_t i = 0; i < g->nb_frames && g->o.mode != GEN_LEARN; i++)
		room = RTE_MAX(room, (uint32_t)g->lens[i]);
	g->pool = rte_pktmbuf_pool_create("gen", GEN_NB_MBUFS, 256, 0,
	                                  (uint16_t)(room + RTE_PKTMBUF_HEADROOM),
	                                  (int)rte_socket_id());
	if (g->pool == NULL)
		return -ENOMEM;
	g->tx_port = 0;
	g->rx_port = 1;
	g->has_rx = nb > 1;
	for (uint16_t p = 0; p < RTE_MIN(nb, (uint16_t)2); p++) {
		r = port_setup(g, p);
		if (r == 0)
			r = wait_link(p, 10);
		if (r < 0) {
			fprintf(stderr, "vtep-bench-gen: port %u: %s\n", p, strerror(-r));
			return r;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct gen g = {0};
	double secs;
	int r;

	if (argc >= 3 && strcmp(argv[1], "pcap") == 0)
		return cmd_pcap(argc, argv);
	r = rte_eal_init(argc, argv);
	if (r < 0) {
		fprintf(stderr, "vtep-bench-gen: EAL initialisation failed\n");
		return 1;
	}
	if (parse_opts(argc - r, argv + r, &g.o) < 0) {
		fprintf(stderr,
		        "usage: vtep-bench-gen pcap DIR [--flows N,..] [--frame-len L] [--vlan N]\n"
		        "       vtep-bench-gen EAL -- --pcap F --rate PPS --seconds S\n"
		        "       vtep-bench-gen EAL -- --learn N --rate PPS [--kind K] [--dst M]\n"
		        "       vtep-bench-gen EAL -- --latency --pcap F --interval-us I "
		        "--count C\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	r = gen_setup(&g);
	if (r < 0) {
		fprintf(stderr, "vtep-bench-gen: %s\n", strerror(-r));
		return 1;
	}
	if (g.o.mode == GEN_LATENCY) {
		r = run_latency(&g);
	} else {
		secs = run_paced(&g, g.o.mode == GEN_LEARN ? g.o.learn : 0);
		/* What is still in flight comes back within a millisecond. */
		for (uint64_t end = rte_rdtsc() + rte_get_tsc_hz() / 100; rte_rdtsc() < end;)
			rx_drain(&g);
		printf("{\"mode\":\"%s\",\"seconds\":%.3f,\"rate_pps\":%.0f,\"offered\":%" PRIu64
		       ",\"sent\":%" PRIu64 ",\"refused\":%" PRIu64 ",\"skipped\":%" PRIu64
		       ",\"received\":%" PRIu64
		       ",\"offered_pps\":%.0f,\"sent_pps\":%.0f,\"received_pps\":%.0f}\n",
		       g.o.mode == GEN_LEARN ? "learn" : "replay", secs, g.o.rate, g.offered,
		       g.sent, g.refused, g.skipped, g.received, (double)g.offered / secs,
		       (double)g.sent / secs, (double)g.received / secs);
	}
	fflush(stdout);
	for (uint16_t p = 0; p < rte_eth_dev_count_avail(); p++) {
		rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
	rte_eal_cleanup();
	return r < 0 ? 1 : 0;
}
