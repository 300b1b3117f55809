// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the MMIO instruction decoder (src/module/mmio_decode.c).
 *
 * The table holds real encodings, copied from what GNU as emits for the
 * instruction in each name, so a PASS line names the form it proved.
 * Every decode runs on a heap copy of exactly the bytes given, so that
 * AddressSanitizer catches any read past what the module fetched.
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

#define M64 MMIO_MODE_64
#define M32 MMIO_MODE_32
#define M16 MMIO_MODE_16

struct decode_case {
	const char *name;
	enum mmio_cpu_mode mode;
	u8 code[24];
	unsigned int ncode;
	struct mmio_insn want;
};

#define B(...)	.code = { __VA_ARGS__ }, .ncode = sizeof((u8[]){ __VA_ARGS__ })

#define WR(l, s, r)	{ .len = l, .size = s, .is_write = true, .reg = r }
#define WR_H8(l, r)	{ .len = l, .size = 1, .is_write = true, \
			  .operand = MMIO_OPERAND_HIGH8, .reg = r }
#define WR_IMM(l, s, v)	{ .len = l, .size = s, .is_write = true, \
			  .operand = MMIO_OPERAND_IMM, .imm = v }
#define RD(l, s, r)	{ .len = l, .size = s, .reg = r }	/* dest_size = size */
#define RD_H8(l, r)	{ .len = l, .size = 1, .operand = MMIO_OPERAND_HIGH8, .reg = r }
#define RD_ZX(l, s, r, d) { .len = l, .size = s, .reg = r, .dest_size = d }
#define RD_SX(l, s, r, d) { .len = l, .size = s, .reg = r, .dest_size = d, \
			    .sign_extend = true }

/* Arithmetic, logic, XCHG, bit tests: memory read, then maybe written. */
#define A(l, s, o, r, w)	{ .len = l, .size = s, .op = MMIO_OP_##o, .reads = true, \
				  .is_write = w, .reg = r }
#define A_H8(l, o, r, w)	{ .len = l, .size = 1, .op = MMIO_OP_##o, .reads = true, \
				  .is_write = w, .reg = r, .operand = MMIO_OPERAND_HIGH8 }
#define A_IMM(l, s, o, v, w)	{ .len = l, .size = s, .op = MMIO_OP_##o, .reads = true, \
				  .is_write = w, .operand = MMIO_OPERAND_IMM, .imm = v }
/* op r, r/m: the register is the first operand and takes the result. */
#define A_TO(l, s, o, r, t)	{ .len = l, .size = s, .op = MMIO_OP_##o, .reads = true, \
				  .reg = r, .reg_first = true, .to_reg = t }
#define STR(l, s, o, rp, a, sg)	{ .len = l, .size = s, .op = MMIO_OP_##o, .rep = rp, \
				  .addr_size = a, .seg = sg }
enum { ES, CS, SS, DS, FS, GS };

