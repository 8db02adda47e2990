/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_keys.c - the table-driven part of parsing: walking an object against
 * its struct cfg_key table (unknown, missing and misplaced keys, defaults)
 * and the key types every section shares (integers, booleans, strings,
 * enumerations, IPv4 and MAC addresses, lists).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_private.h"
#include "common/netaddr.h"

static const char *
variant_name(unsigned only)
{
	if (only & CFG_V_UNDERLAY)
		return "underlay ports";
	if (only & CFG_V_ACCESS)
		return "access ports";
	if (only & CFG_V_XENAPI)
		return "xenapi managers";
	return "vcenter managers";
}

static const struct cfg_key *
key_find(const struct cfg_key *keys, const char *name)
{
	for (const struct cfg_key *k = keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* Whether a key may appear in an object of @p variant. While the variant
 * is unknown (its discriminator was bad), every key is accepted so that
 * one mistake gives one error. */
static bool
key_allowed(const struct cfg_key *k, unsigned variant)
{
	return k->only == 0 || (variant & ~(unsigned)CFG_V_ANY) == 0 || (variant & k->only) != 0;
}

/**
 * Parse the object @p v (NULL: absent, take the defaults) into @p obj.
 * Keys are visited in file order, so errors come in file order.
 * @return the keys present, bit i for keys[i].
 */
uint64_t
cfg_object(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *keys,
           unsigned variant)
{
	uint64_t seen = 0;
	const char *name;
	json_t *val;

	if (v != NULL && !json_is_object(v)) {
		cfg_err(l, "expected an object");
		return 0;
	}
	json_object_foreach ((json_t *)v, name, val) {
		const struct cfg_key *k = key_find(keys, name);
		size_t mark = cfg_path_key(l, name);

		if (k == NULL) {
			cfg_err(l, "unknown key");
		} else if (!key_allowed(k, variant)) {
			cfg_err(l, "only for %s", variant_name(k->only));
		} else {
			seen |= UINT64_C(1) << (k - keys);
			k->fn(l, val, obj, k);
		}
		cfg_path_pop(l, mark);
	}
	for (const struct cfg_key *k = keys; k->name != NULL; k++) {
		if (seen & (UINT64_C(1) << (k - keys)))
			continue;
		if ((k->required & variant) != 0) {
			size_t mark;

			if (v == NULL)
				continue; /* an absent section has no required keys */
			mark = cfg_path_key(l, k->name);
			cfg_err(l, "missing required key");
			cfg_path_pop(l, mark);
		} else if (key_allowed(k, variant)) {
			k->fn(l, NULL, obj, k);
		}
	}
	return seen;
}

/** Whether the key @p name of @p keys is in @p seen (from cfg_object()). */
bool
cfg_seen(const struct cfg_key *keys, uint64_t seen, const char *name)
{
	const struct cfg_key *k = key_find(keys, name);

	return k != NULL && (seen & (UINT64_C(1) << (k - keys))) != 0;
}

/**
 * Read a discriminating value (a port's role, a manager's type) before
 * the object is walked. Silent: the walker reports what is wrong with it.
 * @return its index in @p choices, or -1.
 */
int
cfg_peek_choice(const json_t *obj, const char *key, const char *const *choices)
{
	const char *s = json_string_value(json_object_get(obj, key));

	for (int i = 0; s != NULL && choices[i] != NULL; i++)
		if (strcmp(s, choices[i]) == 0)
			return i;
	return -1;
}

/**
 * Check that @p v is an array of at most @p max (0: any) entries.
 * @return its size, or -1 after reporting why not.
 */
long
cfg_array_size(struct cfg_load *l, const json_t *v, size_t max)
{
	size_t n;

	if (!json_is_array(v)) {
		cfg_err(l, "expected an array");
		return -1;
	}
	n = json_array_size(v);
	if (max != 0 && n > max) {
		cfg_err(l, "has %zu entries, at most %zu", n, max);
		return -1;
	}
	return (long)n;
}

/** Parse every entry of the array @p v, an object each, into @p items. */
void
cfg_array_items(struct cfg_load *l, const json_t *v, void *items, size_t size, cfg_item_fn fn)
{
	size_t i;
	json_t *e;

	json_array_foreach (v, i, e) {
		size_t mark = cfg_path_index(l, i);

		if (json_is_object(e))
			fn(l, e, (char *)items + i * size, (unsigned)i);
		else
			cfg_err(l, "expected an object");
		cfg_path_pop(l, mark);
	}
}

/**
 * An array section (NULL: absent): check it, allocate its items, count
 * them in @p nb and parse each with @p fn. Nothing is parsed after an
 * allocation failure, including one of the caller's side arrays.
 * @return the items (NULL when empty or on error).
 */
void *
cfg_items(struct cfg_load *l, const json_t *v, size_t max, size_t size, unsigned *nb,
          cfg_item_fn fn)
{
	void *items;
	long n;

	if (v == NULL || (n = cfg_array_size(l, v, max)) <= 0 || l->oom)
		return NULL;
	if ((items = cfg_calloc(l, (size_t)n, size)) == NULL)
		return NULL;
	*nb = (unsigned)n;
	cfg_array_items(l, v, items, size, fn);
	return items;
}

/** calloc() that records a failure; NULL (and no failure) when @p n is 0. */
void *
cfg_calloc(struct cfg_load *l, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	p = calloc(n, size);
	if (p == NULL)
		l->oom = true;
	return p;
}

/** @return NULL for a unicast IPv4 address, else what it is instead. */
const char *
cfg_ipv4_not_unicast(uint32_t ip)
{
	uint32_t h = ntohl(ip);

	if (h == 0)
		return "unspecified";
	if (h == 0xffffffffu)
		return "broadcast";
	if ((h >> 24) == 0)
		return "0.0.0.0/8";
	if ((h >> 24) == 127)
		return "loopback";
	if ((h >> 28) == 0xe)
		return "multicast";
	if ((h >> 28) == 0xf)
		return "reserved";
	return NULL;
}

bool
cfg_json_str(struct cfg_load *l, const json_t *v, const char **s)
{
	if (!json_is_string(v)) {
		cfg_err(l, "expected a string");
		return false;
	}
	*s = json_string_value(v);
	return true;
}

static void
store_uint(void *dst, size_t size, uint64_t x)
{
	switch (size) {
	case 1:
		*(uint8_t *)dst = (uint8_t)x;
		break;
	case 2:
		*(uint16_t *)dst = (uint16_t)x;
		break;
	default:
		VTEP_ASSERT(size == 4); /* no wider field in struct cfg */
		*(uint32_t *)dst = (uint32_t)x;
		break;
	}
}

static bool
json_uint(struct cfg_load *l, const json_t *v, const struct cfg_key *k, uint64_t *out)
{
	json_int_t x;

	if (!json_is_integer(v)) {
		cfg_err(l, "expected an integer");
		return false;
	}
	x = json_integer_value(v);
	if (x == 0 && (k->flags & CFG_K_ZERO_OK)) {
		*out = 0;
		return true;
	}
	if (x < 0 || (uint64_t)x < k->min || (uint64_t)x > k->max) {
		cfg_err(l, "%lld is out of range %llu..%llu%s", (long long)x,
		        (unsigned long long)k->min, (unsigned long long)k->max,
		        (k->flags & CFG_K_ZERO_OK) ? ", or 0" : "");
		return false;
	}
	if ((k->flags & CFG_K_POW2) && (x & (x - 1)) != 0) {
		cfg_err(l, "%lld is not a power of two", (long long)x);
		return false;
	}
	*out = (uint64_t)x;
	return true;
}

void
cfg_key_uint(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	uint64_t x = k->def;

	if (v == NULL || json_uint(l, v, k, &x))
		store_uint((char *)obj + k->off, k->size, x);
}

void
cfg_key_bool(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	bool *dst = (bool *)((char *)obj + k->off);

	if (v == NULL)
		*dst = k->def != 0;
	else if (json_is_boolean(v))
		*dst = json_is_true(v);
	else
		cfg_err(l, "expected a boolean");
}

/* A string within the key's length limit that passes its syntax check. */
static bool
string_ok(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	size_t max = k->max != 0 ? k->max : k->size - 1;

	if (s[0] == '\0') {
		cfg_err(l, "must not be empty");
		return false;
	}
	if (strlen(s) > max) {
		cfg_err(l, "%s is longer than %zu bytes", CFG_Q(s), max);
		return false;
	}
	return k->check == NULL || k->check(l, s, k);
}

void
cfg_key_string(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	const char *s = k->def_str;

	if (v != NULL && (!cfg_json_str(l, v, &s) || !string_ok(l, s, k)))
		return;
	if (s != NULL)
		snprintf((char *)obj + k->off, k->size, "%s", s);
}

/* The index of @p s in k->choices, or -1 after reporting it. */
static int
choice_index(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	char list[256];
	size_t o = 0;

	for (int i = 0; k->choices[i] != NULL; i++)
		if (strcmp(s, k->choices[i]) == 0)
			return i;
	list[0] = '\0';
	for (int i = 0; k->choices[i] != NULL && o < sizeof(list); i++) {
		int n = snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", k->choices[i]);

		o += n < 0 ? 0 : (size_t)n;
	}
	cfg_err(l, "%s is not one of %s", CFG_Q(s), list);
	return -1;
}

/** Check function of a string that must be one of k->choices. */
bool
cfg_check_choice(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	return choice_index(l, s, k) >= 0;
}

/** An enumeration, stored as the index of its name in k->choices. */
void
cfg_key_enum(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	const char *s;
	int i;

	if (v == NULL)
		return;
	if (!cfg_json_str(l, v, &s) || (i = choice_index(l, s, k)) < 0)
		return;
	store_uint((char *)obj + k->off, k->size, (uint64_t)i);
}

/* Parse a unicast IPv4 address (network order) or report why not. */
static bool
ipv4_unicast(struct cfg_load *l, const json_t *v, uint32_t *ip)
{
	const char *s, *kind;

	if (!cfg_json_str(l, v, &s))
		return false;
	if (netaddr_ipv4_parse(s, ip) < 0) {
		cfg_err(l, "%s is not an IPv4 address", CFG_Q(s));
		return false;
	}
	if ((kind = cfg_ipv4_not_unicast(*ip)) != NULL) {
		cfg_err(l, "%s is not a unicast address (%s)", CFG_Q(s), kind);
		return false;
	}
	return true;
}

/** A unicast IPv4 address, stored in network order (0 while bad). */
void
cfg_key_ipv4(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	uint32_t ip;

	if (v != NULL && ipv4_unicast(l, v, &ip))
		*(uint32_t *)((char *)obj + k->off) = ip;
}

/** A unicast, non-zero MAC address (left all zero while bad). */
void
cfg_key_mac(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	uint8_t mac[6];
	const char *s;

	if (v == NULL || !cfg_json_str(l, v, &s))
		return;
	if (netaddr_mac_parse(s, mac) < 0)
		cfg_err(l, "%s is not a MAC address", CFG_Q(s));
	else if (netaddr_mac_is_group(mac))
		cfg_err(l, "%s is a multicast MAC address", CFG_Q(s));
	else if (netaddr_mac_is_zero(mac))
		cfg_err(l, "%s is the zero MAC address", CFG_Q(s));
	else
		memcpy((char *)obj + k->off, mac, sizeof(mac));
}

/** A key that must never be present; k->what says why. */
void
cfg_key_reject(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	(void)obj;
	if (v != NULL)
		cfg_err(l, "%s", k->what);
}

/** A nested object (NULL: absent, its defaults), parsed with k->keys. */
void
cfg_key_object(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	cfg_object(l, v, (char *)obj + k->off, k->keys, CFG_V_ANY);
}

/* Allocate a list's elements and set its count, both at k's offsets. */
static void *
list_alloc(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k, size_t *n)
{
	long nb = cfg_array_size(l, v, k->max);
	void *items;

	if (nb <= 0)
		return NULL;
	items = cfg_calloc(l, (size_t)nb, k->size);
	if (items == NULL)
		return NULL;
	*(void **)((char *)obj + k->off) = items;
	*(unsigned *)((char *)obj + k->off_nb) = (unsigned)nb;
	*n = (size_t)nb;
	return items;
}

/* A list being parsed: its key and its elements. */
struct list_view {
	const struct cfg_key *k;
	const void *items;
};

static int
cmp_strings(unsigned a, unsigned b, const void *arg)
{
	const struct list_view *lv = arg;
	const char *base = lv->items;

	return strcmp(base + a * lv->k->size, base + b * lv->k->size);
}

static int
cmp_ipv4s(unsigned a, unsigned b, const void *arg)
{
	const struct list_view *lv = arg;
	const uint32_t *ips = lv->items;

	return (ips[a] > ips[b]) - (ips[a] < ips[b]);
}

static const char *
fmt_string(const struct list_view *lv, unsigned i, char *buf)
{
	const char *s = (const char *)lv->items + i * lv->k->size;

	return s[0] == '\0' ? NULL : cfg_quote(s, buf, CFG_QUOTE_SIZE);
}

static const char *
fmt_ipv4(const struct list_view *lv, unsigned i, char *buf)
{
	const uint32_t *ips = lv->items;

	return ips[i] == 0 ? NULL : cfg_quote_ip(ips[i], buf, CFG_QUOTE_SIZE);
}

/* Report entries equal to an earlier one of the same list (CFG_K_UNIQUE).
 * @p fmt quotes an entry, or returns NULL for one that did not parse. */
static void
list_unique(struct cfg_load *l, const struct list_view *lv, unsigned n, cfg_cmp_fn cmp,
            const char *(*fmt)(const struct list_view *lv, unsigned i, char *buf))
{
	unsigned *first;

	if (!(lv->k->flags & CFG_K_UNIQUE) || (first = cfg_first_of(l, n, cmp, lv)) == NULL)
		return;
	for (unsigned i = 0; i < n; i++) {
		char buf[CFG_QUOTE_SIZE];
		const char *q = fmt(lv, i, buf);
		size_t mark;

		if (first[i] == i || q == NULL)
			continue;
		mark = cfg_path_index(l, i);
		cfg_err(l, "duplicate %s %s (also %.*s[%u])", lv->k->what, q, (int)mark, l->path,
		        first[i]);
		cfg_path_pop(l, mark);
	}
	free(first);
}

/* Parse a list (NULL: absent): allocate it, then each element with @p elem
 * at its path. @return the elements, NULL when empty or on error. */
static void *
list_parse(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k, size_t *n,
           void (*elem)(struct cfg_load *l, const json_t *e, void *dst, const struct cfg_key *k))
{
	char *items;
	size_t i;
	json_t *e;

	if (v == NULL || (items = list_alloc(l, v, obj, k, n)) == NULL)
		return NULL;
	json_array_foreach (v, i, e) {
		size_t mark = cfg_path_index(l, i);

		elem(l, e, items + i * k->size, k);
		cfg_path_pop(l, mark);
	}
	return items;
}

static void
elem_string(struct cfg_load *l, const json_t *e, void *dst, const struct cfg_key *k)
{
	const char *s;

	if (cfg_json_str(l, e, &s) && string_ok(l, s, k))
		snprintf(dst, k->size, "%s", s);
}

static void
elem_ipv4(struct cfg_load *l, const json_t *e, void *dst, const struct cfg_key *k)
{
	(void)k;
	if (!ipv4_unicast(l, e, dst))
		*(uint32_t *)dst = 0;
}

/** A list of strings, each checked like cfg_key_string(). */
void
cfg_key_strings(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	size_t n = 0;
	char *items = list_parse(l, v, obj, k, &n, elem_string);

	if (items != NULL)
		list_unique(l, &(struct list_view){k, items}, (unsigned)n, cmp_strings, fmt_string);
}

/** A list of unicast IPv4 addresses (network order; 0 while bad). */
void
cfg_key_ipv4s(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	size_t n = 0;
	uint32_t *ips = list_parse(l, v, obj, k, &n, elem_ipv4);

	if (ips != NULL)
		list_unique(l, &(struct list_view){k, ips}, (unsigned)n, cmp_ipv4s, fmt_ipv4);
}

/** Names: of the gateway, ports, tenants, segments, sites, managers. */
bool
cfg_check_name(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	(void)k;
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	    strlen(s))
		return true;
	cfg_err(l, "%s has characters other than A-Z a-z 0-9 . _ -", CFG_Q(s));
	return false;
}

/** Labels: names as another system spells them (any text on one line). */
bool
cfg_check_label(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	(void)k;
	for (const char *p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			cfg_err(l, "%s has a control character", CFG_Q(s));
			return false;
		}
	}
	return true;
}

