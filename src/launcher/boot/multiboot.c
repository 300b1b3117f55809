// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multiboot (version 1) kernels, booted the way QEMU's -kernel boots
 * them, so that test kernels written for other hypervisors run unchanged:
 * the image is loaded by its header's address fields (the "a.out kludge",
 * flag 16) or else as a 32-bit ELF by its program headers; the initrd
 * (-i) is its one module; the multiboot information holds the memory
 * sizes, the e820 map as its memory map, the command line and the loader's
 * name.  The kernel starts in 32-bit protected mode with paging off, EAX
 * 0x2BADB002 and EBX the information's address.  As lg starts every boot
 * CPU in long mode, the guest first runs a few instructions of ours
 * (multiboot_entry.S) that leave long mode and jump there, as QEMU's
 * guest first runs its multiboot option ROM.
 *
 * Like the other loaders, this trusts nothing in the file: every address
 * and length is checked against the file and against low guest RAM above
 * 1 MiB, where nothing of ours lives.
 */
#include <elf.h>
#include <string.h>

#include "boot.h"
#include "layout.h"

#define MB_HEADER_MAGIC		0x1badb002u
#define MB_SEARCH		8192	/* the header is in the first 8 KiB */

/* Header flags: 0-15 are requirements, 16-31 optional. */
#define MB_PAGE_ALIGN		(1u << 0)	/* modules page-aligned */
#define MB_MEMORY_INFO		(1u << 1)	/* mem_* and mmap_* */
#define MB_VIDEO_MODE		(1u << 2)	/* not offered, as QEMU */
#define MB_AOUT_KLUDGE		(1u << 16)	/* load by the address fields */
#define MB_KNOWN_FLAGS		(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_VIDEO_MODE)

/* Information flags. */
#define MBI_MEMORY		(1u << 0)
#define MBI_CMDLINE		(1u << 2)
#define MBI_MODS		(1u << 3)
#define MBI_MEM_MAP		(1u << 6)
#define MBI_LOADER_NAME		(1u << 9)

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;		/* KiB below 1 MiB, above it */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
};

struct mb_mmap_entry {
	uint32_t size;				/* of the rest: 20 */
	uint64_t addr, len;
	uint32_t type;				/* e820's types */
} __attribute__((packed));

/* In LAYOUT_MBI's page: the information, then what it points to. */
#define MBI_MMAP		(LAYOUT_MBI + 0x100)
#define MBI_MMAP_MAX		16
#define MBI_MODULE		(LAYOUT_MBI + 0x400)
#define MBI_LOADER		(LAYOUT_MBI + 0x480)
#define MBI_MOD_STRING		(LAYOUT_MBI + 0x500)
#define MBI_MOD_STRING_MAX	(LAYOUT_MBI_SIZE - 0x500)

static const char loader_name[] = "lguest-launch";

/* The header: 4-byte aligned in the first 8 KiB, its checksum right. */
static int mb_find(const uint8_t *p, size_t len, struct mb_header *hdr,
		   size_t *off)
{
	size_t o, end = len < MB_SEARCH ? len : MB_SEARCH;

	for (o = 0; o + 12 <= end; o += 4) {
		memset(hdr, 0, sizeof(*hdr));
		memcpy(hdr, p + o, len - o < sizeof(*hdr) ? len - o : sizeof(*hdr));
		if (hdr->magic == MB_HEADER_MAGIC &&
		    (uint32_t)(hdr->magic + hdr->flags + hdr->checksum) == 0) {
			*off = o;
			return 1;
		}
	}
	return 0;
}

int multiboot_detect(const void *file, size_t len)
{
	struct mb_header hdr;
	size_t off;

	return mb_find(file, len, &hdr, &off);
}

/* [addr, addr + size) inside low RAM above 1 MiB. */
static int mb_check_range(const struct guest_ram *ram, uint64_t addr,
			  uint64_t size, const char *what)
{
	if (addr < LAYOUT_HIGH_RAM || addr > ram->low_size ||
	    size > ram->low_size - addr)
		return boot_fail("multiboot kernel's %s %#llx-%#llx is not in guest RAM above 1 MiB%s",
				 what, (unsigned long long)addr,
				 (unsigned long long)(addr + size),
				 addr >= LAYOUT_HIGH_RAM ? "; give the guest more memory (-m)" : "");
	return 0;
}

