// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the guest page walk and instruction fetch
 * (src/module/guest_walk.c), on page tables built in an array that
 * stands in for guest RAM, and of fetch and decode working together.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "guest_walk.h"
#include "mmio_decode.h"

#define EFER_LMA	0x400ULL
#define EFER_NXE	0x800ULL
#define EFER_LONG	(0x100ULL | EFER_LMA | EFER_NXE)	/* LME, LMA, NXE */
#define CR4_PAE		0x20ULL
#define CR4_LA57	0x1000ULL

#define PTE_P		0x1ULL
#define PTE_RW		0x2ULL
#define PTE_US		0x4ULL
#define PTE_PS		0x80ULL
#define PTE_NX		0x8000000000000000ULL
#define ADDR_MASK	0x000ffffffffff000ULL

#define PAGE		4096ULL
#define MEM_SIZE	(2ULL << 20)	/* 2 MiB of guest RAM for the tables */

struct guest {
	u8 *mem;
	u64 next_free;		/* bump allocator for page-table pages */
	u64 cr3, cr4;
	unsigned int levels;
};

/* read_gpa() for the tests: the array, and the contract checked. */
static int read_gpa(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	struct guest *g = opaque;

	assert_true(len >= 1 && len <= PAGE);
	assert_true((gpa & (PAGE - 1)) + len <= PAGE);	/* never crosses a page */
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -ERANGE;
	memcpy(buf, g->mem + gpa, len);
	return 0;
}

static int setup(void **state)
{
	struct guest *g = calloc(1, sizeof(*g));

	if (!g)
		return -1;
	g->mem = calloc(1, MEM_SIZE);
	if (!g->mem)
		return -1;
	g->next_free = 0x100000;	/* tables live in the second MiB */
	g->cr3 = g->next_free;
	g->next_free += PAGE;
	g->cr4 = CR4_PAE;
	g->levels = 4;
	*state = g;
	return 0;
}

static int setup_la57(void **state)
{
	struct guest *g;

	if (setup(state))
		return -1;
	g = *state;
	g->cr4 |= CR4_LA57;
	g->levels = 5;
	return 0;
}

static int teardown(void **state)
{
	struct guest *g = *state;

	free(g->mem);
	free(g);
	return 0;
}

static unsigned int shift_of(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

static u64 *pte_at(struct guest *g, u64 table, u64 gva, unsigned int level)
{
	return (u64 *)(g->mem + table + ((gva >> shift_of(level)) & 511) * 8);
}

/* The entry for @gva at @level (1 = PTE ... 5 = PML5E), which must exist. */
static u64 *entry(struct guest *g, u64 gva, unsigned int level)
{
	u64 table = g->cr3;
	unsigned int l;

	for (l = g->levels; l > level; l--)
		table = *pte_at(g, table, gva, l) & ADDR_MASK;
	return pte_at(g, table, gva, level);
}

/* Map @gva to @gpa with a page of @level: 1 = 4K, 2 = 2M, 3 = 1G. */
static void map(struct guest *g, u64 gva, u64 gpa, unsigned int level, u64 flags)
{
	u64 table = g->cr3, *e;
	unsigned int l;

	for (l = g->levels; l > level; l--) {
		e = pte_at(g, table, gva, l);
		if (!(*e & PTE_P)) {
			assert_true(g->next_free < MEM_SIZE);
			*e = g->next_free | PTE_P | PTE_RW;
			g->next_free += PAGE;
		}
		table = *e & ADDR_MASK;
	}
	*pte_at(g, table, gva, level) = gpa | PTE_P | PTE_RW | (level > 1 ? PTE_PS : 0) | flags;
}

static int walk(struct guest *g, u64 gva, u64 *gpa)
{
	return guest_walk(g->cr3, g->cr4, EFER_LONG, gva, read_gpa, g, gpa);
}

static void test_4k_page_translates(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0xffffffff81234000ULL, 0x5000, 1, 0);
	assert_int_equal(walk(g, 0xffffffff81234567ULL, &gpa), 0);
	assert_int_equal(gpa, 0x5567);
	assert_int_equal(walk(g, 0xffffffff81235000ULL, &gpa), -EFAULT);
}

