/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel_metrics.c - the views (views.c) as Prometheus metrics.
 *
 * Every metric is one row of a table: its name, type, the view member it
 * reads and its help text; the tables are the metric list of
 * docs/operations.md. Reading the values from the views, rather than from
 * the tables and counters directly, is what keeps /metrics, vtepctl and
 * the DPDK telemetry commands equal.
 *
 * Naming follows https://prometheus.io/docs/practices/naming/: prefix
 * vtepd_, base units (seconds, bytes), counters end in _total; a view
 * member that is null (a manager that never sent an event) gives no sample.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_version.h>

#include "tel_private.h"
#include "views.h"

#ifndef VTEPD_VERSION
#define VTEPD_VERSION "dev"
#endif

#define C "counter"
#define G "gauge"

struct tel_metric {
	const char *name;
	const char *type;
	const char *key; /* member of the view object */
	double scale;    /* 0: the integer as it is; else value * scale */
	const char *help;
};

/* Labels of one list entry; @p tmp holds formatted numbers. */
typedef unsigned (*tel_labels_fn)(json_t *e, struct tel_label *l, char *tmp, size_t size);

static const struct tel_metric port_metrics[] = {
        {"vtepd_port_rx_packets_total", C, "rx_pkts", 0, "Packets received, counted by the lcores"},
        {"vtepd_port_rx_bytes_total", C, "rx_bytes", 0, "Bytes received, counted by the lcores"},
        {"vtepd_port_tx_packets_total", C, "tx_pkts", 0, "Packets sent, counted by the lcores"},
        {"vtepd_port_tx_bytes_total", C, "tx_bytes", 0, "Bytes sent, counted by the lcores"},
        {"vtepd_port_hw_rx_packets_total", C, "hw_ipackets", 0, "Packets the device received"},
        {"vtepd_port_hw_tx_packets_total", C, "hw_opackets", 0, "Packets the device sent"},
        {"vtepd_port_hw_rx_missed_total", C, "hw_imissed", 0,
         "Packets the device dropped: receive queue full"},
        {"vtepd_port_hw_rx_nombuf_total", C, "hw_rx_nombuf", 0, "Receive mbuf allocation failures"},
        {"vtepd_port_hw_rx_errors_total", C, "hw_ierrors", 0, "Erroneous packets received"},
        {"vtepd_port_hw_tx_errors_total", C, "hw_oerrors", 0, "Failed transmissions"},
        {"vtepd_port_link_up", G, "link_up", 0, "1 when the link is up"},
        {"vtepd_port_link_speed_bits_per_second", G, "speed_mbps", 1e6, "Link speed"},
        {"vtepd_port_mtu_bytes", G, "mtu", 0, "Port MTU"},
};

static const struct tel_metric segment_metrics[] = {
        {"vtepd_segment_encap_packets_total", C, "encap_pkts", 0,
         "Frames from the access side encapsulated (unicast and flood copies)"},
        {"vtepd_segment_encap_bytes_total", C, "encap_bytes", 0, "Bytes of those frames"},
        {"vtepd_segment_decap_packets_total", C, "decap_pkts", 0,
         "Tunnel packets decapsulated and delivered to the access side"},
        {"vtepd_segment_decap_bytes_total", C, "decap_bytes", 0, "Bytes of those packets"},
        {"vtepd_segment_flood_packets_total", C, "flood_pkts", 0,
         "Broadcast, multicast and unknown-unicast frames replicated"},
        {"vtepd_segment_drops_total", C, "drops", 0, "Packets of the segment dropped"},
        {"vtepd_segment_macs", G, "macs", 0, "FDB entries of the segment"},
        {"vtepd_segment_mac_limit", G, "mac_limit", 0,
         "Most MACs allowed (0 = only the global limit)"},
};

static const struct tel_metric vtep_metrics[] = {
        {"vtepd_vtep_tx_packets_total", C, "tx_pkts", 0, "Tunnel packets sent to the VTEP"},
        {"vtepd_vtep_tx_bytes_total", C, "tx_bytes", 0, "Bytes sent to the VTEP"},
        {"vtepd_vtep_rx_packets_total", C, "rx_pkts", 0, "Tunnel packets received from the VTEP"},
        {"vtepd_vtep_rx_bytes_total", C, "rx_bytes", 0, "Bytes received from the VTEP"},
        {"vtepd_vtep_resolved", G, "resolved", 0, "1 when the next hop to the VTEP is resolved"},
        {"vtepd_vtep_fdb_entries", G, "fdb_entries", 0, "FDB entries pointing to the VTEP"},
};

