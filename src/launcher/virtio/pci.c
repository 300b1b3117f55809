// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-pci, modern only (virtio 1.x, section 4.1): the transport that
 * lets a stock Linux find our devices.
 *
 * Each device is a PCI function with vendor 0x1AF4, device 0x1040 + its
 * virtio ID and revision 1, and two memory BARs:
 *
 *	BAR0 (16 KiB)	0x0000 common config	0x1000 ISR
 *			0x2000 device config	0x3000 notify, 4 bytes a queue
 *	BAR1 (4 KiB)	the MSI-X table at 0, its pending bits at 0x800
 *
 * which the vendor capabilities and the MSI-X capability point at, and a
 * VIRTIO_PCI_CAP_PCI_CFG window into them through config space.  The
 * BARs follow the guest: while the memory bit of the command register is
 * set, each is on the bus at the address the guest last wrote, and
 * nowhere otherwise (Linux clears the bit while it sizes BARs).
 *
 * A notify write signals the queue's eventfd, which the device's thread
 * polls; with the module's ioeventfd the write completes in lg without
 * reaching us at all.  The thread then calls the back-end, which pushes
 * used buffers and interrupts through MSI-X.  Only the driver's
 * register accesses run on the vCPU thread.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "bus.h"
#include "legacy/legacy.h"
#include "vm.h"
#include "virtio/msix.h"
#include "virtio/virtio.h"

#define BAR0_SIZE		0x4000
#define BAR_COMMON		0x0000
#define BAR_ISR			0x1000
#define BAR_DEVICE		0x2000
#define BAR_NOTIFY		0x3000
#define NOTIFY_MULTIPLIER	4
#define ISR_QUEUE		0x1
#define ISR_CONFIG		0x2

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	0x2
#define PCI_BAR0		0x10
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_MSIX		0x11
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_MASKALL	0x4000

#define MAX_DEVICES		16	/* console, entropy, 8 disks, 4 NICs */

struct virtio_pci {
	struct pci_dev pci;
	struct virtio_dev *dev;
	struct msix msix;
	unsigned int msix_cap;		/* its offset in config space */
	unsigned int window_cap;	/* the PCI_CFG capability's */
	uint64_t bar_size[2];
	uint64_t bar_mapped[2];		/* where it is on the bus, 0 if not */
	uint32_t device_feature_select, driver_feature_select;
	uint16_t queue_select;
	pthread_t thread;
	int wake_fd;			/* makes the thread look again */
	struct virtq_elem elem;		/* virtio_serve()'s */
	uint64_t user_exits;		/* register accesses, for --verbose */
};

static struct virtio_dev *devices[MAX_DEVICES];
static unsigned int nr_devices;

bool virtio_dev_running(const struct virtio_dev *dev)
{
	return (dev->status & VIRTIO_CONFIG_S_DRIVER_OK) && !dev->broken;
}

static void virtio_wake(struct virtio_dev *dev)
{
	uint64_t one = 1;

	if (write(dev->pci->wake_fd, &one, sizeof(one)) < 0)
		perror("lguest-launch: waking a device thread");
}

void virtio_dev_poll_changed(struct virtio_dev *dev)
{
	virtio_wake(dev);
}

void virtio_queue_interrupt(struct virtio_dev *dev, unsigned int q)
{
	struct virtqueue *vq = &dev->vq[q];

	if (!vq_should_interrupt(vq))
		return;
	dev->isr |= ISR_QUEUE;
	msix_notify(&dev->pci->msix, vq->msix_vector);
}

void virtio_config_changed(struct virtio_dev *dev)
{
	dev->config_generation++;
	dev->isr |= ISR_CONFIG;
	if (dev->status & VIRTIO_CONFIG_S_DRIVER_OK)
		msix_notify(&dev->pci->msix, dev->config_msix_vector);
}

