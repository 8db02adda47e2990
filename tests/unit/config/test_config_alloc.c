/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_config_alloc.c - allocation-failure torture (curl's runtests -t):
 * for every N, fail the Nth allocation of a load and check that the load
 * fails cleanly - NULL, errno ENOMEM, nothing leaked - and that without a
 * failure it succeeds (or reports the same errors).
 *
 * Our allocations are caught with the linker (--wrap=malloc, calloc,
 * realloc, strdup, free: see meson.build), Jansson's through
 * cfg_json_guard_install(). Both count into `live`, which must be back to
 * zero after every load; the ASan build checks the same with LeakSanitizer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cfg_test.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);

static struct {
	bool armed;         /* count (and maybe fail) allocations */
	unsigned long seen; /* allocations since armed */
	unsigned long fail_at;
	bool failed; /* an allocation was failed on purpose */
	long live;   /* allocations not yet freed, while armed */
} t;

/* Whether this allocation is the one to fail. */
static bool
should_fail(void)
{
	if (!t.armed)
		return false;
	if (++t.seen != t.fail_at)
		return false;
	t.failed = true;
	return true;
}

static void *
counted(void *p)
{
	if (p != NULL && t.armed)
		t.live++;
	return p;
}

void *
__wrap_malloc(size_t size)
{
	return should_fail() ? NULL : counted(__real_malloc(size));
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : counted(__real_calloc(n, size));
}

void *
__wrap_realloc(void *p, size_t size)
{
	if (should_fail())
		return NULL;
	return p == NULL ? counted(__real_realloc(p, size)) : __real_realloc(p, size);
}

char *
__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : counted(__real_strdup(s));
}

void
__wrap_free(void *p)
{
	if (p != NULL && t.armed)
		t.live--;
	__real_free(p);
}

/* Jansson's allocator, outside the reach of --wrap (a shared library). */
static void *
json_alloc(size_t size)
{
	return __wrap_malloc(size);
}

static void
json_release(void *p)
{
	__wrap_free(p);
}

struct input {
	const char *name;
	char *json;       /* loaded with cfg_load_string() */
	const char *path; /* or with cfg_load_file() */
};

static struct cfg *
load(const struct input *in, struct cfg_errors *errs)
{
	if (in->path != NULL)
		return cfg_load_file(in->path, errs);
	return cfg_load_string(in->json, in->name, errs);
}

/* Load @p in failing each allocation in turn; @return how many there are. */
static unsigned long
torture(const struct input *in)
{
	struct cfg_errors ref = {0};
	struct cfg *good = load(in, &ref);
	bool valid = good != NULL;
	unsigned long n;

	cfg_free(good);
	for (n = 1;; n++) {
		struct cfg_errors errs = {0};
		struct cfg *c;

		t = (typeof(t)){.armed = true, .fail_at = n};
		c = load(in, &errs);
		t.armed = false;
		if (!t.failed) {
			/* Every allocation succeeded: the normal result. */
			assert_int_equal(c != NULL, valid);
			assert_int_equal(errs.nb_msgs, ref.nb_msgs);
			cfg_free(c);
			cfg_errors_free(&errs);
			break;
		}
		if (c != NULL)
			fprintf(stderr, "%s: allocation %lu failed, load succeeded\n", in->name, n);
		assert_null(c);
		assert_int_equal(errno, ENOMEM);
		t.armed = true; /* count the frees of what errs holds */
		cfg_errors_free(&errs);
		t.armed = false;
		if (t.live != 0)
			fprintf(stderr, "%s: allocation %lu failed: %ld blocks leaked\n", in->name,
			        n, t.live);
		assert_int_equal(t.live, 0);
	}
	cfg_errors_free(&ref);
	return n;
}

static void
test_torture(void **state)
{
	static const char collect[] =
	        "{\"gateway\": {\"name\": \"gw 1\", \"vtep_ip\": \"192.0.2.1\"},"
	        " \"ports\": [{\"name\": \"a\", \"role\": \"access\", \"device\": \"d\"}],"
	        " \"tenants\": [{\"name\": \"t\", \"segments\": [{\"name\": \"s\", \"vni\": 1,"
	        " \"port\": \"x\", \"vlan\": 1, \"networks\": [\"n\", \"n\"]}, {\"name\": \"s\","
	        " \"vni\": 1, \"port\": \"a\", \"vlan\": 1, \"flood\": [\"1.1.1.1\", "
	        "\"1.1.1.1\"]}]}],"
	        " \"fdb\": [{\"vni\": 9, \"mac\": \"02:00:00:00:00:01\", \"vtep\": \"1.1.1.1\"}],"
	        " \"sites\": [{\"name\": \"s\"}], \"hosts\": [{\"name\": \"h\", \"vtep\": "
	        "\"1.2.3.4\"}],"
	        " \"managers\": [{\"type\": \"xenapi\", \"name\": \"m\", \"url\": \"http://m\","
	        " \"username\": \"u\", \"members\": [\"https://a\", \"https://a\"]}]}";
	char path[4096];
	struct input inputs[] = {
	        {"vtepd.json", NULL, path},
	        {"vtepd.json (string)", cfgt_read_src("examples/vtepd.json"), NULL},
	        {"minimal.json (string)", cfgt_read_src("examples/minimal.json"), NULL},
	        {"collect.json", strdup(collect), NULL},
	        {"syntax.json", strdup("{\"gateway\": {,}"), NULL},
	};

	(void)state;
	snprintf(path, sizeof(path), "%s", cfgt_src_path("examples/vtepd.json"));
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		unsigned long n;

		assert_true(inputs[i].path != NULL || inputs[i].json != NULL);
		n = torture(&inputs[i]);
		printf("%s: %lu allocations, each failed in turn\n", inputs[i].name, n - 1);
		assert_true(n > 1);
		free(inputs[i].json);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_torture),
	};

	/* Jansson's allocations go through the loader's guard, then ours:
	 * without the guard, Jansson 2.14 can ignore a failure and return a
	 * document with a token cut short (cfg_json_guard_install()). */
	cfg_json_guard_install(json_alloc, json_release);
	return cmocka_run_group_tests_name("config_alloc", tests, NULL, NULL);
}
