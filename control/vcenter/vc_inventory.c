/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_inventory.c - the source's view of the inventory (VMs, hosts,
 * networks, clusters) and the bindings it has posted.
 *
 * An UpdateSet is applied in order to the cache first; only then is every
 * VM it touched evaluated once and its bindings diffed against what was
 * posted for it. That way a VM created and modified in the same set, or a
 * page of the initial sync that lists VMs before their hosts, costs one
 * evaluation per VM, and a change of a host, network or cluster (rare)
 * re-evaluates every VM: cheap next to the XML it came in.
 *
 * A binding exists for each NIC that has a MAC, a standard or distributed
 * portgroup backing and is connected, of a VM that is not powered off
 * (suspended VMs keep their MACs: they resume where they were) and runs on
 * a known host. Its identity is (network, MAC), as for the control thread:
 * a NIC moving to another portgroup is a WITHDRAW then an UPSERT; anything
 * else that changes (host, cluster, VM name, DVPG name) is one UPSERT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "vc_private.h"

struct entry {
	struct entry *next;
	char ref[VC_MOREF_MAX];
};

struct table {
	struct entry **buckets;
	size_t nb_buckets; /* power of two */
	size_t nb;
};

enum power { POWER_UNKNOWN, POWER_ON, POWER_OFF, POWER_SUSPENDED };

/* A posted binding: its identity, and a digest of the rest. */
struct post {
	uint8_t mac[6];
	char network[CFG_LABEL_MAX];
	uint64_t sig;
};

struct vm {
	struct entry e;
	char name[CFG_LABEL_MAX];
	char host[VC_MOREF_MAX];
	enum power power;
	struct vc_nic *nics;
	unsigned nb_nics;
	struct post *posted;
	unsigned nb_posted;
	bool dirty;
	bool gone; /* left the inventory while queued for evaluation */
	struct vm *dirty_next;
};

struct host {
	struct entry e;
	char name[CFG_LABEL_MAX];
	struct vc_moref parent;
};

struct net {
	struct entry e;
	bool dvpg;
	char name[CFG_LABEL_MAX];
	char key[CFG_LABEL_MAX];
};

struct cluster {
	struct entry e;
	char name[CFG_LABEL_MAX];
};

struct vc_inv {
	struct src_queue *q;
	uint16_t src_id;
	char name[CFG_NAME_MAX];
	struct table vms, hosts, nets, clusters;
	struct vm *dirty;
	uint32_t nb_macs;
	uint64_t recv_ns;
	struct src_binding *want; /* scratch: one VM's bindings */
	uint64_t *want_sig;
	unsigned want_cap;
};

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull; /* field separator */
}

