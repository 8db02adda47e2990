/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mgmt.c - the management socket vtepctl talks to.
 *
 * Protocol (docs/vtepctl.md): a client connects to the unix stream socket
 * and writes a request, a JSON object on one line:
 *     {"command": "show fdb", "args": {"vni": 5001}}
 * and reads one reply line: {"ok": true, "result": ...} or
 * {"ok": false, "error": "..."}. The connection stays open for further
 * requests, answered in order, until the client closes it (vtepctl sends
 * one and closes; a script may send thousands, even without waiting for
 * each reply). It is closed by the server after a request too large to
 * read, or after MGMT_TIMEOUT_MS without a request.
 *
 * A bad request gets an error reply, never a crash or a hang: requests are
 * capped in size, clients that stall are dropped after a timeout, replies
 * are written without blocking the control loop, the number of clients is
 * bounded, and one client gets at most MGMT_BATCH requests per wake-up of
 * the control loop, so a busy script cannot starve the lcores' events.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "ctl_watch.h"
#include "mgmt.h"

#define MGMT_REQ_MAX     65536
#define MGMT_CLIENTS_MAX 64
#define MGMT_TIMEOUT_MS  5000 /* idle: no request for this long */
#define MGMT_BATCH       64   /* requests per client per wake-up */

struct mgmt_client {
	struct ctl_watch w; /* first: the watch is the client */
	struct ctl_mgmt *m;
	char *in;      /* [MGMT_REQ_MAX]: requests read, maybe several */
	size_t in_off; /* start of what is not handled yet */
	size_t in_len;
	char *out; /* the reply being written, NULL when none */
	size_t out_len;
	size_t out_off;
	uint64_t last_ms; /* connected, or last request */
	uint32_t armed;   /* epoll events asked for */
	bool eof;         /* the client shut its side */
	bool closing;     /* close once the reply is out */
};

struct ctl_mgmt {
	struct ctl *c;
	struct ctl_watch listen;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct mgmt_client *clients[MGMT_CLIENTS_MAX];
	unsigned nb_clients;
};

static void client_close(struct ctl *c, struct mgmt_client *cl);

/* Length of the valid UTF-8 sequence at @p s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* An error message quotes the request (a command name, an argument, the
 * parser's view of bad bytes) and may be cut mid-character by its buffer;
 * JSON strings must be UTF-8, so every invalid byte becomes '?'. */
static json_t *
reply_error(const char *msg)
{
	char clean[1024];
	size_t i = 0;

	snprintf(clean, sizeof(clean), "%s", msg);
	while (clean[i] != '\0') {
		size_t n = utf8_len((const unsigned char *)clean + i);

		if (n == 0)
			clean[i++] = '?';
		else
			i += n;
	}
	return json_pack("{s:b, s:s}", "ok", 0, "error", clean);
}