static struct decode_case good[] = {
	/* What readX()/writeX() compile to, and the addressing forms. */
	{ "64: movl %eax,0x10(%rdi)", M64, B(0x89, 0x47, 0x10), WR(3, 4, RAX) },
	{ "64: movb %ah,(%rbx)", M64, B(0x88, 0x23), WR_H8(2, RAX) },
	{ "64: movb %ch,(%rdi)", M64, B(0x88, 0x2f), WR_H8(2, RCX) },
	{ "64: movb %bpl,(%rdi) (REX 40 makes it BPL, not CH)", M64, B(0x40, 0x88, 0x2f),
	  WR(3, 1, RBP) },
	{ "64: movb %sil,(%rdx)", M64, B(0x40, 0x88, 0x32), WR(3, 1, RSI) },
	{ "64: movb %r15b,0x7f(%rbp)", M64, B(0x44, 0x88, 0x7d, 0x7f), WR(4, 1, R15) },
	{ "64: movw %cx,(%rdi)", M64, B(0x66, 0x89, 0x0f), WR(3, 2, RCX) },
	{ "64: movq %r9,0x8(%r12,%rcx,4)", M64, B(0x4d, 0x89, 0x4c, 0x8c, 0x08),
	  WR(5, 8, R9) },
	{ "64: movq %r9,(%rdi)", M64, B(0x4c, 0x89, 0x0f), WR(3, 8, R9) },
	{ "64: movq %rax,(%rsp)", M64, B(0x48, 0x89, 0x04, 0x24), WR(4, 8, RAX) },
	{ "64: movl %esp,0x0(%r13)", M64, B(0x41, 0x89, 0x65, 0x00), WR(4, 4, RSP) },
	{ "64: movl %eax,(%r12,%r9,8) (REX.X and REX.B)", M64, B(0x43, 0x89, 0x04, 0xcc),
	  WR(4, 4, RAX) },
	{ "64: movl %ebx,0x12345678(%rax,%rbx,1)", M64,
	  B(0x89, 0x9c, 0x18, 0x78, 0x56, 0x34, 0x12), WR(7, 4, RBX) },
	{ "64: movl %eax,0x10(%rip)", M64, B(0x89, 0x05, 0x10, 0x00, 0x00, 0x00),
	  WR(6, 4, RAX) },
	{ "64: movl %eax,%fs:(%rdi)", M64, B(0x64, 0x89, 0x07), WR(3, 4, RAX) },
	{ "64: movb (%rsi),%al", M64, B(0x8a, 0x06), RD(2, 1, RAX) },
	{ "64: movb (%rdx),%bh", M64, B(0x8a, 0x3a), RD_H8(2, RBX) },
	{ "64: movb (%rdi),%dh", M64, B(0x8a, 0x37), RD_H8(2, RDX) },
	{ "64: movb (%rdi),%r10b", M64, B(0x44, 0x8a, 0x17), RD(3, 1, R10) },
	{ "64: movw 0x4(%rdi),%dx", M64, B(0x66, 0x8b, 0x57, 0x04), RD(4, 2, RDX) },
	{ "64: movl (%rdi),%eax", M64, B(0x8b, 0x07), RD(2, 4, RAX) },
	{ "64: movl (%edi),%eax (67 prefix)", M64, B(0x67, 0x8b, 0x07), RD(3, 4, RAX) },
	{ "64: movl (%esp),%eax (67 keeps SIB in 64-bit mode)", M64, B(0x67, 0x8b, 0x04, 0x24),
	  RD(4, 4, RAX) },
	{ "64: movl 0x10(%eip),%eax", M64, B(0x67, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00),
	  RD(7, 4, RAX) },
	{ "64: movl %gs:(%rdi),%r8d", M64, B(0x65, 0x44, 0x8b, 0x07), RD(4, 4, R8) },
	{ "64: movl 0x12345678(,%rax,8),%r11d", M64,
	  B(0x44, 0x8b, 0x1c, 0xc5, 0x78, 0x56, 0x34, 0x12), RD(8, 4, R11) },
	{ "64: movl (%rsp),%eax", M64, B(0x8b, 0x04, 0x24), RD(3, 4, RAX) },
	{ "64: movl 0x80(%rsp),%eax", M64, B(0x8b, 0x84, 0x24, 0x80, 0x00, 0x00, 0x00),
	  RD(7, 4, RAX) },
	{ "64: movl 0x0(%rbp),%eax", M64, B(0x8b, 0x45, 0x00), RD(3, 4, RAX) },
	{ "64: movl 0x0(%r13),%eax", M64, B(0x41, 0x8b, 0x45, 0x00), RD(4, 4, RAX) },
	{ "64: movl (%r12),%eax", M64, B(0x41, 0x8b, 0x04, 0x24), RD(4, 4, RAX) },
	{ "64: movl 0x0(,%rbx,2),%eax", M64, B(0x8b, 0x04, 0x5d, 0x00, 0x00, 0x00, 0x00),
	  RD(7, 4, RAX) },
	{ "64: movl 0x11223344(%rsp,%r14,8),%edi", M64,
	  B(0x42, 0x8b, 0xbc, 0xf4, 0x44, 0x33, 0x22, 0x11), RD(8, 4, RDI) },
	{ "64: movq (%rdi),%rax", M64, B(0x48, 0x8b, 0x07), RD(3, 8, RAX) },
	{ "64: movq 0x18(%rdi),%r15", M64, B(0x4c, 0x8b, 0x7f, 0x18), RD(4, 8, R15) },
	{ "64: movb $0x5a,(%rdi)", M64, B(0xc6, 0x07, 0x5a), WR_IMM(3, 1, 0x5a) },
	{ "64: movw $0xbeef,0x2(%rdi)", M64, B(0x66, 0xc7, 0x47, 0x02, 0xef, 0xbe),
	  WR_IMM(6, 2, 0xbeef) },
	{ "64: movl $0x12345678,(%rax)", M64, B(0xc7, 0x00, 0x78, 0x56, 0x34, 0x12),
	  WR_IMM(6, 4, 0x12345678) },
	{ "64: movl $0xdeadbeef,0x10(%rip)", M64,
	  B(0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0xef, 0xbe, 0xad, 0xde),
	  WR_IMM(10, 4, 0xdeadbeef) },
	{ "64: movq $-1,(%rax)", M64, B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff),
	  WR_IMM(7, 8, ~0ULL) },
	{ "64: movq $0x7fffffff,(%rdi)", M64, B(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0x7f),
	  WR_IMM(7, 8, 0x7fffffff) },
	{ "64: movq $-0x80000000,(%rdi) (imm32 sign-extended)", M64,
	  B(0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80), WR_IMM(7, 8, 0xffffffff80000000ULL) },
	{ "64: movq $0x12345678,(%r8)", M64, B(0x49, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12),
	  WR_IMM(7, 8, 0x12345678) },
	{ "64: movzbl (%rdi),%eax", M64, B(0x0f, 0xb6, 0x07), RD_ZX(3, 1, RAX, 4) },
	{ "64: movzbw (%rdi),%ax", M64, B(0x66, 0x0f, 0xb6, 0x07), RD_ZX(4, 1, RAX, 2) },
	{ "64: movzbq (%rdi),%r8", M64, B(0x4c, 0x0f, 0xb6, 0x07), RD_ZX(4, 1, R8, 8) },
	{ "64: movzwl 0x1000(%rip),%r10d", M64,
	  B(0x44, 0x0f, 0xb7, 0x15, 0x00, 0x10, 0x00, 0x00), RD_ZX(8, 2, R10, 4) },
	{ "64: movzwq (%rdi),%rcx", M64, B(0x48, 0x0f, 0xb7, 0x0f), RD_ZX(4, 2, RCX, 8) },
	{ "64: movsbl (%rdi),%eax", M64, B(0x0f, 0xbe, 0x07), RD_SX(3, 1, RAX, 4) },
	{ "64: movswq (%rdi),%rdx", M64, B(0x48, 0x0f, 0xbf, 0x17), RD_SX(4, 2, RDX, 8) },
	{ "64: movabs 0x1122334455667788,%al", M64,
	  B(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), RD(9, 1, RAX) },
	{ "64: movabs 0x1122334455667788,%eax", M64,
	  B(0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), RD(9, 4, RAX) },
	{ "64: movabs %rax,0x1122334455667788", M64,
	  B(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  WR(10, 8, RAX) },
	{ "64: movabs %ax,0x1122334455667788", M64,
	  B(0x66, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), WR(10, 2, RAX) },
	{ "64: addr32 movabs 0x11223344,%eax", M64, B(0x67, 0xa1, 0x44, 0x33, 0x22, 0x11),
	  RD(6, 4, RAX) },
	{ "64: movabs %al,moffs with REX.B still uses AL", M64,
	  B(0x41, 0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  WR(10, 1, RAX) },
	/* Arithmetic and logic with a memory operand. */
	{ "64: addl %eax,(%rdi)", M64, B(0x01, 0x07), A(2, 4, ADD, RAX, true) },
	{ "64: addb %ah,(%rbx)", M64, B(0x00, 0x23), A_H8(2, ADD, RAX, true) },
	{ "64: addq 0x10(%rsi),%r9", M64, B(0x4c, 0x03, 0x4e, 0x10), A_TO(4, 8, ADD, R9, true) },
	{ "64: orw %cx,(%rdi)", M64, B(0x66, 0x09, 0x0f), A(3, 2, OR, RCX, true) },
	{ "64: adcl $5,(%rdi)", M64, B(0x83, 0x17, 0x05), A_IMM(3, 4, ADC, 5, true) },
	{ "64: sbbq $-1,8(%rdx)", M64, B(0x48, 0x83, 0x5a, 0x08, 0xff),
	  A_IMM(5, 8, SBB, ~0ULL, true) },
	{ "64: andb $0xf0,(%rdi)", M64, B(0x80, 0x27, 0xf0), A_IMM(3, 1, AND, 0xf0, true) },
	{ "64: subl $0x12345678,(%rdi)", M64, B(0x81, 0x2f, 0x78, 0x56, 0x34, 0x12),
	  A_IMM(6, 4, SUB, 0x12345678, true) },
	{ "64: xorl (%rdi),%edx", M64, B(0x33, 0x17), A_TO(2, 4, XOR, RDX, true) },
	{ "64: cmpl $7,(%rdi)", M64, B(0x83, 0x3f, 0x07), A_IMM(3, 4, CMP, 7, false) },
	{ "64: cmpq %rax,(%rdi)", M64, B(0x48, 0x39, 0x07), A(3, 8, CMP, RAX, false) },
	{ "64: cmpb (%rdi),%cl", M64, B(0x3a, 0x0f), A_TO(2, 1, CMP, RCX, false) },
	{ "64: testl %eax,(%rdi)", M64, B(0x85, 0x07), A(2, 4, TEST, RAX, false) },
	{ "64: testb $0x80,(%rdi)", M64, B(0xf6, 0x07, 0x80), A_IMM(3, 1, TEST, 0x80, false) },
	{ "64: testq $-2,(%rdi)", M64, B(0x48, 0xf7, 0x07, 0xfe, 0xff, 0xff, 0xff),
	  A_IMM(7, 8, TEST, ~1ULL, false) },
	{ "64: notl (%rdi)", M64, B(0xf7, 0x17), A(2, 4, NOT, RAX, true) },
	{ "64: negw (%rdi)", M64, B(0x66, 0xf7, 0x1f), A(3, 2, NEG, RAX, true) },
	{ "64: incb (%rdi)", M64, B(0xfe, 0x07), A(2, 1, INC, RAX, true) },
	{ "64: decq (%rdi)", M64, B(0x48, 0xff, 0x0f), A(3, 8, DEC, RAX, true) },
	{ "64: lock orl $1,(%rdi)", M64, B(0xf0, 0x83, 0x0f, 0x01), A_IMM(4, 4, OR, 1, true) },
	{ "64: xchgl %eax,(%rdi)", M64, B(0x87, 0x07),
	  { .len = 2, .size = 4, .op = MMIO_OP_XCHG, .reads = true, .is_write = true,
	    .to_reg = true, .reg = RAX } },
	{ "64: xchgb %ch,(%rdi)", M64, B(0x86, 0x2f),
	  { .len = 2, .size = 1, .op = MMIO_OP_XCHG, .reads = true, .is_write = true,
	    .to_reg = true, .reg = RCX, .operand = MMIO_OPERAND_HIGH8 } },
	{ "64: xchgq %r12,(%r8)", M64, B(0x4d, 0x87, 0x20),
	  { .len = 3, .size = 8, .op = MMIO_OP_XCHG, .reads = true, .is_write = true,
	    .to_reg = true, .reg = R12 } },
	/* Bit tests. */
	{ "64: btl %eax,(%rdi)", M64, B(0x0f, 0xa3, 0x07), A(3, 4, BT, RAX, false) },
	{ "64: btsq %rcx,(%rdi)", M64, B(0x48, 0x0f, 0xab, 0x0f), A(4, 8, BTS, RCX, true) },
	{ "64: btrw %dx,(%rdi)", M64, B(0x66, 0x0f, 0xb3, 0x17), A(4, 2, BTR, RDX, true) },
	{ "64: btcl $31,(%rdi)", M64, B(0x0f, 0xba, 0x3f, 0x1f), A_IMM(4, 4, BTC, 31, true) },
	{ "64: btl $3,(%rdi)", M64, B(0x0f, 0xba, 0x27, 0x03), A_IMM(4, 4, BT, 3, false) },
	{ "64: lock btsl $0,(%rdi)", M64, B(0xf0, 0x0f, 0xba, 0x2f, 0x00),
	  A_IMM(5, 4, BTS, 0, true) },
	/* String moves. */
	{ "64: movsb", M64, B(0xa4), STR(1, 1, MOVS, false, 8, DS) },
	{ "64: movsl", M64, B(0xa5), STR(1, 4, MOVS, false, 8, DS) },
	{ "64: rep movsq", M64, B(0xf3, 0x48, 0xa5), STR(3, 8, MOVS, true, 8, DS) },
	{ "64: rep stosb", M64, B(0xf3, 0xaa), STR(2, 1, STOS, true, 8, DS) },
	{ "64: rep stosl", M64, B(0xf3, 0xab), STR(2, 4, STOS, true, 8, DS) },
	{ "64: stosw", M64, B(0x66, 0xab), STR(2, 2, STOS, false, 8, DS) },
	{ "64: lodsl", M64, B(0xad), STR(1, 4, LODS, false, 8, DS) },
	{ "64: fs movsb", M64, B(0x64, 0xa4), STR(2, 1, MOVS, false, 8, FS) },
	{ "64: addr32 rep movsb", M64, B(0x67, 0xf3, 0xa4), STR(3, 1, MOVS, true, 4, DS) },
	{ "64: repne movsb is rep movsb", M64, B(0xf2, 0xa4), STR(2, 1, MOVS, true, 8, DS) },
	{ "32: rep movsl", M32, B(0xf3, 0xa5), STR(2, 4, MOVS, true, 4, DS) },
	{ "32: es movsw", M32, B(0x26, 0x66, 0xa5), STR(3, 2, MOVS, false, 4, ES) },
	/* 16-bit code: 16-bit operands and addresses unless 66 and 67 say. */
	{ "16: movw %ax,(%bx)", M16, B(0x89, 0x07), WR(2, 2, RAX) },
	{ "16: movl %eax,(%bx)", M16, B(0x66, 0x89, 0x07), WR(3, 4, RAX) },
	{ "16: addw $1,(%si)", M16, B(0x83, 0x04, 0x01), A_IMM(3, 2, ADD, 1, true) },
	{ "16: movb %al,0x1234 (moffs16)", M16, B(0xa2, 0x34, 0x12), WR(3, 1, RAX) },
	{ "16: rep movsw", M16, B(0xf3, 0xa5), STR(2, 2, MOVS, true, 2, DS) },
	{ "16: addr32 movl %eax,(%edi)", M16, B(0x67, 0x66, 0x89, 0x07), WR(4, 4, RAX) },
	{ "16: movl %eax,0x12345678(%edi) (addr32: disp32)", M16,
	  B(0x67, 0x66, 0x89, 0x87, 0x78, 0x56, 0x34, 0x12), WR(8, 4, RAX) },
	{ "16: movzbw (%bx,%si),%cx", M16, B(0x0f, 0xb6, 0x08), RD_ZX(3, 1, RCX, 2) },
	/* Prefix rules. */
	{ "64: REX.W then 66 drops the REX: movw %ax,(%rdi)", M64,
	  B(0x48, 0x66, 0x89, 0x07), WR(4, 2, RAX) },
	{ "64: 66 then REX.W: REX.W wins, movq %rax,(%rdi)", M64,
	  B(0x66, 0x48, 0x89, 0x07), WR(4, 8, RAX) },
	{ "64: 66 REX.W C7 keeps imm32 sign-extended", M64,
	  B(0x66, 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff), WR_IMM(8, 8, ~0ULL) },
	{ "64: only the last of two REX counts", M64, B(0x4c, 0x40, 0x89, 0x0f),
	  WR(4, 4, RCX) },
	{ "64: 13 segment prefixes make a 15-byte movl", M64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x89, 0x07),
	  WR(15, 4, RAX) },
	/* 32-bit protected/compatibility mode. */
	{ "32: movl %eax,(%edi)", M32, B(0x89, 0x07), WR(2, 4, RAX) },
	{ "32: movb %ah,(%ebx)", M32, B(0x88, 0x23), WR_H8(2, RAX) },
	{ "32: movl %eax,%es:(%edi)", M32, B(0x26, 0x89, 0x07), WR(3, 4, RAX) },
	{ "32: movw 0x4(%esi),%dx", M32, B(0x66, 0x8b, 0x56, 0x04), RD(4, 2, RDX) },
	{ "32: movl (%esp),%eax", M32, B(0x8b, 0x04, 0x24), RD(3, 4, RAX) },
	{ "32: movl 0x1000,%ecx (mod 00 rm 101 is absolute)", M32,
	  B(0x8b, 0x0d, 0x00, 0x10, 0x00, 0x00), RD(6, 4, RCX) },
	{ "32: movl $0xdeadbeef,0x10(%ebx,%ecx,4)", M32,
	  B(0xc7, 0x44, 0x8b, 0x10, 0xef, 0xbe, 0xad, 0xde), WR_IMM(8, 4, 0xdeadbeef) },
	{ "32: movzbl (%eax),%ecx", M32, B(0x0f, 0xb6, 0x08), RD_ZX(3, 1, RCX, 4) },
	{ "32: mov %eax,0x12345678 (moffs32)", M32, B(0xa3, 0x78, 0x56, 0x34, 0x12),
	  WR(5, 4, RAX) },
	{ "32: addr16 mov 0x1234,%eax (moffs16)", M32, B(0x67, 0xa1, 0x34, 0x12),
	  RD(4, 4, RAX) },
	{ "32: addr16 movl (%bx,%si),%eax", M32, B(0x67, 0x8b, 0x00), RD(3, 4, RAX) },
	{ "32: addr16 movl (%si),%eax has no SIB", M32, B(0x67, 0x8b, 0x04),
	  RD(3, 4, RAX) },
	{ "32: addr16 movl 0x12(%bp),%eax", M32, B(0x67, 0x8b, 0x46, 0x12), RD(4, 4, RAX) },
	{ "32: addr16 movl 0x1234(%bx),%eax", M32, B(0x67, 0x8b, 0x87, 0x34, 0x12),
	  RD(5, 4, RAX) },
	{ "32: addr16 movl 0x1234,%ecx (mod 00 rm 110)", M32,
	  B(0x67, 0x8b, 0x0e, 0x34, 0x12), RD(5, 4, RCX) },
};