static void test_2m_page_translates(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0xffff888000200000ULL, 0x40000000, 2, 0);
	assert_int_equal(walk(g, 0xffff8880002fedcbULL, &gpa), 0);
	assert_int_equal(gpa, 0x400fedcb);
}

static void test_2m_page_with_pat_bit_translates(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0xffff888000200000ULL, 0x40000000, 2, 0x1000);	/* PAT */
	assert_int_equal(walk(g, 0xffff888000212345ULL, &gpa), 0);
	assert_int_equal(gpa, 0x40012345);
}

static void test_1g_page_translates(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0xffff888040000000ULL, 0x180000000ULL, 3, 0);
	assert_int_equal(walk(g, 0xffff888043456789ULL, &gpa), 0);
	assert_int_equal(gpa, 0x183456789ULL);
}

static void test_5_level_4k_page_translates(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0xff11223344556000ULL, 0x7000, 1, 0);
	assert_int_equal(walk(g, 0xff11223344556677ULL, &gpa), 0);
	assert_int_equal(gpa, 0x7677);
	/* Canonical under 5 levels, though not under 4. */
	map(g, 0x0000800000000000ULL, 0x9000, 1, 0);
	assert_int_equal(walk(g, 0x0000800000000010ULL, &gpa), 0);
	assert_int_equal(gpa, 0x9010);
}

static void test_5_level_2m_page_translates(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0x00ff000000000000ULL, 0x600000, 2, 0);
	assert_int_equal(walk(g, 0x00ff0000000abcdeULL, &gpa), 0);
	assert_int_equal(gpa, 0x6abcde);
}

/* Clear the present bit at each level in turn: each is a page fault. */
static void check_not_present_at_every_level(struct guest *g)
{
	const u64 gva = 0xffffc90000123456ULL;
	unsigned int level;
	u64 gpa;

	map(g, gva & ~(PAGE - 1), 0x3000, 1, 0);
	assert_int_equal(walk(g, gva, &gpa), 0);
	for (level = 1; level <= g->levels; level++) {
		*entry(g, gva, level) &= ~PTE_P;
		assert_int_equal(walk(g, gva, &gpa), -EFAULT);
		*entry(g, gva, level) |= PTE_P;
	}
	assert_int_equal(walk(g, gva, &gpa), 0);
	assert_int_equal(gpa, 0x3456);
}

static void test_not_present_at_each_of_4_levels_is_efault(void **state)
{
	check_not_present_at_every_level(*state);
}

static void test_not_present_at_each_of_5_levels_is_efault(void **state)
{
	check_not_present_at_every_level(*state);
}

static void test_empty_tables_are_efault(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	assert_int_equal(walk(g, 0, &gpa), -EFAULT);
	assert_int_equal(walk(g, 0xffffffffffffffffULL, &gpa), -EFAULT);
}

static void test_ps_bit_in_pml4e_is_reserved(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0x1000, 0x1000, 1, 0);
	*entry(g, 0x1000, 4) = PTE_P | PTE_PS;	/* as if a 512G (256T) page at 0 */
	assert_int_equal(walk(g, 0x1000, &gpa), -EINVAL);
}

static void test_ps_bit_in_pml5e_is_reserved(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0x1000, 0x1000, 1, 0);
	*entry(g, 0x1000, 5) = PTE_P | PTE_PS;	/* as if a 512G (256T) page at 0 */
	assert_int_equal(walk(g, 0x1000, &gpa), -EINVAL);
}

static void test_reserved_address_bits_in_large_pages(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0x200000, 0x400000 | 0x2000, 2, 0);		/* bit 13 in a 2M PDE */
	assert_int_equal(walk(g, 0x200000, &gpa), -EINVAL);
	map(g, 0x40000000, 0x40000000 | 0x100000, 3, 0);	/* bit 20 in a 1G PDPTE */
	assert_int_equal(walk(g, 0x40000000, &gpa), -EINVAL);
}

