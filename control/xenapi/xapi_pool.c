/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_pool.c - finding and logging in to the pool master.
 *
 * Only the master accepts session.login_with_password; a member answers
 * HOST_IS_SLAVE with the master's address (an IP, no scheme, no port). We
 * follow it with the scheme and port of the URL that answered, since all
 * members of a pool listen alike.
 *
 * After login the pool record is read and its uuid compared with the one
 * expected (configured, or the first one seen). This is what stops a host
 * that was ejected from the pool - it becomes the master of a new pool of
 * its own and still answers at its old address - from leading us into the
 * wrong pool after a failover.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "xapi_private.h"

#define XAPI_LOGIN_VERSION "1.1" /* the datamodel's default for 'version' */
#define XAPI_ORIGINATOR    "vtepd"
#define MAX_REDIRECTS      3

/* A long outage repeats these every backoff round, for every candidate. */
static struct log_rl cand_rl = LOG_RL_INIT(10, 60);
static struct log_rl redirect_rl = LOG_RL_INIT(10, 60);

/* Length of "scheme://authority" in @p url, or 0 if it has no "://". */
static size_t
base_len(const char *url)
{
	const char *sep = strstr(url, "://");

	if (sep == NULL || sep == url)
		return 0;
	return (size_t)(sep + 3 - url) + strcspn(sep + 3, "/?#");
}

int
xapi_url_for_address(const char *ref_url, const char *address, char *out, size_t size)
{
	size_t blen = base_len(ref_url), scheme_len, port_len = 0;
	const char *auth, *host_end;
	bool v6;
	int n;

	if (blen == 0 || address[0] == '\0' || address[strcspn(address, "/?#@ \t\r\n")] != '\0')
		return -EINVAL;
	auth = strstr(ref_url, "://") + 3;
	scheme_len = (size_t)(auth - ref_url);
	if (auth[strcspn(auth, "@/?#")] == '@')
		auth += strcspn(auth, "@") + 1; /* userinfo is not ours to copy */
	host_end = auth[0] == '[' ? strchr(auth, ']') : auth;
	if (host_end == NULL)
		return -EINVAL;
	host_end += strcspn(host_end, ":/?#");
	if (*host_end == ':' && host_end < ref_url + blen)
		port_len = (size_t)(ref_url + blen - host_end);
	/* An IPv6 literal must be bracketed in a URL. */
	v6 = strchr(address, ':') != NULL && address[0] != '[';
	n = snprintf(out, size, "%.*s%s%s%s%.*s", (int)scheme_len, ref_url, v6 ? "[" : "", address,
	             v6 ? "]" : "", (int)port_len, host_end);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

void
xapi_cands_clear(struct xapi_cands *c)
{
	c->nb = 0;
}

void
xapi_cands_free(struct xapi_cands *c)
{
	free(c->urls);
	c->urls = NULL;
	c->nb = c->cap = 0;
}

int
xapi_cands_add(struct xapi_cands *c, const char *url)
{
	size_t blen = base_len(url);

	if (blen == 0 || blen >= CFG_URL_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < c->nb; i++)
		if (strlen(c->urls[i]) == blen && strncmp(c->urls[i], url, blen) == 0)
			return 0;
	if (c->nb == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 8;
		void *p = realloc(c->urls, (size_t)cap * sizeof(*c->urls));

		if (p == NULL)
			return -ENOMEM;
		c->urls = p;
		c->cap = cap;
	}
	snprintf(c->urls[c->nb++], CFG_URL_MAX, "%.*s", (int)blen, url);
	return 0;
}

int
xapi_session_login(struct xapi_rpc *rpc, const char *url, const struct xapi_login *lg,
                   char *session, size_t size, struct xapi_err *err)
{
	const struct xapi_value params[] = {
	        xapi_str(lg->username),
	        xapi_str(lg->password),
	        xapi_str(XAPI_LOGIN_VERSION),
	        xapi_str(XAPI_ORIGINATOR),
	};
	struct xapi_reply reply;
	int r;

	xapi_rpc_set_server(rpc, url);
	r = xapi_rpc_call(rpc, "session.login_with_password", params, 4, lg->timeout_ms, &reply,
	                  err);
	if (r < 0)
		return r;
	if (reply.value->type != XAPI_STRING || reply.value->nb == 0 || reply.value->nb >= size) {
		xapi_reply_free(&reply);
		xapi_err_set(err, "session.login_with_password: no session reference returned");
		return -EBADMSG;
	}
	snprintf(session, size, "%s", reply.value->u.s);
	xapi_reply_free(&reply);
	return 0;
}

void
xapi_session_logout(struct xapi_rpc *rpc, const char *session, uint32_t timeout_ms)
{
	const struct xapi_value params[] = {xapi_str(session)};
	struct xapi_reply reply;
	struct xapi_err err;

	if (session[0] == '\0')
		return;
	if (xapi_rpc_call(rpc, "session.logout", params, 1, timeout_ms, &reply, &err) == 0)
		xapi_reply_free(&reply);
}

/* The pool this master leads, checked against the one we follow. */
static int
check_pool(struct xapi_rpc *rpc, const struct xapi_login *lg, struct xapi_master *m,
           struct xapi_err *err)
{
	const struct xapi_value params[] = {xapi_str(m->session)};
	const struct xapi_value *rec;
	struct xapi_reply reply;
	int r;

	r = xapi_rpc_call(rpc, "pool.get_all_records", params, 1, lg->timeout_ms, &reply, err);
	if (r < 0)
		return r;
	if (reply.value->type != XAPI_STRUCT || reply.value->nb != 1 ||
	    reply.value->u.members[0].v.type != XAPI_STRUCT) {
		xapi_reply_free(&reply);
		xapi_err_set(err, "pool.get_all_records: not exactly one pool");
		return -EBADMSG;
	}
	rec = &reply.value->u.members[0].v;
	snprintf(m->pool_ref, sizeof(m->pool_ref), "%s", reply.value->u.members[0].name);
	snprintf(m->pool_uuid, sizeof(m->pool_uuid), "%s", xapi_get_str(rec, "uuid"));
	snprintf(m->master_ref, sizeof(m->master_ref), "%s", xapi_get_str(rec, "master"));
	xapi_reply_free(&reply);
	if (lg->want_pool_uuid[0] != '\0' && strcmp(m->pool_uuid, lg->want_pool_uuid) != 0) {
		xapi_err_set(
		        err,
		        "%s: master of pool %s, not of pool %s (a host ejected from the pool?)",
		        xapi_rpc_server(rpc), m->pool_uuid, lg->want_pool_uuid);
		return -EXDEV;
	}
	return 0;
}

/* URLs that failed in the current round: every member names the same
 * master, and a hung master costs timeout_s each time it is asked. */
struct failed {
	char urls[16][CFG_URL_MAX];
	unsigned nb;
};

static bool
failed_before(const struct failed *f, const char *url)
{
	for (unsigned i = 0; i < f->nb; i++)
		if (strcmp(f->urls[i], url) == 0)
			return true;
	return false;
}

static void
failed_add(struct failed *f, const char *url)
{
	if (f->nb < sizeof(f->urls) / sizeof(f->urls[0]) && !failed_before(f, url))
		snprintf(f->urls[f->nb++], CFG_URL_MAX, "%s", url);
}

/* Name the host in a XenAPI failure (transport errors already do). */
static void
name_host(struct xapi_err *err, const char *url)
{
	char text[sizeof(err->text)];

	if (err->code[0] == '\0')
		return;
	snprintf(text, sizeof(text), "%s: %s", url, err->text);
	memcpy(err->text, text, sizeof(text));
}

/* Log in at @p url, following HOST_IS_SLAVE to the master. */
static int
try_candidate(struct xapi_rpc *rpc, const char *url, const struct xapi_login *lg,
              struct xapi_master *m, struct failed *f, struct xapi_err *err)
{
	char cur[CFG_URL_MAX], next[CFG_URL_MAX];
	int r;

	snprintf(cur, sizeof(cur), "%s", url);
	for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
		if (failed_before(f, cur))
			return -EAGAIN; /* the caller kept why it failed */
		r = xapi_session_login(rpc, cur, lg, m->session, sizeof(m->session), err);
		if (r == -EREMOTEIO && strcmp(err->code, "HOST_IS_SLAVE") == 0) {
			if (err->nb_params == 0 ||
			    xapi_url_for_address(cur, err->params[0], next, sizeof(next)) < 0) {
				xapi_err_set(err, "%s: HOST_IS_SLAVE without a usable address",
				             cur);
				return -EBADMSG;
			}
			if (strcmp(next, cur) == 0) {
				xapi_err_set(err, "%s: says it is a member of itself", cur);
				return -ELOOP;
			}
			LOG_INFO_RL(&redirect_rl, xapi, "%s: %s is a member; the master is %s",
			            lg->name, cur, next);
			snprintf(cur, sizeof(cur), "%s", next);
			continue;
		}
		if (r == 0)
			r = check_pool(rpc, lg, m, err);
		if (r < 0) {
			if (m->session[0] != '\0')
				xapi_session_logout(rpc, m->session, lg->timeout_ms);
			m->session[0] = '\0';
			failed_add(f, cur);
			name_host(err, cur);
			return r;
		}
		snprintf(m->url, sizeof(m->url), "%s", cur);
		return 0;
	}
	xapi_err_set(err, "%s: more than %d HOST_IS_SLAVE redirects", url, MAX_REDIRECTS);
	return -ELOOP;
}

