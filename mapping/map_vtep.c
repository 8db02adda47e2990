/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_vtep.c - remote VTEPs: writer-side state, IP -> index, templates and
 * next-hop resolution.
 *
 * A VTEP exists while something refers to it (FDB entries, flood lists).
 * When the last reference goes, its release is deferred: a reader may still
 * hold an FDB value or a segment naming the index, so the template stays
 * published and the index reserved until a grace period has passed. A VTEP
 * referenced again in the meantime simply lives on (the generation number
 * makes the stale release a no-op).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "log.h"
#include "map_private.h"
#include "netaddr.h"

static bool vtep_ip_valid(rte_be32_t ip);
static int vtep_create(struct map *m, rte_be32_t ip, uint16_t *idx);
static void vtep_nh_update(struct map *m, struct map_vtep *v);
static int tmpl_publish(struct map *m, uint16_t idx);
static void vtep_info_fill(const struct map *m, uint16_t idx, struct map_vtep_info *out);

int
map_vtep_find(const struct map *m, rte_be32_t ip)
{
	void *data;

	if (rte_hash_lookup_data(m->priv->vtep_by_ip, &ip, &data) < 0)
		return -ENOENT;
	return (int)(uintptr_t)data;
}

int
map_vtep_info(const struct map *m, uint16_t idx, struct map_vtep_info *out)
{
	const struct map_private *p = m->priv;

	if (idx >= p->params.vteps_max || p->vteps[idx].state != MAP_VTEP_USED)
		return -ENOENT;
	vtep_info_fill(m, idx, out);
	return 0;
}

unsigned
map_nexthop_set(struct map *m, rte_be32_t next_hop, const uint8_t *mac)
{
	struct map_private *p = m->priv;
	unsigned nb = 0;

	if (next_hop == 0)
		return 0;
	if (p->underlay_ok && next_hop == p->underlay.next_hop) {
		p->gw_resolved = mac != NULL;
		if (mac != NULL)
			memcpy(p->gw_mac, mac, sizeof(p->gw_mac));
	}
	for (uint32_t i = 0; i < p->vtep_hwm; i++) {
		struct map_vtep *v = &p->vteps[i];

		if (v->state != MAP_VTEP_USED || v->next_hop != next_hop)
			continue;
		if (mac == NULL ? !v->resolved : v->resolved && memcmp(v->mac, mac, 6) == 0)
			continue; /* no change */
		v->resolved = mac != NULL;
		if (mac != NULL)
			memcpy(v->mac, mac, sizeof(v->mac));
		if (tmpl_publish(m, (uint16_t)i) == 0)
			nb++;
	}
	return nb;
}

