/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_xml.c - libxml2, hardened, for SOAP responses; namespace-aware
 * helpers; SOAP fault decoding.
 *
 * A SOAP response never needs a DTD, so a document that declares one is
 * refused outright, from inside the parser (SAX internalSubset hook) before
 * any entity declaration in it is even read: that closes billion laughs
 * and external entities whatever libxml2's own limits are. Entities are
 * never substituted (no XML_PARSE_NOENT), no DTD is loaded or defaulted
 * (no DTDLOAD/DTDATTR), no network is touched (NONET), and libxml2's
 * default depth and text-size limits stay on (no XML_PARSE_HUGE). CDATA
 * is merged into text (NOCDATA): a server may legally use it, and the
 * readers below only look at text.
 *
 * Names are matched by local name + namespace URI, never by prefix: the
 * simulator binds the XSI namespace to "XMLSchema-instance:", vCenter to
 * "xsi:", and the vim25 payload lives in a default namespace.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "common/compiler.h"
#include "vc_private.h"

struct dtd_guard {
	xmlParserCtxtPtr ctxt;
	bool seen;
};

static void
refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *ext_id, const xmlChar *sys_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)ext_id;
	(void)sys_id;
	((struct dtd_guard *)ctxt->_private)->seen = true;
	xmlStopParser(ctxt);
}

static void
refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
              const xmlChar *system_id, xmlChar *content)
{
	(void)name;
	(void)type;
	(void)content;
	refuse_dtd(ctx, NULL, public_id, system_id);
}

VTEP_PRINTF(2, 3)
static void
quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

int
vc_xml_read(const char *buf, size_t len, size_t max_len, xmlDoc **doc, char *err, size_t err_size)
{
	const int opts =
	        XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	struct dtd_guard guard = {0};
	xmlParserCtxtPtr ctxt;

	*doc = NULL;
	if (max_len == 0 || max_len > INT_MAX)
		max_len = VC_XML_MAX_DEFAULT;
	if (len > max_len) {
		snprintf(err, err_size, "response of %zu bytes is over the %zu-byte limit", len,
		         max_len);
		return -EMSGSIZE;
	}
	if (buf == NULL || len == 0) {
		snprintf(err, err_size, "empty response");
		return -EBADMSG;
	}
	/* Encoding-layer errors bypass XML_PARSE_NOERROR and would print a
	 * hostile server's garbage to stderr; the reason is reported below.
	 * The handler is per thread in libxml2. */
	xmlSetGenericErrorFunc(NULL, quiet);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	guard.ctxt = ctxt;
	ctxt->_private = &guard;
	ctxt->sax->internalSubset = refuse_dtd;
	ctxt->sax->externalSubset = refuse_dtd;
	ctxt->sax->entityDecl = refuse_entity;
	*doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL, opts);
	if (guard.seen) {
		snprintf(err, err_size, "document with a DOCTYPE or entity declaration refused");
	} else if (*doc == NULL || !ctxt->wellFormed) {
		const char *m = ctxt->lastError.message;
		size_t n = m ? strcspn(m, "\n") : 0;

		snprintf(err, err_size, "not well-formed XML (line %d): %.*s", ctxt->lastError.line,
		         (int)n, m ? m : "parse error");
	} else {
		xmlFreeParserCtxt(ctxt);
		return 0;
	}
	xmlFreeDoc(*doc);
	*doc = NULL;
	xmlFreeParserCtxt(ctxt);
	return -EBADMSG;
}

bool
vc_xml_is(const xmlNode *n, const char *ns, const char *local)
{
	if (n == NULL || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, local) != 0)
		return false;
	if (ns == NULL)
		return n->ns == NULL || n->ns->href == NULL || n->ns->href[0] == '\0';
	return n->ns != NULL && n->ns->href != NULL && strcmp((const char *)n->ns->href, ns) == 0;
}

xmlNode *
vc_xml_next(const xmlNode *n, const char *ns, const char *local)
{
	for (xmlNode *c = n ? n->next : NULL; c != NULL; c = c->next)
		if (vc_xml_is(c, ns, local))
			return c;
	return NULL;
}

xmlNode *
vc_xml_child(const xmlNode *n, const char *ns, const char *local)
{
	for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
		if (vc_xml_is(c, ns, local))
			return c;
	return NULL;
}

int
vc_xml_text(const xmlNode *n, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next) {
		size_t l;

		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			continue;
		l = strlen((const char *)c->content);
		if (len + l >= size) {
			buf[0] = '\0';
			return -ENAMETOOLONG;
		}
		memcpy(buf + len, c->content, l);
		len += l;
		buf[len] = '\0';
	}
	return 0;
}