static struct decode_case bad[] = {
	{ "empty input", M64, .ncode = 0 },
	{ "LOCK movl %eax,(%rdi)", M64, B(0xf0, 0x89, 0x07) },
	{ "REP movl %eax,(%rdi)", M64, B(0xf3, 0x89, 0x07) },
	{ "REPNE movl %eax,(%rdi)", M64, B(0xf2, 0x89, 0x07) },
	{ "mod=11: movl %eax,%eax (89 c0)", M64, B(0x89, 0xc0) },
	{ "mod=11: movq %rcx,%rax (48 8b c1)", M64, B(0x48, 0x8b, 0xc1) },
	{ "mod=11: movb $1,%al (c6 c0)", M64, B(0xc6, 0xc0, 0x01) },
	{ "mod=11: movl $1,%eax (c7 c0)", M64, B(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00) },
	{ "mod=11: movzbl %al,%eax", M64, B(0x0f, 0xb6, 0xc0) },
	{ "mod=11: xbegin (c7 f8)", M64, B(0xc7, 0xf8, 0x00, 0x00, 0x00, 0x00) },
	{ "C6 /1 is not MOV", M64, B(0xc6, 0x4f, 0x00, 0x01) },
	{ "C7 /7 is not MOV", M64, B(0xc7, 0x38, 0x00, 0x00, 0x00, 0x00) },
	{ "lea (%rdi),%eax", M64, B(0x8d, 0x07) },
	{ "mull (%rdi)", M64, B(0xf7, 0x27) },
	{ "pushq (%rdi)", M64, B(0xff, 0x37) },
	{ "mod=11: incl %eax", M64, B(0xff, 0xc0) },
	{ "lock xaddl %eax,(%rdi) (0f c1)", M64, B(0xf0, 0x0f, 0xc1, 0x07) },
	{ "LOCK cmpl %eax,(%rdi): no write to lock", M64, B(0xf0, 0x39, 0x07) },
	{ "LOCK addl (%rdi),%eax: the register is written", M64, B(0xf0, 0x03, 0x07) },
	{ "LOCK btl $1,(%rdi)", M64, B(0xf0, 0x0f, 0xba, 0x27, 0x01) },
	{ "LOCK movsb", M64, B(0xf0, 0xa4) },
	{ "REP addl %eax,(%rdi)", M64, B(0xf3, 0x01, 0x07) },
	{ "addl $1,%eax (05: no memory operand)", M64, B(0x05, 0x01, 0x00, 0x00, 0x00) },
	{ "0f ba /3 is not a bit test", M64, B(0x0f, 0xba, 0x1f, 0x01) },
	{ "f7 /1 is not TEST", M64, B(0xf7, 0x0f, 0x00, 0x00, 0x00, 0x00) },
	{ "ud2", M64, B(0x0f, 0x0b) },
	{ "popcnt-less 0f b8", M64, B(0x0f, 0xb8, 0x07) },
	{ "movnti %eax,(%rdi) (0f c3)", M64, B(0x0f, 0xc3, 0x07) },
	{ "lone 0f", M64, B(0x0f) },
	{ "lone REX.W", M64, B(0x48) },
	{ "prefixes only", M64, B(0x66, 0x67, 0x2e, 0x65) },
	{ "REX in 32-bit mode is DEC, not a prefix", M32, B(0x48, 0x89, 0x07) },
	{ "14 segment prefixes make a 16-byte movl", M64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x89, 0x07) },
	{ "16 segment prefixes", M64, B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x89, 0x07) },
	{ "16 REX prefixes", M64, B(0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48,
				    0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x89, 0x07) },
	{ "movq imm with disp32 and 5 prefixes is 16 bytes", M64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x80, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00) },
	{ "movl disp32 SIB imm32 with 5 prefixes is 16 bytes", M64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x84, 0x24, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00) },
};

