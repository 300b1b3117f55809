// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the CPUID policy (src/module/cpuid_policy.c).  Its host
 * here has every feature bit set in every leaf, so whatever the policy
 * forgets to hide shows: SVM, VMX, MONITOR, PCID, the PMU, MCE/MTRR,
 * AVX-512, PKU and the speculation bits must not reach the guest; XSAVE,
 * AVX and AVX2 only when fpu.c offers their state; OSXSAVE only while
 * the guest's CR4 has it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cpuid_policy.h"

static const struct xstate_layout layout = {
	.size = { 0, 0, 256 }, .offset = { 0, 0, 576 }, .sub1_eax = 0xf,
};

static void every_feature(u32 leaf, u32 subleaf, u32 out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0xffffffff;
}

static struct cpuid_guest guest(u64 xfeatures, bool osxsave)
{
	struct cpuid_guest g = {
		.apic_id = 5, .osxsave = osxsave, .xfeatures = xfeatures,
		.xcr0 = XSTATE_FP, .xlayout = &layout,
		.max_basic = 0xd, .max_ext = 0x80000008, .host = every_feature,
	};
	return g;
}

#define BIT_OF(reg, n)	(((reg) >> (n)) & 1)

static void test_leaf1_hides_what_has_no_switch(void **state)
{
	struct cpuid_guest g = guest(0, false);
	u32 r[4];

	cpuid_guest_answer(&g, 1, 0, r);
	/* ECX: MONITOR, VMX, SMX, PCID, XSAVE, OSXSAVE, AVX, FMA, F16C. */
	assert_int_equal(BIT_OF(r[2], 3), 0);
	assert_int_equal(BIT_OF(r[2], 5), 0);
	assert_int_equal(BIT_OF(r[2], 6), 0);
	assert_int_equal(BIT_OF(r[2], 17), 0);
	assert_int_equal(BIT_OF(r[2], 26), 0);
	assert_int_equal(BIT_OF(r[2], 27), 0);
	assert_int_equal(BIT_OF(r[2], 28), 0);
	assert_int_equal(BIT_OF(r[2], 12), 0);
	assert_int_equal(BIT_OF(r[2], 29), 0);
	/* What every guest gets: x2APIC, TSC deadline, the hypervisor bit. */
	assert_int_equal(BIT_OF(r[2], 21), 1);
	assert_int_equal(BIT_OF(r[2], 24), 1);
	assert_int_equal(BIT_OF(r[2], 31), 1);
	/* EDX: MCE, MTRR, MCA, DS, ACPI, HTT hidden; FPU, TSC, SSE2 kept. */
	assert_int_equal(BIT_OF(r[3], 7), 0);
	assert_int_equal(BIT_OF(r[3], 12), 0);
	assert_int_equal(BIT_OF(r[3], 14), 0);
	assert_int_equal(BIT_OF(r[3], 21), 0);
	assert_int_equal(BIT_OF(r[3], 22), 0);
	assert_int_equal(BIT_OF(r[3], 28), 0);
	assert_int_equal(BIT_OF(r[3], 0), 1);
	assert_int_equal(BIT_OF(r[3], 4), 1);
	assert_int_equal(BIT_OF(r[3], 26), 1);
	/* EBX: APIC id 5, one logical CPU, the host's CLFLUSH size. */
	assert_int_equal(r[1] >> 24, 5);
	assert_int_equal((r[1] >> 16) & 0xff, 1);
	assert_int_equal(r[1] & 0xffff, 0xffff);
}

static void test_xsave_and_avx_follow_the_offered_state(void **state)
{
	struct cpuid_guest g = guest(XSTATE_FP | XSTATE_SSE | XSTATE_YMM, false);
	u32 r[4];

	cpuid_guest_answer(&g, 1, 0, r);
	assert_int_equal(BIT_OF(r[2], 26), 1);	/* XSAVE */
	assert_int_equal(BIT_OF(r[2], 27), 0);	/* OSXSAVE: not in CR4 yet */
	assert_int_equal(BIT_OF(r[2], 28), 1);	/* AVX */
	assert_int_equal(BIT_OF(r[2], 12), 1);	/* FMA */
	g.osxsave = true;
	cpuid_guest_answer(&g, 1, 0, r);
	assert_int_equal(BIT_OF(r[2], 27), 1);
	cpuid_guest_answer(&g, 7, 0, r);
	assert_int_equal(BIT_OF(r[1], 5), 1);	/* AVX2 */

	/* XSAVE without AVX's state: no AVX, FMA, F16C or AVX2. */
	g.xfeatures = XSTATE_FP | XSTATE_SSE;
	cpuid_guest_answer(&g, 1, 0, r);
	assert_int_equal(BIT_OF(r[2], 26), 1);
	assert_int_equal(BIT_OF(r[2], 28) | BIT_OF(r[2], 12) | BIT_OF(r[2], 29), 0);
	cpuid_guest_answer(&g, 7, 0, r);
	assert_int_equal(BIT_OF(r[1], 5), 0);
	cpuid_guest_answer(&g, 0xd, 0, r);
	assert_int_equal(r[0], 3);
}

