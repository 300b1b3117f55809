// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of what MMIO instructions compute (src/module/mmio_exec.c):
 * every arithmetic, logic and bit-test operation the decoder takes, at
 * every size, against the very instruction run on the CPU these tests
 * run on, result and flags (those the manuals define).  And the string
 * instructions' index and count steps at each address size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "mmio_decode.h"
#include "xorshift.h"

#define CF 0x001ULL
#define PF 0x004ULL
#define AF 0x010ULL
#define ZF 0x040ULL
#define SF 0x080ULL
#define OF 0x800ULL
#define ALL (CF | PF | AF | ZF | SF | OF)

/*
 * The instruction on registers, with the flags loaded from and stored to
 * *f.  The stack moves past the red zone first: the compiler may keep
 * locals there, and PUSHF would overwrite them.
 */
#define RUN(text, x, y, f)						\
	asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[fl]\n\tpopf\n\t"	\
		     text "\n\tpushf\n\tpop %[fl]\n\tlea 128(%%rsp), %%rsp"	\
		     : [x] "+r"(x), [fl] "+r"(f) : [y] "r"(y) : "cc", "memory")

#define CASES(text)							\
	case 2: { u16 x = a, y = b; RUN(text, x, y, *f); return x; }	\
	case 4: { u32 x = a, y = b; RUN(text, x, y, *f); return x; }	\
	default: { u64 x = a, y = b; RUN(text, x, y, *f); return x; }

#define HOST_FN(name, text)						\
static u64 host_##name(unsigned int size, u64 a, u64 b, u64 *f)	\
{									\
	switch (size) {							\
	case 1: { u8 x = a, y = b; RUN(text, x, y, *f); return x; }	\
	CASES(text)							\
	}								\
}