/* Decode from a heap buffer of exactly @n bytes, so ASan sees overreads. */
static int decode_exact(const u8 *code, unsigned int n, enum mmio_cpu_mode mode,
			struct mmio_insn *insn)
{
	u8 *copy = malloc(n ? n : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, code, n);
	ret = mmio_decode(n ? copy : NULL, n, mode, insn);
	free(copy);
	return ret;
}

static void assert_insn_equal(const struct mmio_insn *got, const struct mmio_insn *want)
{
	bool string = want->op >= MMIO_OP_MOVS;
	/* A MOV reads if and only if it does not write, into its register. */
	bool reads = want->op == MMIO_OP_MOV ? !want->is_write :
		     string ? want->op != MMIO_OP_STOS : want->reads;
	bool to_reg = want->op == MMIO_OP_MOV ? reads :
		      string ? want->op == MMIO_OP_LODS : want->to_reg;
	bool is_write = string ? want->op != MMIO_OP_LODS : want->is_write;

	assert_int_equal(got->len, want->len);
	assert_int_equal(got->size, want->size);
	assert_int_equal(got->op, want->op);
	assert_int_equal(got->reads, reads);
	assert_int_equal(got->is_write, is_write);
	assert_int_equal(got->to_reg, to_reg);
	assert_int_equal(got->reg_first, want->reg_first);
	assert_int_equal(got->operand, want->operand);
	if (want->operand != MMIO_OPERAND_IMM)
		assert_int_equal(got->reg, want->reg);
	else
		assert_int_equal(got->imm, want->imm);
	if (to_reg) {
		assert_int_equal(got->dest_size, want->dest_size ? want->dest_size : want->size);
		assert_int_equal(got->sign_extend, want->sign_extend);
	}
	if (string) {
		assert_int_equal(got->rep, want->rep);
		assert_int_equal(got->addr_size, want->addr_size);
		assert_int_equal(got->seg, want->seg);
	}
}

