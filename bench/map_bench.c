/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map_bench.c - vtep-bench-map: cost of the mapping tables.
 *
 *  (a) bulk lookups of 32 keys on one lcore, in a table of 1,000,000
 *      entries over 4,096 segments: keys in random order, and a hot set of
 *      1,024 flows; single lookups for comparison;
 *  (b) writer throughput (value rewrites, delete + add churn) while one
 *      reader lcore runs bulk lookups, and the reader's rate meanwhile.
 * Also the memory the tables take per entry.
 *
 * Usage: vtep-bench-map [EAL args -- ] [--entries N] [--segments N]
 *        [--seconds S]
 * Without EAL args: -l 0,1 --no-huge -m 2048 --no-pci, private prefix.
 * Prints a table, then one JSON line. Not a pass/fail test.
 *
 * Thread-safety: the main lcore writes, one worker lcore reads.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "bench_eal.h"
#include "map.h"

#define BURST 32

struct bench_opts {
	uint32_t entries;
	uint32_t segments;
	uint32_t hot;
	double seconds;
};

struct bench {
	struct bench_opts o;
	struct map *m;
	uint64_t *keys; /* every key, shuffled */
	uint64_t *hot;  /* the hot set */
	uint32_t stop;
	uint64_t reader_lookups; /* written by the reader, read by the writer */
	size_t rte_bytes, libc_bytes;
	double fill_s;
	double seg_del_ms; /* deleting one segment: a pass over the whole FDB */
};

struct lookup_result {
	double ns_per_burst;
	double cycles_per_burst;
	double mlookups_s;
};

struct writer_result {
	double ops_s;
	double reader_mlookups_s;
	uint64_t rcu_sync;
};

static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static size_t
rte_heap_bytes(void)
{
	struct rte_malloc_socket_stats st;
	size_t sum = 0;

	for (unsigned s = 0; s < rte_socket_count(); s++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) == 0)
			sum += st.heap_allocsz_bytes;
	return sum;
}

static size_t
libc_heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
key_mac(uint8_t mac[6], uint32_t n)
{
	uint32_t h = n * 2654435761u; /* spread, still unique */

	mac[0] = 0x02;
	mac[1] = (uint8_t)(n >> 24);
	memcpy(mac + 2, &h, 4);
}

static rte_be32_t
vtep_ip(uint32_t n)
{
	return rte_cpu_to_be_32(0xac100000u | (n % 1024 + 1)); /* 172.16.0.x */
}

