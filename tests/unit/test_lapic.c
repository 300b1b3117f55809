// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the x2APIC model (src/module/lapic.c): the register rules
 * a guest relies on, interrupt priorities, IPIs and the timer, checked
 * in userspace where a wrong #GP or a lost interrupt is easy to see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lapic.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define GP	LAPIC_WRITE_GP
#define DONE	LAPIC_WRITE_DONE
#define IPI	LAPIC_WRITE_IPI

static struct lapic_write_out out;

static int wr_at(struct lg_lapic *l, u32 msr, u64 val, u64 now)
{
	memset(&out, 0xa5, sizeof(out));
	return lapic_write_msr(l, msr, val, now, &out);
}

static int wr(struct lg_lapic *l, u32 msr, u64 val)
{
	return wr_at(l, msr, val, 0);
}

static u64 rd_at(struct lg_lapic *l, u32 msr, u64 now)
{
	u64 val = 0xdeadbeef;

	assert_int_equal(lapic_read_msr(l, msr, now, &val), 0);
	return val;
}

static u64 rd(struct lg_lapic *l, u32 msr)
{
	return rd_at(l, msr, 0);
}

static bool irr_has(const struct lg_lapic *l, u8 v)
{
	return l->irr[v / 32] & (1U << (v % 32));
}

static bool isr_has(const struct lg_lapic *l, u8 v)
{
	return l->isr[v / 32] & (1U << (v % 32));
}

static void setup_enabled(struct lg_lapic *l, u32 id)
{
	lapic_reset(l, id);
	assert_int_equal(wr(l, LAPIC_MSR_SVR, 0x1ff), DONE);
}

/* Take the pending interrupt, as the glue does when it injects one. */
static int take(struct lg_lapic *l)
{
	int v = lapic_pending_vector(l);

	if (v >= 0)
		lapic_accept(l, v);
	return v;
}

static void count_vectors(const u32 *reg, int *n)
{
	int i;

	*n = 0;
	for (i = 0; i < 8; i++)
		*n += __builtin_popcount(reg[i]);
}

/* ---- Reset and registers ---- */

static void test_reset_values(void **state)
{
	struct lg_lapic l;
	u32 msr;

	lapic_reset(&l, 3);
	assert_int_equal(rd(&l, LAPIC_MSR_ID), 3);
	assert_int_equal(rd(&l, LAPIC_MSR_VERSION), 0x00050014);
	assert_int_equal(rd(&l, LAPIC_MSR_TPR), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_PPR), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_SVR), 0xff);
	assert_int_equal(rd(&l, LAPIC_MSR_ESR), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_ICR), 0);
	for (msr = LAPIC_MSR_LVT_TIMER; msr <= LAPIC_MSR_LVT_ERROR; msr++)
		assert_int_equal(rd(&l, msr), 0x10000);
	assert_int_equal(rd(&l, LAPIC_MSR_TIMER_INITIAL), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_TIMER_CURRENT), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_TIMER_DIVIDE), 0);
	for (msr = LAPIC_MSR_ISR0; msr < LAPIC_MSR_IRR0 + 8; msr++)
		assert_int_equal(rd(&l, msr), 0);
	assert_false(lapic_sw_enabled(&l));
	assert_int_equal(lapic_timer_next_ns(&l), 0);
	assert_int_equal(lapic_get_tsc_deadline(&l), 0);
	assert_int_equal(lapic_pending_vector(&l), -1);
}

static void test_ldr_is_derived_from_id(void **state)
{
	struct lg_lapic l;

	lapic_reset(&l, 0);
	assert_int_equal(rd(&l, LAPIC_MSR_LDR), 0x00000001);
	lapic_reset(&l, 0x25);
	assert_int_equal(rd(&l, LAPIC_MSR_LDR), 0x00020020);
	lapic_reset(&l, 0x1f);
	assert_int_equal(rd(&l, LAPIC_MSR_LDR), 0x00018000);
}

static void test_read_only_registers_gp_on_write(void **state)
{
	static const u32 ro[] = {
		LAPIC_MSR_ID, LAPIC_MSR_VERSION, LAPIC_MSR_PPR, LAPIC_MSR_LDR,
		LAPIC_MSR_TIMER_CURRENT,
	};
	struct lg_lapic l;
	unsigned int i;

	setup_enabled(&l, 1);
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		assert_int_equal(wr(&l, ro[i], 0), GP);
		assert_int_equal(wr(&l, ro[i], rd(&l, ro[i])), GP);
	}
	for (i = LAPIC_MSR_ISR0; i < LAPIC_MSR_IRR0 + 8; i++)
		assert_int_equal(wr(&l, i, 0), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_ID), 1);
	assert_int_equal(rd(&l, LAPIC_MSR_LDR), 2);
}

static void test_write_only_registers_gp_on_read(void **state)
{
	struct lg_lapic l;
	u64 val = 0;

	setup_enabled(&l, 0);
	assert_int_equal(lapic_read_msr(&l, LAPIC_MSR_EOI, 0, &val), -1);
	assert_int_equal(lapic_read_msr(&l, LAPIC_MSR_SELF_IPI, 0, &val), -1);
}

