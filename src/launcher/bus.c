// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device bus: two small tables, one for I/O ports and one for MMIO,
 * that turn an exit record into a call to the device that owns the
 * address.
 *
 * A PC has a dozen devices, so a sorted array searched from the front is
 * as fast as anything cleverer.  Most devices register during start-up,
 * but a PCI BAR follows the guest: moving it, or clearing the memory bit
 * in its command register, unregisters its range while vCPUs run.  So
 * each table has a read-write lock, taken for reading around a dispatch.
 * A handler may change the other table (a config-space write through
 * the port table moves a BAR in the MMIO table) but not its own.  Ranges
 * may not overlap; a device that asks for a claimed range gets -EBUSY,
 * which the caller reports (a launcher bug, or a guest that placed two
 * BARs on top of each other).
 *
 * Nobody home reads as all ones and swallows writes, exactly like an
 * ISA or PCI bus with nothing decoding the address.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "bus.h"

#define BUS_MAX_RANGES	32

struct bus_range {
	uint64_t base;
	uint64_t end;		/* last address, inclusive: no overflow at 2^64 */
	bus_handler_t fn;
	void *opaque;
};

struct bus {
	pthread_rwlock_t lock;
	struct bus_range r[BUS_MAX_RANGES];
	unsigned int n;
};

static struct bus pio_bus = { .lock = PTHREAD_RWLOCK_INITIALIZER };
static struct bus mmio_bus = { .lock = PTHREAD_RWLOCK_INITIALIZER };

static int bus_insert(struct bus *bus, uint64_t base, uint64_t len,
		      bus_handler_t fn, void *opaque)
{
	uint64_t end = base + len - 1;
	unsigned int i;
	int err = 0;

	if (!len || !fn || end < base)
		return -EINVAL;
	pthread_rwlock_wrlock(&bus->lock);
	if (bus->n == BUS_MAX_RANGES) {
		err = -ENOSPC;
		goto out;
	}
	/* Find the first range after us; we must end before it starts. */
	for (i = 0; i < bus->n && bus->r[i].base <= end; i++) {
		if (bus->r[i].end >= base) {
			err = -EBUSY;
			goto out;
		}
	}
	memmove(&bus->r[i + 1], &bus->r[i], (bus->n - i) * sizeof(bus->r[0]));
	bus->r[i] = (struct bus_range){ base, end, fn, opaque };
	bus->n++;
out:
	pthread_rwlock_unlock(&bus->lock);
	return err;
}

/* Removes the range at @base that @opaque registered; -ENOENT if none. */
static int bus_remove(struct bus *bus, uint64_t base, void *opaque)
{
	unsigned int i;
	int err = -ENOENT;

	pthread_rwlock_wrlock(&bus->lock);
	for (i = 0; i < bus->n; i++) {
		if (bus->r[i].base == base && bus->r[i].opaque == opaque) {
			bus->n--;
			memmove(&bus->r[i], &bus->r[i + 1],
				(bus->n - i) * sizeof(bus->r[0]));
			err = 0;
			break;
		}
	}
	pthread_rwlock_unlock(&bus->lock);
	return err;
}

static void bus_dispatch(struct bus *bus, uint64_t addr, void *data,
			 unsigned int size, bool is_write)
{
	const struct bus_range *r;
	unsigned int i;

	pthread_rwlock_rdlock(&bus->lock);
	for (i = 0; i < bus->n; i++) {
		r = &bus->r[i];
		if (addr < r->base)
			break;
		if (addr <= r->end) {
			r->fn(r->opaque, addr - r->base, data, size, is_write);
			pthread_rwlock_unlock(&bus->lock);
			return;
		}
	}
	pthread_rwlock_unlock(&bus->lock);
	if (!is_write)
		memset(data, 0xff, size);
}

int bus_register_pio(uint16_t base, uint16_t len, bus_handler_t fn, void *opaque)
{
	if ((uint32_t)base + len > 0x10000)
		return -EINVAL;
	return bus_insert(&pio_bus, base, len, fn, opaque);
}

int bus_register_mmio(uint64_t base, uint64_t len, bus_handler_t fn, void *opaque)
{
	return bus_insert(&mmio_bus, base, len, fn, opaque);
}

int bus_unregister_pio(uint16_t base, void *opaque)
{
	return bus_remove(&pio_bus, base, opaque);
}

int bus_unregister_mmio(uint64_t base, void *opaque)
{
	return bus_remove(&mmio_bus, base, opaque);
}

void bus_dispatch_pio(uint16_t port, void *data, unsigned int size, bool is_write)
{
	bus_dispatch(&pio_bus, port, data, size, is_write);
}

void bus_dispatch_mmio(uint64_t addr, void *data, unsigned int size, bool is_write)
{
	bus_dispatch(&mmio_bus, addr, data, size, is_write);
}

#ifdef LG_UNIT_TEST
/* Each test case starts from an empty machine. */
void bus_reset(void)
{
	pio_bus.n = 0;
	mmio_bus.n = 0;
}
#endif