/* Segments, then the entries: half local, half behind 1,024 VTEPs. */
static int
bench_fill(struct bench *b)
{
	uint64_t x = 1, t0;
	uint8_t mac[6];

	for (uint32_t s = 0; s < b->o.segments; s++) {
		struct map_seg_conf c = {
		        .name = "bench",
		        .vni = 1 + s,
		        .port = (uint16_t)(s % 4),
		        .vlan = (uint16_t)(1 + s / 4 % 4094),
		        .ageing_s = 300,
		};

		if (map_seg_add(b->m, &c) < 0)
			return -1;
	}
	t0 = rte_rdtsc();
	for (uint32_t i = 0; i < b->o.entries; i++) {
		struct map_dest d = {.type = MAP_FDB_LOCAL, .port = i % 4, .vlan = 1 + i % 4000};
		uint16_t seg = (uint16_t)(i % b->o.segments);

		if (i & 1)
			d = (struct map_dest){.type = MAP_FDB_REMOTE, .vtep_ip = vtep_ip(i)};
		key_mac(mac, i);
		if (map_fdb_learn(b->m, seg, mac, &d, 1) != MAP_LEARN_ADDED)
			return -1;
		b->keys[i] = map_fdb_key(seg, mac);
	}
	b->fill_s = (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz();
	for (uint32_t i = b->o.entries - 1; i > 0; i--) { /* Fisher-Yates */
		uint32_t j = (uint32_t)(rnd(&x) % (i + 1));
		uint64_t k = b->keys[i];

		b->keys[i] = b->keys[j];
		b->keys[j] = k;
	}
	for (uint32_t i = 0; i < b->o.hot; i++)
		b->hot[i] = b->keys[rnd(&x) % b->o.entries];
	return 0;
}

/* Bulk lookups cycling through @p keys (a multiple of BURST). */
static struct lookup_result
bench_bulk(const struct bench *b, const uint64_t *keys, uint32_t nb_keys, uint32_t bursts)
{
	uint64_t vals[BURST], hits, sink = 0, t0, dt;
	struct lookup_result r;
	uint32_t off = 0;

	t0 = rte_rdtsc_precise();
	for (uint32_t i = 0; i < bursts; i++) {
		sink += (uint64_t)map_fdb_lookup_bulk(b->m, keys + off, BURST, &hits, vals);
		sink += vals[i % BURST];
		off = off + BURST >= nb_keys ? 0 : off + BURST;
	}
	dt = rte_rdtsc_precise() - t0;
	if (sink == 42)
		printf(" "); /* keep the loop */
	r.cycles_per_burst = (double)dt / bursts;
	r.ns_per_burst = r.cycles_per_burst * 1e9 / (double)rte_get_tsc_hz();
	r.mlookups_s = BURST * 1e3 / r.ns_per_burst;
	return r;
}

static struct lookup_result
bench_single(const struct bench *b, uint32_t nb)
{
	uint64_t v, sink = 0, t0, dt;
	struct lookup_result r;

	t0 = rte_rdtsc_precise();
	for (uint32_t i = 0; i < nb; i++) {
		map_fdb_lookup(b->m, b->keys[i % b->o.entries], &v);
		sink += v;
	}
	dt = rte_rdtsc_precise() - t0;
	if (sink == 42)
		printf(" ");
	r.cycles_per_burst = (double)dt / nb; /* per lookup */
	r.ns_per_burst = r.cycles_per_burst * 1e9 / (double)rte_get_tsc_hz();
	r.mlookups_s = 1e3 / r.ns_per_burst;
	return r;
}

static int
reader_main(void *arg)
{
	struct bench *b = arg;
	uint64_t vals[BURST], hits, n = 0;
	uint32_t off = 0;

	map_reader_online(b->m, 0);
	while (!__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE)) {
		map_fdb_lookup_bulk(b->m, b->keys + off, BURST, &hits, vals);
		off = off + BURST >= b->o.entries ? 0 : off + BURST;
		n += BURST;
		__atomic_store_n(&b->reader_lookups, n, __ATOMIC_RELAXED);
		map_reader_quiescent(b->m, 0);
	}
	map_reader_offline(b->m, 0);
	return 0;
}

enum writer_kind { W_IDLE, W_REWRITE, W_CHURN };

/* One writer phase of b->o.seconds while the reader runs. */
static struct writer_result
bench_writer(struct bench *b, enum writer_kind kind)
{
	uint64_t hz = rte_get_tsc_hz(), t0, end, r0, ops = 0;
	struct map_stats st0, st1;
	struct writer_result r;
	union map_fdb_key k;
	uint32_t i = 0, pass = 0;

	map_stats_get(b->m, &st0);
	r0 = __atomic_load_n(&b->reader_lookups, __ATOMIC_RELAXED);
	t0 = rte_rdtsc();
	end = t0 + (uint64_t)(b->o.seconds * (double)hz);
	while (rte_rdtsc() < end) {
		for (int n = 0; n < 256 && kind != W_IDLE; n++) {
			struct map_dest d = {.type = MAP_FDB_LOCAL, .port = 0, .vlan = 7};

			/* A new last-seen stamp each pass: every learn stores a
			 * new value word (a move or a refresh). */
			k.u64 = b->keys[i];
			if (kind == W_CHURN)
				map_fdb_del(b->m, k.seg, k.mac, -1, -1);
			map_fdb_learn(b->m, k.seg, k.mac, &d, 2 + pass);
			ops += kind == W_CHURN ? 2 : 1;
			if (++i == b->o.entries) {
				i = 0;
				pass++;
			}
		}
		if (kind == W_IDLE)
			rte_delay_us_block(100);
		map_reclaim(b->m);
	}
	r.ops_s = (double)ops * (double)hz / (double)(rte_rdtsc() - t0);
	r.reader_mlookups_s = (double)(__atomic_load_n(&b->reader_lookups, __ATOMIC_RELAXED) - r0) *
	                      (double)hz / (double)(rte_rdtsc() - t0) / 1e6;
	map_stats_get(b->m, &st1);
	r.rcu_sync = st1.rcu_sync - st0.rcu_sync;
	return r;
}

