// SPDX-License-Identifier: GPL-2.0-only
/*
 * The debug-exit port: how a test guest hands lguest-launch its exit
 * status.  Writing V to port 0x501 (outb, outw or outl) stops the guest
 * and makes lguest-launch exit with status V & 0xff, so a guest's init
 * can end a test with e.g. `outb 0x501 0` from a tiny helper, or
 * `printf '\x03' | dd of=/dev/port bs=1 seek=1281` for status 3.
 *
 * Unlike QEMU's isa-debug-exit, which exits with (V << 1) | 1 so that a
 * clean shutdown (0) is distinguishable, the value is passed through
 * unchanged: a guest that writes 0 means success.  For test kernels made
 * for QEMU, its isa-debug-exit is there too, at its usual ports 0xf4-0xf7
 * (iobase 0xf4, iosize 4), with its (V << 1) | 1.  Reads return all
 * ones, like the empty bus.
 */
#include <string.h>

#include "bus.h"
#include "vm.h"
#include "legacy.h"

static void debug_exit_io(void *opaque, uint64_t offset, void *data,
			  unsigned int size, bool is_write)
{
	uint8_t *p = data;

	if (is_write)
		vm_request_exit(p[0]);
	else
		memset(data, 0xff, size);
}

static void isa_debug_exit_io(void *opaque, uint64_t offset, void *data,
			      unsigned int size, bool is_write)
{
	uint32_t v = 0;

	if (is_write) {
		memcpy(&v, data, size);
		vm_request_exit((int)((v << 1) | 1) & 0xff);
	} else {
		memset(data, 0xff, size);
	}
}

int debug_exit_init(void)
{
	return bus_register_pio(DEBUG_EXIT_PORT, 1, debug_exit_io, NULL) ||
	       bus_register_pio(ISA_DEBUG_EXIT_PORT, 4, isa_debug_exit_io, NULL);
}
