/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_binding.c - manager bindings -> FDB entries (control/binding.c),
 * on real mapping tables (EAL without hugepages) and a real configuration:
 * resolution rules (hosts[] > the manager's host VTEP > sites, own site
 * local), unresolved bindings kept, static precedence, mark-and-sweep, a
 * MAC reported by two sources, re-resolution after a configuration change,
 * flush.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_eal.h>

#include "control/ctl.h"
#include "common/netaddr.h"

static const char *const base_cfg =
        "{ \"gateway\": { \"name\": \"gw\", \"vtep_ip\": \"192.0.2.1\", \"site\": \"dc1\" },"
        "  \"ports\": [ { \"name\": \"access0\", \"role\": \"access\", \"device\": \"d0\" },"
        "    { \"name\": \"underlay0\", \"role\": \"underlay\", \"device\": \"d1\","
        "      \"ip\": \"192.0.2.1/24\" } ],"
        "  \"tenants\": [ { \"name\": \"t\", \"segments\": ["
        "    { \"name\": \"web\", \"vni\": 5001, \"port\": \"access0\", \"vlan\": 100,"
        "      \"networks\": [ \"VM Network\", \"dvportgroup-13\" ] },"
        "    { \"name\": \"db\", \"vni\": 5002, \"port\": \"access0\", \"vlan\": 200,"
        "      \"networks\": [ \"db-net\" ] } ] } ],"
        "  \"sites\": [ { \"name\": \"dc1\", \"hosts\": [ \"esx-dc1-*\" ] },"
        "    { \"name\": \"dc2\", \"vtep\": \"192.0.2.2\", \"hosts\": [ \"esx-dc2-*\" ],"
        "      \"clusters\": [ \"dc2-cluster\" ] } ],"
        "  \"hosts\": [ { \"name\": \"esx-hv-07\", \"vtep\": \"192.0.2.7\" } ],"
        "  \"fdb\": [ { \"vni\": 5001, \"mac\": \"02:00:00:00:00:99\", \"vtep\": \"192.0.2.9\" } ],"
        "  \"managers\": ["
        "    { \"type\": \"vcenter\", \"name\": \"vc1\", \"url\": \"https://vc1/sdk\","
        "      \"username\": \"u\", \"password_env\": \"P\" },"
        "    { \"type\": \"vcenter\", \"name\": \"vc2\", \"url\": \"https://vc2/sdk\","
        "      \"username\": \"u\", \"password_env\": \"P\" } ],"
        "  \"limits\": { \"fdb_max\": 1024, \"vteps_max\": 64, \"segments_max\": 16 } }";

struct fixture {
	struct ctl c;
};

static struct cfg *
load(const char *json)
{
	struct cfg_errors errs = {0};
	struct cfg *c = cfg_load_string(json, "test.json", &errs);

	if (c == NULL)
		cfg_errors_print(&errs, stderr);
	cfg_errors_free(&errs);
	return c;
}

static int
setup(void **state)
{
	static unsigned n;
	struct map_params p = {.fdb_max = 1024,
	                       .vteps_max = 64,
	                       .segments_max = 16,
	                       .nb_ports = 2,
	                       .max_readers = 4,
	                       .socket_id = SOCKET_ID_ANY};
	struct fixture *f = calloc(1, sizeof(*f));
	char name[16];

	snprintf(name, sizeof(name), "bind%u", n++);
	p.name = name;
	f->c.map = map_create(&p);
	assert_non_null(f->c.map);
	assert_int_equal(ctl_apply_config(&f->c, load(base_cfg)), 0);
	f->c.bindings = bindings_create(&f->c);
	f->c.srcq = src_queue_create();
	assert_non_null(f->c.bindings);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	bindings_destroy(f->c.bindings);
	src_queue_destroy(f->c.srcq);
	map_destroy(f->c.map);
	cfg_free(f->c.cfg);
	free(f->c.segs);
	free(f);
	return 0;
}

