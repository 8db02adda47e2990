/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_parse.c - vim25 responses: ServiceContent, UserSession, moref
 * returns, and the PropertyCollector's UpdateSet.
 *
 * Only what vtepd watches is kept; anything else (properties, device
 * types, elements added by later API versions) is skipped, so a newer
 * vCenter never breaks the parser. Values that do not fit their buffers
 * are dropped with the property (logged by the caller as a protocol
 * oddity), never truncated into a wrong name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/netaddr.h"
#include "vc_private.h"

xmlNode *
vc_parse_response(xmlDoc *doc, const char *method)
{
	char name[96];

	snprintf(name, sizeof(name), "%sResponse", method);
	return vc_xml_child(vc_xml_body(doc), VC_NS_VIM25, name);
}

static int
moref_child(const xmlNode *n, const char *local, struct vc_moref *ref)
{
	return vc_xml_moref(vc_xml_child(n, VC_NS_VIM25, local), ref);
}

int
vc_parse_service_content(xmlDoc *doc, struct vc_service_content *sc)
{
	xmlNode *rv = vc_xml_child(vc_parse_response(doc, "RetrieveServiceContent"), VC_NS_VIM25,
	                           "returnval");
	xmlNode *about = vc_xml_child(rv, VC_NS_VIM25, "about");

	memset(sc, 0, sizeof(*sc));
	if (rv == NULL || about == NULL)
		return -EPROTO;
	if (moref_child(rv, "rootFolder", &sc->root_folder) < 0 ||
	    moref_child(rv, "propertyCollector", &sc->property_collector) < 0 ||
	    moref_child(rv, "viewManager", &sc->view_manager) < 0 ||
	    moref_child(rv, "sessionManager", &sc->session_manager) < 0)
		return -EPROTO;
	if (vc_xml_text(vc_xml_child(about, VC_NS_VIM25, "apiVersion"), sc->api_version,
	                sizeof(sc->api_version)) < 0 ||
	    sc->api_version[0] == '\0')
		return -EPROTO;
	vc_xml_text(vc_xml_child(about, VC_NS_VIM25, "apiType"), sc->api_type,
	            sizeof(sc->api_type));
	vc_xml_text(vc_xml_child(about, VC_NS_VIM25, "fullName"), sc->full_name,
	            sizeof(sc->full_name));
	return 0;
}

int
vc_parse_login(xmlDoc *doc, char *user, size_t user_size)
{
	xmlNode *rv = vc_xml_child(vc_parse_response(doc, "Login"), VC_NS_VIM25, "returnval");

	if (rv == NULL)
		return -EPROTO;
	vc_xml_text(vc_xml_child(rv, VC_NS_VIM25, "userName"), user, user_size);
	return 0;
}

int
vc_parse_moref_return(xmlDoc *doc, const char *method, struct vc_moref *ref)
{
	return vc_xml_moref(vc_xml_child(vc_parse_response(doc, method), VC_NS_VIM25, "returnval"),
	                    ref) < 0
	               ? -EPROTO
	               : 0;
}

static enum vc_prop
prop_of(const char *name)
{
	static const struct {
		const char *name;
		enum vc_prop prop;
	} props[] = {
	        {"name", VC_PROP_NAME},
	        {"key", VC_PROP_KEY},
	        {"runtime.host", VC_PROP_RUNTIME_HOST},
	        {"runtime.powerState", VC_PROP_POWER},
	        {"config.hardware.device", VC_PROP_DEVICES},
	        {"parent", VC_PROP_PARENT},
	};

	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (strcmp(name, props[i].name) == 0)
			return props[i].prop;
	return VC_PROP_OTHER;
}

static void
nic_backing(const xmlNode *backing, struct vc_nic *nic)
{
	char type[VC_TYPE_MAX];

	vc_xml_xsi_type(backing, type, sizeof(type));
	if (strcmp(type, "VirtualEthernetCardNetworkBackingInfo") == 0) {
		nic->backing = VC_BACKING_NETWORK;
		if (vc_xml_text(vc_xml_child(backing, VC_NS_VIM25, "deviceName"), nic->network,
		                sizeof(nic->network)) < 0 ||
		    vc_xml_text(vc_xml_child(backing, VC_NS_VIM25, "network"), nic->net_ref,
		                sizeof(nic->net_ref)) < 0)
			nic->backing = VC_BACKING_NONE;
	} else if (strcmp(type, "VirtualEthernetCardDistributedVirtualPortBackingInfo") == 0) {
		xmlNode *port = vc_xml_child(backing, VC_NS_VIM25, "port");

		nic->backing = VC_BACKING_DVPORT;
		if (vc_xml_text(vc_xml_child(port, VC_NS_VIM25, "portgroupKey"), nic->network,
		                sizeof(nic->network)) < 0)
			nic->backing = VC_BACKING_NONE;
	} else if (backing != NULL) {
		nic->backing = VC_BACKING_OTHER;
	}
}

