/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtio devices lguest-launch offers, each in its own file, as
 * main.c sets them up: each takes the PCI slot it goes in and returns 0
 * or -errno; a bad --disk or --net dies with a one-line error.
 */
#ifndef LG_VIRTIO_DEVICES_H
#define LG_VIRTIO_DEVICES_H

/* hvc0 on @in_fd (-1: no input) and @out_fd. */
int virtio_console_init(unsigned int slot, int in_fd, int out_fd);
/* --disk FILE[,ro][,serial=ID] */
int virtio_blk_add(const char *spec, unsigned int slot);
int virtio_rng_init(unsigned int slot);
/* --net user[,hostfwd=...][,mac=MAC] or tap=NAME[,mac=MAC]: eth0, eth1, ... */
int virtio_net_add(const char *spec, unsigned int slot);

#endif /* LG_VIRTIO_DEVICES_H */
