/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel.c - telemetry start and stop, and the handoff that lets DPDK's
 * telemetry threads show what only the control thread may read.
 *
 * Why a request and an answer, not published snapshots: the views walk
 * writer-side structures (the segment list, the VTEP walk, the bindings,
 * the sources) that only the control thread may touch. Snapshots refreshed
 * on a timer would make the control thread build every view all the time
 * for a reader that asks now and then, and would be stale by up to the
 * refresh period. A request costs nothing until someone asks and answers
 * with the values of that moment; the control loop wakes at least every
 * CTL_TICK_MS, so an answer normally takes a few milliseconds.
 *
 * The handoff: the caller (a telemetry thread) allocates a request, links
 * it into the pending list under the bridge mutex, writes the eventfd the
 * control loop watches and waits on the condition variable until it is
 * answered or TEL_WAIT_MS have passed. The control thread takes the whole
 * pending list, builds each view with views.c without holding the mutex,
 * and hands back the JSON value. The caller turns it into struct
 * rte_tel_data on its own thread: the control thread never writes into the
 * caller's rte_tel_data, which lives on the caller's stack and is gone once
 * the caller timed out.
 *
 * Lifetime: DPDK 22.11 cannot unregister a telemetry command, so a callback
 * may run before tel_start(), after tel_stop() and after struct ctl is
 * freed. The bridge is therefore static, never freed, and holds no pointer
 * to struct ctl: only the eventfd, -1 when nobody serves, which callers
 * write and tel_stop() closes under the same mutex. A request still
 * pending when its caller gives up is unlinked and freed by the caller; one
 * the control thread is already building is marked abandoned and freed by
 * the control thread. tel_stop() answers every pending request at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "ctl.h"
#include "ctl_watch.h"
#include "tel_private.h"

enum tel_req_state {
	TEL_REQ_PENDING, /* in bridge.pending */
	TEL_REQ_TAKEN,   /* the control thread is building it */
	TEL_REQ_DONE,    /* answered: result, or NULL and why */
};

struct tel_req {
	struct tel_req *next;
	enum tel_view view;
	enum tel_req_state state;
	bool abandoned; /* the caller timed out while TAKEN */
	json_t *result;
	const char *why; /* DONE without a result */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t done; /* CLOCK_MONOTONIC (bridge_init) */
	pthread_once_t once;
	int efd; /* -1 = nobody serves */
	struct tel_req *pending;
} bridge = {.lock = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT, .efd = -1};

struct ctl_tel {
	struct ctl_watch w; /* the bridge's eventfd */
	struct ctl *c;
	struct tel_http *http;
};

static void bridge_init(void);
static void on_requests(struct ctl *c, struct ctl_watch *w, uint32_t events);

struct ctl_tel *
tel_start(struct ctl *c)
{
	struct ctl_tel *t = calloc(1, sizeof(*t));
	int r;

	if (t == NULL)
		return NULL;
	pthread_once(&bridge.once, bridge_init);
	t->c = c;
	t->w = (struct ctl_watch){.cb = on_requests, .arg = t};
	t->w.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (t->w.fd < 0)
		goto err_free;
	r = ctl_watch_add(c, &t->w, EPOLLIN);
	if (r < 0) {
		errno = -r;
		goto err_close;
	}
	r = tel_cmds_register();
	if (r < 0)
		LOG_WARN(tel, "DPDK telemetry commands not registered: %s", strerror(-r));
	if (c->cfg->telemetry.prometheus)
		t->http = tel_http_start(c, c->cfg->telemetry.listen); /* logs why not */
	pthread_mutex_lock(&bridge.lock);
	bridge.efd = t->w.fd;
	pthread_mutex_unlock(&bridge.lock);
	return t;
err_close:
	close(t->w.fd);
err_free:
	free(t);
	return NULL;
}

