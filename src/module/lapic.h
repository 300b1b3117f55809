/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's local APIC, as a pure model of one x2APIC.
 *
 * Linux needs a local APIC for its timer and for IPIs, and nothing else
 * in our platform can interrupt it.  The model speaks x2APIC, so its
 * whole interface is MSRs 0x800-0x8FF; the xAPIC page the APIC starts
 * with (until the guest switches to x2APIC, msr.c) is mapped onto the
 * same registers by emulate.c.
 *
 * This file holds no locks, arms no timers and calls nothing in the
 * kernel: the caller runs it on the vCPU thread, supplies the time in
 * nanoseconds, arms an hrtimer for lapic_timer_next_ns() and injects what
 * lapic_pending_vector() says.  That keeps it testable in userspace.
 *
 * The timer's input clock (the "bus clock" of the SDM) is 1 GHz: one tick
 * before the divider is one nanosecond.  See LAPIC_BUS_HZ.
 */
#ifndef LG_LAPIC_H
#define LG_LAPIC_H

#include "lg_types.h"

/* The timer's input clock, for whatever tells the guest about it. */
#define LAPIC_BUS_HZ		1000000000ULL

/*
 * A periodic timer never fires more often than this: a guest that asks
 * for a 1 ns period must not turn our hrtimer into a busy loop.  (KVM
 * limits it the same way, to 200 us by default.)
 */
#define LAPIC_MIN_PERIOD_NS	100000ULL

/* Version 0x14 (integrated APIC), LVT entries 0-5: no CMCI, no directed EOI */
#define LAPIC_VERSION		0x00050014U

/* The x2APIC registers: MSR 0x800 + (xAPIC MMIO offset >> 4). */
#define LAPIC_MSR_BASE		0x800
#define LAPIC_MSR_LAST		0x8ff
#define LAPIC_MSR_ID		0x802
#define LAPIC_MSR_VERSION	0x803
#define LAPIC_MSR_TPR		0x808
#define LAPIC_MSR_PPR		0x80a
#define LAPIC_MSR_EOI		0x80b
#define LAPIC_MSR_LDR		0x80d
#define LAPIC_MSR_SVR		0x80f
#define LAPIC_MSR_ISR0		0x810
#define LAPIC_MSR_TMR0		0x818
#define LAPIC_MSR_IRR0		0x820
#define LAPIC_MSR_ESR		0x828
#define LAPIC_MSR_LVT_CMCI	0x82f
#define LAPIC_MSR_ICR		0x830
#define LAPIC_MSR_LVT_TIMER	0x832
#define LAPIC_MSR_LVT_THERMAL	0x833
#define LAPIC_MSR_LVT_PMC	0x834
#define LAPIC_MSR_LVT_LINT0	0x835
#define LAPIC_MSR_LVT_LINT1	0x836
#define LAPIC_MSR_LVT_ERROR	0x837
#define LAPIC_MSR_TIMER_INITIAL	0x838
#define LAPIC_MSR_TIMER_CURRENT	0x839
#define LAPIC_MSR_TIMER_DIVIDE	0x83e
#define LAPIC_MSR_SELF_IPI	0x83f

/* Bits of SVR, the LVT entries and ESR */
#define LAPIC_SVR_ENABLE	0x100U
#define LAPIC_SVR_FOCUS_OFF	0x200U	/* Linux sets it; means nothing here */
#define LAPIC_LVT_MASKED	0x10000U
#define LAPIC_TIMER_ONESHOT	0x00000U
#define LAPIC_TIMER_PERIODIC	0x20000U
#define LAPIC_TIMER_DEADLINE	0x40000U
#define LAPIC_TIMER_MODE_MASK	0x60000U
#define LAPIC_ESR_SEND_ILLEGAL	0x20U
#define LAPIC_ESR_RECV_ILLEGAL	0x40U

/* The LVT entries, in the order of their registers (0x832-0x837). */
enum lapic_lvt {
	LAPIC_LVT_TIMER,
	LAPIC_LVT_THERMAL,
	LAPIC_LVT_PMC,
	LAPIC_LVT_LINT0,
	LAPIC_LVT_LINT1,
	LAPIC_LVT_ERROR,
	LAPIC_LVT_NR
};

struct lg_lapic {
	u32 id;			/* x2APIC id; in x2APIC mode LDR is derived from it */
	/*
	 * xAPIC mode (the glue's to set: reached through the APIC page):
	 * destinations are 8 bits, 0xff is everyone, and a logical one
	 * is matched against the LDR and DFR the guest wrote (flat or
	 * cluster model), which x2APIC does not have.
	 */
	bool xapic;
	u32 xapic_ldr;		/* bits 31-24 */
	u32 xapic_dfr;		/* bits 31-28: 0xf flat, 0x0 cluster */
	u32 tpr;
	u32 svr;
	u32 esr;		/* what reads of ESR see */
	u32 esr_pending;	/* errors since the last write to ESR */
	u64 icr;		/* last value written, for reads */
	u32 lvt[LAPIC_LVT_NR];
	u32 timer_initial;
	u32 timer_divide;	/* the divide configuration register */