static void test_xapic_only_and_reserved_registers_gp(void **state)
{
	static const u32 bad[] = {
		0x800, 0x801, 0x804, 0x805, 0x806, 0x807,
		0x809,		/* ARBPR */
		0x80c,		/* RRD */
		0x80e,		/* DFR */
		0x829, 0x82a, 0x82b, 0x82c, 0x82d, 0x82e,
		LAPIC_MSR_LVT_CMCI,	/* we report 6 LVT entries */
		0x831,		/* ICR high half */
		0x83a, 0x83b, 0x83c, 0x83d,
		0x840, 0x8ff,
	};
	struct lg_lapic l;
	unsigned int i;
	u64 val;

	setup_enabled(&l, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(lapic_read_msr(&l, bad[i], 0, &val), -1);
		assert_int_equal(wr(&l, bad[i], 0), GP);
	}
}

static void test_upper_32_bits_gp_except_icr(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_TPR, 1ULL << 32), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_SVR, 0x1ff | (1ULL << 40)), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_TIMER_INITIAL, 1ULL << 32), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_EOI, 1ULL << 63), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_TIMER_INITIAL), 0);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (5ULL << 32) | 0x40), IPI);
	assert_int_equal(rd(&l, LAPIC_MSR_ICR), (5ULL << 32) | 0x40);
}

static void test_tpr_read_write_and_reserved_bits(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_TPR, 0x5f), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_TPR), 0x5f);
	assert_int_equal(rd(&l, LAPIC_MSR_PPR), 0x5f);
	assert_int_equal(wr(&l, LAPIC_MSR_TPR, 0x100), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_TPR), 0x5f);
}

static void test_svr_read_write_and_reserved_bits(void **state)
{
	struct lg_lapic l;

	lapic_reset(&l, 0);
	/* What Linux writes: vector 0xff, enable, focus checking disabled */
	assert_int_equal(wr(&l, LAPIC_MSR_SVR, 0x3ff), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_SVR), 0x3ff);
	assert_true(lapic_sw_enabled(&l));
	/* EOI broadcast suppression is not offered; bits 10-11 reserved */
	assert_int_equal(wr(&l, LAPIC_MSR_SVR, 0x11ff), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_SVR, 0x5ff), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_SVR, 0x9ff), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_SVR), 0x3ff);
}

static void test_lvt_reserved_bits_gp_and_status_bits_ignored(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	/* Timer: vector, mask, mode; no delivery mode */
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_TIMER, 0x200ec), DONE);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_TIMER, 0x20ec), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_TIMER, 0x4ec), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_TIMER, 0x80000ec), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_TIMER, 0x10ec), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_TIMER), 0xec);
	/* LINT0/1: delivery mode, polarity, trigger; remote IRR read-only */
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_LINT0, 0x700), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_LINT0), 0x700);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_LINT1, 0x1e400), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_LINT1), 0x1a400);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_LINT1, 0x800), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_LINT1, 0x20000), GP);
	/* Thermal and PMC: delivery mode but no trigger or polarity */
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_THERMAL, 0x400), DONE);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_THERMAL, 0x8000), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_PMC, 0x10400), DONE);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_PMC, 0x2000), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_PMC), 0x10400);
	/* Error: vector and mask only */
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_ERROR, 0xfe), DONE);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_ERROR, 0x4fe), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_ERROR), 0xfe);
}

static void test_lvt_timer_mode_3_is_reserved(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_TIMER, 0x600ec), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_TIMER), 0x10000);
}

static void test_divide_config_read_write_and_reserved_bits(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_TIMER_DIVIDE), 0xb);
	assert_int_equal(wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0x4), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0x10), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_TIMER_DIVIDE), 0xb);
}

static void test_icr_is_64_bit_and_reserved_bits_gp(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, 0x1000ULL | 0x40), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, 0x2000ULL | 0x40), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, 0x10000ULL | 0x40), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, 0x100000ULL | 0x40), GP);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, 0x80000000ULL | 0x40), GP);
	assert_int_equal(rd(&l, LAPIC_MSR_ICR), 0);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, 0x12345678ULL << 32 | 0xc4f1),
			 IPI);
	assert_int_equal(rd(&l, LAPIC_MSR_ICR), 0x12345678ULL << 32 | 0xc4f1);
}

static void test_esr_write_latches_errors_then_read(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_SELF_IPI, 5), DONE);
	/* Not visible until ESR is written */
	assert_int_equal(rd(&l, LAPIC_MSR_ESR), 0);
	assert_int_equal(wr(&l, LAPIC_MSR_ESR, 0), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_ESR), LAPIC_ESR_SEND_ILLEGAL);
	assert_int_equal(rd(&l, LAPIC_MSR_ESR), LAPIC_ESR_SEND_ILLEGAL);
	assert_int_equal(wr(&l, LAPIC_MSR_ESR, 0), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_ESR), 0);
	assert_int_equal(wr(&l, LAPIC_MSR_ESR, 0x20), GP);
}

