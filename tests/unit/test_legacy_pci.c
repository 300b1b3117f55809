// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI configuration space through 0xCF8/0xCFC: Linux's type 1 check,
 * the host bridge, empty slots, narrow accesses at every offset, and a
 * registered device's BARs sized the way Linux sizes them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test_legacy_vm.h"
#include "legacy/legacy.h"

static struct pci_dev dev;
static unsigned int writes, last_off, last_size;

static int setup(void **state)
{
	bus_reset();
	writes = 0;
	return pci_init();
}

static uint32_t cfg_addr(unsigned int bus, unsigned int slot, unsigned int fn,
			 unsigned int reg)
{
	return 0x80000000u | bus << 16 | slot << 11 | fn << 8 | (reg & 0xfc);
}

static uint32_t cfg_read(unsigned int slot, unsigned int reg, unsigned int size)
{
	test_out(0xcf8, 4, cfg_addr(0, slot, 0, reg));
	return test_in(0xcfc + (reg & 3), size);
}

static void cfg_write(unsigned int slot, unsigned int reg, unsigned int size,
		      uint32_t val)
{
	test_out(0xcf8, 4, cfg_addr(0, slot, 0, reg));
	test_out(0xcfc + (reg & 3), size, val);
}

static void test_type1_detection(void **state)
{
	uint32_t tmp;

	/* arch/x86/pci/direct.c: pci_check_type1(). */
	test_out(0xcfb, 1, 0x01);
	tmp = test_in(0xcf8, 4);
	test_out(0xcf8, 4, 0x80000000);
	assert_int_equal(test_in(0xcf8, 4), 0x80000000);
	test_out(0xcf8, 4, tmp);
	/* pci_sanity_check(): a host bridge at 00:00.0. */
	assert_int_equal(cfg_read(0, 0x0a, 2), 0x0600);
	/* The low two bits of the address don't stick. */
	test_out(0xcf8, 4, 0x80000003);
	assert_int_equal(test_in(0xcf8, 4), 0x80000000);
}

static void test_host_bridge(void **state)
{
	assert_int_equal(cfg_read(0, 0x00, 4), 0x00081b36);
	assert_int_equal(cfg_read(0, 0x08, 4), 0x06000000);
	assert_int_equal(cfg_read(0, 0x0e, 1), 0x00);
	assert_int_equal(cfg_read(0, 0x10, 4), 0);
	assert_int_equal(cfg_read(0, 0x34, 1), 0);
	/* Byte and word reads at every offset of the data window. */
	assert_int_equal(cfg_read(0, 0x00, 1), 0x36);
	assert_int_equal(cfg_read(0, 0x01, 1), 0x1b);
	assert_int_equal(cfg_read(0, 0x02, 2), 0x0008);
	assert_int_equal(cfg_read(0, 0x03, 1), 0x00);
	assert_int_equal(cfg_read(0, 0x0b, 1), 0x06);
	/* IDs are read-only, the command register isn't. */
	cfg_write(0, 0x00, 4, 0);
	assert_int_equal(cfg_read(0, 0x00, 4), 0x00081b36);
	cfg_write(0, 0x04, 2, 0xffff);
	assert_int_equal(cfg_read(0, 0x04, 2), 0x0547);
}

static void test_absent(void **state)
{
	assert_int_equal(cfg_read(5, 0x00, 4), 0xffffffff);
	assert_int_equal(cfg_read(31, 0x00, 2), 0xffff);
	/* Function 1 of slot 0, bus 1, and a disabled address. */
	test_out(0xcf8, 4, cfg_addr(0, 0, 1, 0));
	assert_int_equal(test_in(0xcfc, 4), 0xffffffff);
	test_out(0xcf8, 4, cfg_addr(1, 0, 0, 0));
	assert_int_equal(test_in(0xcfc, 4), 0xffffffff);
	test_out(0xcf8, 4, 0x00000000);
	assert_int_equal(test_in(0xcfc, 4), 0xffffffff);
	/* A dword access that doesn't fit the window. */
	test_out(0xcf8, 4, cfg_addr(0, 0, 0, 0));
	assert_int_equal(test_in(0xcfe, 4), 0xffffffff);
	/* Writes to absent functions change nothing. */
	cfg_write(5, 0x04, 2, 0x7);
	assert_int_equal(cfg_read(5, 0x04, 2), 0xffff);
}

static void note_write(struct pci_dev *d, unsigned int off, unsigned int size)
{
	writes++;
	last_off = off;
	last_size = size;
}

