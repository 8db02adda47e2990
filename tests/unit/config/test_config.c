/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_config.c - the configuration loader: every invalid case of
 * test_config_cases.c against its exact messages, valid configurations
 * resolved field by field, the print -> load round trip, and a replay of
 * the fuzzing corpus.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg_test.h"

#define IP(a, b, c, d) htonl((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void
print_mismatch(const struct cfgt_case *tc, const struct cfg_errors *errs, const char *json)
{
	fprintf(stderr, "case \"%s\":\n%s\nexpected:\n", tc->name, json);
	for (unsigned i = 0; tc->errors[i] != NULL; i++)
		fprintf(stderr, "  %s\n", tc->errors[i]);
	fprintf(stderr, "got:\n");
	for (unsigned i = 0; i < errs->nb_msgs; i++)
		fprintf(stderr, "  %s\n", errs->msgs[i]);
}

static void
test_invalid_case(void **state)
{
	const struct cfgt_case *tc = *state;
	struct cfg_errors errs = {0};
	char *json = cfgt_case_json(tc);
	bool same;
	struct cfg *c;
	unsigned n = 0;

	assert_non_null(json);
	while (tc->errors[n] != NULL)
		n++;
	assert_true(n > 0);
	errno = 0;
	c = cfg_load_string(json, CFGT_NAME, &errs);
	same = c == NULL && errs.nb_msgs == n;
	for (unsigned i = 0; same && i < n; i++)
		same = strcmp(errs.msgs[i], tc->errors[i]) == 0;
	if (!same)
		print_mismatch(tc, &errs, json);
	assert_null(c);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(errs.nb_msgs, n);
	for (unsigned i = 0; i < n; i++)
		assert_string_equal(errs.msgs[i], tc->errors[i]);
	cfg_errors_free(&errs);
	free(json);
}

static struct cfg *
load_ok(const char *json, const char *name)
{
	struct cfg_errors errs = {0};
	struct cfg *c = cfg_load_string(json, name, &errs);

	if (c == NULL) {
		fprintf(stderr, "%s:\n%s\n", name, json);
		cfg_errors_print(&errs, stderr);
	}
	assert_non_null(c);
	assert_int_equal(errs.nb_msgs, 0);
	cfg_errors_free(&errs);
	return c;
}

static struct cfg *
load_example(const char *relpath)
{
	struct cfg_errors errs = {0};
	struct cfg *c = cfg_load_file(cfgt_src_path(relpath), &errs);

	cfg_errors_print(&errs, stderr);
	assert_non_null(c);
	cfg_errors_free(&errs);
	return c;
}

static void
test_minimal(void **state)
{
	struct cfg *c = load_example("examples/minimal.json");
	const struct cfg_segment *s;

	(void)state;
	assert_string_equal(c->gateway.name, "gw1");
	assert_int_equal(c->gateway.vtep_ip, IP(192, 0, 2, 1));
	assert_int_equal(c->gateway.udp_port, 4789);
	assert_int_equal(c->gateway.ttl, 64);
	assert_int_equal(c->gateway.tos, 0);
	assert_string_equal(c->gateway.site, "");
	assert_int_equal(c->nb_ports, 2);
	assert_int_equal(c->ports[0].role, CFG_PORT_ACCESS);
	assert_int_equal(c->ports[0].mtu, 1500);
	assert_int_equal(c->ports[0].rx_desc, 1024);
	assert_int_equal(c->ports[0].tx_desc, 1024);
	assert_int_equal(c->ports[1].role, CFG_PORT_UNDERLAY);
	assert_int_equal(c->ports[1].ip, IP(192, 0, 2, 1));
	assert_int_equal(c->ports[1].prefix_len, 24);
	assert_int_equal(c->ports[1].next_hop, IP(192, 0, 2, 254));
	assert_false(c->ports[1].has_mac);
	assert_int_equal(c->nb_tenants, 1);
	assert_int_equal(c->nb_segments, 1);
	s = &c->segments[0];
	assert_int_equal(s->vni, 10100);
	assert_int_equal(s->port, 0);
	assert_int_equal(s->vlan, 100);
	assert_int_equal(s->nb_flood, 1);
	assert_int_equal(s->flood[0], IP(198, 51, 100, 1));
	assert_int_equal(s->nb_networks, 0);
	assert_int_equal(s->ageing_s, 300);
	assert_int_equal(s->mac_limit, 0);
	assert_int_equal(s->flood_rate_pps, 100000);
	assert_int_equal(c->limits.fdb_max, 1048576);
	assert_int_equal(c->limits.vteps_max, 4096);
	assert_int_equal(c->limits.segments_max, 4096);
	assert_int_equal(c->dataplane.nb_lcores, 0);
	assert_int_equal(c->dataplane.nb_mbufs, 0);
	assert_true(c->dataplane.idle_backoff);
	assert_int_equal(c->dataplane.idle_max_us, 50);
	assert_string_equal(c->control.socket, "/run/vtepd/vtepd.sock");
	assert_int_equal(c->control.socket_mode, 0660);
	assert_true(c->telemetry.prometheus);
	assert_string_equal(c->telemetry.listen, "127.0.0.1:9469");
	assert_string_equal(c->log.level, "info");
	assert_false(c->log.syslog);
	assert_int_equal(cfg_underlay_port(c), 1);
	cfg_free(c);
}

