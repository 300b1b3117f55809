/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A virtio-blk request taken apart and checked (blk_req.c), before the
 * back-end (blk.c) does any I/O for it.  Pure: no file, no thread, so the
 * unit tests and the fuzz target drive it directly.
 */
#ifndef LG_BLK_REQ_H
#define LG_BLK_REQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "virtio/virtio.h"

#define BLK_SECTOR		512
#define BLK_ID_BYTES		20	/* VIRTIO_BLK_ID_BYTES */
/* What one DISCARD or WRITE_ZEROES request may carry. */
#define BLK_MAX_DWZ_SEGS	1
#define BLK_MAX_DWZ_SECTORS	(1u << 22)	/* 2 GiB */

struct blk_range {
	uint64_t sector;
	uint32_t sectors;
	bool unmap;		/* WRITE_ZEROES may punch a hole */
};

struct blk_req {
	uint32_t type;		/* VIRTIO_BLK_T_* */
	uint64_t offset;	/* in bytes, for IN and OUT */
	struct iovec data[VIRTIO_MAX_SEGS];
	unsigned int data_num;
	size_t data_len;
	struct blk_range range;	/* DISCARD, WRITE_ZEROES */
	uint8_t *status;	/* the request's last writable byte */
};

/*
 * Fills @req from @elem for a disk of @sectors sectors.  Returns -1 when
 * the request has no header or no status byte (a broken driver: the
 * device needs a reset), else the status to answer with before any I/O:
 * VIRTIO_BLK_S_OK when the back-end should serve it, VIRTIO_BLK_S_IOERR
 * for a request outside the disk or of a bad size, VIRTIO_BLK_S_UNSUPP
 * for a type or flag we do not know (and writes to a read-only disk).
 */
int blk_req_parse(const struct virtq_elem *elem, uint64_t sectors, bool ro,
		  struct blk_req *req);

#endif /* LG_BLK_REQ_H */