void virtio_dev_broken(struct virtio_dev *dev, const char *fmt, ...)
{
	va_list ap;

	if (dev->broken)
		return;
	dev->broken = true;
	fprintf(stderr, "lguest-launch: %s: ", dev->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; the device needs a reset\n", stderr);
	dev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	virtio_config_changed(dev);
}

static uint16_t queue_max(const struct virtio_dev *dev, unsigned int q)
{
	return dev->queue_max_size[q] ? dev->queue_max_size[q] : VIRTIO_QUEUE_MAX_SIZE;
}

static void virtio_reset(struct virtio_dev *dev)
{
	unsigned int i;
	uint64_t n;

	dev->status = 0;
	dev->driver_features = 0;
	dev->config_msix_vector = VIRTIO_MSI_NO_VECTOR;
	dev->isr = 0;
	dev->broken = false;
	for (i = 0; i < dev->num_queues; i++) {
		vq_reset(&dev->vq[i]);
		dev->vq[i].size = queue_max(dev, i);	/* the driver may lower it */
		/* Kicks from before the reset mean nothing now. */
		if (read(dev->vq[i].kick_fd, &n, sizeof(n)) < 0)
			n = 0;
	}
	if (dev->ops->reset)
		dev->ops->reset(dev);
}

static uint64_t offered_features(const struct virtio_dev *dev)
{
	return dev->features | 1ull << VIRTIO_F_VERSION_1 |
	       1ull << VIRTIO_RING_F_INDIRECT_DESC | 1ull << VIRTIO_RING_F_EVENT_IDX;
}

static void set_status(struct virtio_dev *dev, uint8_t status)
{
	uint64_t features = dev->driver_features;
	uint8_t old = dev->status;

	if (!status) {
		virtio_reset(dev);
		return;
	}
	/* FEATURES_OK sticks only for features we offered, VERSION_1 among them. */
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) && !(old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((features & ~offered_features(dev)) ||
	     !(features & (1ull << VIRTIO_F_VERSION_1))))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	dev->status = status | (old & VIRTIO_CONFIG_S_NEEDS_RESET);
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_DRIVER_OK)) {
		if (dev->ops->start)
			dev->ops->start(dev);
		virtio_wake(dev);	/* requests may be waiting already */
	}
}

static void enable_queue(struct virtio_dev *dev, unsigned int q)
{
	struct virtqueue *vq = &dev->vq[q];

	if (vq->enabled)
		return;
	vq->event_idx = dev->driver_features & (1ull << VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = dev->driver_features & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
	if (!vq_setup(vq)) {
		virtio_dev_broken(dev, "queue %u's rings (size %u) are not in guest RAM or misaligned",
				  q, vq->size);
		return;
	}
	vq->enabled = true;
	virtio_wake(dev);
}

/* Reads (@val is NULL) or writes 32 bits of a 64-bit field. */
static uint32_t half64(uint64_t *field, uint64_t off, const uint32_t *val)
{
	unsigned int shift = off & 4 ? 32 : 0;

	if (val)
		*field = (*field & ~(0xffffffffull << shift)) | (uint64_t)*val << shift;
	return *field >> shift;
}

/* The common configuration structure, field by field. */
static void common_read(struct virtio_dev *dev, uint64_t off, uint32_t *v)
{
	struct virtio_pci *vp = dev->pci;
	struct virtqueue *vq = vp->queue_select < dev->num_queues ?
			       &dev->vq[vp->queue_select] : NULL;

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		*v = vp->device_feature_select;
		break;
	case VIRTIO_PCI_COMMON_DF:
		*v = vp->device_feature_select < 2 ?
		     offered_features(dev) >> (32 * vp->device_feature_select) : 0;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		*v = vp->driver_feature_select;
		break;
	case VIRTIO_PCI_COMMON_GF:
		*v = vp->driver_feature_select < 2 ?
		     dev->driver_features >> (32 * vp->driver_feature_select) : 0;
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		*v = dev->config_msix_vector;
		break;
	case VIRTIO_PCI_COMMON_NUMQ:
		*v = dev->num_queues;
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		*v = dev->status;
		break;
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		*v = dev->config_generation;
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		*v = vp->queue_select;
		break;
	case VIRTIO_PCI_COMMON_Q_SIZE:
		*v = vq ? vq->size : 0;
		break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		*v = vq ? vq->msix_vector : VIRTIO_MSI_NO_VECTOR;
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		*v = vq ? vq->enabled : 0;
		break;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		*v = vq ? vp->queue_select : 0;
		break;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		*v = vq ? half64(&vq->desc_gpa, off, NULL) : 0;
		break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		*v = vq ? half64(&vq->avail_gpa, off, NULL) : 0;
		break;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		*v = vq ? half64(&vq->used_gpa, off, NULL) : 0;
		break;
	}
}

