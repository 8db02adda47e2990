/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wallclock.c - LD_PRELOAD shim for manager_faults.sh: moves one process's
 * wall clock, and nothing else. clock_gettime(CLOCK_REALTIME*),
 * gettimeofday() and time() return the real time plus the number of
 * seconds written in the file named by $WALLCLOCK_OFFSET_FILE (re-read at
 * most every 100 ms, so a test steps the clock by rewriting the file).
 * CLOCK_MONOTONIC, CLOCK_BOOTTIME and the kernel's timed waits are left
 * alone - which is the point: a step of the wall clock must not move any
 * timer or backoff of vtepd. (libfaketime cannot be used for this: it
 * also rewrites pthread_cond_timedwait, and breaks waits on condition
 * variables that use CLOCK_MONOTONIC.) The machine's clock is never
 * touched, so nothing else on it notices.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

int clock_gettime(clockid_t id, struct timespec *ts);
int gettimeofday(struct timeval *tv, void *tz);
time_t time(time_t *t);

static clock_gettime_fn
real_clock_gettime(void)
{
	static clock_gettime_fn fn;

	if (fn == NULL)
		fn = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
	return fn;
}

static long
offset_s(void)
{
	static __thread long cached;
	static __thread long long read_ms = -1000;
	const char *path = getenv("WALLCLOCK_OFFSET_FILE");
	struct timespec now;
	long long ms;
	FILE *fp;

	if (path == NULL || real_clock_gettime()(CLOCK_MONOTONIC_COARSE, &now) != 0)
		return 0;
	ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	if (ms - read_ms < 100)
		return cached;
	read_ms = ms;
	fp = fopen(path, "r");
	if (fp != NULL) {
		if (fscanf(fp, "%ld", &cached) != 1)
			cached = 0;
		fclose(fp);
	}
	return cached;
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	int r = real_clock_gettime()(id, ts);

	if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI))
		ts->tv_sec += offset_s();
	return r;
}

int
gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t
time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t != NULL)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
