/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_bind.c - from cached records to bindings, and the updates that
 * tell the control thread what changed.
 *
 * A VIF's MAC is present when the VIF is currently_attached, its VM is a
 * guest (not a template, snapshot or control domain) that is Running or
 * Paused, and the VM's resident_on is a host we know. The binding names
 * the network by name_label (network_alt = uuid), the host by name_label
 * (hostname when the label is empty), the pool by name_label, and - with
 * transport_network set - the host's VTEP as the IP of its PIF on that
 * network.
 *
 * The control thread keys bindings by (network, MAC). What we reported is
 * kept per key with the VIFs that produce it, so that two VIFs with one MAC
 * (a clone started twice, a VM half-way through a cross-pool move) do not
 * withdraw each other: the first one is reported, the next takes over when
 * it goes. A VIF whose binding did not change posts nothing; a live
 * migration changes only the host, so it is one UPSERT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "xapi_private.h"

struct xapi_rep {
	struct xapi_hnode node; /* key "<mac>\n<network label>", owned */
	struct xapi_obj *vifs;  /* contributors, linked by rep_next */
	struct xapi_obj *owner; /* whose binding was posted; NULL = none */
	uint64_t sent;          /* digest of what was posted */
	uint8_t mac[6];
	const char *network; /* in the key */
};

struct update_ctx {
	struct xapi_cache *c;
	const struct xapi_bind_conf *bc;
	uint64_t recv_ns;
	int nb_posted;
	int err;
};

static struct log_rl dup_rl = LOG_RL_INIT(5, 60);
static struct log_rl vtep_rl = LOG_RL_INIT(5, 300);

static bool
vif_binding(const struct xapi_cache *c, const struct xapi_obj *vif, struct src_binding *b)
{
	const struct xapi_obj *vm = vif->vm, *host, *net;
	struct xapi_pool_view pool;

	if (!vif->has_record || !vif->r.vif.attached || !vif->r.vif.mac_ok ||
	    netaddr_mac_is_zero(vif->r.vif.mac) || netaddr_mac_is_group(vif->r.vif.mac))
		return false;
	if (vm == NULL || !vm->has_record || vm->r.vm.is_template || vm->r.vm.is_snapshot ||
	    vm->r.vm.is_control_domain ||
	    (vm->r.vm.power != XAPI_POWER_RUNNING && vm->r.vm.power != XAPI_POWER_PAUSED))
		return false;
	host = xapi_cache_find(c, XAPI_C_HOST, vm->r.vm.resident_on);
	net = xapi_cache_find(c, XAPI_C_NETWORK, vif->r.vif.network);
	if (host == NULL || !host->has_record || net == NULL || !net->has_record)
		return false;
	memset(b, 0, sizeof(*b));
	memcpy(b->mac, vif->r.vif.mac, 6);
	snprintf(b->network, sizeof(b->network), "%s", net->r.net.name_label);
	snprintf(b->network_alt, sizeof(b->network_alt), "%s", net->r.net.uuid);
	snprintf(b->host, sizeof(b->host), "%s",
	         host->r.host.name_label[0] ? host->r.host.name_label : host->r.host.hostname);
	if (xapi_cache_pool(c, &pool) == 0)
		snprintf(b->cluster, sizeof(b->cluster), "%s", pool.name_label);
	b->host_vtep = host->vtep;
	snprintf(b->vm, sizeof(b->vm), "%s", vm->r.vm.name_label);
	return true;
}

static uint64_t
digest(const struct src_binding *b)
{
	const char *fields[] = {b->network, b->network_alt, b->host, b->cluster, b->vm};
	uint64_t h = 14695981039346656037ull;

	for (int i = 0; i < 6; i++)
		h = (h ^ b->mac[i]) * 1099511628211ull;
	for (int i = 0; i < 4; i++)
		h = (h ^ ((b->host_vtep >> (8 * i)) & 0xff)) * 1099511628211ull;
	for (unsigned f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		for (const char *p = fields[f]; *p != '\0'; p++)
			h = (h ^ (uint8_t)*p) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull; /* field separator */
	}
	return h;
}

static void
make_key(const struct src_binding *b, char *key, size_t size)
{
	char mac[NETADDR_MAC_STRLEN];

	snprintf(key, size, "%s\n%s", netaddr_mac_fmt(b->mac, mac, sizeof(mac)), b->network);
}

