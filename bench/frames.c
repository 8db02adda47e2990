/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frames.c - benchmark traffic and a minimal pcap reader/writer (frames.h).
 * No libpcap: the format is two fixed headers, and the tools must not
 * depend on anything the gateway itself does not need.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "frames.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_hdr {
	uint32_t sec, usec, caplen, len;
};

static uint16_t
csum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IPv4 header without options at @p ip; checksum filled in. */
static void
ipv4_hdr(uint8_t *ip, uint32_t src_be, uint32_t dst_be, uint16_t payload_len, bool df)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + payload_len));
	put16(ip + 4, df ? 0 : 1);
	put16(ip + 6, df ? 0x4000 : 0);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src_be, 4);
	memcpy(ip + 16, &dst_be, 4);
	put16(ip + 10, csum16(ip, 20, 0));
}

void
bench_flow_mac(uint8_t mac[6], uint8_t kind, uint32_t i)
{
	mac[0] = 0x02;
	mac[1] = kind;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

uint16_t
bench_inner_frame(uint8_t *buf, uint32_t i, uint16_t len, uint8_t kind, const uint8_t *dst_mac)
{
	uint8_t dmac[6];
	uint8_t *ip = buf + 14, *udp = buf + 34;
	uint32_t src = 0, dst = 0;
	uint16_t ulen = (uint16_t)(len - 34);
	uint32_t sum;

	if (dst_mac == NULL) {
		bench_parse_mac(BENCH_DST_MAC, dmac);
		dst_mac = dmac;
	}
	memset(buf, 0, len);
	memcpy(buf, dst_mac, 6);
	bench_flow_mac(buf + 6, kind, i);
	put16(buf + 12, 0x0800);
	/* 198.19.0.1 .. 198.19.255.253: never the destination. */
	src = htonl(0xc6130001u + i % 65533);
	bench_parse_ip(BENCH_DST_IP, &dst);
	ipv4_hdr(ip, src, dst, ulen, false);
	put16(udp, (uint16_t)(1024 + i % 60000));
	put16(udp + 2, 9); /* discard */
	put16(udp + 4, ulen);
	/* Pseudo header: addresses, protocol, UDP length. */
	sum = 17u + ulen;
	for (int k = 12; k < 20; k += 2)
		sum += (uint32_t)(ip[k] << 8 | ip[k + 1]);
	put16(udp + 6, csum16(udp, ulen, sum) ?: 0xffff);
	return len;
}

uint16_t
bench_tag_frame(uint8_t *buf, uint16_t len, uint16_t vlan)
{
	memmove(buf + 16, buf + 12, (size_t)len - 12);
	buf[12] = 0x81;
	buf[13] = 0x00;
	buf[14] = (uint8_t)(vlan >> 8 & 0x0f);
	buf[15] = (uint8_t)vlan;
	return (uint16_t)(len + 4);
}

uint16_t
bench_vxlan_frame(uint8_t *buf, const uint8_t *inner, uint16_t inner_len, uint32_t i, uint32_t vni)
{
	uint8_t *ip = buf + 14, *udp = buf + 34, *vx = buf + 42;
	uint32_t src = 0, dst = 0;

	bench_parse_mac(BENCH_LOCAL_MAC, buf);
	bench_parse_mac(BENCH_REMOTE_MAC, buf + 6);
	put16(buf + 12, 0x0800);
	bench_parse_ip(BENCH_REMOTE_IP, &src);
	bench_parse_ip(BENCH_LOCAL_IP, &dst);
	ipv4_hdr(ip, src, dst, (uint16_t)(inner_len + 16), true);
	/* Entropy port of a real VTEP: a hash of the flow in 49152..65535. */
	put16(udp, (uint16_t)(49152 + ((i * 2246822519u) >> 18)));
	put16(udp + 2, 4789);
	put16(udp + 4, (uint16_t)(inner_len + 16));
	put16(udp + 6, 0);
	memset(vx, 0, 8);
	vx[0] = 0x08;
	vx[4] = (uint8_t)(vni >> 16);
	vx[5] = (uint8_t)(vni >> 8);
	vx[6] = (uint8_t)vni;
	memcpy(buf + BENCH_VXLAN_HLEN, inner, inner_len);
	return (uint16_t)(inner_len + BENCH_VXLAN_HLEN);
}

int
bench_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -EINVAL;
	for (int k = 0; k < 6; k++)
		mac[k] = (uint8_t)v[k];
	return 0;
}

