/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device bus: how an exit record finds its device.  Each emulated
 * device registers a port range and/or an MMIO range with a handler; the
 * vCPU loop hands every LG_EXIT_IO and LG_EXIT_MMIO record to
 * bus_dispatch_*().  An access no device claims reads as all ones and
 * writes are dropped, as on a PC with nothing at that address.  Ranges
 * may come and go while vCPUs run (PCI BARs), but a handler must not
 * change the table it was dispatched from.
 */
#ifndef LG_BUS_H
#define LG_BUS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * @offset is relative to the registered base; @data holds @size bytes
 * (1, 2, 4 or 8), little-endian: the handler reads it on a write and
 * fills it on a read.
 */
typedef void (*bus_handler_t)(void *opaque, uint64_t offset, void *data,
			      unsigned int size, bool is_write);

int bus_register_pio(uint16_t base, uint16_t len, bus_handler_t fn, void *opaque);
int bus_register_mmio(uint64_t base, uint64_t len, bus_handler_t fn, void *opaque);
/* Removes what @opaque registered at @base: 0, or -ENOENT. */
int bus_unregister_pio(uint16_t base, void *opaque);
int bus_unregister_mmio(uint64_t base, void *opaque);

void bus_dispatch_pio(uint16_t port, void *data, unsigned int size, bool is_write);
void bus_dispatch_mmio(uint64_t addr, void *data, unsigned int size, bool is_write);

#endif /* LG_BUS_H */
