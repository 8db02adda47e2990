/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg.h - vtepd's configuration: the JSON file, parsed, validated and
 * resolved into plain C structures.
 *
 * The loader follows parse -> validate -> resolve. It never stops at the
 * first problem: every error found is collected, each naming the JSON path
 * of the offending value and one reason, e.g.
 *
 *   gw.json: error: tenants[0].segments[2].vni: 16777216 is out of range 1..16777215
 *   gw.json:14:9: error: '}' expected near ','          (syntax, from Jansson)
 *
 * A configuration with any error is refused whole: cfg_load_*() returns
 * NULL and nothing of it is used. Unknown keys are errors (a typo must not
 * silently switch a feature off).
 *
 * The schema is documented key by key in docs/configuration.md.
 *
 * Conventions in the structures below:
 *  - IPv4 addresses are uint32_t in network byte order ("_ip", "vtep").
 *  - Ports, segments, sites, ... refer to each other by index into the
 *    arrays of struct cfg (resolved from names by the loader).
 *  - Strings are NUL-terminated and fit their arrays (the loader refuses
 *    longer values with an error naming the limit).
 *
 * Thread-safety: a struct cfg is immutable once returned; any thread may
 * read it. cfg_load_*() and cfg_free() are reentrant (no global state but
 * the allocator cfg_json_guard_install() sets once, before any thread
 * loads, and a per-thread counter).
 */
#ifndef VTEP_CFG_H
#define VTEP_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CFG_NAME_MAX      64   /* names: gateway, ports, tenants, segments, sites, managers */
#define CFG_LABEL_MAX     256  /* network / portgroup / host names as a manager spells them */
#define CFG_DEVICE_MAX    256  /* DPDK device string */
#define CFG_PATH_MAX      4096 /* file system paths */
#define CFG_URL_MAX       1024
#define CFG_MAX_PORTS     16
#define CFG_MAX_LCORES    64
#define CFG_MAX_MANAGERS  64 /* = SRC_MAX (control/source.h): one source each */
#define CFG_VLAN_UNTAGGED 0  /* cfg_segment.vlan for an untagged attachment */
#define CFG_VNI_MAX       16777215u

#define CFG_MAX_NEIGHBORS 256 /* static ARP entries per underlay port */

/* A static ARP entry on the underlay: never solicited, never expires
 * (routers that filter ARP, or a next hop to pin). */
struct cfg_neighbor {
	uint32_t ip; /* network order, inside the port's prefix */
	uint8_t mac[6];
};

enum cfg_port_role {
	CFG_PORT_ACCESS,   /* 802.1Q trunk (or untagged) into the local data center */
	CFG_PORT_UNDERLAY, /* IPv4 network towards the other VTEPs */
};

struct cfg_gateway {
	char name[CFG_NAME_MAX];
	uint32_t vtep_ip;        /* source address of every tunnel packet */
	uint16_t udp_port;       /* VXLAN destination port, default 4789 */
	uint8_t ttl;             /* outer TTL, default 64 */
	uint8_t tos;             /* outer TOS byte, default 0 */
	char site[CFG_NAME_MAX]; /* this gateway's own site ("" = none): hosts
	                          * matching it are local, reached on the
	                          * access port */
};

struct cfg_port {
	char name[CFG_NAME_MAX];
	char device[CFG_DEVICE_MAX]; /* "0000:03:00.0" or "net_af_packet0,iface=veth1" */
	enum cfg_port_role role;
	uint16_t mtu;     /* IP MTU of the link, default 1500 */
	uint16_t rx_desc; /* descriptors per RX queue, default 1024 */
	uint16_t tx_desc; /* descriptors per TX queue, default 1024 */
	/* underlay only: */
	uint32_t ip;        /* address of this port (usually == gateway.vtep_ip) */
	uint8_t prefix_len; /* on-link prefix; VTEPs inside it are ARPed directly */
	uint32_t next_hop;  /* gateway for off-link VTEPs, 0 = none */
	bool has_mac;       /* an explicit "mac" overrides the device's own */
	uint8_t mac[6];
	struct cfg_neighbor *neighbors; /* static ARP entries */
	unsigned nb_neighbors;
};

