/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pkt.h - pure packet functions over (bytes, length): classification and
 * validation of underlay frames, the encapsulation header patch, the flow
 * hash for the UDP source port, ARP and ICMP echo replies. They need no
 * EAL, no mbuf and no table, so unit tests and fuzzers call them directly.
 *
 * Thread-safety: pure functions, callable from any thread.
 */
#ifndef VTEP_DP_PKT_H
#define VTEP_DP_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(RTE_ARCH_X86)
#include <emmintrin.h>
#endif

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>

#include "common/compiler.h"
#include "dp.h"

/*
 * Byte order on the hot path. DPDK 22.11's x86 rte_bswap16/32() are
 * `asm volatile` for a value that is not a constant: gcc can neither fold
 * them into the loads and stores around them (movbe, rol) nor move them,
 * and encap paid five instructions a frame for it (bench/instr.sh). The
 * builtins are the same operation, visible to the compiler.
 */
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
#define dp_be16(x) __builtin_bswap16(x)
#define dp_be32(x) __builtin_bswap32(x)
#else
#define dp_be16(x) ((uint16_t)(x))
#define dp_be32(x) ((uint32_t)(x))
#endif

#define DP_UDP_SPORT_MIN   49152 /* RFC 7348 5: ephemeral range for the entropy port */
#define DP_VXLAN_HLEN_IPV4 50    /* outer Ethernet + IPv4 + UDP + VXLAN */
#define DP_VXLAN_MIN_LEN   (DP_VXLAN_HLEN_IPV4 + RTE_ETHER_HDR_LEN) /* + inner Ethernet */

#define DP_UL_FAST_LEN 64 /* bytes the fast classifier compares at once */

/* What the underlay receive path must know about this gateway.
 * Set up with dp_ul_ctx_init(). */
struct dp_ul_ctx {
	/* Where fast_mask is set, a valid VXLAN packet to us (outer IPv4
	 * without options, UDP checksum 0) has the bytes of fast_want: our
	 * MAC, EtherType, version/IHL, no fragment, UDP, our VTEP address,
	 * the VXLAN port, the flags and reserved bits. */
	uint8_t fast_want[DP_UL_FAST_LEN] __rte_aligned(16);
	uint8_t fast_mask[DP_UL_FAST_LEN] __rte_aligned(16);
	struct rte_ether_addr mac; /* the underlay port's MAC */
	rte_be32_t vtep_ip;        /* gateway VTEP address */
	rte_be32_t port_ip;        /* underlay port address (may equal vtep_ip) */
	rte_be16_t udp_port;       /* VXLAN port, network order */
};

/** Fill @p c for a gateway with these addresses (network order). */
void dp_ul_ctx_init(struct dp_ul_ctx *c, const struct rte_ether_addr *mac, rte_be32_t vtep_ip,
                    rte_be32_t port_ip, rte_be16_t udp_port);

enum dp_ul_kind {
	DP_UL_VXLAN, /* a valid VXLAN packet to us */
	DP_UL_ARP,   /* ARP: dp_arp_*() decide */
	DP_UL_ICMP,  /* ICMP to one of our addresses */
	DP_UL_DROP,  /* invalid: drop with info.drop */
};

struct dp_ul_info {
	uint8_t kind;       /* enum dp_ul_kind */
	uint8_t drop;       /* enum dp_drop, for DP_UL_DROP */
	uint16_t l3_off;    /* outer IPv4 header */
	uint16_t inner_off; /* inner Ethernet header */
	uint16_t inner_len; /* inner frame length (outer padding excluded) */
	uint32_t vni;       /* host order */
	rte_be32_t src_ip;  /* outer source: the sending VTEP */
};

/**
 * Is @p src (network order) no sender of VXLAN to us: 0.0.0.0/8 ("this
 * network", RFC 1122), loopback, multicast or reserved (224/3), or one of
 * our own addresses (a loop)? Such packets are dropped as DP_DROP_IP_SRC,
 * and their inner sources never learned.
 */
static inline bool
dp_ul_src_martian(rte_be32_t src, const struct dp_ul_ctx *c)
{
	const uint8_t first = ((const uint8_t *)&src)[0];

	return first == 0 || first == 127 || first >= 224 || src == c->vtep_ip || src == c->port_ip;
}

/* No sender known to be good yet (dp_ul_classify_from()): wider than any
 * address, so it equals none. */
