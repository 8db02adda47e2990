/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_source.c - the worker thread of a XenAPI source: locate the
 * master, sync, follow event.from, recover.
 *
 * The event token is taken before the sync, with event.inject on the pool
 * object (allowed to every role, read-only included): whatever changes
 * while the get_all_records calls run is then replayed by the first
 * event.from, and nothing can fall between the sync and the stream. Hosts
 * too old or too restricted for event.inject get the token "" instead,
 * which replays every object once more; the bindings are recomputed from
 * state, so that costs time, not correctness.
 *
 * Failures, by what they mean:
 *   SESSION_INVALID                      log in again, resync
 *   EVENTS_LOST, SESSION_NOT_REGISTERED,
 *   EVENT_FROM_TOKEN_PARSE_FAILURE       resync on the same session
 *   HOST_IS_SLAVE                        the master moved: locate, resync
 *   connection reset, HTTP 5xx, garbage  retry the call once, then locate
 *   timeout, refused, TLS                locate (its first try is this master)
 * While no master answers, the bindings reported stay (state stale); after
 * flush_after_s (if set) they are flushed (state down).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "common/log.h"
#include "xapi_private.h"

#define LOGOUT_TIMEOUT_MS 500 /* at stop: never hold shutdown for a dead master */

enum step {
	STEP_LOCATE,
	STEP_SYNC,
	STEP_STREAM,
};

struct xapi_source {
	struct src src;
	char name[CFG_NAME_MAX + 8]; /* "xenapi <name>" */
	struct cfg_manager mc;       /* members points at our copy */
	char password[512];
	struct xapi_bind_conf bc;
	struct xapi_rpc *rpc;
	struct xapi_cache *cache;
	struct xapi_cands learned; /* host.address of every member, as URLs */
	struct xapi_master master;
	char pinned_uuid[64];
	char token[256];
	struct src_status_slot slot;
	struct src_status st; /* the worker's copy, published after each step */
	bool have_data;       /* bindings reported and not flushed */
	bool retried;         /* the failed call was retried once already */
	uint64_t lost_ns;     /* when the master was lost, 0 = not lost */
	uint32_t attempt;     /* locate rounds failed in a row */
	uint64_t rng;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
};

static bool
stopping(struct xapi_source *s)
{
	return __atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE);
}

static void
publish(struct xapi_source *s, enum src_state state)
{
	s->st.state = state;
	s->st.nb_vms = xapi_cache_nb_guests(s->cache);
	s->st.nb_hosts = xapi_cache_count(s->cache, XAPI_C_HOST);
	s->st.nb_macs = xapi_bind_count(s->cache);
	snprintf(s->st.server, sizeof(s->st.server), "%s", s->master.url);
	src_status_publish(&s->slot, &s->st);
}

static void
fail(struct xapi_source *s, const char *what, const struct xapi_err *err)
{
	s->st.errors++;
	snprintf(s->st.last_error, sizeof(s->st.last_error), "%s: %s", what, err->text);
}

/* ---- candidates and locate ---------------------------------------------- */

static void
learn_host(void *arg, const struct xapi_host_view *h)
{
	struct xapi_source *s = arg;
	char url[CFG_URL_MAX];

	if (h->address[0] != '\0' &&
	    xapi_url_for_address(s->mc.url, h->address, url, sizeof(url)) == 0)
		xapi_cands_add(&s->learned, url);
}

/* Members come and go: the list is rebuilt from the host records. */
static void
relearn(struct xapi_source *s)
{
	xapi_cands_clear(&s->learned);
	xapi_cache_foreach_host(s->cache, learn_host, s);
}

