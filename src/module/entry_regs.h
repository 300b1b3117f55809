/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What both world switches (svm/svm_entry.S, vmx/vmx_entry.S) do with
 * the general registers: the host's callee-saved ones kept on the stack,
 * the guest's moved between the CPU and the vCPU's array (struct lg_vcpu
 * regs[], in encoding order) but RAX and RSP, which each entry handles
 * its own way, and no guest value left behind in a scratch register.
 * Assembler only.
 */
#ifndef LG_ENTRY_REGS_H
#define LG_ENTRY_REGS_H

#define REG(n) (n * 8)

.macro LG_PUSH_CALLEE_SAVED
	push %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
.endm

.macro LG_POP_CALLEE_SAVED
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
.endm

/* The guest's registers from the array at \base (RAX), which is kept. */
.macro LG_LOAD_GUEST_GPRS base:req
	mov REG(1)(\base), %rcx
	mov REG(2)(\base), %rdx
	mov REG(3)(\base), %rbx
	mov REG(5)(\base), %rbp
	mov REG(6)(\base), %rsi
	mov REG(7)(\base), %rdi
	mov REG(8)(\base), %r8
	mov REG(9)(\base), %r9
	mov REG(10)(\base), %r10
	mov REG(11)(\base), %r11
	mov REG(12)(\base), %r12
	mov REG(13)(\base), %r13
	mov REG(14)(\base), %r14
	mov REG(15)(\base), %r15
.endm

.macro LG_STORE_GUEST_GPRS base:req
	mov %rcx, REG(1)(\base)
	mov %rdx, REG(2)(\base)
	mov %rbx, REG(3)(\base)
	mov %rbp, REG(5)(\base)
	mov %rsi, REG(6)(\base)
	mov %rdi, REG(7)(\base)
	mov %r8, REG(8)(\base)
	mov %r9, REG(9)(\base)
	mov %r10, REG(10)(\base)
	mov %r11, REG(11)(\base)
	mov %r12, REG(12)(\base)
	mov %r13, REG(13)(\base)
	mov %r14, REG(14)(\base)
	mov %r15, REG(15)(\base)
.endm

/* The callee-saved ones come back from the stack: only these remain. */
.macro LG_CLEAR_SCRATCH
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
.endm

#endif /* LG_ENTRY_REGS_H */
