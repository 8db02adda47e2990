/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_rpc.c - one call API over JSON-RPC and XML-RPC.
 *
 * The transport is detected, not configured: a host that has never been
 * asked gets JSON-RPC at /jsonrpc; an answer of 404 or 405, or a 200 that
 * is not JSON-RPC, means a host older than JSON-RPC (XenServer < 7.3), and
 * the same call is sent again as XML-RPC at /. What worked is remembered
 * per host URL, so failing over between old and new members of a pool in
 * the middle of a rolling upgrade costs one extra request per host, once.
 *
 * xapi does not implement 100-continue, so every request carries an empty
 * "Expect:" header (libcurl would otherwise wait a second before sending
 * any body over 1 KiB).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "xapi_private.h"

#define MEMO_MAX 32

struct proto_memo {
	char url[CFG_URL_MAX];
	enum xapi_proto proto;
};

struct xapi_rpc {
	char name[96];
	struct http_client *hc; /* NULL when the transport is injected */
	xapi_transport_fn transport;
	void *transport_ctx;
	uint32_t timeout_ms;
	uint32_t cur_timeout_ms; /* of the call in progress (HTTP transport) */
	int aborted;             /* injected transport only: HTTP has its own */
	char base[CFG_URL_MAX];
	enum xapi_proto proto;
	struct proto_memo memo[MEMO_MAX];
	unsigned nb_memo;
	unsigned memo_next; /* round-robin replacement when full */
	uint64_t next_id;
};

static int
http_transport(void *ctx, const char *url, const char *content_type, const char *body, size_t len,
               struct http_response *resp)
{
	struct xapi_rpc *rpc = ctx;
	char ctype[96];
	const char *hdrs[] = {ctype, "Expect:", NULL};
	struct http_request req = {
	        .url = url,
	        .body = body,
	        .body_len = len,
	        .headers = hdrs,
	        .timeout_ms = rpc->cur_timeout_ms,
	};

	snprintf(ctype, sizeof(ctype), "Content-Type: %s", content_type);
	return http_post(rpc->hc, &req, resp);
}

struct xapi_rpc *
xapi_rpc_create(const struct xapi_rpc_conf *conf)
{
	struct xapi_rpc *rpc = calloc(1, sizeof(*rpc));

	if (rpc == NULL)
		return NULL;
	snprintf(rpc->name, sizeof(rpc->name), "%s", conf->name ? conf->name : "xenapi");
	rpc->timeout_ms = conf->timeout_ms ? conf->timeout_ms : 30000;
	rpc->next_id = 1;
	if (conf->transport != NULL) {
		rpc->transport = conf->transport;
		rpc->transport_ctx = conf->transport_ctx;
		return rpc;
	}
	rpc->hc = http_client_create(conf->http);
	if (rpc->hc == NULL) {
		int e = errno;

		free(rpc);
		errno = e;
		return NULL;
	}
	rpc->transport = http_transport;
	rpc->transport_ctx = rpc;
	return rpc;
}

void
xapi_rpc_destroy(struct xapi_rpc *rpc)
{
	if (rpc == NULL)
		return;
	http_client_destroy(rpc->hc);
	free(rpc);
}

void
xapi_rpc_set_server(struct xapi_rpc *rpc, const char *base_url)
{
	if (strcmp(rpc->base, base_url) == 0)
		return;
	snprintf(rpc->base, sizeof(rpc->base), "%s", base_url);
	rpc->proto = XAPI_PROTO_AUTO;
	for (unsigned i = 0; i < rpc->nb_memo; i++)
		if (strcmp(rpc->memo[i].url, base_url) == 0)
			rpc->proto = rpc->memo[i].proto;
	if (rpc->hc != NULL)
		http_client_reset_connection(rpc->hc);
}

const char *
xapi_rpc_server(const struct xapi_rpc *rpc)
{
	return rpc->base;
}

enum xapi_proto
xapi_rpc_proto(const struct xapi_rpc *rpc)
{
	return rpc->proto;
}

void
xapi_rpc_abort(struct xapi_rpc *rpc)
{
	__atomic_store_n(&rpc->aborted, 1, __ATOMIC_RELEASE);
	if (rpc->hc != NULL)
		http_client_abort(rpc->hc);
}

void
xapi_rpc_unabort(struct xapi_rpc *rpc)
{
	__atomic_store_n(&rpc->aborted, 0, __ATOMIC_RELEASE);
	if (rpc->hc != NULL)
		http_client_unabort(rpc->hc);
}

static void
remember(struct xapi_rpc *rpc, enum xapi_proto proto)
{
	unsigned i;

	if (rpc->proto == proto)
		return;
	rpc->proto = proto;
	for (i = 0; i < rpc->nb_memo; i++)
		if (strcmp(rpc->memo[i].url, rpc->base) == 0)
			break;
	if (i == rpc->nb_memo) {
		if (rpc->nb_memo < MEMO_MAX)
			rpc->nb_memo++;
		else
			i = rpc->memo_next++ % MEMO_MAX;
	}
	snprintf(rpc->memo[i].url, sizeof(rpc->memo[i].url), "%s", rpc->base);
	rpc->memo[i].proto = proto;
}

