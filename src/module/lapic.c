// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x2APIC model (see lapic.h for why it is a pure model).
 *
 * The rules follow the SDM's chapter on the APIC in x2APIC mode: reads of
 * write-only registers, writes to read-only ones, registers that exist
 * only in xAPIC mode, and writes that set reserved bits all raise #GP.
 * The one leniency is the read-only status bits of the LVT entries
 * (delivery status, remote IRR): a guest that writes back what it read
 * gets them ignored, as on hardware.
 *
 * Priorities: the processor priority (PPR) is the larger of the task
 * priority (TPR) and the class of the highest vector in service (ISR);
 * an interrupt is delivered only if its class, vector >> 4, is above the
 * PPR's.  EOI retires the highest vector in service.
 */
#include "lapic.h"

#define VEC_WORD(v)	((v) >> 5)
#define VEC_BIT(v)	(1U << ((v) & 31))

#define LVT_VECTOR	0xffU
#define LVT_DELIVERY	0x700U
#define LVT_STATUS	0x1000U	/* delivery status: read-only */
#define LVT_POLARITY	0x2000U
#define LVT_REMOTE_IRR	0x4000U	/* read-only */
#define LVT_LEVEL	0x8000U

#define SVR_WRITABLE	(LVT_VECTOR | LAPIC_SVR_ENABLE | LAPIC_SVR_FOCUS_OFF)
#define TDCR_WRITABLE	0xbU

#define ICR_VECTOR	0xffULL
#define ICR_DELIVERY_SHIFT	8
#define ICR_LOGICAL	0x800ULL
#define ICR_ASSERT	0x4000ULL
#define ICR_LEVEL	0x8000ULL
#define ICR_SHORTHAND_SHIFT	18
/* Bits 0-11, 14, 15, 18, 19 and the destination: delivery status is gone */
#define ICR_WRITABLE	(0xffffffff00000000ULL | 0xcfffULL | 0xc0000ULL)

enum { SH_NONE, SH_SELF, SH_ALL, SH_ALL_BUT_SELF };

/* Which bits a write may set in each LVT entry (read-only bits included). */
static const u32 lvt_writable[LAPIC_LVT_NR] = {
	[LAPIC_LVT_TIMER] = LVT_VECTOR | LVT_STATUS | LAPIC_LVT_MASKED |
			    LAPIC_TIMER_MODE_MASK,
	[LAPIC_LVT_THERMAL] = LVT_VECTOR | LVT_DELIVERY | LVT_STATUS |
			      LAPIC_LVT_MASKED,
	[LAPIC_LVT_PMC] = LVT_VECTOR | LVT_DELIVERY | LVT_STATUS |
			  LAPIC_LVT_MASKED,
	[LAPIC_LVT_LINT0] = LVT_VECTOR | LVT_DELIVERY | LVT_STATUS |
			    LVT_POLARITY | LVT_REMOTE_IRR | LVT_LEVEL |
			    LAPIC_LVT_MASKED,
	[LAPIC_LVT_LINT1] = LVT_VECTOR | LVT_DELIVERY | LVT_STATUS |
			    LVT_POLARITY | LVT_REMOTE_IRR | LVT_LEVEL |
			    LAPIC_LVT_MASKED,
	[LAPIC_LVT_ERROR] = LVT_VECTOR | LVT_STATUS | LAPIC_LVT_MASKED,
};

/* The highest vector set in a 256-bit register, or -1. */
static int highest_vector(const u32 *reg)
{
	int i;

	for (i = 7; i >= 0; i--)
		if (reg[i])
			return i * 32 + 31 - __builtin_clz(reg[i]);
	return -1;
}

static u32 ldr(const struct lg_lapic *l)
{
	return ((l->id >> 4) << 16) | (1U << (l->id & 0xf));
}

