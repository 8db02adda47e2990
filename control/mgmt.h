/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgmt.h - the management socket (vtepctl) and its commands.
 *
 * Thread-safety: control thread only.
 */
#ifndef VTEP_MGMT_H
#define VTEP_MGMT_H

#include <jansson.h>

#include "ctl.h"

/** Listen on c->cfg->control.socket. @return NULL with errno on failure. */
struct ctl_mgmt *mgmt_start(struct ctl *c);

/** Close the socket and every client; unlink the path. NULL is a no-op. */
void mgmt_stop(struct ctl_mgmt *m);

/** Drop clients that stalled. */
void mgmt_tick(struct ctl_mgmt *m, uint64_t now_ms);

/**
 * Handle one request line (a JSON object, without its newline) and build
 * the reply line: {"ok": true, "result": ...} or {"ok": false, "error":
 * "..."} and a newline. No socket involved: the request handler as the
 * socket code, tests and fuzzers all call it.
 * @return the reply, NUL-terminated, malloc'd (the caller frees it), or
 *   NULL when it cannot be built (out of memory).
 */
char *mgmt_handle_request(struct ctl *c, const char *buf, size_t len);

/**
 * Run one command ("show fdb", "fdb add", ...) with its arguments (an
 * object or NULL).
 * @return the result (new reference), or NULL with a one-line reason in @p err.
 */
json_t *mgmt_dispatch(struct ctl *c, const char *command, json_t *args, char *err, size_t size);

#endif /* VTEP_MGMT_H */