static const struct tel_metric dp_metrics[] = {
        {"vtepd_encap_packets_total", C, "encap_pkts", 0, "Unicast frames encapsulated"},
        {"vtepd_decap_packets_total", C, "decap_pkts", 0, "Frames decapsulated and delivered"},
        {"vtepd_flood_packets_total", C, "flood_pkts", 0, "Frames replicated (BUM, unknown)"},
        {"vtepd_flood_copies_total", C, "flood_copies", 0, "Tunnel packets sent by replication"},
        {"vtepd_arp_replies_total", C, "arp_replies", 0, "ARP replies sent for our addresses"},
        {"vtepd_arp_requests_total", C, "arp_requests", 0, "ARP requests sent (next hops)"},
        {"vtepd_icmp_echo_replies_total", C, "icmp_echo_replies", 0, "ICMP echo replies sent"},
        {"vtepd_dp_events_posted_total", C, "events_posted", 0, "Learn/ARP events to control"},
        {"vtepd_dp_events_lost_total", C, "events_lost", 0, "Events lost, ring full (re-posted)"},
        {"vtepd_lcore_idle_sleeps_total", C, "idle_sleeps", 0, "Idle sleeps of the lcores"},
        {"vtepd_lcore_busy_polls_total", C, "busy_polls", 0, "Receive bursts that had packets"},
        {"vtepd_lcore_empty_polls_total", C, "empty_polls", 0, "Receive bursts that were empty"},
};

static const struct tel_metric lcore_metrics[] = {
        {"vtepd_lcore_stalls_100us_total", C, "stalls_100us", 0,
         "Loop passes begun 100 us or more after the previous one (the lcore lost its core)"},
        {"vtepd_lcore_stalls_1ms_total", C, "stalls_1ms", 0,
         "Loop passes begun 1 ms or more after the previous one"},
        {"vtepd_lcore_stalls_10ms_total", C, "stalls_10ms", 0,
         "Loop passes begun 10 ms or more after the previous one"},
        {"vtepd_lcore_stall_seconds_total", C, "stall_us", 1e-6,
         "Time in stalls of 100 us or more"},
        {"vtepd_lcore_stall_max_seconds", G, "stall_max_us", 1e-6, "The longest stall"},
};

static const struct tel_metric fdb_metrics[] = {
        {"vtepd_fdb_entries", G, "entries", 0, "FDB entries"},
        {"vtepd_fdb_capacity", G, "capacity", 0, "Most FDB entries (limits.fdb_max)"},
        {"vtepd_fdb_vteps", G, "vteps", 0, "Remote VTEPs in the tables"},
        {"vtepd_fdb_segments", G, "segments", 0, "Segments in the tables"},
        {"vtepd_fdb_learned_total", C, "learned", 0, "MACs learned from traffic"},
        {"vtepd_fdb_moves_total", C, "moves", 0, "MAC moves"},
        {"vtepd_fdb_pinned_total", C, "pinned", 0,
         "Learns refused: a static or manager entry wins"},
        {"vtepd_fdb_aged_total", C, "aged", 0, "Entries removed by ageing"},
};

static const struct tel_metric control_metrics[] = {
        {"vtepd_control_events_total", C, "events", 0, "Learn and ARP events applied"},
        {"vtepd_control_learn_moves_total", C, "learn_moves", 0, "Moves applied from events"},
        {"vtepd_control_learn_pinned_total", C, "learn_pinned", 0,
         "Static or manager MAC seen elsewhere"},
        {"vtepd_control_learn_limit_total", C, "learn_limit", 0, "Not learned: MAC limit"},
        {"vtepd_control_reloads_total", C, "reloads", 0, "Configuration reloads applied"},
        {"vtepd_control_reload_failures_total", C, "reload_failures", 0, "Reloads refused"},
        {"vtepd_control_manager_updates_total", C, "manager_updates", 0, "Manager updates applied"},
        {"vtepd_control_manager_apply_last_seconds", G, "manager_last_apply_us", 1e-6,
         "Last manager update: received to in the table"},
        {"vtepd_control_manager_apply_max_seconds", G, "manager_max_apply_us", 1e-6,
         "Slowest manager update: received to in the table"},
};

static const struct tel_metric manager_metrics[] = {
        {"vtepd_manager_connected", G, "connected", 0, "1 when connected to the manager"},
        {"vtepd_manager_last_event_age_seconds", G, "last_update_age_ms", 1e-3,
         "Time since the last message from the manager (none: no sample)"},
        {"vtepd_manager_last_sync_duration_seconds", G, "last_sync_ms", 1e-3,
         "Duration of the last full sync"},
        {"vtepd_manager_resyncs_total", C, "resyncs", 0, "Full syncs completed"},
        {"vtepd_manager_reconnects_total", C, "reconnects", 0, "Reconnections"},
        {"vtepd_manager_errors_total", C, "errors", 0, "Failed requests of any kind"},
        {"vtepd_manager_updates_total", C, "updates", 0, "Incremental updates received"},
        {"vtepd_manager_vms", G, "vms", 0, "VMs the manager reports"},
        {"vtepd_manager_hosts", G, "hosts", 0, "Hosts the manager reports"},
        {"vtepd_manager_macs", G, "macs", 0, "MACs (bindings) the manager reports"},
        {"vtepd_manager_bindings", G, "bindings", 0, "Bindings held"},
        {"vtepd_manager_bindings_installed", G, "installed", 0, "Bindings in the FDB"},
        {"vtepd_manager_bindings_unresolved", G, "unresolved", 0,
         "Bindings whose network has no segment or host no site"},
        {"vtepd_manager_bindings_shadowed", G, "shadowed", 0, "Bindings a static entry overrides"},
};

