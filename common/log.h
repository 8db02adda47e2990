/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.h - vtepd's logging: one rte_log type per topic, rate limiting for
 * anything a packet or a remote peer can trigger.
 *
 * Usage: LOG_ERR(cfg, "%s: cannot open: %s", path, strerror(errno));
 * Topics: dp, map, cfg, ctl, mgmt, vc (vCenter), xapi (XenAPI), tls, tel.
 * Messages are lowercase, without a trailing period, and name the object
 * they are about. Secrets are never logged.
 *
 * Rate-limited form, for repeatable events:
 *	static struct log_rl rl = LOG_RL_INIT(5, 10);  (5 messages per 10 s)
 *	LOG_WARN_RL(&rl, ctl, "...");
 *
 * Thread-safety: every function may be called from any thread. A struct
 * log_rl should be used by one thread (a race only makes the limit
 * approximate, it never corrupts anything: the fields are atomics).
 *
 * Note: common/ is libc-only except for this header, which sits on rte_log
 * (part of EAL, linked by every vtepd binary) so that DPDK's log level
 * controls (--log-level=vtepd.*:debug) and syslog routing work for us too.
 * rte_log needs no EAL initialisation: before rte_eal_init it writes to
 * stderr.
 */
#ifndef VTEP_LOG_H
#define VTEP_LOG_H

#include <stdint.h>
#include <rte_log.h>

#include "compiler.h"

extern int vtep_logtype_dp;
extern int vtep_logtype_map;
extern int vtep_logtype_cfg;
extern int vtep_logtype_ctl;
extern int vtep_logtype_mgmt;
extern int vtep_logtype_vc;
extern int vtep_logtype_xapi;
extern int vtep_logtype_tls;
extern int vtep_logtype_tel;

#define LOG__(lvl, topic, fmt, ...)                                                                \
	rte_log(RTE_LOG_##lvl, vtep_logtype_##topic, "vtepd." #topic ": " fmt "\n", ##__VA_ARGS__)

#define LOG_ERR(topic, fmt, ...)   LOG__(ERR, topic, fmt, ##__VA_ARGS__)
#define LOG_WARN(topic, fmt, ...)  LOG__(WARNING, topic, fmt, ##__VA_ARGS__)
#define LOG_INFO(topic, fmt, ...)  LOG__(INFO, topic, fmt, ##__VA_ARGS__)
#define LOG_DEBUG(topic, fmt, ...) LOG__(DEBUG, topic, fmt, ##__VA_ARGS__)

/* Token bucket: at most `burst` messages per `interval_s` seconds; the
 * number suppressed is reported with the next message that gets through. */
struct log_rl {
	uint32_t burst;
	uint32_t interval_s;
	uint64_t window_start; /* monotonic seconds */
	uint32_t nb_in_window;
	uint32_t nb_suppressed;
};

#define LOG_RL_INIT(burst_, interval_s_)                                                           \
	{                                                                                          \
		.burst = (burst_), .interval_s = (interval_s_)                                     \
	}

/**
 * Decide whether a rate-limited message may be printed now.
 * @return 0 to suppress; otherwise 1 + the number suppressed since the last
 *   printed message (so the caller can mention it).
 */
uint32_t log_rl_allow(struct log_rl *rl);

#define LOG__RL(lvl, rl, topic, fmt, ...)                                                          \
	do {                                                                                       \
		uint32_t log_ok_ = log_rl_allow(rl);                                               \
		if (log_ok_ == 1)                                                                  \
			LOG__(lvl, topic, fmt, ##__VA_ARGS__);                                     \
		else if (log_ok_ > 1)                                                              \
			LOG__(lvl, topic, fmt " (%u similar messages suppressed)", ##__VA_ARGS__,  \
			      log_ok_ - 1);                                                        \
	} while (0)

#define LOG_ERR_RL(rl, topic, fmt, ...)  LOG__RL(ERR, rl, topic, fmt, ##__VA_ARGS__)
#define LOG_WARN_RL(rl, topic, fmt, ...) LOG__RL(WARNING, rl, topic, fmt, ##__VA_ARGS__)
#define LOG_INFO_RL(rl, topic, fmt, ...) LOG__RL(INFO, rl, topic, fmt, ##__VA_ARGS__)

/**
 * Route every vtepd log line to syslog (facility daemon) instead of stderr.
 * @return 0 or -errno.
 */
int log_use_syslog(const char *ident);

/**
 * Set the level of every vtepd.* log type.
 * @param level rte_log level (RTE_LOG_ERR .. RTE_LOG_DEBUG).
 */
void log_set_level(uint32_t level);

/**
 * Parse a level name ("error", "warning", "info", "debug").
 * @return the rte_log level, or -EINVAL.
 */
int log_level_parse(const char *name);

#endif /* VTEP_LOG_H */
