/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtepctl - look into and steer a running vtepd over its management socket.
 *
 *   vtepctl [--socket PATH] [--json] show segments|ports|fdb|vteps|neighbors|
 *                                          counters|lcores|drops|managers|bindings
 *   vtepctl fdb add|del|flush ...   vtepctl reload   vtepctl version
 *
 * Tables are aligned for people; --json prints the server's JSON result
 * (for `show fdb`: one array of objects with vni, mac, type, vtep | port +
 * vlan, source, age_s, moves) for scripts. The protocol is one JSON line
 * each way (docs/vtepctl.md).
 *
 * Exit status: 0 done, 1 vtepd refused the command, 2 usage, 3 no vtepd.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/netaddr.h"

#define DEFAULT_SOCKET "/run/vtepd/vtepd.sock"
#define REPLY_MAX      (1u << 30)

struct col {
	const char *head;
	const char *key;
	const char *alt; /* shown when key is absent */
};

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: vtepctl [--socket PATH] [--json] [--timeout SEC] COMMAND\n"
	        "\n"
	        "  show segments                      segments, VLANs, MAC counts, counters\n"
	        "  show ports                         ports, link, packet and device counters\n"
	        "  show fdb [--vni N] [--mac M] [--source S] [--limit N]\n"
	        "                                     MAC table (S: static, learned, manager,\n"
	        "                                     vcenter:<name>, xenapi:<name>)\n"
	        "  show vteps                         remote VTEPs with next hop and counters\n"
	        "  show neighbors                     ARP state of the underlay next hops\n"
	        "  show counters                      every counter\n"
	        "  show lcores                        forwarding lcores: queues, polls, stalls\n"
	        "  show drops [--all]                 drops by reason\n"
	        "  show managers                      vCenter / XenServer sources\n"
	        "  show bindings [--source S]         what the managers reported, per MAC\n"
	        "  fdb add --vni N --mac M --vtep IP  static entry\n"
	        "  fdb del --vni N --mac M            delete an entry (any source)\n"
	        "  fdb flush [--vni N] [--source S]   delete entries\n"
	        "  reload                             re-read the configuration file\n"
	        "  version\n"
	        "\n"
	        "The socket is --socket, else $VTEPD_SOCKET, else " DEFAULT_SOCKET ".\n");
}

static int
connect_to(const char *path, int timeout_ms)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd;

	(void)timeout_ms;
	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "vtepctl: socket path too long: %s\n", path);
		return -1;
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "vtepctl: cannot reach vtepd at %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int r = poll(&p, 1, timeout_ms);

	if (r == 0)
		errno = ETIMEDOUT;
	return r > 0 ? 0 : -1;
}

/* Send the request, read the one reply line. @return the reply or NULL. */
static json_t *
transact(const char *path, json_t *req, int timeout_ms)
{
	char *out = json_dumps(req, JSON_COMPACT), *in = NULL;
	size_t len, off = 0, in_len = 0, in_cap = 0;
	json_error_t jerr;
	json_t *reply = NULL;
	int fd = connect_to(path, timeout_ms);

	if (fd < 0 || out == NULL)
		goto out;
	len = strlen(out);
	out[len++] = '\n'; /* json_dumps leaves room for its NUL: reuse it */
	while (off < len) {
		ssize_t n;

		if (wait_fd(fd, POLLOUT, timeout_ms) < 0)
			goto io_error;
		n = write(fd, out + off, len - off);
		if (n <= 0)
			goto io_error;
		off += (size_t)n;
	}
	for (;;) {
		ssize_t n;

		if (in_len + 65536 > in_cap) {
			char *p;

			in_cap = in_cap ? in_cap * 2 : 1u << 20;
			if (in_cap > REPLY_MAX || (p = realloc(in, in_cap)) == NULL)
				goto io_error;
			in = p;
		}
		if (wait_fd(fd, POLLIN, timeout_ms) < 0)
			goto io_error;
		n = read(fd, in + in_len, in_cap - in_len);
		if (n < 0)
			goto io_error;
		if (n == 0)
			break;
		in_len += (size_t)n;
		if (in[in_len - 1] == '\n')
			break;
	}
	reply = json_loadb(in, in_len, 0, &jerr);
	if (reply == NULL)
		fprintf(stderr, "vtepctl: unreadable reply from vtepd: %s\n", jerr.text);
	goto out;
io_error:
	fprintf(stderr, "vtepctl: talking to vtepd at %s: %s\n", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	free(out);
	free(in);
	return reply;
}

static void
cell(json_t *o, const struct col *c, char *buf, size_t size)
{
	json_t *v = json_object_get(o, c->key);

	if (v == NULL && c->alt != NULL)
		v = json_object_get(o, c->alt);
	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, size, "%s", json_is_true(v) ? "yes" : "no");
	else if (json_is_array(v)) {
		size_t i, off = 0;
		json_t *e;

		buf[0] = '\0';
		json_array_foreach (v, i, e) {
			if (off + 1 >= size)
				break;
			off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? "," : "",
			                        json_is_string(e) ? json_string_value(e) : "?");
		}
		if (i == 0)
			snprintf(buf, size, "-");
	} else
		snprintf(buf, size, "-");
}

