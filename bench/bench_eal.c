/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_eal.c - EAL start-up shared by the in-process benches.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "bench_eal.h"

int
bench_eal_init(int argc, char **argv, const char *name)
{
	char prefix[64];
	char *def[] = {argv[0],
	               "-l",
	               "0,1",
	               "--no-huge",
	               "-m",
	               "2048",
	               "--no-pci",
	               "--no-shconf",
	               "--no-telemetry",
	               "--file-prefix",
	               prefix,
	               "--log-level=lib.eal:warning",
	               NULL};

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			/* EAL leaves the program name where "--" was. */
			return rte_eal_init(argc, argv);
	snprintf(prefix, sizeof(prefix), "%s_%d", name, (int)getpid());
	if (rte_eal_init((int)RTE_DIM(def) - 1, def) < 0)
		return -1;
	return 0;
}
