/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_source.c - the worker thread of one vCenter / ESXi source: connect,
 * full sync, stream, and what to do when any of it fails (see vc.h).
 *
 * States (struct src_status): connecting (first attempt), syncing (a full
 * sync between SYNC_BEGIN and SYNC_END), streaming, stale (lost the
 * manager after a sync: the last good bindings stay), down (never synced,
 * or flushed after flush_after_s unreachable).
 *
 * Stopping: stop() sets the flag and aborts the HTTP request in progress
 * under one lock, so a long poll ends within libcurl's progress period
 * (about a second); the worker then re-arms the client and makes its
 * best-effort cleanup calls with a short timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "common/log.h"
#include "vc_private.h"

#define DEFAULT_MAX_OBJECT_UPDATES 1000
#define PASSWORD_MAX               1024

struct http_transport {
	struct http_client *hc;
	const char *url;
	uint32_t timeout_ms;
};

struct vc_source {
	struct src src;
	struct cfg_manager mc;
	char logname[CFG_NAME_MAX + 16];
	struct src_queue *q;
	struct vc_source_opts opts;
	struct src_status_slot slot;
	struct src_status st; /* the worker's copy, published after each step */
	pthread_t thread;
	bool started;
	bool joined;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	struct http_client *hc;
	struct http_transport ht;
	struct vc_sess sess;
	struct vc_inv *inv;
	uint64_t rnd;
	bool opened_once;
	bool synced; /* bindings from a full sync are out there */
	bool flushed;
	uint64_t lost_ns; /* since when the manager is unreachable, 0 = it is not */
	unsigned attempt; /* consecutive failures */
};

uint32_t
vc_backoff_ms(uint32_t min_ms, uint32_t max_ms, unsigned attempt, uint64_t rnd)
{
	uint64_t cap = min_ms;

	if (max_ms < min_ms)
		max_ms = min_ms;
	for (unsigned i = 0; i <= attempt && cap < max_ms; i++)
		cap *= 2;
	if (cap > max_ms)
		cap = max_ms;
	return min_ms + (uint32_t)(rnd % (cap - min_ms + 1));
}

static int
http_transport_post(void *ctx, const char *soap_action, const char *body, size_t len,
                    struct http_response *resp)
{
	struct http_transport *t = ctx;
	char action[128];
	/* "Expect:" off: libcurl would otherwise wait for a 100 Continue on
	 * bodies over 1 KiB (CreateFilter) from servers that never send one. */
	const char *hdrs[] = {"Content-Type: text/xml; charset=utf-8", action, "Expect:", NULL};
	struct http_request req = {
	        .url = t->url,
	        .body = body,
	        .body_len = len,
	        .headers = hdrs,
	        .timeout_ms = t->timeout_ms,
	};

	snprintf(action, sizeof(action), "SOAPAction: \"%s\"", soap_action);
	return http_post(t->hc, &req, resp);
}

static uint64_t
next_rnd(struct vc_source *vs)
{
	/* xorshift64*: jitter only, nothing secret. */
	vs->rnd ^= vs->rnd >> 12;
	vs->rnd ^= vs->rnd << 25;
	vs->rnd ^= vs->rnd >> 27;
	return vs->rnd * 0x2545f4914f6cdd1dull;
}

static bool
stopping(struct vc_source *vs)
{
	bool s;

	pthread_mutex_lock(&vs->lock);
	s = vs->stop;
	pthread_mutex_unlock(&vs->lock);
	return s;
}

static void
publish(struct vc_source *vs, enum src_state state)
{
	struct vc_inv_counts c;

	vc_inv_counts(vs->inv, &c);
	vs->st.state = state;
	vs->st.nb_vms = c.nb_vms;
	vs->st.nb_hosts = c.nb_hosts;
	vs->st.nb_macs = c.nb_macs;
	vs->st.errors = vs->sess.nb_errors;
	snprintf(vs->st.api_version, sizeof(vs->st.api_version), "%s", vs->sess.sc.api_version);
	snprintf(vs->st.last_error, sizeof(vs->st.last_error), "%s", vs->sess.last_error);
	src_status_publish(&vs->slot, &vs->st);
}

