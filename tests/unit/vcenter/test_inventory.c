/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inventory: which NICs are bindings, with what host / cluster /
 * network names, and which updates a change posts (NIC diffing, power,
 * connection, migration, renames, cluster moves, leaves).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vc_test.h"

#define ENV_OPEN                                                                                   \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope "                           \
	"xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "                             \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "                                          \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"                   \
	"<WaitForUpdatesExResponse xmlns=\"urn:vim25\"><returnval><version>7</version>"            \
	"<filterSet><filter type=\"PropertyFilter\">f-1</filter>"
#define ENV_CLOSE                                                                                  \
	"</filterSet></returnval></WaitForUpdatesExResponse></soapenv:Body></soapenv:Envelope>"

struct fix {
	struct src_queue *q;
	struct vc_inv *inv;
	struct vc_test_updates ups;
	struct vc_buf x; /* the objectSets of the next UpdateSet */
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->q = src_queue_create();
	f->inv = vc_inv_create(f->q, 3, "vcenter test");
	*state = f;
	return f->q && f->inv ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	vc_inv_destroy(f->inv);
	src_queue_destroy(f->q);
	vc_buf_free(&f->x);
	free(f);
	return 0;
}

/* Apply what was added to f->x (or the capture @p rel); collect the posts. */
static void
apply(struct fix *f, const char *rel)
{
	struct vc_update_set us;

	if (rel == NULL) {
		struct vc_buf doc = {0};

		vc_buf_add(&doc, ENV_OPEN);
		vc_buf_add(&doc, f->x.p ? f->x.p : "");
		vc_buf_add(&doc, ENV_CLOSE);
		vc_test_update_set(NULL, doc.p, &us);
		vc_buf_free(&doc);
		f->x.len = 0;
		if (f->x.p)
			f->x.p[0] = '\0';
	} else {
		vc_test_update_set(rel, NULL, &us);
	}
	memset(&f->ups, 0, sizeof(f->ups));
	assert_int_equal(vc_inv_apply(f->inv, &us, 42), 0);
	vc_update_set_free(&us);
	vc_test_drain(f->q, &f->ups);
	for (unsigned i = 0; i < f->ups.nb; i++) {
		assert_int_equal(f->ups.u[i].src_id, 3);
		assert_int_equal(f->ups.u[i].recv_ns, 42);
	}
}

