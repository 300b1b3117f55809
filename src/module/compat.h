/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differences between the kernels we build for (6.1, 6.12, 7.x),
 * kept in one place.
 */
#ifndef LG_COMPAT_H
#define LG_COMPAT_H

#include <linux/eventfd.h>
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

/* 6.8 dropped eventfd_signal()'s count: it always adds 1. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
#define lg_eventfd_signal(ctx)	eventfd_signal(ctx, 1)
#else
#define lg_eventfd_signal(ctx)	eventfd_signal(ctx)
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

/*
 * 6.18 gave syscore_ops a data pointer and registers a struct syscore;
 * Debian's 6.12 has that too, so Kbuild looks (LG_SYSCORE_DATA).
 */
#include <linux/syscore_ops.h>
#ifdef LG_SYSCORE_DATA
#define LG_SYSCORE(name, suspend_fn, resume_fn)				\
	static int name##_suspend(void *data) { return suspend_fn(); }	\
	static void name##_resume(void *data) { resume_fn(); }		\
	static const struct syscore_ops name##_ops = {			\
		.suspend = name##_suspend, .resume = name##_resume,	\
	};								\
	static struct syscore name = { .ops = &name##_ops }
#define lg_register_syscore(s)		register_syscore(s)
#define lg_unregister_syscore(s)	unregister_syscore(s)
#else
#define LG_SYSCORE(name, suspend_fn, resume_fn)				\
	static struct syscore_ops name = {				\
		.suspend = suspend_fn, .resume = resume_fn,		\
	}
#define lg_register_syscore(s)		register_syscore_ops(s)
#define lg_unregister_syscore(s)	unregister_syscore_ops(s)
#endif

#endif /* LG_COMPAT_H */