static void test_decode_good(void **state)
{
	const struct decode_case *c = *state;
	struct mmio_insn insn;

	assert_int_equal(decode_exact(c->code, c->ncode, c->mode, &insn), 0);
	assert_insn_equal(&insn, &c->want);
}

static void test_decode_bad(void **state)
{
	const struct decode_case *c = *state;
	struct mmio_insn insn;
	u8 padded[MMIO_INSN_MAX_LEN + 9];

	assert_int_equal(decode_exact(c->code, c->ncode, c->mode, &insn), -EINVAL);
	/*
	 * Still refused with all 15 bytes there: not just for being short.
	 * (HLT, F4, after it: no instruction the decoder takes ends in it.)
	 */
	memset(padded, 0xf4, sizeof(padded));
	memcpy(padded, c->code, c->ncode);
	assert_int_equal(decode_exact(padded, sizeof(padded), c->mode, &insn), -EINVAL);
}

static void test_truncated_at_every_byte_count_is_rejected(void **state)
{
	struct mmio_insn insn;
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		for (n = 0; n < good[i].ncode; n++) {
			if (decode_exact(good[i].code, n, good[i].mode, &insn) != -EINVAL)
				fail_msg("%s decoded with only %u bytes", good[i].name, n);
		}
}

/* The module fetches 15 bytes whatever the length: what follows is noise. */
static void test_bytes_after_the_instruction_are_ignored(void **state)
{
	struct mmio_insn insn;
	unsigned int i;
	u8 buf[MMIO_INSN_MAX_LEN + 5];

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		memset(buf, 0xff, sizeof(buf));
		memcpy(buf, good[i].code, good[i].ncode);
		assert_int_equal(decode_exact(buf, sizeof(buf), good[i].mode, &insn), 0);
		assert_insn_equal(&insn, &good[i].want);
	}
}

