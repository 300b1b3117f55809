// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MMIO instruction decoder (see mmio_decode.h for why we need one).
 *
 * The bytes come from guest memory, so they are hostile: every byte is
 * bounds-checked against what was fetched and against the 15-byte limit,
 * and anything outside the set below is -EINVAL.  The caller then stops
 * the VM rather than guess.  r/m is always a memory operand here (mod 3,
 * a register, cannot fault on MMIO).
 *
 *	88/89 /r	MOV r/m, r	8A/8B /r	MOV r, r/m
 *	C6/C7 /0	MOV r/m, imm	A0-A3		MOV rAX <-> moffs
 *	0F B6/B7	MOVZX r, r/m	0F BE/BF	MOVSX r, r/m
 *	00-3B		ADD OR ADC SBB AND SUB XOR CMP, either direction
 *	80/81/83 /0-7	the same with an immediate (83: imm8, sign-extended)
 *	84/85		TEST r/m, r	F6/F7 /0	TEST r/m, imm
 *	F6/F7 /2, /3	NOT, NEG	FE/FF /0, /1	INC, DEC
 *	86/87		XCHG r/m, r
 *	0F A3/AB/B3/BB	BT BTS BTR BTC r/m, r	0F BA /4-7	the same, imm8
 *	A4/A5 AA/AB AC/AD	MOVS STOS LODS, with or without REP
 *
 * Prefixes: 66 and 67, segment overrides (they matter only for the
 * source of MOVS and LODS: otherwise the fault gave us the address),
 * REX in 64-bit mode, REP/REPNE on string instructions and LOCK where
 * the CPU allows it (a read-modify-write of memory; a device cannot be
 * locked anyway, as with KVM's emulator, the read and the write are two
 * accesses).
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

struct prefixes {
	bool opsize;		/* 66 */
	bool addrsize;		/* 67 */
	bool lock;		/* F0 */
	bool rep;		/* F2 or F3 */
	u8 seg;			/* the last override, else DS */
	u8 rex;
};

/* Legacy prefixes and REX; returns the opcode byte. */
static int read_prefixes(struct decoder *d, enum mmio_cpu_mode mode,
			 struct prefixes *p, u8 *opcode)
{
	static const u8 seg_of[] = { [0x26 >> 3] = 0, [0x2e >> 3] = 1,
				     [0x36 >> 3] = 2, [0x3e >> 3] = 3 };
	int ret;

	memset(p, 0, sizeof(*p));
	p->seg = 3;
	for (;;) {
		ret = next_byte(d, opcode);
		if (ret)
			return ret;
		switch (*opcode) {
		case 0x66:
			p->opsize = true;
			break;
		case 0x67:
			p->addrsize = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			p->seg = seg_of[*opcode >> 3];
			break;
		case 0x64: case 0x65:
			p->seg = *opcode - 0x64 + 4;
			break;
		case 0xf0:
			p->lock = true;
			break;
		case 0xf2: case 0xf3:
			p->rep = true;
			break;
		default:
			if (mode == MMIO_MODE_64 && (*opcode & 0xf0) == 0x40) {
				p->rex = *opcode;
				continue;	/* REX counts only right before the opcode */
			}
			return 0;
		}
		p->rex = 0;
	}
}

/* The register operand of ModRM: AH..BH for byte ops without REX. */
static void modrm_reg(struct mmio_insn *insn, u8 modrm, u8 rex)
{
	insn->reg = ((modrm >> 3) & 7) | (rex & 0x04 ? 8 : 0);
	if (insn->size == 1 && !rex && insn->reg >= 4) {
		insn->operand = MMIO_OPERAND_HIGH8;
		insn->reg -= 4;
	}
}

/* Immediates stop at 32 bits: 64-bit operations sign-extend them. */
static unsigned int imm_size(unsigned int opsize)
{
	return opsize > 4 ? 4 : opsize;
}

/* An immediate of the operand size (at most 4 bytes, sign-extended). */
static int read_imm(struct decoder *d, struct mmio_insn *insn, unsigned int n)
{
	u64 sign = 1ULL << (8 * n - 1);
	int ret = next_le(d, n, &insn->imm);

	if (ret)
		return ret;
	insn->operand = MMIO_OPERAND_IMM;
	insn->imm = (insn->imm ^ sign) - sign;
	if (insn->size < 8)
		insn->imm &= (1ULL << (8 * insn->size)) - 1;
	return 0;
}

