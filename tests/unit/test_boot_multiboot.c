// SPDX-License-Identifier: GPL-2.0-only
/*
 * The multiboot loader against synthesized kernels: a flat image placed
 * by the header's address fields, a 32-bit ELF, headers the loader must
 * not find or must refuse, addresses outside guest RAM or the file; the
 * multiboot information it writes; and the entry code's words.  Bad
 * files are refused without touching memory outside RAM or the file
 * (ASan checks).
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/boot.h"
#include "boot/layout.h"

#define RAM_SIZE	(64ULL << 20)
#define LOAD		0x100000u
#define FILE_SIZE	0x3000u

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct env {
	struct guest_ram ram;
	uint8_t *file;
	struct kernel_image kernel;
};

static struct mb_header *put_header(uint8_t *file, size_t off, uint32_t flags)
{
	struct mb_header *h = (struct mb_header *)(file + off);

	h->magic = 0x1badb002;
	h->flags = flags;
	h->checksum = -(h->magic + h->flags);
	return h;
}

/* A flat image: the header at 0x40, code 0x90s, 0x1000 bytes of bss. */
static void make_aout(uint8_t *file)
{
	struct mb_header *h;

	memset(file, 0x90, FILE_SIZE);
	h = put_header(file, 0x40, 1 << 16 | 1 << 1);
	h->header_addr = LOAD + 0x40;
	h->load_addr = LOAD;
	h->load_end_addr = LOAD + FILE_SIZE;
	h->bss_end_addr = LOAD + FILE_SIZE + 0x1000;
	h->entry_addr = LOAD + 0x100;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->ram.base = malloc(RAM_SIZE);
	memset(e->ram.base, 0xee, RAM_SIZE);
	e->ram.low_size = RAM_SIZE;
	e->file = calloc(1, FILE_SIZE);
	make_aout(e->file);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	free(e->ram.base);
	free(e->file);
	free(e);
	return 0;
}

static void aout_image_lands_at_load_addr_with_bss_zeroed(void **state)
{
	struct env *e = *state;
	uint8_t zero[0x1000] = { 0 };

	assert_int_equal(kernel_load(&e->ram, e->file, FILE_SIZE, &e->kernel), 0);
	assert_true(e->kernel.is_multiboot);
	assert_int_equal(e->kernel.load_addr, LOAD);
	assert_int_equal(e->kernel.end, LOAD + FILE_SIZE + 0x1000);
	assert_int_equal(e->kernel.entry, LOAD + 0x100);
	assert_memory_equal(e->ram.base + LOAD, e->file, FILE_SIZE);
	assert_memory_equal(e->ram.base + LOAD + FILE_SIZE, zero, sizeof(zero));
	assert_int_equal(e->ram.base[LOAD + FILE_SIZE + 0x1000], 0xee);
}

static void elf32_segments_land_at_their_physical_addresses(void **state)
{
	struct env *e = *state;
	Elf32_Ehdr *eh = (Elf32_Ehdr *)e->file;
	Elf32_Phdr *ph = (Elf32_Phdr *)(e->file + sizeof(*eh));

	memset(e->file, 0, FILE_SIZE);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_entry = 0x200010;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	*ph = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000,
			    .p_paddr = 0x200000, .p_filesz = 0x1000,
			    .p_memsz = 0x3000 };
	put_header(e->file, 0x1000, 1 << 1);
	memset(e->file + 0x1010, 0xc3, 0x10);
	assert_int_equal(kernel_load(&e->ram, e->file, 0x2000, &e->kernel), 0);
	assert_true(e->kernel.is_multiboot);
	assert_int_equal(e->kernel.entry, 0x200010);
	assert_int_equal(e->kernel.end, 0x203000);
	assert_memory_equal(e->ram.base + 0x200000, e->file + 0x1000, 0x1000);
	assert_int_equal(e->ram.base[0x202fff], 0);

	eh->e_machine = EM_X86_64;	/* a 64-bit ELF needs the address fields */
	assert_int_equal(kernel_load(&e->ram, e->file, 0x2000, &e->kernel), -1);
	assert_non_null(strstr(boot_error(), "address fields"));
}

static void header_past_8k_or_with_a_bad_checksum_is_not_multiboot(void **state)
{
	struct env *e = *state;

	memset(e->file, 0, FILE_SIZE);
	put_header(e->file, 0x2000, 1 << 16);
	assert_false(multiboot_detect(e->file, FILE_SIZE));
	put_header(e->file, 0x100, 0)->checksum++;
	assert_false(multiboot_detect(e->file, FILE_SIZE));
	put_header(e->file, 0x102, 0);		/* not 4-byte aligned */
	assert_false(multiboot_detect(e->file, FILE_SIZE));
	assert_int_equal(kernel_load(&e->ram, e->file, FILE_SIZE, &e->kernel), -1);
	assert_non_null(strstr(boot_error(), "not a kernel"));
	/* A header cut by the end of the file is no header either. */
	put_header(e->file, 0, 0);
	assert_false(multiboot_detect(e->file, 8));
}

static void required_flags_we_lack_are_refused(void **state)
{
	struct env *e = *state;
	struct mb_header *h = put_header(e->file, 0x40, 1 << 16 | 1 << 5);

	(void)h;
	assert_int_equal(kernel_load(&e->ram, e->file, FILE_SIZE, &e->kernel), -1);
	assert_non_null(strstr(boot_error(), "does not offer"));
	put_header(e->file, 0x40, 1 << 16 | 1 << 2);	/* video: ignored, as QEMU */
	assert_int_equal(kernel_load(&e->ram, e->file, FILE_SIZE, &e->kernel), 0);
}

