/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http.c - HTTPS POST on libcurl + OpenSSL (see http.h).
 *
 * Certificate pinning is done in an OpenSSL verify callback installed via
 * CURLOPT_SSL_CTX_FUNCTION: libcurl's own CURLOPT_PINNEDPUBLICKEY pins the
 * public key, while XenServer administrators are given the SHA-256
 * fingerprint of the certificate (`openssl x509 -fingerprint -sha256`), so
 * that is what we compare. A pinned certificate is accepted even when
 * self-signed (the usual case for a pool member), and nothing else is.
 *
 * Abort: libcurl looks at the progress callback only when its transfer
 * loop wakes up, at least once a second on an idle connection - a long
 * poll would hold a stop for up to that long. So the sockets of the
 * transfer are tracked (open/close socket callbacks, under a mutex so
 * that a closed descriptor number is never touched again) and
 * http_client_abort() shuts them down: the blocked recv() returns at once.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/log.h"
#include "http.h"

#ifndef VTEPD_VERSION
#define VTEPD_VERSION "dev"
#endif

struct http_client {
	CURL *curl;
	char name[96];
	char ca_file[4096];
	uint8_t pin[32];
	bool has_pin;
	bool insecure;
	uint32_t connect_timeout_ms;
	uint32_t timeout_ms;
	size_t max_response;
	char user_agent[64];
	volatile int aborted;
	pthread_mutex_t sock_lock; /* socks, shut */
	curl_socket_t socks[4];    /* open sockets of this handle (happy eyeballs: 2) */
	bool shut;                 /* abort shut one down: do not reuse the connection */
	/* per request */
	char *buf;
	size_t len;
	size_t cap;
	bool too_large;
	bool pin_mismatch;
	char errbuf[CURL_ERROR_SIZE];
};

static int pin_ex_index = -1;

int
http_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -EIO;
	pin_ex_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	return pin_ex_index < 0 ? -ENOMEM : 0;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

static int
parse_fingerprint(const char *s, uint8_t out[32])
{
	unsigned n = 0;

	for (const char *p = s; *p != '\0';) {
		if (*p == ':') {
			p++;
			continue;
		}
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) || n == 32)
			return -EINVAL;
		char two[3] = {p[0], p[1], '\0'};

		out[n++] = (uint8_t)strtoul(two, NULL, 16);
		p += 2;
	}
	return n == 32 ? 0 : -EINVAL;
}

struct http_client *
http_client_create(const struct http_client_conf *c)
{
	struct http_client *hc = calloc(1, sizeof(*hc));

	if (hc == NULL)
		return NULL;
	snprintf(hc->name, sizeof(hc->name), "%s", c->name ? c->name : "http");
	if (c->tls.ca_file != NULL)
		snprintf(hc->ca_file, sizeof(hc->ca_file), "%s", c->tls.ca_file);
	if (c->tls.fingerprint != NULL && c->tls.fingerprint[0] != '\0') {
		if (parse_fingerprint(c->tls.fingerprint, hc->pin) < 0) {
			free(hc);
			errno = EINVAL;
			return NULL;
		}
		hc->has_pin = true;
	}
	hc->insecure = c->tls.insecure;
	hc->connect_timeout_ms = c->connect_timeout_ms ? c->connect_timeout_ms : 10000;
	hc->timeout_ms = c->timeout_ms ? c->timeout_ms : 30000;
	hc->max_response = c->max_response ? c->max_response : HTTP_DEFAULT_MAX_RESPONSE;
	snprintf(hc->user_agent, sizeof(hc->user_agent), "%s",
	         c->user_agent ? c->user_agent : "vtepd/" VTEPD_VERSION);
	hc->curl = curl_easy_init();
	if (hc->curl == NULL) {
		free(hc);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&hc->sock_lock, NULL);
	for (unsigned i = 0; i < sizeof(hc->socks) / sizeof(hc->socks[0]); i++)
		hc->socks[i] = CURL_SOCKET_BAD;
	/* Enable the cookie engine: vmware_soap_session is echoed exactly. */
	curl_easy_setopt(hc->curl, CURLOPT_COOKIEFILE, "");
	return hc;
}

void
http_client_destroy(struct http_client *hc)
{
	if (hc == NULL)
		return;
	curl_easy_cleanup(hc->curl);
	pthread_mutex_destroy(&hc->sock_lock);
	free(hc->buf);
	free(hc);
}

void
http_client_clear_cookies(struct http_client *hc)
{
	curl_easy_setopt(hc->curl, CURLOPT_COOKIELIST, "ALL");
}

