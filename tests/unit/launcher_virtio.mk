# SPDX-License-Identifier: GPL-2.0-only
# The launcher's virtio code that needs no device thread: the split
# virtqueue and the virtio-blk request parser, on RAM mapped by vm.c,
# and the virtio-net header's rules.
VIRTIO_DIR := $(ROOT)/src/launcher/virtio
VIRTIO_COMMON := $(ROOT)/src/launcher/vm.c $(VIRTIO_DIR)/queue.c

UNIT_TESTS += test_virtio_queue test_virtio_blk_req test_virtio_net_hdr
test_virtio_queue_SRCS := test_virtio_queue.c $(VIRTIO_COMMON)
test_virtio_blk_req_SRCS := test_virtio_blk_req.c $(VIRTIO_COMMON) $(VIRTIO_DIR)/blk_req.c
test_virtio_net_hdr_SRCS := test_virtio_net_hdr.c $(VIRTIO_DIR)/net_hdr.c

# The transport with a test back-end, through the bus as a vCPU reaches it.
UNIT_TESTS += test_virtio_pci
test_virtio_pci_SRCS := test_virtio_pci.c $(VIRTIO_COMMON) $(ROOT)/src/launcher/bus.c \
	$(ROOT)/src/launcher/legacy/pci.c $(VIRTIO_DIR)/pci.c $(VIRTIO_DIR)/msix.c
