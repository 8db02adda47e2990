/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drop.c - names and descriptions of the drop reasons, generated from
 * drop_reasons.def (the one list).
 */
#include <stddef.h>

#include "dp.h"

static const char *const drop_names[] = {
#define DP_DROP(name, desc) "drop_" #name,
#include "drop_reasons.def"
#undef DP_DROP
};

static const char *const drop_descs[] = {
#define DP_DROP(name, desc) desc,
#include "drop_reasons.def"
#undef DP_DROP
};

const char *
dp_drop_name(unsigned reason)
{
	/* Counter names are lowercase; the .def spells the enum in capitals.
	 * Converted once, on first use (the table is tiny). */
	static __thread char lower[DP_DROP_MAX][48];

	if (reason >= DP_DROP_MAX)
		return "drop_unknown";
	if (lower[reason][0] == '\0') {
		const char *s = drop_names[reason];
		size_t i;

		for (i = 0; s[i] != '\0' && i + 1 < sizeof(lower[0]); i++)
			lower[reason][i] =
			        (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
		lower[reason][i] = '\0';
	}
	return lower[reason];
}

const char *
dp_drop_desc(unsigned reason)
{
	return reason < DP_DROP_MAX ? drop_descs[reason] : "unknown";
}
