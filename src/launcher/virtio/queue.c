// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split virtqueues (virtio 1.x, section 2.7): the device's half.
 *
 * The guest owns the rings and may rewrite any of them at any moment, so
 * every value is read once from guest memory into a local and checked
 * there: the avail index may run ahead of us by at most the queue size,
 * a head and every next index must be inside the ring (or the indirect
 * table), a chain may not visit more descriptors than it has, an
 * indirect table may not hold another, device-writable descriptors come
 * after the readable ones, and every buffer must lie inside guest RAM
 * (guest_ptr()).  Anything else is a broken ring: vq_pop() says why and
 * the transport puts the device in NEEDS_RESET.
 *
 * Memory ordering follows the spec: read avail->idx, then (acquire) the
 * ring entries; write the used element, then (release) used->idx; and a
 * full fence between asking for kicks (avail_event or the used flags)
 * and looking at avail->idx once more, so that a request the guest adds
 * at that moment is either seen or kicked.
 */
#include <string.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "vm.h"
#include "virtio.h"

#define LOAD16(p)	__atomic_load_n((p), __ATOMIC_RELAXED)
#define LOAD64(p)	__atomic_load_n((p), __ATOMIC_RELAXED)

static inline void vq_acquire(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void vq_release(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

bool vq_setup(struct virtqueue *vq)
{
	uint64_t n = vq->size;

	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	if (!n || n > VIRTIO_QUEUE_MAX_SIZE || (n & (n - 1)))
		return false;
	/* Alignments of section 2.7: 16, 2 and 4. */
	if (vq->desc_gpa & 15 || vq->avail_gpa & 1 || vq->used_gpa & 3)
		return false;
	/* Each ring with its event field (room for it even without EVENT_IDX). */
	vq->desc = guest_ptr(vq->desc_gpa, 16 * n);
	vq->avail = guest_ptr(vq->avail_gpa, 6 + 2 * n);
	vq->used = guest_ptr(vq->used_gpa, 6 + 8 * n);
	if (!vq->desc || !vq->avail || !vq->used)
		return false;
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->signalled_used = 0;
	return true;
}

void vq_reset(struct virtqueue *vq)
{
	vq->enabled = false;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	vq->size = 0;
	vq->msix_vector = VIRTIO_MSI_NO_VECTOR;
	vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
	vq->last_avail = vq->used_idx = vq->signalled_used = 0;
}

/* One descriptor, read once. */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static void desc_read(volatile const struct vring_desc *d, struct desc *out)
{
	out->addr = LOAD64(&d->addr);
	out->len = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
	out->flags = LOAD16(&d->flags);
	out->next = LOAD16(&d->next);
}

/* Adds one buffer to @elem; NULL on success, else why not. */
static const char *elem_add(struct virtq_elem *elem, const struct desc *d)
{
	struct iovec *iov;
	void *p;

	if (d->flags & VRING_DESC_F_WRITE) {
		if (elem->in_num == VIRTIO_MAX_SEGS)
			return "too many segments in one request";
		iov = &elem->in[elem->in_num++];
	} else {
		if (elem->in_num)
			return "a device-readable buffer after a writable one";
		if (elem->out_num == VIRTIO_MAX_SEGS)
			return "too many segments in one request";
		iov = &elem->out[elem->out_num++];
	}
	p = guest_ptr(d->addr, d->len);
	if (!p)
		return "a buffer outside guest RAM";
	iov->iov_base = p;
	iov->iov_len = d->len;
	return NULL;
}

/* Walks an indirect table of @len bytes at @gpa into @elem. */
static const char *walk_indirect(struct virtq_elem *elem, uint64_t gpa, uint32_t len)
{
	volatile const struct vring_desc *table;
	unsigned int n = len / sizeof(*table), seen = 0, i = 0;
	const char *why;
	struct desc d;

	if (!len || len % sizeof(*table))
		return "an indirect table of a bad size";
	if (n > VIRTIO_MAX_SEGS)
		return "an indirect table longer than a request may be";
	table = guest_ptr(gpa, len);
	if (!table)
		return "an indirect table outside guest RAM";
	for (;;) {
		if (++seen > n)
			return "a loop in an indirect table";
		desc_read(&table[i], &d);
		if (d.flags & VRING_DESC_F_INDIRECT)
			return "an indirect table inside an indirect table";
		why = elem_add(elem, &d);
		if (why)
			return why;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return NULL;
		i = d.next;
		if (i >= n)
			return "a next index outside the indirect table";
	}
}

int vq_pop(struct virtqueue *vq, struct virtq_elem *elem, const char **why)
{
	uint16_t avail_idx, head, i;
	unsigned int seen = 0;
	struct desc d;

	if (!vq->enabled || !vq->avail)
		return 0;
	avail_idx = LOAD16(&vq->avail->idx);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->size) {
		*why = "the avail index ran ahead by more than the queue size";
		return -1;
	}
	vq_acquire();	/* the entries after the index that published them */
	head = LOAD16(&vq->avail->ring[vq->last_avail & (vq->size - 1)]);
	if (head >= vq->size) {
		*why = "a head index outside the ring";
		return -1;
	}
	elem->head = head;
	elem->out_num = elem->in_num = 0;

	for (i = head;;) {
		if (++seen > vq->size) {
			*why = "a loop in a descriptor chain";
			return -1;
		}
		desc_read(&vq->desc[i], &d);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (!vq->indirect)
				*why = "an indirect descriptor, not negotiated";
			else if (d.flags & VRING_DESC_F_NEXT)
				*why = "an indirect descriptor with a next";
			else
				*why = walk_indirect(elem, d.addr, d.len);
			if (*why)
				return -1;
			break;
		}
		*why = elem_add(elem, &d);
		if (*why)
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= vq->size) {
			*why = "a next index outside the ring";
			return -1;
		}
	}
	vq->last_avail++;
	return 1;
}