static void
check_full_network(const struct cfg *c)
{
	const uint8_t mac[6] = {0x02, 0x00, 0xc0, 0x00, 0x02, 0x01};

	assert_string_equal(c->gateway.site, "dc1");
	assert_int_equal(c->nb_ports, 3);
	assert_string_equal(c->ports[1].device, "net_af_packet0,iface=veth-lab");
	assert_int_equal(c->ports[0].rx_desc, 2048);
	assert_int_equal(c->ports[2].mtu, 9000);
	assert_true(c->ports[2].has_mac);
	assert_memory_equal(c->ports[2].mac, mac, 6);
	assert_int_equal(c->ports[2].nb_neighbors, 1);
	assert_int_equal(c->ports[2].neighbors[0].ip, IP(192, 0, 2, 254));
	assert_memory_equal(c->ports[2].neighbors[0].mac,
	                    ((const uint8_t[6]){0x02, 0x00, 0xc0, 0x00, 0x02, 0xfe}), 6);
	assert_int_equal(c->nb_tenants, 2);
	assert_int_equal(c->nb_segments, 3);
	assert_int_equal(c->tenants[0].first_segment, 0);
	assert_int_equal(c->tenants[0].nb_segments, 2);
	assert_int_equal(c->tenants[1].first_segment, 2);
	assert_int_equal(c->tenants[1].nb_segments, 1);
	assert_int_equal(c->segments[1].tenant, 0);
	assert_int_equal(c->segments[1].ageing_s, 600);
	assert_int_equal(c->segments[1].flood_rate_pps, 20000);
	assert_int_equal(c->segments[0].mac_limit, 4096);
	assert_int_equal(c->segments[0].nb_networks, 2);
	assert_string_equal(c->segments[0].networks[1], "dvpg-acme-web");
	assert_int_equal(c->segments[0].flood[1], IP(192, 0, 2, 21));
	assert_int_equal(c->segments[2].tenant, 1);
	assert_int_equal(c->segments[2].port, 1);
	assert_int_equal(c->segments[2].vlan, CFG_VLAN_UNTAGGED);
	assert_int_equal(c->segments[2].ageing_s, 300);
	assert_int_equal(c->nb_fdb, 1);
	assert_int_equal(c->fdb[0].vni, 5001);
	assert_int_equal(c->fdb[0].mac[5], 0x01);
	assert_int_equal(c->fdb[0].vtep, IP(198, 51, 100, 1));
}

