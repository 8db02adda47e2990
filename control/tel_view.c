/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel_view.c - which view a telemetry command gets: what the control thread
 * builds for a request of the bridge (tel.c).
 *
 * On its own in this file so that the bridge's unit test can link tel.c
 * with a view builder of its own (slow, failing, counting) and reach every
 * path of the handoff without a dataplane.
 */
#include "tel_private.h"
#include "views.h"

json_t *
tel_view_build(struct ctl *c, enum tel_view v)
{
	switch (v) {
	case TEL_VIEW_SEGMENTS:
		return view_segments(c);
	case TEL_VIEW_FDB:
		return view_fdb_summary(c);
	case TEL_VIEW_VTEPS:
		return view_vteps(c);
	case TEL_VIEW_COUNTERS:
		return view_counters(c);
	case TEL_VIEW_DROPS:
		return view_drops(c, true);
	case TEL_VIEW_PORTS:
		return view_ports(c);
	case TEL_VIEW_MANAGERS:
		return view_managers(c);
	case TEL_VIEW_LCORES:
		return view_lcores(c);
	}
	return NULL;
}
