/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A whole source replayed through an injected vc_transport_fn: the
 * captured conversation, an expired session in the middle (re-login, new
 * view and filter, resync), and a response over the size limit. Plus the
 * backoff's bounds.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vc_test.h"

struct step {
	const char *method;   /* expected request */
	const char *resp;     /* capture answered, NULL = transport error */
	const char *want_req; /* capture the request must equal, or NULL */
	const char *want_sub; /* substring the request must hold, or NULL */
};

struct replay {
	const struct step *steps;
	unsigned nb_steps;
	unsigned next;
	char bad[512]; /* first mismatch */
	pthread_mutex_t lock;
};

static void
method_of(const char *body, char *out, size_t size)
{
	const char *p = strstr(body, "<soapenv:Body><");
	size_t n;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen("<soapenv:Body><");
	n = strcspn(p, " >");
	snprintf(out, size, "%.*s", (int)n, p);
}

static long
status_of(const char *resp_rel)
{
	char rel[256];
	char *hdr;
	long st;

	snprintf(rel, sizeof(rel), "%.*s.resp.hdr", (int)(strlen(resp_rel) - strlen(".resp.xml")),
	         resp_rel);
	hdr = vc_test_read(rel, NULL);
	st = strtol(hdr + strlen("HTTP/1.1 "), NULL, 10);
	free(hdr);
	return st;
}

static void
mismatch(struct replay *rp, const char *fmt, const char *a, const char *b)
{
	if (rp->bad[0] == '\0')
		snprintf(rp->bad, sizeof(rp->bad), fmt, a, b);
}

static int
replay_transport(void *ctx, const char *soap_action, const char *body, size_t len,
                 struct http_response *resp)
{
	struct replay *rp = ctx;
	const struct step *s;
	char method[64];

	memset(resp, 0, sizeof(*resp));
	pthread_mutex_lock(&rp->lock);
	s = rp->next < rp->nb_steps ? &rp->steps[rp->next] : NULL;
	rp->next++;
	pthread_mutex_unlock(&rp->lock);
	if (strcmp(soap_action, "urn:vim25/6.5") != 0)
		mismatch(rp, "SOAPAction %s%s", soap_action, "");
	if (s == NULL || s->resp == NULL) {
		snprintf(resp->err, sizeof(resp->err), "replay: connection refused");
		return -ECONNREFUSED;
	}
	method_of(body, method, sizeof(method));
	if (strcmp(method, s->method) != 0)
		mismatch(rp, "expected %s, got %s", s->method, method);
	if (s->want_req != NULL) {
		size_t wl;
		char *want = vc_test_read(s->want_req, &wl);

		if (wl != len || memcmp(want, body, len) != 0)
			mismatch(rp, "%s: request differs from %s", method, s->want_req);
		free(want);
	}
	if (s->want_sub != NULL && strstr(body, s->want_sub) == NULL)
		mismatch(rp, "%s: request lacks %s", method, s->want_sub);
	resp->status = status_of(s->resp);
	resp->body = vc_test_read(s->resp, &resp->body_len);
	return 0;
}