static unsigned
port_labels(json_t *e, struct tel_label *l, char *tmp, size_t size)
{
	(void)tmp, (void)size;
	l[0] = (struct tel_label){"port", json_string_value(json_object_get(e, "name"))};
	l[1] = (struct tel_label){"role", json_string_value(json_object_get(e, "role"))};
	return 2;
}

static unsigned
segment_labels(json_t *e, struct tel_label *l, char *tmp, size_t size)
{
	snprintf(tmp, size, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "vni")));
	l[0] = (struct tel_label){"tenant", json_string_value(json_object_get(e, "tenant"))};
	l[1] = (struct tel_label){"segment", json_string_value(json_object_get(e, "name"))};
	l[2] = (struct tel_label){"vni", tmp};
	return 3;
}

static unsigned
vtep_labels(json_t *e, struct tel_label *l, char *tmp, size_t size)
{
	(void)tmp, (void)size;
	l[0] = (struct tel_label){"vtep", json_string_value(json_object_get(e, "vtep"))};
	return 1;
}

static unsigned
lcore_labels(json_t *e, struct tel_label *l, char *tmp, size_t size)
{
	snprintf(tmp, size, "%" JSON_INTEGER_FORMAT,
	         json_integer_value(json_object_get(e, "lcore")));
	l[0] = (struct tel_label){"lcore", tmp};
	return 1;
}

static unsigned
manager_labels(json_t *e, struct tel_label *l, char *tmp, size_t size)
{
	(void)tmp, (void)size;
	l[0] = (struct tel_label){"manager", json_string_value(json_object_get(e, "name"))};
	l[1] = (struct tel_label){"type", json_string_value(json_object_get(e, "type"))};
	return 2;
}

static int
sample(struct tel_buf *b, const struct tel_metric *m, const struct tel_label *l, unsigned nb,
       json_t *v)
{
	if (json_is_boolean(v))
		return tel_prom_sample_u64(b, m->name, l, nb, json_is_true(v));
	if (json_is_integer(v) && m->scale == 0)
		return tel_prom_sample_u64(b, m->name, l, nb, (uint64_t)json_integer_value(v));
	if (json_is_number(v))
		return tel_prom_sample_f64(b, m->name, l, nb, json_number_value(v) * m->scale);
	return 0; /* null: no sample */
}

/*
 * One family per row of @p t, a sample per entry of @p list (an array of
 * objects, labelled by @p lf), or one unlabelled sample when @p lf is NULL
 * and @p list is a single object.
 */
static int
render_table(struct tel_buf *b, const struct tel_metric *t, size_t nb, json_t *list,
             tel_labels_fn lf)
{
	int r = 0;

	for (size_t i = 0; i < nb && r == 0; i++) {
		size_t j;
		json_t *e;

		r = tel_prom_family(b, t[i].name, t[i].type, t[i].help);
		if (lf == NULL) {
			r = r ? r : sample(b, &t[i], NULL, 0, json_object_get(list, t[i].key));
			continue;
		}
		json_array_foreach (list, j, e) {
			struct tel_label l[4];
			char tmp[32];
			unsigned n = lf(e, l, tmp, sizeof(tmp));

			r = r ? r : sample(b, &t[i], l, n, json_object_get(e, t[i].key));
		}
	}
	return r;
}

static int
render_drops(struct tel_buf *b, json_t *drops)
{
	int r = tel_prom_family(
	        b, "vtepd_drops_total", C,
	        "Packets dropped by the dataplane, by reason (dataplane/drop_reasons.def)");
	size_t i;
	json_t *d;

	json_array_foreach (drops, i, d) {
		const char *reason = json_string_value(json_object_get(d, "reason"));
		struct tel_label l = {"reason", reason + (strncmp(reason, "drop_", 5) ? 0 : 5)};

		r = r ? r
		      : sample(b, &(struct tel_metric){.name = "vtepd_drops_total"}, &l, 1,
		               json_object_get(d, "pkts"));
	}
	return r;
}