static void test_error_lvt_fires_on_illegal_vector(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_ERROR, 0xfe), DONE);
	assert_false(lapic_set_irr(&l, 3));
	assert_int_equal(lapic_pending_vector(&l), 0xfe);
	assert_int_equal(wr(&l, LAPIC_MSR_ESR, 0), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_ESR), LAPIC_ESR_RECV_ILLEGAL);
	assert_false(irr_has(&l, 3));
}

static void test_eoi_write_must_be_zero(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	lapic_set_irr(&l, 0x40);
	lapic_accept(&l, 0x40);
	assert_int_equal(wr(&l, LAPIC_MSR_EOI, 1), GP);
	assert_true(isr_has(&l, 0x40));
	assert_int_equal(wr(&l, LAPIC_MSR_EOI, 0), DONE);
	assert_false(isr_has(&l, 0x40));
	/* EOI with nothing in service is harmless */
	assert_int_equal(wr(&l, LAPIC_MSR_EOI, 0), DONE);
}

/* ---- Priorities and bookkeeping ---- */

static void test_tpr_masks_equal_and_lower_classes(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TPR, 0x50);
	lapic_set_irr(&l, 0x5f);
	lapic_set_irr(&l, 0x41);
	assert_int_equal(lapic_pending_vector(&l), -1);
	lapic_set_irr(&l, 0x60);
	assert_int_equal(lapic_pending_vector(&l), 0x60);
	assert_int_equal(take(&l), 0x60);
	wr(&l, LAPIC_MSR_EOI, 0);
	assert_int_equal(lapic_pending_vector(&l), -1);
	/* Lowering the TPR releases the rest, highest first */
	wr(&l, LAPIC_MSR_TPR, 0);
	assert_int_equal(take(&l), 0x5f);
	assert_int_equal(lapic_pending_vector(&l), -1); /* 0x41 < ISR 0x5f */
	wr(&l, LAPIC_MSR_EOI, 0);
	assert_int_equal(take(&l), 0x41);
}

static void test_isr_blocks_same_and_lower_classes(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	lapic_set_irr(&l, 0x80);
	assert_int_equal(take(&l), 0x80);
	assert_int_equal(rd(&l, LAPIC_MSR_PPR), 0x80);
	lapic_set_irr(&l, 0x8f);
	lapic_set_irr(&l, 0x30);
	assert_int_equal(lapic_pending_vector(&l), -1);
	lapic_set_irr(&l, 0x90);
	assert_int_equal(lapic_pending_vector(&l), 0x90);
}

static void test_eoi_retires_highest_in_service_first(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	lapic_set_irr(&l, 0x40);
	assert_int_equal(take(&l), 0x40);
	lapic_set_irr(&l, 0x90);
	assert_int_equal(take(&l), 0x90);
	assert_int_equal(rd(&l, LAPIC_MSR_PPR), 0x90);
	wr(&l, LAPIC_MSR_EOI, 0);
	assert_false(isr_has(&l, 0x90));
	assert_true(isr_has(&l, 0x40));
	assert_int_equal(rd(&l, LAPIC_MSR_PPR), 0x40);
	wr(&l, LAPIC_MSR_EOI, 0);
	assert_false(isr_has(&l, 0x40));
	assert_int_equal(rd(&l, LAPIC_MSR_PPR), 0);
}

static void test_ppr_is_tpr_or_isr_class(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TPR, 0x37);
	assert_int_equal(lapic_ppr(&l), 0x37);
	lapic_set_irr(&l, 0x45);
	take(&l);
	assert_int_equal(lapic_ppr(&l), 0x40);
	wr(&l, LAPIC_MSR_TPR, 0x4a);
	assert_int_equal(lapic_ppr(&l), 0x4a);
	wr(&l, LAPIC_MSR_TPR, 0x3f);
	assert_int_equal(lapic_ppr(&l), 0x40);
}

static void test_irr_isr_registers_show_vectors(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_true(lapic_set_irr(&l, 0x41));
	assert_true(lapic_set_irr(&l, 0xff));
	assert_int_equal(rd(&l, LAPIC_MSR_IRR0 + 2), 0x2);
	assert_int_equal(rd(&l, LAPIC_MSR_IRR0 + 7), 0x80000000);
	assert_int_equal(take(&l), 0xff);
	assert_int_equal(rd(&l, LAPIC_MSR_IRR0 + 7), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_ISR0 + 7), 0x80000000);
	/* Two arrivals of one vector before acceptance are one interrupt */
	lapic_set_irr(&l, 0x41);
	wr(&l, LAPIC_MSR_EOI, 0);
	assert_int_equal(take(&l), 0x41);
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_int_equal(rd(&l, LAPIC_MSR_ISR0 + 2), 0x2);
	assert_int_equal(rd(&l, LAPIC_MSR_ISR0 + 7), 0);
}

