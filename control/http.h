/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http.h - HTTPS POST for the hypervisor-manager clients, on libcurl with
 * OpenSSL.
 *
 * TLS is verified by default: against the system trust store, or a CA
 * file, and optionally also against a pinned SHA-256 fingerprint of the
 * server's certificate. insecure = true turns verification off; it is an
 * explicit opt-in and every connection made that way is logged (warning).
 *
 * One client = one curl easy handle: connections are kept alive and
 * cookies (vCenter's vmware_soap_session) are kept by libcurl's cookie
 * engine and echoed exactly as the server set them, quotes included.
 * Responses larger than max_response are refused (-EMSGSIZE) without
 * buffering them. A request in progress can be aborted from another
 * thread with http_client_abort(), so a long poll never delays shutdown.
 *
 * Foreign errors are translated here, once: a CURLcode and its error
 * buffer become one -errno and one line in http_response.err.
 *
 * Thread-safety: a client is used by one thread at a time, except
 * http_client_abort(), which any thread may call.
 */
#ifndef VTEP_HTTP_H
#define VTEP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_DEFAULT_MAX_RESPONSE (64u << 20) /* 64 MiB */

struct http_tls {
	const char *ca_file;     /* NULL or "" = system store */
	const char *fingerprint; /* pinned SHA-256 of the leaf certificate, hex, colons optional;
	                          * NULL or "" = none */
	bool insecure;           /* no verification at all (logged) */
};

struct http_client_conf {
	const char *name; /* for logs: "vcenter vc1" */
	struct http_tls tls;
	uint32_t connect_timeout_ms; /* default 10000 */
	uint32_t timeout_ms;         /* whole request, default 30000 */
	size_t max_response;         /* default HTTP_DEFAULT_MAX_RESPONSE */
	const char *user_agent;      /* default "vtepd/<version>" */
};

struct http_client;

/** @return a client, or NULL with errno set. */
struct http_client *http_client_create(const struct http_client_conf *c);

/** NULL is a no-op. */
void http_client_destroy(struct http_client *hc);

/** Forget every cookie (before a new login). */
void http_client_clear_cookies(struct http_client *hc);

/** Drop the kept-alive connection (after an error, or to change server). */
void http_client_reset_connection(struct http_client *hc);

/**
 * Make the request in progress (and the next one) fail with -ECANCELED as
 * soon as possible; http_client_unabort() re-arms. Any thread.
 */
void http_client_abort(struct http_client *hc);
void http_client_unabort(struct http_client *hc);

struct http_request {
	const char *url;
	const char *body;
	size_t body_len;
	const char *const *headers; /* NULL-terminated "Name: value" list, may be NULL */
	uint32_t timeout_ms;        /* 0 = client default; long polls pass more */
};

struct http_response {
	long status; /* HTTP status, 0 if no response */
	char *body;  /* NUL-terminated, malloc'd; NULL if none */
	size_t body_len;
	char content_type[128];
	char err[256]; /* one line: what failed, never a secret */
};

/**
 * POST the request and read the whole response.
 * @return 0 when an HTTP response arrived (any status: check resp->status),
 *   or -ETIMEDOUT, -ECONNREFUSED, -EHOSTUNREACH, -ECONNRESET (transport),
 *   -EPROTO (TLS handshake or verification failed), -EMSGSIZE (response over
 *   max_response), -ECANCELED (aborted), -ENOMEM, -EIO (other); resp->err says
 *   what happened in every non-zero case.
 */
int http_post(struct http_client *hc, const struct http_request *req, struct http_response *resp);

/** Free resp->body; the struct may be reused. */
void http_response_free(struct http_response *resp);

/** Process-wide libcurl init (main thread, before any other thread). */
int http_global_init(void);
void http_global_cleanup(void);

#endif /* VTEP_HTTP_H */