/* The reply object as one line with its newline; @p reply is consumed. */
static char *
reply_line(json_t *reply)
{
	char *s = reply != NULL ? json_dumps(reply, JSON_COMPACT) : NULL;
	size_t n;
	char *line;

	json_decref(reply);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	line = realloc(s, n + 2);
	if (line == NULL) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

char *
mgmt_handle_request(struct ctl *c, const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *req, *result;
	char err[512] = "";
	const char *cmd;

	req = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (req == NULL || !json_is_object(req)) {
		snprintf(err, sizeof(err), "request is not a JSON object: %s",
		         req == NULL ? jerr.text : "wrong type");
		json_decref(req);
		return reply_line(reply_error(err));
	}
	cmd = json_string_value(json_object_get(req, "command"));
	if (cmd == NULL) {
		json_decref(req);
		return reply_line(reply_error("request has no \"command\" string"));
	}
	result = mgmt_dispatch(c, cmd, json_object_get(req, "args"), err, sizeof(err));
	json_decref(req);
	if (result == NULL)
		return reply_line(reply_error(err[0] ? err : "command failed"));
	return reply_line(json_pack("{s:b, s:o}", "ok", 1, "result", result));
}

static void
client_arm(struct ctl *c, struct mgmt_client *cl, uint32_t events)
{
	if (cl->armed != events && ctl_watch_mod(c, &cl->w, events) == 0)
		cl->armed = events;
}

/* Write what is left of the reply. @return 0 done, 1 the socket is full,
 * -1 the client is gone (closed). */
static int
client_flush(struct ctl *c, struct mgmt_client *cl)
{
	while (cl->out != NULL && cl->out_off < cl->out_len) {
		ssize_t n = write(cl->w.fd, cl->out + cl->out_off, cl->out_len - cl->out_off);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 1;
		if (n <= 0) {
			client_close(c, cl);
			return -1;
		}
		cl->out_off += (size_t)n;
	}
	free(cl->out);
	cl->out = NULL;
	return 0;
}

/* Read what the socket has, as far as the buffer goes. @return 0, or -1
 * when the client is gone (closed). */
static int
client_fill(struct ctl *c, struct mgmt_client *cl)
{
	if (cl->in_off > 0) {
		memmove(cl->in, cl->in + cl->in_off, cl->in_len - cl->in_off);
		cl->in_len -= cl->in_off;
		cl->in_off = 0;
	}
	while (!cl->eof && cl->in_len < MGMT_REQ_MAX) {
		ssize_t n = read(cl->w.fd, cl->in + cl->in_len, MGMT_REQ_MAX - cl->in_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0) {
			client_close(c, cl);
			return -1;
		}
		cl->eof = n == 0;
		cl->in_len += (size_t)n;
	}
	return 0;
}

/* Answer the next complete request, if any. @return true if one was. */
static bool
client_next(struct ctl *c, struct mgmt_client *cl)
{
	char *line = cl->in + cl->in_off;
	char *nl = memchr(line, '\n', cl->in_len - cl->in_off);

	if (nl != NULL) {
		cl->out = mgmt_handle_request(c, line, (size_t)(nl - line));
		cl->in_off += (size_t)(nl - line) + 1;
	} else if (cl->in_off == 0 && cl->in_len == MGMT_REQ_MAX) {
		/* A line this long is no request: say so and hang up, the
		 * rest of the stream cannot be framed. */
		cl->out = reply_line(reply_error("request too large"));
		cl->closing = true;
	} else {
		return false;
	}
	cl->out_len = cl->out != NULL ? strlen(cl->out) : 0;
	cl->out_off = 0;
	cl->last_ms = ctl_now_ms(c);
	if (cl->out == NULL)
		cl->closing = true; /* out of memory: no reply to give */
	return true;
}

/* Reply to what is buffered, in order, then wait for the socket. */
static void
client_pump(struct ctl *c, struct mgmt_client *cl)
{
	for (unsigned n = 0; n < MGMT_BATCH; n++) {
		int r = client_flush(c, cl);

		if (r < 0)
			return;
		if (r > 0) {
			client_arm(c, cl, EPOLLOUT);
			return;
		}
		if (cl->closing || (!client_next(c, cl) && cl->eof)) {
			client_close(c, cl);
			return;
		}
		if (cl->out == NULL) {
			client_arm(c, cl, EPOLLIN);
			return;
		}
	}
	/* Batch done with requests left: the socket is writable, so asking
	 * for EPOLLOUT brings us back on the next turn of the loop. */
	client_arm(c, cl, EPOLLOUT);
}

static void
on_client(struct ctl *c, struct ctl_watch *w, uint32_t events)
{
	struct mgmt_client *cl = (struct mgmt_client *)w;

	if (cl->out == NULL && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && client_fill(c, cl) < 0)
		return;
	client_pump(c, cl);
}

static void
client_close(struct ctl *c, struct mgmt_client *cl)
{
	struct ctl_mgmt *m = cl->m;

	ctl_watch_del(c, &cl->w);
	close(cl->w.fd);
	for (unsigned i = 0; i < m->nb_clients; i++) {
		if (m->clients[i] == cl) {
			m->clients[i] = m->clients[--m->nb_clients];
			break;
		}
	}
	free(cl->in);
	free(cl->out);
	free(cl);
}

static void
on_listen(struct ctl *c, struct ctl_watch *w, uint32_t events)
{
	static struct log_rl rl = LOG_RL_INIT(5, 60);
	struct ctl_mgmt *m = w->arg;
	struct mgmt_client *cl;
	int fd;

	(void)events;
	while ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		cl = NULL;
		if (m->nb_clients < MGMT_CLIENTS_MAX && (cl = calloc(1, sizeof(*cl))) != NULL &&
		    (cl->in = malloc(MGMT_REQ_MAX)) == NULL) {
			free(cl);
			cl = NULL;
		}
		if (cl == NULL) {
			LOG_WARN_RL(&rl, mgmt, "%s: too many clients, connection refused", m->path);
			close(fd);
			continue;
		}
		cl->w = (struct ctl_watch){.fd = fd, .cb = on_client, .arg = cl};
		cl->m = m;
		cl->last_ms = ctl_now_ms(c);
		cl->armed = EPOLLIN;
		if (ctl_watch_add(c, &cl->w, EPOLLIN) < 0) {
			close(fd);
			free(cl->in);
			free(cl);
			continue;
		}
		m->clients[m->nb_clients++] = cl;
	}
}

