/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the test programs' hand-made guests share: a vCPU already in
 * 64-bit mode, as lguest-launch starts one, on identity page tables of
 * 2 MiB pages and a flat GDT in guest RAM.  Each program puts its own
 * code and data elsewhere.
 */
#ifndef LG_GUEST_H
#define LG_GUEST_H

#include <stdint.h>
#include <string.h>

#include "lguest.h"

#define GUEST_PML4	0x2000
#define GUEST_GDT	0x2fe0	/* the top of the PML4 page, which uses entry 0 only */
#define GUEST_PDPT	0x3000
#define GUEST_PD	0x4000	/* one page per GiB mapped */

/* Map the first @gib GiB (1 to 4), and start at @rip with stack @rsp. */
static inline void guest_long_mode(uint8_t *ram, struct lg_vcpu_init *init,
				   uint64_t rip, uint64_t rsp, int gib)
{
	uint64_t *pml4 = (uint64_t *)(ram + GUEST_PML4);
	uint64_t *pdpt = (uint64_t *)(ram + GUEST_PDPT);
	uint64_t *pd = (uint64_t *)(ram + GUEST_PD);
	uint64_t *gdt = (uint64_t *)(ram + GUEST_GDT);
	int i;

	pml4[0] = GUEST_PDPT | 3;
	for (i = 0; i < gib; i++)
		pdpt[i] = (GUEST_PD + 4096 * i) | 3;
	for (i = 0; i < 512 * gib; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;	/* present, writable, 2 MiB */
	gdt[2] = 0x00af9b000000ffffULL;		/* __BOOT_CS: 64-bit code */
	gdt[3] = 0x00cf93000000ffffULL;		/* __BOOT_DS */
	memset(init, 0, sizeof(*init));
	init->rip = rip;
	init->rsp = rsp;
	init->cr0 = 0x80000031;			/* PG, NE, ET, PE */
	init->cr3 = GUEST_PML4;
	init->cr4 = 0x20;			/* PAE */
	init->efer = 0x500;			/* LME, LMA */
	init->gdt_base = GUEST_GDT;
	init->gdt_limit = 31;
}

#endif /* LG_GUEST_H */
