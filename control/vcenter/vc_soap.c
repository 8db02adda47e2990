/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_soap.c - vim25 SOAP request builders.
 *
 * A real vCenter's SOAP parser rejects elements out of the WSDL sequence
 * order and unknown elements (InvalidRequest "Unexpected element tag"), so
 * every builder writes its elements exactly in the WSDL order and nothing
 * else; the envelope is byte for byte the one the captures in
 * tests/fixtures/vcenter/captures/ show, which the unit tests check. All
 * text is escaped: user names and passwords may hold '<', '&' or '"'.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vc_private.h"

#define ENVELOPE_HEAD                                                                              \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                             \
	"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "           \
	"xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "                                          \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
#define ENVELOPE_TAIL "</soapenv:Body></soapenv:Envelope>\n"

static const char *const vm_paths[] = {"name", "runtime.host", "runtime.powerState",
                                       "config.hardware.device", NULL};
static const char *const host_paths[] = {"name", "parent", NULL};
static const char *const name_path[] = {"name", NULL};
static const char *const dvpg_paths[] = {"name", "key", NULL};

/* Network covers standard portgroups (and, by inheritance, DVPGs: asking
 * DistributedVirtualPortgroup too adds its key). Only clusters are named:
 * a standalone host's ComputeResource is no cluster (docs/vcenter.md). */
const struct vc_prop_spec vc_watch_specs[] = {
        {"VirtualMachine", vm_paths},
        {"HostSystem", host_paths},
        {"Network", name_path},
        {"DistributedVirtualPortgroup", dvpg_paths},
        {"ClusterComputeResource", name_path},
};
const unsigned vc_nb_watch_specs = sizeof(vc_watch_specs) / sizeof(vc_watch_specs[0]);

const char *const vc_watch_types[] = {
        "VirtualMachine",         "HostSystem", "Network", "DistributedVirtualPortgroup",
        "ClusterComputeResource", NULL};

void
vc_buf_free(struct vc_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void
buf_add_n(struct vc_buf *b, const char *s, size_t n)
{
	if (b->err != 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
vc_buf_add(struct vc_buf *b, const char *s)
{
	buf_add_n(b, s, strlen(s));
}

void
vc_buf_add_text(struct vc_buf *b, const char *s)
{
	const char *run = s;

	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		const char *esc;

		switch (c) {
		case '&':
			esc = "&amp;";
			break;
		case '<':
			esc = "&lt;";
			break;
		case '>':
			esc = "&gt;";
			break;
		case '"':
			esc = "&quot;";
			break;
		case '\'':
			esc = "&apos;";
			break;
		case '\r':
			/* Raw CR would be normalised away by the server's parser. */
			esc = "&#13;";
			break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && b->err == 0)
				b->err = -EINVAL; /* not representable in XML 1.0 */
			continue;
		}
		buf_add_n(b, run, (size_t)(p - run));
		vc_buf_add(b, esc);
		run = p + 1;
	}
	vc_buf_add(b, run);
}

/* <tag type="T">value</tag> */
static void
add_moref(struct vc_buf *b, const char *tag, const struct vc_moref *r)
{
	vc_buf_add(b, "<");
	vc_buf_add(b, tag);
	vc_buf_add(b, " type=\"");
	vc_buf_add_text(b, r->type);
	vc_buf_add(b, "\">");
	vc_buf_add_text(b, r->value);
	vc_buf_add(b, "</");
	vc_buf_add(b, tag);
	vc_buf_add(b, ">");
}

/* <tag>text</tag> */
static void
add_elem(struct vc_buf *b, const char *tag, const char *text)
{
	vc_buf_add(b, "<");
	vc_buf_add(b, tag);
	vc_buf_add(b, ">");
	vc_buf_add_text(b, text);
	vc_buf_add(b, "</");
	vc_buf_add(b, tag);
	vc_buf_add(b, ">");
}

static void
add_uint(struct vc_buf *b, const char *tag, uint32_t v)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", v);
	add_elem(b, tag, num);
}

