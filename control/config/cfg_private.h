/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_private.h - what the files of the configuration loader share.
 *
 * The loader runs in three passes over one struct cfg_load:
 *  1. parse (cfg_parse.c, cfg_parse_ctl.c): JSON -> struct cfg, driven by
 *     tables of struct cfg_key: types, ranges, syntax, defaults, unknown and
 *     missing keys, rules inside one object;
 *  2. check (cfg_check.c): rules across objects - duplicates, references,
 *     reachability, limits. It reads the draft and writes nothing to it;
 *  3. resolve (cfg_check.c): names -> indexes, derived defaults. Runs only
 *     when passes 1 and 2 found nothing, and cannot fail.
 * Every pass reports through cfg_err*() and goes on: all errors are
 * collected. A value that failed to parse is left at a sentinel (see
 * struct cfg_load) so that later checks skip it instead of reporting the
 * same mistake twice.
 *
 * Allocation failures are sticky: they set l->oom, the pass skips what it
 * cannot build, and the load returns NULL with errno = ENOMEM.
 *
 * Thread-safety: everything here works on one struct cfg_load, owned by
 * the thread running cfg_load_*(); no global state.
 */
#ifndef VTEP_CFG_PRIVATE_H
#define VTEP_CFG_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>
#include <jansson.h>

#include "cfg.h"
#include "common/compiler.h"

#define CFG_PATH_SIZE   512         /* a JSON path in a message (truncated beyond) */
#define CFG_QUOTE_SIZE  100         /* a quoted value in a message (truncated beyond) */
#define CFG_FILE_MAX    (16u << 20) /* largest configuration file accepted */
#define CFG_VLAN_BAD    0xffffu     /* cfg_segment.vlan while missing or invalid */
#define CFG_SOCKET_MAX  107         /* sizeof(sun_path) - 1 */
#define CFG_MODE_OTHERS 0007u

/* Object variants: which keys an object accepts or requires can depend on
 * one of its values (a port's role, a manager's type). CFG_V_ANY is set
 * for every object; the others only once the discriminating value parsed. */
enum {
	CFG_V_ANY = 1u << 0,
	CFG_V_ACCESS = 1u << 1,
	CFG_V_UNDERLAY = 1u << 2,
	CFG_V_VCENTER = 1u << 3,
	CFG_V_XENAPI = 1u << 4,
};

/* cfg_key.flags */
enum {
	CFG_K_ZERO_OK = 1u << 0, /* integers: 0 is accepted besides min..max */
	CFG_K_POW2 = 1u << 1,    /* integers: must be a power of two */
	CFG_K_UNIQUE = 1u << 2,  /* lists: no value twice in the list */
};

struct cfg_load {
	const char *file;        /* for messages */
	struct cfg_errors *errs; /* NULL: count errors, keep no text */
	unsigned nb_errors;
	bool oom;
	char path[CFG_PATH_SIZE]; /* JSON path of the value being parsed */
	size_t path_len;
	struct cfg *c; /* the draft; freed unless the load succeeds */

	/* What struct cfg cannot hold until resolved, by index. Sentinels of
	 * values that are missing or failed to parse: "" for names and
	 * strings, 0 for VNIs, IPv4 addresses and prefix lengths, the zero
	 * MAC, CFG_VLAN_BAD for VLANs. */
	char (*seg_port)[CFG_NAME_MAX]; /* each segment's port, by name */
	unsigned cur_tenant;            /* tenant whose segments are parsed */
	unsigned seg_next;              /* next free slot of c->segments */
	bool *port_role_ok;             /* the port's role parsed */
	bool *port_clean;               /* the port parsed without an error */
	bool *site_vtep_given;          /* the site has a "vtep" key */
	bool ports_ok;                  /* "ports" is an array that parsed */
};

struct cfg_key;

/**
 * Parse one value into the object being filled.
 * @param v the value, or NULL when the key is absent: then apply the
 *   key's default, if it has one.
 * @param obj the structure being filled (k->off is relative to it).
 */
typedef void (*cfg_key_fn)(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);

/**
 * Validate a string's syntax; report an error at l->path if bad.
 * @return true if @p s is acceptable.
 */
typedef bool (*cfg_check_fn)(struct cfg_load *l, const char *s, const struct cfg_key *k);

/* One key of an object: its type (fn), where it goes, its limits. */
struct cfg_key {
	const char *name;
	cfg_key_fn fn;
	size_t off;                 /* destination: offsetof() in the object */
	size_t off_nb;              /* lists: offsetof() of the element count */
	size_t size;                /* integer width, string array size, list element size */
	uint64_t min, max;          /* integer range; strings: max length if not 0 */
	uint64_t def;               /* default of an absent integer or boolean */
	const char *def_str;        /* default of an absent string */
	cfg_check_fn check;         /* strings: syntax */
	const char *const *choices; /* enumerations: NULL-terminated */
	const char *what;           /* lists: what an element is, for messages */
	const struct cfg_key *keys; /* nested objects (cfg_key_object()) */
	unsigned flags;             /* CFG_K_* */
	unsigned required;          /* variants in which the key must be present */
	unsigned only;              /* variants that accept the key, 0 = all */
};

