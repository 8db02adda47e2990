/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_harness - runs XenAPI sources outside vtepd and shows what they
 * tell the control thread, for the integration tests.
 *
 *   xapi_harness CONFIG.json
 *
 * CONFIG: {"sources": [{"name", "url", "members", "username", "password_env",
 * "password_file", "ca_file", "fingerprint", "insecure", "pool_uuid",
 * "transport_network", "timeout_s", "wait_s", "backoff_min_ms",
 * "backoff_max_ms", "flush_after_s"}]} - the keys of a "xenapi" manager
 * in vtepd's configuration. Source i gets src_id i + 1.
 *
 * stdout: one JSON object per line, flushed:
 *   {"ev":"update","src":1,"op":"upsert","mac":..,"network":..,...,"recv_ns":..,"out_ns":..}
 *   {"ev":"status","src":1,"state":"streaming",...}     after "status" on stdin
 *   {"ev":"stopped","ms":12.3}                           after "stop" or EOF
 *   {"ev":"hello","sanitized":false}                     first, once
 * Times are CLOCK_MONOTONIC nanoseconds, comparable with the fake's t_ns.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/netaddr.h"
#include "control/xenapi/xapi.h"

#define MAX_SOURCES 8

/* Timing figures are looser under sanitizers; the tests want to know. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static const char *const op_names[] = {
        [SRC_OP_SYNC_BEGIN] = "sync_begin", [SRC_OP_UPSERT] = "upsert",
        [SRC_OP_WITHDRAW] = "withdraw",     [SRC_OP_SYNC_END] = "sync_end",
        [SRC_OP_FLUSH] = "flush",
};

static void
emit(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	if (s != NULL) {
		fputs(s, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		free(s);
	}
	json_decref(o);
}

static void
emit_update(const struct src_update *u)
{
	char mac[NETADDR_MAC_STRLEN], ip[NETADDR_IPV4_STRLEN];
	json_t *o = json_pack("{s:s, s:i, s:s, s:I, s:I}", "ev", "update", "src", u->src_id, "op",
	                      op_names[u->op], "recv_ns", (json_int_t)u->recv_ns, "out_ns",
	                      (json_int_t)src_now_ns());

	if (u->op == SRC_OP_UPSERT || u->op == SRC_OP_WITHDRAW) {
		json_object_set_new(o, "mac",
		                    json_string(netaddr_mac_fmt(u->b.mac, mac, sizeof(mac))));
		json_object_set_new(o, "network", json_string(u->b.network));
	}
	if (u->op == SRC_OP_UPSERT) {
		json_object_set_new(o, "network_alt", json_string(u->b.network_alt));
		json_object_set_new(o, "host", json_string(u->b.host));
		json_object_set_new(o, "cluster", json_string(u->b.cluster));
		json_object_set_new(o, "host_vtep",
		                    json_string(u->b.host_vtep ? netaddr_ipv4_fmt(u->b.host_vtep,
		                                                                  ip, sizeof(ip))
		                                               : ""));
		json_object_set_new(o, "vm", json_string(u->b.vm));
	}
	emit(o);
}

static void
emit_status(const struct src *s)
{
	struct src_status st;

	s->ops->status(s->impl, &st);
	emit(json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:I, s:I, s:I, "
	               "s:I, s:I, s:s}",
	               "ev", "status", "src", s->id, "state", src_state_name(st.state), "name",
	               st.name, "server", st.server, "api_version", st.api_version,
	               "last_update_ns", (json_int_t)st.last_update_ns, "connected_ns",
	               (json_int_t)st.connected_ns, "nb_vms", st.nb_vms, "nb_hosts", st.nb_hosts,
	               "nb_macs", st.nb_macs, "resyncs", (json_int_t)st.resyncs, "reconnects",
	               (json_int_t)st.reconnects, "errors", (json_int_t)st.errors, "updates",
	               (json_int_t)st.updates, "last_sync_ms", (json_int_t)st.last_sync_ms,
	               "last_error", st.last_error));
}

static void
str_key(json_t *o, const char *key, char *dst, size_t size)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (v != NULL)
		snprintf(dst, size, "%s", v);
}

static uint32_t
u32_key(json_t *o, const char *key, uint32_t dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (uint32_t)json_integer_value(v) : dflt;
}

static int
parse_source(json_t *o, struct cfg_manager *mc)
{
	json_t *members = json_object_get(o, "members"), *m;
	size_t i;

	memset(mc, 0, sizeof(*mc));
	mc->type = CFG_MGR_XENAPI;
	str_key(o, "name", mc->name, sizeof(mc->name));
	str_key(o, "url", mc->url, sizeof(mc->url));
	str_key(o, "username", mc->username, sizeof(mc->username));
	str_key(o, "password_file", mc->password_file, sizeof(mc->password_file));
	str_key(o, "password_env", mc->password_env, sizeof(mc->password_env));
	str_key(o, "ca_file", mc->ca_file, sizeof(mc->ca_file));
	str_key(o, "fingerprint", mc->fingerprint, sizeof(mc->fingerprint));
	str_key(o, "pool_uuid", mc->pool_uuid, sizeof(mc->pool_uuid));
	str_key(o, "transport_network", mc->transport_network, sizeof(mc->transport_network));
	mc->insecure = json_is_true(json_object_get(o, "insecure"));
	mc->timeout_s = u32_key(o, "timeout_s", 30);
	mc->wait_s = u32_key(o, "wait_s", 30);
	mc->backoff_min_ms = u32_key(o, "backoff_min_ms", 500);
	mc->backoff_max_ms = u32_key(o, "backoff_max_ms", 30000);
	mc->flush_after_s = u32_key(o, "flush_after_s", 0);
	mc->nb_members = (unsigned)json_array_size(members);
	if (mc->nb_members > 0) {
		mc->members = calloc(mc->nb_members, sizeof(*mc->members));
		if (mc->members == NULL)
			return -ENOMEM;
		json_array_foreach (members, i, m)
			snprintf(mc->members[i], sizeof(mc->members[i]), "%s",
			         json_string_value(m) ? json_string_value(m) : "");
	}
	return 0;
}

static void
drain(struct src_queue *q)
{
	struct src_update u[256];
	unsigned n;

	while ((n = src_queue_drain(q, u, 256)) > 0)
		for (unsigned i = 0; i < n; i++)
			emit_update(&u[i]);
}

/* Commands, one per line, read with read(2): stdio would keep a second
 * line in its buffer where poll() cannot see it. @return false on "stop"
 * or end of input. */