static void test_vector_can_be_pending_while_in_service(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	lapic_set_irr(&l, 0x50);
	take(&l);
	lapic_set_irr(&l, 0x50);
	assert_int_equal(lapic_pending_vector(&l), -1);
	wr(&l, LAPIC_MSR_EOI, 0);
	assert_int_equal(take(&l), 0x50);
}

static void test_illegal_vectors_are_not_accepted(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_false(lapic_set_irr(&l, 15));
	assert_false(lapic_set_irr(&l, 0));
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_true(lapic_set_irr(&l, 16));
	assert_int_equal(lapic_pending_vector(&l), 16);
}

/* ---- Software disable ---- */

static void test_sw_disabled_apic_delivers_nothing(void **state)
{
	struct lg_lapic l;

	lapic_reset(&l, 0);
	assert_false(lapic_set_irr(&l, 0x40));
	assert_int_equal(lapic_pending_vector(&l), -1);
	wr(&l, LAPIC_MSR_SVR, 0x1ff);
	lapic_set_irr(&l, 0x40);
	wr(&l, LAPIC_MSR_SVR, 0xff);
	/* What was pending is held, not delivered */
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_true(irr_has(&l, 0x40));
	wr(&l, LAPIC_MSR_SVR, 0x1ff);
	assert_int_equal(lapic_pending_vector(&l), 0x40);
}

static void test_sw_disable_masks_all_lvts_until_rewritten(void **state)
{
	struct lg_lapic l;
	u32 msr;

	setup_enabled(&l, 0);
	for (msr = LAPIC_MSR_LVT_TIMER; msr <= LAPIC_MSR_LVT_ERROR; msr++)
		assert_int_equal(wr(&l, msr, 0x30), DONE);
	wr(&l, LAPIC_MSR_SVR, 0xff);
	for (msr = LAPIC_MSR_LVT_TIMER; msr <= LAPIC_MSR_LVT_ERROR; msr++)
		assert_int_equal(rd(&l, msr), 0x10030);
	/* While disabled the mask cannot be cleared */
	assert_int_equal(wr(&l, LAPIC_MSR_LVT_TIMER, 0x31), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_TIMER), 0x10031);
	/* Enabling again does not unmask: software must */
	wr(&l, LAPIC_MSR_SVR, 0x1ff);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_ERROR), 0x10030);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0x31);
	assert_int_equal(rd(&l, LAPIC_MSR_LVT_TIMER), 0x31);
}

static void test_timer_expiry_while_sw_disabled_sets_nothing(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0x30);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 100, 1000);
	wr(&l, LAPIC_MSR_SVR, 0xff);
	lapic_timer_expired(&l, 1100);
	assert_false(irr_has(&l, 0x30));
	assert_int_equal(lapic_timer_next_ns(&l), 0);
}

/* ---- IPIs ---- */

static void test_self_ipi_register_sets_irr(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 4);
	assert_int_equal(wr(&l, LAPIC_MSR_SELF_IPI, 0xf3), DONE);
	assert_int_equal(lapic_pending_vector(&l), 0xf3);
	assert_int_equal(wr(&l, LAPIC_MSR_SELF_IPI, 0x1f3), GP);
}

static void test_icr_self_shorthand_is_local(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 4);
	/* Shorthand self: the destination field is ignored */
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (9ULL << 32) | (1 << 18) | 0x44),
			 DONE);
	assert_int_equal(lapic_pending_vector(&l), 0x44);
}

static void test_icr_fixed_to_own_id_is_local(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 4);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (4ULL << 32) | 0x45), DONE);
	assert_int_equal(lapic_pending_vector(&l), 0x45);
	/* Logical, naming only ourselves (cluster 0, bit 4) */
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (0x10ULL << 32) | 0x800 | 0x46),
			 DONE);
	assert_int_equal(lapic_pending_vector(&l), 0x46);
}

static void test_icr_fixed_to_other_id_returns_record(void **state)
{
	struct lg_lapic l, other, third;

	setup_enabled(&l, 0);
	lapic_reset(&other, 7);
	lapic_reset(&third, 8);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (7ULL << 32) | 0x4051), IPI);
	assert_int_equal(out.ipi.source, 0);
	assert_int_equal(out.ipi.dest, 7);
	assert_int_equal(out.ipi.kind, LAPIC_IPI_PHYSICAL);
	assert_int_equal(out.ipi.mode, LAPIC_DM_FIXED);
	assert_int_equal(out.ipi.vector, 0x51);
	assert_false(out.ipi.self_done);
	assert_true(lapic_ipi_targets(&other, &out.ipi));
	assert_false(lapic_ipi_targets(&third, &out.ipi));
	assert_false(lapic_ipi_targets(&l, &out.ipi));
	assert_int_equal(lapic_pending_vector(&l), -1);
}

static void test_icr_lowest_priority_is_sent_as_fixed(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (2ULL << 32) | 0x151), IPI);
	assert_int_equal(out.ipi.mode, LAPIC_DM_FIXED);
}