static void
post(struct update_ctx *u, enum src_op op, const struct src_binding *b)
{
	struct src_update up = {.op = op, .src_id = u->bc->src_id, .recv_ns = u->recv_ns};

	if (b != NULL)
		up.b = *b;
	if (src_queue_post(u->bc->q, &up) < 0)
		u->err = -ENOMEM;
	else if (op == SRC_OP_UPSERT || op == SRC_OP_WITHDRAW)
		u->nb_posted++;
}

static void
withdraw(struct update_ctx *u, const struct xapi_rep *rep)
{
	struct src_binding b = {0};

	memcpy(b.mac, rep->mac, 6);
	snprintf(b.network, sizeof(b.network), "%s", rep->network);
	post(u, SRC_OP_WITHDRAW, &b);
}

static void
rep_free(struct xapi_cache *c, struct xapi_rep *rep)
{
	xapi_hmap_remove(&c->reps, &rep->node);
	free((char *)rep->node.key);
	free(rep);
}

static struct xapi_rep *
rep_get(struct xapi_cache *c, const char *key, const uint8_t mac[6])
{
	bool created;
	struct xapi_rep *rep =
	        (struct xapi_rep *)xapi_hmap_get(&c->reps, key, sizeof(*rep), &created);

	if (rep != NULL && created) {
		memcpy(rep->mac, mac, 6);
		rep->network = strchr(rep->node.key, '\n') + 1;
	}
	return rep;
}

static void
take_over(struct update_ctx *u, struct xapi_rep *rep, struct xapi_obj *vif,
          const struct src_binding *b, uint64_t d)
{
	bool changed = rep->owner != vif || rep->sent != d;

	rep->owner = vif;
	rep->sent = d;
	if (changed)
		post(u, SRC_OP_UPSERT, b);
}

static void
join(struct update_ctx *u, struct xapi_obj *vif, const char *key, const struct src_binding *b,
     uint64_t d)
{
	struct xapi_rep *rep = rep_get(u->c, key, b->mac);

	if (rep == NULL) {
		u->err = -ENOMEM;
		return;
	}
	vif->rep = rep;
	vif->digest = d;
	vif->rep_next = rep->vifs;
	rep->vifs = vif;
	if (rep->owner == NULL) {
		take_over(u, rep, vif, b, d);
		return;
	}
	LOG_WARN_RL(&dup_rl, xapi,
	            "%s: MAC %.17s on network %s: VIF %s duplicates VIF %s; "
	            "reporting the first",
	            u->bc->name, key, rep->network, vif->node.key, rep->owner->node.key);
}

/* @p vif has left @p rep; hand the key to another VIF or withdraw it. */
static void
settle(struct update_ctx *u, struct xapi_rep *rep, bool was_owner)
{
	struct src_binding b;
	char key[CFG_LABEL_MAX + 32];

	if (was_owner) {
		rep->owner = NULL;
		for (struct xapi_obj *v = rep->vifs; v != NULL; v = v->rep_next) {
			if (!vif_binding(u->c, v, &b))
				continue;
			make_key(&b, key, sizeof(key));
			if (strcmp(key, rep->node.key) != 0)
				continue;
			v->digest = digest(&b);
			if (rep->sent != v->digest)
				post(u, SRC_OP_UPSERT, &b);
			rep->owner = v;
			rep->sent = v->digest;
			break;
		}
		if (rep->owner == NULL)
			withdraw(u, rep);
	}
	if (rep->vifs == NULL)
		rep_free(u->c, rep);
}

static void
leave(struct xapi_obj *vif)
{
	struct xapi_obj **pp;

	for (pp = &vif->rep->vifs; *pp != NULL; pp = &(*pp)->rep_next)
		if (*pp == vif) {
			*pp = vif->rep_next;
			break;
		}
	vif->rep = NULL;
	vif->rep_next = NULL;
}

static void
update_vif(struct update_ctx *u, struct xapi_obj *vif)
{
	struct xapi_rep *old = vif->rep;
	struct src_binding b;
	char key[CFG_LABEL_MAX + 32];
	bool has = vif_binding(u->c, vif, &b), was_owner;
	uint64_t d = 0;

	if (has) {
		make_key(&b, key, sizeof(key));
		d = digest(&b);
	}
	if (has && old != NULL && strcmp(old->node.key, key) == 0) {
		vif->digest = d;
		if (old->owner == NULL || (old->owner == vif && old->sent != d))
			take_over(u, old, vif, &b, d);
		return;
	}
	was_owner = old != NULL && old->owner == vif;
	if (old != NULL)
		leave(vif);
	if (has)
		join(u, vif, key, &b, d);
	if (old != NULL)
		settle(u, old, was_owner);
}