/* POST one encoded request and classify the HTTP outcome.
 * @return 0 with a 200 response in resp, or -errno. *not_there is set when
 * the status says this endpoint does not exist (404/405). */
static int
post(struct xapi_rpc *rpc, const char *path, const char *ctype, const char *body, size_t len,
     struct http_response *resp, bool *not_there, struct xapi_err *err)
{
	char url[CFG_URL_MAX + 16];
	long status;
	int r;

	*not_there = false;
	if (__atomic_load_n(&rpc->aborted, __ATOMIC_ACQUIRE) && rpc->hc == NULL) {
		xapi_err_set(err, "aborted");
		return -ECANCELED;
	}
	snprintf(url, sizeof(url), "%s%s", rpc->base, path);
	r = rpc->transport(rpc->transport_ctx, url, ctype, body, len, resp);
	if (r < 0) {
		xapi_err_set(err, "%s: %s", url, resp->err[0] ? resp->err : strerror(-r));
		http_response_free(resp);
		return r;
	}
	if (resp->status == 200)
		return 0;
	status = resp->status;
	http_response_free(resp);
	*not_there = status == 404 || status == 405;
	xapi_err_set(err, "%s: HTTP %ld", url, status);
	return status >= 500 ? -EIO : -EBADMSG;
}

static int
call_json(struct xapi_rpc *rpc, const char *method, const struct xapi_value *params,
          unsigned nb_params, struct xapi_reply *reply, struct xapi_err *err, bool *fallback)
{
	struct http_response resp = {0};
	uint64_t recv_ns;
	bool not_there;
	size_t len;
	char *body;
	int r;

	*fallback = false;
	r = xapi_json_encode(method, params, nb_params, rpc->next_id++, &body, &len);
	if (r < 0) {
		xapi_err_set(err, "%s: cannot encode the JSON-RPC request", method);
		return r;
	}
	r = post(rpc, "/jsonrpc", "application/json", body, len, &resp, &not_there, err);
	recv_ns = src_now_ns(); /* read, not yet decoded */
	free(body);
	if (r < 0) {
		*fallback = not_there && rpc->proto == XAPI_PROTO_AUTO;
		return r;
	}
	r = xapi_json_decode(resp.body ? resp.body : "", resp.body_len, reply, err);
	reply->recv_ns = recv_ns;
	http_response_free(&resp);
	*fallback = r == -EBADMSG && rpc->proto == XAPI_PROTO_AUTO;
	return r;
}

static int
call_xml(struct xapi_rpc *rpc, const char *method, const struct xapi_value *params,
         unsigned nb_params, struct xapi_reply *reply, struct xapi_err *err)
{
	struct http_response resp = {0};
	uint64_t recv_ns;
	bool not_there;
	size_t len;
	char *body;
	int r;

	r = xapi_xml_encode(method, params, nb_params, &body, &len);
	if (r < 0) {
		xapi_err_set(err, "%s: cannot encode the XML-RPC request", method);
		return r;
	}
	r = post(rpc, "/", "text/xml", body, len, &resp, &not_there, err);
	recv_ns = src_now_ns(); /* read, not yet decoded */
	free(body);
	if (r < 0)
		return r;
	r = xapi_xml_decode(resp.body ? resp.body : "", resp.body_len, reply, err);
	reply->recv_ns = recv_ns;
	http_response_free(&resp);
	return r;
}

int
xapi_rpc_call(struct xapi_rpc *rpc, const char *method, const struct xapi_value *params,
              unsigned nb_params, uint32_t timeout_ms, struct xapi_reply *reply,
              struct xapi_err *err)
{
	char json_why[128] = "";
	bool fallback;
	int r;

	memset(reply, 0, sizeof(*reply));
	memset(err, 0, sizeof(*err));
	rpc->cur_timeout_ms = timeout_ms ? timeout_ms : rpc->timeout_ms;
	if (rpc->proto != XAPI_PROTO_XML) {
		r = call_json(rpc, method, params, nb_params, reply, err, &fallback);
		if (!fallback) {
			if (r == 0 || r == -EREMOTEIO)
				remember(rpc, XAPI_PROTO_JSON);
			return r;
		}
		snprintf(json_why, sizeof(json_why), "%s", err->text);
		memset(err, 0, sizeof(*err));
	}
	r = call_xml(rpc, method, params, nb_params, reply, err);
	if (rpc->proto == XAPI_PROTO_AUTO && (r == 0 || r == -EREMOTEIO)) {
		LOG_INFO(xapi, "%s: %s speaks XML-RPC only (JSON-RPC: %s)", rpc->name, rpc->base,
		         json_why);
		remember(rpc, XAPI_PROTO_XML);
	}
	return r;
}
