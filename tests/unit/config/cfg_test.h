/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg_test.h - helpers shared by the configuration tests.
 *
 * Thread-safety: test code, single-threaded.
 */
#ifndef VTEP_CFG_TEST_H
#define VTEP_CFG_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "control/config/cfg.h"

/* Every invalid case is loaded under this name. */
#define CFGT_NAME "gw.json"

/* An expected error line about this file. */
#define E(reason) CFGT_NAME ": error: " reason

/* One invalid configuration and exactly what the loader must say. */
struct cfgt_case {
	const char *name;
	/* A JSON object written with ' for ", whose top-level keys replace
	 * those of cfgt_base (a key set to null removes it); or, when raw is
	 * set, the whole document as is. */
	const char *json;
	bool raw;
	const char *errors[12]; /* NULL-terminated */
};

extern const char cfgt_base[];
extern const struct cfgt_case cfgt_cases[];
extern const size_t cfgt_nb_cases;

/** The document a case loads (malloc'ed), or NULL if the case is broken. */
char *cfgt_case_json(const struct cfgt_case *tc);

/** Contents of a file under the source tree ($VTEPD_SRCDIR), malloc'ed. */
char *cfgt_read_src(const char *relpath);

/** Full path of a file under the source tree (static buffer). */
const char *cfgt_src_path(const char *relpath);

/** cfg_print() into a malloc'ed string. */
char *cfgt_print(const struct cfg *c);

/** cmocka-assert that two configurations are equal, field by field. */
void cfgt_assert_equal(const struct cfg *a, const struct cfg *b);

#endif /* VTEP_CFG_TEST_H */
