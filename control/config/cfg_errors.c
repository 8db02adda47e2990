/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_errors.c - configuration errors: collecting them, formatting them,
 * and the JSON path ("tenants[0].segments[2].vni") they name.
 *
 * Messages may quote what the file contains. Control characters and
 * quotes are escaped so that every error stays one line, and long values
 * are cut: a message names the bad value, it does not have to repeat it.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_private.h"
#include "common/netaddr.h"

#define CFG_REASON_SIZE 1024

void
cfg_errors_free(struct cfg_errors *errs)
{
	if (errs == NULL)
		return;
	for (unsigned i = 0; i < errs->nb_msgs; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->nb_msgs = 0;
	errs->cap = 0;
}

void
cfg_errors_print(const struct cfg_errors *errs, FILE *out)
{
	if (errs == NULL)
		return;
	for (unsigned i = 0; i < errs->nb_msgs; i++)
		fprintf(out, "%s\n", errs->msgs[i]);
}

/* Append a message made of @p fmt with up to three strings. The error
 * counts even when its text cannot be stored: the load fails either way. */
static void
errors_push(struct cfg_load *l, const char *fmt, const char *a, const char *b, const char *c)
{
	struct cfg_errors *errs = l->errs;
	char *msg;
	int len;

	l->nb_errors++;
	if (errs == NULL)
		return;
	if (errs->nb_msgs == errs->cap) {
		unsigned cap = errs->cap != 0 ? errs->cap * 2 : 16;
		char **msgs;

		if (cap <= errs->cap || cap > UINT_MAX / 2 ||
		    (msgs = realloc(errs->msgs, cap * sizeof(*msgs))) == NULL) {
			l->oom = true;
			return;
		}
		errs->msgs = msgs;
		errs->cap = cap;
	}
	len = snprintf(NULL, 0, fmt, a, b, c);
	if (len < 0 || (msg = malloc((size_t)len + 1)) == NULL) {
		l->oom = true;
		return;
	}
	snprintf(msg, (size_t)len + 1, fmt, a, b, c);
	errs->msgs[errs->nb_msgs++] = msg;
}

static void err_vat(struct cfg_load *l, const char *path, const char *fmt, va_list ap)
        VTEP_PRINTF(3, 0);

static void
err_vat(struct cfg_load *l, const char *path, const char *fmt, va_list ap)
{
	char reason[CFG_REASON_SIZE];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	/* The whole document has no path: "<file>: error: <reason>". */
	if (path == NULL || path[0] == '\0')
		errors_push(l, "%s: error: %s%s", l->file, "", reason);
	else
		errors_push(l, "%s: error: %s: %s", l->file, path, reason);
}

void
cfg_err(struct cfg_load *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vat(l, l->path, fmt, ap);
	va_end(ap);
}

void
cfg_err_at(struct cfg_load *l, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vat(l, path, fmt, ap);
	va_end(ap);
}

/* Copy @p s into @p buf escaping what would break a one-line message, and
 * cut it (at a character boundary) when @p buf is full. */
static void
escape(const char *s, char *buf, size_t size, const char *quote)
{
	size_t o = 0, room = size - 4; /* "...", NUL */

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		char tmp[5];
		size_t n;

		if (ch < 0x20 || ch == 0x7f)
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", ch);
		else if (strchr(quote, ch) != NULL)
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\%c", ch);
		else
			n = (size_t)snprintf(tmp, sizeof(tmp), "%c", ch);
		if (o + n > room) {
			/* Cut inside a UTF-8 character (the input is valid
			 * UTF-8: Jansson checked): drop its first bytes. */
			if ((ch & 0xc0) == 0x80) {
				while (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
					o--;
				o -= o > 0; /* its lead byte */
			}
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, tmp, n);
		o += n;
	}
	buf[o] = '\0';
}

const char *
cfg_quote(const char *s, char *buf, size_t size)
{
	size_t n;

	buf[0] = '"';
	escape(s, buf + 1, size - 2, "\"\\");
	n = strlen(buf);
	buf[n] = '"';
	buf[n + 1] = '\0';
	return buf;
}

const char *
cfg_quote_ip(uint32_t ip, char *buf, size_t size)
{
	char s[NETADDR_IPV4_STRLEN];

	return cfg_quote(netaddr_ipv4_fmt(ip, s, sizeof(s)), buf, size);
}

/* "192.0.2.0/24": the prefix of @p ip, host bits cleared. */
const char *
cfg_prefix_str(uint32_t ip, uint8_t len, char *buf, size_t size)
{
	char s[NETADDR_IPV4_STRLEN];

	snprintf(buf, size, "%s/%u", netaddr_ipv4_fmt(ip & cfg_mask(len), s, sizeof(s)), len);
	return buf;
}

void
cfg_err_syntax(struct cfg_load *l, const json_error_t *e)
{
	char text[sizeof(e->text) * 4];
	char pos[48];

	escape(e->text, text, sizeof(text), "");
	if (e->line <= 0) {
		errors_push(l, "%s: error: %s%s", l->file, "", text);
		return;
	}
	snprintf(pos, sizeof(pos), "%d:%d", e->line, e->column);
	errors_push(l, "%s:%s: error: %s", l->file, pos, text);
}

void
cfg_err_oom(struct cfg_load *l)
{
	l->oom = true;
	errors_push(l, "%s: error: %s%s", l->file, "out of memory", "");
}

size_t
cfg_path_key(struct cfg_load *l, const char *key)
{
	size_t mark = l->path_len, room = sizeof(l->path) - mark;
	char esc[CFG_QUOTE_SIZE];
	int n;

	escape(key, esc, sizeof(esc), "");
	n = snprintf(l->path + mark, room, "%s%s", mark != 0 ? "." : "", esc);
	l->path_len += n < 0 ? 0 : VTEP_MIN((size_t)n, room - 1);
	return mark;
}

size_t
cfg_path_index(struct cfg_load *l, size_t i)
{
	size_t mark = l->path_len, room = sizeof(l->path) - mark;
	int n;

	n = snprintf(l->path + mark, room, "[%zu]", i);
	l->path_len += n < 0 ? 0 : VTEP_MIN((size_t)n, room - 1);
	return mark;
}

void
cfg_path_pop(struct cfg_load *l, size_t mark)
{
	l->path_len = mark;
	l->path[mark] = '\0';
}