/* The VTEP of each host: the IP of its PIF on the transport network. */
static void
compute_vteps(struct xapi_cache *c, const struct xapi_bind_conf *bc)
{
	const struct xapi_hmap *hosts = &c->maps[XAPI_C_HOST], *pifs = &c->maps[XAPI_C_PIF];
	const char *tn = bc->transport_network;
	struct xapi_hnode *n;

	for (n = xapi_hmap_next(hosts, NULL); n != NULL; n = xapi_hmap_next(hosts, n))
		((struct xapi_obj *)n)->vtep = 0;
	if (tn == NULL || tn[0] == '\0')
		return;
	for (n = xapi_hmap_next(pifs, NULL); n != NULL; n = xapi_hmap_next(pifs, n)) {
		const struct xapi_obj *pif = (const struct xapi_obj *)n, *net;
		struct xapi_obj *host;
		uint32_t ip;

		if (!pif->has_record)
			continue;
		net = xapi_cache_find(c, XAPI_C_NETWORK, pif->r.pif.network);
		if (net == NULL || !net->has_record ||
		    (strcmp(net->r.net.name_label, tn) != 0 && strcmp(net->r.net.uuid, tn) != 0))
			continue;
		host = xapi_cache_find(c, XAPI_C_HOST, pif->r.pif.host);
		/* A bond's members have no IP: the bond PIF has it. */
		if (host != NULL && host->vtep == 0 && netaddr_ipv4_parse(pif->r.pif.ip, &ip) == 0)
			host->vtep = ip;
	}
	for (n = xapi_hmap_next(hosts, NULL); n != NULL; n = xapi_hmap_next(hosts, n)) {
		const struct xapi_obj *h = (const struct xapi_obj *)n;

		if (h->has_record && h->vtep == 0)
			LOG_WARN_RL(&vtep_rl, xapi,
			            "%s: host %s has no IPv4 address on transport network %s",
			            bc->name, h->r.host.name_label, tn);
	}
}

int
xapi_bind_update(struct xapi_cache *c, const struct xapi_bind_conf *bc, bool full, uint64_t recv_ns)
{
	struct update_ctx u = {.c = c, .bc = bc, .recv_ns = recv_ns};
	const struct xapi_hmap *vifs = &c->maps[XAPI_C_VIF];
	struct xapi_obj *o;

	if (full) {
		xapi_bind_forget(c);
		post(&u, SRC_OP_SYNC_BEGIN, NULL);
	}
	if (full || c->dirty_all) {
		compute_vteps(c, bc);
		for (struct xapi_hnode *n = xapi_hmap_next(vifs, NULL); n != NULL;
		     n = xapi_hmap_next(vifs, n))
			update_vif(&u, (struct xapi_obj *)n);
	}
	while ((o = c->dirty) != NULL) {
		c->dirty = o->dirty_next;
		o->dirty = false;
		if (!full && !c->dirty_all)
			update_vif(&u, o);
	}
	c->dirty_all = false;
	if (full)
		post(&u, SRC_OP_SYNC_END, NULL);
	xapi_cache_gc(c);
	return u.err < 0 ? u.err : u.nb_posted;
}

uint32_t
xapi_bind_count(const struct xapi_cache *c)
{
	uint32_t nb = 0;

	for (struct xapi_hnode *n = xapi_hmap_next(&c->reps, NULL); n != NULL;
	     n = xapi_hmap_next(&c->reps, n))
		nb += ((const struct xapi_rep *)n)->owner != NULL;
	return nb;
}

void
xapi_bind_forget(struct xapi_cache *c)
{
	struct xapi_hnode *n, *next;

	for (n = xapi_hmap_next(&c->reps, NULL); n != NULL; n = next) {
		struct xapi_rep *rep = (struct xapi_rep *)n;

		next = xapi_hmap_next(&c->reps, n);
		for (struct xapi_obj *v = rep->vifs, *vn; v != NULL; v = vn) {
			vn = v->rep_next;
			v->rep = NULL;
			v->rep_next = NULL;
		}
		rep_free(c, rep);
	}
}
