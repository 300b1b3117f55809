// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvpanic-pci: how a guest kernel tells us it panicked.
 *
 * QEMU's device (PCI 1b36:0011, one byte in BAR 0), which Linux drives
 * with CONFIG_PVPANIC_PCI: reading the byte tells the guest which events
 * we understand, and its panic notifier writes PVPANIC_PANICKED.  With
 * the default "panic=-1 reboot=k" a panic would otherwise look exactly
 * like a reboot, which ends lguest-launch with 0; this makes it a crash.
 */
#include <stdio.h>

#include "bus.h"
#include "launcher.h"
#include "legacy.h"
#include "vm.h"

#define PVPANIC_PANICKED	0x1
#define PVPANIC_CRASH_LOADED	0x2
#define PVPANIC_BAR_SIZE	0x10

static struct pci_dev pvpanic;

static void pvpanic_io(void *opaque, uint64_t offset, void *data,
		       unsigned int size, bool is_write)
{
	uint8_t *p = data;

	if (!is_write) {
		p[0] = offset ? 0 : PVPANIC_PANICKED | PVPANIC_CRASH_LOADED;
		return;
	}
	if (offset == 0 && (p[0] & PVPANIC_PANICKED)) {
		serial_flush();
		fprintf(stderr, "\r\nlguest-launch: the guest kernel panicked\n");
		vm_request_exit(EXIT_GUEST_CRASH);
	}
}

int pvpanic_init(unsigned int slot)
{
	uint64_t bar = pci_alloc_mmio(PVPANIC_BAR_SIZE);
	int err;

	if (!bar)
		return -1;
	pci_dev_init(&pvpanic, 0x1b36, 0x0011, 0x088000, 1);
	err = pci_set_bar(&pvpanic, 0, bar, PVPANIC_BAR_SIZE, PCI_BAR_MEM32);
	if (!err)
		err = bus_register_mmio(bar, PVPANIC_BAR_SIZE, pvpanic_io, NULL);
	return err ? err : pci_register_device(&pvpanic, slot);
}