bool
cfg_check_abspath(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	if (s[0] == '/')
		return cfg_check_label(l, s, k);
	cfg_err(l, "%s is not an absolute path", CFG_Q(s));
	return false;
}

struct first_of {
	cfg_cmp_fn cmp;
	const void *arg;
};

/* Order indexes by element, then by index: equal elements end up
 * adjacent, the first of them in file order leading. */
static int
cmp_first_of(const void *a, const void *b, void *arg)
{
	const struct first_of *f = arg;
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	int r = f->cmp(x, y, f->arg);

	return r != 0 ? r : (x > y) - (x < y);
}

/**
 * Find duplicates in O(n log n): first[i] is the smallest index whose
 * element equals element i (i itself when it is the first or only one).
 * @return the array, to free(); NULL when @p n is 0 or out of memory.
 */
unsigned *
cfg_first_of(struct cfg_load *l, unsigned n, cfg_cmp_fn cmp, const void *arg)
{
	unsigned *order = cfg_calloc(l, n, sizeof(*order));
	unsigned *first = cfg_calloc(l, n, sizeof(*first));

	if (order == NULL || first == NULL) {
		free(order);
		free(first);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_first_of, &(struct first_of){cmp, arg});
	for (unsigned i = 0; i < n; i++) {
		bool same = i > 0 && cmp(order[i - 1], order[i], arg) == 0;

		first[order[i]] = same ? first[order[i - 1]] : order[i];
	}
	free(order);
	return first;
}