u32 lapic_ppr(const struct lg_lapic *l)
{
	int isrv = highest_vector(l->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

	if ((l->tpr & 0xf0) >= isr_class)
		return l->tpr;
	return isr_class;
}

static bool lvt_masked(const struct lg_lapic *l, enum lapic_lvt lvt)
{
	return !lapic_sw_enabled(l) || (l->lvt[lvt] & LAPIC_LVT_MASKED);
}

/*
 * Record an error for ESR and raise the error LVT.  An error vector below
 * 16 is itself illegal; it is not delivered, so this never recurses.
 */
static void lapic_error(struct lg_lapic *l, u32 esr_bits)
{
	u32 vector = l->lvt[LAPIC_LVT_ERROR] & LVT_VECTOR;

	l->esr_pending |= esr_bits;
	if (lvt_masked(l, LAPIC_LVT_ERROR) || vector < 16)
		return;
	l->irr[VEC_WORD(vector)] |= VEC_BIT(vector);
}

/*
 * A fixed, edge-triggered interrupt arrives (our platform has no level-
 * triggered sources: the IOAPIC's ISA pins are edge, virtio uses MSI).
 * A software-disabled APIC drops it, as KVM's does; vectors 0-15 are
 * illegal.  Returns whether it was accepted, i.e. whether a halted vCPU
 * may have something to wake up for.
 */
bool lapic_set_irr(struct lg_lapic *l, u8 vector)
{
	if (!lapic_sw_enabled(l))
		return false;
	if (vector < 16) {
		lapic_error(l, LAPIC_ESR_RECV_ILLEGAL);
		return false;
	}
	l->irr[VEC_WORD(vector)] |= VEC_BIT(vector);
	return true;
}

int lapic_pending_vector(const struct lg_lapic *l)
{
	int irrv = highest_vector(l->irr);

	if (!lapic_sw_enabled(l) || irrv < 0)
		return -1;
	if (((u32)irrv & 0xf0) <= (lapic_ppr(l) & 0xf0))
		return -1;
	return irrv;
}

void lapic_accept(struct lg_lapic *l, u8 vector)
{
	l->irr[VEC_WORD(vector)] &= ~VEC_BIT(vector);
	l->isr[VEC_WORD(vector)] |= VEC_BIT(vector);
}

/* Retires the highest vector in service, if any. */
static void lapic_eoi(struct lg_lapic *l)
{
	int v = highest_vector(l->isr);

	if (v >= 0)
		l->isr[VEC_WORD(v)] &= ~VEC_BIT(v);
}

static void fire_lvt(struct lg_lapic *l, enum lapic_lvt lvt)
{
	if (!lvt_masked(l, lvt))
		lapic_set_irr(l, l->lvt[lvt] & LVT_VECTOR);
}

/* ---- The timer ---- */

static u32 timer_mode(const struct lg_lapic *l)
{
	return l->lvt[LAPIC_LVT_TIMER] & LAPIC_TIMER_MODE_MASK;
}

/* TDCR bits 0, 1 and 3 encode the divider: 0 is 2, 1 is 4, ... 7 is 1. */
static u32 timer_divider(const struct lg_lapic *l)
{
	u32 code = (l->timer_divide & 3) | ((l->timer_divide & 8) >> 1);

	return 1U << ((code + 1) & 7);
}

static void timer_disarm(struct lg_lapic *l)
{
	l->timer_armed = false;
	l->timer_next_ns = 0;
}

/*
 * One-shot and periodic: count down @count ticks from @now_ns, then
 * (periodic) reload the initial count.
 */
static void timer_start(struct lg_lapic *l, u64 count, u64 now_ns)
{
	u64 div = timer_divider(l);
	u64 delta = count * div;

	if (!l->timer_initial) {
		timer_disarm(l);
		return;
	}
	l->timer_period_ns = (u64)l->timer_initial * div;
	if (timer_mode(l) == LAPIC_TIMER_PERIODIC) {
		if (l->timer_period_ns < LAPIC_MIN_PERIOD_NS)
			l->timer_period_ns = LAPIC_MIN_PERIOD_NS;
		if (delta < LAPIC_MIN_PERIOD_NS)
			delta = LAPIC_MIN_PERIOD_NS;
	}
	l->timer_next_ns = now_ns + delta;
	l->timer_armed = true;
}

/*
 * The current count: the time left divided by the divider.  A periodic
 * timer whose expiry the glue has not handled yet has already reloaded.
 */
static u32 timer_current(const struct lg_lapic *l, u64 now_ns)
{
	u64 left, count;

	if (!l->timer_armed || timer_mode(l) == LAPIC_TIMER_DEADLINE)
		return 0;
	if (now_ns < l->timer_next_ns)
		left = l->timer_next_ns - now_ns;
	else if (timer_mode(l) == LAPIC_TIMER_PERIODIC && l->timer_period_ns)
		left = l->timer_period_ns -
		       (now_ns - l->timer_next_ns) % l->timer_period_ns;
	else
		return 0;
	count = left / timer_divider(l);
	return count > l->timer_initial ? l->timer_initial : count;
}

u64 lapic_timer_next_ns(const struct lg_lapic *l)
{
	if (!l->timer_armed)
		return 0;
	return l->timer_next_ns ? l->timer_next_ns : 1;
}

void lapic_timer_expired(struct lg_lapic *l, u64 now_ns)
{
	u64 period = l->timer_period_ns;

	if (!l->timer_armed || now_ns < l->timer_next_ns)
		return;
	fire_lvt(l, LAPIC_LVT_TIMER);

	if (timer_mode(l) == LAPIC_TIMER_PERIODIC && period) {
		/* Periods missed while the host was busy fire once, not each */
		l->timer_next_ns += period;
		if (l->timer_next_ns <= now_ns)
			l->timer_next_ns +=
				((now_ns - l->timer_next_ns) / period + 1) * period;
		return;
	}
	if (timer_mode(l) == LAPIC_TIMER_DEADLINE)
		l->tsc_deadline = 0;
	timer_disarm(l);
}

void lapic_set_tsc_deadline(struct lg_lapic *l, u64 tsc_value, u64 deadline_ns)
{
	if (timer_mode(l) != LAPIC_TIMER_DEADLINE)
		return;
	l->tsc_deadline = tsc_value;
	if (!tsc_value) {
		timer_disarm(l);
		return;
	}
	l->timer_next_ns = deadline_ns;
	l->timer_armed = true;
}

u64 lapic_get_tsc_deadline(const struct lg_lapic *l)
{
	return timer_mode(l) == LAPIC_TIMER_DEADLINE ? l->tsc_deadline : 0;
}

/*
 * Moving into or out of TSC-deadline mode disarms the timer and clears
 * both the initial count and the deadline; one-shot and periodic trade
 * places without disturbing the count.
 */
static int write_lvt_timer(struct lg_lapic *l, u32 val)
{
	u32 new_mode = val & LAPIC_TIMER_MODE_MASK;
	bool was_deadline = timer_mode(l) == LAPIC_TIMER_DEADLINE;
	bool is_deadline = new_mode == LAPIC_TIMER_DEADLINE;

	if (new_mode == LAPIC_TIMER_MODE_MASK)
		return LAPIC_WRITE_GP;	/* mode 3 is reserved */
	l->lvt[LAPIC_LVT_TIMER] = val;
	if (was_deadline != is_deadline) {
		timer_disarm(l);
		l->timer_initial = 0;
		l->tsc_deadline = 0;
	} else if (new_mode == LAPIC_TIMER_PERIODIC && l->timer_armed &&
		   l->timer_period_ns < LAPIC_MIN_PERIOD_NS) {
		l->timer_period_ns = LAPIC_MIN_PERIOD_NS;
	}
	return LAPIC_WRITE_DONE;
}

/* A new divider takes effect at once on the count that is left. */
static void write_timer_divide(struct lg_lapic *l, u32 val, u64 now_ns)
{
	u32 left = timer_current(l, now_ns);
	bool running = l->timer_armed && timer_mode(l) != LAPIC_TIMER_DEADLINE;

	l->timer_divide = val;
	if (running)
		timer_start(l, left, now_ns);
}

/* ---- IPIs ---- */

/* An 8-bit logical destination against an xAPIC's LDR and DFR (SDM 10.6.2.2). */
static bool xapic_logical_match(const struct lg_lapic *l, u32 dest)
{
	u32 id = l->xapic_ldr >> 24;

	if (dest == 0xff)
		return true;
	if ((l->xapic_dfr >> 28) == 0xf)	/* flat: a bitmap */
		return dest & id;
	return (dest >> 4) == (id >> 4) && (dest & id & 0xf);	/* cluster */
}

bool lapic_ipi_targets(const struct lg_lapic *l, const struct lapic_ipi *ipi)
{
	u32 my_ldr = ldr(l);

	if (ipi->self_done && l->id == ipi->source)
		return false;

	switch (ipi->kind) {
	case LAPIC_IPI_PHYSICAL:
		return ipi->dest == l->id || ipi->dest == 0xffffffff ||
		       (l->xapic && ipi->dest == 0xff);
	case LAPIC_IPI_LOGICAL:
		if (l->xapic)
			return xapic_logical_match(l, ipi->dest);
		if (ipi->dest == 0xffffffff)
			return true;
		return (ipi->dest >> 16) == (my_ldr >> 16) &&
		       (ipi->dest & my_ldr & 0xffff);
	case LAPIC_IPI_SELF:
		return l->id == ipi->source;
	case LAPIC_IPI_ALL:
		return true;
	case LAPIC_IPI_ALL_BUT_SELF:
		return l->id != ipi->source;
	}
	return false;
}

/* Could anyone but the sender be a target? */
static bool ipi_reaches_others(const struct lg_lapic *l,
			       const struct lapic_ipi *ipi)
{
	switch (ipi->kind) {
	case LAPIC_IPI_PHYSICAL:
		return ipi->dest != l->id;
	case LAPIC_IPI_LOGICAL:
		if (l->xapic)
			return ipi->dest & 0xff;
		return (ipi->dest & 0xffff) && ipi->dest != ldr(l);
	case LAPIC_IPI_SELF:
		return false;
	default:
		return true;
	}
}

static int write_icr(struct lg_lapic *l, u64 val, struct lapic_ipi *ipi)
{
	static const enum lapic_ipi_dest shorthand_kind[] = {
		[SH_SELF] = LAPIC_IPI_SELF,
		[SH_ALL] = LAPIC_IPI_ALL,
		[SH_ALL_BUT_SELF] = LAPIC_IPI_ALL_BUT_SELF,
	};
	u32 shorthand = (val >> ICR_SHORTHAND_SHIFT) & 3;
	u32 mode = (val >> ICR_DELIVERY_SHIFT) & 7;

	if (val & ~ICR_WRITABLE)
		return LAPIC_WRITE_GP;
	l->icr = val;

	memset(ipi, 0, sizeof(*ipi));
	ipi->source = l->id;
	ipi->dest = val >> 32;
	ipi->vector = val & ICR_VECTOR;
	if (shorthand != SH_NONE)
		ipi->kind = shorthand_kind[shorthand];
	else if (val & ICR_LOGICAL)
		ipi->kind = LAPIC_IPI_LOGICAL;
	else
		ipi->kind = LAPIC_IPI_PHYSICAL;

	/* INIT level de-assert: obsolete, but Linux still sends it */
	if (mode == LAPIC_DM_INIT && (val & ICR_LEVEL) && !(val & ICR_ASSERT))
		return LAPIC_WRITE_DONE;

	switch (mode) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWEST:
		if (ipi->vector < 16) {
			lapic_error(l, LAPIC_ESR_SEND_ILLEGAL);
			return LAPIC_WRITE_DONE;
		}
		ipi->mode = LAPIC_DM_FIXED;
		if (lapic_ipi_targets(l, ipi)) {
			lapic_set_irr(l, ipi->vector);
			ipi->self_done = true;
		}
		if (!ipi_reaches_others(l, ipi))
			return LAPIC_WRITE_DONE;
		return LAPIC_WRITE_IPI;
	case LAPIC_DM_NMI:
	case LAPIC_DM_INIT:
	case LAPIC_DM_SIPI:
		ipi->mode = mode;
		return LAPIC_WRITE_IPI;
	default:		/* SMI, and the reserved modes 3 and 7 */
		return LAPIC_WRITE_DONE;
	}
}

