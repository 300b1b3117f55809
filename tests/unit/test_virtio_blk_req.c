// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the virtio-blk request parser (virtio/blk_req.c):
 * requests split across descriptors anywhere, sectors and lengths checked
 * against the disk without overflow, read-only disks, and requests too
 * broken to answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/virtio_blk.h>

#include "virtio_ring_helpers.h"
#include "virtio/blk_req.h"

#define SECTORS		2048	/* a 1 MiB disk */

static struct virtq_elem elem;
static struct blk_req req;
static struct virtio_blk_outhdr hdr;
static uint8_t data[4096], status;

static void elem_init(uint32_t type, uint64_t sector)
{
	memset(&elem, 0, sizeof(elem));
	hdr = (struct virtio_blk_outhdr){ .type = type, .sector = sector };
	elem.out[0] = (struct iovec){ &hdr, sizeof(hdr) };
	elem.out_num = 1;
}

static void add_in(void *p, size_t len)
{
	elem.in[elem.in_num++] = (struct iovec){ p, len };
}

static int parse(bool ro)
{
	return blk_req_parse(&elem, SECTORS, ro, &req);
}

static void read_request(void **state)
{
	elem_init(VIRTIO_BLK_T_IN, 8);
	add_in(data, 1024);
	add_in(&status, 1);
	assert_int_equal(parse(false), VIRTIO_BLK_S_OK);
	assert_int_equal(req.offset, 8 * 512);
	assert_int_equal(req.data_len, 1024);
	assert_int_equal(req.data_num, 1);
	assert_ptr_equal(req.status, &status);
}

static void header_and_status_split_anywhere(void **state)
{
	uint8_t buf[1024 + 1];

	/* The header in two pieces, data and status in one buffer. */
	elem_init(VIRTIO_BLK_T_IN, 2);
	elem.out[0].iov_len = 5;
	elem.out[1] = (struct iovec){ (char *)&hdr + 5, sizeof(hdr) - 5 };
	elem.out_num = 2;
	add_in(buf, sizeof(buf));
	assert_int_equal(parse(false), VIRTIO_BLK_S_OK);
	assert_int_equal(req.offset, 1024);
	assert_int_equal(req.data_len, 1024);
	assert_ptr_equal(req.status, &buf[1024]);

	/* A write: header and data in one readable buffer. */
	memcpy(data, &(struct virtio_blk_outhdr){ .type = VIRTIO_BLK_T_OUT, .sector = 1 },
	       sizeof(hdr));
	memset(&elem, 0, sizeof(elem));
	elem.out[0] = (struct iovec){ data, sizeof(hdr) + 512 };
	elem.out_num = 1;
	add_in(&status, 1);
	assert_int_equal(parse(false), VIRTIO_BLK_S_OK);
	assert_ptr_equal(req.data[0].iov_base, data + sizeof(hdr));
	assert_int_equal(req.data_len, 512);
}

static void outside_the_disk_is_an_io_error(void **state)
{
	static const uint64_t sectors[] = { SECTORS - 1, SECTORS, UINT64_MAX,
					    UINT64_MAX / 512 + 1 };
	unsigned int i;

	for (i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++) {
		elem_init(VIRTIO_BLK_T_IN, sectors[i]);
		add_in(data, 1024);
		add_in(&status, 1);
		assert_int_equal(parse(false), VIRTIO_BLK_S_IOERR);
	}
	/* The very last sector is fine. */
	elem_init(VIRTIO_BLK_T_OUT, SECTORS - 1);
	elem.out[1] = (struct iovec){ data, 512 };
	elem.out_num = 2;
	add_in(&status, 1);
	assert_int_equal(parse(false), VIRTIO_BLK_S_OK);
	/* Not whole sectors. */
	elem.out[1].iov_len = 100;
	assert_int_equal(parse(false), VIRTIO_BLK_S_IOERR);
}

static void read_only_refuses_writes(void **state)
{
	elem_init(VIRTIO_BLK_T_OUT, 0);
	elem.out[1] = (struct iovec){ data, 512 };
	elem.out_num = 2;
	add_in(&status, 1);
	assert_int_equal(parse(true), VIRTIO_BLK_S_IOERR);
	elem_init(VIRTIO_BLK_T_IN, 0);
	add_in(data, 512);
	add_in(&status, 1);
	assert_int_equal(parse(true), VIRTIO_BLK_S_OK);
}

static void discard_and_write_zeroes(void **state)
{
	struct virtio_blk_discard_write_zeroes seg = { .sector = 16, .num_sectors = 8 };

	elem_init(VIRTIO_BLK_T_DISCARD, 0);
	elem.out[1] = (struct iovec){ &seg, sizeof(seg) };
	elem.out_num = 2;
	add_in(&status, 1);
	assert_int_equal(parse(false), VIRTIO_BLK_S_OK);
	assert_int_equal(req.range.sector, 16);
	assert_int_equal(req.range.sectors, 8);
	assert_int_equal(parse(true), VIRTIO_BLK_S_IOERR);

	seg.flags = VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;	/* not for DISCARD */
	assert_int_equal(parse(false), VIRTIO_BLK_S_UNSUPP);
	hdr.type = VIRTIO_BLK_T_WRITE_ZEROES;
	assert_int_equal(parse(false), VIRTIO_BLK_S_OK);
	assert_true(req.range.unmap);

	seg.sector = SECTORS - 4;	/* runs off the end */
	assert_int_equal(parse(false), VIRTIO_BLK_S_IOERR);
	seg.sector = UINT64_MAX;
	assert_int_equal(parse(false), VIRTIO_BLK_S_IOERR);

	elem.out[1].iov_len = 2 * sizeof(seg) - 1;	/* not one segment */
	assert_int_equal(parse(false), VIRTIO_BLK_S_UNSUPP);
}

static void unknown_and_broken_requests(void **state)
{
	elem_init(0x1234, 0);
	add_in(&status, 1);
	assert_int_equal(parse(false), VIRTIO_BLK_S_UNSUPP);

	elem_init(VIRTIO_BLK_T_FLUSH, 0);
	assert_int_equal(parse(false), -1);	/* no status byte */
	elem_init(VIRTIO_BLK_T_IN, 0);
	elem.out[0].iov_len = 15;		/* a short header */
	add_in(&status, 1);
	assert_int_equal(parse(false), -1);

	/* Zero-length writable buffers at the end: status is before them. */
	elem_init(VIRTIO_BLK_T_FLUSH, 0);
	add_in(&status, 1);
	add_in(data, 0);
	assert_int_equal(parse(false), VIRTIO_BLK_S_OK);
	assert_ptr_equal(req.status, &status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_request),
		cmocka_unit_test(header_and_status_split_anywhere),
		cmocka_unit_test(outside_the_disk_is_an_io_error),
		cmocka_unit_test(read_only_refuses_writes),
		cmocka_unit_test(discard_and_write_zeroes),
		cmocka_unit_test(unknown_and_broken_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
