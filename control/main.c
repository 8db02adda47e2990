/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - vtepd: start-up and shut-down.
 *
 *   vtepd [EAL options] -- --config FILE [--socket PATH] [--log-level L] [--syslog]
 *   vtepd --check-config FILE
 *
 * The configuration is loaded and validated before EAL starts, so a bad
 * file is refused with its errors and nothing else happens. Then: EAL,
 * the mapping tables, the dataplane (ports opened from their device
 * strings), the tables filled from the configuration, the management
 * socket, telemetry (DPDK telemetry commands, /metrics), forwarding, the
 * manager sources; the control loop runs on the EAL main lcore until
 * SIGINT/SIGTERM. Shut-down goes the other way.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "common/log.h"
#include "ctl.h"
#include "ctl_watch.h"
#include "http.h"
#include "mgmt.h"
#include "tel.h"

#ifndef VTEPD_VERSION
#define VTEPD_VERSION "dev"
#endif

struct opts {
	const char *config;
	const char *check_config;
	const char *socket;
	const char *log_level;
	bool syslog;
};

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: vtepd [EAL options] -- --config FILE [options]\n"
	        "       vtepd --check-config FILE\n"
	        "\n"
	        "vtepd is a VXLAN gateway: it bridges VLANs of access ports into VXLAN\n"
	        "segments over an IPv4 underlay, learning VM locations from traffic and\n"
	        "from vCenter / XenServer. docs/ and `man vtepd` have the whole story.\n"
	        "\n"
	        "options (after the EAL options and --):\n"
	        "  -c, --config FILE        the JSON configuration (docs/configuration.md)\n"
	        "      --check-config FILE  validate FILE, print it resolved (defaults made\n"
	        "                           explicit), exit 0 if valid, 1 if not; no DPDK\n"
	        "      --socket PATH        management socket, overrides control.socket\n"
	        "      --log-level LEVEL    error, warning, info or debug, overrides log.level\n"
	        "      --syslog             log to syslog (daemon facility), overrides log.syslog\n"
	        "  -h, --help               this text\n"
	        "  -V, --version            the version\n"
	        "\n"
	        "EAL options pick the lcores (-l 0,1: lcore 0 runs control, 1 forwards),\n"
	        "memory (--socket-mem, --no-huge -m MB) and devices; ports are opened from\n"
	        "the device strings of the configuration.\n"
	        "\n"
	        "signals: SIGHUP reloads the configuration, SIGUSR1 prints the counters,\n"
	        "SIGINT/SIGTERM stop.\n");
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"check-config", required_argument, NULL, 'k'},
	        {"socket", required_argument, NULL, 's'},
	        {"log-level", required_argument, NULL, 'l'},
	        {"syslog", no_argument, NULL, 'y'},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {NULL, 0, NULL, 0},
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'k':
			o->check_config = optarg;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 'l':
			o->log_level = optarg;
			if (log_level_parse(optarg) < 0) {
				fprintf(stderr, "vtepd: --log-level %s: not a level\n", optarg);
				return -1;
			}
			break;
		case 'y':
			o->syslog = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("vtepd %s\n", VTEPD_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vtepd: unexpected argument %s\n", argv[optind]);
		return -1;
	}
	return 0;
}

static int
check_config(const char *path)
{
	struct cfg_errors errs = {0};
	struct cfg *c = cfg_load_file(path, &errs);

	if (c == NULL) {
		if (errs.nb_msgs > 0)
			cfg_errors_print(&errs, stderr);
		else
			fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
		cfg_errors_free(&errs);
		return 1;
	}
	cfg_print(c, stdout);
	cfg_free(c);
	return 0;
}

static void
dp_conf_of(const struct cfg *cfg, struct dp_conf *dc)
{
	memset(dc, 0, sizeof(*dc));
	for (unsigned i = 0; i < cfg->nb_ports && i < DP_MAX_PORTS; i++) {
		const struct cfg_port *p = &cfg->ports[i];
		struct dp_port_conf *d = &dc->ports[i];

		snprintf(d->name, sizeof(d->name), "%s", p->name);
		snprintf(d->device, sizeof(d->device), "%s", p->device);
		d->role = p->role == CFG_PORT_ACCESS ? DP_PORT_ACCESS : DP_PORT_UNDERLAY;
		d->mtu = p->mtu;
		d->rx_desc = p->rx_desc;
		d->tx_desc = p->tx_desc;
		d->ip = p->ip;
		d->prefix_len = p->prefix_len;
		d->next_hop = p->next_hop;
		d->has_mac = p->has_mac;
		memcpy(d->mac, p->mac, 6);
	}
	dc->nb_ports = (uint16_t)cfg->nb_ports;
	dc->nb_lcores = cfg->dataplane.nb_lcores;
	memcpy(dc->lcores, cfg->dataplane.lcores, sizeof(unsigned) * cfg->dataplane.nb_lcores);
	dc->nb_mbufs = cfg->dataplane.nb_mbufs;
	dc->vtep_ip = cfg->gateway.vtep_ip;
	dc->udp_port = cfg->gateway.udp_port;
	dc->ttl = cfg->gateway.ttl;
	dc->tos = cfg->gateway.tos;
	dc->segments_max = cfg->limits.segments_max;
	dc->vteps_max = cfg->limits.vteps_max;
	dc->idle_backoff = cfg->dataplane.idle_backoff;
	dc->idle_max_us = cfg->dataplane.idle_max_us;
}