void
http_client_reset_connection(struct http_client *hc)
{
	/* A fresh easy handle drops the connection cache; keep cookies. */
	struct curl_slist *cookies = NULL;
	CURL *fresh = curl_easy_init();

	if (fresh == NULL)
		return;
	curl_easy_getinfo(hc->curl, CURLINFO_COOKIELIST, &cookies);
	curl_easy_cleanup(hc->curl);
	hc->curl = fresh;
	curl_easy_setopt(hc->curl, CURLOPT_COOKIEFILE, "");
	for (struct curl_slist *c = cookies; c != NULL; c = c->next)
		curl_easy_setopt(hc->curl, CURLOPT_COOKIELIST, c->data);
	curl_slist_free_all(cookies);
}

void
http_client_abort(struct http_client *hc)
{
	__atomic_store_n(&hc->aborted, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&hc->sock_lock);
	for (unsigned i = 0; i < sizeof(hc->socks) / sizeof(hc->socks[0]); i++)
		if (hc->socks[i] != CURL_SOCKET_BAD) {
			shutdown(hc->socks[i], SHUT_RDWR);
			hc->shut = true;
		}
	pthread_mutex_unlock(&hc->sock_lock);
}

void
http_client_unabort(struct http_client *hc)
{
	__atomic_store_n(&hc->aborted, 0, __ATOMIC_RELEASE);
}

static size_t
on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_client *hc = arg;
	size_t n = size * nmemb;

	if (hc->len + n > hc->max_response) {
		hc->too_large = true;
		return 0; /* CURLE_WRITE_ERROR */
	}
	if (hc->len + n + 1 > hc->cap) {
		size_t cap = hc->cap ? hc->cap : 16384;
		char *p;

		while (cap < hc->len + n + 1)
			cap *= 2;
		p = realloc(hc->buf, cap);
		if (p == NULL)
			return 0;
		hc->buf = p;
		hc->cap = cap;
	}
	memcpy(hc->buf + hc->len, data, n);
	hc->len += n;
	hc->buf[hc->len] = '\0';
	return n;
}

static int
on_progress(void *arg, curl_off_t dlt, curl_off_t dln, curl_off_t ult, curl_off_t uln)
{
	struct http_client *hc = arg;

	(void)dlt;
	(void)dln;
	(void)ult;
	(void)uln;
	return __atomic_load_n(&hc->aborted, __ATOMIC_ACQUIRE) ? 1 : 0;
}

static curl_socket_t
on_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct http_client *hc = arg;
	curl_socket_t s;

	(void)purpose;
	s = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (s == CURL_SOCKET_BAD)
		return s;
	pthread_mutex_lock(&hc->sock_lock);
	for (unsigned i = 0; i < sizeof(hc->socks) / sizeof(hc->socks[0]); i++)
		if (hc->socks[i] == CURL_SOCKET_BAD) {
			hc->socks[i] = s;
			break;
		}
	pthread_mutex_unlock(&hc->sock_lock);
	return s;
}

static int
on_close_socket(void *arg, curl_socket_t s)
{
	struct http_client *hc = arg;
	int r;

	pthread_mutex_lock(&hc->sock_lock);
	for (unsigned i = 0; i < sizeof(hc->socks) / sizeof(hc->socks[0]); i++)
		if (hc->socks[i] == s)
			hc->socks[i] = CURL_SOCKET_BAD;
	r = close(s);
	pthread_mutex_unlock(&hc->sock_lock);
	return r;
}

static int
pin_verify_cb(int preverify_ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct http_client *hc = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), pin_ex_index);
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	X509 *cert;

	(void)preverify_ok;
	/* Only the leaf decides: the chain above a pinned certificate is
	 * irrelevant (and usually absent: self-signed). */
	if (X509_STORE_CTX_get_error_depth(xs) != 0)
		return 1;
	cert = X509_STORE_CTX_get_current_cert(xs);
	if (cert == NULL || X509_digest(cert, EVP_sha256(), md, &md_len) != 1 || md_len != 32 ||
	    memcmp(md, hc->pin, 32) != 0) {
		hc->pin_mismatch = true;
		return 0;
	}
	X509_STORE_CTX_set_error(xs, X509_V_OK);
	return 1;
}

static CURLcode
on_ssl_ctx(CURL *curl, void *ssl_ctx, void *arg)
{
	struct http_client *hc = arg;

	(void)curl;
	SSL_CTX_set_ex_data(ssl_ctx, pin_ex_index, hc);
	SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_PEER, pin_verify_cb);
	return CURLE_OK;
}

static void
setup_tls(struct http_client *hc)
{
	CURL *c = hc->curl;

	if (hc->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		return;
	}
	if (hc->has_pin) {
		/* The pin is the identity: the name in it does not matter. */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
		curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, hc);
		return;
	}
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (hc->ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, hc->ca_file);
}