/* The full sync, then the stream, until something fails. */
static int
stream(struct vc_source *vs)
{
	char version[VC_VERSION_MAX] = "";
	uint64_t t0 = src_now_ns();
	bool syncing = true;
	int r;

	vc_inv_reset(vs->inv);
	vc_inv_post_op(vs->inv, SRC_OP_SYNC_BEGIN, t0);
	publish(vs, SRC_STATE_SYNCING);
	while (!stopping(vs)) {
		struct vc_update_set us;
		bool truncated;

		r = vc_sess_wait(&vs->sess, version, vs->mc.wait_s, vs->opts.max_object_updates,
		                 &us);
		if (r < 0)
			return r;
		if (!us.empty) {
			r = vc_inv_apply(vs->inv, &us, vs->sess.recv_ns);
			snprintf(version, sizeof(version), "%s", us.version);
			vs->st.last_update_ns = vs->sess.recv_ns;
			if (!syncing)
				vs->st.updates += us.nb_objs;
		}
		truncated = us.truncated;
		vc_update_set_free(&us);
		if (r < 0) {
			LOG_ERR(vc, "%s: cannot apply an update: %s", vs->logname, strerror(-r));
			return r;
		}
		if (syncing && !truncated) {
			syncing = false;
			vc_inv_post_op(vs->inv, SRC_OP_SYNC_END, vs->sess.recv_ns);
			vs->synced = true;
			vs->flushed = false;
			vs->lost_ns = 0;
			vs->attempt = 0;
			vs->st.resyncs++;
			vs->st.last_sync_ms = (src_now_ns() - t0) / 1000000u;
			vs->sess.last_error[0] = '\0';
			publish(vs, SRC_STATE_STREAMING);
			LOG_INFO(vc, "%s: synced %u VMs, %u hosts, %u MACs in %llu ms", vs->logname,
			         vs->st.nb_vms, vs->st.nb_hosts, vs->st.nb_macs,
			         (unsigned long long)vs->st.last_sync_ms);
		} else {
			publish(vs, syncing ? SRC_STATE_SYNCING : SRC_STATE_STREAMING);
		}
	}
	return -ECANCELED;
}

static int
connect_and_stream(struct vc_source *vs)
{
	char *pw = malloc(PASSWORD_MAX);
	int r;

	if (pw == NULL)
		return -ENOMEM;
	r = src_password_load(&vs->mc, pw, PASSWORD_MAX);
	if (r == 0)
		r = vc_sess_open(&vs->sess, vs->mc.username, pw);
	explicit_bzero(pw, PASSWORD_MAX);
	free(pw);
	if (r < 0) {
		if (vs->sess.last_error[0] == '\0')
			snprintf(vs->sess.last_error, sizeof(vs->sess.last_error),
			         "cannot read the password: %s", strerror(-r));
		return r;
	}
	if (vs->opened_once)
		vs->st.reconnects++;
	vs->opened_once = true;
	vs->st.connected_ns = src_now_ns();
	LOG_INFO(vc, "%s: logged in to %s (%s, API %s) as %s", vs->logname, vs->mc.url,
	         vs->sess.sc.full_name, vs->sess.sc.api_version, vs->mc.username);
	return stream(vs);
}

/* Sleep until @p until_ns or stop; @return true if stopping. */
static bool
sleep_until(struct vc_source *vs, uint64_t until_ns)
{
	struct timespec ts = {.tv_sec = (time_t)(until_ns / 1000000000u),
	                      .tv_nsec = (long)(until_ns % 1000000000u)};
	bool s;

	pthread_mutex_lock(&vs->lock);
	while (!vs->stop && src_now_ns() < until_ns)
		if (pthread_cond_timedwait(&vs->cond, &vs->lock, &ts) == ETIMEDOUT)
			break;
	s = vs->stop;
	pthread_mutex_unlock(&vs->lock);
	return s;
}

static void
flush(struct vc_source *vs)
{
	LOG_WARN(vc, "%s: unreachable for %u s: withdrawing its %u MACs (flush_after_s)",
	         vs->logname, vs->mc.flush_after_s, vs->st.nb_macs);
	vc_inv_post_op(vs->inv, SRC_OP_FLUSH, src_now_ns());
	vc_inv_reset(vs->inv);
	vs->flushed = true;
	publish(vs, SRC_STATE_DOWN);
}

