// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the virtio-pci transport (virtio/pci.c, virtio/msix.c),
 * driven through the bus as the vCPU loop drives it: the capabilities a
 * driver looks for, the PCI_CFG window, BARs that follow the guest (moved,
 * or decoding off), feature negotiation, a queue whose rings are not in
 * RAM putting the device in NEEDS_RESET, a kick reaching the device's
 * thread, and MSI-X holding a masked vector pending.  The cases run in
 * order on one device, as a driver would bring it up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "bus.h"
#include "legacy/legacy.h"
#include "virtio_ring_helpers.h"

#define SLOT		5
#define NEW_BAR0	0xd0000000u
#define ISR		0x1000
#define NOTIFY		0x3000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kicked = PTHREAD_COND_INITIALIZER;
static unsigned int kicks;

/* The test back-end: answers each request with nothing, interrupts. */
static uint32_t answer(struct virtio_dev *dev, struct virtq_elem *elem)
{
	return 0;
}

static void test_notify(struct virtio_dev *dev, unsigned int q)
{
	virtio_serve(dev, q, answer);
	pthread_mutex_lock(&lock);
	kicks++;
	pthread_cond_signal(&kicked);
	pthread_mutex_unlock(&lock);
}

static const struct virtio_dev_ops ops = { .queue_notify = test_notify };
static struct virtio_dev dev = {
	.name = "virtio-test", .device_id = 4, .pci_class = 0xff0000,
	.num_queues = 1, .config_len = 8, .ops = &ops,
};
static uint32_t bar0, bar1;

static uint32_t cfg_read(unsigned int reg, unsigned int size)
{
	uint32_t addr = 0x80000000u | SLOT << 11 | (reg & 0xfc), v = 0;

	bus_dispatch_pio(0xcf8, &addr, 4, true);
	bus_dispatch_pio(0xcfc + (reg & 3), &v, size, false);
	return v;
}

static void cfg_write(unsigned int reg, unsigned int size, uint32_t v)
{
	uint32_t addr = 0x80000000u | SLOT << 11 | (reg & 0xfc);

	bus_dispatch_pio(0xcf8, &addr, 4, true);
	bus_dispatch_pio(0xcfc + (reg & 3), &v, size, true);
}

static uint64_t mmio_read(uint64_t a, unsigned int size)
{
	uint64_t v = 0;

	bus_dispatch_mmio(a, &v, size, false);
	return v;
}

static void mmio_write(uint64_t a, unsigned int size, uint64_t v)
{
	bus_dispatch_mmio(a, &v, size, true);
}

static int setup(void **state)
{
	if (vm_map_ram(RING_RAM) || pci_init() || virtio_pci_add(&dev, SLOT))
		return -1;
	bar0 = cfg_read(0x10, 4) & ~0xfu;
	bar1 = cfg_read(0x14, 4) & ~0xfu;
	return 0;
}

static void has_the_capabilities_a_driver_needs(void **state)
{
	unsigned int c, seen = 0;

	assert_int_equal(cfg_read(0, 2), 0x1af4);
	assert_int_equal(cfg_read(2, 2), 0x1044);
	assert_int_equal(cfg_read(8, 1), 1);	/* revision 1: modern */
	for (c = cfg_read(0x34, 1); c; c = cfg_read(c + 1, 1)) {
		if (cfg_read(c, 1) == 0x09)
			seen |= 1u << cfg_read(c + 3, 1);	/* cfg_type */
		else if (cfg_read(c, 1) == 0x11)
			seen |= 1u << 16;
	}
	assert_int_equal(seen, 1u << VIRTIO_PCI_CAP_COMMON_CFG | 1u << VIRTIO_PCI_CAP_NOTIFY_CFG |
			 1u << VIRTIO_PCI_CAP_ISR_CFG | 1u << VIRTIO_PCI_CAP_DEVICE_CFG |
			 1u << VIRTIO_PCI_CAP_PCI_CFG | 1u << 16);
}

/* VIRTIO_PCI_CAP_PCI_CFG: BAR registers through config space. */
static void the_config_window_reaches_the_bars(void **state)
{
	unsigned int c = cfg_read(0x34, 1);

	while (cfg_read(c, 1) != 0x09 || cfg_read(c + 3, 1) != VIRTIO_PCI_CAP_PCI_CFG)
		c = cfg_read(c + 1, 1);
	cfg_write(c + 4, 1, 0);				/* BAR0 */
	cfg_write(c + 8, 4, VIRTIO_PCI_COMMON_NUMQ);	/* offset */
	cfg_write(c + 12, 4, 2);			/* length */
	assert_int_equal(cfg_read(c + 16, 2), 1);	/* one queue */
	cfg_write(c + 8, 4, VIRTIO_PCI_COMMON_Q_SELECT);
	cfg_write(c + 16, 2, 7);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_Q_SELECT, 2), 7);
	cfg_write(c + 12, 4, 3);			/* a bad length: nothing */
	cfg_write(c + 16, 2, 0);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_Q_SELECT, 2), 7);
}

