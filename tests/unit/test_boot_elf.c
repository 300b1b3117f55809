// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmlinux loader against tiny synthesized ELF files: segments land at
 * their physical addresses with their BSS zeroed, and every bad header,
 * segment or offset is refused without touching memory outside guest RAM
 * or the file (ASan checks).
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
#define TEXT_PADDR	0x1000000ULL
#define DATA_PADDR	0x1200000ULL
#define TEXT_SIZE	0x3000
#define DATA_FILESZ	0x800
#define DATA_MEMSZ	0x2000

/* Ehdr, two PT_LOAD phdrs (text, data+bss) and a PT_NOTE, then contents. */
struct tiny_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	uint8_t text[TEXT_SIZE];
	uint8_t data[DATA_FILESZ];
};

struct env {
	struct guest_ram ram;
	struct tiny_elf *elf;
	struct kernel_image kernel;
};

static void make_elf(struct tiny_elf *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
	f->eh.e_ident[EI_CLASS] = ELFCLASS64;
	f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f->eh.e_ident[EI_VERSION] = EV_CURRENT;
	f->eh.e_type = ET_EXEC;
	f->eh.e_machine = EM_X86_64;
	f->eh.e_version = EV_CURRENT;
	f->eh.e_entry = TEXT_PADDR + 0x40;
	f->eh.e_phoff = offsetof(struct tiny_elf, ph);
	f->eh.e_ehsize = sizeof(Elf64_Ehdr);
	f->eh.e_phentsize = sizeof(Elf64_Phdr);
	f->eh.e_phnum = 3;

	f->ph[0] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = offsetof(struct tiny_elf, text),
		.p_vaddr = 0xffffffff81000000ULL, .p_paddr = TEXT_PADDR,
		.p_filesz = TEXT_SIZE, .p_memsz = TEXT_SIZE,
	};
	f->ph[1] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = offsetof(struct tiny_elf, data),
		.p_vaddr = 0xffffffff81200000ULL, .p_paddr = DATA_PADDR,
		.p_filesz = DATA_FILESZ, .p_memsz = DATA_MEMSZ,
	};
	f->ph[2] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_paddr = 0x10 };
	memset(f->text, 0x90, sizeof(f->text));
	memset(f->data, 0xda, sizeof(f->data));
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->ram.base = malloc(RAM_SIZE);
	memset(e->ram.base, 0xee, RAM_SIZE);	/* so BSS zeroing shows */
	e->ram.low_size = RAM_SIZE;
	e->elf = malloc(sizeof(*e->elf));
	make_elf(e->elf);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	free(e->ram.base);
	free(e->elf);
	free(e);
	return 0;
}

static int load(struct env *e)
{
	return kernel_load(&e->ram, e->elf, sizeof(*e->elf), &e->kernel);
}

static void valid_vmlinux_segments_land_at_their_physical_addresses(void **state)
{
	struct env *e = *state;
	uint8_t zeros[DATA_MEMSZ - DATA_FILESZ] = { 0 };

	assert_int_equal(load(e), 0);
	assert_true(e->kernel.is_elf);
	assert_int_equal(e->kernel.entry, TEXT_PADDR + 0x40);
	assert_int_equal(e->kernel.load_addr, TEXT_PADDR);
	assert_int_equal(e->kernel.end, DATA_PADDR + DATA_MEMSZ);
	assert_memory_equal(e->ram.base + TEXT_PADDR, e->elf->text, TEXT_SIZE);
	assert_memory_equal(e->ram.base + DATA_PADDR, e->elf->data, DATA_FILESZ);
	assert_memory_equal(e->ram.base + DATA_PADDR + DATA_FILESZ, zeros,
			    sizeof(zeros));
	assert_int_equal(e->ram.base[DATA_PADDR + DATA_MEMSZ], 0xee);
	assert_int_equal(e->ram.base[0x10], 0xee);	/* PT_NOTE not loaded */
}

static void vmlinux_gets_a_made_up_setup_header(void **state)
{
	struct env *e = *state;

	assert_int_equal(load(e), 0);
	assert_int_equal(e->kernel.hdr.header, 0x53726448);
	assert_int_equal(e->kernel.hdr.boot_flag, 0xaa55);
	assert_true(e->kernel.hdr.version >= 0x020c);
	assert_int_equal(e->kernel.hdr.type_of_loader, 0xff);
	assert_true(e->kernel.hdr.cmdline_size >= 255);
	assert_int_equal(e->kernel.hdr.initrd_addr_max, 0x7fffffff);
}