static struct entry **
table_slot(const struct table *t, const char *ref)
{
	struct entry **pp = &t->buckets[fnv1a(0xcbf29ce484222325ull, ref) & (t->nb_buckets - 1)];

	while (*pp != NULL && strcmp((*pp)->ref, ref) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void *
table_find(const struct table *t, const char *ref)
{
	return t->nb_buckets ? *table_slot(t, ref) : NULL;
}

static int
table_grow(struct table *t)
{
	size_t n = t->nb_buckets ? t->nb_buckets * 2 : 64;
	struct entry **b = calloc(n, sizeof(*b));
	struct table nt = {b, n, 0};

	if (b == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < t->nb_buckets; i++) {
		for (struct entry *e = t->buckets[i], *next; e != NULL; e = next) {
			struct entry **slot = table_slot(&nt, e->ref);

			next = e->next;
			e->next = NULL;
			*slot = e;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nb_buckets = n;
	return 0;
}

/* Find or create the entry for @p ref (zeroed, @p size bytes). */
static void *
table_get(struct table *t, const char *ref, size_t size, bool *created)
{
	struct entry *e = table_find(t, ref);

	*created = false;
	if (e != NULL)
		return e;
	if (t->nb >= t->nb_buckets && table_grow(t) < 0)
		return NULL;
	e = calloc(1, size);
	if (e == NULL)
		return NULL;
	snprintf(e->ref, sizeof(e->ref), "%s", ref);
	*table_slot(t, ref) = e;
	t->nb++;
	*created = true;
	return e;
}

static void *
table_unlink(struct table *t, const char *ref)
{
	struct entry **pp, *e;

	if (t->nb_buckets == 0)
		return NULL;
	pp = table_slot(t, ref);
	e = *pp;
	if (e != NULL) {
		*pp = e->next;
		t->nb--;
	}
	return e;
}

static void
vm_free(struct vm *vm)
{
	free(vm->nics);
	free(vm->posted);
	free(vm);
}

static void
table_clear(struct table *t, bool vms)
{
	for (size_t i = 0; i < t->nb_buckets; i++) {
		for (struct entry *e = t->buckets[i], *next; e != NULL; e = next) {
			next = e->next;
			if (vms)
				vm_free((struct vm *)e);
			else
				free(e);
		}
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

struct vc_inv *
vc_inv_create(struct src_queue *q, uint16_t src_id, const char *name)
{
	struct vc_inv *inv = calloc(1, sizeof(*inv));

	if (inv == NULL)
		return NULL;
	inv->q = q;
	inv->src_id = src_id;
	snprintf(inv->name, sizeof(inv->name), "%s", name);
	return inv;
}

void
vc_inv_reset(struct vc_inv *inv)
{
	table_clear(&inv->vms, true);
	table_clear(&inv->hosts, false);
	table_clear(&inv->nets, false);
	table_clear(&inv->clusters, false);
	inv->dirty = NULL;
	inv->nb_macs = 0;
}

void
vc_inv_destroy(struct vc_inv *inv)
{
	if (inv == NULL)
		return;
	vc_inv_reset(inv);
	free(inv->want);
	free(inv->want_sig);
	free(inv);
}

void
vc_inv_counts(const struct vc_inv *inv, struct vc_inv_counts *c)
{
	c->nb_vms = (uint32_t)inv->vms.nb;
	c->nb_hosts = (uint32_t)inv->hosts.nb;
	c->nb_networks = (uint32_t)inv->nets.nb;
	c->nb_clusters = (uint32_t)inv->clusters.nb;
	c->nb_macs = inv->nb_macs;
}

static int
post(struct vc_inv *inv, enum src_op op, const struct src_binding *b)
{
	struct src_update u = {.op = op, .src_id = inv->src_id, .recv_ns = inv->recv_ns};
	int r;

	if (b != NULL)
		u.b = *b;
	r = src_queue_post(inv->q, &u);
	if (r < 0)
		LOG_ERR(vc, "%s: cannot post an update: %s", inv->name, strerror(-r));
	return r;
}

int
vc_inv_post_op(struct vc_inv *inv, enum src_op op, uint64_t recv_ns)
{
	inv->recv_ns = recv_ns;
	return post(inv, op, NULL);
}

static void
mark_dirty(struct vc_inv *inv, struct vm *vm)
{
	if (vm->dirty)
		return;
	vm->dirty = true;
	vm->dirty_next = inv->dirty;
	inv->dirty = vm;
}

static void
mark_all_dirty(struct vc_inv *inv)
{
	for (size_t i = 0; i < inv->vms.nb_buckets; i++)
		for (struct entry *e = inv->vms.buckets[i]; e != NULL; e = e->next)
			mark_dirty(inv, (struct vm *)e);
}

/* Withdraw everything posted for @p vm. */
static void
withdraw_all(struct vc_inv *inv, struct vm *vm)
{
	struct src_binding b;

	for (unsigned i = 0; i < vm->nb_posted; i++) {
		memset(&b, 0, sizeof(b));
		memcpy(b.mac, vm->posted[i].mac, 6);
		snprintf(b.network, sizeof(b.network), "%s", vm->posted[i].network);
		post(inv, SRC_OP_WITHDRAW, &b);
	}
	inv->nb_macs -= vm->nb_posted;
	free(vm->posted);
	vm->posted = NULL;
	vm->nb_posted = 0;
}

static int
vm_set(struct vm *vm, const struct vc_change *ch)
{
	struct vc_nic *nics = NULL;

	switch (ch->prop) {
	case VC_PROP_NAME:
		snprintf(vm->name, sizeof(vm->name), "%s", ch->unset ? "" : ch->str);
		break;
	case VC_PROP_RUNTIME_HOST:
		snprintf(vm->host, sizeof(vm->host), "%s", ch->unset ? "" : ch->ref.value);
		break;
	case VC_PROP_POWER:
		vm->power = ch->unset                            ? POWER_UNKNOWN
		            : strcmp(ch->str, "poweredOn") == 0  ? POWER_ON
		            : strcmp(ch->str, "poweredOff") == 0 ? POWER_OFF
		            : strcmp(ch->str, "suspended") == 0  ? POWER_SUSPENDED
		                                                 : POWER_UNKNOWN;
		break;
	case VC_PROP_DEVICES:
		/* On ENOMEM keep the old NICs rather than withdraw them all. */
		if (!ch->unset && ch->nb_nics > 0) {
			nics = malloc(ch->nb_nics * sizeof(*nics));
			if (nics == NULL)
				return -ENOMEM;
			memcpy(nics, ch->nics, ch->nb_nics * sizeof(*nics));
		}
		free(vm->nics);
		vm->nics = nics;
		vm->nb_nics = nics != NULL ? ch->nb_nics : 0;
		break;
	default:
		break;
	}
	return 0;
}

static int
apply_vm(struct vc_inv *inv, const struct vc_obj_update *ou)
{
	struct vm *vm;
	bool created;

	if (ou->kind == VC_OBJ_LEAVE) {
		vm = table_unlink(&inv->vms, ou->obj.value);
		if (vm == NULL)
			return 0;
		withdraw_all(inv, vm);
		if (vm->dirty)
			vm->gone = true; /* freed when the dirty list is drained */
		else
			vm_free(vm);
		return 0;
	}
	vm = table_get(&inv->vms, ou->obj.value, sizeof(*vm), &created);
	if (vm == NULL)
		return -ENOMEM;
	if (ou->kind == VC_OBJ_ENTER && !created) {
		/* Re-entering: its properties come whole again. */
		vm->name[0] = vm->host[0] = '\0';
		vm->power = POWER_UNKNOWN;
		free(vm->nics);
		vm->nics = NULL;
		vm->nb_nics = 0;
	}
	mark_dirty(inv, vm);
	for (unsigned i = 0; i < ou->nb_changes; i++)
		if (vm_set(vm, &ou->changes[i]) < 0)
			return -ENOMEM;
	return 0;
}

static void
other_set(struct entry *e, const char *type, const struct vc_change *ch)
{
	const char *s = ch->unset ? "" : ch->str;

	if (strcmp(type, "HostSystem") == 0) {
		struct host *h = (struct host *)e;

		if (ch->prop == VC_PROP_NAME)
			snprintf(h->name, sizeof(h->name), "%s", s);
		else if (ch->prop == VC_PROP_PARENT && ch->unset)
			memset(&h->parent, 0, sizeof(h->parent));
		else if (ch->prop == VC_PROP_PARENT)
			h->parent = ch->ref;
	} else if (strcmp(type, "ClusterComputeResource") == 0) {
		if (ch->prop == VC_PROP_NAME)
			snprintf(((struct cluster *)e)->name, CFG_LABEL_MAX, "%s", s);
	} else {
		struct net *n = (struct net *)e;

		n->dvpg = strcmp(type, "DistributedVirtualPortgroup") == 0;
		if (ch->prop == VC_PROP_NAME)
			snprintf(n->name, sizeof(n->name), "%s", s);
		else if (ch->prop == VC_PROP_KEY)
			snprintf(n->key, sizeof(n->key), "%s", s);
	}
}

/* Hosts, networks and clusters. @return 1 if it changed anything. */
static int
apply_other(struct vc_inv *inv, const struct vc_obj_update *ou)
{
	const char *type = ou->obj.type;
	struct table *t;
	struct entry *e;
	size_t size;
	bool created;

	if (strcmp(type, "HostSystem") == 0) {
		t = &inv->hosts, size = sizeof(struct host);
	} else if (strcmp(type, "ClusterComputeResource") == 0) {
		t = &inv->clusters, size = sizeof(struct cluster);
	} else if (strcmp(type, "Network") == 0 ||
	           strcmp(type, "DistributedVirtualPortgroup") == 0) {
		t = &inv->nets, size = sizeof(struct net);
	} else {
		return 0; /* not watched */
	}
	if (ou->kind == VC_OBJ_LEAVE) {
		free(table_unlink(t, ou->obj.value));
		return 1;
	}
	e = table_get(t, ou->obj.value, size, &created);
	if (e == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < ou->nb_changes; i++)
		other_set(e, type, &ou->changes[i]);
	return 1;
}

static const char *
dvpg_name(const struct vc_inv *inv, const char *key)
{
	const struct net *n = table_find(&inv->nets, key);

	/* vCenter's DVPG keys are their moref values; scan if not. */
	if (n != NULL && n->dvpg && (n->key[0] == '\0' || strcmp(n->key, key) == 0))
		return n->name;
	for (size_t i = 0; i < inv->nets.nb_buckets; i++)
		for (const struct entry *e = inv->nets.buckets[i]; e != NULL; e = e->next)
			if (((const struct net *)e)->dvpg &&
			    strcmp(((const struct net *)e)->key, key) == 0)
				return ((const struct net *)e)->name;
	return "";
}

/* Network label and alternative name of a NIC; false if it has none. */
static bool
nic_network(const struct vc_inv *inv, const struct vc_nic *nic, struct src_binding *b)
{
	if (nic->backing == VC_BACKING_DVPORT) {
		snprintf(b->network, sizeof(b->network), "%s", nic->network);
		snprintf(b->network_alt, sizeof(b->network_alt), "%s",
		         dvpg_name(inv, nic->network));
	} else if (nic->backing == VC_BACKING_NETWORK) {
		const struct net *n = table_find(&inv->nets, nic->net_ref);
		const char *nname = n != NULL ? n->name : "";

		snprintf(b->network, sizeof(b->network), "%s",
		         nic->network[0] != '\0' ? nic->network : nname);
		if (strcmp(nname, b->network) != 0)
			snprintf(b->network_alt, sizeof(b->network_alt), "%s", nname);
	} else {
		return false;
	}
	return b->network[0] != '\0';
}

static int
want_reserve(struct vc_inv *inv, unsigned n)
{
	struct src_binding *w;
	uint64_t *s;

	if (n <= inv->want_cap)
		return 0;
	w = realloc(inv->want, n * sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	inv->want = w;
	s = realloc(inv->want_sig, n * sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	inv->want_sig = s;
	inv->want_cap = n;
	return 0;
}

static bool
nic_counts(const struct vc_nic *nic)
{
	return nic->connected && !netaddr_mac_is_zero(nic->mac) && !netaddr_mac_is_group(nic->mac);
}

/* The bindings @p vm should have now, into inv->want. @return how many. */
static unsigned
vm_want(struct vc_inv *inv, const struct vm *vm)
{
	const struct host *h = vm->host[0] ? table_find(&inv->hosts, vm->host) : NULL;
	const struct cluster *c = NULL;
	unsigned n = 0;

	if (vm->power == POWER_OFF || h == NULL || h->name[0] == '\0')
		return 0;
	if (strcmp(h->parent.type, "ClusterComputeResource") == 0)
		c = table_find(&inv->clusters, h->parent.value);
	for (unsigned i = 0; i < vm->nb_nics; i++) {
		struct src_binding *b = &inv->want[n];
		bool dup = false;

		memset(b, 0, sizeof(*b));
		if (!nic_counts(&vm->nics[i]) || !nic_network(inv, &vm->nics[i], b))
			continue;
		for (unsigned j = 0; j < n && !dup; j++)
			dup = memcmp(inv->want[j].mac, vm->nics[i].mac, 6) == 0 &&
			      strcmp(inv->want[j].network, b->network) == 0;
		if (dup)
			continue;
		memcpy(b->mac, vm->nics[i].mac, 6);
		snprintf(b->host, sizeof(b->host), "%s", h->name);
		snprintf(b->cluster, sizeof(b->cluster), "%s", c != NULL ? c->name : "");
		snprintf(b->vm, sizeof(b->vm), "%s", vm->name);
		inv->want_sig[n] =
		        fnv1a(fnv1a(fnv1a(fnv1a(0xcbf29ce484222325ull, b->network_alt), b->host),
		                    b->cluster),
		              b->vm);
		n++;
	}
	return n;
}

static bool
same_id(const struct post *p, const struct src_binding *b)
{
	return memcmp(p->mac, b->mac, 6) == 0 && strcmp(p->network, b->network) == 0;
}

/* Diff what @p vm should have against what was posted; post the changes. */
static int
vm_evaluate(struct vc_inv *inv, struct vm *vm)
{
	struct post *posted = NULL;
	unsigned n;

	if (want_reserve(inv, vm->nb_nics) < 0)
		return -ENOMEM;
	n = vm_want(inv, vm);
	if (n > 0 && (posted = calloc(n, sizeof(*posted))) == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < vm->nb_posted; i++) {
		bool kept = false;

		for (unsigned j = 0; j < n && !kept; j++)
			kept = same_id(&vm->posted[i], &inv->want[j]);
		if (!kept) {
			struct src_binding b = {0};

			memcpy(b.mac, vm->posted[i].mac, 6);
			snprintf(b.network, sizeof(b.network), "%s", vm->posted[i].network);
			post(inv, SRC_OP_WITHDRAW, &b);
		}
	}
	for (unsigned j = 0; j < n; j++) {
		const struct post *old = NULL;

		for (unsigned i = 0; i < vm->nb_posted && old == NULL; i++)
			if (same_id(&vm->posted[i], &inv->want[j]))
				old = &vm->posted[i];
		if (old == NULL || old->sig != inv->want_sig[j])
			post(inv, SRC_OP_UPSERT, &inv->want[j]);
		memcpy(posted[j].mac, inv->want[j].mac, 6);
		snprintf(posted[j].network, sizeof(posted[j].network), "%s", inv->want[j].network);
		posted[j].sig = inv->want_sig[j];
	}
	inv->nb_macs = inv->nb_macs - vm->nb_posted + n;
	free(vm->posted);
	vm->posted = posted;
	vm->nb_posted = n;
	return 0;
}

int
vc_inv_apply(struct vc_inv *inv, const struct vc_update_set *us, uint64_t recv_ns)
{
	bool all = false;
	int r = 0;

	inv->recv_ns = recv_ns;
	for (unsigned i = 0; i < us->nb_objs && r >= 0; i++) {
		const struct vc_obj_update *ou = &us->objs[i];

		if (strcmp(ou->obj.type, "VirtualMachine") == 0) {
			r = apply_vm(inv, ou);
		} else {
			r = apply_other(inv, ou);
			all = all || r > 0;
		}
	}
	if (all)
		mark_all_dirty(inv);
	/* Drain even after an error: the dirty list must not outlive a VM. */
	while (inv->dirty != NULL) {
		struct vm *vm = inv->dirty;

		inv->dirty = vm->dirty_next;
		vm->dirty = false;
		vm->dirty_next = NULL;
		if (vm->gone)
			vm_free(vm);
		else if (r >= 0)
			r = vm_evaluate(inv, vm);
	}
	return r < 0 ? r : 0;
}
