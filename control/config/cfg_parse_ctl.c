/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_parse_ctl.c - JSON -> struct cfg, second half: the control-plane
 * sections (sites, hosts, managers, limits, dataplane, control,
 * telemetry, log). See cfg_parse.c for how the tables work.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_private.h"
#include "common/netaddr.h"

#define CFG_LISTEN_DEFAULT "127.0.0.1:9469"

/* A list key that is present and not empty (or not even a list: that is
 * reported on its own, and must not also count as missing). */
static bool
list_given(const json_t *v)
{
	return v != NULL && (!json_is_array(v) || json_array_size(v) > 0);
}

static const struct cfg_key site_keys[] = {
        {"name", CFG_KEY_NAME(struct cfg_site, name)},
        /* Required unless this is gateway.site: cfg_check.c. */
        {"vtep", cfg_key_ipv4, CFG_FIELD(struct cfg_site, vtep)},
        {"hosts", cfg_key_strings, CFG_LIST(struct cfg_site, hosts, nb_hosts),
         .check = cfg_check_label, .what = "host pattern", .flags = CFG_K_UNIQUE},
        {"clusters", cfg_key_strings, CFG_LIST(struct cfg_site, clusters, nb_clusters),
         .check = cfg_check_label, .what = "cluster", .flags = CFG_K_UNIQUE},
        {NULL},
};

static void
site_item(struct cfg_load *l, const json_t *v, void *item, unsigned i)
{
	uint64_t seen = cfg_object(l, v, item, site_keys, CFG_V_ANY);

	l->site_vtep_given[i] = cfg_seen(site_keys, seen, "vtep");
	if (!list_given(json_object_get(v, "hosts")) && !list_given(json_object_get(v, "clusters")))
		cfg_err(l, "needs hosts or clusters");
}

void
cfg_sec_sites(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg *c = obj;

	(void)k;
	l->site_vtep_given = cfg_calloc(l, json_array_size(v), sizeof(*l->site_vtep_given));
	c->sites = cfg_items(l, v, 0, sizeof(*c->sites), &c->nb_sites, site_item);
}

static const struct cfg_key host_keys[] = {
        {"name", cfg_key_string, CFG_FIELD(struct cfg_host, name), .check = cfg_check_label,
         .required = CFG_V_ANY},
        {"vtep", cfg_key_ipv4, CFG_FIELD(struct cfg_host, vtep), .required = CFG_V_ANY},
        {NULL},
};

static void
host_item(struct cfg_load *l, const json_t *v, void *item, unsigned i)
{
	(void)i;
	cfg_object(l, v, item, host_keys, CFG_V_ANY);
}

void
cfg_sec_hosts(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg *c = obj;

	(void)k;
	c->hosts = cfg_items(l, v, 0, sizeof(*c->hosts), &c->nb_hosts, host_item);
}

/* https://host..., or http://host... (allowed with "insecure": true only,
 * which needs the manager's other keys: manager_rules()). */
static bool
check_url(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	const char *host = NULL;

	(void)k;
	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	if (host != NULL && *host != '\0' && *host != '/') {
		for (const char *p = s; *p != '\0'; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f)
				goto bad;
		return true;
	}
bad:
	cfg_err(l, "%s is not an https:// URL", CFG_Q(s));
	return false;
}

/* A POSIX environment variable name. */
static bool
check_env(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";

	(void)k;
	if (s[0] != '\0' && strchr(alpha, s[0]) != NULL &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789") ==
	            strlen(s))
		return true;
	cfg_err(l, "%s is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)", CFG_Q(s));
	return false;
}

static bool
is_hex(char ch)
{
	return ch != '\0' && strchr("0123456789abcdefABCDEF", ch) != NULL;
}

/* SHA-256 as 64 hex digits, bare or as 32 colon-separated pairs. */
static bool
check_fingerprint(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	size_t len = strlen(s), i = 0;

	(void)k;
	if (len == 64)
		while (i < len && is_hex(s[i]))
			i++;
	if (len == 95)
		while (i < len && (i % 3 == 2 ? s[i] == ':' : is_hex(s[i])))
			i++;
	if (i == len && (len == 64 || len == 95))
		return true;
	cfg_err(l,
	        "%s is not a SHA-256 fingerprint (64 hex digits, pairs may be separated by colons)",
	        CFG_Q(s));
	return false;
}