/* Flag 16: the file from the header's load_addr on, then bss. */
static int mb_load_aout(const struct guest_ram *ram, const uint8_t *p,
			size_t len, const struct mb_header *h, size_t off,
			struct kernel_image *kernel)
{
	uint64_t skip, file_off, load_size, mem_end;

	if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > off)
		return boot_fail("multiboot header's addresses do not fit the file (header_addr %#x, load_addr %#x)",
				 h->header_addr, h->load_addr);
	skip = h->header_addr - h->load_addr;
	file_off = off - skip;
	if (h->load_end_addr) {
		if (h->load_end_addr < h->load_addr ||
		    h->load_end_addr - h->load_addr > len - file_off)
			return boot_fail("multiboot load_end_addr %#x is before load_addr or past the file's end",
					 h->load_end_addr);
		load_size = h->load_end_addr - h->load_addr;
	} else {
		load_size = len - file_off;
	}
	mem_end = h->load_addr + load_size;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < mem_end)
			return boot_fail("multiboot bss_end_addr %#x is before the end of the image",
					 h->bss_end_addr);
		mem_end = h->bss_end_addr;
	}
	if (mb_check_range(ram, h->load_addr, mem_end - h->load_addr, "image"))
		return -1;
	if (h->entry_addr < h->load_addr || h->entry_addr >= mem_end)
		return boot_fail("multiboot entry %#x is outside the image", h->entry_addr);
	memcpy(ram->base + h->load_addr, p + file_off, load_size);
	memset(ram->base + h->load_addr + load_size, 0,
	       mem_end - h->load_addr - load_size);
	kernel->load_addr = h->load_addr;
	kernel->end = mem_end;
	kernel->entry = h->entry_addr;
	return 0;
}

/* Otherwise a 32-bit ELF: its PT_LOAD segments at their physical addresses. */
static int mb_load_elf32(const struct guest_ram *ram, const uint8_t *p,
			 size_t len, struct kernel_image *kernel)
{
	Elf32_Ehdr eh;
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned int i;

	if (len < sizeof(eh) || memcmp(p, ELFMAG, SELFMAG))
		return boot_fail("multiboot kernel without address fields (flag 16) must be an ELF file");
	memcpy(&eh, p, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_386)
		return boot_fail("multiboot ELF kernel is not 32-bit x86; a 64-bit one needs the header's address fields");
	if (eh.e_phentsize != sizeof(Elf32_Phdr) || eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > len - eh.e_phoff)
		return boot_fail("multiboot ELF kernel's program headers run past the end of the file");
	for (i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;

		memcpy(&ph, p + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset)
			return boot_fail("multiboot ELF segment at file offset %#x runs past the end of the file",
					 ph.p_offset);
		if (mb_check_range(ram, ph.p_paddr, ph.p_memsz, "segment"))
			return -1;
		memcpy(ram->base + ph.p_paddr, p + ph.p_offset, ph.p_filesz);
		memset(ram->base + ph.p_paddr + ph.p_filesz, 0,
		       ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr < lo)
			lo = ph.p_paddr;
		if ((uint64_t)ph.p_paddr + ph.p_memsz > hi)
			hi = (uint64_t)ph.p_paddr + ph.p_memsz;
	}
	if (!hi)
		return boot_fail("multiboot ELF kernel has no loadable segments");
	if (eh.e_entry < lo || eh.e_entry >= hi)
		return boot_fail("multiboot ELF entry %#x is outside its segments", eh.e_entry);
	kernel->load_addr = lo;
	kernel->end = hi;
	kernel->entry = eh.e_entry;
	return 0;
}

int multiboot_load(const struct guest_ram *ram, const void *file, size_t len,
		   struct kernel_image *kernel)
{
	struct mb_header h;
	size_t off;