void
vc_xml_xsi_type(const xmlNode *n, char *buf, size_t size)
{
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"type", (const xmlChar *)VC_NS_XSI);
	const char *s, *colon;

	buf[0] = '\0';
	if (v == NULL)
		return;
	s = (const char *)v;
	colon = strrchr(s, ':');
	snprintf(buf, size, "%s", colon ? colon + 1 : s);
	xmlFree(v);
}

int
vc_xml_moref(const xmlNode *n, struct vc_moref *ref)
{
	/* The MoRef's own "type" is a plain attribute, not xsi:type. */
	xmlChar *t = xmlGetNoNsProp(n, (const xmlChar *)"type");
	int r = 0;

	memset(ref, 0, sizeof(*ref));
	if (t == NULL ||
	    (size_t)snprintf(ref->type, sizeof(ref->type), "%s", (char *)t) >= sizeof(ref->type))
		r = -EPROTO;
	xmlFree(t);
	if (r == 0 && (vc_xml_text(n, ref->value, sizeof(ref->value)) < 0 || ref->value[0] == '\0'))
		r = -EPROTO;
	return r;
}

xmlNode *
vc_xml_body(xmlDoc *doc)
{
	xmlNode *env = xmlDocGetRootElement(doc);

	if (!vc_xml_is(env, VC_NS_SOAPENV, "Envelope"))
		return NULL;
	return vc_xml_child(env, VC_NS_SOAPENV, "Body");
}

static const struct {
	const char *name;
	enum vc_fault_kind kind;
	int err;
} faults[] = {
        {"", VC_FAULT_NONE, 0},
        {"NotAuthenticated", VC_FAULT_NOT_AUTHENTICATED, -EKEYEXPIRED},
        {"InvalidLogin", VC_FAULT_INVALID_LOGIN, -EACCES},
        {"InvalidArgument", VC_FAULT_INVALID_ARGUMENT, -EINVAL},
        {"InvalidRequest", VC_FAULT_INVALID_REQUEST, -EINVAL},
        {"ManagedObjectNotFound", VC_FAULT_MANAGED_OBJECT_NOT_FOUND, -ENOENT},
        {"RequestCanceled", VC_FAULT_REQUEST_CANCELED, -EINTR},
        {"InvalidCollectorVersion", VC_FAULT_INVALID_COLLECTOR_VERSION, -ESTALE},
        {"NoPermission", VC_FAULT_NO_PERMISSION, -EPERM},
        {"other", VC_FAULT_OTHER, -EREMOTEIO},
};

int
vc_fault_errno(enum vc_fault_kind k)
{
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (faults[i].kind == k)
			return faults[i].err;
	return -EREMOTEIO;
}

const char *
vc_fault_kind_name(enum vc_fault_kind k)
{
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (faults[i].kind == k)
			return faults[i].name;
	return "other";
}

/* The fault's name: the detail element's xsi:type, else its name without
 * the "Fault" suffix (<NotAuthenticatedFault xsi:type="NotAuthenticated">). */
static void
fault_name(const xmlNode *detail, char *buf, size_t size)
{
	const xmlNode *d = detail ? detail->children : NULL;
	size_t l;

	while (d != NULL && d->type != XML_ELEMENT_NODE)
		d = d->next;
	buf[0] = '\0';
	if (d == NULL)
		return;
	vc_xml_xsi_type(d, buf, size);
	if (buf[0] != '\0')
		return;
	snprintf(buf, size, "%s", (const char *)d->name);
	l = strlen(buf);
	if (l > 5 && strcmp(buf + l - 5, "Fault") == 0)
		buf[l - 5] = '\0';
}

int
vc_fault_parse(xmlDoc *doc, struct vc_fault *f)
{
	xmlNode *fault = vc_xml_child(vc_xml_body(doc), VC_NS_SOAPENV, "Fault");

	memset(f, 0, sizeof(*f));
	if (fault == NULL)
		return -ENOENT;
	/* SOAP 1.1: faultcode, faultstring and detail are unqualified. */
	if (vc_xml_text(vc_xml_child(fault, NULL, "faultstring"), f->msg, sizeof(f->msg)) < 0)
		snprintf(f->msg, sizeof(f->msg), "(faultstring too long)");
	fault_name(vc_xml_child(fault, NULL, "detail"), f->name, sizeof(f->name));
	if (f->name[0] == '\0')
		vc_xml_text(vc_xml_child(fault, NULL, "faultcode"), f->name, sizeof(f->name));
	f->kind = VC_FAULT_OTHER;
	for (size_t i = 1; i < sizeof(faults) / sizeof(faults[0]) - 1; i++)
		if (strcmp(f->name, faults[i].name) == 0)
			f->kind = faults[i].kind;
	return 0;
}