/* A VirtualDevice is a NIC when it has a macAddress (every
 * VirtualEthernetCard subtype does, whatever its xsi:type). */
static bool
parse_nic(const xmlNode *dev, struct vc_nic *nic)
{
	xmlNode *mac = vc_xml_child(dev, VC_NS_VIM25, "macAddress");
	xmlNode *conn = vc_xml_child(vc_xml_child(dev, VC_NS_VIM25, "connectable"), VC_NS_VIM25,
	                             "connected");
	char text[32];
	char *end;
	long key;

	memset(nic, 0, sizeof(*nic));
	if (mac == NULL || vc_xml_text(mac, text, sizeof(text)) < 0 ||
	    netaddr_mac_parse(text, nic->mac) < 0)
		return false;
	if (vc_xml_text(vc_xml_child(dev, VC_NS_VIM25, "key"), text, sizeof(text)) < 0)
		return false;
	key = strtol(text, &end, 10);
	if (end == text || *end != '\0' || key < INT32_MIN || key > INT32_MAX)
		return false;
	nic->key = (int32_t)key;
	/* No connectable: a device that cannot be disconnected. */
	nic->connected = true;
	if (conn != NULL) {
		vc_xml_text(conn, text, sizeof(text));
		nic->connected = strcmp(text, "true") == 0 || strcmp(text, "1") == 0;
	}
	nic_backing(vc_xml_child(dev, VC_NS_VIM25, "backing"), nic);
	return true;
}

static int
parse_devices(const xmlNode *val, struct vc_change *ch)
{
	unsigned n = 0, i = 0;

	for (xmlNode *d = vc_xml_child(val, VC_NS_VIM25, "VirtualDevice"); d != NULL;
	     d = vc_xml_next(d, VC_NS_VIM25, "VirtualDevice"))
		if (vc_xml_child(d, VC_NS_VIM25, "macAddress") != NULL)
			n++;
	if (n == 0)
		return 0;
	ch->nics = calloc(n, sizeof(*ch->nics));
	if (ch->nics == NULL)
		return -ENOMEM;
	for (xmlNode *d = vc_xml_child(val, VC_NS_VIM25, "VirtualDevice"); d != NULL && i < n;
	     d = vc_xml_next(d, VC_NS_VIM25, "VirtualDevice"))
		if (parse_nic(d, &ch->nics[i]))
			i++;
	ch->nb_nics = i;
	return 0;
}

/* One PropertyChange. @return 0, 1 = skip it, -ENOMEM. */
static int
parse_change(const xmlNode *cs, struct vc_change *ch)
{
	xmlNode *val = vc_xml_child(cs, VC_NS_VIM25, "val");
	char name[64], op[32];

	memset(ch, 0, sizeof(*ch));
	if (vc_xml_text(vc_xml_child(cs, VC_NS_VIM25, "name"), name, sizeof(name)) < 0)
		return 1;
	ch->prop = prop_of(name);
	if (ch->prop == VC_PROP_OTHER)
		return 1;
	vc_xml_text(vc_xml_child(cs, VC_NS_VIM25, "op"), op, sizeof(op));
	if (strcmp(op, "remove") == 0 || strcmp(op, "indirectRemove") == 0 || val == NULL) {
		ch->unset = true;
		return 0;
	}
	switch (ch->prop) {
	case VC_PROP_RUNTIME_HOST:
	case VC_PROP_PARENT:
		return vc_xml_moref(val, &ch->ref) < 0 ? 1 : 0;
	case VC_PROP_DEVICES:
		return parse_devices(val, ch);
	default:
		return vc_xml_text(val, ch->str, sizeof(ch->str)) < 0 ? 1 : 0;
	}
}