static void test_nx_bit_is_reserved_without_efer_nxe(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0x5000, 0x8000, 1, PTE_NX);
	assert_int_equal(walk(g, 0x5000, &gpa), 0);
	assert_int_equal(gpa, 0x8000);
	assert_int_equal(guest_walk(g->cr3, g->cr4, EFER_LMA, 0x5000, read_gpa, g, &gpa),
			 -EINVAL);
}

static void test_non_canonical_address_is_einval(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	assert_int_equal(walk(g, 0x0000800000000000ULL, &gpa), -EINVAL);
	assert_int_equal(walk(g, 0xffff7fffffffffffULL, &gpa), -EINVAL);
	g->cr4 |= CR4_LA57;
	g->levels = 5;
	assert_int_equal(walk(g, 0x0100000000000000ULL, &gpa), -EINVAL);
}

static void test_paging_other_than_long_mode_is_eopnotsupp(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	assert_int_equal(guest_walk(g->cr3, CR4_PAE, 0, 0x1000, read_gpa, g, &gpa),
			 -EOPNOTSUPP);
	assert_int_equal(guest_walk(g->cr3, CR4_PAE, 0x100, 0x1000, read_gpa, g, &gpa),
			 -EOPNOTSUPP);
}

static void test_cr3_flag_and_pcid_bits_are_ignored(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0x1000, 0x2000, 1, 0);
	assert_int_equal(guest_walk(g->cr3 | 0x8000000000000000ULL | 0x18 | 0x123, g->cr4,
				    EFER_LONG, 0x1234, read_gpa, g, &gpa), 0);
	assert_int_equal(gpa, 0x2234);
}

static void test_read_gpa_error_is_returned(void **state)
{
	struct guest *g = *state;
	u64 gpa;

	map(g, 0x1000, 0x2000, 1, 0);
	*entry(g, 0x1000, 2) = 0x7fff0000ULL | PTE_P;	/* a table outside RAM */
	assert_int_equal(walk(g, 0x1000, &gpa), -ERANGE);
	assert_int_equal(guest_walk(0x40000000, g->cr4, EFER_LONG, 0x1000, read_gpa, g, &gpa),
			 -ERANGE);
}

static int fetch(struct guest *g, u64 rip, u8 *buf, unsigned int len)
{
	return guest_fetch_insn(g->cr3, g->cr4, EFER_LONG, rip, read_gpa, g, buf, len);
}

static void fill(struct guest *g, u64 gpa, u8 seed, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		g->mem[gpa + i] = seed + i;
}

static void test_fetch_within_one_page(void **state)
{
	struct guest *g = *state;
	u8 buf[GUEST_FETCH_MAX];
	unsigned int i;

	map(g, 0xffffffff81000000ULL, 0x4000, 1, 0);
	fill(g, 0x4100, 0x10, 15);
	assert_int_equal(fetch(g, 0xffffffff81000100ULL, buf, 15), 15);
	for (i = 0; i < 15; i++)
		assert_int_equal(buf[i], 0x10 + i);
}

static void test_fetch_across_a_page_boundary_translates_each_page(void **state)
{
	struct guest *g = *state;
	u8 buf[GUEST_FETCH_MAX];
	unsigned int i;

	/* Adjacent virtual pages in frames that are not adjacent, nor ordered. */
	map(g, 0x400000, 0x9000, 1, 0);
	map(g, 0x401000, 0x3000, 1, 0);
	fill(g, 0x9ffb, 0x40, 5);
	fill(g, 0x3000, 0x45, 10);
	memset(g->mem + 0xa000, 0xee, 16);	/* what a wrong, linear read would see */
	assert_int_equal(fetch(g, 0x400ffb, buf, 15), 15);
	for (i = 0; i < 15; i++)
		assert_int_equal(buf[i], 0x40 + i);
}

static void test_fetch_from_a_2m_page_into_a_4k_page(void **state)
{
	struct guest *g = *state;
	u8 buf[GUEST_FETCH_MAX];
	unsigned int i;

	map(g, 0x200000, 0x0, 2, 0);
	map(g, 0x400000, 0x5000, 1, 0);
	fill(g, 0x1ffff9, 0x20, 7);
	fill(g, 0x5000, 0x27, 8);
	assert_int_equal(fetch(g, 0x3ffff9, buf, 15), 15);
	for (i = 0; i < 15; i++)
		assert_int_equal(buf[i], 0x20 + i);
}