static void common_write(struct virtio_dev *dev, uint64_t off, uint32_t v)
{
	struct virtio_pci *vp = dev->pci;
	struct virtqueue *vq = vp->queue_select < dev->num_queues ?
			       &dev->vq[vp->queue_select] : NULL;
	bool features_open = !(dev->status & VIRTIO_CONFIG_S_FEATURES_OK);
	unsigned int shift;

	/* A queue's set-up is fixed while it is enabled (section 4.1.4.3). */
	if (vq && vq->enabled && off >= VIRTIO_PCI_COMMON_Q_SIZE &&
	    off != VIRTIO_PCI_COMMON_Q_SELECT && off != VIRTIO_PCI_COMMON_Q_NOFF)
		vq = NULL;

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		vp->device_feature_select = v;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		vp->driver_feature_select = v;
		break;
	case VIRTIO_PCI_COMMON_GF:
		if (features_open && vp->driver_feature_select < 2) {
			shift = 32 * vp->driver_feature_select;
			dev->driver_features = (dev->driver_features & ~(0xffffffffull << shift)) |
					       (uint64_t)v << shift;
		}
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		dev->config_msix_vector = v < vp->msix.nr ? v : VIRTIO_MSI_NO_VECTOR;
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		set_status(dev, v);
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		vp->queue_select = v;
		break;
	case VIRTIO_PCI_COMMON_Q_SIZE:
		/* A power of two up to our maximum; anything else keeps the old. */
		if (vq && v && v <= queue_max(dev, vp->queue_select) && !(v & (v - 1)))
			vq->size = v;
		break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		if (vq)
			vq->msix_vector = v < vp->msix.nr ? v : VIRTIO_MSI_NO_VECTOR;
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (vq && v == 1)
			enable_queue(dev, vp->queue_select);
		break;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		if (vq)
			half64(&vq->desc_gpa, off, &v);
		break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		if (vq)
			half64(&vq->avail_gpa, off, &v);
		break;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		if (vq)
			half64(&vq->used_gpa, off, &v);
		break;
	}
}

/* The width of each common-config field, by offset; 0 between fields. */
static unsigned int common_width(uint64_t off)
{
	switch (off) {
	case VIRTIO_PCI_COMMON_STATUS:
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return 1;
	case VIRTIO_PCI_COMMON_MSIX:
	case VIRTIO_PCI_COMMON_NUMQ:
	case VIRTIO_PCI_COMMON_Q_SELECT:
	case VIRTIO_PCI_COMMON_Q_SIZE:
	case VIRTIO_PCI_COMMON_Q_MSIX:
	case VIRTIO_PCI_COMMON_Q_ENABLE:
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return 2;
	case VIRTIO_PCI_COMMON_DFSELECT ... VIRTIO_PCI_COMMON_GF:
	case VIRTIO_PCI_COMMON_Q_DESCLO ... VIRTIO_PCI_COMMON_Q_USEDHI:
		return off & 3 ? 0 : 4;
	}
	return 0;
}