int
bench_parse_ip(const char *s, uint32_t *ip_be)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip_be = a.s_addr;
	return 0;
}

int
bench_pcap_open(struct bench_pcap *p, const char *path)
{
	struct pcap_file_hdr h = {PCAP_MAGIC_US, 2, 4, 0, 0, 65535, 1 /* Ethernet */};

	p->nb = 0;
	p->f = fopen(path, "wb");
	if (p->f == NULL)
		return -errno;
	if (fwrite(&h, sizeof(h), 1, p->f) != 1) {
		fclose(p->f);
		return -EIO;
	}
	return 0;
}

int
bench_pcap_add(struct bench_pcap *p, const uint8_t *frame, uint32_t len)
{
	struct pcap_rec_hdr r = {1700000000u, p->nb % 1000000u, len, len};

	if (fwrite(&r, sizeof(r), 1, p->f) != 1 || fwrite(frame, len, 1, p->f) != 1)
		return -EIO;
	p->nb++;
	return 0;
}

int
bench_pcap_close(struct bench_pcap *p)
{
	return fclose(p->f) == 0 ? 0 : -errno;
}

int
bench_pcap_read(const char *path, uint8_t **data, uint8_t ***frames, uint16_t **lens, uint32_t *nb)
{
	struct pcap_file_hdr h;
	struct pcap_rec_hdr r;
	size_t cap = 0, used = 0;
	uint32_t n = 0, ncap = 0;
	uint8_t *buf = NULL;
	size_t *offs = NULL;
	FILE *f = fopen(path, "rb");
	int rc = 0;

	if (f == NULL)
		return -errno;
	if (fread(&h, sizeof(h), 1, f) != 1 ||
	    (h.magic != PCAP_MAGIC_US && h.magic != PCAP_MAGIC_NS)) {
		fclose(f);
		return -EINVAL; /* big-endian files are not written by anything here */
	}
	while (fread(&r, sizeof(r), 1, f) == 1) {
		if (r.caplen == 0 || r.caplen > BENCH_FRAME_MAX + BENCH_VXLAN_HLEN) {
			rc = -EINVAL;
			break;
		}
		if (used + r.caplen > cap) {
			void *nbuf = realloc(buf, (cap + r.caplen) * 2);

			if (nbuf == NULL) {
				rc = -ENOMEM;
				break;
			}
			buf = nbuf;
			cap = (cap + r.caplen) * 2;
		}
		if (n == ncap) {
			void *noffs = realloc(offs, (ncap ? ncap * 2 : 1024) * sizeof(*offs));

			if (noffs == NULL) {
				rc = -ENOMEM;
				break;
			}
			offs = noffs;
			ncap = ncap ? ncap * 2 : 1024;
		}
		if (fread(buf + used, r.caplen, 1, f) != 1) {
			rc = -EINVAL;
			break;
		}
		offs[n++] = used | (size_t)r.caplen << 40;
		used += r.caplen;
	}
	fclose(f);
	if (rc == 0 && n == 0)
		rc = -ENODATA;
	if (rc == 0) {
		*frames = malloc(n * sizeof(**frames));
		*lens = malloc(n * sizeof(**lens));
		if (*frames == NULL || *lens == NULL) {
			free(*frames);
			free(*lens);
			rc = -ENOMEM;
		}
	}
	if (rc < 0) {
		free(buf);
		free(offs);
		return rc;
	}
	for (uint32_t k = 0; k < n; k++) {
		(*frames)[k] = buf + (offs[k] & ((1ull << 40) - 1));
		(*lens)[k] = (uint16_t)(offs[k] >> 40);
	}
	free(offs);
	*data = buf;
	*nb = n;
	return 0;
}
