// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the INS/OUTS arithmetic (src/module/string_io.c): how
 * much one exit moves, where it lies, and how RCX/RSI/RDI advance, in
 * every address size and direction, as the SDM describes the instructions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "string_io.h"

/* An element size, direction, REP and address size, as an exit gives them. */
#define OP(sz, is_in, is_rep, as) \
	(&(struct string_io_op){ .size = sz, .in = is_in, .rep = is_rep, .asize = as })
#define DF	0x400ULL

static void test_plain_outsb(void **state)
{
	struct string_io s;
	u64 rcx = 99, rsi = 0x1000;

	assert_int_equal(string_io_plan(OP(1, false, false, 8), 0, rcx, rsi, 0, 2048, &s), 0);
	assert_false(s.in);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.first, 0x1000);
	assert_true(string_io_advance(&s, &rcx, &rsi));
	assert_int_equal(rsi, 0x1001);
	assert_int_equal(rcx, 99);	/* no REP: RCX untouched */
}

static void test_rep_chunks(void **state)
{
	struct string_io s;
	u64 rcx = 1500, rdi = 0x2000;

	/* 1500 words are 3000 bytes: 1024 elements now, 476 next time. */
	assert_int_equal(string_io_plan(OP(2, true, true, 8), 0, rcx, rdi, 0,
					2048, &s), 0);
	assert_true(s.in);
	assert_int_equal(s.count, 1024);
	assert_int_equal(s.len, 2048);
	assert_false(string_io_advance(&s, &rcx, &rdi));
	assert_int_equal(rcx, 476);
	assert_int_equal(rdi, 0x2000 + 2048);
	assert_int_equal(string_io_plan(OP(2, true, true, 8), 0, rcx, rdi, 0,
					2048, &s), 0);
	assert_int_equal(s.count, 476);
	assert_true(string_io_advance(&s, &rcx, &rdi));
	assert_int_equal(rcx, 0);
}

static void test_rep_zero(void **state)
{
	struct string_io s;
	u64 rcx = 0, rsi = 0x1000;

	assert_int_equal(string_io_plan(OP(4, false, true, 8), 0, rcx, rsi, 0, 2048, &s), 0);
	assert_int_equal(s.count, 0);
	assert_true(string_io_advance(&s, &rcx, &rsi));
	assert_int_equal(rsi, 0x1000);
}

static void test_df_down(void **state)
{
	struct string_io s;
	u64 rcx = 3, rsi = 0x1008;
	u8 buf[12] = { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 };

	assert_int_equal(string_io_plan(OP(4, false, true, 8), DF, rcx, rsi, 0, 2048, &s), 0);
	/* Elements at 0x1008, 0x1004, 0x1000: the lowest byte is 0x1000. */
	assert_int_equal(s.first, 0x1000);
	assert_int_equal(s.len, 12);
	string_io_order(&s, buf);
	assert_int_equal(buf[0], 3);
	assert_int_equal(buf[4], 2);
	assert_int_equal(buf[8], 1);
	assert_true(string_io_advance(&s, &rcx, &rsi));
	assert_int_equal(rsi, 0x1008 - 12);
}

static void test_address_sizes(void **state)
{
	struct string_io s;
	u64 rcx = 0xdead00000002ULL, rsi = 0x12340000fffeULL;

	/* 16-bit: only CX and SI, which wrap; the upper bits stay. */
	assert_int_equal(string_io_plan(OP(1, false, true, 2), 0, rcx, rsi, 0x10000, 2048, &s), 0);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.first, 0x10000 + 0xfffe);
	assert_true(string_io_advance(&s, &rcx, &rsi));
	assert_int_equal(rsi, 0x123400000000ULL);
	assert_int_equal(rcx, 0xdead00000000ULL);

	/* 32-bit: ECX and ESI, zero-extended as any 32-bit write is. */
	rcx = 0xffffffff00000001ULL;
	rsi = 0xffffffff00001000ULL;
	assert_int_equal(string_io_plan(OP(1, false, true, 4), 0, rcx, rsi, 0, 2048, &s), 0);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.first, 0x1000);
	assert_true(string_io_advance(&s, &rcx, &rsi));
	assert_int_equal(rsi, 0x1001);
	assert_int_equal(rcx, 0);
}

static void test_bad_exits(void **state)
{
	struct string_io s;

	assert_int_equal(string_io_plan(OP(3, false, false, 8), 0, 0, 0, 0, 2048, &s), -EINVAL);
	assert_int_equal(string_io_plan(OP(0, false, false, 8), 0, 0, 0, 0, 2048, &s), -EINVAL);
}

static void test_decode_segment_and_address_size(void **state)
{
	static const u8 plain[] = { 0xf3, 0x6e };
	static const u8 fs[] = { 0x64, 0xf3, 0x66, 0x6f };
	static const u8 rex_gs[] = { 0x65, 0xf3, 0x48, 0x6f };
	static const u8 insb[] = { 0xf3, 0x6c };
	static const u8 a32_insw[] = { 0x67, 0xf3, 0x66, 0x6d };
	static const u8 not_outs[] = { 0xf3, 0xa4 };
	unsigned int asize = 0;

	assert_int_equal(string_io_decode(plain, 2, 8, &asize), 3);
	assert_int_equal(asize, 8);
	assert_int_equal(string_io_decode(fs, 4, 8, &asize), 4);
	assert_int_equal(string_io_decode(rex_gs, 4, 8, &asize), 5);
	assert_int_equal(string_io_decode(insb, 2, 2, &asize), 3);
	assert_int_equal(asize, 2);
	assert_int_equal(string_io_decode(a32_insw, 4, 2, &asize), 3);
	assert_int_equal(asize, 4);	/* 67 in 16-bit code: 32-bit addresses */
	assert_int_equal(string_io_decode(a32_insw, 4, 4, &asize), 3);
	assert_int_equal(asize, 2);
	assert_int_equal(string_io_decode(a32_insw, 4, 8, &asize), 3);
	assert_int_equal(asize, 4);
	assert_int_equal(string_io_decode(not_outs, 2, 8, &asize), -EINVAL);
	assert_int_equal(string_io_decode(fs, 1, 8, &asize), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_outsb),
		cmocka_unit_test(test_rep_chunks),
		cmocka_unit_test(test_rep_zero),
		cmocka_unit_test(test_df_down),
		cmocka_unit_test(test_address_sizes),
		cmocka_unit_test(test_bad_exits),
		cmocka_unit_test(test_decode_segment_and_address_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
