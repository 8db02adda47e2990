/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_json.c - JSON-RPC requests and responses (Jansson).
 *
 * Requests are JSON-RPC 2.0, as the XenAPI reference documents them:
 *   {"jsonrpc":"2.0","method":"VM.get_all_records","params":["OpaqueRef:..."],"id":7}
 * Responses come in more shapes than the reference shows, and every one
 * of them is seen from real xapi versions:
 *   2.0  {"jsonrpc":"2.0","result":...,"id":7}
 *        {"jsonrpc":"2.0","error":{"code":1,"message":"SESSION_INVALID","data":["OpaqueRef:..."]},"id":7}
 *        {"jsonrpc":"2.0","error":["HOST_STILL_BOOTING"],"id":0}   (raised before dispatch)
 *   1.0  {"result":...,"error":null,"id":7} / {"result":null,"error":["CODE","p1"],"id":7}
 *   and the XML-RPC style envelope {"Status":"Success","Value":...}.
 * 64-bit ints arrive as JSON integers (xapi) or as decimal strings (other
 * servers); the accessors take both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "xapi_private.h"

static json_t *
to_json(const struct xapi_value *v, int depth)
{
	json_t *j;

	if (depth > XAPI_MAX_DEPTH)
		return NULL;
	switch (v->type) {
	case XAPI_NIL:
		return json_null();
	case XAPI_STRING:
	case XAPI_DATETIME:
		return json_stringn(v->u.s, v->nb); /* NULL on invalid UTF-8 */
	case XAPI_INT:
		return json_integer(v->u.i);
	case XAPI_BOOL:
		return json_boolean(v->u.b);
	case XAPI_DOUBLE:
		return json_real(v->u.d); /* NULL on NaN / infinity */
	case XAPI_ARRAY:
		j = json_array();
		for (uint32_t i = 0; j != NULL && i < v->nb; i++)
			if (json_array_append_new(j, to_json(&v->u.items[i], depth + 1)) < 0) {
				json_decref(j);
				j = NULL;
			}
		return j;
	case XAPI_STRUCT:
		j = json_object();
		for (uint32_t i = 0; j != NULL && i < v->nb; i++) {
			const struct xapi_member *m = &v->u.members[i];

			if (json_object_set_new(j, m->name, to_json(&m->v, depth + 1)) < 0) {
				json_decref(j);
				j = NULL;
			}
		}
		return j;
	}
	return NULL;
}

int
xapi_json_encode(const char *method, const struct xapi_value *params, unsigned nb_params,
                 uint64_t id, char **body, size_t *len)
{
	struct xapi_value arr = xapi_arr(params, nb_params);
	json_t *root, *jp;
	int r = -ENOMEM;

	*body = NULL;
	jp = to_json(&arr, 0);
	if (jp == NULL)
		return -EINVAL;
	root = json_object();
	if (root == NULL) {
		json_decref(jp);
		return -ENOMEM;
	}
	/* Insertion order is the output order (Jansson >= 2.8). */
	if (json_object_set_new(root, "jsonrpc", json_string("2.0")) < 0 ||
	    json_object_set_new(root, "method", json_string(method)) < 0 ||
	    json_object_set_new(root, "params", jp) < 0 ||
	    json_object_set_new(root, "id", json_integer((json_int_t)id)) < 0)
		goto out;
	*body = json_dumps(root, JSON_COMPACT);
	if (*body != NULL) {
		*len = strlen(*body);
		r = 0;
	}
out:
	json_decref(root);
	return r;
}

static int
from_json(struct xapi_arena *a, const json_t *j, struct xapi_value *out, int depth)
{
	if (depth > XAPI_MAX_DEPTH)
		return -EBADMSG;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(j), i = 0;
		struct xapi_member *m = xapi_arena_alloc(a, n * sizeof(*m) + 1);
		const char *key;
		json_t *val;

		if (m == NULL)
			return -ENOMEM;
		json_object_foreach ((json_t *)j, key, val) {
			int r;

			m[i].name = xapi_arena_strndup(a, key, strlen(key));
			if (m[i].name == NULL)
				return -ENOMEM;
			r = from_json(a, val, &m[i].v, depth + 1);
			if (r < 0)
				return r;
			i++;
		}
		*out = (struct xapi_value){.type = XAPI_STRUCT, .nb = (uint32_t)i, .u.members = m};
		return 0;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		struct xapi_value *items = xapi_arena_alloc(a, n * sizeof(*items) + 1);

		if (items == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			int r = from_json(a, json_array_get(j, i), &items[i], depth + 1);

			if (r < 0)
				return r;
		}
		*out = (struct xapi_value){.type = XAPI_ARRAY, .nb = (uint32_t)n, .u.items = items};
		return 0;
	}
	case JSON_STRING: {
		size_t n = json_string_length(j);
		char *s = xapi_arena_strndup(a, json_string_value(j), n);

		if (s == NULL)
			return -ENOMEM;
		*out = (struct xapi_value){.type = XAPI_STRING, .nb = (uint32_t)n, .u.s = s};
		return 0;
	}
	case JSON_INTEGER:
		*out = (struct xapi_value){.type = XAPI_INT, .u.i = json_integer_value(j)};
		return 0;
	case JSON_REAL:
		*out = (struct xapi_value){.type = XAPI_DOUBLE, .u.d = json_real_value(j)};
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		*out = (struct xapi_value){.type = XAPI_BOOL, .u.b = json_is_true(j)};
		return 0;
	case JSON_NULL:
		*out = (struct xapi_value){.type = XAPI_NIL};
		return 0;
	}
	return -EBADMSG;
}