void vq_push(struct virtqueue *vq, const struct virtq_elem *elem, uint32_t len)
{
	volatile struct vring_used_elem *u = &vq->used->ring[vq->used_idx & (vq->size - 1)];

	__atomic_store_n(&u->id, elem->head, __ATOMIC_RELAXED);
	__atomic_store_n(&u->len, len, __ATOMIC_RELAXED);
	vq->used_idx++;
	vq_release();	/* the element before the index that publishes it */
	__atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELAXED);
}

bool vq_should_interrupt(struct virtqueue *vq)
{
	uint16_t old = vq->signalled_used, now = vq->used_idx, event;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* used->idx before the flags */
	if (!vq->event_idx) {
		if (LOAD16(&vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT)
			return false;
		vq->signalled_used = now;
		return old != now;
	}
	/* used_event lives after the avail ring. */
	event = LOAD16(&vq->avail->ring[vq->size]);
	if (!vring_need_event(event, now, old))
		return false;
	vq->signalled_used = now;
	return true;
}

bool vq_wait_for_kicks(struct virtqueue *vq)
{
	if (!vq->enabled || !vq->avail)
		return false;
	/* Without EVENT_IDX the guest always kicks: we never say otherwise. */
	if (vq->event_idx)
		__atomic_store_n((volatile uint16_t *)&vq->used->ring[vq->size],
				 vq->last_avail, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return LOAD16(&vq->avail->idx) != vq->last_avail;
}

size_t iov_size(const struct iovec *iov, unsigned int n)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

/* Walks @len bytes of @iov after @skip, calling memcpy in the @to direction. */
static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t skip,
		       void *buf, size_t len, bool to_iov)
{
	size_t done = 0, chunk;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - skip;
		if (chunk > len - done)
			chunk = len - done;
		if (to_iov)
			memcpy((char *)iov[i].iov_base + skip, (char *)buf + done, chunk);
		else
			memcpy((char *)buf + done, (char *)iov[i].iov_base + skip, chunk);
		done += chunk;
		skip = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip,
		  void *buf, size_t len)
{
	return iov_copy(iov, n, skip, buf, len, false);
}

size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t skip,
		    const void *buf, size_t len)
{
	return iov_copy(iov, n, skip, (void *)buf, len, true);
}
