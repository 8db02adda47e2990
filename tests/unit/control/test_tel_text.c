/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_tel_text.c - the Prometheus text writer and the HTTP request parser
 * of the metrics endpoint (control/tel_text.c): pure functions, no EAL.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tel_text.h"

#define REQ_OK "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9469\r\nAccept: */*\r\n\r\n"

static void
test_family(void **state)
{
	struct tel_buf b;

	(void)state;
	tel_buf_init(&b);
	assert_int_equal(tel_prom_family(&b, "vtepd_drops_total", "counter",
	                                 "Drops \\ by reason\nsee \"docs\""),
	                 0);
	assert_string_equal(b.data, "# HELP vtepd_drops_total Drops \\\\ by reason\\nsee \"docs\"\n"
	                            "# TYPE vtepd_drops_total counter\n");
	tel_buf_free(&b);
}

static void
test_family_names(void **state)
{
	static const char *const bad[][2] = {
	        {"vtepd_drops", "counter"},       /* a counter without _total */
	        {"vtepd_entries_total", "gauge"}, /* _total on a gauge */
	        {"vtepd_x", "histogram"},         /* a type we do not write */
	        {"1vtepd", "gauge"},
	        {"vtepd-x", "gauge"},
	        {"", "gauge"},
	        {"vtepd x", "gauge"},
	};
	struct tel_buf b;

	(void)state;
	tel_buf_init(&b);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tel_prom_family(&b, bad[i][0], bad[i][1], "h"), -EINVAL);
		assert_int_equal(b.len, 0); /* nothing written */
	}
	assert_int_equal(tel_prom_family(&b, "vtepd:rule_x", "gauge", "h"), 0);
	assert_true(tel_prom_name_valid("_x:y_9"));
	assert_false(tel_prom_label_name_valid("__reserved"));
	assert_false(tel_prom_label_name_valid("a:b"));
	assert_true(tel_prom_label_name_valid("_a9"));
	tel_buf_free(&b);
}

static void
test_sample_escaping(void **state)
{
	struct tel_label l[] = {
	        {"port", "acc\"0\\x\ny"},
	        {"name", "caf\xc3\xa9 {a=b,c}"}, /* UTF-8 and braces pass as they are */
	};
	struct tel_buf b;

	(void)state;
	tel_buf_init(&b);
	assert_int_equal(tel_prom_sample_u64(&b, "vtepd_port_rx_packets_total", l, 2, 42), 0);
	assert_string_equal(b.data, "vtepd_port_rx_packets_total{port=\"acc\\\"0\\\\x\\ny\","
	                            "name=\"caf\xc3\xa9 {a=b,c}\"} 42\n");
	tel_buf_free(&b);
}

static void
test_sample_values(void **state)
{
	struct tel_label bad[] = {{"__name__", "x"}};
	struct tel_label nul[] = {{"port", NULL}};
	struct tel_buf b;

	(void)state;
	tel_buf_init(&b);
	assert_int_equal(tel_prom_sample_u64(&b, "vtepd_x", NULL, 0, UINT64_MAX), 0);
	assert_int_equal(tel_prom_sample_f64(&b, "vtepd_a", NULL, 0, NAN), 0);
	assert_int_equal(tel_prom_sample_f64(&b, "vtepd_b", NULL, 0, INFINITY), 0);
	assert_int_equal(tel_prom_sample_f64(&b, "vtepd_c", NULL, 0, -INFINITY), 0);
	assert_int_equal(tel_prom_sample_f64(&b, "vtepd_d", NULL, 0, 0.000123), 0);
	assert_int_equal(tel_prom_sample_f64(&b, "vtepd_e", NULL, 0, 86400.25), 0);
	assert_string_equal(b.data, "vtepd_x 18446744073709551615\nvtepd_a NaN\nvtepd_b +Inf\n"
	                            "vtepd_c -Inf\nvtepd_d 0.000123\nvtepd_e 86400.25\n");
	b.len = 0;
	assert_int_equal(tel_prom_sample_u64(&b, "vtepd_x", bad, 1, 1), -EINVAL);
	assert_int_equal(tel_prom_sample_u64(&b, "vtepd_x", nul, 1, 1), -EINVAL);
	assert_int_equal(tel_prom_sample_u64(&b, "vtepd-x", NULL, 0, 1), -EINVAL);
	assert_int_equal(b.len, 0);
	tel_buf_free(&b);
}

