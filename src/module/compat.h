/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differences between the kernels we build for (6.1, 6.12, 7.x),
 * kept in one place.
 */
#ifndef LG_COMPAT_H
#define LG_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/version.h>
#include <asm/msr.h>
#include <asm/processor.h>

/* 6.15 moved cpuid_eax() and friends out of <asm/processor.h>. */
#if __has_include(<asm/cpuid/api.h>)
#include <asm/cpuid/api.h>
#endif

/* 6.16 renamed rdmsrl()/wrmsrl() to rdmsrq()/wrmsrq(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
#define lg_rdmsr(msr, val)	rdmsrl(msr, val)
#define lg_wrmsr(msr, val)	wrmsrl(msr, val)
#else
#define lg_rdmsr(msr, val)	rdmsrq(msr, val)
#define lg_wrmsr(msr, val)	wrmsrq(msr, val)
#endif

/* 6.13 added hrtimer_setup(); hrtimer_init() went away after it. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*fn)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = fn;
}
#endif

#endif /* LG_COMPAT_H */
