// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bzImage loader against synthesized images: what a good one turns
 * into, and that every malformed or hostile header gets an error instead
 * of a crash or a write outside guest RAM (ASan watches the latter).
 * Also where the initrd goes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/boot.h"
#include "boot/layout.h"

#define RAM_SIZE	(64ULL << 20)
#define CODE_SIZE	0x4000

struct image {
	uint8_t *buf;
	size_t len;
	struct setup_header *hdr;	/* inside buf, unaligned: use memcpy'd copies */
};

struct env {
	struct guest_ram ram;
	struct image img;
	struct kernel_image kernel;
};

/* A plausible modern bzImage: protocol 2.15, relocatable, 64-bit entry. */
static void make_image(struct image *img, uint8_t setup_sects, size_t code)
{
	size_t setup = ((setup_sects ? setup_sects : 4) + 1) * 512;
	struct setup_header h = { 0 };
	size_t i;

	img->len = setup + code;
	img->buf = calloc(1, img->len);
	assert_non_null(img->buf);
	h.setup_sects = setup_sects;
	h.boot_flag = 0xaa55;
	h.jump = 0xeb | ((0x268 - 0x202) << 8);
	h.header = 0x53726448;
	h.version = 0x020f;
	h.relocatable_kernel = 1;
	h.kernel_alignment = 0x200000;
	h.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	h.cmdline_size = 2047;
	h.initrd_addr_max = 0x7fffffff;
	h.pref_address = 0x1000000;
	h.init_size = 8 << 20;
	memcpy(img->buf + 0x1f1, &h, sizeof(h));
	for (i = 0; i < code; i++)
		img->buf[setup + i] = (uint8_t)(i * 7 + 1);
}

/* Edits one header field of the image in place. */
#define SET_HDR(img, field, value)					\
	do {								\
		struct setup_header h_;					\
		memcpy(&h_, (img)->buf + 0x1f1, sizeof(h_));		\
		h_.field = (value);					\
		memcpy((img)->buf + 0x1f1, &h_, sizeof(h_));		\
	} while (0)

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->ram.base = calloc(1, RAM_SIZE);
	e->ram.low_size = RAM_SIZE;
	make_image(&e->img, 27, CODE_SIZE);
	*state = e;
	return e->ram.base ? 0 : -1;
}

static int teardown(void **state)
{
	struct env *e = *state;

	free(e->ram.base);
	free(e->img.buf);
	free(e);
	return 0;
}

static int load(struct env *e)
{
	return kernel_load(&e->ram, e->img.buf, e->img.len, &e->kernel);
}

static void valid_bzimage_loads_at_16M_with_entry_at_0x200(void **state)
{
	struct env *e = *state;
	size_t setup = 28 * 512;

	assert_int_equal(load(e), 0);
	assert_int_equal(e->kernel.load_addr, 0x1000000);
	assert_int_equal(e->kernel.entry, 0x1000200);
	assert_int_equal(e->kernel.end, 0x1000000 + (8 << 20));
	assert_false(e->kernel.is_elf);
	assert_memory_equal(e->ram.base + 0x1000000, e->img.buf + setup, CODE_SIZE);
	assert_int_equal(e->kernel.hdr.version, 0x020f);
	assert_int_equal(e->kernel.hdr.type_of_loader, 0xff);
	assert_int_equal(e->kernel.hdr.code32_start, 0x1000000);
	assert_int_equal(e->kernel.hdr_len, 0x268 - 0x1f1);
}

static void pref_address_is_aligned_up_to_kernel_alignment(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, pref_address, 0x1234567);
	assert_int_equal(load(e), 0);
	assert_int_equal(e->kernel.load_addr, 0x1400000);
	assert_int_equal(e->kernel.entry, 0x1400200);
}

static void pref_address_below_16M_is_raised_to_16M(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, pref_address, 0x100000);
	assert_int_equal(load(e), 0);
	assert_int_equal(e->kernel.load_addr, 0x1000000);
}

static void protocol_older_than_2_12_is_refused(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, version, 0x020b);
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "2.11"));
}

static void missing_xlf_kernel_64_is_refused(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, xloadflags, XLF_CAN_BE_LOADED_ABOVE_4G);
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "XLF_KERNEL_64"));
}

static void file_without_any_magic_is_neither_kernel_kind(void **state)
{
	struct env *e = *state;

	memset(e->img.buf + 0x202, 'x', 4);
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "neither"));
}

