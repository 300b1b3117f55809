// SPDX-License-Identifier: GPL-2.0-only
/*
 * boot_params as the guest kernel will read it: the e820 map for guests
 * below and above the 3 GiB MMIO hole, the command line and initrd
 * fields, and the identity page tables and GDT of the 64-bit entry.
 */
#include <asm/e820.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/boot.h"
#include "boot/layout.h"

#define GiB	(1ULL << 30)
#define MiB	(1ULL << 20)

static void assert_e820(const struct boot_e820_entry *e, uint64_t addr,
			uint64_t size, uint32_t type)
{
	assert_int_equal(e->addr, addr);
	assert_int_equal(e->size, size);
	assert_int_equal(e->type, type);
}

static void assert_no_ram_in_mmio_hole(const struct boot_e820_entry *t,
				       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		assert_true(t[i].addr + t[i].size <= LAYOUT_LOW_RAM_MAX ||
			    t[i].addr >= LAYOUT_4G);
}

static void e820_for_256M_is_base_ram_hole_and_ram_from_1M(void **state)
{
	struct guest_ram ram = { .low_size = 256 * MiB };
	struct boot_e820_entry t[8];
	unsigned int n = e820_build(&ram, t, 8);

	assert_int_equal(n, 3);
	assert_e820(&t[0], 0, 0x9f000, E820_RAM);
	assert_e820(&t[1], 0x9f000, 0x100000 - 0x9f000, E820_RESERVED);
	assert_e820(&t[2], 0x100000, 256 * MiB - 0x100000, E820_RAM);
}

static void e820_for_exactly_3G_has_no_high_ram(void **state)
{
	struct guest_ram ram = { .low_size = 3 * GiB };
	struct boot_e820_entry t[8];
	unsigned int n = e820_build(&ram, t, 8);

	assert_int_equal(n, 3);
	assert_e820(&t[2], 0x100000, 3 * GiB - 0x100000, E820_RAM);
	assert_no_ram_in_mmio_hole(t, n);
}

static void e820_above_3G_continues_at_4G(void **state)
{
	struct guest_ram ram = { .low_size = 3 * GiB, .high_size = 5 * GiB };
	struct boot_e820_entry t[8];
	unsigned int n = e820_build(&ram, t, 8);

	assert_int_equal(n, 4);
	assert_e820(&t[2], 0x100000, 3 * GiB - 0x100000, E820_RAM);
	assert_e820(&t[3], 4 * GiB, 5 * GiB, E820_RAM);
	assert_no_ram_in_mmio_hole(t, n);
}

static void e820_never_writes_past_its_table(void **state)
{
	struct guest_ram ram = { .low_size = 3 * GiB, .high_size = GiB };
	struct boot_e820_entry *t = malloc(2 * sizeof(*t));

	assert_int_equal(e820_build(&ram, t, 2), 2);
	free(t);
}

struct env {
	struct guest_ram ram;
	struct kernel_image kernel;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->ram.low_size = 64 * MiB;
	e->ram.base = calloc(1, e->ram.low_size);
	e->kernel.hdr.header = 0x53726448;
	e->kernel.hdr.version = 0x020f;
	e->kernel.hdr.cmdline_size = 2047;
	e->kernel.hdr.xloadflags = XLF_KERNEL_64;
	e->kernel.hdr.setup_sects = 27;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	free(e->ram.base);
	free(e);
	return 0;
}

static struct boot_params *zero_page(struct env *e)
{
	return (struct boot_params *)(e->ram.base + LAYOUT_ZERO_PAGE);
}

static void zero_page_points_at_command_line_and_initrd(void **state)
{
	struct env *e = *state;
	struct boot_params *bp = zero_page(e);
	const char *cmdline = "console=ttyS0 quiet";

	memset(bp, 0x55, sizeof(*bp));	/* must come out zeroed */
	assert_int_equal(zero_page_setup(&e->ram, &e->kernel, cmdline,
					 0x3f00000, 0x80000), 0);
	assert_int_equal(bp->hdr.cmd_line_ptr, LAYOUT_CMDLINE);
	assert_int_equal(bp->ext_cmd_line_ptr, 0);
	assert_string_equal((char *)e->ram.base + LAYOUT_CMDLINE, cmdline);
	assert_int_equal(bp->hdr.ramdisk_image, 0x3f00000);
	assert_int_equal(bp->hdr.ramdisk_size, 0x80000);
	assert_int_equal(bp->ext_ramdisk_image, 0);
	assert_int_equal(bp->hdr.type_of_loader, 0xff);
	assert_int_equal(bp->hdr.loadflags & (LOADED_HIGH | CAN_USE_HEAP),
			 LOADED_HIGH | CAN_USE_HEAP);
	assert_int_equal(bp->hdr.heap_end_ptr, 0xfe00);
	assert_int_equal(bp->hdr.header, 0x53726448);
	assert_int_equal(bp->hdr.setup_sects, 27);
	assert_int_equal(bp->sentinel, 0);
	assert_int_equal(bp->acpi_rsdp_addr, 0);
	assert_int_equal(bp->e820_entries, 3);
	assert_e820(&bp->e820_table[2], 0x100000, 63 * MiB, E820_RAM);
}

