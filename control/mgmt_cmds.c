/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgmt_cmds.c - the commands of the management socket. Arguments are
 * checked strictly (unknown names, wrong types and bad values are errors
 * that say which argument and why); the tables are changed only through
 * the same map_* calls every other writer uses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/netaddr.h"
#include "mgmt.h"
#include "views.h"

#ifndef VTEPD_VERSION
#define VTEPD_VERSION "dev"
#endif

typedef json_t *(*mgmt_fn)(struct ctl *c, json_t *args, char *err, size_t size);

struct mgmt_cmd {
	const char *name;
	const char *const *args; /* accepted argument names, NULL-terminated */
	mgmt_fn fn;
	const char *help;
};

static int
arg_u32(json_t *args, const char *name, uint32_t max, uint32_t *out, char *err, size_t size)
{
	json_t *v = json_object_get(args, name);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) {
		snprintf(err, size, "argument %s: expected an integer 0..%u", name, max);
		return -EINVAL;
	}
	*out = (uint32_t)json_integer_value(v);
	return 1;
}

static int
arg_str(json_t *args, const char *name, const char **out, char *err, size_t size)
{
	json_t *v = json_object_get(args, name);

	if (v == NULL)
		return 0;
	if (!json_is_string(v)) {
		snprintf(err, size, "argument %s: expected a string", name);
		return -EINVAL;
	}
	*out = json_string_value(v);
	return 1;
}

static int
arg_mac(json_t *args, const char *name, uint8_t mac[6], char *err, size_t size)
{
	const char *s;
	int r = arg_str(args, name, &s, err, size);

	if (r <= 0)
		return r;
	if (netaddr_mac_parse(s, mac) < 0) {
		snprintf(err, size, "argument %s: \"%s\" is not a MAC address", name, s);
		return -EINVAL;
	}
	return 1;
}

/* The segment carrying @p vni, as a map index. */
static int
seg_of_vni(struct ctl *c, uint32_t vni, uint16_t *idx, char *err, size_t size)
{
	int s = cfg_segment_by_vni(c->cfg, vni);

	if (s < 0) {
		snprintf(err, size, "no segment with VNI %u", vni);
		return -ENOENT;
	}
	*idx = ctl_seg_idx(c, (unsigned)s);
	return 0;
}

static json_t *
cmd_show_ports(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args, (void)err, (void)size;
	return view_ports(c);
}

static json_t *
cmd_show_segments(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args, (void)err, (void)size;
	return view_segments(c);
}

static json_t *
cmd_show_fdb(struct ctl *c, json_t *args, char *err, size_t size)
{
	struct view_fdb_filter f = {.src = -1, .src_id = -1};
	const char *src;
	int r;

	if ((r = arg_u32(args, "vni", CFG_VNI_MAX, &f.vni, err, size)) < 0)
		return NULL;
	f.has_vni = r > 0;
	if ((r = arg_mac(args, "mac", f.mac, err, size)) < 0)
		return NULL;
	f.has_mac = r > 0;
	if ((r = arg_str(args, "source", &src, err, size)) < 0)
		return NULL;
	if (r > 0 && view_src_parse(c, src, &f.src, &f.src_id) < 0) {
		snprintf(err, size, "argument source: unknown source \"%s\"", src);
		return NULL;
	}
	if (arg_u32(args, "limit", UINT32_MAX, &f.limit, err, size) < 0)
		return NULL;
	return view_fdb(c, &f);
}

static json_t *
cmd_show_vteps(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args, (void)err, (void)size;
	return view_vteps(c);
}

static json_t *
cmd_show_neighbors(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args, (void)err, (void)size;
	return view_neighbors(c);
}

static json_t *
cmd_show_counters(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args, (void)err, (void)size;
	return view_counters(c);
}

static json_t *
cmd_show_lcores(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args, (void)err, (void)size;
	return view_lcores(c);
}

