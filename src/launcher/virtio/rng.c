// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-rng (virtio 1.x, section 5.4): entropy for the guest, from the
 * host's getrandom().  One queue; the guest posts writable buffers and
 * each comes back full.  getrandom() on the urandom pool does not block
 * once the host's pool is initialised, which it is long before anyone
 * starts a VM.
 */
#include <errno.h>
#include <sys/random.h>
#include <linux/virtio_ids.h>

#include "virtio/devices.h"
#include "virtio/virtio.h"

static uint32_t rng_fill(struct virtio_dev *dev, struct virtq_elem *elem)
{
	uint32_t done = 0;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < elem->in_num; i++) {
		n = getrandom(elem->in[i].iov_base, elem->in[i].iov_len, 0);
		if (n < 0)
			break;
		done += n;
		if ((size_t)n < elem->in[i].iov_len)
			break;
	}
	return done;
}

static void rng_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	virtio_serve(dev, q, rng_fill);
}

static const struct virtio_dev_ops rng_ops = {
	.queue_notify = rng_queue_notify,
};

static struct virtio_dev rng = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.pci_class = 0x00ff00,
	.num_queues = 1,
	.ops = &rng_ops,
};

int virtio_rng_init(unsigned int slot)
{
	return virtio_pci_add(&rng, slot);
}
