/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_value.c - the XenAPI value model: an arena that holds a decoded
 * response, accessors tolerant of how real servers spell things, the byte
 * buffer the encoders use and the error record.
 *
 * A VM.get_all_records of a large pool decodes into a few million values;
 * an arena makes that a few hundred allocations and one free.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xapi_private.h"

#define ARENA_CHUNK (64u << 10)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct xapi_arena {
	struct arena_chunk *head;
};

struct xapi_arena *
xapi_arena_create(void)
{
	return calloc(1, sizeof(struct xapi_arena));
}

void
xapi_arena_destroy(struct xapi_arena *a)
{
	struct arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *
xapi_arena_alloc(struct xapi_arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t need = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	void *p;

	if (need < size)
		return NULL;
	if (c == NULL || c->size - c->used < need) {
		size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (c == NULL)
			return NULL;
		c->used = 0;
		c->size = cap;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return memset(p, 0, size);
}

char *
xapi_arena_strndup(struct xapi_arena *a, const char *s, size_t len)
{
	char *p = xapi_arena_alloc(a, len + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct xapi_value
xapi_str(const char *s)
{
	return (struct xapi_value){.type = XAPI_STRING, .nb = (uint32_t)strlen(s), .u.s = s};
}

struct xapi_value
xapi_dbl(double d)
{
	return (struct xapi_value){.type = XAPI_DOUBLE, .u.d = d};
}

struct xapi_value
xapi_arr(const struct xapi_value *items, uint32_t nb)
{
	return (struct xapi_value){.type = XAPI_ARRAY, .nb = nb, .u.items = items};
}

const struct xapi_value *
xapi_member(const struct xapi_value *st, const char *name)
{
	if (st == NULL || st->type != XAPI_STRUCT)
		return NULL;
	for (uint32_t i = 0; i < st->nb; i++)
		if (strcmp(st->u.members[i].name, name) == 0)
			return &st->u.members[i].v;
	return NULL;
}

const char *
xapi_get_str(const struct xapi_value *st, const char *name)
{
	const struct xapi_value *v = xapi_member(st, name);

	return v != NULL && v->type == XAPI_STRING ? v->u.s : "";
}

bool
xapi_get_bool(const struct xapi_value *st, const char *name, bool dflt)
{
	const struct xapi_value *v = xapi_member(st, name);

	if (v == NULL)
		return dflt;
	if (v->type == XAPI_BOOL)
		return v->u.b;
	if (v->type == XAPI_INT)
		return v->u.i != 0;
	if (v->type == XAPI_STRING) {
		if (strcasecmp(v->u.s, "true") == 0 || strcmp(v->u.s, "1") == 0)
			return true;
		if (strcasecmp(v->u.s, "false") == 0 || strcmp(v->u.s, "0") == 0)
			return false;
	}
	return dflt;
}

int
xapi_value_int(const struct xapi_value *v, int64_t *out)
{
	const char *s;
	char *end;
	long long n;

	if (v == NULL)
		return -EINVAL;
	if (v->type == XAPI_INT) {
		*out = v->u.i;
		return 0;
	}
	if (v->type != XAPI_STRING)
		return -EINVAL;
	s = v->u.s;
	if (*s != '-' && (*s < '0' || *s > '9'))
		return -EINVAL;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = n;
	return 0;
}

int
xapi_get_int(const struct xapi_value *st, const char *name, int64_t *out)
{
	return xapi_value_int(xapi_member(st, name), out);
}

void
xapi_reply_free(struct xapi_reply *r)
{
	xapi_arena_destroy(r->arena);
	r->arena = NULL;
	r->value = NULL;
}

void
xapi_err_set(struct xapi_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
}

/* The parameters of a few failures are credentials (SESSION_INVALID
 * carries the session ref); they are kept in err->params for the code
 * that needs them, never put in the log line. */
static bool
params_loggable(const char *code)
{
	return strcmp(code, "SESSION_INVALID") != 0;
}

void
xapi_err_from_array(struct xapi_err *err, const struct xapi_value *arr)
{
	size_t off;

	err->code[0] = '\0';
	err->nb_params = 0;
	for (uint32_t i = 0; arr != NULL && arr->type == XAPI_ARRAY && i < arr->nb; i++) {
		const struct xapi_value *v = &arr->u.items[i];
		const char *s = v->type == XAPI_STRING ? v->u.s : "";

		if (i == 0)
			snprintf(err->code, sizeof(err->code), "%s", s);
		else if (err->nb_params < XAPI_ERR_PARAMS)
			snprintf(err->params[err->nb_params++], sizeof(err->params[0]), "%s", s);
	}
	if (err->code[0] == '\0')
		snprintf(err->code, sizeof(err->code), "UNKNOWN_ERROR");
	off = (size_t)snprintf(err->text, sizeof(err->text), "%s", err->code);
	for (unsigned i = 0; params_loggable(err->code) && i < err->nb_params; i++) {
		if (off >= sizeof(err->text))
			break;
		off += (size_t)snprintf(err->text + off, sizeof(err->text) - off, " %s",
		                        err->params[i]);
	}
}

void
xapi_buf_add(struct xapi_buf *b, const char *s, size_t len)
{
	if (b->oom)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + len + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void
xapi_buf_adds(struct xapi_buf *b, const char *s)
{
	xapi_buf_add(b, s, strlen(s));
}

int
xapi_unwrap(const struct xapi_value *v, const struct xapi_value **out, struct xapi_err *err)
{
	const struct xapi_value *status = xapi_member(v, "Status");
	const struct xapi_value *x;

	if (status == NULL) {
		*out = v;
		return 0;
	}
	if (status->type == XAPI_STRING && strcmp(status->u.s, "Success") == 0) {
		x = xapi_member(v, "Value");
		if (x == NULL) {
			xapi_err_set(err, "Status Success without a Value");
			return -EBADMSG;
		}
		*out = x;
		return 0;
	}
	if (status->type == XAPI_STRING && strcmp(status->u.s, "Failure") == 0) {
		x = xapi_member(v, "ErrorDescription");
		if (x == NULL || x->type != XAPI_ARRAY) {
			xapi_err_set(err, "Status Failure without an ErrorDescription");
			return -EBADMSG;
		}
		xapi_err_from_array(err, x);
		return -EREMOTEIO;
	}
	xapi_err_set(err, "unknown Status in the response");
	return -EBADMSG;
}