static void
post(struct fixture *f, enum src_op op, uint16_t src, const char *mac, const char *net,
     const char *host, const char *cluster, const char *host_vtep)
{
	struct src_update u = {.op = op, .src_id = src};

	if (mac != NULL)
		assert_int_equal(netaddr_mac_parse(mac, u.b.mac), 0);
	snprintf(u.b.network, sizeof(u.b.network), "%s", net ? net : "");
	snprintf(u.b.host, sizeof(u.b.host), "%s", host ? host : "");
	snprintf(u.b.cluster, sizeof(u.b.cluster), "%s", cluster ? cluster : "");
	if (host_vtep != NULL)
		assert_int_equal(netaddr_ipv4_parse(host_vtep, &u.b.host_vtep), 0);
	snprintf(u.b.vm, sizeof(u.b.vm), "vm");
	assert_int_equal(src_queue_post(f->c.srcq, &u), 0);
	ctl_sources_process(&f->c);
}

static void
upsert(struct fixture *f, uint16_t src, const char *mac, const char *net, const char *host)
{
	post(f, SRC_OP_UPSERT, src, mac, net, host, NULL, NULL);
}

/* "local", "none", or the VTEP address of (vni, mac); the source id in *src_id. */
static const char *
where(struct fixture *f, uint32_t vni, const char *mac, int *src_id)
{
	static char buf[NETADDR_IPV4_STRLEN];
	struct map_fdb_info info;
	uint8_t m[6];
	int s = cfg_segment_by_vni(f->c.cfg, vni);

	assert_true(s >= 0);
	assert_int_equal(netaddr_mac_parse(mac, m), 0);
	if (map_fdb_get(f->c.map, ctl_seg_idx(&f->c, (unsigned)s), m, &info) < 0)
		return "none";
	if (src_id != NULL)
		*src_id = info.src == MAP_SRC_MANAGER ? info.src_id : -1;
	if (info.dest.type == MAP_FDB_LOCAL)
		return "local";
	return netaddr_ipv4_fmt(info.dest.vtep_ip, buf, sizeof(buf));
}

static void
test_resolution(void **state)
{
	struct fixture *f = *state;
	struct bindings_counts bc;

	/* Own site: local, on the segment's port and VLAN. */
	upsert(f, 1, "02:00:00:00:00:01", "VM Network", "esx-dc1-01");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", NULL), "local");
	/* Another site, by host pattern: its gateway's VTEP. */
	upsert(f, 1, "02:00:00:00:00:02", "VM Network", "esx-dc2-05");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:02", NULL), "192.0.2.2");
	/* By cluster, whatever the host's name. */
	post(f, SRC_OP_UPSERT, 1, "02:00:00:00:00:03", "db-net", "host-x", "dc2-cluster", NULL);
	assert_string_equal(where(f, 5002, "02:00:00:00:00:03", NULL), "192.0.2.2");
	/* hosts[] wins over everything: a hypervisor VTEP. */
	post(f, SRC_OP_UPSERT, 1, "02:00:00:00:00:04", "VM Network", "esx-hv-07", "dc2-cluster",
	     "192.0.2.44");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:04", NULL), "192.0.2.7");
	/* The manager's host VTEP (XenAPI transport network) over site rules. */
	post(f, SRC_OP_UPSERT, 1, "02:00:00:00:00:05", "VM Network", "esx-dc2-01", NULL,
	     "192.0.2.55");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:05", NULL), "192.0.2.55");
	/* By the network's alternate name (a dvportgroup key). */
	upsert(f, 1, "02:00:00:00:00:06", "dvportgroup-13", "esx-dc2-01");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:06", NULL), "192.0.2.2");
	/* Unresolved: a network in no segment, a host in no site. Kept, not installed. */
	upsert(f, 1, "02:00:00:00:00:07", "Other Network", "esx-dc1-01");
	upsert(f, 1, "02:00:00:00:00:08", "VM Network", "lab-host");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:08", NULL), "none");
	bindings_counts(f->c.bindings, 1, &bc);
	assert_int_equal(bc.total, 8);
	assert_int_equal(bc.installed, 6);
	assert_int_equal(bc.unresolved, 2);
}

static void
test_migration_and_static(void **state)
{
	struct fixture *f = *state;
	struct bindings_counts bc;
	int id;

	upsert(f, 1, "02:00:00:00:00:01", "VM Network", "esx-dc1-01");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", NULL), "local");
	upsert(f, 1, "02:00:00:00:00:01", "VM Network", "esx-dc2-01"); /* vMotion */
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", &id), "192.0.2.2");
	assert_int_equal(id, 1);
	/* The static entry of the configuration has precedence: shadowed. */
	upsert(f, 1, "02:00:00:00:00:99", "VM Network", "esx-dc2-01");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:99", &id), "192.0.2.9");
	assert_int_equal(id, -1);
	bindings_counts(f->c.bindings, 1, &bc);
	assert_int_equal(bc.shadowed, 1);
	/* Withdrawing the shadowed binding leaves the static entry alone. */
	post(f, SRC_OP_WITHDRAW, 1, "02:00:00:00:00:99", "VM Network", NULL, NULL, NULL);
	assert_string_equal(where(f, 5001, "02:00:00:00:00:99", NULL), "192.0.2.9");
}

