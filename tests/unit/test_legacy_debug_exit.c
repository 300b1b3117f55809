// SPDX-License-Identifier: GPL-2.0-only
/*
 * The debug-exit port: whatever width the guest writes, the launcher is
 * asked to exit with the low byte.  QEMU's isa-debug-exit at 0xf4-0xf7:
 * with (V << 1) | 1, of what the exit status can hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test_legacy_vm.h"
#include "legacy/legacy.h"

static int setup(void **state)
{
	bus_reset();
	test_vm_reset();
	return debug_exit_init();
}

static void test_byte(void **state)
{
	test_out(DEBUG_EXIT_PORT, 1, 0);
	assert_int_equal(test_exit_count(), 1);
	assert_int_equal(test_exit_status(), 0);
	test_out(DEBUG_EXIT_PORT, 1, 42);
	assert_int_equal(test_exit_status(), 42);
}

static void test_wide_writes(void **state)
{
	test_out(DEBUG_EXIT_PORT, 2, 0x1234);
	assert_int_equal(test_exit_status(), 0x34);
	test_out(DEBUG_EXIT_PORT, 4, 0xffffff07);
	assert_int_equal(test_exit_status(), 7);
	test_out(DEBUG_EXIT_PORT, 4, 0x1ff);
	assert_int_equal(test_exit_status(), 255);
	assert_int_equal(test_exit_count(), 3);
}

static void test_read_and_neighbours(void **state)
{
	assert_int_equal(test_in(DEBUG_EXIT_PORT, 1), 0xff);
	test_out(DEBUG_EXIT_PORT - 1, 1, 1);
	test_out(DEBUG_EXIT_PORT + 1, 1, 1);
	assert_int_equal(test_exit_count(), 0);
}

static void test_isa_debug_exit(void **state)
{
	test_out(ISA_DEBUG_EXIT_PORT, 4, 0);
	assert_int_equal(test_exit_status(), 1);
	test_out(ISA_DEBUG_EXIT_PORT, 1, 21);
	assert_int_equal(test_exit_status(), 43);
	test_out(ISA_DEBUG_EXIT_PORT, 4, 0x80000081);
	assert_int_equal(test_exit_status(), 3);
	test_out(ISA_DEBUG_EXIT_PORT + 3, 1, 2);
	assert_int_equal(test_exit_status(), 5);
	assert_int_equal(test_exit_count(), 4);
	assert_int_equal(test_in(ISA_DEBUG_EXIT_PORT, 4), 0xffffffff);
	test_out(ISA_DEBUG_EXIT_PORT + 4, 1, 1);
	test_out(ISA_DEBUG_EXIT_PORT - 1, 1, 1);
	assert_int_equal(test_exit_count(), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_byte, setup),
		cmocka_unit_test_setup(test_wide_writes, setup),
		cmocka_unit_test_setup(test_read_and_neighbours, setup),
		cmocka_unit_test_setup(test_isa_debug_exit, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