static int
locate(struct xapi_source *s, struct xapi_err *err)
{
	struct xapi_cands c = {0};
	struct xapi_login lg = {
	        .name = s->name,
	        .username = s->mc.username,
	        .password = s->password,
	        .want_pool_uuid = s->mc.pool_uuid[0] ? s->mc.pool_uuid : s->pinned_uuid,
	        .timeout_ms = s->mc.timeout_s * 1000,
	};
	int r = -ENOMEM;

	/* The last master first, then what the operator wrote, then every
	 * member seen: a pool can lose its configured hosts and live on. */
	if ((s->master.url[0] && xapi_cands_add(&c, s->master.url) < 0) ||
	    xapi_cands_add(&c, s->mc.url) < 0)
		goto out;
	for (unsigned i = 0; i < s->mc.nb_members; i++)
		if (xapi_cands_add(&c, s->mc.members[i]) == -ENOMEM)
			goto out;
	for (unsigned i = 0; i < s->learned.nb; i++)
		if (xapi_cands_add(&c, s->learned.urls[i]) < 0)
			goto out;
	r = xapi_locate_master(s->rpc, &c, &lg, &s->master, err);
out:
	xapi_cands_free(&c);
	if (r == 0 && s->pinned_uuid[0] == '\0') {
		snprintf(s->pinned_uuid, sizeof(s->pinned_uuid), "%s", s->master.pool_uuid);
		LOG_INFO(xapi, "%s: following pool %s", s->name, s->pinned_uuid);
	}
	return r;
}

/* ---- sync ----------------------------------------------------------------- */

static int
fetch_class(struct xapi_source *s, enum xapi_class cls, uint64_t *recv_ns, struct xapi_err *err)
{
	const struct xapi_value params[] = {xapi_str(s->master.session)};
	struct xapi_reply reply;
	char method[48];
	int r;

	snprintf(method, sizeof(method), "%s.get_all_records", xapi_class_name(cls));
	r = xapi_rpc_call(s->rpc, method, params, 1, 0, &reply, err);
	if (r < 0)
		return r;
	*recv_ns = reply.recv_ns;
	r = xapi_cache_load_class(s->cache, cls, reply.value);
	xapi_reply_free(&reply);
	if (r == -EBADMSG)
		xapi_err_set(err, "%s: not a map of records", method);
	else if (r < 0)
		xapi_err_set(err, "%s: out of memory", method);
	return r;
}

/* A token from before the sync (see the top of this file). */
static void
take_token(struct xapi_source *s)
{
	const struct xapi_value params[] = {
	        xapi_str(s->master.session),
	        xapi_str("pool"),
	        xapi_str(s->master.pool_ref),
	};
	struct xapi_reply reply;
	struct xapi_err err;

	s->token[0] = '\0';
	if (xapi_rpc_call(s->rpc, "event.inject", params, 3, 0, &reply, &err) < 0) {
		LOG_INFO(xapi, "%s: event.inject: %s: the first event.from replays everything",
		         s->name, err.text);
		return;
	}
	if (reply.value->type == XAPI_STRING && reply.value->nb < sizeof(s->token))
		snprintf(s->token, sizeof(s->token), "%s", reply.value->u.s);
	xapi_reply_free(&reply);
}

static void
api_version(struct xapi_source *s)
{
	struct xapi_pool_view pool;
	struct xapi_host_view host;

	if (xapi_cache_pool(s->cache, &pool) == 0 &&
	    xapi_cache_host(s->cache, pool.master, &host) == 0 && host.api_major >= 0)
		snprintf(s->st.api_version, sizeof(s->st.api_version), "%" PRId64 ".%" PRId64,
		         host.api_major, host.api_minor);
}

