/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_watch.h - file descriptors the control loop waits on.
 *
 * Thread-safety: control thread only.
 */
#ifndef VTEP_CTL_WATCH_H
#define VTEP_CTL_WATCH_H

#include <signal.h>
#include <stdint.h>

struct ctl;
struct ctl_watch;

typedef void (*ctl_watch_fn)(struct ctl *c, struct ctl_watch *w, uint32_t events);

struct ctl_watch {
	int fd;
	ctl_watch_fn cb;
	void *arg;
};

/** Wait for @p events (EPOLLIN, EPOLLOUT, ...) on w->fd. @return 0 or -errno. */
int ctl_watch_add(struct ctl *c, struct ctl_watch *w, uint32_t events);
int ctl_watch_mod(struct ctl *c, struct ctl_watch *w, uint32_t events);
void ctl_watch_del(struct ctl *c, struct ctl_watch *w);

/** Block the signals the control loop handles (before any thread exists). */
int ctl_signals_block(sigset_t *set);

#endif /* VTEP_CTL_WATCH_H */
