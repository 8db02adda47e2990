/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing: every capture, xsi:type by namespace with either prefix, SOAP
 * faults, and hostile or oversized documents refused cleanly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/netaddr.h"
#include "vc_test.h"

#define ENV_OPEN                                                                                   \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope "                           \
	"xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "                             \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "                                          \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
#define ENV_CLOSE "</soapenv:Body></soapenv:Envelope>"

static void
test_service_content(void **state)
{
	struct vc_service_content sc;
	xmlDoc *doc = vc_test_doc("vcenter/01-RetrieveServiceContent.resp.xml");

	(void)state;
	assert_int_equal(vc_parse_service_content(doc, &sc), 0);
	assert_string_equal(sc.root_folder.type, "Folder");
	assert_string_equal(sc.root_folder.value, "group-d1");
	assert_string_equal(sc.property_collector.value, "propertyCollector");
	assert_string_equal(sc.view_manager.value, "ViewManager");
	assert_string_equal(sc.session_manager.type, "SessionManager");
	assert_string_equal(sc.session_manager.value, "SessionManager");
	assert_string_equal(sc.api_type, "VirtualCenter");
	assert_string_equal(sc.api_version, "6.5");
	xmlFreeDoc(doc);

	doc = vc_test_doc("esxi/01-RetrieveServiceContent.resp.xml");
	assert_int_equal(vc_parse_service_content(doc, &sc), 0);
	assert_string_equal(sc.root_folder.value, "ha-folder-root");
	assert_string_equal(sc.property_collector.value, "ha-property-collector");
	assert_string_equal(sc.session_manager.value, "ha-sessionmgr");
	assert_string_equal(sc.api_type, "HostAgent");
	xmlFreeDoc(doc);
}

static void
test_login_and_morefs(void **state)
{
	struct vc_moref ref;
	char user[64];
	xmlDoc *doc = vc_test_doc("vcenter/03-Login.resp.xml");

	(void)state;
	assert_int_equal(vc_parse_login(doc, user, sizeof(user)), 0);
	assert_string_equal(user, "user");
	/* A LoginResponse is not a CreateFilterResponse. */
	assert_int_equal(vc_parse_moref_return(doc, "CreateFilter", &ref), -EPROTO);
	xmlFreeDoc(doc);
	doc = vc_test_doc("vcenter/04-CreateContainerView.resp.xml");
	assert_int_equal(vc_parse_moref_return(doc, "CreateContainerView", &ref), 0);
	assert_string_equal(ref.type, "ContainerView");
	assert_string_equal(ref.value, "session[4f91f4be-c9ff-4625-bf3f-9a9896803a21]"
	                               "65415df1-7f2d-4b7e-8178-5ac25bee1ba7");
	xmlFreeDoc(doc);
	doc = vc_test_doc("vcenter/05-CreateFilter.resp.xml");
	assert_int_equal(vc_parse_moref_return(doc, "CreateFilter", &ref), 0);
	assert_string_equal(ref.type, "PropertyFilter");
	xmlFreeDoc(doc);
	for (unsigned i = 0; i < 3; i++) {
		static const char *const empty[] = {"vcenter/12-DestroyPropertyFilter.resp.xml",
		                                    "vcenter/13-DestroyView.resp.xml",
		                                    "vcenter/14-Logout.resp.xml"};
		static const char *const method[] = {"DestroyPropertyFilter", "DestroyView",
		                                     "Logout"};

		doc = vc_test_doc(empty[i]);
		assert_non_null(vc_parse_response(doc, method[i]));
		xmlFreeDoc(doc);
	}
}

