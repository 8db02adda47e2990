/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_xml.c - XML-RPC requests and responses (libxml2), for hosts that
 * predate JSON-RPC.
 *
 * What xapi puts on the wire is plainer than the XML-RPC spec: strings are
 * bare (<value>Running</value>), 64-bit ints are bare decimal strings
 * (<value>2</value>), valid_ref_counts are <i4>, booleans <boolean>1</...>,
 * floats <double>, and every result sits in a {Status, Value} or {Status,
 * ErrorDescription} struct. We decode all of it, and the typed forms of
 * other servers (<string>, <int>, <i8>, <dateTime.iso8601>, <nil/>).
 *
 * The parser never loads a DTD, never substitutes entities and never
 * touches the network; a response with any markup declaration (<!DOCTYPE,
 * <!ENTITY, ...) is refused before libxml2 sees it: XML-RPC has none, and
 * that closes billion-laughs and external-entity attacks for certain.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "xapi_private.h"

/* ---- encoding --------------------------------------------------------- */

static int
add_text(struct xapi_buf *b, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '\r')
			rep = "&#13;"; /* a raw CR would be read back as LF */
		else if (c < 0x20 && c != '\t' && c != '\n')
			return -EINVAL; /* not representable in XML 1.0 */
		if (rep == NULL)
			continue;
		xapi_buf_add(b, s + start, i - start);
		xapi_buf_adds(b, rep);
		start = i + 1;
	}
	xapi_buf_add(b, s + start, len - start);
	return 0;
}

static int
add_double(struct xapi_buf *b, double d)
{
	char tmp[40];

	if (d != d || d > 1.7976931348623157e308 || d < -1.7976931348623157e308)
		return -EINVAL;
	/* The shortest form that reads back to the same double. */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	xapi_buf_adds(b, tmp);
	return 0;
}

static int
add_value(struct xapi_buf *b, const struct xapi_value *v, int depth)
{
	char tmp[32];
	int r = 0;

	if (depth > XAPI_MAX_DEPTH)
		return -EINVAL;
	xapi_buf_adds(b, "<value>");
	switch (v->type) {
	case XAPI_NIL:
		xapi_buf_adds(b, "<nil/>");
		break;
	case XAPI_STRING:
		xapi_buf_adds(b, "<string>");
		r = add_text(b, v->u.s, v->nb);
		xapi_buf_adds(b, "</string>");
		break;
	case XAPI_INT: /* XenAPI ints travel as decimal strings */
		snprintf(tmp, sizeof(tmp), "%lld", (long long)v->u.i);
		xapi_buf_adds(b, tmp);
		break;
	case XAPI_BOOL:
		xapi_buf_adds(b, v->u.b ? "<boolean>1</boolean>" : "<boolean>0</boolean>");
		break;
	case XAPI_DOUBLE:
		xapi_buf_adds(b, "<double>");
		r = add_double(b, v->u.d);
		xapi_buf_adds(b, "</double>");
		break;
	case XAPI_DATETIME:
		xapi_buf_adds(b, "<dateTime.iso8601>");
		r = add_text(b, v->u.s, v->nb);
		xapi_buf_adds(b, "</dateTime.iso8601>");
		break;
	case XAPI_ARRAY:
		xapi_buf_adds(b, "<array><data>");
		for (uint32_t i = 0; r == 0 && i < v->nb; i++)
			r = add_value(b, &v->u.items[i], depth + 1);
		xapi_buf_adds(b, "</data></array>");
		break;
	case XAPI_STRUCT:
		xapi_buf_adds(b, "<struct>");
		for (uint32_t i = 0; r == 0 && i < v->nb; i++) {
			xapi_buf_adds(b, "<member><name>");
			r = add_text(b, v->u.members[i].name, strlen(v->u.members[i].name));
			xapi_buf_adds(b, "</name>");
			if (r == 0)
				r = add_value(b, &v->u.members[i].v, depth + 1);
			xapi_buf_adds(b, "</member>");
		}
		xapi_buf_adds(b, "</struct>");
		break;
	}
	xapi_buf_adds(b, "</value>");
	return r;
}