static void
check_full_control(const struct cfg *c)
{
	const struct cfg_manager *vc = &c->managers[0], *xen = &c->managers[1];

	assert_int_equal(c->nb_sites, 2);
	assert_int_equal(c->sites[0].vtep, 0); /* own site: local */
	assert_int_equal(c->sites[1].vtep, IP(198, 51, 100, 1));
	assert_int_equal(c->sites[1].nb_clusters, 2);
	assert_string_equal(c->sites[1].hosts[0], "esx-dc2-*");
	assert_int_equal(c->nb_hosts, 1);
	assert_int_equal(c->hosts[0].vtep, IP(192, 0, 2, 21));
	assert_int_equal(c->nb_managers, 2);
	assert_int_equal(vc->type, CFG_MGR_VCENTER);
	assert_string_equal(vc->password_file, "/etc/vtepd/vc1.secret");
	assert_string_equal(vc->password_env, "");
	assert_string_equal(vc->ca_file, "/etc/vtepd/vc1-ca.pem");
	assert_int_equal(vc->timeout_s, 30);
	assert_int_equal(vc->backoff_min_ms, 500);
	assert_int_equal(vc->backoff_max_ms, 30000);
	assert_int_equal(vc->flush_after_s, 0);
	assert_int_equal(xen->type, CFG_MGR_XENAPI);
	assert_int_equal(xen->nb_members, 2);
	assert_string_equal(xen->members[1], "https://xen-dc2-host3.dc2.example");
	assert_string_equal(xen->password_env, "VTEPD_XEN_POOL_DC2_PASSWORD");
	assert_string_equal(xen->pool_uuid, "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
	assert_string_equal(xen->transport_network, "vxlan-transport");
	assert_int_equal(xen->timeout_s, 20);
	assert_int_equal(xen->backoff_max_ms, 60000);
	assert_int_equal(xen->flush_after_s, 3600);
	assert_false(xen->insecure);
	assert_int_equal(c->limits.fdb_max, 262144);
	assert_int_equal(c->dataplane.nb_lcores, 2);
	assert_int_equal(c->dataplane.lcores[1], 2);
	assert_int_equal(c->dataplane.nb_mbufs, 65536);
	assert_string_equal(c->control.socket_group, "vtepd");
	assert_true(c->log.syslog);
}

static void
test_full(void **state)
{
	struct cfg *c = load_example("examples/vtepd.json");

	(void)state;
	check_full_network(c);
	check_full_control(c);
	cfg_free(c);
}

static void
test_lookups(void **state)
{
	struct cfg *c = load_example("examples/vtepd.json");

	(void)state;
	assert_int_equal(cfg_segment_by_vni(c, 5002), 1);
	assert_int_equal(cfg_segment_by_vni(c, 6001), 2);
	assert_int_equal(cfg_segment_by_vni(c, 7), -1);
	assert_int_equal(cfg_port_by_name(c, "access1"), 1);
	assert_int_equal(cfg_port_by_name(c, "nope"), -1);
	assert_int_equal(cfg_underlay_port(c), 2);
	cfg_free(c);
}

/* print -> load gives an equal configuration, which prints the same. */
static void
round_trip(const struct cfg *c)
{
	char *text = cfgt_print(c), *again;
	struct cfg *c2 = load_ok(text, "printed.json");

	cfgt_assert_equal(c, c2);
	again = cfgt_print(c2);
	assert_string_equal(text, again);
	free(again);
	free(text);
	cfg_free(c2);
}

static void
test_round_trip(void **state)
{
	static const char *const files[] = {"examples/minimal.json", "examples/vtepd.json"};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct cfg *c = load_example(files[i]);

		round_trip(c);
		cfg_free(c);
	}
}

/* Valid corners, each merged over cfgt_base like the invalid cases. */
static const struct cfgt_case valid_cases[] = {
        {"http with insecure", "{'managers': [{'type': 'vcenter', 'name': 'lab',"
                               " 'url': 'http://vc.lab', 'username': 'u', 'password_env': 'PW',"
                               " 'insecure': true}]}"},
        {"/31 underlay",
         "{'ports': [{'name': 'a', 'role': 'access', 'device': 'd0'},"
         " {'name': 'u', 'role': 'underlay', 'device': 'd1', 'ip': '192.0.2.0/31'}]}"},
        {"segment names repeat across tenants, untagged beside tagged",
         "{'tenants': [{'name': 't0', 'segments': [{'name': 'web', 'vni': 1, 'port': 'access0',"
         " 'vlan': 'untagged'}, {'name': 'db', 'vni': 2, 'port': 'access0', 'vlan': 2}]},"
         " {'name': 't1', 'segments': [{'name': 'web', 'vni': 3, 'port': 'access0', 'vlan': "
         "3}]}]}"},
        {"off-link VTEPs through the next hop",
         "{'ports': [{'name': 'access0', 'role': 'access', 'device': 'd0'},"
         " {'name': 'u', 'role': 'underlay', 'device': 'd1', 'ip': '192.0.2.1/24',"
         " 'next_hop': '192.0.2.254'}], 'tenants': [{'name': 't', 'segments': [{'name': 's',"
         " 'vni': 1, 'port': 'access0', 'vlan': 1, 'flood': ['203.0.113.1']}]}],"
         " 'hosts': [{'name': 'esx9', 'vtep': '203.0.113.9'}]}"},
        {"own site without vtep",
         "{'gateway': {'name': 'gw1', 'vtep_ip': '192.0.2.1', 'site': 'here'},"
         " 'sites': [{'name': 'here', 'clusters': ['c1']}]}"},
        {"fingerprint bare hex, backoff_min above the default max",
         "{'managers': [{'type': 'xenapi', 'name': 'p', 'url': 'https://x', 'username': 'root',"
         " 'password_file': '/s', 'backoff_min_ms': 60000, 'fingerprint':"
         " '3a7d0c519e22b46f801dc59347ae12f06b2cd895e34a710fb6295ec8039d47a1'}]}"},
        {"VTEP on a different address than the underlay port",
         "{'gateway': {'name': 'gw1', 'vtep_ip': '203.0.113.1'}}"},
        {"quotes and backslashes in labels",
         "{'tenants': [{'name': 't', 'segments': [{'name': 's', 'vni': 1, 'port': 'access0',"
         " 'vlan': 1, 'networks': ['VM \\\"net\\\" \\\\ 1', 'r\\u00e9seau']}]}]}"},
        {"every optional section empty",
         "{'tenants': [], 'fdb': [], 'sites': [], 'hosts': [], 'managers': [], 'limits': {},"
         " 'dataplane': {'lcores': []}, 'control': {}, 'telemetry': {}, 'log': {}}"},
};