/* 8-4-4-4-12 hex digits. */
static bool
check_uuid(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	size_t i;

	(void)k;
	for (i = 0; s[i] != '\0' && i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !is_hex(s[i]))
			break;
	}
	if (i == 36 && s[i] == '\0')
		return true;
	cfg_err(l, "%s is not a UUID (8-4-4-4-12 hex digits)", CFG_Q(s));
	return false;
}

static const char *const mgr_types[] = {"vcenter", "xenapi", NULL};

static const struct cfg_key manager_keys[] = {
        {"type", cfg_key_enum, CFG_FIELD(struct cfg_manager, type), .choices = mgr_types,
         .required = CFG_V_ANY},
        {"name", CFG_KEY_NAME(struct cfg_manager, name)},
        {"url", cfg_key_string, CFG_FIELD(struct cfg_manager, url), .check = check_url,
         .required = CFG_V_ANY},
        {"username", cfg_key_string, CFG_FIELD(struct cfg_manager, username),
         .check = cfg_check_label, .required = CFG_V_ANY},
        /* A secret in a file that is read, copied and printed is no secret. */
        {"password", cfg_key_reject,
         .what = "passwords are read from password_file or password_env, never from the "
                 "configuration"},
        {"password_file", cfg_key_string, CFG_FIELD(struct cfg_manager, password_file),
         .check = cfg_check_abspath},
        {"password_env", cfg_key_string, CFG_FIELD(struct cfg_manager, password_env),
         .check = check_env},
        {"ca_file", cfg_key_string, CFG_FIELD(struct cfg_manager, ca_file),
         .check = cfg_check_abspath},
        {"fingerprint", cfg_key_string, CFG_FIELD(struct cfg_manager, fingerprint),
         .check = check_fingerprint},
        {"insecure", cfg_key_bool, CFG_FIELD(struct cfg_manager, insecure), .def = false},
        {"members", cfg_key_strings, CFG_LIST(struct cfg_manager, members, nb_members),
         .check = check_url, .what = "URL", .flags = CFG_K_UNIQUE, .only = CFG_V_XENAPI},
        {"pool_uuid", cfg_key_string, CFG_FIELD(struct cfg_manager, pool_uuid), .check = check_uuid,
         .only = CFG_V_XENAPI},
        {"transport_network", cfg_key_string, CFG_FIELD(struct cfg_manager, transport_network),
         .check = cfg_check_label, .only = CFG_V_XENAPI},
        {"timeout_s", cfg_key_uint, CFG_FIELD(struct cfg_manager, timeout_s), .min = 1, .max = 3600,
         .def = 30},
        {"wait_s", cfg_key_uint, CFG_FIELD(struct cfg_manager, wait_s), .min = 1, .max = 3600,
         .def = 30},
        {"backoff_min_ms", cfg_key_uint, CFG_FIELD(struct cfg_manager, backoff_min_ms), .min = 10,
         .max = 600000, .def = 500},
        /* Below backoff_min_ms when absent: raised to it (manager_rules()). */
        {"backoff_max_ms", cfg_key_uint, CFG_FIELD(struct cfg_manager, backoff_max_ms), .min = 10,
         .max = 3600000, .def = 30000},
        {"flush_after_s", cfg_key_uint, CFG_FIELD(struct cfg_manager, flush_after_s), .min = 0,
         .max = 31536000, .def = 0},
        {NULL},
};

/* Plain http is only for a lab that said "insecure": true. */
static void
manager_http(struct cfg_load *l, const struct cfg_manager *m, const char *url, const char *key,
             long index)
{
	size_t mark;

	if (m->insecure || strncmp(url, "http://", 7) != 0)
		return;
	mark = cfg_path_key(l, key);
	if (index >= 0)
		cfg_path_index(l, (size_t)index);
	cfg_err(l, "%s is plain http, allowed only with \"insecure\": true", CFG_Q(url));
	cfg_path_pop(l, mark);
}

