/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_parse.c - JSON -> struct cfg, first half: the top level and the
 * network sections (gateway, ports, tenants and their segments, fdb).
 * The control-plane sections are in cfg_parse_ctl.c.
 *
 * Each section is a table of struct cfg_key: the table is the schema, and
 * docs/configuration.md follows it key by key. Rules that involve two keys
 * of one object are checked right after the object; rules across objects
 * wait for cfg_check.c.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_private.h"
#include "common/netaddr.h"

static const char *const port_roles[] = {"access", "underlay", NULL};

static const struct cfg_key gateway_keys[] = {
        {"name", CFG_KEY_NAME(struct cfg_gateway, name)},
        {"vtep_ip", cfg_key_ipv4, CFG_FIELD(struct cfg_gateway, vtep_ip), .required = CFG_V_ANY},
        {"udp_port", cfg_key_uint, CFG_FIELD(struct cfg_gateway, udp_port), .min = 1, .max = 65535,
         .def = 4789},
        {"ttl", cfg_key_uint, CFG_FIELD(struct cfg_gateway, ttl), .min = 1, .max = 255, .def = 64},
        {"tos", cfg_key_uint, CFG_FIELD(struct cfg_gateway, tos), .min = 0, .max = 255, .def = 0},
        {"site", cfg_key_string, CFG_FIELD(struct cfg_gateway, site), .check = cfg_check_name},
        {NULL},
};

/* "ip": "192.0.2.1/24", the underlay port's address and on-link prefix. */
static void
port_ip(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg_port *p = obj;
	const char *s, *kind;
	uint32_t ip, host;
	uint8_t len;

	(void)k;
	if (v == NULL || !cfg_json_str(l, v, &s))
		return;
	if (netaddr_ipv4_prefix_parse(s, &ip, &len) < 0 || len == 0) {
		cfg_err(l, "%s is not an IPv4 prefix like \"192.0.2.1/24\" (length 1..32)",
		        CFG_Q(s));
		return;
	}
	if ((kind = cfg_ipv4_not_unicast(ip)) != NULL) {
		cfg_err(l, "%s is not a unicast address (%s)", CFG_Q(s), kind);
		return;
	}
	/* /31 (RFC 3021) and /32 have no network or broadcast address. */
	host = ip & ~cfg_mask(len);
	if (len <= 30 && (host == 0 || host == ~cfg_mask(len))) {
		cfg_err(l, "%s is the %s address of its prefix, not a host address", CFG_Q(s),
		        host == 0 ? "network" : "broadcast");
		return;
	}
	p->ip = ip;
	p->prefix_len = len;
}

static void
port_mac(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg_port *p = obj;

	cfg_key_mac(l, v, obj, k);
	p->has_mac = !netaddr_mac_is_zero(p->mac);
}

static const struct cfg_key neighbor_keys[] = {
        {"ip", cfg_key_ipv4, CFG_FIELD(struct cfg_neighbor, ip), .required = CFG_V_ANY},
        {"mac", cfg_key_mac, CFG_FIELD(struct cfg_neighbor, mac), .required = CFG_V_ANY},
        {NULL},
};

static void
neighbor_item(struct cfg_load *l, const json_t *v, void *item, unsigned i)
{
	(void)i;
	cfg_object(l, v, item, neighbor_keys, CFG_V_ANY);
}

/* "neighbors": [{"ip": ..., "mac": ...}], static ARP entries. */
static void
port_neighbors(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg_port *p = obj;

	(void)k;
	if (v == NULL)
		return;
	p->neighbors = cfg_items(l, v, CFG_MAX_NEIGHBORS, sizeof(*p->neighbors), &p->nb_neighbors,
	                         neighbor_item);
}