struct cfg_segment {
	char name[CFG_NAME_MAX];
	unsigned tenant; /* index into cfg.tenants */
	uint32_t vni;    /* 1..16777215 */
	unsigned port;   /* index into cfg.ports, an access port */
	uint16_t vlan;   /* 1..4094, or CFG_VLAN_UNTAGGED */
	uint32_t *flood; /* remote VTEPs for head-end replication (network order) */
	unsigned nb_flood;
	char (*networks)[CFG_LABEL_MAX]; /* manager networks / portgroups in this segment */
	unsigned nb_networks;
	uint32_t ageing_s;       /* learned-entry ageing, default limits.ageing_s */
	uint32_t mac_limit;      /* max MACs in this segment, 0 = only the global limit */
	uint32_t flood_rate_pps; /* BUM packets/s sent to the underlay, 0 = unlimited */
};

struct cfg_tenant {
	char name[CFG_NAME_MAX];
	unsigned first_segment; /* segments of a tenant are contiguous in cfg.segments */
	unsigned nb_segments;
};

/* A static FDB entry: (VNI, MAC) behind a remote VTEP. */
struct cfg_fdb {
	uint32_t vni;
	uint8_t mac[6];
	uint32_t vtep;
};

/* A site: where hosts are. Hosts of this gateway's own site (gateway.site)
 * are local; hosts of another site are reached through that site's VTEP. */
struct cfg_site {
	char name[CFG_NAME_MAX];
	uint32_t vtep;                /* the site's gateway VTEP; 0 for the own site */
	char (*hosts)[CFG_LABEL_MAX]; /* host name glob patterns (fnmatch) */
	unsigned nb_hosts;
	char (*clusters)[CFG_LABEL_MAX]; /* cluster / pool names (exact) */
	unsigned nb_clusters;
};

/* A hypervisor that terminates VXLAN itself: its VMs are behind its VTEP.
 * Takes precedence over site rules. */
struct cfg_host {
	char name[CFG_LABEL_MAX]; /* exact host name as the manager reports it */
	uint32_t vtep;
};

enum cfg_manager_type {
	CFG_MGR_VCENTER, /* vCenter or standalone ESXi, vim25 SOAP */
	CFG_MGR_XENAPI,  /* XenServer / XCP-ng pool */
};

struct cfg_manager {
	enum cfg_manager_type type;
	char name[CFG_NAME_MAX];      /* shown as "vcenter:<name>" / "xenapi:<name>" */
	char url[CFG_URL_MAX];        /* https://vc1.example/sdk, https://pool1-host1.example */
	char (*members)[CFG_URL_MAX]; /* xenapi: further pool members to try */
	unsigned nb_members;
	char username[CFG_LABEL_MAX];
	char password_file[CFG_PATH_MAX]; /* exactly one of password_file / password_env */
	char password_env[CFG_NAME_MAX];
	char ca_file[CFG_PATH_MAX];         /* "" = system trust store */
	char fingerprint[CFG_NAME_MAX * 2]; /* pinned SHA-256 of the server cert, hex with
	                                     * or without colons, "" = none */
	bool insecure;                      /* skip TLS verification: explicit, logged opt-in */
	char pool_uuid[CFG_NAME_MAX]; /* xenapi: expected pool.uuid, "" = pin the first seen */
	char transport_network[CFG_LABEL_MAX]; /* xenapi: host VTEP = PIF IP on this network */
	uint32_t timeout_s;                    /* per request (connect + transfer), default 30 */
	uint32_t wait_s;         /* long-poll wait (WaitForUpdatesEx / event.from), default 30 */
	uint32_t backoff_min_ms; /* reconnect backoff, default 500 */
	uint32_t backoff_max_ms; /* default 30000 */
	uint32_t flush_after_s;  /* withdraw its mappings after this long unreachable,
	                          * 0 = keep the last good mappings forever (default) */
};

struct cfg_limits {
	uint32_t fdb_max;      /* global FDB capacity and MAC limit, default 1048576 */
	uint32_t vteps_max;    /* remote VTEPs, default 4096 */
	uint32_t segments_max; /* segments, default 4096 (at most 65535) */
	uint32_t ageing_s;     /* default ageing of learned entries, default 300 */
};

