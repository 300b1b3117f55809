// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the launcher's virtqueue walker (virtio/queue.c) on
 * rings a hostile guest wrote, with the virtio-blk request parser on
 * every request it lets through.  The input is guest RAM from address 0:
 * its first byte picks the queue size and the negotiated features, the
 * descriptor table follows at 0x100, the avail ring and the used ring
 * after it, and buffers and indirect tables may point anywhere (inside
 * the 1 MiB of RAM or not).  Whatever the bytes, the walker must stop
 * after at most a ring's worth of requests and must hand out only iovecs
 * inside RAM, which ASan checks as the parser reads them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"
#include "launcher.h"
#include "virtio/blk_req.h"
#include "virtio/virtio.h"

#define RAM		(1u << 20)

static struct virtqueue vq;
static struct virtq_elem elem;
static struct blk_req req;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	struct guest_ram r;
	const char *why;
	unsigned int i, n;

	if (!ram) {
		if (vm_map_ram(RAM))
			abort();
		vm_get_ram(&r);
		ram = r.base;
	}
	if (!size)
		return 0;
	memset(ram, 0, 0x10000);
	memcpy(ram, data, size < RAM ? size : RAM);

	memset(&vq, 0, sizeof(vq));
	vq.size = 1u << (data[0] & 7);		/* 1 .. 128 */
	vq.indirect = data[0] & 0x10;
	vq.event_idx = data[0] & 0x20;
	vq.desc_gpa = 0x100;
	vq.avail_gpa = vq.desc_gpa + 16 * vq.size;
	vq.used_gpa = (vq.avail_gpa + 6 + 2 * vq.size + 3) & ~3u;
	if (!vq_setup(&vq))
		abort();	/* these rings are always in RAM and aligned */
	vq.enabled = true;

	for (n = 0; n <= 2u * vq.size; n++) {
		int ret = vq_pop(&vq, &elem, &why);

		if (ret <= 0)
			break;
		for (i = 0; i < elem.out_num; i++)
			if (!guest_ptr((uint8_t *)elem.out[i].iov_base - ram, elem.out[i].iov_len))
				abort();
		if (blk_req_parse(&elem, 1u << 20, data[0] & 0x40, &req) >= 0 &&
		    req.status)
			*req.status = 0;
		vq_push(&vq, &elem, 1);
		vq_should_interrupt(&vq);
	}
	/* The avail index may run ahead by a ring's worth at most. */
	if (n > vq.size)
		abort();
	vq_wait_for_kicks(&vq);
	return 0;
}
