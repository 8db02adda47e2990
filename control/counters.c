/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * counters.c - the counters report vtepd prints on SIGUSR1 and at exit:
 * the same views vtepctl shows, as aligned text for a person reading a log.
 */
#include <stdio.h>

#include "views.h"

static long long
ival(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static const char *
sval(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static void
print_ports(json_t *ports, FILE *out)
{
	size_t i;
	json_t *p;

	fprintf(out, "%-12s %-8s %12s %14s %12s %14s %10s %10s %10s\n", "port", "role", "rx_pkts",
	        "rx_bytes", "tx_pkts", "tx_bytes", "hw_missed", "hw_nombuf", "hw_oerr");
	json_array_foreach (ports, i, p) {
		fprintf(out, "%-12s %-8s %12lld %14lld %12lld %14lld %10lld %10lld %10lld\n",
		        sval(p, "name"), sval(p, "role"), ival(p, "rx_pkts"), ival(p, "rx_bytes"),
		        ival(p, "tx_pkts"), ival(p, "tx_bytes"), ival(p, "hw_imissed"),
		        ival(p, "hw_rx_nombuf"), ival(p, "hw_oerrors"));
	}
}

static void
print_segments(json_t *segs, FILE *out)
{
	size_t i;
	json_t *s;

	fprintf(out, "%-24s %8s %8s %7s %12s %12s %10s %8s\n", "segment", "vni", "vlan", "macs",
	        "encap_pkts", "decap_pkts", "flood", "drops");
	json_array_foreach (segs, i, s) {
		char name[160], vlan[16];
		json_t *v = json_object_get(s, "vlan");

		snprintf(name, sizeof(name), "%s/%s", sval(s, "tenant"), sval(s, "name"));
		if (json_is_integer(v))
			snprintf(vlan, sizeof(vlan), "%lld", (long long)json_integer_value(v));
		else
			snprintf(vlan, sizeof(vlan), "untagged");
		fprintf(out, "%-24s %8lld %8s %7lld %12lld %12lld %10lld %8lld\n", name,
		        ival(s, "vni"), vlan, ival(s, "macs"), ival(s, "encap_pkts"),
		        ival(s, "decap_pkts"), ival(s, "flood_pkts"), ival(s, "drops"));
	}
}

void
ctl_counters_print(struct ctl *c, FILE *out)
{
	json_t *cnt = view_counters(c), *segs = view_segments(c), *drops, *fdb, *ctl;
	size_t i;
	json_t *d;

	fprintf(out, "== vtepd %s counters\n", c->cfg->gateway.name);
	print_ports(json_object_get(cnt, "ports"), out);
	print_segments(segs, out);
	fprintf(out,
	        "encap %lld  decap %lld  flood %lld (copies %lld)  arp replies %lld  "
	        "arp requests %lld  icmp echo replies %lld  drops %lld\n",
	        ival(cnt, "encap_pkts"), ival(cnt, "decap_pkts"), ival(cnt, "flood_pkts"),
	        ival(cnt, "flood_copies"), ival(cnt, "arp_replies"), ival(cnt, "arp_requests"),
	        ival(cnt, "icmp_echo_replies"), ival(cnt, "drops"));
	fdb = json_object_get(cnt, "fdb");
	ctl = json_object_get(cnt, "control");
	fprintf(out,
	        "fdb %lld/%lld entries, %lld vteps; learned %lld, moves %lld, pinned %lld, "
	        "limit %lld, aged %lld; events %lld (lost %lld)\n",
	        ival(fdb, "entries"), ival(fdb, "capacity"), ival(fdb, "vteps"),
	        ival(fdb, "learned"), ival(fdb, "moves"), ival(fdb, "pinned"),
	        ival(fdb, "limit_global") + ival(fdb, "limit_segment"), ival(fdb, "aged"),
	        ival(ctl, "events"), ival(cnt, "events_lost"));
	drops = json_object_get(cnt, "drop_reasons");
	json_array_foreach (drops, i, d) {
		fprintf(out, "  %-26s %12lld  %s\n", sval(d, "reason"), ival(d, "pkts"),
		        sval(d, "description"));
	}
	json_decref(cnt);
	json_decref(segs);
}
