/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * binding.c - what the hypervisor managers say, turned into FDB entries.
 *
 * A binding is "MAC m on network n of a VM on host h", per source. It is
 * kept here even when it cannot be installed (network in no segment, host
 * in no site, a static entry with precedence), so a reload or the removal
 * of the static entry installs it without waiting for the manager.
 *
 * Resolution (configuration decides, docs/configuration.md):
 *   network (or its alternate name) -> the segment listing it;
 *   host -> hosts[] exact name       -> that hypervisor's VTEP
 *        -> the manager's host VTEP  -> (XenAPI transport_network PIF IP)
 *        -> sites[] by host glob or cluster: the gateway's own site is
 *           local (the segment's access port), another site its VTEP.
 * A move (the host changed) is a single map_fdb_set(): readers see the
 * old or the new VTEP, never a gap.
 *
 * Two sources may report one MAC (a cross-vCenter vMotion: the destination
 * reports it before the source withdraws it). The last one installed holds
 * the FDB entry; when its binding goes, another binding of that MAC is
 * installed in its place, found through a second hash by MAC.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "ctl.h"

#define BIND_HASH_BITS    16
#define BIND_HASH_SIZE    (1u << BIND_HASH_BITS)
#define SRC_UPDATES_BURST 512

struct binding {
	struct binding *next;     /* hash chain by (source, MAC, network) */
	struct binding *mac_next; /* hash chain by MAC */
	uint16_t src_id;
	uint64_t gen; /* the sync generation that last confirmed it */
	struct src_binding b;
	int cfg_seg;      /* resolved segment, -1 = none */
	uint16_t seg_idx; /* map index it is installed in */
	bool installed;
	const char *why;
	struct map_dest dest;
};

struct ctl_bindings {
	struct ctl *c;
	struct binding *hash[BIND_HASH_SIZE];
	struct binding *by_mac[BIND_HASH_SIZE];
	uint64_t gen[SRC_MAX + 1];
	uint32_t nb;
};

static uint32_t
bind_hash(uint16_t src_id, const uint8_t mac[6], const char *network)
{
	uint32_t h = 2166136261u ^ src_id;

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	for (const char *p = network; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h & (BIND_HASH_SIZE - 1);
}

static uint32_t
mac_hash(const uint8_t mac[6])
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	return h & (BIND_HASH_SIZE - 1);
}

static void
mac_link(struct ctl_bindings *b, struct binding *e)
{
	struct binding **head = &b->by_mac[mac_hash(e->b.mac)];

	e->mac_next = *head;
	*head = e;
}

static void
mac_unlink(struct ctl_bindings *b, struct binding *e)
{
	struct binding **pp = &b->by_mac[mac_hash(e->b.mac)];

	for (; *pp != NULL; pp = &(*pp)->mac_next) {
		if (*pp == e) {
			*pp = e->mac_next;
			return;
		}
	}
}

struct ctl_bindings *
bindings_create(struct ctl *c)
{
	struct ctl_bindings *b = calloc(1, sizeof(*b));

	if (b != NULL)
		b->c = c;
	return b;
}

void
bindings_destroy(struct ctl_bindings *b)
{
	if (b == NULL)
		return;
	for (uint32_t i = 0; i < BIND_HASH_SIZE; i++) {
		struct binding *e = b->hash[i], *next;

		for (; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(b);
}

static struct binding **
bind_slot(struct ctl_bindings *b, uint16_t src_id, const uint8_t mac[6], const char *network)
{
	struct binding **pp = &b->hash[bind_hash(src_id, mac, network)];

	for (; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->src_id == src_id && memcmp((*pp)->b.mac, mac, 6) == 0 &&
		    strcmp((*pp)->b.network, network) == 0)
			break;
	return pp;
}

static int
seg_of_network(const struct cfg *cfg, const struct src_binding *sb)
{
	for (unsigned i = 0; i < cfg->nb_segments; i++) {
		const struct cfg_segment *s = &cfg->segments[i];

		for (unsigned j = 0; j < s->nb_networks; j++)
			if (strcmp(s->networks[j], sb->network) == 0 ||
			    (sb->network_alt[0] != '\0' &&
			     strcmp(s->networks[j], sb->network_alt) == 0))
				return (int)i;
	}
	return -1;
}

static const struct cfg_site *
site_of_host(const struct cfg *cfg, const struct src_binding *sb)
{
	for (unsigned i = 0; i < cfg->nb_sites; i++) {
		const struct cfg_site *s = &cfg->sites[i];

		for (unsigned j = 0; j < s->nb_hosts; j++)
			if (fnmatch(s->hosts[j], sb->host, 0) == 0)
				return s;
		for (unsigned j = 0; sb->cluster[0] != '\0' && j < s->nb_clusters; j++)
			if (strcmp(s->clusters[j], sb->cluster) == 0)
				return s;
	}
	return NULL;
}

/* Where the binding's host is: fills e->dest, or says why not. */
static bool
resolve_dest(const struct cfg *cfg, struct binding *e)
{
	const struct cfg_segment *seg = &cfg->segments[e->cfg_seg];
	const struct cfg_site *site;
	uint32_t vtep = 0;

	for (unsigned i = 0; i < cfg->nb_hosts && vtep == 0; i++)
		if (strcmp(cfg->hosts[i].name, e->b.host) == 0)
			vtep = cfg->hosts[i].vtep;
	if (vtep == 0)
		vtep = e->b.host_vtep;
	if (vtep == 0) {
		site = site_of_host(cfg, &e->b);
		if (site == NULL) {
			e->why = "host in no site or hosts[] entry";
			return false;
		}
		if (strcmp(site->name, cfg->gateway.site) != 0)
			vtep = site->vtep;
	}
	memset(&e->dest, 0, sizeof(e->dest));
	if (vtep == 0 || vtep == cfg->gateway.vtep_ip) {
		e->dest.type = MAP_FDB_LOCAL;
		e->dest.port = (uint16_t)seg->port;
		e->dest.vlan = seg->vlan;
	} else {
		e->dest.type = MAP_FDB_REMOTE;
		e->dest.vtep_ip = vtep;
	}
	return true;
}

static void bind_install(struct ctl_bindings *b, struct binding *e);

/* Take @p e's entry out of the FDB; if it really held the entry, let
 * another binding of the same MAC in the same segment take it over. */
static void
bind_uninstall(struct ctl_bindings *b, struct binding *e)
{
	bool deleted = false;

	if (e->installed)
		deleted = map_fdb_del(b->c->map, e->seg_idx, e->b.mac, MAP_SRC_MANAGER,
		                      e->src_id) == 0;
	e->installed = false;
	if (!deleted)
		return;
	for (struct binding *o = b->by_mac[mac_hash(e->b.mac)]; o != NULL; o = o->mac_next) {
		if (o != e && memcmp(o->b.mac, e->b.mac, 6) == 0 && o->cfg_seg == e->cfg_seg &&
		    o->cfg_seg >= 0) {
			bind_install(b, o);
			if (o->installed)
				return;
		}
	}
}

/* (Re)compute where the binding goes and make the FDB say so. */
static void
bind_install(struct ctl_bindings *b, struct binding *e)
{
	const struct cfg *cfg = b->c->cfg;
	uint16_t idx;
	int r;

	e->why = NULL;
	e->cfg_seg = seg_of_network(cfg, &e->b);
	if (e->cfg_seg < 0) {
		bind_uninstall(b, e);
		e->why = "network in no segment";
		return;
	}
	if (!resolve_dest(cfg, e)) {
		bind_uninstall(b, e);
		return;
	}
	idx = ctl_seg_idx(b->c, (unsigned)e->cfg_seg);
	if (e->installed && e->seg_idx != idx)
		bind_uninstall(b, e);
	r = map_fdb_set(b->c->map, idx, e->b.mac, &e->dest, MAP_SRC_MANAGER, e->src_id);
	if (r == 0) {
		e->installed = true;
		e->seg_idx = idx;
		return;
	}
	e->installed = false;
	e->why = r == -EPERM    ? "a static entry has precedence"
	         : r == -ENOSPC ? "MAC limit reached"
	                        : "table error";
}

static void
bind_free(struct ctl_bindings *b, struct binding **pp)
{
	struct binding *e = *pp;

	*pp = e->next;
	mac_unlink(b, e);
	bind_uninstall(b, e);
	free(e);
	b->nb--;
}

static void
bind_upsert(struct ctl_bindings *b, const struct src_update *u)
{
	struct binding **pp = bind_slot(b, u->src_id, u->b.mac, u->b.network);
	struct binding *e = *pp;

	if (e == NULL) {
		e = calloc(1, sizeof(*e));
		if (e == NULL) {
			LOG_ERR(ctl, "manager binding: out of memory");
			return;
		}
		e->src_id = u->src_id;
		e->cfg_seg = -1;
		memcpy(e->b.mac, u->b.mac, 6);
		*pp = e;
		mac_link(b, e);
		b->nb++;
	}
	e->b = u->b;
	e->gen = b->gen[u->src_id];
	bind_install(b, e);
}

/* Withdraw every binding of @p src_id older than @p gen (all: UINT64_MAX). */
static unsigned
bind_sweep(struct ctl_bindings *b, uint16_t src_id, uint64_t gen)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < BIND_HASH_SIZE; i++) {
		struct binding **pp = &b->hash[i];

		while (*pp != NULL) {
			if ((*pp)->src_id == src_id && (*pp)->gen < gen) {
				bind_free(b, pp);
				n++;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	return n;
}

static void
bind_update(struct ctl_bindings *b, const struct src_update *u)
{
	struct binding **pp;
	unsigned n;

	if (u->src_id == 0 || u->src_id > SRC_MAX)
		return;
	switch (u->op) {
	case SRC_OP_SYNC_BEGIN:
		b->gen[u->src_id]++;
		break;
	case SRC_OP_UPSERT:
		bind_upsert(b, u);
		break;
	case SRC_OP_WITHDRAW:
		pp = bind_slot(b, u->src_id, u->b.mac, u->b.network);
		if (*pp != NULL)
			bind_free(b, pp);
		break;
	case SRC_OP_SYNC_END:
		n = bind_sweep(b, u->src_id, b->gen[u->src_id]);
		LOG_INFO(ctl, "manager source %u: sync done, %u vanished binding(s) removed",
		         u->src_id, n);
		break;
	case SRC_OP_FLUSH:
		n = bind_sweep(b, u->src_id, UINT64_MAX);
		LOG_WARN(ctl, "manager source %u: flushed %u binding(s)", u->src_id, n);
		break;
	}
}

unsigned
ctl_sources_process(struct ctl *c)
{
	static struct src_update u[SRC_UPDATES_BURST];
	unsigned n, total = 0;

	if (c->srcq == NULL || c->bindings == NULL)
		return 0;
	while ((n = src_queue_drain(c->srcq, u, SRC_UPDATES_BURST)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			bind_update(c->bindings, &u[i]);
			if (u[i].op == SRC_OP_UPSERT && u[i].recv_ns != 0) {
				uint64_t us = (src_now_ns() - u[i].recv_ns) / 1000;

				c->stats.last_apply_us = us;
				if (us > c->stats.max_apply_us)
					c->stats.max_apply_us = us;
			}
		}
		c->stats.src_updates += n;
		total += n;
	}
	return total;
}

void
bindings_reresolve(struct ctl_bindings *b)
{
	for (uint32_t i = 0; i < BIND_HASH_SIZE; i++)
		for (struct binding *e = b->hash[i]; e != NULL; e = e->next)
			bind_install(b, e);
}

void
bindings_counts(const struct ctl_bindings *b, uint16_t src_id, struct bindings_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < BIND_HASH_SIZE; i++) {
		for (const struct binding *e = b->hash[i]; e != NULL; e = e->next) {
			if (e->src_id != src_id)
				continue;
			out->total++;
			if (e->installed)
				out->installed++;
			else if (e->why != NULL &&
			         strcmp(e->why, "a static entry has precedence") == 0)
				out->shadowed++;
			else
				out->unresolved++;
		}
	}
}

void
bindings_walk(const struct ctl_bindings *b, binding_walk_fn fn, void *arg)
{
	for (uint32_t i = 0; i < BIND_HASH_SIZE; i++) {
		for (const struct binding *e = b->hash[i]; e != NULL; e = e->next) {
			struct binding_info bi = {.src_id = e->src_id,
			                          .b = &e->b,
			                          .cfg_seg = e->cfg_seg,
			                          .installed = e->installed,
			                          .why = e->why,
			                          .dest = e->dest};

			if (fn(&bi, arg) != 0)
				return;
		}
	}
}
