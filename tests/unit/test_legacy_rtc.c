// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CMOS RTC: a known instant reads back right in BCD and in binary,
 * the status registers say what Linux wants to hear, time writes are
 * ignored and the rest is RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test_legacy_vm.h"
#include "legacy/legacy.h"

/* 2024-02-29 23:59:58 UTC, a Thursday. */
#define LEAP_DAY	1709251198

static time_t now;

static time_t fake_time(void)
{
	return now;
}

static int setup(void **state)
{
	bus_reset();
	now = LEAP_DAY;
	rtc_set_time_source(fake_time);
	return rtc_init();
}

static uint8_t cmos(uint8_t reg)
{
	test_out(0x70, 1, reg);
	return test_in(0x71, 1);
}

static void cmos_write(uint8_t reg, uint8_t val)
{
	test_out(0x70, 1, reg);
	test_out(0x71, 1, val);
}

static void test_bcd(void **state)
{
	assert_int_equal(cmos(0x00), 0x58);
	assert_int_equal(cmos(0x02), 0x59);
	assert_int_equal(cmos(0x04), 0x23);
	assert_int_equal(cmos(0x06), 0x05);	/* Sunday is 1 */
	assert_int_equal(cmos(0x07), 0x29);
	assert_int_equal(cmos(0x08), 0x02);
	assert_int_equal(cmos(0x09), 0x24);
	assert_int_equal(cmos(0x32), 0x20);
}

static void test_binary(void **state)
{
	cmos_write(0x0b, cmos(0x0b) | 0x04);
	assert_int_equal(cmos(0x00), 58);
	assert_int_equal(cmos(0x02), 59);
	assert_int_equal(cmos(0x04), 23);
	assert_int_equal(cmos(0x07), 29);
	assert_int_equal(cmos(0x09), 24);
	assert_int_equal(cmos(0x32), 20);
	/* Two seconds later it is March. */
	now += 2;
	assert_int_equal(cmos(0x00), 0);
	assert_int_equal(cmos(0x08), 3);
	assert_int_equal(cmos(0x07), 1);
	cmos_write(0x0b, cmos(0x0b) & ~0x04);
	assert_int_equal(cmos(0x08), 0x03);
}

static void test_status_registers(void **state)
{
	assert_int_equal(cmos(0x0a) & 0x80, 0);		/* no update in progress */
	assert_int_equal(cmos(0x0b) & 0x06, 0x02);	/* 24 hours, BCD */
	assert_int_equal(cmos(0x0c), 0);
	assert_int_equal(cmos(0x0d), 0x80);		/* battery fine */
	/* 12-hour mode can't be chosen, UIP can't be set. */
	cmos_write(0x0b, 0x00);
	assert_int_equal(cmos(0x0b) & 0x02, 0x02);
	cmos_write(0x0a, 0xa6);
	assert_int_equal(cmos(0x0a), 0x26);
	cmos_write(0x0d, 0);
	assert_int_equal(cmos(0x0d), 0x80);
}

static void test_writes(void **state)
{
	/* Time writes are ignored. */
	cmos_write(0x00, 0x11);
	cmos_write(0x09, 0x99);
	assert_int_equal(cmos(0x00), 0x58);
	assert_int_equal(cmos(0x09), 0x24);
	/* The rest is RAM, alarms included. */
	cmos_write(0x01, 0x30);
	cmos_write(0x40, 0xab);
	cmos_write(0x7f, 0xcd);
	assert_int_equal(cmos(0x01), 0x30);
	assert_int_equal(cmos(0x40), 0xab);
	assert_int_equal(cmos(0x7f), 0xcd);
	assert_int_equal(cmos(0x41), 0);
}

static void test_nmi_bit_ignored(void **state)
{
	assert_int_equal(cmos(0x80 | 0x00), 0x58);
	assert_int_equal(cmos(0x80 | 0x04), 0x23);
	/* The index port itself is write-only. */
	assert_int_equal(test_in(0x70, 1), 0xff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bcd, setup),
		cmocka_unit_test_setup(test_binary, setup),
		cmocka_unit_test_setup(test_status_registers, setup),
		cmocka_unit_test_setup(test_writes, setup),
		cmocka_unit_test_setup(test_nmi_bit_ignored, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