static int
parse_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
	        {"entries", required_argument, NULL, 'e'},
	        {"segments", required_argument, NULL, 's'},
	        {"seconds", required_argument, NULL, 't'},
	        {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	*o = (struct bench_opts){.entries = 1000000, .segments = 4096, .hot = 1024, .seconds = 2};
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		errno = 0;
		if (c == 'e')
			o->entries = (uint32_t)strtoul(optarg, &end, 10);
		else if (c == 's')
			o->segments = (uint32_t)strtoul(optarg, &end, 10);
		else if (c == 't')
			o->seconds = strtod(optarg, &end);
		else
			return -1;
		if (errno != 0 || *end != '\0')
			return -1;
	}
	if (o->entries < 2 * BURST || o->segments == 0 || o->segments > MAP_SEG_MAX ||
	    o->seconds <= 0)
		return -1;
	o->entries -= o->entries % BURST;
	return 0;
}

static void
print_results(const struct bench *b, const struct lookup_result *lk, const struct writer_result *w)
{
	static const char *const lk_names[] = {"bulk32 random", "bulk32 hot 1024", "single random"};
	static const char *const w_names[] = {"idle", "value rewrite", "delete+add churn"};
	double per_entry = (double)(b->rte_bytes + b->libc_bytes) / b->o.entries;

	printf("mapping tables: %u entries, %u segments, 1024 VTEPs, TSC %.2f GHz, fill %.2f s\n",
	       b->o.entries, b->o.segments, (double)rte_get_tsc_hz() / 1e9, b->fill_s);
	printf("%-20s %12s %14s %12s %12s\n", "lookup (1 lcore)", "ns/burst", "cycles/burst",
	       "ns/key", "Mlookups/s");
	for (int i = 0; i < 3; i++) {
		unsigned n = i < 2 ? BURST : 1;

		printf("%-20s %12.1f %14.1f %12.2f %12.1f\n", lk_names[i], lk[i].ns_per_burst,
		       lk[i].cycles_per_burst, lk[i].ns_per_burst / n, lk[i].mlookups_s);
	}
	printf("%-20s %12s %20s %10s\n", "writer + 1 reader", "writer op/s", "reader Mlookups/s",
	       "rcu_sync");
	for (int i = 0; i < 3; i++)
		printf("%-20s %12.0f %20.1f %10" PRIu64 "\n", w_names[i], w[i].ops_s,
		       w[i].reader_mlookups_s, w[i].rcu_sync);
	printf("memory: %.1f MiB DPDK heap + %.1f MiB libc = %.1f bytes per entry\n",
	       b->rte_bytes / 1048576.0, b->libc_bytes / 1048576.0, per_entry);
	printf("segment delete (%u entries of %u): %.1f ms\n", b->o.entries / b->o.segments,
	       b->o.entries, b->seg_del_ms);
	printf("{\"bench\":\"map\",\"entries\":%u,\"segments\":%u,\"tsc_hz\":%" PRIu64
	       ",\"bulk32_random_ns\":%.1f,\"bulk32_random_cycles\":%.1f"
	       ",\"bulk32_hot_ns\":%.1f,\"bulk32_hot_cycles\":%.1f"
	       ",\"single_random_ns\":%.1f,\"rewrite_ops_s\":%.0f,\"churn_ops_s\":%.0f"
	       ",\"reader_idle_mlookups_s\":%.2f,\"reader_rewrite_mlookups_s\":%.2f"
	       ",\"reader_churn_mlookups_s\":%.2f,\"bytes_per_entry\":%.1f,\"seg_del_ms\":%.1f}\n",
	       b->o.entries, b->o.segments, rte_get_tsc_hz(), lk[0].ns_per_burst,
	       lk[0].cycles_per_burst, lk[1].ns_per_burst, lk[1].cycles_per_burst,
	       lk[2].ns_per_burst, w[1].ops_s, w[2].ops_s, w[0].reader_mlookups_s,
	       w[1].reader_mlookups_s, w[2].reader_mlookups_s, per_entry, b->seg_del_ms);
}

