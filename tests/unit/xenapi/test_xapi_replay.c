/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xapi_replay.c - whole sources, threads and all, against a scripted
 * XAPI behind the injected transport: redirects, transport detection,
 * session expiry, lost events, pool identity, failover, flush.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "common/netaddr.h"
#include "control/xenapi/xapi_private.h"
#include "xapi_fixture.h"

#define EMPTY_BATCH "{\"events\":[],\"token\":\"00000000000000000006,00000000000000000000\"}"
#define MIGRATE_BATCH                                                                              \
	"{\"events\":[{\"id\":\"7\",\"timestamp\":\"0.0\",\"class\":\"vm\",\"operation\":"         \
	"\"mod\",\"ref\":\"OpaqueRef:v1\",\"snapshot\":" FX_V1_ON_H2 "}],"                         \
	"\"valid_ref_counts\":{\"vm\":9,\"vif\":9},"                                               \
	"\"token\":\"00000000000000000007,00000000000000000000\"}"

/* A scripted pool. Hosts are told apart by the address in the URL. */
struct mini {
	pthread_mutex_t lock;
	const char *master;  /* logins elsewhere: HOST_IS_SLAVE master */
	const char *ejected; /* master of a pool of its own */
	const char *dead;    /* refuses connections */
	bool xml_only;       /* 404 on /jsonrpc */
	bool down;           /* every host refuses connections */
	const char *batches[4];
	unsigned nb_batches;
	const char *fail_method, *fail_code;
	int fail_count;
	int reset_count; /* event.from connections reset */
	bool vifs_lose_f2;
	unsigned nb_login, nb_logout, nb_json, nb_xml, nb_vif_fetch, nb_event_from;
	unsigned nb_pool_at_ejected;
	unsigned nb_refused;
};

struct acc {
	struct src_queue *q;
	struct src_update u[256];
	unsigned nb;
};

static void
host_of(const char *url, char *out, size_t size)
{
	const char *h = strstr(url, "://") + 3;

	snprintf(out, size, "%.*s", (int)strcspn(h, ":/"), h);
}

static void
xml_of(const json_t *j, struct xapi_buf *b)
{
	const char *k;
	json_t *v;
	size_t i;
	char tmp[32];

	xapi_buf_adds(b, "<value>");
	if (json_is_string(j)) {
		xapi_buf_adds(b, json_string_value(j)); /* fixtures need no escaping */
	} else if (json_is_integer(j)) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(j));
		xapi_buf_adds(b, tmp); /* xapi: ints are bare strings */
	} else if (json_is_boolean(j)) {
		xapi_buf_adds(b, json_is_true(j) ? "<boolean>1</boolean>" : "<boolean>0</boolean>");
	} else if (json_is_array(j)) {
		xapi_buf_adds(b, "<array><data>");
		json_array_foreach ((json_t *)j, i, v)
			xml_of(v, b);
		xapi_buf_adds(b, "</data></array>");
	} else if (json_is_object(j)) {
		xapi_buf_adds(b, "<struct>");
		json_object_foreach ((json_t *)j, k, v) {
			xapi_buf_adds(b, "<member><name>");
			xapi_buf_adds(b, k);
			xapi_buf_adds(b, "</name>");
			xml_of(v, b);
			xapi_buf_adds(b, "</member>");
		}
		xapi_buf_adds(b, "</struct>");
	}
	xapi_buf_adds(b, "</value>");
}

static char *
answer(bool json, const char *result, const char *code, const char *param)
{
	struct xapi_buf b = {0};
	json_t *r;

	if (json && code != NULL) {
		xapi_buf_adds(&b, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"");
		xapi_buf_adds(&b, code);
		xapi_buf_adds(&b, "\",\"data\":[\"");
		xapi_buf_adds(&b, param);
		xapi_buf_adds(&b, "\"]},\"id\":1}");
		return b.p;
	}
	if (json) {
		xapi_buf_adds(&b, "{\"jsonrpc\":\"2.0\",\"result\":");
		xapi_buf_adds(&b, result);
		xapi_buf_adds(&b, ",\"id\":1}");
		return b.p;
	}
	xapi_buf_adds(&b, "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
	                  "<member><name>Status</name>");
	if (code != NULL) {
		xapi_buf_adds(&b, "<value>Failure</value></member><member><name>ErrorDescription"
		                  "</name><value><array><data><value>");
		xapi_buf_adds(&b, code);
		xapi_buf_adds(&b, "</value><value>");
		xapi_buf_adds(&b, param);
		xapi_buf_adds(&b, "</value></data></array></value>");
	} else {
		xapi_buf_adds(&b, "<value>Success</value></member><member><name>Value</name>");
		r = json_loads(result, JSON_DECODE_ANY, NULL);
		assert_non_null(r);
		xml_of(r, &b);
		json_decref(r);
	}
	xapi_buf_adds(&b, "</member></struct></value></param></params></methodResponse>");
	return b.p;
}

