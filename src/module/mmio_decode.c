// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MMIO instruction decoder (see mmio_decode.h for why we need one).
 *
 * The bytes come from guest memory, so they are hostile: every byte is
 * bounds-checked against what was fetched and against the 15-byte limit,
 * and anything outside the small set below is -EINVAL.  The caller then
 * stops the VM rather than guess.
 *
 *	88 /r		MOV r/m8, r8		8A /r	MOV r8, r/m8
 *	89 /r		MOV r/m, r		8B /r	MOV r, r/m
 *	C6 /0 ib	MOV r/m8, imm8		C7 /0	MOV r/m, imm16/32
 *	0F B6/B7 /r	MOVZX r, r/m8/16	0F BE/BF /r  MOVSX r, r/m8/16
 *	A0-A3		MOV between rAX and an absolute address (moffs)
 *
 * Prefixes: 66 and 67, segment overrides (ignored: the fault gave us the
 * address), and REX in 64-bit mode.  LOCK, REP and REPNE are refused:
 * a locked or repeated MMIO access is not something we can replay.
 */
#include "mmio_decode.h"

struct decoder {
	const u8 *code;
	unsigned int avail;	/* bytes we may look at, <= 15 */
	unsigned int pos;
};

static int next_byte(struct decoder *d, u8 *byte)
{
	if (d->pos >= d->avail)
		return -EINVAL;
	*byte = d->code[d->pos++];
	return 0;
}

/* A little-endian immediate or displacement of @n bytes. */
static int next_le(struct decoder *d, unsigned int n, u64 *val)
{
	unsigned int i;

	if (n > d->avail - d->pos)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)d->code[d->pos + i] << (8 * i);
	d->pos += n;
	return 0;
}

/*
 * Step over ModRM, SIB and displacement; return ModRM.  Only the length
 * matters here: which registers form the address does not.
 */
static int skip_modrm(struct decoder *d, bool addr16, u8 *modrm)
{
	unsigned int mod, rm, disp;
	u64 ignored;
	u8 sib;
	int ret;

	ret = next_byte(d, modrm);
	if (ret)
		return ret;
	mod = *modrm >> 6;
	rm = *modrm & 7;
	if (mod == 3)		/* a register operand cannot fault on MMIO */
		return -EINVAL;

	if (addr16) {
		/* [BX+SI] ... [BX]; mod 00 rm 110 is a bare disp16. */
		if (mod == 0)
			disp = rm == 6 ? 2 : 0;
		else
			disp = mod == 1 ? 1 : 2;
		return next_le(d, disp, &ignored);
	}

	if (mod == 0)
		disp = 0;
	else
		disp = mod == 1 ? 1 : 4;
	if (rm == 4) {
		ret = next_byte(d, &sib);
		if (ret)
			return ret;
		if (mod == 0 && (sib & 7) == 5)		/* no base: disp32 */
			disp = 4;
	} else if (mod == 0 && rm == 5) {
		disp = 4;	/* RIP-relative, or absolute outside 64-bit mode */
	}
	return next_le(d, disp, &ignored);
}

/* Legacy prefixes and REX; returns the opcode byte. */
static int read_prefixes(struct decoder *d, enum mmio_cpu_mode mode,
			 bool *opsize16, bool *addrsize, u8 *rex, u8 *opcode)
{
	int ret;

	*opsize16 = false;
	*addrsize = false;
	*rex = 0;
	for (;;) {
		ret = next_byte(d, opcode);
		if (ret)
			return ret;
		switch (*opcode) {
		case 0x66:
			*opsize16 = true;
			break;
		case 0x67:
			*addrsize = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
			break;
		case 0xf0: case 0xf2: case 0xf3:
			return -EINVAL;
		default:
			if (mode == MMIO_MODE_64 && (*opcode & 0xf0) == 0x40) {
				*rex = *opcode;
				continue;	/* REX counts only right before the opcode */
			}
			return 0;
		}
		*rex = 0;
	}
}

/*
 * Decode the instruction in the first @avail bytes at @code (more than 15
 * are never looked at).  Returns 0 and fills @insn, or -EINVAL if the
 * bytes are not one of the forms above, or end before the instruction
 * does; @insn is then meaningless.
 */
int mmio_decode(const u8 *code, unsigned int avail, enum mmio_cpu_mode mode,
		struct mmio_insn *insn)
{
	struct decoder d = { .code = code, .avail = avail };
	bool opsize16, addrsize, addr16, byte_op;
	unsigned int opsize;
	u8 rex, opcode, modrm;
	u64 moffs;
	int ret;

