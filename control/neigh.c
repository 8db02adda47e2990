/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * neigh.c - next-hop resolution by ARP for the VTEP templates.
 *
 * Every remote VTEP is reached through a next hop: itself when on-link,
 * else the underlay's next_hop (mapping/ decides). This module keeps one
 * entry per next hop with a small state machine modelled on Linux's:
 *
 *   incomplete --reply--> reachable --30 s--> probe --reply--> reachable
 *       |                                      |
 *       +--3 unanswered--> failed <--3 unanswered
 *   failed: retried with a doubling period (5 s .. 60 s)
 *
 * Static entries (ports[].neighbors) are never solicited and never expire;
 * ARP cannot change them.
 *
 * A probing entry keeps forwarding with the MAC it has: a gateway must not
 * black-hole every tunnel because one ARP reply was late. Only when a probe
 * cycle fails are the templates made unresolved (their frames are then
 * dropped and counted as drop_neigh_unresolved, never queued).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "ctl.h"

#define NEIGH_MAX           (MAP_VTEP_MAX + 1)
#define NEIGH_RETRY_MS      1000
#define NEIGH_PROBES        3
#define NEIGH_REACHABLE_MS  30000
#define NEIGH_FAILED_MIN_MS 5000
#define NEIGH_FAILED_MAX_MS 60000
#define NEIGH_UNUSED_MS     120000 /* forget entries no VTEP needs after this */

enum neigh_state {
	NEIGH_INCOMPLETE,
	NEIGH_REACHABLE,
	NEIGH_PROBE,
	NEIGH_FAILED,
	NEIGH_STATIC,
};

static const char *const state_names[] = {"incomplete", "reachable", "probe", "failed", "static"};

struct neigh_entry {
	uint32_t ip;
	uint8_t mac[6];
	bool has_mac;
	enum neigh_state state;
	uint32_t probes;
	uint64_t next_ms; /* next solicitation / state change */
	uint64_t confirmed_ms;
	uint64_t used_ms; /* last tick a VTEP needed it */
	uint64_t failed_wait_ms;
	uint32_t nb_vteps;
};

struct ctl_neigh {
	struct ctl *c;
	struct neigh_entry *e;
	unsigned nb;
	unsigned cap;
};

struct ctl_neigh *
neigh_create(struct ctl *c)
{
	struct ctl_neigh *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->c = c;
	return n;
}

void
neigh_destroy(struct ctl_neigh *n)
{
	if (n == NULL)
		return;
	free(n->e);
	free(n);
}

static struct neigh_entry *
neigh_find(struct ctl_neigh *n, uint32_t ip)
{
	for (unsigned i = 0; i < n->nb; i++)
		if (n->e[i].ip == ip)
			return &n->e[i];
	return NULL;
}

static struct neigh_entry *
neigh_add(struct ctl_neigh *n, uint32_t ip, uint64_t now_ms)
{
	struct neigh_entry *e;

	if (n->nb == n->cap) {
		unsigned cap = n->cap ? n->cap * 2 : 16;

		if (cap > NEIGH_MAX || (e = realloc(n->e, cap * sizeof(*e))) == NULL)
			return NULL;
		n->e = e;
		n->cap = cap;
	}
	e = &n->e[n->nb++];
	memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->state = NEIGH_INCOMPLETE;
	e->used_ms = now_ms;
	return e;
}

static void
neigh_solicit(struct ctl_neigh *n, struct neigh_entry *e, uint64_t now_ms)
{
	static struct log_rl rl = LOG_RL_INIT(5, 10);

	if (dp_neigh_solicit(n->c->dp, e->ip) < 0)
		LOG_WARN_RL(&rl, ctl, "arp: command ring full, solicitation delayed");
	e->probes++;
	e->next_ms = now_ms + NEIGH_RETRY_MS;
}

/* Tell the templates: resolved at e->mac, or unresolved. */
static void
neigh_publish(struct ctl_neigh *n, struct neigh_entry *e, bool resolved)
{
	char ip[NETADDR_IPV4_STRLEN], mac[NETADDR_MAC_STRLEN];
	unsigned nb = map_nexthop_set(n->c->map, e->ip, resolved ? e->mac : NULL);

	if (nb == 0)
		return;
	netaddr_ipv4_fmt(e->ip, ip, sizeof(ip));
	if (resolved)
		LOG_INFO(ctl, "arp: %s is at %s (%u VTEP template(s) updated)", ip,
		         netaddr_mac_fmt(e->mac, mac, sizeof(mac)), nb);
	else
		LOG_WARN(ctl, "arp: %s stopped answering: %u VTEP(s) unresolved", ip, nb);
}

void
neigh_input(struct ctl_neigh *n, uint32_t ip, const uint8_t mac[6])
{
	uint64_t now_ms = ctl_now_ms(n->c);
	struct neigh_entry *e = neigh_find(n, ip);
	bool changed;

	if (ip == 0 || netaddr_mac_is_zero(mac))
		return;
	if (e == NULL && (e = neigh_add(n, ip, now_ms)) == NULL)
		return;
	if (e->state == NEIGH_STATIC) {
		static struct log_rl rl = LOG_RL_INIT(5, 60);
		char ips[NETADDR_IPV4_STRLEN], macs[NETADDR_MAC_STRLEN];

		if (memcmp(e->mac, mac, 6) != 0)
			LOG_WARN_RL(&rl, ctl, "arp: %s claims to be at %s; static entry kept",
			            netaddr_ipv4_fmt(ip, ips, sizeof(ips)),
			            netaddr_mac_fmt(mac, macs, sizeof(macs)));
		return;
	}
	changed = !e->has_mac || memcmp(e->mac, mac, 6) != 0 || e->state == NEIGH_FAILED;
	memcpy(e->mac, mac, 6);
	e->has_mac = true;
	e->state = NEIGH_REACHABLE;
	e->probes = 0;
	e->confirmed_ms = now_ms;
	e->next_ms = now_ms + NEIGH_REACHABLE_MS;
	e->failed_wait_ms = 0;
	if (changed)
		neigh_publish(n, e, true);
}

