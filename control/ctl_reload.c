/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_reload.c - vtepctl reload / SIGHUP: re-read, validate, refuse what
 * needs a restart, apply the difference.
 *
 * The order guarantees "a reload that fails changes nothing": the new
 * file is fully validated (cfg_load_file) and compared with the running
 * configuration before the first table write.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ctl.h"

static bool
port_same(const struct cfg_port *a, const struct cfg_port *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->device, b->device) == 0 &&
	       a->role == b->role && a->mtu == b->mtu && a->rx_desc == b->rx_desc &&
	       a->tx_desc == b->tx_desc && a->ip == b->ip && a->prefix_len == b->prefix_len &&
	       a->next_hop == b->next_hop && a->has_mac == b->has_mac &&
	       memcmp(a->mac, b->mac, 6) == 0;
}

/* What the dataplane and the tables were built from. @return the first
 * such difference, or NULL. */
static const char *
restart_needed(const struct cfg *a, const struct cfg *b)
{
	if (a->gateway.vtep_ip != b->gateway.vtep_ip)
		return "gateway.vtep_ip";
	if (a->gateway.udp_port != b->gateway.udp_port)
		return "gateway.udp_port";
	if (a->nb_ports != b->nb_ports)
		return "ports";
	for (unsigned i = 0; i < a->nb_ports; i++)
		if (!port_same(&a->ports[i], &b->ports[i]))
			return "ports";
	/* Table sizes; limits.ageing_s only changes segments (applied). */
	if (a->limits.fdb_max != b->limits.fdb_max || a->limits.vteps_max != b->limits.vteps_max ||
	    a->limits.segments_max != b->limits.segments_max)
		return "limits";
	if (memcmp(&a->dataplane, &b->dataplane, sizeof(a->dataplane)) != 0)
		return "dataplane";
	if (strcmp(a->control.socket, b->control.socket) != 0)
		return "control.socket";
	if (a->telemetry.prometheus != b->telemetry.prometheus ||
	    strcmp(a->telemetry.listen, b->telemetry.listen) != 0)
		return "telemetry";
	return NULL;
}

static void
errors_format(const struct cfg_errors *errs, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < errs->nb_msgs && off + 1 < size; i++) {
		int n = snprintf(buf + off, size - off, "%s%s", i ? "\n" : "", errs->msgs[i]);

		if (n < 0)
			break;
		off += (size_t)n;
	}
}

int
ctl_reload(struct ctl *c, char *errbuf, size_t size)
{
	struct cfg_errors errs = {0};
	bool templates;
	const char *what;
	struct cfg *next;
	int r;

	next = cfg_load_file(c->cfg_path, &errs);
	if (next == NULL) {
		if (errs.nb_msgs > 0)
			errors_format(&errs, errbuf, size);
		else
			snprintf(errbuf, size, "%s: %s", c->cfg_path, strerror(errno));
		cfg_errors_free(&errs);
		c->stats.reload_failures++;
		return -EINVAL;
	}
	if (c->socket_override[0] != '\0')
		snprintf(next->control.socket, sizeof(next->control.socket), "%s",
		         c->socket_override);
	what = restart_needed(c->cfg, next);
	if (what != NULL) {
		snprintf(errbuf, size, "%s: error: %s: changing it needs a restart of vtepd",
		         c->cfg_path, what);
		cfg_free(next);
		c->stats.reload_failures++;
		return -EINVAL;
	}
	templates = c->cfg->gateway.ttl != next->gateway.ttl ||
	            c->cfg->gateway.tos != next->gateway.tos;
	r = ctl_apply_config(c, next); /* next belongs to c now */
	if (r < 0) {
		snprintf(errbuf, size, "%s: applying failed: %s", c->cfg_path, strerror(-r));
		c->stats.reload_failures++;
		return r;
	}
	if (templates) {
		ctl_apply_underlay(c, c->cfg); /* also the static neighbours */
	} else {
		int ul = cfg_underlay_port(c->cfg);

		neigh_set_static(c->neigh, c->cfg->ports[ul].neighbors,
		                 c->cfg->ports[ul].nb_neighbors);
	}
	if (c->bindings != NULL)
		bindings_reresolve(c->bindings);
	ctl_sources_reconcile(c);
	c->stats.reloads++;
	LOG_INFO(ctl, "reloaded %s", c->cfg_path);
	return 0;
}