/* After a failure: stale or down, maybe flush, back off. */
static void
recover(struct vc_source *vs, int err)
{
	uint64_t now = src_now_ns(), until, flush_at = UINT64_MAX;
	bool session_only = err == -EKEYEXPIRED || err == -ESTALE;
	uint32_t delay;

	vs->st.connected_ns = 0;
	if (vs->synced && !vs->flushed && vs->lost_ns == 0 && !session_only)
		vs->lost_ns = now;
	publish(vs, vs->synced && !vs->flushed ? SRC_STATE_STALE : SRC_STATE_DOWN);
	/* An expired session with a server that answers: log in again now. */
	if (session_only && vs->attempt++ == 0)
		return;
	delay = vc_backoff_ms(vs->mc.backoff_min_ms, vs->mc.backoff_max_ms, vs->attempt++,
	                      next_rnd(vs));
	LOG_WARN(vc, "%s: retrying in %u ms", vs->logname, delay);
	until = now + (uint64_t)delay * 1000000u;
	if (vs->mc.flush_after_s > 0 && vs->lost_ns != 0 && !vs->flushed)
		flush_at = vs->lost_ns + (uint64_t)vs->mc.flush_after_s * 1000000000u;
	if (flush_at < until) {
		if (sleep_until(vs, flush_at))
			return;
		flush(vs);
	}
	sleep_until(vs, until);
}

static void *
worker(void *arg)
{
	struct vc_source *vs = arg;

	publish(vs, SRC_STATE_CONNECTING);
	while (!stopping(vs)) {
		int r = connect_and_stream(vs);

		if (stopping(vs))
			break;
		recover(vs, r);
	}
	/* stop() aborted the client under the lock before we saw the flag:
	 * re-arm it for the goodbye calls. */
	pthread_mutex_lock(&vs->lock);
	if (vs->hc != NULL)
		http_client_unabort(vs->hc);
	pthread_mutex_unlock(&vs->lock);
	vc_sess_close(&vs->sess);
	vs->st.connected_ns = 0;
	publish(vs, SRC_STATE_DOWN);
	return NULL;
}

static void
vs_stop(void *impl)
{
	struct vc_source *vs = impl;

	pthread_mutex_lock(&vs->lock);
	if (!vs->stop) {
		vs->stop = true;
		if (vs->hc != NULL)
			http_client_abort(vs->hc);
		pthread_cond_broadcast(&vs->cond);
	}
	pthread_mutex_unlock(&vs->lock);
	if (vs->started && !vs->joined) {
		pthread_join(vs->thread, NULL);
		vs->joined = true;
	}
}

static void
vs_status(void *impl, struct src_status *out)
{
	struct vc_source *vs = impl;

	src_status_read(&vs->slot, out);
}

static void
vs_destroy(void *impl)
{
	struct vc_source *vs = impl;

	if (vs == NULL)
		return;
	vs_stop(vs);
	vc_inv_destroy(vs->inv);
	vc_sess_fini(&vs->sess);
	http_client_destroy(vs->hc);
	pthread_cond_destroy(&vs->cond);
	pthread_mutex_destroy(&vs->lock);
	pthread_mutex_destroy(&vs->slot.lock);
	free(vs);
}

static const struct src_ops vc_src_ops = {
        .stop = vs_stop,
        .status = vs_status,
        .destroy = vs_destroy,
};

static void
conf_defaults(struct vc_source *vs, const struct cfg_manager *mc, const struct vc_source_opts *o)
{
	vs->mc = *mc;
	vs->mc.members = NULL; /* xenapi only; not ours to keep */
	vs->mc.nb_members = 0;
	if (vs->mc.timeout_s == 0)
		vs->mc.timeout_s = 30;
	if (vs->mc.wait_s == 0)
		vs->mc.wait_s = 30;
	if (vs->mc.backoff_min_ms == 0)
		vs->mc.backoff_min_ms = 500;
	if (vs->mc.backoff_max_ms == 0)
		vs->mc.backoff_max_ms = 30000;
	if (o != NULL)
		vs->opts = *o;
	if (vs->opts.max_object_updates == 0)
		vs->opts.max_object_updates = DEFAULT_MAX_OBJECT_UPDATES;
	if (vs->opts.max_response == 0)
		vs->opts.max_response = HTTP_DEFAULT_MAX_RESPONSE;
	snprintf(vs->logname, sizeof(vs->logname), "vcenter %s", mc->name);
}

