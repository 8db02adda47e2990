/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xapi_codec.c - JSON-RPC and XML-RPC, both ways, against exact bytes
 * of what xapi sends and expects; XML safety; URLs of pool members.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "control/xenapi/xapi_private.h"

static const struct xapi_value *
json_ok(struct xapi_reply *r, const char *body)
{
	struct xapi_err err;
	int rc = xapi_json_decode(body, strlen(body), r, &err);

	if (rc != 0)
		print_error("decode: %d %s\n", rc, err.text);
	assert_int_equal(rc, 0);
	return r->value;
}

static const struct xapi_value *
xml_ok(struct xapi_reply *r, const char *body)
{
	struct xapi_err err;
	int rc = xapi_xml_decode(body, strlen(body), r, &err);

	if (rc != 0)
		print_error("decode: %d %s\n", rc, err.text);
	assert_int_equal(rc, 0);
	return r->value;
}

/* ---- encoding ------------------------------------------------------------ */

static void
test_json_encode_login(void **state)
{
	const struct xapi_value p[] = {xapi_str("root"), xapi_str("p\"w"), xapi_str("1.1"),
	                               xapi_str("vtepd")};
	char *body;
	size_t len;

	(void)state;
	assert_int_equal(xapi_json_encode("session.login_with_password", p, 4, 1, &body, &len), 0);
	assert_string_equal(body, "{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\","
	                          "\"params\":[\"root\",\"p\\\"w\",\"1.1\",\"vtepd\"],\"id\":1}");
	assert_int_equal(len, strlen(body));
	free(body);
}

static void
test_json_encode_event_from(void **state)
{
	const struct xapi_value classes[] = {xapi_str("vm"), xapi_str("vif")};
	const struct xapi_value p[] = {xapi_str("OpaqueRef:s"), xapi_arr(classes, 2),
	                               xapi_str("00000000000000000012,00000000000000000000"),
	                               xapi_dbl(30.0)};
	char *body;
	size_t len;

	(void)state;
	assert_int_equal(xapi_json_encode("event.from", p, 4, 7, &body, &len), 0);
	assert_string_equal(body, "{\"jsonrpc\":\"2.0\",\"method\":\"event.from\",\"params\":["
	                          "\"OpaqueRef:s\",[\"vm\",\"vif\"],"
	                          "\"00000000000000000012,00000000000000000000\",30.0],\"id\":7}");
	free(body);
}

static void
test_xml_encode_event_from(void **state)
{
	const struct xapi_value classes[] = {xapi_str("vm")};
	const struct xapi_value p[] = {xapi_str("OpaqueRef:s"), xapi_arr(classes, 1), xapi_str(""),
	                               xapi_dbl(30.0)};
	char *body;
	size_t len;

	(void)state;
	assert_int_equal(xapi_xml_encode("event.from", p, 4, &body, &len), 0);
	assert_string_equal(
	        body,
	        "<?xml version=\"1.0\"?><methodCall><methodName>event.from</methodName><params>"
	        "<param><value><string>OpaqueRef:s</string></value></param>"
	        "<param><value><array><data><value><string>vm</string></value></data></array>"
	        "</value></param>"
	        "<param><value><string></string></value></param>"
	        "<param><value><double>30</double></value></param>"
	        "</params></methodCall>");
	free(body);
}

static void
test_xml_encode_escapes(void **state)
{
	const struct xapi_value ok[] = {xapi_str("a&b<c>d\r\te")};
	const struct xapi_value bad[] = {xapi_str("x\001y")};
	const struct xapi_value nan[] = {xapi_dbl(0.0 / 0.0)};
	char *body;
	size_t len;

	(void)state;
	assert_int_equal(xapi_xml_encode("m", ok, 1, &body, &len), 0);
	assert_non_null(strstr(body, "<string>a&amp;b&lt;c&gt;d&#13;\te</string>"));
	free(body);
	assert_int_equal(xapi_xml_encode("m", bad, 1, &body, &len), -EINVAL);
	assert_null(body);
	assert_int_equal(xapi_xml_encode("m", nan, 1, &body, &len), -EINVAL);
	assert_int_equal(xapi_json_encode("m", nan, 1, 1, &body, &len), -EINVAL);
}