static int
full_sync(struct xapi_source *s, struct xapi_err *err)
{
	static const enum xapi_class order[] = {
	        XAPI_C_POOL, XAPI_C_HOST, XAPI_C_NETWORK, XAPI_C_PIF, XAPI_C_VM, XAPI_C_VIF,
	};
	uint64_t t0 = src_now_ns(), recv_ns = t0;
	int r;

	publish(s, SRC_STATE_SYNCING);
	take_token(s);
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		r = fetch_class(s, order[i], &recv_ns, err);
		if (r < 0)
			return r;
	}
	r = xapi_bind_update(s->cache, &s->bc, true, recv_ns);
	if (r < 0) {
		xapi_err_set(err, "out of memory posting the sync");
		return r;
	}
	relearn(s);
	api_version(s);
	s->have_data = true;
	s->lost_ns = 0;
	s->retried = false;
	s->st.resyncs++;
	s->st.last_update_ns = recv_ns;
	s->st.last_sync_ms = (src_now_ns() - t0) / 1000000;
	if (s->st.connected_ns == 0)
		s->st.connected_ns = src_now_ns();
	publish(s, SRC_STATE_STREAMING);
	LOG_INFO(xapi,
	         "%s: synced %u VMs, %u MACs, %u hosts from %s (%s, API %s) in %" PRIu64 " ms",
	         s->name, s->st.nb_vms, s->st.nb_macs, s->st.nb_hosts, s->master.url,
	         xapi_rpc_proto(s->rpc) == XAPI_PROTO_XML ? "XML-RPC" : "JSON-RPC",
	         s->st.api_version, s->st.last_sync_ms);
	return 0;
}

/* ---- events --------------------------------------------------------------- */