int
xapi_xml_encode(const char *method, const struct xapi_value *params, unsigned nb_params,
                char **body, size_t *len)
{
	struct xapi_buf b = {0};
	int r;

	*body = NULL;
	xapi_buf_adds(&b, "<?xml version=\"1.0\"?><methodCall><methodName>");
	r = add_text(&b, method, strlen(method));
	xapi_buf_adds(&b, "</methodName><params>");
	for (unsigned i = 0; r == 0 && i < nb_params; i++) {
		xapi_buf_adds(&b, "<param>");
		r = add_value(&b, &params[i], 0);
		xapi_buf_adds(&b, "</param>");
	}
	xapi_buf_adds(&b, "</params></methodCall>");
	if (r == 0 && b.oom)
		r = -ENOMEM;
	if (r < 0) {
		free(b.p);
		return r;
	}
	*body = b.p;
	*len = b.len;
	return 0;
}

/* ---- decoding --------------------------------------------------------- */

static bool
is_elem(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* First element child, skipping text and comments. */
static xmlNode *
first_elem(const xmlNode *n)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

static xmlNode *
next_elem(const xmlNode *n)
{
	for (xmlNode *c = n->next; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

/* The text of an element: its text and CDATA children, concatenated. */
static char *
text_of(struct xapi_arena *a, const xmlNode *n, uint32_t *len_out)
{
	size_t len = 0;
	char *s, *p;

	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL)
			len += strlen((const char *)c->content);
	if (len > UINT32_MAX)
		return NULL;
	s = p = xapi_arena_alloc(a, len + 1);
	if (s == NULL)
		return NULL;
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL) {
			size_t l = strlen((const char *)c->content);

			memcpy(p, c->content, l);
			p += l;
		}
	*p = '\0';
	if (len_out != NULL)
		*len_out = (uint32_t)len;
	return s;
}

/* True when @p n has text that is not blank between its elements. */
static bool
has_text(const xmlNode *n)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		const char *s = (const char *)c->content;

		if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || s == NULL)
			continue;
		if (s[strspn(s, " \t\r\n")] != '\0')
			return true;
	}
	return false;
}

static int value_of(struct xapi_arena *a, const xmlNode *vn, struct xapi_value *out, int depth,
                    struct xapi_err *err);

static uint32_t
count_elems(const xmlNode *n, const char *name)
{
	uint32_t nb = 0;

	for (xmlNode *c = first_elem(n); c != NULL; c = next_elem(c))
		nb += is_elem(c, name);
	return nb;
}

static int
array_of(struct xapi_arena *a, const xmlNode *arr, struct xapi_value *out, int depth,
         struct xapi_err *err)
{
	xmlNode *data = first_elem(arr);
	struct xapi_value *items;
	uint32_t nb, i = 0;

	if (!is_elem(data, "data")) {
		xapi_err_set(err, "XML-RPC <array> without <data>");
		return -EBADMSG;
	}
	nb = count_elems(data, "value");
	items = xapi_arena_alloc(a, (size_t)nb * sizeof(*items) + 1);
	if (items == NULL)
		return -ENOMEM;
	for (xmlNode *c = first_elem(data); c != NULL; c = next_elem(c)) {
		int r;

		if (!is_elem(c, "value")) {
			xapi_err_set(err, "XML-RPC <data> holds a <%s>", (const char *)c->name);
			return -EBADMSG;
		}
		r = value_of(a, c, &items[i++], depth + 1, err);
		if (r < 0)
			return r;
	}
	*out = (struct xapi_value){.type = XAPI_ARRAY, .nb = nb, .u.items = items};
	return 0;
}

static int
struct_of(struct xapi_arena *a, const xmlNode *st, struct xapi_value *out, int depth,
          struct xapi_err *err)
{
	uint32_t nb = count_elems(st, "member"), i = 0;
	struct xapi_member *m = xapi_arena_alloc(a, (size_t)nb * sizeof(*m) + 1);