static void
table(json_t *rows, const struct col *cols, unsigned nb_cols)
{
	size_t w[16] = {0}, i;
	char buf[512];
	json_t *r;

	for (unsigned c = 0; c < nb_cols; c++)
		w[c] = strlen(cols[c].head);
	json_array_foreach (rows, i, r) {
		for (unsigned c = 0; c < nb_cols; c++) {
			cell(r, &cols[c], buf, sizeof(buf));
			if (strlen(buf) > w[c])
				w[c] = strlen(buf);
		}
	}
	for (unsigned c = 0; c < nb_cols; c++)
		printf("%-*s%s", (int)w[c], cols[c].head, c + 1 < nb_cols ? "  " : "\n");
	json_array_foreach (rows, i, r) {
		for (unsigned c = 0; c < nb_cols; c++) {
			cell(r, &cols[c], buf, sizeof(buf));
			printf("%-*s%s", (int)w[c], buf, c + 1 < nb_cols ? "  " : "\n");
		}
	}
}

#define TABLE(rows, cols) table(rows, cols, sizeof(cols) / sizeof(cols[0]))

static const struct col fdb_cols[] = {
        {"VNI", "vni", NULL},          {"MAC", "mac", NULL},     {"TYPE", "type", NULL},
        {"VTEP/PORT", "vtep", "port"}, {"VLAN", "vlan", NULL},   {"SOURCE", "source", NULL},
        {"AGE(s)", "age_s", NULL},     {"MOVES", "moves", NULL},
};
static const struct col seg_cols[] = {
        {"TENANT", "tenant", NULL},    {"SEGMENT", "name", NULL},     {"VNI", "vni", NULL},
        {"PORT", "port", NULL},        {"VLAN", "vlan", NULL},        {"MACS", "macs", NULL},
        {"ENCAP", "encap_pkts", NULL}, {"DECAP", "decap_pkts", NULL}, {"FLOOD", "flood_pkts", NULL},
        {"DROPS", "drops", NULL},      {"FLOOD-LIST", "flood", NULL},
};
static const struct col vtep_cols[] = {
        {"VTEP", "vtep", NULL},        {"NEXT-HOP", "next_hop", NULL},
        {"MAC", "next_hop_mac", NULL}, {"RESOLVED", "resolved", NULL},
        {"FDB", "fdb_entries", NULL},  {"TX-PKTS", "tx_pkts", NULL},
        {"RX-PKTS", "rx_pkts", NULL},
};
static const struct col port_cols[] = {
        {"PORT", "name", NULL},           {"ROLE", "role", NULL},
        {"DEVICE", "device", NULL},       {"MAC", "mac", NULL},
        {"LINK", "link_up", NULL},        {"RX-PKTS", "rx_pkts", NULL},
        {"TX-PKTS", "tx_pkts", NULL},     {"MISSED", "hw_imissed", NULL},
        {"NOMBUF", "hw_rx_nombuf", NULL}, {"OERRORS", "hw_oerrors", NULL},
};
static const struct col neigh_cols[] = {
        {"IP", "ip", NULL},         {"MAC", "mac", NULL},        {"STATE", "state", NULL},
        {"PROBES", "probes", NULL}, {"AGE(ms)", "age_ms", NULL}, {"VTEPS", "vteps", NULL},
};
static const struct col lcore_cols[] = {
        {"LCORE", "lcore", NULL},           {"RX-QUEUES", "rx_queues", NULL},
        {"BUSY-POLLS", "busy_polls", NULL}, {"EMPTY-POLLS", "empty_polls", NULL},
        {"SLEEPS", "idle_sleeps", NULL},    {"STALLS>=100us", "stalls_100us", NULL},
        {">=1ms", "stalls_1ms", NULL},      {">=10ms", "stalls_10ms", NULL},
        {"STALLED(us)", "stall_us", NULL},  {"LONGEST(us)", "stall_max_us", NULL},
};
static const struct col drop_cols[] = {
        {"REASON", "reason", NULL},
        {"PKTS", "pkts", NULL},
        {"DESCRIPTION", "description", NULL},
};
static const struct col mgr_cols[] = {
        {"NAME", "name", NULL},
        {"TYPE", "type", NULL},
        {"STATE", "state", NULL},
        {"SERVER", "server", NULL},
        {"API", "api_version", NULL},
        {"LAST-UPDATE(ms)", "last_update_age_ms", NULL},
        {"VMS", "vms", NULL},
        {"HOSTS", "hosts", NULL},
        {"MACS", "macs", NULL},
        {"INSTALLED", "installed", NULL},
        {"RESYNCS", "resyncs", NULL},
        {"ERRORS", "errors", NULL},
        {"LAST-ERROR", "last_error", NULL},
};
static const struct col bind_cols[] = {
        {"SOURCE", "source", NULL}, {"MAC", "mac", NULL},
        {"VM", "vm", NULL},         {"NETWORK", "network", NULL},
        {"HOST", "host", NULL},     {"VNI", "vni", NULL},
        {"VTEP", "vtep", "local"},  {"INSTALLED", "installed", NULL},
        {"WHY", "why", NULL},
};

