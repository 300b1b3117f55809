// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI configuration space: how a guest finds our virtio devices.
 *
 * Configuration mechanism #1, as on every PC: the guest writes a bus,
 * device, function and register to the address port 0xCF8 (32-bit
 * accesses only; bit 31 enables) and then reads or writes 1, 2 or 4
 * bytes at 0xCFC..0xCFF.  There is one bus with one function per slot:
 * the host bridge at 00:00.0 (QEMU's 1b36:0008, class 0x060000, so that
 * Linux's sanity check of mechanism #1 finds a host bridge) and whatever
 * devices register themselves in slots 1..31.  Everything else reads as
 * all ones, which is how an empty slot answers.
 *
 * A device is 256 bytes of config space plus a mask of the bits the
 * guest may write; everything the guest sees is in those two arrays.
 * BARs need no special code: their address bits are writable down to
 * the BAR's size, so the classic sizing dance (write all ones, read back
 * ~(size - 1) | flags, restore) just works.  BAR addresses are chosen by
 * the caller, which also registers the BAR's range on the bus; a guest
 * that moves a BAR is told through the device's cfg_write hook.
 * Capabilities (MSI-X for virtio) go into the list with pci_add_cap().
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "boot/layout.h"
#include "bus.h"
#include "legacy.h"

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc

#define CFG_ENABLE		0x80000000u
#define CFG_EXT_REG		0x0f000000u	/* AMD's extended registers */
#define CFG_ADDR_MASK		(CFG_ENABLE | CFG_EXT_REG | 0x00fffffcu)

#define PCI_VENDOR_ID		0x00
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_CACHE_LINE_SIZE	0x0c
#define PCI_LATENCY_TIMER	0x0d
#define PCI_HEADER_TYPE		0x0e
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_CAP_START		0x40

#define PCI_STATUS_CAP_LIST	0x10
/* I/O, memory, bus master, SERR, INTx disable. */
#define PCI_COMMAND_WMASK	0x0547

static struct pci {
	pthread_mutex_t lock;
	uint32_t addr;
	struct pci_dev *slot[PCI_MAX_SLOTS];
	struct pci_dev host_bridge;
	uint64_t mmio_next;	/* pci_alloc_mmio() hands out from here up */
} pci = { .lock = PTHREAD_MUTEX_INITIALIZER };

void pci_dev_init(struct pci_dev *dev, uint16_t vendor, uint16_t device,
		  uint32_t class_code, uint8_t revision)
{
	memset(dev, 0, sizeof(*dev));
	pci_cfg_set(dev, PCI_VENDOR_ID, 2, vendor);
	pci_cfg_set(dev, PCI_VENDOR_ID + 2, 2, device);
	pci_cfg_set(dev, PCI_REVISION_ID, 1, revision);
	pci_cfg_set(dev, PCI_CLASS_PROG, 3, class_code);

	dev->wmask[PCI_COMMAND] = PCI_COMMAND_WMASK & 0xff;
	dev->wmask[PCI_COMMAND + 1] = PCI_COMMAND_WMASK >> 8;
	dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	dev->wmask[PCI_LATENCY_TIMER] = 0xff;
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
	dev->next_cap = PCI_CAP_START;
}

static void pci_wmask_set(struct pci_dev *dev, unsigned int off, uint32_t mask)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		dev->wmask[off + i] = mask >> (8 * i);
}

int pci_set_bar(struct pci_dev *dev, unsigned int bar, uint64_t addr,
		uint64_t size, unsigned int flags)
{
	bool is64 = flags & PCI_BAR_MEM64;
	bool io = flags & PCI_BAR_IO;
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint64_t mask = ~(size - 1);

	if (bar > 5 || (is64 && bar > 4) || (io && (is64 || flags & PCI_BAR_PREFETCH)))
		return -EINVAL;
	if (size & (size - 1) || size < (io ? 4 : 16) || addr & (size - 1) ||
	    (!is64 && (addr + size - 1) >> 32))
		return -EINVAL;

	pci_cfg_set(dev, off, 4, (uint32_t)addr | flags);
	pci_wmask_set(dev, off, (uint32_t)mask & (io ? ~3u : ~15u));
	if (is64) {
		pci_cfg_set(dev, off + 4, 4, addr >> 32);
		pci_wmask_set(dev, off + 4, mask >> 32);
	}
	return 0;
}

