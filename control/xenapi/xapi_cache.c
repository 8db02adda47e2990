/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_cache.c - ref -> record for the classes that say where a MAC is:
 * pool, host, network, PIF, VM, VIF.
 *
 * The cache is what event.from needs: "del" events carry no snapshot, so
 * what was deleted is known only from here, and valid_ref_counts is
 * checked against it. Only the fields that matter are kept, packed in one
 * allocation per record. Every VM is kept (templates, snapshots, control
 * domains too) so that the counts compare.
 *
 * Applying a change never computes bindings; it marks what may have moved:
 * a VIF itself, the VIFs of a VM, or - for a host, network, PIF or pool
 * whose relevant fields changed - everything. xapi_bind.c then recomputes
 * from the resulting state, so the order of events inside a batch (adds
 * and dels come grouped, not in time order) never matters.
 *
 * A VIF names its VM by ref; the VM object it points at may not exist yet
 * (both arrive in one batch, in any order), so a record-less placeholder
 * stands in until the VM's record arrives or the last VIF goes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/netaddr.h"
#include "xapi_private.h"

static const char *const class_names[XAPI_C_NB] = {
        [XAPI_C_POOL] = "pool", [XAPI_C_HOST] = "host", [XAPI_C_NETWORK] = "network",
        [XAPI_C_PIF] = "PIF",   [XAPI_C_VM] = "VM",     [XAPI_C_VIF] = "VIF",
};

const char *
xapi_class_name(enum xapi_class c)
{
	return (unsigned)c < XAPI_C_NB ? class_names[c] : "?";
}

int
xapi_class_parse(const char *s)
{
	for (int i = 0; i < XAPI_C_NB; i++)
		if (strcasecmp(s, class_names[i]) == 0)
			return i;
	return -1;
}

/* ---- hash map ----------------------------------------------------------- */

uint64_t
xapi_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

struct xapi_hnode *
xapi_hmap_find(const struct xapi_hmap *m, const char *key, uint64_t hash)
{
	if (m->nb_buckets == 0)
		return NULL;
	for (struct xapi_hnode *n = m->buckets[hash & (m->nb_buckets - 1)]; n != NULL; n = n->next)
		if (n->hash == hash && strcmp(n->key, key) == 0)
			return n;
	return NULL;
}