/* 00-3B, 80-87, F6/F7 and FE/FF: arithmetic, logic and XCHG. */
static int decode_alu(struct decoder *d, u8 opcode, bool addr16, u8 rex,
		      unsigned int opsize, struct mmio_insn *insn)
{
	u8 modrm, sub;
	int ret;

	insn->size = opcode & 1 ? opsize : 1;
	insn->reads = true;
	ret = skip_modrm(d, addr16, &modrm);
	if (ret)
		return ret;
	sub = (modrm >> 3) & 7;

	if (opcode < 0x40) {			/* op r/m, r or op r, r/m */
		insn->op = MMIO_OP_ADD + (opcode >> 3);
		modrm_reg(insn, modrm, rex);
		insn->reg_first = opcode & 2;
	} else if (opcode <= 0x83) {		/* op r/m, imm */
		insn->op = MMIO_OP_ADD + sub;
		ret = read_imm(d, insn, opcode == 0x81 ? imm_size(opsize) : 1);
	} else if (opcode <= 0x85) {
		insn->op = MMIO_OP_TEST;
		modrm_reg(insn, modrm, rex);
	} else if (opcode <= 0x87) {
		insn->op = MMIO_OP_XCHG;
		modrm_reg(insn, modrm, rex);
		insn->to_reg = true;
	} else if (opcode <= 0xf7) {
		if (sub == 0) {
			insn->op = MMIO_OP_TEST;
			ret = read_imm(d, insn, imm_size(insn->size));
		} else if (sub == 2 || sub == 3) {
			insn->op = sub == 2 ? MMIO_OP_NOT : MMIO_OP_NEG;
		} else {
			return -EINVAL;		/* MUL, DIV and friends */
		}
	} else {				/* FE, FF */
		if (sub > 1)
			return -EINVAL;		/* CALL, JMP, PUSH through memory */
		insn->op = sub ? MMIO_OP_DEC : MMIO_OP_INC;
	}
	if (ret)
		return ret;
	if (insn->reg_first) {		/* the result goes to the register */
		insn->to_reg = insn->op != MMIO_OP_CMP;
	} else {
		insn->is_write = insn->op != MMIO_OP_CMP && insn->op != MMIO_OP_TEST;
	}
	return 0;
}

/* 0F A3/AB/B3/BB and 0F BA: bit tests, which have no byte form. */
static int decode_bt(struct decoder *d, u8 opcode, bool addr16, u8 rex,
		     unsigned int opsize, struct mmio_insn *insn)
{
	u8 modrm, sub;
	int ret;

	insn->size = opsize;
	insn->reads = true;
	ret = skip_modrm(d, addr16, &modrm);
	if (ret)
		return ret;
	if (opcode == 0xba) {
		sub = (modrm >> 3) & 7;
		if (sub < 4)
			return -EINVAL;
		insn->op = MMIO_OP_BT + sub - 4;
		ret = next_le(d, 1, &insn->imm);
		insn->operand = MMIO_OPERAND_IMM;
	} else {
		insn->op = MMIO_OP_BT + ((opcode >> 3) & 3);
		modrm_reg(insn, modrm, rex);
	}
	insn->is_write = insn->op != MMIO_OP_BT;
	return ret;
}