int
xapi_locate_master(struct xapi_rpc *rpc, const struct xapi_cands *cands,
                   const struct xapi_login *lg, struct xapi_master *m, struct xapi_err *err)
{
	struct failed *f = calloc(1, sizeof(*f));
	struct xapi_err *last_err = calloc(1, sizeof(*last_err));
	int r = -ENOMEM, last = -ENOENT;
	struct xapi_master cur;

	memset(err, 0, sizeof(*err));
	xapi_err_set(err, "out of memory");
	if (f == NULL || last_err == NULL)
		goto out;
	xapi_err_set(last_err, "no candidate URL");
	for (unsigned i = 0; i < cands->nb; i++) {
		memset(&cur, 0, sizeof(cur));
		r = try_candidate(rpc, cands->urls[i], lg, &cur, f, err);
		if (r == 0)
			*m = cur; /* @p m is untouched by a failed round */
		if (r == 0 || r == -ECANCELED)
			break;
		if (r != -EAGAIN) {
			last = r;
			*last_err = *err;
			LOG_WARN_RL(&cand_rl, xapi, "%s: %s", lg->name, err->text);
		}
	}
	if (r != 0 && r != -ECANCELED) {
		r = last;
		*err = *last_err; /* not a redirect to a URL that had failed */
	}
out:
	free(f);
	free(last_err);
	explicit_bzero(cur.session, sizeof(cur.session));
	return r;
}
