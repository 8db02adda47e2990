/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_loop.c - the control thread's event loop.
 *
 * One epoll set: signals (signalfd), the management socket and its
 * clients, the manager sources' queue. Every wake-up - at least every
 * CTL_TICK_MS - also drains the lcores' event rings, so a learned MAC is in
 * the table a few milliseconds after its first frame. Slower work
 * (next-hop resolution, ageing, RCU reclamation) runs every CTL_SLOW_MS.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "ctl.h"
#include "ctl_watch.h"
#include "mgmt.h"
#include "tel.h"

#define CTL_TICK_MS 2
#define CTL_SLOW_MS 100

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
ctl_now_ms(const struct ctl *c)
{
	return (mono_ns() - c->start_ns) / 1000000;
}

int
ctl_watch_add(struct ctl *c, struct ctl_watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, w->fd, &ev) == 0 ? 0 : -errno;
}

int
ctl_watch_mod(struct ctl *c, struct ctl_watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	return epoll_ctl(c->epfd, EPOLL_CTL_MOD, w->fd, &ev) == 0 ? 0 : -errno;
}

void
ctl_watch_del(struct ctl *c, struct ctl_watch *w)
{
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

static void
on_signal(struct ctl *c, struct ctl_watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	char errs[4096];

	(void)events;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			LOG_INFO(ctl, "signal %u: stopping", si.ssi_signo);
			c->stop = true;
			break;
		case SIGHUP:
			LOG_INFO(ctl, "SIGHUP: reloading %s", c->cfg_path);
			if (ctl_reload(c, errs, sizeof(errs)) < 0)
				LOG_ERR(ctl, "reload refused, running configuration kept:\n%s",
				        errs);
			break;
		case SIGUSR1:
			ctl_counters_print(c, stdout);
			fflush(stdout);
			break;
		default:
			break;
		}
	}
}

int
ctl_signals_block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	/* Blocked before EAL creates its threads, so they inherit the mask
	 * and only the control thread's signalfd sees these. */
	return pthread_sigmask(SIG_BLOCK, set, NULL) == 0 ? 0 : -errno;
}

static void
slow_tick(struct ctl *c)
{
	uint64_t now_ms = ctl_now_ms(c);
	uint32_t budget = c->cfg->limits.fdb_max / 50 + 1024;

	neigh_tick(c->neigh, now_ms);
	if (c->mgmt != NULL)
		mgmt_tick(c->mgmt, now_ms);
	tel_tick(c->tel, now_ms);
	map_fdb_age(c->map, map_now_s(c->map, rte_rdtsc()), budget);
	map_reclaim(c->map);
}

int
ctl_run(struct ctl *c)
{
	struct ctl_watch sigw = {.fd = -1, .cb = on_signal};
	struct epoll_event evs[32];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigw.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigw.fd < 0)
		return -errno;
	if (ctl_watch_add(c, &sigw, EPOLLIN) < 0) {
		close(sigw.fd);
		return -errno;
	}
	c->last_slow_ns = mono_ns();
	slow_tick(c);
	while (!c->stop) {
		int n = epoll_wait(c->epfd, evs, (int)RTE_DIM(evs), CTL_TICK_MS);

		for (int i = 0; i < n; i++) {
			struct ctl_watch *w = evs[i].data.ptr;

			w->cb(c, w, evs[i].events);
		}
		ctl_events_process(c);
		ctl_sources_process(c);
		if (mono_ns() - c->last_slow_ns >= CTL_SLOW_MS * 1000000ull) {
			c->last_slow_ns = mono_ns();
			slow_tick(c);
		}
	}
	ctl_watch_del(c, &sigw);
	close(sigw.fd);
	return 0;
}
