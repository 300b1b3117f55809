// SPDX-License-Identifier: GPL-2.0-only
/*
 * avx-check SECONDS: keeps all sixteen YMM registers busy with AVX2
 * integer and FMA arithmetic for SECONDS, checking after every round
 * that they hold what the same arithmetic done lane by lane in ordinary
 * registers says.  Whoever switches this CPU between it and anything
 * else (the host kernel, lg between a guest and the host, other guests)
 * must save and restore the full registers, upper halves included: a
 * value lost or swapped on the way shows up as a wrong lane.  Prints
 * "avx-check ok ROUNDS" and exits 0, or names the first wrong register
 * and exits 1; exits 2 on a CPU (or OS) without AVX2 and FMA.
 *
 * Built static with the other test programs: only round_avx() is
 * compiled for AVX2 and FMA.  Each process starts from its own values,
 * so one guest's registers turning up in another's is caught too.
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STEPS	2048		/* per round, all in registers */

/* ymm0-7: 32-bit lanes; ymm8-11: doubles; ymm12-15: 1.0 each. */
struct state {
	uint32_t x[8][8];
	double y[4][4];
	double one[4][4];
};

static uint32_t five[8] = { 5, 5, 5, 5, 5, 5, 5, 5 };
static uint32_t k[8][8];
static double c[4][4];

static int have_avx2_fma(void)
{
	const unsigned int want = 1u << 12 | 1u << 27 | 1u << 28; /* FMA OSXSAVE AVX */
	unsigned int a, b, cx, d;

	if (!__get_cpuid(1, &a, &b, &cx, &d) || (cx & want) != want)
		return 0;
	__asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
	if ((a & 6) != 6)	/* the OS switches SSE and AVX state */
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &cx, &d) && (b & (1u << 5));
}

#define LOAD(r, off)	"vmovdqu " #off "(%[s]), %%ymm" #r "\n\t"
#define STORE(r, off)	"vmovdqu %%ymm" #r ", " #off "(%[s])\n\t"
/* x[i] = (x[i] * 5 + k[i]) ^ x[n], lane by lane */
#define INT_STEP(i, n)							\
	"vpmulld (%[five]), %%ymm" #i ", %%ymm" #i "\n\t"		\
	"vpaddd " #i "*32(%[k]), %%ymm" #i ", %%ymm" #i "\n\t"		\
	"vpxor %%ymm" #n ", %%ymm" #i ", %%ymm" #i "\n\t"
/* y[j] = one[j] * y[j] + c[j] */
#define DBL_STEP(r, o, j)						\
	"vfmadd213pd " #j "*32(%[c]), %%ymm" #o ", %%ymm" #r "\n\t"

__attribute__((target("avx2,fma")))
static void round_avx(struct state *s)
{
	unsigned int n = STEPS;

	__asm__ volatile(
		LOAD(0, 0) LOAD(1, 32) LOAD(2, 64) LOAD(3, 96)
		LOAD(4, 128) LOAD(5, 160) LOAD(6, 192) LOAD(7, 224)
		LOAD(8, 256) LOAD(9, 288) LOAD(10, 320) LOAD(11, 352)
		LOAD(12, 384) LOAD(13, 416) LOAD(14, 448) LOAD(15, 480)
		"1:\n\t"
		INT_STEP(0, 1) INT_STEP(1, 2) INT_STEP(2, 3) INT_STEP(3, 4)
		INT_STEP(4, 5) INT_STEP(5, 6) INT_STEP(6, 7) INT_STEP(7, 0)
		DBL_STEP(8, 12, 0) DBL_STEP(9, 13, 1)
		DBL_STEP(10, 14, 2) DBL_STEP(11, 15, 3)
		"dec %[n]\n\t"
		"jnz 1b\n\t"
		STORE(0, 0) STORE(1, 32) STORE(2, 64) STORE(3, 96)
		STORE(4, 128) STORE(5, 160) STORE(6, 192) STORE(7, 224)
		STORE(8, 256) STORE(9, 288) STORE(10, 320) STORE(11, 352)
		STORE(12, 384) STORE(13, 416) STORE(14, 448) STORE(15, 480)
		"vzeroupper\n\t"
		: [n] "+r"(n)
		: [s] "r"(s), [five] "r"(five), [k] "r"(k), [c] "r"(c)
		: "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		  "xmm13", "xmm14", "xmm15");
}

/* The same round, one lane at a time. */
static void round_scalar(struct state *s)
{
	unsigned int step, i, l;

	for (step = 0; step < STEPS; step++) {
		for (i = 0; i < 8; i++)
			for (l = 0; l < 8; l++)
				s->x[i][l] = (s->x[i][l] * 5 + k[i][l]) ^ s->x[(i + 1) % 8][l];
		for (i = 0; i < 4; i++)
			for (l = 0; l < 4; l++)
				s->y[i][l] = s->y[i][l] + c[i][l];	/* 1.0 * y: exact */
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct state reg, ref;
	unsigned long rounds = 0;
	double end;
	uint32_t seed = (uint32_t)getpid() * 2654435761u ^ (uint32_t)time(NULL);
	unsigned int i, l;

	_Static_assert(sizeof(struct state) == 16 * 32, "ymm0-15 images");
	if (argc != 2 || atof(argv[1]) <= 0) {
		fprintf(stderr, "usage: avx-check SECONDS\n");
		return 2;
	}
	if (!have_avx2_fma()) {
		printf("avx-check: this CPU has no AVX2 and FMA (or the OS does not save YMM)\n");
		return 2;
	}
	for (i = 0; i < 8; i++)
		for (l = 0; l < 8; l++) {
			seed = seed * 1103515245 + 12345;
			reg.x[i][l] = seed;
			k[i][l] = seed >> 7;
		}
	for (i = 0; i < 4; i++)
		for (l = 0; l < 4; l++) {
			reg.y[i][l] = (seed >> (i + l)) & 0xffff;
			reg.one[i][l] = 1.0;
			c[i][l] = 1 + i * 4 + l;	/* small: sums stay exact */
		}
	ref = reg;
	end = now() + atof(argv[1]);
	do {
		round_avx(&reg);
		round_scalar(&ref);
		rounds++;
		for (i = 0; i < 16; i++) {
			/* struct state is ymm0-15's images in order */
			if (memcmp((char *)&reg + 32 * i, (char *)&ref + 32 * i, 32)) {
				printf("avx-check: ymm%u wrong after %lu rounds\n", i, rounds);
				return 1;
			}
		}
	} while (now() < end);
	printf("avx-check ok %lu\n", rounds);
	return 0;
}
