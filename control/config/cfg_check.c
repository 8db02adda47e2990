/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_check.c - the rules across objects (duplicates, references between
 * sections, reachability of remote VTEPs, table limits), then resolving
 * names into indexes.
 *
 * cfg_check() only reads the draft, and runs even after parse errors so
 * that one run reports everything: values that did not parse are at their
 * sentinels (cfg_private.h) and are skipped. Duplicates are found by
 * sorting (cfg_first_of()), because an FDB may hold a million entries.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_private.h"
#include "common/netaddr.h"

static const char *pathf(char *buf, size_t size, const char *fmt, ...) VTEP_PRINTF(3, 4);

static const char *
pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

#define PATHF(...) pathf((char[CFG_PATH_SIZE]){0}, CFG_PATH_SIZE, __VA_ARGS__)

/* "tenants[1].segments[0]" */
static const char *
seg_path(const struct cfg *c, unsigned s, char *buf)
{
	const struct cfg_segment *seg = &c->segments[s];

	return pathf(buf, CFG_PATH_SIZE, "tenants[%u].segments[%u]", seg->tenant,
	             s - c->tenants[seg->tenant].first_segment);
}

#define SEG_PATH(c, s) seg_path((c), (s), (char[CFG_PATH_SIZE]){0})

struct name_view {
	const char *base; /* the first name */
	size_t stride;    /* from one name to the next */
};

static int
cmp_names(unsigned a, unsigned b, const void *arg)
{
	const struct name_view *v = arg;

	return strcmp(v->base + a * v->stride, v->base + b * v->stride);
}

/* Report names (at @p off in each of @p n items) used twice in a list. */
static void
check_unique(struct cfg_load *l, const void *items, unsigned n, size_t stride, size_t off,
             const char *list, const char *key)
{
	struct name_view v;
	unsigned *first;

	if (n == 0) /* items may be NULL: no arithmetic on it */
		return;
	v = (struct name_view){(const char *)items + off, stride};
	if ((first = cfg_first_of(l, n, cmp_names, &v)) == NULL)
		return;
	for (unsigned i = 0; i < n; i++) {
		const char *s = v.base + i * stride;

		if (s[0] != '\0' && first[i] != i)
			cfg_err_at(l, PATHF("%s[%u].%s", list, i, key),
			           "duplicate %s %s (also %s[%u])", key, CFG_Q(s), list, first[i]);
	}
	free(first);
}