static void test_icr_all_including_self_is_local_and_record(void **state)
{
	struct lg_lapic l, other;

	setup_enabled(&l, 2);
	lapic_reset(&other, 3);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (2 << 18) | 0x52), IPI);
	assert_int_equal(lapic_pending_vector(&l), 0x52);
	assert_int_equal(out.ipi.kind, LAPIC_IPI_ALL);
	assert_true(out.ipi.self_done);
	assert_false(lapic_ipi_targets(&l, &out.ipi));
	assert_true(lapic_ipi_targets(&other, &out.ipi));
}

static void test_icr_all_excluding_self_is_record_only(void **state)
{
	struct lg_lapic l, other;

	setup_enabled(&l, 2);
	lapic_reset(&other, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (3 << 18) | 0x53), IPI);
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_int_equal(out.ipi.kind, LAPIC_IPI_ALL_BUT_SELF);
	assert_false(lapic_ipi_targets(&l, &out.ipi));
	assert_true(lapic_ipi_targets(&other, &out.ipi));
}

static void test_icr_physical_broadcast_includes_self(void **state)
{
	struct lg_lapic l, other;

	setup_enabled(&l, 1);
	lapic_reset(&other, 0x123);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (0xffffffffULL << 32) | 0x54),
			 IPI);
	assert_int_equal(lapic_pending_vector(&l), 0x54);
	assert_true(out.ipi.self_done);
	assert_false(lapic_ipi_targets(&l, &out.ipi));
	assert_true(lapic_ipi_targets(&other, &out.ipi));
}

static void test_icr_logical_cluster_destination(void **state)
{
	struct lg_lapic l, same_cluster, other_cluster;

	setup_enabled(&l, 0x12);	/* cluster 1, bit 2 */
	lapic_reset(&same_cluster, 0x15);
	lapic_reset(&other_cluster, 0x05);
	/* Cluster 1, bits 2 and 5: ourselves and same_cluster */
	assert_int_equal(wr(&l, LAPIC_MSR_ICR,
			    (0x10024ULL << 32) | 0x800 | 0x55), IPI);
	assert_int_equal(lapic_pending_vector(&l), 0x55);
	assert_int_equal(out.ipi.kind, LAPIC_IPI_LOGICAL);
	assert_true(lapic_ipi_targets(&same_cluster, &out.ipi));
	assert_false(lapic_ipi_targets(&other_cluster, &out.ipi));
	assert_false(lapic_ipi_targets(&l, &out.ipi));
	/* An empty bitmap reaches no one */
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (0x10000ULL << 32) | 0x856),
			 DONE);
}

/* xAPIC mode: 8-bit destinations against the LDR and DFR the guest wrote. */
static void test_xapic_logical_flat_and_cluster(void **state)
{
	struct lg_lapic a, b;
	struct lapic_ipi ipi = { .source = ~0u, .kind = LAPIC_IPI_LOGICAL,
				 .mode = LAPIC_DM_FIXED, .vector = 0x40 };

	lapic_reset(&a, 0);
	lapic_reset(&b, 1);
	a.xapic = b.xapic = true;
	assert_int_equal(lapic_xapic_read_ldr_dfr(&a, 0xe0), 0xffffffff);
	lapic_xapic_write_ldr_dfr(&a, 0xd0, 0x01000000 | 0xabc);	/* low bits RO */
	lapic_xapic_write_ldr_dfr(&b, 0xd0, 0x02000000);
	assert_int_equal(lapic_xapic_read_ldr_dfr(&a, 0xd0), 0x01000000);
	ipi.dest = 0x02;			/* flat: a bitmap */
	assert_false(lapic_ipi_targets(&a, &ipi));
	assert_true(lapic_ipi_targets(&b, &ipi));
	ipi.dest = 0x03;
	assert_true(lapic_ipi_targets(&a, &ipi));
	assert_true(lapic_ipi_targets(&b, &ipi));
	ipi.dest = 0xff;			/* everyone */
	assert_true(lapic_ipi_targets(&a, &ipi));

	/* Cluster model: cluster in bits 7-4, members in 3-0. */
	lapic_xapic_write_ldr_dfr(&a, 0xe0, 0);
	lapic_xapic_write_ldr_dfr(&b, 0xe0, 0);
	assert_int_equal(lapic_xapic_read_ldr_dfr(&a, 0xe0), 0x0fffffff);
	lapic_xapic_write_ldr_dfr(&a, 0xd0, 0x11000000);	/* cluster 1, bit 0 */
	lapic_xapic_write_ldr_dfr(&b, 0xd0, 0x21000000);	/* cluster 2, bit 0 */
	ipi.dest = 0x11;
	assert_true(lapic_ipi_targets(&a, &ipi));
	assert_false(lapic_ipi_targets(&b, &ipi));

	/* Physical: 0xff is everyone in xAPIC mode, not in x2APIC mode. */
	ipi.kind = LAPIC_IPI_PHYSICAL;
	ipi.dest = 0xff;
	assert_true(lapic_ipi_targets(&b, &ipi));
	b.xapic = false;
	assert_false(lapic_ipi_targets(&b, &ipi));
	ipi.dest = 1;
	assert_true(lapic_ipi_targets(&b, &ipi));
}

