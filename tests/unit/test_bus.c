// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device bus: ranges may not overlap, accesses reach the right device
 * with the right offset, and nobody home reads as all ones.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "test_legacy_vm.h"

struct probe {
	unsigned int calls;
	uint64_t offset;
	unsigned int size;
	bool is_write;
	uint32_t wrote;
	uint8_t fill;
};

static void probe_fn(void *opaque, uint64_t offset, void *data,
		     unsigned int size, bool is_write)
{
	struct probe *p = opaque;

	p->calls++;
	p->offset = offset;
	p->size = size;
	p->is_write = is_write;
	if (is_write) {
		p->wrote = 0;
		memcpy(&p->wrote, data, size > 4 ? 4 : size);
	} else {
		memset(data, p->fill, size);
	}
}

static int setup(void **state)
{
	bus_reset();
	return 0;
}

static void test_overlap_rejected(void **state)
{
	struct probe a = { 0 };

	assert_int_equal(bus_register_pio(0x100, 8, probe_fn, &a), 0);
	assert_int_equal(bus_register_pio(0x100, 8, probe_fn, &a), -EBUSY);
	assert_int_equal(bus_register_pio(0x0fc, 8, probe_fn, &a), -EBUSY);
	assert_int_equal(bus_register_pio(0x107, 1, probe_fn, &a), -EBUSY);
	assert_int_equal(bus_register_pio(0x0f0, 0x20, probe_fn, &a), -EBUSY);
	assert_int_equal(bus_register_pio(0x102, 2, probe_fn, &a), -EBUSY);
	/* Neighbours on either side are fine. */
	assert_int_equal(bus_register_pio(0x0f8, 8, probe_fn, &a), 0);
	assert_int_equal(bus_register_pio(0x108, 8, probe_fn, &a), 0);

	assert_int_equal(bus_register_mmio(0xfec00000, 0x1000, probe_fn, &a), 0);
	assert_int_equal(bus_register_mmio(0xfec00fff, 1, probe_fn, &a), -EBUSY);
	assert_int_equal(bus_register_mmio(0xfebff000, 0x1001, probe_fn, &a), -EBUSY);
	assert_int_equal(bus_register_mmio(0xfec01000, 0x1000, probe_fn, &a), 0);
	/* Port and MMIO spaces are separate. */
	assert_int_equal(bus_register_mmio(0x100, 8, probe_fn, &a), 0);
}

static void test_bad_ranges(void **state)
{
	struct probe a = { 0 };

	assert_int_equal(bus_register_pio(0x100, 0, probe_fn, &a), -EINVAL);
	assert_int_equal(bus_register_pio(0xfff0, 0x20, probe_fn, &a), -EINVAL);
	assert_int_equal(bus_register_pio(0x100, 1, NULL, &a), -EINVAL);
	assert_int_equal(bus_register_mmio(~0ULL - 1, 4, probe_fn, &a), -EINVAL);
	/* The very top of the address spaces is usable. */
	assert_int_equal(bus_register_pio(0xfff0, 0x10, probe_fn, &a), 0);
	assert_int_equal(bus_register_mmio(~0ULL - 0xfff, 0x1000, probe_fn, &a), 0);
}

static void test_dispatch(void **state)
{
	struct probe lo = { .fill = 0x11 }, hi = { .fill = 0x22 };
	uint64_t data;

	assert_int_equal(bus_register_pio(0x3f8, 8, probe_fn, &hi), 0);
	assert_int_equal(bus_register_pio(0x60, 1, probe_fn, &lo), 0);

	test_out(0x3fd, 1, 0xab);
	assert_int_equal(hi.calls, 1);
	assert_int_equal(hi.offset, 5);
	assert_int_equal(hi.size, 1);
	assert_true(hi.is_write);
	assert_int_equal(hi.wrote, 0xab);

	assert_int_equal(test_in(0x60, 2), 0x1111);
	assert_int_equal(lo.calls, 1);
	assert_int_equal(lo.offset, 0);
	assert_false(lo.is_write);

	assert_int_equal(bus_register_mmio(0xd0000000, 0x100, probe_fn, &hi), 0);
	data = 0;
	bus_dispatch_mmio(0xd0000010, &data, 8, false);
	assert_int_equal(data, 0x2222222222222222ULL);
	assert_int_equal(hi.offset, 0x10);
	assert_int_equal(hi.size, 8);
}

static void test_unclaimed(void **state)
{
	struct probe a = { .fill = 0 };
	uint8_t buf[8];

	assert_int_equal(bus_register_pio(0x100, 4, probe_fn, &a), 0);
	assert_int_equal(test_in(0x104, 1), 0xff);
	assert_int_equal(test_in(0x0ff, 2), 0xffff);
	assert_int_equal(test_in(0x80, 4), 0xffffffff);
	assert_int_equal(test_mmio_read(0xfee00000, 8), ~0ULL);
	assert_int_equal(test_mmio_read(0xfee00000, 4), 0xffffffffULL);

	/* Exactly @size bytes are filled, no more. */
	memset(buf, 0, sizeof(buf));
	bus_dispatch_pio(0x200, buf, 2, false);
	assert_int_equal(buf[0], 0xff);
	assert_int_equal(buf[1], 0xff);
	assert_int_equal(buf[2], 0);

	/* Writes go nowhere. */
	test_out(0x104, 4, 0x12345678);
	test_mmio_write(0xfee00000, 8, 1);
	assert_int_equal(a.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_overlap_rejected, setup),
		cmocka_unit_test_setup(test_bad_ranges, setup),
		cmocka_unit_test_setup(test_dispatch, setup),
		cmocka_unit_test_setup(test_unclaimed, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