static void test_fetch_stops_where_the_second_page_is_unmapped(void **state)
{
	struct guest *g = *state;
	u8 buf[GUEST_FETCH_MAX];

	map(g, 0x400000, 0x9000, 1, 0);
	assert_int_equal(fetch(g, 0x400ffb, buf, 15), 5);
	/* ... or outside guest RAM, or non-canonical. */
	map(g, 0x401000, 0x7fff0000ULL, 1, 0);
	assert_int_equal(fetch(g, 0x400ffe, buf, 15), 2);
	map(g, 0x00007ffffffff000ULL, 0x9000, 1, 0);
	assert_int_equal(fetch(g, 0x00007ffffffffff0ULL, buf, 15), 15);
	assert_int_equal(fetch(g, 0x00007ffffffffffdULL, buf, 15), 3);
}

static void test_fetch_fails_when_the_first_page_is_unmapped(void **state)
{
	struct guest *g = *state;
	u8 buf[GUEST_FETCH_MAX];

	map(g, 0x401000, 0x9000, 1, 0);
	assert_int_equal(fetch(g, 0x400ffb, buf, 15), -EFAULT);
	assert_int_equal(fetch(g, 0x0000800000000000ULL, buf, 15), -EINVAL);
}

static void test_fetch_never_reads_more_than_15_bytes(void **state)
{
	struct guest *g = *state;
	u8 buf[32];

	map(g, 0x400000, 0x9000, 1, 0);
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(fetch(g, 0x400000, buf, sizeof(buf)), 15);
	assert_int_equal(buf[15], 0x5a);
	assert_int_equal(fetch(g, 0x400000, buf, 0), 0);
}

/* movq $-1,(%rax) */
static const u8 movq_imm[] = { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff };
static const u64 zero_regs[16];

static void test_fetch_and_decode_an_instruction_straddling_pages(void **state)
{
	struct guest *g = *state;
	u8 buf[GUEST_FETCH_MAX];
	struct mmio_insn insn;
	int n;

	map(g, 0x400000, 0x9000, 1, 0);
	map(g, 0x401000, 0x3000, 1, 0);
	memcpy(g->mem + 0x9ffd, movq_imm, 3);
	memcpy(g->mem + 0x3000, movq_imm + 3, 4);
	n = fetch(g, 0x400ffd, buf, sizeof(buf));
	assert_int_equal(n, 15);
	assert_int_equal(mmio_decode(buf, n, MMIO_MODE_64, &insn), 0);
	assert_int_equal(insn.len, 7);
	assert_int_equal(mmio_write_value(&insn, zero_regs), ~0ULL);
}

static void test_short_fetch_decodes_or_fails_cleanly(void **state)
{
	struct guest *g = *state;
	u8 buf[GUEST_FETCH_MAX];
	struct mmio_insn insn;
	int n;

	map(g, 0x400000, 0x9000, 1, 0);
	memcpy(g->mem + 0x9ffd, movq_imm, 3);
	n = fetch(g, 0x400ffd, buf, sizeof(buf));
	assert_int_equal(n, 3);
	assert_int_equal(mmio_decode(buf, n, MMIO_MODE_64, &insn), -EINVAL);

	g->mem[0x9ffe] = 0x8b;		/* movl (%rdi),%eax ends the page */
	g->mem[0x9fff] = 0x07;
	n = fetch(g, 0x400ffe, buf, sizeof(buf));
	assert_int_equal(n, 2);
	assert_int_equal(mmio_decode(buf, n, MMIO_MODE_64, &insn), 0);
	assert_int_equal(insn.len, 2);
}

static int access_at(struct guest *g, u64 gva, unsigned int access)
{
	u64 gpa;

	return guest_walk_access(g->cr3, g->cr4, EFER_LONG, gva, access, read_gpa, g, &gpa);
}

