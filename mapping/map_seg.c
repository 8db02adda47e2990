/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_seg.c - segments: immutable objects in segs[], the VNI table and the
 * access map.
 *
 * Store order, so that a reader never follows a mapping to the wrong or a
 * freed segment: a new object is published before any mapping points at
 * it; on removal the mappings are cleared first and the object (and its
 * index) is released only after a grace period. Readers load a mapping and
 * then segs[idx] through an address dependency on the loaded index; the
 * writer's release stores order the object before the mapping.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "log.h"
#include "map_private.h"

static int seg_conf_check(const struct map *m, const struct map_seg_conf *c);
static int seg_conflict(const struct map *m, const struct map_seg_conf *c, uint16_t self);
static struct map_seg *seg_build(struct map *m, uint16_t idx, const struct map_seg_conf *c);
static void seg_unref_flood(struct map *m, const struct map_seg *s);
static int vni_page_get(struct map *m, uint32_t vni);
static void vni_set(struct map *m, uint32_t vni, uint16_t idx);
static void access_set(struct map *m, uint16_t port, uint16_t vlan, uint16_t idx);

int
map_seg_add(struct map *m, const struct map_seg_conf *c)
{
	struct map_private *p = m->priv;
	struct map_seg *s;
	uint32_t idx;
	int err;

	err = seg_conf_check(m, c);
	if (err < 0)
		return err;
	err = seg_conflict(m, c, MAP_SEG_NONE);
	if (err < 0)
		return err;
	for (idx = p->seg_free_hint; idx < p->params.segments_max; idx++)
		if (p->seg_state[idx] == MAP_SEGST_FREE)
			break;
	if (idx >= p->params.segments_max)
		return -ENOSPC;
	err = vni_page_get(m, c->vni);
	if (err < 0)
		return err;
	s = seg_build(m, (uint16_t)idx, c);
	if (s == NULL)
		return -errno;

	__atomic_store_n(&p->segs[idx], s, __ATOMIC_RELEASE);
	access_set(m, s->port, s->vlan, (uint16_t)idx);
	vni_set(m, s->vni, (uint16_t)idx);
	p->seg_state[idx] = MAP_SEGST_LIVE;
	p->seg_nb_macs[idx] = 0;
	p->seg_free_hint = idx + 1;
	p->stats.nb_segs++;
	LOG_DEBUG(map, "%s: segment %u added (vni %u, port %u vlan %u)", p->name, idx, s->vni,
	          s->port, s->vlan);
	return (int)idx;
}

int
map_seg_update(struct map *m, uint16_t idx, const struct map_seg_conf *c)
{
	struct map_private *p = m->priv;
	struct map_seg *old, *s;
	int err;

	if (idx >= p->params.segments_max || p->seg_state[idx] != MAP_SEGST_LIVE)
		return -ENOENT;
	err = seg_conf_check(m, c);
	if (err < 0)
		return err;
	err = seg_conflict(m, c, idx);
	if (err < 0)
		return err;
	err = vni_page_get(m, c->vni);
	if (err < 0)
		return err;
	s = seg_build(m, idx, c);
	if (s == NULL)
		return -errno;

	/* New object, then new mappings, then old mappings removed: in
	 * between both attachments lead to idx, which is right either way. */
	old = p->segs[idx];
	__atomic_store_n(&p->segs[idx], s, __ATOMIC_RELEASE);
	if (s->port != old->port || s->vlan != old->vlan) {
		access_set(m, s->port, s->vlan, idx);
		access_set(m, old->port, old->vlan, MAP_SEG_NONE);
	}
	if (s->vni != old->vni) {
		vni_set(m, s->vni, idx);
		vni_set(m, old->vni, MAP_SEG_NONE);
	}
	seg_unref_flood(m, old);
	map_defer(m, MAP_DQ_SEG_FREE, old, idx, 0);
	LOG_DEBUG(map, "%s: segment %u updated (vni %u, port %u vlan %u)", p->name, idx, s->vni,
	          s->port, s->vlan);
	return 0;
}