static void
test_valid_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++) {
		char *json = cfgt_case_json(&valid_cases[i]);
		struct cfg *c;

		assert_non_null(json);
		c = load_ok(json, valid_cases[i].name);
		round_trip(c);
		if (strncmp(valid_cases[i].name, "fingerprint", 11) == 0)
			assert_int_equal(c->managers[0].backoff_max_ms, 60000);
		cfg_free(c);
		free(json);
	}
}

/* One file, many mistakes: every one is reported, in one run. */
static void
test_collect_all(void **state)
{
	static const char json[] =
	        "{\"gateway\": {\"name\": \"gw 1\", \"vtep_ip\": \"192.0.2.1\", \"ttl\": 0},\n"
	        " \"ports\": [{\"name\": \"access0\", \"role\": \"access\", \"device\": \"d0\"},\n"
	        "  {\"name\": \"u0\", \"role\": \"underlay\", \"device\": \"d1\","
	        " \"ip\": \"192.0.2.1/24\", \"next_hop\": \"10.0.0.1\"}],\n"
	        " \"tenants\": [{\"name\": \"t\", \"segments\": [\n"
	        "  {\"name\": \"a\", \"vni\": 16777216, \"port\": \"access0\", \"vlan\": 10},\n"
	        "  {\"name\": \"b\", \"vni\": 7, \"port\": \"u0\", \"vlan\": 11, \"colour\": 1},\n"
	        "  {\"name\": \"c\", \"vni\": 7, \"port\": \"access0\", \"vlan\": 10}]}],\n"
	        " \"managers\": [{\"type\": \"vcenter\", \"name\": \"vc\", \"url\": \"https://vc\","
	        " \"username\": \"u\", \"password\": \"x\"}],\n"
	        " \"dataplane\": {\"lcores\": [0]}, \"log\": {\"level\": \"loud\"}}\n";
	static const char *const expected[] = {
	        E("gateway.name: \"gw 1\" has characters other than A-Z a-z 0-9 . _ -"),
	        E("gateway.ttl: 0 is out of range 1..255"),
	        E("ports[1].next_hop: \"10.0.0.1\" is outside the underlay prefix 192.0.2.0/24"),
	        E("tenants[0].segments[0].vni: 16777216 is out of range 1..16777215"),
	        E("tenants[0].segments[1].colour: unknown key"),
	        E("managers[0].password: passwords are read from password_file or password_env, "
	          "never from the configuration"),
	        E("managers[0]: needs password_file or password_env"),
	        E("dataplane.lcores[0]: lcore 0 is the main (control) lcore and cannot forward"),
	        E("log.level: \"loud\" is not one of error, warning, info, debug"),
	        E("tenants[0].segments[2].vni: duplicate VNI 7 (also tenants[0].segments[1])"),
	        E("tenants[0].segments[2].vlan: port \"access0\" and VLAN 10 already belong to "
	          "tenants[0].segments[0]"),
	        E("tenants[0].segments[1].port: must be an access port, \"u0\" is an underlay "
	          "port"),
	};
	struct cfg_errors errs = {0};
	size_t n = sizeof(expected) / sizeof(expected[0]);

	(void)state;
	assert_null(cfg_load_string(json, CFGT_NAME, &errs));
	cfg_errors_print(&errs, stderr);
	assert_int_equal(errs.nb_msgs, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(errs.msgs[i], expected[i]);
	cfg_errors_free(&errs);
	assert_null(errs.msgs);
	assert_int_equal(errs.nb_msgs, 0);
}

static void
test_file_errors(void **state)
{
	struct cfg_errors errs = {0};
	const char *dir = cfgt_src_path("examples");
	char line[4200];

	(void)state;
	assert_null(cfg_load_file("/nonexistent/vtepd.json", &errs));
	assert_int_equal(errno, ENOENT);
	assert_null(cfg_load_file(dir, &errs));
	assert_int_equal(errno, EISDIR);
	assert_int_equal(errs.nb_msgs, 2); /* errors accumulate across loads */
	assert_string_equal(errs.msgs[0], "/nonexistent/vtepd.json: error: cannot read: No such "
	                                  "file or directory");
	snprintf(line, sizeof(line), "%s: error: cannot read: Is a directory", dir);
	assert_string_equal(errs.msgs[1], line);
	cfg_errors_free(&errs);
	/* No error list: errors are only counted. */
	assert_null(cfg_load_string("{}", "x", NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(cfg_load_string(NULL, "x", &errs));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(errs.nb_msgs, 0);
	assert_null(cfg_load_file(NULL, &errs));
	assert_int_equal(errno, EINVAL);
	cfg_free(NULL);
	cfg_errors_free(&errs);
	cfg_errors_free(NULL);
}

/* A file too large to be a configuration (/dev/zero, a log...) is not read
 * whole. A sparse file: no disk space used. */
static void
test_file_too_large(void **state)
{
	char path[] = "/tmp/vtepd-cfg-XXXXXX", line[128];
	struct cfg_errors errs = {0};
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (16 << 20) + 1), 0);
	close(fd);
	assert_null(cfg_load_file(path, &errs));
	assert_int_equal(errno, EFBIG);
	unlink(path);
	snprintf(line, sizeof(line), "%s: error: cannot read: larger than 16777216 bytes", path);
	assert_int_equal(errs.nb_msgs, 1);
	assert_string_equal(errs.msgs[0], line);
	cfg_errors_free(&errs);
}

static void
test_errors_print(void **state)
{
	struct cfg_errors errs = {0};
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	assert_null(cfg_load_string("{\"gateway\": 1, \"x\": 2}", "a.json", &errs));
	cfg_errors_print(&errs, f);
	fclose(f);
	assert_string_equal(buf, "a.json: error: gateway: expected an object\n"
	                         "a.json: error: x: unknown key\n"
	                         "a.json: error: ports: missing required key\n");
	cfg_errors_free(&errs);
}

/* Whatever the corpus holds must load or fail cleanly; what loads must
 * survive the round trip (the fuzzer's own oracle). */
static void
replay_dir(const char *relpath, unsigned *nb)
{
	DIR *d = opendir(cfgt_src_path(relpath));
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char rel[1024];
		char *json;
		struct cfg *c;

		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", relpath, e->d_name);
		json = cfgt_read_src(rel);
		assert_non_null(json);
		c = cfg_load_string(json, e->d_name, NULL);
		if (c != NULL)
			round_trip(c);
		cfg_free(c);
		free(json);
		(*nb)++;
	}
	if (d != NULL)
		closedir(d);
}

