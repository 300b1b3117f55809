// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which loader a kernel file needs, where the initrd goes, and the one
 * place boot errors are kept.  A file is a bzImage if it carries "HdrS"
 * at 0x202, else a multiboot kernel if it has a multiboot header, else a
 * vmlinux if it starts with the ELF magic; anything else is refused with
 * a message that names all three.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "layout.h"

static char boot_errmsg[256];

int boot_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(boot_errmsg, sizeof(boot_errmsg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *boot_error(void)
{
	return boot_errmsg;
}

int kernel_load(const struct guest_ram *ram, const void *file, size_t len,
		struct kernel_image *kernel)
{
	const uint8_t *p = file;

	if (len >= 0x206 && !memcmp(p + 0x202, "HdrS", 4))
		return bzimage_load(ram, file, len, kernel);
	if (multiboot_detect(file, len))
		return multiboot_load(ram, file, len, kernel);
	if (len >= SELFMAG && !memcmp(p, ELFMAG, SELFMAG))
		return elf_load(ram, file, len, kernel);
	return boot_fail("not a kernel: neither a bzImage, a multiboot kernel nor an x86-64 ELF vmlinux");
}

/*
 * The initrd goes page-aligned at the top of the RAM it may use: below
 * 3 GiB (low RAM) and below the kernel's initrd_addr_max, and above the
 * kernel so that the kernel can decompress without touching it.
 */
int initrd_place(const struct guest_ram *ram, const struct kernel_image *kernel,
		 uint64_t size, uint64_t *addr)
{
	uint64_t top = ram->low_size;
	uint64_t limit = (uint64_t)kernel->hdr.initrd_addr_max + 1;
	uint64_t floor = kernel->end > LAYOUT_HIGH_RAM ? kernel->end : LAYOUT_HIGH_RAM;
	uint64_t start;

	if (kernel->hdr.initrd_addr_max && limit < top)
		top = limit;
	if (size == 0 || size > top)
		goto no_room;
	start = (top - size) & ~0xfffULL;
	if (start < floor)
		goto no_room;
	*addr = start;
	return 0;

no_room:
	return boot_fail("initrd (%llu KiB) does not fit between the kernel (ends at %llu MiB) and %llu MiB; give the guest more memory (-m)",
			 (unsigned long long)(size >> 10),
			 (unsigned long long)(floor >> 20),
			 (unsigned long long)(top >> 20));
}
