/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netaddr.c - strict address parsing (see netaddr.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"

int
netaddr_ipv4_parse(const char *s, uint32_t *out)
{
	struct in_addr a;

	/* inet_pton(AF_INET) accepts exactly four decimal octets: no octal,
	 * no hex, no shortened forms, which is what operators expect. */
	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = a.s_addr;
	return 0;
}

int
netaddr_ipv4_prefix_parse(const char *s, uint32_t *addr, uint8_t *prefix_len)
{
	char buf[NETADDR_IPV4_STRLEN];
	const char *slash;
	uint64_t len;
	size_t n;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		return -EINVAL;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (netaddr_ipv4_parse(buf, addr) < 0)
		return -EINVAL;
	if (netaddr_u64_parse(slash + 1, 0, 32, &len) < 0)
		return -EINVAL;
	*prefix_len = (uint8_t)len;
	return 0;
}

const char *
netaddr_ipv4_fmt(uint32_t addr, char *buf, size_t size)
{
	struct in_addr a = {.s_addr = addr};

	if (inet_ntop(AF_INET, &a, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
	return buf;
}

bool
netaddr_ipv4_same_subnet(uint32_t a, uint32_t b, uint8_t prefix_len)
{
	uint32_t mask;

	if (prefix_len == 0)
		return true;
	mask = htonl(prefix_len >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix_len));
	return ((a ^ b) & mask) == 0;
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
netaddr_mac_parse(const char *s, uint8_t mac[6])
{
	char sep;

	if (s == NULL || strlen(s) != 17)
		return -EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hex_nibble(s[i * 3]);
		int lo = hex_nibble(s[i * 3 + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < 5 && s[i * 3 + 2] != sep)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

const char *
netaddr_mac_fmt(const uint8_t mac[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
	         mac[5]);
	return buf;
}

bool
netaddr_mac_is_zero(const uint8_t mac[6])
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

int
netaddr_u64_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}