static void bars_follow_the_guest(void **state)
{
	/* Decoding off: nothing there. */
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	cfg_write(4, 2, 0x2);	/* COMMAND.MEM */
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_NUMQ, 2), 1);

	/* Moved: the old range is gone, the new one answers. */
	cfg_write(0x10, 4, NEW_BAR0);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	assert_int_equal(mmio_read(NEW_BAR0 + VIRTIO_PCI_COMMON_NUMQ, 2), 1);

	/* Sizing writes all ones: no range at all meanwhile. */
	cfg_write(0x10, 4, 0xffffffff);
	assert_int_equal(cfg_read(0x10, 4), 0xffffc000);
	assert_int_equal(mmio_read(NEW_BAR0 + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	cfg_write(0x10, 4, bar0);
	cfg_write(4, 2, 0);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	cfg_write(4, 2, 0x6);	/* memory and bus master */
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_NUMQ, 2), 1);
}

static void features_need_version_1(void **state)
{
	mmio_write(bar0 + VIRTIO_PCI_COMMON_STATUS, 1, 0);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_STATUS, 1,
		   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_DFSELECT, 4, 1);
	assert_true(mmio_read(bar0 + VIRTIO_PCI_COMMON_DF, 4) & 1);	/* bit 32 */

	mmio_write(bar0 + VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_GF, 4, 0);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_STATUS, 1, 0xb);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_STATUS, 1), 0x3);

	mmio_write(bar0 + VIRTIO_PCI_COMMON_GF, 4, 1);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_STATUS, 1, 0xb);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_STATUS, 1), 0xb);
}

static void rings_outside_ram_need_a_reset(void **state)
{
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_SELECT, 2, 0);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_Q_SIZE, 2), 256);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_SIZE, 2, 8);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_DESCLO, 4, 0x7fff0000);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
	assert_true(mmio_read(bar0 + VIRTIO_PCI_COMMON_STATUS, 1) & VIRTIO_CONFIG_S_NEEDS_RESET);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	assert_int_equal(mmio_read(bar0 + ISR, 1), 2);	/* a config change */
	assert_int_equal(mmio_read(bar0 + ISR, 1), 0);	/* reading cleared it */

	mmio_write(bar0 + VIRTIO_PCI_COMMON_STATUS, 1, 0);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_STATUS, 1), 0);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_Q_SIZE, 2), 256);
}

static void a_kick_reaches_the_device_thread_and_msix_holds_it(void **state)
{
	struct timespec until;
	uint16_t *avail = gpa(RING_AVAIL);
	unsigned int c = cfg_read(0x34, 1);

	while (cfg_read(c, 1) != 0x11)
		c = cfg_read(c + 1, 1);
	cfg_write(c + 2, 2, 0x8000);	/* MSI-X on; vector 0 masked (reset state) */

	mmio_write(bar0 + VIRTIO_PCI_COMMON_STATUS, 1, 0x3);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_GF, 4, 1);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_STATUS, 1, 0xb);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_SIZE, 2, 8);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_MSIX, 2, 0);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_DESCLO, 4, RING_DESC);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_AVAILLO, 4, RING_AVAIL);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_USEDLO, 4, RING_USED);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
	assert_int_equal(mmio_read(bar0 + VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	mmio_write(bar0 + VIRTIO_PCI_COMMON_STATUS, 1, 0xf);

	ring_desc(RING_DESC, 0, RING_BUF, 64, VRING_DESC_F_WRITE, 0);
	avail[2] = 0;			/* ring[0]: head 0 */
	avail[1] = 1;			/* idx */
	mmio_write(bar0 + NOTIFY, 2, 0);

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&lock);
	while (((struct vring_used *)gpa(RING_USED))->idx != 1 &&
	       pthread_cond_timedwait(&kicked, &lock, &until) == 0)
		;
	pthread_mutex_unlock(&lock);
	assert_int_equal(((struct vring_used *)gpa(RING_USED))->idx, 1);

	/* The vector is masked: pending, until the guest unmasks it. */
	assert_int_equal(mmio_read(bar1 + 0x800, 8), 1);
	mmio_write(bar1 + 0, 4, 0xfee00000);
	mmio_write(bar1 + 8, 4, 0x41);
	mmio_write(bar1 + 12, 4, 0);		/* unmask */
	assert_int_equal(mmio_read(bar1 + 0x800, 8), 0);
	assert_int_equal(mmio_read(bar1 + 8, 4), 0x41);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(has_the_capabilities_a_driver_needs),
		cmocka_unit_test(bars_follow_the_guest),
		cmocka_unit_test(the_config_window_reaches_the_bars),
		cmocka_unit_test(features_need_version_1),
		cmocka_unit_test(rings_outside_ram_need_a_reset),
		cmocka_unit_test(a_kick_reaches_the_device_thread_and_msix_holds_it),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