static json_t *
cmd_show_drops(struct ctl *c, json_t *args, char *err, size_t size)
{
	json_t *all = json_object_get(args, "all");

	if (all != NULL && !json_is_boolean(all)) {
		snprintf(err, size, "argument all: expected true or false");
		return NULL;
	}
	return view_drops(c, all != NULL && json_is_true(all));
}

static json_t *
cmd_show_managers(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args, (void)err, (void)size;
	return view_managers(c);
}

static json_t *
cmd_show_bindings(struct ctl *c, json_t *args, char *err, size_t size)
{
	const char *src;
	int s = -1, id = -1, r;

	if ((r = arg_str(args, "source", &src, err, size)) < 0)
		return NULL;
	if (r > 0 && (view_src_parse(c, src, &s, &id) < 0 || s != MAP_SRC_MANAGER)) {
		snprintf(err, size, "argument source: \"%s\" is not a manager", src);
		return NULL;
	}
	return view_bindings(c, id);
}

static json_t *
cmd_fdb_add(struct ctl *c, json_t *args, char *err, size_t size)
{
	struct map_dest d = {.type = MAP_FDB_REMOTE};
	const char *vtep = NULL;
	uint32_t vni = 0;
	uint8_t mac[6];
	uint16_t idx;
	int r;

	if (arg_u32(args, "vni", CFG_VNI_MAX, &vni, err, size) <= 0 ||
	    arg_mac(args, "mac", mac, err, size) <= 0 ||
	    arg_str(args, "vtep", &vtep, err, size) <= 0) {
		if (err[0] == '\0')
			snprintf(err, size, "fdb add needs vni, mac and vtep");
		return NULL;
	}
	if (netaddr_ipv4_parse(vtep, &d.vtep_ip) < 0 || d.vtep_ip == c->cfg->gateway.vtep_ip ||
	    ((const uint8_t *)&d.vtep_ip)[0] >= 224 || d.vtep_ip == 0) {
		snprintf(err, size, "argument vtep: \"%s\" is not a remote unicast IPv4 address",
		         vtep);
		return NULL;
	}
	if (netaddr_mac_is_group(mac) || netaddr_mac_is_zero(mac)) {
		snprintf(err, size, "argument mac: a static entry needs a unicast MAC");
		return NULL;
	}
	if (seg_of_vni(c, vni, &idx, err, size) < 0)
		return NULL;
	r = map_fdb_set(c->map, idx, mac, &d, MAP_SRC_STATIC, 0);
	if (r < 0) {
		snprintf(err, size, "cannot add: %s",
		         r == -ENOSPC ? "FDB or segment MAC limit reached" : strerror(-r));
		return NULL;
	}
	return json_pack("{s:b}", "added", 1);
}

static json_t *
cmd_fdb_del(struct ctl *c, json_t *args, char *err, size_t size)
{
	uint32_t vni = 0;
	uint8_t mac[6];
	uint16_t idx;
	int r;

	if (arg_u32(args, "vni", CFG_VNI_MAX, &vni, err, size) <= 0 ||
	    arg_mac(args, "mac", mac, err, size) <= 0) {
		if (err[0] == '\0')
			snprintf(err, size, "fdb del needs vni and mac");
		return NULL;
	}
	if (seg_of_vni(c, vni, &idx, err, size) < 0)
		return NULL;
	r = map_fdb_del(c->map, idx, mac, -1, -1);
	if (r < 0) {
		snprintf(err, size, "no entry for vni %u mac %s", vni,
		         json_string_value(json_object_get(args, "mac")));
		return NULL;
	}
	return json_pack("{s:i}", "deleted", 1);
}

