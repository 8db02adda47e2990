/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_eal.h - EAL start-up shared by the in-process benches.
 */
#ifndef VTEP_BENCH_EAL_H
#define VTEP_BENCH_EAL_H

/**
 * Start EAL from "EAL args -- bench args" when argv has a "--", else with
 * the benches' defaults: lcores 0 and 1, no hugepages (2 GiB), no PCI, no
 * shared config, no telemetry, a file prefix of @p name and the pid, so
 * two benches or a bench and a running vtepd never share state.
 * @return as rte_eal_init(): the number of arguments EAL consumed (0 with
 * the defaults: argv[1..] are the bench's), or < 0.
 */
int bench_eal_init(int argc, char **argv, const char *name);

#endif
