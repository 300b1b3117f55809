/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM as the devices see it: guest memory, interrupt delivery to the
 * local APIC in the lg module, and asking the launcher to stop.
 */
#ifndef LG_VM_H
#define LG_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "lguest.h"

/*
 * A host pointer to [gpa, gpa + len) of guest RAM, or NULL when any part
 * of it is not guest RAM.  Everything the guest hands a device goes
 * through here before it is touched.
 */
void *guest_ptr(uint64_t gpa, uint64_t len);

/*
 * Deliver @vector (fixed, edge) to the vCPU with APIC id @dest; @vector
 * may carry LG_INTERRUPT_LOGICAL and LG_INTERRUPT_LOWEST (lguest.h).
 */
void vm_interrupt(uint32_t dest, uint32_t vector);

/*
 * A message-signalled interrupt source (an MSI-X vector): fd -1 until
 * vm_msi() first fires it.  vm_msi() delivers @vector to @dest through
 * the module's irqfd when it has one, else through LG_INTERRUPT.  One
 * thread at a time per source.
 */
struct vm_msi {
	int fd;
	bool routed;
	uint32_t dest, vector;
};
void vm_msi(struct vm_msi *msi, uint32_t dest, uint32_t vector);

/*
 * With the module's ioeventfd, a guest write of @len bytes at @gpa
 * signals the eventfd @fd without an exit (or no longer does, !@assign).
 * Without it the write reaches the bus as any other; callers handle
 * both.
 */
void vm_ioeventfd(uint64_t gpa, unsigned int len, int fd, bool assign);

/*
 * Stop the guest and make lguest-launch exit with @status once the
 * current exit is completed (i8042 reset: 0, debug-exit port: its value).
 */
void vm_request_exit(int status);

#endif /* LG_VM_H */