static int
transport_init(struct vc_source *vs)
{
	struct http_client_conf hcc = {
	        .name = vs->logname,
	        .tls = {.ca_file = vs->mc.ca_file,
	                .fingerprint = vs->mc.fingerprint,
	                .insecure = vs->mc.insecure},
	        .connect_timeout_ms = vs->mc.timeout_s * 1000u,
	        .timeout_ms = vs->mc.timeout_s * 1000u,
	        .max_response = vs->opts.max_response,
	};

	if (vs->opts.transport != NULL) {
		vs->sess.transport = vs->opts.transport;
		vs->sess.transport_ctx = vs->opts.transport_ctx;
		return 0;
	}
	vs->hc = http_client_create(&hcc);
	if (vs->hc == NULL) {
		int e = errno;

		LOG_ERR(vc, "%s: %s", vs->logname,
		        e == EINVAL ? "fingerprint: not a SHA-256 fingerprint (64 hex digits)"
		                    : strerror(e));
		return -e;
	}
	if (vs->mc.insecure)
		LOG_WARN(vc, "%s: TLS certificate verification is OFF (insecure: true)",
		         vs->logname);
	vs->ht.hc = vs->hc;
	vs->ht.url = vs->mc.url;
	vs->sess.transport = http_transport_post;
	vs->sess.transport_ctx = &vs->ht;
	vs->sess.hc = vs->hc;
	vs->sess.timeout_slot = &vs->ht.timeout_ms;
	return 0;
}

static int
sync_init(struct vc_source *vs)
{
	pthread_condattr_t ca;

	if (pthread_condattr_init(&ca) != 0)
		return -ENOMEM;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&vs->cond, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		return -ENOMEM;
	}
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&vs->lock, NULL);
	return 0;
}

struct src *
vc_source_start_opts(const struct cfg_manager *mc, uint16_t src_id, struct src_queue *q,
                     const struct vc_source_opts *opts)
{
	struct vc_source *vs;
	int r;

	if (mc == NULL || q == NULL || mc->type != CFG_MGR_VCENTER) {
		errno = EINVAL;
		return NULL;
	}
	vs = calloc(1, sizeof(*vs));
	if (vs == NULL)
		return NULL;
	conf_defaults(vs, mc, opts);
	vs->q = q;
	vs->rnd = src_now_ns() ^ ((uint64_t)(uintptr_t)vs << 16) ^ src_id;
	if (vs->rnd == 0)
		vs->rnd = 1;
	src_status_init(&vs->slot, "vcenter", mc->name);
	vs->st = vs->slot.st;
	vs->st.state = SRC_STATE_CONNECTING;
	snprintf(vs->st.server, sizeof(vs->st.server), "%s", mc->url);
	src_status_publish(&vs->slot, &vs->st);
	r = sync_init(vs);
	if (r < 0)
		goto err_sync;
	vs->sess.name = vs->logname;
	vs->sess.timeout_ms = vs->mc.timeout_s * 1000u;
	vs->sess.max_response = vs->opts.max_response;
	r = transport_init(vs);
	if (r < 0)
		goto err_transport;
	vs->inv = vc_inv_create(q, src_id, vs->logname);
	if (vs->inv == NULL) {
		r = -ENOMEM;
		goto err_inv;
	}
	/* libxml2 wants its global init before threads parse. */
	xmlInitParser();
	vs->src.ops = &vc_src_ops;
	vs->src.impl = vs;
	vs->src.id = src_id;
	vs->src.type = CFG_MGR_VCENTER;
	snprintf(vs->src.name, sizeof(vs->src.name), "%s", mc->name);
	r = -pthread_create(&vs->thread, NULL, worker, vs);
	if (r < 0)
		goto err_thread;
	vs->started = true;
	return &vs->src;

err_thread:
	vc_inv_destroy(vs->inv);
err_inv:
	http_client_destroy(vs->hc);
err_transport:
	pthread_cond_destroy(&vs->cond);
	pthread_mutex_destroy(&vs->lock);
err_sync:
	pthread_mutex_destroy(&vs->slot.lock);
	free(vs);
	errno = -r;
	return NULL;
}

struct src *
vc_source_start(const struct cfg_manager *mc, uint16_t src_id, struct src_queue *q)
{
	return vc_source_start_opts(mc, src_id, q, NULL);
}
