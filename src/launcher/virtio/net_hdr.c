// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio-net header's rules (virtio 1.x, section 5.1.6), kept apart
 * from the device so that the unit tests and a fuzz target can drive
 * them with any bytes: a guest's header is untrusted input, checked here
 * before a back-end (or the host kernel's tap) acts on it.
 */
#include "virtio/net_hdr.h"

static bool has(uint64_t features, unsigned int bit)
{
	return features & (1ull << bit);
}

const char *net_hdr_check_tx(const struct virtio_net_hdr_v1 *hdr, size_t frame_len,
			     uint64_t features)
{
	uint8_t gso = hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if (frame_len < NET_ETH_HLEN)
		return "a frame shorter than an Ethernet header";
	if (hdr->flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return "unknown header flags";
	if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (!has(features, VIRTIO_NET_F_CSUM))
			return "a partial checksum without VIRTIO_NET_F_CSUM";
		if ((size_t)hdr->csum_start + hdr->csum_offset + 2 > frame_len)
			return "a checksum position past the frame";
	}
	if (hdr->gso_type & VIRTIO_NET_HDR_GSO_ECN && !has(features, VIRTIO_NET_F_HOST_ECN))
		return "GSO with ECN without VIRTIO_NET_F_HOST_ECN";
	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if (hdr->gso_type != VIRTIO_NET_HDR_GSO_NONE)
			return "ECN without GSO";
		return frame_len > NET_FRAME_MAX + 4 ? "a frame longer than the MTU" : NULL;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if (!has(features, VIRTIO_NET_F_HOST_TSO4))
			return "TSO over IPv4 without VIRTIO_NET_F_HOST_TSO4";
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		if (!has(features, VIRTIO_NET_F_HOST_TSO6))
			return "TSO over IPv6 without VIRTIO_NET_F_HOST_TSO6";
		break;
	default:
		return "an unknown GSO type";
	}
	/* Segmentation needs the checksum to finish and a segment size. */
	if (!(hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || !hdr->gso_size)
		return "GSO without a partial checksum or a segment size";
	return NULL;
}

void net_hdr_fill_rx(struct virtio_net_hdr_v1 *hdr, bool from_backend)
{
	if (!from_backend)
		*hdr = (struct virtio_net_hdr_v1){ 0 };
	/* One buffer a frame: VERSION_1 wants 1 even without MRG_RXBUF. */
	hdr->num_buffers = 1;
}