static void test_icr_nmi_init_sipi_go_to_the_glue(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	/* NMI, even to ourselves, is for the glue to inject */
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, 0x400), IPI);
	assert_int_equal(out.ipi.mode, LAPIC_DM_NMI);
	assert_true(lapic_ipi_targets(&l, &out.ipi));
	assert_int_equal(lapic_pending_vector(&l), -1);
	/* INIT assert as Linux sends it, then the de-assert, ignored */
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (1ULL << 32) | 0xc500), IPI);
	assert_int_equal(out.ipi.mode, LAPIC_DM_INIT);
	assert_int_equal(out.ipi.dest, 1);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (1ULL << 32) | 0x8500), DONE);
	/* SIPI: the vector is the start page, vectors below 16 are fine */
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (1ULL << 32) | 0x609), IPI);
	assert_int_equal(out.ipi.mode, LAPIC_DM_SIPI);
	assert_int_equal(out.ipi.vector, 9);
	/* SMI is dropped */
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (1ULL << 32) | 0x200), DONE);
}

static void test_icr_fixed_illegal_vector_is_send_error(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	assert_int_equal(wr(&l, LAPIC_MSR_ICR, (1ULL << 32) | 0x0f), DONE);
	wr(&l, LAPIC_MSR_ESR, 0);
	assert_int_equal(rd(&l, LAPIC_MSR_ESR), LAPIC_ESR_SEND_ILLEGAL);
}

/* ---- Timer ---- */

static void test_oneshot_counts_down_with_each_divider(void **state)
{
	static const struct {
		u32 tdcr, div;
	} d[] = {
		{ 0xb, 1 }, { 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 },
	};
	struct lg_lapic l;
	unsigned int i;
	u64 t0 = 5000, p;

	for (i = 0; i < ARRAY_SIZE(d); i++) {
		setup_enabled(&l, 0);
		wr(&l, LAPIC_MSR_TIMER_DIVIDE, d[i].tdcr);
		wr(&l, LAPIC_MSR_LVT_TIMER, 0x31);
		wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1000, t0);
		p = 1000ULL * d[i].div;
		assert_int_equal(lapic_timer_next_ns(&l), t0 + p);
		assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, t0), 1000);
		assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT,
				       t0 + 250 * d[i].div), 750);
		assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT,
				       t0 + p - d[i].div), 1);
		assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, t0 + p), 0);
		assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT,
				       t0 + 3 * p), 0);
		assert_int_equal(rd(&l, LAPIC_MSR_TIMER_INITIAL), 1000);

		lapic_timer_expired(&l, t0 + p - 1);	/* early: nothing */
		assert_false(irr_has(&l, 0x31));
		lapic_timer_expired(&l, t0 + p);
		assert_true(irr_has(&l, 0x31));
		assert_int_equal(lapic_timer_next_ns(&l), 0);
	}
}

static void test_oneshot_zero_initial_count_stops(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0x31);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1000, 100);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 0, 500);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 600), 0);
	lapic_timer_expired(&l, 10000);
	assert_false(irr_has(&l, 0x31));
}

static void test_oneshot_rewrite_restarts(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0x31);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1000, 100);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 500, 900);
	assert_int_equal(lapic_timer_next_ns(&l), 1400);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 1000), 400);
	lapic_timer_expired(&l, 1100);
	assert_false(irr_has(&l, 0x31));
}

static void test_masked_timer_counts_but_does_not_interrupt(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0x10031);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1000, 0);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 400), 600);
	lapic_timer_expired(&l, 1000);
	assert_false(irr_has(&l, 0x31));
	assert_int_equal(lapic_timer_next_ns(&l), 0);
}

static void test_periodic_rearms_and_reloads(void **state)
{
	struct lg_lapic l;
	u64 t0 = 1000, p = 2 * 150000;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0x0);	/* divide by 2 */
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0xec);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 150000, t0);
	assert_int_equal(lapic_timer_next_ns(&l), t0 + p);

	lapic_timer_expired(&l, t0 + p + 10);
	assert_int_equal(take(&l), 0xec);
	wr(&l, LAPIC_MSR_EOI, 0);
	assert_int_equal(lapic_timer_next_ns(&l), t0 + 2 * p);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, t0 + p + 10),
			 150000 - 5);

	lapic_timer_expired(&l, t0 + 2 * p);
	assert_int_equal(take(&l), 0xec);
	assert_int_equal(lapic_timer_next_ns(&l), t0 + 3 * p);
}

static void test_periodic_current_count_wraps_before_expiry_handled(void **state)
{
	struct lg_lapic l;
	u64 p = 200000;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0xec);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, p, 0);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, p + 1000),
			 p - 1000);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 2 * p), p);
}

