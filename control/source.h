/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * source.h - hypervisor-manager sources (vCenter, XenAPI) and how they
 * talk to the control thread.
 *
 * A source runs in its own thread (never a forwarding lcore). It reports
 * what its manager says as bindings - "MAC m is on network n, on a VM that
 * runs on host h (in cluster c)" - through a struct src_queue. It never
 * touches the mapping tables: the control thread, the single writer,
 * resolves network -> segment and host -> VTEP (or local) from the
 * configuration and updates the FDB (control/binding.c).
 *
 * A (re)sync is bracketed by SRC_OP_SYNC_BEGIN / SRC_OP_SYNC_END: every
 * binding of the source not upserted in between is withdrawn at SYNC_END
 * (mark and sweep), so a resync removes what vanished and touches nothing
 * else. Between syncs, incremental UPSERT / WITHDRAW follow the manager's
 * event stream. While a source is disconnected its bindings stay (last good
 * state) until it sends SRC_OP_FLUSH (its flush_after_s expired).
 *
 * Thread-safety: src_queue_post() and src_status_publish() may be called
 * from any thread; src_queue_drain() and src_status_read() from any thread
 * too (the control thread and the management socket). The queue is a
 * mutex-protected list (control plane only; the dataplane never sees it)
 * with an eventfd the control thread polls.
 */
#ifndef VTEP_SOURCE_H
#define VTEP_SOURCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/cfg.h"

#define SRC_MAX 64 /* configured managers */

struct src_binding {
	uint8_t mac[6];
	char network[CFG_LABEL_MAX];     /* portgroup name, dvportgroup key, network name_label */
	char network_alt[CFG_LABEL_MAX]; /* another name of the same network ("" = none):
	                                  * dvportgroup name, XenAPI network uuid */
	char host[CFG_LABEL_MAX];        /* host name as the manager reports it */
	char cluster[CFG_LABEL_MAX];     /* cluster / pool name, "" = none */
	uint32_t host_vtep;              /* network order, 0 = none (XenAPI transport PIF IP) */
	char vm[CFG_LABEL_MAX];          /* VM name, for vtepctl and logs */
};

enum src_op {
	SRC_OP_SYNC_BEGIN, /* a full sync starts: mark every binding of this source */
	SRC_OP_UPSERT,     /* add or change the binding of (network, mac) */
	SRC_OP_WITHDRAW,   /* (network, mac) is gone */
	SRC_OP_SYNC_END,   /* sweep what was not upserted since SYNC_BEGIN */
	SRC_OP_FLUSH,      /* withdraw every binding of this source */
};

struct src_update {
	enum src_op op;
	uint16_t src_id;      /* the source's index (1..SRC_MAX) */
	uint64_t recv_ns;     /* CLOCK_MONOTONIC when the manager's message was read,
	                       * for convergence figures (event -> table) */
	struct src_binding b; /* UPSERT, WITHDRAW (only mac and network matter) */
};

struct src_queue;

/** @return a queue, or NULL with errno set. */
struct src_queue *src_queue_create(void);

/** Free the queue and anything still in it. NULL is a no-op. */
void src_queue_destroy(struct src_queue *q);

/** Append a copy of @p u. @return 0 or -ENOMEM. */
int src_queue_post(struct src_queue *q, const struct src_update *u);

/**
 * Move up to @p max updates into @p out, in posting order.
 * @return the number moved.
 */
unsigned src_queue_drain(struct src_queue *q, struct src_update *out, unsigned max);

/** File descriptor that is readable while updates are pending (eventfd). */
int src_queue_fd(const struct src_queue *q);

/** Updates waiting. */
unsigned src_queue_len(struct src_queue *q);

enum src_state {
	SRC_STATE_CONNECTING, /* locating / logging in, no state yet */
	SRC_STATE_SYNCING,    /* full sync in progress */
	SRC_STATE_STREAMING,  /* following the event stream, up to date */
	SRC_STATE_STALE,      /* lost the manager; last good mappings kept */
	SRC_STATE_DOWN,       /* never synced, or flushed after flush_after_s */
};

/** "connecting", "syncing", "streaming", "stale", "down". */
const char *src_state_name(enum src_state s);

struct src_status {
	enum src_state state;
	char kind[16]; /* "vcenter", "xenapi" */
	char name[CFG_NAME_MAX];
	char server[CFG_URL_MAX]; /* URL in use (XenAPI: the current master) */
	char api_version[32];     /* vCenter about.apiVersion, XenAPI API version */
	uint64_t
	        last_update_ns; /* CLOCK_MONOTONIC of the last message from the manager, 0 = none */
	uint64_t connected_ns;  /* CLOCK_MONOTONIC since when connected, 0 = not */
	uint32_t nb_vms;
	uint32_t nb_hosts;
	uint32_t nb_macs; /* bindings currently reported */
	uint64_t resyncs; /* full syncs completed */
	uint64_t reconnects;
	uint64_t errors;       /* failed requests of any kind */
	uint64_t updates;      /* incremental updates applied */
	uint64_t last_sync_ms; /* duration of the last full sync */
	char last_error[256];  /* no secrets */
};

/* A status slot one source writes and anyone reads (a mutex-protected copy). */
struct src_status_slot {
	pthread_mutex_t lock;
	struct src_status st;
};

void src_status_init(struct src_status_slot *slot, const char *kind, const char *name);
void src_status_publish(struct src_status_slot *slot, const struct src_status *st);
void src_status_read(struct src_status_slot *slot, struct src_status *out);

/*
 * A running source, as the control thread holds it. vc_source_start() and
 * xapi_source_start() (control/vcenter/vc.h, control/xenapi/xapi.h) return
 * one; both stop promptly (within a second, even mid long-poll) on
 * src_stop().
 */
struct src_ops {
	void (*stop)(void *impl); /* ask to stop and join the thread */
	void (*status)(void *impl, struct src_status *out);
	void (*destroy)(void *impl); /* after stop */
};

struct src {
	const struct src_ops *ops;
	void *impl;
	uint16_t id;
	enum cfg_manager_type type;
	char name[CFG_NAME_MAX];
};

/** Read a manager's password from its password_file or password_env.
 * @param buf receives the secret, NUL-terminated, trailing newline removed.
 * @return 0, or -errno (the path or variable is logged, never the secret). */
int src_password_load(const struct cfg_manager *mc, char *buf, size_t size);

/** Monotonic clock in nanoseconds. */
uint64_t src_now_ns(void);

#endif /* VTEP_SOURCE_H */