int pci_add_cap(struct pci_dev *dev, uint8_t id, unsigned int len)
{
	unsigned int off = dev->next_cap, p;

	if (len < 2 || off + len > PCI_CFG_SIZE)
		return -ENOSPC;
	dev->cfg[off] = id;
	dev->cfg[off + 1] = 0;

	if (!(dev->cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
		dev->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
		dev->cfg[PCI_CAPABILITY_LIST] = off;
	} else {
		for (p = dev->cfg[PCI_CAPABILITY_LIST]; dev->cfg[p + 1]; p = dev->cfg[p + 1])
			;
		dev->cfg[p + 1] = off;
	}
	dev->next_cap = (off + len + 3) & ~3u;
	return off;
}

int pci_register_device(struct pci_dev *dev, unsigned int slot)
{
	int err = 0;

	if (slot >= PCI_MAX_SLOTS)
		return -EINVAL;
	pthread_mutex_lock(&pci.lock);
	if (pci.slot[slot])
		err = -EBUSY;
	else
		pci.slot[slot] = dev;
	pthread_mutex_unlock(&pci.lock);
	return err;
}

/* The device and register the address port points at, or NULL. */
static struct pci_dev *pci_target(unsigned int *reg)
{
	uint32_t a = pci.addr;

	/* Bus 0 only, function 0 only, no extended registers. */
	if (!(a & CFG_ENABLE) || a & (CFG_EXT_REG | 0x00ff0700))
		return NULL;
	*reg = a & 0xfc;
	return pci.slot[(a >> 11) & 0x1f];
}

static void pci_data_io(void *opaque, uint64_t offset, void *data,
			unsigned int size, bool is_write)
{
	struct pci_dev *dev;
	unsigned int reg = 0, i;
	uint32_t val = 0;

	pthread_mutex_lock(&pci.lock);
	dev = offset + size <= 4 ? pci_target(&reg) : NULL;
	if (!dev) {
		if (!is_write)
			memset(data, 0xff, size);
		goto out;
	}
	reg += offset;

	if (is_write) {
		memcpy(&val, data, size);
		for (i = 0; i < size; i++, val >>= 8)
			dev->cfg[reg + i] = (dev->cfg[reg + i] & ~dev->wmask[reg + i]) |
					    (val & dev->wmask[reg + i]);
		if (dev->cfg_write)
			dev->cfg_write(dev, reg, size);
	} else {
		if (dev->cfg_read)
			dev->cfg_read(dev, reg, size);
		val = pci_cfg_get(dev, reg, size);
		memcpy(data, &val, size);
	}
out:
	pthread_mutex_unlock(&pci.lock);
}

static void pci_addr_io(void *opaque, uint64_t offset, void *data,
			unsigned int size, bool is_write)
{
	uint32_t val;

	/* Byte accesses here are other chipset registers: not ours. */
	if (offset != 0 || size != 4) {
		if (!is_write)
			memset(data, 0xff, size);
		return;
	}
	pthread_mutex_lock(&pci.lock);
	if (is_write) {
		memcpy(&val, data, 4);
		pci.addr = val & CFG_ADDR_MASK;
	} else {
		memcpy(data, &pci.addr, 4);
	}
	pthread_mutex_unlock(&pci.lock);
}

/*
 * Room for a BAR of @size bytes (a power of two, naturally aligned) in the
 * window between the top of low RAM and the IOAPIC; 0 when it is full.
 */
uint64_t pci_alloc_mmio(uint64_t size)
{
	uint64_t addr = (pci.mmio_next + size - 1) & ~(size - 1);

	if (addr + size > LAYOUT_PCI_MMIO_END || addr + size < addr)
		return 0;
	pci.mmio_next = addr + size;
	return addr;
}

int pci_init(void)
{
	int err;

	pthread_mutex_lock(&pci.lock);
	pci.addr = 0;
	pci.mmio_next = LAYOUT_PCI_MMIO;
	memset(pci.slot, 0, sizeof(pci.slot));
	pci_dev_init(&pci.host_bridge, 0x1b36, 0x0008, 0x060000, 0);
	pci.slot[0] = &pci.host_bridge;
	pthread_mutex_unlock(&pci.lock);

	err = bus_register_pio(PCI_CONFIG_ADDRESS, 4, pci_addr_io, NULL);
	if (err)
		return err;
	return bus_register_pio(PCI_CONFIG_DATA, 4, pci_data_io, NULL);
}