static u64 rand_state = 0x9e3779b97f4a7c15ULL;

/* Whatever comes back as success must be self-consistent. */
static void check_plausible(const u8 *code, unsigned int n, enum mmio_cpu_mode mode)
{
	struct mmio_insn insn, again;
	int ret = decode_exact(code, n, mode, &insn);

	if (ret) {
		assert_int_equal(ret, -EINVAL);
		return;
	}
	assert_true(insn.len >= 1 && insn.len <= n && insn.len <= MMIO_INSN_MAX_LEN);
	assert_true(insn.size == 1 || insn.size == 2 || insn.size == 4 || insn.size == 8);
	assert_true(insn.reg < (insn.operand == MMIO_OPERAND_HIGH8 ? 4 : 16));
	assert_true(insn.reads || insn.is_write);
	assert_true(insn.op <= MMIO_OP_LODS);
	if (insn.to_reg)
		assert_true(insn.dest_size >= insn.size && insn.operand != MMIO_OPERAND_IMM);
	if (insn.operand == MMIO_OPERAND_IMM)
		assert_true(insn.imm <= lg_size_mask(insn.size));
	assert_true(insn.addr_size == 2 || insn.addr_size == 4 || insn.addr_size == 8);
	assert_true(insn.seg <= 5);
	assert_true(!insn.rep || insn.op >= MMIO_OP_MOVS);
	/* Exactly len bytes decode the same; one fewer does not decode. */
	assert_int_equal(decode_exact(code, insn.len, mode, &again), 0);
	assert_memory_equal(&insn, &again, sizeof(insn));
	assert_int_equal(decode_exact(code, insn.len - 1, mode, &again), -EINVAL);
}

static void test_every_two_byte_start_is_safe(void **state)
{
	u8 buf[MMIO_INSN_MAX_LEN];
	unsigned int i, mode;

	for (mode = M32; mode <= M64; mode++)
		for (i = 0; i < 0x10000; i++) {
			memset(buf, 0, sizeof(buf));
			buf[0] = i >> 8;
			buf[1] = i;
			buf[2] = xorshift64(&rand_state);
			check_plausible(buf, sizeof(buf), mode);
		}
}

