// SPDX-License-Identifier: GPL-2.0-only
/*
 * lg: the lguest host module.  This file is its front door: module
 * load/unload, /dev/lguest, and the ioctl ABI of src/include/lguest.h.
 *
 * Each open() of /dev/lguest is a VM.  Its vCPUs are anonymous-inode fds
 * whose one page, the run page, the launcher mmap()s.  Everything the
 * caller passes is checked here before the rest of the module sees it.
 * The fds hold the module, so rmmod is refused while any guest exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/cc_platform.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <asm/cpu_device_id.h>
#include <asm/io.h>
#include <asm/cpufeature.h>
#include <asm/tsc.h>

#include "lg.h"

/* String I/O's elements follow the run record in its page. */
static_assert(sizeof(struct lg_run) <= LG_IO_BUF_OFFSET);
static_assert(LG_IO_BUF_OFFSET + LG_IO_BUF_SIZE <= PAGE_SIZE);

static void lg_vm_free(struct kref *ref)
{
	struct lg_vm *vm = container_of(ref, struct lg_vm, ref);
	int i;

	/* First the notifier and the irqfds: they look at the vCPUs. */
	if (vm->mn_registered)
		mmu_notifier_unregister(&vm->mn, vm->mm);
	lg_eventfd_free(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		lg_vcpu_destroy(vm->vcpus[i]);
	lg_npt_destroy(vm);
	mmdrop(vm->mm);
	kfree(vm);
	lg_hw_put();
}

void lg_vm_put(struct lg_vm *vm)
{
	kref_put(&vm->ref, lg_vm_free);
}

/* Only the process that created the VM may drive it: its mm is the RAM. */
static bool lg_vm_owner(struct lg_vm *vm)
{
	return current->mm == vm->mm;
}

static int lg_set_memory(struct lg_vm *vm, const struct lg_memory __user *arg)
{
	struct lg_memory m;
	int i, ret = 0;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	if (!m.size || !PAGE_ALIGNED(m.size) || !PAGE_ALIGNED(m.guest_phys) ||
	    !PAGE_ALIGNED(m.user_addr))
		return -EINVAL;
	/*
	 * Guest-physical addresses must fit the nested tables: beyond what
	 * their levels index, an address would alias a lower one.
	 */
	if (m.guest_phys + m.size < m.guest_phys ||
	    m.guest_phys + m.size > lg_gpa_limit(vm) ||
	    m.user_addr + m.size < m.user_addr ||
	    !access_ok((void __user *)(unsigned long)m.user_addr, m.size))
		return -EINVAL;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus) {		/* RAM is fixed once a vCPU exists */
		ret = -EBUSY;
		goto out;
	}
	if (vm->nr_slots == LG_MAX_SLOTS) {
		ret = -ENOSPC;
		goto out;
	}
	for (i = 0; i < vm->nr_slots; i++) {
		const struct lg_slot *s = &vm->slots[i];

		if (m.guest_phys < s->gpa + s->size &&
		    s->gpa < m.guest_phys + m.size) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (!vm->mn_registered) {
		ret = mmu_notifier_register(&vm->mn, vm->mm);
		if (ret)
			goto out;
		vm->mn_registered = true;
	}
	vm->slots[vm->nr_slots++] = (struct lg_slot){
		.gpa = m.guest_phys, .size = m.size, .uaddr = m.user_addr,
	};
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/* The vCPU fd: LG_RUN and the run page. */
static long lg_vcpu_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct lg_vcpu *vcpu = file->private_data;
	int ret;

	if (cmd != LG_RUN || arg)
		return -ENOTTY;
	if (!lg_vm_owner(vcpu->vm))
		return -EPERM;
	if (!mutex_trylock(&vcpu->run_lock))
		return -EBUSY;
	ret = lg_vcpu_run(vcpu);
	mutex_unlock(&vcpu->run_lock);
	return ret;
}

static int lg_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lg_vcpu *vcpu = file->private_data;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start,
			       virt_to_phys(vcpu->run) >> PAGE_SHIFT,
			       PAGE_SIZE, vma->vm_page_prot);
}

static int lg_vcpu_release(struct inode *inode, struct file *file)
{
	struct lg_vcpu *vcpu = file->private_data;

	lg_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations lg_vcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lg_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = lg_vcpu_mmap,
	.release = lg_vcpu_release,
	.llseek = noop_llseek,
};

/*
 * The vCPU is published (the MMU notifier and interrupt delivery see it)
 * before its fd exists: nobody can run a vCPU those do not know of.
 */
static int lg_create_vcpu(struct lg_vm *vm,
			  const struct lg_vcpu_init __user *arg)
{
	struct lg_vcpu_init init;
	struct lg_vcpu *vcpu;
	struct file *file;
	int fd, i;

	if (copy_from_user(&init, arg, sizeof(init)))
		return -EFAULT;
	if (init.apic_id >= 255)
		return -EINVAL;

	mutex_lock(&vm->lock);
	if (!vm->nr_slots) {
		fd = -EINVAL;	/* no RAM to run in */
		goto out;
	}
	if (vm->nr_vcpus == LG_MAX_VCPUS) {
		fd = -ENOSPC;
		goto out;
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i]->lapic.id == init.apic_id) {
			fd = -EEXIST;
			goto out;
		}
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto out;
	vcpu = lg_vcpu_create(vm, &init);
	if (IS_ERR(vcpu)) {
		put_unused_fd(fd);
		fd = PTR_ERR(vcpu);
		goto out;
	}
	file = anon_inode_getfile("lguest-vcpu", &lg_vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		lg_vcpu_destroy(vcpu);
		fd = PTR_ERR(file);
		goto out;
	}
	kref_get(&vm->ref);	/* the file's, dropped by lg_vcpu_release() */
	vm->vcpus[vm->nr_vcpus] = vcpu;
	smp_store_release(&vm->nr_vcpus, vm->nr_vcpus + 1);	/* irq.c, npt.c */
	fd_install(fd, file);