static const struct cfg_key port_keys[] = {
        {"name", CFG_KEY_NAME(struct cfg_port, name)},
        {"role", cfg_key_enum, CFG_FIELD(struct cfg_port, role), .choices = port_roles,
         .required = CFG_V_ANY},
        {"device", cfg_key_string, CFG_FIELD(struct cfg_port, device), .check = cfg_check_label,
         .required = CFG_V_ANY},
        {"mtu", cfg_key_uint, CFG_FIELD(struct cfg_port, mtu), .min = 1280, .max = 9216,
         .def = 1500},
        {"rx_desc", cfg_key_uint, CFG_FIELD(struct cfg_port, rx_desc), .min = 64, .max = 32768,
         .def = 1024, .flags = CFG_K_POW2},
        {"tx_desc", cfg_key_uint, CFG_FIELD(struct cfg_port, tx_desc), .min = 64, .max = 32768,
         .def = 1024, .flags = CFG_K_POW2},
        {"ip", port_ip, .required = CFG_V_UNDERLAY, .only = CFG_V_UNDERLAY},
        {"next_hop", cfg_key_ipv4, CFG_FIELD(struct cfg_port, next_hop), .only = CFG_V_UNDERLAY},
        {"mac", port_mac, CFG_FIELD(struct cfg_port, mac), .only = CFG_V_UNDERLAY},
        {"neighbors", port_neighbors, .only = CFG_V_UNDERLAY},
        {NULL},
};

/* The next hop must be a neighbour on the underlay prefix, and not us. */
static void
port_next_hop(struct cfg_load *l, const struct cfg_port *p)
{
	size_t mark;

	if (p->prefix_len == 0 || p->next_hop == 0)
		return;
	mark = cfg_path_key(l, "next_hop");
	if (p->next_hop == p->ip)
		cfg_err(l, "%s is the port's own address", CFG_QIP(p->next_hop));
	else if (!netaddr_ipv4_same_subnet(p->next_hop, p->ip, p->prefix_len))
		cfg_err(l, "%s is outside the underlay prefix %s", CFG_QIP(p->next_hop),
		        CFG_PFX(p->ip, p->prefix_len));
	cfg_path_pop(l, mark);
}

/* Static neighbours are on the underlay prefix, not us, each address once. */
static void
port_neighbors_check(struct cfg_load *l, const struct cfg_port *p)
{
	size_t mark, mark_i;

	if (p->prefix_len == 0 || p->nb_neighbors == 0)
		return;
	mark = cfg_path_key(l, "neighbors");
	for (unsigned i = 0; i < p->nb_neighbors; i++) {
		uint32_t ip = p->neighbors[i].ip;

		if (ip == 0)
			continue; /* already reported */
		mark_i = cfg_path_index(l, i);
		cfg_path_key(l, "ip");
		if (ip == p->ip)
			cfg_err(l, "%s is the port's own address", CFG_QIP(ip));
		else if (!netaddr_ipv4_same_subnet(ip, p->ip, p->prefix_len))
			cfg_err(l, "%s is outside the underlay prefix %s", CFG_QIP(ip),
			        CFG_PFX(p->ip, p->prefix_len));
		for (unsigned j = 0; j < i; j++) {
			if (p->neighbors[j].ip == ip) {
				cfg_err(l, "duplicate neighbor %s (also neighbors[%u])",
				        CFG_QIP(ip), j);
				break;
			}
		}
		cfg_path_pop(l, mark_i);
	}
	cfg_path_pop(l, mark);
}

static void
port_item(struct cfg_load *l, const json_t *v, void *item, unsigned i)
{
	static const unsigned variants[] = {CFG_V_ACCESS, CFG_V_UNDERLAY};
	struct cfg_port *p = item;
	int role = cfg_peek_choice(v, "role", port_roles);
	unsigned nb_errors = l->nb_errors;

	cfg_object(l, v, p, port_keys, CFG_V_ANY | (role >= 0 ? variants[role] : 0));
	if (role == CFG_PORT_UNDERLAY) {
		port_next_hop(l, p);
		port_neighbors_check(l, p);
	}
	l->port_role_ok[i] = role >= 0;
	l->port_clean[i] = l->nb_errors == nb_errors;
}

