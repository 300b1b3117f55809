// SPDX-License-Identifier: GPL-2.0-only
/*
 * INS/OUTS arithmetic (see string_io.h): how many elements one exit
 * moves, where they lie, and how the registers advance.
 */
#include "string_io.h"

#define RFLAGS_DF	0x400ULL

int string_io_plan(const struct string_io_op *op, u64 rflags, u64 rcx,
		   u64 index, u64 seg_base, u32 max, struct string_io *s)
{
	u64 n, lin;

	s->size = op->size;
	if (s->size != 1 && s->size != 2 && s->size != 4)
		return -EINVAL;
	s->in = op->in;
	s->rep = op->rep;
	s->down = rflags & RFLAGS_DF;
	s->amask = op->asize == 2 ? 0xffff : op->asize == 4 ? 0xffffffff : ~0ULL;

	n = s->rep ? rcx & s->amask : 1;
	if (n > max / s->size)
		n = max / s->size;
	s->count = n;
	s->len = n * s->size;
	lin = string_linear(seg_base, index, s->amask);
	if (s->down && n)
		lin -= (n - 1) * s->size;
	s->first = s->amask == ~0ULL ? lin : lin & 0xffffffff;
	return 0;
}

u64 string_linear(u64 seg_base, u64 index, u64 amask)
{
	u64 lin = seg_base + (index & amask);

	/* Linear addresses wrap at 32 bits outside 64-bit addressing. */
	return amask == ~0ULL ? lin : lin & 0xffffffff;
}

u64 string_set_sized(u64 reg, u64 val, u64 amask)
{
	if (amask == 0xffff)
		return (reg & ~0xffffULL) | (val & 0xffff);
	return val & amask;
}

bool string_io_advance(const struct string_io *s, u64 *rcx, u64 *index)
{
	u64 step = (u64)s->count * s->size;

	*index = string_set_sized(*index, s->down ? *index - step : *index + step, s->amask);
	if (!s->rep)
		return true;
	*rcx = string_set_sized(*rcx, (*rcx & s->amask) - s->count, s->amask);
	return (*rcx & s->amask) == 0;
}

void string_io_order(const struct string_io *s, u8 *buf)
{
	u32 i, j, b;
	u8 t;

	if (!s->down)
		return;
	for (i = 0, j = s->count - 1; i < j; i++, j--)
		for (b = 0; b < s->size; b++) {
			t = buf[i * s->size + b];
			buf[i * s->size + b] = buf[j * s->size + b];
			buf[j * s->size + b] = t;
		}
}

int string_io_decode(const u8 *code, int len, unsigned int def_asize,
		     unsigned int *asize)
{
	/* The override prefixes, in the order of the segment numbers. */
	static const u8 seg_prefix[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
	bool a67 = false;
	int i, s, seg = 3;

	for (i = 0; i < len; i++) {
		for (s = 0; s < 6 && code[i] != seg_prefix[s]; s++)
			;
		if (s < 6) {
			seg = s;
			continue;
		}
		if (code[i] == 0x67)
			a67 = true;
		if (code[i] == 0x66 || code[i] == 0x67 || code[i] == 0xf2 ||
		    code[i] == 0xf3)
			continue;
		/* REX comes last, just before the opcode. */
		if (def_asize == 8 && (code[i] & 0xf0) == 0x40 && i + 1 < len)
			i++;
		if ((code[i] & 0xfc) != 0x6c)
			return -EINVAL;
		/* 67 halves 64- and 32-bit addressing; 16-bit becomes 32. */
		*asize = !a67 ? def_asize : def_asize == 2 ? 4 : def_asize / 2;
		return seg;
	}
	return -EINVAL;
}
