/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_print.c - the resolved configuration as JSON, every default
 * explicit, in the schema's order, loadable again (tests check that the
 * round trip gives an equal configuration).
 *
 * Written straight to the stream, without building a Jansson tree: it
 * cannot fail half-way for lack of memory. Optional strings that are unset
 * ("" in struct cfg) are left out, since "" is not a valid value for them.
 */
#include <stdio.h>
#include <string.h>

#include "cfg_private.h"
#include "common/netaddr.h"

#define PR_DEPTH_MAX 8

struct pr {
	FILE *out;
	unsigned depth;
	bool empty[PR_DEPTH_MAX]; /* nothing printed yet at this depth */
};

/* Start a member (with @p key) or an array element (NULL key). */
static void
pr_item(struct pr *p, const char *key)
{
	if (p->depth > 0) {
		fputs(p->empty[p->depth] ? "\n" : ",\n", p->out);
		p->empty[p->depth] = false;
	}
	fprintf(p->out, "%*s", (int)p->depth * 2, "");
	if (key != NULL)
		fprintf(p->out, "\"%s\": ", key);
}

static void
pr_open(struct pr *p, const char *key, char bracket)
{
	pr_item(p, key);
	fputc(bracket, p->out);
	p->depth++;
	p->empty[p->depth] = true;
}

static void
pr_close(struct pr *p, char bracket)
{
	bool empty = p->empty[p->depth];

	p->depth--;
	if (!empty)
		fprintf(p->out, "\n%*s", (int)p->depth * 2, "");
	fputc(bracket, p->out);
}

/* A JSON string; the loader refused control characters, but escape them
 * anyway: the output must parse whatever the struct holds. */
static void
pr_str(struct pr *p, const char *key, const char *s)
{
	pr_item(p, key);
	fputc('"', p->out);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(p->out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(p->out, "\\u%04x", ch);
		else
			fputc(ch, p->out);
	}
	fputc('"', p->out);
}

static void
pr_opt_str(struct pr *p, const char *key, const char *s)
{
	if (s[0] != '\0')
		pr_str(p, key, s);
}

static void
pr_uint(struct pr *p, const char *key, unsigned long v)
{
	pr_item(p, key);
	fprintf(p->out, "%lu", v);
}

static void
pr_bool(struct pr *p, const char *key, bool v)
{
	pr_item(p, key);
	fputs(v ? "true" : "false", p->out);
}

static void
pr_ip(struct pr *p, const char *key, uint32_t ip)
{
	char buf[NETADDR_IPV4_STRLEN];

	pr_str(p, key, netaddr_ipv4_fmt(ip, buf, sizeof(buf)));
}

static void
pr_mac(struct pr *p, const char *key, const uint8_t mac[6])
{
	char buf[NETADDR_MAC_STRLEN];

	pr_str(p, key, netaddr_mac_fmt(mac, buf, sizeof(buf)));
}

/* An array of @p n strings, @p size bytes apart. */
static void
pr_strs(struct pr *p, const char *key, const void *items, unsigned n, size_t size)
{
	pr_open(p, key, '[');
	for (unsigned i = 0; i < n; i++)
		pr_str(p, NULL, (const char *)items + i * size);
	pr_close(p, ']');
}

/* An array of objects, each printed by @p fn between braces. */
static void
pr_array(struct pr *p, const char *key, const struct cfg *c, const void *items, unsigned n,
         size_t size, void (*fn)(struct pr *p, const struct cfg *c, const void *item))
{
	pr_open(p, key, '[');
	for (unsigned i = 0; i < n; i++) {
		pr_open(p, NULL, '{');
		fn(p, c, (const char *)items + i * size);
		pr_close(p, '}');
	}
	pr_close(p, ']');
}

static void
pr_gateway(struct pr *p, const struct cfg_gateway *g)
{
	pr_open(p, "gateway", '{');
	pr_str(p, "name", g->name);
	pr_ip(p, "vtep_ip", g->vtep_ip);
	pr_uint(p, "udp_port", g->udp_port);
	pr_uint(p, "ttl", g->ttl);
	pr_uint(p, "tos", g->tos);
	pr_opt_str(p, "site", g->site);
	pr_close(p, '}');
}

