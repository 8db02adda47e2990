/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_mgmt.c - libFuzzer target for the management request handler,
 * mgmt_handle_request(), against a real control thread's state: the
 * configuration below loaded from a file (so "reload" reloads it), the
 * mapping tables and a dataplane on net_null ports (dp_fixture.h), the
 * neighbour table, bindings and source queue, everything applied as vtepd
 * applies it at start. Every command can run: shows, fdb add/del/flush,
 * reload.
 *
 * One input is what a client writes on one connection: each line is one
 * request (the socket code splits on newlines the same way). Besides
 * crashes and leaks (ASan, UBSan, LeakSanitizer), it aborts unless every
 * request gets exactly one reply line that is a JSON object with a
 * boolean "ok" and, when false, a non-empty "error" string.
 *
 *   build-fuzz/tests/unit/control/fuzz_mgmt -dict=tests/unit/control/fuzz_mgmt.dict \
 *       tests/fuzz/corpus/mgmt
 *
 * Without VTEP_LIBFUZZER: fuzz_mgmt_replay FILE|DIR... (the unit suite
 * replays the seeds and tests/fuzz/regress/mgmt).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "dp_fixture.h"
#include "mgmt.h"
#include "replay.h"

#define FZ_LINES_MAX 16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixture's ports and addresses (dp_fixture.h), as a gateway's file. */
static const char config[] =
        "{\"gateway\": {\"name\": \"fuzz-gw\", \"vtep_ip\": \"192.0.2.1\", \"site\": \"dc1\"},\n"
        " \"ports\": [{\"name\": \"access0\", \"role\": \"access\", \"device\": \"net_null0\"},\n"
        "  {\"name\": \"underlay0\", \"role\": \"underlay\", \"device\": \"net_null1\",\n"
        "   \"ip\": \"192.0.2.1/24\", \"mac\": \"02:00:00:00:01:01\",\n"
        "   \"neighbors\": [{\"ip\": \"192.0.2.2\", \"mac\": \"02:00:00:00:02:02\"}]}],\n"
        " \"tenants\": [{\"name\": \"t\", \"segments\": [\n"
        "  {\"name\": \"tagged\", \"vni\": 5001, \"port\": \"access0\", \"vlan\": 100,\n"
        "   \"flood\": [\"192.0.2.2\", \"192.0.2.3\"], \"networks\": [\"VM Network\"]},\n"
        "  {\"name\": \"untagged\", \"vni\": 5002, \"port\": \"access0\", \"vlan\": \"untagged\",\n"
        "   \"mac_limit\": 4}]}],\n"
        " \"sites\": [{\"name\": \"dc1\", \"vtep\": \"192.0.2.1\", \"hosts\": [\"esx-dc1-*\"]},\n"
        "  {\"name\": \"dc2\", \"vtep\": \"192.0.2.2\", \"hosts\": [\"esx-dc2-*\"]}],\n"
        " \"fdb\": [{\"vni\": 5001, \"mac\": \"02:bb:00:00:00:01\", \"vtep\": \"192.0.2.2\"}],\n"
        " \"limits\": {\"fdb_max\": 4096, \"vteps_max\": 64, \"segments_max\": 64}}\n";

static struct dp_fixture fx;
static struct ctl c = {.epfd = -1};
static char cfg_file[] = "/tmp/fuzz_mgmt.XXXXXX";
static unsigned nb_runs;

static void
fail(const char *what, const char *req, size_t len, const char *reply)
{
	fprintf(stderr, "fuzz_mgmt: %s\n  request: %.*s\n  reply: %s\n", what, (int)len, req,
	        reply != NULL ? reply : "(none)");
	abort();
}

/* One reply line: a JSON object, "ok" a boolean, an error says something. */
static void
check_reply(const char *req, size_t len, const char *reply)
{
	const char *nl = reply != NULL ? strchr(reply, '\n') : NULL;
	json_t *r, *ok, *err;

	if (nl == NULL || nl[1] != '\0')
		fail("no reply, or not exactly one line", req, len, reply);
	r = json_loadb(reply, (size_t)(nl - reply), 0, NULL);
	ok = json_object_get(r, "ok");
	err = json_object_get(r, "error");
	if (!json_is_object(r) || !json_is_boolean(ok) ||
	    (json_is_false(ok) && (!json_is_string(err) || json_string_length(err) == 0)))
		fail("reply is not {\"ok\": bool, ...} with an error when false", req, len, reply);
	json_decref(r);
}

static int
config_write(void)
{
	int fd = mkstemp(cfg_file);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, config, sizeof(config) - 1);
	close(fd);
	return n == (ssize_t)(sizeof(config) - 1) ? 0 : -EIO;
}

/* vtepd's start-up, minus the socket and the lcores. */
static int
ctl_up(void)
{
	struct cfg_errors errs = {0};
	struct timespec ts;
	struct cfg *first;

	if (config_write() < 0 || dp_fixture_init(&fx, "fuzz_mgmt") < 0)
		return -1;
	first = cfg_load_file(cfg_file, &errs);
	if (first == NULL) {
		cfg_errors_print(&errs, stderr);
		cfg_errors_free(&errs);
		return -1;
	}
	snprintf(c.cfg_path, sizeof(c.cfg_path), "%s", cfg_file);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	c.start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	c.map = fx.map;
	c.dp = fx.dp;
	c.cfg = first; /* ctl_apply_underlay() reads it; ctl_apply_config() takes it */
	c.neigh = neigh_create(&c);
	c.bindings = bindings_create(&c);
	c.srcq = src_queue_create();
	if (c.neigh == NULL || c.bindings == NULL || c.srcq == NULL ||
	    ctl_apply_underlay(&c, first) < 0)
		return -1;
	c.cfg = NULL;
	if (ctl_apply_config(&c, first) < 0)
		return -1;
	neigh_tick(c.neigh, ctl_now_ms(&c));
	return 0;
}

static void
ctl_down(void)
{
	ctl_sources_stop(&c);
	bindings_destroy(c.bindings);
	neigh_destroy(c.neigh);
	src_queue_destroy(c.srcq);
	cfg_free(c.cfg);
	free(c.segs);
	dp_fixture_fini(&fx);
	unlink(cfg_file);
}

static void
fuzz_mgmt_one(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	for (unsigned n = 0; p < end && n < FZ_LINES_MAX; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p);
		char *reply = mgmt_handle_request(&c, p, len);

		check_reply(p, len, reply);
		free(reply);
		p += len + 1;
	}
	/* What fdb del / flush deferred; the lcores are offline. */
	if (++nb_runs % 64 == 0)
		map_reclaim(c.map);
}

#ifdef VTEP_LIBFUZZER
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ctl_up() < 0) {
		fprintf(stderr, "fuzz_mgmt: cannot build the control thread's state\n");
		exit(1);
	}
	atexit(ctl_down);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_mgmt_one(data, size);
	return 0;
}
#else
int
main(int argc, char **argv)
{
	int nb;

	if (ctl_up() < 0) {
		fprintf(stderr, "fuzz_mgmt_replay: cannot build the control thread's state\n");
		return 1;
	}
	nb = fuzz_replay(argc - 1, argv + 1, fuzz_mgmt_one);
	ctl_down();
	printf("fuzz_mgmt_replay: %d inputs replayed, every request answered\n", nb);
	return nb > 0 ? 0 : 1;
}
#endif