static void
method_of(bool json, const char *body, char *out, size_t size)
{
	if (json) {
		json_t *r = json_loads(body, 0, NULL);

		snprintf(out, size, "%s", json_string_value(json_object_get(r, "method")));
		json_decref(r);
	} else {
		const char *m = strstr(body, "<methodName>") + 12;

		snprintf(out, size, "%.*s", (int)(strstr(m, "</methodName>") - m), m);
	}
}

/* What the pool says to @p method at @p host; *code set for a failure. */
static const char *
respond(struct mini *m, const char *host, const char *method, const char **code, const char **param)
{
	*code = NULL;
	if (m->fail_method != NULL && strcmp(method, m->fail_method) == 0 && m->fail_count > 0) {
		m->fail_count--;
		*code = m->fail_code;
		*param = "OpaqueRef:sess";
		return NULL;
	}
	if (strcmp(method, "session.login_with_password") == 0) {
		m->nb_login++;
		if (m->ejected == NULL || strcmp(host, m->ejected) != 0) {
			if (strcmp(host, m->master) != 0) {
				*code = "HOST_IS_SLAVE";
				*param = m->master;
				return NULL;
			}
		}
		return "\"OpaqueRef:sess\"";
	}
	if (strcmp(method, "session.logout") == 0)
		return m->nb_logout++, "\"\"";
	if (strcmp(method, "pool.get_all_records") == 0) {
		if (m->ejected != NULL && strcmp(host, m->ejected) == 0)
			return m->nb_pool_at_ejected++,
			       "{\"OpaqueRef:p9\":{\"uuid\":\"other-pool\",\"name_label\":\"\","
			       "\"master\":\"OpaqueRef:x\"}}";
		return FX_POOL;
	}
	if (strcmp(method, "event.inject") == 0)
		return "\"00000000000000000005,00000000000000000000\"";
	if (strcmp(method, "host.get_all_records") == 0)
		return FX_HOSTS;
	if (strcmp(method, "network.get_all_records") == 0)
		return FX_NETWORKS;
	if (strcmp(method, "PIF.get_all_records") == 0)
		return FX_PIFS;
	if (strcmp(method, "VM.get_all_records") == 0)
		return FX_VMS;
	if (strcmp(method, "VIF.get_all_records") == 0)
		return m->nb_vif_fetch++ > 0 && m->vifs_lose_f2 ? FX_VIFS_NO_F2 : FX_VIFS;
	if (strcmp(method, "event.from") == 0) {
		unsigned i = m->nb_event_from++;

		return i < m->nb_batches ? m->batches[i] : EMPTY_BATCH;
	}
	*code = "MESSAGE_METHOD_UNKNOWN";
	*param = method;
	return NULL;
}

static int
mini_transport(void *ctx, const char *url, const char *ctype, const char *body, size_t len,
               struct http_response *resp)
{
	struct mini *m = ctx;
	bool json = strstr(url, "/jsonrpc") != NULL;
	const char *result, *code, *param = "";
	char host[64], method[64];
	bool idle;

