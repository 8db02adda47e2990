/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xapi_bind.c - the cache and the bindings: which MACs are present,
 * and what each kind of event.from batch posts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/netaddr.h"
#include "control/xenapi/xapi_private.h"
#include "xapi_fixture.h"

struct fx {
	struct xapi_cache *c;
	struct src_queue *q;
	struct xapi_bind_conf bc;
	struct src_update u[64];
	unsigned nb;
};

/* Decode a bare JSON value (wrapped in a JSON-RPC 1.0 response). */
static void
decode(struct xapi_reply *r, const char *json)
{
	struct xapi_err err;
	size_t len = strlen(json) + 64;
	char *body = malloc(len);
	int rc;

	snprintf(body, len, "{\"result\":%s,\"error\":null,\"id\":1}", json);
	rc = xapi_json_decode(body, strlen(body), r, &err);
	if (rc != 0)
		print_error("fixture: %s\n", err.text);
	assert_int_equal(rc, 0);
	free(body);
}

static void
load(struct fx *f, enum xapi_class cls, const char *json)
{
	struct xapi_reply r;

	decode(&r, json);
	assert_int_equal(xapi_cache_load_class(f->c, cls, r.value), 0);
	xapi_reply_free(&r);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->c = xapi_cache_create();
	f->q = src_queue_create();
	f->bc = (struct xapi_bind_conf){
	        .name = "xenapi test", .src_id = 3, .q = f->q, .transport_network = "transport"};
	load(f, XAPI_C_POOL, FX_POOL);
	load(f, XAPI_C_HOST, FX_HOSTS);
	load(f, XAPI_C_NETWORK, FX_NETWORKS);
	load(f, XAPI_C_PIF, FX_PIFS);
	load(f, XAPI_C_VM, FX_VMS);
	load(f, XAPI_C_VIF, FX_VIFS);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	xapi_cache_destroy(f->c);
	src_queue_destroy(f->q);
	free(f);
	return 0;
}

static void
drain(struct fx *f)
{
	f->nb = src_queue_drain(f->q, f->u, 64);
}

static const struct src_update *
find(const struct fx *f, enum src_op op, const char *mac)
{
	uint8_t m[6];

	assert_int_equal(netaddr_mac_parse(mac, m), 0);
	for (unsigned i = 0; i < f->nb; i++)
		if (f->u[i].op == op && memcmp(f->u[i].b.mac, m, 6) == 0)
			return &f->u[i];
	return NULL;
}

static void
full_sync(struct fx *f)
{
	assert_int_equal(xapi_bind_update(f->c, &f->bc, true, 42), 2);
	drain(f);
}

/* Apply one event.from result and post the difference. @return updates posted. */
static int
batch(struct fx *f, const char *json, struct xapi_batch_result *res)
{
	struct xapi_reply r;
	int n;

	decode(&r, json);
	assert_int_equal(xapi_cache_apply_events(f->c, r.value, res), 0);
	xapi_reply_free(&r);
	n = xapi_bind_update(f->c, &f->bc, false, 77);
	assert_true(n >= 0);
	drain(f);
	return n;
}

static uint32_t
ip(const char *s)
{
	uint32_t a;

	assert_int_equal(netaddr_ipv4_parse(s, &a), 0);
	return a;
}

static void
test_presence_rules(void **state)
{
	struct fx *f = *state;
	const struct src_update *u;

	full_sync(f);
	assert_int_equal(f->nb, 4);
	assert_int_equal(f->u[0].op, SRC_OP_SYNC_BEGIN);
	assert_int_equal(f->u[3].op, SRC_OP_SYNC_END);
	u = find(f, SRC_OP_UPSERT, "02:00:00:00:00:01");
	assert_non_null(u);
	assert_int_equal(u->src_id, 3);
	assert_true(u->recv_ns == 42);
	assert_string_equal(u->b.network, "net-a");
	assert_string_equal(u->b.network_alt, "na-uuid");
	assert_string_equal(u->b.host, "xs1");
	assert_string_equal(u->b.cluster, "pool-a");
	assert_string_equal(u->b.vm, "web-1");
	assert_int_equal(u->b.host_vtep, ip("10.9.0.1"));
	/* Paused counts; an empty name_label falls back to the hostname. */
	u = find(f, SRC_OP_UPSERT, "02:00:00:00:00:02");
	assert_non_null(u);
	assert_string_equal(u->b.host, "xs2.example");
	assert_int_equal(u->b.host_vtep, ip("10.9.0.2"));
	assert_int_equal(xapi_bind_count(f->c), 2);
	assert_int_equal(xapi_cache_count(f->c, XAPI_C_VM), FX_NB_VMS);
	assert_int_equal(xapi_cache_count(f->c, XAPI_C_VIF), FX_NB_VIFS);
	assert_int_equal(xapi_cache_nb_guests(f->c), 6); /* t5, s6, d7 are not guests */
}

