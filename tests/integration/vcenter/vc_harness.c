/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_harness - runs one vCenter source against a URL and prints, as JSON
 * lines on stdout, every update it posts (with the CLOCK_MONOTONIC times
 * the response was read and the update drained) and, on the command
 * "status" on stdin, its status. "stop" (or EOF, SIGTERM) stops it and
 * prints how long the stop took. Logs go to stderr.
 *
 * Used by run_vcenter.py with tests/fixtures/vcenter/fake_vcenter.py.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/netaddr.h"
#include "control/vcenter/vc.h"

static void
json_str(const char *key, const char *s)
{
	printf(",\"%s\":\"", key);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
print_update(const struct src_update *u, uint64_t now)
{
	static const char *const ops[] = {"SYNC_BEGIN", "UPSERT", "WITHDRAW", "SYNC_END", "FLUSH"};
	char mac[NETADDR_MAC_STRLEN];

	printf("{\"ev\":\"update\",\"op\":\"%s\",\"src\":%u", ops[u->op], u->src_id);
	if (u->op == SRC_OP_UPSERT || u->op == SRC_OP_WITHDRAW) {
		json_str("mac", netaddr_mac_fmt(u->b.mac, mac, sizeof(mac)));
		json_str("network", u->b.network);
		json_str("network_alt", u->b.network_alt);
		json_str("host", u->b.host);
		json_str("cluster", u->b.cluster);
		json_str("vm", u->b.vm);
	}
	printf(",\"recv_ns\":%llu,\"post_ns\":%llu}\n", (unsigned long long)u->recv_ns,
	       (unsigned long long)now);
}

static void
print_status(struct src *s)
{
	struct src_status st;

	s->ops->status(s->impl, &st);
	printf("{\"ev\":\"status\"");
	json_str("state", src_state_name(st.state));
	json_str("kind", st.kind);
	json_str("name", st.name);
	json_str("server", st.server);
	json_str("api_version", st.api_version);
	json_str("last_error", st.last_error);
	printf(",\"nb_vms\":%u,\"nb_hosts\":%u,\"nb_macs\":%u,\"resyncs\":%llu,\"reconnects\":%llu,"
	       "\"errors\":%llu,\"updates\":%llu,\"last_sync_ms\":%llu,\"last_update_ns\":%llu,"
	       "\"connected_ns\":%llu,\"now_ns\":%llu}\n",
	       st.nb_vms, st.nb_hosts, st.nb_macs, (unsigned long long)st.resyncs,
	       (unsigned long long)st.reconnects, (unsigned long long)st.errors,
	       (unsigned long long)st.updates, (unsigned long long)st.last_sync_ms,
	       (unsigned long long)st.last_update_ns, (unsigned long long)st.connected_ns,
	       (unsigned long long)src_now_ns());
}

static int
parse_args(int argc, char **argv, struct cfg_manager *mc)
{
	static const struct option opts[] = {
	        {"url", required_argument, NULL, 'u'},
	        {"name", required_argument, NULL, 'n'},
	        {"user", required_argument, NULL, 'U'},
	        {"password-env", required_argument, NULL, 'E'},
	        {"password-file", required_argument, NULL, 'F'},
	        {"ca-file", required_argument, NULL, 'c'},
	        {"fingerprint", required_argument, NULL, 'f'},
	        {"insecure", no_argument, NULL, 'k'},
	        {"timeout-s", required_argument, NULL, 't'},
	        {"wait-s", required_argument, NULL, 'w'},
	        {"backoff-min-ms", required_argument, NULL, 'b'},
	        {"backoff-max-ms", required_argument, NULL, 'B'},
	        {"flush-after-s", required_argument, NULL, 'x'},
	        {NULL, 0, NULL, 0},
	};
	int c;

	memset(mc, 0, sizeof(*mc));
	mc->type = CFG_MGR_VCENTER;
	snprintf(mc->name, sizeof(mc->name), "vc1");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			snprintf(mc->url, sizeof(mc->url), "%s", optarg);
			break;
		case 'n':
			snprintf(mc->name, sizeof(mc->name), "%s", optarg);
			break;
		case 'U':
			snprintf(mc->username, sizeof(mc->username), "%s", optarg);
			break;
		case 'E':
			snprintf(mc->password_env, sizeof(mc->password_env), "%s", optarg);
			break;
		case 'F':
			snprintf(mc->password_file, sizeof(mc->password_file), "%s", optarg);
			break;
		case 'c':
			snprintf(mc->ca_file, sizeof(mc->ca_file), "%s", optarg);
			break;
		case 'f':
			snprintf(mc->fingerprint, sizeof(mc->fingerprint), "%s", optarg);
			break;
		case 'k':
			mc->insecure = true;
			break;
		case 't':
			mc->timeout_s = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			mc->wait_s = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'b':
			mc->backoff_min_ms = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'B':
			mc->backoff_max_ms = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'x':
			mc->flush_after_s = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			return -EINVAL;
		}
	}
	return mc->url[0] != '\0' ? 0 : -EINVAL;
}

/* @return true when asked to stop. */
static bool
read_command(struct src *s)
{
	char line[64];

	if (fgets(line, sizeof(line), stdin) == NULL)
		return true;
	if (strncmp(line, "status", 6) == 0)
		print_status(s);
	return strncmp(line, "stop", 4) == 0;
}

static void
drain(struct src_queue *q)
{
	static struct src_update ups[1024];
	unsigned n;

	while ((n = src_queue_drain(q, ups, 1024)) > 0) {
		uint64_t now = src_now_ns();

		for (unsigned i = 0; i < n; i++)
			print_update(&ups[i], now);
	}
}

int
main(int argc, char **argv)
{
	struct cfg_manager mc;
	struct src_queue *q;
	struct src *s;
	sigset_t sigs;
	uint64_t t0;
	int sfd;

	if (parse_args(argc, argv, &mc) < 0) {
		fprintf(stderr,
		        "usage: vc_harness --url URL [--user U] [--password-env VAR] "
		        "[--ca-file F] [--fingerprint HEX] [--insecure] [--wait-s N] ...\n");
		return 2;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (http_global_init() < 0 || (q = src_queue_create()) == NULL)
		return 1;
	s = vc_source_start(&mc, 1, q);
	if (s == NULL) {
		fprintf(stderr, "vc_harness: cannot start: %s\n", strerror(errno));
		return 1;
	}
	for (bool stop = false; !stop;) {
		struct pollfd p[3] = {
		        {src_queue_fd(q), POLLIN, 0}, {0, POLLIN, 0}, {sfd, POLLIN, 0}};

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			drain(q);
		if (p[1].revents & (POLLIN | POLLHUP))
			stop = read_command(s);
		stop = stop || (p[2].revents & POLLIN);
		fflush(stdout);
	}
	t0 = src_now_ns();
	s->ops->stop(s->impl);
	printf("{\"ev\":\"stopped\",\"stop_ms\":%.1f}\n", (double)(src_now_ns() - t0) / 1e6);
	drain(q);
	print_status(s);
	fflush(stdout);
	s->ops->destroy(s->impl);
	src_queue_destroy(q);
	http_global_cleanup();
	close(sfd);
	return 0;
}
