/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where everything sits in the guest's physical address space.  One
 * table in one place, so that the loaders, the MP table and the devices
 * cannot quietly collide.
 *
 * Low memory (all of it RAM the guest may reuse once it runs, except the
 * MP tables, which e820 marks reserved):
 *
 *	0x00000 - 0x00fff  left zero: real-mode IVT and BIOS data area (Linux
 *			   reads the EBDA pointer at 0x40e; zero means none)
 *	0x01000 - 0x01027  GDT: null, null, __BOOT_CS 0x10, __BOOT_DS 0x18,
 *			   and 0x20, 32-bit code for the multiboot entry
 *	0x01100 - 0x011ff  a multiboot kernel's way in (multiboot_entry.S)
 *	0x02000 - 0x02fff  boot_params ("zero page"), its address in RSI
 *	0x03000 - 0x03fff  PML4
 *	0x04000 - 0x04fff  PDPT
 *	0x05000 - 0x08fff  4 page directories: 4 GiB identity, 2 MiB pages
 *	0x09000 - 0x0ffff  boot stack, RSP = 0x10000 (the kernel soon
 *			   switches to its own)
 *	0x20000 - 0x2ffff  kernel command line
 *	0x30000 - 0x30fff  multiboot information, for a multiboot kernel
 *	0x9f000 - 0x9fbff  MP configuration table (room for 64 CPUs)
 *	0x9fc00 - 0x9fc0f  MP floating pointer (where Linux looks: the
 *			   last KiB of 639 KiB)
 *	0xa0000 - 0xfffff  reserved, as the VGA/BIOS hole of a PC
 *
 * Above 1 MiB: the kernel at 16 MiB (or its pref_address), the initrd
 * at the top of low RAM.  RAM ends at 3 GiB; 3 - 4 GiB is for MMIO
 * (PCI BARs, IOAPIC, LAPIC); RAM beyond 3 GiB of guest size continues
 * at 4 GiB.
 */
#ifndef LG_BOOT_LAYOUT_H
#define LG_BOOT_LAYOUT_H

#define LAYOUT_GDT		0x1000ULL
#define LAYOUT_ZERO_PAGE	0x2000ULL
#define LAYOUT_PML4		0x3000ULL
#define LAYOUT_PDPT		0x4000ULL
#define LAYOUT_PD		0x5000ULL	/* 4 pages */
#define LAYOUT_STACK_TOP	0x10000ULL
#define LAYOUT_CMDLINE		0x20000ULL
#define LAYOUT_CMDLINE_MAX	0x10000ULL	/* bytes, with the NUL */
#define LAYOUT_MB_ENTRY		0x1100ULL
#define LAYOUT_MB_ENTRY_MAX	0x100ULL
#define LAYOUT_MBI		0x30000ULL
#define LAYOUT_MBI_SIZE		0x1000ULL
#define LAYOUT_MPTABLE		0x9f000ULL	/* the configuration table */
#define LAYOUT_MPTABLE_MAX	0xc00ULL
#define LAYOUT_MPF		0x9fc00ULL	/* the floating pointer */
#define LAYOUT_BASE_RAM_END	0x9f000ULL	/* first e820 RAM entry ends */
#define LAYOUT_HIGH_RAM		0x100000ULL	/* 1 MiB */
#define LAYOUT_KERNEL		0x1000000ULL	/* 16 MiB, Linux's default */

#define LAYOUT_LOW_RAM_MAX	0xc0000000ULL	/* 3 GiB */
#define LAYOUT_4G		0x100000000ULL

/* The MMIO hole between the end of low RAM and 4 GiB. */
#define LAYOUT_PCI_MMIO		0xc0000000ULL	/* PCI BAR window ... */
#define LAYOUT_PCI_MMIO_END	0xfeb00000ULL	/* ... up to the test window */
#define LAYOUT_IOAPIC		0xfec00000ULL
#define LAYOUT_LAPIC		0xfee00000ULL

#define LAYOUT_MIN_RAM		(32ULL << 20)

#endif /* LG_BOOT_LAYOUT_H */
