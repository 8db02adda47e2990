/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_private.h - what the files of control/xenapi/ share, and what the
 * unit tests and the fuzzer reach into. Not for other modules: they use
 * xapi.h.
 *
 * Layers, bottom up:
 *  - values (xapi_value.c): the XenAPI value model, decoded into an arena
 *    that one free releases;
 *  - codecs (xapi_json.c, xapi_xml.c): JSON-RPC and XML-RPC, both ways;
 *  - calls (xapi_rpc.c): one API over both transports, the transport
 *    detected per host and remembered;
 *  - pool (xapi_pool.c): login, following HOST_IS_SLAVE, pool identity,
 *    failover candidates;
 *  - cache (xapi_cache.c): ref -> record for host, network, PIF, VM, VIF
 *    and pool, fed by get_all_records and event.from;
 *  - bindings (xapi_bind.c): which MAC is where, and the updates that
 *    bring the control thread from what it was told to what is true now;
 *  - the source (xapi_source.c): the thread that drives all of it.
 *
 * Thread-safety: everything here belongs to one source's worker thread,
 * except xapi_rpc_abort(), which any thread may call. The value, codec
 * and URL functions are pure and reentrant.
 */
#ifndef VTEP_XAPI_PRIVATE_H
#define VTEP_XAPI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "source.h"
#include "xapi.h"

/* Largest response we decode. A 10,000-VM pool's VM.get_all_records is
 * about 25 MB in JSON; anything near the limit is refused, not parsed. */
#define XAPI_MAX_RESPONSE (64u << 20)
#define XAPI_MAX_DEPTH    64 /* XenAPI values nest 5 deep; deeper is hostile */
#define XAPI_ERR_PARAMS   4

/* ---- values ------------------------------------------------------------ */

enum xapi_type {
	XAPI_NIL,
	XAPI_STRING,
	XAPI_INT, /* <i4>, <int>, <i8>, JSON integers (XenAPI ints often come as strings) */
	XAPI_BOOL,
	XAPI_DOUBLE,
	XAPI_DATETIME,
	XAPI_ARRAY,
	XAPI_STRUCT,
};

struct xapi_member;

struct xapi_value {
	enum xapi_type type;
	uint32_t nb; /* ARRAY items, STRUCT members, STRING/DATETIME length */
	union {
		const char *s;
		int64_t i;
		bool b;
		double d;
		const struct xapi_value *items;
		const struct xapi_member *members;
	} u;
};

struct xapi_member {
	const char *name;
	struct xapi_value v;
};

/* Request parameters are built on the stack with these. */
struct xapi_value xapi_str(const char *s);
struct xapi_value xapi_dbl(double d);
struct xapi_value xapi_arr(const struct xapi_value *items, uint32_t nb);

/* Decoded values live in an arena: one allocation per 64 KiB, one free. */
struct xapi_arena;
struct xapi_arena *xapi_arena_create(void);
void xapi_arena_destroy(struct xapi_arena *a);
void *xapi_arena_alloc(struct xapi_arena *a, size_t size);
char *xapi_arena_strndup(struct xapi_arena *a, const char *s, size_t len);

/** Member @p name of a struct, or NULL (also when @p st is not a struct). */
const struct xapi_value *xapi_member(const struct xapi_value *st, const char *name);
/** String member, or "" when absent or not a string. */
const char *xapi_get_str(const struct xapi_value *st, const char *name);
/** Boolean member; XML-RPC peers sometimes send "true"/"1" as strings. */
bool xapi_get_bool(const struct xapi_value *st, const char *name, bool dflt);
/** Integer value: an int, or a decimal string (XenAPI's 64-bit ints).
 * @return 0 or -EINVAL. */
int xapi_value_int(const struct xapi_value *v, int64_t *out);
int xapi_get_int(const struct xapi_value *st, const char *name, int64_t *out);

/* ---- codecs ------------------------------------------------------------ */

/* A XenAPI failure (ErrorDescription), or why a call failed otherwise. */
struct xapi_err {
	char code[64];                     /* ErrorDescription[0]; "" = not a XenAPI failure */
	char params[XAPI_ERR_PARAMS][256]; /* ErrorDescription[1..] */
	unsigned nb_params;
	char text[256]; /* one log line; never a secret */
};

struct xapi_reply {
	struct xapi_arena *arena;       /* owns value; NULL after xapi_reply_free() */
	const struct xapi_value *value; /* the result (Value / result) */
	uint64_t recv_ns;               /* when the response was read (before decoding) */
};

void xapi_reply_free(struct xapi_reply *r);