int
map_seg_del(struct map *m, uint16_t idx)
{
	struct map_private *p = m->priv;
	struct map_seg *s;
	unsigned nb;

	if (idx >= p->params.segments_max || p->seg_state[idx] != MAP_SEGST_LIVE)
		return -ENOENT;
	s = p->segs[idx];
	/* Unmap first: new frames stop reaching idx. The object stays
	 * published for readers that already hold idx until the grace
	 * period ends (map_seg_release). */
	access_set(m, s->port, s->vlan, MAP_SEG_NONE);
	vni_set(m, s->vni, MAP_SEG_NONE);
	p->seg_state[idx] = MAP_SEGST_DYING;
	p->stats.nb_segs--;
	nb = map_fdb_flush_seg(m, idx);
	seg_unref_flood(m, s);
	map_defer(m, MAP_DQ_SEG_RELEASE, s, idx, 0);
	LOG_DEBUG(map, "%s: segment %u deleted (vni %u, %u fdb entries)", p->name, idx, s->vni, nb);
	return 0;
}

uint32_t
map_seg_nb_macs(const struct map *m, uint16_t idx)
{
	if (idx >= m->priv->params.segments_max)
		return 0;
	return m->priv->seg_nb_macs[idx];
}

/* ------------------------------------------------------------------ */
/* Private to mapping/                                                 */

int
map_seg_init(struct map *m)
{
	struct map_private *p = m->priv;
	const struct map_params *prm = &p->params;
	size_t access_size = (size_t)prm->nb_ports * sizeof(m->access[0]);

	p->segs = rte_zmalloc_socket("map_segs", prm->segments_max * sizeof(p->segs[0]),
	                             RTE_CACHE_LINE_SIZE, prm->socket_id);
	p->vni_l1 = rte_zmalloc_socket("map_vni_l1", MAP_VNI_L1_SIZE * sizeof(p->vni_l1[0]),
	                               RTE_CACHE_LINE_SIZE, prm->socket_id);
	m->access =
	        rte_malloc_socket("map_access", access_size, RTE_CACHE_LINE_SIZE, prm->socket_id);
	p->seg_state = calloc(prm->segments_max, sizeof(p->seg_state[0]));
	p->seg_nb_macs = calloc(prm->segments_max, sizeof(p->seg_nb_macs[0]));
	if (p->segs == NULL || p->vni_l1 == NULL || m->access == NULL || p->seg_state == NULL ||
	    p->seg_nb_macs == NULL) {
		map_seg_fini(m);
		return -ENOMEM;
	}
	memset(m->access, 0xff, access_size); /* MAP_SEG_NONE */
	m->segs = p->segs;
	m->vni_l1 = p->vni_l1;
	return 0;
}

/* Every reader is offline: free without grace periods. */
void
map_seg_fini(struct map *m)
{
	struct map_private *p = m->priv;

	for (uint32_t i = 0; p->segs != NULL && i < p->params.segments_max; i++)
		map_obj_free(p->segs[i], p->segs[i] != NULL ? map_seg_size(p->segs[i]) : 0);
	for (uint32_t i = 0; p->vni_l1 != NULL && i < MAP_VNI_L1_SIZE; i++)
		rte_free(p->vni_l1[i]);
	rte_free(p->segs);
	rte_free(p->vni_l1);
	rte_free(m->access);
	free(p->seg_state);
	free(p->seg_nb_macs);
	p->segs = NULL;
	p->vni_l1 = NULL;
	m->access = NULL;
	p->seg_state = NULL;
	p->seg_nb_macs = NULL;
	m->segs = NULL;
	m->vni_l1 = NULL;
}

/* Defer-queue callback of map_seg_del(): no reader holds idx any more. */
void
map_seg_release(struct map *m, struct map_seg *s, uint16_t idx)
{
	struct map_private *p = m->priv;

	__atomic_store_n(&p->segs[idx], NULL, __ATOMIC_RELEASE);
	map_obj_free(s, map_seg_size(s));
	p->seg_state[idx] = MAP_SEGST_FREE;
	if (idx < p->seg_free_hint)
		p->seg_free_hint = idx;
}

size_t
map_seg_size(const struct map_seg *s)
{
	return sizeof(*s) + s->nb_flood * sizeof(s->flood[0]);
}

/* ------------------------------------------------------------------ */

