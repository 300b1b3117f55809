// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net (virtio 1.x, section 5.1): an Ethernet card for each --net,
 * eth0, eth1, ... in the guest, on a back-end from net/ (tap or
 * user-mode networking).
 *
 * Queue 0 receives, queue 1 transmits; no control queue, one queue
 * pair, the link always up.  A transmitted chain goes to the back-end as
 * it is, header and frame, once net_hdr.c has checked the header.  For
 * receiving, the device takes one of the guest's buffers and holds it
 * until the back-end has a frame for it (its rx_fd is readable), and
 * stops polling the back-end while the guest has posted none, so the
 * frames wait in the back-end (tap's queue, slirp's ring) rather than
 * being dropped here.  Offloads are offered only where the back-end can
 * take them (tap); user mode gets whole, checksummed frames.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "launcher.h"
#include "net/net.h"
#include "virtio/devices.h"
#include "virtio/net_hdr.h"
#include "virtio/virtio.h"

#define RX_QUEUE	0
#define TX_QUEUE	1
#define FD_RX		0

struct net {
	struct virtio_dev dev;
	struct net_backend *be;
	char name[32];
	struct virtq_elem rx;
	bool rx_held;		/* @rx is a buffer taken from the guest, unused */
};

static unsigned int nr_nics;

static uint32_t net_tx(struct virtio_dev *dev, struct virtq_elem *elem)
{
	struct net *net = dev->priv;
	struct virtio_net_hdr_v1 hdr;
	size_t len = iov_size(elem->out, elem->out_num);
	const char *why;

	if (iov_to_buf(elem->out, elem->out_num, 0, &hdr, NET_HDR_LEN) < NET_HDR_LEN) {
		virtio_dev_broken(dev, "a transmitted frame without a header");
		return 0;
	}
	why = net_hdr_check_tx(&hdr, len - NET_HDR_LEN, dev->driver_features);
	if (why) {
		virtio_dev_broken(dev, "transmit header: %s", why);
		return 0;
	}
	net->be->send(net->be, elem->out, elem->out_num);
	return 0;
}

/* Frames from the back-end into the guest's buffers, while both last. */
static void net_rx(struct virtio_dev *dev)
{
	struct net *net = dev->priv;
	struct virtqueue *vq = &dev->vq[RX_QUEUE];
	struct virtio_net_hdr_v1 hdr;
	bool pushed = false;
	const char *why;
	size_t len;
	int ret;

	if (!virtio_dev_running(dev) || !vq->enabled) {
		dev->fds[FD_RX].events = 0;	/* until start or a kick */
		return;
	}
	for (;;) {
		if (!net->rx_held) {
			ret = vq_pop(vq, &net->rx, &why);
			if (ret < 0) {
				virtio_dev_broken(dev, "queue %u: %s", RX_QUEUE, why);
				return;
			}
			if (ret == 0 && !vq_wait_for_kicks(vq)) {
				/* No buffers: leave the frames in the back-end until a kick. */
				dev->fds[FD_RX].events = 0;
				break;
			}
			if (ret == 0)
				continue;
			net->rx_held = true;
		}
		if (iov_size(net->rx.in, net->rx.in_num) < NET_HDR_LEN + NET_ETH_HLEN) {
			virtio_dev_broken(dev, "a receive buffer too small for a frame");
			return;
		}
		len = net->be->recv(net->be, net->rx.in, net->rx.in_num);
		if (!len)
			break;
		iov_to_buf(net->rx.in, net->rx.in_num, 0, &hdr, NET_HDR_LEN);
		net_hdr_fill_rx(&hdr, net->be->vnet_hdr);
		iov_from_buf(net->rx.in, net->rx.in_num, 0, &hdr, NET_HDR_LEN);
		vq_push(vq, &net->rx, len);
		net->rx_held = false;
		pushed = true;
	}
	if (pushed)
		virtio_queue_interrupt(dev, RX_QUEUE);
}

static void net_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	if (q == TX_QUEUE) {
		virtio_serve(dev, q, net_tx);
		return;
	}
	dev->fds[FD_RX].events = POLLIN;	/* new buffers: frames may flow */
	net_rx(dev);
}

