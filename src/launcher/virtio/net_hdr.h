/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtio-net header (struct virtio_net_hdr_v1, 12 bytes with
 * VERSION_1) in front of every frame: checking the one a guest sends,
 * filling the one it receives.  Pure functions of their arguments, for
 * virtio/net.c, the unit tests and a fuzz target.
 */
#ifndef LG_VIRTIO_NET_HDR_H
#define LG_VIRTIO_NET_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>

#define NET_HDR_LEN	sizeof(struct virtio_net_hdr_v1)
/* An Ethernet header, and the largest frame without GSO (MTU 1500). */
#define NET_ETH_HLEN	14
#define NET_FRAME_MAX	(NET_ETH_HLEN + 1500)

/*
 * Is @hdr, in front of a frame of @frame_len bytes, one the guest may send
 * with @features negotiated?  NULL if so, else why not.
 */
const char *net_hdr_check_tx(const struct virtio_net_hdr_v1 *hdr, size_t frame_len,
			     uint64_t features);
/*
 * The header of a received frame: @from_backend when the back-end wrote
 * it (tap; it leaves num_buffers alone), else a plain one (no offloads).
 */
void net_hdr_fill_rx(struct virtio_net_hdr_v1 *hdr, bool from_backend);

#endif /* LG_VIRTIO_NET_HDR_H */
