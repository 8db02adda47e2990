/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map.h - the mapping tables shared by the control thread and the
 * dataplane lcores: segments, the FDB and remote VTEPs.
 *
 * Thread-safety
 * -------------
 * One writer: every function in the "writer" sections must be called from
 * one thread at a time (vtepd's control thread). Any number of readers
 * (dataplane lcores, registered with map_reader_register()) may call the
 * functions and inlines of the "reader" section concurrently with the
 * writer, without locks:
 *
 *  - the FDB is an rte_hash with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF; its
 *    data is not a pointer but one 64-bit word (struct map_fdb_val packed
 *    by map_fdb_val_*()) holding the whole forwarding result, so a reader
 *    never dereferences an entry that could be freed, and an update is a
 *    single atomic store of the word;
 *  - segments and VTEP header templates are immutable objects published by
 *    an atomic pointer store (release) and read with an acquire load; a
 *    replaced or deleted object is freed only after every online reader has
 *    reported a quiescent state (DPDK RCU QSBR, defer queue);
 *  - deleted FDB key slots are recycled by rte_hash only after the same
 *    grace period (rte_hash_rcu_qsbr_add()).
 *
 * A reader may use a pointer obtained from the tables until its next call
 * to map_reader_quiescent(), which the burst loop makes once per pass. The
 * same holds for indexes: a segment index read from the VNI or access map,
 * or a VTEP index read from an FDB value or a flood list, keeps naming a
 * published object (map_seg_get(), map_vtep_tmpl() are not NULL) until then;
 * a deleted segment's or VTEP's index is reused only after a grace period.
 * A reader that stops polling must go offline (map_reader_offline()) or it
 * blocks reclamation.
 *
 * Precedence of sources: static > manager (vCenter, XenAPI) > learned.
 * A lower-precedence source never replaces a higher one's entry; learned
 * entries follow MAC moves, manager and static entries do not.
 */
#ifndef VTEP_MAP_H
#define VTEP_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#define MAP_VLAN_UNTAGGED   0      /* segment / local entry without a VLAN tag */
#define MAP_SEG_NONE        0xffff /* no segment */
#define MAP_SEG_MAX         65535  /* segment indexes are 16 bits (the FDB key) */
#define MAP_VTEP_NONE       0xffff
#define MAP_VTEP_MAX        65535
#define MAP_PORT_MAX        16
#define MAP_LOOKUP_BULK_MAX 64  /* RTE_HASH_LOOKUP_BULK_MAX */
#define MAP_TMPL_MAX        128 /* room for an IPv6 outer header (70 bytes) and more */
#define MAP_SRC_ID_NONE     0
#define MAP_NAME_LEN_MAX    16 /* map_params.name: it prefixes rte_hash/ring names */

/* Source of an FDB entry; the numeric order is the precedence. */
enum map_src {
	MAP_SRC_LEARNED = 0,
	MAP_SRC_MANAGER = 1, /* a hypervisor manager; src_id says which */
	MAP_SRC_STATIC = 2,  /* configuration or vtepctl fdb add */
};

enum map_fdb_type {
	MAP_FDB_LOCAL = 0,  /* behind an access port (port, VLAN) */
	MAP_FDB_REMOTE = 1, /* behind a remote VTEP */
};

/*
 * FDB key: one 64-bit word. Bytes 0..5 hold the MAC address exactly as on
 * the wire (network order), bytes 6..7 the segment index (host order).
 * A segment index is used rather than the 24-bit VNI so that VNI and MAC
 * fit one word (as VPP's l2fib keys on its 16-bit bridge-domain index);
 * building a key from a frame is a 6-byte copy with no byte swapping.
 */
union map_fdb_key {
	uint64_t u64;
	struct {
		uint8_t mac[6];
		uint16_t seg;
	};
};

static inline uint64_t
map_fdb_key(uint16_t seg, const void *mac)
{
	union map_fdb_key k;

	memcpy(k.mac, mac, 6);
	k.seg = seg;
	return k.u64;
}

/*
 * FDB value: the 64-bit data word of the hash, the complete forwarding
 * result. Layout (host order):
 *   bits  0..15  remote: VTEP index; local: access port index
 *   bits 16..27  local: VLAN (MAP_VLAN_UNTAGGED for none)
 *   bit  28      type (enum map_fdb_type)
 *   bits 29..30  source (enum map_src)
 *   bits 32..63  last seen, map seconds (map_now_s())
 * Only the writer stores values; a refresh rewrites the whole word.
 */
#define MAP_FDB_VAL_IDX_MASK   0xffffull
#define MAP_FDB_VAL_VLAN_SHIFT 16
#define MAP_FDB_VAL_VLAN_MASK  0xfffull
#define MAP_FDB_VAL_TYPE_SHIFT 28
#define MAP_FDB_VAL_SRC_SHIFT  29
#define MAP_FDB_VAL_SEEN_SHIFT 32

static inline unsigned
map_fdb_val_type(uint64_t v)
{
	return (unsigned)(v >> MAP_FDB_VAL_TYPE_SHIFT) & 1;
}

static inline uint16_t
map_fdb_val_vtep(uint64_t v)
{
	return (uint16_t)(v & MAP_FDB_VAL_IDX_MASK);
}

static inline uint16_t
map_fdb_val_port(uint64_t v)
{
	return (uint16_t)(v & MAP_FDB_VAL_IDX_MASK);
}

static inline uint16_t
map_fdb_val_vlan(uint64_t v)
{
	return (uint16_t)((v >> MAP_FDB_VAL_VLAN_SHIFT) & MAP_FDB_VAL_VLAN_MASK);
}

static inline enum map_src
map_fdb_val_src(uint64_t v)
{
	return (enum map_src)((v >> MAP_FDB_VAL_SRC_SHIFT) & 3);
}

static inline uint32_t
map_fdb_val_seen(uint64_t v)
{
	return (uint32_t)(v >> MAP_FDB_VAL_SEEN_SHIFT);
}

/* Dest fields only (what a frame would be forwarded to), for comparisons. */
static inline uint64_t
map_fdb_val_dest(uint64_t v)
{
	return v & ((1ull << MAP_FDB_VAL_SRC_SHIFT) - 1);
}

static inline uint64_t
map_fdb_val_make(enum map_fdb_type type, uint16_t idx, uint16_t vlan, enum map_src src,
                 uint32_t seen_s)
{
	return (uint64_t)idx |
	       ((uint64_t)(vlan & MAP_FDB_VAL_VLAN_MASK) << MAP_FDB_VAL_VLAN_SHIFT) |
	       ((uint64_t)type << MAP_FDB_VAL_TYPE_SHIFT) |
	       ((uint64_t)src << MAP_FDB_VAL_SRC_SHIFT) |
	       ((uint64_t)seen_s << MAP_FDB_VAL_SEEN_SHIFT);
}

/*
 * Precomputed outer header towards one remote VTEP (IPv4: Ethernet + IPv4
 * + UDP + VXLAN = 50 bytes; an IPv6 underlay is a second template kind with
 * af == AF_INET6 and hdr_len 70, not a rewrite of the encap code).
 * In hdr: MACs, addresses, TTL, TOS, DF, protocol, UDP destination port and
 * the VXLAN I flag are final; IPv4 total length, IPv4 checksum, UDP length,
 * UDP source port and VNI are zero and patched per packet. ip_csum_base is
 * the ones'-complement sum of the IPv4 header with total length and
 * checksum zero, folded to 16 bits (at most 0xffff), so the per-packet
 * checksum is ~fold(ip_csum_base + total_length) with a single fold: the
 * sum is at most 0x1fffe, and one fold of that is at most 0xffff.
 * Immutable once published; replaced (RCU) when the next-hop MAC changes.
 *
 * Byte order of ip_csum_base: the header is summed as network-order 16-bit
 * words loaded as host uint16_t (exactly what rte_raw_cksum() does), so the
 * per-packet patch adds the total length as it is stored in the header
 * (rte_cpu_to_be_16(len)), folds, complements and stores the result without
 * a swap: see map_tmpl_ipv4_cksum().
 */
struct map_vtep_tmpl {
	uint8_t hdr[MAP_TMPL_MAX];
	uint8_t hdr_len;  /* 50 for IPv4 */
	uint8_t af;       /* AF_INET */
	uint8_t resolved; /* next-hop MAC known: hdr is sendable */
	uint8_t pad;
	uint16_t port; /* dataplane port (the underlay) */
	uint16_t vtep; /* index of this VTEP */
	uint32_t ip_csum_base;
	rte_be32_t dst_ip; /* the remote VTEP (network order) */
	rte_be32_t src_ip; /* our VTEP address (network order) */
} __rte_cache_aligned;

/* Offsets in map_vtep_tmpl.hdr of the IPv4 template's per-packet fields. */
#define MAP_TMPL4_IP_OFF    14 /* IPv4 header */
#define MAP_TMPL4_UDP_OFF   34 /* UDP header */
#define MAP_TMPL4_VXLAN_OFF 42 /* VXLAN header */
#define MAP_TMPL4_LEN       50

/**
 * IPv4 header checksum for a packet built from @p t whose IPv4 total length
 * field holds @p total_len_be (network order, as stored in the header):
 * one add and a fold. Store the result as is (no byte swap).
 */
static inline rte_be16_t
map_tmpl_ipv4_cksum(const struct map_vtep_tmpl *t, rte_be16_t total_len_be)
{
	uint32_t s = t->ip_csum_base + (uint32_t)total_len_be;

	return (rte_be16_t) ~((s & 0xffff) + (s >> 16)); /* one fold: see above */
}

struct map_underlay;

/**
 * Build the IPv4 template towards @p dst_ip (network order) into @p t:
 * Ethernet (next-hop MAC, u->src_mac, 0x0800), IPv4 (version 4, IHL 5,
 * u->tos, DF, u->ttl, UDP, u->src_ip, dst_ip; total length, ID and checksum
 * 0), UDP (destination u->udp_port; source, length and checksum 0), VXLAN
 * (I flag; VNI 0). Pure function: no allocation, no table access.
 * @param dst_mac next-hop MAC, or NULL while unresolved (t->resolved = 0,
 *   destination MAC zero).
 * @param vtep_idx stored in t->vtep.
 */
void map_tmpl_build_ipv4(struct map_vtep_tmpl *t, const struct map_underlay *u, rte_be32_t dst_ip,
                         const uint8_t *dst_mac, uint16_t vtep_idx);

/*
 * A segment as the dataplane sees it: immutable once published, replaced as
 * a whole on any change.
 */
struct map_seg {
	uint16_t idx;
	uint16_t port;       /* access port (dataplane port index) */
	uint16_t vlan;       /* 1..4094, or MAP_VLAN_UNTAGGED */
	rte_be16_t vlan_tci; /* precomputed 802.1Q TCI (PCP 0, DEI 0, VID), network order */
	uint32_t vni;
	rte_be32_t vni_word;     /* second VXLAN header word: VNI << 8, network order */
	uint32_t ageing_s;       /* learned entries older than this are removed */
	uint32_t refresh_s;      /* readers ask for a last-seen refresh after this */
	uint32_t mac_limit;      /* 0 = only the global limit */
	uint32_t flood_rate_pps; /* 0 = unlimited */
	char name[64];
	char tenant[64];
	uint16_t nb_flood;
	uint16_t flood[]; /* VTEP indexes for head-end replication */
};

struct map_params {
	const char *name;      /* unique per process (rte_hash / rcu names), <= MAP_NAME_LEN_MAX */
	uint32_t fdb_max;      /* FDB capacity == global MAC limit */
	uint32_t vteps_max;    /* <= MAP_VTEP_MAX */
	uint32_t segments_max; /* <= MAP_SEG_MAX */
	uint16_t nb_ports;     /* dataplane ports (access map size) */
	uint32_t max_readers;  /* reader ids are 0..max_readers-1 */
	int socket_id;         /* NUMA socket for the tables, SOCKET_ID_ANY ok */
};

/* Gateway-wide values every VTEP template is built from. */
struct map_underlay {
	uint16_t port;       /* dataplane underlay port */
	uint8_t src_mac[6];  /* the underlay port's MAC */
	rte_be32_t src_ip;   /* gateway VTEP IP */
	uint32_t prefix_len; /* on-link prefix of the underlay port */
	rte_be32_t port_ip;  /* the underlay port's address (prefix base) */
	rte_be32_t next_hop; /* 0 = none: every VTEP must be on-link */
	uint16_t udp_port;   /* VXLAN destination port, host order */
	uint8_t ttl;
	uint8_t tos;
};

/* Everything private to mapping/ lives in map_private.h; what is here is
 * what the reader inlines need. Do not touch these fields outside mapping/. */
struct map {
	struct rte_hash *fdb;
	struct rte_rcu_qsbr *qsbr;
	struct map_seg *const *segs;             /* [segments_max], RCU pointers */
	const struct map_vtep_tmpl *const *tmpl; /* [vteps_max], RCU pointers */
	uint16_t *const *vni_l1;                 /* [4096] -> [4096] seg index, MAP_SEG_NONE */
	uint16_t (*access)[4096];                /* [nb_ports][VLAN] seg index; [0] = untagged */
	uint64_t tsc_base;
	uint64_t tsc_hz;
	struct map_private *priv;
	/* Moved on by the writer after it deletes FDB entries (delete,
	 * flush, ageing, a segment removed) or points one elsewhere (a
	 * learned move, or map_fdb_set() on a manager's or the
	 * configuration's behalf); never for an added or refreshed entry.
	 * Readers that cache what they read of the table (the dataplane's
	 * learn filter and destination cache) drop what they cached before
	 * it moved. On its own line: the rest of the struct is read-only for
	 * readers. */
	uint32_t fdb_forget_gen __rte_cache_aligned;
};

/** The writer's FDB forget generation (see struct map), for readers. */
static inline uint32_t
map_fdb_forget_gen(const struct map *m)
{
	return __atomic_load_n(&m->fdb_forget_gen, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------------ */
/* Life cycle (writer)                                                 */

/**
 * Create empty tables.
 * @return the map, or NULL with errno set (EINVAL, ENOMEM, EEXIST).
 */
struct map *map_create(const struct map_params *p);

/** Destroy; every reader must be offline. NULL is a no-op. */
void map_destroy(struct map *m);

/**
 * Set the gateway-wide template inputs; rebuilds every VTEP template.
 * @return 0 or -errno.
 */
int map_underlay_set(struct map *m, const struct map_underlay *u);

/**
 * Free what the defer queue holds and every reader has passed. (Deleted FDB
 * key slots are reclaimed by rte_hash itself, on later deletes and adds.)
 */
void map_reclaim(struct map *m);

/* ------------------------------------------------------------------ */
/* Readers                                                             */

/** Register reader @p id (0..max_readers-1); it starts offline. */
int map_reader_register(struct map *m, unsigned id);

/** Unregister reader @p id (must be offline). */
void map_reader_unregister(struct map *m, unsigned id);

static inline void
map_reader_online(struct map *m, unsigned id)
{
	rte_rcu_qsbr_thread_online(m->qsbr, id);
}

static inline void
map_reader_offline(struct map *m, unsigned id)
{
	rte_rcu_qsbr_thread_offline(m->qsbr, id);
}

/* Once per burst-loop pass, when no table pointer is held. */
static inline void
map_reader_quiescent(struct map *m, unsigned id)
{
	rte_rcu_qsbr_quiescent(m->qsbr, id);
}

/* Seconds since the map was created: the clock of FDB last-seen stamps. */
static inline uint32_t
map_now_s(const struct map *m, uint64_t tsc)
{
	return (uint32_t)((tsc - m->tsc_base) / m->tsc_hz);
}

/* Segment for a frame received on access @p port with VLAN @p vid
 * (0 = untagged or priority-tagged). */
static inline uint16_t
map_access_seg(const struct map *m, uint16_t port, uint16_t vid)
{
	return __atomic_load_n(&m->access[port][vid & 0xfff], __ATOMIC_RELAXED);
}

/* Segment carrying @p vni (host order), or MAP_SEG_NONE. */
static inline uint16_t
map_vni_seg(const struct map *m, uint32_t vni)
{
	const uint16_t *l2 = __atomic_load_n(&m->vni_l1[(vni >> 12) & 0xfff], __ATOMIC_ACQUIRE);

	if (l2 == NULL)
		return MAP_SEG_NONE;
	return __atomic_load_n(&l2[vni & 0xfff], __ATOMIC_RELAXED);
}

static inline const struct map_seg *
map_seg_get(const struct map *m, uint16_t idx)
{
	return __atomic_load_n(&m->segs[idx], __ATOMIC_ACQUIRE);
}

static inline const struct map_vtep_tmpl *
map_vtep_tmpl(const struct map *m, uint16_t idx)
{
	return __atomic_load_n(&m->tmpl[idx], __ATOMIC_ACQUIRE);
}

/**
 * Look up @p n (<= MAP_LOOKUP_BULK_MAX) keys at once.
 * @param keys the keys (map_fdb_key()).
 * @param hit_mask bit i set when keys[i] was found.
 * @param vals vals[i] is the value of keys[i] when found.
 * @return the number of hits.
 */
static inline int
map_fdb_lookup_bulk(const struct map *m, const uint64_t *keys, unsigned n, uint64_t *hit_mask,
                    uint64_t *vals)
{
	const void *kp[MAP_LOOKUP_BULK_MAX];

	if (n == 0) { /* rte_hash would return -EINVAL and leave *hit_mask unset */
		*hit_mask = 0;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		kp[i] = &keys[i];
	return rte_hash_lookup_bulk_data(m->fdb, kp, n, hit_mask, (void **)vals);
}

/** Single lookup. @return 0 and *val, or -ENOENT. */
static inline int
map_fdb_lookup(const struct map *m, uint64_t key, uint64_t *val)
{
	int r = rte_hash_lookup_data(m->fdb, &key, (void **)val);

	return r < 0 ? r : 0;
}

/* ------------------------------------------------------------------ */
/* Segments (writer)                                                   */

/*
 * vni 1..16777215; port < nb_ports; vlan 1..4094 or MAP_VLAN_UNTAGGED;
 * ageing_s 0 = learned entries never age; name and tenant shorter than 64
 * bytes (NULL = ""); no address twice in the flood list (-EINVAL otherwise).
 * map_seg.refresh_s is derived: ageing_s / 4 (at least 1), or
 * MAP_REFRESH_DEFAULT_S when the segment does not age.
 */
struct map_seg_conf {
	const char *name;
	const char *tenant;
	uint32_t vni;
	uint16_t port;
	uint16_t vlan;
	uint32_t ageing_s;
	uint32_t mac_limit;
	uint32_t flood_rate_pps;
	const rte_be32_t *flood; /* remote VTEP addresses */
	uint16_t nb_flood;
};

#define MAP_REFRESH_DEFAULT_S 60

/**
 * Add a segment. Its VNI and (port, VLAN) must be free.
 * @return the new segment index (>= 0), or -EEXIST, -ENOSPC, -EINVAL, -ENOMEM.
 */
int map_seg_add(struct map *m, const struct map_seg_conf *c);

/**
 * Replace segment @p idx with a new definition (VNI, attachment, flood list,
 * limits may all change); published atomically. FDB entries stay.
 * @return 0 or -ENOENT, -EEXIST (VNI or attachment used elsewhere), -ENOMEM.
 */
int map_seg_update(struct map *m, uint16_t idx, const struct map_seg_conf *c);

/** Delete a segment and every FDB entry in it. @return 0 or -ENOENT. */
int map_seg_del(struct map *m, uint16_t idx);

/** Number of MACs currently in segment @p idx. */
uint32_t map_seg_nb_macs(const struct map *m, uint16_t idx);

/* ------------------------------------------------------------------ */
/* VTEPs (writer)                                                      */

struct map_vtep_info {
	uint16_t idx;
	rte_be32_t ip;
	rte_be32_t next_hop; /* the address ARP must resolve for it */
	bool resolved;
	uint8_t mac[6];  /* next-hop MAC, when resolved */
	uint32_t refcnt; /* FDB entries + flood lists using it */
	uint32_t nb_fdb; /* FDB entries pointing at it */
};

/** Index of the VTEP with address @p ip, or -ENOENT. */
int map_vtep_find(const struct map *m, rte_be32_t ip);

/** Information about VTEP @p idx. @return 0 or -ENOENT. */
int map_vtep_info(const struct map *m, uint16_t idx, struct map_vtep_info *out);

/**
 * Record that @p next_hop is at @p mac (NULL: no longer resolved) and
 * republish the templates of every VTEP reached through it.
 * @return the number of VTEPs whose template changed.
 */
unsigned map_nexthop_set(struct map *m, rte_be32_t next_hop, const uint8_t *mac);

typedef int (*map_vtep_walk_fn)(const struct map_vtep_info *info, void *arg);

/** Call @p fn for every VTEP; stops early when fn returns non-zero. */
int map_vtep_walk(const struct map *m, map_vtep_walk_fn fn, void *arg);

/* ------------------------------------------------------------------ */
/* FDB (writer)                                                        */

struct map_dest {
	enum map_fdb_type type;
	uint16_t port;      /* local */
	uint16_t vlan;      /* local */
	rte_be32_t vtep_ip; /* remote: the VTEP is created on first use */
};

enum map_learn_result {
	MAP_LEARN_ADDED = 0,     /* new learned entry */
	MAP_LEARN_REFRESHED = 1, /* same destination, last-seen updated */
	MAP_LEARN_MOVED = 2,     /* learned entry followed the MAC */
	MAP_LEARN_PINNED = 3,    /* a static/manager entry disagrees: kept, counted */
};

/**
 * Apply a data-plane observation of @p mac behind @p d in segment @p seg.
 * A matching entry of any source gets its last-seen stamp refreshed.
 * @return enum map_learn_result (>= 0), or -ENOSPC (segment or global MAC
 *   limit, or no free VTEP index: the MAC stays unknown and keeps being
 *   flooded), -ENOENT (no such segment), -EINVAL (group or zero MAC, bad
 *   destination), -ENOMEM.
 */
int map_fdb_learn(struct map *m, uint16_t seg, const uint8_t mac[6], const struct map_dest *d,
                  uint32_t now_s);

/**
 * Install an entry from a static or manager source, replacing an entry of
 * the same or lower precedence (atomically: readers see the old or the new
 * destination, never neither). A new entry is stamped last seen now; a
 * replaced one keeps its stamp (it records traffic, not configuration).
 * A segment's mac_limit does not apply (it bounds learning; these sources
 * are trusted); the FDB capacity (fdb_max) does.
 * @return 0, or -EPERM (a higher-precedence entry is there and stays),
 *   -ENOSPC (FDB full), -ENOENT, -EINVAL (src is MAP_SRC_LEARNED, bad destination),
 *   -ENOMEM.
 */
int map_fdb_set(struct map *m, uint16_t seg, const uint8_t mac[6], const struct map_dest *d,
                enum map_src src, uint16_t src_id);

/**
 * Delete (seg, mac) if it matches @p src / @p src_id (-1 = any).
 * @return 0, -ENOENT (absent), -EPERM (present from another source).
 */
int map_fdb_del(struct map *m, uint16_t seg, const uint8_t mac[6], int src, int src_id);

/**
 * Delete every entry matching: @p seg (-1 = all), @p src and @p src_id
 * (-1 = any). @return the number deleted.
 */
unsigned map_fdb_flush(struct map *m, int seg, int src, int src_id);

/**
 * Age learned entries: examine at most @p budget entries from where the
 * previous call stopped (so a 1M-entry table is swept incrementally) and
 * delete learned ones not seen for their segment's ageing time.
 * @return the number deleted.
 */
unsigned map_fdb_age(struct map *m, uint32_t now_s, unsigned budget);

struct map_fdb_info {
	uint16_t seg;
	uint32_t vni;
	uint8_t mac[6];
	struct map_dest dest;
	enum map_src src;
	uint16_t src_id;
	uint32_t first_seen_s;
	uint32_t last_seen_s;
	uint32_t moves;
};

/** Read one entry. @return 0 or -ENOENT. */
int map_fdb_get(const struct map *m, uint16_t seg, const uint8_t mac[6], struct map_fdb_info *out);

typedef int (*map_fdb_walk_fn)(const struct map_fdb_info *info, void *arg);

/**
 * Call @p fn for every entry (order unspecified); stops when fn returns
 * non-zero and returns that value. @p fn must not change the FDB.
 */
int map_fdb_walk(const struct map *m, map_fdb_walk_fn fn, void *arg);

/* ------------------------------------------------------------------ */
/* Statistics (writer-maintained, read by the writer thread)          */

struct map_stats {
	uint32_t nb_fdb;
	uint32_t nb_vteps;
	uint32_t nb_segs;
	uint64_t learned;       /* MAP_LEARN_ADDED */
	uint64_t moves;         /* MAP_LEARN_MOVED */
	uint64_t pinned;        /* MAP_LEARN_PINNED */
	uint64_t limit_global;  /* -ENOSPC: global limit */
	uint64_t limit_segment; /* -ENOSPC: segment limit */
	uint64_t aged;
	uint64_t rcu_deferred; /* objects handed to the defer queue */
	uint64_t rcu_freed;
	uint64_t limit_vteps; /* -ENOSPC: no free VTEP index (vteps_max) */
	uint64_t rcu_sync;    /* the writer waited for a grace period (queue/slots full) */
};

void map_stats_get(const struct map *m, struct map_stats *out);

#endif /* VTEP_MAP_H */