static void
test_no_transport_network(void **state)
{
	struct fx *f = *state;

	f->bc.transport_network = "";
	full_sync(f);
	assert_int_equal(find(f, SRC_OP_UPSERT, "02:00:00:00:00:01")->b.host_vtep, 0);
	/* by uuid works too */
	f->bc.transport_network = "nt-uuid";
	full_sync(f);
	assert_int_equal(find(f, SRC_OP_UPSERT, "02:00:00:00:00:02")->b.host_vtep, ip("10.9.0.2"));
}

static void
test_migration_is_one_upsert(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;

	full_sync(f);
	assert_int_equal(
	        batch(f,
	              "{\"events\":[{\"id\":\"9\",\"timestamp\":\"0.0\",\"class\":\"vm\","
	              "\"operation\":\"mod\",\"ref\":\"OpaqueRef:v1\",\"snapshot\":" FX_V1_ON_H2
	              "}],\"valid_ref_counts\":{\"vm\":9,\"vif\":9,\"host\":2},"
	              "\"token\":\"00000000000000000009,00000000000000000000\"}",
	              &res),
	        1);
	assert_int_equal(f->nb, 1);
	assert_int_equal(f->u[0].op, SRC_OP_UPSERT);
	assert_string_equal(f->u[0].b.host, "xs2.example");
	assert_int_equal(f->u[0].b.host_vtep, ip("10.9.0.2"));
	assert_true(f->u[0].recv_ns == 77);
	assert_string_equal(res.token, "00000000000000000009,00000000000000000000");
	for (int k = 0; k < XAPI_C_NB; k++)
		assert_false(res.refetch[k]);
	/* The same snapshot again changes nothing. */
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vm\",\"operation\":\"mod\",\"ref\":"
	                       "\"OpaqueRef:v1\",\"snapshot\":" FX_V1_ON_H2 "}],\"token\":\"t\"}",
	                       &res),
	                 0);
}

static void
test_del_without_snapshot(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;

	full_sync(f);
	/* A VIF unplugged and destroyed: del carries no snapshot. */
	assert_int_equal(
	        batch(f,
	              "{\"events\":[{\"class\":\"vif\",\"operation\":\"del\",\"ref\":"
	              "\"OpaqueRef:f2\"}],\"valid_ref_counts\":{\"vif\":8},\"token\":\"t\"}",
	              &res),
	        1);
	assert_int_equal(f->u[0].op, SRC_OP_WITHDRAW);
	assert_non_null(find(f, SRC_OP_WITHDRAW, "02:00:00:00:00:02"));
	assert_string_equal(f->u[0].b.network, "net-a");
	assert_false(res.refetch[XAPI_C_VIF]);
	assert_int_equal(xapi_cache_count(f->c, XAPI_C_VIF), 8);
	/* A del of something never seen is nothing. */
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vif\",\"operation\":\"del\",\"ref\":"
	                       "\"OpaqueRef:zz\"}],\"token\":\"t\"}",
	                       &res),
	                 0);
}

static void
test_vm_deleted_before_its_vifs(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;

	full_sync(f);
	/* Cross-pool migration seen from the source pool: the VM goes first. */
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vm\",\"operation\":\"del\",\"ref\":"
	                       "\"OpaqueRef:v1\"}],\"token\":\"t\"}",
	                       &res),
	                 1);
	assert_non_null(find(f, SRC_OP_WITHDRAW, "02:00:00:00:00:01"));
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vif\",\"operation\":\"del\",\"ref\":"
	                       "\"OpaqueRef:f1\"}],\"token\":\"t\"}",
	                       &res),
	                 0);
	assert_int_equal(xapi_bind_count(f->c), 1);
}

