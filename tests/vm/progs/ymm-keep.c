// SPDX-License-Identifier: GPL-2.0-only
/*
 * ymm-keep CPU SECONDS: keeps a known pattern in all sixteen YMM
 * registers of a process pinned to CPU, yields the CPU (to the guests
 * pinned there) again and again for SECONDS, and checks after every
 * yield that every register still holds the pattern.  A hypervisor that
 * let a guest at the host's extended FPU state, or restored the host's
 * wrongly, would show here.  Exits 0 with "ymm intact after N yields".
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

/* Loads @pat into ymm0-15, yields once, stores them to @out. */
__attribute__((target("avx")))
static void hold_and_yield(const uint8_t *pat, uint8_t *out)
{
	asm volatile(
		"vmovdqu (%[p]), %%ymm0\n\t"
		"vmovdqa %%ymm0, %%ymm1\n\t  vmovdqa %%ymm0, %%ymm2\n\t"
		"vmovdqa %%ymm0, %%ymm3\n\t  vmovdqa %%ymm0, %%ymm4\n\t"
		"vmovdqa %%ymm0, %%ymm5\n\t  vmovdqa %%ymm0, %%ymm6\n\t"
		"vmovdqa %%ymm0, %%ymm7\n\t  vmovdqa %%ymm0, %%ymm8\n\t"
		"vmovdqa %%ymm0, %%ymm9\n\t  vmovdqa %%ymm0, %%ymm10\n\t"
		"vmovdqa %%ymm0, %%ymm11\n\t vmovdqa %%ymm0, %%ymm12\n\t"
		"vmovdqa %%ymm0, %%ymm13\n\t vmovdqa %%ymm0, %%ymm14\n\t"
		"vmovdqa %%ymm0, %%ymm15\n\t"
		"mov %[nr], %%eax\n\t"
		"syscall\n\t"
		"vmovdqu %%ymm0, 0(%[o])\n\t   vmovdqu %%ymm1, 32(%[o])\n\t"
		"vmovdqu %%ymm2, 64(%[o])\n\t  vmovdqu %%ymm3, 96(%[o])\n\t"
		"vmovdqu %%ymm4, 128(%[o])\n\t vmovdqu %%ymm5, 160(%[o])\n\t"
		"vmovdqu %%ymm6, 192(%[o])\n\t vmovdqu %%ymm7, 224(%[o])\n\t"
		"vmovdqu %%ymm8, 256(%[o])\n\t vmovdqu %%ymm9, 288(%[o])\n\t"
		"vmovdqu %%ymm10, 320(%[o])\n\t vmovdqu %%ymm11, 352(%[o])\n\t"
		"vmovdqu %%ymm12, 384(%[o])\n\t vmovdqu %%ymm13, 416(%[o])\n\t"
		"vmovdqu %%ymm14, 448(%[o])\n\t vmovdqu %%ymm15, 480(%[o])\n\t"
		"vzeroupper"
		: : [p] "r"(pat), [o] "r"(out), [nr] "i"(SYS_sched_yield)
		: "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
		  "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
		  "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

int main(int argc, char **argv)
{
	uint8_t pat[32], out[16 * 32];
	long yields = 0;
	time_t end;
	cpu_set_t set;
	int i;

	if (argc != 3)
		return 2;
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[1]), &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		return 1;
	}
	for (i = 0; i < 32; i++)
		pat[i] = 0xa5 ^ (i * 7);
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		hold_and_yield(pat, out);
		yields++;
		for (i = 0; i < 16; i++) {
			if (memcmp(out + i * 32, pat, 32)) {
				printf("ymm%d changed after %ld yields\n", i, yields);
				return 1;
			}
		}
	}
	printf("ymm intact after %ld yields\n", yields);
	return 0;
}
