// SPDX-License-Identifier: GPL-2.0-only
/*
 * Taking a virtio-blk request apart (virtio 1.x, section 5.2.6).
 *
 * A request is a 16-byte header (type, reserved, sector) in the
 * device-readable part, then data (readable for writes, writable for
 * reads), and a status byte as the last writable byte.  The spec lets a
 * driver split these across descriptors however it likes, so the parser
 * works on the byte streams, never on descriptor boundaries.  Every
 * length and sector is checked against the disk without overflow: a
 * request that starts or ends past the last sector fails with IOERR.
 */
#include <string.h>
#include <linux/virtio_blk.h>

#include "virtio/blk_req.h"

/* The part of @src from byte @skip on, @len bytes long, into @dst. */
static unsigned int iov_slice(const struct iovec *src, unsigned int n, size_t skip,
			      size_t len, struct iovec *dst)
{
	unsigned int i, out = 0;
	size_t chunk;

	for (i = 0; i < n && len; i++) {
		if (skip >= src[i].iov_len) {
			skip -= src[i].iov_len;
			continue;
		}
		chunk = src[i].iov_len - skip;
		if (chunk > len)
			chunk = len;
		if (chunk) {
			dst[out].iov_base = (char *)src[i].iov_base + skip;
			dst[out++].iov_len = chunk;
		}
		len -= chunk;
		skip = 0;
	}
	return out;
}

/* Is [sector, sector + count) inside a disk of @sectors? */
static bool in_disk(uint64_t sector, uint64_t count, uint64_t sectors)
{
	return sector <= sectors && count <= sectors - sector;
}

static int parse_range(const struct virtq_elem *elem, size_t out_len, uint64_t sectors,
		       struct blk_req *req)
{
	struct virtio_blk_discard_write_zeroes seg;
	uint32_t allowed = req->type == VIRTIO_BLK_T_WRITE_ZEROES ?
			   VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0;

	if (out_len != sizeof(struct virtio_blk_outhdr) + sizeof(seg) * BLK_MAX_DWZ_SEGS)
		return VIRTIO_BLK_S_UNSUPP;	/* more segments than we offer */
	iov_to_buf(elem->out, elem->out_num, sizeof(struct virtio_blk_outhdr), &seg,
		   sizeof(seg));
	if (seg.flags & ~allowed)
		return VIRTIO_BLK_S_UNSUPP;
	if (seg.num_sectors > BLK_MAX_DWZ_SECTORS ||
	    !in_disk(seg.sector, seg.num_sectors, sectors))
		return VIRTIO_BLK_S_IOERR;
	req->range.sector = seg.sector;
	req->range.sectors = seg.num_sectors;
	req->range.unmap = seg.flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;
	return VIRTIO_BLK_S_OK;
}

int blk_req_parse(const struct virtq_elem *elem, uint64_t sectors, bool ro,
		  struct blk_req *req)
{
	size_t out_len = iov_size(elem->out, elem->out_num);
	size_t in_len = iov_size(elem->in, elem->in_num);
	struct virtio_blk_outhdr hdr;
	unsigned int i;

	req->status = NULL;
	req->data_num = 0;
	req->data_len = 0;
	if (out_len < sizeof(hdr) || in_len < 1)
		return -1;
	iov_to_buf(elem->out, elem->out_num, 0, &hdr, sizeof(hdr));
	for (i = elem->in_num; !req->status; i--)
		if (elem->in[i - 1].iov_len)
			req->status = (uint8_t *)elem->in[i - 1].iov_base +
				      elem->in[i - 1].iov_len - 1;
	req->type = hdr.type;

	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_GET_ID:
		req->data_len = in_len - 1;
		req->data_num = iov_slice(elem->in, elem->in_num, 0, req->data_len, req->data);
		break;
	case VIRTIO_BLK_T_OUT:
		req->data_len = out_len - sizeof(hdr);
		req->data_num = iov_slice(elem->out, elem->out_num, sizeof(hdr),
					  req->data_len, req->data);
		break;
	case VIRTIO_BLK_T_FLUSH:
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (ro)
			return VIRTIO_BLK_S_IOERR;
		return parse_range(elem, out_len, sectors, req);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
	if (hdr.type == VIRTIO_BLK_T_GET_ID)
		return VIRTIO_BLK_S_OK;
	if (hdr.type == VIRTIO_BLK_T_OUT && ro)
		return VIRTIO_BLK_S_IOERR;
	if (req->data_len % BLK_SECTOR ||
	    !in_disk(hdr.sector, req->data_len / BLK_SECTOR, sectors))
		return VIRTIO_BLK_S_IOERR;
	req->offset = hdr.sector * BLK_SECTOR;
	return VIRTIO_BLK_S_OK;
}
