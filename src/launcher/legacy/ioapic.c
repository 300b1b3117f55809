// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOAPIC: how the UART's IRQ 4 reaches the guest.
 *
 * Linux's 8250 driver refuses to open a port whose IRQ has no route, and
 * with x2APIC and no PIC the only route is an IOAPIC.  The MP table puts
 * one at 0xFEC00000 with ISA IRQ n on pin n, edge-triggered, active high.
 * Linux programs the redirection entries; when a device raises a pin we
 * turn the entry into (destination, vector) and hand it to the module's
 * local APIC with vm_interrupt().  Everything else in the chip (polarity,
 * delivery status, arbitration) only needs to read back what was written.
 *
 * Linux in x2APIC mode without interrupt remapping uses physical
 * destination mode, in xAPIC mode logical mode; the destination (bits
 * 56..63), its mode and lowest priority go to the module as they are
 * (vm_interrupt()).  NMI, SMI, INIT and ExtINT are dropped, with a
 * warning once.
 *
 * Level-triggered pins keep their line level and Remote IRR; version
 * 0x11 has no EOI register, so Linux clears Remote IRR by briefly
 * reprogramming the entry as edge-triggered, which we honour.  The EOI
 * register of later versions (0x40) is accepted as well.  Registers are
 * 32 bits wide; other widths are treated as parts of the 32-bit word.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "vm.h"
#include "legacy.h"

#define IOAPIC_SIZE		0x1000
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WIN		0x10
#define IOAPIC_EOI		0x40

#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDIR	0x10
#define IOAPIC_VERSION		0x11

#define RTE_VECTOR		0x000000ffULL
#define RTE_DELMODE		0x00000700ULL
#define RTE_DESTMODE_LOGICAL	(1ULL << 11)
#define RTE_DELIVS		(1ULL << 12)
#define RTE_POLARITY_LOW	(1ULL << 13)
#define RTE_REMOTE_IRR		(1ULL << 14)
#define RTE_LEVEL		(1ULL << 15)
#define RTE_MASKED		(1ULL << 16)
#define RTE_DEST_SHIFT		56
/* Delivery status and Remote IRR belong to the chip, not the guest. */
#define RTE_RO			(RTE_DELIVS | RTE_REMOTE_IRR)
#define RTE_WRITABLE		(0xff00000000000000ULL | 0x1ffffULL)

#define DELMODE_FIXED		0
#define DELMODE_LOWEST		1

static struct ioapic {
	pthread_mutex_t lock;
	uint32_t regsel;
	uint32_t id;
	uint64_t rte[IOAPIC_PINS];
	bool level[IOAPIC_PINS];
	bool warned;
} ioapic = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void ioapic_warn_once(unsigned int pin, uint64_t rte, const char *what)
{
	if (ioapic.warned)
		return;
	ioapic.warned = true;
	fprintf(stderr, "lguest: IOAPIC pin %u: %s not supported (entry %#llx), %s\n",
		pin, what, (unsigned long long)rte, "interrupt dropped");
}

/* Send pin's interrupt to the local APIC.  Called with the lock held. */
static void ioapic_deliver(unsigned int pin)
{
	uint64_t rte = ioapic.rte[pin];
	uint32_t dest = rte >> RTE_DEST_SHIFT;
	uint32_t vector = rte & RTE_VECTOR;
	unsigned int mode = (rte & RTE_DELMODE) >> 8;

	if (mode != DELMODE_FIXED && mode != DELMODE_LOWEST) {
		ioapic_warn_once(pin, rte, "delivery mode");
		return;
	}
	if (vector < 16) {
		ioapic_warn_once(pin, rte, "vector below 16");
		return;
	}
	if (rte & RTE_DESTMODE_LOGICAL)
		vector |= LG_INTERRUPT_LOGICAL;
	if (mode == DELMODE_LOWEST)
		vector |= LG_INTERRUPT_LOWEST;
	if (rte & RTE_LEVEL)
		ioapic.rte[pin] |= RTE_REMOTE_IRR;
	vm_interrupt(dest, vector);
}

/* A level-triggered pin fires while its line is high and not in service. */
static void ioapic_check_level(unsigned int pin)
{
	uint64_t rte = ioapic.rte[pin];

	if ((rte & RTE_LEVEL) && !(rte & (RTE_MASKED | RTE_REMOTE_IRR)) &&
	    ioapic.level[pin])
		ioapic_deliver(pin);
}

void ioapic_raise(unsigned int pin)
{
	if (pin >= IOAPIC_PINS)
		return;
	pthread_mutex_lock(&ioapic.lock);
	if (!(ioapic.rte[pin] & (RTE_MASKED | RTE_REMOTE_IRR)))
		ioapic_deliver(pin);
	pthread_mutex_unlock(&ioapic.lock);
}

