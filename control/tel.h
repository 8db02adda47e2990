/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel.h - telemetry: the DPDK telemetry commands (/vtepd/segments, ...) and
 * the Prometheus endpoint (GET /metrics). Both are built from views.c, like
 * vtepctl and the exit report, so no two of them can disagree.
 * docs/operations.md ("Telemetry") documents what they serve.
 *
 * Thread-safety: tel_start(), tel_stop() and tel_tick() run on the control
 * thread, and so does the HTTP server (on the control loop, like the
 * management socket). The DPDK telemetry callbacks run on DPDK's telemetry
 * threads (one per client connection): they never read a table, they post
 * a request to the control thread and wait for its answer for at most
 * TEL_WAIT_MS (tel.c explains the handoff). They stay safe after
 * tel_stop() and after vtepd's shutdown, because DPDK 22.11 cannot
 * unregister a command: they then answer an error at once.
 */
#ifndef VTEP_TEL_H
#define VTEP_TEL_H

#include <stdint.h>

struct ctl;
struct ctl_tel;

/* How long a telemetry callback waits for the control thread. */
#define TEL_WAIT_MS 1000

/**
 * Answer the telemetry commands from now on and, when
 * c->cfg->telemetry.prometheus, serve /metrics on c->cfg->telemetry.listen.
 * An address that cannot be bound (in use, not local) is logged as an error
 * and the endpoint stays off: metrics never keep a gateway from forwarding.
 * @return the telemetry state, or NULL with errno set (out of memory, no
 *   eventfd).
 */
struct ctl_tel *tel_start(struct ctl *c);

/** Stop serving: close the endpoint and its clients, fail the waiting
 *  telemetry requests. NULL is a no-op. */
void tel_stop(struct ctl_tel *t);

/** Drop HTTP clients that stalled. */
void tel_tick(struct ctl_tel *t, uint64_t now_ms);

#endif /* VTEP_TEL_H */
