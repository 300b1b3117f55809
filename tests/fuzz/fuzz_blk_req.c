// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the virtio-blk request parser (virtio/blk_req.c) on
 * requests split into buffers any way a driver may split them.  The
 * first input byte gives the number of device-readable buffers (1..8),
 * the second the number of writable ones (0..8), the next 16 bytes the
 * buffer lengths (each byte a length of 0..255), and the rest is the
 * buffers' contents in order.  Whatever the input, the parser must give
 * a status byte inside the writable buffers, data iovecs inside the
 * request, and an OK only for requests that fit the disk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/virtio_blk.h>

#include "virtio/blk_req.h"

#define SECTORS		4096

static uint8_t pool[16 * 256];
static struct virtq_elem elem;
static struct blk_req req;

static int inside(const void *p, size_t len)
{
	return (const uint8_t *)p >= pool && (const uint8_t *)p + len <= pool + sizeof(pool);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t used = 0;
	unsigned int i, n;
	int status;

	if (size < 18)
		return 0;
	elem.out_num = 1 + data[0] % 8;
	elem.in_num = data[1] % 9;
	n = elem.out_num + elem.in_num;
	for (i = 0; i < n; i++) {
		struct iovec *iov = i < elem.out_num ? &elem.out[i] : &elem.in[i - elem.out_num];

		iov->iov_base = pool + used;
		iov->iov_len = data[2 + i];
		used += iov->iov_len;
	}
	memset(pool, 0, sizeof(pool));
	size -= 18;
	memcpy(pool, data + 18, size < used ? size : used);

	status = blk_req_parse(&elem, SECTORS, data[0] & 0x80, &req);
	if (status < 0)
		return 0;
	if (!req.status || !inside(req.status, 1))
		abort();
	for (i = 0; i < req.data_num; i++)
		if (!inside(req.data[i].iov_base, req.data[i].iov_len))
			abort();
	if (status == VIRTIO_BLK_S_OK &&
	    (req.type == VIRTIO_BLK_T_IN || req.type == VIRTIO_BLK_T_OUT) &&
	    (req.offset % 512 || req.data_len % 512 ||
	     req.offset / 512 + req.data_len / 512 > SECTORS))
		abort();
	return 0;
}