static void
print_object(json_t *o, const char *prefix)
{
	const char *k;
	json_t *v;

	json_object_foreach (o, k, v) {
		if (json_is_object(v)) {
			char p[128];

			snprintf(p, sizeof(p), "%s%s.", prefix, k);
			print_object(v, p);
		} else if (json_is_integer(v)) {
			printf("%s%-28s %lld\n", prefix, k, (long long)json_integer_value(v));
		} else if (json_is_string(v)) {
			printf("%s%-28s %s\n", prefix, k, json_string_value(v));
		} else if (json_is_boolean(v)) {
			printf("%s%-28s %s\n", prefix, k, json_is_true(v) ? "true" : "false");
		}
	}
}

static void
print_result(const char *command, json_t *res)
{
	if (strcmp(command, "show fdb") == 0)
		TABLE(res, fdb_cols);
	else if (strcmp(command, "show segments") == 0)
		TABLE(res, seg_cols);
	else if (strcmp(command, "show vteps") == 0)
		TABLE(res, vtep_cols);
	else if (strcmp(command, "show ports") == 0)
		TABLE(res, port_cols);
	else if (strcmp(command, "show neighbors") == 0)
		TABLE(res, neigh_cols);
	else if (strcmp(command, "show drops") == 0)
		TABLE(res, drop_cols);
	else if (strcmp(command, "show lcores") == 0)
		TABLE(res, lcore_cols);
	else if (strcmp(command, "show managers") == 0)
		TABLE(res, mgr_cols);
	else if (strcmp(command, "show bindings") == 0)
		TABLE(res, bind_cols);
	else if (strcmp(command, "show counters") == 0) {
		json_t *ports = json_object_get(res, "ports"),
		       *drops = json_object_get(res, "drop_reasons");

		json_incref(ports);
		json_incref(drops);
		json_object_del(res, "ports");
		json_object_del(res, "drop_reasons");
		print_object(res, "");
		printf("\n");
		TABLE(ports, port_cols);
		printf("\n");
		TABLE(drops, drop_cols);
		json_decref(ports);
		json_decref(drops);
	} else if (json_is_object(res))
		print_object(res, "");
}

/* Turn "--vni 5001 --mac ..." into the args object. @return 0 or -1. */
static int
parse_args(int argc, char **argv, json_t *args)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		uint64_t n;

		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "vtepctl: unexpected argument %s\n", a);
			return -1;
		}
		a += 2;
		if (strcmp(a, "all") == 0) {
			json_object_set_new(args, a, json_true());
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "vtepctl: --%s needs a value\n", a);
			return -1;
		}
		if (strcmp(a, "vni") == 0 || strcmp(a, "limit") == 0) {
			if (netaddr_u64_parse(argv[i + 1], 0, UINT32_MAX, &n) < 0) {
				fprintf(stderr, "vtepctl: --%s %s: not a number\n", a, argv[i + 1]);
				return -1;
			}
			json_object_set_new(args, a, json_integer((json_int_t)n));
		} else {
			json_object_set_new(args, a, json_string(argv[i + 1]));
		}
		i++;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = getenv("VTEPD_SOCKET");
	bool as_json = false;
	int timeout_s = 10, i = 1, words, status;
	char command[64];
	json_t *req, *args, *reply;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			as_json = true;
		} else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			uint64_t t;

			if (netaddr_u64_parse(argv[++i], 1, 3600, &t) < 0) {
				fprintf(stderr, "vtepctl: --timeout %s: 1..3600 seconds\n",
				        argv[i]);
				return 2;
			}
			timeout_s = (int)t;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (path == NULL || path[0] == '\0')
		path = DEFAULT_SOCKET;
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	/* Commands are one or two words: "reload", "show fdb", "fdb add". */
	words = (strcmp(argv[i], "show") == 0 || strcmp(argv[i], "fdb") == 0) ? 2 : 1;
	if (i + words > argc) {
		usage(stderr);
		return 2;
	}
	snprintf(command, sizeof(command), "%s%s%s", argv[i], words == 2 ? " " : "",
	         words == 2 ? argv[i + 1] : "");
	args = json_object();
	if (parse_args(argc - i - words, argv + i + words, args) < 0) {
		json_decref(args);
		return 2;
	}
	req = json_pack("{s:s, s:o}", "command", command, "args", args);
	reply = transact(path, req, timeout_s * 1000);
	json_decref(req);
	if (reply == NULL)
		return 3;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		const char *e = json_string_value(json_object_get(reply, "error"));

		fprintf(stderr, "vtepctl: %s\n", e ? e : "vtepd refused the command");
		status = 1;
	} else {
		json_t *res = json_object_get(reply, "result");

		if (as_json)
			json_dumpf(res, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		else
			print_result(command, res);
		if (as_json)
			printf("\n");
		status = 0;
	}
	json_decref(reply);
	return status;
}
