// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the XSAVE rules (src/module/xstate.c): XSETBV must take
 * exactly the XCR0 values a CPU with the offered features takes, and
 * CPUID leaf 0xD must describe the offered state and nothing else, with
 * the sizes an XSAVE of it really needs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xstate.h"

/* AVX's upper halves where every x86 CPU with AVX keeps them. */
static const struct xstate_layout avx_layout = {
	.size = { 0, 0, 256 },
	.offset = { 0, 0, 576 },
	.sub1_eax = 0xf,	/* XSAVEOPT, XSAVEC, XGETBV1, XSAVES */
};

static void test_xcr0_every_value_of_the_low_byte(void **state)
{
	const u64 offered = XSTATE_FP | XSTATE_SSE | XSTATE_YMM;
	u64 v;

	for (v = 0; v < 0x100; v++) {
		bool want = (v & XSTATE_FP) && !(v & ~offered) &&
			    (!(v & XSTATE_YMM) || (v & XSTATE_SSE));

		assert_int_equal(xcr0_valid(v, offered), want);
	}
}

static void test_xcr0_refuses_what_is_not_offered(void **state)
{
	/* A host without AVX: 7 is #GP; PKRU, AVX-512, high bits always. */
	assert_false(xcr0_valid(7, XSTATE_FP | XSTATE_SSE));
	assert_true(xcr0_valid(3, XSTATE_FP | XSTATE_SSE));
	assert_false(xcr0_valid(7 | (1ULL << 9), 7));
	assert_false(xcr0_valid(7 | 0xe0, 7));
	assert_false(xcr0_valid(7 | (1ULL << 63), 7));
	assert_false(xcr0_valid(0, 7));
}

static void test_sizes(void **state)
{
	assert_int_equal(xstate_size(XSTATE_FP, &avx_layout), 576);
	assert_int_equal(xstate_size(XSTATE_FP | XSTATE_SSE, &avx_layout), 576);
	assert_int_equal(xstate_size(7, &avx_layout), 832);
	/* Bits beyond what a guest can be offered add nothing. */
	assert_int_equal(xstate_size(7 | (1ULL << 9), &avx_layout), 832);
}

static void test_cpuid_leaf_0xd(void **state)
{
	u32 out[4];

	xstate_cpuid(0, 7, XSTATE_FP, &avx_layout, out);
	assert_int_equal(out[0], 7);
	assert_int_equal(out[1], 576);	/* what XCR0 = x87 needs */
	assert_int_equal(out[2], 832);	/* what all of it needs */
	assert_int_equal(out[3], 0);

	xstate_cpuid(0, 7, 7, &avx_layout, out);
	assert_int_equal(out[1], 832);

	xstate_cpuid(1, 7, 7, &avx_layout, out);
	assert_int_equal(out[0], 7);	/* never XSAVES */
	assert_int_equal(out[1], 832);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 0);

	xstate_cpuid(2, 7, 3, &avx_layout, out);
	assert_int_equal(out[0], 256);
	assert_int_equal(out[1], 576);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 0);
}

static void test_cpuid_hides_what_is_not_offered(void **state)
{
	u32 sub, out[4];

	/* No AVX offered: sub-leaf 2 is empty. */
	xstate_cpuid(2, 3, 3, &avx_layout, out);
	assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
	xstate_cpuid(0, 3, 3, &avx_layout, out);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[2], 576);
	/* Sub-leaves of components nobody offers, up to any u32. */
	for (sub = 3; sub < 70; sub++) {
		xstate_cpuid(sub, 7, 7, &avx_layout, out);
		assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
	}
	xstate_cpuid(0xffffffff, 7, 7, &avx_layout, out);
	assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
	/* No XSAVE at all: the whole leaf is zeros. */
	for (sub = 0; sub < 4; sub++) {
		xstate_cpuid(sub, 0, 1, &avx_layout, out);
		assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xcr0_every_value_of_the_low_byte),
		cmocka_unit_test(test_xcr0_refuses_what_is_not_offered),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_cpuid_leaf_0xd),
		cmocka_unit_test(test_cpuid_hides_what_is_not_offered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