static void net_fd_ready(struct virtio_dev *dev, unsigned int i, short revents)
{
	net_rx(dev);
}

static void net_start(struct virtio_dev *dev)
{
	struct net *net = dev->priv;

	if (net->be->set_features)
		net->be->set_features(net->be, dev->driver_features);
	dev->fds[FD_RX].events = POLLIN;
}

static void net_reset(struct virtio_dev *dev)
{
	struct net *net = dev->priv;

	net->rx_held = false;
	dev->fds[FD_RX].events = 0;
}

static const struct virtio_dev_ops net_ops = {
	.queue_notify = net_queue_notify,
	.fd_ready = net_fd_ready,
	.start = net_start,
	.reset = net_reset,
};

/* "mac=52:54:00:12:34:56" into @mac; dies on anything else. */
static void net_parse_mac(const char *spec, const char *arg, uint8_t mac[6])
{
	unsigned int b[6], i;
	char end;

	if (sscanf(arg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &end) != 6 || strlen(arg) != 17)
		die(EXIT_BAD_INPUT, "--net %s: bad MAC address '%s': give six hex bytes, e.g. mac=52:54:00:12:34:56",
		    spec, arg);
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	if (mac[0] & 1)
		die(EXIT_BAD_INPUT, "--net %s: MAC address '%s' is a multicast address", spec, arg);
}

/*
 * Takes mac= out of @opts (the spec after its first word, changed in
 * place) and puts it in @mac, which starts as the default: a locally
 * administered 52:54:00 address with the pid and the card's index in it,
 * so that cards differ within a VM and between VMs on one bridge.
 */
static void net_take_mac(const char *spec, char *opts, uint8_t mac[6])
{
	pid_t pid = getpid();
	const uint8_t def[6] = { 0x52, 0x54, 0x00, pid >> 8, pid, nr_nics };
	char *p, *next, *out = opts;
	size_t len;

	memcpy(mac, def, sizeof(def));
	for (p = opts; *p; p = next) {
		next = p + strcspn(p, ",");
		if (*next)
			*next++ = '\0';
		if (!strncmp(p, "mac=", 4)) {
			net_parse_mac(spec, p + 4, mac);
			continue;
		}
		if (out != opts)
			*out++ = ',';
		len = strlen(p);
		memmove(out, p, len);
		out += len;
	}
	*out = '\0';
}

int virtio_net_add(const char *spec, unsigned int slot)
{
	struct net *net = calloc(1, sizeof(*net));
	char *kind = strdup(spec), *opts;
	struct virtio_net_config *cfg;

	if (!net || !kind)
		return -ENOMEM;
	cfg = (void *)net->dev.config;
	opts = kind + strcspn(kind, ",");
	if (*opts)
		*opts++ = '\0';
	net_take_mac(spec, opts, cfg->mac);
	if (!strcmp(kind, "user"))
		net->be = net_slirp_open(opts);
	else if (!strncmp(kind, "tap=", 4) && kind[4] && !*opts)
		net->be = net_tap_open(kind + 4);
	else if (!strncmp(kind, "tap=", 4) && kind[4])
		die(EXIT_BAD_INPUT, "--net %s: a tap takes only mac=", spec);
	else
		die(EXIT_BAD_INPUT, "bad --net '%s': give user[,hostfwd=tcp::HOSTPORT-:GUESTPORT], tap=NAME (either with ,mac=MAC) or none",
		    spec);
	free(kind);

	snprintf(net->name, sizeof(net->name), "virtio-net eth%u", nr_nics++);
	net->dev.name = net->name;
	net->dev.device_id = VIRTIO_ID_NET;
	net->dev.pci_class = 0x020000;
	net->dev.features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
			    net->be->features;
	net->dev.num_queues = 2;
	net->dev.config_len = offsetof(struct virtio_net_config, max_virtqueue_pairs);
	cfg->status = VIRTIO_NET_S_LINK_UP;
	net->dev.ops = &net_ops;
	net->dev.priv = net;
	net->dev.fds[FD_RX].fd = net->be->rx_fd;	/* polled once the driver is up */
	return virtio_pci_add(&net->dev, slot);
}
