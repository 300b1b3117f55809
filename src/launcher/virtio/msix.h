/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MSI-X for the virtio-pci devices: the vector table and pending-bit
 * array the guest reaches through a BAR, and delivery of a vector to the
 * local APIC it names.  The caller serialises all calls (virtio-pci
 * holds the device's lock).
 */
#ifndef LG_MSIX_H
#define LG_MSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

#define MSIX_MAX_VECTORS	16
#define MSIX_TABLE_OFFSET	0x000	/* in the MSI-X BAR */
#define MSIX_PBA_OFFSET		0x800
#define MSIX_BAR_SIZE		0x1000

struct msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct msix {
	unsigned int nr;
	struct msix_entry table[MSIX_MAX_VECTORS];
	struct vm_msi msi[MSIX_MAX_VECTORS];	/* how each is delivered */
	uint64_t pba;		/* a bit per vector: fired while masked */
	bool enabled;		/* message control: MSI-X enable */
	bool masked;		/* message control: function mask */
	uint64_t sent;		/* messages delivered, for --verbose */
};

void msix_init(struct msix *m, unsigned int nr);
/* An access to the MSI-X BAR at @off: the table or the PBA. */
void msix_bar_access(struct msix *m, uint64_t off, void *data, unsigned int size,
		     bool is_write);
/* The guest wrote the capability's message control word. */
void msix_set_control(struct msix *m, bool enabled, bool masked);
/* Fires @vector now, or marks it pending while it is masked. */
void msix_notify(struct msix *m, uint16_t vector);

#endif /* LG_MSIX_H */