#define C "vcenter/"
static const struct step conversation[] = {
        {"RetrieveServiceContent", C "01-RetrieveServiceContent.resp.xml",
         C "01-RetrieveServiceContent.req.xml", NULL},
        {"Login", C "03-Login.resp.xml", C "03-Login.req.xml", NULL},
        {"CreateContainerView", C "04-CreateContainerView.resp.xml", NULL,
         "<container type=\"Folder\">group-d1</container><type>VirtualMachine</type>"},
        {"CreateFilter", C "05-CreateFilter.resp.xml", NULL,
         "<obj type=\"ContainerView\">session[4f91f4be-c9ff-4625-bf3f-9a9896803a21]"
         "65415df1-7f2d-4b7e-8178-5ac25bee1ba7</obj>"},
        {"WaitForUpdatesEx", C "06-WaitForUpdatesEx-initial.resp.xml", NULL,
         "<version></version><options><maxWaitSeconds>7</maxWaitSeconds>"
         "<maxObjectUpdates>1000</maxObjectUpdates>"},
        {"WaitForUpdatesEx", C "07-WaitForUpdatesEx-timeout-empty.resp.xml", NULL,
         "<version>-</version>"},
        /* The empty answer had no version: the last one is kept. */
        {"WaitForUpdatesEx", C "08-WaitForUpdatesEx-after-migrate.resp.xml", NULL,
         "<version>-</version>"},
        {"WaitForUpdatesEx", C "02-NotAuthenticatedFault.resp.xml", NULL, NULL},
        /* Session expired: log in again, new view and filter, full resync. */
        {"RetrieveServiceContent", C "01-RetrieveServiceContent.resp.xml", NULL, NULL},
        {"Logout", C "14-Logout.resp.xml", NULL, NULL},
        {"Login", C "03-Login.resp.xml", C "03-Login.req.xml", NULL},
        {"CreateContainerView", C "04-CreateContainerView.resp.xml", NULL, NULL},
        {"CreateFilter", C "05-CreateFilter.resp.xml", NULL, NULL},
        {"WaitForUpdatesEx", C "06-WaitForUpdatesEx-initial.resp.xml", NULL, "<version></version>"},
        {"WaitForUpdatesEx", NULL, NULL, NULL}, /* then the server is gone */
};

static struct cfg_manager
manager(void)
{
	struct cfg_manager mc;

	memset(&mc, 0, sizeof(mc));
	mc.type = CFG_MGR_VCENTER;
	snprintf(mc.name, sizeof(mc.name), "replay");
	snprintf(mc.url, sizeof(mc.url), "https://replay.invalid/sdk");
	snprintf(mc.username, sizeof(mc.username), "user");
	snprintf(mc.password_env, sizeof(mc.password_env), "VC_TEST_PASSWORD");
	mc.wait_s = 7;
	mc.backoff_min_ms = 60000; /* parked in backoff until stopped */
	mc.backoff_max_ms = 60000;
	return mc;
}

static void
wait_steps(struct replay *rp, unsigned n)
{
	for (int i = 0; i < 500; i++) {
		unsigned done;

		pthread_mutex_lock(&rp->lock);
		done = rp->next;
		pthread_mutex_unlock(&rp->lock);
		if (done >= n)
			return;
		usleep(10000);
	}
	fail_msg("replay stuck at step %u of %u", rp->next, n);
}

static void
wait_state(struct src *s, enum src_state want)
{
	struct src_status st;

	for (int i = 0; i < 500; i++) {
		s->ops->status(s->impl, &st);
		if (st.state == want)
			return;
		usleep(10000);
	}
	fail_msg("state %s, want %s", src_state_name(st.state), src_state_name(want));
}