void
mgmt_tick(struct ctl_mgmt *m, uint64_t now_ms)
{
	for (unsigned i = 0; i < m->nb_clients;) {
		struct mgmt_client *cl = m->clients[i];

		if (now_ms - cl->last_ms > MGMT_TIMEOUT_MS) {
			client_close(m->c, cl); /* moves the last client to slot i */
			continue;
		}
		i++;
	}
}

/* Refuse to take over the socket of a vtepd that is still running. */
static int
socket_in_use(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return 0;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return r == 0;
}

static int
socket_setup(struct ctl_mgmt *m, const struct cfg_control *cc)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char dir[sizeof(m->path)];
	char *slash;
	int fd;

	snprintf(m->path, sizeof(m->path), "%s", cc->socket);
	snprintf(dir, sizeof(dir), "%s", cc->socket);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			LOG_WARN(mgmt, "cannot create %s: %s", dir, strerror(errno));
	}
	if (socket_in_use(m->path)) {
		LOG_ERR(mgmt, "%s: another vtepd is listening there", m->path);
		return -EADDRINUSE;
	}
	unlink(m->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", m->path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0 ||
	    chmod(m->path, cc->socket_mode) < 0) {
		int e = errno;

		LOG_ERR(mgmt, "%s: %s", m->path, strerror(e));
		close(fd);
		return -e;
	}
	if (cc->socket_group[0] != '\0') {
		struct group *g = getgrnam(cc->socket_group);

		if (g == NULL || chown(m->path, (uid_t)-1, g->gr_gid) < 0)
			LOG_WARN(mgmt, "%s: cannot give it to group %s", m->path, cc->socket_group);
	}
	return fd;
}

struct ctl_mgmt *
mgmt_start(struct ctl *c)
{
	struct ctl_mgmt *m = calloc(1, sizeof(*m));
	int fd;

	if (m == NULL)
		return NULL;
	m->c = c;
	fd = socket_setup(m, &c->cfg->control);
	if (fd < 0) {
		free(m);
		errno = -fd;
		return NULL;
	}
	m->listen = (struct ctl_watch){.fd = fd, .cb = on_listen, .arg = m};
	if (ctl_watch_add(c, &m->listen, EPOLLIN) < 0) {
		close(fd);
		unlink(m->path);
		free(m);
		return NULL;
	}
	LOG_INFO(mgmt, "listening on %s", m->path);
	return m;
}

void
mgmt_stop(struct ctl_mgmt *m)
{
	if (m == NULL)
		return;
	while (m->nb_clients > 0)
		client_close(m->c, m->clients[0]);
	ctl_watch_del(m->c, &m->listen);
	close(m->listen.fd);
	unlink(m->path);
	free(m);
}