/* ---- The registers ---- */

static int write_svr(struct lg_lapic *l, u32 val)
{
	int i;

	if (val & ~SVR_WRITABLE)
		return LAPIC_WRITE_GP;
	l->svr = val;
	/* Software-disabled: every LVT is masked and stays so while disabled */
	if (!(val & LAPIC_SVR_ENABLE))
		for (i = 0; i < LAPIC_LVT_NR; i++)
			l->lvt[i] |= LAPIC_LVT_MASKED;
	return LAPIC_WRITE_DONE;
}

static int write_lvt(struct lg_lapic *l, enum lapic_lvt lvt, u32 val)
{
	if (val & ~lvt_writable[lvt])
		return LAPIC_WRITE_GP;
	val &= ~(LVT_STATUS | LVT_REMOTE_IRR);
	if (!lapic_sw_enabled(l))
		val |= LAPIC_LVT_MASKED;
	if (lvt == LAPIC_LVT_TIMER)
		return write_lvt_timer(l, val);
	l->lvt[lvt] = val;
	return LAPIC_WRITE_DONE;
}

void lapic_reset(struct lg_lapic *l, u32 apic_id)
{
	int i;

	memset(l, 0, sizeof(*l));
	l->id = apic_id;
	l->xapic_dfr = 0xffffffff;
	l->svr = 0xff;
	for (i = 0; i < LAPIC_LVT_NR; i++)
		l->lvt[i] = LAPIC_LVT_MASKED;
}