static int
refetch(struct xapi_source *s, const struct xapi_batch_result *res, uint64_t *recv_ns,
        struct xapi_err *err)
{
	for (int k = 0; k < XAPI_C_NB; k++) {
		int r;

		if (!res->refetch[k])
			continue;
		LOG_INFO(xapi, "%s: %s records disagree with valid_ref_counts: refetching them",
		         s->name, xapi_class_name(k));
		r = fetch_class(s, k, recv_ns, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
stream_once(struct xapi_source *s, struct xapi_err *err)
{
	static const struct xapi_value classes[] = {
	        {.type = XAPI_STRING, .nb = 4, .u.s = "pool"},
	        {.type = XAPI_STRING, .nb = 4, .u.s = "host"},
	        {.type = XAPI_STRING, .nb = 7, .u.s = "network"},
	        {.type = XAPI_STRING, .nb = 3, .u.s = "pif"},
	        {.type = XAPI_STRING, .nb = 2, .u.s = "vm"},
	        {.type = XAPI_STRING, .nb = 3, .u.s = "vif"},
	};
	const struct xapi_value params[] = {
	        xapi_str(s->master.session),
	        xapi_arr(classes, 6),
	        xapi_str(s->token),
	        xapi_dbl((double)s->mc.wait_s),
	};
	struct xapi_batch_result res;
	struct xapi_reply reply;
	uint64_t recv_ns;
	int r;

	r = xapi_rpc_call(s->rpc, "event.from", params, 4, (s->mc.wait_s + s->mc.timeout_s) * 1000,
	                  &reply, err);
	if (r < 0)
		return r;
	recv_ns = reply.recv_ns;
	r = xapi_cache_apply_events(s->cache, reply.value, &res);
	xapi_reply_free(&reply);
	if (r < 0) {
		xapi_err_set(err, "event.from: %s",
		             r == -ENOMEM ? "out of memory" : "not an event batch");
		return r;
	}
	s->retried = false;
	snprintf(s->token, sizeof(s->token), "%s", res.token);
	r = refetch(s, &res, &recv_ns, err);
	if (r < 0)
		return r;
	r = xapi_bind_update(s->cache, &s->bc, false, recv_ns);
	if (r < 0) {
		xapi_err_set(err, "out of memory posting updates");
		return r;
	}
	s->st.updates += (uint64_t)r;
	if (res.nb_events > 0 || r > 0)
		s->st.last_update_ns = recv_ns;
	if (res.refetch[XAPI_C_HOST] || res.nb_events > 0)
		relearn(s);
	publish(s, SRC_STATE_STREAMING);
	return 0;
}

/* ---- recovery -------------------------------------------------------------- */

/* Sleep up to @p ms, or until stopped. */
static void
nap(struct xapi_source *s, uint64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->lock);
	while (!s->stopping && pthread_cond_timedwait(&s->cond, &s->lock, &ts) == 0)
		;
	pthread_mutex_unlock(&s->lock);
}

static uint64_t
random_u64(struct xapi_source *s)
{
	/* xorshift64*: jitter needs spread, not secrecy. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ull;
}

/* Exponential backoff with full jitter: uniform in [0, min(max, min * 2^n)],
 * so that many gateways losing one master do not come back in step. */
static uint64_t
backoff_ms(struct xapi_source *s)
{
	uint64_t cap = s->mc.backoff_min_ms;

	for (uint32_t i = 0; i < s->attempt && cap < s->mc.backoff_max_ms; i++)
		cap *= 2;
	if (cap > s->mc.backoff_max_ms)
		cap = s->mc.backoff_max_ms;
	s->attempt++;
	return random_u64(s) % (cap + 1);
}

static void
maybe_flush(struct xapi_source *s)
{
	uint64_t after = (uint64_t)s->mc.flush_after_s * 1000000000ull;
	struct src_update up = {.op = SRC_OP_FLUSH, .src_id = s->src.id};

	if (!s->have_data || after == 0 || s->lost_ns == 0 || src_now_ns() - s->lost_ns < after)
		return;
	up.recv_ns = src_now_ns();
	if (src_queue_post(s->bc.q, &up) < 0)
		return; /* tried again after the next round */
	xapi_bind_forget(s->cache);
	s->have_data = false;
	LOG_WARN(xapi, "%s: no master for %u s: bindings flushed", s->name, s->mc.flush_after_s);
}

/* No master answered: wait, keeping (or, after flush_after_s, flushing)
 * the bindings. */
static void
wait_after_locate(struct xapi_source *s)
{
	uint64_t ms = backoff_ms(s), left;

	if (s->lost_ns == 0)
		s->lost_ns = src_now_ns();
	maybe_flush(s);
	publish(s, s->have_data ? SRC_STATE_STALE : SRC_STATE_DOWN);
	if (s->have_data && s->mc.flush_after_s > 0) {
		left = s->lost_ns / 1000000 + (uint64_t)s->mc.flush_after_s * 1000 -
		       src_now_ns() / 1000000;
		if (left < ms)
			ms = left + 1;
	}
	nap(s, ms);
	maybe_flush(s);
}

static bool
is_code(const struct xapi_err *err, const char *code)
{
	return strcmp(err->code, code) == 0;
}

/* The stream is gone: locate again, from this master first. */
static enum step
lose_master(struct xapi_source *s)
{
	s->retried = false;
	s->lost_ns = s->lost_ns ? s->lost_ns : src_now_ns();
	s->st.reconnects++;
	s->st.connected_ns = 0;
	/* The session died with the stream; the URL stays: tried first. */
	explicit_bzero(s->master.session, sizeof(s->master.session));
	publish(s, s->have_data ? SRC_STATE_STALE : SRC_STATE_CONNECTING);
	return STEP_LOCATE;
}

/* Where to go after step @p at failed with @p r. */
static enum step
recover(struct xapi_source *s, enum step at, int r, const struct xapi_err *err)
{
	if (r == -ECANCELED)
		return at;
	fail(s, at == STEP_SYNC ? "sync" : "event.from", err);
	LOG_WARN(xapi, "%s: %s: %s", s->name, at == STEP_SYNC ? "sync" : "event.from", err->text);
	if (r == -EREMOTEIO) {
		if (is_code(err, "EVENTS_LOST") || is_code(err, "SESSION_NOT_REGISTERED") ||
		    is_code(err, "EVENT_FROM_TOKEN_PARSE_FAILURE"))
			return STEP_SYNC;
		if (is_code(err, "SESSION_INVALID") || is_code(err, "HOST_IS_SLAVE"))
			return lose_master(s);
	}
	if (r == -ENOMEM ||
	    (r == -EBADMSG && err->code[0] == '\0' && at == STEP_STREAM && s->retried)) {
		nap(s, s->mc.backoff_min_ms);
		return STEP_SYNC;
	}
	/* A reset connection or a garbled answer may be a glitch: once. A
	 * timeout or a refusal is not; locating tries this master first anyway. */
	if (!s->retried && (r == -ECONNRESET || r == -EIO || r == -EBADMSG || r == -EREMOTEIO)) {
		s->retried = true;
		return at;
	}
	return lose_master(s);
}

static void *
run(void *arg)
{
	struct xapi_source *s = arg;
	enum step step = STEP_LOCATE;
	struct xapi_err err;
	int r = 0;

	publish(s, SRC_STATE_CONNECTING);
	while (!stopping(s)) {
		switch (step) {
		case STEP_LOCATE:
			r = locate(s, &err);
			if (r == 0) {
				s->attempt = 0;
				step = STEP_SYNC;
			} else if (r != -ECANCELED) {
				fail(s, "locate", &err);
				wait_after_locate(s);
			}
			continue;
		case STEP_SYNC:
			r = full_sync(s, &err);
			break;
		case STEP_STREAM:
			r = stream_once(s, &err);
			break;
		}
		if (r == 0)
			step = STEP_STREAM;
		else
			step = recover(s, step, r, &err);
	}
	/* Stopped: a clean goodbye if the master is still there. */
	xapi_rpc_unabort(s->rpc);
	xapi_session_logout(s->rpc, s->master.session, LOGOUT_TIMEOUT_MS);
	return NULL;
}

/* ---- the struct src ops ----------------------------------------------------- */

static void
xs_stop(void *impl)
{
	struct xapi_source *s = impl;

	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	__atomic_store_n(&s->stopping, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	xapi_rpc_abort(s->rpc);
	pthread_join(s->thread, NULL);
	s->st.state = SRC_STATE_DOWN;
	s->st.connected_ns = 0;
	src_status_publish(&s->slot, &s->st);
	LOG_INFO(xapi, "%s: stopped", s->name);
}

static void
xs_status(void *impl, struct src_status *out)
{
	struct xapi_source *s = impl;

	src_status_read(&s->slot, out);
}

static void
xs_destroy(void *impl)
{
	struct xapi_source *s = impl;

	if (s == NULL)
		return;
	xapi_rpc_destroy(s->rpc);
	xapi_cache_destroy(s->cache);
	xapi_cands_free(&s->learned);
	free(s->mc.members);
	explicit_bzero(s->password, sizeof(s->password));
	explicit_bzero(s->master.session, sizeof(s->master.session));
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->slot.lock);
	free(s);
}

static const struct src_ops xs_ops = {
        .stop = xs_stop,
        .status = xs_status,
        .destroy = xs_destroy,
};

/* Copy the configuration, with the defaults of cfg.h for zeros. */
static int
copy_conf(struct xapi_source *s, const struct cfg_manager *mc)
{
	s->mc = *mc;
	s->mc.members = NULL;
	if (mc->nb_members > 0) {
		s->mc.members = calloc(mc->nb_members, sizeof(*s->mc.members));
		if (s->mc.members == NULL)
			return -ENOMEM;
		memcpy(s->mc.members, mc->members, mc->nb_members * sizeof(*s->mc.members));
	}
	s->mc.timeout_s = mc->timeout_s ? mc->timeout_s : 30;
	s->mc.wait_s = mc->wait_s ? mc->wait_s : 30;
	s->mc.backoff_min_ms = mc->backoff_min_ms ? mc->backoff_min_ms : 500;
	s->mc.backoff_max_ms = mc->backoff_max_ms ? mc->backoff_max_ms : 30000;
	if (s->mc.backoff_max_ms < s->mc.backoff_min_ms)
		s->mc.backoff_max_ms = s->mc.backoff_min_ms;
	return 0;
}

static int
check_conf(const struct cfg_manager *mc, const char *name)
{
	char url[CFG_URL_MAX];

	if (mc->type != CFG_MGR_XENAPI) {
		LOG_ERR(xapi, "%s: not a xenapi manager", name);
		return -EINVAL;
	}
	if (xapi_url_for_address(mc->url, "x", url, sizeof(url)) < 0) {
		LOG_ERR(xapi, "%s: url %s: expected https://host[:port]", name, mc->url);
		return -EINVAL;
	}
	if (mc->username[0] == '\0') {
		LOG_ERR(xapi, "%s: no username", name);
		return -EINVAL;
	}
	return 0;
}

static int
make_rpc(struct xapi_source *s, xapi_transport_fn transport, void *ctx)
{
	struct http_client_conf hc = {
	        .name = s->name,
	        .tls = {.ca_file = s->mc.ca_file,
	                .fingerprint = s->mc.fingerprint,
	                .insecure = s->mc.insecure},
	        .connect_timeout_ms = s->mc.timeout_s * 1000,
	        .timeout_ms = s->mc.timeout_s * 1000,
	        .max_response = XAPI_MAX_RESPONSE,
	};
	struct xapi_rpc_conf rc = {
	        .name = s->name,
	        .http = &hc,
	        .transport = transport,
	        .transport_ctx = ctx,
	        .timeout_ms = s->mc.timeout_s * 1000,
	};

	s->rpc = xapi_rpc_create(&rc);
	if (s->rpc == NULL) {
		LOG_ERR(xapi, "%s: %s", s->name,
		        errno == EINVAL ? "fingerprint: expected 32 hex bytes" : strerror(errno));
		return -errno;
	}
	return 0;
}

/* nap() waits on CLOCK_MONOTONIC: a wall-clock step must not stretch a backoff. */
static void
init_cond(pthread_cond_t *cond)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &ca);
	pthread_condattr_destroy(&ca);
}

struct src *
xapi_source_start_with(const struct cfg_manager *mc, uint16_t src_id, struct src_queue *q,
                       xapi_transport_fn transport, void *ctx)
{
	struct xapi_source *s = calloc(1, sizeof(*s));
	int r;

	if (s == NULL)
		return NULL;
	snprintf(s->name, sizeof(s->name), "xenapi %s", mc->name);
	pthread_mutex_init(&s->lock, NULL);
	init_cond(&s->cond);
	src_status_init(&s->slot, "xenapi", mc->name);
	s->st = s->slot.st;
	r = check_conf(mc, s->name);
	if (r == 0)
		r = copy_conf(s, mc);
	if (r == 0)
		r = src_password_load(mc, s->password, sizeof(s->password));
	if (r < 0)
		goto err_conf;
	r = make_rpc(s, transport, ctx);
	if (r < 0)
		goto err_conf;
	s->cache = xapi_cache_create();
	if (s->cache == NULL) {
		r = -ENOMEM;
		goto err_conf;
	}
	s->bc = (struct xapi_bind_conf){.name = s->name,
	                                .src_id = src_id,
	                                .q = q,
	                                .transport_network = s->mc.transport_network};
	s->rng = src_now_ns() ^ ((uint64_t)src_id << 48) ^ (uintptr_t)s;
	s->rng = s->rng ? s->rng : 1;
	s->src = (struct src){.ops = &xs_ops, .impl = s, .id = src_id, .type = CFG_MGR_XENAPI};
	snprintf(s->src.name, sizeof(s->src.name), "%s", mc->name);
	xmlInitParser(); /* once, from the control thread, before any worker parses */
	r = -pthread_create(&s->thread, NULL, run, s);
	if (r < 0)
		goto err_conf;
	return &s->src;

err_conf:
	xs_destroy(s);
	errno = -r;
	return NULL;
}

struct src *
xapi_source_start(const struct cfg_manager *mc, uint16_t src_id, struct src_queue *q)
{
	return xapi_source_start_with(mc, src_id, q, NULL, NULL);
}