/*
 * Decoders take a whole response body. Both accept the XenAPI envelope
 * ({Status, Value} / {Status, ErrorDescription}); JSON also JSON-RPC 1.0
 * (result/error with null) and 2.0 (error {code, message, data}, or an
 * ErrorDescription-style array, which xapi sends for errors raised before
 * dispatch).
 * @return 0 (reply set), -EREMOTEIO (XenAPI failure: err->code set),
 *   -EBADMSG (malformed: err->text), -EMSGSIZE (over XAPI_MAX_RESPONSE),
 *   -ENOMEM.
 */
int xapi_json_decode(const char *body, size_t len, struct xapi_reply *reply, struct xapi_err *err);
int xapi_xml_decode(const char *body, size_t len, struct xapi_reply *reply, struct xapi_err *err);

/* Encoders return a malloc'd NUL-terminated body. @return 0, -EINVAL
 * (a value XML cannot carry), -ENOMEM. */
int xapi_json_encode(const char *method, const struct xapi_value *params, unsigned nb_params,
                     uint64_t id, char **body, size_t *len);
int xapi_xml_encode(const char *method, const struct xapi_value *params, unsigned nb_params,
                    char **body, size_t *len);

/**
 * Take the XenAPI envelope off @p v when it has one ({Status: "Success",
 * Value} -> Value; {Status: "Failure", ErrorDescription} -> err); a value
 * without a Status member is the result itself.
 * @return 0 (*out set), -EREMOTEIO, -EBADMSG.
 */
int xapi_unwrap(const struct xapi_value *v, const struct xapi_value **out, struct xapi_err *err);

/* Fill err from an ErrorDescription-like array of strings. */
void xapi_err_from_array(struct xapi_err *err, const struct xapi_value *arr);
void xapi_err_set(struct xapi_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable byte buffer (encoders). */
struct xapi_buf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;
};
void xapi_buf_add(struct xapi_buf *b, const char *s, size_t len);
void xapi_buf_adds(struct xapi_buf *b, const char *s);

/* ---- calls ------------------------------------------------------------- */

enum xapi_proto {
	XAPI_PROTO_AUTO, /* not known yet: try JSON-RPC, fall back to XML-RPC */
	XAPI_PROTO_JSON,
	XAPI_PROTO_XML,
};

struct xapi_rpc_conf {
	const char *name;                    /* "xenapi pool1", for logs */
	const struct http_client_conf *http; /* when transport is NULL */
	xapi_transport_fn transport;         /* tests: replaces HTTP */
	void *transport_ctx;
	uint32_t timeout_ms; /* default per call */
};

struct xapi_rpc;

/** @return a client, or NULL with errno set. */
struct xapi_rpc *xapi_rpc_create(const struct xapi_rpc_conf *conf);
void xapi_rpc_destroy(struct xapi_rpc *rpc);

/** Talk to @p base_url ("https://host[:port]") from now on; the transport
 * learnt for it before is remembered. */
void xapi_rpc_set_server(struct xapi_rpc *rpc, const char *base_url);
const char *xapi_rpc_server(const struct xapi_rpc *rpc);
enum xapi_proto xapi_rpc_proto(const struct xapi_rpc *rpc);

/**
 * Call @p method. @p timeout_ms 0 = the default.
 * @return 0 (reply set; xapi_reply_free() it), -EREMOTEIO (XenAPI failure
 *   in err->code), a transport -errno from http_post(), -EBADMSG (the
 *   server's answer made no sense, incl. HTTP errors), -ENOMEM. err->text
 *   says what happened in every non-zero case.
 */
int xapi_rpc_call(struct xapi_rpc *rpc, const char *method, const struct xapi_value *params,
                  unsigned nb_params, uint32_t timeout_ms, struct xapi_reply *reply,
                  struct xapi_err *err);

/** Any thread: make the call in progress and the next ones fail with -ECANCELED. */
void xapi_rpc_abort(struct xapi_rpc *rpc);
void xapi_rpc_unabort(struct xapi_rpc *rpc);

/* ---- pool: login, master, identity ------------------------------------- */

#define XAPI_REF_MAX 128 /* "OpaqueRef:" + uuid fits with room */

struct xapi_cands {
	char (*urls)[CFG_URL_MAX];
	unsigned nb;
	unsigned cap;
};

void xapi_cands_clear(struct xapi_cands *c);
void xapi_cands_free(struct xapi_cands *c);
/** Append unless present. @return 0 or -ENOMEM. */
int xapi_cands_add(struct xapi_cands *c, const char *url);

struct xapi_login {
	const char *name; /* "xenapi pool1", for logs */
	const char *username;
	const char *password;
	const char *want_pool_uuid; /* "" = accept any; else pool.uuid must match */
	uint32_t timeout_ms;
};

