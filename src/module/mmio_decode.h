/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoding the instruction behind an MMIO nested page fault.
 *
 * Without decode assists (the emulated SVM we test on has none) a #NPF on
 * an MMIO address tells us only the guest-physical address; with them it
 * brings the instruction bytes, which still need decoding.  To finish the access
 * we must know its size, its direction, which register it reads or writes
 * and how long the instruction is.  Linux's readX()/writeX() compile to a
 * handful of MOV forms; this decodes exactly those and rejects the rest.
 * The memory operand's address is never computed: the fault gave it.
 */
#ifndef LG_MMIO_DECODE_H
#define LG_MMIO_DECODE_H

#include "lg_types.h"

/* The architectural limit; mmio_decode() never looks further. */
#define MMIO_INSN_MAX_LEN	15

enum mmio_cpu_mode {
	MMIO_MODE_32,		/* protected or compatibility mode, CS.D = 1 */
	MMIO_MODE_64,		/* 64-bit mode: EFER.LMA and CS.L */
};

/* What the register side of the access is. */
enum mmio_operand {
	MMIO_OPERAND_REG,	/* general register @reg (0-15, RAX..R15) */
	MMIO_OPERAND_HIGH8,	/* AH, CH, DH, BH: bits 8-15 of @reg 0-3 */
	MMIO_OPERAND_IMM,	/* writes only: the constant @imm */
};

/*
 * One decoded access.  Registers are numbered as the instruction encodes
 * them: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15.
 *
 * A read lands in @reg the way mmio_merge_read() does it: the @size bytes
 * read are zero- or (@sign_extend) sign-extended to @dest_size; then a
 * @dest_size of 8 replaces the register, 4 zero-extends into it (the
 * x86-64 rule for 32-bit destinations), 2 and 1 replace the low bits and
 * keep the rest, and MMIO_OPERAND_HIGH8 replaces bits 8-15.
 */
struct mmio_insn {
	u8 len;			/* instruction bytes: advance RIP by this */
	u8 size;		/* bytes accessed in memory: 1, 2, 4 or 8 */
	bool is_write;
	enum mmio_operand operand;
	u8 reg;			/* unless MMIO_OPERAND_IMM */
	u8 dest_size;		/* reads: the destination's size, >= @size */
	bool sign_extend;	/* reads: MOVSX rather than MOV/MOVZX */
	u64 imm;		/* MMIO_OPERAND_IMM: the value, @size bytes */
};

int mmio_decode(const u8 *code, unsigned int avail, enum mmio_cpu_mode mode,
		struct mmio_insn *insn);
u64 mmio_merge_read(const struct mmio_insn *insn, u64 old_reg, u64 value);
u64 mmio_write_value(const struct mmio_insn *insn, const u64 regs[16]);

#endif /* LG_MMIO_DECODE_H */