static void test_random_bytes_never_crash(void **state)
{
	static const u8 likely[] = { 0x66, 0x67, 0x48, 0x41, 0x3e, 0x0f, 0xb6, 0x88,
				     0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0xa1, 0x04, 0x24 };
	u8 buf[MMIO_INSN_MAX_LEN];
	unsigned int i, j, n;
	u64 r;

	for (i = 0; i < 200000; i++) {
		for (j = 0; j < sizeof(buf); j++) {
			r = xorshift64(&rand_state);
			/* Bias towards bytes the decoder cares about. */
			buf[j] = r & 0x100 ? likely[r & 15] : r >> 16;
		}
		n = xorshift64(&rand_state) % (sizeof(buf) + 1);
		check_plausible(buf, n, i & 1 ? M64 : M32);
	}
}

/* Decode one instruction that must be valid; used by the semantic tests. */
static struct mmio_insn decode_one(enum mmio_cpu_mode mode, const u8 *code, unsigned int n)
{
	struct mmio_insn insn;

	assert_int_equal(decode_exact(code, n, mode, &insn), 0);
	return insn;
}

#define DECODE64(...) \
	decode_one(M64, (const u8[]){ __VA_ARGS__ }, sizeof((u8[]){ __VA_ARGS__ }))

static const u64 old = 0x1122334455667788ULL;

static void test_read_into_32bit_register_clears_upper_half(void **state)
{
	struct mmio_insn insn = DECODE64(0x8b, 0x07);	/* movl (%rdi),%eax */

	assert_int_equal(mmio_merge_read(&insn, ~0ULL, 0x12345678), 0x12345678);
	/* Bits the device returned above the access size are dropped. */
	assert_int_equal(mmio_merge_read(&insn, old, 0xaaaaaaaa87654321ULL), 0x87654321);
}

static void test_read_into_64bit_register_replaces_it(void **state)
{
	struct mmio_insn insn = DECODE64(0x48, 0x8b, 0x07);	/* movq (%rdi),%rax */

	assert_int_equal(mmio_merge_read(&insn, old, 0xfedcba9876543210ULL),
			 0xfedcba9876543210ULL);
}

static void test_read_into_16bit_register_keeps_bits_16_to_63(void **state)
{
	struct mmio_insn insn = DECODE64(0x66, 0x8b, 0x57, 0x04);	/* movw 4(%rdi),%dx */

	assert_int_equal(mmio_merge_read(&insn, old, 0xffffbeef), 0x112233445566beefULL);
}

static void test_read_into_8bit_register_keeps_bits_8_to_63(void **state)
{
	struct mmio_insn insn = DECODE64(0x8a, 0x06);	/* movb (%rsi),%al */

	assert_int_equal(mmio_merge_read(&insn, old, 0x1aa), 0x11223344556677aaULL);
	insn = DECODE64(0x44, 0x8a, 0x17);		/* movb (%rdi),%r10b */
	assert_int_equal(mmio_merge_read(&insn, old, 0xaa), 0x11223344556677aaULL);
}

static void test_read_into_high_byte_register_replaces_bits_8_to_15(void **state)
{
	struct mmio_insn insn = DECODE64(0x8a, 0x3a);	/* movb (%rdx),%bh */

	assert_int_equal(insn.reg, RBX);
	assert_int_equal(mmio_merge_read(&insn, old, 0x1aa), 0x112233445566aa88ULL);
}

static void test_movzx_zero_extends_to_the_destination_size(void **state)
{
	struct mmio_insn insn;

	insn = DECODE64(0x0f, 0xb6, 0x07);		/* movzbl (%rdi),%eax */
	assert_int_equal(mmio_merge_read(&insn, old, 0xff), 0xff);
	insn = DECODE64(0x66, 0x0f, 0xb6, 0x07);	/* movzbw (%rdi),%ax */
	assert_int_equal(mmio_merge_read(&insn, old, 0xabcdff), 0x11223344556600ffULL);
	insn = DECODE64(0x4c, 0x0f, 0xb6, 0x07);	/* movzbq (%rdi),%r8 */
	assert_int_equal(mmio_merge_read(&insn, old, 0x180), 0x80);
	insn = DECODE64(0x48, 0x0f, 0xb7, 0x0f);	/* movzwq (%rdi),%rcx */
	assert_int_equal(mmio_merge_read(&insn, old, 0x18000), 0x8000);
	insn = DECODE64(0x44, 0x0f, 0xb7, 0x15, 0x00, 0x10, 0x00, 0x00);
	assert_int_equal(mmio_merge_read(&insn, old, 0xffff), 0xffff);
}

static void test_movsx_sign_extends_to_the_destination_size(void **state)
{
	struct mmio_insn insn;

	insn = DECODE64(0x0f, 0xbe, 0x07);		/* movsbl (%rdi),%eax */
	assert_int_equal(mmio_merge_read(&insn, old, 0x80), 0xffffff80ULL);
	assert_int_equal(mmio_merge_read(&insn, old, 0x17f), 0x7f);
	insn = DECODE64(0x66, 0x0f, 0xbe, 0x07);	/* movsbw (%rdi),%ax */
	assert_int_equal(mmio_merge_read(&insn, old, 0x80), 0x112233445566ff80ULL);
	insn = DECODE64(0x48, 0x0f, 0xbf, 0x17);	/* movswq (%rdi),%rdx */
	assert_int_equal(mmio_merge_read(&insn, old, 0x8000), 0xffffffffffff8000ULL);
}

