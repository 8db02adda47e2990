/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * source.c - the queue and status slots between manager sources and the
 * control thread (see source.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "source.h"

struct src_node {
	struct src_node *next;
	struct src_update u;
};

struct src_queue {
	pthread_mutex_t lock;
	struct src_node *head;
	struct src_node *tail;
	unsigned len;
	int efd;
};

struct src_queue *
src_queue_create(void)
{
	struct src_queue *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		int e = errno;

		free(q);
		errno = e;
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	return q;
}

void
src_queue_destroy(struct src_queue *q)
{
	struct src_node *n, *next;

	if (q == NULL)
		return;
	for (n = q->head; n != NULL; n = next) {
		next = n->next;
		free(n);
	}
	close(q->efd);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

int
src_queue_post(struct src_queue *q, const struct src_update *u)
{
	struct src_node *n = malloc(sizeof(*n));
	uint64_t one = 1;

	if (n == NULL)
		return -ENOMEM;
	n->next = NULL;
	n->u = *u;
	pthread_mutex_lock(&q->lock);
	if (q->tail != NULL)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	q->len++;
	pthread_mutex_unlock(&q->lock);
	/* The counter only wakes the control thread; it cannot overflow in
	 * practice (2^64 - 1 posts before a drain). */
	if (write(q->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		LOG_WARN(ctl, "source queue: eventfd write: %s", strerror(errno));
	return 0;
}

unsigned
src_queue_drain(struct src_queue *q, struct src_update *out, unsigned max)
{
	struct src_node *n;
	unsigned nb = 0;
	uint64_t cnt;

	pthread_mutex_lock(&q->lock);
	while (nb < max && (n = q->head) != NULL) {
		q->head = n->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->len--;
		out[nb++] = n->u;
		free(n);
	}
	if (q->len == 0 && read(q->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		LOG_WARN(ctl, "source queue: eventfd read: %s", strerror(errno));
	pthread_mutex_unlock(&q->lock);
	return nb;
}

int
src_queue_fd(const struct src_queue *q)
{
	return q->efd;
}

unsigned
src_queue_len(struct src_queue *q)
{
	unsigned n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}

const char *
src_state_name(enum src_state s)
{
	switch (s) {
	case SRC_STATE_CONNECTING:
		return "connecting";
	case SRC_STATE_SYNCING:
		return "syncing";
	case SRC_STATE_STREAMING:
		return "streaming";
	case SRC_STATE_STALE:
		return "stale";
	case SRC_STATE_DOWN:
		return "down";
	}
	return "unknown";
}

void
src_status_init(struct src_status_slot *slot, const char *kind, const char *name)
{
	pthread_mutex_init(&slot->lock, NULL);
	memset(&slot->st, 0, sizeof(slot->st));
	slot->st.state = SRC_STATE_DOWN;
	snprintf(slot->st.kind, sizeof(slot->st.kind), "%s", kind);
	snprintf(slot->st.name, sizeof(slot->st.name), "%s", name);
}

void
src_status_publish(struct src_status_slot *slot, const struct src_status *st)
{
	pthread_mutex_lock(&slot->lock);
	slot->st = *st;
	pthread_mutex_unlock(&slot->lock);
}

void
src_status_read(struct src_status_slot *slot, struct src_status *out)
{
	pthread_mutex_lock(&slot->lock);
	*out = slot->st;
	pthread_mutex_unlock(&slot->lock);
}

static int
read_secret_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	close(fd);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -E2BIG;
	buf[n] = '\0';
	return 0;
}

int
src_password_load(const struct cfg_manager *mc, char *buf, size_t size)
{
	size_t len;
	int r;

	if (mc->password_file[0] != '\0') {
		r = read_secret_file(mc->password_file, buf, size);
		if (r < 0) {
			LOG_ERR(ctl, "manager %s: password_file %s: %s", mc->name,
			        mc->password_file, r == -E2BIG ? "too long" : strerror(-r));
			return r;
		}
	} else if (mc->password_env[0] != '\0') {
		const char *v = getenv(mc->password_env);

		if (v == NULL) {
			LOG_ERR(ctl, "manager %s: password_env %s is not set", mc->name,
			        mc->password_env);
			return -ENOENT;
		}
		if (strlen(v) >= size) {
			LOG_ERR(ctl, "manager %s: password_env %s: too long", mc->name,
			        mc->password_env);
			return -E2BIG;
		}
		snprintf(buf, size, "%s", v);
	} else {
		buf[0] = '\0';
		return 0;
	}
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return 0;
}

uint64_t
src_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