static json_t *
cmd_fdb_flush(struct ctl *c, json_t *args, char *err, size_t size)
{
	int seg = -1, src = -1, src_id = -1, r;
	const char *s;
	uint32_t vni;
	uint16_t idx;

	if ((r = arg_u32(args, "vni", CFG_VNI_MAX, &vni, err, size)) < 0)
		return NULL;
	if (r > 0) {
		if (seg_of_vni(c, vni, &idx, err, size) < 0)
			return NULL;
		seg = idx;
	}
	if ((r = arg_str(args, "source", &s, err, size)) < 0)
		return NULL;
	if (r > 0 && view_src_parse(c, s, &src, &src_id) < 0) {
		snprintf(err, size, "argument source: unknown source \"%s\"", s);
		return NULL;
	}
	return json_pack("{s:i}", "deleted", (int)map_fdb_flush(c->map, seg, src, src_id));
}

static json_t *
cmd_reload(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args;
	if (ctl_reload(c, err, size) < 0)
		return NULL;
	return json_pack("{s:b, s:s}", "reloaded", 1, "config", c->cfg_path);
}

static json_t *
cmd_version(struct ctl *c, json_t *args, char *err, size_t size)
{
	(void)args, (void)err, (void)size;
	return json_pack("{s:s, s:s, s:s}", "version", VTEPD_VERSION, "gateway",
	                 c->cfg->gateway.name, "config", c->cfg_path);
}

static const char *const no_args[] = {NULL};
static const char *const fdb_show_args[] = {"vni", "mac", "source", "limit", NULL};
static const char *const fdb_add_args[] = {"vni", "mac", "vtep", NULL};
static const char *const fdb_del_args[] = {"vni", "mac", NULL};
static const char *const fdb_flush_args[] = {"vni", "source", NULL};
static const char *const drops_args[] = {"all", NULL};
static const char *const source_args[] = {"source", NULL};

static const struct mgmt_cmd cmds[] = {
        {"show ports", no_args, cmd_show_ports, "ports, link, packet and device counters"},
        {"show segments", no_args, cmd_show_segments, "segments with their counters"},
        {"show fdb", fdb_show_args, cmd_show_fdb, "FDB entries (filters: vni, mac, source, limit)"},
        {"show vteps", no_args, cmd_show_vteps, "remote VTEPs, next hops and counters"},
        {"show neighbors", no_args, cmd_show_neighbors, "ARP state of the underlay next hops"},
        {"show counters", no_args, cmd_show_counters, "every counter"},
        {"show lcores", no_args, cmd_show_lcores, "forwarding lcores: queues, polls, stalls"},
        {"show drops", drops_args, cmd_show_drops, "drop reasons (all: include zero)"},
        {"show managers", no_args, cmd_show_managers, "hypervisor-manager sources"},
        {"show bindings", source_args, cmd_show_bindings, "what the managers reported, per MAC"},
        {"fdb add", fdb_add_args, cmd_fdb_add, "add a static entry (vni, mac, vtep)"},
        {"fdb del", fdb_del_args, cmd_fdb_del, "delete an entry of any source (vni, mac)"},
        {"fdb flush", fdb_flush_args, cmd_fdb_flush, "delete entries (filters: vni, source)"},
        {"reload", no_args, cmd_reload, "re-read the configuration file and apply the changes"},
        {"version", no_args, cmd_version, "version, gateway name, configuration file"},
};

static bool
arg_known(const struct mgmt_cmd *cmd, const char *name)
{
	for (const char *const *a = cmd->args; *a != NULL; a++)
		if (strcmp(*a, name) == 0)
			return true;
	return false;
}

json_t *
mgmt_dispatch(struct ctl *c, const char *command, json_t *args, char *err, size_t size)
{
	const char *key;
	json_t *v;

	err[0] = '\0';
	if (args != NULL && !json_is_object(args)) {
		snprintf(err, size, "\"args\" must be an object");
		return NULL;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmds[i].name, command) != 0)
			continue;
		json_object_foreach (args, key, v) {
			if (!arg_known(&cmds[i], key)) {
				snprintf(err, size, "%s: unknown argument \"%s\"", command, key);
				return NULL;
			}
		}
		return cmds[i].fn(c, args, err, size);
	}
	snprintf(err, size, "unknown command \"%s\"", command);
	return NULL;
}