/* Rules between the keys of one manager. */
static void
manager_rules(struct cfg_load *l, struct cfg_manager *m, uint64_t seen)
{
	bool file = cfg_seen(manager_keys, seen, "password_file");
	bool env = cfg_seen(manager_keys, seen, "password_env");

	if (file && env)
		cfg_err(l, "password_file and password_env are mutually exclusive");
	else if (!file && !env)
		cfg_err(l, "needs password_file or password_env");
	if (m->insecure && cfg_seen(manager_keys, seen, "ca_file"))
		cfg_err(l, "insecure and ca_file are mutually exclusive");
	if (m->insecure && cfg_seen(manager_keys, seen, "fingerprint"))
		cfg_err(l, "insecure and fingerprint are mutually exclusive");
	manager_http(l, m, m->url, "url", -1);
	for (unsigned i = 0; i < m->nb_members; i++)
		manager_http(l, m, m->members[i], "members", i);
	if (m->backoff_max_ms >= m->backoff_min_ms)
		return;
	if (!cfg_seen(manager_keys, seen, "backoff_max_ms")) {
		m->backoff_max_ms = m->backoff_min_ms;
	} else {
		size_t mark = cfg_path_key(l, "backoff_max_ms");

		cfg_err(l, "%u is less than backoff_min_ms (%u)", m->backoff_max_ms,
		        m->backoff_min_ms);
		cfg_path_pop(l, mark);
	}
}

static void
manager_item(struct cfg_load *l, const json_t *v, void *item, unsigned i)
{
	static const unsigned variants[] = {CFG_V_VCENTER, CFG_V_XENAPI};
	int type = cfg_peek_choice(v, "type", mgr_types);
	uint64_t seen;

	(void)i;
	seen = cfg_object(l, v, item, manager_keys, CFG_V_ANY | (type >= 0 ? variants[type] : 0));
	manager_rules(l, item, seen);
}

void
cfg_sec_managers(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg *c = obj;

	(void)k;
	c->managers = cfg_items(l, v, CFG_MAX_MANAGERS, sizeof(*c->managers), &c->nb_managers,
	                        manager_item);
}

const struct cfg_key cfg_limits_keys[] = {
        {"fdb_max", cfg_key_uint, CFG_FIELD(struct cfg_limits, fdb_max), .min = 1, .max = 16777216,
         .def = 1048576},
        {"vteps_max", cfg_key_uint, CFG_FIELD(struct cfg_limits, vteps_max), .min = 1, .max = 65535,
         .def = 4096},
        {"segments_max", cfg_key_uint, CFG_FIELD(struct cfg_limits, segments_max), .min = 1,
         .max = 65535, .def = 4096},
        {"ageing_s", cfg_key_uint, CFG_FIELD(struct cfg_limits, ageing_s), .min = 10,
         .max = 1000000, .def = 300},
        {NULL},
};

/* "lcores": forwarding lcores, 1..127, each once. lcore 0 runs EAL's main
 * thread, which is the control thread: it never polls a queue. */
static void
dp_lcores(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg_dataplane *d = obj;
	size_t i;
	json_t *e;

	if (v == NULL || cfg_array_size(l, v, CFG_MAX_LCORES) <= 0)
		return;
	json_array_foreach (v, i, e) {
		size_t j = 0, mark = cfg_path_index(l, i);
		json_int_t x = json_integer_value(e);

		while (j < i && (json_int_t)d->lcores[j] != x)
			j++;
		if (!json_is_integer(e))
			cfg_err(l, "expected an integer");
		else if (x == 0)
			cfg_err(l, "lcore 0 is the main (control) lcore and cannot forward");
		else if (x < (json_int_t)k->min || x > (json_int_t)k->max)
			cfg_err(l, "%lld is out of range %llu..%llu", (long long)x,
			        (unsigned long long)k->min, (unsigned long long)k->max);
		else if (j < i)
			cfg_err(l, "duplicate lcore %lld (also %.*s[%zu])", (long long)x, (int)mark,
			        l->path, j);
		else
			d->lcores[i] = (unsigned)x;
		cfg_path_pop(l, mark);
	}
	d->nb_lcores = (unsigned)i;
}