static void add_device(void)
{
	pci_dev_init(&dev, 0x1af4, 0x1041, 0x020000, 1);
	dev.cfg_write = note_write;
	assert_int_equal(pci_set_bar(&dev, 0, 0xc0000000, 0x4000, PCI_BAR_MEM32), 0);
	assert_int_equal(pci_set_bar(&dev, 2, 0x100000000ULL, 0x100000,
				     PCI_BAR_MEM64 | PCI_BAR_PREFETCH), 0);
	assert_int_equal(pci_register_device(&dev, 3), 0);
}

static void test_register_device(void **state)
{
	add_device();
	assert_int_equal(cfg_read(3, 0x00, 4), 0x10411af4);
	assert_int_equal(cfg_read(3, 0x08, 4), 0x02000001);
	assert_int_equal(cfg_read(3, 0x10, 4), 0xc0000000);
	assert_int_equal(cfg_read(3, 0x18, 4), 0x0000000c);
	assert_int_equal(cfg_read(3, 0x1c, 4), 0x00000001);
	assert_int_equal(cfg_read(3, 0x14, 4), 0);

	assert_int_equal(pci_register_device(&dev, 3), -EBUSY);
	assert_int_equal(pci_register_device(&dev, 0), -EBUSY);
	assert_int_equal(pci_register_device(&dev, 32), -EINVAL);
	/* Bad BARs. */
	assert_int_equal(pci_set_bar(&dev, 6, 0, 0x1000, 0), -EINVAL);
	assert_int_equal(pci_set_bar(&dev, 5, 0, 0x1000, PCI_BAR_MEM64), -EINVAL);
	assert_int_equal(pci_set_bar(&dev, 1, 0x1000, 0x3000, 0), -EINVAL);
	assert_int_equal(pci_set_bar(&dev, 1, 0x1800, 0x1000, 0), -EINVAL);
	assert_int_equal(pci_set_bar(&dev, 1, 0x100000000ULL, 0x1000, 0), -EINVAL);
}

static void test_bar_sizing(void **state)
{
	add_device();

	/* drivers/pci/probe.c: __pci_read_base(). */
	cfg_write(3, 0x10, 4, 0xffffffff);
	assert_int_equal(cfg_read(3, 0x10, 4), 0xffffc000);
	cfg_write(3, 0x10, 4, 0xc0000000);
	assert_int_equal(cfg_read(3, 0x10, 4), 0xc0000000);

	cfg_write(3, 0x18, 4, 0xffffffff);
	cfg_write(3, 0x1c, 4, 0xffffffff);
	assert_int_equal(cfg_read(3, 0x18, 4), 0xfff0000c);
	assert_int_equal(cfg_read(3, 0x1c, 4), 0xffffffff);
	cfg_write(3, 0x18, 4, 0);
	cfg_write(3, 0x1c, 4, 1);
	assert_int_equal(cfg_read(3, 0x18, 4), 0x0000000c);
	assert_int_equal(cfg_read(3, 0x1c, 4), 1);

	/* Unused BARs size to nothing. */
	cfg_write(3, 0x14, 4, 0xffffffff);
	assert_int_equal(cfg_read(3, 0x14, 4), 0);

	/* The device hears about each write, with the guest's offset. */
	cfg_write(3, 0x05, 1, 0x01);
	assert_int_equal(last_off, 0x05);
	assert_int_equal(last_size, 1);
	assert_int_equal(writes, 8);
	assert_int_equal(cfg_read(3, 0x04, 2), 0x0100);
}

static void test_capabilities(void **state)
{
	int a, b;

	pci_dev_init(&dev, 0x1af4, 0x1041, 0x020000, 1);
	a = pci_add_cap(&dev, 0x11, 12);		/* MSI-X */
	b = pci_add_cap(&dev, 0x09, 17);		/* vendor specific */
	assert_int_equal(a, 0x40);
	assert_int_equal(b, 0x4c);
	assert_int_equal(pci_add_cap(&dev, 0x09, 0x100), -ENOSPC);
	dev.wmask[a + 3] = 0xc0;			/* MSI-X enable, mask */
	assert_int_equal(pci_register_device(&dev, 1), 0);

	assert_int_equal(cfg_read(1, 0x06, 2) & 0x10, 0x10);
	assert_int_equal(cfg_read(1, 0x34, 1), 0x40);
	assert_int_equal(cfg_read(1, 0x40, 2), 0x4c11);
	assert_int_equal(cfg_read(1, 0x4c, 2), 0x0009);
	cfg_write(1, 0x42, 2, 0xffff);
	assert_int_equal(cfg_read(1, 0x42, 2), 0xc000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_type1_detection, setup),
		cmocka_unit_test_setup(test_host_bridge, setup),
		cmocka_unit_test_setup(test_absent, setup),
		cmocka_unit_test_setup(test_register_device, setup),
		cmocka_unit_test_setup(test_bar_sizing, setup),
		cmocka_unit_test_setup(test_capabilities, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