#define DP_UL_SRC_NONE ((uint64_t)1 << 32)

/**
 * Slow, exhaustive classification of an underlay frame: finds the exact
 * drop reason of a bad frame, or accepts what the fast path leaves to it
 * (IP options, a non-zero UDP checksum, ARP, ICMP).
 * @param ip_cksum_good the NIC verified the IPv4 header checksum.
 */
void dp_ul_classify_slow(const uint8_t *p, uint32_t len, const struct dp_ul_ctx *c,
                         bool ip_cksum_good, struct dp_ul_info *out);

/**
 * Is the checksum of the 20-byte IPv4 header at @p ip right? Five 32-bit
 * adds and a remainder: the ones'-complement sum of 16-bit words is the
 * same however the words are grouped (RFC 1071), and this is several times
 * cheaper than the generic byte loop.
 */
static inline bool
dp_ipv4_cksum20_ok(const uint8_t *ip)
{
	uint32_t w0, w1, w2, w3, w4;
	uint64_t s;

	/* Five loads from the packet. Copied as one block into an array,
	 * the compiler bounced the header through a 16-byte store on the
	 * stack and read it back in 4-byte pieces: a store-forwarding stall
	 * on every packet (4 cycles of decap's 25 in bench/micro). */
	memcpy(&w0, ip, 4);
	memcpy(&w1, ip + 4, 4);
	memcpy(&w2, ip + 8, 4);
	memcpy(&w3, ip + 12, 4);
	memcpy(&w4, ip + 16, 4);
	s = (uint64_t)w0 + w1 + w2 + w3 + w4;
	/* Ones'-complement addition is addition modulo 0xffff (2^16 = 1
	 * there, so a 32-bit word counts as its two halves): the folded sum
	 * is 0xffff - a valid header - exactly when the sum is a non-zero
	 * multiple of 0xffff. A remainder by a constant is a multiply and a
	 * shift, where folding 64 bits down to 16 took four dependent steps. */
	return s != 0 && s % 0xffff == 0;
}

/**
 * Classify an underlay frame. The common case - IPv4 without options, UDP
 * to our VXLAN port with checksum 0, valid VXLAN header - is decided here
 * with one masked compare of the first 64 bytes and a handful of compares;
 * anything else goes to dp_ul_classify_slow().
 * @param good_src an outer source address this function has accepted
 *   before (a DP_UL_VXLAN result's src_ip), or DP_UL_SRC_NONE. A frame
 *   from it skips the martian checks (dp_ul_src_martian(): a function of
 *   the address alone): the frames of a burst mostly come from one VTEP.
 */
