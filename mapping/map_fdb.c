/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_fdb.c - the FDB: rte_hash (lock-free readers, extendable buckets,
 * key slots recycled after a grace period) whose data is the 64-bit value
 * word itself. Every change of an entry is one atomic store of that word
 * (rte_hash_add_key_data() on an existing key), so readers see the old or
 * the new destination, never a mix and never freed memory.
 *
 * Writer-only metadata (first seen, moves, source id, the links of the
 * segment's list of entries) lives in fdb_meta[], indexed by the key
 * position rte_hash reports; it is reset on insert, as a position is reused
 * only for a new key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "log.h"
#include "netaddr.h"
#include "map_private.h"

/*
 * Key slots beyond fdb_max: a deleted key's slot is reusable only after a
 * grace period, so a table sized exactly fdb_max would refuse adds right
 * after deletes until the readers move on. The global limit stays fdb_max
 * (stats.nb_fdb); the slack only absorbs slots waiting for readers.
 */
#define FDB_SLACK_MIN   1024
#define FDB_SLACK_SHIFT 5 /* fdb_max / 32 */
#define FDB_DQ_TRIGGER  128
#define FDB_DQ_RECLAIM  128
#define FDB_CHUNK       256 /* keys collected before deleting (ageing) */

/* One writer operation on one key. */
struct fdb_op {
	uint64_t key;
	hash_sig_t sig;
	int32_t pos; /* key position, < 0 when absent */
	uint64_t old;
	uint16_t seg;
};

static int fdb_prepare(const struct map *m, struct fdb_op *op, uint16_t seg, const uint8_t *mac,
                       const struct map_dest *d);
static int fdb_insert(struct map *m, struct fdb_op *op, const struct map_dest *d, enum map_src src,
                      uint16_t src_id, uint32_t seen);
static int fdb_replace(struct map *m, struct fdb_op *op, const struct map_dest *d, enum map_src src,
                       uint32_t seen);
static bool fdb_same_dest(const struct map *m, uint64_t val, const struct map_dest *d);
static bool fdb_match(const struct map *m, int32_t pos, uint64_t val, int src, int src_id);
static unsigned fdb_remove_batch(struct map *m, const uint64_t *keys, const uint64_t *vals,
                                 unsigned n);
static unsigned fdb_flush_seg(struct map *m, uint16_t seg, int src, int src_id);
static bool fdb_expired(const struct map *m, uint64_t key, uint64_t val, uint32_t now_s);
static void fdb_info_fill(const struct map *m, int32_t pos, uint64_t key, uint64_t val,
                          struct map_fdb_info *out);

static inline uint16_t
key_seg(uint64_t key)
{
	union map_fdb_key k = {.u64 = key};

	return k.seg;
}

/* Readers caching verified entries must drop them (struct map): release,
 * so a reader that sees the new generation also sees the change. */
static inline void
fdb_forget(struct map *m)
{
	__atomic_store_n(&m->fdb_forget_gen, m->fdb_forget_gen + 1, __ATOMIC_RELEASE);
}

int
map_fdb_learn(struct map *m, uint16_t seg, const uint8_t mac[6], const struct map_dest *d,
              uint32_t now_s)
{
	struct map_private *p = m->priv;
	struct fdb_op op;
	int err;

	if (mac == NULL || netaddr_mac_is_group(mac) || netaddr_mac_is_zero(mac))
		return -EINVAL;
	err = fdb_prepare(m, &op, seg, mac, d);
	if (err < 0)
		return err;
	if (op.pos < 0) {
		err = fdb_insert(m, &op, d, MAP_SRC_LEARNED, MAP_SRC_ID_NONE, now_s);
		if (err < 0)
			return err;
		p->stats.learned++;
		return MAP_LEARN_ADDED;
	}
	if (fdb_same_dest(m, op.old, d)) {
		/* Any source: last seen is what the dataplane observed. */
		if (map_fdb_val_seen(op.old) != now_s)
			rte_hash_add_key_with_hash_data(
			        m->fdb, &op.key, op.sig,
			        (void *)(uintptr_t)((op.old & UINT32_MAX) |
			                            (uint64_t)now_s << MAP_FDB_VAL_SEEN_SHIFT));
		return MAP_LEARN_REFRESHED;
	}
	if (map_fdb_val_src(op.old) != MAP_SRC_LEARNED) {
		p->stats.pinned++;
		return MAP_LEARN_PINNED;
	}
	err = fdb_replace(m, &op, d, MAP_SRC_LEARNED, now_s);
	if (err < 0)
		return err;
	p->fdb_meta[op.pos].moves++;
	p->stats.moves++;
	/* The lcore that saw the move posted it, but every lcore may be
	 * forwarding to the old place from its destination cache. */
	fdb_forget(m);
	return MAP_LEARN_MOVED;
}

int
map_fdb_set(struct map *m, uint16_t seg, const uint8_t mac[6], const struct map_dest *d,
            enum map_src src, uint16_t src_id)
{
	struct map_private *p = m->priv;
	struct fdb_op op;
	bool same;
	int err;

	if (mac == NULL || (src != MAP_SRC_MANAGER && src != MAP_SRC_STATIC))
		return -EINVAL;
	err = fdb_prepare(m, &op, seg, mac, d);
	if (err < 0)
		return err;
	if (op.pos < 0)
		return fdb_insert(m, &op, d, src, src_id, map_now_s(m, rte_rdtsc()));
	if (map_fdb_val_src(op.old) > src)
		return -EPERM;
	same = fdb_same_dest(m, op.old, d);
	if (!same || map_fdb_val_src(op.old) != src) {
		/* Last seen is kept: it records traffic, not configuration. */
		err = fdb_replace(m, &op, d, src, map_fdb_val_seen(op.old));
		if (err < 0)
			return err;
	}
	if (!same) {
		p->fdb_meta[op.pos].moves++;
		fdb_forget(m);
	}
	p->fdb_meta[op.pos].src_id = src_id;
	return 0;
}

int
map_fdb_del(struct map *m, uint16_t seg, const uint8_t mac[6], int src, int src_id)
{
	uint64_t key, val;
	void *data;
	int32_t pos;

	if (mac == NULL || seg >= m->priv->params.segments_max)
		return -ENOENT;
	key = map_fdb_key(seg, mac);
	pos = rte_hash_lookup_data(m->fdb, &key, &data);
	if (pos < 0)
		return -ENOENT;
	val = (uintptr_t)data;
	if (!fdb_match(m, pos, val, src, src_id))
		return -EPERM;
	fdb_remove_batch(m, &key, &val, 1);
	return 0;
}

unsigned
map_fdb_flush(struct map *m, int seg, int src, int src_id)
{
	const struct map_private *p = m->priv;
	unsigned total = 0;

	if (seg >= (int)p->params.segments_max)
		return 0;
	if (seg >= 0)
		return fdb_flush_seg(m, (uint16_t)seg, src, src_id);
	for (uint32_t i = 0; i < p->params.segments_max; i++)
		total += fdb_flush_seg(m, (uint16_t)i, src, src_id);
	return total;
}

unsigned
map_fdb_age(struct map *m, uint32_t now_s, unsigned budget)
{
	struct map_private *p = m->priv;
	uint64_t keys[FDB_CHUNK], vals[FDB_CHUNK];
	unsigned nb = 0, total = 0;
	const void *k;
	void *data;

	/* Deleting compacts extendable-bucket chains (rte_hash moves the last
	 * entry of a chain into the freed slot): an entry moved behind the
	 * cursor waits for the next sweep; one moved ahead is examined twice,
	 * which is harmless. */
	for (unsigned n = 0; n < budget; n++) {
		if (rte_hash_iterate(m->fdb, &k, &data, &p->age_next) < 0) {
			p->age_next = 0; /* sweep complete */
			break;
		}
		memcpy(&keys[nb], k, sizeof(keys[nb]));
		vals[nb] = (uintptr_t)data;
		if (!fdb_expired(m, keys[nb], vals[nb], now_s))
			continue;
		if (++nb == FDB_CHUNK) {
			total += fdb_remove_batch(m, keys, vals, nb);
			nb = 0;
		}
	}
	total += fdb_remove_batch(m, keys, vals, nb);
	p->stats.aged += total;
	return total;
}

int
map_fdb_get(const struct map *m, uint16_t seg, const uint8_t mac[6], struct map_fdb_info *out)
{
	uint64_t key;
	void *data;
	int32_t pos;

	if (mac == NULL)
		return -ENOENT;
	key = map_fdb_key(seg, mac);
	pos = rte_hash_lookup_data(m->fdb, &key, &data);
	if (pos < 0)
		return -ENOENT;
	fdb_info_fill(m, pos, key, (uintptr_t)data, out);
	return 0;
}

int
map_fdb_walk(const struct map *m, map_fdb_walk_fn fn, void *arg)
{
	struct map_fdb_info info;
	uint32_t next = 0;
	const void *k;
	uint64_t key;
	void *data;
	int32_t pos;
	int r;

	while ((pos = rte_hash_iterate(m->fdb, &k, &data, &next)) >= 0) {
		memcpy(&key, k, sizeof(key));
		fdb_info_fill(m, pos, key, (uintptr_t)data, &info);
		r = fn(&info, arg);
		if (r != 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Private to mapping/                                                 */

int
map_fdb_init(struct map *m)
{
	struct map_private *p = m->priv;
	struct rte_hash_rcu_config rcu = {0};
	struct rte_hash_parameters hp = {0};
	char name[RTE_HASH_NAMESIZE];
	uint32_t slack = RTE_MAX(p->params.fdb_max >> FDB_SLACK_SHIFT, (uint32_t)FDB_SLACK_MIN);

	snprintf(name, sizeof(name), "f%s", p->name);
	hp.name = name;
	hp.entries = p->params.fdb_max + slack;
	hp.key_len = sizeof(uint64_t);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = p->params.socket_id;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	m->fdb = rte_hash_create(&hp);
	if (m->fdb == NULL)
		return rte_errno == EEXIST ? -EEXIST : -ENOMEM;
	rcu.v = m->qsbr;
	rcu.mode = RTE_HASH_QSBR_MODE_DQ;
	rcu.trigger_reclaim_limit = FDB_DQ_TRIGGER;
	rcu.max_reclaim_size = FDB_DQ_RECLAIM;
	if (rte_hash_rcu_qsbr_add(m->fdb, &rcu) != 0)
		goto err_hash;
	p->fdb_nb_slots = (uint32_t)rte_hash_max_key_id(m->fdb);
	p->fdb_meta = calloc(p->fdb_nb_slots, sizeof(p->fdb_meta[0]));
	p->seg_fdb_head = malloc(p->params.segments_max * sizeof(p->seg_fdb_head[0]));
	if (p->fdb_meta == NULL || p->seg_fdb_head == NULL)
		goto err_hash;
	memset(p->seg_fdb_head, 0xff, p->params.segments_max * sizeof(p->seg_fdb_head[0]));
	return 0;

err_hash:
	map_fdb_fini(m);
	return -ENOMEM;
}

/* Every reader is offline. FDB references to VTEPs are dropped with the
 * VTEP table itself (map_vtep_fini). */
void
map_fdb_fini(struct map *m)
{
	rte_hash_free(m->fdb);
	m->fdb = NULL;
	free(m->priv->fdb_meta);
	m->priv->fdb_meta = NULL;
	free(m->priv->seg_fdb_head);
	m->priv->seg_fdb_head = NULL;
}

unsigned
map_fdb_flush_seg(struct map *m, uint16_t seg)
{
	return map_fdb_flush(m, seg, -1, -1);
}

/* ------------------------------------------------------------------ */

static int
fdb_prepare(const struct map *m, struct fdb_op *op, uint16_t seg, const uint8_t *mac,
            const struct map_dest *d)
{
	const struct map_private *p = m->priv;
	void *data = NULL;

	if (seg >= p->params.segments_max || p->seg_state[seg] != MAP_SEGST_LIVE)
		return -ENOENT;
	if (d == NULL)
		return -EINVAL;
	if (d->type == MAP_FDB_LOCAL && (d->port >= p->params.nb_ports || d->vlan > MAP_VLAN_MAX))
		return -EINVAL;
	if (d->type != MAP_FDB_LOCAL && (d->type != MAP_FDB_REMOTE || d->vtep_ip == 0))
		return -EINVAL;
	op->seg = seg;
	op->key = map_fdb_key(seg, mac);
	op->sig = rte_hash_hash(m->fdb, &op->key);
	op->pos = rte_hash_lookup_with_hash_data(m->fdb, &op->key, op->sig, &data);
	op->old = (uintptr_t)data;
	return 0;
}

/* Reference what the new value names: the VTEP (created on first use). */
static int
dest_ref(struct map *m, const struct map_dest *d, uint16_t *idx)
{
	int err;

	if (d->type == MAP_FDB_LOCAL) {
		*idx = d->port;
		return 0;
	}
	err = map_vtep_ref(m, d->vtep_ip, idx);
	if (err == 0)
		m->priv->vteps[*idx].nb_fdb++;
	return err;
}

static void
dest_unref(struct map *m, uint64_t val)
{
	uint16_t idx = map_fdb_val_vtep(val);

	if (map_fdb_val_type(val) != MAP_FDB_REMOTE)
		return;
	m->priv->vteps[idx].nb_fdb--;
	map_vtep_unref(m, idx);
}

static uint64_t
dest_val(const struct map_dest *d, uint16_t idx, enum map_src src, uint32_t seen)
{
	return map_fdb_val_make(d->type, idx, d->type == MAP_FDB_LOCAL ? d->vlan : 0, src, seen);
}

static int
fdb_insert(struct map *m, struct fdb_op *op, const struct map_dest *d, enum map_src src,
           uint16_t src_id, uint32_t seen)
{
	struct map_private *p = m->priv;
	const struct map_seg *s = p->segs[op->seg];
	uint64_t val;
	uint16_t idx;
	int err;

	/* A segment's MAC limit contains what its tenants can make us learn;
	 * static and manager entries are trusted and bound only by capacity. */
	if (src == MAP_SRC_LEARNED && s->mac_limit != 0 &&
	    p->seg_nb_macs[op->seg] >= s->mac_limit) {
		p->stats.limit_segment++;
		return -ENOSPC;
	}
	if (p->stats.nb_fdb >= p->params.fdb_max) {
		p->stats.limit_global++;
		return -ENOSPC;
	}
	err = dest_ref(m, d, &idx);
	if (err < 0)
		return err;
	val = dest_val(d, idx, src, seen);
	err = rte_hash_add_key_with_hash_data(m->fdb, &op->key, op->sig, (void *)(uintptr_t)val);
	if (err == -ENOSPC) {
		/* Below fdb_max, so only slots waiting for readers are missing:
		 * wait one grace period; the add reclaims them. */
		map_rcu_sync(m);
		err = rte_hash_add_key_with_hash_data(m->fdb, &op->key, op->sig,
		                                      (void *)(uintptr_t)val);
	}
	if (err < 0) {
		dest_unref(m, val);
		LOG_ERR(map, "%s: fdb add: %s", p->name, strerror(-err));
		return -ENOMEM;
	}
	op->pos = rte_hash_lookup_with_hash(m->fdb, &op->key, op->sig);
	VTEP_ASSERT(op->pos >= 0 && (uint32_t)op->pos < p->fdb_nb_slots);
	p->fdb_meta[op->pos] = (struct map_fdb_meta){
	        .first_seen_s = seen,
	        .src_id = src_id,
	        .next = p->seg_fdb_head[op->seg],
	        .prev = MAP_FDB_POS_NONE,
	};
	if (p->seg_fdb_head[op->seg] != MAP_FDB_POS_NONE)
		p->fdb_meta[p->seg_fdb_head[op->seg]].prev = (uint32_t)op->pos;
	p->seg_fdb_head[op->seg] = (uint32_t)op->pos;
	p->stats.nb_fdb++;
	p->seg_nb_macs[op->seg]++;
	return 0;
}

/* Point an existing entry elsewhere: new reference, one atomic store of the
 * value, then the old reference goes (its release waits for the readers). */
static int
fdb_replace(struct map *m, struct fdb_op *op, const struct map_dest *d, enum map_src src,
            uint32_t seen)
{
	uint64_t val;
	uint16_t idx;
	int err;

	err = dest_ref(m, d, &idx);
	if (err < 0)
		return err;
	val = dest_val(d, idx, src, seen);
	rte_hash_add_key_with_hash_data(m->fdb, &op->key, op->sig, (void *)(uintptr_t)val);
	dest_unref(m, op->old);
	return 0;
}

static bool
fdb_same_dest(const struct map *m, uint64_t val, const struct map_dest *d)
{
	if (map_fdb_val_type(val) != (unsigned)d->type)
		return false;
	if (d->type == MAP_FDB_LOCAL)
		return map_fdb_val_port(val) == d->port && map_fdb_val_vlan(val) == d->vlan;
	return m->priv->vteps[map_fdb_val_vtep(val)].ip == d->vtep_ip;
}

static bool
fdb_match(const struct map *m, int32_t pos, uint64_t val, int src, int src_id)
{
	if (src >= 0 && (int)map_fdb_val_src(val) != src)
		return false;
	return src_id < 0 || m->priv->fdb_meta[pos].src_id == src_id;
}

/* Delete @p n entries whose values were read just before. */
static unsigned
fdb_remove_batch(struct map *m, const uint64_t *keys, const uint64_t *vals, unsigned n)
{
	struct map_private *p = m->priv;
	unsigned nb = 0;

	for (unsigned i = 0; i < n; i++) {
		uint16_t seg = key_seg(keys[i]);
		int32_t pos = rte_hash_del_key(m->fdb, &keys[i]);
		struct map_fdb_meta *e;

		if (pos < 0)
			continue;
		e = &p->fdb_meta[pos];
		if (e->prev != MAP_FDB_POS_NONE)
			p->fdb_meta[e->prev].next = e->next;
		else
			p->seg_fdb_head[seg] = e->next;
		if (e->next != MAP_FDB_POS_NONE)
			p->fdb_meta[e->next].prev = e->prev;
		dest_unref(m, vals[i]);
		p->stats.nb_fdb--;
		p->seg_nb_macs[seg]--;
		nb++;
	}
	if (nb != 0)
		fdb_forget(m);
	return nb;
}

/* Delete the entries of @p seg matching @p src / @p src_id, following the
 * segment's list: positions do not move when other keys are deleted. */
static unsigned
fdb_flush_seg(struct map *m, uint16_t seg, int src, int src_id)
{
	struct map_private *p = m->priv;
	uint32_t walked VTEP_UNUSED = 0;
	uint32_t pos, next;
	unsigned nb = 0;
	uint64_t key = 0, val;
	void *kp, *data;
	bool ok;

	for (pos = p->seg_fdb_head[seg]; pos != MAP_FDB_POS_NONE; pos = next) {
		VTEP_ASSERT(++walked <= p->fdb_nb_slots); /* a broken list loops */
		next = p->fdb_meta[pos].next;
		ok = rte_hash_get_key_with_position(m->fdb, (int32_t)pos, &kp) == 0;
		if (ok)
			memcpy(&key, kp, sizeof(key));
		if (!ok || key_seg(key) != seg) {
			VTEP_ASSERT(!"segment list broken");
			LOG_ERR(map, "%s: segment %u: fdb list broken", p->name, seg);
			break;
		}
		if (rte_hash_lookup_data(m->fdb, &key, &data) < 0)
			continue;
		val = (uintptr_t)data;
		if (fdb_match(m, (int32_t)pos, val, src, src_id))
			nb += fdb_remove_batch(m, &key, &val, 1);
	}
	return nb;
}

static bool
fdb_expired(const struct map *m, uint64_t key, uint64_t val, uint32_t now_s)
{
	const struct map_private *p = m->priv;
	uint16_t seg = key_seg(key);
	uint32_t seen = map_fdb_val_seen(val);

	if (map_fdb_val_src(val) != MAP_SRC_LEARNED || p->seg_state[seg] != MAP_SEGST_LIVE)
		return false;
	if (p->segs[seg]->ageing_s == 0 || now_s < seen)
		return false;
	return now_s - seen >= p->segs[seg]->ageing_s;
}

static void
fdb_info_fill(const struct map *m, int32_t pos, uint64_t key, uint64_t val,
              struct map_fdb_info *out)
{
	const struct map_private *p = m->priv;
	const struct map_fdb_meta *meta = &p->fdb_meta[pos];
	union map_fdb_key k = {.u64 = key};

	memset(out, 0, sizeof(*out));
	out->seg = k.seg;
	out->vni = p->segs[k.seg] != NULL ? p->segs[k.seg]->vni : 0;
	memcpy(out->mac, k.mac, sizeof(out->mac));
	out->dest.type = (enum map_fdb_type)map_fdb_val_type(val);
	if (out->dest.type == MAP_FDB_LOCAL) {
		out->dest.port = map_fdb_val_port(val);
		out->dest.vlan = map_fdb_val_vlan(val);
	} else {
		out->dest.vtep_ip = p->vteps[map_fdb_val_vtep(val)].ip;
	}
	out->src = map_fdb_val_src(val);
	out->src_id = meta->src_id;
	out->first_seen_s = meta->first_seen_s;
	out->last_seen_s = map_fdb_val_seen(val);
	out->moves = meta->moves;
}