/*
 * Accesses of a field's own width reach it; a 64-bit access to a queue
 * address is its two halves.  Anything else reads as 0 and is dropped.
 */
static void common_access(struct virtio_dev *dev, uint64_t off, uint8_t *data,
			  unsigned int size, bool is_write)
{
	unsigned int w = common_width(off), i;
	uint32_t v;

	if (size == 8 && w == 4 && !(off & 7) && off >= VIRTIO_PCI_COMMON_Q_DESCLO) {
		for (i = 0; i < 2; i++)
			common_access(dev, off + 4 * i, data + 4 * i, 4, is_write);
		return;
	}
	if (!w || size != w) {
		if (!is_write)
			memset(data, 0, size);
		return;
	}
	if (is_write) {
		v = 0;
		memcpy(&v, data, size);
		common_write(dev, off, v);
	} else {
		v = 0;
		common_read(dev, off, &v);
		memcpy(data, &v, size);
	}
}

static void device_cfg_access(struct virtio_dev *dev, uint64_t off, uint8_t *data,
			      unsigned int size, bool is_write)
{
	if (off + size > dev->config_len) {
		if (!is_write)
			memset(data, 0, size);
		return;
	}
	if (!is_write) {
		memcpy(data, dev->config + off, size);
	} else if (dev->ops->config_write) {
		memcpy(dev->config + off, data, size);
		dev->ops->config_write(dev, off, size);
	}
}

/* Without the module's ioeventfd, the notify write reaches us here. */
static void notify_write(struct virtio_dev *dev, uint64_t off, unsigned int size)
{
	unsigned int q = off / NOTIFY_MULTIPLIER;
	uint64_t one = 1;

	if (q < dev->num_queues && size == 2 &&
	    write(dev->vq[q].kick_fd, &one, sizeof(one)) < 0)
		perror("lguest-launch: a queue kick");
}

static void bar0_io(void *opaque, uint64_t off, void *data, unsigned int size,
		    bool is_write)
{
	struct virtio_dev *dev = opaque;

	pthread_mutex_lock(&dev->lock);
	dev->pci->user_exits++;
	if (off < BAR_ISR) {
		common_access(dev, off - BAR_COMMON, data, size, is_write);
	} else if (off < BAR_DEVICE) {
		/* The ISR: reading clears it. */
		if (!is_write) {
			memset(data, 0, size);
			if (off == BAR_ISR) {
				*(uint8_t *)data = dev->isr;
				dev->isr = 0;
			}
		}
	} else if (off < BAR_NOTIFY) {
		device_cfg_access(dev, off - BAR_DEVICE, data, size, is_write);
	} else if (is_write) {
		notify_write(dev, off - BAR_NOTIFY, size);
	} else {
		memset(data, 0, size);
	}
	pthread_mutex_unlock(&dev->lock);
}

static void bar1_io(void *opaque, uint64_t off, void *data, unsigned int size,
		    bool is_write)
{
	struct virtio_dev *dev = opaque;

	pthread_mutex_lock(&dev->lock);
	dev->pci->user_exits++;
	msix_bar_access(&dev->pci->msix, off, data, size, is_write);
	pthread_mutex_unlock(&dev->lock);
}

static void bar_map(struct virtio_dev *dev, unsigned int bar, bool decode)
{
	static const bus_handler_t handler[2] = { bar0_io, bar1_io };
	struct virtio_pci *vp = dev->pci;
	uint64_t addr = pci_cfg_get(&vp->pci, PCI_BAR0 + 4 * bar, 4) & ~0xfull;
	uint64_t size = vp->bar_size[bar];
	unsigned int q;

	if (vp->bar_mapped[bar] && (!decode || addr != vp->bar_mapped[bar])) {
		if (bar == 0)
			for (q = 0; q < dev->num_queues; q++)
				vm_ioeventfd(vp->bar_mapped[0] + BAR_NOTIFY + NOTIFY_MULTIPLIER * q,
					     2, dev->vq[q].kick_fd, false);
		bus_unregister_mmio(vp->bar_mapped[bar], dev);
		vp->bar_mapped[bar] = 0;
	}
	/* Not at 0, and not wrapping past 4 GiB (the sizing value). */
	if (!decode || vp->bar_mapped[bar] || !addr || addr + size > (1ull << 32))
		return;
	/* A BAR on top of another device's decodes nothing, as on a real bus. */
	if (bus_register_mmio(addr, size, handler[bar], dev))
		return;
	vp->bar_mapped[bar] = addr;
	if (bar == 0)
		for (q = 0; q < dev->num_queues; q++)
			vm_ioeventfd(addr + BAR_NOTIFY + NOTIFY_MULTIPLIER * q, 2,
				     dev->vq[q].kick_fd, true);
}

