/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_map_stress.c - one writer churning the tables while reader lcores
 * look up continuously and check everything they read.
 *
 * The writer (main lcore) makes at least a million FDB changes over 100,000
 * keys (learn, move, set, delete, ageing) plus segment updates, segment
 * add/delete, next-hop and underlay changes that republish VTEP templates,
 * and VTEP releases and index reuse. Two readers share one CPU (--lcores
 * 0@0,1@1,2@1) so that they are descheduled at random points.
 *
 * What readers check: every value they find is one the writer could have
 * written for that key (the destination is derived from the key); every
 * VTEP index in a value or a flood list names a live, consistent template
 * of an address legal for it; every segment reached through the VNI or
 * access map is the right index, self-consistent (no 0x6b poison, no torn
 * object); keys the writer never touches after start are always found with
 * their exact value; keys the writer only moves are always found. Then, with the readers stopped,
 * the writer checks its counters and reference counts against a walk of the tables.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "map_test.h"

#define NB_KEYS      100000
#define NB_SEGS      64   /* updated in place, never deleted */
#define STABLE_EVERY 10   /* key i is stable when i % STABLE_EVERY == 0 */
#define MOVING       5    /* i % STABLE_EVERY == MOVING: always present, moved by set */
#define NB_POOL      2048 /* VTEP addresses; half on-link, half behind the gateway */
#define RARE_EVERY   100  /* key i % RARE_EVERY == 1 uses VTEPs few keys share */
#define NB_RARE      1024
#define NB_OPS       1000000
#define CHURN_ALIVE  8 /* segments added and deleted in turn */
#define CHURN_KEYS   4
#define CHURN_VNI0   200000
#define CHURN_VNIS   4096
#define NB_READERS   2
#define UL_PORT      3
#define BULK         32
#define MIN_SECONDS  3

struct stress {
	struct map *m;
	uint64_t keys[NB_KEYS];
	uint64_t stable_val[NB_KEYS];
	rte_be32_t pool[NB_POOL];
	struct map_underlay ul;
	uint32_t readers_online;
	uint32_t stop;
};

struct reader {
	struct stress *s;
	unsigned id;
	uint64_t rng;
	uint64_t lookups, hits, passes, stable_checks, seg_checks, violations;
	char first[160];
} __rte_cache_aligned;

struct writer {
	struct stress *s;
	uint64_t rng;
	uint32_t now_s;
	uint64_t fdb_ops, seg_updates, seg_adds, seg_dels, republishes, aged;
	uint64_t results[4], enospc, vteps_created;
	uint16_t churn[CHURN_ALIVE + 1];
	unsigned nb_churn;
	uint32_t churn_next;
};

static struct stress stress;

static inline uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static inline bool
is_moving(uint32_t i)
{
	return i % STABLE_EVERY == MOVING;
}

static inline uint32_t
key_hash(uint32_t i)
{
	return (i * 2654435761u) >> 7;
}

/* The destinations the writer may give key i. */
static inline uint16_t
legal_vlan(uint32_t i, uint16_t port)
{
	return (uint16_t)(1 + (key_hash(i) + port) % 4000);
}

static inline rte_be32_t
legal_ip(uint32_t i, unsigned r)
{
	uint32_t k = (i / RARE_EVERY + r * (NB_RARE / 2)) % NB_RARE;

	/* Rare VTEPs lose their last reference often: release, index reuse. */
	if (i % RARE_EVERY == 1)
		return map_test_ip(192, 168, (uint8_t)(k >> 8), (uint8_t)k);
	return stress.pool[(key_hash(i) + r) % NB_POOL];
}

static rte_be32_t
pool_ip(unsigned k)
{
	if (k < NB_POOL / 2)
		return map_test_ip(10, 0, (uint8_t)(1 + k / 250), (uint8_t)(1 + k % 250));
	k -= NB_POOL / 2;
	return map_test_ip(172, 16, (uint8_t)(k / 250), (uint8_t)(1 + k % 250));
}

