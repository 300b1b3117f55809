// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the virtio-net header rules (virtio/net_hdr.c) on
 * any header a guest may put in front of a frame.  The input is the
 * negotiated features (8 bytes), the header (12 bytes) and the frame's
 * length (2 bytes).  Whatever the input, a header that passes must be
 * one a back-end (the host's tap) can act on safely: a checksum inside
 * the frame, offloads only as negotiated, and a frame past the MTU only
 * with segmentation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/net_hdr.h"

static int has(uint64_t f, unsigned int bit)
{
	return !!(f & (1ull << bit));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_net_hdr_v1 hdr;
	uint64_t features;
	uint16_t len;
	uint8_t gso;

	if (size < 8 + NET_HDR_LEN + 2)
		return 0;
	memcpy(&features, data, 8);
	memcpy(&hdr, data + 8, NET_HDR_LEN);
	memcpy(&len, data + 8 + NET_HDR_LEN, 2);
	if (net_hdr_check_tx(&hdr, len, features))
		return 0;

	gso = hdr.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	if (len < NET_ETH_HLEN)
		abort();
	if (hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM &&
	    (!has(features, VIRTIO_NET_F_CSUM) ||
	     (size_t)hdr.csum_start + hdr.csum_offset + 2 > len))
		abort();
	if ((gso == VIRTIO_NET_HDR_GSO_TCPV4 && !has(features, VIRTIO_NET_F_HOST_TSO4)) ||
	    (gso == VIRTIO_NET_HDR_GSO_TCPV6 && !has(features, VIRTIO_NET_F_HOST_TSO6)) ||
	    (gso != VIRTIO_NET_HDR_GSO_NONE && gso != VIRTIO_NET_HDR_GSO_TCPV4 &&
	     gso != VIRTIO_NET_HDR_GSO_TCPV6))
		abort();
	if (gso == VIRTIO_NET_HDR_GSO_NONE && len > NET_FRAME_MAX + 4)
		abort();
	net_hdr_fill_rx(&hdr, data[0] & 1);
	if (hdr.num_buffers != 1)
		abort();
	return 0;
}
