// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test window: a page of device memory that reads back what was
 * written, at every size and offset; nothing outside the page.
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
	return testdev_init();
}

static void test_reads_back_every_size(void **state)
{
	test_mmio_write(TESTDEV_BASE, 8, 0x1122334455667788ULL);
	assert_int_equal(test_mmio_read(TESTDEV_BASE, 8), 0x1122334455667788ULL);
	assert_int_equal(test_mmio_read(TESTDEV_BASE, 4), 0x55667788);
	assert_int_equal(test_mmio_read(TESTDEV_BASE + 1, 2), 0x6677);
	assert_int_equal(test_mmio_read(TESTDEV_BASE + 7, 1), 0x11);
	test_mmio_write(TESTDEV_BASE + 3, 1, 0xab);
	assert_int_equal(test_mmio_read(TESTDEV_BASE, 8), 0x11223344ab667788ULL);
}

static void test_last_bytes_and_beyond(void **state)
{
	test_mmio_write(TESTDEV_BASE + TESTDEV_SIZE - 8, 8, 0x0102030405060708ULL);
	assert_int_equal(test_mmio_read(TESTDEV_BASE + TESTDEV_SIZE - 2, 2), 0x0102);
	/* Not the window's: the empty bus, all ones. */
	assert_int_equal(test_mmio_read(TESTDEV_BASE + TESTDEV_SIZE, 4), 0xffffffffULL);
	assert_int_equal(test_mmio_read(TESTDEV_BASE - 4, 4), 0xffffffffULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reads_back_every_size, setup),
		cmocka_unit_test_setup(test_last_bytes_and_beyond, setup),
	};

	return cmocka_run_group_tests_name("legacy_testdev", tests, NULL, NULL);
}