static void
pr_neighbor(struct pr *p, const struct cfg *c, const void *item)
{
	const struct cfg_neighbor *n = item;

	(void)c;
	pr_ip(p, "ip", n->ip);
	pr_mac(p, "mac", n->mac);
}

static void
pr_port(struct pr *p, const struct cfg *c, const void *item)
{
	const struct cfg_port *port = item;
	char buf[NETADDR_IPV4_STRLEN + 4];

	(void)c;
	pr_str(p, "name", port->name);
	pr_str(p, "role", port->role == CFG_PORT_UNDERLAY ? "underlay" : "access");
	pr_str(p, "device", port->device);
	pr_uint(p, "mtu", port->mtu);
	pr_uint(p, "rx_desc", port->rx_desc);
	pr_uint(p, "tx_desc", port->tx_desc);
	if (port->role != CFG_PORT_UNDERLAY)
		return;
	netaddr_ipv4_fmt(port->ip, buf, sizeof(buf));
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u", port->prefix_len);
	pr_str(p, "ip", buf);
	if (port->next_hop != 0)
		pr_ip(p, "next_hop", port->next_hop);
	if (port->has_mac)
		pr_mac(p, "mac", port->mac);
	pr_array(p, "neighbors", c, port->neighbors, port->nb_neighbors, sizeof(*port->neighbors),
	         pr_neighbor);
}

static void
pr_segment(struct pr *p, const struct cfg *c, const void *item)
{
	const struct cfg_segment *s = item;

	pr_str(p, "name", s->name);
	pr_uint(p, "vni", s->vni);
	pr_str(p, "port", c->ports[s->port].name);
	if (s->vlan == CFG_VLAN_UNTAGGED)
		pr_str(p, "vlan", "untagged");
	else
		pr_uint(p, "vlan", s->vlan);
	pr_open(p, "flood", '[');
	for (unsigned i = 0; i < s->nb_flood; i++)
		pr_ip(p, NULL, s->flood[i]);
	pr_close(p, ']');
	pr_strs(p, "networks", s->networks, s->nb_networks, sizeof(*s->networks));
	pr_uint(p, "ageing_s", s->ageing_s);
	pr_uint(p, "mac_limit", s->mac_limit);
	pr_uint(p, "flood_rate_pps", s->flood_rate_pps);
}

static void
pr_tenant(struct pr *p, const struct cfg *c, const void *item)
{
	const struct cfg_tenant *t = item;

	pr_str(p, "name", t->name);
	pr_array(p, "segments", c, t->nb_segments != 0 ? &c->segments[t->first_segment] : NULL,
	         t->nb_segments, sizeof(*c->segments), pr_segment);
}

static void
pr_fdb(struct pr *p, const struct cfg *c, const void *item)
{
	const struct cfg_fdb *f = item;

	(void)c;
	pr_uint(p, "vni", f->vni);
	pr_mac(p, "mac", f->mac);
	pr_ip(p, "vtep", f->vtep);
}

static void
pr_site(struct pr *p, const struct cfg *c, const void *item)
{
	const struct cfg_site *s = item;

	(void)c;
	pr_str(p, "name", s->name);
	if (s->vtep != 0)
		pr_ip(p, "vtep", s->vtep);
	pr_strs(p, "hosts", s->hosts, s->nb_hosts, sizeof(*s->hosts));
	pr_strs(p, "clusters", s->clusters, s->nb_clusters, sizeof(*s->clusters));
}

static void
pr_host(struct pr *p, const struct cfg *c, const void *item)
{
	const struct cfg_host *h = item;

	(void)c;
	pr_str(p, "name", h->name);
	pr_ip(p, "vtep", h->vtep);
}

/* Secrets stay where they are: the file's path and the variable's name
 * are printed, never what they hold (this code never reads them). */
