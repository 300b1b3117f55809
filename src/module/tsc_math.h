/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TSC arithmetic behind kvm-clock and the TSC-deadline timer, as
 * pure functions: the scale the guest turns TSC ticks into nanoseconds
 * with (pvclock's shift and multiplier), and the host time at which a
 * guest-chosen TSC deadline falls.  Both take values a guest controls
 * or a host may have (any u64 deadline, any TSC rate), so they live
 * here, where the unit tests can try the edges.
 */
#ifndef LG_TSC_MATH_H
#define LG_TSC_MATH_H

#include "lg_types.h"

/* A deadline too far away to count in nanoseconds (KTIME_MAX). */
#define TSC_NS_NEVER	0x7fffffffffffffffULL

/* ns = (ticks shifted left by @shift, right if negative) * @mul >> 32. */
void tsc_scale(u64 hz, s8 *shift, u32 *mul);

/*
 * Host nanoseconds at which a TSC of @khz reaches @deadline, it being
 * @now_tsc at @now_ns: @now_ns for a past (or zero) deadline,
 * TSC_NS_NEVER for one too far off.  @khz must not be 0.
 */
u64 tsc_deadline_ns(u64 deadline, u64 now_tsc, u64 now_ns, u32 khz);

#endif /* LG_TSC_MATH_H */
