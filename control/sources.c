/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sources.c - the hypervisor-manager sources as configured: one worker per
 * vCenter / ESXi / XenServer pool, started, restarted on a configuration
 * change, stopped. Source ids are 1 + the manager's index in the
 * configuration that started it; a source keeps its id while it runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ctl.h"
#include "vcenter/vc.h"
#include "xenapi/xapi.h"

/* Everything a running source was started with, as one string: a reload
 * restarts a source exactly when this changes (the old configuration is
 * freed by then, so nothing may point into it). */
static char *
manager_signature(const struct cfg_manager *m)
{
	size_t size = 8192 + (size_t)m->nb_members * CFG_URL_MAX;
	char *sig = malloc(size);
	size_t off;

	if (sig == NULL)
		return NULL;
	off = (size_t)snprintf(sig, size, "%d|%s|%s|%s|%s|%s|%s|%s|%d|%s|%s|%u|%u|%u|%u|%u",
	                       m->type, m->name, m->url, m->username, m->password_file,
	                       m->password_env, m->ca_file, m->fingerprint, m->insecure,
	                       m->pool_uuid, m->transport_network, m->timeout_s, m->wait_s,
	                       m->backoff_min_ms, m->backoff_max_ms, m->flush_after_s);
	for (unsigned i = 0; i < m->nb_members && off < size; i++)
		off += (size_t)snprintf(sig + off, size - off, "|%s", m->members[i]);
	return sig;
}

static struct src *
source_start(struct ctl *c, const struct cfg_manager *mc, uint16_t id)
{
	struct src *s;

	if (mc->type == CFG_MGR_VCENTER)
		s = vc_source_start(mc, id, c->srcq);
	else
		s = xapi_source_start(mc, id, c->srcq);
	if (s == NULL) {
		LOG_ERR(ctl, "manager %s: cannot start its worker", mc->name);
		return NULL;
	}
	s->id = id;
	s->type = mc->type;
	snprintf(s->name, sizeof(s->name), "%s", mc->name);
	LOG_INFO(ctl, "manager %s (%s, %s): source %u started", mc->name,
	         mc->type == CFG_MGR_VCENTER ? "vcenter" : "xenapi", mc->url, id);
	return s;
}

static void
source_stop(struct ctl *c, unsigned i)
{
	struct src *s = c->srcs[i];
	struct src_update u = {.op = SRC_OP_FLUSH, .src_id = s->id};

	s->ops->stop(s->impl);
	s->ops->destroy(s->impl);
	/* Its bindings go with it: a removed manager's MACs must not linger. */
	src_queue_post(c->srcq, &u);
	c->srcs[i] = c->srcs[--c->nb_srcs];
}

void
ctl_sources_reconcile(struct ctl *c)
{
	const struct cfg *cfg = c->cfg;
	bool keep[SRC_MAX] = {false};

	if (c->srcq == NULL)
		return;
	for (unsigned i = 0; i < c->nb_srcs;) {
		struct src *s = c->srcs[i];
		unsigned j = s->id - 1u;
		char *sig = j < cfg->nb_managers ? manager_signature(&cfg->managers[j]) : NULL;

		if (sig != NULL && c->src_sig[j] != NULL && strcmp(sig, c->src_sig[j]) == 0) {
			keep[j] = true;
			free(sig);
			i++;
			continue;
		}
		free(sig);
		LOG_INFO(ctl, "manager %s: configuration changed or removed, stopping source %u",
		         s->name, s->id);
		free(c->src_sig[j]);
		c->src_sig[j] = NULL;
		source_stop(c, i);
	}
	for (unsigned j = 0; j < cfg->nb_managers && j < SRC_MAX; j++) {
		struct src *s;

		if (keep[j])
			continue;
		s = source_start(c, &cfg->managers[j], (uint16_t)(j + 1));
		if (s == NULL)
			continue;
		c->srcs[c->nb_srcs++] = s;
		c->src_sig[j] = manager_signature(&cfg->managers[j]);
	}
}

void
ctl_sources_stop(struct ctl *c)
{
	while (c->nb_srcs > 0) {
		struct src *s = c->srcs[c->nb_srcs - 1];
		uint16_t id = s->id; /* s lives inside impl: gone after destroy */

		s->ops->stop(s->impl);
		s->ops->destroy(s->impl);
		free(c->src_sig[id - 1]);
		c->src_sig[id - 1] = NULL;
		c->nb_srcs--;
	}
}