static void
test_corpus_replay(void **state)
{
	unsigned nb = 0;

	(void)state;
	replay_dir("tests/fuzz/corpus/config", &nb);
	replay_dir("tests/fuzz/regress/config", &nb);
	assert_true(nb >= cfgt_nb_cases);
}

/* VTEPD_DUMP_CORPUS=dir: write every case's document there (the fuzzer's
 * seeds), then exit. */
static int
dump_corpus(const char *dir)
{
	for (size_t i = 0; i < cfgt_nb_cases; i++) {
		char path[4096], *json = cfgt_case_json(&cfgt_cases[i]);
		FILE *f;

		snprintf(path, sizeof(path), "%s/case-%03zu.json", dir, i);
		if (json == NULL || (f = fopen(path, "w")) == NULL)
			return 1;
		fputs(json, f);
		fclose(f);
		free(json);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_minimal),      cmocka_unit_test(test_full),
	        cmocka_unit_test(test_lookups),      cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_valid_cases),  cmocka_unit_test(test_collect_all),
	        cmocka_unit_test(test_file_errors),  cmocka_unit_test(test_file_too_large),
	        cmocka_unit_test(test_errors_print), cmocka_unit_test(test_corpus_replay),
	};
	struct CMUnitTest *cases;
	int failed;

	if (getenv("VTEPD_DUMP_CORPUS") != NULL)
		return dump_corpus(getenv("VTEPD_DUMP_CORPUS"));
	cases = calloc(cfgt_nb_cases, sizeof(*cases));
	if (cases == NULL)
		return 1;
	for (size_t i = 0; i < cfgt_nb_cases; i++)
		cases[i] = (struct CMUnitTest){.name = cfgt_cases[i].name,
		                               .test_func = test_invalid_case,
		                               .initial_state = (void *)&cfgt_cases[i]};
	failed = _cmocka_run_group_tests("config_invalid", cases, cfgt_nb_cases, NULL, NULL);
	failed += cmocka_run_group_tests_name("config", tests, NULL, NULL);
	free(cases);
	return failed != 0;
}