const struct cfg_key cfg_dataplane_keys[] = {
        {"lcores", dp_lcores, .min = 1, .max = 127},
        {"nb_mbufs", cfg_key_uint, CFG_FIELD(struct cfg_dataplane, nb_mbufs), .min = 1024,
         .max = 16777216, .def = 0, .flags = CFG_K_ZERO_OK},
        {"idle_backoff", cfg_key_bool, CFG_FIELD(struct cfg_dataplane, idle_backoff), .def = true},
        {"idle_max_us", cfg_key_uint, CFG_FIELD(struct cfg_dataplane, idle_max_us), .min = 1,
         .max = 1000, .def = 50},
        {NULL},
};

/* "socket_mode": "0660"; nothing for others, since the socket can
 * reconfigure the gateway. */
static void
ctl_socket_mode(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	struct cfg_control *ctl = obj;
	const char *s = k->def_str;
	size_t len;
	unsigned long mode;

	if (v != NULL && !cfg_json_str(l, v, &s))
		return;
	len = strlen(s);
	if (len < 3 || len > 4 || strspn(s, "01234567") != len || (len == 4 && s[0] != '0')) {
		cfg_err(l, "%s is not an octal mode like \"0660\"", CFG_Q(s));
		return;
	}
	mode = strtoul(s, NULL, 8);
	if (mode & CFG_MODE_OTHERS) {
		cfg_err(l, "%s gives access to others (mode & 0007 must be 0)", CFG_Q(s));
		return;
	}
	ctl->socket_mode = (uint32_t)mode;
}

static bool
check_group(struct cfg_load *l, const char *s, const struct cfg_key *k)
{
	(void)k;
	for (const char *p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == ':' || *p == '/') {
			cfg_err(l, "%s is not a group name", CFG_Q(s));
			return false;
		}
	}
	return true;
}

const struct cfg_key cfg_control_keys[] = {
        {"socket", cfg_key_string, CFG_FIELD(struct cfg_control, socket),
         .check = cfg_check_abspath, .max = CFG_SOCKET_MAX, .def_str = "/run/vtepd/vtepd.sock"},
        {"socket_mode", ctl_socket_mode, .def_str = "0660"},
        {"socket_group", cfg_key_string, CFG_FIELD(struct cfg_control, socket_group),
         .check = check_group},
        {NULL},
};

/* "listen": "A.B.C.D:port", stored as canonical text. */
static void
tel_listen(struct cfg_load *l, const json_t *v, void *obj, const struct cfg_key *k)
{
	char ip_str[NETADDR_IPV4_STRLEN];
	const char *s = k->def_str, *colon, *kind;
	uint64_t port;
	uint32_t ip;

	if (v != NULL && !cfg_json_str(l, v, &s))
		return;
	colon = strrchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof(ip_str))
		goto bad;
	snprintf(ip_str, sizeof(ip_str), "%.*s", (int)(colon - s), s);
	if (netaddr_ipv4_parse(ip_str, &ip) < 0 || netaddr_u64_parse(colon + 1, 1, 65535, &port))
		goto bad;
	kind = cfg_ipv4_not_unicast(ip);
	if (ip != 0 && kind != NULL && strcmp(kind, "loopback") != 0) {
		cfg_err(l, "%s is not a unicast address (%s)", CFG_Q(s), kind);
		return;
	}
	snprintf((char *)obj + k->off, k->size, "%s:%u", ip_str, (unsigned)port);
	return;
bad:
	cfg_err(l, "%s is not an address:port like \"%s\"", CFG_Q(s), CFG_LISTEN_DEFAULT);
}

const struct cfg_key cfg_telemetry_keys[] = {
        {"prometheus", cfg_key_bool, CFG_FIELD(struct cfg_telemetry, prometheus), .def = true},
        {"listen", tel_listen, CFG_FIELD(struct cfg_telemetry, listen),
         .def_str = CFG_LISTEN_DEFAULT},
        {NULL},
};

static const char *const log_levels[] = {"error", "warning", "info", "debug", NULL};

const struct cfg_key cfg_log_keys[] = {
        {"level", cfg_key_string, CFG_FIELD(struct cfg_log, level), .check = cfg_check_choice,
         .choices = log_levels, .def_str = "info"},
        {"syslog", cfg_key_bool, CFG_FIELD(struct cfg_log, syslog), .def = false},
        {NULL},
};
