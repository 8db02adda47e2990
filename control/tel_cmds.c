/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel_cmds.c - the DPDK telemetry commands /vtepd/...: ask the control
 * thread for a view (tel.c) and turn its JSON into struct rte_tel_data, on
 * the telemetry thread.
 *
 * What DPDK 22.11's rte_tel_data can hold, and what we do about it:
 *  - dict keys are [A-Za-z0-9_/]: other characters become '_' (a key that
 *    then collides gets "_2", "_3"...);
 *  - values are strings (127 bytes at most: longer ones are cut), int,
 *    u64 and containers; no boolean, no null: true/false become 1/0, null
 *    members are left out, reals become strings;
 *  - an array holds scalars only: an array of objects becomes a dict keyed
 *    by its index; at most 512 entries (the rest are left out and
 *    "<key>_total" says how many there were);
 *  - a dict holds 256 entries, and the whole answer 16 KiB: list views
 *    (segments, vteps, ports, managers, drops) are paged. An answer is
 *    {"total": N, "start": S, "count": C, "next": S+C, "<list>": {...}},
 *    "next" only when more follow; "/vtepd/segments,40" asks for the page
 *    that starts at entry 40. Entries are keyed by their identity (VNI,
 *    VTEP address, port, manager, reason).
 * An error is answered as {"error": "..."} (unknown parameter, the control
 * thread busy for longer than TEL_WAIT_MS, vtepd stopping).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "tel_private.h"

/* What one page may use of DPDK's 16 KiB answer; the rest is the envelope. */
#define TEL_PAGE_BUDGET 15000
#define TEL_DEPTH_MAX   4

struct tel_cmd {
	const char *name;
	enum tel_view view;
	const char *list; /* list views: the dict the entries go in */
	const char *id;   /* list views: the member that names an entry */
	const char *help; /* < RTE_TEL_MAX_STRING_LEN */
};

static const struct tel_cmd tel_cmds[] = {
        {"/vtepd/segments", TEL_VIEW_SEGMENTS, "segments", "vni",
         "Segments (VNI, port, VLAN, MACs) and their counters. Param: first entry (paging)"},
        {"/vtepd/fdb", TEL_VIEW_FDB, NULL, NULL,
         "FDB summary: entries, capacity, vteps, learned, moves, limits, aged"},
        {"/vtepd/vteps", TEL_VIEW_VTEPS, "vteps", "vtep",
         "Remote VTEPs: next hop, resolution, FDB entries, counters. Param: first entry"},
        {"/vtepd/counters", TEL_VIEW_COUNTERS, NULL, NULL,
         "Dataplane totals, FDB and control counters (ports, drops: their own commands)"},
        {"/vtepd/drops", TEL_VIEW_DROPS, "drops", "reason",
         "Every drop reason with its packet count, zeros included. Param: first entry"},
        {"/vtepd/ports", TEL_VIEW_PORTS, "ports", "name",
         "Ports: link, software and device counters. Param: first entry"},
        {"/vtepd/managers", TEL_VIEW_MANAGERS, "managers", "name",
         "Hypervisor-manager sources: state, counts, errors. Param: first entry"},
        {"/vtepd/lcores", TEL_VIEW_LCORES, "lcores", "lcore",
         "Forwarding lcores: rx queues, polls, idle sleeps, stalls. Param: first entry"},
};

static int value_to_tel(struct rte_tel_data *d, const char *key, json_t *v, unsigned depth);

/* A dict key DPDK accepts, unique in @p used. */
static void
key_make(const char *s, json_t *used, char *key, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < size - 8; s++) {
		char ch = *s;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '_' || ch == '/';

		key[n++] = ok ? ch : '_';
	}
	key[n] = '\0';
	for (unsigned i = 2; used != NULL && json_object_get(used, key) != NULL; i++)
		snprintf(key + n, size - n, "_%u", i);
	if (used != NULL)
		json_object_set_new(used, key, json_true());
}