static inline uint32_t
seg_vni(uint16_t idx, unsigned alt)
{
	return alt ? 50000u + idx : 1000u + idx;
}

static inline uint16_t
seg_vlan(uint16_t idx, unsigned alt)
{
	return (uint16_t)(alt ? 1000 + idx : 100 + idx);
}

static void
churn_mac(uint8_t mac[6], unsigned j)
{
	map_test_mac(mac, 0xcc000000u + j);
}

/* ------------------------------------------------------------------ */
/* Reader checks: NULL when fine, else what is wrong.                  */

/* Through a pointer the reader holds: also catches a template freed (and
 * poisoned) or rewritten while held. */
static const char *
tmpl_check(const struct map_vtep_tmpl *t, uint16_t idx)
{
	uint32_t sum = 0;
	rte_be32_t ip;
	uint16_t w;

	if (t == NULL)
		return "template NULL";
	if (t->hdr_len != MAP_TMPL4_LEN || t->af != AF_INET || t->vtep != idx || t->port != UL_PORT)
		return "template fields";
	memcpy(&ip, t->hdr + MAP_TMPL4_IP_OFF + 16, 4);
	if (ip != t->dst_ip)
		return "template destination";
	memcpy(&ip, t->hdr + MAP_TMPL4_IP_OFF + 12, 4);
	if (ip != t->src_ip || ip != stress.ul.src_ip)
		return "template source";
	for (unsigned k = 0; k < 20; k += 2) {
		memcpy(&w, t->hdr + MAP_TMPL4_IP_OFF + k, 2);
		sum += w;
	}
	sum = (sum & 0xffff) + (sum >> 16); /* stored folded */
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != t->ip_csum_base)
		return "template checksum base";
	if (t->resolved ? t->hdr[0] != 0x02 : t->hdr[0] != 0)
		return "template MAC";
	return NULL;
}

static const char *
seg_check(const struct map *m, const struct map_seg *s, uint16_t idx)
{
	const char *err;

	if (s == NULL)
		return "segment NULL";
	if (s->idx != idx || strcmp(s->tenant, "stress") != 0)
		return "segment identity";
	if (s->vni_word != rte_cpu_to_be_32(s->vni << 8) ||
	    s->vlan_tci != rte_cpu_to_be_16(s->vlan))
		return "segment precomputed words";
	if (s->ageing_s != 2000 + (s->vni & 1023) || s->refresh_s != s->ageing_s / 4)
		return "segment ageing";
	if (s->nb_flood > 4)
		return "segment flood list";
	for (unsigned k = 0; k < s->nb_flood; k++) {
		err = tmpl_check(map_vtep_tmpl(m, s->flood[k]), s->flood[k]);
		if (err != NULL)
			return err;
	}
	return NULL;
}

/* Is @p v a value the writer could have written for key @p i? A remote
 * value's template is returned in @p held. */
static const char *
val_check(const struct map *m, uint32_t i, uint64_t v, const struct map_vtep_tmpl **held)
{
	const struct map_vtep_tmpl *t;
	const char *err;

	*held = NULL;
	if ((v & (1ull << 31)) != 0 || map_fdb_val_src(v) > MAP_SRC_STATIC)
		return "value bits";
	if (map_fdb_val_type(v) == MAP_FDB_LOCAL) {
		if (map_fdb_val_port(v) >= 4 ||
		    map_fdb_val_vlan(v) != legal_vlan(i, map_fdb_val_port(v)))
			return "local destination not the key's";
		return NULL;
	}
	t = map_vtep_tmpl(m, map_fdb_val_vtep(v));
	err = tmpl_check(t, map_fdb_val_vtep(v));
	if (err != NULL)
		return err;
	if (t->dst_ip != legal_ip(i, 0) && t->dst_ip != legal_ip(i, 1))
		return "remote VTEP not the key's";
	*held = t;
	return NULL;
}

static void
violation(struct reader *r, const char *what, uint64_t detail)
{
	if (r->violations++ == 0)
		snprintf(r->first, sizeof(r->first), "%s (%#" PRIx64 ")", what, detail);
}