static void
add(struct fix *f, const char *fmt, ...)
{
	char s[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	vc_buf_add(&f->x, s);
}

static void
prop(struct fix *f, const char *name, const char *val_xml)
{
	add(f, "<changeSet><name>%s</name><op>assign</op>%s</changeSet>", name, val_xml);
}

static void
obj_begin(struct fix *f, const char *kind, const char *type, const char *ref)
{
	add(f, "<objectSet><kind>%s</kind><obj type=\"%s\">%s</obj>", kind, type, ref);
}

static void
str_prop(struct fix *f, const char *name, const char *v)
{
	char val[512];

	snprintf(val, sizeof(val), "<val xsi:type=\"xsd:string\">%s</val>", v);
	prop(f, name, val);
}

static void
ref_prop(struct fix *f, const char *name, const char *type, const char *v)
{
	char val[512];

	snprintf(val, sizeof(val), "<val xsi:type=\"ManagedObjectReference\" type=\"%s\">%s</val>",
	         type, v);
	prop(f, name, val);
}

static void
host(struct fix *f, const char *kind, const char *ref, const char *name, const char *ptype,
     const char *parent)
{
	obj_begin(f, kind, "HostSystem", ref);
	if (name != NULL)
		str_prop(f, "name", name);
	if (parent != NULL)
		ref_prop(f, "parent", ptype, parent);
	add(f, "</objectSet>");
}

static void
named(struct fix *f, const char *type, const char *ref, const char *name, const char *key)
{
	obj_begin(f, "enter", type, ref);
	str_prop(f, "name", name);
	if (key != NULL)
		str_prop(f, "key", key);
	add(f, "</objectSet>");
}

/* A NIC: @p net "dvportgroup-N" = distributed, else a standard portgroup name. */
static void
nic(struct vc_buf *b, int key, const char *mac, const char *net, bool connected)
{
	char s[1024];

	if (strncmp(net, "dvportgroup-", 12) == 0)
		snprintf(
		        s, sizeof(s),
		        "<VirtualDevice xsi:type=\"VirtualVmxnet3\"><key>%d</key><backing "
		        "xsi:type=\"VirtualEthernetCardDistributedVirtualPortBackingInfo\"><port>"
		        "<switchUuid>u</switchUuid><portgroupKey>%s</portgroupKey></port></backing>"
		        "<connectable><connected>%s</connected></connectable>"
		        "<macAddress>%s</macAddress></VirtualDevice>",
		        key, net, connected ? "true" : "false", mac);
	else
		snprintf(s, sizeof(s),
		         "<VirtualDevice xsi:type=\"VirtualE1000e\"><key>%d</key><backing "
		         "xsi:type=\"VirtualEthernetCardNetworkBackingInfo\"><deviceName>%s"
		         "</deviceName><network type=\"Network\">network-%s</network></backing>"
		         "<connectable><connected>%s</connected></connectable>"
		         "<macAddress>%s</macAddress></VirtualDevice>",
		         key, net, net, connected ? "true" : "false", mac);
	vc_buf_add(b, s);
}

/* A VM; NULL fields are not sent. @p nics: XML from nic(), "" = none. */
static void
vm(struct fix *f, const char *kind, const char *ref, const char *name, const char *hostref,
   const char *power, const char *nics)
{
	obj_begin(f, kind, "VirtualMachine", ref);
	if (name != NULL)
		str_prop(f, "name", name);
	if (hostref != NULL)
		ref_prop(f, "runtime.host", "HostSystem", hostref);
	if (power != NULL) {
		char val[128];

		snprintf(val, sizeof(val), "<val xsi:type=\"VirtualMachinePowerState\">%s</val>",
		         power);
		prop(f, "runtime.powerState", val);
	}
	if (nics != NULL) {
		struct vc_buf v = {0};

		vc_buf_add(
		        &v,
		        "<val xsi:type=\"ArrayOfVirtualDevice\">"
		        "<VirtualDevice xsi:type=\"VirtualDisk\"><key>2000</key></VirtualDevice>");
		vc_buf_add(&v, nics);
		vc_buf_add(&v, "</val>");
		prop(f, "config.hardware.device", v.p);
		vc_buf_free(&v);
	}
	add(f, "</objectSet>");
}

static const struct src_binding *
up(const struct fix *f, const char *mac)
{
	int i = vc_test_find(&f->ups, SRC_OP_UPSERT, mac);

	if (i < 0)
		fail_msg("no UPSERT for %s", mac);
	return &f->ups.u[i].b;
}

static void
assert_binding(const struct src_binding *b, const char *net, const char *alt, const char *h,
               const char *cluster, const char *vmname)
{
	assert_string_equal(b->network, net);
	assert_string_equal(b->network_alt, alt);
	assert_string_equal(b->host, h);
	assert_string_equal(b->cluster, cluster);
	assert_string_equal(b->vm, vmname);
	assert_int_equal(b->host_vtep, 0);
}

static void
test_captures(void **state)
{
	struct fix *f = *state;
	struct vc_inv_counts c;

	apply(f, "vcenter/06-WaitForUpdatesEx-initial.resp.xml");
	assert_int_equal(f->ups.nb, 4);
	assert_int_equal(vc_test_count(&f->ups, SRC_OP_UPSERT), 4);
	/* No powerState in the captured filter: unknown counts as running. */
	assert_binding(up(f, "00:0c:29:36:63:62"), "dvportgroup-13", "", "DC0_H0", "",
	               "DC0_H0_VM0");
	assert_binding(up(f, "00:0c:29:33:34:38"), "dvportgroup-13", "", "DC0_C0_H1", "",
	               "DC0_C0_RP0_VM0");
	vc_inv_counts(f->inv, &c);
	assert_int_equal(c.nb_vms, 4);
	assert_int_equal(c.nb_hosts, 4);
	assert_int_equal(c.nb_macs, 4);

	apply(f, "vcenter/07-WaitForUpdatesEx-timeout-empty.resp.xml");
	assert_int_equal(f->ups.nb, 0);

	/* vMotion: one UPSERT with the new host, nothing withdrawn. */
	apply(f, "vcenter/08-WaitForUpdatesEx-after-migrate.resp.xml");
	assert_int_equal(f->ups.nb, 1);
	assert_binding(up(f, "00:0c:29:33:34:38"), "dvportgroup-13", "", "DC0_C0_H2", "",
	               "DC0_C0_RP0_VM0");

	/* NIC add: the whole array again; only the new NIC is posted. */
	apply(f, "vcenter/09-WaitForUpdatesEx-after-nic-add.resp.xml");
	assert_int_equal(f->ups.nb, 1);
	assert_binding(up(f, "00:0c:29:3a:30:38"), "VM Network", "", "DC0_C0_H0", "",
	               "DC0_C0_RP0_VM1");

	/* walk-vm is created with its NIC disconnected: no binding. */
	apply(f, "vcenter/10-WaitForUpdatesEx-after-vm-create.resp.xml");
	assert_int_equal(f->ups.nb, 0);
	vc_inv_counts(f->inv, &c);
	assert_int_equal(c.nb_vms, 5);
	apply(f, "vcenter/11-WaitForUpdatesEx-after-vm-destroy.resp.xml");
	assert_int_equal(f->ups.nb, 0);
	vc_inv_counts(f->inv, &c);
	assert_int_equal(c.nb_vms, 4);
	assert_int_equal(c.nb_macs, 5);

	/* A VM that leaves withdraws each of its MACs. */
	add(f, "<objectSet><kind>leave</kind><obj type=\"VirtualMachine\">vm-72</obj></objectSet>");
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 2);
	assert_int_equal(vc_test_count(&f->ups, SRC_OP_WITHDRAW), 2);
	assert_string_equal(
	        f->ups.u[vc_test_find(&f->ups, SRC_OP_WITHDRAW, "00:0c:29:3a:30:38")].b.network,
	        "VM Network");
	vc_inv_counts(f->inv, &c);
	assert_int_equal(c.nb_macs, 3);
	vc_inv_reset(f->inv);
	vc_inv_counts(f->inv, &c);
	assert_int_equal(c.nb_vms + c.nb_hosts + c.nb_macs, 0);
}