static void
pr_manager(struct pr *p, const struct cfg *c, const void *item)
{
	const struct cfg_manager *m = item;
	bool xenapi = m->type == CFG_MGR_XENAPI;

	(void)c;
	pr_str(p, "type", xenapi ? "xenapi" : "vcenter");
	pr_str(p, "name", m->name);
	pr_str(p, "url", m->url);
	pr_str(p, "username", m->username);
	pr_opt_str(p, "password_file", m->password_file);
	pr_opt_str(p, "password_env", m->password_env);
	pr_opt_str(p, "ca_file", m->ca_file);
	pr_opt_str(p, "fingerprint", m->fingerprint);
	pr_bool(p, "insecure", m->insecure);
	if (xenapi) {
		pr_strs(p, "members", m->members, m->nb_members, sizeof(*m->members));
		pr_opt_str(p, "pool_uuid", m->pool_uuid);
		pr_opt_str(p, "transport_network", m->transport_network);
	}
	pr_uint(p, "timeout_s", m->timeout_s);
	pr_uint(p, "wait_s", m->wait_s);
	pr_uint(p, "backoff_min_ms", m->backoff_min_ms);
	pr_uint(p, "backoff_max_ms", m->backoff_max_ms);
	pr_uint(p, "flush_after_s", m->flush_after_s);
}

static void
pr_runtime(struct pr *p, const struct cfg *c)
{
	char mode[8];

	pr_open(p, "limits", '{');
	pr_uint(p, "fdb_max", c->limits.fdb_max);
	pr_uint(p, "vteps_max", c->limits.vteps_max);
	pr_uint(p, "segments_max", c->limits.segments_max);
	pr_uint(p, "ageing_s", c->limits.ageing_s);
	pr_close(p, '}');
	pr_open(p, "dataplane", '{');
	pr_open(p, "lcores", '[');
	for (unsigned i = 0; i < c->dataplane.nb_lcores; i++)
		pr_uint(p, NULL, c->dataplane.lcores[i]);
	pr_close(p, ']');
	pr_uint(p, "nb_mbufs", c->dataplane.nb_mbufs);
	pr_bool(p, "idle_backoff", c->dataplane.idle_backoff);
	pr_uint(p, "idle_max_us", c->dataplane.idle_max_us);
	pr_close(p, '}');
	pr_open(p, "control", '{');
	pr_str(p, "socket", c->control.socket);
	snprintf(mode, sizeof(mode), "%04o", c->control.socket_mode & 0777u);
	pr_str(p, "socket_mode", mode);
	pr_opt_str(p, "socket_group", c->control.socket_group);
	pr_close(p, '}');
	pr_open(p, "telemetry", '{');
	pr_bool(p, "prometheus", c->telemetry.prometheus);
	pr_str(p, "listen", c->telemetry.listen);
	pr_close(p, '}');
	pr_open(p, "log", '{');
	pr_str(p, "level", c->log.level);
	pr_bool(p, "syslog", c->log.syslog);
	pr_close(p, '}');
}

void
cfg_print(const struct cfg *c, FILE *out)
{
	struct pr p = {.out = out};

	pr_open(&p, NULL, '{');
	pr_gateway(&p, &c->gateway);
	pr_array(&p, "ports", c, c->ports, c->nb_ports, sizeof(*c->ports), pr_port);
	pr_array(&p, "tenants", c, c->tenants, c->nb_tenants, sizeof(*c->tenants), pr_tenant);
	pr_array(&p, "fdb", c, c->fdb, c->nb_fdb, sizeof(*c->fdb), pr_fdb);
	pr_array(&p, "sites", c, c->sites, c->nb_sites, sizeof(*c->sites), pr_site);
	pr_array(&p, "hosts", c, c->hosts, c->nb_hosts, sizeof(*c->hosts), pr_host);
	pr_array(&p, "managers", c, c->managers, c->nb_managers, sizeof(*c->managers), pr_manager);
	pr_runtime(&p, c);
	pr_close(&p, '}');
	fputc('\n', out);
}