/* A burst's worth of work between reading the tables and using what was
 * read: the window in which an early free or reuse would show. */
static void
hold(struct reader *r)
{
	for (unsigned n = (unsigned)(rnd(&r->rng) % 128); n > 0; n--)
		rte_pause();
}

enum key_set { KEYS_ANY, KEYS_STABLE, KEYS_RARE };

static uint32_t
pick_key(struct reader *r, enum key_set set)
{
	uint32_t i = (uint32_t)(rnd(&r->rng) % NB_KEYS);

	if (set == KEYS_STABLE)
		return i - i % STABLE_EVERY;
	if (set == KEYS_RARE)
		return i - i % RARE_EVERY + 1;
	return i;
}

static void
read_fdb(struct reader *r, enum key_set set)
{
	const struct map_vtep_tmpl *held[BULK];
	uint64_t keys[BULK], vals[BULK], hits = 0;
	uint32_t idx[BULK];
	const char *err;

	for (unsigned k = 0; k < BULK; k++) {
		idx[k] = pick_key(r, set);
		keys[k] = stress.keys[idx[k]];
	}
	r->hits += (uint64_t)map_fdb_lookup_bulk(stress.m, keys, BULK, &hits, vals);
	r->lookups += BULK;
	for (unsigned k = 0; k < BULK; k++) {
		held[k] = NULL;
		if (stress.stable_val[idx[k]] != 0) {
			r->stable_checks++;
			if (!(hits >> k & 1) || vals[k] != stress.stable_val[idx[k]])
				violation(r, "stable key lost or changed", idx[k]);
		} else if (hits >> k & 1) {
			err = val_check(stress.m, idx[k], vals[k], &held[k]);
			if (err != NULL)
				violation(r, err, vals[k]);
		} else if (is_moving(idx[k])) {
			violation(r, "moving key missing", idx[k]);
		}
	}
	hold(r);
	for (unsigned k = 0; k < BULK; k++)
		if (held[k] != NULL && tmpl_check(held[k], map_fdb_val_vtep(vals[k])) != NULL)
			violation(r, "template changed or freed while held", vals[k]);
}

static void
read_single(struct reader *r)
{
	uint32_t i = pick_key(r, KEYS_ANY);
	const struct map_vtep_tmpl *held;
	const char *err = NULL;
	uint64_t v;

	r->lookups++;
	if (map_fdb_lookup(stress.m, stress.keys[i], &v) != 0) {
		if (stress.stable_val[i] != 0 || is_moving(i))
			violation(r, "stable or moving key lost (single lookup)", i);
		return;
	}
	r->hits++;
	if (stress.stable_val[i] != 0)
		err = v == stress.stable_val[i] ? NULL : "stable key changed (single lookup)";
	else
		err = val_check(stress.m, i, v, &held);
	if (err != NULL)
		violation(r, err, v);
}

/* The VNI and access maps of the updated segments lead to the right index. */
static void
read_segs(struct reader *r)
{
	uint16_t want = (uint16_t)(rnd(&r->rng) % NB_SEGS), got;
	unsigned alt = rnd(&r->rng) & 1;
	const struct map_seg *s;
	const char *err;

	r->seg_checks++;
	got = map_vni_seg(stress.m, seg_vni(want, alt));
	if (got == MAP_SEG_NONE)
		got = map_access_seg(stress.m, want % 4, seg_vlan(want, alt));
	if (got == MAP_SEG_NONE)
		return;
	if (got != want) {
		violation(r, "map leads to the wrong segment", got);
		return;
	}
	s = map_seg_get(stress.m, got);
	err = seg_check(stress.m, s, got);
	if (err == NULL && s->vni != seg_vni(got, 0) && s->vni != seg_vni(got, 1))
		err = "segment VNI not its own";
	if (err == NULL) {
		hold(r);
		if (seg_check(stress.m, s, got) != NULL)
			err = "segment changed or freed while held";
	}
	if (err != NULL)
		violation(r, err, got);
}