/* What a successful login on the master established. */
struct xapi_master {
	char url[CFG_URL_MAX];
	char session[XAPI_REF_MAX]; /* a bearer credential: never logged */
	char pool_ref[XAPI_REF_MAX];
	char pool_uuid[64];
	char master_ref[XAPI_REF_MAX];
};

/** Log in at @p url only (no redirect). @return 0, or -errno with err set. */
int xapi_session_login(struct xapi_rpc *rpc, const char *url, const struct xapi_login *lg,
                       char *session, size_t size, struct xapi_err *err);

/**
 * Find the master: try each candidate, follow HOST_IS_SLAVE, check the pool
 * identity (a host ejected from the pool is master of another one).
 * @return 0 with @p m filled and the rpc pointed at the master, or the
 *   last -errno (err says why; @p m is left as it was).
 */
int xapi_locate_master(struct xapi_rpc *rpc, const struct xapi_cands *cands,
                       const struct xapi_login *lg, struct xapi_master *m, struct xapi_err *err);

/** Best effort; errors ignored (the session dies with the master anyway). */
void xapi_session_logout(struct xapi_rpc *rpc, const char *session, uint32_t timeout_ms);

/* ---- cache -------------------------------------------------------------- */

enum xapi_class {
	XAPI_C_POOL,
	XAPI_C_HOST,
	XAPI_C_NETWORK,
	XAPI_C_PIF,
	XAPI_C_VM,
	XAPI_C_VIF,
	XAPI_C_NB,
};

/** "pool", "host", "network", "PIF", "VM", "VIF" (method prefixes). */
const char *xapi_class_name(enum xapi_class c);
/** Class of an event ("vm", "VIF", ...: case-insensitive), or -1. */
int xapi_class_parse(const char *s);

enum xapi_power {
	XAPI_POWER_OTHER, /* Halted, Suspended, unknown */
	XAPI_POWER_RUNNING,
	XAPI_POWER_PAUSED,
};

struct xapi_obj; /* one cached object: see xapi_cache.c */

struct xapi_cache;

struct xapi_cache *xapi_cache_create(void);
void xapi_cache_destroy(struct xapi_cache *c);

/* Relevant fields of the records (pointers valid until the object changes). */
struct xapi_host_view {
	const char *uuid, *name_label, *hostname, *address;
	int64_t api_major, api_minor;
};
struct xapi_pool_view {
	const char *uuid, *name_label, *master;
};

/** Records of @p cls held (placeholders excluded). */
uint32_t xapi_cache_count(const struct xapi_cache *c, enum xapi_class cls);

/**
 * Replace every record of @p cls by the result of <cls>.get_all_records
 * (a struct ref -> record); objects absent from it are removed.
 * @return 0, -EBADMSG (not a struct of structs), -ENOMEM.
 */
int xapi_cache_load_class(struct xapi_cache *c, enum xapi_class cls, const struct xapi_value *all);

/* What an event batch asks of the caller. */
struct xapi_batch_result {
	bool refetch[XAPI_C_NB]; /* valid_ref_counts disagree, or an event lacked its snapshot */
	char token[256];         /* the next call's token */
	uint32_t nb_events;
};

/**
 * Apply an event.from result to the cache (records only; the bindings
 * are recomputed by xapi_bind_update()).
 * @return 0, -EBADMSG (no token / not an event batch), -ENOMEM.
 */
int xapi_cache_apply_events(struct xapi_cache *c, const struct xapi_value *batch,
                            struct xapi_batch_result *res);

/** Lookups for status and the master's API version. */
int xapi_cache_pool(const struct xapi_cache *c, struct xapi_pool_view *out);
int xapi_cache_host(const struct xapi_cache *c, const char *ref, struct xapi_host_view *out);
/** Call @p fn for every host record (candidates for failover). */
void xapi_cache_foreach_host(const struct xapi_cache *c,
                             void (*fn)(void *arg, const struct xapi_host_view *h), void *arg);
/** VMs that are guests: not templates, snapshots or control domains. */
uint32_t xapi_cache_nb_guests(const struct xapi_cache *c);

/* ---- bindings ------------------------------------------------------------ */

struct xapi_bind_conf {
	const char *name; /* for logs */
	uint16_t src_id;
	struct src_queue *q;
	const char *transport_network; /* "" = host_vtep stays 0 */
};

/**
 * Bring the control thread up to date with the cache.
 * @param full true for a (re)sync: every present binding is upserted between
 *   SYNC_BEGIN and SYNC_END; false: only the difference since the last
 *   call is posted (UPSERT / WITHDRAW).
 * @param recv_ns when the response carrying the change was read.
 * @return the number of updates posted (SYNC_* excluded), or -ENOMEM.
 */
