/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network back-ends: where the frames of a virtio-net device
 * (virtio/net.c) go and come from.  tap.c puts them on a host tap
 * device, slirp.c on libslirp's user-mode network (DHCP, DNS, outbound
 * TCP/UDP through ordinary sockets, host port forwards; no root needed).
 *
 * A frame in either direction is a descriptor chain's iovecs: the
 * 12-byte struct virtio_net_hdr_v1, then the Ethernet frame.  A back-end
 * with @vnet_hdr reads and writes that header itself (tap's
 * IFF_VNET_HDR); the others skip it, and the device fills it in.
 */
#ifndef LG_NET_H
#define LG_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct net_backend {
	/* Readable when a frame for the guest is waiting. */
	int rx_fd;
	/* VIRTIO_NET_F_* offloads the back-end can take and give. */
	uint64_t features;
	bool vnet_hdr;
	/* One frame to the network; false if it could not go (dropped). */
	bool (*send)(struct net_backend *be, const struct iovec *iov, unsigned int n);
	/* The next frame into @iov: its length with the header, 0 if none. */
	size_t (*recv)(struct net_backend *be, const struct iovec *iov, unsigned int n);
	/* The guest negotiated @features: what it accepts on receive. */
	void (*set_features)(struct net_backend *be, uint64_t features);
};

/*
 * The back-ends; each dies with a one-line error when it cannot be set
 * up.  @opts is what follows "user" in --net (",hostfwd=..."), without
 * mac=.
 */
struct net_backend *net_tap_open(const char *ifname);
struct net_backend *net_slirp_open(const char *opts);

#endif /* LG_NET_H */
