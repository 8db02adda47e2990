/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_apply.c - make the mapping tables match a validated configuration,
 * at start and on reload.
 *
 * A reload is a difference, not a rebuild: segments are matched by
 * (tenant, name); an unchanged segment is not touched, a changed one is
 * replaced in one atomic update (its FDB entries stay), a new one is added,
 * a removed one is deleted with its entries. Static FDB entries are
 * compared the same way. Traffic of untouched segments never notices.
 * What the running dataplane was built from (ports, addresses, lcores,
 * table sizes) cannot change without a restart; such a reload is refused
 * as a whole before anything is applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "ctl.h"

uint16_t
ctl_seg_idx(const struct ctl *c, unsigned cfg_idx)
{
	return c->segs[cfg_idx].idx;
}

int
ctl_cfg_seg_of(const struct ctl *c, uint16_t idx)
{
	for (unsigned i = 0; c->cfg != NULL && i < c->cfg->nb_segments; i++)
		if (c->segs[i].idx == idx)
			return (int)i;
	return -1;
}

int
ctl_apply_underlay(struct ctl *c, const struct cfg *cfg)
{
	int ul = cfg_underlay_port(cfg);
	struct dp_port_info pi;
	struct map_underlay u;
	int r;

	if (ul < 0)
		return -EINVAL;
	r = dp_port_info(c->dp, (uint16_t)ul, &pi);
	if (r < 0)
		return r;
	memset(&u, 0, sizeof(u));
	u.port = (uint16_t)ul;
	memcpy(u.src_mac, pi.mac, 6);
	u.src_ip = cfg->gateway.vtep_ip;
	u.port_ip = cfg->ports[ul].ip;
	u.prefix_len = cfg->ports[ul].prefix_len;
	u.next_hop = cfg->ports[ul].next_hop;
	u.udp_port = cfg->gateway.udp_port;
	u.ttl = cfg->gateway.ttl;
	u.tos = cfg->gateway.tos;
	r = map_underlay_set(c->map, &u);
	if (r == 0 && c->neigh != NULL)
		neigh_set_static(c->neigh, cfg->ports[ul].neighbors, cfg->ports[ul].nb_neighbors);
	return r;
}

static void
seg_conf_of(const struct cfg *cfg, const struct cfg_segment *s, struct map_seg_conf *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->name = s->name;
	mc->tenant = cfg->tenants[s->tenant].name;
	mc->vni = s->vni;
	mc->port = (uint16_t)s->port;
	mc->vlan = s->vlan;
	mc->ageing_s = s->ageing_s;
	mc->mac_limit = s->mac_limit;
	mc->flood_rate_pps = s->flood_rate_pps;
	mc->flood = s->flood;
	mc->nb_flood = (uint16_t)s->nb_flood;
}

static bool
seg_same(const struct cfg *a, const struct cfg_segment *x, const struct cfg *b,
         const struct cfg_segment *y)
{
	return x->vni == y->vni && x->port == y->port &&
	       strcmp(a->ports[x->port].name, b->ports[y->port].name) == 0 && x->vlan == y->vlan &&
	       x->ageing_s == y->ageing_s && x->mac_limit == y->mac_limit &&
	       x->flood_rate_pps == y->flood_rate_pps && x->nb_flood == y->nb_flood &&
	       /* no flood list: flood is NULL, and memcmp(NULL, ..., 0) is undefined */
	       (x->nb_flood == 0 ||
	        memcmp(x->flood, y->flood, sizeof(x->flood[0]) * x->nb_flood) == 0);
}

/* Index in @p cfg of the segment named like @p s of @p other, or -1. */
static int
seg_find(const struct cfg *cfg, const struct cfg *other, const struct cfg_segment *s)
{
	const char *tenant = other->tenants[s->tenant].name;

	for (unsigned i = 0; cfg != NULL && i < cfg->nb_segments; i++) {
		const struct cfg_segment *t = &cfg->segments[i];

		if (strcmp(t->name, s->name) == 0 &&
		    strcmp(cfg->tenants[t->tenant].name, tenant) == 0)
			return (int)i;
	}
	return -1;
}

static void
log_seg(const char *what, const struct cfg *cfg, const struct cfg_segment *s, int r)
{
	if (r < 0)
		LOG_ERR(ctl, "segment %s/%s (vni %u): %s failed: %s", cfg->tenants[s->tenant].name,
		        s->name, s->vni, what, strerror(-r));
	else
		LOG_INFO(ctl, "segment %s/%s (vni %u): %s", cfg->tenants[s->tenant].name, s->name,
		         s->vni, what);
}