/* User access needs U/S at every level, as the CPU's own checks do. */
static void test_user_access_needs_us_at_every_level(void **state)
{
	struct guest *g = *state;
	unsigned int l;

	map(g, 0x400000, 0x5000, 1, PTE_US);
	assert_int_equal(access_at(g, 0x400000, GW_USER), -EACCES);
	for (l = 2; l <= 4; l++)
		*entry(g, 0x400000, l) |= PTE_US;
	assert_int_equal(access_at(g, 0x400000, GW_USER), 0);
	*entry(g, 0x400000, 3) &= ~PTE_US;
	assert_int_equal(access_at(g, 0x400000, GW_USER), -EACCES);
	/* The plain walk (instruction fetch) checks nothing. */
	assert_int_equal(access_at(g, 0x400000, 0), 0);
}

/* Writes need R/W: always at CPL 3, in the kernel only with CR0.WP. */
static void test_writes_to_read_only_pages(void **state)
{
	struct guest *g = *state;
	unsigned int l;

	map(g, 0x400000, 0x5000, 1, PTE_US);
	for (l = 2; l <= 4; l++)
		*entry(g, 0x400000, l) |= PTE_US;
	*entry(g, 0x400000, 1) &= ~PTE_RW;
	assert_int_equal(access_at(g, 0x400000, GW_USER | GW_WRITE), -EACCES);
	assert_int_equal(access_at(g, 0x400000, GW_USER), 0);
	assert_int_equal(access_at(g, 0x400000, GW_WRITE), 0);
	assert_int_equal(access_at(g, 0x400000, GW_WRITE | GW_WP), -EACCES);
}

/* SMAP: the kernel touching a user page faults unless EFLAGS.AC. */
static void test_smap_blocks_kernel_access_to_user_pages(void **state)
{
	struct guest *g = *state;
	unsigned int l;

	map(g, 0x400000, 0x5000, 1, PTE_US);
	map(g, 0x800000, 0x6000, 1, 0);
	for (l = 2; l <= 4; l++)
		*entry(g, 0x400000, l) |= PTE_US;
	assert_int_equal(access_at(g, 0x400000, GW_SMAP), -EACCES);
	assert_int_equal(access_at(g, 0x400000, 0), 0);
	assert_int_equal(access_at(g, 0x800000, GW_SMAP), 0);
	assert_int_equal(access_at(g, 0x400000, GW_SMAP | GW_USER), 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
#define T57(f)	cmocka_unit_test_setup_teardown(f, setup_la57, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_4k_page_translates),
		T(test_2m_page_translates),
		T(test_2m_page_with_pat_bit_translates),
		T(test_1g_page_translates),
		T57(test_5_level_4k_page_translates),
		T57(test_5_level_2m_page_translates),
		T(test_not_present_at_each_of_4_levels_is_efault),
		T57(test_not_present_at_each_of_5_levels_is_efault),
		T(test_empty_tables_are_efault),
		T(test_ps_bit_in_pml4e_is_reserved),
		T57(test_ps_bit_in_pml5e_is_reserved),
		T(test_reserved_address_bits_in_large_pages),
		T(test_nx_bit_is_reserved_without_efer_nxe),
		T(test_non_canonical_address_is_einval),
		T(test_paging_other_than_long_mode_is_eopnotsupp),
		T(test_cr3_flag_and_pcid_bits_are_ignored),
		T(test_read_gpa_error_is_returned),
		T(test_fetch_within_one_page),
		T(test_fetch_across_a_page_boundary_translates_each_page),
		T(test_fetch_from_a_2m_page_into_a_4k_page),
		T(test_fetch_stops_where_the_second_page_is_unmapped),
		T(test_fetch_fails_when_the_first_page_is_unmapped),
		T(test_fetch_never_reads_more_than_15_bytes),
		T(test_fetch_and_decode_an_instruction_straddling_pages),
		T(test_short_fetch_decodes_or_fails_cleanly),
		T(test_user_access_needs_us_at_every_level),
		T(test_writes_to_read_only_pages),
		T(test_smap_blocks_kernel_access_to_user_pages),
	};

	return cmocka_run_group_tests_name("guest_walk", tests, NULL, NULL);
}