static int
render_fdb_limits(struct tel_buf *b, json_t *fdb)
{
	static const char *const scopes[] = {"global", "segment"};
	int r = tel_prom_family(b, "vtepd_fdb_limit_hits_total", C,
	                        "Learns refused because a MAC limit was reached, by limit");

	for (size_t i = 0; i < ARRAY_SIZE(scopes) && r == 0; i++) {
		struct tel_label l = {"scope", scopes[i]};
		char key[32];

		snprintf(key, sizeof(key), "limit_%s", scopes[i]);
		r = tel_prom_sample_u64(b, "vtepd_fdb_limit_hits_total", &l, 1,
		                        (uint64_t)json_integer_value(json_object_get(fdb, key)));
	}
	return r;
}

/* The state as a labelled gauge: 1 for the current state, 0 for the others. */
static int
render_manager_state(struct tel_buf *b, json_t *managers)
{
	int r = tel_prom_family(b, "vtepd_manager_state", G,
	                        "1 for the source's current state, 0 for the others");
	size_t i;
	json_t *e;

	json_array_foreach (managers, i, e) {
		const char *cur = json_string_value(json_object_get(e, "state"));

		for (int s = SRC_STATE_CONNECTING; s <= SRC_STATE_DOWN && r == 0; s++) {
			struct tel_label l[3];
			char tmp[32];
			const char *name = src_state_name((enum src_state)s);

			manager_labels(e, l, tmp, sizeof(tmp));
			l[2] = (struct tel_label){"state", name};
			r = tel_prom_sample_u64(b, "vtepd_manager_state", l, 3,
			                        cur != NULL && strcmp(cur, name) == 0);
		}
	}
	return r;
}

static int
render_process(struct ctl *c, struct tel_buf *b)
{
	struct tel_label build[] = {{"version", VTEPD_VERSION}, {"dpdk", rte_version()}};
	struct tel_label gw[] = {{"gateway", c->cfg->gateway.name}};
	int r = 0;

	r = r ? r : tel_prom_family(b, "vtepd_build_info", G, "vtepd's version; the value is 1");
	r = r ? r : tel_prom_sample_u64(b, "vtepd_build_info", build, ARRAY_SIZE(build), 1);
	r = r ? r : tel_prom_family(b, "vtepd_gateway_info", G, "gateway.name; the value is 1");
	r = r ? r : tel_prom_sample_u64(b, "vtepd_gateway_info", gw, ARRAY_SIZE(gw), 1);
	r = r ? r : tel_prom_family(b, "vtepd_uptime_seconds", G, "Time since vtepd started");
	r = r ? r : tel_prom_sample_f64(b, "vtepd_uptime_seconds", NULL, 0, ctl_now_ms(c) / 1e3);
	return r;
}

int
tel_metrics_render(struct ctl *c, struct tel_buf *out)
{
	json_t *cnt = view_counters(c), *segs = view_segments(c), *vteps = view_vteps(c);
	json_t *drops = view_drops(c, true), *mgrs = view_managers(c), *lcores = view_lcores(c);
	bool oom = cnt == NULL || segs == NULL || vteps == NULL || drops == NULL || mgrs == NULL ||
	           lcores == NULL;
	int r = 0;

	r = r ? r : render_process(c, out);
	r = r ? r
	      : render_table(out, port_metrics, ARRAY_SIZE(port_metrics),
	                     json_object_get(cnt, "ports"), port_labels);
	r = r ? r
	      : render_table(out, segment_metrics, ARRAY_SIZE(segment_metrics), segs,
	                     segment_labels);
	r = r ? r : render_table(out, vtep_metrics, ARRAY_SIZE(vtep_metrics), vteps, vtep_labels);
	r = r ? r : render_drops(out, drops);
	r = r ? r : render_table(out, dp_metrics, ARRAY_SIZE(dp_metrics), cnt, NULL);
	r = r ? r
	      : render_table(out, lcore_metrics, ARRAY_SIZE(lcore_metrics), lcores, lcore_labels);
	r = r ? r
	      : render_table(out, fdb_metrics, ARRAY_SIZE(fdb_metrics), json_object_get(cnt, "fdb"),
	                     NULL);
	r = r ? r : render_fdb_limits(out, json_object_get(cnt, "fdb"));
	r = r ? r
	      : render_table(out, control_metrics, ARRAY_SIZE(control_metrics),
	                     json_object_get(cnt, "control"), NULL);
	r = r ? r
	      : render_table(out, manager_metrics, ARRAY_SIZE(manager_metrics), mgrs,
	                     manager_labels);
	r = r ? r : render_manager_state(out, mgrs);
	json_decref(cnt);
	json_decref(segs);
	json_decref(vteps);
	json_decref(drops);
	json_decref(mgrs);
	json_decref(lcores);
	/* -EINVAL is a bad name in a table above: a bug the tests catch. */
	VTEP_ASSERT(r == 0);
	return out->failed || oom ? -ENOMEM : r;
}
