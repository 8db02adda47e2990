/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * views.h - every table and counter of a running vtepd as JSON values.
 * One implementation serves vtepctl (the management socket), the DPDK
 * telemetry commands, the Prometheus endpoint and the report printed at
 * exit and on SIGUSR1, so they can never disagree.
 *
 * Field names are part of the vtepctl --json contract (docs/vtepctl.md):
 * add fields freely, never rename one.
 *
 * Thread-safety: control thread only (they walk writer-side structures).
 */
#ifndef VTEP_VIEWS_H
#define VTEP_VIEWS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ctl.h"

struct view_fdb_filter {
	bool has_vni;
	uint32_t vni;
	bool has_mac;
	uint8_t mac[6];
	int src;        /* enum map_src, -1 = any */
	int src_id;     /* manager id, -1 = any */
	uint32_t limit; /* 0 = all */
};

json_t *view_ports(struct ctl *c);
json_t *view_segments(struct ctl *c);
json_t *view_fdb(struct ctl *c, const struct view_fdb_filter *f);
json_t *view_fdb_summary(struct ctl *c);
json_t *view_vteps(struct ctl *c);
json_t *view_neighbors(struct ctl *c);
json_t *view_counters(struct ctl *c);
/** One entry per forwarding lcore: its queues, polls and stalls. */
json_t *view_lcores(struct ctl *c);
json_t *view_drops(struct ctl *c, bool all);
json_t *view_managers(struct ctl *c);
json_t *view_bindings(struct ctl *c, int src_id);

/** "static", "learned", "vcenter:<name>", "xenapi:<name>". */
void view_src_name(struct ctl *c, enum map_src src, uint16_t src_id, char *buf, size_t size);

/**
 * Parse a source name as vtepctl gives it ("static", "learned",
 * "vcenter:vc1", "manager" = any manager). @return 0 or -EINVAL.
 */
int view_src_parse(struct ctl *c, const char *s, int *src, int *src_id);

#endif /* VTEP_VIEWS_H */
