// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test window: one page of device memory at TESTDEV_BASE that reads
 * back what was written, byte for byte, at any offset and size.  Every
 * access to it is an MMIO exit, so a conformance guest can run each
 * instruction form lg emulates against it and compare with the same
 * instruction on RAM.  Linux guests never look at it (no driver, no
 * firmware table names it).
 */
#include <pthread.h>
#include <string.h>

#include "bus.h"
#include "legacy.h"

static uint8_t window[TESTDEV_SIZE];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void testdev_io(void *opaque, uint64_t offset, void *data,
		       unsigned int size, bool is_write)
{
	unsigned int n = offset < TESTDEV_SIZE ? TESTDEV_SIZE - offset : 0;

	if (n > size)
		n = size;
	pthread_mutex_lock(&lock);
	if (is_write) {
		memcpy(window + offset, data, n);
	} else {
		memset(data, 0xff, size);
		memcpy(data, window + offset, n);
	}
	pthread_mutex_unlock(&lock);
}

int testdev_init(void)
{
	return bus_register_mmio(TESTDEV_BASE, TESTDEV_SIZE, testdev_io, NULL);
}