/* Each bad address field alone is refused, RAM outside the image untouched. */
static void bad_address_fields_are_refused(void **state)
{
	struct env *e = *state;
	struct mb_header *h = (struct mb_header *)(e->file + 0x40);
	static const struct {
		uint32_t header_addr, load_addr, load_end, bss_end, entry;
		const char *says;
	} bad[] = {
		{ LOAD + 0x40, LOAD, LOAD + FILE_SIZE + 1, 0, LOAD, "past the file" },
		{ LOAD + 0x40, LOAD, LOAD - 1, 0, LOAD, "before load_addr" },
		{ LOAD + 0x20, LOAD + 0x30, 0, 0, LOAD + 0x30, "do not fit" },
		{ 0x1040, 0x1000, 0, 0, 0x1000, "above 1 MiB" },
		{ RAM_SIZE - 0x1000 + 0x40, RAM_SIZE - 0x1000, 0, 0,
		  RAM_SIZE - 0x1000, "more memory" },
		{ LOAD + 0x40, LOAD, 0, LOAD + 0x10, LOAD, "bss_end_addr" },
		{ LOAD + 0x40, LOAD, 0, 0, LOAD + FILE_SIZE, "entry" },
		{ 0xffffff40, 0xffffff00, 0, 0, 0xffffff00, "not in guest RAM" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_aout(e->file);
		h->header_addr = bad[i].header_addr;
		h->load_addr = bad[i].load_addr;
		h->load_end_addr = bad[i].load_end;
		h->bss_end_addr = bad[i].bss_end;
		h->entry_addr = bad[i].entry;
		assert_int_equal(kernel_load(&e->ram, e->file, FILE_SIZE, &e->kernel), -1);
		if (!strstr(boot_error(), bad[i].says))
			fail_msg("case %u: '%s' lacks '%s'", i, boot_error(), bad[i].says);
	}
}

static void information_has_memory_map_cmdline_module_and_loader(void **state)
{
	struct env *e = *state;
	const uint32_t *mbi = (const uint32_t *)(e->ram.base + LAYOUT_MBI);
	const uint32_t *mod, *mmap;

	e->ram.high_size = 1ULL << 30;
	assert_int_equal(multiboot_info_setup(&e->ram, "k exit=3", 0x300000, 1234,
					      "/tmp/mod"), 0);
	assert_int_equal(mbi[0], 1 << 0 | 1 << 2 | 1 << 3 | 1 << 6 | 1 << 9);
	assert_int_equal(mbi[1], LAYOUT_BASE_RAM_END >> 10);
	assert_int_equal(mbi[2], (RAM_SIZE - (1 << 20)) >> 10);
	assert_string_equal((char *)e->ram.base + mbi[4], "k exit=3");
	assert_int_equal(mbi[5], 1);
	mod = (const uint32_t *)(e->ram.base + mbi[6]);
	assert_int_equal(mod[0], 0x300000);
	assert_int_equal(mod[1], 0x300000 + 1234);
	assert_string_equal((char *)e->ram.base + mod[2], "/tmp/mod");
	assert_int_equal(mbi[11], 4 * 24);	/* four e820 entries */
	mmap = (const uint32_t *)(e->ram.base + mbi[12]);
	assert_int_equal(mmap[0], 20);
	assert_int_equal(mmap[1], 0);
	assert_int_equal(mmap[3], LAYOUT_BASE_RAM_END);
	assert_int_equal(mmap[5], 1);
	assert_int_equal(mmap[6 * 3 + 1], 0);	/* RAM at 4 GiB */
	assert_int_equal(mmap[6 * 3 + 2], 1);
	assert_int_equal(mmap[6 * 3 + 3], 1 << 30);
	assert_string_equal((char *)e->ram.base + mbi[16], "lguest-launch");

	assert_int_equal(multiboot_info_setup(&e->ram, "k", 0, 0, ""), 0);
	assert_false(mbi[0] & (1 << 3));	/* no initrd, no module */
}

static void entry_code_gets_the_information_and_the_entry(void **state)
{
	struct env *e = *state;
	extern const uint8_t multiboot_entry_start[], multiboot_entry_end[];
	size_t size = multiboot_entry_end - multiboot_entry_start;
	struct lg_vcpu_init init;
	uint32_t words[2];

	assert_true(size <= LAYOUT_MB_ENTRY_MAX);
	multiboot_entry_setup(&e->ram, 0x100123, &init);
	assert_int_equal(init.rip, LAYOUT_MB_ENTRY);
	memcpy(words, e->ram.base + LAYOUT_MB_ENTRY + size - 8, 8);
	assert_int_equal(words[0], LAYOUT_MBI);
	assert_int_equal(words[1], 0x100123);
	/* The GDT has the 32-bit code segment the entry code switches to. */
	assert_int_equal(((uint64_t *)(e->ram.base + LAYOUT_GDT))[4],
			 0x00cf9b000000ffffULL);
	assert_true(init.gdt_limit >= 5 * 8 - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(aout_image_lands_at_load_addr_with_bss_zeroed),
		T(elf32_segments_land_at_their_physical_addresses),
		T(header_past_8k_or_with_a_bad_checksum_is_not_multiboot),
		T(required_flags_we_lack_are_refused),
		T(bad_address_fields_are_refused),
		T(information_has_memory_map_cmdline_module_and_loader),
		T(entry_code_gets_the_information_and_the_entry),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
