// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a decoded MMIO instruction (mmio_decode.h) does to the registers
 * and flags, once emulate.c has the memory operand: loads merged into
 * their register, arithmetic with the flags the CPU would set, string
 * index steps.  Pure arithmetic, so that the unit tests check it against
 * the CPU they run on.
 */
#include "mmio_decode.h"
#include "string_io.h"

#define F_CF	0x001ULL
#define F_PF	0x004ULL
#define F_AF	0x010ULL
#define F_ZF	0x040ULL
#define F_SF	0x080ULL
#define F_OF	0x800ULL
#define F_ARITH	(F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* A read's @value (from the launcher, low @size bytes) merged into @old_reg. */
u64 mmio_merge_read(const struct mmio_insn *insn, u64 old_reg, u64 value)
{
	u64 sign;

	value &= lg_size_mask(insn->size);
	if (insn->sign_extend) {
		sign = 1ULL << (8 * insn->size - 1);
		value = (value ^ sign) - sign;
	}
	value &= lg_size_mask(insn->dest_size);

	if (insn->operand == MMIO_OPERAND_HIGH8)
		return (old_reg & ~0xff00ULL) | value << 8;
	switch (insn->dest_size) {
	case 1:
	case 2:
		return (old_reg & ~lg_size_mask(insn->dest_size)) | value;
	default:		/* 4: zero-extended into 64 bits; 8: all of it */
		return value;
	}
}

/* What a write stores: @size bytes, zero-extended; @regs in encoding order. */
u64 mmio_write_value(const struct mmio_insn *insn, const u64 regs[16])
{
	switch (insn->operand) {
	case MMIO_OPERAND_IMM:
		return insn->imm & lg_size_mask(insn->size);
	case MMIO_OPERAND_HIGH8:
		return (regs[insn->reg & 3] >> 8) & 0xff;
	default:
		return regs[insn->reg & 15] & lg_size_mask(insn->size);
	}
}

/* ZF, SF and PF of a @size-byte result (PF: even parity of its low byte). */
static u64 zsp(u64 r, unsigned int size)
{
	u64 f = 0;

	if (!(r & lg_size_mask(size)))
		f |= F_ZF;
	if ((r >> (8 * size - 1)) & 1)
		f |= F_SF;
	if (!__builtin_parity((unsigned int)(r & 0xff)))
		f |= F_PF;
	return f;
}

/*
 * The arithmetic, logic, XCHG and bit-test instructions: returns what
 * memory (or, @to_reg, the register) receives from memory value @mem and
 * operand @src (both zero-extended @size bytes), and updates the
 * arithmetic flags in @rflags as the CPU does.  For XCHG the register's
 * value is @mem itself; the flags the manuals leave undefined (AF after
 * logic, all but CF after BT) are cleared or kept.
 */
u64 mmio_alu(const struct mmio_insn *insn, u64 mem, u64 src, u64 *rflags)
{
	unsigned int bits = 8 * insn->size;
	u64 m = lg_size_mask(insn->size), sign = 1ULL << (bits - 1);
	u64 a = (insn->reg_first ? src : mem) & m;
	u64 b = (insn->reg_first ? mem : src) & m;
	u64 cf = *rflags & F_CF, r, f, affected = F_ARITH;
	bool carry;

	switch (insn->op) {
	case MMIO_OP_ADD:
	case MMIO_OP_ADC:
		r = (a + b + (insn->op == MMIO_OP_ADC ? cf : 0)) & m;
		carry = r < a || (insn->op == MMIO_OP_ADC && cf && r == a);
		f = (carry ? F_CF : 0) | ((a ^ b ^ r) & F_AF) |
		    ((a ^ r) & (b ^ r) & sign ? F_OF : 0);
		break;
	case MMIO_OP_SUB:
	case MMIO_OP_SBB:
	case MMIO_OP_CMP:
		r = (a - b - (insn->op == MMIO_OP_SBB ? cf : 0)) & m;
		carry = a < b || (insn->op == MMIO_OP_SBB && cf && a == b);
		f = (carry ? F_CF : 0) | ((a ^ b ^ r) & F_AF) |
		    ((a ^ b) & (a ^ r) & sign ? F_OF : 0);
		break;
	case MMIO_OP_AND:
	case MMIO_OP_TEST:
		r = a & b;
		f = 0;
		break;
	case MMIO_OP_OR:
		r = a | b;
		f = 0;
		break;
	case MMIO_OP_XOR:
		r = a ^ b;
		f = 0;
		break;
	case MMIO_OP_INC:
	case MMIO_OP_DEC:
		r = (insn->op == MMIO_OP_INC ? a + 1 : a - 1) & m;
		f = ((a ^ 1 ^ r) & F_AF) |
		    (r == (insn->op == MMIO_OP_INC ? sign : sign - 1) ? F_OF : 0);
		affected = F_ARITH & ~F_CF;
		break;
	case MMIO_OP_NEG:
		r = -a & m;
		f = (a ? F_CF : 0) | ((a ^ r) & F_AF) | (a == sign ? F_OF : 0);
		break;
	case MMIO_OP_NOT:
		return ~a & m;
	case MMIO_OP_BT:
	case MMIO_OP_BTS:
	case MMIO_OP_BTR:
	case MMIO_OP_BTC:
		b = 1ULL << (src & (bits - 1));
		*rflags = (*rflags & ~F_CF) | (a & b ? F_CF : 0);
		if (insn->op == MMIO_OP_BTS)
			return a | b;
		if (insn->op == MMIO_OP_BTR)
			return a & ~b;
		return insn->op == MMIO_OP_BTC ? a ^ b : a;
	default:			/* XCHG: memory gets the register */
		return src & m;
	}
	*rflags = (*rflags & ~affected) | (f & affected) | zsp(r, insn->size);
	return r;
}

/* A string instruction's index (RSI, RDI) or count (RCX) moved by @delta. */
static u64 step(const struct mmio_insn *insn, u64 reg, u64 delta)
{
	return string_set_sized(reg, reg + delta, lg_size_mask(insn->addr_size));
}

/* The index after one element, up or (EFLAGS.DF, @down) down. */
u64 mmio_string_next(const struct mmio_insn *insn, u64 index, bool down)
{
	return step(insn, index, down ? -(u64)insn->size : insn->size);
}

/* RCX after one repetition. */
u64 mmio_string_count(const struct mmio_insn *insn, u64 rcx)
{
	return step(insn, rcx, -1ULL);
}

/* How many repetitions RCX asks for (1 without REP). */
u64 mmio_string_reps(const struct mmio_insn *insn, u64 rcx)
{
	return insn->rep ? rcx & lg_size_mask(insn->addr_size) : 1;
}

/* The linear address of an element. */
u64 mmio_linear(const struct mmio_insn *insn, u64 seg_base, u64 index)
{
	return string_linear(seg_base, index, lg_size_mask(insn->addr_size));
}