static void
test_fault_capture(void **state)
{
	struct vc_fault f;
	xmlDoc *doc = vc_test_doc("vcenter/02-NotAuthenticatedFault.resp.xml");

	(void)state;
	assert_int_equal(vc_fault_parse(doc, &f), 0);
	assert_int_equal(f.kind, VC_FAULT_NOT_AUTHENTICATED);
	assert_string_equal(f.name, "NotAuthenticated");
	assert_int_equal(vc_fault_errno(f.kind), -EKEYEXPIRED);
	xmlFreeDoc(doc);
	doc = vc_test_doc("vcenter/03-Login.resp.xml");
	assert_int_equal(vc_fault_parse(doc, &f), -ENOENT);
	xmlFreeDoc(doc);
}

static void
test_fault_names(void **state)
{
	static const struct {
		const char *detail;
		const char *faultstring;
		enum vc_fault_kind kind;
		const char *name;
		int err;
	} cases[] = {
	        {"<InvalidLoginFault xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\"/>",
	         "Cannot complete login due to an incorrect user name or password.",
	         VC_FAULT_INVALID_LOGIN, "InvalidLogin", -EACCES},
	        {"<InvalidRequestFault xmlns=\"urn:vim25\" xsi:type=\"InvalidRequest\"/>",
	         "Unexpected element tag \"pathSet\" seen", VC_FAULT_INVALID_REQUEST,
	         "InvalidRequest", -EINVAL},
	        {"<InvalidArgumentFault xmlns=\"urn:vim25\" xsi:type=\"InvalidArgument\">"
	         "<invalidProperty>spec</invalidProperty></InvalidArgumentFault>",
	         "", VC_FAULT_INVALID_ARGUMENT, "InvalidArgument", -EINVAL},
	        /* Named by the element when there is no xsi:type. */
	        {"<ManagedObjectNotFoundFault xmlns=\"urn:vim25\"><obj type=\"VirtualMachine\">vm-1"
	         "</obj></ManagedObjectNotFoundFault>",
	         "", VC_FAULT_MANAGED_OBJECT_NOT_FOUND, "ManagedObjectNotFound", -ENOENT},
	        {"<RequestCanceledFault xmlns=\"urn:vim25\" xsi:type=\"RequestCanceled\"/>", "",
	         VC_FAULT_REQUEST_CANCELED, "RequestCanceled", -EINTR},
	        {"<InvalidCollectorVersionFault xmlns=\"urn:vim25\" "
	         "xsi:type=\"InvalidCollectorVersion\"/>",
	         "", VC_FAULT_INVALID_COLLECTOR_VERSION, "InvalidCollectorVersion", -ESTALE},
	        /* Another prefix for XSI, and a prefixed value. */
	        {"<NoPermissionFault xmlns=\"urn:vim25\" xmlns:i=\"http://www.w3.org/2001/"
	         "XMLSchema-instance\" i:type=\"vim25:NoPermission\"/>",
	         "Permission to perform this operation was denied.", VC_FAULT_NO_PERMISSION,
	         "NoPermission", -EPERM},
	        {"<HostCommunicationFault xmlns=\"urn:vim25\" xsi:type=\"HostCommunication\"/>", "",
	         VC_FAULT_OTHER, "HostCommunication", -EREMOTEIO},
	        {"", "no detail", VC_FAULT_OTHER, "ServerFaultCode", -EREMOTEIO},
	};
	char xml[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vc_fault f;
		xmlDoc *doc;

		snprintf(xml, sizeof(xml),
		         ENV_OPEN "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>"
		                  "<faultstring>%s</faultstring><detail>%s</detail></"
		                  "soapenv:Fault>" ENV_CLOSE,
		         cases[i].faultstring, cases[i].detail);
		doc = vc_test_doc_str(xml);
		assert_int_equal(vc_fault_parse(doc, &f), 0);
		assert_string_equal(f.name, cases[i].name);
		assert_int_equal(f.kind, cases[i].kind);
		assert_string_equal(f.msg, cases[i].faultstring);
		assert_int_equal(vc_fault_errno(f.kind), cases[i].err);
		xmlFreeDoc(doc);
	}
}

