// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm.c without /dev/lguest: the -m size syntax and limits, the split of
 * guest RAM around the 3 - 4 GiB MMIO hole, guest_ptr()'s bounds checks
 * (which every device relies on, so they must hold for any 64-bit
 * address and length), and the first-wins rule of vm_request_exit().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "launcher.h"
#include "vm.h"
#include "boot/layout.h"

#define MiB	(1ULL << 20)
#define GiB	(1ULL << 30)

static void sizes_take_k_m_g_suffixes_and_default_to_mib(void **state)
{
	uint64_t b;

	assert_int_equal(parse_mem_size("256M", &b), 0);
	assert_int_equal(b, 256 * MiB);
	assert_int_equal(parse_mem_size("256", &b), 0);
	assert_int_equal(b, 256 * MiB);
	assert_int_equal(parse_mem_size("2g", &b), 0);
	assert_int_equal(b, 2 * GiB);
	assert_int_equal(parse_mem_size("65536K", &b), 0);
	assert_int_equal(b, 64 * MiB);
	assert_int_equal(parse_mem_size("512MiB", &b), 0);
	assert_int_equal(b, 512 * MiB);
	assert_int_equal(parse_mem_size("1GB", &b), 0);
	assert_int_equal(b, GiB);
	assert_int_equal(parse_mem_size("4097K", &b), 0);
	assert_int_equal(b, 4 * MiB);	/* rounded down to pages */
}

static void bad_size_syntax_is_refused(void **state)
{
	const char *bad[] = { "", "M", "-1M", "+5M", " 5M", "5 M", "5T", "5MM",
			      "5Mx", "0x10M", "1.5G" };
	unsigned int i;
	uint64_t b;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_mem_size(bad[i], &b), -EINVAL);
	assert_int_equal(parse_mem_size(NULL, &b), -EINVAL);
}

static void sizes_that_overflow_are_refused(void **state)
{
	uint64_t b;

	assert_int_equal(parse_mem_size("99999999999999999999999", &b), -ERANGE);
	assert_int_equal(parse_mem_size("17179869184G", &b), -ERANGE);
	assert_int_equal(parse_mem_size("17179869183G", &b), 0);
}

static void size_limits_are_32M_and_host_ram(void **state)
{
	assert_int_equal(check_mem_size(32 * MiB, 8 * GiB), 0);
	assert_int_equal(check_mem_size(32 * MiB - 4096, 8 * GiB), -EINVAL);
	assert_int_equal(check_mem_size(0, 8 * GiB), -EINVAL);
	assert_int_equal(check_mem_size(8 * GiB, 8 * GiB), 0);
	assert_int_equal(check_mem_size(8 * GiB + 4096, 8 * GiB), -E2BIG);
	assert_true(host_ram_size() >= 32 * MiB);
}

static void guest_ptr_checks_bounds_of_low_ram(void **state)
{
	struct guest_ram ram;
	uint64_t size = 64 * MiB;

	assert_int_equal(vm_map_ram(size), 0);
	vm_get_ram(&ram);
	assert_int_equal(ram.low_size, size);
	assert_int_equal(ram.high_size, 0);
	assert_ptr_equal(guest_ptr(0, size), ram.base);
	assert_ptr_equal(guest_ptr(size - 1, 1), ram.base + size - 1);
	assert_ptr_equal(guest_ptr(size, 0), NULL);
	assert_ptr_equal(guest_ptr(size, 1), NULL);
	assert_ptr_equal(guest_ptr(0, size + 1), NULL);
	assert_ptr_equal(guest_ptr(size - 1, 2), NULL);
	assert_ptr_equal(guest_ptr(1, UINT64_MAX), NULL);
	assert_ptr_equal(guest_ptr(UINT64_MAX, 1), NULL);
	assert_ptr_equal(guest_ptr(UINT64_MAX - 0xfff, 0x2000), NULL);
	assert_ptr_equal(guest_ptr(LAYOUT_4G, 1), NULL);
	assert_ptr_equal(guest_ptr(LAYOUT_IOAPIC, 4), NULL);
	vm_unmap_ram();
}

static void guest_ram_above_3G_moves_to_4G(void **state)
{
	struct guest_ram ram;
	uint64_t high = 64 * MiB;

	/* Address space only, never touched; skip where overcommit forbids. */
	if (vm_map_ram(3 * GiB + high))
		skip();
	vm_get_ram(&ram);
	assert_int_equal(ram.low_size, 3 * GiB);
	assert_int_equal(ram.high_size, high);
	assert_ptr_equal(guest_ptr(3 * GiB - 1, 1), ram.base + 3 * GiB - 1);
	assert_ptr_equal(guest_ptr(3 * GiB - 1, 2), NULL);
	assert_ptr_equal(guest_ptr(3 * GiB, 1), NULL);
	assert_ptr_equal(guest_ptr(LAYOUT_4G - 1, 1), NULL);
	assert_ptr_equal(guest_ptr(LAYOUT_4G - 1, 2), NULL);
	assert_ptr_equal(guest_ptr(LAYOUT_4G, high), ram.base + 3 * GiB);
	assert_ptr_equal(guest_ptr(LAYOUT_4G + high - 1, 1),
			 ram.base + 3 * GiB + high - 1);
	assert_ptr_equal(guest_ptr(LAYOUT_4G + high, 1), NULL);
	assert_ptr_equal(guest_ptr(LAYOUT_4G, high + 1), NULL);
	assert_ptr_equal(guest_ptr(LAYOUT_4G + 1, UINT64_MAX), NULL);
	assert_ptr_equal(guest_ptr(UINT64_MAX - 10, 5), NULL);
	vm_unmap_ram();
}

static void first_exit_request_wins(void **state)
{
	int status = -1;

	assert_int_equal(vm_exit_requested(&status), 0);
	vm_request_exit(7);
	vm_request_exit(0);
	assert_int_equal(vm_exit_requested(&status), 1);
	assert_int_equal(status, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_take_k_m_g_suffixes_and_default_to_mib),
		cmocka_unit_test(bad_size_syntax_is_refused),
		cmocka_unit_test(sizes_that_overflow_are_refused),
		cmocka_unit_test(size_limits_are_32M_and_host_ram),
		cmocka_unit_test(guest_ptr_checks_bounds_of_low_ram),
		cmocka_unit_test(guest_ram_above_3G_moves_to_4G),
		cmocka_unit_test(first_exit_request_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
