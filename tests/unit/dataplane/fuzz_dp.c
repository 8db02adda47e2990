/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_dp.c - libFuzzer targets for the two receive paths of a real
 * dataplane (dp_fixture.h: dp_create() on net_null ports, the tables of
 * tests/pkt/pkt_test.py): one input is one frame received on the underlay
 * port (fuzz_underlay: classify, decapsulate, learn, ARP, ICMP) or on the
 * access port (fuzz_access: classify, learn, encapsulate, flood).
 *
 * Input: a 4-byte header, then the frame.
 *   [0] flags: 1 NIC says IP checksum good, 2 NIC says bad, 4 the NIC
 *       stripped a VLAN tag (vlan_tci from [2..3]), 8 RSS hash present,
 *       16 chain the frame in two segments at offset [1], 32 receive it
 *       twice in one burst (bulk lookup, learn dedup);
 *   [1] segment split offset; [2..3] stripped tag's TCI.
 * After each input it aborts (libFuzzer reports a crash) unless:
 *   - every mbuf is back in the pool (dp_mempool_info(): no leak);
 *   - each frame ended in at most one outcome (one drop reason, or
 *     delivered, encapsulated, flooded, answered);
 *   - what waits for transmission is well formed: an encapsulated packet
 *     has a right outer IPv4 checksum and lengths, a known VNI, a resolved
 *     next hop's MAC and an ephemeral source port, within the underlay
 *     MTU; a decapsulated frame fits the access port and carries one of
 *     the segments' tags, or none.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true ... (tests/fuzz/run.sh)
 *   build-fuzz/tests/unit/dataplane/fuzz_underlay -max_len=1600 tests/fuzz/corpus/underlay
 *
 * Without VTEP_LIBFUZZER the same code gets a main() that replays files:
 *   fuzz_dp_replay underlay|access FILE...   (the unit suite runs the
 * corpora and tests/fuzz/regress/{underlay,access} this way).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "dp_fixture.h"
#include "replay.h"

#define FZ_HDR      4
#define FZ_MAX_RX   1518 /* largest frame a port hands us: MTU 1500, Ethernet, one tag */
#define FZ_CSUM_OK  0x01
#define FZ_CSUM_BAD 0x02
#define FZ_STRIPPED 0x04
#define FZ_RSS      0x08
#define FZ_CHAIN    0x10
#define FZ_TWICE    0x20

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dp_fixture fx;

static void
fail(const char *what, const struct rte_mbuf *m)
{
	fprintf(stderr, "fuzz_dp: %s\n", what);
	if (m != NULL)
		rte_pktmbuf_dump(stderr, m, 128);
	abort();
}