static void
sec_ports(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg *c = obj;

	(void)k;
	l->ports_ok = json_is_array(v) && json_array_size(v) <= CFG_MAX_PORTS;
	l->port_role_ok = cfg_calloc(l, json_array_size(v), sizeof(*l->port_role_ok));
	l->port_clean = cfg_calloc(l, json_array_size(v), sizeof(*l->port_clean));
	c->ports = cfg_items(l, v, CFG_MAX_PORTS, sizeof(*c->ports), &c->nb_ports, port_item);
}

/* "vlan": 1..4094 or "untagged" (CFG_VLAN_BAD until parsed). */
static void
seg_vlan(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg_segment *s = obj;
	json_int_t x;

	(void)k;
	if (json_is_string(v) && strcmp(json_string_value(v), "untagged") == 0) {
		s->vlan = CFG_VLAN_UNTAGGED;
	} else if (json_is_string(v)) {
		cfg_err(l, "%s is not a VLAN: expected 1..4094 or \"untagged\"",
		        CFG_Q(json_string_value(v)));
	} else if (!json_is_integer(v)) {
		cfg_err(l, "expected an integer or \"untagged\"");
	} else if ((x = json_integer_value(v)) < 1 || x > 4094) {
		cfg_err(l, "%lld is out of range 1..4094", (long long)x);
	} else {
		s->vlan = (uint16_t)x;
	}
}

/* "port": an access port, by name; resolved to an index at the end. */
static void
seg_port(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	static const struct cfg_key name = {"port", cfg_key_string, .size = CFG_NAME_MAX,
	                                    .check = cfg_check_name};
	unsigned s = (unsigned)((struct cfg_segment *)obj - l->c->segments);

	(void)k;
	cfg_key_string(l, v, l->seg_port[s], &name);
}

static const struct cfg_key segment_keys[] = {
        {"name", CFG_KEY_NAME(struct cfg_segment, name)},
        {"vni", cfg_key_uint, CFG_FIELD(struct cfg_segment, vni), .min = 1, .max = CFG_VNI_MAX,
         .required = CFG_V_ANY},
        {"port", seg_port, .required = CFG_V_ANY},
        {"vlan", seg_vlan, .required = CFG_V_ANY},
        {"flood", cfg_key_ipv4s, CFG_LIST(struct cfg_segment, flood, nb_flood), .what = "VTEP",
         .flags = CFG_K_UNIQUE},
        /* Unique across every segment: cfg_check.c. */
        {"networks", cfg_key_strings, CFG_LIST(struct cfg_segment, networks, nb_networks),
         .check = cfg_check_label, .what = "network"},
        /* 0 = not given: limits.ageing_s, once known (cfg_resolve()). */
        {"ageing_s", cfg_key_uint, CFG_FIELD(struct cfg_segment, ageing_s), .min = 10,
         .max = 1000000, .def = 0},
        {"mac_limit", cfg_key_uint, CFG_FIELD(struct cfg_segment, mac_limit), .min = 0,
         .max = 16777216, .def = 0},
        {"flood_rate_pps", cfg_key_uint, CFG_FIELD(struct cfg_segment, flood_rate_pps), .min = 0,
         .max = 100000000, .def = 100000},
        {NULL},
};

static void
segment_item(struct cfg_load *l, const json_t *v, void *item, unsigned i)
{
	struct cfg_segment *s = item;

	(void)i;
	cfg_object(l, v, s, segment_keys, CFG_V_ANY);
}

/* A tenant's segments go to the next slots of c->segments, so that each
 * tenant's are contiguous. */