static const u64 regs[16] = {
	0x1111111111111111ULL, 0x2222222222222222ULL, 0x3333333333333333ULL,
	0x0123456789abcdefULL, 0x5555555555555555ULL, 0x6666666666666666ULL,
	0x7777777777777777ULL, 0x8888888888888888ULL, 0x9999999999999999ULL,
	0xfedcba9876543210ULL, 0xaaaaaaaaaaaaaaaaULL, 0xbbbbbbbbbbbbbbbbULL,
	0xccccccccccccccccULL, 0xddddddddddddddddULL, 0xeeeeeeeeeeeeeeeeULL,
	0xf0f0f0f0f0f0f0f0ULL,
};

static void test_write_value_takes_the_low_bytes_of_the_register(void **state)
{
	struct mmio_insn insn;

	insn = DECODE64(0x4d, 0x89, 0x4c, 0x8c, 0x08);	/* movq %r9,8(%r12,%rcx,4) */
	assert_int_equal(mmio_write_value(&insn, regs), 0xfedcba9876543210ULL);
	insn = DECODE64(0x44, 0x89, 0x0f);		/* movl %r9d,(%rdi) */
	assert_int_equal(mmio_write_value(&insn, regs), 0x76543210);
	insn = DECODE64(0x66, 0x44, 0x89, 0x0f);	/* movw %r9w,(%rdi) */
	assert_int_equal(mmio_write_value(&insn, regs), 0x3210);
	insn = DECODE64(0x44, 0x88, 0x0f);		/* movb %r9b,(%rdi) */
	assert_int_equal(mmio_write_value(&insn, regs), 0x10);
	insn = DECODE64(0x40, 0x88, 0x32);		/* movb %sil,(%rdx) */
	assert_int_equal(mmio_write_value(&insn, regs), 0x77);
}

static void test_write_value_of_ah_ch_dh_bh_is_bits_8_to_15(void **state)
{
	struct mmio_insn insn;

	insn = DECODE64(0x88, 0x3f);			/* movb %bh,(%rdi) */
	assert_int_equal(insn.operand, MMIO_OPERAND_HIGH8);
	assert_int_equal(mmio_write_value(&insn, regs), 0xcd);
	insn = DECODE64(0x88, 0x23);			/* movb %ah,(%rbx) */
	assert_int_equal(mmio_write_value(&insn, regs), 0x11);
}

static void test_write_value_of_an_immediate(void **state)
{
	struct mmio_insn insn;

	insn = DECODE64(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff);	/* movq $-1 */
	assert_int_equal(mmio_write_value(&insn, regs), ~0ULL);
	insn = DECODE64(0xc7, 0x00, 0xff, 0xff, 0xff, 0xff);		/* movl $-1 */
	assert_int_equal(mmio_write_value(&insn, regs), 0xffffffffULL);
	insn = DECODE64(0x66, 0xc7, 0x47, 0x02, 0xef, 0xbe);		/* movw $0xbeef */
	assert_int_equal(mmio_write_value(&insn, regs), 0xbeef);
	insn = DECODE64(0xc6, 0x07, 0x80);				/* movb $0x80 */
	assert_int_equal(mmio_write_value(&insn, regs), 0x80);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_truncated_at_every_byte_count_is_rejected),
		cmocka_unit_test(test_bytes_after_the_instruction_are_ignored),
		cmocka_unit_test(test_every_two_byte_start_is_safe),
		cmocka_unit_test(test_random_bytes_never_crash),
		cmocka_unit_test(test_read_into_32bit_register_clears_upper_half),
		cmocka_unit_test(test_read_into_64bit_register_replaces_it),
		cmocka_unit_test(test_read_into_16bit_register_keeps_bits_16_to_63),
		cmocka_unit_test(test_read_into_8bit_register_keeps_bits_8_to_63),
		cmocka_unit_test(test_read_into_high_byte_register_replaces_bits_8_to_15),
		cmocka_unit_test(test_movzx_zero_extends_to_the_destination_size),
		cmocka_unit_test(test_movsx_sign_extends_to_the_destination_size),
		cmocka_unit_test(test_write_value_takes_the_low_bytes_of_the_register),
		cmocka_unit_test(test_write_value_of_ah_ch_dh_bh_is_bits_8_to_15),
		cmocka_unit_test(test_write_value_of_an_immediate),
	};
	static char names[ARRAY_SIZE(good) + ARRAY_SIZE(bad)][128];
	struct CMUnitTest tests[ARRAY_SIZE(good) + ARRAY_SIZE(bad) + ARRAY_SIZE(fixed)];
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(good); i++, n++) {
		snprintf(names[n], sizeof(names[n]), "decodes %s", good[i].name);
		tests[n] = (struct CMUnitTest){ .name = names[n],
			.test_func = test_decode_good, .initial_state = &good[i] };
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++, n++) {
		snprintf(names[n], sizeof(names[n]), "rejects %s", bad[i].name);
		tests[n] = (struct CMUnitTest){ .name = names[n],
			.test_func = test_decode_bad, .initial_state = &bad[i] };
	}
	for (i = 0; i < ARRAY_SIZE(fixed); i++, n++)
		tests[n] = fixed[i];
	return cmocka_run_group_tests_name("mmio_decode", tests, NULL, NULL);
}