void
tel_stop(struct ctl_tel *t)
{
	if (t == NULL)
		return;
	tel_http_stop(t->http);
	pthread_mutex_lock(&bridge.lock);
	bridge.efd = -1;
	/* Nothing is TAKEN: only this thread takes, and it is here. */
	for (struct tel_req *r = bridge.pending; r != NULL; r = r->next) {
		r->state = TEL_REQ_DONE;
		r->why = "vtepd is stopping";
	}
	bridge.pending = NULL;
	pthread_cond_broadcast(&bridge.done);
	pthread_mutex_unlock(&bridge.lock);
	ctl_watch_del(t->c, &t->w);
	close(t->w.fd);
	free(t);
}

void
tel_tick(struct ctl_tel *t, uint64_t now_ms)
{
	if (t != NULL && t->http != NULL)
		tel_http_tick(t->http, now_ms);
}

json_t *
tel_view_request(enum tel_view v, char *err, size_t size)
{
	struct tel_req *r = calloc(1, sizeof(*r));
	struct timespec deadline;
	json_t *result = NULL;
	uint64_t one = 1;
	ssize_t wn;
	int rc = 0;

	if (r == NULL) {
		snprintf(err, size, "out of memory");
		return NULL;
	}
	r->view = v;
	pthread_once(&bridge.once, bridge_init);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += TEL_WAIT_MS / 1000;
	deadline.tv_nsec += (TEL_WAIT_MS % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&bridge.lock);
	if (bridge.efd < 0) {
		pthread_mutex_unlock(&bridge.lock);
		free(r);
		snprintf(err, size, "vtepd is not serving telemetry (starting or stopping)");
		return NULL;
	}
	r->next = bridge.pending;
	bridge.pending = r;
	/* Fails only if the counter would overflow: then it is readable anyway. */
	wn = write(bridge.efd, &one, sizeof(one));
	(void)wn;
	while (r->state != TEL_REQ_DONE && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&bridge.done, &bridge.lock, &deadline);
	switch (r->state) {
	case TEL_REQ_DONE:
		result = r->result;
		if (result == NULL)
			snprintf(err, size, "%s", r->why);
		free(r);
		break;
	case TEL_REQ_PENDING:
		for (struct tel_req **p = &bridge.pending; *p != NULL; p = &(*p)->next) {
			if (*p == r) {
				*p = r->next;
				break;
			}
		}
		free(r);
		snprintf(err, size, "the control thread did not answer within %d ms", TEL_WAIT_MS);
		break;
	case TEL_REQ_TAKEN:
		r->abandoned = true; /* the control thread frees it */
		snprintf(err, size, "the control thread did not answer within %d ms", TEL_WAIT_MS);
		break;
	}
	pthread_mutex_unlock(&bridge.lock);
	return result;
}

static void
bridge_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&bridge.done, &a);
	pthread_condattr_destroy(&a);
}

/* Control thread: answer every pending request. */
static void
on_requests(struct ctl *c, struct ctl_watch *w, uint32_t events)
{
	struct tel_req *list, *next;
	uint64_t n;

	(void)events;
	if (read(w->fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		LOG_WARN(tel, "telemetry eventfd: %s", strerror(errno));
	pthread_mutex_lock(&bridge.lock);
	list = bridge.pending;
	bridge.pending = NULL;
	for (struct tel_req *r = list; r != NULL; r = r->next)
		r->state = TEL_REQ_TAKEN;
	pthread_mutex_unlock(&bridge.lock);
	for (struct tel_req *r = list; r != NULL; r = next) {
		json_t *v = tel_view_build(c, r->view);
		bool abandoned;

		next = r->next; /* r may be freed by its caller once DONE */
		pthread_mutex_lock(&bridge.lock);
		abandoned = r->abandoned;
		if (!abandoned) {
			r->result = v;
			r->why = "out of memory";
			r->state = TEL_REQ_DONE;
			pthread_cond_broadcast(&bridge.done);
		}
		pthread_mutex_unlock(&bridge.lock);
		if (abandoned) {
			json_decref(v);
			free(r);
		}
	}
}
