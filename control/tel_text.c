/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel_text.c - text buffer, Prometheus text format writer and HTTP request
 * parser (see tel_text.h).
 *
 * The format is https://prometheus.io/docs/instrumenting/exposition_formats/
 * (text 0.0.4): "# HELP name text", "# TYPE name type", then samples
 * "name{label="value",...} value", one family's lines together.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tel_text.h"

static bool
buf_reserve(struct tel_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
tel_buf_init(struct tel_buf *b)
{
	*b = (struct tel_buf){0};
}

void
tel_buf_free(struct tel_buf *b)
{
	free(b->data);
	tel_buf_init(b);
}

void
tel_buf_add(struct tel_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
tel_buf_puts(struct tel_buf *b, const char *s)
{
	tel_buf_add(b, s, strlen(s));
}

void
tel_buf_printf(struct tel_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static bool
name_valid(const char *s, bool colon)
{
	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s != '\0'; s++) {
		char ch = *s;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || (colon && ch == ':')))
			return false;
	}
	return true;
}

bool
tel_prom_name_valid(const char *name)
{
	return name_valid(name, true);
}

bool
tel_prom_label_name_valid(const char *name)
{
	return name_valid(name, false) && strncmp(name, "__", 2) != 0;
}

/* Escape backslash and newline (HELP text), and double quote too (label
 * values); everything else, UTF-8 included, goes as is. */
static void
escape(struct tel_buf *b, const char *s, bool quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			tel_buf_add(b, "\\\\", 2);
		else if (*s == '\n')
			tel_buf_add(b, "\\n", 2);
		else if (quote && *s == '"')
			tel_buf_add(b, "\\\"", 2);
		else
			tel_buf_add(b, s, 1);
	}
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
tel_prom_family(struct tel_buf *b, const char *name, const char *type, const char *help)
{
	bool counter = strcmp(type, "counter") == 0;

	if (!tel_prom_name_valid(name) || (!counter && strcmp(type, "gauge") != 0) ||
	    counter != ends_with(name, "_total"))
		return -EINVAL;
	tel_buf_printf(b, "# HELP %s ", name);
	escape(b, help, false);
	tel_buf_printf(b, "\n# TYPE %s %s\n", name, type);
	return 0;
}

static int
sample_start(struct tel_buf *b, const char *name, const struct tel_label *labels, unsigned nb)
{
	if (!tel_prom_name_valid(name))
		return -EINVAL;
	for (unsigned i = 0; i < nb; i++)
		if (!tel_prom_label_name_valid(labels[i].name) || labels[i].value == NULL)
			return -EINVAL;
	tel_buf_puts(b, name);
	for (unsigned i = 0; i < nb; i++) {
		tel_buf_printf(b, "%s%s=\"", i == 0 ? "{" : ",", labels[i].name);
		escape(b, labels[i].value, true);
		tel_buf_add(b, "\"", 1);
	}
	if (nb > 0)
		tel_buf_add(b, "}", 1);
	return 0;
}

int
tel_prom_sample_u64(struct tel_buf *b, const char *name, const struct tel_label *labels,
                    unsigned nb_labels, uint64_t value)
{
	int r = sample_start(b, name, labels, nb_labels);

	if (r == 0)
		tel_buf_printf(b, " %" PRIu64 "\n", value);
	return r;
}

int
tel_prom_sample_f64(struct tel_buf *b, const char *name, const struct tel_label *labels,
                    unsigned nb_labels, double value)
{
	int r = sample_start(b, name, labels, nb_labels);

	if (r != 0)
		return r;
	if (isnan(value))
		tel_buf_puts(b, " NaN\n");
	else if (isinf(value))
		tel_buf_puts(b, value > 0 ? " +Inf\n" : " -Inf\n");
	else
		tel_buf_printf(b, " %.15g\n", value);
	return 0;
}

const char *
tel_http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Error";
	}
}