static int
parse_object(const xmlNode *os, struct vc_obj_update *ou)
{
	xmlNode *cs;
	char kind[16];
	unsigned n = 0;
	int r;

	vc_xml_text(vc_xml_child(os, VC_NS_VIM25, "kind"), kind, sizeof(kind));
	if (strcmp(kind, "enter") == 0)
		ou->kind = VC_OBJ_ENTER;
	else if (strcmp(kind, "modify") == 0)
		ou->kind = VC_OBJ_MODIFY;
	else if (strcmp(kind, "leave") == 0)
		ou->kind = VC_OBJ_LEAVE;
	else
		return 1;
	if (vc_xml_moref(vc_xml_child(os, VC_NS_VIM25, "obj"), &ou->obj) < 0)
		return 1;
	for (cs = vc_xml_child(os, VC_NS_VIM25, "changeSet"); cs != NULL;
	     cs = vc_xml_next(cs, VC_NS_VIM25, "changeSet"))
		n++;
	if (n == 0)
		return 0;
	ou->changes = calloc(n, sizeof(*ou->changes));
	if (ou->changes == NULL)
		return -ENOMEM;
	for (cs = vc_xml_child(os, VC_NS_VIM25, "changeSet"); cs != NULL;
	     cs = vc_xml_next(cs, VC_NS_VIM25, "changeSet")) {
		r = parse_change(cs, &ou->changes[ou->nb_changes]);
		if (r < 0)
			return r;
		if (r == 0)
			ou->nb_changes++;
	}
	return 0;
}

static unsigned
count_objects(const xmlNode *rv)
{
	unsigned n = 0;

	for (xmlNode *fs = vc_xml_child(rv, VC_NS_VIM25, "filterSet"); fs != NULL;
	     fs = vc_xml_next(fs, VC_NS_VIM25, "filterSet"))
		for (xmlNode *os = vc_xml_child(fs, VC_NS_VIM25, "objectSet"); os != NULL;
		     os = vc_xml_next(os, VC_NS_VIM25, "objectSet"))
			n++;
	return n;
}

static int
parse_objects(const xmlNode *rv, struct vc_update_set *us)
{
	unsigned n = count_objects(rv);

	if (n == 0)
		return 0;
	us->objs = calloc(n, sizeof(*us->objs));
	if (us->objs == NULL)
		return -ENOMEM;
	for (xmlNode *fs = vc_xml_child(rv, VC_NS_VIM25, "filterSet"); fs != NULL;
	     fs = vc_xml_next(fs, VC_NS_VIM25, "filterSet")) {
		for (xmlNode *os = vc_xml_child(fs, VC_NS_VIM25, "objectSet"); os != NULL;
		     os = vc_xml_next(os, VC_NS_VIM25, "objectSet")) {
			struct vc_obj_update *ou = &us->objs[us->nb_objs];
			int r = parse_object(os, ou);

			if (r == 1) { /* not one of ours: reuse the slot */
				memset(ou, 0, sizeof(*ou));
				continue;
			}
			us->nb_objs++; /* counted even on error: freed by the caller */
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int
vc_parse_update_set(xmlDoc *doc, struct vc_update_set *us, char *err, size_t err_size)
{
	xmlNode *resp = vc_parse_response(doc, "WaitForUpdatesEx");
	xmlNode *rv = vc_xml_child(resp, VC_NS_VIM25, "returnval");
	char trunc[16];
	int r;

	memset(us, 0, sizeof(*us));
	if (resp == NULL) {
		snprintf(err, err_size, "no WaitForUpdatesExResponse in the body");
		return -EPROTO;
	}
	if (rv == NULL) {
		us->empty = true; /* timed out: no version, keep ours */
		return 0;
	}
	if (vc_xml_text(vc_xml_child(rv, VC_NS_VIM25, "version"), us->version,
	                sizeof(us->version)) < 0) {
		snprintf(err, err_size, "UpdateSet version too long");
		return -EPROTO;
	}
	vc_xml_text(vc_xml_child(rv, VC_NS_VIM25, "truncated"), trunc, sizeof(trunc));
	us->truncated = strcmp(trunc, "true") == 0 || strcmp(trunc, "1") == 0;
	r = parse_objects(rv, us);
	if (r < 0) {
		vc_update_set_free(us);
		snprintf(err, err_size, "out of memory");
	}
	return r;
}

void
vc_update_set_free(struct vc_update_set *us)
{
	for (unsigned i = 0; i < us->nb_objs; i++) {
		for (unsigned j = 0; j < us->objs[i].nb_changes; j++)
			free(us->objs[i].changes[j].nics);
		free(us->objs[i].changes);
	}
	free(us->objs);
	us->objs = NULL;
	us->nb_objs = 0;
}