static void
test_sync_sweep_flush(void **state)
{
	struct fixture *f = *state;

	post(f, SRC_OP_SYNC_BEGIN, 1, NULL, NULL, NULL, NULL, NULL);
	upsert(f, 1, "02:00:00:00:00:01", "VM Network", "esx-dc1-01");
	upsert(f, 1, "02:00:00:00:00:02", "VM Network", "esx-dc2-01");
	post(f, SRC_OP_SYNC_END, 1, NULL, NULL, NULL, NULL, NULL);
	upsert(f, 2, "02:00:00:00:00:03", "VM Network", "esx-dc2-01"); /* another source */
	/* A resync where 02 vanished: only 02 goes, and not the other source's. */
	post(f, SRC_OP_SYNC_BEGIN, 1, NULL, NULL, NULL, NULL, NULL);
	upsert(f, 1, "02:00:00:00:00:01", "VM Network", "esx-dc1-01");
	post(f, SRC_OP_SYNC_END, 1, NULL, NULL, NULL, NULL, NULL);
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", NULL), "local");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:02", NULL), "none");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:03", NULL), "192.0.2.2");
	/* Flush (flush_after_s expired): everything of source 1, nothing else. */
	post(f, SRC_OP_FLUSH, 1, NULL, NULL, NULL, NULL, NULL);
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", NULL), "none");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:03", NULL), "192.0.2.2");
}

static void
test_two_sources_one_mac(void **state)
{
	struct fixture *f = *state;
	int id;

	/* Cross-vCenter vMotion: vc2 reports the VM before vc1 withdraws it. */
	upsert(f, 1, "02:00:00:00:00:01", "VM Network", "esx-dc1-01");
	upsert(f, 2, "02:00:00:00:00:01", "VM Network", "esx-dc2-01");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", &id), "192.0.2.2");
	assert_int_equal(id, 2);
	post(f, SRC_OP_WITHDRAW, 1, "02:00:00:00:00:01", "VM Network", NULL, NULL, NULL);
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", &id), "192.0.2.2");
	assert_int_equal(id, 2);
	/* The other order: the holder withdraws, the remaining binding takes over. */
	upsert(f, 1, "02:00:00:00:00:01", "VM Network", "esx-dc1-01");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", &id), "local");
	post(f, SRC_OP_WITHDRAW, 1, "02:00:00:00:00:01", "VM Network", NULL, NULL, NULL);
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", &id), "192.0.2.2");
	assert_int_equal(id, 2);
}

static void
test_reresolve_after_reload(void **state)
{
	struct fixture *f = *state;
	char *json = strdup(base_cfg);
	char *p;

	upsert(f, 1, "02:00:00:00:00:01", "VM Network", "lab-host");
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", NULL), "none");
	/* The new file puts lab-* hosts in site dc2. */
	p = strstr(json, "\"esx-dc2-*\"");
	assert_non_null(p);
	memcpy(p, "\"lab-*\"    ", 11);
	assert_int_equal(ctl_apply_config(&f->c, load(json)), 0);
	bindings_reresolve(f->c.bindings);
	assert_string_equal(where(f, 5001, "02:00:00:00:00:01", NULL), "192.0.2.2");
	free(json);
}

int
main(void)
{
	char *eal[] = {"test_binding",
	               "--no-huge",
	               "-m",
	               "128",
	               "--no-pci",
	               "--no-shconf",
	               "--file-prefix",
	               "test_binding",
	               "--log-level",
	               "lib.eal:error",
	               NULL};
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_resolution, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_migration_and_static, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_sync_sweep_flush, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_two_sources_one_mac, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reresolve_after_reload, setup, teardown),
	};
	int r;

	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	r = cmocka_run_group_tests_name("manager bindings", tests, NULL, NULL);
	rte_eal_cleanup();
	return r;
}