static void test_leaf7_hides_avx512_pku_and_speculation(void **state)
{
	struct cpuid_guest g = guest(XSTATE_FP | XSTATE_SSE | XSTATE_YMM, true);
	u32 r[4];
	int bit;

	cpuid_guest_answer(&g, 7, 0, r);
	assert_int_equal(r[0], 0);	/* no sub-leaf 1 */
	for (bit = 16; bit <= 31; bit++)	/* AVX-512, PT, SHA (29) kept */
		if (bit != 18 && bit != 19 && bit != 20 && bit != 23 && bit != 29)
			assert_int_equal(BIT_OF(r[1], bit), 0);
	assert_int_equal(BIT_OF(r[1], 0), 0);	/* FSGSBASE */
	assert_int_equal(BIT_OF(r[1], 10), 0);	/* INVPCID */
	assert_int_equal(r[2], 0);	/* PKU, LA57, RDPID, ... */
	assert_int_equal(r[3], 0);	/* IBRS, STIBP, SSBD, ... */
	cpuid_guest_answer(&g, 7, 1, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

static void test_extended_leaves(void **state)
{
	struct cpuid_guest g = guest(0, false);
	u32 r[4];

	cpuid_guest_answer(&g, 0x80000001, 0, r);
	assert_int_equal(BIT_OF(r[2], 2), 0);	/* SVM */
	assert_int_equal(BIT_OF(r[2], 23), 0);	/* PerfCtrExtCore */
	assert_int_equal(BIT_OF(r[3], 29), 1);	/* LM */
	assert_int_equal(BIT_OF(r[3], 27), 0);	/* RDTSCP */
	cpuid_guest_answer(&g, 0x80000008, 0, r);
	assert_int_equal(r[0], 0xffff);
	assert_int_equal(r[1] | r[2] | r[3], 0);
	/* SVM's leaf and anything past the cap: zeros. */
	cpuid_guest_answer(&g, 0x8000000a, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	cpuid_guest_answer(&g, 0x80000000, 0, r);
	assert_int_equal(r[0], 0x80000008);
}

static void test_basic_leaves(void **state)
{
	struct cpuid_guest g = guest(0, false);
	u32 r[4];

	cpuid_guest_answer(&g, 0, 0, r);
	assert_int_equal(r[0], 0xd);
	cpuid_guest_answer(&g, 0xa, 0, r);	/* the PMU */
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	cpuid_guest_answer(&g, 0xe, 0, r);	/* past the cap */
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	cpuid_guest_answer(&g, 0xd, 0, r);	/* no XSAVE offered */
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	cpuid_guest_answer(&g, 6, 0, r);
	assert_int_equal(r[0], 4);		/* ARAT only */
	assert_int_equal(r[1] | r[2] | r[3], 0);
	cpuid_guest_answer(&g, 0xb, 1, r);
	assert_int_equal(r[3], 5);		/* x2APIC id */
	assert_int_equal(r[2], 1 | (2 << 8));	/* level 1: core */
}

static void test_kvm_leaves(void **state)
{
	struct cpuid_guest g = guest(0, false);
	u32 r[4];

	cpuid_guest_answer(&g, 0x40000000, 0, r);
	assert_int_equal(r[0], 0x40000001);
	assert_memory_equal(&r[1], "KVMKVMKVM\0\0\0", 12);
	cpuid_guest_answer(&g, 0x40000001, 0, r);
	assert_int_equal(r[0], (1 << 1) | (1 << 3) | (1 << 7) | (1 << 24));
	assert_int_equal(r[1] | r[2] | r[3], 0);
	/* Steal time (bit 5) only where the module offers it. */
	g.steal_time = true;
	cpuid_guest_answer(&g, 0x40000001, 0, r);
	assert_int_equal(r[0], (1 << 1) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 24));
	g.steal_time = false;
	cpuid_guest_answer(&g, 0x40000002, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf1_hides_what_has_no_switch),
		cmocka_unit_test(test_xsave_and_avx_follow_the_offered_state),
		cmocka_unit_test(test_leaf7_hides_avx512_pku_and_speculation),
		cmocka_unit_test(test_extended_leaves),
		cmocka_unit_test(test_basic_leaves),
		cmocka_unit_test(test_kvm_leaves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
