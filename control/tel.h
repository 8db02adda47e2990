/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel.h - telemetry: the DPDK telemetry commands (/vtepd/segments, ...),
 * built from views.c, like vtepctl and the exit report, so that they can
 * never disagree.
 *
 * Thread-safety: tel_start() and tel_stop() run on the control thread. The
 * DPDK telemetry callbacks run on DPDK's telemetry
 * threads (one per client connection): they never read a table, they post
 * a request to the control thread and wait for its answer for at most
 * TEL_WAIT_MS (tel.c explains the handoff). They stay safe after
 * tel_stop() and after vtepd's shutdown, because DPDK 22.11 cannot
 * unregister a command: they then answer an error at once.
 */
#ifndef VTEP_TEL_H
#define VTEP_TEL_H

struct ctl;
struct ctl_tel;

/* How long a telemetry callback waits for the control thread. */
#define TEL_WAIT_MS 1000

/**
 * Answer the telemetry commands from now on.
 * @return the telemetry state, or NULL with errno set (out of memory, no
 *   eventfd).
 */
struct ctl_tel *tel_start(struct ctl *c);

/** Stop serving: fail the waiting telemetry requests. NULL is a no-op. */
void tel_stop(struct ctl_tel *t);

#endif /* VTEP_TEL_H */