/* Cluster, standalone host, DVPG and standard portgroup names. */
static void
base_inventory(struct fix *f)
{
	struct vc_buf n = {0};

	named(f, "ClusterComputeResource", "domain-c7", "Prod", NULL);
	named(f, "DistributedVirtualPortgroup", "dvportgroup-13", "web-pg", "dvportgroup-13");
	named(f, "Network", "network-db", "db", NULL);
	host(f, "enter", "host-1", "esx1.dc1", "ClusterComputeResource", "domain-c7");
	host(f, "enter", "host-2", "esx2.dc1", "ClusterComputeResource", "domain-c7");
	host(f, "enter", "host-9", "esx9.lab", "ComputeResource", "domain-s9");
	nic(&n, 4000, "02:00:00:00:00:01", "dvportgroup-13", true);
	nic(&n, 4001, "02:00:00:00:00:02", "db", true);
	vm(f, "enter", "vm-1", "web1", "host-1", "poweredOn", n.p);
	n.len = 0;
	nic(&n, 4000, "02:00:00:00:00:11", "dvportgroup-13", true);
	vm(f, "enter", "vm-2", "web2", "host-1", "poweredOn", n.p);
	n.len = 0;
	nic(&n, 4000, "02:00:00:00:00:21", "db", true);
	vm(f, "enter", "vm-3", "lab1", "host-9", "poweredOn", n.p);
	vc_buf_free(&n);
	apply(f, NULL);
}

static void
test_names(void **state)
{
	struct fix *f = *state;

	base_inventory(f);
	assert_int_equal(f->ups.nb, 4);
	assert_binding(up(f, "02:00:00:00:00:01"), "dvportgroup-13", "web-pg", "esx1.dc1", "Prod",
	               "web1");
	assert_binding(up(f, "02:00:00:00:00:02"), "db", "", "esx1.dc1", "Prod", "web1");
	/* A standalone host's ComputeResource is no cluster. */
	assert_binding(up(f, "02:00:00:00:00:21"), "db", "", "esx9.lab", "", "lab1");
}

static void
test_power_and_connection(void **state)
{
	struct fix *f = *state;
	struct vc_buf n = {0};

	base_inventory(f);
	vm(f, "modify", "vm-2", NULL, NULL, "poweredOff", NULL);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	assert_int_equal(f->ups.u[0].op, SRC_OP_WITHDRAW);
	assert_string_equal(f->ups.u[0].b.network, "dvportgroup-13");
	/* Suspended VMs keep their MACs: they resume in place. */
	vm(f, "modify", "vm-2", NULL, NULL, "suspended", NULL);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	up(f, "02:00:00:00:00:11");
	vm(f, "modify", "vm-2", NULL, NULL, "poweredOn", NULL);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 0);
	/* Disconnect one NIC of two. */
	nic(&n, 4000, "02:00:00:00:00:01", "dvportgroup-13", false);
	nic(&n, 4001, "02:00:00:00:00:02", "db", true);
	vm(f, "modify", "vm-1", NULL, NULL, NULL, n.p);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	assert_int_not_equal(vc_test_find(&f->ups, SRC_OP_WITHDRAW, "02:00:00:00:00:01"), -1);
	n.len = 0;
	nic(&n, 4000, "02:00:00:00:00:01", "dvportgroup-13", true);
	nic(&n, 4001, "02:00:00:00:00:02", "db", true);
	vm(f, "modify", "vm-1", NULL, NULL, NULL, n.p);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	up(f, "02:00:00:00:00:01");
	vc_buf_free(&n);
}

