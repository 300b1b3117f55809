/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * String I/O (INS and OUTS, with or without REP), as pure arithmetic.
 *
 * An I/O exit of INS/OUTS tells us the port, the element size, the
 * direction and REP; the instruction's prefixes give the address size; the memory operand is ES:RDI for
 * INS and DS:RSI (or a segment override) for OUTS, stepping up or, with
 * EFLAGS.DF, down.  One exit moves at most a buffer's worth of elements
 * to or from the launcher; the registers then advance as the CPU would
 * have advanced them, and a REP with elements left re-executes, so the
 * guest can take interrupts between chunks as on hardware.  This file
 * only plans and advances; emulate.c moves the bytes.  Pure, so that the
 * unit tests compile it too.
 */
#ifndef LG_STRING_IO_H
#define LG_STRING_IO_H

#include "lg_types.h"

struct string_io {
	u8 size;		/* element: 1, 2 or 4 bytes */
	bool in;		/* INS (memory written), else OUTS */
	bool rep;
	bool down;		/* EFLAGS.DF: addresses decrease */
	u64 amask;		/* the address size, for RCX and the index */
	u32 count;		/* elements this exit moves, 0 for none */
	u64 first;		/* linear address of the lowest byte moved */
	u32 len;		/* count * size */
};

/* The instruction, as the exit and its decoding tell it. */
struct string_io_op {
	u8 size;		/* element: 1, 2 or 4 bytes */
	bool in;
	bool rep;
	u8 asize;		/* address size: 2, 4 or 8 bytes */
};

/*
 * Plans one exit of @op: @index RDI (INS) or RSI (OUTS), @seg_base that
 * operand's segment base, @max the most bytes one exit may move (at
 * least 4).  -EINVAL for an element size that is not 1, 2 or 4.
 */
int string_io_plan(const struct string_io_op *op, u64 rflags, u64 rcx,
		   u64 index, u64 seg_base, u32 max, struct string_io *s);

/*
 * The address-size rules every string instruction follows (@amask: 0xffff,
 * 0xffffffff or all ones): the linear address of @index in a segment at
 * @seg_base, and @reg set to @val (16 bits merge into the register, 32
 * zero-extend it, as any write of a 32-bit register does).
 */
u64 string_linear(u64 seg_base, u64 index, u64 amask);
u64 string_set_sized(u64 reg, u64 val, u64 amask);

/* Moves RCX and the index past the planned elements; true when done. */
bool string_io_advance(const struct string_io *s, u64 *rcx, u64 *index);

/* The buffer holds elements in the order they move: reverse for DF. */
void string_io_order(const struct string_io *s, u8 *buf);

/*
 * The INS or OUTS at @code (@len bytes) in code whose default address
 * size is @def_asize bytes (8 in 64-bit code, 4 or 2): returns the
 * segment of OUTS's memory operand, 0-5 for ES, CS, SS, DS, FS, GS (the
 * last override prefix, else DS), and sets *@asize to the instruction's
 * address size.  -EINVAL if the bytes are not an INS or OUTS.
 */
int string_io_decode(const u8 *code, int len, unsigned int def_asize,
		     unsigned int *asize);

#endif /* LG_STRING_IO_H */
