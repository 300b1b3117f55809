/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world switch: the one place that must be assembly.
 *
 * VMRUN saves and restores only RAX, RSP and RIP of the guest's general
 * registers (they live in the VMCB), so the other fourteen are loaded from
 * and stored to the vCPU's array here.  VMRUN also leaves FS, GS, TR,
 * LDTR, KernelGSBase and the SYSCALL/SYSENTER MSRs alone: we VMSAVE the
 * host's into a per-vCPU page and VMLOAD the guest's before VMRUN, and do
 * the reverse after #VMEXIT, before anything can touch per-CPU data (GS).
 *
 * It is ordinary module text (SYM_FUNC_START/RET), so IBT, objtool and
 * the return thunks are satisfied.  The caller holds GIF clear (CLGI).
 *
 * void lg_svm_vmrun(u64 vmcb_pa, u64 regs[16], u64 host_save_pa)
 */
#include <linux/linkage.h>
#include <asm/alternative.h>
#include <asm/asm.h>
#include <asm/cpufeatures.h>
#include <asm/ibt.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>

#define REG(n) (n * 8)

.macro LG_IBPB
	mov $MSR_IA32_PRED_CMD, %ecx
	mov $PRED_CMD_IBPB, %eax
	xor %edx, %edx
	wrmsr
.endm

/*
 * VERW with a memory operand flushes the CPU buffers that MDS, MMIO
 * stale data, RFDS and TSA leak through, on CPUs whose microcode does so.
 * The kernel's own selector for it is KVM's alone from 7.x; any valid
 * data selector serves.
 */
	.pushsection .rodata
SYM_DATA(lg_verw_sel, .word __KERNEL_DS)
	.popsection

.section .noinstr.text, "ax"

SYM_FUNC_START(lg_svm_vmrun)
	push %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	/* Stack from here: 0 = vmcb_pa, 8 = regs, 16 = host_save_pa. */
	push %rdx
	push %rsi
	push %rdi

	mov %rdx, %rax
	vmsave %rax
	mov %rdi, %rax
	vmload %rax

	mov 8(%rsp), %rax
	mov REG(1)(%rax), %rcx
	mov REG(2)(%rax), %rdx
	mov REG(3)(%rax), %rbx
	mov REG(5)(%rax), %rbp
	mov REG(6)(%rax), %rsi
	mov REG(7)(%rax), %rdi
	mov REG(8)(%rax), %r8
	mov REG(9)(%rax), %r9
	mov REG(10)(%rax), %r10
	mov REG(11)(%rax), %r11
	mov REG(12)(%rax), %r12
	mov REG(13)(%rax), %r13
	mov REG(14)(%rax), %r14
	mov REG(15)(%rax), %r15
	mov (%rsp), %rax

	/* As KVM's VM_CLEAR_CPU_BUFFERS: the last thing before VMRUN. */
	ALTERNATIVE "jmp .Lno_verw", "", X86_FEATURE_CLEAR_CPU_BUF_VM
	verw lg_verw_sel(%rip)
.Lno_verw:
	vmrun %rax
SYM_INNER_LABEL(lg_svm_vmrun_exit, SYM_L_GLOBAL)
	ENDBR			/* C compares a guest RIP with this address */

	mov 8(%rsp), %rax
	mov %rcx, REG(1)(%rax)
	mov %rdx, REG(2)(%rax)
	mov %rbx, REG(3)(%rax)
	mov %rbp, REG(5)(%rax)
	mov %rsi, REG(6)(%rax)
	mov %rdi, REG(7)(%rax)
	mov %r8, REG(8)(%rax)
	mov %r9, REG(9)(%rax)
	mov %r10, REG(10)(%rax)
	mov %r11, REG(11)(%rax)
	mov %r12, REG(12)(%rax)
	mov %r13, REG(13)(%rax)
	mov %r14, REG(14)(%rax)
	mov %r15, REG(15)(%rax)

	mov (%rsp), %rax
	vmsave %rax
	mov 16(%rsp), %rax
	vmload %rax
	add $24, %rsp

	/*
	 * Nothing the guest trained may steer our returns.  The IBPB that
	 * srso=ibpb-vmexit (and entry IBPB) ask for comes before any RET,
	 * inline: UNTRAIN_RET's IBPB arm calls a symbol only KVM may use
	 * from 6.18.  RAX, RCX and RDX hold nothing of ours here.
	 */
	ALTERNATIVE_2 "", "LG_IBPB", X86_FEATURE_ENTRY_IBPB, \
		"LG_IBPB", X86_FEATURE_IBPB_ON_VMEXIT
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE
	CALL_UNTRAIN_RET

	/* No guest value survives in a register we do not reload. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET
SYM_FUNC_END(lg_svm_vmrun)
