/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_test.h - helpers shared by the vCenter unit tests: capture files,
 * parsing a capture, and draining the source queue.
 *
 * Thread-safety: test code, one thread (the replay test's transport runs
 * on the source's worker and only reads its script).
 */
#ifndef VTEP_VC_TEST_H
#define VTEP_VC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/vcenter/vc_private.h"

#ifndef VC_CAPTURES
#error "VC_CAPTURES must name tests/fixtures/vcenter/captures"
#endif

/** Read captures/<rel> into a malloc'd NUL-terminated buffer (fails the test if absent). */
char *vc_test_read(const char *rel, size_t *len);
/** Parse captures/<rel> (fails the test if refused). */
xmlDoc *vc_test_doc(const char *rel);
/** Parse a string (fails the test if refused). */
xmlDoc *vc_test_doc_str(const char *xml);
/** The UpdateSet in captures/<rel> (or in @p xml when rel is NULL). */
void vc_test_update_set(const char *rel, const char *xml, struct vc_update_set *us);

#define VC_TEST_MAX_UPDATES 256
struct vc_test_updates {
	struct src_update u[VC_TEST_MAX_UPDATES];
	unsigned nb;
};
/** Drain everything queued so far into @p out (appending). */
void vc_test_drain(struct src_queue *q, struct vc_test_updates *out);
/** Index of the first update with @p op and MAC @p mac ("" = any), or -1. */
int vc_test_find(const struct vc_test_updates *ups, enum src_op op, const char *mac);
/** Number of updates with @p op. */
unsigned vc_test_count(const struct vc_test_updates *ups, enum src_op op);

/* Groups, one per file. */
int vc_test_soap(void);
int vc_test_parse(void);
int vc_test_inventory(void);
int vc_test_replay(void);

#endif /* VTEP_VC_TEST_H */