static void
test_counts_mismatch_refetch(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;

	full_sync(f);
	batch(f,
	      "{\"events\":[],\"valid_ref_counts\":{\"pool\":1,\"host\":2,\"network\":2,"
	      "\"pif\":3,\"vm\":9,\"vif\":8,\"task\":5},\"token\":\"t\"}",
	      &res);
	assert_true(res.refetch[XAPI_C_VIF]);
	assert_false(res.refetch[XAPI_C_VM]);
	assert_false(res.refetch[XAPI_C_HOST]);
	assert_false(res.refetch[XAPI_C_PIF]);
	/* The refetch replaces the class; what vanished is withdrawn. */
	load(f, XAPI_C_VIF, FX_VIFS_NO_F2);
	assert_int_equal(xapi_bind_update(f->c, &f->bc, false, 1), 1);
	drain(f);
	assert_non_null(find(f, SRC_OP_WITHDRAW, "02:00:00:00:00:02"));
	/* valid_ref_counts in XML-RPC come as <i4>, in other servers as strings. */
	batch(f,
	      "{\"events\":[],\"valid_ref_counts\":{\"VIF\":\"8\",\"VM\":\"9\"},\"token\":\"t\"}",
	      &res);
	assert_false(res.refetch[XAPI_C_VIF]);
}

static void
test_mod_without_snapshot_refetches(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;

	full_sync(f);
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vm\",\"operation\":\"mod\",\"ref\":"
	                       "\"OpaqueRef:v1\"},{\"class\":\"task\",\"operation\":\"add\","
	                       "\"ref\":\"OpaqueRef:t\"}],\"token\":\"t\"}",
	                       &res),
	                 0);
	assert_true(res.refetch[XAPI_C_VM]);
}

static void
test_malformed_batch(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;
	struct xapi_reply r;

	decode(&r, "{\"events\":[]}");
	assert_int_equal(xapi_cache_apply_events(f->c, r.value, &res), -EBADMSG);
	xapi_reply_free(&r);
	decode(&r, "{\"events\":[1],\"token\":\"t\"}");
	assert_int_equal(xapi_cache_apply_events(f->c, r.value, &res), -EBADMSG);
	xapi_reply_free(&r);
	decode(&r, "[]");
	assert_int_equal(xapi_cache_load_class(f->c, XAPI_C_VM, r.value), -EBADMSG);
	xapi_reply_free(&r);
}

static void
test_network_rename(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;
	const struct src_update *u;

	full_sync(f);
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"network\",\"operation\":\"mod\","
	                       "\"ref\":\"OpaqueRef:na\",\"snapshot\":{\"uuid\":\"na-uuid\","
	                       "\"name_label\":\"net-b\"}}],\"token\":\"t\"}",
	                       &res),
	                 4);
	u = find(f, SRC_OP_WITHDRAW, "02:00:00:00:00:01");
	assert_non_null(u);
	assert_string_equal(u->b.network, "net-a");
	u = find(f, SRC_OP_UPSERT, "02:00:00:00:00:01");
	assert_string_equal(u->b.network, "net-b");
	assert_non_null(find(f, SRC_OP_WITHDRAW, "02:00:00:00:00:02"));
}

static void
test_duplicate_mac_hands_over(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;
	const struct src_update *u;

	full_sync(f);
	/* A clone with the same MAC starts on xs2; the VIF comes before its
	 * VM in the batch. Nothing changes: the first stays reported. */
	assert_int_equal(
	        batch(f,
	              "{\"events\":[{\"class\":\"vif\",\"operation\":\"add\",\"ref\":"
	              "\"OpaqueRef:f11\",\"snapshot\":" FX_VIF_REC(
	                      "v11", "02:00:00:00:00:01",
	                      "true") "},"
	                              "{\"class\":\"vm\",\"operation\":\"add\",\"ref\":\"OpaqueRef:"
	                              "v11\","
	                              "\"snapshot\":{\"name_label\":\"web-1-clone\",\"power_"
	                              "state\":\"Running\","
	                              "\"resident_on\":\"OpaqueRef:h2\"}}],\"token\":\"t\"}",
	              &res),
	        0);
	assert_int_equal(xapi_bind_count(f->c), 2);
	/* The original goes: the clone takes over, no withdraw. */
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vif\",\"operation\":\"del\",\"ref\":"
	                       "\"OpaqueRef:f1\"}],\"token\":\"t\"}",
	                       &res),
	                 1);
	u = find(f, SRC_OP_UPSERT, "02:00:00:00:00:01");
	assert_non_null(u);
	assert_string_equal(u->b.vm, "web-1-clone");
	assert_string_equal(u->b.host, "xs2.example");
	assert_null(find(f, SRC_OP_WITHDRAW, "02:00:00:00:00:01"));
	/* Then the clone halts: now it is withdrawn. */
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vm\",\"operation\":\"mod\",\"ref\":"
	                       "\"OpaqueRef:v11\",\"snapshot\":{\"name_label\":\"web-1-clone\","
	                       "\"power_state\":\"Halted\",\"resident_on\":\"OpaqueRef:NULL\"}}],"
	                       "\"token\":\"t\"}",
	                       &res),
	                 1);
	assert_non_null(find(f, SRC_OP_WITHDRAW, "02:00:00:00:00:01"));
	assert_int_equal(xapi_bind_count(f->c), 1);
}

