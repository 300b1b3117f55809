/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio devices: what a device back-end (console, block, network,
 * entropy) sees of the transport (virtio-pci, pci.c) and of its queues
 * (split virtqueues, queue.c).
 *
 * A back-end fills in a struct virtio_dev: its device ID, features,
 * queue count and config space, and ops.  virtio_pci_add() puts it on
 * the PCI bus; from then on the guest drives it.  Each device has one
 * thread of its own (started by virtio_pci_add()), which waits in poll()
 * on the kicks of its queues and on the back-end's own file descriptors
 * and calls the back-end: the vCPU thread only ever touches registers.
 * The thread holds dev->lock while it calls a back-end op, and so does
 * the vCPU thread while it changes the device's state (status, queue
 * set-up, reset, config space); a back-end never waits for the guest
 * with the lock held.
 *
 * Everything the guest put in a ring is checked by queue.c before a
 * back-end sees it: a back-end gets iovecs that lie inside guest RAM.  A
 * malformed ring puts the device in NEEDS_RESET; it does nothing more
 * until the guest resets it.
 */
#ifndef LG_VIRTIO_H
#define LG_VIRTIO_H

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#define VIRTIO_MAX_QUEUES	8
#define VIRTIO_QUEUE_MAX_SIZE	256
/* Segments of one request: a chain, or an indirect table, at most. */
#define VIRTIO_MAX_SEGS		VIRTIO_QUEUE_MAX_SIZE
#define VIRTIO_CONFIG_MAX	256
#define VIRTIO_MAX_FDS		4	/* a back-end's own fds, polled */

/* A split virtqueue as the guest set it up, checked. */
struct virtqueue {
	/* Set by the guest through common config, while disabled. */
	uint16_t size;
	uint16_t msix_vector;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool enabled;

	/* Host views of the three rings, from guest_ptr() at enable. */
	volatile struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	uint16_t last_avail;	/* next avail entry to take */
	uint16_t used_idx;	/* our copy of used->idx */
	uint16_t signalled_used;	/* used->idx when we last interrupted */
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;		/* VIRTIO_RING_F_INDIRECT_DESC negotiated */

	int kick_fd;		/* eventfd the guest's notify write signals */
	uint64_t kicks;		/* for --verbose */
};

/* One request taken from a queue: device-readable then -writable parts. */
struct virtq_elem {
	uint16_t head;
	unsigned int out_num, in_num;	/* readable (out) and writable (in) */
	struct iovec out[VIRTIO_MAX_SEGS];
	struct iovec in[VIRTIO_MAX_SEGS];
};

/*
 * queue.c.  vq_setup() checks the rings the guest configured and maps
 * them (false: they are not in RAM or misaligned).  vq_pop() takes the
 * next request: 1 when @elem holds one, 0 when the queue is empty, -1
 * with @why set when the ring is malformed.  vq_push() returns a request
 * with @len bytes written into its writable part.  vq_should_interrupt()
 * says whether the guest wants an interrupt for what was pushed since
 * the last time it said yes (EVENT_IDX or the NO_INTERRUPT flag).
 * vq_wait_for_kicks() asks the guest to kick again for new requests and
 * returns true if some arrived meanwhile (so the caller pops again
 * instead of sleeping).
 */
bool vq_setup(struct virtqueue *vq);
int vq_pop(struct virtqueue *vq, struct virtq_elem *elem, const char **why);
void vq_push(struct virtqueue *vq, const struct virtq_elem *elem, uint32_t len);
bool vq_should_interrupt(struct virtqueue *vq);
bool vq_wait_for_kicks(struct virtqueue *vq);
void vq_reset(struct virtqueue *vq);

/* Copies between an iovec array and a buffer; return bytes copied. */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip,
		  void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t skip,
		    const void *buf, size_t len);
size_t iov_size(const struct iovec *iov, unsigned int n);

struct virtio_dev;

struct virtio_dev_ops {
	/* The guest kicked queue @q (or it has work left): serve it. */
	void (*queue_notify)(struct virtio_dev *dev, unsigned int q);
	/* One of the back-end's own fds (dev->fds[@i]) is ready. */
	void (*fd_ready)(struct virtio_dev *dev, unsigned int i, short revents);
	/* The guest wrote config space at @off (dev->config updated). */
	void (*config_write)(struct virtio_dev *dev, unsigned int off, unsigned int size);
	/* The driver is ready (DRIVER_OK), or the device was reset. */
	void (*start)(struct virtio_dev *dev);
	void (*reset)(struct virtio_dev *dev);
};

struct virtio_dev {
	/* Filled in by the back-end before virtio_pci_add(). */
	const char *name;	/* for messages: "virtio-blk vda" */
	uint16_t device_id;	/* VIRTIO_ID_* */
	uint32_t pci_class;
	uint64_t features;	/* offered; VERSION_1 is added */
	unsigned int num_queues;
	uint16_t queue_max_size[VIRTIO_MAX_QUEUES];	/* 0: VIRTIO_QUEUE_MAX_SIZE */
	uint8_t config[VIRTIO_CONFIG_MAX];
	unsigned int config_len;
	const struct virtio_dev_ops *ops;
	void *priv;
	/* fds the device thread polls for the back-end: events 0 for none. */
	struct pollfd fds[VIRTIO_MAX_FDS];

	/* The transport's. */
	pthread_mutex_t lock;
	uint64_t driver_features;
	uint8_t status;
	uint8_t config_generation;
	uint16_t config_msix_vector;
	uint8_t isr;
	struct virtqueue vq[VIRTIO_MAX_QUEUES];
	struct virtio_pci *pci;
	bool broken;		/* NEEDS_RESET set; nothing until reset */
};

/*
 * pci.c.  virtio_pci_add(): on the PCI bus in @slot, with its thread
 * started; -errno if it cannot be.  virtio_queue_interrupt(): tell the
 * guest about used buffers of queue @q if it wants to know (call after a
 * batch of vq_push()es).  virtio_config_changed(): the back-end changed
 * config space (bumps the generation, interrupts).  virtio_dev_broken():
 * the guest broke the device's rules: NEEDS_RESET and one line on
 * stderr.  virtio_dev_poll_changed(): the back-end changed dev->fds.
 * All with dev->lock held, as the ops are called.
 */
int virtio_pci_add(struct virtio_dev *dev, unsigned int slot);
void virtio_queue_interrupt(struct virtio_dev *dev, unsigned int q);
void virtio_config_changed(struct virtio_dev *dev);
void virtio_dev_broken(struct virtio_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void virtio_dev_poll_changed(struct virtio_dev *dev);
/*
 * Takes every request of queue @q, hands each to @fn, which serves it and
 * returns how many bytes it wrote into the request's writable part, and
 * interrupts once for the batch.  For back-ends that answer at once.
 */
void virtio_serve(struct virtio_dev *dev, unsigned int q,
		  uint32_t (*fn)(struct virtio_dev *dev, struct virtq_elem *elem));
/* Has the driver set DRIVER_OK (and not broken the device)? */
bool virtio_dev_running(const struct virtio_dev *dev);

/* --verbose: kicks and interrupts per device, at exit. */
void virtio_print_stats(void);

#endif /* LG_VIRTIO_H */