static void
test_nic_diff(void **state)
{
	struct fix *f = *state;
	struct vc_buf n = {0};

	base_inventory(f);
	/* Same MACs and networks under new device keys: nothing to say. */
	nic(&n, 4100, "02:00:00:00:00:01", "dvportgroup-13", true);
	nic(&n, 4101, "02:00:00:00:00:02", "db", true);
	vm(f, "modify", "vm-1", NULL, NULL, NULL, n.p);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 0);
	/* A NIC moved to another portgroup: (network, MAC) is the identity. */
	n.len = 0;
	nic(&n, 4100, "02:00:00:00:00:01", "dvportgroup-13", true);
	nic(&n, 4101, "02:00:00:00:00:02", "dvportgroup-13", true);
	/* A duplicate (network, MAC) counts once; a group MAC never. */
	nic(&n, 4102, "02:00:00:00:00:02", "dvportgroup-13", true);
	nic(&n, 4103, "03:00:00:00:00:02", "db", true);
	vm(f, "modify", "vm-1", NULL, NULL, NULL, n.p);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 2);
	assert_int_equal(f->ups.u[0].op, SRC_OP_WITHDRAW);
	assert_string_equal(f->ups.u[0].b.network, "db");
	assert_binding(up(f, "02:00:00:00:00:02"), "dvportgroup-13", "web-pg", "esx1.dc1", "Prod",
	               "web1");
	/* NIC removed. */
	n.len = 0;
	nic(&n, 4100, "02:00:00:00:00:01", "dvportgroup-13", true);
	vm(f, "modify", "vm-1", NULL, NULL, NULL, n.p);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	assert_int_equal(f->ups.u[0].op, SRC_OP_WITHDRAW);
	/* Moved to a host nobody told us about: not placeable, withdrawn. */
	vm(f, "modify", "vm-1", NULL, "host-404", NULL, NULL);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	assert_int_equal(f->ups.u[0].op, SRC_OP_WITHDRAW);
	vc_buf_free(&n);
}

static void
test_migration_and_renames(void **state)
{
	struct fix *f = *state;

	base_inventory(f);
	/* vMotion to host-2: one UPSERT per MAC, no WITHDRAW. */
	vm(f, "modify", "vm-1", NULL, "host-2", NULL, NULL);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 2);
	assert_int_equal(vc_test_count(&f->ups, SRC_OP_UPSERT), 2);
	assert_string_equal(up(f, "02:00:00:00:00:02")->host, "esx2.dc1");
	/* Host rename: every VM on it again, and only those. */
	host(f, "modify", "host-1", "esx1-new.dc1", NULL, NULL);
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	assert_string_equal(up(f, "02:00:00:00:00:11")->host, "esx1-new.dc1");
	/* Cluster move. */
	named(f, "ClusterComputeResource", "domain-c8", "Test", NULL);
	host(f, "modify", "host-2", NULL, "ClusterComputeResource", "domain-c8");
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 2);
	assert_string_equal(up(f, "02:00:00:00:00:01")->cluster, "Test");
	/* DVPG rename changes network_alt. */
	obj_begin(f, "modify", "DistributedVirtualPortgroup", "dvportgroup-13");
	str_prop(f, "name", "web-pg2");
	add(f, "</objectSet>");
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 2);
	assert_string_equal(up(f, "02:00:00:00:00:11")->network_alt, "web-pg2");
	/* The host leaves: its VMs cannot be placed any more. */
	add(f, "<objectSet><kind>leave</kind><obj type=\"HostSystem\">host-9</obj></objectSet>");
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	assert_int_not_equal(vc_test_find(&f->ups, SRC_OP_WITHDRAW, "02:00:00:00:00:21"), -1);
}

/* VMs before their hosts, created and modified in one set, then gone in
 * the same set as a change: one evaluation each, in the final state. */
static void
test_order_in_one_set(void **state)
{
	struct fix *f = *state;
	struct vc_buf n = {0};

	nic(&n, 4000, "02:00:00:00:00:31", "pg", true);
	vm(f, "enter", "vm-5", "a", "host-5", "poweredOn", n.p);
	vm(f, "modify", "vm-5", "b", NULL, NULL, NULL);
	vm(f, "enter", "vm-6", "c", "host-5", "poweredOn", "");
	host(f, "enter", "host-5", "esx5", "ComputeResource", "domain-s5");
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	assert_binding(up(f, "02:00:00:00:00:31"), "pg", "", "esx5", "", "b");
	vm(f, "modify", "vm-5", "c", NULL, NULL, NULL);
	add(f, "<objectSet><kind>leave</kind><obj type=\"VirtualMachine\">vm-5</obj></objectSet>");
	apply(f, NULL);
	assert_int_equal(f->ups.nb, 1);
	assert_int_equal(f->ups.u[0].op, SRC_OP_WITHDRAW);
	vc_buf_free(&n);
}

int
vc_test_inventory(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_captures, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_power_and_connection, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_nic_diff, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_migration_and_renames, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_order_in_one_set, setup, teardown),
	};

	return cmocka_run_group_tests_name("vc_inventory", tests, NULL, NULL);
}
