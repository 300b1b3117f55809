// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doubles of the launcher core (vm.h) for the legacy device tests, and
 * bus access helpers.  Interrupts may come from the serial reader thread,
 * so the records are behind a mutex.
 */
#include <pthread.h>
#include <string.h>

#include "test_legacy_vm.h"

#define MAX_IRQS	1024

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct test_irq irqs[MAX_IRQS];
static unsigned int nr_irqs, nr_exits;
static int exit_status = -1;

void *guest_ptr(uint64_t gpa, uint64_t len)
{
	return NULL;
}

void vm_interrupt(uint32_t dest, uint32_t vector)
{
	pthread_mutex_lock(&lock);
	if (nr_irqs < MAX_IRQS)
		irqs[nr_irqs] = (struct test_irq){ dest, vector };
	nr_irqs++;
	pthread_mutex_unlock(&lock);
}

void vm_request_exit(int status)
{
	pthread_mutex_lock(&lock);
	nr_exits++;
	exit_status = status;
	pthread_mutex_unlock(&lock);
}

void test_vm_reset(void)
{
	pthread_mutex_lock(&lock);
	nr_irqs = 0;
	nr_exits = 0;
	exit_status = -1;
	pthread_mutex_unlock(&lock);
}

unsigned int test_irq_count(void)
{
	unsigned int n;

	pthread_mutex_lock(&lock);
	n = nr_irqs;
	pthread_mutex_unlock(&lock);
	return n;
}

struct test_irq test_irq_get(unsigned int i)
{
	struct test_irq irq = { ~0u, ~0u };

	pthread_mutex_lock(&lock);
	if (i < nr_irqs && i < MAX_IRQS)
		irq = irqs[i];
	pthread_mutex_unlock(&lock);
	return irq;
}

unsigned int test_exit_count(void)
{
	unsigned int n;

	pthread_mutex_lock(&lock);
	n = nr_exits;
	pthread_mutex_unlock(&lock);
	return n;
}

int test_exit_status(void)
{
	int s;

	pthread_mutex_lock(&lock);
	s = exit_status;
	pthread_mutex_unlock(&lock);
	return s;
}

/* Like the run page: a 32-bit data field, the low @size bytes used. */
uint32_t test_in(uint16_t port, unsigned int size)
{
	uint32_t data = 0x5a5a5a5a;

	bus_dispatch_pio(port, &data, size, false);
	return size == 4 ? data : data & ((1u << (8 * size)) - 1);
}

void test_out(uint16_t port, unsigned int size, uint32_t val)
{
	bus_dispatch_pio(port, &val, size, true);
}

uint64_t test_mmio_read(uint64_t addr, unsigned int size)
{
	uint64_t data = 0x5a5a5a5a5a5a5a5aULL;

	bus_dispatch_mmio(addr, &data, size, false);
	return size == 8 ? data : data & ((1ULL << (8 * size)) - 1);
}

void test_mmio_write(uint64_t addr, unsigned int size, uint64_t val)
{
	bus_dispatch_mmio(addr, &val, size, true);
}
