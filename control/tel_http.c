/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel_http.c - the Prometheus endpoint: HTTP/1.0 and 1.1, GET (and HEAD)
 * /metrics, served from the control loop like the management socket.
 *
 * The control thread must never block, so: sockets are non-blocking;
 * a request head is capped at TEL_HTTP_HEAD_MAX bytes (431 beyond); the
 * number of clients is capped (the ones over it are closed at once); a
 * client that has not finished within TEL_HTTP_TIMEOUT_MS is dropped; a
 * response is written as far as the socket takes it, the rest on EPOLLOUT.
 * One request per connection ("Connection: close"), which is what a scraper
 * needs. After the response, the write side is shut down and what the
 * client still sends is read and discarded until it closes (for at most
 * TEL_HTTP_LINGER_MS): closing with unread input would reset the connection
 * and could destroy the response before the client read it.
 *
 * Statuses: 200 for /metrics, 404 for any other path, 400 malformed, 405
 * a method other than GET or HEAD, 414, 431, 505 (tel_http_parse()), 500
 * when the metrics cannot be rendered (out of memory).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "ctl.h"
#include "ctl_watch.h"
#include "tel_private.h"

#define TEL_HTTP_CLIENTS_MAX 32
#define TEL_HTTP_TIMEOUT_MS  10000
#define TEL_HTTP_LINGER_MS   1000

#define TEL_PROM_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define TEL_TEXT_TYPE "text/plain; charset=utf-8"

enum tel_client_state {
	TEL_CL_READING,
	TEL_CL_WRITING,
	TEL_CL_LINGERING,
};

struct tel_client {
	struct ctl_watch w; /* the watch is the client */
	struct tel_http *h;
	enum tel_client_state state;
	char in[TEL_HTTP_HEAD_MAX + 1]; /* one byte more: the parser sees the overflow */
	size_t in_len;
	struct tel_buf out;
	size_t out_off;
	uint64_t deadline_ms;
};

struct tel_http {
	struct ctl *c;
	struct ctl_watch listen;
	char addr[CFG_NAME_MAX];
	struct tel_client *clients[TEL_HTTP_CLIENTS_MAX];
	unsigned nb_clients;
};

static void client_close(struct tel_client *cl);
static void on_listen(struct ctl *c, struct ctl_watch *w, uint32_t events);

static int
listen_socket(const char *listen_addr)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	char ip[NETADDR_IPV4_STRLEN];
	const char *colon = strrchr(listen_addr, ':');
	uint64_t port;
	int fd, one = 1;

	/* cfg_parse_ctl.c validated it; checked again, the way it is used. */
	if (colon == NULL || (size_t)(colon - listen_addr) >= sizeof(ip))
		return -EINVAL;
	snprintf(ip, sizeof(ip), "%.*s", (int)(colon - listen_addr), listen_addr);
	if (netaddr_ipv4_parse(ip, &sa.sin_addr.s_addr) < 0 ||
	    netaddr_u64_parse(colon + 1, 1, 65535, &port) < 0)
		return -EINVAL;
	sa.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A restarted vtepd must not wait for the old connections' TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

struct tel_http *
tel_http_start(struct ctl *c, const char *listen_addr)
{
	struct tel_http *h = calloc(1, sizeof(*h));
	int fd, r;

	if (h == NULL)
		return NULL;
	h->c = c;
	snprintf(h->addr, sizeof(h->addr), "%s", listen_addr);
	fd = listen_socket(listen_addr);
	if (fd < 0) {
		LOG_ERR(tel, "metrics: cannot listen on %s: %s; /metrics is off until a restart",
		        listen_addr, strerror(-fd));
		r = fd;
		goto err_free;
	}
	h->listen = (struct ctl_watch){.fd = fd, .cb = on_listen, .arg = h};
	r = ctl_watch_add(c, &h->listen, EPOLLIN);
	if (r < 0)
		goto err_close;
	LOG_INFO(tel, "metrics: serving http://%s/metrics", listen_addr);
	return h;
err_close:
	close(fd);
err_free:
	free(h);
	errno = -r;
	return NULL;
}

void
tel_http_stop(struct tel_http *h)
{
	if (h == NULL)
		return;
	while (h->nb_clients > 0)
		client_close(h->clients[0]);
	ctl_watch_del(h->c, &h->listen);
	close(h->listen.fd);
	free(h);
}

void
tel_http_tick(struct tel_http *h, uint64_t now_ms)
{
	for (unsigned i = 0; i < h->nb_clients;) {
		struct tel_client *cl = h->clients[i];

		if (now_ms >= cl->deadline_ms) {
			client_close(cl); /* moves the last client to slot i */
			continue;
		}
		i++;
	}
}

static void
client_close(struct tel_client *cl)
{
	struct tel_http *h = cl->h;

	ctl_watch_del(h->c, &cl->w);
	close(cl->w.fd);
	for (unsigned i = 0; i < h->nb_clients; i++) {
		if (h->clients[i] == cl) {
			h->clients[i] = h->clients[--h->nb_clients];
			break;
		}
	}
	tel_buf_free(&cl->out);
	free(cl);
}

