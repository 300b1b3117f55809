/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the legacy device tests share: doubles of the launcher core's
 * vm.h (they record interrupts and exit requests instead of reaching a
 * VM) and helpers that access devices through the bus dispatch functions,
 * exactly as the vCPU loop does with an exit record.
 */
#ifndef TEST_LEGACY_VM_H
#define TEST_LEGACY_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "vm.h"

struct test_irq {
	uint32_t dest;
	uint32_t vector;
};

/* bus.c's test hook: forget every registration. */
void bus_reset(void);

void test_vm_reset(void);
unsigned int test_irq_count(void);
struct test_irq test_irq_get(unsigned int i);
unsigned int test_exit_count(void);
int test_exit_status(void);

uint32_t test_in(uint16_t port, unsigned int size);
void test_out(uint16_t port, unsigned int size, uint32_t val);
uint64_t test_mmio_read(uint64_t addr, unsigned int size);
void test_mmio_write(uint64_t addr, unsigned int size, uint64_t val);

#endif /* TEST_LEGACY_VM_H */