static void test_periodic_catches_up_without_a_storm(void **state)
{
	struct lg_lapic l;
	u64 p = 1000000;
	int n;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0xec);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, p, 0);
	/* The host was away for ten and a half periods */
	lapic_timer_expired(&l, 10 * p + p / 2);
	count_vectors(l.irr, &n);
	assert_int_equal(n, 1);
	assert_int_equal(lapic_timer_next_ns(&l), 11 * p);
	/* Calling again before the next period does nothing */
	take(&l);
	lapic_timer_expired(&l, 10 * p + p / 2 + 1);
	assert_int_equal(lapic_pending_vector(&l), -1);
	/* Exactly on a period boundary: the next one is a full period on */
	lapic_timer_expired(&l, 13 * p);
	assert_int_equal(lapic_timer_next_ns(&l), 14 * p);
}

static void test_periodic_period_has_a_floor(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0xec);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1, 0);
	assert_int_equal(lapic_timer_next_ns(&l), LAPIC_MIN_PERIOD_NS);
	lapic_timer_expired(&l, LAPIC_MIN_PERIOD_NS);
	assert_int_equal(lapic_timer_next_ns(&l), 2 * LAPIC_MIN_PERIOD_NS);
	/* The count never reads above the initial count */
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 150000), 1);
	/* A one-shot timer is not limited */
	wr(&l, LAPIC_MSR_LVT_TIMER, 0xec);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1, 0);
	assert_int_equal(lapic_timer_next_ns(&l), 1);
}

static void test_divider_change_applies_to_remaining_count(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb);	/* 1 */
	wr(&l, LAPIC_MSR_LVT_TIMER, 0x31);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1000, 0);
	wr_at(&l, LAPIC_MSR_TIMER_DIVIDE, 0x1, 400);	/* 4 */
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 400), 600);
	assert_int_equal(lapic_timer_next_ns(&l), 400 + 4 * 600);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 800), 500);
}

static void test_oneshot_to_periodic_keeps_counting(void **state)
{
	struct lg_lapic l;
	u64 p = 500000;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_TIMER_DIVIDE, 0xb);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0x31);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, p, 0);
	wr_at(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0x31, 100);
	assert_int_equal(lapic_timer_next_ns(&l), p);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 100), p - 100);
	lapic_timer_expired(&l, p);
	assert_int_equal(lapic_timer_next_ns(&l), 2 * p);
	/* And back: fires once more, then stops */
	wr(&l, LAPIC_MSR_LVT_TIMER, 0x31);
	lapic_timer_expired(&l, 2 * p);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
}

static void test_tsc_deadline_arms_fires_and_clears(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xec);
	lapic_set_tsc_deadline(&l, 5000, 7000);
	assert_int_equal(lapic_get_tsc_deadline(&l), 5000);
	assert_int_equal(lapic_timer_next_ns(&l), 7000);
	assert_int_equal(rd_at(&l, LAPIC_MSR_TIMER_CURRENT, 6000), 0);
	lapic_timer_expired(&l, 6999);
	assert_int_equal(lapic_pending_vector(&l), -1);
	lapic_timer_expired(&l, 7000);
	assert_int_equal(lapic_pending_vector(&l), 0xec);
	assert_int_equal(lapic_get_tsc_deadline(&l), 0);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
}

static void test_tsc_deadline_in_the_past_fires_at_once(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xec);
	lapic_set_tsc_deadline(&l, 1, 0);
	assert_int_not_equal(lapic_timer_next_ns(&l), 0);
	lapic_timer_expired(&l, 50);
	assert_int_equal(lapic_pending_vector(&l), 0xec);
}

static void test_tsc_deadline_zero_disarms(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xec);
	lapic_set_tsc_deadline(&l, 5000, 7000);
	lapic_set_tsc_deadline(&l, 0, 0);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
	assert_int_equal(lapic_get_tsc_deadline(&l), 0);
	lapic_timer_expired(&l, 8000);
	assert_int_equal(lapic_pending_vector(&l), -1);
}

static void test_tsc_deadline_ignored_outside_deadline_mode(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0xec);
	lapic_set_tsc_deadline(&l, 5000, 7000);
	assert_int_equal(lapic_get_tsc_deadline(&l), 0);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
}

static void test_initial_count_ignored_in_deadline_mode(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xec);
	assert_int_equal(wr(&l, LAPIC_MSR_TIMER_INITIAL, 1000), DONE);
	assert_int_equal(rd(&l, LAPIC_MSR_TIMER_INITIAL), 0);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
}

static void test_mode_switch_to_and_from_deadline_disarms(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0xec);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1000, 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xec);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_TIMER_INITIAL), 0);

	lapic_set_tsc_deadline(&l, 5000, 7000);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0xec);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xec);
	assert_int_equal(lapic_get_tsc_deadline(&l), 0);
	lapic_timer_expired(&l, 8000);
	assert_int_equal(lapic_pending_vector(&l), -1);

	/* Rewriting the LVT in deadline mode (e.g. to mask) keeps it armed */
	lapic_set_tsc_deadline(&l, 5000, 7000);
	wr(&l, LAPIC_MSR_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0x100ec);
	assert_int_equal(lapic_timer_next_ns(&l), 7000);
}

