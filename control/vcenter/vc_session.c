/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_session.c - one vim25 session: the calls, and the boundary where
 * transport errors, HTTP statuses, refused XML and SOAP faults become one
 * log line and one -errno (vc_sess_call()).
 *
 * Every (re)connect opens a fresh session, view and filter: the
 * PropertyCollector's "initial" version ("") on an old filter does not
 * give the full state again, and a view or filter of an expired session
 * is gone anyway. A previous session is logged out first so that a
 * flapping link does not pile up sessions on vCenter (it has a limit).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "vc_private.h"

#define CLOSE_TIMEOUT_MS 1000

void
vc_sess_fini(struct vc_sess *s)
{
	vc_buf_free(&s->req);
}

VTEP_PRINTF(4, 5)
static int
fail(struct vc_sess *s, const char *method, int err, const char *fmt, ...)
{
	char detail[VC_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* Our own abort (stop) is no error of the manager's. */
	if (err == -ECANCELED) {
		LOG_DEBUG(vc, "%s: %s: %s", s->name, method, detail);
		return err;
	}
	/* Best-effort calls (goodbyes, logging out a dead session) fail
	 * often and harmlessly: not the manager's error either. */
	if (s->quiet) {
		LOG_DEBUG(vc, "%s: %s: %s", s->name, method, detail);
		return err;
	}
	snprintf(s->last_error, sizeof(s->last_error), "%s: %s", method, detail);
	s->nb_errors++;
	if (err == -EKEYEXPIRED)
		LOG_WARN(vc, "%s: %s", s->name, s->last_error);
	else
		LOG_ERR(vc, "%s: %s", s->name, s->last_error);
	return err;
}

/* Decode a 200 or 500 answer into *doc, or fail. */
static int
decode(struct vc_sess *s, const char *method, const struct http_response *resp, xmlDoc **doc)
{
	struct vc_fault f;
	char err[VC_ERR_MAX];
	int r;

	r = vc_xml_read(resp->body, resp->body_len, s->max_response, doc, err, sizeof(err));
	if (r < 0)
		return fail(s, method, r, "HTTP %ld: %s", resp->status, err);
	if (resp->status == 500) {
		r = vc_fault_parse(*doc, &f);
		xmlFreeDoc(*doc);
		*doc = NULL;
		if (r < 0)
			return fail(s, method, -EPROTO, "HTTP 500 without a SOAP fault");
		return fail(s, method, vc_fault_errno(f.kind), "SOAP fault %s%s%s", f.name,
		            f.msg[0] ? ": " : "", f.msg);
	}
	if (vc_parse_response(*doc, method) == NULL) {
		xmlFreeDoc(*doc);
		*doc = NULL;
		return fail(s, method, -EPROTO, "HTTP 200 without a %sResponse", method);
	}
	return 0;
}

int
vc_sess_call(struct vc_sess *s, const char *method, uint32_t timeout_ms, xmlDoc **doc)
{
	struct http_response resp;
	char action[VC_TYPE_MAX + 16];
	int r;

	*doc = NULL;
	memset(&resp, 0, sizeof(resp));
	snprintf(action, sizeof(action), "urn:vim25/%s",
	         s->api_version[0] ? s->api_version : VC_API_BOOTSTRAP);
	if (s->timeout_slot != NULL)
		*s->timeout_slot = timeout_ms;
	r = s->transport(s->transport_ctx, action, s->req.p, s->req.len, &resp);
	s->recv_ns = src_now_ns();
	s->reachable = r == 0 || r == -ECANCELED;
	if (r < 0)
		r = fail(s, method, r, "%s", resp.err[0] ? resp.err : strerror(-r));
	else if (resp.status != 200 && resp.status != 500)
		r = fail(s, method, -EPROTO, "HTTP %ld", resp.status);
	else
		r = decode(s, method, &resp, doc);
	http_response_free(&resp);
	return r;
}

/* Build with @p built (0 or -errno), call, free the answer. */
static int
call_simple(struct vc_sess *s, const char *method, int built, uint32_t timeout_ms)
{
	xmlDoc *doc;
	int r;

	if (built < 0)
		return fail(s, method, built, "cannot build the request: %s", strerror(-built));
	r = vc_sess_call(s, method, timeout_ms, &doc);
	xmlFreeDoc(doc);
	return r;
}

/* WaitForUpdatesEx exists from API 4.1 on. */
static bool
api_supported(const char *v)
{
	unsigned long major, minor = 0;
	char *end;

	major = strtoul(v, &end, 10);
	if (end == v)
		return false;
	if (*end == '.')
		minor = strtoul(end + 1, NULL, 10);
	return major > 4 || (major == 4 && minor >= 1);
}

static int
retrieve_service_content(struct vc_sess *s)
{
	const char *m = "RetrieveServiceContent";
	xmlDoc *doc;
	int r;

	s->api_version[0] = '\0';
	r = vc_soap_retrieve_service_content(&s->req);
	if (r < 0)
		return fail(s, m, r, "cannot build the request");
	r = vc_sess_call(s, m, s->timeout_ms, &doc);
	if (r < 0)
		return r;
	r = vc_parse_service_content(doc, &s->sc);
	xmlFreeDoc(doc);
	if (r < 0)
		return fail(s, m, r, "incomplete ServiceContent");
	if (!api_supported(s->sc.api_version))
		return fail(s, m, -EPROTONOSUPPORT, "API version %s is older than 4.1",
		            s->sc.api_version);
	snprintf(s->api_version, sizeof(s->api_version), "%s", s->sc.api_version);
	return 0;
}

static int
call_moref(struct vc_sess *s, const char *method, int built, struct vc_moref *out)
{
	xmlDoc *doc;
	int r;

	if (built < 0)
		return fail(s, method, built, "cannot build the request: %s", strerror(-built));
	r = vc_sess_call(s, method, s->timeout_ms, &doc);
	if (r < 0)
		return r;
	r = vc_parse_moref_return(doc, method, out);
	xmlFreeDoc(doc);
	return r < 0 ? fail(s, method, r, "no managed object reference returned") : 0;
}

static void
wipe(struct vc_buf *b)
{
	if (b->p != NULL)
		explicit_bzero(b->p, b->cap);
}

static int
login(struct vc_sess *s, const char *user, const char *password)
{
	int r = vc_soap_login(&s->req, &s->sc.session_manager, user, password);

	/* The request held the password: do not keep it around. */
	if (r < 0) {
		wipe(&s->req);
		return fail(s, "Login", r, "user name or password not representable in XML");
	}
	r = call_simple(s, "Login", 0, s->timeout_ms);
	wipe(&s->req);
	if (r == 0)
		s->logged_in = true;
	return r;
}

int
vc_sess_open(struct vc_sess *s, const char *user, const char *password)
{
	int r;

	memset(&s->view, 0, sizeof(s->view));
	memset(&s->filter, 0, sizeof(s->filter));
	r = retrieve_service_content(s);
	if (r < 0)
		return r;
	if (s->logged_in) {
		s->quiet = true;
		call_simple(s, "Logout", vc_soap_logout(&s->req, &s->sc.session_manager),
		            CLOSE_TIMEOUT_MS);
		s->quiet = false;
		s->logged_in = false;
	}
	if (s->hc != NULL)
		http_client_clear_cookies(s->hc);
	r = login(s, user, password);
	if (r < 0)
		return r;
	r = call_moref(s, "CreateContainerView",
	               vc_soap_create_container_view(&s->req, &s->sc.view_manager,
	                                             &s->sc.root_folder, vc_watch_types, true),
	               &s->view);
	if (r < 0)
		return r;
	return call_moref(s, "CreateFilter",
	                  vc_soap_create_filter(&s->req, &s->sc.property_collector, vc_watch_specs,
	                                        vc_nb_watch_specs, &s->view, false),
	                  &s->filter);
}

int
vc_sess_wait(struct vc_sess *s, const char *version, uint32_t wait_s, uint32_t max_objs,
             struct vc_update_set *us)
{
	const char *m = "WaitForUpdatesEx";
	char err[VC_ERR_MAX];
	xmlDoc *doc;
	int r;

	memset(us, 0, sizeof(*us));
	r = vc_soap_wait_for_updates_ex(&s->req, &s->sc.property_collector, version, wait_s,
	                                max_objs);
	if (r < 0)
		return fail(s, m, r, "cannot build the request");
	/* The server may take the whole wait before it starts answering. */
	r = vc_sess_call(s, m, wait_s * 1000u + s->timeout_ms, &doc);
	if (r < 0)
		return r;
	r = vc_parse_update_set(doc, us, err, sizeof(err));
	xmlFreeDoc(doc);
	return r < 0 ? fail(s, m, r, "%s", err) : 0;
}

void
vc_sess_close(struct vc_sess *s)
{
	if (!s->logged_in || !s->reachable)
		return;
	s->quiet = true;
	if (s->filter.value[0] != '\0')
		call_simple(s, "DestroyPropertyFilter", vc_soap_destroy_filter(&s->req, &s->filter),
		            CLOSE_TIMEOUT_MS);
	if (s->reachable && s->view.value[0] != '\0')
		call_simple(s, "DestroyView", vc_soap_destroy_view(&s->req, &s->view),
		            CLOSE_TIMEOUT_MS);
	if (s->reachable)
		call_simple(s, "Logout", vc_soap_logout(&s->req, &s->sc.session_manager),
		            CLOSE_TIMEOUT_MS);
	s->quiet = false;
	s->logged_in = false;
	memset(&s->view, 0, sizeof(s->view));
	memset(&s->filter, 0, sizeof(s->filter));
}