static void
test_buf_growth(void **state)
{
	struct tel_buf b;

	(void)state;
	tel_buf_init(&b);
	for (int i = 0; i < 10000; i++)
		tel_buf_printf(&b, "%05d\n", i);
	assert_false(b.failed);
	assert_int_equal(b.len, 60000);
	assert_memory_equal(b.data + 59994, "09999\n", 6);
	assert_int_equal(b.data[b.len], '\0');
	tel_buf_free(&b);
	assert_null(b.data);
}

static int
parse(const char *s, struct tel_http_req *r)
{
	return tel_http_parse(s, strlen(s), r);
}

static void
test_http_ok(void **state)
{
	struct tel_http_req r;

	(void)state;
	assert_int_equal(tel_http_parse(REQ_OK, strlen(REQ_OK), &r), 200);
	assert_string_equal(r.path, "/metrics");
	assert_int_equal(r.minor, 1);
	assert_false(r.head);
	assert_int_equal(r.head_len, strlen(REQ_OK));
	/* HTTP/1.0 needs no Host; bare LF line ends are tolerated */
	assert_int_equal(parse("HEAD /metrics?x=1&y HTTP/1.0\n\n", &r), 200);
	assert_true(r.head);
	assert_string_equal(r.path, "/metrics");
	assert_int_equal(r.head_len, 30);
	assert_int_equal(parse("GET http://h:9469/metrics HTTP/1.1\r\nHost: h\r\n\r\n", &r), 200);
	assert_string_equal(r.path, "/metrics");
	assert_int_equal(parse("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", &r), 200);
	assert_string_equal(r.path, "/");
}

/* Every prefix of a valid request is "more, please"; only the whole is 200. */
static void
test_http_partial(void **state)
{
	const char *req = REQ_OK;
	struct tel_http_req r;

	(void)state;
	for (size_t n = 0; n < strlen(req); n++)
		assert_int_equal(tel_http_parse(req, n, &r), 0);
	assert_int_equal(tel_http_parse(req, strlen(req), &r), 200);
	/* bytes after the head (a body, a pipelined request) do not matter */
	assert_int_equal(tel_http_parse(REQ_OK "GET /x", strlen(REQ_OK) + 6, &r), 200);
	assert_int_equal(r.head_len, strlen(REQ_OK));
}

static void
test_http_bad(void **state)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
	        {"POST /metrics HTTP/1.1\r\n", 405},               /* known at the request line */
	        {"get /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 405}, /* methods are case-sensitive */
	        {"DELETE / HTTP/1.1\r\n", 405},
	        {"GET /metrics HTTP/2.0\r\n", 505},
	        {"GET /metrics HTTP/0.9\r\n", 505},
	        {"GET /metrics HTTP/1.1\r\n\r\n", 400},                /* no Host */
	        {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400}, /* two */
	        {"GET /metrics\r\n", 400},
	        {"GET  /metrics HTTP/1.1\r\n", 400},
	        {"GET /metrics  HTTP/1.1\r\n", 400},
	        {" GET /metrics HTTP/1.1\r\n", 400},
	        {"\r\n", 400},
	        {"GET metrics HTTP/1.1\r\n", 400},
	        {"GET * HTTP/1.1\r\n", 400},
	        {"GET /metrics HTTP/1.1x\r\n", 400},
	        {"GET /met\trics HTTP/1.1\r\n", 400},
	        {"G(T /metrics HTTP/1.1\r\n", 400},
	        {"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n", 400},
	        {"GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n", 400},
	        {"GET /metrics HTTP/1.1\r\n: x\r\n\r\n", 400},
	        {"GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400},
	        {"GET /metrics HTTP/1.1\r\nHost: x\ry\r\n\r\n", 400},
	        {"\x16\x03\x01\x02\x00", 400}, /* TLS: refused before any line end */
	        {"GET /metrics HTTP/1.1\r\nX: \x01", 400},
	};
	static const char nul[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
	struct tel_http_req r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = parse(cases[i].req, &r);

		if (got != cases[i].status)
			fail_msg("case %zu %s: %d, not %d", i, cases[i].req, got, cases[i].status);
	}
	/* a NUL byte in a header */
	assert_int_equal(tel_http_parse(nul, sizeof(nul) - 1, &r), 400);
}