/* Segments added and deleted in turn: a VNI leads to that segment (never a
 * reused index), and its FDB entries are its own. */
static void
read_churn(struct reader *r)
{
	uint32_t vni = CHURN_VNI0 + (uint32_t)(rnd(&r->rng) % CHURN_VNIS);
	uint64_t keys[CHURN_KEYS], vals[CHURN_KEYS], hits = 0;
	const struct map_seg *s;
	const char *err;
	uint8_t mac[6];
	uint16_t idx;

	idx = map_vni_seg(stress.m, vni);
	if (idx == MAP_SEG_NONE)
		return;
	r->seg_checks++;
	s = map_seg_get(stress.m, idx);
	err = seg_check(stress.m, s, idx);
	if (err == NULL && s->vni != vni)
		err = "churned VNI leads to another segment";
	if (err != NULL) {
		violation(r, err, idx);
		return;
	}
	for (unsigned j = 0; j < CHURN_KEYS; j++) {
		churn_mac(mac, j);
		keys[j] = map_fdb_key(idx, mac);
	}
	map_fdb_lookup_bulk(stress.m, keys, CHURN_KEYS, &hits, vals);
	r->lookups += CHURN_KEYS;
	for (unsigned j = 0; j < CHURN_KEYS; j++)
		if ((hits >> j & 1) &&
		    (map_fdb_val_port(vals[j]) != vni % 4 || map_fdb_val_vlan(vals[j]) != j + 1))
			violation(r, "churned segment entry not its own", vals[j]);
	hold(r);
	if (seg_check(stress.m, s, idx) != NULL || s->vni != vni)
		violation(r, "churned segment freed while held", idx);
}

static int
reader_main(void *arg)
{
	struct reader *r = arg;

	map_reader_online(stress.m, r->id);
	__atomic_fetch_add(&stress.readers_online, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&stress.stop, __ATOMIC_ACQUIRE)) {
		read_fdb(r, KEYS_ANY);
		read_fdb(r, KEYS_STABLE);
		read_fdb(r, KEYS_RARE);
		read_single(r);
		read_segs(r);
		read_churn(r);
		r->passes++;
		map_reader_quiescent(stress.m, r->id);
	}
	map_reader_offline(stress.m, r->id);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */

static struct map_seg_conf
seg_conf(uint32_t vni, uint16_t port, uint16_t vlan, const rte_be32_t *flood, uint16_t nb)
{
	return (struct map_seg_conf){
	        .name = "s",
	        .tenant = "stress",
	        .vni = vni,
	        .port = port,
	        .vlan = vlan,
	        .ageing_s = 2000 + (vni & 1023),
	        .flood = flood,
	        .nb_flood = nb,
	};
}

static void
seg_update(struct writer *w)
{
	uint16_t idx = (uint16_t)(rnd(&w->rng) % NB_SEGS);
	uint16_t nb = (uint16_t)(rnd(&w->rng) % 5);
	uint64_t base = rnd(&w->rng);
	unsigned va = rnd(&w->rng) & 1, aa = rnd(&w->rng) & 1;
	struct map_seg_conf c;
	rte_be32_t flood[4];

	for (uint16_t k = 0; k < nb; k++) /* distinct addresses */
		flood[k] = stress.pool[(base + k * 7u) % NB_POOL];
	c = seg_conf(seg_vni(idx, va), idx % 4, seg_vlan(idx, aa), flood, nb);
	if (map_seg_update(stress.m, idx, &c) == 0)
		w->seg_updates++;
}

