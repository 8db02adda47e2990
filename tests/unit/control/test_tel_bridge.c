/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_tel_bridge.c - the handoff between DPDK's telemetry threads and the
 * control thread (control/tel.c), every path of it: answered, nobody
 * serving, a control thread that does not come (the request is withdrawn),
 * one that comes too late (the request is abandoned and freed by it), a
 * stop while callers wait, many callers at once. ASan and LSan check that
 * no path leaks or touches a freed request.
 *
 * This file's tel_view_build() replaces control/tel_view.c (which the
 * linker then leaves out), so no dataplane or table is needed: the main
 * thread plays the control thread by running the epoll set as ctl_run()
 * does. No EAL either: registering telemetry commands needs none.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "ctl_watch.h"
#include "tel_private.h"

static struct cfg cfg; /* telemetry.prometheus = false: no HTTP server */
static struct ctl ctl = {.cfg = &cfg, .epfd = -1};
static atomic_int build_delay_ms;
static atomic_int nb_builds;

json_t *
tel_view_build(struct ctl *c, enum tel_view v)
{
	(void)c;
	if (atomic_load(&build_delay_ms) > 0)
		usleep((useconds_t)atomic_load(&build_delay_ms) * 1000);
	atomic_fetch_add(&nb_builds, 1);
	return json_pack("{s:i}", "view", (int)v);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Be the control thread for @p ms. */
static void
loop(unsigned ms)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end) {
		struct epoll_event evs[8];
		int n = epoll_wait(ctl.epfd, evs, 8, 2);

		for (int i = 0; i < n; i++) {
			struct ctl_watch *w = evs[i].data.ptr;

			w->cb(&ctl, w, evs[i].events);
		}
	}
}

struct caller {
	pthread_t t;
	enum tel_view view;
	unsigned nb;       /* requests to make */
	unsigned nb_right; /* answered with the right view */
	json_t *last;
	char err[160];
	uint64_t ms; /* how long the last one took */
};

static void *
caller_main(void *arg)
{
	struct caller *c = arg;

	for (unsigned i = 0; i < c->nb; i++) {
		uint64_t t0 = now_ms();
		json_t *v = tel_view_request(c->view, c->err, sizeof(c->err));

		c->ms = now_ms() - t0;
		if (v != NULL && json_integer_value(json_object_get(v, "view")) == (int)c->view)
			c->nb_right++;
		json_decref(c->last);
		c->last = v;
	}
	return NULL;
}

static void
caller_start(struct caller *c, enum tel_view view, unsigned nb)
{
	memset(c, 0, sizeof(*c));
	c->view = view;
	c->nb = nb;
	assert_int_equal(pthread_create(&c->t, NULL, caller_main, c), 0);
}

static void
caller_join(struct caller *c)
{
	assert_int_equal(pthread_join(c->t, NULL), 0);
	json_decref(c->last);
	c->last = NULL;
}

static int
setup(void **state)
{
	(void)state;
	ctl.epfd = epoll_create1(EPOLL_CLOEXEC);
	atomic_store(&build_delay_ms, 0);
	atomic_store(&nb_builds, 0);
	ctl.tel = tel_start(&ctl);
	return ctl.epfd >= 0 && ctl.tel != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	tel_stop(ctl.tel);
	ctl.tel = NULL;
	close(ctl.epfd);
	return 0;
}

static void
test_not_serving(void **state)
{
	struct caller c;

	(void)state;
	caller_start(&c, TEL_VIEW_FDB, 1);
	caller_join(&c);
	assert_int_equal(c.nb_right, 0);
	assert_non_null(strstr(c.err, "not serving"));
	assert_true(c.ms < 100);
}

static void
test_answered(void **state)
{
	struct caller c;

	(void)state;
	caller_start(&c, TEL_VIEW_SEGMENTS, 3);
	loop(300);
	caller_join(&c);
	assert_int_equal(c.nb_right, 3);
	assert_int_equal(atomic_load(&nb_builds), 3);
	assert_true(c.ms < 100);
}

/* Nobody runs the loop: the caller gives up and takes its request back. */
static void
test_withdrawn(void **state)
{
	struct caller c;

	(void)state;
	caller_start(&c, TEL_VIEW_VTEPS, 1);
	caller_join(&c);
	assert_int_equal(c.nb_right, 0);
	assert_non_null(strstr(c.err, "did not answer within"));
	assert_true(c.ms >= TEL_WAIT_MS && c.ms < TEL_WAIT_MS + 500);
	loop(50); /* the eventfd fired, but the list is empty now */
	assert_int_equal(atomic_load(&nb_builds), 0);
}

/* The control thread takes the request but is slower than the caller's
 * patience: the caller leaves, the control thread frees the request. */
static void
test_abandoned(void **state)
{
	struct caller c;

	(void)state;
	atomic_store(&build_delay_ms, TEL_WAIT_MS + 500);
	caller_start(&c, TEL_VIEW_MANAGERS, 1);
	usleep(20000);
	loop(10); /* builds for 1.5 s, inside */
	caller_join(&c);
	assert_int_equal(c.nb_right, 0);
	assert_non_null(strstr(c.err, "did not answer within"));
	assert_int_equal(atomic_load(&nb_builds), 1);
	/* and the bridge still works */
	atomic_store(&build_delay_ms, 0);
	caller_start(&c, TEL_VIEW_DROPS, 1);
	loop(200);
	caller_join(&c);
	assert_int_equal(c.nb_right, 1);
}

static void
test_stop_while_waiting(void **state)
{
	struct caller c, after;

	(void)state;
	caller_start(&c, TEL_VIEW_PORTS, 1);
	usleep(100000);
	tel_stop(ctl.tel);
	ctl.tel = NULL;
	caller_join(&c);
	assert_non_null(strstr(c.err, "stopping"));
	assert_true(c.ms < 500);
	caller_start(&after, TEL_VIEW_PORTS, 1);
	caller_join(&after);
	assert_non_null(strstr(after.err, "not serving"));
	/* and a new start serves again */
	ctl.tel = tel_start(&ctl);
	assert_non_null(ctl.tel);
	caller_start(&c, TEL_VIEW_COUNTERS, 1);
	loop(200);
	caller_join(&c);
	assert_int_equal(c.nb_right, 1);
}

static void
test_many_callers(void **state)
{
	struct caller c[8];
	unsigned total = 0;

	(void)state;
	for (unsigned i = 0; i < 8; i++)
		caller_start(&c[i], (enum tel_view)(i % (TEL_VIEW_LCORES + 1)), 50);
	loop(1500);
	for (unsigned i = 0; i < 8; i++) {
		caller_join(&c[i]);
		total += c[i].nb_right;
	}
	assert_int_equal(total, 8 * 50);
	assert_int_equal(atomic_load(&nb_builds), 8 * 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_not_serving),
	        cmocka_unit_test_setup_teardown(test_answered, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_withdrawn, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_abandoned, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_stop_while_waiting, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_many_callers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
