/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A multiboot kernel's way in, copied into the guest at LAYOUT_MB_ENTRY
 * (multiboot.c) and run by the guest's boot CPU, which lg starts in long
 * mode: to compatibility mode through the GDT's 32-bit code segment
 * (0x20), paging off (which ends long mode), EFER.LME and CR4.PAE off,
 * then EAX = 0x2BADB002, EBX = the multiboot information and a jump to
 * the kernel's entry.  Position-independent: the two words at the end,
 * the information's address and the entry, are filled in by the loader.
 * The data segments are already flat 4 GiB ones (0x18).
 */
	.section .rodata, "a"
	.globl multiboot_entry_start, multiboot_entry_end
	.code64
multiboot_entry_start:
	lea data(%rip), %rsi
	lea 1f(%rip), %rax
	pushq $0x20
	pushq %rax
	lretq
	.code32
1:	mov %cr0, %eax
	and $0x7fffffff, %eax
	mov %eax, %cr0
	mov $0xc0000080, %ecx		/* EFER */
	rdmsr
	and $~0x100, %eax
	wrmsr
	mov %cr4, %eax
	and $~0x20, %eax
	mov %eax, %cr4
	mov 0(%esi), %ebx
	mov 4(%esi), %ecx
	xor %esi, %esi
	mov $0x2badb002, %eax
	jmp *%ecx
	.balign 4
data:
	.long 0, 0			/* the information, the entry */
multiboot_entry_end:
	.section .note.GNU-stack, "", @progbits