static void
churn_step(struct writer *w)
{
	uint32_t n = w->churn_next++;
	uint32_t vni = CHURN_VNI0 + n % CHURN_VNIS;
	struct map_seg_conf c = seg_conf(vni, n % 4, (uint16_t)(2000 + n % 2000), NULL, 0);
	struct map_dest d = map_test_local((uint16_t)(vni % 4), 0);
	uint8_t mac[6];
	int idx;

	idx = map_seg_add(stress.m, &c);
	assert_true(idx >= NB_SEGS);
	w->seg_adds++;
	for (unsigned j = 0; j < CHURN_KEYS; j++) {
		churn_mac(mac, j);
		d.vlan = (uint16_t)(j + 1);
		assert_int_equal(map_fdb_learn(stress.m, (uint16_t)idx, mac, &d, w->now_s),
		                 MAP_LEARN_ADDED);
	}
	w->churn[w->nb_churn++] = (uint16_t)idx;
	if (w->nb_churn > CHURN_ALIVE) {
		assert_int_equal(map_seg_del(stress.m, w->churn[0]), 0);
		memmove(w->churn, w->churn + 1, CHURN_ALIVE * sizeof(w->churn[0]));
		w->nb_churn--;
		w->seg_dels++;
	}
}

static void
fdb_op(struct writer *w)
{
	uint32_t i = (uint32_t)(rnd(&w->rng) % NB_KEYS);
	uint64_t x = rnd(&w->rng);
	uint16_t port = x >> 8 & 3;
	struct map_dest d;
	union map_fdb_key k;
	int r;

	if (i % STABLE_EVERY == 0)
		i++; /* stable keys are never touched */
	k.u64 = stress.keys[i];
	d = map_test_local(port, legal_vlan(i, port));
	if (x >> 16 & 1)
		d = map_test_remote(legal_ip(i, x >> 17 & 1));
	if (d.type == MAP_FDB_REMOTE && map_vtep_find(stress.m, d.vtep_ip) < 0)
		w->vteps_created++; /* if the op succeeds */
	switch (is_moving(i) ? 6 : x % 10) {
	case 0 ... 5:
		r = map_fdb_learn(stress.m, k.seg, k.mac, &d, w->now_s);
		if (r >= 0)
			w->results[r]++;
		break;
	case 6:
		r = map_fdb_set(stress.m, k.seg, k.mac, &d, MAP_SRC_MANAGER,
		                (uint16_t)(x >> 20 & 3));
		break;
	case 7:
		r = (x >> 24 & 7) == 0 ? map_fdb_set(stress.m, k.seg, k.mac, &d, MAP_SRC_STATIC, 0)
		                       : 0;
		break;
	default:
		r = map_fdb_del(stress.m, k.seg, k.mac, -1, -1);
		r = r == -ENOENT ? 0 : r;
		break;
	}
	if (r == -ENOSPC)
		w->enospc++;
	else if (r < 0 && r != -EPERM)
		fail_msg("fdb op on key %u: %d", i, r);
	w->fdb_ops++;
}

static void
republish(struct writer *w, uint32_t op)
{
	uint8_t mac[6] = {0x02, 0xaa, 0, 0, 0, (uint8_t)(op >> 10)};
	unsigned k = (unsigned)(rnd(&w->rng) % (NB_POOL / 2));

	if (op % 20000 == 0)
		w->republishes += map_nexthop_set(stress.m, stress.ul.next_hop, mac);
	/* An on-link VTEP resolved or forgotten. */
	mac[1] = 0xbb;
	w->republishes += map_nexthop_set(stress.m, stress.pool[k], rnd(&w->rng) & 1 ? mac : NULL);
	if (op % 100000 == 0) {
		stress.ul.ttl = stress.ul.ttl == 64 ? 65 : 64;
		assert_int_equal(map_underlay_set(stress.m, &stress.ul), 0);
	}
}

/* At least NB_OPS operations, and for at least MIN_SECONDS so that the
 * readers get a fair share of the run even when the writer is fast. */
static void
writer_run(struct writer *w)
{
	uint64_t end = rte_rdtsc() + MIN_SECONDS * rte_get_tsc_hz();

	for (uint32_t op = 1; op <= NB_OPS || rte_rdtsc() < end; op++) {
		if (op % 100 == 0)
			w->now_s++;
		if (op % 250 == 0)
			seg_update(w);
		if (op % 1000 == 0) {
			republish(w, op);
			w->aged += map_fdb_age(stress.m, w->now_s, 256);
			map_reclaim(stress.m);
		}
		if (op % 5000 == 0)
			churn_step(w);
		fdb_op(w);
	}
}

