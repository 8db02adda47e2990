/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.c - log types and rate limiting (see log.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* syslog.h's LOG_ERR/LOG_INFO/LOG_DEBUG priorities collide with our logging
 * macros: capture the values, then let log.h own the names. */
#include <syslog.h>
enum {
	SL_ERR = LOG_ERR,
	SL_WARNING = LOG_WARNING,
	SL_INFO = LOG_INFO,
	SL_DEBUG = LOG_DEBUG,
};
#undef LOG_ERR
#undef LOG_INFO
#undef LOG_DEBUG

#include "log.h"

RTE_LOG_REGISTER(vtep_logtype_dp, vtepd.dp, INFO);
RTE_LOG_REGISTER(vtep_logtype_map, vtepd.map, INFO);
RTE_LOG_REGISTER(vtep_logtype_cfg, vtepd.cfg, INFO);
RTE_LOG_REGISTER(vtep_logtype_ctl, vtepd.ctl, INFO);
RTE_LOG_REGISTER(vtep_logtype_mgmt, vtepd.mgmt, INFO);
RTE_LOG_REGISTER(vtep_logtype_vc, vtepd.ctl.vcenter, INFO);
RTE_LOG_REGISTER(vtep_logtype_xapi, vtepd.ctl.xapi, INFO);
RTE_LOG_REGISTER(vtep_logtype_tls, vtepd.tls, INFO);
RTE_LOG_REGISTER(vtep_logtype_tel, vtepd.telemetry, INFO);

static uint64_t
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec;
}

uint32_t
log_rl_allow(struct log_rl *rl)
{
	uint64_t now = mono_s();
	uint32_t suppressed;

	if (now - __atomic_load_n(&rl->window_start, __ATOMIC_RELAXED) >= rl->interval_s) {
		__atomic_store_n(&rl->window_start, now, __ATOMIC_RELAXED);
		__atomic_store_n(&rl->nb_in_window, 0, __ATOMIC_RELAXED);
	}
	if (__atomic_fetch_add(&rl->nb_in_window, 1, __ATOMIC_RELAXED) >= rl->burst) {
		__atomic_fetch_add(&rl->nb_suppressed, 1, __ATOMIC_RELAXED);
		return 0;
	}
	suppressed = __atomic_exchange_n(&rl->nb_suppressed, 0, __ATOMIC_RELAXED);
	return 1 + suppressed;
}

static ssize_t
syslog_write(void *cookie, const char *buf, size_t size)
{
	int prio;

	(void)cookie;
	switch (rte_log_cur_msg_loglevel()) {
	case RTE_LOG_EMERG:
	case RTE_LOG_ALERT:
	case RTE_LOG_CRIT:
	case RTE_LOG_ERR:
		prio = SL_ERR;
		break;
	case RTE_LOG_WARNING:
		prio = SL_WARNING;
		break;
	case RTE_LOG_NOTICE:
	case RTE_LOG_INFO:
		prio = SL_INFO;
		break;
	default:
		prio = SL_DEBUG;
		break;
	}
	syslog(prio, "%.*s", (int)(size && buf[size - 1] == '\n' ? size - 1 : size), buf);
	return (ssize_t)size;
}

int
log_use_syslog(const char *ident)
{
	static cookie_io_functions_t fns = {.write = syslog_write};
	FILE *f;

	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	f = fopencookie(NULL, "w", fns);
	if (f == NULL)
		return -errno;
	setvbuf(f, NULL, _IOLBF, 0);
	return rte_openlog_stream(f) == 0 ? 0 : -EINVAL;
}

void
log_set_level(uint32_t level)
{
	rte_log_set_level_pattern("vtepd.*", level);
}

int
log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
	        {"error", RTE_LOG_ERR},    {"err", RTE_LOG_ERR},       {"warning", RTE_LOG_WARNING},
	        {"warn", RTE_LOG_WARNING}, {"notice", RTE_LOG_NOTICE}, {"info", RTE_LOG_INFO},
	        {"debug", RTE_LOG_DEBUG},
	};

	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		if (strcasecmp(name, levels[i].name) == 0)
			return levels[i].level;
	return -EINVAL;
}
