// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUs' virtualization switch, the same for every backend: lg turns
 * it on, on every CPU, only while it has guests, and only where nobody
 * else holds it.  The backend's enable_cpu()/disable_cpu() flip one
 * CPU's switch (EFER.SVME on AMD); this file decides when.
 *
 * A CPU that goes offline loses it; one that comes online while we have
 * guests gets it.  Suspend to RAM does the same to the last CPU, with
 * every other CPU offline and every task frozen (so no lock is needed
 * there, as in KVM).  On reboot, kexec and power-off it goes off
 * everywhere and stays off.  Also here, the host's side of a machine
 * check either backend intercepts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/reboot.h>
#include <asm/mce.h>

#include "compat.h"
#include "lg.h"

static DEFINE_MUTEX(lg_hw_mutex);
static int lg_hw_users;
static bool lg_hw_rebooting;	/* off for good */
static enum cpuhp_state lg_cpuhp_state;
static DEFINE_PER_CPU(bool, lg_hw_on);

/* Interrupts off. */
static int lg_hw_enable_cpu(void)
{
	int ret = lg_ops->enable_cpu();

	if (!ret)
		this_cpu_write(lg_hw_on, true);
	return ret;
}

static void lg_hw_disable_cpu(void *unused)
{
	if (!this_cpu_read(lg_hw_on))
		return;
	lg_ops->disable_cpu();
	this_cpu_write(lg_hw_on, false);
}

static void lg_hw_enable_each(void *data)
{
	int ret = lg_hw_enable_cpu();

	if (ret)
		atomic_set(data, ret);
}

/* The first VM turns it on everywhere; -EBUSY if someone else has it. */
int lg_hw_get(void)
{
	atomic_t err = ATOMIC_INIT(0);
	int ret = 0;

	mutex_lock(&lg_hw_mutex);
	if (lg_hw_rebooting) {
		ret = -ESHUTDOWN;
	} else if (!lg_hw_users) {
		on_each_cpu(lg_hw_enable_each, &err, 1);
		ret = atomic_read(&err);
		if (ret) {
			on_each_cpu(lg_hw_disable_cpu, NULL, 1);
			pr_warn_ratelimited("%s\n", ret == -EBUSY ? lg_ops->busy_msg :
					    lg_ops->disabled_msg);
		}
	}
	if (!ret)
		lg_hw_users++;
	mutex_unlock(&lg_hw_mutex);
	return ret;
}

void lg_hw_put(void)
{
	mutex_lock(&lg_hw_mutex);
	if (!--lg_hw_users)
		on_each_cpu(lg_hw_disable_cpu, NULL, 1);
	mutex_unlock(&lg_hw_mutex);
}

/*
 * Before entering a guest, interrupts off: 0 when this CPU is ready,
 * after turning it on if its online callback found it taken or we
 * reached it between its offline callback and its going; -EBUSY when
 * someone else holds it, -ESHUTDOWN when the host is going down.
 */
int lg_hw_cpu_ready(void)
{
	if (likely(this_cpu_read(lg_hw_on)))
		return 0;
	if (READ_ONCE(lg_hw_rebooting))
		return -ESHUTDOWN;
	return lg_hw_enable_cpu() ? -EBUSY : 0;
}

/*
 * What a machine check the backend intercepted during the guest would
 * have run: the host's handler.  Interrupts off.
 */
void lg_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,	/* as KVM: "user mode", so the handler may recover */
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

static int lg_cpu_online(unsigned int cpu)
{
	mutex_lock(&lg_hw_mutex);
	if (lg_hw_users && !lg_hw_rebooting) {
		local_irq_disable();
		lg_hw_enable_cpu();	/* -EBUSY: lg_hw_cpu_ready() says so */
		local_irq_enable();
	}
	mutex_unlock(&lg_hw_mutex);
	return 0;
}

static int lg_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	lg_hw_disable_cpu(NULL);
	local_irq_enable();
	return 0;
}

static int lg_suspend(void)
{
	lg_hw_disable_cpu(NULL);
	return 0;
}

static void lg_resume(void)
{
	if (READ_ONCE(lg_hw_users))
		lg_hw_enable_cpu();
}

LG_SYSCORE(lg_syscore, lg_suspend, lg_resume);

static int lg_reboot(struct notifier_block *nb, unsigned long code, void *unused)
{
	mutex_lock(&lg_hw_mutex);
	WRITE_ONCE(lg_hw_rebooting, true);
	on_each_cpu(lg_hw_disable_cpu, NULL, 1);
	mutex_unlock(&lg_hw_mutex);
	return NOTIFY_OK;
}

static struct notifier_block lg_reboot_nb = { .notifier_call = lg_reboot };

int lg_hw_init(void)
{
	int ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "lguest:online",
				    lg_cpu_online, lg_cpu_offline);

	if (ret < 0)
		return ret;
	lg_cpuhp_state = ret;
	lg_register_syscore(&lg_syscore);
	register_reboot_notifier(&lg_reboot_nb);
	return 0;
}

void lg_hw_exit(void)
{
	unregister_reboot_notifier(&lg_reboot_nb);
	lg_unregister_syscore(&lg_syscore);
	cpuhp_remove_state(lg_cpuhp_state);
}