static void test_reset_disarms_timer(void **state)
{
	struct lg_lapic l;

	setup_enabled(&l, 6);
	wr(&l, LAPIC_MSR_LVT_TIMER, 0xec);
	wr_at(&l, LAPIC_MSR_TIMER_INITIAL, 1000, 0);
	lapic_set_irr(&l, 0x40);
	lapic_reset(&l, 6);
	assert_int_equal(lapic_timer_next_ns(&l), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_IRR0 + 2), 0);
	assert_int_equal(rd(&l, LAPIC_MSR_ID), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_values),
		cmocka_unit_test(test_ldr_is_derived_from_id),
		cmocka_unit_test(test_read_only_registers_gp_on_write),
		cmocka_unit_test(test_write_only_registers_gp_on_read),
		cmocka_unit_test(test_xapic_only_and_reserved_registers_gp),
		cmocka_unit_test(test_upper_32_bits_gp_except_icr),
		cmocka_unit_test(test_tpr_read_write_and_reserved_bits),
		cmocka_unit_test(test_svr_read_write_and_reserved_bits),
		cmocka_unit_test(test_lvt_reserved_bits_gp_and_status_bits_ignored),
		cmocka_unit_test(test_lvt_timer_mode_3_is_reserved),
		cmocka_unit_test(test_divide_config_read_write_and_reserved_bits),
		cmocka_unit_test(test_icr_is_64_bit_and_reserved_bits_gp),
		cmocka_unit_test(test_esr_write_latches_errors_then_read),
		cmocka_unit_test(test_error_lvt_fires_on_illegal_vector),
		cmocka_unit_test(test_eoi_write_must_be_zero),
		cmocka_unit_test(test_tpr_masks_equal_and_lower_classes),
		cmocka_unit_test(test_isr_blocks_same_and_lower_classes),
		cmocka_unit_test(test_eoi_retires_highest_in_service_first),
		cmocka_unit_test(test_ppr_is_tpr_or_isr_class),
		cmocka_unit_test(test_irr_isr_registers_show_vectors),
		cmocka_unit_test(test_vector_can_be_pending_while_in_service),
		cmocka_unit_test(test_illegal_vectors_are_not_accepted),
		cmocka_unit_test(test_sw_disabled_apic_delivers_nothing),
		cmocka_unit_test(test_sw_disable_masks_all_lvts_until_rewritten),
		cmocka_unit_test(test_timer_expiry_while_sw_disabled_sets_nothing),
		cmocka_unit_test(test_self_ipi_register_sets_irr),
		cmocka_unit_test(test_icr_self_shorthand_is_local),
		cmocka_unit_test(test_icr_fixed_to_own_id_is_local),
		cmocka_unit_test(test_icr_fixed_to_other_id_returns_record),
		cmocka_unit_test(test_icr_lowest_priority_is_sent_as_fixed),
		cmocka_unit_test(test_icr_all_including_self_is_local_and_record),
		cmocka_unit_test(test_icr_all_excluding_self_is_record_only),
		cmocka_unit_test(test_icr_physical_broadcast_includes_self),
		cmocka_unit_test(test_icr_logical_cluster_destination),
		cmocka_unit_test(test_xapic_logical_flat_and_cluster),
		cmocka_unit_test(test_icr_nmi_init_sipi_go_to_the_glue),
		cmocka_unit_test(test_icr_fixed_illegal_vector_is_send_error),
		cmocka_unit_test(test_oneshot_counts_down_with_each_divider),
		cmocka_unit_test(test_oneshot_zero_initial_count_stops),
		cmocka_unit_test(test_oneshot_rewrite_restarts),
		cmocka_unit_test(test_masked_timer_counts_but_does_not_interrupt),
		cmocka_unit_test(test_periodic_rearms_and_reloads),
		cmocka_unit_test(test_periodic_current_count_wraps_before_expiry_handled),
		cmocka_unit_test(test_periodic_catches_up_without_a_storm),
		cmocka_unit_test(test_periodic_period_has_a_floor),
		cmocka_unit_test(test_divider_change_applies_to_remaining_count),
		cmocka_unit_test(test_oneshot_to_periodic_keeps_counting),
		cmocka_unit_test(test_tsc_deadline_arms_fires_and_clears),
		cmocka_unit_test(test_tsc_deadline_in_the_past_fires_at_once),
		cmocka_unit_test(test_tsc_deadline_zero_disarms),
		cmocka_unit_test(test_tsc_deadline_ignored_outside_deadline_mode),
		cmocka_unit_test(test_initial_count_ignored_in_deadline_mode),
		cmocka_unit_test(test_mode_switch_to_and_from_deadline_disarms),
		cmocka_unit_test(test_reset_disarms_timer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
