/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_fuzz_one.c - see xapi_fuzz_one.h.
 */
#include "control/xenapi/xapi_private.h"
#include "xapi_fuzz_one.h"

static void
exercise(const struct xapi_value *v)
{
	static struct src_queue *q;
	struct xapi_bind_conf bc = {.name = "fuzz", .src_id = 1, .transport_network = "transport"};
	struct xapi_batch_result res;
	struct src_update u[64];
	struct xapi_cache *c;

	if (q == NULL && (q = src_queue_create()) == NULL)
		return;
	bc.q = q;
	c = xapi_cache_create();
	if (c == NULL)
		return;
	/* Whatever decoded: as get_all_records of each class, then as an
	 * event batch on top of that state. */
	for (int k = 0; k < XAPI_C_NB; k++)
		xapi_cache_load_class(c, (enum xapi_class)k, v);
	xapi_bind_update(c, &bc, true, 1);
	xapi_cache_apply_events(c, v, &res);
	xapi_bind_update(c, &bc, false, 2);
	while (src_queue_drain(q, u, 64) > 0)
		;
	xapi_cache_destroy(c);
}

int
xapi_fuzz_one(const uint8_t *data, size_t size)
{
	struct xapi_reply r;
	struct xapi_err err;

	if (xapi_json_decode((const char *)data, size, &r, &err) == 0) {
		exercise(r.value);
		xapi_reply_free(&r);
	}
	if (xapi_xml_decode((const char *)data, size, &r, &err) == 0) {
		exercise(r.value);
		xapi_reply_free(&r);
	}
	return 0;
}