/* Bit tests have no byte form. */
#define HOST_BT(name)							\
static u64 host_##name(unsigned int size, u64 a, u64 b, u64 *f)	\
{									\
	switch (size) {							\
	CASES(#name "%z[x] %[y], %[x]")					\
	}								\
}

#define HOST2(name) HOST_FN(name, #name "%z[x] %[y], %[x]")
#define HOST1(name) HOST_FN(name, #name "%z[x] %[x]")

HOST2(add) HOST2(or) HOST2(adc) HOST2(sbb) HOST2(and) HOST2(sub) HOST2(xor)
HOST2(cmp) HOST2(test) HOST1(not) HOST1(neg) HOST1(inc) HOST1(dec)
HOST_BT(bt) HOST_BT(bts) HOST_BT(btr) HOST_BT(btc)

typedef u64 host_fn(unsigned int size, u64 a, u64 b, u64 *f);

struct op_case {
	enum mmio_op op;
	host_fn *host;
	u64 defined;		/* the flags the manuals define */
	bool byte;		/* has a byte form */
};

static const struct op_case ops[] = {
	{ MMIO_OP_ADD, host_add, ALL, true }, { MMIO_OP_OR, host_or, ALL & ~AF, true },
	{ MMIO_OP_ADC, host_adc, ALL, true }, { MMIO_OP_SBB, host_sbb, ALL, true },
	{ MMIO_OP_AND, host_and, ALL & ~AF, true }, { MMIO_OP_SUB, host_sub, ALL, true },
	{ MMIO_OP_XOR, host_xor, ALL & ~AF, true }, { MMIO_OP_CMP, host_cmp, ALL, true },
	{ MMIO_OP_TEST, host_test, ALL & ~AF, true }, { MMIO_OP_NOT, host_not, ALL, true },
	{ MMIO_OP_NEG, host_neg, ALL, true }, { MMIO_OP_INC, host_inc, ALL, true },
	{ MMIO_OP_DEC, host_dec, ALL, true }, { MMIO_OP_BT, host_bt, CF, false },
	{ MMIO_OP_BTS, host_bts, CF, false }, { MMIO_OP_BTR, host_btr, CF, false },
	{ MMIO_OP_BTC, host_btc, CF, false },
};

static const u64 edges[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, ~0ULL, 0x0f0f0f0f0f0f0f0fULL, 0x123456789abcdef0ULL,
};

static u64 rand_state = 0x2545f4914f6cdd1dULL;

static bool writes_result(enum mmio_op op)
{
	return op != MMIO_OP_CMP && op != MMIO_OP_TEST && op != MMIO_OP_BT;
}

/* One operation on @a (memory) and @b (the other operand), both ways. */
static void check_one(const struct op_case *c, unsigned int size, u64 a, u64 b, u64 flags_in)
{
	struct mmio_insn insn = { .op = c->op, .size = size, .reads = true };
	u64 m = lg_size_mask(size), hf = flags_in, mf = flags_in, hr, mr;

	a &= m;
	b &= m;
	hr = c->host(size, a, b, &hf) & m;
	mr = mmio_alu(&insn, a, b, &mf);
	if (writes_result(c->op) && mr != hr)
		fail_msg("op %d size %u a %#llx b %#llx: result %#llx, the CPU's %#llx",
			 c->op, size, (unsigned long long)a, (unsigned long long)b,
			 (unsigned long long)mr, (unsigned long long)hr);
	if ((mf ^ hf) & c->defined)
		fail_msg("op %d size %u a %#llx b %#llx cf %d: flags %#llx, the CPU's %#llx",
			 c->op, size, (unsigned long long)a, (unsigned long long)b,
			 (int)(flags_in & CF), (unsigned long long)(mf & c->defined),
			 (unsigned long long)(hf & c->defined));
	/* op r, r/m: the register is the first operand, memory the second. */
	if (c->op > MMIO_OP_TEST)
		return;		/* no such form */
	insn.reg_first = true;
	mf = flags_in;
	mr = mmio_alu(&insn, b, a, &mf);
	if ((writes_result(c->op) && mr != hr) || ((mf ^ hf) & c->defined))
		fail_msg("op %d size %u with the register first differs", c->op, size);
}

static void test_alu_matches_the_cpu(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int o, s, i, j, k;

	(void)state;
	for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
		for (s = 0; s < 4; s++) {
			if (sizes[s] == 1 && !ops[o].byte)
				continue;
			for (k = 0; k < 2; k++) {
				u64 fl = 0x202 | (k ? ALL : 0);

				for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
					for (j = 0; j < sizeof(edges) / sizeof(edges[0]); j++)
						check_one(&ops[o], sizes[s], edges[i], edges[j], fl);
				for (i = 0; i < 2000; i++)
					check_one(&ops[o], sizes[s], xorshift64(&rand_state), xorshift64(&rand_state), fl);
			}
		}
}

static void test_xchg_stores_the_register(void **state)
{
	struct mmio_insn insn = { .op = MMIO_OP_XCHG, .size = 2, .reads = true };
	u64 fl = 0x202;

	(void)state;
	assert_int_equal(mmio_alu(&insn, 0x1111, 0x2222, &fl), 0x2222);
	assert_int_equal(fl, 0x202);
}

static void test_string_steps_at_each_address_size(void **state)
{
	struct mmio_insn insn = { .op = MMIO_OP_MOVS, .size = 4, .addr_size = 8 };

	(void)state;
	assert_int_equal(mmio_string_next(&insn, 0x1000, false), 0x1004);
	assert_int_equal(mmio_string_next(&insn, 0x1000, true), 0xffc);
	insn.addr_size = 4;	/* ESI: wraps at 4 GiB and clears bits 32-63 */
	assert_int_equal(mmio_string_next(&insn, 0xdead0000fffffffeULL, false), 2);
	insn.addr_size = 2;	/* SI: wraps at 64 KiB, bits 16-63 stay */
	assert_int_equal(mmio_string_next(&insn, 0xabcd0000fffeULL, false), 0xabcd00000002ULL);
	assert_int_equal(mmio_string_count(&insn, 0x50000), 0x5ffff);
	insn.rep = true;
	assert_int_equal(mmio_string_reps(&insn, 0x50003), 3);
	insn.rep = false;
	assert_int_equal(mmio_string_reps(&insn, 0), 1);
	assert_int_equal(mmio_linear(&insn, 0x12340, 0xffff0010ULL), 0x12350);
	insn.addr_size = 4;
	assert_int_equal(mmio_linear(&insn, 0xfffff000, 0x2000), 0x1000);
	insn.addr_size = 8;
	assert_int_equal(mmio_linear(&insn, 0, 0xffff800000001000ULL), 0xffff800000001000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alu_matches_the_cpu),
		cmocka_unit_test(test_xchg_stores_the_register),
		cmocka_unit_test(test_string_steps_at_each_address_size),
	};

	return cmocka_run_group_tests_name("mmio_exec", tests, NULL, NULL);
}