out:
	mutex_unlock(&vm->lock);
	return fd;
}

/* Like LG_GET_API_VERSION, a question anyone holding the fd may ask. */
static int lg_check_extension(unsigned long cap)
{
	switch (cap) {
	case LG_CAP_IOEVENTFD:
	case LG_CAP_IRQFD:
	case LG_CAP_EXIT_STATS:
		return 1;
	case LG_CAP_MAX_VCPUS:
		return LG_MAX_VCPUS;
	case LG_CAP_LOGICAL_DEST:
		return 1;
	default:
		return 0;
	}
}

static long lg_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lg_vm *vm = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct lg_interrupt irq;

	if (cmd == LG_GET_API_VERSION)
		return LG_API_VERSION;
	if (cmd == LG_CHECK_EXTENSION)
		return lg_check_extension(arg);
	if (!lg_vm_owner(vm))
		return -EPERM;

	switch (cmd) {
	case LG_SET_MEMORY:
		return lg_set_memory(vm, uarg);
	case LG_CREATE_VCPU:
		return lg_create_vcpu(vm, uarg);
	case LG_INTERRUPT:
		if (copy_from_user(&irq, uarg, sizeof(irq)))
			return -EFAULT;
		return lg_irq_deliver(vm, irq.dest, irq.vector);
	case LG_IOEVENTFD:
		return lg_ioeventfd(vm, uarg);
	case LG_IRQFD:
		return lg_irqfd(vm, uarg);
	default:
		return -ENOTTY;
	}
}

static int lg_vm_open(struct inode *inode, struct file *file)
{
	struct lg_vm *vm;
	int ret;

	if (!current->mm)
		return -EINVAL;
	ret = lg_hw_get();
	if (ret)
		return ret;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		lg_hw_put();
		return -ENOMEM;
	}
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	spin_lock_init(&vm->npt_lock);
	INIT_LIST_HEAD(&vm->ioeventfds);
	INIT_LIST_HEAD(&vm->irqfds);
	vm->boot_ns = ktime_get_ns();
	vm->tsc_offset = -rdtsc();	/* the guest's TSC starts at 0 */
	ret = lg_npt_init(vm, lg_ops->npt_format);
	if (ret) {
		kfree(vm);
		lg_hw_put();
		return ret;
	}
	mmgrab(current->mm);
	vm->mm = current->mm;
	file->private_data = vm;
	return 0;
}

static int lg_vm_release(struct inode *inode, struct file *file)
{
	lg_vm_put(file->private_data);
	return 0;
}

static const struct file_operations lg_dev_fops = {
	.owner = THIS_MODULE,
	.open = lg_vm_open,
	.release = lg_vm_release,
	.unlocked_ioctl = lg_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice lg_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "lguest",
	.fops = &lg_dev_fops,
	.mode = 0660,
};

/* The backend for this CPU's vendor. */
static const struct lg_backend_ops *lg_probe(void)
{
	if (boot_cpu_has(X86_FEATURE_SVM))
		return lg_svm_probe();
#ifdef LG_VMX
	return lg_vmx_probe();
#else
	pr_err("this kernel lets only KVM turn on VT-x (from Linux 6.19 cr4_update_irqsoff() is exported to KVM alone), so lguest cannot run guests on this Intel CPU\n");
	return ERR_PTR(-EOPNOTSUPP);
#endif
}

static int __init lg_init(void)
{
	const struct lg_backend_ops *ops;
	int ret;

	if (!boot_cpu_has(X86_FEATURE_SVM) && !boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err("this CPU has no AMD-V (SVM) and no VT-x (VMX); lguest cannot run guests here\n");
		return -ENODEV;
	}
	/* Every physical address we hand the CPU would need the C-bit. */
	if (cc_platform_has(CC_ATTR_HOST_MEM_ENCRYPT)) {
		pr_err("host memory encryption (SME) is active; lguest does not support it: boot with mem_encrypt=off\n");
		return -ENODEV;
	}
	/* kvm-clock and the TSC-deadline timer are scaled by it. */
	if (!tsc_khz) {
		pr_err("the host's TSC frequency is unknown; lguest needs it for the guest's clock\n");
		return -ENODEV;
	}
	lg_cpuid_init();
	lg_fpu_init();
	lg_vcpu_cr4_init();
	ops = lg_probe();
	if (IS_ERR(ops))
		return PTR_ERR(ops);
	lg_ops = ops;
	ret = lg_hw_init();
	if (ret)
		goto fail;
	ret = misc_register(&lg_dev);
	if (!ret) {
		pr_info("guests run with %s\n", lg_ops->name);
		return 0;
	}
	lg_hw_exit();
fail:
	lg_ops->exit();
	return ret;
}

static void __exit lg_exit(void)
{
	misc_deregister(&lg_dev);
	lg_hw_exit();
	lg_ops->exit();
}

module_init(lg_init);
module_exit(lg_exit);

/* Let udev load us only on CPUs that can run guests, as kvm_amd does. */
static const struct x86_cpu_id lg_cpu_ids[] = {
	X86_MATCH_FEATURE(X86_FEATURE_SVM, NULL),
#ifdef LG_VMX
	X86_MATCH_FEATURE(X86_FEATURE_VMX, NULL),
#endif
	{}
};
MODULE_DEVICE_TABLE(x86cpu, lg_cpu_ids);

MODULE_DESCRIPTION("lguest: a small Linux hypervisor");
MODULE_LICENSE("GPL");
MODULE_VERSION(LG_VERSION);