#define CFG_FIELD(type, field) .off = offsetof(type, field), .size = sizeof(((type *)0)->field)
/* A required name (CFG_NAME_MAX, A-Z a-z 0-9 . _ -). */
#define CFG_KEY_NAME(type, field)                                                                  \
	.fn = cfg_key_string, CFG_FIELD(type, field), .check = cfg_check_name, .required = CFG_V_ANY
#define CFG_LIST(type, field, nb)                                                                  \
	.off = offsetof(type, field), .off_nb = offsetof(type, nb),                                \
	.size = sizeof(*((type *)0)->field)

/* cfg_errors.c: messages and paths */
void cfg_err(struct cfg_load *l, const char *fmt, ...) VTEP_PRINTF(2, 3);
void cfg_err_at(struct cfg_load *l, const char *path, const char *fmt, ...) VTEP_PRINTF(3, 4);
void cfg_err_syntax(struct cfg_load *l, const json_error_t *e);
void cfg_err_oom(struct cfg_load *l);
size_t cfg_path_key(struct cfg_load *l, const char *key);
size_t cfg_path_index(struct cfg_load *l, size_t i);
void cfg_path_pop(struct cfg_load *l, size_t mark);
const char *cfg_quote(const char *s, char *buf, size_t size);
const char *cfg_quote_ip(uint32_t ip, char *buf, size_t size);
const char *cfg_prefix_str(uint32_t ip, uint8_t len, char *buf, size_t size);

/* A quoted, escaped, length-limited copy of @p s for a message; valid
 * until the end of the enclosing full expression's block. */
#define CFG_Q(s)         cfg_quote((s), (char[CFG_QUOTE_SIZE]){0}, CFG_QUOTE_SIZE)
#define CFG_QIP(ip)      cfg_quote_ip((ip), (char[CFG_QUOTE_SIZE]){0}, CFG_QUOTE_SIZE)
#define CFG_PFX(ip, len) cfg_prefix_str((ip), (len), (char[CFG_QUOTE_SIZE]){0}, CFG_QUOTE_SIZE)

/* The netmask of a prefix length, network order. */
static inline uint32_t
cfg_mask(uint8_t len)
{
	return len == 0 ? 0 : htonl(0xffffffffu << (32 - len));
}

/* cfg_keys.c: the table-driven object walker and the generic key types */
uint64_t cfg_object(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *keys,
                    unsigned variant);
bool cfg_seen(const struct cfg_key *keys, uint64_t seen, const char *name);
int cfg_peek_choice(const json_t *obj, const char *key, const char *const *choices);
long cfg_array_size(struct cfg_load *l, const json_t *v, size_t max);
typedef void (*cfg_item_fn)(struct cfg_load *l, const json_t *v, void *item, unsigned i);
void cfg_array_items(struct cfg_load *l, const json_t *v, void *items, size_t size, cfg_item_fn fn);
void *cfg_items(struct cfg_load *l, const json_t *v, size_t max, size_t size, unsigned *nb,
                cfg_item_fn fn);
void *cfg_calloc(struct cfg_load *l, size_t n, size_t size);
const char *cfg_ipv4_not_unicast(uint32_t ip);
bool cfg_json_str(struct cfg_load *l, const json_t *v, const char **s);

void cfg_key_uint(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_bool(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_string(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_enum(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_ipv4(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_mac(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_strings(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_ipv4s(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_reject(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_key_object(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);

bool cfg_check_name(struct cfg_load *l, const char *s, const struct cfg_key *k);
bool cfg_check_label(struct cfg_load *l, const char *s, const struct cfg_key *k);
bool cfg_check_abspath(struct cfg_load *l, const char *s, const struct cfg_key *k);
bool cfg_check_choice(struct cfg_load *l, const char *s, const struct cfg_key *k);

/* cfg_keys.c: duplicates, by sorting */
typedef int (*cfg_cmp_fn)(unsigned a, unsigned b, const void *arg);
unsigned *cfg_first_of(struct cfg_load *l, unsigned n, cfg_cmp_fn cmp, const void *arg);

/* cfg_parse.c, cfg_parse_ctl.c: the sections */
void cfg_parse(struct cfg_load *l, const json_t *root);
void cfg_sec_sites(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_sec_hosts(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
void cfg_sec_managers(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k);
extern const struct cfg_key cfg_limits_keys[];
extern const struct cfg_key cfg_dataplane_keys[];
extern const struct cfg_key cfg_control_keys[];
extern const struct cfg_key cfg_telemetry_keys[];
extern const struct cfg_key cfg_log_keys[];

/* cfg_check.c */
void cfg_check(struct cfg_load *l);
void cfg_resolve(struct cfg_load *l);

#endif /* VTEP_CFG_PRIVATE_H */
