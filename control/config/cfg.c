/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg.c - loading a configuration (parse -> check -> resolve, see
 * cfg_private.h), freeing it, and looking things up in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_private.h"

/* Jansson allocation failures in this thread (cfg_json_guard_install()). */
static _Thread_local unsigned long json_failures;
static void *(*json_malloc_under)(size_t) = malloc;
static void (*json_free_under)(void *) = free;

static void *
json_guard_malloc(size_t size)
{
	void *p = json_malloc_under(size);

	if (p == NULL)
		json_failures++;
	return p;
}

static void
json_guard_free(void *p)
{
	json_free_under(p);
}

void
cfg_json_guard_install(void *(*malloc_fn)(size_t), void (*free_fn)(void *))
{
	json_malloc_under = malloc_fn != NULL ? malloc_fn : malloc;
	json_free_under = free_fn != NULL ? free_fn : free;
	json_set_alloc_funcs(json_guard_malloc, json_guard_free);
}

static void
load_done(struct cfg_load *l)
{
	free(l->seg_port);
	free(l->port_role_ok);
	free(l->port_clean);
	free(l->site_vtep_given);
}

/* The whole pipeline over a buffer that need not be NUL-terminated. */
static struct cfg *
load_buf(const char *buf, size_t len, const char *file, struct cfg_errors *errs)
{
	struct cfg_load l = {.file = file, .errs = errs};
	unsigned long json_failures_before = json_failures;
	json_error_t jerr;
	json_t *root;

	if ((l.c = calloc(1, sizeof(*l.c))) == NULL) {
		l.oom = true;
		goto err;
	}
	snprintf(l.c->file, sizeof(l.c->file), "%s", file);
	/* Duplicate keys are errors: with them, which value wins is luck. */
	memset(&jerr, 0, sizeof(jerr));
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (json_failures != json_failures_before) {
		json_decref(root); /* possibly parsed from a cut token */
		l.oom = true;
		goto err;
	}
	if (root == NULL) {
		/* Jansson reports some allocation failures (lex_init(), a
		 * json_object() in the parser) with no text and no code at
		 * all; every syntax error has a text. */
		if (json_error_code(&jerr) == json_error_out_of_memory || jerr.text[0] == '\0')
			l.oom = true;
		else
			cfg_err_syntax(&l, &jerr);
		goto err;
	}
	cfg_parse(&l, root);
	json_decref(root);
	if (!l.oom)
		cfg_check(&l);
	if (l.nb_errors != 0 || l.oom)
		goto err;
	cfg_resolve(&l);
	load_done(&l);
	return l.c;

err:
	if (l.oom)
		cfg_err_oom(&l); /* best effort: it may not be stored */
	load_done(&l);
	cfg_free(l.c);
	errno = l.oom ? ENOMEM : EINVAL;
	return NULL;
}

/* Read a whole file, at most CFG_FILE_MAX bytes. @return 0 or -errno. */
static int
read_file(const char *path, char **out, size_t *out_len)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *grown = realloc(buf, cap = cap != 0 ? cap * 2 : 4096);

			if (grown == NULL) {
				r = -ENOMEM;
				break;
			}
			buf = grown;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		if ((len += (size_t)n) > CFG_FILE_MAX) {
			r = -EFBIG;
			break;
		}
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

struct cfg *
cfg_load_file(const char *path, struct cfg_errors *errs)
{
	struct cfg_load l = {.file = path, .errs = errs};
	struct cfg *c;
	size_t len = 0;
	char *buf = NULL;
	int r;

	if (path == NULL) {
		errno = EINVAL;
		return NULL;
	}
	r = read_file(path, &buf, &len);
	if (r == -EFBIG)
		cfg_err_at(&l, NULL, "cannot read: larger than %u bytes", CFG_FILE_MAX);
	else if (r == -ENOMEM)
		cfg_err_oom(&l);
	else if (r < 0)
		cfg_err_at(&l, NULL, "cannot read: %s", strerror(-r));
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	c = load_buf(buf, len, path, errs);
	r = errno;
	free(buf);
	errno = r;
	return c;
}

struct cfg *
cfg_load_string(const char *json, const char *name, struct cfg_errors *errs)
{
	if (json == NULL) {
		errno = EINVAL;
		return NULL;
	}
	return load_buf(json, strlen(json), name != NULL ? name : "<string>", errs);
}

void
cfg_free(struct cfg *c)
{
	if (c == NULL)
		return;
	for (unsigned i = 0; i < c->nb_segments; i++) {
		free(c->segments[i].flood);
		free(c->segments[i].networks);
	}
	for (unsigned i = 0; i < c->nb_sites; i++) {
		free(c->sites[i].hosts);
		free(c->sites[i].clusters);
	}
	for (unsigned i = 0; i < c->nb_managers; i++)
		free(c->managers[i].members);
	for (unsigned i = 0; i < c->nb_ports; i++)
		free(c->ports[i].neighbors);
	free(c->ports);
	free(c->tenants);
	free(c->segments);
	free(c->fdb);
	free(c->sites);
	free(c->hosts);
	free(c->managers);
	free(c);
}

int
cfg_segment_by_vni(const struct cfg *c, uint32_t vni)
{
	for (unsigned i = 0; i < c->nb_segments; i++)
		if (c->segments[i].vni == vni)
			return (int)i;
	return -1;
}

int
cfg_port_by_name(const struct cfg *c, const char *name)
{
	for (unsigned i = 0; i < c->nb_ports; i++)
		if (strcmp(c->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
cfg_underlay_port(const struct cfg *c)
{
	for (unsigned i = 0; i < c->nb_ports; i++)
		if (c->ports[i].role == CFG_PORT_UNDERLAY)
			return (int)i;
	return -1;
}