/* Any hash a NIC might compute (FNV-1a: byte loads, no alignment needs). */
static uint32_t
rss_of(const uint8_t *p, uint16_t len)
{
	uint32_t h = 2166136261u;

	for (uint16_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The frame as a port would deliver it: one mbuf, or two chained. */
static struct rte_mbuf *
mbuf_make(const uint8_t *hdr, const uint8_t *p, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(fx.dp->pool), *tail;
	uint16_t first = len;

	if (m == NULL)
		fail("pool empty", NULL);
	if ((hdr[0] & FZ_CHAIN) && hdr[1] > 0 && hdr[1] < len)
		first = hdr[1];
	memcpy(rte_pktmbuf_append(m, first), p, first);
	if (first < len) {
		tail = rte_pktmbuf_alloc(fx.dp->pool);
		if (tail == NULL)
			fail("pool empty", NULL);
		memcpy(rte_pktmbuf_append(tail, (uint16_t)(len - first)), p + first, len - first);
		if (rte_pktmbuf_chain(m, tail) != 0)
			fail("cannot chain", NULL);
	}
	/* Flags from a port that checks checksums (decap reads them only
	 * from such a port). */
	fx.lc->port[DPF_PORT_UNDERLAY].rx_ip_cksum = (hdr[0] & (FZ_CSUM_OK | FZ_CSUM_BAD)) != 0;
	if (hdr[0] & FZ_CSUM_OK)
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	else if (hdr[0] & FZ_CSUM_BAD)
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	if (hdr[0] & FZ_STRIPPED) {
		m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
		m->vlan_tci = (uint16_t)(hdr[2] << 8 | hdr[3]);
	}
	if (hdr[0] & FZ_RSS) {
		m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
		m->hash.rss = rss_of(p, len);
	}
	return m;
}

static bool
vni_known(uint32_t vni)
{
	return vni == 5001 || vni == 5002 || vni == 5003 || vni == 5004;
}

/* An encapsulated packet about to leave the underlay port. */
static void
check_vxlan_out(const struct rte_mbuf *m, const uint8_t *p)
{
	static const uint8_t r1[6] = {2, 0, 0, 0, 2, 2}, r2[6] = {2, 0, 0, 0, 2, 3};
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint16_t tot = (uint16_t)(p[16] << 8 | p[17]), ulen = (uint16_t)(p[38] << 8 | p[39]);
	uint16_t sport = (uint16_t)(p[34] << 8 | p[35]);
	uint32_t vni = (uint32_t)(p[46] << 16 | p[47] << 8 | p[48]);

	if (rte_pktmbuf_data_len(m) < DP_VXLAN_HLEN_IPV4)
		fail("outer headers not contiguous", m);
	if (rte_raw_cksum(p + 14, 20) != 0xffff)
		fail("outer IPv4 checksum wrong", m);
	if (tot != len - 14 || ulen != tot - 20 || len > 1514)
		fail("outer lengths wrong or over the underlay MTU", m);
	if (memcmp(p, r1, 6) != 0 && memcmp(p, r2, 6) != 0)
		fail("sent to a next hop that is not resolved", m);
	if (sport < DP_UDP_SPORT_MIN || p[42] != 0x08 || !vni_known(vni))
		fail("bad source port, flags or VNI", m);
}

static void
check_tx(void)
{
	const struct dp_lcore *lc = fx.lc;

	for (uint16_t port = 0; port < lc->nb_ports; port++) {
		for (uint16_t i = 0; i < lc->tx[port].nb; i++) {
			const struct rte_mbuf *m = lc->tx[port].pkts[i];
			const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
			uint32_t len = rte_pktmbuf_pkt_len(m);
			uint16_t vid;

			if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)
				fail("frame shorter than an Ethernet header", m);
			if (port == DPF_PORT_UNDERLAY) {
				if (len >= DP_VXLAN_HLEN_IPV4 && p[12] == 0x08 && p[13] == 0 &&
				    p[23] == 17 && p[36] == 0x12 && p[37] == 0xb5)
					check_vxlan_out(m, p);
				continue;
			}
			if (len > lc->port[port].max_frame)
				fail("frame over the access port's MTU", m);
			if (p[12] != 0x81 || p[13] != 0x00)
				continue;
			vid = (uint16_t)((p[14] << 8 | p[15]) & 0xfff);
			if (vid != 100 && vid != 300 && vid != 400)
				fail("delivered with a VLAN that is no segment's", m);
		}
	}
}

static uint64_t
outcomes(const struct dp_counters *c)
{
	return dp_counters_drops(c) + c->decap_pkts + c->encap_pkts + c->flood_pkts +
	       c->arp_replies + c->icmp_echo_replies;
}

static void
fuzz_dp_one(uint16_t port, const uint8_t *data, size_t size)
{
	struct rte_mbuf *m[2];
	struct dp_counters before, after;
	uint16_t nb = 1, len;

	if (size < FZ_HDR + 1)
		return;
	len = (uint16_t)RTE_MIN(size - FZ_HDR, (size_t)FZ_MAX_RX);
	m[0] = mbuf_make(data, data + FZ_HDR, len);
	if (data[0] & FZ_TWICE)
		m[nb++] = mbuf_make(data, data + FZ_HDR, len);
	dp_counters_read(fx.dp, &before);
	dp_fixture_input(&fx, port, m, nb);
	check_tx();
	dp_fixture_flush(&fx);
	dp_counters_read(fx.dp, &after);
	if (outcomes(&after) - outcomes(&before) > nb)
		fail("a frame was counted twice (two drop reasons, or dropped and sent)", NULL);
	if (dp_fixture_in_use(&fx) != fx.base_in_use)
		fail("mbuf leak: the pool did not get every mbuf back", NULL);
}

static int
fixture_up(const char *name)
{
	if (dp_fixture_init(&fx, name) < 0 || dp_fixture_fill(&fx) < 0) {
		fprintf(stderr, "%s: cannot build the dataplane fixture\n", name);
		return -1;
	}
	return 0;
}

#ifdef VTEP_LIBFUZZER
/* At exit, so that LeakSanitizer's final check sees only real leaks. */
static void
fixture_down(void)
{
	dp_fixture_fini(&fx);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (fixture_up(FUZZ_DP_NAME) < 0)
		exit(1);
	atexit(fixture_down);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_dp_one(FUZZ_DP_PORT, data, size);
	return 0;
}
#else
static uint16_t replay_port;

static void
replay_one(const uint8_t *data, size_t size)
{
	fuzz_dp_one(replay_port, data, size);
}

int
main(int argc, char **argv)
{
	int nb;

	if (argc < 2 || (strcmp(argv[1], "underlay") != 0 && strcmp(argv[1], "access") != 0)) {
		fprintf(stderr, "usage: fuzz_dp_replay underlay|access FILE|DIR...\n");
		return 2;
	}
	replay_port = strcmp(argv[1], "underlay") == 0 ? DPF_PORT_UNDERLAY : DPF_PORT_ACCESS;
	if (fixture_up("fuzz_dp_replay") < 0)
		return 1;
	nb = fuzz_replay(argc - 2, argv + 2, replay_one);
	dp_fixture_fini(&fx);
	printf("fuzz_dp_replay: %d %s inputs replayed: no leak, no malformed output\n", nb,
	       argv[1]);
	return nb > 0 ? 0 : 1;
}
#endif
