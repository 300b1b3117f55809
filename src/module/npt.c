// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory: nested page tables filled lazily, kept honest by an MMU
 * notifier.
 *
 * Guest RAM is the launcher's own anonymous memory.  Nothing is pinned:
 * a nested page fault looks up the launcher's page for that guest-physical
 * address, maps it, and lets go of the reference, exactly as KVM does.
 * When the host changes that memory (swap, migration, munmap, fork's
 * copy-on-write) the MMU notifier zaps our entries first and makes every
 * vCPU flush its TLB before the page can be reused.  So a 1 GiB guest that
 * touches 40 MiB costs 40 MiB, and a guest can only ever reach pages of
 * its own launcher's mapping.
 *
 * The tables use the host's paging depth (4 or 5 levels); every entry has
 * the U bit because nested walks count as user accesses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/io.h>
#include <asm/special_insns.h>

#include "lg.h"

#define NPT_P		BIT_ULL(0)
#define NPT_RW		BIT_ULL(1)
#define NPT_US		BIT_ULL(2)
#define NPT_A		BIT_ULL(5)
#define NPT_D		BIT_ULL(6)
#define NPT_ADDR	GENMASK_ULL(51, 12)
#define NPT_TABLE	(NPT_P | NPT_RW | NPT_US | NPT_A)
#define NPT_LEAF	(NPT_P | NPT_RW | NPT_US | NPT_A | NPT_D)

static void npt_free(u64 *table, int level)
{
	int i;

	for (i = 0; level > 1 && i < 512; i++)
		if (table[i] & NPT_P)
			npt_free(phys_to_virt(table[i] & NPT_ADDR), level - 1);
	free_page((unsigned long)table);
}

void lg_npt_destroy(struct lg_vm *vm)
{
	if (vm->npt_root)
		npt_free(vm->npt_root, vm->npt_levels);
}

const struct lg_slot *lg_gpa_slot(struct lg_vm *vm, u64 gpa, u64 len)
{
	int i;

	if (gpa + len < gpa)
		return NULL;
	for (i = 0; i < vm->nr_slots; i++) {
		const struct lg_slot *s = &vm->slots[i];

		if (gpa >= s->gpa && gpa + len <= s->gpa + s->size)
			return s;
	}
	return NULL;
}

static void __user *lg_gpa_user(struct lg_vm *vm, u64 gpa, unsigned int len)
{
	const struct lg_slot *s = lg_gpa_slot(vm, gpa, len);

	return s ? (void __user *)(unsigned long)(s->uaddr + gpa - s->gpa) : NULL;
}

/* Guest memory through the launcher's mapping: only from LG_RUN. */
int lg_read_guest(struct lg_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	void __user *p = lg_gpa_user(vm, gpa, len);

	if (!p)
		return -EFAULT;
	return copy_from_user(buf, p, len) ? -EFAULT : 0;
}

int lg_write_guest(struct lg_vm *vm, u64 gpa, const void *buf, unsigned int len)
{
	void __user *p = lg_gpa_user(vm, gpa, len);

	if (!p)
		return -EFAULT;
	return copy_to_user(p, buf, len) ? -EFAULT : 0;
}

static unsigned int npt_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

/*
 * Map one 4 KiB guest page to @pfn.  Tables come from @spare, filled
 * before the lock was taken; used ones are set to NULL.
 */
static void npt_map(struct lg_vm *vm, u64 gpa, u64 pfn, u64 **spare)
{
	u64 *table = vm->npt_root;
	int level;

	for (level = vm->npt_levels; level > 1; level--) {
		u64 *e = &table[npt_index(gpa, level)];

		if (!(*e & NPT_P)) {
			*e = virt_to_phys(*spare) | NPT_TABLE;
			*spare++ = NULL;
		}
		table = phys_to_virt(*e & NPT_ADDR);
	}
	table[npt_index(gpa, 1)] = (pfn << PAGE_SHIFT) | NPT_LEAF;
}

/*
 * A nested page fault on guest RAM: map the launcher's page.  Returns 0
 * when the guest can retry the access (mapped, or raced with an
 * invalidation and will fault again), -EFAULT when the launcher's memory
 * is not there any more.
 */
