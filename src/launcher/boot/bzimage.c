// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading a bzImage for the 64-bit boot protocol (Documentation/arch/
 * x86/boot.rst).  The real-mode setup code never runs: only its header
 * matters, copied into boot_params.  The protected-mode part (the
 * self-decompressing kernel) goes to an aligned address at or above its
 * preferred one, with init_size bytes of room, and starts at +0x200 in
 * 64-bit mode.  Needs protocol 2.12 and XLF_KERNEL_64, which every
 * x86-64 kernel since 3.8 has.
 */
#include <string.h>

#include "boot.h"
#include "layout.h"

#define SETUP_HDR_OFFSET	0x1f1
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define MIN_PROTOCOL		0x020c
#define ENTRY_64		0x200

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

/* Copy the setup header as long as the file says it is (0x202 + [0x201]). */
static int bzimage_read_header(const uint8_t *p, size_t len,
			       struct kernel_image *kernel)
{
	size_t end, n;

	if (len < 0x202)
		return boot_fail("bzImage truncated: no room for the setup header");
	end = 0x202 + p[0x201];
	if (end > len)
		return boot_fail("bzImage truncated inside its setup header");
	n = end - SETUP_HDR_OFFSET;
	if (n > sizeof(kernel->hdr))
		n = sizeof(kernel->hdr);
	memset(&kernel->hdr, 0, sizeof(kernel->hdr));
	memcpy(&kernel->hdr, p + SETUP_HDR_OFFSET, n);
	kernel->hdr_len = n;
	return 0;
}

int bzimage_load(const struct guest_ram *ram, const void *file, size_t len,
		 struct kernel_image *kernel)
{
	const uint8_t *p = file;
	struct setup_header *hdr = &kernel->hdr;
	uint64_t setup_size, code_size, need, load, align;

	memset(kernel, 0, sizeof(*kernel));
	if (bzimage_read_header(p, len, kernel))
		return -1;
	if (hdr->header != HDRS_MAGIC)
		return boot_fail("not a bzImage: no \"HdrS\" magic");
	if (kernel->hdr_len < offsetof(struct setup_header, init_size) + 4)
		return boot_fail("bzImage setup header too short for boot protocol 2.12");
	if (hdr->version < MIN_PROTOCOL)
		return boot_fail("bzImage uses boot protocol %u.%02u; lguest needs 2.12 or later (Linux 3.8+)",
				 hdr->version >> 8, hdr->version & 0xff);
	if (!(hdr->xloadflags & XLF_KERNEL_64))
		return boot_fail("bzImage has no 64-bit entry point (XLF_KERNEL_64); build an x86-64 kernel");

	setup_size = ((uint64_t)(hdr->setup_sects ? hdr->setup_sects : 4) + 1) * 512;
	if (setup_size + ENTRY_64 >= len)
		return boot_fail("bzImage truncated: %zu bytes, but its setup code alone takes %llu",
				 len, (unsigned long long)setup_size);
	code_size = len - setup_size;
	need = hdr->init_size > code_size ? hdr->init_size : code_size;

	load = hdr->pref_address ? hdr->pref_address : LAYOUT_KERNEL;
	if (load < LAYOUT_KERNEL)
		load = LAYOUT_KERNEL;
	if (hdr->relocatable_kernel) {
		align = hdr->kernel_alignment;
		if (!align || (align & (align - 1)) || align > LAYOUT_LOW_RAM_MAX)
			return boot_fail("bzImage has a bad kernel_alignment (%#x)",
					 hdr->kernel_alignment);
		if (load > ram->low_size)
			goto no_room;
		load = align_up(load, align);
	} else if (hdr->pref_address) {
		load = hdr->pref_address;	/* it runs there anyway */
		if (load < LAYOUT_HIGH_RAM)
			return boot_fail("bzImage wants to run at %#llx, below 1 MiB",
					 (unsigned long long)load);
	}

	if (load > ram->low_size || need > ram->low_size - load)
		goto no_room;

	memcpy(ram->base + load, p + setup_size, code_size);
	kernel->load_addr = load;
	kernel->end = load + need;
	kernel->entry = load + ENTRY_64;

	hdr->type_of_loader = 0xff;
	hdr->code32_start = (uint32_t)load;
	return 0;

no_room:
	return boot_fail("kernel needs %llu MiB of RAM from %llu MiB; give the guest more memory (-m)",
			 (unsigned long long)((need + (1 << 20) - 1) >> 20),
			 (unsigned long long)(load >> 20));
}
