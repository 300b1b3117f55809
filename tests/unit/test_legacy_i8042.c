// SPDX-License-Identifier: GPL-2.0-only
/*
 * The i8042: reboot=k's reset pulse stops the guest with status 0, and
 * Linux's probe commands get answers instead of timeouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test_legacy_vm.h"
#include "legacy/legacy.h"

#define DATA	0x60
#define CMD	0x64
#define OBF	0x01
#define IBF	0x02

static int setup(void **state)
{
	bus_reset();
	test_vm_reset();
	return i8042_init();
}

/* i8042_command() in Linux: write, wait for OBF, read. */
static uint8_t command(uint8_t cmd)
{
	test_out(CMD, 1, cmd);
	assert_true(test_in(CMD, 1) & OBF);
	return test_in(DATA, 1);
}

static void test_reset_requests_exit(void **state)
{
	/* arch/x86/kernel/reboot.c: kb_wait() then outb(0xfe, 0x64). */
	assert_int_equal(test_in(CMD, 1) & IBF, 0);
	test_out(CMD, 1, 0xfe);
	assert_int_equal(test_exit_count(), 1);
	assert_int_equal(test_exit_status(), 0);
}

static void test_other_pulses(void **state)
{
	/* Pulsing lines other than reset does nothing. */
	test_out(CMD, 1, 0xff);
	test_out(CMD, 1, 0xfd);
	assert_int_equal(test_exit_count(), 0);
	/* Writing the output port with the reset bit low resets too. */
	test_out(CMD, 1, 0xd1);
	test_out(DATA, 1, 0x02);
	assert_int_equal(test_exit_count(), 1);
	assert_int_equal(test_exit_status(), 0);
}

static void test_status_idle(void **state)
{
	uint8_t st = test_in(CMD, 1);

	assert_int_equal(st & (OBF | IBF), 0);
	assert_int_equal(st & 0x04, 0x04);		/* system flag */
	/* Port 0x61 is not the i8042's. */
	assert_int_equal(test_in(0x61, 1), 0xff);
}

static void test_linux_probe(void **state)
{
	uint8_t ctr;

	assert_int_equal(command(0xaa), 0x55);
	assert_int_equal(test_in(CMD, 1) & OBF, 0);
	ctr = command(0x20);
	test_out(CMD, 1, 0x60);
	test_out(DATA, 1, ctr | 0x01);
	assert_int_equal(command(0x20), ctr | 0x01);
	assert_int_equal(command(0xab), 0x00);
	/* The AUX loop answer lacks the AUX flag, the AUX test fails. */
	test_out(CMD, 1, 0xd3);
	test_out(DATA, 1, 0x5a);
	assert_int_equal(test_in(CMD, 1) & (OBF | 0x20), OBF);
	assert_int_not_equal(test_in(DATA, 1), 0x5a);
	assert_int_equal(command(0xa9), 0x02);
	/* Port enable/disable commands land in the CTR. */
	test_out(CMD, 1, 0xae);
	assert_int_equal(command(0x20) & 0x10, 0);
	test_out(CMD, 1, 0xad);
	assert_int_equal(command(0x20) & 0x10, 0x10);
	/* Bytes for the absent keyboard vanish. */
	test_out(DATA, 1, 0xf2);
	assert_int_equal(test_in(CMD, 1) & OBF, 0);
	assert_int_equal(test_exit_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_requests_exit, setup),
		cmocka_unit_test_setup(test_other_pulses, setup),
		cmocka_unit_test_setup(test_status_idle, setup),
		cmocka_unit_test_setup(test_linux_probe, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
