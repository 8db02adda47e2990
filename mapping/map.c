/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map.c - life cycle of the mapping tables, readers, the defer queue and
 * statistics. Segments, VTEPs and the FDB live in map_seg.c, map_vtep.c and
 * map_fdb.c; the template builder in map_tmpl.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "log.h"
#include "map_private.h"

#define MAP_READERS_MAX 1024
#define MAP_DQ_TRIGGER  32 /* the enqueue path reclaims beyond this many pending */

static int params_check(const struct map_params *p);
static int rcu_init(struct map *m);
static void rcu_fini(struct map *m);
static void dq_free_cb(void *p, void *e, unsigned int n);

struct map *
map_create(const struct map_params *p)
{
	struct map_private *priv;
	struct map *m;
	int err;

	err = params_check(p);
	if (err < 0)
		goto err_params;
	err = -ENOMEM;
	m = rte_zmalloc_socket("map", sizeof(*m), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (m == NULL)
		goto err_params;
	priv = calloc(1, sizeof(*priv));
	if (priv == NULL)
		goto err_map;
	m->priv = priv;
	priv->params = *p;
	snprintf(priv->name, sizeof(priv->name), "%s", p->name);
	priv->params.name = priv->name;
	m->tsc_hz = rte_get_tsc_hz();
	m->tsc_base = rte_rdtsc();

	err = rcu_init(m);
	if (err < 0)
		goto err_priv;
	err = map_seg_init(m);
	if (err < 0)
		goto err_rcu;
	err = map_vtep_init(m);
	if (err < 0)
		goto err_seg;
	err = map_fdb_init(m);
	if (err < 0)
		goto err_vtep;
	LOG_INFO(map, "%s: created (fdb %u, vteps %u, segments %u, readers %u)", priv->name,
	         p->fdb_max, p->vteps_max, p->segments_max, p->max_readers);
	return m;

err_vtep:
	map_vtep_fini(m);
err_seg:
	map_seg_fini(m);
err_rcu:
	rcu_fini(m);
err_priv:
	free(priv);
err_map:
	rte_free(m);
err_params:
	LOG_ERR(map, "%s: cannot create: %s", p != NULL && p->name != NULL ? p->name : "?",
	        strerror(-err));
	errno = -err;
	return NULL;
}

void
map_destroy(struct map *m)
{
	if (m == NULL)
		return;
	/* The FDB first: its entries hold VTEP references nobody needs any
	 * more. Then the defer queue, whose callbacks still use the segment
	 * and VTEP tables; then those tables. */
	map_fdb_fini(m);
	if (m->priv->dq != NULL && rte_rcu_qsbr_dq_delete(m->priv->dq) != 0)
		LOG_ERR(map, "%s: destroy: defer queue not empty (a reader is still online)",
		        m->priv->name);
	m->priv->dq = NULL;
	map_seg_fini(m);
	map_vtep_fini(m);
	rcu_fini(m);
	free(m->priv);
	rte_free(m);
}

int
map_underlay_set(struct map *m, const struct map_underlay *u)
{
	struct map_private *p = m->priv;

	if (u == NULL || u->port >= p->params.nb_ports || u->prefix_len > 32 || u->ttl == 0 ||
	    u->udp_port == 0 || u->src_ip == 0)
		return -EINVAL;
	if (!p->underlay_ok || u->next_hop != p->underlay.next_hop)
		p->gw_resolved = false;
	p->underlay = *u;
	p->underlay_ok = true;
	map_vtep_rebuild_all(m);
	return 0;
}

void
map_reclaim(struct map *m)
{
	/* Only our queue: DPDK 22.11 has no call to reclaim rte_hash's own
	 * queue, which reclaims on delete beyond its trigger and when an add
	 * runs out of key slots. */
	rte_rcu_qsbr_dq_reclaim(m->priv->dq, UINT_MAX, NULL, NULL, NULL);
}

int
map_reader_register(struct map *m, unsigned id)
{
	if (id >= m->priv->params.max_readers)
		return -EINVAL;
	return rte_rcu_qsbr_thread_register(m->qsbr, id) == 0 ? 0 : -rte_errno;
}

void
map_reader_unregister(struct map *m, unsigned id)
{
	if (id < m->priv->params.max_readers)
		rte_rcu_qsbr_thread_unregister(m->qsbr, id);
}

void
map_stats_get(const struct map *m, struct map_stats *out)
{
	*out = m->priv->stats;
}

/*
 * Hand @p obj (or a VTEP release) to the defer queue. The queue is sized for
 * every object the tables can have pending at once, twice over; if it is
 * full anyway (readers far behind), wait for one grace period: everything
 * queued and this object are then safe to free. That wait is the only way
 * the writer blocks, and it ends as soon as every online reader passes one
 * quiescent state.
 */
int
map_defer(struct map *m, enum map_dq_kind kind, void *obj, uint16_t idx, uint32_t gen)
{
	static struct log_rl rl = LOG_RL_INIT(5, 60);
	struct map_dq_entry e = {.obj = obj, .kind = (uint16_t)kind, .idx = idx, .gen = gen};
	struct map_private *p = m->priv;

	p->stats.rcu_deferred++;
	if (rte_rcu_qsbr_dq_enqueue(p->dq, &e) == 0)
		return 0;
	LOG_WARN_RL(&rl, map, "%s: defer queue full, waiting for readers", p->name);
	map_rcu_sync(m);
	rte_rcu_qsbr_dq_reclaim(p->dq, UINT_MAX, NULL, NULL, NULL);
	dq_free_cb(m, &e, 1);
	return 0;
}

/* Wait until every online reader has passed a quiescent state. */
void
map_rcu_sync(struct map *m)
{
	m->priv->stats.rcu_sync++;
	rte_rcu_qsbr_synchronize(m->qsbr, RTE_QSBR_THRID_INVALID);
}

/* Free an rte_malloc'ed object after poisoning it, so that a reader using
 * it after its grace period reads garbage that checks catch, not plausible
 * stale data. */
void
map_obj_free(void *obj, size_t size)
{
	if (obj == NULL)
		return;
	memset(obj, MAP_POISON, size);
	rte_free(obj);
}

static int
params_check(const struct map_params *p)
{
	if (p == NULL || p->name == NULL || p->name[0] == '\0' ||
	    strlen(p->name) > MAP_NAME_LEN_MAX)
		return -EINVAL;
	if (p->fdb_max == 0 || p->fdb_max > RTE_HASH_ENTRIES_MAX / 2)
		return -EINVAL;
	if (p->vteps_max == 0 || p->vteps_max > MAP_VTEP_MAX)
		return -EINVAL;
	if (p->segments_max == 0 || p->segments_max > MAP_SEG_MAX)
		return -EINVAL;
	if (p->nb_ports == 0 || p->nb_ports > MAP_PORT_MAX)
		return -EINVAL;
	if (p->max_readers == 0 || p->max_readers > MAP_READERS_MAX)
		return -EINVAL;
	return 0;
}

static int
rcu_init(struct map *m)
{
	const struct map_params *prm = &m->priv->params;
	struct rte_rcu_qsbr_dq_parameters dqp = {0};
	char name[RTE_RCU_QSBR_DQ_NAMESIZE];
	size_t size;

	size = rte_rcu_qsbr_get_memsize(prm->max_readers);
	m->qsbr = rte_zmalloc_socket("map_qsbr", size, RTE_CACHE_LINE_SIZE, prm->socket_id);
	if (m->qsbr == NULL)
		return -ENOMEM;
	if (rte_rcu_qsbr_init(m->qsbr, prm->max_readers) != 0)
		goto err_qsbr;
	snprintf(name, sizeof(name), "mdq_%s", prm->name);
	dqp.name = name;
	dqp.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE; /* one writer */
	/* Pending at once, at worst: a template and a release per VTEP and a
	 * segment object per segment, from two rebuilds in a row. */
	dqp.size = 2 * (prm->vteps_max * 2 + prm->segments_max) + 1024;
	dqp.esize = sizeof(struct map_dq_entry);
	dqp.trigger_reclaim_limit = MAP_DQ_TRIGGER;
	dqp.max_reclaim_size = UINT_MAX;
	dqp.free_fn = dq_free_cb;
	dqp.p = m;
	dqp.v = m->qsbr;
	m->priv->dq = rte_rcu_qsbr_dq_create(&dqp);
	if (m->priv->dq == NULL)
		goto err_qsbr;
	return 0;

err_qsbr:
	rte_free(m->qsbr);
	m->qsbr = NULL;
	return rte_errno == EEXIST ? -EEXIST : -ENOMEM;
}

static void
rcu_fini(struct map *m)
{
	if (m->priv->dq != NULL)
		rte_rcu_qsbr_dq_delete(m->priv->dq);
	m->priv->dq = NULL;
	rte_free(m->qsbr);
	m->qsbr = NULL;
}

/* Runs after the grace period of the entry: no reader can hold it. */
static void
dq_free_cb(void *p, void *e, unsigned int n)
{
	const struct map_dq_entry *d = e;
	struct map *m = p;

	RTE_SET_USED(n); /* always 1 */
	m->priv->stats.rcu_freed++;
	switch (d->kind) {
	case MAP_DQ_SEG_FREE:
		map_obj_free(d->obj, map_seg_size(d->obj));
		break;
	case MAP_DQ_SEG_RELEASE:
		map_seg_release(m, d->obj, d->idx);
		break;
	case MAP_DQ_TMPL_FREE:
		map_obj_free(d->obj, sizeof(struct map_vtep_tmpl));
		break;
	case MAP_DQ_VTEP_RELEASE:
		map_vtep_release(m, d->idx, d->gen);
		break;
	}
}
