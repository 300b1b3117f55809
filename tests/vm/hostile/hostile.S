/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hostile guests: each a few instructions, built as an ELF "vmlinux" that
 * lguest-launch loads at 16 MiB and enters in 64-bit mode.  Built once per
 * CASE; the hostile-guests scenario checks that lg stops each with a
 * clear reason and that the host is unharmed.  There is no IDT, so any
 * exception becomes a triple fault.
 */
	.text
	.globl _start
_start:
#if CASE == 1		/* an exception with no IDT: triple fault */
	ud2
#elif CASE == 2		/* string I/O, which lg does not emulate */
	mov $0x3f8, %dx
	mov $_start, %rsi
	mov $4, %rcx
	rep outsb
#elif CASE == 3		/* MMIO by an instruction outside the MOV family */
	mov $0xc0000000, %rax
	addl %ecx, (%rax)
#elif CASE == 4		/* running code from outside RAM */
	mov $0xd0000000, %rax
	jmp *%rax
#elif CASE == 5		/* page tables outside RAM */
	mov $0xe0000000, %rax
	mov %rax, %cr3
	mov (%rbx), %rax
#elif CASE == 6		/* SVM instructions are not for guests: #UD, then a triple fault */
	vmrun
#elif CASE == 7		/* an MSR nobody has: #GP, then a triple fault */
	mov $0x12345678, %ecx
	rdmsr
#elif CASE == 8		/* the debug-exit port: lguest-launch exits 42 */
	mov $0x501, %dx
	mov $42, %al
	outb %al, %dx
#else
#error CASE
#endif
1:	hlt
	jmp 1b
