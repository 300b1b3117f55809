/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoding the instruction behind an MMIO nested page fault.
 *
 * Without decode assists (the emulated SVM we test on has none) a #NPF on
 * an MMIO address tells us only the guest-physical address; with them it
 * brings the instruction bytes, which still need decoding.  To finish the access
 * we must know its size, its direction, which register it reads or writes
 * and how long the instruction is.  Linux's readX()/writeX() compile to a
 * handful of MOV forms, but a guest may use any instruction with a memory
 * operand on device memory: this decodes the ones that make sense there
 * (moves, arithmetic and logic, XCHG, bit tests, string moves) in 16-,
 * 32- and 64-bit code, and rejects the rest.  The memory operand's
 * address is never computed: the fault gave it, except for the string
 * instructions, whose addresses are their index registers.
 */
#ifndef LG_MMIO_DECODE_H
#define LG_MMIO_DECODE_H

#include "lg_types.h"

/* The architectural limit; mmio_decode() never looks further. */
#define MMIO_INSN_MAX_LEN	15

enum mmio_cpu_mode {
	MMIO_MODE_32,		/* protected or compatibility mode, CS.D = 1 */
	MMIO_MODE_64,		/* 64-bit mode: EFER.LMA and CS.L */
	MMIO_MODE_16,		/* real mode, or 16-bit code (CS.D = 0) */
};

/*
 * What the instruction does with the memory operand.  ADD .. CMP are in
 * the order of the ModRM reg field of opcodes 80-83 (and of bits 3-5 of
 * opcodes 00-3B), so that decoding is an addition.
 */
enum mmio_op {
	MMIO_OP_MOV,		/* a load (MOV, MOVZX, MOVSX) or a store */
	MMIO_OP_ADD, MMIO_OP_OR, MMIO_OP_ADC, MMIO_OP_SBB,
	MMIO_OP_AND, MMIO_OP_SUB, MMIO_OP_XOR, MMIO_OP_CMP,
	MMIO_OP_TEST, MMIO_OP_NOT, MMIO_OP_NEG, MMIO_OP_INC, MMIO_OP_DEC,
	MMIO_OP_XCHG,
	MMIO_OP_BT, MMIO_OP_BTS, MMIO_OP_BTR, MMIO_OP_BTC,
	MMIO_OP_MOVS, MMIO_OP_STOS, MMIO_OP_LODS,	/* string: see @rep */
};

/* What the register side of the access is. */
enum mmio_operand {
	MMIO_OPERAND_REG,	/* general register @reg (0-15, RAX..R15) */
	MMIO_OPERAND_HIGH8,	/* AH, CH, DH, BH: bits 8-15 of @reg 0-3 */
	MMIO_OPERAND_IMM,	/* writes only: the constant @imm */
};

/*
 * One decoded instruction.  Registers are numbered as the instruction
 * encodes them: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI,
 * 8-15 R8-R15.
 *
 * Memory is read first if @reads, then written if @is_write: a MOV does
 * one or the other, ADD to memory both, CMP only reads.  The operand
 * that is not memory is @operand: the register @reg or the constant
 * @imm.  Arithmetic takes memory as its first operand unless @reg_first
 * (ADD r, r/m).  When @to_reg, the result (for XCHG, the old memory
 * value; for a load, the value read) lands in @reg the way
 * mmio_merge_read() does it: the @size bytes are zero- or
 * (@sign_extend) sign-extended to @dest_size; then a @dest_size of 8
 * replaces the register, 4 zero-extends into it (the x86-64 rule for
 * 32-bit destinations), 2 and 1 replace the low bits and keep the rest,
 * and MMIO_OPERAND_HIGH8 replaces bits 8-15.
 *
 * String instructions (MOVS, STOS, LODS) address memory through RSI
 * (segment @seg, DS unless overridden) and RDI (always ES), @addr_size
 * bytes of them, and repeat RCX times if @rep; the elements are @size
 * bytes, the accumulator's low bytes for STOS and LODS.
 */
struct mmio_insn {
	u8 len;			/* instruction bytes: advance RIP by this */
	u8 size;		/* bytes accessed in memory: 1, 2, 4 or 8 */
	u8 op;			/* enum mmio_op */
	bool reads;		/* memory is read ... */
	bool is_write;		/* ... and/or written */
	bool to_reg;		/* a value lands in @reg */
	bool reg_first;		/* @reg is the first (left) operand */
	enum mmio_operand operand;
	u8 reg;			/* unless MMIO_OPERAND_IMM */
	u8 dest_size;		/* @to_reg: the destination's size, >= @size */
	bool sign_extend;	/* @to_reg: MOVSX rather than MOV/MOVZX */
	bool rep;		/* strings: REP (or REPNE, the same for these) */
	u8 addr_size;		/* strings: 2, 4 or 8, for RSI, RDI and RCX */
	u8 seg;			/* strings: 0-5 for ES, CS, SS, DS, FS, GS */
	u64 imm;		/* MMIO_OPERAND_IMM: the value, @size bytes */
};

/* The low @size bytes of a value. */
static inline u64 lg_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

int mmio_decode(const u8 *code, unsigned int avail, enum mmio_cpu_mode mode,
		struct mmio_insn *insn);

/* mmio_exec.c: what the instruction does once memory has been read. */
u64 mmio_merge_read(const struct mmio_insn *insn, u64 old_reg, u64 value);
u64 mmio_write_value(const struct mmio_insn *insn, const u64 regs[16]);
u64 mmio_alu(const struct mmio_insn *insn, u64 mem, u64 src, u64 *rflags);
u64 mmio_string_next(const struct mmio_insn *insn, u64 index, bool down);
u64 mmio_string_count(const struct mmio_insn *insn, u64 rcx);
u64 mmio_string_reps(const struct mmio_insn *insn, u64 rcx);
u64 mmio_linear(const struct mmio_insn *insn, u64 seg_base, u64 index);

#endif /* LG_MMIO_DECODE_H */
