/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * views.c - tables and counters as JSON (see views.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/netaddr.h"
#include "views.h"

static void
jint(json_t *o, const char *k, uint64_t v)
{
	json_object_set_new(o, k, json_integer((json_int_t)v));
}

static void
jstr(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

static void
jbool(json_t *o, const char *k, bool v)
{
	json_object_set_new(o, k, json_boolean(v));
}

static json_t *
ip_json(uint32_t ip)
{
	char buf[NETADDR_IPV4_STRLEN];

	return json_string(netaddr_ipv4_fmt(ip, buf, sizeof(buf)));
}

static json_t *
mac_json(const uint8_t mac[6])
{
	char buf[NETADDR_MAC_STRLEN];

	return json_string(netaddr_mac_fmt(mac, buf, sizeof(buf)));
}

void
view_src_name(struct ctl *c, enum map_src src, uint16_t src_id, char *buf, size_t size)
{
	switch (src) {
	case MAP_SRC_STATIC:
		snprintf(buf, size, "static");
		return;
	case MAP_SRC_LEARNED:
		snprintf(buf, size, "learned");
		return;
	case MAP_SRC_MANAGER:
		if (src_id >= 1 && src_id <= c->cfg->nb_managers) {
			const struct cfg_manager *m = &c->cfg->managers[src_id - 1];

			snprintf(buf, size, "%s:%s",
			         m->type == CFG_MGR_VCENTER ? "vcenter" : "xenapi", m->name);
		} else {
			snprintf(buf, size, "manager:%u", src_id);
		}
		return;
	}
	snprintf(buf, size, "unknown");
}

int
view_src_parse(struct ctl *c, const char *s, int *src, int *src_id)
{
	*src_id = -1;
	if (strcmp(s, "static") == 0) {
		*src = MAP_SRC_STATIC;
		return 0;
	}
	if (strcmp(s, "learned") == 0) {
		*src = MAP_SRC_LEARNED;
		return 0;
	}
	if (strcmp(s, "manager") == 0) {
		*src = MAP_SRC_MANAGER;
		return 0;
	}
	for (unsigned i = 0; i < c->cfg->nb_managers; i++) {
		char name[CFG_NAME_MAX + 16];

		view_src_name(c, MAP_SRC_MANAGER, (uint16_t)(i + 1), name, sizeof(name));
		if (strcmp(s, name) == 0) {
			*src = MAP_SRC_MANAGER;
			*src_id = (int)(i + 1);
			return 0;
		}
	}
	return -EINVAL;
}

json_t *
view_ports(struct ctl *c)
{
	struct dp_counters dc;
	json_t *arr = json_array();

	dp_counters_read(c->dp, &dc);
	for (uint16_t i = 0; i < dp_nb_ports(c->dp); i++) {
		struct dp_port_info pi;
		json_t *o;

		if (dp_port_info(c->dp, i, &pi) < 0)
			continue;
		o = json_object();
		jstr(o, "name", pi.name);
		jstr(o, "role", pi.role == DP_PORT_ACCESS ? "access" : "underlay");
		jstr(o, "device", pi.device);
		jint(o, "ethdev", pi.ethdev_port);
		json_object_set_new(o, "mac", mac_json(pi.mac));
		jbool(o, "link_up", pi.link_up);
		jint(o, "speed_mbps", pi.speed_mbps);
		jint(o, "mtu", pi.mtu);
		jint(o, "queues", pi.nb_rxq);
		jint(o, "rx_pkts", dc.port_rx_pkts[i]);
		jint(o, "rx_bytes", dc.port_rx_bytes[i]);
		jint(o, "tx_pkts", dc.port_tx_pkts[i]);
		jint(o, "tx_bytes", dc.port_tx_bytes[i]);
		jint(o, "hw_ipackets", pi.hw_ipackets);
		jint(o, "hw_opackets", pi.hw_opackets);
		jint(o, "hw_imissed", pi.hw_imissed);
		jint(o, "hw_rx_nombuf", pi.hw_rx_nombuf);
		jint(o, "hw_ierrors", pi.hw_ierrors);
		jint(o, "hw_oerrors", pi.hw_oerrors);
		if (pi.role == DP_PORT_UNDERLAY) {
			const struct cfg_port *cp = &c->cfg->ports[i];

			json_object_set_new(o, "ip", ip_json(cp->ip));
			jint(o, "prefix_len", cp->prefix_len);
			if (cp->next_hop != 0)
				json_object_set_new(o, "next_hop", ip_json(cp->next_hop));
			json_object_set_new(o, "tx_ip_cksum_offload",
			                    json_boolean(pi.tx_ip_cksum_offload));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *
view_segments(struct ctl *c)
{
	json_t *arr = json_array();

	for (unsigned i = 0; i < c->cfg->nb_segments; i++) {
		const struct cfg_segment *s = &c->cfg->segments[i];
		uint16_t idx = ctl_seg_idx(c, i);
		struct dp_seg_counters sc;
		json_t *flood = json_array(), *nets = json_array(), *o;

		dp_seg_counters_read(c->dp, idx, &sc);
		for (unsigned j = 0; j < s->nb_flood; j++)
			json_array_append_new(flood, ip_json(s->flood[j]));
		for (unsigned j = 0; j < s->nb_networks; j++)
			json_array_append_new(nets, json_string(s->networks[j]));
		o = json_object();
		jstr(o, "tenant", c->cfg->tenants[s->tenant].name);
		jstr(o, "name", s->name);
		jint(o, "vni", s->vni);
		jstr(o, "port", c->cfg->ports[s->port].name);
		json_object_set_new(o, "vlan",
		                    s->vlan == CFG_VLAN_UNTAGGED ? json_string("untagged")
		                                                 : json_integer(s->vlan));
		json_object_set_new(o, "flood", flood);
		json_object_set_new(o, "networks", nets);
		jint(o, "index", idx);
		jint(o, "macs", map_seg_nb_macs(c->map, idx));
		jint(o, "ageing_s", s->ageing_s);
		jint(o, "mac_limit", s->mac_limit);
		jint(o, "flood_rate_pps", s->flood_rate_pps);
		jint(o, "encap_pkts", sc.encap_pkts);
		jint(o, "encap_bytes", sc.encap_bytes);
		jint(o, "decap_pkts", sc.decap_pkts);
		jint(o, "decap_bytes", sc.decap_bytes);
		jint(o, "flood_pkts", sc.flood_pkts);
		jint(o, "drops", sc.drops);
		json_array_append_new(arr, o);
	}
	return arr;
}

struct fdb_walk {
	struct ctl *c;
	const struct view_fdb_filter *f;
	json_t *arr;
	uint32_t now_s;
	uint32_t n;
};

static int
fdb_one(const struct map_fdb_info *e, void *arg)
{
	struct fdb_walk *w = arg;
	const struct view_fdb_filter *f = w->f;
	char src[CFG_NAME_MAX + 16];
	json_t *o;
	int cs;

	if ((f->has_vni && e->vni != f->vni) || (f->has_mac && memcmp(e->mac, f->mac, 6) != 0) ||
	    (f->src >= 0 && (int)e->src != f->src) || (f->src_id >= 0 && e->src_id != f->src_id))
		return 0;
	view_src_name(w->c, e->src, e->src_id, src, sizeof(src));
	o = json_object();
	jint(o, "vni", e->vni);
	json_object_set_new(o, "mac", mac_json(e->mac));
	jstr(o, "type", e->dest.type == MAP_FDB_REMOTE ? "remote" : "local");
	jstr(o, "source", src);
	jint(o, "age_s", w->now_s >= e->last_seen_s ? w->now_s - e->last_seen_s : 0);
	jint(o, "first_seen_s_ago", w->now_s >= e->first_seen_s ? w->now_s - e->first_seen_s : 0);
	jint(o, "moves", e->moves);
	if (e->dest.type == MAP_FDB_REMOTE) {
		json_object_set_new(o, "vtep", ip_json(e->dest.vtep_ip));
	} else {
		json_object_set_new(o, "port",
		                    json_string(e->dest.port < w->c->cfg->nb_ports
		                                        ? w->c->cfg->ports[e->dest.port].name
		                                        : "?"));
		json_object_set_new(o, "vlan",
		                    e->dest.vlan == MAP_VLAN_UNTAGGED ? json_string("untagged")
		                                                      : json_integer(e->dest.vlan));
	}
	cs = ctl_cfg_seg_of(w->c, e->seg);
	if (cs >= 0)
		json_object_set_new(o, "segment", json_string(w->c->cfg->segments[cs].name));
	json_array_append_new(w->arr, o);
	return f->limit != 0 && ++w->n >= f->limit;
}

json_t *
view_fdb(struct ctl *c, const struct view_fdb_filter *f)
{
	struct fdb_walk w = {
	        .c = c, .f = f, .arr = json_array(), .now_s = map_now_s(c->map, rte_rdtsc())};

	map_fdb_walk(c->map, fdb_one, &w);
	return w.arr;
}

json_t *
view_fdb_summary(struct ctl *c)
{
	struct map_stats ms;
	json_t *o;

	map_stats_get(c->map, &ms);
	o = json_object();
	jint(o, "entries", ms.nb_fdb);
	jint(o, "capacity", c->cfg->limits.fdb_max);
	jint(o, "vteps", ms.nb_vteps);
	jint(o, "segments", ms.nb_segs);
	jint(o, "learned", ms.learned);
	jint(o, "moves", ms.moves);
	jint(o, "pinned", ms.pinned);
	jint(o, "limit_global", ms.limit_global);
	jint(o, "limit_segment", ms.limit_segment);
	jint(o, "aged", ms.aged);
	return o;
}

static int
vtep_one(const struct map_vtep_info *vi, void *arg)
{
	void **a = arg;
	struct ctl *c = a[0];
	struct dp_vtep_counters vc;
	json_t *o;

	dp_vtep_counters_read(c->dp, vi->idx, &vc);
	o = json_object();
	json_object_set_new(o, "vtep", ip_json(vi->ip));
	jint(o, "index", vi->idx);
	json_object_set_new(o, "next_hop", ip_json(vi->next_hop));
	jbool(o, "resolved", vi->resolved);
	jint(o, "fdb_entries", vi->nb_fdb);
	jint(o, "refs", vi->refcnt);
	jint(o, "tx_pkts", vc.tx_pkts);
	jint(o, "tx_bytes", vc.tx_bytes);
	jint(o, "rx_pkts", vc.rx_pkts);
	jint(o, "rx_bytes", vc.rx_bytes);
	if (vi->resolved)
		json_object_set_new(o, "next_hop_mac", mac_json(vi->mac));
	json_array_append_new(a[1], o);
	return 0;
}

json_t *
view_vteps(struct ctl *c)
{
	void *a[2] = {c, json_array()};

	map_vtep_walk(c->map, vtep_one, a);
	return a[1];
}

static int
neigh_one(const struct neigh_info *ni, void *arg)
{
	json_t *o = json_object();

	json_object_set_new(o, "ip", ip_json(ni->ip));
	jstr(o, "state", ni->state);
	jint(o, "probes", ni->probes);
	jint(o, "age_ms", ni->age_ms);
	jint(o, "vteps", ni->nb_vteps);
	if (strcmp(ni->state, "incomplete") != 0)
		json_object_set_new(o, "mac", mac_json(ni->mac));
	json_array_append_new(arg, o);
	return 0;
}

json_t *
view_neighbors(struct ctl *c)
{
	json_t *arr = json_array();

	neigh_walk(c->neigh, neigh_one, arr);
	return arr;
}

/* The mbuf pool, so a leak shows as an in_use count that keeps growing. */
static json_t *
view_mempool(struct ctl *c)
{
	struct dp_mempool_info mi;
	json_t *o = json_object();

	dp_mempool_info(c->dp, &mi);
	jstr(o, "name", mi.name);
	jint(o, "size", mi.size);
	jint(o, "in_use", mi.in_use);
	jint(o, "available", mi.available);
	jint(o, "cache_size", mi.cache_size);
	return o;
}

/* "stalls_100us" ..., "stall_us", "stall_max_us" (dp.h). */
static void
view_stalls(json_t *o, const uint64_t *stalls, uint64_t us, uint64_t max_us)
{
	for (unsigned b = 0; b < DP_STALL_BUCKETS; b++) {
		char key[32];

		snprintf(key, sizeof(key), "stalls_%s", dp_stall_name(b));
		jint(o, key, stalls[b]);
	}
	jint(o, "stall_us", us);
	jint(o, "stall_max_us", max_us);
}

json_t *
view_lcores(struct ctl *c)
{
	json_t *arr = json_array();

	for (unsigned l = 0; l < dp_nb_lcores(c->dp); l++) {
		struct dp_lcore_counters lc;
		json_t *o, *q;

		if (dp_lcore_counters_read(c->dp, l, &lc) < 0)
			continue;
		o = json_object();
		q = json_array();
		jint(o, "lcore", lc.lcore_id);
		for (uint16_t i = 0; i < lc.nb_rxq; i++) {
			char name[CFG_NAME_MAX + 8];

			snprintf(name, sizeof(name), "%s/%u", c->cfg->ports[lc.rxq_port[i]].name,
			         lc.rxq_queue[i]);
			json_array_append_new(q, json_string(name));
		}
		json_object_set_new(o, "rx_queues", q);
		jint(o, "busy_polls", lc.busy_polls);
		jint(o, "empty_polls", lc.empty_polls);
		jint(o, "idle_sleeps", lc.idle_sleeps);
		view_stalls(o, lc.stalls, lc.stall_us, lc.stall_max_us);
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *
view_counters(struct ctl *c)
{
	struct dp_counters dc;
	json_t *o, *ct;

	dp_counters_read(c->dp, &dc);
	o = json_object();
	jint(o, "encap_pkts", dc.encap_pkts);
	jint(o, "decap_pkts", dc.decap_pkts);
	jint(o, "flood_pkts", dc.flood_pkts);
	jint(o, "flood_copies", dc.flood_copies);
	jint(o, "arp_replies", dc.arp_replies);
	jint(o, "arp_requests", dc.arp_requests);
	jint(o, "icmp_echo_replies", dc.icmp_echo_replies);
	jint(o, "events_posted", dc.events_posted);
	jint(o, "events_lost", dc.events_lost);
	jint(o, "drops", dp_counters_drops(&dc));
	jint(o, "idle_sleeps", dc.idle_sleeps);
	jint(o, "busy_polls", dc.busy_polls);
	jint(o, "empty_polls", dc.empty_polls);
	view_stalls(o, dc.stalls, dc.stall_us, dc.stall_max_us);
	json_object_set_new(o, "fdb", view_fdb_summary(c));
	json_object_set_new(o, "mempool", view_mempool(c));
	ct = json_object();
	jint(ct, "events", c->stats.events);
	jint(ct, "learn_pinned", c->stats.learn_pinned);
	jint(ct, "learn_moves", c->stats.learn_moves);
	jint(ct, "learn_limit", c->stats.learn_limit);
	jint(ct, "learn_stale", c->stats.learn_stale);
	jint(ct, "reloads", c->stats.reloads);
	jint(ct, "reload_failures", c->stats.reload_failures);
	jint(ct, "manager_updates", c->stats.src_updates);
	jint(ct, "manager_last_apply_us", c->stats.last_apply_us);
	jint(ct, "manager_max_apply_us", c->stats.max_apply_us);
	json_object_set_new(o, "control", ct);
	json_object_set_new(o, "ports", view_ports(c));
	json_object_set_new(o, "drop_reasons", view_drops(c, false));
	return o;
}

json_t *
view_drops(struct ctl *c, bool all)
{
	struct dp_counters dc;
	json_t *arr = json_array();

	dp_counters_read(c->dp, &dc);
	for (unsigned d = 0; d < DP_DROP_MAX; d++) {
		if (!all && dc.drops[d] == 0)
			continue;
		json_t *o = json_object();

		jstr(o, "reason", dp_drop_name(d));
		jint(o, "pkts", dc.drops[d]);
		jstr(o, "description", dp_drop_desc(d));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *
view_managers(struct ctl *c)
{
	json_t *arr = json_array();
	uint64_t now = src_now_ns();

	for (unsigned i = 0; i < c->nb_srcs; i++) {
		struct src *s = c->srcs[i];
		struct src_status st;
		struct bindings_counts bc;
		json_t *o;

		s->ops->status(s->impl, &st);
		bindings_counts(c->bindings, s->id, &bc);
		o = json_object();
		jstr(o, "name", s->name);
		jstr(o, "type", st.kind);
		jstr(o, "state", src_state_name(st.state));
		jstr(o, "server", st.server);
		jstr(o, "api_version", st.api_version);
		jint(o, "vms", st.nb_vms);
		jint(o, "hosts", st.nb_hosts);
		jint(o, "macs", st.nb_macs);
		jint(o, "bindings", bc.total);
		jint(o, "installed", bc.installed);
		jint(o, "unresolved", bc.unresolved);
		jint(o, "shadowed", bc.shadowed);
		jint(o, "resyncs", st.resyncs);
		jint(o, "reconnects", st.reconnects);
		jint(o, "errors", st.errors);
		jint(o, "updates", st.updates);
		jint(o, "last_sync_ms", st.last_sync_ms);
		json_object_set_new(
		        o, "last_update_age_ms",
		        st.last_update_ns
		                ? json_integer((json_int_t)((now - st.last_update_ns) / 1000000))
		                : json_null());
		json_object_set_new(o, "connected", json_boolean(st.connected_ns != 0));
		json_object_set_new(o, "last_error", json_string(st.last_error));
		json_array_append_new(arr, o);
	}
	return arr;
}

struct bind_walk {
	struct ctl *c;
	int src_id;
	json_t *arr;
};

static int
binding_one(const struct binding_info *bi, void *arg)
{
	struct bind_walk *w = arg;
	char src[CFG_NAME_MAX + 16];
	json_t *o;

	if (w->src_id >= 0 && bi->src_id != w->src_id)
		return 0;
	view_src_name(w->c, MAP_SRC_MANAGER, bi->src_id, src, sizeof(src));
	o = json_object();
	jstr(o, "source", src);
	json_object_set_new(o, "mac", mac_json(bi->b->mac));
	jstr(o, "network", bi->b->network);
	jstr(o, "host", bi->b->host);
	jstr(o, "cluster", bi->b->cluster);
	jstr(o, "vm", bi->b->vm);
	jbool(o, "installed", bi->installed);
	if (bi->cfg_seg >= 0)
		json_object_set_new(o, "vni", json_integer(w->c->cfg->segments[bi->cfg_seg].vni));
	if (bi->installed && bi->dest.type == MAP_FDB_REMOTE)
		json_object_set_new(o, "vtep", ip_json(bi->dest.vtep_ip));
	if (bi->installed && bi->dest.type == MAP_FDB_LOCAL)
		json_object_set_new(o, "local", json_true());
	if (bi->why != NULL)
		json_object_set_new(o, "why", json_string(bi->why));
	json_array_append_new(w->arr, o);
	return 0;
}

json_t *
view_bindings(struct ctl *c, int src_id)
{
	struct bind_walk w = {.c = c, .src_id = src_id, .arr = json_array()};

	bindings_walk(c->bindings, binding_one, &w);
	return w.arr;
}
