// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tap back-end (--net tap=NAME): frames on an existing tap device of
 * the host, which whoever set up the network (a bridge, a router) owns;
 * lguest-launch only attaches to it, so it needs no privilege beyond the
 * device's owner or group.
 *
 * With IFF_VNET_HDR and a 12-byte header (TUNSETVNETHDRSZ) the tap
 * speaks virtio_net_hdr_v1 itself: a guest's chain is written to it as
 * it is and frames are read straight into the guest's buffers, no
 * copies, and checksum and segmentation offloads pass through.  What the
 * guest accepts on receive (GUEST_CSUM, GUEST_TSO4/6) becomes the tap's
 * TUNSETOFFLOAD.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>

#include "launcher.h"
#include "net/net.h"
#include "virtio/net_hdr.h"

#define TAP_OFFLOADS	(1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_GUEST_CSUM | \
			 1ull << VIRTIO_NET_F_HOST_TSO4 | 1ull << VIRTIO_NET_F_HOST_TSO6 | \
			 1ull << VIRTIO_NET_F_GUEST_TSO4 | 1ull << VIRTIO_NET_F_GUEST_TSO6)

static bool tap_send(struct net_backend *be, const struct iovec *iov, unsigned int n)
{
	ssize_t done;

	do
		done = writev(be->rx_fd, iov, n);
	while (done < 0 && errno == EINTR);
	return done >= 0;	/* a full tap queue drops, as a wire would */
}

static size_t tap_recv(struct net_backend *be, const struct iovec *iov, unsigned int n)
{
	ssize_t done;

	do
		done = readv(be->rx_fd, iov, n);
	while (done < 0 && errno == EINTR);
	return done > (ssize_t)NET_HDR_LEN ? done : 0;
}

static void tap_set_features(struct net_backend *be, uint64_t features)
{
	unsigned int offload = 0;

	if (features & 1ull << VIRTIO_NET_F_GUEST_CSUM) {
		offload |= TUN_F_CSUM;
		if (features & 1ull << VIRTIO_NET_F_GUEST_TSO4)
			offload |= TUN_F_TSO4;
		if (features & 1ull << VIRTIO_NET_F_GUEST_TSO6)
			offload |= TUN_F_TSO6;
	}
	if (ioctl(be->rx_fd, TUNSETOFFLOAD, offload))
		perror("lguest-launch: TUNSETOFFLOAD");
}

struct net_backend *net_tap_open(const char *ifname)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	struct net_backend *be = calloc(1, sizeof(*be));
	int hdr_len = NET_HDR_LEN, fd;

	if (!be)
		die(EXIT_HOST_ERROR, "out of memory");
	if (strlen(ifname) >= IFNAMSIZ)
		die(EXIT_BAD_INPUT, "--net tap=%s: a network interface name has at most %d characters",
		    ifname, IFNAMSIZ - 1);
	strcpy(ifr.ifr_name, ifname);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_HOST_ERROR, "/dev/net/tun: %s — is the tun module loaded? try 'sudo modprobe tun'",
		    strerror(errno));
	/* TUNSETIFF would create a missing tap for root: look first. */
	if (!if_nametoindex(ifname))
		die(EXIT_BAD_INPUT, "--net tap=%s: no such network interface — create it first, e.g. 'sudo ip tuntap add %s mode tap user $USER'",
		    ifname, ifname);
	if (ioctl(fd, TUNSETIFF, &ifr))
		die(EXIT_HOST_ERROR, "--net tap=%s: cannot attach: %s — is it a tap device that you own ('ip tuntap add %s mode tap user $USER')?",
		    ifname, strerror(errno), ifname);
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) || ioctl(fd, TUNSETOFFLOAD, 0))
		die(EXIT_HOST_ERROR, "--net tap=%s: cannot set its virtio header: %s",
		    ifname, strerror(errno));
	be->rx_fd = fd;
	be->features = TAP_OFFLOADS;
	be->vnet_hdr = true;
	be->send = tap_send;
	be->recv = tap_recv;
	be->set_features = tap_set_features;
	return be;
}