static void
stress_init(struct writer *w)
{
	struct map_dest d;
	union map_fdb_key k;
	uint8_t mac[6];
	int idx;

	stress.m = map_test_create(NB_KEYS + 10000, 4096, 128);
	assert_non_null(stress.m);
	stress.ul = (struct map_underlay){
	        .port = UL_PORT,
	        .src_mac = {0x02, 0, 0, 0, 0, 1},
	        .src_ip = map_test_ip(10, 0, 0, 1),
	        .prefix_len = 20,
	        .port_ip = map_test_ip(10, 0, 0, 1),
	        .next_hop = map_test_ip(10, 0, 15, 254),
	        .udp_port = 4789,
	        .ttl = 64,
	};
	assert_int_equal(map_underlay_set(stress.m, &stress.ul), 0);
	for (unsigned k2 = 0; k2 < NB_POOL; k2++)
		stress.pool[k2] = pool_ip(k2);
	for (uint16_t i = 0; i < NB_SEGS; i++) {
		struct map_seg_conf c = seg_conf(seg_vni(i, 0), i % 4, seg_vlan(i, 0), NULL, 0);

		idx = map_seg_add(stress.m, &c);
		assert_int_equal(idx, i);
	}
	for (uint32_t i = 0; i < NB_KEYS; i++) {
		map_test_mac(mac, i);
		stress.keys[i] = map_fdb_key((uint16_t)(i % NB_SEGS), mac);
		k.u64 = stress.keys[i];
		d = map_test_local(i % 4, legal_vlan(i, i % 4));
		if (is_moving(i))
			assert_int_equal(map_fdb_set(stress.m, k.seg, mac, &d, MAP_SRC_MANAGER, 1),
			                 0);
		if (i % STABLE_EVERY != 0)
			continue;
		assert_int_equal(map_fdb_set(stress.m, k.seg, mac, &d, MAP_SRC_STATIC, 0), 0);
		assert_int_equal(map_fdb_lookup(stress.m, stress.keys[i], &stress.stable_val[i]),
		                 0);
	}
	w->s = &stress;
	w->rng = 88172645463325252ull;
}

struct walk_sums {
	uint32_t nb;
	uint32_t per_seg[128];
	uint32_t per_vtep[4096];
};

static int
walk_sum(const struct map_fdb_info *fi, void *arg)
{
	struct walk_sums *ws = arg;

	ws->nb++;
	ws->per_seg[fi->seg]++;
	if (fi->dest.type == MAP_FDB_REMOTE)
		ws->per_vtep[map_vtep_find(stress.m, fi->dest.vtep_ip)]++;
	return 0;
}

static int
vtep_refs(const struct map_vtep_info *vi, void *arg)
{
	struct walk_sums *ws = arg;
	uint32_t flood = 0;

	for (uint16_t i = 0; i < 128; i++) {
		const struct map_seg *s = map_seg_get(stress.m, i);

		for (unsigned k = 0; s != NULL && k < s->nb_flood; k++)
			flood += s->flood[k] == vi->idx;
	}
	assert_int_equal(vi->nb_fdb, ws->per_vtep[vi->idx]);
	assert_int_equal(vi->refcnt, vi->nb_fdb + flood);
	return 0;
}

