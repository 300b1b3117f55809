// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the virtio-net header rules (virtio/net_hdr.c): what a
 * guest may send with and without offloads negotiated, checksum
 * positions that must lie inside the frame, and the header a received
 * frame gets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "virtio/net_hdr.h"

#define F(bit)		(1ull << VIRTIO_NET_F_##bit)
#define OFFLOADS	(F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6))

static const char *check(uint8_t flags, uint8_t gso, uint16_t start, uint16_t off,
			 size_t len, uint64_t features)
{
	struct virtio_net_hdr_v1 hdr = {
		.flags = flags, .gso_type = gso, .gso_size = gso ? 1448 : 0,
		.csum_start = start, .csum_offset = off,
	};

	return net_hdr_check_tx(&hdr, len, features);
}

static void plain_frames(void **state)
{
	assert_null(check(0, 0, 0, 0, 60, 0));
	assert_null(check(0, 0, 0, 0, NET_FRAME_MAX, 0));
	assert_non_null(check(0, 0, 0, 0, NET_ETH_HLEN - 1, 0));
	assert_non_null(check(0, 0, 0, 0, NET_FRAME_MAX + 5, OFFLOADS));
	assert_non_null(check(0x80, 0, 0, 0, 60, OFFLOADS));	/* unknown flag */
}

static void partial_checksums(void **state)
{
	uint8_t csum = VIRTIO_NET_HDR_F_NEEDS_CSUM;

	assert_non_null(check(csum, 0, 34, 16, 60, 0));	/* not negotiated */
	assert_null(check(csum, 0, 34, 16, 60, F(CSUM)));
	assert_null(check(csum, 0, 34, 24, 60, F(CSUM)));	/* ends at the last byte */
	assert_non_null(check(csum, 0, 34, 25, 60, F(CSUM)));
	assert_non_null(check(csum, 0, 0xffff, 0xffff, 60, F(CSUM)));
}

static void segmentation(void **state)
{
	uint8_t csum = VIRTIO_NET_HDR_F_NEEDS_CSUM;

	assert_null(check(csum, VIRTIO_NET_HDR_GSO_TCPV4, 34, 16, 20000, OFFLOADS));
	assert_null(check(csum, VIRTIO_NET_HDR_GSO_TCPV6, 54, 16, 20000, OFFLOADS));
	assert_non_null(check(csum, VIRTIO_NET_HDR_GSO_TCPV4, 34, 16, 20000, F(CSUM)));
	assert_non_null(check(0, VIRTIO_NET_HDR_GSO_TCPV4, 0, 0, 20000, OFFLOADS));
	assert_non_null(check(csum, VIRTIO_NET_HDR_GSO_UDP, 34, 6, 20000, OFFLOADS));
	assert_non_null(check(csum, VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN,
			      34, 16, 20000, OFFLOADS));
	assert_non_null(check(0, VIRTIO_NET_HDR_GSO_ECN, 0, 0, 60, F(HOST_ECN)));
}

static void received_headers(void **state)
{
	struct virtio_net_hdr_v1 hdr;

	memset(&hdr, 0xaa, sizeof(hdr));
	net_hdr_fill_rx(&hdr, false);
	assert_int_equal(hdr.flags, 0);
	assert_int_equal(hdr.gso_type, 0);
	assert_int_equal(hdr.csum_start, 0);
	assert_int_equal(hdr.num_buffers, 1);

	memset(&hdr, 0, sizeof(hdr));
	hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	hdr.num_buffers = 7;
	net_hdr_fill_rx(&hdr, true);	/* tap's stays, but one buffer */
	assert_int_equal(hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(hdr.num_buffers, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_frames),
		cmocka_unit_test(partial_checksums),
		cmocka_unit_test(segmentation),
		cmocka_unit_test(received_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