static void command_line_longer_than_cmdline_size_is_refused(void **state)
{
	struct env *e = *state;
	char line[300];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	e->kernel.hdr.cmdline_size = 255;
	assert_int_equal(zero_page_setup(&e->ram, &e->kernel, line, 0, 0), -1);
	assert_non_null(strstr(boot_error(), "at most 255"));
	e->kernel.hdr.cmdline_size = 299;
	assert_int_equal(zero_page_setup(&e->ram, &e->kernel, line, 0, 0), 0);
}

static void identity_map_covers_4G_with_2M_pages(void **state)
{
	struct env *e = *state;
	struct lg_vcpu_init init;
	uint64_t *pml4 = (uint64_t *)(e->ram.base + LAYOUT_PML4);
	uint64_t *pdpt = (uint64_t *)(e->ram.base + LAYOUT_PDPT);
	uint64_t *pd = (uint64_t *)(e->ram.base + LAYOUT_PD);
	unsigned int i;

	long_mode_setup(&e->ram, 0x1000200, &init);
	assert_int_equal(init.cr3, LAYOUT_PML4);
	assert_int_equal(pml4[0] & ~0xfffULL, LAYOUT_PDPT);
	assert_int_equal(pml4[0] & 3, 3);
	assert_int_equal(pml4[1], 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(pdpt[i], (LAYOUT_PD + i * 4096) | 3);
	assert_int_equal(pdpt[4], 0);
	for (i = 0; i < 2048; i++)
		assert_int_equal(pd[i], ((uint64_t)i << 21) | 0x83);
	/* The tables must not overlap what else sits in low memory. */
	assert_true(LAYOUT_PD + 4 * 4096 <= LAYOUT_STACK_TOP - 0x1000);
	assert_true(LAYOUT_ZERO_PAGE + 4096 <= LAYOUT_PML4);
}

static void boot_cpu_state_follows_the_64bit_boot_protocol(void **state)
{
	struct env *e = *state;
	struct lg_vcpu_init init;
	uint64_t *gdt = (uint64_t *)(e->ram.base + LAYOUT_GDT);

	long_mode_setup(&e->ram, 0x1000200, &init);
	assert_int_equal(init.rip, 0x1000200);
	assert_int_equal(init.rsi, LAYOUT_ZERO_PAGE);
	assert_true(init.cr0 & (1ULL << 0));	/* PE */
	assert_true(init.cr0 & (1ULL << 31));	/* PG */
	assert_true(init.cr4 & (1ULL << 5));	/* PAE */
	assert_int_equal(init.efer & 0x500, 0x500);	/* LME, LMA */
	assert_int_equal(init.gdt_base, LAYOUT_GDT);
	assert_int_equal(init.gdt_limit, 39);
	assert_int_equal(init.apic_id, 0);
	assert_true(init.rsp > LAYOUT_PD + 4 * 4096 && init.rsp <= LAYOUT_CMDLINE);
	/* __BOOT_CS: present, code, L; __BOOT_DS: present, writable data. */
	assert_int_equal((gdt[0x10 / 8] >> 40) & 0xff, 0x9b);
	assert_true(gdt[0x10 / 8] & (1ULL << 53));
	assert_int_equal((gdt[0x18 / 8] >> 40) & 0xff, 0x93);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(e820_for_256M_is_base_ram_hole_and_ram_from_1M),
		cmocka_unit_test(e820_for_exactly_3G_has_no_high_ram),
		cmocka_unit_test(e820_above_3G_continues_at_4G),
		cmocka_unit_test(e820_never_writes_past_its_table),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(zero_page_points_at_command_line_and_initrd),
		T(command_line_longer_than_cmdline_size_is_refused),
		T(identity_map_covers_4G_with_2M_pages),
		T(boot_cpu_state_follows_the_64bit_boot_protocol),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
