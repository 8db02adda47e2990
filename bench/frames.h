/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frames.h - the benchmark traffic, built once in C for every bench tool
 * (vtep-bench-micro in process, vtep-bench-gen on a memif, and the pcap
 * files bench/gateway.sh replays), so all of them send the same bytes.
 *
 * Flow i is one inner Ethernet/IPv4/UDP frame from a VM behind the access
 * port to one VM behind the remote VTEP: source MAC, source IP and UDP
 * source port differ per flow, the destination is the same for all (the
 * shape of traffic from many clients to a service). Its VXLAN form is what
 * the remote VTEP sends for the reverse direction's decapsulation input:
 * outer UDP source port per flow (entropy), UDP checksum 0, DF.
 *
 * Addresses come from the RFC 2544 benchmarking range 198.18.0.0/15 and
 * locally administered MACs; nothing here is ever routed.
 *
 * Thread-safety: pure functions over caller buffers.
 */
#ifndef VTEP_BENCH_FRAMES_H
#define VTEP_BENCH_FRAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_VNI        5001
#define BENCH_LOCAL_IP   "198.18.0.1"        /* the gateway's VTEP / underlay address */
#define BENCH_REMOTE_IP  "198.18.0.2"        /* the remote VTEP */
#define BENCH_LOCAL_MAC  "02:00:00:00:01:01" /* the gateway's underlay MAC */
#define BENCH_REMOTE_MAC "02:00:00:00:01:02" /* the remote VTEP's MAC */
#define BENCH_DST_MAC    "02:00:00:00:02:01" /* inner destination (behind the remote VTEP) */
#define BENCH_DST_IP     "198.19.255.254"
#define BENCH_VXLAN_HLEN 50 /* outer Ethernet + IPv4 + UDP + VXLAN */
#define BENCH_FRAME_MIN  60 /* inner frame without FCS: 64 bytes on the wire */
#define BENCH_FRAME_MAX  9000

/* Inner source MAC prefixes: traffic entering on the access port, and the
 * MACs of the remote VMs whose frames come out of the tunnel. Distinct so
 * one gateway can carry both directions without MAC moves. */
#define BENCH_SRC_ACCESS 0x01
#define BENCH_SRC_REMOTE 0x03

/* MAC of flow @p i with prefix byte @p kind (02:kind:i32). */
void bench_flow_mac(uint8_t mac[6], uint8_t kind, uint32_t i);

/**
 * Inner frame of flow @p i, @p len bytes (>= BENCH_FRAME_MIN, without FCS),
 * UDP payload zero, checksums valid.
 * @param dst_mac the destination MAC (NULL: BENCH_DST_MAC).
 * @return @p len.
 */
uint16_t bench_inner_frame(uint8_t *buf, uint32_t i, uint16_t len, uint8_t kind,
                           const uint8_t *dst_mac);

/**
 * Insert an 802.1Q tag (TPID 0x8100, PCP 0, VID @p vlan) after the MACs of
 * the @p len-byte frame at @p buf, in place: @p buf must have room for 4
 * more bytes. The frame of a segment on VLAN @p vlan as the access port
 * carries it.
 * @return the tagged length (@p len + 4).
 */
uint16_t bench_tag_frame(uint8_t *buf, uint16_t len, uint16_t vlan);

/**
 * VXLAN packet (remote VTEP -> gateway, VNI @p vni) carrying @p inner.
 * @return the packet length (inner_len + BENCH_VXLAN_HLEN).
 */
uint16_t bench_vxlan_frame(uint8_t *buf, const uint8_t *inner, uint16_t inner_len, uint32_t i,
                           uint32_t vni);

/** Parse "aa:bb:cc:dd:ee:ff" / dotted IPv4 (network order). @return 0 or -EINVAL. */
int bench_parse_mac(const char *s, uint8_t mac[6]);
int bench_parse_ip(const char *s, uint32_t *ip_be);

/* A pcap file being written (microsecond timestamps, Ethernet). */
struct bench_pcap {
	FILE *f;
	uint32_t nb;
};

int bench_pcap_open(struct bench_pcap *p, const char *path);
int bench_pcap_add(struct bench_pcap *p, const uint8_t *frame, uint32_t len);
int bench_pcap_close(struct bench_pcap *p);

/**
 * Read every frame of a classic pcap file into one buffer.
 * @param frames receives a malloc()ed array of @p *nb pointers into
 *   @p *data (also malloc()ed); @p lens their lengths.
 * @return 0 or -errno.
 */
int bench_pcap_read(const char *path, uint8_t **data, uint8_t ***frames, uint16_t **lens,
                    uint32_t *nb);

#endif /* VTEP_BENCH_FRAMES_H */