static const struct vc_change *
change(const struct vc_obj_update *ou, enum vc_prop p)
{
	for (unsigned i = 0; i < ou->nb_changes; i++)
		if (ou->changes[i].prop == p)
			return &ou->changes[i];
	return NULL;
}

static void
assert_mac(const uint8_t mac[6], const char *want)
{
	char m[NETADDR_MAC_STRLEN];

	assert_string_equal(netaddr_mac_fmt(mac, m, sizeof(m)), want);
}

/* The initial UpdateSet of capture 06, whatever the XSI prefix. */
static void
check_initial(const struct vc_update_set *us)
{
	static const char *const vms[][4] = {
	        {"vm-63", "DC0_H0_VM0", "host-22", "00:0c:29:36:63:62"},
	        {"vm-66", "DC0_H0_VM1", "host-22", "00:0c:29:61:61:64"},
	        {"vm-69", "DC0_C0_RP0_VM0", "host-48", "00:0c:29:33:34:38"},
	        {"vm-72", "DC0_C0_RP0_VM1", "host-38", "00:0c:29:39:30:38"},
	};
	static const char *const hosts[][2] = {
	        {"host-22", "DC0_H0"},
	        {"host-38", "DC0_C0_H0"},
	        {"host-48", "DC0_C0_H1"},
	        {"host-58", "DC0_C0_H2"},
	};

	assert_false(us->empty);
	assert_false(us->truncated);
	assert_string_equal(us->version, "-");
	assert_int_equal(us->nb_objs, 8);
	for (unsigned i = 0; i < 4; i++) {
		const struct vc_obj_update *ou = &us->objs[i];
		const struct vc_change *dev = change(ou, VC_PROP_DEVICES);

		assert_int_equal(ou->kind, VC_OBJ_ENTER);
		assert_string_equal(ou->obj.type, "VirtualMachine");
		assert_string_equal(ou->obj.value, vms[i][0]);
		assert_string_equal(change(ou, VC_PROP_NAME)->str, vms[i][1]);
		assert_string_equal(change(ou, VC_PROP_RUNTIME_HOST)->ref.type, "HostSystem");
		assert_string_equal(change(ou, VC_PROP_RUNTIME_HOST)->ref.value, vms[i][2]);
		assert_non_null(dev);
		assert_int_equal(dev->nb_nics, 1); /* of 13 devices, one has a MAC */
		assert_int_equal(dev->nics[0].key, 4000);
		assert_mac(dev->nics[0].mac, vms[i][3]);
		assert_true(dev->nics[0].connected);
		assert_int_equal(dev->nics[0].backing, VC_BACKING_DVPORT);
		assert_string_equal(dev->nics[0].network, "dvportgroup-13");
	}
	for (unsigned i = 0; i < 4; i++) {
		const struct vc_obj_update *ou = &us->objs[4 + i];

		assert_string_equal(ou->obj.type, "HostSystem");
		assert_string_equal(ou->obj.value, hosts[i][0]);
		assert_string_equal(change(ou, VC_PROP_NAME)->str, hosts[i][1]);
	}
}

static void
test_update_initial(void **state)
{
	struct vc_update_set us;

	(void)state;
	vc_test_update_set("vcenter/06-WaitForUpdatesEx-initial.resp.xml", NULL, &us);
	check_initial(&us);
	vc_update_set_free(&us);
}