/* Members of object @p o into dict @p d (already started). */
static void
object_to_tel(struct rte_tel_data *d, json_t *o, unsigned depth)
{
	json_t *used = json_object(), *v;
	unsigned nb = 0;
	const char *k;

	json_object_foreach (o, k, v) {
		char key[RTE_TEL_MAX_STRING_LEN];

		if (nb >= RTE_TEL_MAX_DICT_ENTRIES)
			break;
		key_make(k, used, key, sizeof(key));
		if (value_to_tel(d, key, v, depth) == 0)
			nb++;
	}
	json_decref(used);
}

/* @return the element type an array of scalars can be, or -1 (objects, mixed). */
static int
array_type(json_t *a)
{
	int type = -1;
	size_t i;
	json_t *e;

	json_array_foreach (a, i, e) {
		int t = json_is_string(e)                                  ? RTE_TEL_STRING_VAL
		        : json_is_integer(e) && json_integer_value(e) >= 0 ? RTE_TEL_U64_VAL
		                                                           : -2;

		if (t == -2 || (type >= 0 && t != type))
			return -1;
		type = t;
	}
	return type < 0 ? RTE_TEL_STRING_VAL : type;
}

static int
array_to_tel(struct rte_tel_data *d, const char *key, json_t *a, unsigned depth)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	int type = array_type(a);
	size_t i;
	json_t *e;

	if (c == NULL)
		return -ENOMEM;
	if (type < 0) { /* objects: a dict keyed by index */
		rte_tel_data_start_dict(c);
		json_array_foreach (a, i, e) {
			char k[24];

			if (i >= RTE_TEL_MAX_DICT_ENTRIES)
				break;
			snprintf(k, sizeof(k), "%zu", i);
			value_to_tel(c, k, e, depth + 1);
		}
	} else {
		rte_tel_data_start_array(c, (enum rte_tel_value_type)type);
		json_array_foreach (a, i, e) {
			if (i >= RTE_TEL_MAX_ARRAY_ENTRIES)
				break;
			if (type == RTE_TEL_STRING_VAL)
				rte_tel_data_add_array_string(c, json_string_value(e));
			else
				rte_tel_data_add_array_u64(c, (uint64_t)json_integer_value(e));
		}
	}
	if (rte_tel_data_add_dict_container(d, key, c, 0) < 0) {
		rte_tel_data_free(c);
		return -EINVAL;
	}
	if (i < json_array_size(a)) {
		char k[RTE_TEL_MAX_STRING_LEN];

		snprintf(k, sizeof(k), "%s_total", key);
		rte_tel_data_add_dict_u64(d, k, json_array_size(a));
	}
	return 0;
}