int
map_vtep_walk(const struct map *m, map_vtep_walk_fn fn, void *arg)
{
	const struct map_private *p = m->priv;
	struct map_vtep_info info;
	int r;

	for (uint32_t i = 0; i < p->vtep_hwm; i++) {
		if (p->vteps[i].state != MAP_VTEP_USED)
			continue;
		vtep_info_fill(m, (uint16_t)i, &info);
		r = fn(&info, arg);
		if (r != 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Private to mapping/                                                 */

int
map_vtep_init(struct map *m)
{
	struct map_private *p = m->priv;
	struct rte_hash_parameters hp = {0};
	char name[RTE_HASH_NAMESIZE];

	p->tmpl = rte_zmalloc_socket("map_tmpl", p->params.vteps_max * sizeof(p->tmpl[0]),
	                             RTE_CACHE_LINE_SIZE, p->params.socket_id);
	p->vteps = calloc(p->params.vteps_max, sizeof(p->vteps[0]));
	if (p->tmpl == NULL || p->vteps == NULL)
		goto err_nomem;
	snprintf(name, sizeof(name), "v%s", p->name);
	hp.name = name;
	hp.entries = RTE_MAX(p->params.vteps_max, 8u);
	hp.key_len = sizeof(rte_be32_t);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = p->params.socket_id;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE; /* no cuckoo failure below capacity */
	p->vtep_by_ip = rte_hash_create(&hp);
	if (p->vtep_by_ip == NULL) {
		map_vtep_fini(m);
		return rte_errno == EEXIST ? -EEXIST : -ENOMEM;
	}
	m->tmpl = p->tmpl;
	return 0;

err_nomem:
	map_vtep_fini(m);
	return -ENOMEM;
}

/* Every reader is offline: free without grace periods. */
void
map_vtep_fini(struct map *m)
{
	struct map_private *p = m->priv;

	for (uint32_t i = 0; p->tmpl != NULL && i < p->params.vteps_max; i++)
		map_obj_free((void *)(uintptr_t)p->tmpl[i], sizeof(struct map_vtep_tmpl));
	rte_free(p->tmpl);
	free(p->vteps);
	rte_hash_free(p->vtep_by_ip);
	p->tmpl = NULL;
	p->vteps = NULL;
	p->vtep_by_ip = NULL;
	m->tmpl = NULL;
}

/* Take a reference on the VTEP at @p ip, creating it with the lowest free
 * index. @return 0 or -EINVAL, -ENOSPC (vteps_max), -ENOMEM. */
int
map_vtep_ref(struct map *m, rte_be32_t ip, uint16_t *idx)
{
	struct map_private *p = m->priv;
	void *data;

	if (rte_hash_lookup_data(p->vtep_by_ip, &ip, &data) >= 0) {
		*idx = (uint16_t)(uintptr_t)data;
		p->vteps[*idx].refcnt++;
		return 0;
	}
	if (!vtep_ip_valid(ip))
		return -EINVAL;
	return vtep_create(m, ip, idx);
}

void
map_vtep_unref(struct map *m, uint16_t idx)
{
	struct map_vtep *v = &m->priv->vteps[idx];

	VTEP_ASSERT(v->state == MAP_VTEP_USED && v->refcnt > 0);
	if (--v->refcnt > 0)
		return;
	v->gen++;
	map_defer(m, MAP_DQ_VTEP_RELEASE, NULL, idx, v->gen);
}

/* Defer-queue callback of map_vtep_unref(): a grace period has passed since
 * the last reference went, so no reader can still name @p idx. */
void
map_vtep_release(struct map *m, uint16_t idx, uint32_t gen)
{
	struct map_private *p = m->priv;
	struct map_vtep *v = &p->vteps[idx];
	const struct map_vtep_tmpl *t;

	if (v->state != MAP_VTEP_USED || v->refcnt != 0 || v->gen != gen)
		return; /* referenced again, or released by a later generation */
	t = p->tmpl[idx];
	__atomic_store_n(&p->tmpl[idx], NULL, __ATOMIC_RELEASE);
	map_obj_free((void *)(uintptr_t)t, sizeof(*t));
	rte_hash_del_key(p->vtep_by_ip, &v->ip);
	v->state = MAP_VTEP_FREE;
	p->stats.nb_vteps--;
	if (idx < p->vtep_free_hint)
		p->vtep_free_hint = idx;
}

/* The underlay changed: recompute every next hop and republish every
 * template. */
void
map_vtep_rebuild_all(struct map *m)
{
	struct map_private *p = m->priv;

	for (uint32_t i = 0; i < p->vtep_hwm; i++) {
		if (p->vteps[i].state != MAP_VTEP_USED)
			continue;
		vtep_nh_update(m, &p->vteps[i]);
		tmpl_publish(m, (uint16_t)i);
	}
}

/* ------------------------------------------------------------------ */

/* A unicast address: not 0.0.0.0/8, not multicast or broadcast. */
static bool
vtep_ip_valid(rte_be32_t ip)
{
	uint32_t h = rte_be_to_cpu_32(ip);

	return (h >> 24) != 0 && (h >> 28) != 0xe && h != 0xffffffffu;
}

static int
vtep_create(struct map *m, rte_be32_t ip, uint16_t *idx)
{
	struct map_private *p = m->priv;
	struct map_vtep *v;
	uint32_t i;
	int err;

	for (i = p->vtep_free_hint; i < p->params.vteps_max; i++)
		if (p->vteps[i].state == MAP_VTEP_FREE)
			break;
	if (i >= p->params.vteps_max) {
		p->stats.limit_vteps++;
		return -ENOSPC;
	}
	v = &p->vteps[i];
	/* gen survives reuse: a stale release must never match a new life. */
	*v = (struct map_vtep){.ip = ip, .refcnt = 1, .gen = v->gen, .state = MAP_VTEP_USED};
	vtep_nh_update(m, v);
	if (rte_hash_add_key_data(p->vtep_by_ip, &ip, (void *)(uintptr_t)i) < 0) {
		err = -ENOMEM;
		goto err_state;
	}
	err = tmpl_publish(m, (uint16_t)i);
	if (err < 0)
		goto err_hash;
	p->vtep_free_hint = i + 1;
	p->vtep_hwm = RTE_MAX(p->vtep_hwm, i + 1);
	p->stats.nb_vteps++;
	*idx = (uint16_t)i;
	return 0;

err_hash:
	rte_hash_del_key(p->vtep_by_ip, &ip);
err_state:
	v->state = MAP_VTEP_FREE;
	return err;
}

/* Next hop: the VTEP itself when on-link, else the underlay's gateway (0 =
 * unreachable). A changed next hop starts unresolved, unless it is the
 * gateway and the gateway's MAC is known. */
static void
vtep_nh_update(struct map *m, struct map_vtep *v)
{
	const struct map_private *p = m->priv;
	const struct map_underlay *u = &p->underlay;
	rte_be32_t nh = 0;

	if (p->underlay_ok)
		nh = netaddr_ipv4_same_subnet(v->ip, u->port_ip, (uint8_t)u->prefix_len)
		             ? v->ip
		             : u->next_hop;
	if (nh == v->next_hop)
		return;
	v->next_hop = nh;
	v->resolved = nh != 0 && nh == u->next_hop && p->gw_resolved;
	if (v->resolved)
		memcpy(v->mac, p->gw_mac, sizeof(v->mac));
}

static int
tmpl_publish(struct map *m, uint16_t idx)
{
	struct map_private *p = m->priv;
	const struct map_vtep *v = &p->vteps[idx];
	const struct map_vtep_tmpl *old;
	struct map_vtep_tmpl *t;

	t = rte_zmalloc_socket("map_tmpl", sizeof(*t), RTE_CACHE_LINE_SIZE, p->params.socket_id);
	if (t == NULL) {
		LOG_ERR(map, "%s: vtep %u: no memory for its template", p->name, idx);
		return -ENOMEM;
	}
	map_tmpl_build_ipv4(t, &p->underlay, v->ip, v->resolved ? v->mac : NULL, idx);
	old = p->tmpl[idx];
	__atomic_store_n(&p->tmpl[idx], t, __ATOMIC_RELEASE);
	if (old != NULL)
		map_defer(m, MAP_DQ_TMPL_FREE, (void *)(uintptr_t)old, idx, 0);
	return 0;
}

static void
vtep_info_fill(const struct map *m, uint16_t idx, struct map_vtep_info *out)
{
	const struct map_vtep *v = &m->priv->vteps[idx];

	memset(out, 0, sizeof(*out));
	out->idx = idx;
	out->ip = v->ip;
	out->next_hop = v->next_hop;
	out->resolved = v->resolved;
	if (v->resolved)
		memcpy(out->mac, v->mac, sizeof(out->mac));
	out->refcnt = v->refcnt;
	out->nb_fdb = v->nb_fdb;
}