int xapi_bind_update(struct xapi_cache *c, const struct xapi_bind_conf *bc, bool full,
                     uint64_t recv_ns);

/** Bindings currently reported (status nb_macs). */
uint32_t xapi_bind_count(const struct xapi_cache *c);

/** Forget what was reported (after SRC_OP_FLUSH): the next update is full anyway. */
void xapi_bind_forget(struct xapi_cache *c);

/* ---- cache internals (xapi_cache.c and xapi_bind.c only) ----------------- */

/* Intrusive chained hash map with string keys. */
struct xapi_hnode {
	struct xapi_hnode *next;
	uint64_t hash;
	const char *key;
};

struct xapi_hmap {
	struct xapi_hnode **buckets;
	size_t nb_buckets; /* power of two, 0 before the first insert */
	size_t nb;
};

uint64_t xapi_hash(const char *s);
struct xapi_hnode *xapi_hmap_find(const struct xapi_hmap *m, const char *key, uint64_t hash);
int xapi_hmap_insert(struct xapi_hmap *m, struct xapi_hnode *n);
void xapi_hmap_remove(struct xapi_hmap *m, struct xapi_hnode *n);
/* The node of @p key, or a new zeroed object of @p size bytes (a struct that
 * starts with its xapi_hnode) inserted under a copy of the key (*created).
 * NULL on ENOMEM. */
struct xapi_hnode *xapi_hmap_get(struct xapi_hmap *m, const char *key, size_t size, bool *created);
void xapi_hmap_free(struct xapi_hmap *m);
/* Next node after @p n (NULL = first), in bucket order. To remove nodes
 * while walking, fetch the successor before removing. */
struct xapi_hnode *xapi_hmap_next(const struct xapi_hmap *m, const struct xapi_hnode *n);

struct xapi_host_rec {
	const char *uuid, *name_label, *hostname, *address;
	int64_t api_major, api_minor;
};
struct xapi_net_rec {
	const char *uuid, *name_label;
};
struct xapi_pif_rec {
	const char *host, *network, *ip;
};
struct xapi_vm_rec {
	const char *uuid, *name_label, *resident_on;
	enum xapi_power power;
	bool is_template, is_snapshot, is_control_domain;
};
struct xapi_vif_rec {
	const char *vm, *network;
	uint8_t mac[6];
	bool mac_ok, attached;
};
struct xapi_pool_rec {
	const char *uuid, *name_label, *master;
};

struct xapi_rep;

struct xapi_obj {
	struct xapi_hnode node; /* key: the ref */
	enum xapi_class cls;
	bool has_record; /* false: a VM placeholder that VIFs point at, or dead */
	bool mark;       /* seen by the current xapi_cache_load_class() */
	bool dirty;      /* VIF: on cache->dirty */
	bool doomed;     /* on cache->gc */
	char *blob;      /* the record's strings, one allocation */
	union {
		struct xapi_host_rec host;
		struct xapi_net_rec net;
		struct xapi_pif_rec pif;
		struct xapi_vm_rec vm;
		struct xapi_vif_rec vif;
		struct xapi_pool_rec pool;
	} r;
	uint32_t vtep;            /* host: transport PIF IP, network order */
	struct xapi_obj *vm;      /* VIF: its VM object (maybe a placeholder) */
	struct xapi_obj *vm_next; /* VIF: next VIF of the same VM */
	struct xapi_obj *vifs;    /* VM: its VIFs */
	struct xapi_obj *dirty_next;
	struct xapi_obj *gc_next;
	struct xapi_rep *rep;      /* VIF: the binding it contributes to */
	struct xapi_obj *rep_next; /* VIF: next contributor of rep */
	uint64_t digest;           /* VIF: digest of its binding when it joined rep */
};

struct xapi_cache {
	struct xapi_hmap maps[XAPI_C_NB];
	uint32_t nb_records[XAPI_C_NB];
	struct xapi_obj *dirty; /* VIFs to recompute */
	struct xapi_obj *gc;    /* record-less objects to free after the update */
	bool dirty_all;         /* a network, host, PIF or pool changed */
	uint32_t nb_guests;     /* VM records that are not templates, snapshots, dom0 */
	struct xapi_hmap reps;  /* bindings reported, key "<mac>\n<network>" */
};

struct xapi_obj *xapi_cache_find(const struct xapi_cache *c, enum xapi_class cls, const char *ref);
/** Free the objects on the gc list that nothing points at any more. */
void xapi_cache_gc(struct xapi_cache *c);

#endif /* VTEP_XAPI_PRIVATE_H */