static int
seg_conf_check(const struct map *m, const struct map_seg_conf *c)
{
	if (c == NULL || c->vni == 0 || c->vni > MAP_VNI_MAX || c->vlan > MAP_VLAN_MAX ||
	    c->port >= m->priv->params.nb_ports || (c->nb_flood > 0 && c->flood == NULL))
		return -EINVAL;
	if ((c->name != NULL && strnlen(c->name, 64) >= 64) ||
	    (c->tenant != NULL && strnlen(c->tenant, 64) >= 64))
		return -EINVAL;
	for (unsigned i = 0; i < c->nb_flood; i++) {
		if (c->flood[i] == 0)
			return -EINVAL;
		for (unsigned j = 0; j < i; j++)
			if (c->flood[j] == c->flood[i])
				return -EINVAL;
	}
	return 0;
}

/* -EEXIST when c's VNI or attachment belongs to a segment other than self. */
static int
seg_conflict(const struct map *m, const struct map_seg_conf *c, uint16_t self)
{
	uint16_t cur;

	cur = map_vni_seg(m, c->vni);
	if (cur != MAP_SEG_NONE && cur != self)
		return -EEXIST;
	cur = map_access_seg(m, c->port, c->vlan);
	if (cur != MAP_SEG_NONE && cur != self)
		return -EEXIST;
	return 0;
}

/* Constructor: NULL with errno set. Takes a reference on each flood VTEP. */
static struct map_seg *
seg_build(struct map *m, uint16_t idx, const struct map_seg_conf *c)
{
	size_t size = sizeof(struct map_seg) + c->nb_flood * sizeof(uint16_t);
	struct map_seg *s;
	unsigned i;
	int err;

	s = rte_zmalloc_socket("map_seg", size, RTE_CACHE_LINE_SIZE, m->priv->params.socket_id);
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	s->idx = idx;
	s->port = c->port;
	s->vlan = c->vlan;
	s->vlan_tci = rte_cpu_to_be_16(c->vlan);
	s->vni = c->vni;
	s->vni_word = rte_cpu_to_be_32(c->vni << 8);
	s->ageing_s = c->ageing_s;
	s->refresh_s = c->ageing_s == 0 ? MAP_REFRESH_DEFAULT_S : RTE_MAX(c->ageing_s / 4, 1u);
	s->mac_limit = c->mac_limit;
	s->flood_rate_pps = c->flood_rate_pps;
	snprintf(s->name, sizeof(s->name), "%s", c->name != NULL ? c->name : "");
	snprintf(s->tenant, sizeof(s->tenant), "%s", c->tenant != NULL ? c->tenant : "");
	for (i = 0; i < c->nb_flood; i++) {
		err = map_vtep_ref(m, c->flood[i], &s->flood[i]);
		if (err < 0)
			goto err_ref;
		s->nb_flood = (uint16_t)(i + 1);
	}
	return s;

err_ref:
	seg_unref_flood(m, s);
	rte_free(s);
	errno = -err;
	return NULL;
}

static void
seg_unref_flood(struct map *m, const struct map_seg *s)
{
	for (unsigned i = 0; i < s->nb_flood; i++)
		map_vtep_unref(m, s->flood[i]);
}

/* Make sure the second-level page of @p vni exists (it is never freed). */
static int
vni_page_get(struct map *m, uint32_t vni)
{
	struct map_private *p = m->priv;
	uint32_t l1 = vni >> 12;
	uint16_t *page;

	if (p->vni_l1[l1] != NULL)
		return 0;
	page = rte_malloc_socket("map_vni_l2", MAP_VNI_L2_SIZE * sizeof(uint16_t),
	                         RTE_CACHE_LINE_SIZE, p->params.socket_id);
	if (page == NULL)
		return -ENOMEM;
	memset(page, 0xff, MAP_VNI_L2_SIZE * sizeof(uint16_t)); /* MAP_SEG_NONE */
	__atomic_store_n(&p->vni_l1[l1], page, __ATOMIC_RELEASE);
	return 0;
}

static void
vni_set(struct map *m, uint32_t vni, uint16_t idx)
{
	__atomic_store_n(&m->priv->vni_l1[vni >> 12][vni & 0xfff], idx, __ATOMIC_RELEASE);
}

static void
access_set(struct map *m, uint16_t port, uint16_t vlan, uint16_t idx)
{
	__atomic_store_n(&m->access[port][vlan], idx, __ATOMIC_RELEASE);
}
