/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay.c - see replay.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

static int
replay_file(const char *path, fuzz_one_fn one)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n = -1;

	if (fp != NULL && fseek(fp, 0, SEEK_END) == 0)
		n = ftell(fp);
	if (n >= 0 && fseek(fp, 0, SEEK_SET) == 0)
		buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "fuzz replay: %s: cannot read: %s\n", path, strerror(errno));
		free(buf);
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	fclose(fp);
	one(buf, (size_t)n);
	free(buf);
	return 1;
}

static int
replay_path(const char *path, fuzz_one_fn one)
{
	char file[PATH_MAX];
	struct dirent *e;
	int nb = 0, r = 0;
	DIR *d = opendir(path);

	if (d == NULL)
		return errno == ENOENT ? 0 : replay_file(path, one);
	while (r >= 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		r = replay_file(file, one);
		nb += r > 0 ? r : 0;
	}
	closedir(d);
	return r < 0 ? -1 : nb;
}

int
fuzz_replay(int nb_paths, char **paths, fuzz_one_fn one)
{
	int nb = 0;

	for (int i = 0; i < nb_paths; i++) {
		int r = replay_path(paths[i], one);

		if (r < 0)
			return -1;
		nb += r;
	}
	return nb;
}