static bool
read_commands(struct src *const *srcs, unsigned nb)
{
	static char buf[256];
	static size_t len;
	ssize_t n = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
	char *line, *nl;

	if (n <= 0)
		return false;
	len += (size_t)n;
	buf[len] = '\0';
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if (strcmp(line, "stop") == 0)
			return false;
		if (strcmp(line, "status") == 0)
			for (unsigned i = 0; i < nb; i++)
				emit_status(srcs[i]);
	}
	len -= (size_t)(line - buf);
	memmove(buf, line, len);
	if (len == sizeof(buf) - 1)
		len = 0; /* a line too long for any command */
	return true;
}

int
main(int argc, char **argv)
{
	struct src *srcs[MAX_SOURCES];
	struct src_queue *q;
	json_error_t jerr;
	unsigned nb = 0;
	json_t *conf, *s;
	uint64_t t0;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CONFIG.json\n", argv[0]);
		return 2;
	}
	conf = json_load_file(argv[1], 0, &jerr);
	q = src_queue_create();
	if (conf == NULL || q == NULL || http_global_init() < 0) {
		fprintf(stderr, "xapi_harness: %s: %s\n", argv[1],
		        conf ? "init failed" : jerr.text);
		return 1;
	}
	json_array_foreach (json_object_get(conf, "sources"), i, s) {
		struct cfg_manager mc;

		if (nb == MAX_SOURCES || parse_source(s, &mc) < 0)
			return 1;
		srcs[nb] = xapi_source_start(&mc, (uint16_t)(nb + 1), q);
		free(mc.members);
		if (srcs[nb] == NULL) {
			fprintf(stderr, "xapi_harness: source %s: %s\n", mc.name, strerror(errno));
			return 1;
		}
		nb++;
	}
	json_decref(conf);
	emit(json_pack("{s:s, s:b}", "ev", "hello", "sanitized", SANITIZED));
	for (;;) {
		struct pollfd pfd[2] = {{.fd = src_queue_fd(q), .events = POLLIN},
		                        {.fd = STDIN_FILENO, .events = POLLIN}};

		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		drain(q);
		if (pfd[1].revents != 0 && !read_commands(srcs, nb))
			break;
	}
	t0 = src_now_ns();
	for (unsigned k = 0; k < nb; k++)
		srcs[k]->ops->stop(srcs[k]->impl);
	emit(json_pack("{s:s, s:f}", "ev", "stopped", "ms", (double)(src_now_ns() - t0) / 1e6));
	drain(q);
	for (unsigned k = 0; k < nb; k++)
		srcs[k]->ops->destroy(srcs[k]->impl);
	src_queue_destroy(q);
	http_global_cleanup();
	return 0;
}
