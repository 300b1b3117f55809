// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOAPIC, programmed through its MMIO window as Linux does it: the
 * registers read back, a masked pin stays quiet, an unmasked one reaches
 * the local APIC with the destination and vector of its entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test_legacy_vm.h"
#include "legacy/legacy.h"

#define REGSEL	(IOAPIC_BASE + 0x00)
#define WIN	(IOAPIC_BASE + 0x10)
#define EOI	(IOAPIC_BASE + 0x40)

static uint32_t reg_read(uint32_t reg)
{
	test_mmio_write(REGSEL, 4, reg);
	return test_mmio_read(WIN, 4);
}

static void reg_write(uint32_t reg, uint32_t val)
{
	test_mmio_write(REGSEL, 4, reg);
	test_mmio_write(WIN, 4, val);
}

static void rte_write(unsigned int pin, uint64_t rte)
{
	reg_write(0x11 + 2 * pin, rte >> 32);
	reg_write(0x10 + 2 * pin, (uint32_t)rte);
}

static int setup(void **state)
{
	bus_reset();
	test_vm_reset();
	return ioapic_init(1);
}

static void test_id_version_arb(void **state)
{
	assert_int_equal(reg_read(0x01), 0x00170011);
	assert_int_equal(reg_read(0x00), 0x01000000);	/* the id given to ioapic_init() */
	reg_write(0x00, 0x05000000);
	assert_int_equal(reg_read(0x00), 0x05000000);
	assert_int_equal(reg_read(0x02), 0x05000000);
	/* Version is read-only; unknown registers read 0. */
	reg_write(0x01, 0);
	assert_int_equal(reg_read(0x01), 0x00170011);
	assert_int_equal(reg_read(0x03), 0);
	assert_int_equal(reg_read(0x10 + 2 * IOAPIC_PINS), 0);
	/* IOREGSEL reads back. */
	test_mmio_write(REGSEL, 4, 0x12);
	assert_int_equal(test_mmio_read(REGSEL, 4), 0x12);
	/* Byte read of the window: the low byte of the version. */
	test_mmio_write(REGSEL, 4, 0x01);
	assert_int_equal(test_mmio_read(WIN, 1), 0x11);
	assert_int_equal(test_mmio_read(WIN + 2, 1), 0x17);
}

static void test_redirection_entries(void **state)
{
	unsigned int pin;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		assert_int_equal(reg_read(0x10 + 2 * pin), 0x00010000);
		assert_int_equal(reg_read(0x11 + 2 * pin), 0);
	}
	/* Delivery status (12) and Remote IRR (14) are not writable. */
	rte_write(4, 0x0300000000000000ULL | 0x1ffff);
	assert_int_equal(reg_read(0x18), 0x1ffff & ~((1 << 12) | (1 << 14)));
	assert_int_equal(reg_read(0x19), 0x03000000);
	/* Reserved bits of the high word stay 0. */
	reg_write(0x19, 0xffffffff);
	assert_int_equal(reg_read(0x19), 0xff000000);
}

static void test_masked_pin_not_delivered(void **state)
{
	ioapic_raise(4);
	assert_int_equal(test_irq_count(), 0);
	rte_write(4, 0x30 | (1 << 16));
	ioapic_raise(4);
	assert_int_equal(test_irq_count(), 0);
}

static void test_unmasked_pin_delivered(void **state)
{
	struct test_irq irq;

	rte_write(4, (2ULL << 56) | 0x31);
	ioapic_raise(4);
	ioapic_raise(4);
	assert_int_equal(test_irq_count(), 2);
	irq = test_irq_get(0);
	assert_int_equal(irq.dest, 2);
	assert_int_equal(irq.vector, 0x31);

	/* Lowest priority is passed on, for the module to pick one CPU. */
	rte_write(1, (1 << 8) | 0x41);
	ioapic_raise(1);
	irq = test_irq_get(2);
	assert_int_equal(irq.dest, 0);
	assert_int_equal(irq.vector, 0x41 | LG_INTERRUPT_LOWEST);

	/* Other pins and out-of-range pins do nothing. */
	ioapic_raise(5);
	ioapic_raise(IOAPIC_PINS);
	ioapic_raise(1000);
	assert_int_equal(test_irq_count(), 3);

	/* Masking it again silences it. */
	rte_write(4, (1 << 16) | 0x31);
	ioapic_raise(4);
	assert_int_equal(test_irq_count(), 3);
}

static void test_unsupported_modes_dropped(void **state)
{
	struct test_irq irq;

	rte_write(3, (4 << 8) | 0x30);		/* NMI */
	ioapic_raise(3);
	rte_write(3, 0x05);			/* vector < 16 */
	ioapic_raise(3);
	assert_int_equal(test_irq_count(), 0);

	/* A logical destination goes to the module as it is. */
	rte_write(3, (6ULL << 56) | (1 << 11) | 0x33);
	ioapic_raise(3);
	assert_int_equal(test_irq_count(), 1);
	irq = test_irq_get(0);
	assert_int_equal(irq.dest, 6);
	assert_int_equal(irq.vector, 0x33 | LG_INTERRUPT_LOGICAL);
}

static void test_level_triggered(void **state)
{
	rte_write(9, (1 << 15) | 0x50);
	ioapic_set_level(9, true);
	assert_int_equal(test_irq_count(), 1);
	/* Remote IRR is set and holds off more interrupts. */
	assert_true(reg_read(0x10 + 18) & (1 << 14));
	ioapic_set_level(9, true);
	ioapic_raise(9);
	assert_int_equal(test_irq_count(), 1);

	/* EOI while the line is still high: delivered again. */
	test_mmio_write(EOI, 4, 0x50);
	assert_int_equal(test_irq_count(), 2);

	/* Version 0x11 style EOI: flip to edge and back; line now low. */
	ioapic_set_level(9, false);
	rte_write(9, 0x50);
	assert_false(reg_read(0x10 + 18) & (1 << 14));
	rte_write(9, (1 << 15) | 0x50);
	assert_int_equal(test_irq_count(), 2);

	/* A line that is high while masked fires on unmask. */
	rte_write(9, (1 << 16) | (1 << 15) | 0x50);
	ioapic_set_level(9, true);
	assert_int_equal(test_irq_count(), 2);
	rte_write(9, (1 << 15) | 0x50);
	assert_int_equal(test_irq_count(), 3);
}

static void test_edge_level_source(void **state)
{
	/* A level source on an edge pin: one interrupt per rising edge. */
	rte_write(7, 0x60);
	ioapic_set_level(7, true);
	ioapic_set_level(7, true);
	assert_int_equal(test_irq_count(), 1);
	ioapic_set_level(7, false);
	ioapic_set_level(7, true);
	assert_int_equal(test_irq_count(), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_id_version_arb, setup),
		cmocka_unit_test_setup(test_redirection_entries, setup),
		cmocka_unit_test_setup(test_masked_pin_not_delivered, setup),
		cmocka_unit_test_setup(test_unmasked_pin_delivered, setup),
		cmocka_unit_test_setup(test_unsupported_modes_dropped, setup),
		cmocka_unit_test_setup(test_level_triggered, setup),
		cmocka_unit_test_setup(test_edge_level_source, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
