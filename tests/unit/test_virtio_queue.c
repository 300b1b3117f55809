// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the launcher's split virtqueue (virtio/queue.c): what a
 * well-behaved driver gets, and the hostile rings (descriptor loops,
 * chains longer than the ring, indirect tables inside indirect tables,
 * buffers outside RAM, lengths that wrap), each of which must be
 * refused with a reason rather than followed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "virtio_ring_helpers.h"

static struct virtqueue vq;
static struct virtq_elem elem;

static int pop(const char **why)
{
	*why = NULL;
	return vq_pop(&vq, &elem, why);
}

static void chain_of_two_is_one_request(void **state)
{
	const char *why;

	ring_init(&vq, 8, false, false);
	ring_desc(RING_DESC, 0, RING_BUF, 16, VRING_DESC_F_NEXT, 3);
	ring_desc(RING_DESC, 3, RING_BUF + 0x1000, 512, VRING_DESC_F_WRITE, 0);
	assert_int_equal(pop(&why), 0);	/* nothing published yet */
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), 1);
	assert_int_equal(elem.head, 0);
	assert_int_equal(elem.out_num, 1);
	assert_int_equal(elem.in_num, 1);
	assert_ptr_equal(elem.out[0].iov_base, gpa(RING_BUF));
	assert_int_equal(elem.in[0].iov_len, 512);
	assert_int_equal(pop(&why), 0);

	vq_push(&vq, &elem, 512);
	assert_int_equal(((struct vring_used *)gpa(RING_USED))->idx, 1);
	assert_int_equal(((struct vring_used *)gpa(RING_USED))->ring[0].len, 512);
	assert_true(vq_should_interrupt(&vq));
	assert_false(vq_should_interrupt(&vq));	/* nothing new since */
}

static void loops_and_long_chains_are_refused(void **state)
{
	const char *why;
	uint16_t i;

	ring_init(&vq, 4, false, false);
	ring_desc(RING_DESC, 0, RING_BUF, 1, VRING_DESC_F_NEXT, 1);
	ring_desc(RING_DESC, 1, RING_BUF, 1, VRING_DESC_F_NEXT, 0);
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), -1);
	assert_string_equal(why, "a loop in a descriptor chain");

	/* Every descriptor chained, the last back to the first: too long. */
	ring_init(&vq, 4, false, false);
	for (i = 0; i < 4; i++)
		ring_desc(RING_DESC, i, RING_BUF, 1, VRING_DESC_F_NEXT, (i + 1) % 4);
	ring_publish(&vq, 2);
	assert_int_equal(pop(&why), -1);
}

static void indices_outside_the_ring_are_refused(void **state)
{
	struct vring_avail *a;
	const char *why;

	ring_init(&vq, 4, false, false);
	ring_publish(&vq, 4);
	assert_int_equal(pop(&why), -1);
	assert_string_equal(why, "a head index outside the ring");

	ring_init(&vq, 4, false, false);
	ring_desc(RING_DESC, 0, RING_BUF, 1, VRING_DESC_F_NEXT, 9);
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), -1);
	assert_string_equal(why, "a next index outside the ring");

	ring_init(&vq, 4, false, false);
	a = gpa(RING_AVAIL);
	a->idx = 5;		/* five new entries in a ring of four */
	assert_int_equal(pop(&why), -1);
}

static void buffers_outside_ram_are_refused(void **state)
{
	static const struct { uint64_t addr; uint32_t len; } bad[] = {
		{ RING_RAM, 1 },			/* just past the end */
		{ RING_RAM - 16, 32 },			/* straddling it */
		{ UINT64_MAX - 7, 16 },			/* wrapping */
		{ 0xfee00000, 4 },			/* the APIC, not RAM */
	};
	const char *why;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ring_init(&vq, 4, false, false);
		ring_desc(RING_DESC, 0, bad[i].addr, bad[i].len, 0, 0);
		ring_publish(&vq, 0);
		assert_int_equal(pop(&why), -1);
		assert_string_equal(why, "a buffer outside guest RAM");
	}
}

static void readable_after_writable_is_refused(void **state)
{
	const char *why;

	ring_init(&vq, 4, false, false);
	ring_desc(RING_DESC, 0, RING_BUF, 1, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	ring_desc(RING_DESC, 1, RING_BUF, 1, 0, 0);
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), -1);
}

