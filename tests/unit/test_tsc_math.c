// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the TSC arithmetic (src/module/tsc_math.c): the kvm-clock
 * scale must turn a second of ticks into a second of nanoseconds at any
 * TSC rate a host may have, and a guest's TSC deadline, any u64, must
 * become a sane host time (now for the past, "never" for too far off).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tsc_math.h"

/* What the guest computes from the scale (pvclock_scale_delta()). */
static u64 guest_ns(u64 ticks, s8 shift, u32 mul)
{
	if (shift < 0)
		ticks >>= -shift;
	else
		ticks <<= shift;
	return (unsigned __int128)ticks * mul >> 32;
}

static void test_scale_one_second_at_many_rates(void **state)
{
	static const u64 rates[] = {
		1000000ULL, 100000000ULL, 999999999ULL, 1000000000ULL,
		2100000000ULL, 2999999999ULL, 3123456789ULL, 4294967296ULL,
		5000000000ULL,
	};
	unsigned int i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		s8 shift;
		u32 mul;
		u64 ns;

		tsc_scale(rates[i], &shift, &mul);
		ns = guest_ns(rates[i], shift, mul);
		/* Within a part per million of a second. */
		assert_in_range(ns, 1000000000ULL - 1000, 1000000000ULL + 1000);
		/* And ten seconds' worth does not overflow. */
		ns = guest_ns(rates[i] * 10, shift, mul);
		assert_in_range(ns, 10000000000ULL - 10000, 10000000000ULL + 10000);
	}
}

static void test_deadline_in_the_past_is_now(void **state)
{
	assert_int_equal(tsc_deadline_ns(0, 5000, 777, 1000000), 777);
	assert_int_equal(tsc_deadline_ns(4999, 5000, 777, 1000000), 777);
	assert_int_equal(tsc_deadline_ns(5000, 5000, 777, 1000000), 777);
}

static void test_deadline_counts_at_the_tsc_rate(void **state)
{
	/* 1 GHz: a tick is a nanosecond. */
	assert_int_equal(tsc_deadline_ns(5000 + 1000000, 5000, 777, 1000000),
			 777 + 1000000);
	/* 2.5 GHz: 2.5 ticks a nanosecond. */
	assert_int_equal(tsc_deadline_ns(2500000000ULL, 0, 100, 2500000),
			 100 + 1000000000ULL);
}

static void test_far_deadlines_are_never_not_a_wrap(void **state)
{
	assert_int_equal(tsc_deadline_ns(~0ULL, 0, 1000, 1000000), TSC_NS_NEVER);
	assert_int_equal(tsc_deadline_ns(~0ULL, 1, TSC_NS_NEVER - 5, 3000000),
			 TSC_NS_NEVER);
	/* A slow TSC makes even a modest deadline far. */
	assert_int_equal(tsc_deadline_ns(1ULL << 62, 0, 0, 1), TSC_NS_NEVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_one_second_at_many_rates),
		cmocka_unit_test(test_deadline_in_the_past_is_now),
		cmocka_unit_test(test_deadline_counts_at_the_tsc_rate),
		cmocka_unit_test(test_far_deadlines_are_never_not_a_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