/* Does the CPU take LOCK on this instruction (else #UD, before memory)? */
static bool lockable(const struct mmio_insn *insn)
{
	switch (insn->op) {
	case MMIO_OP_MOV: case MMIO_OP_CMP: case MMIO_OP_TEST: case MMIO_OP_BT:
	case MMIO_OP_MOVS: case MMIO_OP_STOS: case MMIO_OP_LODS:
		return false;
	default:
		return insn->is_write;
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
	struct prefixes p;
	bool addr16, byte_op;
	unsigned int opsize;
	u8 opcode, modrm;
	u64 moffs;
	int ret;

	if (d.avail > MMIO_INSN_MAX_LEN)
		d.avail = MMIO_INSN_MAX_LEN;
	memset(insn, 0, sizeof(*insn));

	ret = read_prefixes(&d, mode, &p, &opcode);
	if (ret)
		return ret;
	if (p.rex & 0x08)		/* REX.W beats 66 */
		opsize = 8;
	else
		opsize = p.opsize == (mode == MMIO_MODE_16) ? 4 : 2;
	if (mode == MMIO_MODE_64)
		insn->addr_size = p.addrsize ? 4 : 8;
	else
		insn->addr_size = p.addrsize == (mode == MMIO_MODE_16) ? 4 : 2;
	addr16 = insn->addr_size == 2;
	byte_op = !(opcode & 1);	/* for 88, 8A, C6, A0, A2, A4, AA, AC */

	switch (opcode) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		ret = skip_modrm(&d, addr16, &modrm);
		if (ret)
			return ret;
		insn->is_write = opcode <= 0x89;
		insn->size = byte_op ? 1 : opsize;
		modrm_reg(insn, modrm, p.rex);
		break;
	case 0xc6: case 0xc7:
		ret = skip_modrm(&d, addr16, &modrm);
		if (ret)
			return ret;
		if (modrm & 0x38)	/* only /0 is MOV */
			return -EINVAL;
		insn->is_write = true;
		insn->size = byte_op ? 1 : opsize;
		ret = read_imm(&d, insn, imm_size(insn->size));
		if (ret)
			return ret;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* The offset is address-sized: 8 bytes in 64-bit mode. */
		ret = next_le(&d, insn->addr_size, &moffs);
		if (ret)
			return ret;
		insn->is_write = opcode >= 0xa2;
		insn->size = byte_op ? 1 : opsize;
		insn->reg = 0;		/* always AL/AX/EAX/RAX, REX.B or not */
		break;
	case 0xa4: case 0xa5: case 0xaa: case 0xab: case 0xac: case 0xad:
		insn->op = opcode < 0xaa ? MMIO_OP_MOVS :
			   opcode < 0xac ? MMIO_OP_STOS : MMIO_OP_LODS;
		insn->size = byte_op ? 1 : opsize;
		insn->rep = p.rep;
		insn->seg = p.seg;
		insn->reads = insn->op != MMIO_OP_STOS;
		insn->is_write = insn->op != MMIO_OP_LODS;
		insn->to_reg = insn->op == MMIO_OP_LODS;
		break;
	case 0x00 ... 0x0e:
	case 0x10 ... 0x3b:
		if ((opcode & 7) > 3)
			return -EINVAL;	/* AL/eAX imm forms, segment pushes */
		ret = decode_alu(&d, opcode, addr16, p.rex, opsize, insn);
		if (ret)
			return ret;
		break;
	case 0x80: case 0x81: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
	case 0xf6: case 0xf7: case 0xfe: case 0xff:
		ret = decode_alu(&d, opcode, addr16, p.rex, opsize, insn);
		if (ret)
			return ret;
		break;
	case 0x0f:
		ret = next_byte(&d, &opcode);
		if (ret)
			return ret;
		if ((opcode & 0xe7) == 0xa3 || opcode == 0xba) {
			ret = decode_bt(&d, opcode, addr16, p.rex, opsize, insn);
			if (ret)
				return ret;
			break;
		}
		if ((opcode & 0xf6) != 0xb6)	/* B6, B7, BE, BF */
			return -EINVAL;
		ret = skip_modrm(&d, addr16, &modrm);
		if (ret)
			return ret;
		insn->size = opcode & 1 ? 2 : 1;
		insn->reg = ((modrm >> 3) & 7) | (p.rex & 0x04 ? 8 : 0);
		insn->dest_size = opsize;
		insn->sign_extend = opcode & 0x08;
		break;
	default:
		return -EINVAL;
	}

	if (p.rep && insn->op < MMIO_OP_MOVS)
		return -EINVAL;
	if (p.lock && !lockable(insn))
		return -EINVAL;
	if (insn->op == MMIO_OP_MOV) {
		insn->reads = !insn->is_write;
		insn->to_reg = insn->reads;
	}
	if (insn->to_reg && !insn->dest_size)
		insn->dest_size = insn->size;
	insn->len = d.pos;
	return 0;
}