static struct map *
map_of(const struct cfg *cfg)
{
	struct map_params p = {
	        .name = "vtepd",
	        .fdb_max = cfg->limits.fdb_max,
	        .vteps_max = cfg->limits.vteps_max,
	        .segments_max = cfg->limits.segments_max,
	        .nb_ports = (uint16_t)cfg->nb_ports,
	        .max_readers = RTE_MAX_LCORE,
	        .socket_id = (int)rte_socket_id(),
	};

	return map_create(&p);
}

static void
logging_setup(const struct cfg *cfg, const struct opts *o)
{
	const char *level = o->log_level ? o->log_level : cfg->log.level;
	int l = log_level_parse(level);

	if (l >= 0)
		log_set_level((uint32_t)l);
	if ((o->syslog || cfg->log.syslog) && log_use_syslog("vtepd") < 0)
		LOG_WARN(ctl, "cannot log to syslog, staying on stderr");
}

/* Everything after EAL; @return the exit status. */
static int
run(struct ctl *c, const struct opts *o)
{
	struct dp_conf dc;
	int r;

	logging_setup(c->cfg, o);
	c->map = map_of(c->cfg);
	if (c->map == NULL) {
		LOG_ERR(ctl, "cannot create the mapping tables: %s", strerror(errno));
		return 1;
	}
	dp_conf_of(c->cfg, &dc);
	c->dp = dp_create(&dc, c->map);
	if (c->dp == NULL)
		return 1;
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->neigh = neigh_create(c);
	c->bindings = bindings_create(c);
	c->srcq = src_queue_create();
	if (c->epfd < 0 || c->neigh == NULL || c->bindings == NULL || c->srcq == NULL)
		return 1;
	r = ctl_apply_underlay(c, c->cfg);
	if (r == 0) {
		struct cfg *first = c->cfg;

		c->cfg = NULL; /* apply the whole configuration as a change from nothing */
		r = ctl_apply_config(c, first);
	}
	if (r < 0) {
		LOG_ERR(ctl, "cannot fill the tables: %s", strerror(-r));
		return 1;
	}
	/* Static neighbours into the new VTEPs' templates, and the first ARP
	 * requests queued, before the first frame arrives. */
	neigh_tick(c->neigh, ctl_now_ms(c));
	c->mgmt = mgmt_start(c);
	if (c->mgmt == NULL)
		return 1;
	c->tel = tel_start(c);
	if (c->tel == NULL) {
		LOG_ERR(ctl, "cannot start telemetry: %s", strerror(errno));
		return 1;
	}
	if (dp_start(c->dp) < 0)
		return 1;
	ctl_sources_reconcile(c);
	LOG_INFO(ctl, "gateway %s up: vtep %s, %u segment(s), %u forwarding lcore(s)",
	         c->cfg->gateway.name, o->config, c->cfg->nb_segments, dp_nb_lcores(c->dp));
	r = ctl_run(c);
	return r < 0 ? 1 : 0;
}

static void
shutdown_all(struct ctl *c)
{
	ctl_sources_stop(c);
	tel_stop(c->tel);
	mgmt_stop(c->mgmt);
	if (c->dp != NULL) {
		dp_stop(c->dp);
		if (c->map != NULL && c->cfg != NULL && c->segs != NULL) {
			ctl_events_process(c);
			ctl_counters_print(c, stdout);
			fflush(stdout);
		}
	}
	dp_destroy(c->dp);
	bindings_destroy(c->bindings);
	neigh_destroy(c->neigh);
	src_queue_destroy(c->srcq);
	map_destroy(c->map);
	if (c->epfd >= 0)
		close(c->epfd);
	cfg_free(c->cfg);
	free(c->segs);
}

int
main(int argc, char **argv)
{
	struct ctl c = {.epfd = -1};
	struct opts o = {0};
	struct cfg_errors errs = {0};
	struct timespec ts;
	sigset_t set;
	int sep, r, status;

	/* Before any Jansson use: turn its silent out-of-memory truncation
	 * into a refused load (see cfg.h). */
	cfg_json_guard_install(NULL, NULL);
	for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	/* "vtepd --check-config F", "vtepd --config F" (EAL defaults), or
	 * "vtepd EAL... -- options". */
	if (sep == argc && argc > 1 && argv[1][0] == '-' && argv[1][1] == '-')
		sep = 0;
	if (parse_opts(argc - sep, argv + sep, &o) < 0)
		return 2;
	if (o.check_config != NULL)
		return check_config(o.check_config);
	if (o.config == NULL) {
		fprintf(stderr, "vtepd: --config FILE is required (vtepd --help)\n");
		return 2;
	}
	c.cfg = cfg_load_file(o.config, &errs);
	if (c.cfg == NULL) {
		if (errs.nb_msgs > 0)
			cfg_errors_print(&errs, stderr);
		else
			fprintf(stderr, "%s: error: %s\n", o.config, strerror(errno));
		cfg_errors_free(&errs);
		return 1;
	}
	snprintf(c.cfg_path, sizeof(c.cfg_path), "%s", o.config);
	if (o.socket != NULL) {
		snprintf(c.socket_override, sizeof(c.socket_override), "%s", o.socket);
		snprintf(c.cfg->control.socket, sizeof(c.cfg->control.socket), "%s", o.socket);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	c.start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	ctl_signals_block(&set);
	if (http_global_init() < 0) {
		fprintf(stderr, "vtepd: libcurl initialisation failed\n");
		cfg_free(c.cfg);
		return 1;
	}
	r = rte_eal_init(sep > 0 ? sep : 1, argv);
	if (r < 0) {
		fprintf(stderr, "vtepd: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		cfg_free(c.cfg);
		return 1;
	}
	status = run(&c, &o);
	shutdown_all(&c);
	http_global_cleanup();
	rte_eal_cleanup();
	return status;
}
