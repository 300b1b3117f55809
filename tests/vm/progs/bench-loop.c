// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-loop: the benchmark's CPU-bound loop (tests/bench/, figure "cpu"),
 * run the same way in a guest and directly in the test VM.  Integer work
 * on registers and a 16 KiB table (L1-resident: no page faults, no
 * system calls, no exits to speak of), so the ratio guest/native shows
 * what a hypervisor costs a guest that only computes.
 *
 *   bench-loop [MILLIONS]     (default 200 million rounds)
 *
 * Prints "LGBENCH-LOOP-START", then "LGBENCH-LOOP-END ms=T sum=S" with T
 * from its own CLOCK_MONOTONIC; bench-timer stamps both lines from the
 * outside too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	uint64_t n = (argc > 1 ? strtoull(argv[1], NULL, 0) : 200) * 1000000ull;
	static uint32_t table[4096];
	uint64_t x = 0x9e3779b97f4a7c15ull, sum = 0, i;
	double t;

	for (i = 0; i < 4096; i++)
		table[i] = (uint32_t)(i * 2654435761u);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("LGBENCH-LOOP-START\n");
	t = now_ms();
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sum += table[x & 4095] ^ (uint32_t)x;
		table[(x >> 12) & 4095] += (uint32_t)sum;
	}
	printf("LGBENCH-LOOP-END ms=%.1f sum=%llu\n", now_ms() - t, (unsigned long long)sum);
	return 0;
}