static inline void
dp_ul_classify_from(const uint8_t *p, uint32_t len, const struct dp_ul_ctx *c, bool ip_cksum_good,
                    uint64_t good_src, struct dp_ul_info *out)
{
	const uint8_t *ip = p + RTE_ETHER_HDR_LEN;
	uint16_t tot, ulen;
	uint32_t src, w1;

	if (unlikely(len < DP_VXLAN_MIN_LEN))
		goto slow;
		/* Every fixed field at once: 64 bytes xor what we want, masked. */
#if defined(RTE_ARCH_X86)
	{
		const __m128i *pw = (const __m128i *)p;
		const __m128i *want = (const __m128i *)c->fast_want;
		const __m128i *mask = (const __m128i *)c->fast_mask;
		__m128i d = _mm_and_si128(_mm_xor_si128(_mm_loadu_si128(pw), want[0]), mask[0]);

		RTE_BUILD_BUG_ON(DP_UL_FAST_LEN != 64);
		d = _mm_or_si128(
		        d, _mm_and_si128(_mm_xor_si128(_mm_loadu_si128(pw + 1), want[1]), mask[1]));
		d = _mm_or_si128(
		        d, _mm_and_si128(_mm_xor_si128(_mm_loadu_si128(pw + 2), want[2]), mask[2]));
		d = _mm_or_si128(
		        d, _mm_and_si128(_mm_xor_si128(_mm_loadu_si128(pw + 3), want[3]), mask[3]));
		if (unlikely(_mm_movemask_epi8(_mm_cmpeq_epi8(d, _mm_setzero_si128())) != 0xffff))
			goto slow;
	}
#else
	{
		uint64_t d = 0, x, w, m;

		for (unsigned k = 0; k < DP_UL_FAST_LEN; k += 8) {
			memcpy(&x, p + k, 8);
			memcpy(&w, c->fast_want + k, 8);
			memcpy(&m, c->fast_mask + k, 8);
			d |= (x ^ w) & m;
		}
		if (unlikely(d != 0))
			goto slow;
	}
#endif
	/* What a mask cannot say: lengths, TTL, a plausible sender. */
	memcpy(&tot, ip + 2, 2);
	memcpy(&ulen, ip + 24, 2);
	memcpy(&src, ip + 12, 4);
	tot = dp_be16(tot);
	/* 50 <= tot <= len - 14 in one unsigned compare (len >= 64 here):
	 * an inner Ethernet header, and no more than the frame holds. */
	RTE_BUILD_BUG_ON(DP_VXLAN_MIN_LEN != DP_VXLAN_HLEN_IPV4 + RTE_ETHER_HDR_LEN);
	if (unlikely((uint32_t)tot - (20 + 8 + 8 + RTE_ETHER_HDR_LEN) >
	                     len - (RTE_ETHER_HDR_LEN + 20 + 8 + 8 + RTE_ETHER_HDR_LEN) ||
	             dp_be16(ulen) != tot - 20 || ip[8] == 0))
		goto slow;
	if (src != good_src && unlikely(dp_ul_src_martian(src, c)))
		goto slow;
	if (!ip_cksum_good && unlikely(!dp_ipv4_cksum20_ok(ip)))
		goto slow;
	memcpy(&w1, ip + 32, 4);
	out->kind = DP_UL_VXLAN;
	out->l3_off = RTE_ETHER_HDR_LEN;
	out->inner_off = DP_VXLAN_HLEN_IPV4;
	out->inner_len = (uint16_t)(tot - 36);
	out->vni = dp_be32(w1) >> 8;
	out->src_ip = src;
	return;
slow : {
	/* Through a copy: were @p out's address to reach the (out of line)
	 * slow path, the caller's struct would live in memory, its fields
	 * written in one width and read back in another on every packet. */
	struct dp_ul_info slow_info;

	dp_ul_classify_slow(p, len, c, ip_cksum_good, &slow_info);
	*out = slow_info;
}
}

/** dp_ul_classify_from() with no sender known to be good. */
static inline void
dp_ul_classify(const uint8_t *p, uint32_t len, const struct dp_ul_ctx *c, bool ip_cksum_good,
               struct dp_ul_info *out)
{
	dp_ul_classify_from(p, len, c, ip_cksum_good, DP_UL_SRC_NONE, out);
}

/* CRC32-C steps of the flow hash: the instruction itself where the build
 * targets SSE 4.2 (rte_hash_crc_*() test a global for it every call). */
#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
#include <nmmintrin.h>
#define dp_crc32c_u64(data, h) ((uint32_t)_mm_crc32_u64((h), (data)))
#define dp_crc32c_u32(data, h) _mm_crc32_u32((h), (data))
#else
#define dp_crc32c_u64(data, h) rte_hash_crc_8byte((data), (h))
#define dp_crc32c_u32(data, h) rte_hash_crc_4byte((data), (h))
#endif

/**
 * Flow hash of an Ethernet frame whose EtherType is @p tag bytes after the
 * MACs (0, or 4 behind an 802.1Q tag): for IPv4 the protocol and
 * addresses, and the TCP/UDP ports of an unfragmented datagram (the
 * 5-tuple, as the kernel's vxlan driver hashes); for anything else the
 * MACs and EtherType. A tagged frame hashes as it will once the tag is
 * removed, so the hash can be taken while its headers are being parsed.
 * Frames of one flow hash alike, so they take one underlay ECMP path
 * (RFC 7348 5). @p len must be at least 14 + @p tag.
 */
