/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_soap - libFuzzer target for everything the vCenter source does with
 * a response body: the hardened XML read, fault decoding, ServiceContent,
 * moref returns, UpdateSet parsing and applying it to an inventory (which
 * posts bindings). Seeds: tests/fuzz/corpus/soap (the captured responses).
 *
 * Built with -Dfuzz=true (clang, -fsanitize=fuzzer,address,undefined).
 * Without VTEP_LIBFUZZER the same entry point gets a main() that replays
 * the files named on the command line, so the unit suite runs the corpus
 * and any regression inputs in every build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "control/vcenter/vc_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct src_queue *q;
static struct vc_inv *inv;
static unsigned nb_runs;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct src_update out[256];
	struct vc_service_content sc;
	struct vc_update_set us;
	struct vc_moref ref;
	struct vc_fault f;
	char err[VC_ERR_MAX];
	xmlDoc *doc;

	if (q == NULL) {
		xmlInitParser();
		q = src_queue_create();
		inv = vc_inv_create(q, 1, "fuzz");
		if (q == NULL || inv == NULL)
			abort();
	}
	if (vc_xml_read((const char *)data, size, 1u << 20, &doc, err, sizeof(err)) < 0)
		return 0;
	vc_fault_parse(doc, &f);
	vc_parse_service_content(doc, &sc);
	vc_parse_moref_return(doc, "CreateFilter", &ref);
	if (vc_parse_update_set(doc, &us, err, sizeof(err)) == 0) {
		vc_inv_apply(inv, &us, 1);
		vc_update_set_free(&us);
	}
	xmlFreeDoc(doc);
	while (src_queue_drain(q, out, 256) > 0)
		;
	/* Keep state across inputs (diffs), but bounded. */
	if (++nb_runs % 1000 == 0)
		vc_inv_reset(inv);
	return 0;
}

#ifndef VTEP_LIBFUZZER
int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		uint8_t *buf;
		long n;

		if (fp == NULL || fseek(fp, 0, SEEK_END) < 0 || (n = ftell(fp)) < 0) {
			fprintf(stderr, "fuzz_soap: cannot read %s\n", argv[i]);
			return 1;
		}
		rewind(fp);
		buf = malloc((size_t)n + 1);
		if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n)
			return 1;
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	vc_inv_destroy(inv);
	src_queue_destroy(q);
	printf("fuzz_soap: %d inputs replayed\n", argc - 1);
	return 0;
}
#endif
