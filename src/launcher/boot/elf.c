// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading an uncompressed vmlinux, as Firecracker does: each PT_LOAD
 * segment goes to its physical address and the guest starts at e_entry,
 * which for vmlinux is phys_startup_64, already in 64-bit mode.  There is
 * no setup header in the file, so we make one up for boot_params.  A
 * vmlinux saves the decompression step and is what `perf` and debuggers
 * want, but it is big; bzImage is the usual choice.
 */
#include <elf.h>
#include <string.h>

#include "boot.h"
#include "layout.h"

/* What a bzImage's header would have said about this kernel. */
static void elf_fake_header(struct setup_header *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->boot_flag = 0xaa55;
	hdr->header = 0x53726448;	/* "HdrS" */
	hdr->version = 0x020c;
	hdr->type_of_loader = 0xff;
	hdr->initrd_addr_max = 0x7fffffff;
	hdr->kernel_alignment = 0x200000;
	hdr->xloadflags = XLF_KERNEL_64;
	hdr->cmdline_size = 2047;	/* COMMAND_LINE_SIZE - 1 on x86 */
}

static int elf_check_header(const Elf64_Ehdr *eh, size_t len)
{
	if (len <= EI_CLASS || eh->e_ident[EI_CLASS] != ELFCLASS64)
		return boot_fail("ELF kernel is not 64-bit; give an x86-64 vmlinux or bzImage");
	if (len < sizeof(*eh))
		return boot_fail("ELF kernel truncated inside its header");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		return boot_fail("ELF kernel is not for x86-64 (machine %u)", eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return boot_fail("ELF file is not an executable (vmlinux is ET_EXEC)");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0)
		return boot_fail("ELF kernel has no usable program headers");
	if (eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return boot_fail("ELF kernel truncated: program headers beyond the end of the file");
	return 0;
}

static int elf_load_segment(const struct guest_ram *ram, const uint8_t *p,
			    size_t len, const Elf64_Phdr *ph)
{
	if (ph->p_filesz > ph->p_memsz)
		return boot_fail("ELF segment at %#llx is larger in the file than in memory",
				 (unsigned long long)ph->p_paddr);
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return boot_fail("ELF kernel truncated: segment at file offset %#llx runs past the end",
				 (unsigned long long)ph->p_offset);
	if (ph->p_paddr < LAYOUT_HIGH_RAM)
		return boot_fail("ELF segment at %#llx lies below 1 MiB",
				 (unsigned long long)ph->p_paddr);
	if (ph->p_paddr > ram->low_size || ph->p_memsz > ram->low_size - ph->p_paddr)
		return boot_fail("ELF segment %#llx-%#llx lies outside guest RAM; give the guest more memory (-m)",
				 (unsigned long long)ph->p_paddr,
				 (unsigned long long)(ph->p_paddr + ph->p_memsz));

	memcpy(ram->base + ph->p_paddr, p + ph->p_offset, ph->p_filesz);
	memset(ram->base + ph->p_paddr + ph->p_filesz, 0,
	       ph->p_memsz - ph->p_filesz);
	return 0;
}

int elf_load(const struct guest_ram *ram, const void *file, size_t len,
	     struct kernel_image *kernel)
{
	const uint8_t *p = file;
	Elf64_Ehdr ehdr = { 0 }, *eh = &ehdr;
	uint64_t lo = UINT64_MAX, hi = 0;
	int entry_ok = 0;
	unsigned int i;

	memset(kernel, 0, sizeof(*kernel));
	/* A copy, as the file buffer need not be aligned for Elf64_Ehdr. */
	memcpy(eh, p, len < sizeof(*eh) ? len : sizeof(*eh));
	if (elf_check_header(eh, len))
		return -1;

	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, p + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (elf_load_segment(ram, p, len, &ph))
			return -1;
		if (ph.p_paddr < lo)
			lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > hi)
			hi = ph.p_paddr + ph.p_memsz;
		if (eh->e_entry >= ph.p_paddr &&
		    eh->e_entry - ph.p_paddr < ph.p_filesz)
			entry_ok = 1;
	}
	if (hi == 0)
		return boot_fail("ELF kernel has no loadable segments");
	if (!entry_ok)
		return boot_fail("ELF entry point %#llx is not inside a loaded segment (is this a vmlinux?)",
				 (unsigned long long)eh->e_entry);

	kernel->load_addr = lo;
	kernel->end = hi;
	kernel->entry = eh->e_entry;
	kernel->is_elf = 1;
	elf_fake_header(&kernel->hdr);
	return 0;
}
