/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netaddr.h - strict parsing and printing of the addresses operators type:
 * IPv4 addresses and prefixes, MAC addresses, unsigned integers.
 *
 * Every parser accepts the whole string or nothing (no trailing garbage,
 * no leading spaces, no octal surprises) and returns 0 or -EINVAL.
 * IPv4 addresses are returned in network byte order.
 *
 * Thread-safety: pure functions, callable from any thread.
 */
#ifndef VTEP_NETADDR_H
#define VTEP_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETADDR_MAC_STRLEN  18 /* "xx:xx:xx:xx:xx:xx" + NUL */
#define NETADDR_IPV4_STRLEN 16 /* "255.255.255.255" + NUL */

/** Parse dotted-quad IPv4 ("192.0.2.1"); @p out is network order. */
int netaddr_ipv4_parse(const char *s, uint32_t *out);

/** Parse "192.0.2.1/24"; @p addr network order, @p prefix_len 0..32. */
int netaddr_ipv4_prefix_parse(const char *s, uint32_t *addr, uint8_t *prefix_len);

/** Format a network-order IPv4 address into @p buf (NETADDR_IPV4_STRLEN). */
const char *netaddr_ipv4_fmt(uint32_t addr, char *buf, size_t size);

/** True if @p a and @p b (network order) share the first @p prefix_len bits. */
bool netaddr_ipv4_same_subnet(uint32_t a, uint32_t b, uint8_t prefix_len);

/** Parse "02:00:5e:00:01:02" (also accepts '-' separators and upper case). */
int netaddr_mac_parse(const char *s, uint8_t mac[6]);

/** Format a MAC as lowercase, colon-separated ("02:00:5e:00:01:02"). */
const char *netaddr_mac_fmt(const uint8_t mac[6], char *buf, size_t size);

/** True for a group (multicast or broadcast) address. */
static inline bool
netaddr_mac_is_group(const uint8_t mac[6])
{
	return (mac[0] & 1) != 0;
}

/** True for 00:00:00:00:00:00. */
bool netaddr_mac_is_zero(const uint8_t mac[6]);

/**
 * Parse a decimal unsigned integer in [min, max]; no sign, no spaces,
 * no trailing characters.
 */
int netaddr_u64_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif /* VTEP_NETADDR_H */
