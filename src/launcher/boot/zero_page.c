// SPDX-License-Identifier: GPL-2.0-only
/*
 * boot_params, the "zero page": what a PC boot loader tells Linux.  For
 * the 64-bit boot protocol it is a zeroed page holding the kernel's setup
 * header (as the file had it, plus the fields a loader writes), the
 * command line and initrd addresses, and the e820 memory map.  Nothing
 * else: no screen, no EDD, no EFI, no ACPI (acpi=off; the MP table
 * describes the CPUs and the IOAPIC).
 */
#include <asm/e820.h>
#include <string.h>

#include "boot.h"
#include "layout.h"

static unsigned int e820_add(struct boot_e820_entry *table, unsigned int n,
			     unsigned int max, uint64_t addr, uint64_t size,
			     uint32_t type)
{
	if (n >= max || size == 0)
		return n;
	table[n].addr = addr;
	table[n].size = size;
	table[n].type = type;
	return n + 1;
}

/*
 * Base RAM, the reserved hole holding the MP table and the VGA/BIOS
 * area, RAM from 1 MiB to the end of low RAM, RAM from 4 GiB.  The MMIO
 * hole from 3 GiB is not listed: to Linux it is a gap, where PCI BARs go.
 */
unsigned int e820_build(const struct guest_ram *ram,
			struct boot_e820_entry *table, unsigned int max)
{
	unsigned int n = 0;

	n = e820_add(table, n, max, 0, LAYOUT_BASE_RAM_END, E820_RAM);
	n = e820_add(table, n, max, LAYOUT_BASE_RAM_END,
		     LAYOUT_HIGH_RAM - LAYOUT_BASE_RAM_END, E820_RESERVED);
	if (ram->low_size > LAYOUT_HIGH_RAM)
		n = e820_add(table, n, max, LAYOUT_HIGH_RAM,
			     ram->low_size - LAYOUT_HIGH_RAM, E820_RAM);
	n = e820_add(table, n, max, LAYOUT_4G, ram->high_size, E820_RAM);
	return n;
}

int zero_page_setup(const struct guest_ram *ram,
		    const struct kernel_image *kernel, const char *cmdline,
		    uint64_t initrd_addr, uint64_t initrd_size)
{
	struct boot_params *bp = (struct boot_params *)(ram->base + LAYOUT_ZERO_PAGE);
	struct setup_header *hdr = &bp->hdr;
	size_t len = strlen(cmdline);

	if (ram->low_size < LAYOUT_CMDLINE + LAYOUT_CMDLINE_MAX)
		return boot_fail("guest RAM too small for boot_params");
	if (len > kernel->hdr.cmdline_size || len >= LAYOUT_CMDLINE_MAX)
		return boot_fail("kernel command line is %zu bytes; this kernel takes at most %u",
				 len, kernel->hdr.cmdline_size < LAYOUT_CMDLINE_MAX ?
				 kernel->hdr.cmdline_size :
				 (unsigned int)LAYOUT_CMDLINE_MAX - 1);
	memcpy(ram->base + LAYOUT_CMDLINE, cmdline, len + 1);

	memset(bp, 0, sizeof(*bp));
	*hdr = kernel->hdr;
	hdr->type_of_loader = 0xff;	/* "undefined" loader */
	hdr->loadflags |= LOADED_HIGH | CAN_USE_HEAP;
	hdr->heap_end_ptr = 0xfe00;	/* setup heap ends 0x200 below 64 KiB */
	hdr->cmd_line_ptr = (uint32_t)LAYOUT_CMDLINE;
	bp->ext_cmd_line_ptr = (uint32_t)(LAYOUT_CMDLINE >> 32);
	hdr->ramdisk_image = (uint32_t)initrd_addr;
	bp->ext_ramdisk_image = (uint32_t)(initrd_addr >> 32);
	hdr->ramdisk_size = (uint32_t)initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(initrd_size >> 32);

	bp->e820_entries = e820_build(ram, bp->e820_table,
				      E820_MAX_ENTRIES_ZEROPAGE);
	return 0;
}