/* Response sent: stop writing, read what the client still sends. */
static void
client_linger(struct tel_client *cl)
{
	uint64_t linger = ctl_now_ms(cl->h->c) + TEL_HTTP_LINGER_MS;

	if (shutdown(cl->w.fd, SHUT_WR) < 0 || ctl_watch_mod(cl->h->c, &cl->w, EPOLLIN) < 0) {
		client_close(cl);
		return;
	}
	cl->state = TEL_CL_LINGERING;
	cl->deadline_ms = VTEP_MIN(cl->deadline_ms, linger);
}

static void
client_write(struct tel_client *cl)
{
	while (cl->out_off < cl->out.len) {
		ssize_t n = send(cl->w.fd, cl->out.data + cl->out_off, cl->out.len - cl->out_off,
		                 MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return; /* EPOLLOUT brings us back */
		if (n <= 0) {
			client_close(cl);
			return;
		}
		cl->out_off += (size_t)n;
	}
	client_linger(cl);
}

static void
client_respond(struct tel_client *cl, int status, const struct tel_http_req *req)
{
	struct tel_buf body;
	bool metrics = status == 200 && strcmp(req->path, "/metrics") == 0;

	tel_buf_init(&body);
	if (metrics && tel_metrics_render(cl->h->c, &body) < 0)
		status = 500;
	else if (status == 200 && !metrics)
		status = 404;
	if (status != 200) {
		tel_buf_free(&body);
		tel_buf_printf(&body, "%d %s%s\n", status, tel_http_reason(status),
		               status == 404 ? ": the metrics are at /metrics" : "");
	}
	tel_http_response(&cl->out, status, status == 200 ? TEL_PROM_TYPE : TEL_TEXT_TYPE,
	                  body.data != NULL ? body.data : "", body.len, req->head);
	tel_buf_free(&body);
	if (cl->out.failed) {
		client_close(cl);
		return;
	}
	cl->state = TEL_CL_WRITING;
	if (ctl_watch_mod(cl->h->c, &cl->w, EPOLLOUT) < 0) {
		client_close(cl);
		return;
	}
	client_write(cl); /* most responses fit in the socket buffer at once */
}

static void
client_read(struct tel_client *cl)
{
	struct tel_http_req req;

	for (;;) {
		size_t room = sizeof(cl->in) - cl->in_len;
		ssize_t n = recv(cl->w.fd, cl->in + cl->in_len, room, 0);
		int status;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) { /* closed before a whole head: nobody to answer */
			client_close(cl);
			return;
		}
		cl->in_len += (size_t)n;
		status = tel_http_parse(cl->in, cl->in_len, &req);
		if (status == 0 && cl->in_len == sizeof(cl->in))
			status = 431; /* cannot happen: the parser says so first */
		if (status != 0) {
			client_respond(cl, status, &req);
			return;
		}
	}
}

/* Discard what a client sends after its response, until it closes. */
static void
client_drain(struct tel_client *cl)
{
	char buf[4096];

	for (;;) {
		ssize_t n = recv(cl->w.fd, buf, sizeof(buf), 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			client_close(cl);
			return;
		}
	}
}

static void
on_client(struct ctl *c, struct ctl_watch *w, uint32_t events)
{
	struct tel_client *cl = (struct tel_client *)w;

	(void)c;
	switch (cl->state) {
	case TEL_CL_READING:
		client_read(cl);
		break;
	case TEL_CL_WRITING:
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			client_write(cl);
		break;
	case TEL_CL_LINGERING:
		client_drain(cl);
		break;
	}
}

static void
on_listen(struct ctl *c, struct ctl_watch *w, uint32_t events)
{
	static struct log_rl rl = LOG_RL_INIT(5, 60);
	struct tel_http *h = w->arg;
	int fd;

	(void)events;
	while ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct tel_client *cl = NULL;

		if (h->nb_clients < TEL_HTTP_CLIENTS_MAX)
			cl = malloc(sizeof(*cl));
		if (cl == NULL) {
			LOG_WARN_RL(&rl, tel, "metrics %s: too many clients, connection closed",
			            h->addr);
			close(fd);
			continue;
		}
		cl->w = (struct ctl_watch){.fd = fd, .cb = on_client, .arg = cl};
		cl->h = h;
		cl->state = TEL_CL_READING;
		cl->in_len = 0;
		tel_buf_init(&cl->out);
		cl->out_off = 0;
		cl->deadline_ms = ctl_now_ms(c) + TEL_HTTP_TIMEOUT_MS;
		if (ctl_watch_add(c, &cl->w, EPOLLIN) < 0) {
			close(fd);
			free(cl);
			continue;
		}
		h->clients[h->nb_clients++] = cl;
	}
}