static void
test_http_sizes(void **state)
{
	static char buf[TEL_HTTP_HEAD_MAX * 2];
	struct tel_http_req r;
	size_t n;

	(void)state;
	/* a request line that never ends */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET /", 5);
	assert_int_equal(tel_http_parse(buf, TEL_HTTP_LINE_MAX - 1, &r), 0);
	assert_int_equal(tel_http_parse(buf, TEL_HTTP_LINE_MAX, &r), 414);
	/* a path longer than we keep */
	n = (size_t)snprintf(buf, sizeof(buf), "GET /%0*d HTTP/1.1\r\nHost: x\r\n\r\n",
	                     TEL_HTTP_PATH_MAX, 0);
	assert_int_equal(tel_http_parse(buf, n, &r), 414);
	n = (size_t)snprintf(buf, sizeof(buf), "GET /%0*d HTTP/1.1\r\nHost: x\r\n\r\n",
	                     TEL_HTTP_PATH_MAX - 2, 0);
	assert_int_equal(tel_http_parse(buf, n, &r), 200);
	assert_int_equal(strlen(r.path), TEL_HTTP_PATH_MAX - 1);
	/* headers beyond the cap, complete or not */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ");
	memset(buf + n, 'p', TEL_HTTP_HEAD_MAX);
	n += TEL_HTTP_HEAD_MAX;
	assert_int_equal(tel_http_parse(buf, n, &r), 431);
	memcpy(buf + n, "\r\n\r\n", 4);
	assert_int_equal(tel_http_parse(buf, n + 4, &r), 431);
	/* exactly at the cap is fine */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ");
	memset(buf + n, 'p', TEL_HTTP_HEAD_MAX - n - 4);
	memcpy(buf + TEL_HTTP_HEAD_MAX - 4, "\r\n\r\n", 4);
	assert_int_equal(tel_http_parse(buf, TEL_HTTP_HEAD_MAX, &r), 200);
	assert_int_equal(tel_http_parse(buf, TEL_HTTP_HEAD_MAX - 1, &r), 0);
}

static void
test_http_response(void **state)
{
	struct tel_buf b;

	(void)state;
	tel_buf_init(&b);
	tel_http_response(&b, 405, "text/plain", "no\n", 3, false);
	assert_string_equal(b.data,
	                    "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\n"
	                    "Content-Length: 3\r\nConnection: close\r\n"
	                    "Allow: GET, HEAD\r\n\r\nno\n");
	b.len = 0;
	tel_http_response(&b, 200, "text/plain; version=0.0.4", "x 1\n", 4, true);
	assert_string_equal(b.data, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
	                            "Content-Length: 4\r\nConnection: close\r\n\r\n");
	tel_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_family),          cmocka_unit_test(test_family_names),
	        cmocka_unit_test(test_sample_escaping), cmocka_unit_test(test_sample_values),
	        cmocka_unit_test(test_buf_growth),      cmocka_unit_test(test_http_ok),
	        cmocka_unit_test(test_http_partial),    cmocka_unit_test(test_http_bad),
	        cmocka_unit_test(test_http_sizes),      cmocka_unit_test(test_http_response),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
