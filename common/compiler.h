/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * compiler.h - small compiler helpers shared by every module.
 *
 * Thread-safety: macros only, no state.
 */
#ifndef VTEP_COMPILER_H
#define VTEP_COMPILER_H

#include <stddef.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define VTEP_UNUSED       __attribute__((unused))
#define VTEP_COLD         __attribute__((cold, noinline))
#define VTEP_NOINLINE     __attribute__((noinline))
#define VTEP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define VTEP_WARN_UNUSED  __attribute__((warn_unused_result))

#define VTEP_LIKELY(x)   __builtin_expect(!!(x), 1)
#define VTEP_UNLIKELY(x) __builtin_expect(!!(x), 0)

#define VTEP_MIN(a, b) ((a) < (b) ? (a) : (b))
#define VTEP_MAX(a, b) ((a) > (b) ? (a) : (b))

/* DP_ASSERT-style checks that compile away in release builds and stay on in
 * sanitizer/debug builds (meson sets VTEP_DEBUG for those). */
#ifdef VTEP_DEBUG
#include <stdio.h>
#include <stdlib.h>
#define VTEP_ASSERT(c)                                                                             \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #c);  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)
#else
#define VTEP_ASSERT(c) ((void)0)
#endif

#endif /* VTEP_COMPILER_H */