/* Start the envelope and the method element with its _this. */
static void
begin(struct vc_buf *b, const char *method, const struct vc_moref *this)
{
	b->len = 0;
	b->err = 0;
	vc_buf_add(b, ENVELOPE_HEAD "<");
	vc_buf_add(b, method);
	vc_buf_add(b, " xmlns=\"urn:vim25\">");
	add_moref(b, "_this", this);
}

static int
end(struct vc_buf *b, const char *method)
{
	vc_buf_add(b, "</");
	vc_buf_add(b, method);
	vc_buf_add(b, ">" ENVELOPE_TAIL);
	return b->err;
}

int
vc_soap_retrieve_service_content(struct vc_buf *b)
{
	static const struct vc_moref si = {"ServiceInstance", "ServiceInstance"};

	begin(b, "RetrieveServiceContent", &si);
	return end(b, "RetrieveServiceContent");
}

int
vc_soap_login(struct vc_buf *b, const struct vc_moref *session_mgr, const char *user,
              const char *password)
{
	begin(b, "Login", session_mgr);
	add_elem(b, "userName", user);
	add_elem(b, "password", password);
	return end(b, "Login");
}

int
vc_soap_logout(struct vc_buf *b, const struct vc_moref *session_mgr)
{
	begin(b, "Logout", session_mgr);
	return end(b, "Logout");
}

int
vc_soap_create_container_view(struct vc_buf *b, const struct vc_moref *view_mgr,
                              const struct vc_moref *container, const char *const *types,
                              bool recursive)
{
	begin(b, "CreateContainerView", view_mgr);
	add_moref(b, "container", container);
	for (const char *const *t = types; *t != NULL; t++)
		add_elem(b, "type", *t);
	add_elem(b, "recursive", recursive ? "true" : "false");
	return end(b, "CreateContainerView");
}

int
vc_soap_destroy_view(struct vc_buf *b, const struct vc_moref *view)
{
	begin(b, "DestroyView", view);
	return end(b, "DestroyView");
}

int
vc_soap_create_filter(struct vc_buf *b, const struct vc_moref *pc, const struct vc_prop_spec *specs,
                      unsigned nb_specs, const struct vc_moref *view, bool partial_updates)
{
	begin(b, "CreateFilter", pc);
	vc_buf_add(b, "<spec>");
	/* PropertyFilterSpec: propSet*, objectSet*. PropertySpec: type, all,
	 * pathSet*. ObjectSpec: obj, skip, selectSet*. TraversalSpec: name,
	 * type, path, skip (SelectionSpec.name comes first). */
	for (unsigned i = 0; i < nb_specs; i++) {
		vc_buf_add(b, "<propSet>");
		add_elem(b, "type", specs[i].type);
		add_elem(b, "all", "false");
		for (const char *const *p = specs[i].paths; *p != NULL; p++)
			add_elem(b, "pathSet", *p);
		vc_buf_add(b, "</propSet>");
	}
	vc_buf_add(b, "<objectSet>");
	add_moref(b, "obj", view);
	add_elem(b, "skip", "true");
	vc_buf_add(b, "<selectSet xsi:type=\"TraversalSpec\">");
	add_elem(b, "name", "traverseView");
	add_elem(b, "type", "ContainerView");
	add_elem(b, "path", "view");
	add_elem(b, "skip", "false");
	vc_buf_add(b, "</selectSet></objectSet></spec>");
	add_elem(b, "partialUpdates", partial_updates ? "true" : "false");
	return end(b, "CreateFilter");
}

int
vc_soap_destroy_filter(struct vc_buf *b, const struct vc_moref *filter)
{
	begin(b, "DestroyPropertyFilter", filter);
	return end(b, "DestroyPropertyFilter");
}

int
vc_soap_wait_for_updates_ex(struct vc_buf *b, const struct vc_moref *pc, const char *version,
                            uint32_t max_wait_s, uint32_t max_object_updates)
{
	begin(b, "WaitForUpdatesEx", pc);
	add_elem(b, "version", version);
	/* WaitOptions: maxWaitSeconds, maxObjectUpdates. */
	vc_buf_add(b, "<options>");
	add_uint(b, "maxWaitSeconds", max_wait_s);
	if (max_object_updates > 0)
		add_uint(b, "maxObjectUpdates", max_object_updates);
	vc_buf_add(b, "</options>");
	return end(b, "WaitForUpdatesEx");
}
