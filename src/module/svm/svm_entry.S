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

#include "entry_regs.h"


.macro LG_IBPB
	mov $MSR_IA32_PRED_CMD, %ecx
	mov $PRED_CMD_IBPB, %eax
	xor %edx, %edx
	wrmsr
.endm


.section .noinstr.text, "ax"

SYM_FUNC_START(lg_svm_vmrun)
	LG_PUSH_CALLEE_SAVED
	/* Stack from here: 0 = vmcb_pa, 8 = regs, 16 = host_save_pa. */
	push %rdx
	push %rsi
	push %rdi

	mov %rdx, %rax
	vmsave %rax
	mov %rdi, %rax
	vmload %rax

	mov 8(%rsp), %rax
	LG_LOAD_GUEST_GPRS %rax
	mov (%rsp), %rax

	/* As KVM's VM_CLEAR_CPU_BUFFERS: the last thing before VMRUN. */
	ALTERNATIVE "jmp .Lno_verw", "", X86_FEATURE_CLEAR_CPU_BUF_VM
	verw lg_verw_sel(%rip)
.Lno_verw:
	vmrun %rax
SYM_INNER_LABEL(lg_svm_vmrun_exit, SYM_L_GLOBAL)
	ENDBR			/* C compares a guest RIP with this address */

	mov 8(%rsp), %rax
	LG_STORE_GUEST_GPRS %rax

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
	LG_CLEAR_SCRATCH
	LG_POP_CALLEE_SAVED
	RET
SYM_FUNC_END(lg_svm_vmrun)
