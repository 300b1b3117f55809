// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the WRMSR checks (src/module/msr_rules.c): PAT takes the
 * six memory types in every byte and nothing else; EFER takes only the
 * bits a guest has, keeps LMA the CPU's, and refuses to
 * change LME under paging, as a CPU does with #GP (VMRUN would refuse
 * the state LME=0 with LMA=1 and stop the guest instead).
 * MSR_KVM_STEAL_TIME refuses its reserved bits 5:1, as KVM does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "msr_rules.h"

static void test_pat_every_type_in_every_byte(void **state)
{
	int byte, type;

	for (byte = 0; byte < 8; byte++) {
		for (type = 0; type < 256; type++) {
			u64 pat = 0x0007040600070406ULL;	/* the reset value */

			pat &= ~(0xffULL << (byte * 8));
			pat |= (u64)type << (byte * 8);
			assert_int_equal(pat_valid(pat),
					 type <= 7 && type != 2 && type != 3);
		}
	}
}

static void test_efer_bits(void **state)
{
	const u64 lm = MSR_EFER_LME | MSR_EFER_LMA;
	u64 out = 0;
	int bit;

	for (bit = 0; bit < 64; bit++) {
		u64 val = lm | (1ULL << bit);
		bool ok = (1ULL << bit) & MSR_EFER_GUEST;

		assert_int_equal(efer_write(lm, val, true, &out), ok ? 0 : -1);
	}
	/* SCE and NXE go through; LMA stays the CPU's. */
	assert_int_equal(efer_write(lm, MSR_EFER_LME | MSR_EFER_SCE | MSR_EFER_NXE,
				    true, &out), 0);
	assert_int_equal(out, lm | MSR_EFER_SCE | MSR_EFER_NXE);
	assert_int_equal(efer_write(0, MSR_EFER_LMA, false, &out), 0);
	assert_int_equal(out, 0);
}

static void test_efer_lme_under_paging(void **state)
{
	const u64 lm = MSR_EFER_LME | MSR_EFER_LMA;
	u64 out = 0x1234;

	/* Clearing LME in long mode: #GP, EFER untouched. */
	assert_int_equal(efer_write(lm, MSR_EFER_LMA, true, &out), -1);
	assert_int_equal(out, 0x1234);
	/* Setting it with legacy paging on: #GP too. */
	assert_int_equal(efer_write(0, MSR_EFER_LME, true, &out), -1);
	/* With paging off, either way. */
	assert_int_equal(efer_write(0, MSR_EFER_LME, false, &out), 0);
	assert_int_equal(out, MSR_EFER_LME);
	assert_int_equal(efer_write(MSR_EFER_LME, 0, false, &out), 0);
	assert_int_equal(out, 0);
}

static void test_steal_time_bits(void **state)
{
	int bit;

	for (bit = 0; bit < 64; bit++)
		assert_int_equal(steal_time_msr_valid(0x12340000ULL | (1ULL << bit)),
				 bit == 0 || bit >= 6);
	assert_true(steal_time_msr_valid(0));	/* off */
	assert_true(steal_time_msr_valid(0x7ffc0ULL | STEAL_TIME_ENABLE));
	assert_int_equal((0x7ffc1ULL | 0x3e) & STEAL_TIME_ADDR, 0x7ffc0ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pat_every_type_in_every_byte),
		cmocka_unit_test(test_efer_bits),
		cmocka_unit_test(test_efer_lme_under_paging),
		cmocka_unit_test(test_steal_time_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