void
tel_http_response(struct tel_buf *out, int status, const char *content_type, const char *body,
                  size_t body_len, bool head_only)
{
	tel_buf_printf(out,
	               "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	               "Connection: close\r\n%s\r\n",
	               status, tel_http_reason(status), content_type, body_len,
	               status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (!head_only)
		tel_buf_add(out, body, body_len);
}

/* RFC 9110 token characters (methods, header names). */
static bool
is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/*
 * The line starting at @p s: its length without the line end (LF, or CR LF)
 * and *next past the end; -1 when no LF has arrived yet; -2 at a byte no
 * line may hold (controls other than tab, a CR not followed by LF), which
 * is refused at once even before the line is complete.
 */
static long
line_end(const char *s, size_t len, size_t *next)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n') {
			*next = i + 1;
			return (long)(i > 0 && s[i - 1] == '\r' ? i - 1 : i);
		}
		if (ch == '\r' && i + 1 < len && s[i + 1] != '\n')
			return -2;
		if (ch != '\r' && ch != '\t' && (ch < 0x20 || ch == 0x7f))
			return -2;
	}
	return -1;
}

/* "METHOD SP target SP HTTP/d.d": @return 200, 400, 405, 414 or 505. */
static int
request_line(const char *s, size_t n, struct tel_http_req *req)
{
	const char *sp1 = memchr(s, ' ', n), *target, *sp2, *v, *q;
	size_t tlen, mlen;

	if (sp1 == NULL || sp1 == s)
		return 400;
	mlen = (size_t)(sp1 - s);
	for (size_t i = 0; i < mlen; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 400;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', n - (size_t)(target - s));
	if (sp2 == NULL || sp2 == target)
		return 400;
	tlen = (size_t)(sp2 - target);
	for (size_t i = 0; i < tlen; i++)
		if ((unsigned char)target[i] <= 0x20 || target[i] == 0x7f)
			return 400;
	v = sp2 + 1;
	if (n - (size_t)(v - s) != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' ||
	    v[6] != '.' || v[7] < '0' || v[7] > '9')
		return 400;
	if (v[5] != '1')
		return 505;
	req->minor = (unsigned)(v[7] - '0');
	if (mlen == 4 && memcmp(s, "HEAD", 4) == 0)
		req->head = true;
	else if (mlen != 3 || memcmp(s, "GET", 3) != 0)
		return 405;
	/* absolute-form (RFC 9112 3.2.2): a server must accept it too */
	if (tlen > 7 && strncasecmp(target, "http://", 7) == 0) {
		const char *slash = memchr(target + 7, '/', tlen - 7);

		tlen = slash != NULL ? tlen - (size_t)(slash - target) : 1;
		target = slash != NULL ? slash : "/";
	}
	if (target[0] != '/')
		return 400;
	q = memchr(target, '?', tlen);
	if (q != NULL)
		tlen = (size_t)(q - target);
	if (tlen >= sizeof(req->path))
		return 414;
	memcpy(req->path, target, tlen);
	req->path[tlen] = '\0';
	return 200;
}

/* "name: value": @return 0, 1 for a Host header, or -1 if malformed
 * (obs-fold continuation lines included: RFC 9112 5.2 allows a 400). */
static int
header_line(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);

	if (colon == NULL || colon == s)
		return -1;
	for (const char *p = s; p < colon; p++)
		if (!is_tchar((unsigned char)*p))
			return -1;
	return colon - s == 4 && strncasecmp(s, "host", 4) == 0;
}

int
tel_http_parse(const char *buf, size_t len, struct tel_http_req *req)
{
	size_t off, next = 0;
	unsigned nb_host = 0;
	long n;
	int status;

	memset(req, 0, sizeof(*req));
	n = line_end(buf, VTEP_MIN(len, (size_t)TEL_HTTP_LINE_MAX), &next);
	if (n == -2)
		return 400;
	if (n == -1)
		return len >= TEL_HTTP_LINE_MAX ? 414 : 0;
	status = request_line(buf, (size_t)n, req);
	if (status != 200)
		return status;
	for (off = next;; off += next) {
		int h;

		n = line_end(buf + off, len - off, &next);
		if (n == -2)
			return 400;
		if (n == -1)
			return len > TEL_HTTP_HEAD_MAX ? 431 : 0;
		if (off + next > TEL_HTTP_HEAD_MAX)
			return 431;
		if (n == 0)
			break;
		h = header_line(buf + off, (size_t)n);
		if (h < 0)
			return 400;
		nb_host += (unsigned)h;
	}
	req->head_len = off + next;
	/* RFC 9112 3.2: exactly one Host in HTTP/1.1 */
	if (req->minor >= 1 && nb_host != 1)
		return 400;
	return 200;
}
