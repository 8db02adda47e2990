/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.h - the control thread: the single writer of the mapping tables.
 *
 * It owns every slow path: the configuration (load, apply, reload), the
 * learn and neighbour events the lcores post, next-hop resolution by ARP,
 * FDB ageing, the hypervisor-manager sources' bindings, the management
 * socket (vtepctl) and telemetry.
 *
 * Thread-safety: everything here runs on the control thread (the EAL main
 * lcore), except what says otherwise. Manager sources run in their own
 * threads and reach the control thread only through struct src_queue.
 */
#ifndef VTEP_CTL_H
#define VTEP_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "config/cfg.h"
#include "dataplane/dp.h"
#include "mapping/map.h"
#include "source.h"

struct ctl_neigh;
struct ctl_bindings;
struct ctl_mgmt;
struct ctl_tel;

/* Where each configured segment / static entry lives in the tables. */
struct ctl_seg {
	uint16_t idx; /* map segment index */
};

struct ctl_stats {
	uint64_t events;       /* learn + neighbour events applied */
	uint64_t learn_pinned; /* a static/manager MAC seen elsewhere */
	uint64_t learn_moves;
	uint64_t learn_limit; /* not learned: MAC limit */
	uint64_t learn_stale; /* events for a segment a reload removed */
	uint64_t reloads;
	uint64_t reload_failures;
	uint64_t src_updates;   /* manager updates applied */
	uint64_t last_apply_us; /* manager update: received -> in the table */
	uint64_t max_apply_us;
};

struct ctl {
	struct cfg *cfg; /* the running configuration */
	char cfg_path[CFG_PATH_MAX];
	char socket_override[CFG_PATH_MAX]; /* --socket: wins over every loaded file */
	struct map *map;
	struct dp *dp;
	struct ctl_seg *segs; /* [cfg->nb_segments] */
	struct ctl_neigh *neigh;
	struct ctl_bindings *bindings;
	struct ctl_mgmt *mgmt;
	struct ctl_tel *tel; /* telemetry (tel.h) */
	struct src_queue *srcq;
	struct src *srcs[SRC_MAX];
	unsigned nb_srcs;
	char *src_sig[SRC_MAX]; /* [id - 1]: the settings source id runs with */
	int epfd;
	int sigfd;
	volatile bool stop;
	uint64_t start_ns;     /* CLOCK_MONOTONIC at start */
	uint64_t last_slow_ns; /* last slow tick (neighbours, ageing) */
	struct ctl_stats stats;
};

/* ctl_apply.c: configuration -> tables */

/**
 * Set the underlay parameters (addresses, MAC, port, TTL...) in the map.
 * @return 0 or -errno.
 */
int ctl_apply_underlay(struct ctl *c, const struct cfg *cfg);

/**
 * Make the tables match @p next: add, change and remove segments and
 * static entries against the running configuration (NULL at start).
 * Every change is one atomic table update; untouched segments are not
 * touched. On success @p next becomes the running configuration (the caller
 * gives up ownership).
 * @return 0 or -errno (the tables may be partly updated only if the map
 *   runs out of memory; validation happened before).
 */
int ctl_apply_config(struct ctl *c, struct cfg *next);

/** Index in the map of configured segment @p cfg_idx. */
uint16_t ctl_seg_idx(const struct ctl *c, unsigned cfg_idx);

/** Configured segment (index into c->cfg->segments) of map segment @p idx, or -1. */
int ctl_cfg_seg_of(const struct ctl *c, uint16_t idx);

/**
 * Re-read the configuration file and apply it (vtepctl reload, SIGHUP).
 * A file that does not validate changes nothing.
 * @param errbuf receives the errors (one per line) on failure.
 * @return 0 or -errno.
 */
int ctl_reload(struct ctl *c, char *errbuf, size_t size);

/* ctl_learn.c: lcore events -> tables */

/** Drain and apply the lcores' events. @return the number applied. */
unsigned ctl_events_process(struct ctl *c);

/* neigh.c: next-hop resolution */

struct ctl_neigh *neigh_create(struct ctl *c);
void neigh_destroy(struct ctl_neigh *n);
/** ARP says @p ip is at @p mac. */
void neigh_input(struct ctl_neigh *n, uint32_t ip, const uint8_t mac[6]);
/** Make the configured static ARP entries so (and the others dynamic). */
void neigh_set_static(struct ctl_neigh *n, const struct cfg_neighbor *list, unsigned nb);
/** Periodic work: solicit what is unresolved or due, expire, update templates. */
void neigh_tick(struct ctl_neigh *n, uint64_t now_ms);

struct neigh_info {
	uint32_t ip;
	uint8_t mac[6];
	const char *state; /* "incomplete", "reachable", "probe", "failed", "static" */
	uint32_t probes;
	uint64_t age_ms;   /* since the last confirmation, or since creation */
	uint32_t nb_vteps; /* VTEPs reached through it */
};
typedef int (*neigh_walk_fn)(const struct neigh_info *info, void *arg);
void neigh_walk(struct ctl_neigh *n, neigh_walk_fn fn, void *arg);

/* binding.c: manager bindings -> FDB entries */

struct ctl_bindings *bindings_create(struct ctl *c);
void bindings_destroy(struct ctl_bindings *b);

/** Apply the manager sources' queued updates. @return the number applied. */
unsigned ctl_sources_process(struct ctl *c);

/**
 * Start, restart or stop manager sources so they match c->cfg->managers
 * (sources.c). A manager whose configuration did not change keeps running.
 */
void ctl_sources_reconcile(struct ctl *c);

/** Stop every source (shutdown). */
void ctl_sources_stop(struct ctl *c);

/** Resolve every binding again (after a reload changed networks, sites, hosts). */
void bindings_reresolve(struct ctl_bindings *b);

struct bindings_counts {
	uint32_t total;      /* bindings held */
	uint32_t installed;  /* in the FDB */
	uint32_t unresolved; /* network in no segment, or host in no site */
	uint32_t shadowed;   /* a static entry has precedence */
};
void bindings_counts(const struct ctl_bindings *b, uint16_t src_id, struct bindings_counts *out);

struct binding_info {
	uint16_t src_id;
	const struct src_binding *b;
	int cfg_seg; /* -1 = network in no segment */
	bool installed;
	const char *why; /* when not installed */
	struct map_dest dest;
};
typedef int (*binding_walk_fn)(const struct binding_info *bi, void *arg);
void bindings_walk(const struct ctl_bindings *b, binding_walk_fn fn, void *arg);

/* ctl_loop.c */

/** Run the control loop until a stop signal. @return 0 or -errno. */
int ctl_run(struct ctl *c);

/** Milliseconds since the control thread started. */
uint64_t ctl_now_ms(const struct ctl *c);

/* counters.c: the counters as JSON (vtepctl, telemetry, exit report) */

struct json_t;
/** Print every counter to @p out in aligned text (SIGUSR1, exit). */
void ctl_counters_print(struct ctl *c, FILE *out);

#endif /* VTEP_CTL_H */
