/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_private.h - declarations shared by the files of mapping/ only.
 *
 * Thread-safety: everything here belongs to the writer (the control thread)
 * except where a comment says a reader sees it. The reader-visible tables
 * (segs, tmpl, vni_l1, access) are written only with atomic stores.
 */
#ifndef VTEP_MAP_PRIVATE_H
#define VTEP_MAP_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "map.h"

#define MAP_VNI_MAX     0xffffff
#define MAP_VNI_L1_SIZE 4096
#define MAP_VNI_L2_SIZE 4096
#define MAP_VLAN_MAX    4094
#define MAP_POISON      0x6b /* freed objects are filled with this (use-after-free shows) */

#define MAP_FDB_POS_NONE UINT32_MAX

/*
 * Writer-only metadata of one FDB entry, indexed by its rte_hash key
 * position. A key keeps its position for its whole life (rte_hash moves
 * bucket slots, never keys), so the entries of a segment are linked by
 * position: deleting a segment costs its own entries, not a table pass.
 */
struct map_fdb_meta {
	uint32_t first_seen_s;
	uint32_t moves;
	uint32_t next; /* in the segment's list, MAP_FDB_POS_NONE at the end */
	uint32_t prev;
	uint16_t src_id;
};

enum map_vtep_state {
	MAP_VTEP_FREE = 0,
	MAP_VTEP_USED, /* refcnt > 0, or == 0 with a release waiting for a grace period */
};

/* Writer-side state of one VTEP; readers see only its template. */
struct map_vtep {
	rte_be32_t ip;
	rte_be32_t next_hop; /* 0 = unreachable */
	uint32_t refcnt;     /* FDB entries + flood list slots */
	uint32_t nb_fdb;
	uint32_t gen;   /* bumped each time refcnt drops to 0 (see map_vtep_unref) */
	uint8_t mac[6]; /* next-hop MAC when resolved */
	uint8_t resolved;
	uint8_t state; /* enum map_vtep_state */
};

enum map_seg_state {
	MAP_SEGST_FREE = 0,
	MAP_SEGST_LIVE,
	MAP_SEGST_DYING, /* unmapped, index reusable after a grace period */
};

/* What the defer queue holds (16 bytes: rte_rcu_qsbr_dq wants a multiple of 4). */
enum map_dq_kind {
	MAP_DQ_SEG_FREE,     /* obj: a replaced segment object */
	MAP_DQ_SEG_RELEASE,  /* obj: a deleted segment object; idx becomes free */
	MAP_DQ_TMPL_FREE,    /* obj: a replaced template */
	MAP_DQ_VTEP_RELEASE, /* idx/gen: the VTEP is released if still unused */
};

struct map_dq_entry {
	void *obj;
	uint16_t kind;
	uint16_t idx;
	uint32_t gen;
};

struct map_private {
	char name[MAP_NAME_LEN_MAX + 1];
	struct map_params params;
	struct rte_rcu_qsbr_dq *dq;

	/* Writable views of the reader-visible tables of struct map. */
	struct map_seg **segs;
	const struct map_vtep_tmpl **tmpl;
	uint16_t **vni_l1;

	/* Segments. */
	uint8_t *seg_state;    /* enum map_seg_state, [segments_max] */
	uint32_t *seg_nb_macs; /* [segments_max] */
	uint32_t seg_free_hint;

	/* FDB. */
	struct map_fdb_meta *fdb_meta; /* [fdb_nb_slots] */
	uint32_t *seg_fdb_head;        /* [segments_max], first position of each list */
	uint32_t fdb_nb_slots;
	uint32_t age_next; /* rte_hash_iterate() position of the ageing sweep */

	/* VTEPs. */
	struct map_vtep *vteps; /* [vteps_max] */
	struct rte_hash *vtep_by_ip;
	uint32_t vtep_free_hint;
	uint32_t vtep_hwm; /* every used index is below */

	/* Underlay. */
	struct map_underlay underlay;
	bool underlay_ok;
	bool gw_resolved;
	uint8_t gw_mac[6];

	struct map_stats stats;
};

/* map.c */
int map_defer(struct map *m, enum map_dq_kind kind, void *obj, uint16_t idx, uint32_t gen);
void map_rcu_sync(struct map *m);
void map_obj_free(void *obj, size_t size);

/* map_fdb.c */
int map_fdb_init(struct map *m);
void map_fdb_fini(struct map *m);
unsigned map_fdb_flush_seg(struct map *m, uint16_t seg);

/* map_seg.c */
int map_seg_init(struct map *m);
void map_seg_fini(struct map *m);
void map_seg_release(struct map *m, struct map_seg *s, uint16_t idx);
size_t map_seg_size(const struct map_seg *s);

/* map_vtep.c */
int map_vtep_init(struct map *m);
void map_vtep_fini(struct map *m);
int map_vtep_ref(struct map *m, rte_be32_t ip, uint16_t *idx);
void map_vtep_unref(struct map *m, uint16_t idx);
void map_vtep_release(struct map *m, uint16_t idx, uint32_t gen);
void map_vtep_rebuild_all(struct map *m);

#endif /* VTEP_MAP_PRIVATE_H */