static int
hmap_grow(struct xapi_hmap *m)
{
	size_t nb = m->nb_buckets ? m->nb_buckets * 2 : 64;
	struct xapi_hnode **b = calloc(nb, sizeof(*b));

	if (b == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < m->nb_buckets; i++) {
		struct xapi_hnode *n, *next;

		for (n = m->buckets[i]; n != NULL; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nb_buckets = nb;
	return 0;
}

int
xapi_hmap_insert(struct xapi_hmap *m, struct xapi_hnode *n)
{
	size_t i;

	if (m->nb >= m->nb_buckets && hmap_grow(m) < 0 && m->nb_buckets == 0)
		return -ENOMEM; /* a full table still works, only slower */
	i = n->hash & (m->nb_buckets - 1);
	n->next = m->buckets[i];
	m->buckets[i] = n;
	m->nb++;
	return 0;
}

void
xapi_hmap_remove(struct xapi_hmap *m, struct xapi_hnode *n)
{
	struct xapi_hnode **pp = &m->buckets[n->hash & (m->nb_buckets - 1)];

	for (; *pp != NULL; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			m->nb--;
			return;
		}
}

struct xapi_hnode *
xapi_hmap_next(const struct xapi_hmap *m, const struct xapi_hnode *n)
{
	size_t i = 0;

	if (n != NULL) {
		if (n->next != NULL)
			return n->next;
		i = (n->hash & (m->nb_buckets - 1)) + 1;
	}
	for (; i < m->nb_buckets; i++)
		if (m->buckets[i] != NULL)
			return m->buckets[i];
	return NULL;
}

struct xapi_hnode *
xapi_hmap_get(struct xapi_hmap *m, const char *key, size_t size, bool *created)
{
	uint64_t h = xapi_hash(key);
	struct xapi_hnode *n = xapi_hmap_find(m, key, h);

	*created = false;
	if (n != NULL)
		return n;
	n = calloc(1, size);
	if (n == NULL || (n->key = strdup(key)) == NULL) {
		free(n);
		return NULL;
	}
	n->hash = h;
	if (xapi_hmap_insert(m, n) < 0) {
		free((char *)n->key);
		free(n);
		return NULL;
	}
	*created = true;
	return n;
}

void
xapi_hmap_free(struct xapi_hmap *m)
{
	free(m->buckets);
	memset(m, 0, sizeof(*m));
}

/* ---- objects ------------------------------------------------------------- */

struct xapi_cache *
xapi_cache_create(void)
{
	return calloc(1, sizeof(struct xapi_cache));
}

static void
obj_free(struct xapi_obj *o)
{
	free((char *)o->node.key);
	free(o->blob);
	free(o);
}

void
xapi_cache_destroy(struct xapi_cache *c)
{
	if (c == NULL)
		return;
	xapi_bind_forget(c);
	for (int k = 0; k < XAPI_C_NB; k++) {
		struct xapi_hnode *n = xapi_hmap_next(&c->maps[k], NULL), *next;

		for (; n != NULL; n = next) {
			next = xapi_hmap_next(&c->maps[k], n);
			obj_free((struct xapi_obj *)n);
		}
		xapi_hmap_free(&c->maps[k]);
	}
	xapi_hmap_free(&c->reps);
	free(c);
}

struct xapi_obj *
xapi_cache_find(const struct xapi_cache *c, enum xapi_class cls, const char *ref)
{
	return (struct xapi_obj *)xapi_hmap_find(&c->maps[cls], ref, xapi_hash(ref));
}

static struct xapi_obj *
obj_get(struct xapi_cache *c, enum xapi_class cls, const char *ref)
{
	bool created;
	struct xapi_obj *o =
	        (struct xapi_obj *)xapi_hmap_get(&c->maps[cls], ref, sizeof(*o), &created);

	if (o != NULL && created)
		o->cls = cls;
	return o;
}

static void
doom(struct xapi_cache *c, struct xapi_obj *o)
{
	if (o->doomed)
		return;
	o->doomed = true;
	o->gc_next = c->gc;
	c->gc = o;
}

static void
mark_dirty(struct xapi_cache *c, struct xapi_obj *vif)
{
	if (vif->dirty)
		return;
	vif->dirty = true;
	vif->dirty_next = c->dirty;
	c->dirty = vif;
}

static void
dirty_vifs_of(struct xapi_cache *c, struct xapi_obj *vm)
{
	for (struct xapi_obj *v = vm->vifs; v != NULL; v = v->vm_next)
		mark_dirty(c, v);
}

static void
unlink_vif(struct xapi_cache *c, struct xapi_obj *vif)
{
	struct xapi_obj *vm = vif->vm, **pp;

	if (vm == NULL)
		return;
	for (pp = &vm->vifs; *pp != NULL; pp = &(*pp)->vm_next)
		if (*pp == vif) {
			*pp = vif->vm_next;
			break;
		}
	vif->vm = NULL;
	vif->vm_next = NULL;
	if (!vm->has_record && vm->vifs == NULL)
		doom(c, vm);
}

static int
link_vif(struct xapi_cache *c, struct xapi_obj *vif)
{
	const char *want = vif->r.vif.vm;
	struct xapi_obj *vm;

	if (vif->vm != NULL && strcmp(vif->vm->node.key, want) == 0)
		return 0;
	unlink_vif(c, vif);
	if (want[0] == '\0')
		return 0;
	vm = obj_get(c, XAPI_C_VM, want);
	if (vm == NULL)
		return -ENOMEM;
	vif->vm = vm;
	vif->vm_next = vm->vifs;
	vm->vifs = vif;
	return 0;
}

void
xapi_cache_gc(struct xapi_cache *c)
{
	struct xapi_obj *o;

	while ((o = c->gc) != NULL) {
		c->gc = o->gc_next;
		o->doomed = false;
		if (o->has_record || (o->cls == XAPI_C_VM && o->vifs != NULL) ||
		    (o->cls == XAPI_C_VIF && (o->rep != NULL || o->dirty)))
			continue; /* alive again, or still needed */
		if (o->cls == XAPI_C_VIF)
			unlink_vif(c, o); /* may doom a placeholder VM: handled by this loop */
		xapi_hmap_remove(&c->maps[o->cls], &o->node);
		obj_free(o);
	}
}

/* ---- records ------------------------------------------------------------- */

/* Copy @p n strings into one allocation; out[i] point into it. */
static char *
pack(const char *const *in, const char **out, unsigned n)
{
	size_t len = 0, off = 0;
	char *blob;

	for (unsigned i = 0; i < n; i++)
		len += strlen(in[i]) + 1;
	blob = malloc(len);
	if (blob == NULL)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(in[i]) + 1;

		memcpy(blob + off, in[i], l);
		out[i] = blob + off;
		off += l;
	}
	return blob;
}

static enum xapi_power
power_parse(const char *s)
{
	if (strcasecmp(s, "Running") == 0)
		return XAPI_POWER_RUNNING;
	if (strcasecmp(s, "Paused") == 0)
		return XAPI_POWER_PAUSED;
	return XAPI_POWER_OTHER;
}

#define S(name) xapi_get_str(rec, name)

/* Parse the fields we keep into @p o->r and a new blob. */
static int
parse_record(struct xapi_obj *o, const struct xapi_value *rec)
{
	switch (o->cls) {
	case XAPI_C_POOL: {
		const char *in[] = {S("uuid"), S("name_label"), S("master")};

		o->blob = pack(in, &o->r.pool.uuid, 3);
		break;
	}
	case XAPI_C_HOST: {
		const char *in[] = {S("uuid"), S("name_label"), S("hostname"), S("address")};

		o->blob = pack(in, &o->r.host.uuid, 4);
		if (xapi_get_int(rec, "API_version_major", &o->r.host.api_major) < 0)
			o->r.host.api_major = -1;
		if (xapi_get_int(rec, "API_version_minor", &o->r.host.api_minor) < 0)
			o->r.host.api_minor = -1;
		break;
	}
	case XAPI_C_NETWORK: {
		const char *in[] = {S("uuid"), S("name_label")};

		o->blob = pack(in, &o->r.net.uuid, 2);
		break;
	}
	case XAPI_C_PIF: {
		const char *in[] = {S("host"), S("network"), S("IP")};

		o->blob = pack(in, &o->r.pif.host, 3);
		break;
	}
	case XAPI_C_VM: {
		const char *in[] = {S("uuid"), S("name_label"), S("resident_on")};

		o->blob = pack(in, &o->r.vm.uuid, 3);
		o->r.vm.power = power_parse(S("power_state"));
		o->r.vm.is_template = xapi_get_bool(rec, "is_a_template", false);
		o->r.vm.is_snapshot = xapi_get_bool(rec, "is_a_snapshot", false);
		o->r.vm.is_control_domain = xapi_get_bool(rec, "is_control_domain", false);
		break;
	}
	case XAPI_C_VIF: {
		const char *in[] = {S("VM"), S("network")};

		o->blob = pack(in, &o->r.vif.vm, 2);
		o->r.vif.mac_ok = netaddr_mac_parse(S("MAC"), o->r.vif.mac) == 0;
		o->r.vif.attached = xapi_get_bool(rec, "currently_attached", false);
		break;
	}
	case XAPI_C_NB:
		break;
	}
	return o->blob == NULL ? -ENOMEM : 0;
}

#undef S

static bool
is_guest(const struct xapi_obj *vm)
{
	return vm->has_record && !vm->r.vm.is_template && !vm->r.vm.is_snapshot &&
	       !vm->r.vm.is_control_domain;
}

static bool
str_ne(const char *a, const char *b)
{
	return strcmp(a, b) != 0;
}

/* Did a field the bindings depend on change? (host.address does not:
 * it only feeds the failover candidates, rebuilt after every batch.) */
static bool
relevant_change(const struct xapi_obj *o, const struct xapi_obj *n)
{
	switch (o->cls) {
	case XAPI_C_POOL:
		return str_ne(o->r.pool.name_label, n->r.pool.name_label);
	case XAPI_C_HOST:
		return str_ne(o->r.host.name_label, n->r.host.name_label) ||
		       str_ne(o->r.host.hostname, n->r.host.hostname);
	case XAPI_C_NETWORK:
		return str_ne(o->r.net.name_label, n->r.net.name_label) ||
		       str_ne(o->r.net.uuid, n->r.net.uuid);
	case XAPI_C_PIF:
		return str_ne(o->r.pif.host, n->r.pif.host) ||
		       str_ne(o->r.pif.network, n->r.pif.network) ||
		       str_ne(o->r.pif.ip, n->r.pif.ip);
	case XAPI_C_VM:
		return str_ne(o->r.vm.name_label, n->r.vm.name_label) ||
		       str_ne(o->r.vm.resident_on, n->r.vm.resident_on) ||
		       o->r.vm.power != n->r.vm.power ||
		       o->r.vm.is_template != n->r.vm.is_template ||
		       o->r.vm.is_snapshot != n->r.vm.is_snapshot ||
		       o->r.vm.is_control_domain != n->r.vm.is_control_domain;
	case XAPI_C_VIF:
	case XAPI_C_NB:
		return true;
	}
	return true;
}

/* What a new, changed or removed record makes stale. */
static void
mark_changed(struct xapi_cache *c, struct xapi_obj *o)
{
	if (o->cls == XAPI_C_VIF)
		mark_dirty(c, o);
	else if (o->cls == XAPI_C_VM)
		dirty_vifs_of(c, o);
	else
		c->dirty_all = true;
}

static void
drop_record(struct xapi_cache *c, struct xapi_obj *o)
{
	if (!o->has_record)
		return;
	c->nb_guests -= o->cls == XAPI_C_VM && is_guest(o);
	mark_changed(c, o);
	free(o->blob);
	o->blob = NULL;
	memset(&o->r, 0, sizeof(o->r));
	o->has_record = false;
	c->nb_records[o->cls]--;
	doom(c, o);
}

static int
set_record(struct xapi_cache *c, enum xapi_class cls, const char *ref, const struct xapi_value *rec)
{
	struct xapi_obj *o = obj_get(c, cls, ref);
	struct xapi_obj n = {.cls = cls};
	int r;

	if (o == NULL)
		return -ENOMEM;
	o->mark = true;
	r = parse_record(&n, rec);
	if (r < 0) {
		if (!o->has_record)
			doom(c, o);
		return r;
	}
	if (!o->has_record || relevant_change(o, &n))
		mark_changed(c, o);
	if (cls == XAPI_C_VM)
		c->nb_guests -= is_guest(o);
	c->nb_records[cls] += !o->has_record;
	free(o->blob);
	o->blob = n.blob;
	o->r = n.r;
	o->has_record = true;
	if (cls == XAPI_C_VM)
		c->nb_guests += is_guest(o);
	return cls == XAPI_C_VIF ? link_vif(c, o) : 0;
}

int
xapi_cache_load_class(struct xapi_cache *c, enum xapi_class cls, const struct xapi_value *all)
{
	struct xapi_hnode *n, *next;
	int r;

	if (all == NULL || all->type != XAPI_STRUCT)
		return -EBADMSG;
	for (n = xapi_hmap_next(&c->maps[cls], NULL); n != NULL;
	     n = xapi_hmap_next(&c->maps[cls], n))
		((struct xapi_obj *)n)->mark = false;
	for (uint32_t i = 0; i < all->nb; i++) {
		const struct xapi_member *m = &all->u.members[i];

		if (m->v.type != XAPI_STRUCT)
			return -EBADMSG;
		r = set_record(c, cls, m->name, &m->v);
		if (r < 0)
			return r;
	}
	for (n = xapi_hmap_next(&c->maps[cls], NULL); n != NULL; n = next) {
		next = xapi_hmap_next(&c->maps[cls], n);
		if (!((struct xapi_obj *)n)->mark)
			drop_record(c, (struct xapi_obj *)n);
	}
	return 0;
}

/* ---- events -------------------------------------------------------------- */

static int
apply_event(struct xapi_cache *c, const struct xapi_value *ev, struct xapi_batch_result *res)
{
	int cls = xapi_class_parse(xapi_get_str(ev, "class"));
	const char *op = xapi_get_str(ev, "operation");
	const char *ref = xapi_get_str(ev, "ref");
	const struct xapi_value *snap;
	struct xapi_obj *o;

	if (cls < 0 || ref[0] == '\0')
		return 0; /* a class we did not ask for, or nothing to act on */
	if (strcmp(op, "del") == 0) {
		/* No snapshot: what it was is what the cache says. */
		o = xapi_cache_find(c, cls, ref);
		if (o != NULL)
			drop_record(c, o);
		return 0;
	}
	if (strcmp(op, "add") != 0 && strcmp(op, "mod") != 0)
		return 0;
	snap = xapi_member(ev, "snapshot");
	if (snap == NULL || snap->type != XAPI_STRUCT) {
		/* xapi drops the snapshot of an object that vanished while the
		 * batch was built: only a refetch tells what is true. */
		res->refetch[cls] = true;
		return 0;
	}
	return set_record(c, cls, ref, snap);
}

int
xapi_cache_apply_events(struct xapi_cache *c, const struct xapi_value *batch,
                        struct xapi_batch_result *res)
{
	const struct xapi_value *events = xapi_member(batch, "events");
	const struct xapi_value *counts = xapi_member(batch, "valid_ref_counts");
	const struct xapi_value *token = xapi_member(batch, "token");
	int r;

	memset(res, 0, sizeof(*res));
	if (events == NULL || events->type != XAPI_ARRAY || token == NULL ||
	    token->type != XAPI_STRING || token->nb >= sizeof(res->token))
		return -EBADMSG;
	snprintf(res->token, sizeof(res->token), "%s", token->u.s);
	for (uint32_t i = 0; i < events->nb; i++) {
		if (events->u.items[i].type != XAPI_STRUCT)
			return -EBADMSG;
		r = apply_event(c, &events->u.items[i], res);
		if (r < 0)
			return r;
	}
	res->nb_events = events->nb;
	/* The server counts every object of each class it holds; so do we. A
	 * difference means an event was lost: refetch that class. */
	for (uint32_t i = 0; counts != NULL && counts->type == XAPI_STRUCT && i < counts->nb; i++) {
		const struct xapi_member *m = &counts->u.members[i];
		int cls = xapi_class_parse(m->name);
		int64_t n;

		if (cls >= 0 && xapi_value_int(&m->v, &n) == 0 && n != c->nb_records[cls])
			res->refetch[cls] = true;
	}
	return 0;
}

/* ---- lookups ------------------------------------------------------------- */

uint32_t
xapi_cache_count(const struct xapi_cache *c, enum xapi_class cls)
{
	return c->nb_records[cls];
}

uint32_t
xapi_cache_nb_guests(const struct xapi_cache *c)
{
	return c->nb_guests;
}

int
xapi_cache_pool(const struct xapi_cache *c, struct xapi_pool_view *out)
{
	for (struct xapi_hnode *n = xapi_hmap_next(&c->maps[XAPI_C_POOL], NULL); n != NULL;
	     n = xapi_hmap_next(&c->maps[XAPI_C_POOL], n)) {
		const struct xapi_obj *o = (const struct xapi_obj *)n;

		if (!o->has_record)
			continue;
		out->uuid = o->r.pool.uuid;
		out->name_label = o->r.pool.name_label;
		out->master = o->r.pool.master;
		return 0;
	}
	return -ENOENT;
}

static void
host_view(const struct xapi_obj *o, struct xapi_host_view *out)
{
	out->uuid = o->r.host.uuid;
	out->name_label = o->r.host.name_label;
	out->hostname = o->r.host.hostname;
	out->address = o->r.host.address;
	out->api_major = o->r.host.api_major;
	out->api_minor = o->r.host.api_minor;
}

int
xapi_cache_host(const struct xapi_cache *c, const char *ref, struct xapi_host_view *out)
{
	const struct xapi_obj *o = xapi_cache_find(c, XAPI_C_HOST, ref);

	if (o == NULL || !o->has_record)
		return -ENOENT;
	host_view(o, out);
	return 0;
}

void
xapi_cache_foreach_host(const struct xapi_cache *c,
                        void (*fn)(void *arg, const struct xapi_host_view *h), void *arg)
{
	for (struct xapi_hnode *n = xapi_hmap_next(&c->maps[XAPI_C_HOST], NULL); n != NULL;
	     n = xapi_hmap_next(&c->maps[XAPI_C_HOST], n)) {
		const struct xapi_obj *o = (const struct xapi_obj *)n;
		struct xapi_host_view v;

		if (!o->has_record)
			continue;
		host_view(o, &v);
		fn(arg, &v);
	}
}