void ioapic_set_level(unsigned int pin, bool level)
{
	bool rising;

	if (pin >= IOAPIC_PINS)
		return;
	pthread_mutex_lock(&ioapic.lock);
	rising = level && !ioapic.level[pin];
	ioapic.level[pin] = level;
	if (ioapic.rte[pin] & RTE_LEVEL)
		ioapic_check_level(pin);
	else if (rising && !(ioapic.rte[pin] & RTE_MASKED))
		ioapic_deliver(pin);
	pthread_mutex_unlock(&ioapic.lock);
}

static uint32_t ioapic_read_reg(uint32_t reg)
{
	unsigned int pin;

	switch (reg) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return ioapic.id;
	case IOAPIC_REG_VER:
		return IOAPIC_VERSION | ((IOAPIC_PINS - 1) << 16);
	}
	if (reg < IOAPIC_REG_REDIR || reg >= IOAPIC_REG_REDIR + 2 * IOAPIC_PINS)
		return 0;
	pin = (reg - IOAPIC_REG_REDIR) / 2;
	return reg & 1 ? ioapic.rte[pin] >> 32 : (uint32_t)ioapic.rte[pin];
}

static void ioapic_write_reg(uint32_t reg, uint32_t val)
{
	unsigned int pin;
	uint64_t rte;

	if (reg == IOAPIC_REG_ID) {
		ioapic.id = val & 0x0f000000;
		return;
	}
	if (reg < IOAPIC_REG_REDIR || reg >= IOAPIC_REG_REDIR + 2 * IOAPIC_PINS)
		return;

	pin = (reg - IOAPIC_REG_REDIR) / 2;
	rte = ioapic.rte[pin];
	if (reg & 1)
		rte = (rte & 0xffffffffULL) | (uint64_t)val << 32;
	else
		rte = (rte & ~0xffffffffULL) | val;
	rte = (rte & RTE_WRITABLE & ~RTE_RO) | (ioapic.rte[pin] & RTE_RO);
	/* Edge mode has no Remote IRR: the version 0x11 way to EOI a pin. */
	if (!(rte & RTE_LEVEL))
		rte &= ~RTE_REMOTE_IRR;
	ioapic.rte[pin] = rte;
	ioapic_check_level(pin);
}

static void ioapic_eoi(uint32_t vector)
{
	unsigned int pin;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		if ((ioapic.rte[pin] & RTE_VECTOR) != (vector & 0xff) ||
		    !(ioapic.rte[pin] & RTE_REMOTE_IRR))
			continue;
		ioapic.rte[pin] &= ~RTE_REMOTE_IRR;
		ioapic_check_level(pin);
	}
}

static void ioapic_mmio(void *opaque, uint64_t offset, void *data,
			unsigned int size, bool is_write)
{
	unsigned int shift = (offset & 3) * 8;
	uint64_t reg = offset & ~3ULL;
	uint32_t val = 0;

	if (size > 4 || (offset & 3) + size > 4) {
		/* Not something a driver does: drop it, read all ones. */
		if (!is_write)
			memset(data, 0xff, size);
		return;
	}

	pthread_mutex_lock(&ioapic.lock);
	if (is_write) {
		memcpy(&val, data, size);
		val <<= shift;
		switch (reg) {
		case IOAPIC_REGSEL:
			if (shift == 0)
				ioapic.regsel = val & 0xff;
			break;
		case IOAPIC_WIN:
			/* A partial write keeps the other bytes of the register. */
			if (size < 4) {
				uint32_t mask = ((1ULL << (8 * size)) - 1) << shift;

				val = (ioapic_read_reg(ioapic.regsel) & ~mask) | (val & mask);
			}
			ioapic_write_reg(ioapic.regsel, val);
			break;
		case IOAPIC_EOI:
			ioapic_eoi(val);
			break;
		}
	} else {
		switch (reg) {
		case IOAPIC_REGSEL:
			val = ioapic.regsel;
			break;
		case IOAPIC_WIN:
			val = ioapic_read_reg(ioapic.regsel);
			break;
		}
		val >>= shift;
		memcpy(data, &val, size);
	}
	pthread_mutex_unlock(&ioapic.lock);
}

int ioapic_init(unsigned int id)
{
	unsigned int pin;

	pthread_mutex_lock(&ioapic.lock);
	ioapic.regsel = 0;
	ioapic.id = (id & 0xf) << 24;
	ioapic.warned = false;
	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		ioapic.rte[pin] = RTE_MASKED;
		ioapic.level[pin] = false;
	}
	pthread_mutex_unlock(&ioapic.lock);
	return bus_register_mmio(IOAPIC_BASE, IOAPIC_SIZE, ioapic_mmio, NULL);
}