/* ---- JSON-RPC responses ------------------------------------------------------ */

static void
test_json_v2_result(void **state)
{
	struct xapi_reply r;
	const struct xapi_value *v, *rec;
	int64_t n;

	(void)state;
	v = json_ok(&r, "{\"jsonrpc\":\"2.0\",\"result\":{\"OpaqueRef:h1\":{\"name_label\":\"xs1\","
	                "\"API_version_major\":2,\"API_version_minor\":\"21\",\"enabled\":true,"
	                "\"cpu_info\":{\"cpu_count\":\"32\"},\"tags\":[],\"x\":1.5,\"n\":null}},"
	                "\"id\":3}");
	assert_int_equal(v->type, XAPI_STRUCT);
	assert_int_equal(v->nb, 1);
	assert_string_equal(v->u.members[0].name, "OpaqueRef:h1");
	rec = &v->u.members[0].v;
	assert_string_equal(xapi_get_str(rec, "name_label"), "xs1");
	assert_int_equal(xapi_get_int(rec, "API_version_major", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(xapi_get_int(rec, "API_version_minor", &n), 0); /* int as string */
	assert_int_equal(n, 21);
	assert_true(xapi_get_bool(rec, "enabled", false));
	assert_string_equal(xapi_get_str(xapi_member(rec, "cpu_info"), "cpu_count"), "32");
	assert_int_equal(xapi_member(rec, "tags")->type, XAPI_ARRAY);
	assert_int_equal(xapi_member(rec, "x")->type, XAPI_DOUBLE);
	assert_int_equal(xapi_member(rec, "n")->type, XAPI_NIL);
	assert_string_equal(xapi_get_str(rec, "missing"), "");
	xapi_reply_free(&r);
}

static void
expect_failure_json(const char *body, const char *code, const char *param0)
{
	struct xapi_reply r;
	struct xapi_err err;

	assert_int_equal(xapi_json_decode(body, strlen(body), &r, &err), -EREMOTEIO);
	assert_string_equal(err.code, code);
	if (param0 != NULL) {
		assert_true(err.nb_params >= 1);
		assert_string_equal(err.params[0], param0);
	} else {
		assert_int_equal(err.nb_params, 0);
	}
	assert_null(r.arena);
}

static void
test_json_errors(void **state)
{
	(void)state;
	/* 2.0, after dispatch (api_server.ml): message = code, data = params. */
	expect_failure_json(
	        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"HOST_IS_SLAVE\","
	        "\"data\":[\"192.0.2.10\"]},\"id\":3}",
	        "HOST_IS_SLAVE", "192.0.2.10");
	/* 2.0, raised before dispatch: an ErrorDescription array, id 0. */
	expect_failure_json("{\"jsonrpc\":\"2.0\",\"error\":[\"HOST_STILL_BOOTING\"],\"id\":0}",
	                    "HOST_STILL_BOOTING", NULL);
	/* 1.0 */
	expect_failure_json("{\"result\":null,\"error\":[\"SESSION_INVALID\",\"OpaqueRef:9\"],"
	                    "\"id\":\"xyz\"}",
	                    "SESSION_INVALID", "OpaqueRef:9");
	/* data as a single string (SDK component tests) */
	expect_failure_json("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":"
	                    "\"HANDLE_INVALID\",\"data\":\"OpaqueRef:6e\"},\"id\":1}",
	                    "HANDLE_INVALID", "OpaqueRef:6e");
	/* the XML-RPC envelope, in JSON */
	expect_failure_json("{\"Status\":\"Failure\",\"ErrorDescription\":[\"EVENTS_LOST\"]}",
	                    "EVENTS_LOST", NULL);
}

static void
test_json_v1_and_envelope_success(void **state)
{
	struct xapi_reply r;

	(void)state;
	assert_string_equal(
	        json_ok(&r, "{\"result\":\"OpaqueRef:s1\",\"error\":null,\"id\":1}")->u.s,
	        "OpaqueRef:s1");
	xapi_reply_free(&r);
	assert_string_equal(json_ok(&r, "{\"Status\":\"Success\",\"Value\":\"OpaqueRef:s2\"}")->u.s,
	                    "OpaqueRef:s2");
	xapi_reply_free(&r);
	assert_string_equal(
	        json_ok(&r,
	                "{\"jsonrpc\":\"2.0\",\"result\":{\"Status\":\"Success\",\"Value\":\"v\"},"
	                "\"id\":1}")
	                ->u.s,
	        "v");
	xapi_reply_free(&r);
}

static void
expect_bad(int (*dec)(const char *, size_t, struct xapi_reply *, struct xapi_err *),
           const char *body, int want)
{
	struct xapi_reply r;
	struct xapi_err err = {0};

	assert_int_equal(dec(body, strlen(body), &r, &err), want);
	assert_true(err.text[0] != '\0');
	assert_null(r.arena);
}

static void
test_json_malformed(void **state)
{
	(void)state;
	expect_bad(xapi_json_decode, "<html><body>HTTP 500 internal server error</body></html>",
	           -EBADMSG);
	expect_bad(xapi_json_decode, "[1,2]", -EBADMSG);
	expect_bad(xapi_json_decode, "{\"jsonrpc\":\"2.0\",\"id\":1}", -EBADMSG);
	expect_bad(xapi_json_decode, "{\"jsonrpc\":\"2.0\",\"result\":1,\"result\":2,\"id\":1}",
	           -EBADMSG);
	expect_bad(xapi_json_decode, "{\"Status\":\"Success\"}", -EBADMSG);
	expect_bad(xapi_json_decode, "{\"jsonrpc\":\"2.0\",\"error\":42,\"id\":1}", -EBADMSG);
}

/* ---- XML-RPC responses ---------------------------------------------------------- */

#define XR_HEAD                                                                                    \
	"<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"                    \
	"<member><name>Status</name><value>Success</value></member>"                               \
	"<member><name>Value</name>"
#define XR_TAIL "</member></struct></value></param></params></methodResponse>"

static void
test_xml_xapi_values(void **state)
{
	struct xapi_reply r;
	const struct xapi_value *v, *rec;
	int64_t n;

	(void)state;
	v = xml_ok(&r, XR_HEAD
	           "<value><struct><member><name>OpaqueRef:v1</name><value><struct>"
	           "<member><name>name_label</name><value>web &amp; db</value></member>"
	           "<member><name>power_state</name><value>Running</value></member>"
	           "<member><name>memory_target</name><value>8589934592</value></member>"
	           "<member><name>domid</name><value><i4>-1</i4></value></member>"
	           "<member><name>VCPUs_max</name><value><int>4</int></value></member>"
	           "<member><name>big</name><value><i8>9007199254740993</i8></value></member>"
	           "<member><name>is_a_template</name><value><boolean>0</boolean></value></member>"
	           "<member><name>HVM_shadow_multiplier</name><value><double>1</double></value>"
	           "</member>"
	           "<member><name>snapshot_time</name><value><dateTime.iso8601>19700101T00:00:00Z"
	           "</dateTime.iso8601></value></member>"
	           "<member><name>VIFs</name><value><array><data><value>OpaqueRef:f1</value>"
	           "<value><string>OpaqueRef:f2</string></value></data></array></value></member>"
	           "<member><name>other_config</name><value><struct></struct></value></member>"
	           "<member><name>empty</name><value/></member>"
	           "<member><name>nil</name><value><nil/></value></member>"
	           "</struct></value></member></struct></value>" XR_TAIL);
	rec = xapi_member(v, "OpaqueRef:v1");
	assert_non_null(rec);
	assert_string_equal(xapi_get_str(rec, "name_label"), "web & db");
	assert_string_equal(xapi_get_str(rec, "power_state"), "Running");
	assert_int_equal(xapi_get_int(rec, "memory_target", &n), 0);
	assert_true(n == 8589934592ll);
	assert_int_equal(xapi_get_int(rec, "domid", &n), 0);
	assert_int_equal(n, -1);
	assert_int_equal(xapi_get_int(rec, "VCPUs_max", &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(xapi_get_int(rec, "big", &n), 0);
	assert_true(n == 9007199254740993ll);
	assert_false(xapi_get_bool(rec, "is_a_template", true));
	assert_true(xapi_member(rec, "HVM_shadow_multiplier")->u.d == 1.0);
	assert_int_equal(xapi_member(rec, "snapshot_time")->type, XAPI_DATETIME);
	assert_int_equal(xapi_member(rec, "VIFs")->nb, 2);
	assert_string_equal(xapi_member(rec, "VIFs")->u.items[1].u.s, "OpaqueRef:f2");
	assert_int_equal(xapi_member(rec, "other_config")->nb, 0);
	assert_string_equal(xapi_get_str(rec, "empty"), "");
	assert_int_equal(xapi_member(rec, "nil")->type, XAPI_NIL);
	xapi_reply_free(&r);
}

static void
test_xml_whitespace_and_login(void **state)
{
	struct xapi_reply r;

	(void)state;
	/* Pretty-printed, as in the reference, with a bare session string. */
	assert_string_equal(xml_ok(&r,
	                           "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
	                           "<value><struct>\n  <member>\n    <name>Status</name>\n"
	                           "    <value>Success</value>\n  </member>\n  <member>\n"
	                           "    <name>Value</name>\n    <value>OpaqueRef:d5b5</value>\n"
	                           "  </member>\n</struct></value>\n</param>\n</params>\n"
	                           "</methodResponse>\n")
	                            ->u.s,
	                    "OpaqueRef:d5b5");
	xapi_reply_free(&r);
}

static void
test_xml_failure(void **state)
{
	const char *body = "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>"
	                   "<member><name>Status</name><value>Failure</value></member>"
	                   "<member><name>ErrorDescription</name><value><array><data>"
	                   "<value>HOST_IS_SLAVE</value><value>10.0.0.1</value></data></array>"
	                   "</value></member></struct></value></param></params></methodResponse>";
	struct xapi_reply r;
	struct xapi_err err;

	(void)state;
	assert_int_equal(xapi_xml_decode(body, strlen(body), &r, &err), -EREMOTEIO);
	assert_string_equal(err.code, "HOST_IS_SLAVE");
	assert_int_equal(err.nb_params, 1);
	assert_string_equal(err.params[0], "10.0.0.1");
	assert_string_equal(err.text, "HOST_IS_SLAVE 10.0.0.1");
}

static void
test_session_ref_never_in_text(void **state)
{
	const char *body = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":"
	                   "\"SESSION_INVALID\",\"data\":[\"OpaqueRef:secret-session\"]},\"id\":1}";
	struct xapi_reply r;
	struct xapi_err err;

	(void)state;
	assert_int_equal(xapi_json_decode(body, strlen(body), &r, &err), -EREMOTEIO);
	assert_string_equal(err.params[0], "OpaqueRef:secret-session");
	assert_null(strstr(err.text, "secret"));
}

static void
test_xml_fault_and_malformed(void **state)
{
	(void)state;
	expect_bad(xapi_xml_decode,
	           "<?xml version=\"1.0\"?><methodResponse><fault><value><struct><member><name>"
	           "faultCode</name><value><int>4</int></value></member><member><name>faultString"
	           "</name><value><string>Too many parameters.</string></value></member></struct>"
	           "</value></fault></methodResponse>",
	           -EBADMSG);
	expect_bad(xapi_xml_decode,
	           "<methodResponse><params><param><value><i4>x</i4></value>"
	           "</param></params></methodResponse>",
	           -EBADMSG);
	expect_bad(xapi_xml_decode,
	           "<methodResponse><params><param><value><i4>4294967296</i4>"
	           "</value></param></params></methodResponse>",
	           -EBADMSG);
	expect_bad(xapi_xml_decode,
	           "<methodResponse><params><param><value><i4>1</i4><i4>2</i4>"
	           "</value></param></params></methodResponse>",
	           -EBADMSG);
	expect_bad(xapi_xml_decode,
	           "<methodResponse><params><param><value><bogus/></value>"
	           "</param></params></methodResponse>",
	           -EBADMSG);
	expect_bad(xapi_xml_decode, "<methodResponse><params><param><value>unclosed", -EBADMSG);
	expect_bad(xapi_xml_decode, "<html><body>HTTP 500</body></html>", -EBADMSG);
	expect_bad(xapi_xml_decode, "{\"jsonrpc\":\"2.0\"}", -EBADMSG);
}

/* ---- XML safety ----------------------------------------------------------------- */

static void
test_xml_billion_laughs(void **state)
{
	const char *body =
	        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
	        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
	        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
	        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
	        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
	        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
	        "<methodResponse><params><param><value>&lol9;</value></param></params>"
	        "</methodResponse>";

	(void)state;
	expect_bad(xapi_xml_decode, body, -EBADMSG);
}

static void
test_xml_external_entity(void **state)
{
	(void)state;
	expect_bad(
	        xapi_xml_decode,
	        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
	        "<methodResponse><params><param><value>&xxe;</value></param></params>"
	        "</methodResponse>",
	        -EBADMSG);
	/* Without a DTD an unknown entity is not well-formed: libxml2 says so. */
	expect_bad(xapi_xml_decode,
	           "<methodResponse><params><param><value>&xxe;</value></param></params>"
	           "</methodResponse>",
	           -EBADMSG);
	expect_bad(xapi_xml_decode,
	           "<!DOCTYPE methodResponse SYSTEM \"http://192.0.2.1/x.dtd\"><methodResponse/>",
	           -EBADMSG);
}

static void
test_xml_errors_stay_off_stderr(void **state)
{
	/* Found by fuzz_xapi: iconv conversion errors, which libxml2 2.9
	 * prints to stderr whatever the parser options say. */
	static const char *const encodings[] = {"UCS-4", "UTF-32", "UTF-16LE", "ISO-2022-JP"};
	int fds[2], saved = dup(STDERR_FILENO);
	struct xapi_reply r;
	struct xapi_err err;
	char buf[256];
	int n;

	(void)state;
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	fflush(stderr);
	dup2(fds[1], STDERR_FILENO);
	for (unsigned i = 0; i < sizeof(encodings) / sizeof(encodings[0]); i++) {
		n = snprintf(buf, sizeof(buf),
		             "<?xml version=\"1.0\" encoding=\"%s\"?><methodResponse>",
		             encodings[i]);
		memcpy(buf + n, "\0\0\0\0\0\0\0\0xx", 10);
		assert_int_equal(xapi_xml_decode(buf, (size_t)n + 10, &r, &err), -EBADMSG);
		assert_non_null(strstr(err.text, "XML: "));
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fds[1]);
	n = (int)read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	if (n > 0)
		print_error("on stderr: %.*s\n", n, buf);
	assert_true(n <= 0);
}

static void
test_huge_refused(void **state)
{
	size_t len = 100u << 20;
	char *big = malloc(len + 1);
	struct xapi_reply r;
	struct xapi_err err;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	big[len] = '\0';
	assert_int_equal(xapi_xml_decode(big, len, &r, &err), -EMSGSIZE);
	assert_null(r.arena);
	assert_int_equal(xapi_json_decode(big, len, &r, &err), -EMSGSIZE);
	free(big);
}

static void
test_deep_nesting_refused(void **state)
{
	struct xapi_buf x = {0}, j = {0};

	(void)state;
	xapi_buf_adds(&x, "<methodResponse><params><param>");
	xapi_buf_adds(&j, "{\"result\":");
	for (int i = 0; i < 200; i++) {
		xapi_buf_adds(&x, "<value><array><data>");
		xapi_buf_adds(&j, "[");
	}
	for (int i = 0; i < 200; i++) {
		xapi_buf_adds(&x, "</data></array></value>");
		xapi_buf_adds(&j, "]");
	}
	xapi_buf_adds(&x, "</param></params></methodResponse>");
	xapi_buf_adds(&j, ",\"error\":null,\"id\":1}");
	expect_bad(xapi_xml_decode, x.p, -EBADMSG);
	expect_bad(xapi_json_decode, j.p, -EBADMSG);
	free(x.p);
	free(j.p);
}

/* ---- member URLs ------------------------------------------------------------------- */

static void
expect_url(const char *ref, const char *addr, const char *want)
{
	char out[CFG_URL_MAX];

	assert_int_equal(xapi_url_for_address(ref, addr, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void
test_url_for_address(void **state)
{
	char out[64];

	(void)state;
	expect_url("https://10.0.0.1", "10.0.0.2", "https://10.0.0.2");
	expect_url("https://10.0.0.1:8443/", "10.0.0.2", "https://10.0.0.2:8443");
	expect_url("https://pool1-host1.example:443/jsonrpc", "192.0.2.7", "https://192.0.2.7:443");
	expect_url("https://[2001:db8::1]:8443", "10.0.0.3", "https://10.0.0.3:8443");
	expect_url("https://10.0.0.1:8443", "2001:db8::7", "https://[2001:db8::7]:8443");
	expect_url("https://user@10.0.0.1:99", "10.0.0.2", "https://10.0.0.2:99");
	expect_url("http://127.0.0.1:40000", "127.0.0.3", "http://127.0.0.3:40000");
	assert_int_equal(xapi_url_for_address("https://a", "evil/path", out, sizeof(out)), -EINVAL);
	assert_int_equal(xapi_url_for_address("https://a", "x@y", out, sizeof(out)), -EINVAL);
	assert_int_equal(xapi_url_for_address("https://a", "", out, sizeof(out)), -EINVAL);
	assert_int_equal(xapi_url_for_address("10.0.0.1", "10.0.0.2", out, sizeof(out)), -EINVAL);
	assert_int_equal(xapi_url_for_address("https://a",
	                                      "a-very-long-host-name-that-does-not-fit"
	                                      ".example.org",
	                                      out, 16),
	                 -ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_json_encode_login),
	        cmocka_unit_test(test_json_encode_event_from),
	        cmocka_unit_test(test_xml_encode_event_from),
	        cmocka_unit_test(test_xml_encode_escapes),
	        cmocka_unit_test(test_json_v2_result),
	        cmocka_unit_test(test_json_errors),
	        cmocka_unit_test(test_json_v1_and_envelope_success),
	        cmocka_unit_test(test_json_malformed),
	        cmocka_unit_test(test_xml_xapi_values),
	        cmocka_unit_test(test_xml_whitespace_and_login),
	        cmocka_unit_test(test_xml_failure),
	        cmocka_unit_test(test_session_ref_never_in_text),
	        cmocka_unit_test(test_xml_fault_and_malformed),
	        cmocka_unit_test(test_xml_billion_laughs),
	        cmocka_unit_test(test_xml_external_entity),
	        cmocka_unit_test(test_xml_errors_stay_off_stderr),
	        cmocka_unit_test(test_huge_refused),
	        cmocka_unit_test(test_deep_nesting_refused),
	        cmocka_unit_test(test_url_for_address),
	};

	return cmocka_run_group_tests_name("xapi_codec", tests, NULL, NULL);
}