u32 lapic_xapic_read_ldr_dfr(const struct lg_lapic *l, u32 off)
{
	return off == 0xd0 ? l->xapic_ldr : l->xapic_dfr;
}

void lapic_xapic_write_ldr_dfr(struct lg_lapic *l, u32 off, u32 val)
{
	if (off == 0xd0)
		l->xapic_ldr = val & 0xff000000;
	else
		l->xapic_dfr = val | 0x0fffffff;
}

int lapic_read_msr(struct lg_lapic *l, u32 msr, u64 now_ns, u64 *val)
{
	u32 lo;

	switch (msr) {
	case LAPIC_MSR_ID:
		lo = l->id;
		break;
	case LAPIC_MSR_VERSION:
		lo = LAPIC_VERSION;
		break;
	case LAPIC_MSR_TPR:
		lo = l->tpr;
		break;
	case LAPIC_MSR_PPR:
		lo = lapic_ppr(l);
		break;
	case LAPIC_MSR_LDR:
		lo = ldr(l);
		break;
	case LAPIC_MSR_SVR:
		lo = l->svr;
		break;
	case LAPIC_MSR_ISR0 ... LAPIC_MSR_ISR0 + 7:
		lo = l->isr[msr - LAPIC_MSR_ISR0];
		break;
	case LAPIC_MSR_TMR0 ... LAPIC_MSR_TMR0 + 7:
		lo = 0;		/* nothing is level-triggered */
		break;
	case LAPIC_MSR_IRR0 ... LAPIC_MSR_IRR0 + 7:
		lo = l->irr[msr - LAPIC_MSR_IRR0];
		break;
	case LAPIC_MSR_ESR:
		lo = l->esr;
		break;
	case LAPIC_MSR_ICR:
		*val = l->icr;
		return 0;
	case LAPIC_MSR_LVT_TIMER ... LAPIC_MSR_LVT_ERROR:
		lo = l->lvt[msr - LAPIC_MSR_LVT_TIMER];
		break;
	case LAPIC_MSR_TIMER_INITIAL:
		lo = l->timer_initial;
		break;
	case LAPIC_MSR_TIMER_CURRENT:
		lo = timer_current(l, now_ns);
		break;
	case LAPIC_MSR_TIMER_DIVIDE:
		lo = l->timer_divide;
		break;
	default:		/* write-only, xAPIC-only, CMCI, reserved */
		return -1;
	}
	*val = lo;
	return 0;
}