static void segment_outside_ram_is_refused(void **state)
{
	struct env *e = *state;

	e->elf->ph[1].p_paddr = RAM_SIZE - 0x1000;	/* memsz 0x2000 */
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "outside guest RAM"));
	e->elf->ph[1].p_paddr = UINT64_MAX - 0x100;
	assert_int_equal(load(e), -1);
	e->elf->ph[1].p_paddr = DATA_PADDR;
	e->elf->ph[1].p_memsz = UINT64_MAX;
	assert_int_equal(load(e), -1);
}

static void segment_below_1M_is_refused(void **state)
{
	struct env *e = *state;

	e->elf->ph[0].p_paddr = 0x2000;
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "below 1 MiB"));
}

static void segment_data_beyond_end_of_file_is_refused(void **state)
{
	struct env *e = *state;

	e->elf->ph[1].p_filesz = DATA_FILESZ + 1;
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "truncated"));
	e->elf->ph[1].p_filesz = DATA_FILESZ;
	e->elf->ph[1].p_offset = UINT64_MAX - 0x10;
	assert_int_equal(load(e), -1);
}

static void filesz_larger_than_memsz_is_refused(void **state)
{
	struct env *e = *state;

	e->elf->ph[1].p_memsz = DATA_FILESZ - 1;
	assert_int_equal(load(e), -1);
}

static void program_headers_beyond_the_file_are_refused(void **state)
{
	struct env *e = *state;

	e->elf->eh.e_phoff = sizeof(*e->elf) - sizeof(Elf64_Phdr);
	assert_int_equal(load(e), -1);
	e->elf->eh.e_phoff = UINT64_MAX - 8;
	assert_int_equal(load(e), -1);
	e->elf->eh.e_phoff = offsetof(struct tiny_elf, ph);
	e->elf->eh.e_phnum = 0xffff;
	assert_int_equal(load(e), -1);
	e->elf->eh.e_phnum = 3;
	e->elf->eh.e_phentsize = 32;
	assert_int_equal(load(e), -1);
}

static void wrong_machine_is_refused(void **state)
{
	struct env *e = *state;

	e->elf->eh.e_machine = EM_AARCH64;
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "x86-64"));
}

static void elf32_is_refused(void **state)
{
	struct env *e = *state;
	Elf32_Ehdr eh32 = { 0 };

	memcpy(eh32.e_ident, ELFMAG, SELFMAG);
	eh32.e_ident[EI_CLASS] = ELFCLASS32;
	eh32.e_ident[EI_DATA] = ELFDATA2LSB;
	eh32.e_type = ET_EXEC;
	eh32.e_machine = EM_386;
	assert_int_equal(kernel_load(&e->ram, &eh32, sizeof(eh32), &e->kernel), -1);
	assert_non_null(strstr(boot_error(), "not 64-bit"));
}

static void entry_outside_the_segments_is_refused(void **state)
{
	struct env *e = *state;

	e->elf->eh.e_entry = 0xffffffff81000040ULL;	/* virtual, not physical */
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "entry point"));
}

static void elf_without_load_segments_is_refused(void **state)
{
	struct env *e = *state;

	e->elf->ph[0].p_type = PT_NOTE;
	e->elf->ph[1].p_type = PT_NOTE;
	assert_int_equal(load(e), -1);
}

static void truncated_elf_header_is_refused(void **state)
{
	struct env *e = *state;
	size_t cuts[] = { 4, 5, 16, sizeof(Elf64_Ehdr) - 1, sizeof(Elf64_Ehdr),
			  offsetof(struct tiny_elf, text) + 1 };
	unsigned int i;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		uint8_t *cut = malloc(cuts[i]);

		memcpy(cut, e->elf, cuts[i]);
		assert_int_equal(kernel_load(&e->ram, cut, cuts[i], &e->kernel), -1);
		free(cut);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(valid_vmlinux_segments_land_at_their_physical_addresses),
		T(vmlinux_gets_a_made_up_setup_header),
		T(segment_outside_ram_is_refused),
		T(segment_below_1M_is_refused),
		T(segment_data_beyond_end_of_file_is_refused),
		T(filesz_larger_than_memsz_is_refused),
		T(program_headers_beyond_the_file_are_refused),
		T(wrong_machine_is_refused),
		T(elf32_is_refused),
		T(entry_outside_the_segments_is_refused),
		T(elf_without_load_segments_is_refused),
		T(truncated_elf_header_is_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