static inline uint32_t
dp_flow_hash_at(const uint8_t *p, uint32_t len, unsigned tag)
{
	const uint8_t *l3 = p + tag; /* l3 + 14: the network header */
	uint64_t a, b;
	uint32_t w, ports;
	uint16_t et;

	memcpy(&et, l3 + 12, 2);
	if (likely(et == RTE_BE16(RTE_ETHER_TYPE_IPV4) && len >= 38 + tag)) {
		/* Bytes 20..23: flags and fragment offset, TTL, protocol. */
		memcpy(&w, l3 + 20, 4);
		memcpy(&a, l3 + 26, 8); /* IPv4 source + destination */
		w = dp_be32(w);
		a = dp_crc32c_u64(a, 0x9e3779b9u ^ (w & 0xff));
		if (l3[14] == 0x45 && ((w & 0xff) == IPPROTO_UDP || (w & 0xff) == IPPROTO_TCP) &&
		    (w & 0x3fff0000) == 0) {
			memcpy(&ports, l3 + 34, 4);
			a = dp_crc32c_u32(ports, (uint32_t)a);
		}
		return (uint32_t)a;
	}
	memcpy(&a, p, 8);
	memcpy(&b, p + 6, 8); /* source MAC + EtherType (the TPID if tagged) */
	if (tag != 0)
		b = (b & 0xffffffffffffull) | (uint64_t)et << 48; /* little endian: bytes 12, 13 */
	return dp_crc32c_u64(b, dp_crc32c_u64(a, 0x9e3779b9u));
}

/** dp_flow_hash_at() of an untagged frame. */
static inline uint32_t
dp_flow_hash(const uint8_t *p, uint32_t len)
{
	return dp_flow_hash_at(p, len, 0);
}

/* The UDP source port for a flow hash, network order, in 49152..65535. */
static inline rte_be16_t
dp_udp_sport(uint32_t h)
{
	return dp_be16((uint16_t)(DP_UDP_SPORT_MIN | ((h ^ (h >> 16)) & 0x3fff)));
}

/* Fold a 32-bit ones'-complement sum to 16 bits. */
static inline uint16_t
dp_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * Write the per-packet fields of an IPv4 VXLAN header already copied from
 * its template at @p h (50 bytes): lengths, checksum, source port. The
 * VNI is the same for a whole run of frames: it comes with the copy
 * (encap.c merges it into the template once per run).
 * @param inner_len inner frame length.
 * @param csum_base the template's ip_csum_base, folded (see mapping/map.h).
 * @param sw_csum compute the IPv4 checksum (no offload).
 */
static inline void
dp_encap_patch_ipv4(uint8_t *h, uint32_t inner_len, uint32_t csum_base, rte_be16_t sport,
                    bool sw_csum)
{
	rte_be16_t tot = dp_be16((uint16_t)(inner_len + 36));
	rte_be16_t ulen = dp_be16((uint16_t)(inner_len + 16));

	memcpy(h + 14 + 2, &tot, 2);
	if (sw_csum) {
		/* csum_base is folded already: one fold (mapping/map.h). */
		uint32_t s = csum_base + tot;
		uint16_t c = (uint16_t) ~((s & 0xffff) + (s >> 16));

		memcpy(h + 14 + 10, &c, 2);
	}
	memcpy(h + 34, &sport, 2);
	memcpy(h + 34 + 4, &ulen, 2);
}

/**
 * Turn an ARP request for one of our addresses into its reply, in place.
 * @param targets our addresses (network order), @p nb_targets of them.
 * @param sender_ip,sender_mac receive the requester's binding (worth
 *   learning: it is about to talk to us).
 * @return 0 when @p p now holds the reply (same length), DP_DROP_* when the
 *   frame must be dropped: ARP_MALFORMED, ARP_NOT_FOR_US; or -1 when it is
 *   a reply or gratuitous ARP (learn the sender, send nothing).
 */
int dp_arp_reply_make(uint8_t *p, uint32_t len, const struct rte_ether_addr *our_mac,
                      const rte_be32_t *targets, unsigned nb_targets, rte_be32_t *sender_ip,
                      struct rte_ether_addr *sender_mac);

/**
 * Build a broadcast ARP request "who has @p target_ip, tell @p our_ip" into
 * @p p (at least 60 bytes: padded to the Ethernet minimum).
 * @return the frame length (60).
 */
uint32_t dp_arp_request_build(uint8_t *p, const struct rte_ether_addr *our_mac, rte_be32_t our_ip,
                              rte_be32_t target_ip);

/**
 * Turn an ICMP echo request (IPv4 at @p l3_off) into the echo reply, in
 * place: addresses swapped, TTL reset, checksums updated.
 * @return 0, or DP_DROP_ICMP_MALFORMED / DP_DROP_ICMP_UNHANDLED.
 */
int dp_icmp_echo_reply_make(uint8_t *p, uint32_t len, uint32_t l3_off, uint8_t ttl);

#endif /* VTEP_DP_PKT_H */