/*
 * The PCI_CFG window: an access to its data field is an access of the
 * capability's length (1, 2 or 4) at its offset in its BAR.
 */
static bool window_hit(const struct virtio_pci *vp, unsigned int off, unsigned int size)
{
	unsigned int data = vp->window_cap + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data);

	return off < data + 4 && off + size > data;
}

static void window_access(struct virtio_dev *dev, bool is_write)
{
	struct virtio_pci *vp = dev->pci;
	struct pci_dev *pci = &vp->pci;
	unsigned int c = vp->window_cap, bar = pci->cfg[c + 4];
	uint32_t off = pci_cfg_get(pci, c + 8, 4), len = pci_cfg_get(pci, c + 12, 4);
	uint8_t *data = &pci->cfg[c + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data)];

	if ((len != 1 && len != 2 && len != 4) || bar > 1 || off & (len - 1) ||
	    off + len > vp->bar_size[bar])
		return;
	(bar ? bar1_io : bar0_io)(dev, off, data, len, is_write);
}

/* Under the PCI lock, before the guest reads config space. */
static void virtio_cfg_read(struct pci_dev *pci, unsigned int off, unsigned int size)
{
	struct virtio_dev *dev = pci->opaque;

	if (window_hit(dev->pci, off, size))
		window_access(dev, false);
}

/* Under the PCI lock, after the guest wrote config space. */
static void virtio_cfg_write(struct pci_dev *pci, unsigned int off, unsigned int size)
{
	struct virtio_dev *dev = pci->opaque;
	struct virtio_pci *vp = dev->pci;
	uint16_t cmd = pci_cfg_get(pci, PCI_COMMAND, 2);
	uint16_t ctrl = pci_cfg_get(pci, vp->msix_cap + 2, 2);
	unsigned int bar;

	if (window_hit(vp, off, size))
		window_access(dev, true);
	pthread_mutex_lock(&dev->lock);
	if (off < PCI_BAR0 + 8 && off + size > PCI_COMMAND)
		for (bar = 0; bar < 2; bar++)
			bar_map(dev, bar, cmd & PCI_COMMAND_MEMORY);
	if (off < vp->msix_cap + 4 && off + size > vp->msix_cap + 2)
		msix_set_control(&vp->msix, ctrl & MSIX_CTRL_ENABLE, ctrl & MSIX_CTRL_MASKALL);
	pthread_mutex_unlock(&dev->lock);
}

/* A vendor capability (virtio_pci_cap) pointing at @len bytes of BAR @bar. */
static int add_virtio_cap(struct pci_dev *pci, uint8_t type, uint8_t bar,
			  uint32_t off, uint32_t len, unsigned int cap_len)
{
	int c = pci_add_cap(pci, PCI_CAP_ID_VNDR, cap_len);

	if (c < 0)
		return c;
	pci->cfg[c + 2] = cap_len;
	pci->cfg[c + 3] = type;
	pci->cfg[c + 4] = bar;
	pci_cfg_set(pci, c + 8, 4, off);
	pci_cfg_set(pci, c + 12, 4, len);
	return c;
}

