// SPDX-License-Identifier: GPL-2.0-only
/*
 * lg: the lguest host module.  This file is its front door: module
 * load/unload and the /dev/lguest misc device with its ioctls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <asm/cpu_device_id.h>
#include <asm/cpufeature.h>

#include "lguest.h"

static long lg_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LG_GET_API_VERSION:
		return LG_API_VERSION;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations lg_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lg_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice lg_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "lguest",
	.fops = &lg_dev_fops,
	.mode = 0660,
};

static int __init lg_init(void)
{
	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err("this CPU has no AMD-V (SVM); lguest cannot run guests here\n");
		return -ENODEV;
	}
	return misc_register(&lg_dev);
}

static void __exit lg_exit(void)
{
	misc_deregister(&lg_dev);
}

module_init(lg_init);
module_exit(lg_exit);

/* Let udev load us only on CPUs that can run guests, as kvm_amd does. */
static const struct x86_cpu_id lg_cpu_ids[] = {
	X86_MATCH_FEATURE(X86_FEATURE_SVM, NULL),
	{}
};
MODULE_DEVICE_TABLE(x86cpu, lg_cpu_ids);

MODULE_DESCRIPTION("lguest: a small Linux hypervisor");
MODULE_LICENSE("GPL");
MODULE_VERSION(LG_VERSION);