	memset(kernel, 0, sizeof(*kernel));
	if (!mb_find(file, len, &h, &off))
		return boot_fail("no multiboot header in the first 8 KiB");
	if ((h.flags & 0xffff) & ~MB_KNOWN_FLAGS)
		return boot_fail("multiboot kernel requires what lguest-launch does not offer (header flags %#x)",
				 h.flags);
	kernel->is_multiboot = 1;
	if (h.flags & MB_AOUT_KLUDGE) {
		if (off + sizeof(h) > len)
			return boot_fail("multiboot header truncated: its address fields run past the end of the file");
		return mb_load_aout(ram, file, len, &h, off, kernel);
	}
	return mb_load_elf32(ram, file, len, kernel);
}

int multiboot_info_setup(const struct guest_ram *ram, const char *cmdline,
			 uint64_t mod_addr, uint64_t mod_size,
			 const char *mod_name)
{
	struct mb_info *mbi = (struct mb_info *)(ram->base + LAYOUT_MBI);
	struct mb_mmap_entry *mmap = (struct mb_mmap_entry *)(ram->base + MBI_MMAP);
	struct boot_e820_entry e820[MBI_MMAP_MAX];
	size_t len = strlen(cmdline);
	unsigned int i, n;

	if (len >= LAYOUT_CMDLINE_MAX)
		return boot_fail("kernel command line is %zu bytes; at most %u",
				 len, (unsigned int)LAYOUT_CMDLINE_MAX - 1);
	memcpy(ram->base + LAYOUT_CMDLINE, cmdline, len + 1);
	memset(mbi, 0, LAYOUT_MBI_SIZE);

	mbi->flags = MBI_MEMORY | MBI_CMDLINE | MBI_MEM_MAP | MBI_LOADER_NAME;
	mbi->mem_lower = LAYOUT_BASE_RAM_END >> 10;
	mbi->mem_upper = (ram->low_size - LAYOUT_HIGH_RAM) >> 10;
	mbi->cmdline = (uint32_t)LAYOUT_CMDLINE;
	n = e820_build(ram, e820, MBI_MMAP_MAX);
	for (i = 0; i < n; i++) {
		mmap[i].size = sizeof(mmap[i]) - sizeof(mmap[i].size);
		mmap[i].addr = e820[i].addr;
		mmap[i].len = e820[i].size;
		mmap[i].type = e820[i].type;
	}
	mbi->mmap_addr = (uint32_t)MBI_MMAP;
	mbi->mmap_length = n * sizeof(*mmap);
	memcpy(ram->base + MBI_LOADER, loader_name, sizeof(loader_name));
	mbi->boot_loader_name = (uint32_t)MBI_LOADER;

	if (mod_size) {
		struct mb_module *mod = (struct mb_module *)(ram->base + MBI_MODULE);
		size_t name_len = strlen(mod_name);

		if (name_len >= MBI_MOD_STRING_MAX)
			name_len = MBI_MOD_STRING_MAX - 1;
		memcpy(ram->base + MBI_MOD_STRING, mod_name, name_len);
		mod->mod_start = (uint32_t)mod_addr;
		mod->mod_end = (uint32_t)(mod_addr + mod_size);
		mod->string = (uint32_t)MBI_MOD_STRING;
		mbi->flags |= MBI_MODS;
		mbi->mods_count = 1;
		mbi->mods_addr = (uint32_t)MBI_MODULE;
	}
	return 0;
}

/* multiboot_entry.S, copied into the guest; its last 8 bytes are data. */
extern const uint8_t multiboot_entry_start[], multiboot_entry_end[];

void multiboot_entry_setup(const struct guest_ram *ram, uint64_t entry,
			   struct lg_vcpu_init *init)
{
	size_t size = multiboot_entry_end - multiboot_entry_start;
	uint32_t data[2] = { (uint32_t)LAYOUT_MBI, (uint32_t)entry };

	memcpy(ram->base + LAYOUT_MB_ENTRY, multiboot_entry_start, size);
	memcpy(ram->base + LAYOUT_MB_ENTRY + size - sizeof(data), data, sizeof(data));
	long_mode_setup(ram, LAYOUT_MB_ENTRY, init);
}