static int add_caps(struct virtio_dev *dev)
{
	struct virtio_pci *vp = dev->pci;
	struct pci_dev *pci = &vp->pci;
	int c;

	if (add_virtio_cap(pci, VIRTIO_PCI_CAP_COMMON_CFG, 0, BAR_COMMON,
			   sizeof(struct virtio_pci_common_cfg), 16) < 0 ||
	    add_virtio_cap(pci, VIRTIO_PCI_CAP_ISR_CFG, 0, BAR_ISR, 1, 16) < 0 ||
	    (dev->config_len &&
	     add_virtio_cap(pci, VIRTIO_PCI_CAP_DEVICE_CFG, 0, BAR_DEVICE,
			    dev->config_len, 16) < 0))
		return -ENOSPC;
	c = add_virtio_cap(pci, VIRTIO_PCI_CAP_NOTIFY_CFG, 0, BAR_NOTIFY,
			   NOTIFY_MULTIPLIER * dev->num_queues, 20);
	if (c < 0)
		return c;
	pci_cfg_set(pci, c + 16, 4, NOTIFY_MULTIPLIER);

	/* The window: bar, offset, length and data are the driver's to set. */
	c = add_virtio_cap(pci, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0,
			   sizeof(struct virtio_pci_cfg_cap));
	if (c < 0)
		return c;
	vp->window_cap = c;
	pci->wmask[c + 4] = 0xff;
	memset(&pci->wmask[c + 8], 0xff, 12);

	/* MSI-X: a vector per queue and one for config changes. */
	c = pci_add_cap(pci, PCI_CAP_ID_MSIX, 12);
	if (c < 0)
		return c;
	vp->msix_cap = c;
	pci_cfg_set(pci, c + 2, 2, vp->msix.nr - 1);
	pci->wmask[c + 3] = (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8;
	pci_cfg_set(pci, c + 4, 4, MSIX_TABLE_OFFSET | 1);	/* BAR1 */
	pci_cfg_set(pci, c + 8, 4, MSIX_PBA_OFFSET | 1);
	return 0;
}

void virtio_serve(struct virtio_dev *dev, unsigned int q,
		  uint32_t (*fn)(struct virtio_dev *dev, struct virtq_elem *elem))
{
	struct virtqueue *vq = &dev->vq[q];
	struct virtq_elem *elem = &dev->pci->elem;
	const char *why;
	int ret;

	do {
		while ((ret = vq_pop(vq, elem, &why)) > 0)
			vq_push(vq, elem, fn(dev, elem));
		if (ret < 0) {
			virtio_dev_broken(dev, "queue %u: %s", q, why);
			return;
		}
		virtio_queue_interrupt(dev, q);
	} while (vq_wait_for_kicks(vq));
}

/* The device's thread: waits for kicks and the back-end's fds. */
static void *virtio_thread(void *arg)
{
	struct virtio_dev *dev = arg;
	struct pollfd pfd[1 + VIRTIO_MAX_QUEUES + VIRTIO_MAX_FDS];
	unsigned int map[VIRTIO_MAX_QUEUES + VIRTIO_MAX_FDS];
	unsigned int n, i, nq;
	uint64_t count;

	for (;;) {
		pthread_mutex_lock(&dev->lock);
		pfd[0] = (struct pollfd){ .fd = dev->pci->wake_fd, .events = POLLIN };
		n = 1;
		for (i = 0; i < dev->num_queues; i++) {
			if (!dev->vq[i].enabled)
				continue;
			pfd[n] = (struct pollfd){ .fd = dev->vq[i].kick_fd, .events = POLLIN };
			map[n++ - 1] = i;
		}
		nq = n;
		for (i = 0; i < VIRTIO_MAX_FDS; i++) {
			if (!dev->fds[i].events)
				continue;
			pfd[n] = dev->fds[i];
			map[n++ - 1] = i;
		}
		pthread_mutex_unlock(&dev->lock);

		if (poll(pfd, n, -1) < 0)
			continue;

		pthread_mutex_lock(&dev->lock);
		if (pfd[0].revents && read(pfd[0].fd, &count, sizeof(count)) > 0 &&
		    virtio_dev_running(dev)) {
			/* Set-up changed: serve what may be waiting. */
			for (i = 0; i < dev->num_queues; i++)
				if (dev->vq[i].enabled)
					dev->ops->queue_notify(dev, i);
		}
		for (i = 1; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (i < nq) {
				if (read(pfd[i].fd, &count, sizeof(count)) <= 0)
					continue;
				dev->vq[map[i - 1]].kicks += count;
				if (virtio_dev_running(dev) && dev->vq[map[i - 1]].enabled)
					dev->ops->queue_notify(dev, map[i - 1]);
			} else if (dev->ops->fd_ready) {
				dev->ops->fd_ready(dev, map[i - 1], pfd[i].revents);
			}
		}
		pthread_mutex_unlock(&dev->lock);
	}
	return NULL;
}

int virtio_pci_add(struct virtio_dev *dev, unsigned int slot)
{
	struct virtio_pci *vp;
	unsigned int i;
	int err;

	if (dev->num_queues > VIRTIO_MAX_QUEUES || nr_devices == MAX_DEVICES ||
	    dev->config_len > VIRTIO_CONFIG_MAX)
		return -EINVAL;
	vp = calloc(1, sizeof(*vp));
	if (!vp)
		return -ENOMEM;
	dev->pci = vp;
	vp->dev = dev;
	pthread_mutex_init(&dev->lock, NULL);
	msix_init(&vp->msix, dev->num_queues + 1);
	vp->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vp->wake_fd < 0)
		return -errno;
	for (i = 0; i < dev->num_queues; i++) {
		dev->vq[i].kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (dev->vq[i].kick_fd < 0)
			return -errno;
	}
	virtio_reset(dev);

	pci_dev_init(&vp->pci, 0x1af4, 0x1040 + dev->device_id, dev->pci_class, 1);
	pci_cfg_set(&vp->pci, PCI_SUBSYSTEM_VENDOR_ID, 2, 0x1af4);
	pci_cfg_set(&vp->pci, PCI_SUBSYSTEM_VENDOR_ID + 2, 2, 0x1100);
	vp->pci.opaque = dev;
	vp->pci.cfg_read = virtio_cfg_read;
	vp->pci.cfg_write = virtio_cfg_write;
	vp->bar_size[0] = BAR0_SIZE;
	vp->bar_size[1] = MSIX_BAR_SIZE;
	for (i = 0; i < 2; i++) {
		uint64_t addr = pci_alloc_mmio(vp->bar_size[i]);

		err = addr ? pci_set_bar(&vp->pci, i, addr, vp->bar_size[i], PCI_BAR_MEM32) :
			     -ENOSPC;
		if (err)
			return err;
	}
	err = add_caps(dev);
	if (err)
		return err;
	err = pci_register_device(&vp->pci, slot);
	if (err)
		return err;
	err = pthread_create(&vp->thread, NULL, virtio_thread, dev);
	if (err)
		return -err;
	devices[nr_devices++] = dev;
	return 0;
}

void virtio_print_stats(void)
{
	unsigned int i, q;
	uint64_t kicks;

	for (i = 0; i < nr_devices; i++) {
		struct virtio_dev *dev = devices[i];

		pthread_mutex_lock(&dev->lock);
		for (kicks = 0, q = 0; q < dev->num_queues; q++)
			kicks += dev->vq[q].kicks;
		fprintf(stderr, "lguest-launch: %s: %llu kicks, %llu interrupts, %llu register accesses\n",
			dev->name, (unsigned long long)kicks,
			(unsigned long long)dev->pci->msix.sent,
			(unsigned long long)dev->pci->user_exits);
		pthread_mutex_unlock(&dev->lock);
	}
}