/* Replace every occurrence of @p from by @p to (into a new buffer). */
static char *
replace(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	char *out, *o;

	for (const char *p = s; (p = strstr(p, from)) != NULL; p += fl)
		n++;
	out = malloc(strlen(s) + n * tl + 1);
	assert_non_null(out);
	for (o = out; *s != '\0';) {
		if (strncmp(s, from, fl) == 0) {
			memcpy(o, to, tl);
			o += tl, s += fl;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* vCenter writes xsi:type (bound on the envelope), the simulator
 * XMLSchema-instance:type; any prefix must do, a plain "type" must not. */
static void
test_xsi_prefixes(void **state)
{
	char *sim = vc_test_read("vcenter/06-WaitForUpdatesEx-initial.resp.xml", NULL);
	char *a = replace(
	        sim, " xmlns:XMLSchema-instance=\"http://www.w3.org/2001/XMLSchema-instance\"", "");
	char *real = replace(a, "XMLSchema-instance:type", "xsi:type");
	char *o1 = replace(sim, "xmlns:XMLSchema-instance=", "xmlns:q1=");
	char *other = replace(o1, "XMLSchema-instance:type", "q1:type");
	char *plain = replace(sim, "XMLSchema-instance:type=\"VirtualEthernetCard",
	                      "type=\"VirtualEthernetCard");
	struct vc_update_set us;

	(void)state;
	assert_null(strstr(real, "XMLSchema-instance:"));
	vc_test_update_set(NULL, real, &us);
	check_initial(&us);
	vc_update_set_free(&us);
	vc_test_update_set(NULL, other, &us);
	check_initial(&us);
	vc_update_set_free(&us);
	/* A backing whose type is a plain attribute has no xsi:type: no network. */
	vc_test_update_set(NULL, plain, &us);
	assert_int_equal(change(&us.objs[0], VC_PROP_DEVICES)->nics[0].backing, VC_BACKING_OTHER);
	vc_update_set_free(&us);
	free(sim);
	free(a);
	free(real);
	free(other);
	free(o1);
	free(plain);
}

static void
test_update_increments(void **state)
{
	struct vc_update_set us;
	const struct vc_change *dev;

	(void)state;
	vc_test_update_set("vcenter/07-WaitForUpdatesEx-timeout-empty.resp.xml", NULL, &us);
	assert_true(us.empty);
	assert_int_equal(us.nb_objs, 0);
	vc_update_set_free(&us);

	vc_test_update_set("vcenter/08-WaitForUpdatesEx-after-migrate.resp.xml", NULL, &us);
	assert_int_equal(us.nb_objs, 1);
	assert_int_equal(us.objs[0].kind, VC_OBJ_MODIFY);
	assert_string_equal(us.objs[0].obj.value, "vm-69");
	assert_string_equal(change(&us.objs[0], VC_PROP_RUNTIME_HOST)->ref.value, "host-58");
	vc_update_set_free(&us);

	vc_test_update_set("vcenter/09-WaitForUpdatesEx-after-nic-add.resp.xml", NULL, &us);
	dev = change(&us.objs[0], VC_PROP_DEVICES);
	assert_int_equal(dev->nb_nics, 2);
	assert_int_equal(dev->nics[1].key, 205);
	assert_mac(dev->nics[1].mac, "00:0c:29:3a:30:38");
	assert_int_equal(dev->nics[1].backing, VC_BACKING_NETWORK);
	assert_string_equal(dev->nics[1].network, "VM Network");
	assert_string_equal(dev->nics[1].net_ref, "network-7");
	vc_update_set_free(&us);

	vc_test_update_set("vcenter/10-WaitForUpdatesEx-after-vm-create.resp.xml", NULL, &us);
	assert_int_equal(us.nb_objs, 4);
	assert_int_equal(us.objs[0].kind, VC_OBJ_ENTER);
	assert_string_equal(change(&us.objs[0], VC_PROP_NAME)->str, "walk-vm");
	dev = change(&us.objs[0], VC_PROP_DEVICES);
	assert_int_equal(dev->nb_nics, 1);
	assert_false(dev->nics[0].connected);
	for (unsigned i = 1; i < 4; i++)
		assert_int_equal(us.objs[i].kind, VC_OBJ_MODIFY);
	vc_update_set_free(&us);

	vc_test_update_set("vcenter/11-WaitForUpdatesEx-after-vm-destroy.resp.xml", NULL, &us);
	assert_int_equal(us.nb_objs, 1);
	assert_int_equal(us.objs[0].kind, VC_OBJ_LEAVE);
	assert_string_equal(us.objs[0].obj.value, "vm-78");
	assert_int_equal(us.objs[0].nb_changes, 0);
	vc_update_set_free(&us);
}

static void
test_update_esxi(void **state)
{
	struct vc_update_set us;
	const struct vc_change *dev;

	(void)state;
	vc_test_update_set("esxi/06-WaitForUpdatesEx-initial.resp.xml", NULL, &us);
	assert_int_equal(us.nb_objs, 3);
	dev = change(&us.objs[0], VC_PROP_DEVICES);
	assert_string_equal(dev->nics[0].network, "VM Network");
	assert_string_equal(dev->nics[0].net_ref, "HaNetwork-VM Network");
	assert_string_equal(change(&us.objs[2], VC_PROP_NAME)->str, "localhost.localdomain");
	vc_update_set_free(&us);
	vc_test_update_set("esxi/08-WaitForUpdatesEx-esx-after-nic-add.resp.xml", NULL, &us);
	assert_int_equal(change(&us.objs[0], VC_PROP_DEVICES)->nb_nics, 2);
	vc_update_set_free(&us);
}

static void
assert_refused(const char *xml, size_t len, int want, const char *why)
{
	char err[VC_ERR_MAX] = "";
	xmlDoc *doc = (xmlDoc *)1;

	assert_int_equal(vc_xml_read(xml, len, 0, &doc, err, sizeof(err)), want);
	assert_null(doc);
	if (strstr(err, why) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", err, why);
}

static void
test_xml_hostile(void **state)
{
	static const char laughs[] =
	        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	        "<!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
	        "<lolz>&lol9;</lolz>";
	static const char xxe[] =
	        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	        "<soapenv:Body>&x;</soapenv:Body></soapenv:Envelope>";
	static const char ext_dtd[] = "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM "
	                              "\"http://127.0.0.1:1/evil.dtd\"><r/>";
	static const char bare_doctype[] = "<!DOCTYPE r><r/>";
	static const char broken[] = ENV_OPEN "<WaitForUpdatesExResponse xmlns=\"urn:vim25\">";

	(void)state;
	assert_refused(laughs, strlen(laughs), -EBADMSG, "DOCTYPE");
	assert_refused(xxe, strlen(xxe), -EBADMSG, "DOCTYPE");
	assert_refused(ext_dtd, strlen(ext_dtd), -EBADMSG, "DOCTYPE");
	assert_refused(bare_doctype, strlen(bare_doctype), -EBADMSG, "DOCTYPE");
	assert_refused(broken, strlen(broken), -EBADMSG, "not well-formed");
	assert_refused("", 0, -EBADMSG, "empty");
	assert_refused("garbage\x01\x02", 9, -EBADMSG, "not well-formed");
}

static void
test_xml_deep_and_big(void **state)
{
	size_t n = 100u << 20; /* 100 MiB */
	char *big = malloc(n);
	char *deep = malloc(20 * 3000 + 1);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	assert_refused(big, n, -EMSGSIZE, "limit");
	free(big);
	/* libxml2's depth limit stays on (no XML_PARSE_HUGE). */
	assert_non_null(deep);
	for (int i = 0; i < 3000; i++)
		memcpy(deep + 3 * i, "<a>", 3);
	deep[3 * 3000] = '\0';
	assert_refused(deep, strlen(deep), -EBADMSG, "not well-formed");
	free(deep);
}

int
vc_test_parse(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_service_content),   cmocka_unit_test(test_login_and_morefs),
	        cmocka_unit_test(test_fault_capture),     cmocka_unit_test(test_fault_names),
	        cmocka_unit_test(test_update_initial),    cmocka_unit_test(test_xsi_prefixes),
	        cmocka_unit_test(test_update_increments), cmocka_unit_test(test_update_esxi),
	        cmocka_unit_test(test_xml_hostile),       cmocka_unit_test(test_xml_deep_and_big),
	};

	return cmocka_run_group_tests_name("vc_parse", tests, NULL, NULL);
}
