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

char *
cfgt_print(const struct cfg *c)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&buf, &size);

	assert_non_null(mem);
	cfg_print(c, mem);
	fclose(mem);
	return buf;
}

static void
assert_labels(char (*a)[CFG_LABEL_MAX], unsigned na, char (*b)[CFG_LABEL_MAX], unsigned nb)
{
	assert_int_equal(na, nb);
	for (unsigned i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void
assert_segments_equal(const struct cfg *a, const struct cfg *b)
{
	assert_int_equal(a->nb_segments, b->nb_segments);
	for (unsigned i = 0; i < a->nb_segments; i++) {
		const struct cfg_segment *x = &a->segments[i], *y = &b->segments[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->tenant, y->tenant);
		assert_int_equal(x->vni, y->vni);
		assert_int_equal(x->port, y->port);
		assert_int_equal(x->vlan, y->vlan);
		assert_int_equal(x->nb_flood, y->nb_flood);
		if (x->nb_flood > 0)
			assert_memory_equal(x->flood, y->flood, x->nb_flood * sizeof(*x->flood));
		assert_labels(x->networks, x->nb_networks, y->networks, y->nb_networks);
		assert_int_equal(x->ageing_s, y->ageing_s);
		assert_int_equal(x->mac_limit, y->mac_limit);
		assert_int_equal(x->flood_rate_pps, y->flood_rate_pps);
	}
}

static void
assert_sites_equal(const struct cfg *a, const struct cfg *b)
{
	assert_int_equal(a->nb_sites, b->nb_sites);
	for (unsigned i = 0; i < a->nb_sites; i++) {
		const struct cfg_site *x = &a->sites[i], *y = &b->sites[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->vtep, y->vtep);
		assert_labels(x->hosts, x->nb_hosts, y->hosts, y->nb_hosts);
		assert_labels(x->clusters, x->nb_clusters, y->clusters, y->nb_clusters);
	}
}

static void
assert_manager_equal(const struct cfg_manager *x, const struct cfg_manager *y)
{
	assert_int_equal(x->type, y->type);
	assert_string_equal(x->name, y->name);
	assert_string_equal(x->url, y->url);
	assert_int_equal(x->nb_members, y->nb_members);
	for (unsigned m = 0; m < x->nb_members; m++)
		assert_string_equal(x->members[m], y->members[m]);
	assert_string_equal(x->username, y->username);
	assert_string_equal(x->password_file, y->password_file);
	assert_string_equal(x->password_env, y->password_env);
	assert_string_equal(x->ca_file, y->ca_file);
	assert_string_equal(x->fingerprint, y->fingerprint);
	assert_int_equal(x->insecure, y->insecure);
	assert_string_equal(x->pool_uuid, y->pool_uuid);
	assert_string_equal(x->transport_network, y->transport_network);
	assert_int_equal(x->timeout_s, y->timeout_s);
	assert_int_equal(x->wait_s, y->wait_s);
	assert_int_equal(x->backoff_min_ms, y->backoff_min_ms);
	assert_int_equal(x->backoff_max_ms, y->backoff_max_ms);
	assert_int_equal(x->flush_after_s, y->flush_after_s);
}

/* Structures without pointers were calloc'ed and filled field by field,
 * so their padding is zero on both sides and memcmp() is exact. */
#define ASSERT_ARRAY_EQUAL(a, b, arr, nb)                                                          \
	do {                                                                                       \
		assert_int_equal((a)->nb, (b)->nb);                                                \
		if ((a)->nb > 0)                                                                   \
			assert_memory_equal((a)->arr, (b)->arr, (a)->nb * sizeof(*(a)->arr));      \
	} while (0)

static void
assert_ports_equal(const struct cfg *a, const struct cfg *b)
{
	assert_int_equal(a->nb_ports, b->nb_ports);
	for (unsigned i = 0; i < a->nb_ports; i++) {
		struct cfg_port x = a->ports[i], y = b->ports[i];

		ASSERT_ARRAY_EQUAL(&x, &y, neighbors, nb_neighbors);
		x.neighbors = y.neighbors = NULL;
		assert_memory_equal(&x, &y, sizeof(x));
	}
}

void
cfgt_assert_equal(const struct cfg *a, const struct cfg *b)
{
	assert_memory_equal(&a->gateway, &b->gateway, sizeof(a->gateway));
	assert_ports_equal(a, b);
	ASSERT_ARRAY_EQUAL(a, b, tenants, nb_tenants);
	assert_segments_equal(a, b);
	ASSERT_ARRAY_EQUAL(a, b, fdb, nb_fdb);
	assert_sites_equal(a, b);
	ASSERT_ARRAY_EQUAL(a, b, hosts, nb_hosts);
	assert_int_equal(a->nb_managers, b->nb_managers);
	for (unsigned i = 0; i < a->nb_managers; i++)
		assert_manager_equal(&a->managers[i], &b->managers[i]);
	assert_memory_equal(&a->limits, &b->limits, sizeof(a->limits));
	assert_memory_equal(&a->dataplane, &b->dataplane, sizeof(a->dataplane));
	assert_memory_equal(&a->control, &b->control, sizeof(a->control));
	assert_memory_equal(&a->telemetry, &b->telemetry, sizeof(a->telemetry));
	assert_memory_equal(&a->log, &b->log, sizeof(a->log));
}
