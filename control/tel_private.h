/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel_private.h - declarations shared by the telemetry files:
 *   tel.c          start/stop, the handoff telemetry thread -> control thread
 *   tel_cmds.c     the DPDK telemetry commands, JSON -> struct rte_tel_data
 *   tel_http.c     the HTTP server on the control loop
 *   tel_metrics.c  the views as Prometheus metrics
 *   tel_text.c     pure text helpers (tel_text.h)
 *   tel_view.c     the view each command asks for
 *
 * Thread-safety: as each function says.
 */
#ifndef VTEP_TEL_PRIVATE_H
#define VTEP_TEL_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "tel.h"
#include "tel_text.h"

struct ctl;
struct tel_http;

/* The views a telemetry command can ask the control thread for. */
enum tel_view {
	TEL_VIEW_SEGMENTS,
	TEL_VIEW_FDB,
	TEL_VIEW_VTEPS,
	TEL_VIEW_COUNTERS,
	TEL_VIEW_DROPS,
	TEL_VIEW_PORTS,
	TEL_VIEW_MANAGERS,
	TEL_VIEW_LCORES,
};

/**
 * Any thread except the control thread: have the control thread build view
 * @p v and wait for it, at most TEL_WAIT_MS.
 * @return the view (a new reference the caller owns), or NULL with @p err
 *   saying why (not serving, timed out, out of memory).
 */
json_t *tel_view_request(enum tel_view v, char *err, size_t size);

/** Control thread: build view @p v with views.c (tel_view.c). */
json_t *tel_view_build(struct ctl *c, enum tel_view v);

/** Register the /vtepd/... commands with DPDK telemetry, once per process.
 *  @return 0 or -errno. */
int tel_cmds_register(void);

/**
 * Control thread: listen on @p listen ("a.b.c.d:port") and serve /metrics.
 * @return the server, or NULL with errno set (the reason is logged).
 */
struct tel_http *tel_http_start(struct ctl *c, const char *listen);
void tel_http_stop(struct tel_http *h);
void tel_http_tick(struct tel_http *h, uint64_t now_ms);

/**
 * Control thread: every metric, in the Prometheus text format, into
 * @p out. @return 0, or -ENOMEM (out->failed).
 */
int tel_metrics_render(struct ctl *c, struct tel_buf *out);

#endif /* VTEP_TEL_PRIVATE_H */