static void truncation_anywhere_gives_an_error(void **state)
{
	struct env *e = *state;
	size_t cuts[] = { 0, 1, 0x1f1, 0x205, 0x206, 0x230, 0x267,
			  28 * 512 - 1, 28 * 512, 28 * 512 + 0x200 };
	unsigned int i;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		/* A fresh, exact-size copy so that ASan sees any overread. */
		uint8_t *cut = malloc(cuts[i] ? cuts[i] : 1);

		memcpy(cut, e->img.buf, cuts[i]);
		assert_int_equal(kernel_load(&e->ram, cut, cuts[i], &e->kernel), -1);
		assert_int_equal(bzimage_load(&e->ram, cut, cuts[i], &e->kernel), -1);
		free(cut);
	}
}

static void header_shorter_than_protocol_2_12_is_refused(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, jump, 0xeb | (0x30 << 8));	/* ends at 0x232 */
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "too short"));
}

static void setup_sects_zero_means_four(void **state)
{
	struct env *e = *state;

	free(e->img.buf);
	make_image(&e->img, 0, CODE_SIZE);
	assert_int_equal(load(e), 0);
	assert_memory_equal(e->ram.base + e->kernel.load_addr,
			    e->img.buf + 5 * 512, CODE_SIZE);
}

static void huge_setup_sects_past_the_end_is_truncation(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, setup_sects, 255);
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "truncated"));
}

static void init_size_beyond_ram_asks_for_more_memory(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, init_size, 60 << 20);
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "-m"));
}

static void hostile_pref_address_gives_an_error(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, pref_address, UINT64_MAX - 0x100);
	assert_int_equal(load(e), -1);
	SET_HDR(&e->img, relocatable_kernel, 0);
	assert_int_equal(load(e), -1);
	SET_HDR(&e->img, pref_address, 0x1000);
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "below 1 MiB"));
}

static void bad_kernel_alignment_is_refused(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, kernel_alignment, 0x300000);
	assert_int_equal(load(e), -1);
	SET_HDR(&e->img, kernel_alignment, 0);
	assert_int_equal(load(e), -1);
	assert_non_null(strstr(boot_error(), "kernel_alignment"));
}

static void non_relocatable_kernel_loads_at_pref_address(void **state)
{
	struct env *e = *state;

	SET_HDR(&e->img, relocatable_kernel, 0);
	SET_HDR(&e->img, pref_address, 0x2000000);
	assert_int_equal(load(e), 0);
	assert_int_equal(e->kernel.load_addr, 0x2000000);
}

static void initrd_goes_page_aligned_to_the_top_of_ram(void **state)
{
	struct env *e = *state;
	uint64_t addr;

	assert_int_equal(load(e), 0);
	assert_int_equal(initrd_place(&e->ram, &e->kernel, 12345, &addr), 0);
	assert_int_equal(addr, (RAM_SIZE - 12345) & ~0xfffULL);
	assert_true(addr + 12345 <= RAM_SIZE);
}

static void initrd_stays_below_initrd_addr_max(void **state)
{
	struct env *e = *state;
	uint64_t addr;

	SET_HDR(&e->img, initrd_addr_max, 0x2ffffff);
	assert_int_equal(load(e), 0);
	assert_int_equal(initrd_place(&e->ram, &e->kernel, 0x100000, &addr), 0);
	assert_int_equal(addr, 0x2f00000);
}

static void initrd_that_does_not_fit_above_the_kernel_is_refused(void **state)
{
	struct env *e = *state;
	uint64_t addr = 0;

	assert_int_equal(load(e), 0);
	/* The kernel takes 16..24 MiB of 64 MiB: 40 MiB is left. */
	assert_int_equal(initrd_place(&e->ram, &e->kernel, 40 << 20, &addr), 0);
	assert_int_equal(initrd_place(&e->ram, &e->kernel, (40 << 20) + 1, &addr), -1);
	assert_non_null(strstr(boot_error(), "does not fit"));
	assert_int_equal(initrd_place(&e->ram, &e->kernel, UINT64_MAX, &addr), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(valid_bzimage_loads_at_16M_with_entry_at_0x200),
		T(pref_address_is_aligned_up_to_kernel_alignment),
		T(pref_address_below_16M_is_raised_to_16M),
		T(protocol_older_than_2_12_is_refused),
		T(missing_xlf_kernel_64_is_refused),
		T(file_without_any_magic_is_neither_kernel_kind),
		T(truncation_anywhere_gives_an_error),
		T(header_shorter_than_protocol_2_12_is_refused),
		T(setup_sects_zero_means_four),
		T(huge_setup_sects_past_the_end_is_truncation),
		T(init_size_beyond_ram_asks_for_more_memory),
		T(hostile_pref_address_gives_an_error),
		T(bad_kernel_alignment_is_refused),
		T(non_relocatable_kernel_loads_at_pref_address),
		T(initrd_goes_page_aligned_to_the_top_of_ram),
		T(initrd_stays_below_initrd_addr_max),
		T(initrd_that_does_not_fit_above_the_kernel_is_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
