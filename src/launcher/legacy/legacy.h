/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The legacy PC devices a Linux guest expects to find at fixed addresses:
 * the 8250 UART, the i8042 (for reset), the CMOS RTC, the IOAPIC that
 * routes the UART's IRQ, PCI configuration space, a debug-exit port and a
 * test window of device memory.
 * Each lives in its own file and registers itself on the bus in its
 * *_init(); this header is all the launcher core needs to know of them.
 *
 * Order: ioapic_init() first (others raise its pins), then the rest in
 * any order, before the first vCPU runs.  serial_start() once the VM can
 * take interrupts (vm_interrupt() works); serial_exit() once the guest
 * has stopped.  Buffered serial output is also flushed from atexit().
 */
#ifndef LG_LEGACY_H
#define LG_LEGACY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* IOAPIC at 0xFEC00000: 24 pins, ISA IRQ n on pin n. */
#define IOAPIC_BASE		0xfec00000ULL
#define IOAPIC_PINS		24

/* @id: the IOAPIC id the MP table gives (it follows the last CPU). */
int ioapic_init(unsigned int id);
/* An edge on @pin (what every ISA device does). Any thread. */
void ioapic_raise(unsigned int pin);
/* A level-triggered source: drive @pin to @level. Any thread. */
void ioapic_set_level(unsigned int pin, bool level);

/*
 * The 16550A at 0x3F8, IRQ 4.  Output goes to @out_fd; input comes from
 * @in_fd (-1 for none) through a reader thread that serial_start()
 * creates; it reads only while the guest has RX interrupts enabled, so
 * input waits in @in_fd until the guest opens ttyS0, and stops at EOF.
 * serial_flush() writes out buffered output (any thread; also run from
 * atexit()).  serial_exit() stops the reader thread and flushes.
 */
#define SERIAL_PORT		0x3f8
#define SERIAL_IRQ		4

int serial_init(int in_fd, int out_fd);
int serial_start(void);
void serial_flush(void);
void serial_exit(void);
#ifdef LG_UNIT_TEST
bool serial_input_done(void);
#endif

/* i8042 at 0x60/0x64: enough of it for reboot=k (exit status 0). */
int i8042_init(void);

/* CMOS RTC at 0x70/0x71, host UTC time. */
int rtc_init(void);
#ifdef LG_UNIT_TEST
void rtc_set_time_source(time_t (*now)(void));
#endif

/*
 * Port 0x501: the guest writes V, lguest-launch exits with V & 0xff.
 * Ports 0xf4-0xf7, QEMU's isa-debug-exit: it exits with (V << 1) | 1.
 */
#define DEBUG_EXIT_PORT		0x501
#define ISA_DEBUG_EXIT_PORT	0xf4
int debug_exit_init(void);

/* A page of device memory that reads back what was written (testdev.c). */
#define TESTDEV_BASE		0xfeb00000ULL
#define TESTDEV_SIZE		0x1000U
int testdev_init(void);

/*
 * PCI configuration mechanism #1 (0xCF8/0xCFC) with a host bridge at
 * 00:00.0.  Devices sit on bus 0, function 0, slots 1..31.
 *
 * A device fills in @cfg (at least vendor, device, class) and @wmask
 * (1 bits are writable by the guest; pci_dev_init() sets the usual
 * command/cache-line/latency/interrupt-line ones), places its BARs with
 * pci_set_bar() at addresses it chose and registered on the bus itself,
 * adds capabilities with pci_add_cap() and calls pci_register_device().
 * pci_dev_init() clears the whole struct: set the hooks after it.
 * The guest sizes BARs the usual way (write all ones, read back) through
 * @wmask.  The optional hooks run under the PCI lock: cfg_read before a
 * read is served from @cfg (to refresh dynamic fields), cfg_write after a
 * write was merged into @cfg (to act on it, e.g. a moved BAR or the
 * MSI-X enable bit).  @off and @size describe the guest's access.
 */
#define PCI_CFG_SIZE		256
#define PCI_MAX_SLOTS		32

#define PCI_BAR_MEM32		0x0
#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM64		0x4
#define PCI_BAR_PREFETCH	0x8

struct pci_dev {
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];
	void (*cfg_read)(struct pci_dev *dev, unsigned int off, unsigned int size);
	void (*cfg_write)(struct pci_dev *dev, unsigned int off, unsigned int size);
	void *opaque;
	uint8_t next_cap;	/* private to pci.c: where pci_add_cap() goes */
};

int pci_init(void);
void pci_dev_init(struct pci_dev *dev, uint16_t vendor, uint16_t device,
		  uint32_t class_code, uint8_t revision);
int pci_set_bar(struct pci_dev *dev, unsigned int bar, uint64_t addr,
		uint64_t size, unsigned int flags);
/*
 * Appends a capability of @len bytes (its ID and next bytes included) to
 * the list; returns its offset in @cfg, or -errno.  The caller fills in
 * the body and the wmask of any writable fields.
 */
int pci_add_cap(struct pci_dev *dev, uint8_t id, unsigned int len);
int pci_register_device(struct pci_dev *dev, unsigned int slot);
uint64_t pci_alloc_mmio(uint64_t size);

/* pvpanic-pci (1b36:0011): a guest kernel panic stops the launcher. */
int pvpanic_init(unsigned int slot);

/* Little-endian helpers for config space, shared with PCI devices. */
static inline uint32_t pci_cfg_get(const struct pci_dev *dev, unsigned int off,
				   unsigned int size)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)dev->cfg[off + i] << (8 * i);
	return v;
}

static inline void pci_cfg_set(struct pci_dev *dev, unsigned int off,
			       unsigned int size, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		dev->cfg[off + i] = v >> (8 * i);
}

#endif /* LG_LEGACY_H */