static void indirect_tables_are_checked(void **state)
{
	const uint64_t table = RING_BUF + 0x10000, inner = RING_BUF + 0x20000;
	const char *why;

	/* A good one: two entries. */
	ring_init(&vq, 4, true, false);
	ring_desc(table, 0, RING_BUF, 16, VRING_DESC_F_NEXT, 1);
	ring_desc(table, 1, RING_BUF + 16, 1, VRING_DESC_F_WRITE, 0);
	ring_desc(RING_DESC, 0, table, 32, VRING_DESC_F_INDIRECT, 0);
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), 1);
	assert_int_equal(elem.out_num, 1);
	assert_int_equal(elem.in_num, 1);

	/* Not negotiated. */
	ring_init(&vq, 4, false, false);
	ring_desc(RING_DESC, 0, table, 32, VRING_DESC_F_INDIRECT, 0);
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), -1);

	/* An indirect table inside an indirect table. */
	ring_init(&vq, 4, true, false);
	ring_desc(inner, 0, RING_BUF, 1, 0, 0);
	ring_desc(table, 0, inner, 16, VRING_DESC_F_INDIRECT, 0);
	ring_desc(RING_DESC, 0, table, 16, VRING_DESC_F_INDIRECT, 0);
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), -1);
	assert_string_equal(why, "an indirect table inside an indirect table");

	/* A loop inside the table. */
	ring_init(&vq, 4, true, false);
	ring_desc(table, 0, RING_BUF, 1, VRING_DESC_F_NEXT, 1);
	ring_desc(table, 1, RING_BUF, 1, VRING_DESC_F_NEXT, 0);
	ring_desc(RING_DESC, 0, table, 32, VRING_DESC_F_INDIRECT, 0);
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), -1);
	assert_string_equal(why, "a loop in an indirect table");

	/* Sizes: not a multiple of 16, empty, wrapping, outside RAM. */
	ring_init(&vq, 4, true, false);
	ring_desc(RING_DESC, 0, table, 24, VRING_DESC_F_INDIRECT, 0);
	ring_desc(RING_DESC, 1, table, 0, VRING_DESC_F_INDIRECT, 0);
	ring_desc(RING_DESC, 2, UINT64_MAX - 15, 32, VRING_DESC_F_INDIRECT, 0);
	ring_desc(RING_DESC, 3, table, 16 * (VIRTIO_MAX_SEGS + 1), VRING_DESC_F_INDIRECT, 0);
	for (int i = 0; i < 4; i++) {
		ring_publish(&vq, i);
		assert_int_equal(pop(&why), -1);
		vq.last_avail++;	/* past the bad one, to try the next */
	}

	/* With NEXT as well: the spec forbids it. */
	ring_init(&vq, 4, true, false);
	ring_desc(table, 0, RING_BUF, 1, 0, 0);
	ring_desc(RING_DESC, 0, table, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	ring_publish(&vq, 0);
	assert_int_equal(pop(&why), -1);
}

static void setup_refuses_bad_rings(void **state)
{
	ring_init(&vq, 4, false, false);
	vq.size = 3;
	assert_false(vq_setup(&vq));
	vq.size = 4;
	vq.desc_gpa = RING_DESC + 8;
	assert_false(vq_setup(&vq));
	vq.desc_gpa = RING_RAM - 16;	/* the table runs out of RAM */
	assert_false(vq_setup(&vq));
	vq.desc_gpa = RING_DESC;
	vq.used_gpa = RING_USED + 2;
	assert_false(vq_setup(&vq));
	vq.used_gpa = RING_USED;
	assert_true(vq_setup(&vq));
}

static void event_idx_decides_interrupts_and_kicks(void **state)
{
	struct vring_avail *a;
	struct vring_used *u;
	const char *why;
	int i;

	ring_init(&vq, 8, false, true);
	a = gpa(RING_AVAIL);
	u = gpa(RING_USED);
	for (i = 0; i < 3; i++) {
		ring_desc(RING_DESC, i, RING_BUF, 1, VRING_DESC_F_WRITE, 0);
		ring_publish(&vq, i);
	}
	a->ring[8] = 1;		/* used_event: interrupt once used->idx passes 1 */
	assert_int_equal(pop(&why), 1);
	vq_push(&vq, &elem, 1);
	assert_false(vq_should_interrupt(&vq));	/* idx 1: not past 1 yet */
	assert_int_equal(pop(&why), 1);
	vq_push(&vq, &elem, 1);
	assert_true(vq_should_interrupt(&vq));	/* idx 2 */

	/* Asking for kicks writes avail_event; the third is still there. */
	assert_true(vq_wait_for_kicks(&vq));
	assert_int_equal(pop(&why), 1);
	assert_false(vq_wait_for_kicks(&vq));
	assert_int_equal(*(uint16_t *)&u->ring[8], 3);

	/* Without EVENT_IDX, the NO_INTERRUPT flag. */
	ring_init(&vq, 8, false, false);
	a = gpa(RING_AVAIL);
	ring_desc(RING_DESC, 0, RING_BUF, 1, VRING_DESC_F_WRITE, 0);
	ring_publish(&vq, 0);
	a->flags = VRING_AVAIL_F_NO_INTERRUPT;
	assert_int_equal(pop(&why), 1);
	vq_push(&vq, &elem, 1);
	assert_false(vq_should_interrupt(&vq));
}

static void iov_copies_across_segments(void **state)
{
	char a[3] = "ab", b[4] = "cde", out[8] = { 0 };
	struct iovec iov[2] = { { a, 2 }, { b, 3 } };

	assert_int_equal(iov_size(iov, 2), 5);
	assert_int_equal(iov_to_buf(iov, 2, 1, out, sizeof(out)), 4);
	assert_string_equal(out, "bcde");
	assert_int_equal(iov_from_buf(iov, 2, 3, "XY", 2), 2);
	assert_memory_equal(b, "cXY", 3);
	assert_int_equal(iov_to_buf(iov, 2, 9, out, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chain_of_two_is_one_request),
		cmocka_unit_test(loops_and_long_chains_are_refused),
		cmocka_unit_test(indices_outside_the_ring_are_refused),
		cmocka_unit_test(buffers_outside_ram_are_refused),
		cmocka_unit_test(readable_after_writable_is_refused),
		cmocka_unit_test(indirect_tables_are_checked),
		cmocka_unit_test(setup_refuses_bad_rings),
		cmocka_unit_test(event_idx_decides_interrupts_and_kicks),
		cmocka_unit_test(iov_copies_across_segments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
