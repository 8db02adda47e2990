/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tel_text.h - the pure parts of the Prometheus endpoint: a growable text
 * buffer, the Prometheus text exposition format (version 0.0.4) writer and
 * the HTTP/1.x request-head parser. No I/O, no DPDK, no struct ctl: the
 * unit tests drive them directly (tests/unit/control/test_tel_text.c).
 *
 * Thread-safety: no shared state; a buffer belongs to one thread.
 */
#ifndef VTEP_TEL_TEXT_H
#define VTEP_TEL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/compiler.h"

/* A growable byte buffer. An allocation failure sets failed and makes every
 * later append a no-op, so writers check once, at the end. */
struct tel_buf {
	char *data; /* NUL-terminated while !failed */
	size_t len;
	size_t cap;
	bool failed;
};

void tel_buf_init(struct tel_buf *b);
void tel_buf_free(struct tel_buf *b);
void tel_buf_add(struct tel_buf *b, const char *s, size_t n);
void tel_buf_puts(struct tel_buf *b, const char *s);
void tel_buf_printf(struct tel_buf *b, const char *fmt, ...) VTEP_PRINTF(2, 3);

/* Prometheus text format. */

struct tel_label {
	const char *name;  /* [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" */
	const char *value; /* any UTF-8; escaped on output */
};

/** [a-zA-Z_:][a-zA-Z0-9_:]* */
bool tel_prom_name_valid(const char *name);

/** [a-zA-Z_][a-zA-Z0-9_]*, and not reserved ("__" prefix). */
bool tel_prom_label_name_valid(const char *name);

/**
 * Write "# HELP" and "# TYPE" of one metric family. @p help is escaped
 * (backslash, newline). A counter's name must end in "_total" and nothing
 * else may (the naming convention, checked so a table typo cannot ship).
 * @param type "counter" or "gauge".
 * @return 0, or -EINVAL for a bad name or type (nothing written).
 */
int tel_prom_family(struct tel_buf *b, const char *name, const char *type, const char *help);

/**
 * Write one sample line: name{l1="v1",...} value. Label values are escaped
 * (backslash, double quote, newline).
 * @return 0, or -EINVAL for a bad metric or label name (nothing written).
 */
int tel_prom_sample_u64(struct tel_buf *b, const char *name, const struct tel_label *labels,
                        unsigned nb_labels, uint64_t value);

/** The same with a float value ("NaN", "+Inf", "-Inf" for those). */
int tel_prom_sample_f64(struct tel_buf *b, const char *name, const struct tel_label *labels,
                        unsigned nb_labels, double value);

/* HTTP/1.x request head. */

#define TEL_HTTP_HEAD_MAX 8192 /* request line + headers + empty line */
#define TEL_HTTP_LINE_MAX 2048 /* request line */
#define TEL_HTTP_PATH_MAX 256

struct tel_http_req {
	bool head;                    /* HEAD (else GET) */
	unsigned minor;               /* HTTP/1.<minor> */
	char path[TEL_HTTP_PATH_MAX]; /* without the query string */
	size_t head_len;              /* bytes of the head, empty line included */
};

/**
 * Parse the start of a request, @p len bytes received so far. Stateless:
 * call it again on the whole buffer after every read (heads are small).
 * A request line that is already wrong is refused without waiting for the
 * rest.
 * @return 0 when more bytes are needed; otherwise the status the request
 *   deserves as far as the protocol goes: 200 (a complete GET or HEAD head,
 *   @p req filled), 400 (malformed, or HTTP/1.1 without Host), 405 (another
 *   method), 414 (request line too long), 431 (head too long), 505 (not
 *   HTTP/1.x).
 */
int tel_http_parse(const char *buf, size_t len, struct tel_http_req *req);

/** Reason phrase of a status this server sends ("Not Found"). */
const char *tel_http_reason(int status);

/**
 * Append a whole response: status line, Content-Type, Content-Length,
 * Connection: close (and Allow on 405), then the body unless @p head_only.
 */
void tel_http_response(struct tel_buf *out, int status, const char *content_type, const char *body,
                       size_t body_len, bool head_only);

#endif /* VTEP_TEL_TEXT_H */