/* The error member in any of its shapes: an ErrorDescription-like array
 * (1.0, and 2.0 before dispatch), {code, message, data} (2.0, where
 * message is the XenAPI code and data its parameters), or a bare string. */
static int
decode_error(struct xapi_arena *a, const json_t *e, struct xapi_err *err)
{
	struct xapi_value v;
	int r;

	if (json_is_object(e)) {
		const json_t *msg = json_object_get(e, "message");
		const json_t *data = json_object_get(e, "data");
		struct xapi_value items[1 + XAPI_ERR_PARAMS];
		unsigned n = 1;

		items[0] = xapi_str(json_is_string(msg) ? json_string_value(msg) : "");
		if (json_is_array(data)) {
			r = from_json(a, data, &v, 0);
			if (r < 0)
				return r;
			for (uint32_t i = 0; i < v.nb && n < 1 + XAPI_ERR_PARAMS; i++)
				items[n++] = v.u.items[i];
		} else if (json_is_string(data)) {
			items[n++] = xapi_str(json_string_value(data));
		}
		v = xapi_arr(items, n);
		xapi_err_from_array(err, &v);
		return -EREMOTEIO;
	}
	if (json_is_string(e)) {
		struct xapi_value one = xapi_str(json_string_value(e));

		v = xapi_arr(&one, 1);
		xapi_err_from_array(err, &v);
		return -EREMOTEIO;
	}
	if (!json_is_array(e)) {
		xapi_err_set(err, "JSON-RPC error member of an unknown shape");
		return -EBADMSG;
	}
	r = from_json(a, e, &v, 0);
	if (r < 0)
		return r;
	xapi_err_from_array(err, &v);
	return -EREMOTEIO;
}

static int
decode_root(struct xapi_arena *a, const json_t *root, struct xapi_reply *reply,
            struct xapi_err *err)
{
	const json_t *result = json_object_get(root, "result");
	const json_t *error = json_object_get(root, "error");
	struct xapi_value *v;
	int r;

	if (error != NULL && !json_is_null(error))
		return decode_error(a, error, err);
	if (result == NULL) {
		if (json_object_get(root, "Status") == NULL) {
			xapi_err_set(err, "JSON-RPC response without result or error");
			return -EBADMSG;
		}
		result = root; /* a bare XenAPI envelope */
	}
	v = xapi_arena_alloc(a, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	r = from_json(a, result, v, 0);
	if (r == -EBADMSG)
		xapi_err_set(err, "JSON-RPC result nested deeper than %d", XAPI_MAX_DEPTH);
	if (r < 0)
		return r;
	return xapi_unwrap(v, &reply->value, err);
}

int
xapi_json_decode(const char *body, size_t len, struct xapi_reply *reply, struct xapi_err *err)
{
	json_error_t jerr;
	json_t *root;
	int r;

	memset(reply, 0, sizeof(*reply));
	if (len > XAPI_MAX_RESPONSE) {
		xapi_err_set(err, "response of %zu bytes refused (limit %u)", len,
		             XAPI_MAX_RESPONSE);
		return -EMSGSIZE;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		xapi_err_set(err, "JSON: %s at line %d column %d", jerr.text, jerr.line,
		             jerr.column);
		return -EBADMSG;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		xapi_err_set(err, "JSON-RPC response is not an object");
		return -EBADMSG;
	}
	reply->arena = xapi_arena_create();
	if (reply->arena == NULL) {
		json_decref(root);
		return -ENOMEM;
	}
	r = decode_root(reply->arena, root, reply, err);
	json_decref(root);
	if (r < 0) {
		if (r == -ENOMEM)
			xapi_err_set(err, "out of memory decoding the response");
		xapi_reply_free(reply);
	}
	return r;
}