#define CHECK_UNIQUE(l, arr, n, field, list)                                                       \
	check_unique((l), (arr), (n), sizeof(*(arr)), offsetof(__typeof__(*(arr)), field), (list), \
	             #field)

static void
check_ports(struct cfg_load *l)
{
	const struct cfg *c = l->c;
	unsigned nb_access = 0, nb_underlay = 0;

	CHECK_UNIQUE(l, c->ports, c->nb_ports, name, "ports");
	CHECK_UNIQUE(l, c->ports, c->nb_ports, device, "ports");
	if (!l->ports_ok)
		return;
	for (unsigned i = 0; i < c->nb_ports; i++) {
		if (!l->port_role_ok[i])
			return; /* counting without it would mislead */
		nb_access += c->ports[i].role == CFG_PORT_ACCESS;
		nb_underlay += c->ports[i].role == CFG_PORT_UNDERLAY;
	}
	if (nb_underlay == 0)
		cfg_err_at(l, "ports", "no underlay port (exactly one is needed)");
	else if (nb_underlay > 1)
		cfg_err_at(l, "ports", "%u underlay ports, exactly one is supported", nb_underlay);
	if (nb_access == 0)
		cfg_err_at(l, "ports", "no access port (at least one is needed)");
}

static int
cmp_vni(unsigned a, unsigned b, const void *arg)
{
	const struct cfg_segment *s = arg;

	return (s[a].vni > s[b].vni) - (s[a].vni < s[b].vni);
}

/* A port and a VLAN: where a segment meets the local data center. */
static int
cmp_attach(unsigned a, unsigned b, const void *arg)
{
	const struct cfg_load *l = arg;
	int r = strcmp(l->seg_port[a], l->seg_port[b]);
	unsigned va = l->c->segments[a].vlan, vb = l->c->segments[b].vlan;

	return r != 0 ? r : (va > vb) - (va < vb);
}

/* VNIs are global; (port, VLAN) pairs belong to one segment each. */
static void
check_segment_keys(struct cfg_load *l)
{
	const struct cfg *c = l->c;
	unsigned *vni = cfg_first_of(l, c->nb_segments, cmp_vni, c->segments);
	unsigned *att = cfg_first_of(l, c->nb_segments, cmp_attach, l);

	for (unsigned s = 0; vni != NULL && att != NULL && s < c->nb_segments; s++) {
		const struct cfg_segment *seg = &c->segments[s];
		const char *port = l->seg_port[s];

		if (seg->vni != 0 && vni[s] != s)
			cfg_err_at(l, PATHF("%s.vni", SEG_PATH(c, s)), "duplicate VNI %u (also %s)",
			           seg->vni, SEG_PATH(c, vni[s]));
		if (port[0] == '\0' || seg->vlan == CFG_VLAN_BAD || att[s] == s)
			continue;
		if (seg->vlan == CFG_VLAN_UNTAGGED)
			cfg_err_at(l, PATHF("%s.vlan", SEG_PATH(c, s)),
			           "port %s untagged already belongs to %s", CFG_Q(port),
			           SEG_PATH(c, att[s]));
		else
			cfg_err_at(l, PATHF("%s.vlan", SEG_PATH(c, s)),
			           "port %s and VLAN %u already belong to %s", CFG_Q(port),
			           seg->vlan, SEG_PATH(c, att[s]));
	}
	free(vni);
	free(att);
}

/* A segment's port exists and faces the local data center. */
static void
check_segment_ports(struct cfg_load *l)
{
	const struct cfg *c = l->c;

	for (unsigned s = 0; s < c->nb_segments; s++) {
		const char *name = l->seg_port[s];
		int p;

		if (name[0] == '\0')
			continue;
		p = cfg_port_by_name(c, name);
		if (p < 0)
			cfg_err_at(l, PATHF("%s.port", SEG_PATH(c, s)),
			           "%s is not a configured port", CFG_Q(name));
		else if (l->port_role_ok[p] && c->ports[p].role == CFG_PORT_UNDERLAY)
			cfg_err_at(l, PATHF("%s.port", SEG_PATH(c, s)),
			           "must be an access port, %s is an underlay port", CFG_Q(name));
	}
}

struct net_ref {
	const char *name;
	unsigned seg, i;
};

static int
cmp_net_refs(unsigned a, unsigned b, const void *arg)
{
	const struct net_ref *r = arg;

	return strcmp(r[a].name, r[b].name);
}

/* A manager's network maps to one segment, or bindings would be
 * ambiguous. */
static void
check_networks(struct cfg_load *l)
{
	const struct cfg *c = l->c;
	struct net_ref *refs;
	unsigned *first, n = 0;

	for (unsigned s = 0; s < c->nb_segments; s++)
		n += c->segments[s].nb_networks;
	if ((refs = cfg_calloc(l, n, sizeof(*refs))) == NULL)
		return;
	n = 0;
	for (unsigned s = 0; s < c->nb_segments; s++)
		for (unsigned i = 0; i < c->segments[s].nb_networks; i++)
			refs[n++] = (struct net_ref){c->segments[s].networks[i], s, i};
	first = cfg_first_of(l, n, cmp_net_refs, refs);
	for (unsigned k = 0; first != NULL && k < n; k++) {
		const struct net_ref *r = &refs[k], *f = &refs[first[k]];

		if (r->name[0] == '\0' || first[k] == k)
			continue;
		cfg_err_at(l, PATHF("%s.networks[%u]", SEG_PATH(c, r->seg), r->i),
		           "duplicate network %s (also %s.networks[%u])", CFG_Q(r->name),
		           SEG_PATH(c, f->seg), f->i);
	}
	free(first);
	free(refs);
}

static void
check_tenants(struct cfg_load *l)
{
	const struct cfg *c = l->c;

	CHECK_UNIQUE(l, c->tenants, c->nb_tenants, name, "tenants");
	for (unsigned t = 0; t < c->nb_tenants; t++) {
		const struct cfg_tenant *tn = &c->tenants[t];

		if (tn->nb_segments > 0)
			CHECK_UNIQUE(l, c->segments + tn->first_segment, tn->nb_segments, name,
			             PATHF("tenants[%u].segments", t));
	}
	check_segment_keys(l);
	check_segment_ports(l);
	check_networks(l);
	if (c->limits.segments_max != 0 && c->nb_segments > c->limits.segments_max)
		cfg_err_at(l, "tenants", "%u segments, more than limits.segments_max (%u)",
		           c->nb_segments, c->limits.segments_max);
}

/* The underlay port, if there is exactly one and it parsed cleanly. */
static const struct cfg_port *
underlay(const struct cfg_load *l)
{
	const struct cfg_port *u = NULL;

	for (unsigned i = 0; i < l->c->nb_ports; i++) {
		if (l->port_role_ok[i] && l->c->ports[i].role == CFG_PORT_UNDERLAY) {
			if (u != NULL || !l->port_clean[i])
				return NULL;
			u = &l->c->ports[i];
		}
	}
	return u;
}

/* A remote VTEP is not us, and we can reach it: on the underlay prefix,
 * or through the underlay's next hop. */
static void
check_vtep(struct cfg_load *l, const char *path, uint32_t ip)
{
	const struct cfg_port *u = underlay(l);

	if (ip == 0)
		return;
	if (ip == l->c->gateway.vtep_ip)
		cfg_err_at(l, path, "%s is this gateway's own vtep_ip", CFG_QIP(ip));
	else if (u != NULL && ip == u->ip)
		cfg_err_at(l, path, "%s is the underlay port's own address", CFG_QIP(ip));
	else if (u != NULL && u->next_hop == 0 &&
	         !netaddr_ipv4_same_subnet(ip, u->ip, u->prefix_len))
		cfg_err_at(l, path,
		           "%s is off-link (outside %s) and the underlay port has no next_hop",
		           CFG_QIP(ip), CFG_PFX(u->ip, u->prefix_len));
}

static bool
own_site(const struct cfg *c, const struct cfg_site *s)
{
	return c->gateway.site[0] != '\0' && strcmp(c->gateway.site, s->name) == 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Distinct remote VTEPs (each has a table entry and a header template). */
static void
check_vteps_max(struct cfg_load *l, uint32_t *ips, unsigned n)
{
	unsigned distinct = 0;

	if (l->c->limits.vteps_max == 0 || n <= l->c->limits.vteps_max)
		return;
	qsort(ips, n, sizeof(*ips), cmp_u32);
	for (unsigned i = 0; i < n; i++)
		distinct += i == 0 || ips[i] != ips[i - 1];
	if (distinct > l->c->limits.vteps_max)
		cfg_err_at(l, "limits.vteps_max", "%u remote VTEPs are configured, more than %u",
		           distinct, l->c->limits.vteps_max);
}

/* Every remote VTEP: flood lists, static FDB, other sites, hosts. */
static void
check_vteps(struct cfg_load *l)
{
	const struct cfg *c = l->c;
	unsigned n = c->nb_fdb + c->nb_sites + c->nb_hosts, k = 0;
	uint32_t *ips;

	for (unsigned s = 0; s < c->nb_segments; s++)
		n += c->segments[s].nb_flood;
	if ((ips = cfg_calloc(l, n, sizeof(*ips))) == NULL)
		return;
	for (unsigned s = 0; s < c->nb_segments; s++) {
		for (unsigned i = 0; i < c->segments[s].nb_flood; i++) {
			ips[k++] = c->segments[s].flood[i];
			check_vtep(l, PATHF("%s.flood[%u]", SEG_PATH(c, s), i),
			           c->segments[s].flood[i]);
		}
	}
	for (unsigned i = 0; i < c->nb_fdb; i++) {
		ips[k++] = c->fdb[i].vtep;
		check_vtep(l, PATHF("fdb[%u].vtep", i), c->fdb[i].vtep);
	}
	for (unsigned i = 0; i < c->nb_sites; i++) {
		if (own_site(c, &c->sites[i]))
			continue;
		ips[k++] = c->sites[i].vtep;
		check_vtep(l, PATHF("sites[%u].vtep", i), c->sites[i].vtep);
	}
	for (unsigned i = 0; i < c->nb_hosts; i++) {
		ips[k++] = c->hosts[i].vtep;
		check_vtep(l, PATHF("hosts[%u].vtep", i), c->hosts[i].vtep);
	}
	check_vteps_max(l, ips, k);
	free(ips);
}

static int
cmp_fdb(unsigned a, unsigned b, const void *arg)
{
	const struct cfg_fdb *f = arg;

	if (f[a].vni != f[b].vni)
		return f[a].vni > f[b].vni ? 1 : -1;
	return memcmp(f[a].mac, f[b].mac, sizeof(f[a].mac));
}

static void
check_fdb(struct cfg_load *l)
{
	const struct cfg *c = l->c;
	uint32_t *vnis = cfg_calloc(l, c->nb_segments, sizeof(*vnis));
	unsigned *first = cfg_first_of(l, c->nb_fdb, cmp_fdb, c->fdb);

	for (unsigned s = 0; vnis != NULL && s < c->nb_segments; s++)
		vnis[s] = c->segments[s].vni;
	if (vnis != NULL)
		qsort(vnis, c->nb_segments, sizeof(*vnis), cmp_u32);
	for (unsigned i = 0; first != NULL && i < c->nb_fdb; i++) {
		const struct cfg_fdb *f = &c->fdb[i];
		char mac[NETADDR_MAC_STRLEN];

		if (f->vni != 0 && (vnis == NULL || !bsearch(&f->vni, vnis, c->nb_segments,
		                                             sizeof(*vnis), cmp_u32)))
			cfg_err_at(l, PATHF("fdb[%u].vni", i), "%u is not a configured VNI",
			           f->vni);
		if (f->vni != 0 && !netaddr_mac_is_zero(f->mac) && first[i] != i)
			cfg_err_at(l, PATHF("fdb[%u].mac", i),
			           "duplicate MAC %s in VNI %u (also fdb[%u])",
			           CFG_Q(netaddr_mac_fmt(f->mac, mac, sizeof(mac))), f->vni,
			           first[i]);
	}
	if (c->limits.fdb_max != 0 && c->nb_fdb > c->limits.fdb_max)
		cfg_err_at(l, "fdb", "%u entries, more than limits.fdb_max (%u)", c->nb_fdb,
		           c->limits.fdb_max);
	free(first);
	free(vnis);
}

static void
check_sites(struct cfg_load *l)
{
	const struct cfg *c = l->c;
	bool found = c->gateway.site[0] == '\0';

	CHECK_UNIQUE(l, c->sites, c->nb_sites, name, "sites");
	for (unsigned i = 0; i < c->nb_sites; i++) {
		const struct cfg_site *s = &c->sites[i];

		found = found || own_site(c, s);
		/* The own site's hosts are local: it needs no VTEP. */
		if (s->name[0] != '\0' && !own_site(c, s) && !l->site_vtep_given[i])
			cfg_err_at(l, PATHF("sites[%u].vtep", i), "missing required key");
	}
	if (!found)
		cfg_err_at(l, "gateway.site", "%s is not a configured site",
		           CFG_Q(c->gateway.site));
}

/** Every rule across objects; reports and goes on. */
void
cfg_check(struct cfg_load *l)
{
	const struct cfg *c = l->c;

	check_ports(l);
	check_tenants(l);
	check_fdb(l);
	check_sites(l);
	CHECK_UNIQUE(l, c->hosts, c->nb_hosts, name, "hosts");
	CHECK_UNIQUE(l, c->managers, c->nb_managers, name, "managers");
	check_vteps(l);
}

/** Names -> indexes, derived defaults. Only for a draft without errors. */
void
cfg_resolve(struct cfg_load *l)
{
	struct cfg *c = l->c;

	for (unsigned s = 0; s < c->nb_segments; s++) {
		struct cfg_segment *seg = &c->segments[s];

		seg->port = (unsigned)cfg_port_by_name(c, l->seg_port[s]);
		if (seg->ageing_s == 0)
			seg->ageing_s = c->limits.ageing_s;
	}
	for (unsigned i = 0; i < c->nb_sites; i++)
		if (own_site(c, &c->sites[i]))
			c->sites[i].vtep = 0;
}