struct cfg_dataplane {
	unsigned lcores[CFG_MAX_LCORES]; /* forwarding lcores; empty = every EAL worker lcore */
	unsigned nb_lcores;
	uint32_t nb_mbufs;    /* mbufs in the pool, 0 = sized from ports/queues/lcores */
	bool idle_backoff;    /* sleep when idle, default true */
	uint32_t idle_max_us; /* longest idle sleep, default 50 */
};

struct cfg_control {
	char socket[CFG_PATH_MAX];       /* vtepctl socket, default /run/vtepd/vtepd.sock */
	uint32_t socket_mode;            /* default 0660 */
	char socket_group[CFG_NAME_MAX]; /* "" = the process's group */
};

struct cfg_telemetry {
	bool prometheus;           /* default true */
	char listen[CFG_NAME_MAX]; /* "127.0.0.1:9469" */
};

struct cfg_log {
	char level[16]; /* "error", "warning", "info" (default), "debug" */
	bool syslog;    /* default false: stderr */
};

struct cfg {
	char file[CFG_PATH_MAX]; /* where it was loaded from, for messages */
	struct cfg_gateway gateway;
	struct cfg_port *ports;
	unsigned nb_ports;
	struct cfg_tenant *tenants;
	unsigned nb_tenants;
	struct cfg_segment *segments;
	unsigned nb_segments;
	struct cfg_fdb *fdb;
	unsigned nb_fdb;
	struct cfg_site *sites;
	unsigned nb_sites;
	struct cfg_host *hosts;
	unsigned nb_hosts;
	struct cfg_manager *managers;
	unsigned nb_managers;
	struct cfg_limits limits;
	struct cfg_dataplane dataplane;
	struct cfg_control control;
	struct cfg_telemetry telemetry;
	struct cfg_log log;
};

/* Collected errors, one line each, already formatted as
 * "<file>: error: <path>: <reason>" or "<file>:<line>:<col>: error: <reason>". */
struct cfg_errors {
	char **msgs;
	unsigned nb_msgs;
	unsigned cap;
};

/**
 * Load, validate and resolve a configuration file.
 * @param path the JSON file.
 * @param errs receives every error found (cfg_errors_free() it).
 *   Messages are appended: start from a zeroed struct ({0}). NULL: no
 *   text is kept.
 * @return the configuration, or NULL if there was any error (then
 *   errs->nb_msgs > 0, or errno is set for an allocation failure).
 *   errno is EINVAL for an invalid file, ENOMEM when memory ran out (the
 *   messages may then be incomplete), or why the file could not be read.
 */
struct cfg *cfg_load_file(const char *path, struct cfg_errors *errs);

/**
 * Same as cfg_load_file() from a string; @p name is used in messages.
 */
struct cfg *cfg_load_string(const char *json, const char *name, struct cfg_errors *errs);

/** Free a configuration; NULL is a no-op. */
void cfg_free(struct cfg *c);

/** Free the messages of @p errs (the struct itself is the caller's). */
void cfg_errors_free(struct cfg_errors *errs);

/** Print every error, one per line. */
void cfg_errors_print(const struct cfg_errors *errs, FILE *out);

/**
 * Print the resolved configuration as JSON (every default made explicit),
 * as `vtepd --check-config` shows it. Secrets are never printed (a
 * password file's path is, its content is not).
 */
void cfg_print(const struct cfg *c, FILE *out);

/** Index of the segment with this VNI, or -1. */
int cfg_segment_by_vni(const struct cfg *c, uint32_t vni);

/** Index of the port with this name, or -1. */
int cfg_port_by_name(const struct cfg *c, const char *name);

/** Index of the (only) underlay port, or -1. */
int cfg_underlay_port(const struct cfg *c);

/**
 * Make Jansson's allocation failures visible to the loader. Jansson 2.14
 * ignores a failure to grow its token buffer and goes on with the token
 * cut short (akheron/jansson#362): under memory pressure a load could
 * succeed with altered values ("a,b" read as "ab"). With the guard, a load
 * during which any Jansson allocation failed returns NULL, errno ENOMEM.
 * Call once at startup, before anything else uses Jansson: it calls
 * json_set_alloc_funcs(), which is process-wide. Without it the loader
 * works as before, without that protection.
 * @param malloc_fn, free_fn the allocator underneath (NULL: malloc, free).
 */
void cfg_json_guard_install(void *(*malloc_fn)(size_t), void (*free_fn)(void *));

#endif /* VTEP_CFG_H */
