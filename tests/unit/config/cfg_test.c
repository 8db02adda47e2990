/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_test.c - helpers shared by the configuration tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cfg_test.h"

/* The smallest valid configuration without tenants; cases add to it. Its
 * underlay has no next hop, so remote VTEPs must be on 192.0.2.0/24. */
const char cfgt_base[] =
        "{\"gateway\": {\"name\": \"gw1\", \"vtep_ip\": \"192.0.2.1\"},"
        " \"ports\": ["
        "{\"name\": \"access0\", \"role\": \"access\", \"device\": \"0000:03:00.0\"},"
        "{\"name\": \"underlay0\", \"role\": \"underlay\","
        " \"device\": \"0000:03:00.1\", \"ip\": \"192.0.2.1/24\"}]}";

char *
cfgt_case_json(const struct cfgt_case *tc)
{
	json_t *base, *patch, *v;
	char *text, *out;
	const char *key;
	void *tmp;

	if (tc->raw)
		return strdup(tc->json);
	if ((text = strdup(tc->json)) == NULL)
		return NULL;
	for (char *p = text; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	base = json_loads(cfgt_base, 0, NULL);
	patch = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	if (base == NULL || patch == NULL || !json_is_object(patch)) {
		json_decref(base);
		json_decref(patch);
		return NULL;
	}
	json_object_foreach_safe(patch, tmp, key, v)
	{
		if (json_is_null(v))
			json_object_del(base, key);
		else
			json_object_set(base, key, v);
	}
	out = json_dumps(base, JSON_INDENT(2));
	json_decref(base);
	json_decref(patch);
	return out;
}

const char *
cfgt_src_path(const char *relpath)
{
	static char path[4096];
	const char *src = getenv("VTEPD_SRCDIR");

	snprintf(path, sizeof(path), "%s/%s", src != NULL ? src : ".", relpath);
	return path;
}

char *
cfgt_read_src(const char *relpath)
{
	FILE *f = fopen(cfgt_src_path(relpath), "rb");
	char *buf = NULL;
	size_t size = 0;
	FILE *mem;
	int ch;

	if (f == NULL)
		return NULL;
	mem = open_memstream(&buf, &size);
	while (mem != NULL && (ch = fgetc(f)) != EOF)
		fputc(ch, mem);
	if (mem != NULL)
		fclose(mem);
	fclose(f);
	return buf;
}