int
main(int argc, char **argv)
{
	static struct bench b;
	struct lookup_result lk[3];
	struct writer_result w[3];
	char rundir[PATH_MAX];
	size_t rte0, libc0;
	uint64_t t0;
	int n = bench_eal_init(argc, argv, "vtep_bench_map");
	unsigned lcore;

	if (n < 0 || parse_opts(argc - n, argv + n, &b.o) < 0) {
		fprintf(stderr,
		        "usage: %s [EAL args --] [--entries N] [--segments N] "
		        "[--seconds S]\n",
		        argv[0]);
		return 1;
	}
	b.keys = malloc(b.o.entries * sizeof(*b.keys));
	b.hot = malloc(b.o.hot * sizeof(*b.hot));
	rte0 = rte_heap_bytes();
	libc0 = libc_heap_bytes();
	b.m = map_create(&(struct map_params){.name = "bench",
	                                      .fdb_max = b.o.entries,
	                                      .vteps_max = 4096,
	                                      .segments_max = b.o.segments,
	                                      .nb_ports = 4,
	                                      .max_readers = 1,
	                                      .socket_id = (int)rte_socket_id()});
	if (b.keys == NULL || b.hot == NULL || b.m == NULL || bench_fill(&b) < 0) {
		fprintf(stderr, "map_bench: setup failed\n");
		return 1;
	}
	b.rte_bytes = rte_heap_bytes() - rte0;
	b.libc_bytes = libc_heap_bytes() - libc0;

	lk[0] = bench_bulk(&b, b.keys, b.o.entries, 4 * b.o.entries / BURST);
	lk[1] = bench_bulk(&b, b.hot, b.o.hot, 4 * b.o.entries / BURST);
	lk[2] = bench_single(&b, b.o.entries);

	lcore = rte_get_next_lcore(-1, 1, 0);
	if (lcore >= RTE_MAX_LCORE || map_reader_register(b.m, 0) < 0 ||
	    rte_eal_remote_launch(reader_main, &b, lcore) < 0) {
		fprintf(stderr, "map_bench: needs a worker lcore for the reader (-l 0,1)\n");
		return 1;
	}
	w[0] = bench_writer(&b, W_IDLE);
	w[1] = bench_writer(&b, W_REWRITE);
	w[2] = bench_writer(&b, W_CHURN);
	__atomic_store_n(&b.stop, 1, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	map_reader_unregister(b.m, 0);
	t0 = rte_rdtsc();
	map_seg_del(b.m, 0);
	b.seg_del_ms = (double)(rte_rdtsc() - t0) * 1e3 / (double)rte_get_tsc_hz();

	print_results(&b, lk, w);
	map_destroy(b.m);
	free(b.keys);
	free(b.hot);
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(rundir); /* EAL leaves it behind; fails harmlessly if not empty */
	return 0;
}
