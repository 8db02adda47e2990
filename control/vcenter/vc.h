/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc.h - the VMware vCenter / ESXi source: follows a vCenter's (or a
 * standalone ESXi host's) inventory over the vSphere Web Services API
 * (vim25 SOAP over HTTPS) and posts VM NIC bindings to the control thread.
 *
 * One worker thread per configured manager runs RetrieveServiceContent ->
 * Login -> CreateContainerView -> CreateFilter -> WaitForUpdatesEx (first
 * the full state, bracketed by SRC_OP_SYNC_BEGIN / SYNC_END, then the
 * changes). It re-logs in on an expired session, reconnects with jittered
 * exponential backoff after transport errors (keeping the last good
 * mappings, state "stale"), and resyncs by mark and sweep every time. See
 * docs/vcenter.md for the rules that turn VMs into bindings.
 *
 * Thread-safety: vc_source_start() may be called from any thread; the
 * returned struct src's ops are called by its owner (the control thread):
 * status from any thread at any time, stop once, destroy after stop. The
 * worker thread touches only its own state, the queue and its status slot.
 */
#ifndef VTEP_VC_H
#define VTEP_VC_H

#include <stddef.h>
#include <stdint.h>

#include "config/cfg.h"
#include "http.h"
#include "source.h"

/**
 * How a SOAP request reaches vCenter: POST @p body with headers
 * `Content-Type: text/xml; charset=utf-8` and `SOAPAction: "<soap_action>"`.
 * The default is control/http.c; unit tests inject a replay.
 * @param soap_action e.g. "urn:vim25/6.5" (without quotes).
 * @param resp filled as http_post() does (body malloc'd, freed by the caller
 *   with http_response_free()).
 * @return 0 when an HTTP response arrived (any status), or -errno with
 *   resp->err set (see http_post()).
 */
typedef int (*vc_transport_fn)(void *ctx, const char *soap_action, const char *body, size_t len,
                               struct http_response *resp);

/**
 * Start watching the vCenter or ESXi host @p mc describes.
 * @param mc the manager (type CFG_MGR_VCENTER); copied, need not outlive the call.
 * @param src_id the source's index, stamped on every update.
 * @param q where updates go; must outlive the source.
 * @return a running source (stop, then destroy it), or NULL with errno set.
 */
struct src *vc_source_start(const struct cfg_manager *mc, uint16_t src_id, struct src_queue *q);

/** Extra knobs, for tests. */
struct vc_source_opts {
	vc_transport_fn transport; /* NULL = HTTPS via control/http.c */
	void *transport_ctx;
	uint32_t max_object_updates; /* WaitOptions.maxObjectUpdates, 0 = default (1000) */
	size_t max_response;         /* 0 = HTTP_DEFAULT_MAX_RESPONSE */
};

/** vc_source_start() with @p opts (NULL = defaults). */
struct src *vc_source_start_opts(const struct cfg_manager *mc, uint16_t src_id, struct src_queue *q,
                                 const struct vc_source_opts *opts);

#endif /* VTEP_VC_H */
