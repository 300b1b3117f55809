// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPU state the 64-bit boot protocol asks for: long mode with paging
 * on, identity page tables covering the kernel, boot_params and command
 * line, and a GDT with flat __BOOT_CS (0x10) and __BOOT_DS (0x18) (and a
 * 32-bit code segment, 0x20, for multiboot kernels).  We map
 * the whole first 4 GiB with 2 MiB pages (six pages of tables), which
 * covers all of low RAM; the kernel builds its own tables at once.  The
 * module loads the segment registers itself (see lguest.h); the GDT in
 * guest memory is what a later reload of the selectors would use.
 */
#include <string.h>

#include "boot.h"
#include "layout.h"

#define PTE_PRESENT	(1ULL << 0)
#define PTE_WRITE	(1ULL << 1)
#define PTE_LARGE	(1ULL << 7)

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

/* Flat 4 GiB descriptors: base 0, limit 0xfffff pages. */
#define GDT_CODE64	0x00af9b000000ffffULL	/* L=1, present, exec/read */
#define GDT_DATA	0x00cf93000000ffffULL	/* G, D/B, present, read/write */
#define GDT_CODE32	0x00cf9b000000ffffULL	/* G, D, present, exec/read */

static void identity_map_4g(uint8_t *ram)
{
	uint64_t *pml4 = (uint64_t *)(ram + LAYOUT_PML4);
	uint64_t *pdpt = (uint64_t *)(ram + LAYOUT_PDPT);
	uint64_t *pd = (uint64_t *)(ram + LAYOUT_PD);
	unsigned int i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = LAYOUT_PDPT | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < 4; i++)
		pdpt[i] = (LAYOUT_PD + i * 4096) | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
}

void long_mode_setup(const struct guest_ram *ram, uint64_t entry,
		     struct lg_vcpu_init *init)
{
	uint64_t *gdt = (uint64_t *)(ram->base + LAYOUT_GDT);

	identity_map_4g(ram->base);
	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = GDT_CODE64;
	gdt[3] = GDT_DATA;
	gdt[4] = GDT_CODE32;	/* multiboot_entry.S's way out of long mode */

	memset(init, 0, sizeof(*init));
	init->rip = entry;
	init->rsp = LAYOUT_STACK_TOP;
	init->rsi = LAYOUT_ZERO_PAGE;
	init->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	init->cr3 = LAYOUT_PML4;
	init->cr4 = CR4_PAE;
	init->efer = EFER_LME | EFER_LMA;
	init->gdt_base = LAYOUT_GDT;
	init->gdt_limit = 5 * sizeof(uint64_t) - 1;
	init->apic_id = 0;
}
