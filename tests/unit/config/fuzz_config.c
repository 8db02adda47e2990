/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_config.c - libFuzzer target: any bytes into cfg_load_string().
 * Besides crashes and leaks (ASan, UBSan), it checks one property: a
 * configuration that loads prints as JSON that loads again.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false \
 *       -Dc_args=-Wno-unknown-warning-option   (clang 14: the root meson.build
 *                                               passes gcc's -Wno-format-truncation)
 *   ninja -C build-fuzz tests/unit/config/fuzz_config
 *   build-fuzz/tests/unit/config/fuzz_config -dict=tests/unit/config/fuzz_config.dict \
 *       -max_total_time=60 /tmp/corpus tests/fuzz/corpus/config
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/config/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
reload_printed(const struct cfg *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct cfg_errors errs = {0};
	struct cfg *again;

	if (mem == NULL)
		return;
	cfg_print(c, mem);
	fclose(mem);
	again = cfg_load_string(text, "printed.json", &errs);
	if (again == NULL) {
		fprintf(stderr, "printed configuration does not load:\n%s\n", text);
		cfg_errors_print(&errs, stderr);
		abort();
	}
	cfg_free(again);
	cfg_errors_free(&errs);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors errs = {0};
	char *json = malloc(size + 1);
	struct cfg *c;

	if (json == NULL)
		return 0;
	memcpy(json, data, size);
	json[size] = '\0';
	c = cfg_load_string(json, "fuzz.json", &errs);
	if (c != NULL)
		reload_printed(c);
	cfg_free(c);
	cfg_errors_free(&errs);
	free(json);
	return 0;
}