	if (d.avail > MMIO_INSN_MAX_LEN)
		d.avail = MMIO_INSN_MAX_LEN;
	memset(insn, 0, sizeof(*insn));

	ret = read_prefixes(&d, mode, &opsize16, &addrsize, &rex, &opcode);
	if (ret)
		return ret;
	if (rex & 0x08)			/* REX.W beats 66 */
		opsize = 8;
	else
		opsize = opsize16 ? 2 : 4;
	addr16 = mode == MMIO_MODE_32 && addrsize;
	byte_op = !(opcode & 1);	/* true for 88, 8A, C6, A0, A2 */

	switch (opcode) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		ret = skip_modrm(&d, addr16, &modrm);
		if (ret)
			return ret;
		insn->is_write = opcode <= 0x89;
		insn->size = byte_op ? 1 : opsize;
		insn->reg = ((modrm >> 3) & 7) | (rex & 0x04 ? 8 : 0);
		/* Without any REX, byte registers 4-7 are AH, CH, DH, BH. */
		if (byte_op && !rex && insn->reg >= 4) {
			insn->operand = MMIO_OPERAND_HIGH8;
			insn->reg -= 4;
		}
		break;
	case 0xc6: case 0xc7:
		ret = skip_modrm(&d, addr16, &modrm);
		if (ret)
			return ret;
		if (modrm & 0x38)	/* only /0 is MOV */
			return -EINVAL;
		insn->is_write = true;
		insn->size = byte_op ? 1 : opsize;
		insn->operand = MMIO_OPERAND_IMM;
		ret = next_le(&d, insn->size == 8 ? 4 : insn->size, &insn->imm);
		if (ret)
			return ret;
		if (insn->size == 8 && (insn->imm & 0x80000000))
			insn->imm |= 0xffffffff00000000ULL;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* The offset is address-sized: 8 bytes in 64-bit mode. */
		if (mode == MMIO_MODE_64)
			ret = next_le(&d, addrsize ? 4 : 8, &moffs);
		else
			ret = next_le(&d, addrsize ? 2 : 4, &moffs);
		if (ret)
			return ret;
		insn->is_write = opcode >= 0xa2;
		insn->size = byte_op ? 1 : opsize;
		insn->reg = 0;		/* always AL/AX/EAX/RAX, REX.B or not */
		break;
	case 0x0f:
		ret = next_byte(&d, &opcode);
		if (ret)
			return ret;
		if ((opcode & 0xf6) != 0xb6)	/* B6, B7, BE, BF */
			return -EINVAL;
		ret = skip_modrm(&d, addr16, &modrm);
		if (ret)
			return ret;
		insn->size = opcode & 1 ? 2 : 1;
		insn->reg = ((modrm >> 3) & 7) | (rex & 0x04 ? 8 : 0);
		insn->dest_size = opsize;
		insn->sign_extend = opcode & 0x08;
		break;
	default:
		return -EINVAL;
	}

	if (!insn->is_write && !insn->dest_size)
		insn->dest_size = insn->size;
	insn->len = d.pos;
	return 0;
}

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* A read's @value (from the launcher, low @size bytes) merged into @old_reg. */
u64 mmio_merge_read(const struct mmio_insn *insn, u64 old_reg, u64 value)
{
	u64 sign;

	value &= size_mask(insn->size);
	if (insn->sign_extend) {
		sign = 1ULL << (8 * insn->size - 1);
		value = (value ^ sign) - sign;
	}
	value &= size_mask(insn->dest_size);

	if (insn->operand == MMIO_OPERAND_HIGH8)
		return (old_reg & ~0xff00ULL) | value << 8;
	switch (insn->dest_size) {
	case 1:
	case 2:
		return (old_reg & ~size_mask(insn->dest_size)) | value;
	default:		/* 4: zero-extended into 64 bits; 8: all of it */
		return value;
	}
}

/* What a write stores: @size bytes, zero-extended; @regs in encoding order. */
u64 mmio_write_value(const struct mmio_insn *insn, const u64 regs[16])
{
	switch (insn->operand) {
	case MMIO_OPERAND_IMM:
		return insn->imm & size_mask(insn->size);
	case MMIO_OPERAND_HIGH8:
		return (regs[insn->reg & 3] >> 8) & 0xff;
	default:
		return regs[insn->reg & 15] & size_mask(insn->size);
	}
}