int lg_npt_fault(struct lg_vm *vm, u64 gpa)
{
	u64 *spare[5] = { NULL };
	unsigned long seq;
	struct page *page;
	void __user *hva;
	int i, ret = 0;

	hva = lg_gpa_user(vm, gpa & PAGE_MASK, PAGE_SIZE);
	if (!hva)
		return -EFAULT;
	for (i = 0; i < vm->npt_levels - 1; i++) {
		spare[i] = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!spare[i]) {
			ret = -ENOMEM;
			goto out;
		}
	}

	seq = READ_ONCE(vm->mmu_seq);
	smp_rmb();	/* the page we look up must be no older than @seq */
	ret = get_user_pages_fast((unsigned long)hva, 1, FOLL_WRITE, &page);
	if (ret != 1) {
		ret = -EFAULT;
		goto out;
	}
	ret = 0;
	spin_lock(&vm->npt_lock);
	if (!vm->mmu_invalidating && vm->mmu_seq == seq)
		npt_map(vm, gpa, page_to_pfn(page), spare);
	spin_unlock(&vm->npt_lock);
	put_page(page);
out:
	for (i = 0; i < ARRAY_SIZE(spare); i++)
		if (spare[i])
			free_page((unsigned long)spare[i]);
	return ret;
}

/* Clear the leaf entries for guest-physical [start, end); true if any. */
static bool npt_zap(u64 *table, int level, u64 base, u64 start, u64 end)
{
	u64 span = 1ULL << (12 + 9 * (level - 1));
	bool zapped = false;
	int i;

	for (i = 0; i < 512; i++) {
		u64 b = base + i * span;

		if (b >= end || b + span <= start || !(table[i] & NPT_P))
			continue;
		if (level == 1) {
			table[i] = 0;
			zapped = true;
		} else {
			zapped |= npt_zap(phys_to_virt(table[i] & NPT_ADDR),
					  level - 1, b, start, end);
		}
	}
	return zapped;
}

static void lg_nop(void *info)
{
}

/*
 * Make sure no vCPU can use a zapped translation: each flushes its ASID
 * on its next VMRUN, and any vCPU in guest mode now is forced out (the
 * IPI is taken only after its #VMEXIT) before we return.
 */
static void lg_flush_guest_tlbs(struct lg_vm *vm)
{
	int i;

	for (i = 0; i < lg_nr_vcpus(vm); i++) {
		struct lg_vcpu *vcpu = vm->vcpus[i];

		atomic_set(&vcpu->tlb_flush, 1);
		smp_mb__after_atomic();	/* pairs with lg_svm_enter() */
		if (atomic_read(&vcpu->in_guest))
			smp_call_function_single(READ_ONCE(vcpu->last_cpu),
						 lg_nop, NULL, 1);
	}
}

/*
 * Drop our mappings of the launcher's [@start, @end).  With @begin, an
 * invalidation starts too: lg_npt_fault() maps nothing until it ends.
 */
static void lg_zap_hva(struct lg_vm *vm, unsigned long start, unsigned long end,
		       bool begin)
{
	bool zapped = false;
	int i;

	spin_lock(&vm->npt_lock);
	if (begin) {
		vm->mmu_invalidating++;
		vm->mmu_seq++;
	}
	for (i = 0; i < vm->nr_slots; i++) {
		const struct lg_slot *s = &vm->slots[i];
		u64 from = max_t(u64, start, s->uaddr);
		u64 to = min_t(u64, end, s->uaddr + s->size);

		if (from < to)
			zapped |= npt_zap(vm->npt_root, vm->npt_levels, 0,
					  s->gpa + from - s->uaddr,
					  s->gpa + to - s->uaddr);
	}
	spin_unlock(&vm->npt_lock);
	if (zapped)
		lg_flush_guest_tlbs(vm);
}

static int lg_mn_invalidate_range_start(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct lg_vm *vm = container_of(mn, struct lg_vm, mn);

	lg_zap_hva(vm, range->start, range->end, true);
	return 0;
}

static void lg_mn_invalidate_range_end(struct mmu_notifier *mn,
				       const struct mmu_notifier_range *range)
{
	struct lg_vm *vm = container_of(mn, struct lg_vm, mn);

	spin_lock(&vm->npt_lock);
	vm->mmu_seq++;
	vm->mmu_invalidating--;
	spin_unlock(&vm->npt_lock);
}

/* The launcher's address space is going away: drop every mapping. */
static void lg_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct lg_vm *vm = container_of(mn, struct lg_vm, mn);

	lg_zap_hva(vm, 0, ULONG_MAX, false);
}

static const struct mmu_notifier_ops lg_mmu_notifier_ops = {
	.invalidate_range_start = lg_mn_invalidate_range_start,
	.invalidate_range_end = lg_mn_invalidate_range_end,
	.release = lg_mn_release,
};

int lg_npt_init(struct lg_vm *vm)
{
	vm->mn.ops = &lg_mmu_notifier_ops;
	vm->npt_levels = (__read_cr4() & X86_CR4_LA57) ? 5 : 4;
	vm->npt_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vm->npt_root)
		return -ENOMEM;
	vm->npt_root_pa = virt_to_phys(vm->npt_root);
	return 0;
}
