/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vCenter source's unit tests: request builders against the captures,
 * parsing (captures, both xsi prefixes, hostile XML, faults), the
 * inventory's bindings and a whole source replayed through an injected
 * transport.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "common/netaddr.h"
#include "vc_test.h"

char *
vc_test_read(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", VC_CAPTURES, rel);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

xmlDoc *
vc_test_doc_str(const char *xml)
{
	char err[VC_ERR_MAX];
	xmlDoc *doc = NULL;
	int r = vc_xml_read(xml, strlen(xml), 0, &doc, err, sizeof(err));

	if (r != 0)
		fail_msg("refused: %s", err);
	return doc;
}

xmlDoc *
vc_test_doc(const char *rel)
{
	char *buf = vc_test_read(rel, NULL);
	xmlDoc *doc = vc_test_doc_str(buf);

	free(buf);
	return doc;
}

void
vc_test_update_set(const char *rel, const char *xml, struct vc_update_set *us)
{
	xmlDoc *doc = rel != NULL ? vc_test_doc(rel) : vc_test_doc_str(xml);
	char err[VC_ERR_MAX];

	assert_int_equal(vc_parse_update_set(doc, us, err, sizeof(err)), 0);
	xmlFreeDoc(doc);
}

void
vc_test_drain(struct src_queue *q, struct vc_test_updates *out)
{
	out->nb += src_queue_drain(q, out->u + out->nb, VC_TEST_MAX_UPDATES - out->nb);
}

int
vc_test_find(const struct vc_test_updates *ups, enum src_op op, const char *mac)
{
	char m[NETADDR_MAC_STRLEN];

	for (unsigned i = 0; i < ups->nb; i++) {
		if (ups->u[i].op != op)
			continue;
		netaddr_mac_fmt(ups->u[i].b.mac, m, sizeof(m));
		if (mac[0] == '\0' || strcmp(m, mac) == 0)
			return (int)i;
	}
	return -1;
}

unsigned
vc_test_count(const struct vc_test_updates *ups, enum src_op op)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ups->nb; i++)
		n += ups->u[i].op == op;
	return n;
}

int
main(void)
{
	int failed = 0;

	xmlInitParser();
	failed += vc_test_soap();
	failed += vc_test_parse();
	failed += vc_test_inventory();
	failed += vc_test_replay();
	xmlCleanupParser();
	return failed ? 1 : 0;
}
