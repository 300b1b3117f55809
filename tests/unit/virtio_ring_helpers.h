/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest's side of a split virtqueue, for the tests and fuzz targets of
 * the launcher's virtio code: rings at fixed guest-physical addresses in
 * RAM mapped by vm.c, and helpers that write descriptors and publish
 * chains as a driver does.
 */
#ifndef VIRTIO_RING_HELPERS_H
#define VIRTIO_RING_HELPERS_H

#include <string.h>
#include <linux/virtio_ring.h>

#include "launcher.h"
#include "vm.h"
#include "virtio/virtio.h"

#define RING_RAM	(4ull << 20)
#define RING_DESC	0x10000ull
#define RING_AVAIL	0x20000ull
#define RING_USED	0x30000ull
#define RING_BUF	0x40000ull	/* buffers from here on */

static inline void *gpa(uint64_t a)
{
	return guest_ptr(a, 1);
}

/* Maps RAM and sets @vq up as a driver would, with @size entries. */
static inline void ring_init(struct virtqueue *vq, uint16_t size, bool indirect,
			     bool event_idx)
{
	vm_unmap_ram();
	if (vm_map_ram(RING_RAM))
		abort();
	memset(vq, 0, sizeof(*vq));
	vq->size = size;
	vq->desc_gpa = RING_DESC;
	vq->avail_gpa = RING_AVAIL;
	vq->used_gpa = RING_USED;
	vq->indirect = indirect;
	vq->event_idx = event_idx;
	if (!vq_setup(vq))
		abort();
	vq->enabled = true;
}

static inline void ring_desc(uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
			     uint16_t flags, uint16_t next)
{
	struct vring_desc *d = (struct vring_desc *)gpa(table) + i;

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* Puts @head in the avail ring and bumps its index. */
static inline void ring_publish(struct virtqueue *vq, uint16_t head)
{
	struct vring_avail *a = gpa(RING_AVAIL);

	a->ring[a->idx % vq->size] = head;
	a->idx++;
}

#endif /* VIRTIO_RING_HELPERS_H */
