/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi.h - the XenServer / XCP-ng pool source (XenAPI).
 *
 * One source follows one pool. Its worker thread logs in to the pool
 * master (found from any configured or previously seen member: members
 * answer HOST_IS_SLAVE with the master's address), checks that the master
 * belongs to the expected pool, reads host, network, PIF, VM, VIF and pool
 * records, reports every attached VIF of a running or paused guest as a
 * binding, then follows event.from. On a lost master it keeps the last
 * good bindings (state stale) and looks for the new master among every
 * member it knows, with exponential backoff and full jitter.
 *
 * The wire format is detected per host, not configured: JSON-RPC at
 * /jsonrpc first, XML-RPC at / when a host answers 404/405 or something
 * that is not JSON-RPC (hosts older than XenServer 7.3).
 *
 * Thread-safety: xapi_source_start() and the ops of the struct src it
 * returns are called by the control thread. The worker thread only posts
 * to the queue and publishes its status (both thread-safe, source.h). The
 * helper functions below are pure and reentrant.
 */
#ifndef VTEP_XAPI_H
#define VTEP_XAPI_H

#include <stddef.h>
#include <stdint.h>

#include "config/cfg.h"
#include "http.h"
#include "source.h"

/**
 * Start following the pool of @p mc (type CFG_MGR_XENAPI).
 * @param mc copied; the caller may free it after the call.
 * @param src_id the source's index, stamped on every update.
 * @param q where updates go; must outlive the source.
 * @return the running source (stop it with ops->stop, then ops->destroy),
 *   or NULL with errno set (EINVAL: bad configuration, logged).
 */
struct src *xapi_source_start(const struct cfg_manager *mc, uint16_t src_id, struct src_queue *q);

/**
 * How requests reach a XenAPI server; http_post() in production, a replay
 * in the unit tests. @p url is the full URL (".../jsonrpc" or ".../").
 * @return as http_post(): 0 when resp holds an HTTP response (any status;
 *   resp->body malloc'd, freed by the caller with http_response_free()).
 */
typedef int (*xapi_transport_fn)(void *ctx, const char *url, const char *content_type,
                                 const char *body, size_t len, struct http_response *resp);

/**
 * Like xapi_source_start(), with requests going through @p transport
 * instead of HTTPS (tests).
 */
struct src *xapi_source_start_with(const struct cfg_manager *mc, uint16_t src_id,
                                   struct src_queue *q, xapi_transport_fn transport, void *ctx);

/**
 * URL of a pool member from its host.address (IPv4, IPv6 or a name), with
 * the scheme and port of @p ref_url: a member's HOST_IS_SLAVE answer names
 * the master by address only, and every member of a pool listens on the
 * same port.
 * @return 0, -EINVAL (@p ref_url has no scheme://host), -ENAMETOOLONG.
 */
int xapi_url_for_address(const char *ref_url, const char *address, char *out, size_t size);

#endif /* VTEP_XAPI_H */