int lapic_write_msr(struct lg_lapic *l, u32 msr, u64 val, u64 now_ns,
		    struct lapic_write_out *out)
{
	/* Only the ICR is 64 bits wide */
	if (msr != LAPIC_MSR_ICR && (val >> 32))
		return LAPIC_WRITE_GP;

	switch (msr) {
	case LAPIC_MSR_TPR:
		if (val & ~0xffULL)
			return LAPIC_WRITE_GP;
		l->tpr = val;
		return LAPIC_WRITE_DONE;
	case LAPIC_MSR_EOI:
		if (val)
			return LAPIC_WRITE_GP;
		lapic_eoi(l);
		return LAPIC_WRITE_DONE;
	case LAPIC_MSR_SVR:
		return write_svr(l, val);
	case LAPIC_MSR_ESR:
		/* A write latches the errors seen since the last one */
		if (val)
			return LAPIC_WRITE_GP;
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		return LAPIC_WRITE_DONE;
	case LAPIC_MSR_ICR:
		return write_icr(l, val, &out->ipi);
	case LAPIC_MSR_LVT_TIMER ... LAPIC_MSR_LVT_ERROR:
		return write_lvt(l, msr - LAPIC_MSR_LVT_TIMER, val);
	case LAPIC_MSR_TIMER_INITIAL:
		/* Ignored in TSC-deadline mode; 0 stops the timer */
		if (timer_mode(l) == LAPIC_TIMER_DEADLINE)
			return LAPIC_WRITE_DONE;
		l->timer_initial = val;
		timer_start(l, val, now_ns);
		return LAPIC_WRITE_DONE;
	case LAPIC_MSR_TIMER_DIVIDE:
		if (val & ~(u64)TDCR_WRITABLE)
			return LAPIC_WRITE_GP;
		write_timer_divide(l, val, now_ns);
		return LAPIC_WRITE_DONE;
	case LAPIC_MSR_SELF_IPI:
		if (val & ~0xffULL)
			return LAPIC_WRITE_GP;
		if (val < 16)
			lapic_error(l, LAPIC_ESR_SEND_ILLEGAL);
		else
			lapic_set_irr(l, (u8)val);
		return LAPIC_WRITE_DONE;
	default:		/* read-only, xAPIC-only, CMCI, reserved */
		return LAPIC_WRITE_GP;
	}
}