static int
translate(struct http_client *hc, CURLcode rc, struct http_response *resp)
{
	const char *what = hc->errbuf[0] ? hc->errbuf : curl_easy_strerror(rc);
	int err;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		err = -ETIMEDOUT;
		break;
	case CURLE_COULDNT_CONNECT:
		err = -ECONNREFUSED;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		err = -EHOSTUNREACH;
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		err = -EPROTO;
		break;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		err = -ECONNRESET;
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		err = -ECANCELED;
		break;
	case CURLE_OUT_OF_MEMORY:
		err = -ENOMEM;
		break;
	case CURLE_FILESIZE_EXCEEDED:
		err = -EMSGSIZE;
		break;
	case CURLE_WRITE_ERROR:
		err = hc->too_large ? -EMSGSIZE : -ENOMEM;
		break;
	default:
		err = -EIO;
		break;
	}
	if (err == -EMSGSIZE)
		snprintf(resp->err, sizeof(resp->err), "response larger than %zu bytes refused",
		         hc->max_response);
	else if (hc->pin_mismatch)
		snprintf(resp->err, sizeof(resp->err),
		         "TLS: server certificate does not match the pinned fingerprint");
	else
		snprintf(resp->err, sizeof(resp->err), "%s%s", err == -EPROTO ? "TLS: " : "", what);
	return err;
}

int
http_post(struct http_client *hc, const struct http_request *req, struct http_response *resp)
{
	struct curl_slist *hdrs = NULL;
	long nb_connects = 0;
	char *ctype = NULL;
	bool shut;
	CURLcode rc;
	CURL *c = hc->curl;

	memset(resp, 0, sizeof(*resp));
	hc->len = 0;
	hc->too_large = false;
	hc->pin_mismatch = false;
	hc->errbuf[0] = '\0';
	if (__atomic_load_n(&hc->aborted, __ATOMIC_ACQUIRE)) {
		snprintf(resp->err, sizeof(resp->err), "aborted");
		return -ECANCELED;
	}
	for (const char *const *h = req->headers; h != NULL && *h != NULL; h++) {
		struct curl_slist *n = curl_slist_append(hdrs, *h);

		if (n == NULL) {
			curl_slist_free_all(hdrs);
			return -ENOMEM;
		}
		hdrs = n;
	}
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_USERAGENT, hc->user_agent);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)hc->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	                 (long)(req->timeout_ms ? req->timeout_ms : hc->timeout_ms));
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)hc->max_response);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, hc);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, hc);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, hc->errbuf);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, hc);
	curl_easy_setopt(c, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
	curl_easy_setopt(c, CURLOPT_CLOSESOCKETDATA, hc);
	/* Redirects are protocol events (XenAPI HOST_IS_SLAVE is an error
	 * body, not a 3xx); never follow one silently. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	setup_tls(hc);

	rc = curl_easy_perform(c);
	curl_slist_free_all(hdrs);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);

	if (hc->insecure && curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &nb_connects) == CURLE_OK &&
	    nb_connects > 0)
		LOG_WARN(tls, "%s: connected to %s WITHOUT certificate verification (insecure)",
		         hc->name, req->url);
	pthread_mutex_lock(&hc->sock_lock);
	shut = hc->shut;
	hc->shut = false;
	pthread_mutex_unlock(&hc->sock_lock);
	if (rc != CURLE_OK) {
		int err = translate(hc, rc, resp);

		/* A socket shut down by an abort fails with a receive error. */
		if (__atomic_load_n(&hc->aborted, __ATOMIC_ACQUIRE)) {
			err = -ECANCELED;
			snprintf(resp->err, sizeof(resp->err), "aborted");
		}
		/* A broken connection must not be reused for the next call. */
		if (err != -ECANCELED || shut)
			http_client_reset_connection(hc);
		return err;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype != NULL)
		snprintf(resp->content_type, sizeof(resp->content_type), "%s", ctype);
	if (hc->len > 0) {
		resp->body = malloc(hc->len + 1);
		if (resp->body == NULL)
			return -ENOMEM;
		memcpy(resp->body, hc->buf, hc->len + 1);
		resp->body_len = hc->len;
	}
	/* An abort raced with the end of the transfer: its socket is dead.
	 * (After the getinfo calls: this replaces the handle c points at.) */
	if (shut)
		http_client_reset_connection(hc);
	/* Do not keep a large buffer around between long polls. */
	if (hc->cap > (1u << 20)) {
		free(hc->buf);
		hc->buf = NULL;
		hc->cap = 0;
	}
	return 0;
}

void
http_response_free(struct http_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
}