struct vtep_scan {
	struct ctl_neigh *n;
	uint64_t now_ms;
};

/* Make sure every VTEP's next hop has an entry; push known MACs to VTEPs
 * created since (learned from the underlay, added by a manager). */
static int
scan_vtep(const struct map_vtep_info *vi, void *arg)
{
	struct vtep_scan *s = arg;
	struct neigh_entry *e;

	if (vi->next_hop == 0)
		return 0;
	e = neigh_find(s->n, vi->next_hop);
	if (e == NULL) {
		e = neigh_add(s->n, vi->next_hop, s->now_ms);
		if (e == NULL)
			return 0;
		e->next_ms = s->now_ms; /* solicit now */
	}
	e->used_ms = s->now_ms;
	e->nb_vteps++;
	if (e->has_mac && e->state != NEIGH_FAILED &&
	    (!vi->resolved || memcmp(vi->mac, e->mac, 6) != 0))
		neigh_publish(s->n, e, true);
	return 0;
}

static void
neigh_timer(struct ctl_neigh *n, struct neigh_entry *e, uint64_t now_ms)
{
	char ip[NETADDR_IPV4_STRLEN];

	if (now_ms < e->next_ms || e->state == NEIGH_STATIC)
		return;
	switch (e->state) {
	case NEIGH_REACHABLE:
		e->state = NEIGH_PROBE;
		e->probes = 0;
		/* fall through */
	case NEIGH_PROBE:
	case NEIGH_INCOMPLETE:
		if (e->probes < NEIGH_PROBES) {
			neigh_solicit(n, e, now_ms);
			return;
		}
		LOG_WARN(ctl, "arp: no answer from %s after %u requests",
		         netaddr_ipv4_fmt(e->ip, ip, sizeof(ip)), NEIGH_PROBES);
		if (e->has_mac && e->state == NEIGH_PROBE)
			neigh_publish(n, e, false);
		e->state = NEIGH_FAILED;
		e->failed_wait_ms = NEIGH_FAILED_MIN_MS;
		e->next_ms = now_ms + e->failed_wait_ms;
		return;
	case NEIGH_STATIC:
		return;
	case NEIGH_FAILED:
		e->probes = 0;
		neigh_solicit(n, e, now_ms);
		e->failed_wait_ms = RTE_MIN(e->failed_wait_ms * 2, (uint64_t)NEIGH_FAILED_MAX_MS);
		e->next_ms = now_ms + e->failed_wait_ms;
		return;
	}
}

void
neigh_tick(struct ctl_neigh *n, uint64_t now_ms)
{
	struct vtep_scan s = {.n = n, .now_ms = now_ms};

	for (unsigned i = 0; i < n->nb; i++)
		n->e[i].nb_vteps = 0;
	map_vtep_walk(n->c->map, scan_vtep, &s);
	for (unsigned i = 0; i < n->nb;) {
		struct neigh_entry *e = &n->e[i];

		if (e->nb_vteps == 0 && now_ms - e->used_ms > NEIGH_UNUSED_MS) {
			*e = n->e[--n->nb];
			continue;
		}
		/* Entries nobody uses are not refreshed, only remembered. */
		if (e->nb_vteps > 0 || e->state == NEIGH_INCOMPLETE)
			neigh_timer(n, e, now_ms);
		i++;
	}
}

void
neigh_set_static(struct ctl_neigh *n, const struct cfg_neighbor *list, unsigned nb)
{
	uint64_t now_ms = ctl_now_ms(n->c);

	/* Entries no longer configured go back to being learned by ARP. */
	for (unsigned i = 0; i < n->nb; i++) {
		struct neigh_entry *e = &n->e[i];
		bool still = false;

		for (unsigned j = 0; j < nb; j++)
			still |= list[j].ip == e->ip;
		if (e->state == NEIGH_STATIC && !still) {
			e->state = NEIGH_PROBE;
			e->probes = 0;
			e->next_ms = now_ms;
		}
	}
	for (unsigned j = 0; j < nb; j++) {
		struct neigh_entry *e = neigh_find(n, list[j].ip);
		bool changed;

		if (e == NULL && (e = neigh_add(n, list[j].ip, now_ms)) == NULL)
			continue;
		changed = !e->has_mac || memcmp(e->mac, list[j].mac, 6) != 0 ||
		          e->state == NEIGH_FAILED;
		memcpy(e->mac, list[j].mac, 6);
		e->has_mac = true;
		e->state = NEIGH_STATIC;
		e->confirmed_ms = now_ms;
		if (changed)
			neigh_publish(n, e, true);
	}
}

void
neigh_walk(struct ctl_neigh *n, neigh_walk_fn fn, void *arg)
{
	uint64_t now_ms = ctl_now_ms(n->c);

	for (unsigned i = 0; i < n->nb; i++) {
		const struct neigh_entry *e = &n->e[i];
		struct neigh_info info = {
		        .ip = e->ip,
		        .state = state_names[e->state],
		        .probes = e->probes,
		        .age_ms = now_ms - (e->confirmed_ms ? e->confirmed_ms : e->used_ms),
		        .nb_vteps = e->nb_vteps,
		};

		memcpy(info.mac, e->mac, 6);
		if (fn(&info, arg) != 0)
			return;
	}
}