	/* Vector v is bit (v % 32) of word (v / 32), as the registers show it */
	u32 irr[8];
	u32 isr[8];

	/*
	 * The timer.  When armed it fires at @timer_next_ns; one-shot and
	 * periodic modes count down over @timer_period_ns (initial count
	 * times divider, clamped for periodic mode), and the current count
	 * is computed from the time left.  @tsc_deadline is the guest's
	 * IA32_TSC_DEADLINE value, kept only so that reads return it.
	 */
	bool timer_armed;
	u64 timer_next_ns;
	u64 timer_period_ns;
	u64 tsc_deadline;
};

/* Delivery modes of an IPI, as encoded in ICR bits 8-10. */
enum lapic_delivery {
	LAPIC_DM_FIXED = 0,
	LAPIC_DM_LOWEST = 1,	/* only in the ICR; sent on as FIXED */
	LAPIC_DM_SMI = 2,	/* dropped: we have no SMM */
	LAPIC_DM_NMI = 4,
	LAPIC_DM_INIT = 5,
	LAPIC_DM_SIPI = 6,
};

/*
 * Whom an IPI is for: the ICR's destination shorthand, or its mode.
 * PHYSICAL: the APIC whose id is @dest, ~0 (in xAPIC mode 0xff) is
 * everyone; LOGICAL: in x2APIC mode cluster @dest >> 16 and bitmap
 * @dest & 0xffff, in xAPIC mode @dest against LDR and DFR.
 */
enum lapic_ipi_dest {
	LAPIC_IPI_PHYSICAL,
	LAPIC_IPI_LOGICAL,
	LAPIC_IPI_SELF,
	LAPIC_IPI_ALL,
	LAPIC_IPI_ALL_BUT_SELF,
};

/*
 * An IPI the glue must deliver.  The model has already done the sender's
 * part of a FIXED IPI (@self_done); everything else, including an NMI,
 * INIT or SIPI the sender sends itself, is for the glue: it asks
 * lapic_ipi_targets() of every vCPU's APIC and delivers FIXED with
 * lapic_set_irr(), NMI by injecting one, INIT by lapic_reset() and waiting
 * for SIPI, SIPI by starting the vCPU at @vector << 12.
 */
struct lapic_ipi {
	u32 source;		/* the sender's APIC id */
	u32 dest;
	enum lapic_ipi_dest kind;
	enum lapic_delivery mode;	/* FIXED, NMI, INIT or SIPI */
	u8 vector;
	bool self_done;		/* the sender is not a target any more */
};

/* What lapic_write_msr() returns besides 0. */
enum lapic_write_result {
	LAPIC_WRITE_GP = -1,		/* inject #GP, the write did nothing */
	LAPIC_WRITE_DONE = 0,
	LAPIC_WRITE_IPI = 1,		/* deliver @out->ipi */
};

struct lapic_write_out {
	struct lapic_ipi ipi;
};

void lapic_reset(struct lg_lapic *l, u32 apic_id);
/* xAPIC mode's LDR and DFR (APIC page offsets 0xd0, 0xe0). */
u32 lapic_xapic_read_ldr_dfr(const struct lg_lapic *l, u32 off);
void lapic_xapic_write_ldr_dfr(struct lg_lapic *l, u32 off, u32 val);

int lapic_read_msr(struct lg_lapic *l, u32 msr, u64 now_ns, u64 *val);
int lapic_write_msr(struct lg_lapic *l, u32 msr, u64 val, u64 now_ns,
		    struct lapic_write_out *out);

bool lapic_ipi_targets(const struct lg_lapic *l, const struct lapic_ipi *ipi);
bool lapic_set_irr(struct lg_lapic *l, u8 vector);
int lapic_pending_vector(const struct lg_lapic *l);
void lapic_accept(struct lg_lapic *l, u8 vector);
u32 lapic_ppr(const struct lg_lapic *l);

u64 lapic_timer_next_ns(const struct lg_lapic *l);
void lapic_timer_expired(struct lg_lapic *l, u64 now_ns);
void lapic_set_tsc_deadline(struct lg_lapic *l, u64 tsc_value, u64 deadline_ns);
u64 lapic_get_tsc_deadline(const struct lg_lapic *l);

static inline bool lapic_sw_enabled(const struct lg_lapic *l)
{
	return l->svr & LAPIC_SVR_ENABLE;
}

#endif /* LG_LAPIC_H */