/* Readers stopped: counters and reference counts against the tables. */
static void
stress_verify(void)
{
	static struct walk_sums ws;
	struct map_stats st;
	uint64_t v;

	map_reclaim(stress.m);
	assert_int_equal(map_fdb_walk(stress.m, walk_sum, &ws), 0);
	map_stats_get(stress.m, &st);
	assert_int_equal(ws.nb, st.nb_fdb);
	for (uint16_t i = 0; i < 128; i++) {
		assert_int_equal(ws.per_seg[i], map_seg_nb_macs(stress.m, i));
		if (map_seg_get(stress.m, i) == NULL) /* deleted: flushed */
			assert_int_equal(ws.per_seg[i], 0);
	}
	assert_int_equal(map_vtep_walk(stress.m, vtep_refs, &ws), 0);
	for (uint32_t i = 0; i < NB_KEYS; i += STABLE_EVERY) {
		assert_int_equal(map_fdb_lookup(stress.m, stress.keys[i], &v), 0);
		assert_int_equal(v, stress.stable_val[i]);
	}
}

static void
test_stress(void **state)
{
	static struct reader readers[NB_READERS];
	static struct writer w;
	uint64_t t0, lookups = 0, violations = 0;
	struct map_stats st;
	unsigned lcore, n = 0;
	double secs;

	(void)state;
	stress_init(&w);
	RTE_LCORE_FOREACH_WORKER (lcore) {
		if (n == NB_READERS)
			break;
		readers[n] = (struct reader){
		        .s = &stress, .id = n, .rng = 0x9e3779b97f4a7c15ull * (n + 1)};
		assert_int_equal(map_reader_register(stress.m, n), 0);
		assert_int_equal(rte_eal_remote_launch(reader_main, &readers[n], lcore), 0);
		n++;
	}
	assert_int_equal(n, NB_READERS);
	while (__atomic_load_n(&stress.readers_online, __ATOMIC_ACQUIRE) < NB_READERS)
		rte_pause();

	t0 = rte_rdtsc();
	writer_run(&w);
	secs = (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz();
	__atomic_store_n(&stress.stop, 1, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	for (n = 0; n < NB_READERS; n++)
		map_reader_unregister(stress.m, n);

	map_stats_get(stress.m, &st);
	printf("stress: %.1f s, writer: %" PRIu64 " fdb ops (added %" PRIu64 ", refreshed %" PRIu64
	       ", moved %" PRIu64 ", pinned %" PRIu64 ", enospc %" PRIu64 "), aged %" PRIu64
	       ", %" PRIu64 " segment updates, %" PRIu64 "/%" PRIu64 " segment adds/dels, %" PRIu64
	       " templates republished, %" PRIu64 " VTEPs created\n",
	       secs, w.fdb_ops, w.results[0], w.results[1], w.results[2], w.results[3], w.enospc,
	       w.aged, w.seg_updates, w.seg_adds, w.seg_dels, w.republishes, w.vteps_created);
	printf("stress: map: fdb %u, vteps %u, rcu deferred %" PRIu64 ", freed %" PRIu64
	       ", sync %" PRIu64 "\n",
	       st.nb_fdb, st.nb_vteps, st.rcu_deferred, st.rcu_freed, st.rcu_sync);
	for (n = 0; n < NB_READERS; n++) {
		struct reader *r = &readers[n];

		printf("stress: reader %u: %" PRIu64 " passes, %" PRIu64 " lookups (%" PRIu64
		       " hits), %" PRIu64 " stable checks, %" PRIu64 " segment checks, %" PRIu64
		       " violations%s%s\n",
		       n, r->passes, r->lookups, r->hits, r->stable_checks, r->seg_checks,
		       r->violations, r->violations ? ", first: " : "", r->first);
		lookups += r->lookups;
		violations += r->violations;
	}
	assert_int_equal(violations, 0);
	assert_true(w.fdb_ops >= NB_OPS);
	assert_true(lookups >= 1000000);
	for (n = 0; n < NB_READERS; n++)
		assert_true(readers[n].stable_checks > 10000 && readers[n].seg_checks > 1000);
	stress_verify();
	map_destroy(stress.m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_stress)};
	int fails;

	if (map_test_eal_init("test_map_stress", "--lcores", "0@0,1@1,2@1") < 0)
		return 1;
	fails = cmocka_run_group_tests(tests, NULL, NULL);
	map_test_eal_cleanup();
	return fails == 0 ? 0 : 1;
}