static void
test_conversation(void **state)
{
	struct replay rp = {conversation, sizeof(conversation) / sizeof(conversation[0])};
	struct vc_source_opts o = {.transport = replay_transport, .transport_ctx = &rp};
	struct cfg_manager mc = manager();
	struct src_queue *q = src_queue_create();
	struct vc_test_updates ups = {0};
	struct src_status st;
	struct src *s;
	uint64_t t0;
	int i;

	(void)state;
	pthread_mutex_init(&rp.lock, NULL);
	setenv("VC_TEST_PASSWORD", "pass\n", 1);
	s = vc_source_start_opts(&mc, 5, q, &o);
	assert_non_null(s);
	wait_steps(&rp, rp.nb_steps);
	wait_state(s, SRC_STATE_STALE);
	if (rp.bad[0] != '\0')
		fail_msg("%s", rp.bad);
	vc_test_drain(q, &ups);
	/* Sync, migration, resync. */
	assert_int_equal(ups.nb, 1 + 4 + 1 + 1 + 1 + 4 + 1);
	assert_int_equal(ups.u[0].op, SRC_OP_SYNC_BEGIN);
	assert_int_equal(ups.u[5].op, SRC_OP_SYNC_END);
	assert_int_equal(ups.u[6].op, SRC_OP_UPSERT);
	assert_string_equal(ups.u[6].b.host, "DC0_C0_H2");
	assert_int_equal(ups.u[7].op, SRC_OP_SYNC_BEGIN);
	assert_int_equal(ups.u[12].op, SRC_OP_SYNC_END);
	assert_int_equal(vc_test_count(&ups, SRC_OP_WITHDRAW), 0);
	for (i = 0; i < (int)ups.nb; i++) {
		assert_int_equal(ups.u[i].src_id, 5);
		assert_true(ups.u[i].recv_ns > 0);
	}
	s->ops->status(s->impl, &st);
	assert_string_equal(st.kind, "vcenter");
	assert_string_equal(st.api_version, "6.5");
	assert_string_equal(st.server, "https://replay.invalid/sdk");
	assert_int_equal(st.nb_vms, 4);
	assert_int_equal(st.nb_hosts, 4);
	assert_int_equal(st.nb_macs, 4);
	assert_int_equal(st.resyncs, 2);
	assert_int_equal(st.reconnects, 1);
	assert_int_equal(st.updates, 1);
	assert_int_equal(st.errors, 2);
	assert_non_null(strstr(st.last_error, "connection refused"));
	/* Parked in a 60 s backoff: stop must not wait for it. */
	t0 = src_now_ns();
	s->ops->stop(s->impl);
	assert_true(src_now_ns() - t0 < 1000000000ull);
	s->ops->status(s->impl, &st);
	assert_int_equal(st.state, SRC_STATE_DOWN);
	s->ops->destroy(s->impl);
	src_queue_destroy(q);
	pthread_mutex_destroy(&rp.lock);
}

/* A response over max_response is refused before parsing; state down. */
static void
test_too_large(void **state)
{
	static const struct step steps[] = {
	        {"RetrieveServiceContent", C "01-RetrieveServiceContent.resp.xml", NULL, NULL},
	};
	struct replay rp = {steps, 1};
	struct vc_source_opts o = {
	        .transport = replay_transport, .transport_ctx = &rp, .max_response = 1024};
	struct cfg_manager mc = manager();
	struct src_queue *q = src_queue_create();
	struct src_status st;
	struct src *s;

	(void)state;
	pthread_mutex_init(&rp.lock, NULL);
	s = vc_source_start_opts(&mc, 1, q, &o);
	assert_non_null(s);
	wait_steps(&rp, 1);
	wait_state(s, SRC_STATE_DOWN);
	s->ops->status(s->impl, &st);
	assert_non_null(strstr(st.last_error, "RetrieveServiceContent: HTTP 200: response of 4444 "
	                                      "bytes is over the 1024-byte limit"));
	assert_int_equal(src_queue_len(q), 0);
	s->ops->stop(s->impl);
	s->ops->destroy(s->impl);
	src_queue_destroy(q);
	pthread_mutex_destroy(&rp.lock);
}

static void
test_backoff(void **state)
{
	uint64_t rnd = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (unsigned a = 0; a < 40; a++) {
		uint32_t cap = a < 6 ? 500u << (a + 1) : 30000;

		if (cap > 30000)
			cap = 30000;
		for (int i = 0; i < 200; i++) {
			uint32_t d;

			rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
			d = vc_backoff_ms(500, 30000, a, rnd);
			assert_true(d >= 500 && d <= cap);
		}
	}
	assert_int_equal(vc_backoff_ms(500, 30000, 0, 0), 500);
	assert_int_equal(vc_backoff_ms(500, 30000, 0, 500), 1000);
	assert_int_equal(vc_backoff_ms(500, 30000, 30, 29500), 30000);
	assert_int_equal(vc_backoff_ms(800, 100, 3, 12345), 800); /* max below min */
}

int
vc_test_replay(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_conversation),
	        cmocka_unit_test(test_too_large),
	        cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests_name("vc_replay", tests, NULL, NULL);
}
