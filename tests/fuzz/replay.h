/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay.h - the unit suite's side of a fuzz target: its entry point run
 * over files (the seed corpus, tests/fuzz/regress/<target>/), each in a
 * buffer of exactly its size so that ASan sees an overread as libFuzzer
 * would.
 *
 * Thread-safety: single-threaded.
 */
#ifndef VTEP_FUZZ_REPLAY_H
#define VTEP_FUZZ_REPLAY_H

#include <stddef.h>
#include <stdint.h>

typedef void (*fuzz_one_fn)(const uint8_t *data, size_t size);

/**
 * Call @p one with the contents of each file in @p paths, and of every file
 * in each directory there (a directory that does not exist holds nothing:
 * regress/ directories appear with their first input).
 * @return the number of inputs replayed, or -1 (the reason is printed).
 */
int fuzz_replay(int nb_paths, char **paths, fuzz_one_fn one);

#endif /* VTEP_FUZZ_REPLAY_H */