	(void)ctype;
	(void)len;
	memset(resp, 0, sizeof(*resp));
	host_of(url, host, sizeof(host));
	pthread_mutex_lock(&m->lock);
	if (m->down || (m->dead != NULL && strcmp(host, m->dead) == 0)) {
		m->nb_refused++;
		pthread_mutex_unlock(&m->lock);
		snprintf(resp->err, sizeof(resp->err), "connection refused");
		return -ECONNREFUSED;
	}
	if (json && m->xml_only) {
		m->nb_json++;
		pthread_mutex_unlock(&m->lock);
		resp->status = 404;
		return 0;
	}
	json ? m->nb_json++ : m->nb_xml++;
	method_of(json, body, method, sizeof(method));
	if (strcmp(method, "event.from") == 0 && m->reset_count > 0) {
		m->reset_count--;
		pthread_mutex_unlock(&m->lock);
		snprintf(resp->err, sizeof(resp->err), "connection reset");
		return -ECONNRESET;
	}
	idle = strcmp(method, "event.from") == 0 && m->nb_event_from >= m->nb_batches;
	result = respond(m, host, method, &code, &param);
	resp->body = answer(json, result, code, param);
	pthread_mutex_unlock(&m->lock);
	if (idle)
		usleep(20000); /* a long poll with nothing to say, shortened */
	resp->status = 200;
	resp->body_len = strlen(resp->body);
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static struct cfg_manager
conf(const char *url)
{
	struct cfg_manager mc = {.type = CFG_MGR_XENAPI,
	                         .timeout_s = 2,
	                         .wait_s = 1,
	                         .backoff_min_ms = 10,
	                         .backoff_max_ms = 50};

	snprintf(mc.name, sizeof(mc.name), "replay");
	snprintf(mc.url, sizeof(mc.url), "%s", url);
	snprintf(mc.username, sizeof(mc.username), "root");
	snprintf(mc.password_env, sizeof(mc.password_env), "XAPI_TEST_PW");
	snprintf(mc.transport_network, sizeof(mc.transport_network), "transport");
	return mc;
}

static unsigned
count(const struct acc *a, enum src_op op)
{
	unsigned n = 0;

	for (unsigned i = 0; i < a->nb; i++)
		n += a->u[i].op == op;
	return n;
}

/* Drain until @p nth updates of @p op arrived; false after 5 s. */
static bool
wait_op(struct acc *a, enum src_op op, unsigned nth)
{
	for (int i = 0; i < 1000; i++) {
		a->nb += src_queue_drain(a->q, a->u + a->nb, 256 - a->nb);
		if (count(a, op) >= nth)
			return true;
		usleep(5000);
	}
	return false;
}

static void
status(struct src *s, struct src_status *st)
{
	s->ops->status(s->impl, st);
}

static bool
wait_state(struct src *s, enum src_state want)
{
	struct src_status st;

	for (int i = 0; i < 1000; i++) {
		status(s, &st);
		if (st.state == want)
			return true;
		usleep(5000);
	}
	return false;
}

/* The source posts a batch's updates before it counts them in its status,
 * so a test that saw the updates arrive waits for the count too. */
static bool
wait_updates(struct src *s, uint64_t nth)
{
	struct src_status st;

	for (int i = 0; i < 1000; i++) {
		status(s, &st);
		if (st.updates >= nth)
			return true;
		usleep(5000);
	}
	return false;
}

static struct src *
start(struct mini *m, const struct cfg_manager *mc, struct acc *a)
{
	struct src *s;

	pthread_mutex_init(&m->lock, NULL);
	if (m->master == NULL)
		m->master = "10.0.0.9";
	a->q = src_queue_create();
	a->nb = 0;
	s = xapi_source_start_with(mc, 5, a->q, mini_transport, m);
	assert_non_null(s);
	return s;
}

static void
finish(struct src *s, struct acc *a)
{
	uint64_t t0 = src_now_ns();

	s->ops->stop(s->impl);
	assert_true(src_now_ns() - t0 < 500000000ull); /* prompt */
	s->ops->destroy(s->impl);
	src_queue_destroy(a->q);
}

/* ---- tests ----------------------------------------------------------------- */

static void
test_redirect_sync_migrate(void **state)
{
	struct mini m = {.batches = {MIGRATE_BATCH}, .nb_batches = 1};
	struct cfg_manager mc = conf("https://10.0.0.1:443");
	struct src_status st;
	struct acc a;
	struct src *s = start(&m, &mc, &a);
	unsigned i;

	(void)state;
	assert_true(wait_op(&a, SRC_OP_SYNC_END, 1));
	assert_true(wait_op(&a, SRC_OP_UPSERT, 3));
	assert_int_equal(a.u[0].op, SRC_OP_SYNC_BEGIN);
	for (i = 0; a.u[i].op != SRC_OP_SYNC_END; i++)
		;
	assert_int_equal(i, 3); /* two bindings in the sync */
	assert_int_equal(a.u[4].op, SRC_OP_UPSERT);
	assert_string_equal(a.u[4].b.host, "xs2.example"); /* the migration */
	assert_true(a.u[4].recv_ns > 0 && a.u[4].recv_ns <= src_now_ns());
	assert_true(wait_state(s, SRC_STATE_STREAMING));
	assert_true(wait_updates(s, 1));
	status(s, &st);
	assert_string_equal(st.kind, "xenapi");
	assert_string_equal(st.server, "https://10.0.0.9:443"); /* HOST_IS_SLAVE followed */
	assert_string_equal(st.api_version, "2.21");
	assert_int_equal(st.nb_macs, 2);
	assert_int_equal(st.nb_hosts, 2);
	assert_int_equal(st.nb_vms, 6);
	assert_int_equal(st.resyncs, 1);
	assert_true(st.updates >= 1);
	assert_int_equal(m.nb_xml, 0);
	finish(s, &a);
	assert_int_equal(m.nb_logout, 1); /* goodbye on a clean stop */
}

static void
test_xml_only_detected(void **state)
{
	struct mini m = {.xml_only = true, .batches = {MIGRATE_BATCH}, .nb_batches = 1};
	struct cfg_manager mc = conf("https://10.0.0.1:443");
	struct acc a;
	struct src *s = start(&m, &mc, &a);

	(void)state;
	assert_true(wait_op(&a, SRC_OP_UPSERT, 3));
	/* One JSON-RPC attempt per host (the member, then the master); the
	 * answer is remembered: everything else went as XML-RPC. */
	assert_int_equal(m.nb_json, 2);
	assert_true(m.nb_xml >= 10);
	assert_string_equal(a.u[a.nb - 1].b.host, "xs2.example");
	finish(s, &a);
}

static void
test_session_invalid_relogin(void **state)
{
	struct mini m = {
	        .fail_method = "event.from", .fail_code = "SESSION_INVALID", .fail_count = 1};
	struct cfg_manager mc = conf("https://10.0.0.9:443");
	struct src_status st;
	struct acc a;
	struct src *s = start(&m, &mc, &a);

	(void)state;
	assert_true(wait_op(&a, SRC_OP_SYNC_END, 2));
	assert_int_equal(count(&a, SRC_OP_WITHDRAW), 0);
	assert_true(wait_state(s, SRC_STATE_STREAMING));
	status(s, &st);
	assert_int_equal(st.resyncs, 2);
	assert_int_equal(st.reconnects, 1);
	assert_int_equal(st.errors, 1);
	assert_non_null(strstr(st.last_error, "SESSION_INVALID"));
	assert_null(strstr(st.last_error, "OpaqueRef")); /* a session ref is a secret */
	finish(s, &a);
	assert_int_equal(m.nb_login, 2);
}

static void
test_events_lost_resync(void **state)
{
	struct mini m = {.fail_method = "event.from", .fail_code = "EVENTS_LOST", .fail_count = 1};
	struct cfg_manager mc = conf("https://10.0.0.9:443");
	struct acc a;
	struct src *s = start(&m, &mc, &a);

	(void)state;
	assert_true(wait_op(&a, SRC_OP_SYNC_END, 2));
	finish(s, &a);
	assert_int_equal(m.nb_login, 1); /* same session */
}

static void
test_reset_retried_once(void **state)
{
	struct mini m = {.reset_count = 1, .batches = {MIGRATE_BATCH}, .nb_batches = 1};
	struct cfg_manager mc = conf("https://10.0.0.9:443");
	struct src_status st;
	struct acc a;
	struct src *s = start(&m, &mc, &a);

	(void)state;
	assert_true(wait_op(&a, SRC_OP_UPSERT, 3));
	status(s, &st);
	assert_int_equal(st.resyncs, 1);
	assert_int_equal(st.errors, 1);
	finish(s, &a);
	assert_int_equal(m.nb_login, 1);
}

static void
test_ejected_host_refused(void **state)
{
	struct mini m = {.ejected = "10.0.0.5"};
	struct cfg_manager mc = conf("https://10.0.0.5:443");
	char members[1][CFG_URL_MAX] = {"https://10.0.0.1:443"};
	struct src_status st;
	struct acc a;
	struct src *s;

	(void)state;
	snprintf(mc.pool_uuid, sizeof(mc.pool_uuid), "pool-uuid");
	mc.members = members;
	mc.nb_members = 1;
	s = start(&m, &mc, &a);
	assert_true(wait_op(&a, SRC_OP_SYNC_END, 1));
	status(s, &st);
	assert_string_equal(st.server, "https://10.0.0.9:443");
	assert_int_equal(m.nb_pool_at_ejected, 1);
	assert_int_equal(m.nb_logout, 1); /* the wrong pool's session is closed */
	finish(s, &a);
}

static void
test_failover_keeps_bindings(void **state)
{
	struct mini m = {0};
	struct cfg_manager mc = conf("https://10.0.0.1:443");
	struct src_status st;
	struct acc a;
	struct src *s = start(&m, &mc, &a);

	(void)state;
	assert_true(wait_op(&a, SRC_OP_SYNC_END, 1));
	/* The master dies; the member 10.0.0.2 (learned from host.address) was
	 * ejected meanwhile and leads a pool of its own: the pinned pool uuid
	 * refuses it. Nothing is withdrawn while no master answers. */
	pthread_mutex_lock(&m.lock);
	m.dead = "10.0.0.9";
	m.ejected = "10.0.0.2";
	pthread_mutex_unlock(&m.lock);
	assert_true(wait_state(s, SRC_STATE_STALE));
	usleep(100000);
	status(s, &st);
	assert_int_equal(st.state, SRC_STATE_STALE);
	assert_int_equal(st.nb_macs, 2);
	assert_true(st.connected_ns == 0);
	assert_string_equal(st.server, "https://10.0.0.9:443"); /* the lost one, tried first */
	assert_true(m.nb_pool_at_ejected >= 1);
	/* 10.0.0.2 rejoins and is promoted. */
	pthread_mutex_lock(&m.lock);
	m.ejected = NULL;
	m.master = "10.0.0.2";
	pthread_mutex_unlock(&m.lock);
	assert_true(wait_op(&a, SRC_OP_SYNC_END, 2));
	assert_int_equal(count(&a, SRC_OP_WITHDRAW), 0);
	assert_int_equal(count(&a, SRC_OP_FLUSH), 0);
	assert_true(wait_state(s, SRC_STATE_STREAMING));
	status(s, &st);
	assert_string_equal(st.server, "https://10.0.0.2:443");
	assert_true(st.reconnects >= 1);
	assert_true(st.connected_ns > 0);
	finish(s, &a);
}

static void
test_flush_after(void **state)
{
	struct mini m = {0};
	struct cfg_manager mc = conf("https://10.0.0.9:443");
	struct acc a;
	struct src *s;
	uint64_t t0;

	(void)state;
	mc.flush_after_s = 1;
	s = start(&m, &mc, &a);
	assert_true(wait_op(&a, SRC_OP_SYNC_END, 1));
	pthread_mutex_lock(&m.lock);
	m.down = true;
	pthread_mutex_unlock(&m.lock);
	t0 = src_now_ns();
	assert_true(wait_op(&a, SRC_OP_FLUSH, 1));
	assert_true(src_now_ns() - t0 >= 900000000ull);
	assert_true(wait_state(s, SRC_STATE_DOWN));
	assert_int_equal(count(&a, SRC_OP_WITHDRAW), 0);
	pthread_mutex_lock(&m.lock);
	m.down = false;
	pthread_mutex_unlock(&m.lock);
	assert_true(wait_op(&a, SRC_OP_SYNC_END, 2));
	assert_true(wait_op(&a, SRC_OP_UPSERT, 4)); /* everything again */
	finish(s, &a);
}

static void
test_counts_mismatch_refetch(void **state)
{
	struct mini m = {.batches = {"{\"events\":[],\"valid_ref_counts\":{\"vif\":8},\"token\":"
	                             "\"00000000000000000006,00000000000000000000\"}"},
	                 .nb_batches = 1,
	                 .vifs_lose_f2 = true};
	struct cfg_manager mc = conf("https://10.0.0.9:443");
	struct acc a;
	struct src *s = start(&m, &mc, &a);

	(void)state;
	assert_true(wait_op(&a, SRC_OP_WITHDRAW, 1));
	assert_int_equal(a.u[a.nb - 1].b.mac[5], 2);
	finish(s, &a);
	assert_int_equal(m.nb_vif_fetch, 2);
}

static void
test_locate_asks_a_dead_master_once(void **state)
{
	struct mini m = {.dead = "10.0.0.9"};
	struct xapi_rpc_conf rc = {.name = "t", .transport = mini_transport, .transport_ctx = &m};
	struct xapi_login lg = {.name = "t",
	                        .username = "root",
	                        .password = "secret",
	                        .want_pool_uuid = "",
	                        .timeout_ms = 1000};
	struct xapi_cands c = {0};
	struct xapi_master master;
	struct xapi_err err;
	struct xapi_rpc *rpc;

	(void)state;
	pthread_mutex_init(&m.lock, NULL);
	m.master = "10.0.0.9";
	rpc = xapi_rpc_create(&rc);
	assert_int_equal(xapi_cands_add(&c, "https://10.0.0.9:443"), 0);
	assert_int_equal(xapi_cands_add(&c, "https://10.0.0.1:443/"), 0);
	assert_int_equal(xapi_cands_add(&c, "https://10.0.0.2:443"), 0);
	assert_int_equal(xapi_cands_add(&c, "https://10.0.0.2:443/jsonrpc"), 0); /* same base */
	assert_int_equal(c.nb, 3);
	/* Every member names the dead master: it is asked once per round (a
	 * hung one would cost timeout_s each time). */
	assert_int_equal(xapi_locate_master(rpc, &c, &lg, &master, &err), -ECONNREFUSED);
	assert_int_equal(m.nb_refused, 1);
	assert_int_equal(m.nb_login, 2);
	assert_non_null(strstr(err.text, "10.0.0.9"));
	/* A XenAPI refusal names the host too, and is not asked twice. */
	m.dead = NULL;
	m.fail_method = "session.login_with_password";
	m.fail_code = "SESSION_AUTHENTICATION_FAILED";
	m.fail_count = 1;
	assert_int_equal(xapi_locate_master(rpc, &c, &lg, &master, &err), -EREMOTEIO);
	assert_string_equal(err.code, "SESSION_AUTHENTICATION_FAILED");
	assert_non_null(strstr(err.text, "https://10.0.0.9:443: SESSION_AUTHENTICATION_FAILED"));
	assert_null(strstr(err.text, "secret"));
	assert_int_equal(xapi_locate_master(rpc, &c, &lg, &master, &err), 0);
	assert_string_equal(master.url, "https://10.0.0.9:443");
	xapi_cands_free(&c);
	xapi_rpc_destroy(rpc);
}

static void
test_bad_config(void **state)
{
	struct cfg_manager mc = conf("not-a-url");
	struct src_queue *q = src_queue_create();

	(void)state;
	assert_null(xapi_source_start_with(&mc, 1, q, mini_transport, NULL));
	assert_int_equal(errno, EINVAL);
	mc = conf("https://10.0.0.1");
	mc.type = CFG_MGR_VCENTER;
	assert_null(xapi_source_start_with(&mc, 1, q, mini_transport, NULL));
	mc = conf("https://10.0.0.1");
	snprintf(mc.fingerprint, sizeof(mc.fingerprint), "zz");
	assert_null(xapi_source_start(&mc, 1, q));
	assert_int_equal(errno, EINVAL);
	src_queue_destroy(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_redirect_sync_migrate),
	        cmocka_unit_test(test_xml_only_detected),
	        cmocka_unit_test(test_session_invalid_relogin),
	        cmocka_unit_test(test_events_lost_resync),
	        cmocka_unit_test(test_reset_retried_once),
	        cmocka_unit_test(test_ejected_host_refused),
	        cmocka_unit_test(test_failover_keeps_bindings),
	        cmocka_unit_test(test_flush_after),
	        cmocka_unit_test(test_counts_mismatch_refetch),
	        cmocka_unit_test(test_locate_asks_a_dead_master_once),
	        cmocka_unit_test(test_bad_config),
	};

	setenv("XAPI_TEST_PW", "secret", 1);
	return cmocka_run_group_tests_name("xapi_replay", tests, NULL, NULL);
}