static void
tenant_segments(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg_tenant *t = obj;
	long n;

	(void)k;
	if ((n = cfg_array_size(l, v, 0)) <= 0)
		return;
	if (l->seg_next + (size_t)n > l->c->nb_segments)
		return; /* out of memory in sec_tenants() */
	t->first_segment = l->seg_next;
	t->nb_segments = (unsigned)n;
	l->seg_next += (unsigned)n;
	for (unsigned s = t->first_segment; s < l->seg_next; s++) {
		l->c->segments[s].tenant = l->cur_tenant;
		l->c->segments[s].vlan = CFG_VLAN_BAD;
	}
	cfg_array_items(l, v, &l->c->segments[t->first_segment], sizeof(struct cfg_segment),
	                segment_item);
}

static const struct cfg_key tenant_keys[] = {
        {"name", CFG_KEY_NAME(struct cfg_tenant, name)},
        {"segments", tenant_segments, .required = CFG_V_ANY},
        {NULL},
};

static void
tenant_item(struct cfg_load *l, const json_t *v, void *item, unsigned i)
{
	l->cur_tenant = i;
	cfg_object(l, v, item, tenant_keys, CFG_V_ANY);
}

/* Segments in the tenants' "segments" arrays, to size c->segments. */
static size_t
count_segments(const json_t *tenants)
{
	size_t i, n = 0;
	json_t *t;

	json_array_foreach (tenants, i, t) {
		const json_t *s = json_object_get(t, "segments");

		n += json_is_array(s) ? json_array_size(s) : 0;
	}
	return n;
}

static void
sec_tenants(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg *c = obj;
	size_t nb_segs = count_segments(v);

	(void)k;
	c->segments = cfg_calloc(l, nb_segs, sizeof(*c->segments));
	l->seg_port = cfg_calloc(l, nb_segs, sizeof(*l->seg_port));
	if (l->oom)
		return;
	c->nb_segments = (unsigned)nb_segs;
	c->tenants = cfg_items(l, v, 0, sizeof(*c->tenants), &c->nb_tenants, tenant_item);
}

static const struct cfg_key fdb_keys[] = {
        {"vni", cfg_key_uint, CFG_FIELD(struct cfg_fdb, vni), .min = 1, .max = CFG_VNI_MAX,
         .required = CFG_V_ANY},
        {"mac", cfg_key_mac, CFG_FIELD(struct cfg_fdb, mac), .required = CFG_V_ANY},
        {"vtep", cfg_key_ipv4, CFG_FIELD(struct cfg_fdb, vtep), .required = CFG_V_ANY},
        {NULL},
};

static void
fdb_item(struct cfg_load *l, const json_t *v, void *item, unsigned i)
{
	(void)i;
	cfg_object(l, v, item, fdb_keys, CFG_V_ANY);
}

static void
sec_fdb(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg *c = obj;

	(void)k;
	c->fdb = cfg_items(l, v, 0, sizeof(*c->fdb), &c->nb_fdb, fdb_item);
}

static const struct cfg_key top_keys[] = {
        {"gateway", cfg_key_object, .off = offsetof(struct cfg, gateway), .keys = gateway_keys,
         .required = CFG_V_ANY},
        {"ports", sec_ports, .required = CFG_V_ANY},
        {"tenants", sec_tenants},
        {"fdb", sec_fdb},
        {"sites", cfg_sec_sites},
        {"hosts", cfg_sec_hosts},
        {"managers", cfg_sec_managers},
        {"limits", cfg_key_object, .off = offsetof(struct cfg, limits), .keys = cfg_limits_keys},
        {"dataplane", cfg_key_object, .off = offsetof(struct cfg, dataplane),
         .keys = cfg_dataplane_keys},
        {"control", cfg_key_object, .off = offsetof(struct cfg, control), .keys = cfg_control_keys},
        {"telemetry", cfg_key_object, .off = offsetof(struct cfg, telemetry),
         .keys = cfg_telemetry_keys},
        {"log", cfg_key_object, .off = offsetof(struct cfg, log), .keys = cfg_log_keys},
        {NULL},
};

/** Parse the whole document into l->c. */
void
cfg_parse(struct cfg_load *l, const json_t *root)
{
	cfg_object(l, root, l->c, top_keys, CFG_V_ANY);
}
