/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xapi_corpus.c - every fuzzing seed (tests/fuzz/corpus/xapi) and every
 * crasher ever found (tests/fuzz/regress/xapi) through the parsers, on each
 * unit run, under the sanitizers of the build.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xapi_fuzz_one.h"

static unsigned
replay_dir(const char *sub)
{
	const char *top = getenv("VTEPD_SRCDIR");
	char dir[4096], path[8192];
	struct dirent *e;
	unsigned nb = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", top ? top : ".", sub);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		FILE *f;
		long len;
		uint8_t *buf;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		rewind(f);
		buf = malloc((size_t)len + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		xapi_fuzz_one(buf, (size_t)len);
		free(buf);
		nb++;
	}
	closedir(d);
	return nb;
}

static void
test_corpus(void **state)
{
	(void)state;
	assert_true(replay_dir("tests/fuzz/corpus/xapi") >= 30);
	replay_dir("tests/fuzz/regress/xapi");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests_name("xapi_corpus", tests, NULL, NULL);
}
