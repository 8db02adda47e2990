/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Request builders: byte-identical to the captured requests given the same
 * inputs, WSDL element order, escaping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vc_test.h"

static const struct vc_moref vc_sm = {"SessionManager", "SessionManager"};
static const struct vc_moref vc_vm_mgr = {"ViewManager", "ViewManager"};
static const struct vc_moref vc_root = {"Folder", "group-d1"};
static const struct vc_moref vc_pc = {"PropertyCollector", "propertyCollector"};
static const struct vc_moref vc_view = {
        "ContainerView",
        "session[4f91f4be-c9ff-4625-bf3f-9a9896803a21]65415df1-7f2d-4b7e-8178-5ac25bee1ba7"};
static const struct vc_moref vc_filter = {
        "PropertyFilter",
        "session[4f91f4be-c9ff-4625-bf3f-9a9896803a21]7c474fb5-9484-4678-b98f-3f6456ad17ad"};

/* The filter and view of the captures (vtepd's own watch more). */
static const char *const types[] = {"VirtualMachine", "HostSystem", NULL};
static const char *const vm_paths[] = {"name", "runtime.host", "config.hardware.device", NULL};
static const char *const host_paths[] = {"name", NULL};
static const struct vc_prop_spec specs[] = {{"VirtualMachine", vm_paths},
                                            {"HostSystem", host_paths}};

static void
assert_capture(const struct vc_buf *b, const char *rel)
{
	size_t len;
	char *want = vc_test_read(rel, &len);

	assert_int_equal(b->err, 0);
	if (b->len != len || memcmp(b->p, want, len) != 0)
		fail_msg("%s differs:\nwant: %s\ngot:  %s", rel, want, b->p);
	free(want);
}

static void
test_vcenter_requests(void **state)
{
	struct vc_buf b = {0};

	(void)state;
	assert_int_equal(vc_soap_retrieve_service_content(&b), 0);
	assert_capture(&b, "vcenter/01-RetrieveServiceContent.req.xml");
	assert_int_equal(vc_soap_login(&b, &vc_sm, "user", "pass"), 0);
	assert_capture(&b, "vcenter/03-Login.req.xml");
	assert_int_equal(vc_soap_create_container_view(&b, &vc_vm_mgr, &vc_root, types, true), 0);
	assert_capture(&b, "vcenter/04-CreateContainerView.req.xml");
	assert_int_equal(vc_soap_create_filter(&b, &vc_pc, specs, 2, &vc_view, false), 0);
	assert_capture(&b, "vcenter/05-CreateFilter.req.xml");
	assert_int_equal(vc_soap_wait_for_updates_ex(&b, &vc_pc, "", 10, 0), 0);
	assert_capture(&b, "vcenter/06-WaitForUpdatesEx-initial.req.xml");
	assert_int_equal(vc_soap_wait_for_updates_ex(&b, &vc_pc, "-", 2, 0), 0);
	assert_capture(&b, "vcenter/07-WaitForUpdatesEx-timeout-empty.req.xml");
	assert_int_equal(vc_soap_wait_for_updates_ex(&b, &vc_pc, "-", 30, 0), 0);
	assert_capture(&b, "vcenter/08-WaitForUpdatesEx-after-migrate.req.xml");
	assert_int_equal(vc_soap_destroy_filter(&b, &vc_filter), 0);
	assert_capture(&b, "vcenter/12-DestroyPropertyFilter.req.xml");
	assert_int_equal(vc_soap_destroy_view(&b, &vc_view), 0);
	assert_capture(&b, "vcenter/13-DestroyView.req.xml");
	assert_int_equal(vc_soap_logout(&b, &vc_sm), 0);
	assert_capture(&b, "vcenter/14-Logout.req.xml");
	vc_buf_free(&b);
}