	if (m == NULL)
		return -ENOMEM;
	for (xmlNode *c = first_elem(st); c != NULL; c = next_elem(c)) {
		xmlNode *name = first_elem(c), *val = name ? next_elem(name) : NULL;
		int r;

		if (!is_elem(c, "member") || !is_elem(name, "name") || !is_elem(val, "value")) {
			xapi_err_set(err, "XML-RPC <struct> member is not <name> then <value>");
			return -EBADMSG;
		}
		m[i].name = text_of(a, name, NULL);
		if (m[i].name == NULL)
			return -ENOMEM;
		r = value_of(a, val, &m[i++].v, depth + 1, err);
		if (r < 0)
			return r;
	}
	*out = (struct xapi_value){.type = XAPI_STRUCT, .nb = nb, .u.members = m};
	return 0;
}

static int
scalar_of(const char *tag, const char *s, struct xapi_value *out, struct xapi_err *err)
{
	struct xapi_value str = xapi_str(s);
	char *end;

	if (strcmp(tag, "i4") == 0 || strcmp(tag, "int") == 0 || strcmp(tag, "i8") == 0) {
		out->type = XAPI_INT;
		if (xapi_value_int(&str, &out->u.i) < 0 ||
		    (tag[1] != '8' && (out->u.i < INT32_MIN || out->u.i > INT32_MAX))) {
			xapi_err_set(err, "XML-RPC <%s> is not a number in range", tag);
			return -EBADMSG;
		}
		return 0;
	}
	if (strcmp(tag, "boolean") == 0) {
		out->type = XAPI_BOOL;
		out->u.b = strcmp(s, "1") == 0 || strcmp(s, "true") == 0;
		if (!out->u.b && strcmp(s, "0") != 0 && strcmp(s, "false") != 0) {
			xapi_err_set(err, "XML-RPC <boolean> is neither 0 nor 1");
			return -EBADMSG;
		}
		return 0;
	}
	if (strcmp(tag, "double") == 0) {
		out->type = XAPI_DOUBLE;
		out->u.d = strtod(s, &end);
		if (end == s || *end != '\0') {
			xapi_err_set(err, "XML-RPC <double> is not a number");
			return -EBADMSG;
		}
		return 0;
	}
	xapi_err_set(err, "XML-RPC value of unknown type <%.32s>", tag);
	return -EBADMSG;
}

static int
value_of(struct xapi_arena *a, const xmlNode *vn, struct xapi_value *out, int depth,
         struct xapi_err *err)
{
	xmlNode *t = first_elem(vn);
	const char *tag;
	uint32_t len;
	char *s;

	if (depth > XAPI_MAX_DEPTH) {
		xapi_err_set(err, "XML-RPC value nested deeper than %d", XAPI_MAX_DEPTH);
		return -EBADMSG;
	}
	if (t != NULL && (next_elem(t) != NULL || has_text(vn))) {
		xapi_err_set(err, "XML-RPC <value> holds more than one value");
		return -EBADMSG;
	}
	tag = t != NULL ? (const char *)t->name : "string";
	if (strcmp(tag, "array") == 0)
		return array_of(a, t, out, depth, err);
	if (strcmp(tag, "struct") == 0)
		return struct_of(a, t, out, depth, err);
	/* <value>text</value> is a string: that is how xapi sends them. */
	s = text_of(a, t != NULL ? t : vn, &len);
	if (s == NULL)
		return -ENOMEM;
	if (strcmp(tag, "string") == 0 || strcmp(tag, "base64") == 0) {
		*out = (struct xapi_value){.type = XAPI_STRING, .nb = len, .u.s = s};
		return 0;
	}
	if (strcmp(tag, "dateTime.iso8601") == 0) {
		*out = (struct xapi_value){.type = XAPI_DATETIME, .nb = len, .u.s = s};
		return 0;
	}
	if (strcmp(tag, "nil") == 0) {
		*out = (struct xapi_value){.type = XAPI_NIL};
		return 0;
	}
	return scalar_of(tag, s, out, err);
}

