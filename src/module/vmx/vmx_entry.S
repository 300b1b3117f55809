/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VT-x world switch.  VMLAUNCH/VMRESUME load the guest's RSP, RIP and
 * RFLAGS from the VMCS, so the other fifteen general registers are loaded
 * from and stored to the vCPU's array here.  A VM exit lands at
 * lg_vmx_vmexit with the host's RSP from the VMCS: it is written here,
 * just before entry, so that the array's address is on top of it.
 *
 * int lg_vmx_vmrun(u64 regs[16], bool launched): 0 after a VM exit, 1 if
 * the entry itself failed (VMfail: the VMCS's instruction error says why).
 * Ordinary module text, so IBT, objtool and the return thunks are happy.
 */
#include <linux/linkage.h>
#include <asm/alternative.h>
#include <asm/asm.h>
#include <asm/cpufeatures.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "entry_regs.h"

#define LG_HOST_RSP	0x6c14	/* the VMCS field */

.section .noinstr.text, "ax"

SYM_FUNC_START(lg_vmx_vmrun)
	LG_PUSH_CALLEE_SAVED
	/* Stack from here: 0 = regs, 8 = launched. */
	push %rsi
	push %rdi
	mov $LG_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lfail_early
	mov %rdi, %rax
	/* Which instruction, decided now: the MOVs below keep the flags. */
	cmpb $0, 8(%rsp)
	LG_LOAD_GUEST_GPRS %rax
	mov REG(0)(%rax), %rax
	/* As KVM's VM_CLEAR_CPU_BUFFERS: the last thing before entry. */
	ALTERNATIVE "jmp .Lno_verw", "", X86_FEATURE_CLEAR_CPU_BUF_VM
	verw lg_verw_sel(%rip)
.Lno_verw:
	/* lg_vmx_vmexit is reached from here, through the CPU (KVM alike). */
	UNWIND_HINT_SAVE
	je .Llaunch
	vmresume
	jmp .Lfail
.Llaunch:
	vmlaunch
	jmp .Lfail

SYM_INNER_LABEL(lg_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push %rax
	mov 8(%rsp), %rax
	popq REG(0)(%rax)
	LG_STORE_GUEST_GPRS %rax
	xor %eax, %eax
	jmp .Lout
.Lfail:
	mov $1, %eax
	jmp .Lout
.Lfail_early:
	mov $1, %eax
.Lout:
	add $16, %rsp
	/* Nothing the guest trained may steer our returns (KVM alike). */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
	/* No guest value survives in a register we do not reload. */
	LG_CLEAR_SCRATCH
	LG_POP_CALLEE_SAVED
	RET
SYM_FUNC_END(lg_vmx_vmrun)
