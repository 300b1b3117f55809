/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hostile guests: each a few instructions, built as an ELF "vmlinux" that
 * lguest-launch loads at 16 MiB and enters in 64-bit mode.  Built once per
 * CASE; the hostile-guests scenario checks that lg stops each with a
 * clear reason, or hands it the exception a real CPU would, and that the
 * host is unharmed.
 *
 * Before its CASE, every guest but case 1 sets up its own GDT (with user
 * segments and a TSS), page tables that user mode may use, and an IDT
 * whose 32 stubs report the vector they caught through the debug-exit
 * port: lguest-launch then exits with 100 + vector (#DB 101, #UD 106,
 * #GP 113, #PF 114), so a scenario can assert the exact exception.
 * A case that checks values exits 42 when all is well, or 90 and up for
 * the check that failed.
 * (No #AC case: QEMU's TCG, which the tests run on, never raises #AC.)
 */
#define DEBUG_EXIT	0x501
#define KERNEL_CS	0x10
#define KERNEL_DS	0x18
#define USER_DS		0x23
#define USER_CS		0x2b
#define TSS_SEL		0x30
#define CODE32_SEL	0x40
#define CODE16_SEL	0x48
#define DATA16_SEL	0x50
#define MODES16_AT	0x7000	/* mode_trip's real-mode code */
#define TESTDEV		0xfeb00000	/* lguest-launch's test window */

	.text
	.globl _start
_start:
#if CASE != 1
	lea stack_top(%rip), %rsp
	call setup
#endif

#if CASE == 1		/* an exception with no IDT: triple fault */
	ud2
#elif CASE == 2		/* REP OUTSB of a message that straddles a page */
	mov $0x3f8, %dx
	lea strio_msg(%rip), %rsi
	mov $(strio_msg_end - strio_msg), %rcx
	cld
	rep outsb
	mov $42, %al
	jmp report
#elif CASE == 3		/* MMIO by an instruction lg does not emulate */
	mov $0xc0000000, %rax
	mull (%rax)
#elif CASE == 4		/* running code from outside RAM */
	mov $0xd0000000, %rax
	jmp *%rax
#elif CASE == 5		/* page tables outside RAM */
	mov $0xe0000000, %rax
	mov %rax, %cr3
	mov (%rbx), %rax
#elif CASE == 6		/* SVM instructions are not for guests: #UD */
	xor %eax, %eax		/* a valid VMCB address: no #GP first */
	vmrun
#elif CASE == 7		/* an MSR nobody has: #GP */
	mov $0x12345678, %ecx
	rdmsr
#elif CASE == 8		/* the debug-exit port: lguest-launch exits 42 */
	mov $42, %al
	jmp report
#elif CASE == 9		/* INVLPGA is an SVM instruction too: #UD */
	xor %eax, %eax
	xor %ecx, %ecx
	invlpga
#elif CASE == 10	/* single-step: #DB reaches the guest's own handler */
	pushf
	orq $(1 << 8), (%rsp)
	popf
	nop
#elif CASE == 11	/* AVX, its state the guest's own (#GP without XSAVE) */
	mov %cr4, %rax
	or $(1 << 18), %rax		/* OSXSAVE */
	mov %rax, %cr4
	mov $90, %r12d
	mov $1, %eax
	cpuid
	bt $27, %ecx			/* CPUID now says OSXSAVE */
	jnc fail
	xor %ecx, %ecx
	mov $7, %eax			/* x87, SSE, AVX */
	xor %edx, %edx
	xsetbv
	mov $91, %r12d
	xor %ecx, %ecx
	xgetbv
	cmp $7, %eax
	jne fail
	mov $92, %r12d
	mov $0xd, %eax
	xor %ecx, %ecx
	cpuid
	cmp $7, %eax			/* x87, SSE, AVX offered */
	jne fail
	cmp $832, %ebx			/* and what XCR0 = 7 needs saved */
	jne fail
	/* Nothing but zeros (the reset state) may be in the upper halves. */
	mov $93, %r12d
	call ymm_store
	lea ymm_dump(%rip), %rsi
	mov $16, %ecx
1:	cmpq $0, 16(%rsi)
	jne fail
	cmpq $0, 24(%rsi)
	jne fail
	add $32, %rsi
	dec %ecx
	jnz 1b
	/* Our own pattern must survive many exits and the host's AVX. */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vbroadcastsd ymm_pat+8*\n(%rip), %ymm\n
	.endr
	mov $20000, %ebp
1:	xor %eax, %eax
	cpuid
	dec %ebp
	jnz 1b
	mov $94, %r12d
	call ymm_store
	lea ymm_dump(%rip), %rsi
	lea ymm_pat(%rip), %rdi
	mov $16, %ecx
1:	mov (%rdi), %rax
	cmp %rax, (%rsi)
	jne fail
	cmp %rax, 8(%rsi)
	jne fail
	cmp %rax, 16(%rsi)
	jne fail
	cmp %rax, 24(%rsi)
	jne fail
	add $32, %rsi
	add $8, %rdi
	dec %ecx
	jnz 1b
	mov $42, %al
	jmp report
#elif CASE == 12	/* CR4.PKE: the host's PKRU would be live: #GP */
	mov %cr4, %rax
	or $(1 << 22), %rax
	mov %rax, %cr4
#elif CASE == 13	/* AVX without OSXSAVE: #UD, no YMM register to read */
	vmovdqu %ymm0, ymm_dump(%rip)
#elif CASE == 14	/* WBINVD and INVD, often: no host cache flush, no stop */
	mov $100000, %ecx
1:	wbinvd
	invd
	dec %ecx
	jnz 1b
	mov $42, %al
	jmp report
#elif CASE == 15	/* CR4 writes that are allowed go through, PGE flushes */
	mov %cr4, %rax
	mov %rax, %rbx
	xor $(1 << 7), %rax
	mov %rax, %cr4
	mov %rbx, %cr4
	mov %cr4, %rcx
	cmp %rbx, %rcx
	jne 1f
	mov $42, %al
	jmp report
1:	mov $43, %al
	jmp report
#elif CASE == 16	/* REP INSL, 4400 bytes across pages, both directions */
	mov $0xcf8, %dx
	mov $0x80000810, %eax
	outl %eax, %dx
	inl %dx, %eax			/* what every element must be */
	mov %eax, %ebx
	lea strio_buf(%rip), %rdi
	mov $1100, %rcx
	cld
	rep insl
	cmp $0, %rcx
	jne 2f
	lea strio_buf + 4400(%rip), %rax
	cmp %rax, %rdi
	jne 2f
	lea strio_buf + 4400 + 8(%rip), %rdi	/* and down again, DF=1 */
	mov $3, %rcx
	std
	rep insl
	cld
	lea strio_buf(%rip), %rsi
	mov $1103, %rcx
1:	lodsl
	cmp %eax, %ebx
	jne 2f
	dec %rcx
	jnz 1b
	mov $42, %al
	jmp report
2:	mov $43, %al
	jmp report
#elif CASE == 17	/* OUTS at CPL 3 (IOPL 3) from a kernel-only page: #PF */
	andq $~4, pd + 8(%rip)		/* 2-4 MiB: no U/S */
	mov %cr3, %rax
	mov %rax, %cr3
	lea user_outs(%rip), %rdi
	mov $(3 << 12), %esi		/* IOPL 3: OUTS allowed at CPL 3 */
	jmp to_user
#elif CASE == 18	/* RDPMC of a counter there is none of: #GP */
	xor %ecx, %ecx
	rdpmc
#elif CASE == 20	/* exits, for a long while */
	mov $400000, %ebp
1:	xor %eax, %eax
	cpuid
	dec %ebp
	jnz 1b
	mov $42, %al
	jmp report
#elif CASE == 21	/* XGETBV without OSXSAVE: #UD, the host's XCR0 unseen */
	xor %ecx, %ecx
	xgetbv
#elif CASE == 22	/* XCR0 with PKRU, whose state lg does not switch: #GP */
	call osxsave
	xor %ecx, %ecx
	mov $0x207, %eax
	xor %edx, %edx
	xsetbv
#elif CASE == 23	/* an XCR other than XCR0: #GP */
	call osxsave
	mov $1, %ecx
	mov $3, %eax
	xor %edx, %edx
	xsetbv
#elif CASE == 24	/* clearing EFER.LME in long mode: #GP */
	mov $0xc0000080, %ecx
	rdmsr
	and $~(1 << 8), %eax
	wrmsr
#elif CASE == 25	/* RDPID reads the guest's TSC_AUX, 0, not the host's */
	mov $95, %r12d
	mov $0x5a5a, %eax
	rdpid %rax
	test %rax, %rax
	jnz fail
	mov $42, %al
	jmp report
#elif CASE == 26	/* the rest of SVM's instructions: #UD, one a guest */
	xor %eax, %eax
	vmload
#elif CASE == 27
	xor %eax, %eax
	vmsave
#elif CASE == 28
	stgi
#elif CASE == 29
	clgi
#elif CASE == 30
	xor %eax, %eax
	skinit
#elif CASE == 31	/* RDTSCP, which CPUID hides: #UD */
	mov $97, %r12d
	mov $0x5a5a, %ecx
	rdtscp
	/* QEMU's checks only the RDTSC intercept: then ECX = TSC_AUX, 0. */
	test %ecx, %ecx
	jnz fail
	mov $43, %al
	jmp report
#elif CASE == 32	/* MONITOR and MWAIT, which CPUID hides: #UD */
	lea stack_top(%rip), %rax
	xor %ecx, %ecx
	xor %edx, %edx
	monitor
#elif CASE == 33
	xor %eax, %eax
	xor %ecx, %ecx
	mwait
#elif CASE == 34	/* VMMCALL: an unknown hypercall, answered as KVM does */
	mov $96, %r12d
	mov $12345, %eax
	vmmcall
	cmp $-1000, %rax		/* -KVM_ENOSYS */
	jne fail
	mov $42, %al
	jmp report
#elif CASE == 35	/* long mode to 32-bit, 16-bit and real mode, and back */
	call mode_trip
	mov $92, %r12d
	cmpw $0x5678, 0x6000		/* what real mode wrote */
	jne fail
	mov $42, %al
	jmp report
#elif CASE == 36	/* INIT to itself: the boot CPU restarts at 0xfffffff0 */
	mov $0x1b, %ecx			/* IA32_APIC_BASE: x2APIC on */
	rdmsr
	or $0xc00, %eax
	wrmsr
	mov $0x830, %ecx		/* the ICR: INIT, asserted, to APIC 0 */
	mov $0x4500, %eax
	xor %edx, %edx
	wrmsr
#elif CASE == 37	/* the conformance guest: conform.c, its PASS/FAIL lines */
	call conform_main
	jmp report
#elif CASE == 38	/* steal time with a reserved bit (KVM's too): #GP */
	mov $0x4b564d03, %ecx
	mov $0x2000003, %eax		/* enabled, bit 1 set */
	xor %edx, %edx
	wrmsr
#elif CASE == 39	/* steal time outside RAM: #GP, nothing written there */
	mov $0x4b564d03, %ecx
	mov $0xd0000001, %eax
	xor %edx, %edx
	wrmsr
#elif CASE == 40	/* steal time: the version made even after junk, as KVM */
	mov $95, %r12d
	movl $0x41, 0x2000008		/* odd junk in the version */
	movb $7, 0x2000010		/* and in "preempted" */
	mov $0x4b564d03, %ecx
	mov $0x2000001, %eax		/* 32 MiB, enabled */
	xor %edx, %edx
	wrmsr
	rdmsr				/* reads back what was written */
	cmp $0x2000001, %eax
	jne fail
	mov $94, %r12d
	cpuid				/* an exit: published before the entry */
	mov 0x2000008, %eax		/* 0x41 -> 0x43 (odd), then 0x44; */
	test $1, %al			/* each wait for a host CPU since */
	jnz fail			/* (a loaded host) adds 2 */
	cmp $0x44, %eax
	jb fail
	cmp $0x1000, %eax
	ja fail
	mov $93, %r12d
	cmpb $0, 0x2000010
	jne fail
	mov $92, %r12d
	mov $0x4b564d03, %ecx		/* off again: no more writes */
	xor %eax, %eax
	wrmsr
	movl $0x51, 0x2000008
	cpuid
	cmpl $0x51, 0x2000008
	jne fail
	mov $42, %al
	jmp report
#else
#error CASE
#endif
	/* Nothing happened that should have: exit with 99. */
	mov $99, %al
	jmp report

/* Exit with %r12b: the check that failed. */
fail:
	mov %r12b, %al
	jmp report

/* %al to the debug-exit port. */
report:
	mov $DEBUG_EXIT, %dx
	outb %al, %dx
1:	hlt
	jmp 1b

#if CASE == 17
user_outs:
	mov $0x3f8, %dx
	mov $0x200000, %rsi
	mov $4, %rcx
	rep outsb		/* #PF: the launcher must not see these bytes */
	mov $99, %al		/* not reached (and OUT at CPL 3 is allowed) */
	mov $DEBUG_EXIT, %dx
	outb %al, %dx
	ud2
#endif

#if CASE == 11
ymm_store:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu %ymm\n, ymm_dump+32*\n(%rip)
	.endr
	ret
#endif

#if CASE == 35 || CASE == 37
/*
 * mode_trip: from long mode through compatibility mode to 32-bit
 * protected mode with paging off, 16-bit protected mode and real mode,
 * and back; callable from C.  In each mode a few MMIO instructions on
 * lguest-launch's test window leave their results at 0x6100 (conform.c
 * checks them); real mode also writes 0x5678 at 0x6000 through its
 * stack.  Real mode reaches the window through FS and ES, which keep the
 * flat 4 GiB segments loaded in long mode ("unreal" mode).  Real mode
 * also runs REP INSB and REP OUTSB, the latter to print a line.
 */
	.globl mode_trip
mode_trip:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, saved_rsp(%rip)
	lea modes16(%rip), %rsi		/* real mode runs below 1 MiB */
	mov $MODES16_AT, %edi
	mov $(modes16_end - modes16), %ecx
	cld
	rep movsb
	mov $KERNEL_DS, %ax
	mov %ax, %es
	mov %ax, %fs
	push $CODE32_SEL
	lea modes32(%rip), %rax
	push %rax
	lretq				/* compatibility mode */
	.code32
modes32:
	mov %cr0, %eax			/* paging off: long mode ends */
	and $0x7fffffff, %eax
	mov %eax, %cr0
	mov $0xc0000080, %ecx		/* EFER.LME off */
	rdmsr
	and $~0x100, %eax
	wrmsr
	mov %cr4, %eax			/* PAE off: lg emulates this move */
	and $~0x20, %eax
	mov %eax, %cr4
	movl $0x11223344, TESTDEV + 0x100	/* 32-bit MMIO */
	addl $0x01010101, TESTDEV + 0x100
	movl TESTDEV + 0x100, %eax
	movl %eax, 0x6100
	mov $0xa5a5a5a5, %ebx
	xchg %ebx, TESTDEV + 0x100
	movl %ebx, 0x6104
	movl TESTDEV + 0x100, %eax
	movl %eax, 0x6108
	ljmp $CODE16_SEL, $MODES16_AT	/* 16-bit protected mode */
back32:
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax			/* PAE on, emulated again */
	or $0x20, %eax
	mov %eax, %cr4
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax			/* paging on: long mode again */
	or $0x80000000, %eax
	mov %eax, %cr0
	ljmp $KERNEL_CS, $back64
	.code64
back64:
	mov saved_rsp(%rip), %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

	.code16
modes16:
	mov $DATA16_SEL, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $(TESTDEV + 0x110), %edi	/* 16-bit MMIO, 32-bit addresses */
	movw $0x1234, %fs:(%edi)
	addw $0x1111, %fs:(%edi)
	movw %fs:(%edi), %ax
	mov %ax, 0x6110
	orb $0x80, %fs:1(%edi)
	movzbw %fs:1(%edi), %ax
	mov %ax, 0x6114
	mov %cr0, %eax			/* real mode */
	and $~1, %eax
	mov %eax, %cr0
	ljmp $0, $(MODES16_AT + real16 - modes16)
real16:
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x6ff0, %sp
	pushw $0x5678			/* the stack and memory, 16-bit */
	popw %bx
	mov %bx, 0x6000
	mov $(TESTDEV + 0x120), %edi	/* real-mode MMIO */
	movw $0x4321, %fs:(%edi)
	incw %fs:(%edi)
	movw %fs:(%edi), %ax
	mov %ax, 0x6118
	mov $(TESTDEV + 0x130), %edi
	mov $0x99, %al
	mov $2, %ecx
	addr32 rep stosb
	mov $(TESTDEV + 0x130), %edi
	movw %fs:(%edi), %ax
	mov %ax, 0x611c
	mov $0x6120, %di		/* string I/O: ES:DI, DS:SI */
	mov $0x4a0, %dx			/* a port nobody answers: all ones */
	mov $4, %cx
	rep insb
	mov %di, 0x6124
	mov $(MODES16_AT + real_msg - modes16), %si
	mov $0x3f8, %dx
	mov $(real_msg_end - real_msg), %cx
	rep outsb
	mov %cr0, %eax			/* protected mode, 32-bit code */
	or $1, %eax
	mov %eax, %cr0
	ljmpl $CODE32_SEL, $back32
real_msg:
	.ascii "conform: real-mode rep outsb\n"
real_msg_end:
modes16_end:
	.code64
saved_rsp:
	.quad 0
#endif

#if CASE == 22 || CASE == 23
osxsave:
	mov %cr4, %rax
	or $(1 << 18), %rax
	mov %rax, %cr4
	ret
#endif

#if CASE != 1
/* iretq to CPL 3 at %rdi with %rsi or'ed into RFLAGS. */
to_user:
	push $USER_DS
	lea user_stack_top(%rip), %rax
	push %rax
	pushf
	or %rsi, (%rsp)
	push $USER_CS
	push %rdi
	iretq

setup:
	/* Page tables: the first 4 GiB, 2 MiB pages, user-accessible. */
	lea pd(%rip), %rdi
	mov $0x87, %eax			/* P, RW, US, PS */
	mov $(4 * 512), %ecx
1:	mov %rax, (%rdi)
	add $(1 << 21), %rax
	add $8, %rdi
	dec %ecx
	jnz 1b
	lea pd(%rip), %rax
	or $7, %rax
	lea pdpt(%rip), %rdi
	mov $4, %ecx
1:	mov %rax, (%rdi)
	add $4096, %rax
	add $8, %rdi
	dec %ecx
	jnz 1b
	lea pdpt(%rip), %rax
	or $7, %rax
	mov %rax, pml4(%rip)
	lea pml4(%rip), %rax
	mov %rax, %cr3

	/* The TSS descriptor: base, limit 0x67, present available TSS. */
	lea tss(%rip), %rax
	mov %rax, %rdx
	and $0xffffff, %rdx
	shl $16, %rdx
	mov %rax, %rcx
	shr $24, %rcx
	shl $56, %rcx
	or %rcx, %rdx
	movabs $0x0000890000000067, %rcx
	or %rcx, %rdx
	mov %rdx, gdt_tss(%rip)
	lea stack_top(%rip), %rax
	mov %rax, tss + 4(%rip)		/* RSP0 */

	/* IDT: 32 interrupt gates to the 16-byte stubs. */
	lea idt(%rip), %rdi
	lea stubs(%rip), %rsi
	mov $32, %ecx
1:	mov %esi, %eax
	and $0xffff, %eax
	or $(KERNEL_CS << 16), %eax
	mov %eax, (%rdi)
	mov %esi, %eax
	and $0xffff0000, %eax
	or $0x8e00, %eax		/* present, DPL 0, 64-bit interrupt gate */
	mov %eax, 4(%rdi)
	movq $0, 8(%rdi)
	add $16, %rdi
	add $16, %rsi
	dec %ecx
	jnz 1b

	lgdt gdt_ptr(%rip)
	lidt idt_ptr(%rip)
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $TSS_SEL, %ax
	ltr %ax
	pop %rax			/* our return address */
	push $KERNEL_CS
	push %rax
	lretq				/* reloads CS from our GDT */

	.balign 16
stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 16
	mov $(100 + \v), %al
	jmp report
	.endr

	.balign 8
gdt:
	.quad 0
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x10: 64-bit code, DPL 0 */
	.quad 0x00cf93000000ffff	/* 0x18: data, DPL 0 */
	.quad 0x00cff3000000ffff	/* 0x20: data, DPL 3 */
	.quad 0x00affb000000ffff	/* 0x28: 64-bit code, DPL 3 */
gdt_tss:
	.quad 0				/* 0x30: the TSS, 16 bytes */
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x40: 32-bit code, DPL 0 */
	.quad 0x00009b000000ffff	/* 0x48: 16-bit code, base 0 */
	.quad 0x000093000000ffff	/* 0x50: 16-bit data, base 0 */
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt
idt_ptr:
	.word 32 * 16 - 1
	.quad idt

	.balign 16
tss:
	.fill 104, 1, 0
ymm_dump:
	.fill 16 * 32, 1, 0
ymm_pat:			/* "GUEST" and the register's number */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.quad 0x4755455354000000 + \n
	.endr
#if CASE == 2
	.balign 4096
	.fill 4096 - 6, 1, 0
strio_msg:
	.ascii "STRIO-OUT-OK\n"
strio_msg_end:
#endif
#if CASE == 16
	.balign 4096
	.fill 4096 - 10, 1, 0
strio_buf:
	.fill 4412, 1, 0
#endif
	.balign 16
idt:
	.fill 32 * 16, 1, 0
	.balign 4096
pml4:
	.fill 4096, 1, 0
pdpt:
	.fill 4096, 1, 0
pd:
	.fill 4 * 4096, 1, 0
	.fill 4096, 1, 0
stack_top:
	.fill 4096, 1, 0
user_stack_top:
#endif
	.section .note.GNU-stack, "", @progbits