/* @return 0 when something was added under @p key, or -errno. */
static int
value_to_tel(struct rte_tel_data *d, const char *key, json_t *v, unsigned depth)
{
	struct rte_tel_data *c;
	char s[64];

	switch (json_typeof(v)) {
	case JSON_INTEGER:
		if (json_integer_value(v) >= 0)
			return rte_tel_data_add_dict_u64(d, key, (uint64_t)json_integer_value(v));
		if (json_integer_value(v) >= INT_MIN)
			return rte_tel_data_add_dict_int(d, key, (int)json_integer_value(v));
		snprintf(s, sizeof(s), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return rte_tel_data_add_dict_string(d, key, s) < 0 ? -EINVAL : 0;
	case JSON_REAL:
		snprintf(s, sizeof(s), "%.17g", json_real_value(v));
		return rte_tel_data_add_dict_string(d, key, s) < 0 ? -EINVAL : 0;
	case JSON_TRUE:
	case JSON_FALSE:
		return rte_tel_data_add_dict_u64(d, key, json_is_true(v));
	case JSON_STRING: /* E2BIG (> 0): added, cut to 127 bytes */
		return rte_tel_data_add_dict_string(d, key, json_string_value(v)) < 0 ? -EINVAL : 0;
	case JSON_NULL:
		return -ENOENT;
	case JSON_ARRAY:
		return depth < TEL_DEPTH_MAX ? array_to_tel(d, key, v, depth) : -E2BIG;
	case JSON_OBJECT:
		if (depth >= TEL_DEPTH_MAX || (c = rte_tel_data_alloc()) == NULL)
			return -E2BIG;
		rte_tel_data_start_dict(c);
		object_to_tel(c, v, depth + 1);
		if (rte_tel_data_add_dict_container(d, key, c, 0) < 0) {
			rte_tel_data_free(c);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

/* The key of list entry @p e: its @p id member, or its index. */
static void
entry_key(json_t *e, const char *id, size_t idx, json_t *used, char *key, size_t size)
{
	json_t *v = json_object_get(e, id);
	char s[RTE_TEL_MAX_STRING_LEN];

	if (json_is_string(v))
		snprintf(s, sizeof(s), "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(s, sizeof(s), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		snprintf(s, sizeof(s), "%zu", idx);
	key_make(s, used, key, size);
}

/* One page of list @p arr, from entry @p start, as much as fits. */
static int
page_to_tel(struct rte_tel_data *d, const struct tel_cmd *tc, json_t *arr, size_t start)
{
	struct rte_tel_data *list = rte_tel_data_alloc();
	size_t total = json_array_size(arr), budget = TEL_PAGE_BUDGET, i;
	json_t *used = json_object();

	if (list == NULL || used == NULL) {
		rte_tel_data_free(list);
		json_decref(used);
		return -ENOMEM;
	}
	rte_tel_data_start_dict(list);
	for (i = start; i < total && i - start < RTE_TEL_MAX_DICT_ENTRIES; i++) {
		json_t *e = json_array_get(arr, i);
		/* Jansson's compact JSON is what DPDK writes, or longer (nulls,
		 * booleans, cut strings): an upper bound of the entry's size. */
		size_t need = json_dumpb(e, NULL, 0, JSON_COMPACT) + RTE_TEL_MAX_STRING_LEN;
		char key[RTE_TEL_MAX_STRING_LEN];

		if (i > start && need > budget)
			break; /* the first entry of a page always goes */
		budget -= VTEP_MIN(need, budget);
		entry_key(e, tc->id, i, used, key, sizeof(key));
		value_to_tel(list, key, e, 1);
	}
	json_decref(used);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "total", total);
	rte_tel_data_add_dict_u64(d, "start", start);
	rte_tel_data_add_dict_u64(d, "count", i > start ? i - start : 0);
	if (i < total)
		rte_tel_data_add_dict_u64(d, "next", i);
	if (rte_tel_data_add_dict_container(d, tc->list, list, 0) < 0) {
		rte_tel_data_free(list);
		return -EINVAL;
	}
	return 0;
}

static int
answer_error(struct rte_tel_data *d, const char *msg)
{
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

static int
tel_cmd_cb(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tel_cmd *tc = NULL;
	unsigned long start = 0;
	char err[160];
	json_t *v;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(tel_cmds) && tc == NULL; i++)
		if (strcmp(cmd, tel_cmds[i].name) == 0)
			tc = &tel_cmds[i];
	if (tc == NULL)
		return -EINVAL;
	if (params != NULL && params[0] != '\0') {
		char *end;

		errno = 0;
		start = strtoul(params, &end, 10);
		if (tc->list == NULL || errno != 0 || *end != '\0' || params[0] == '-')
			return answer_error(
			        d, tc->list == NULL
			                   ? "this command takes no parameter"
			                   : "the parameter is the index of the first entry");
	}
	v = tel_view_request(tc->view, err, sizeof(err));
	if (v == NULL)
		return answer_error(d, err);
	if (tc->list != NULL) {
		r = page_to_tel(d, tc, v, start);
	} else {
		/* Their own commands, and too big for one answer with the rest. */
		json_object_del(v, "ports");
		json_object_del(v, "drop_reasons");
		rte_tel_data_start_dict(d);
		object_to_tel(d, v, 0);
		r = 0;
	}
	json_decref(v);
	return r;
}

int
tel_cmds_register(void)
{
	static bool done;
	int r;

	/* Once per process: DPDK keeps them until exit (see tel.h). */
	if (done)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(tel_cmds); i++) {
		r = rte_telemetry_register_cmd(tel_cmds[i].name, tel_cmd_cb, tel_cmds[i].help);
		if (r < 0)
			return r;
	}
	done = true;
	return 0;
}