/* Apply the segment part of a reload. @p segs receives next's indexes. */
static int
apply_segments(struct ctl *c, const struct cfg *next, struct ctl_seg *segs)
{
	const struct cfg *cur = c->cfg;
	bool *pending = calloc(next->nb_segments + 1, sizeof(*pending));
	unsigned nb_pending = 0;
	struct map_seg_conf mc;
	int r;

	if (pending == NULL)
		return -ENOMEM;
	/* Removed segments first: they free VNIs and attachments. */
	for (unsigned i = 0; cur != NULL && i < cur->nb_segments; i++) {
		if (seg_find(next, cur, &cur->segments[i]) >= 0)
			continue;
		r = map_seg_del(c->map, c->segs[i].idx);
		log_seg("removed", cur, &cur->segments[i], r);
	}
	for (unsigned i = 0; i < next->nb_segments; i++) {
		int j = seg_find(cur, next, &next->segments[i]);

		if (j < 0) {
			segs[i].idx = MAP_SEG_NONE;
			pending[i] = true;
			nb_pending++;
			continue;
		}
		segs[i].idx = c->segs[j].idx;
		if (!seg_same(cur, &cur->segments[j], next, &next->segments[i])) {
			pending[i] = true;
			nb_pending++;
		}
	}
	/* Updates and additions; a VNI or attachment moving between two
	 * segments of one reload may need another pass. */
	for (unsigned pass = 0; nb_pending > 0 && pass <= next->nb_segments; pass++) {
		unsigned before = nb_pending;

		for (unsigned i = 0; i < next->nb_segments; i++) {
			if (!pending[i])
				continue;
			bool adding = segs[i].idx == MAP_SEG_NONE;

			seg_conf_of(next, &next->segments[i], &mc);
			if (adding) {
				r = map_seg_add(c->map, &mc);
				if (r >= 0)
					segs[i].idx = (uint16_t)r;
			} else {
				r = map_seg_update(c->map, segs[i].idx, &mc);
			}
			if (r == -EEXIST)
				continue;
			log_seg(adding ? "added" : "changed", next, &next->segments[i], r);
			pending[i] = false;
			nb_pending--;
			if (r < 0 && r != -EEXIST) {
				free(pending);
				return r;
			}
		}
		if (nb_pending == before) {
			/* A cycle (two segments swapping VNIs): break it by
			 * re-creating one of them. */
			for (unsigned i = 0; i < next->nb_segments; i++) {
				if (pending[i] && segs[i].idx != MAP_SEG_NONE) {
					map_seg_del(c->map, segs[i].idx);
					segs[i].idx = MAP_SEG_NONE;
					break;
				}
			}
		}
	}
	free(pending);
	return nb_pending == 0 ? 0 : -EEXIST;
}

static bool
fdb_in(const struct cfg *cfg, const struct cfg_fdb *e)
{
	for (unsigned i = 0; cfg != NULL && i < cfg->nb_fdb; i++)
		if (cfg->fdb[i].vni == e->vni && memcmp(cfg->fdb[i].mac, e->mac, 6) == 0 &&
		    cfg->fdb[i].vtep == e->vtep)
			return true;
	return false;
}

static void
apply_static_fdb(struct ctl *c, const struct cfg *next, const struct ctl_seg *segs)
{
	const struct cfg *cur = c->cfg;
	char mac[NETADDR_MAC_STRLEN], ip[NETADDR_IPV4_STRLEN];
	int r;

	for (unsigned i = 0; cur != NULL && i < cur->nb_fdb; i++) {
		const struct cfg_fdb *e = &cur->fdb[i];
		int s = cfg_segment_by_vni(cur, e->vni);

		if (fdb_in(next, e) || s < 0)
			continue;
		/* The segment may be gone already (and its entries with it). */
		if (cfg_segment_by_vni(next, e->vni) < 0)
			continue;
		map_fdb_del(c->map, c->segs[s].idx, e->mac, MAP_SRC_STATIC, -1);
	}
	for (unsigned i = 0; i < next->nb_fdb; i++) {
		const struct cfg_fdb *e = &next->fdb[i];
		int s = cfg_segment_by_vni(next, e->vni);
		struct map_dest d = {.type = MAP_FDB_REMOTE, .vtep_ip = e->vtep};

		if (s < 0 || (fdb_in(cur, e) && cfg_segment_by_vni(cur, e->vni) >= 0 &&
		              c->segs[cfg_segment_by_vni(cur, e->vni)].idx == segs[s].idx))
			continue;
		r = map_fdb_set(c->map, segs[s].idx, e->mac, &d, MAP_SRC_STATIC, 0);
		if (r < 0)
			LOG_ERR(ctl, "static fdb vni %u %s -> %s: %s", e->vni,
			        netaddr_mac_fmt(e->mac, mac, sizeof(mac)),
			        netaddr_ipv4_fmt(e->vtep, ip, sizeof(ip)), strerror(-r));
	}
}

int
ctl_apply_config(struct ctl *c, struct cfg *next)
{
	struct ctl_seg *segs = calloc(next->nb_segments + 1, sizeof(*segs));
	int r;

	if (segs == NULL)
		return -ENOMEM;
	r = apply_segments(c, next, segs);
	if (r < 0) {
		free(segs);
		return r;
	}
	apply_static_fdb(c, next, segs);
	cfg_free(c->cfg);
	free(c->segs);
	c->cfg = next;
	c->segs = segs;
	return 0;
}