static void
test_halt_and_start(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;

	full_sync(f);
	/* Halting changes the VM and unplugs the VIF, in one batch: one withdraw. */
	assert_int_equal(
	        batch(f,
	              "{\"events\":[{\"class\":\"vif\",\"operation\":\"mod\",\"ref\":"
	              "\"OpaqueRef:f1\",\"snapshot\":" FX_VIF_REC(
	                      "v1", "02:00:00:00:00:01",
	                      "false") "},"
	                               "{\"class\":\"vm\",\"operation\":\"mod\",\"ref\":"
	                               "\"OpaqueRef:v1\","
	                               "\"snapshot\":{\"name_label\":\"web-1\",\"power_state\":"
	                               "\"Halted\","
	                               "\"resident_on\":\"OpaqueRef:NULL\"}}],\"token\":\"t\"}",
	              &res),
	        1);
	assert_non_null(find(f, SRC_OP_WITHDRAW, "02:00:00:00:00:01"));
	/* The snapshot of a mod may be a VIF record without its VM's change:
	 * attached alone does not bring it back while the VM is halted. */
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vif\",\"operation\":\"mod\",\"ref\":"
	                       "\"OpaqueRef:f1\",\"snapshot\":" FX_VIF_REC(
	                               "v1", "02:00:00:00:00:01", "true") "}],"
	                                                                  "\"token\":\"t\"}",
	                       &res),
	                 0);
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"vm\",\"operation\":\"mod\",\"ref\":"
	                       "\"OpaqueRef:v1\",\"snapshot\":" FX_V1_ON_H2 "}],\"token\":\"t\"}",
	                       &res),
	                 1);
	assert_string_equal(find(f, SRC_OP_UPSERT, "02:00:00:00:00:01")->b.host, "xs2.example");
}

static void
test_host_rename_and_pif_ip(void **state)
{
	struct fx *f = *state;
	struct xapi_batch_result res;

	full_sync(f);
	assert_int_equal(
	        batch(f,
	              "{\"events\":[{\"class\":\"pif\",\"operation\":\"mod\",\"ref\":"
	              "\"OpaqueRef:p1\",\"snapshot\":{\"host\":\"OpaqueRef:h1\","
	              "\"network\":\"OpaqueRef:nt\",\"IP\":\"10.9.9.1\"}}],\"token\":\"t\"}",
	              &res),
	        1);
	assert_int_equal(find(f, SRC_OP_UPSERT, "02:00:00:00:00:01")->b.host_vtep, ip("10.9.9.1"));
	/* A host mod that touches nothing we use posts nothing. */
	assert_int_equal(batch(f,
	                       "{\"events\":[{\"class\":\"host\",\"operation\":\"mod\",\"ref\":"
	                       "\"OpaqueRef:h1\",\"snapshot\":{\"uuid\":\"h1u\",\"name_label\":"
	                       "\"xs1\",\"hostname\":\"xs1\",\"address\":\"10.0.0.9\","
	                       "\"resident_VMs\":[]}}],\"token\":\"t\"}",
	                       &res),
	                 0);
}

static void
test_flush_forget(void **state)
{
	struct fx *f = *state;

	full_sync(f);
	xapi_bind_forget(f->c);
	assert_int_equal(xapi_bind_count(f->c), 0);
	full_sync(f);
	assert_int_equal(xapi_bind_count(f->c), 2);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_presence_rules),
	        T(test_no_transport_network),
	        T(test_migration_is_one_upsert),
	        T(test_del_without_snapshot),
	        T(test_vm_deleted_before_its_vifs),
	        T(test_counts_mismatch_refetch),
	        T(test_mod_without_snapshot_refetches),
	        T(test_malformed_batch),
	        T(test_network_rename),
	        T(test_duplicate_mac_hands_over),
	        T(test_halt_and_start),
	        T(test_host_rename_and_pif_ip),
	        T(test_flush_forget),
	};

	return cmocka_run_group_tests_name("xapi_bind", tests, NULL, NULL);
}