/* Any "<!" other than a comment or CDATA is a markup declaration. */
static bool
has_markup_decl(const char *body, size_t len)
{
	const char *p = body, *end = body + len;

	while ((p = memmem(p, (size_t)(end - p), "<!", 2)) != NULL) {
		size_t left = (size_t)(end - p);

		if (!(left >= 4 && memcmp(p, "<!--", 4) == 0) &&
		    !(left >= 9 && memcmp(p, "<![CDATA[", 9) == 0))
			return true;
		p += 2;
	}
	return false;
}

static int
fault_of(struct xapi_arena *a, const xmlNode *fault, struct xapi_err *err)
{
	xmlNode *vn = first_elem(fault);
	struct xapi_value v;
	int64_t code = 0;
	int r;

	if (!is_elem(vn, "value")) {
		xapi_err_set(err, "XML-RPC <fault> without a value");
		return -EBADMSG;
	}
	r = value_of(a, vn, &v, 0, err);
	if (r < 0)
		return r;
	xapi_get_int(&v, "faultCode", &code);
	xapi_err_set(err, "XML-RPC fault %lld: %.200s", (long long)code,
	             xapi_get_str(&v, "faultString"));
	return -EBADMSG;
}

static int
decode_doc(struct xapi_arena *a, const xmlDoc *doc, struct xapi_reply *reply, struct xapi_err *err)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n;
	struct xapi_value *v;
	int r;

	if (!is_elem(root, "methodResponse")) {
		xapi_err_set(err, "XML-RPC: the root element is not <methodResponse>");
		return -EBADMSG;
	}
	n = first_elem(root);
	if (is_elem(n, "fault"))
		return fault_of(a, n, err);
	if (!is_elem(n, "params") || !is_elem((n = first_elem(n)), "param") ||
	    !is_elem((n = first_elem(n)), "value")) {
		xapi_err_set(err, "XML-RPC: no <params><param><value> in the response");
		return -EBADMSG;
	}
	v = xapi_arena_alloc(a, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	r = value_of(a, n, v, 0, err);
	if (r < 0)
		return r;
	return xapi_unwrap(v, &reply->value, err);
}

/* libxml2 reports some errors (character encoding conversion) through its
 * generic handler even with XML_PARSE_NOERROR, straight to stderr. What a
 * server sends must not write to our stderr: the error we log is the one
 * xmlGetLastError() keeps. */
static void
xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int
xapi_xml_decode(const char *body, size_t len, struct xapi_reply *reply, struct xapi_err *err)
{
	const xmlError *xe;
	xmlDoc *doc;
	int r;

	memset(reply, 0, sizeof(*reply));
	if (len > XAPI_MAX_RESPONSE || len > INT_MAX) {
		xapi_err_set(err, "response of %zu bytes refused (limit %u)", len,
		             XAPI_MAX_RESPONSE);
		return -EMSGSIZE;
	}
	if (has_markup_decl(body, len)) {
		xapi_err_set(err, "XML: DOCTYPE or entity declarations refused");
		return -EBADMSG;
	}
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, xml_quiet); /* per thread in libxml2 */
	doc = xmlReadMemory(body, (int)len, NULL, NULL,
	                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		xe = xmlGetLastError();
		xapi_err_set(err, "XML: %.*s at line %d",
		             xe && xe->message ? (int)strcspn(xe->message, "\n") : 11,
		             xe && xe->message ? xe->message : "parse error", xe ? xe->line : 0);
		return -EBADMSG;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		xapi_err_set(err, "XML: DOCTYPE refused");
		return -EBADMSG;
	}
	reply->arena = xapi_arena_create();
	r = reply->arena == NULL ? -ENOMEM : decode_doc(reply->arena, doc, reply, err);
	xmlFreeDoc(doc);
	if (r < 0) {
		if (r == -ENOMEM)
			xapi_err_set(err, "out of memory decoding the response");
		xapi_reply_free(reply);
	}
	return r;
}