static void
test_esxi_requests(void **state)
{
	const struct vc_moref sm = {"SessionManager", "ha-sessionmgr"};
	const struct vc_moref root = {"Folder", "ha-folder-root"};
	const struct vc_moref pc = {"PropertyCollector", "ha-property-collector"};
	const struct vc_moref view = {"ContainerView",
	                              "session[cb4e82b4-d7f4-48b2-b158-97389133f299]2127ec5b-490c-"
	                              "4770-b878-68ef5e990972"};
	struct vc_buf b = {0};

	(void)state;
	assert_int_equal(vc_soap_login(&b, &sm, "user", "pass"), 0);
	assert_capture(&b, "esxi/03-Login.req.xml");
	assert_int_equal(vc_soap_create_container_view(&b, &vc_vm_mgr, &root, types, true), 0);
	assert_capture(&b, "esxi/04-CreateContainerView.req.xml");
	assert_int_equal(vc_soap_create_filter(&b, &pc, specs, 2, &view, false), 0);
	assert_capture(&b, "esxi/05-CreateFilter.req.xml");
	assert_int_equal(vc_soap_wait_for_updates_ex(&b, &pc, "", 10, 0), 0);
	assert_capture(&b, "esxi/06-WaitForUpdatesEx-initial.req.xml");
	assert_int_equal(vc_soap_logout(&b, &sm), 0);
	assert_capture(&b, "esxi/09-Logout.req.xml");
	vc_buf_free(&b);
}

/* The production filter: WSDL order (type, all, pathSet*) per propSet,
 * then one objectSet, then partialUpdates; maxObjectUpdates after
 * maxWaitSeconds. */
static void
test_watch_filter_order(void **state)
{
	struct vc_buf b = {0};
	const char *p;

	(void)state;
	assert_int_equal(vc_soap_create_filter(&b, &vc_pc, vc_watch_specs, vc_nb_watch_specs,
	                                       &vc_view, false),
	                 0);
	assert_non_null(strstr(b.p, "<propSet><type>VirtualMachine</type><all>false</all>"
	                            "<pathSet>name</pathSet><pathSet>runtime.host</pathSet>"
	                            "<pathSet>runtime.powerState</pathSet>"
	                            "<pathSet>config.hardware.device</pathSet></propSet>"));
	assert_non_null(strstr(b.p, "<propSet><type>HostSystem</type><all>false</all>"
	                            "<pathSet>name</pathSet><pathSet>parent</pathSet></propSet>"));
	assert_non_null(strstr(b.p,
	                       "<propSet><type>DistributedVirtualPortgroup</type>"
	                       "<all>false</all><pathSet>name</pathSet><pathSet>key</pathSet>"));
	p = strstr(b.p, "</propSet><objectSet>");
	assert_non_null(p);
	assert_null(strstr(p + 10, "<propSet>"));
	assert_non_null(strstr(b.p,
	                       "<selectSet xsi:type=\"TraversalSpec\"><name>traverseView</name>"
	                       "<type>ContainerView</type><path>view</path><skip>false</skip>"
	                       "</selectSet></objectSet></spec><partialUpdates>false"
	                       "</partialUpdates></CreateFilter>"));
	assert_int_equal(vc_soap_wait_for_updates_ex(&b, &vc_pc, "12", 30, 500), 0);
	assert_non_null(strstr(b.p, "<version>12</version><options><maxWaitSeconds>30"
	                            "</maxWaitSeconds><maxObjectUpdates>500</maxObjectUpdates>"
	                            "</options></WaitForUpdatesEx>"));
	vc_buf_free(&b);
}

static void
test_escaping(void **state)
{
	const char *user = "a<b&\"c'>d";
	const char *pass = "p&<\r\"x";
	struct vc_buf b = {0};
	xmlDoc *doc;
	xmlNode *login;
	char text[64];

	(void)state;
	assert_int_equal(vc_soap_login(&b, &vc_sm, user, pass), 0);
	assert_non_null(strstr(b.p, "<userName>a&lt;b&amp;&quot;c&apos;&gt;d</userName>"));
	assert_non_null(strstr(b.p, "<password>p&amp;&lt;&#13;&quot;x</password>"));
	/* And it reads back as what went in. */
	doc = vc_test_doc_str(b.p);
	login = vc_xml_child(vc_xml_body(doc), VC_NS_VIM25, "Login");
	assert_int_equal(
	        vc_xml_text(vc_xml_child(login, VC_NS_VIM25, "userName"), text, sizeof(text)), 0);
	assert_string_equal(text, user);
	assert_int_equal(
	        vc_xml_text(vc_xml_child(login, VC_NS_VIM25, "password"), text, sizeof(text)), 0);
	assert_string_equal(text, pass);
	xmlFreeDoc(doc);
	/* A control character XML 1.0 cannot carry is refused, not sent. */
	assert_int_equal(vc_soap_login(&b, &vc_sm, "user", "a\x01"), -EINVAL);
	vc_buf_free(&b);
}

int
vc_test_soap(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vcenter_requests),
	        cmocka_unit_test(test_esxi_requests),
	        cmocka_unit_test(test_watch_filter_order),
	        cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests_name("vc_soap", tests, NULL, NULL);
}
