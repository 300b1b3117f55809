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
 * Where the launcher's memory is a transparent huge page (it advises them)
 * and the guest-physical 2 MiB lines up with it, one fault maps all of it
 * with a 2 MiB entry, as KVM does: a booting guest then takes tens of
 * nested page faults, not thousands.  The host's own page table says
 * whether the 2 MiB is mapped as one; the MMU notifier's range covers it
 * whenever the host splits it.
 *
 * The tables use the host's paging depth (4 or 5 levels) and the entry
 * bits of the backend's format (struct lg_npt_format).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/io.h>
#include <asm/special_insns.h>

#include "lg.h"

#define NPT_ADDR	GENMASK_ULL(51, 12)
#define NPT_HUGE	BIT_ULL(7)	/* a leaf at level 2: 2 MiB */
#define NPT_2M		(1ULL << 21)

static u64 *npt_table(u64 e)
{
	return phys_to_virt(e & NPT_ADDR);
}

static void npt_free(const struct lg_npt_format *fmt, u64 *table, int level)
{
	int i;

	for (i = 0; level > 1 && i < 512; i++)
		if ((table[i] & fmt->present) && !(table[i] & NPT_HUGE))
			npt_free(fmt, npt_table(table[i]), level - 1);
	free_page((unsigned long)table);
}

void lg_npt_destroy(struct lg_vm *vm)
{
	if (vm->npt_root)
		npt_free(vm->npt_fmt, vm->npt_root, vm->npt_levels);
	while (vm->npt_nr_spare)
		free_page((unsigned long)vm->npt_spare[--vm->npt_nr_spare]);
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
 * Map the guest page at @gpa to @pfn, 4 KiB or (@huge) the 2 MiB around
 * it.  Called with npt_lock held and enough spare tables for a walk from
 * the root; a 2 MiB mapping where 4 KiB ones already have a table is
 * left to 4 KiB ones (false: the guest faults again and gets one).
 */
static bool npt_map(struct lg_vm *vm, u64 gpa, u64 pfn, bool huge)
{
	const struct lg_npt_format *fmt = vm->npt_fmt;
	int level, stop = huge ? 2 : 1;
	u64 *table = vm->npt_root, *e;

	for (level = vm->npt_levels; level > stop; level--) {
		e = &table[npt_index(gpa, level)];
		if (!(*e & fmt->present))
			*e = virt_to_phys(vm->npt_spare[--vm->npt_nr_spare]) | fmt->table;
		else if (*e & NPT_HUGE)
			return true;	/* another vCPU mapped it meanwhile */
		table = npt_table(*e);
	}
	e = &table[npt_index(gpa, stop)];
	if (huge && (*e & fmt->present))
		return !!(*e & NPT_HUGE);
	*e = (pfn << PAGE_SHIFT) | fmt->leaf | (huge ? NPT_HUGE : 0);
	return true;
}

/*
 * Is the launcher's page at @hva, which gup gave us as @pfn, part of a
 * writable 2 MiB mapping of the host's, for the guest's 2 MiB at @gpa?
 * A lockless walk, as GUP-fast and KVM's host_pfn_mapping_level() do
 * (interrupts off keep the tables from being freed); a change after it
 * is an invalidation that lg_npt_fault()'s sequence check catches.
 */
static bool npt_huge_ok(struct lg_vm *vm, u64 gpa, unsigned long hva, u64 pfn)
{
	const struct lg_slot *s = lg_gpa_slot(vm, gpa & ~(NPT_2M - 1), NPT_2M);
	unsigned long flags;
	bool huge = false;
	pgd_t pgd;
	p4d_t p4d;
	pud_t pud;
	pmd_t pmd;

	if (!s || (s->uaddr - s->gpa) & (NPT_2M - 1))
		return false;
	local_irq_save(flags);
	pgd = READ_ONCE(*pgd_offset(vm->mm, hva));
	if (pgd_none(pgd) || !pgd_present(pgd))
		goto out;
	p4d = READ_ONCE(*p4d_offset(&pgd, hva));
	if (p4d_none(p4d) || !p4d_present(p4d))
		goto out;
	pud = READ_ONCE(*pud_offset(&p4d, hva));
	if (pud_none(pud) || !pud_present(pud) || pud_leaf(pud))
		goto out;
	pmd = READ_ONCE(*pmd_offset(&pud, hva));
	huge = pmd_present(pmd) && pmd_leaf(pmd) && pmd_write(pmd) &&
	       pmd_pfn(pmd) + ((hva >> PAGE_SHIFT) & 511) == pfn;
out:
	local_irq_restore(flags);
	return huge;
}

/*
 * A nested page fault on guest RAM: map the launcher's page (or its
 * 2 MiB).  Returns 0 when the guest can retry the access (mapped, or
 * raced with an invalidation or another fault and will fault again),
 * -EFAULT when the launcher's memory is not there any more.
 */
int lg_npt_fault(struct lg_vm *vm, u64 gpa)
{
	int need = vm->npt_levels - 1, n = 0, ret = 0;
	u64 *fresh[ARRAY_SIZE(vm->npt_spare)];
	unsigned long seq;
	struct page *page;
	void __user *hva;
	bool huge;
	u64 pfn;

	hva = lg_gpa_user(vm, gpa & PAGE_MASK, PAGE_SIZE);
	if (!hva)
		return -EFAULT;
	while (n < need - READ_ONCE(vm->npt_nr_spare)) {
		fresh[n] = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!fresh[n]) {
			ret = -ENOMEM;
			goto out;
		}
		n++;
	}

	seq = READ_ONCE(vm->mmu_seq);
	smp_rmb();	/* the page we look up must be no older than @seq */
	if (get_user_pages_fast((unsigned long)hva, 1, FOLL_WRITE, &page) != 1) {
		ret = -EFAULT;
		goto out;
	}
	pfn = page_to_pfn(page);
	huge = npt_huge_ok(vm, gpa, (unsigned long)hva, pfn);
	spin_lock(&vm->npt_lock);
	while (n && vm->npt_nr_spare < need)
		vm->npt_spare[vm->npt_nr_spare++] = fresh[--n];
	if (!vm->mmu_invalidating && vm->mmu_seq == seq && vm->npt_nr_spare >= need &&
	    !(huge && npt_map(vm, gpa, pfn & ~511ULL, true)))
		npt_map(vm, gpa, pfn, false);
	spin_unlock(&vm->npt_lock);
	put_page(page);
out:
	while (n)
		free_page((unsigned long)fresh[--n]);
	return ret;
}

/*
 * Clear the leaf entries for guest-physical [start, end), a whole 2 MiB
 * one when any of it is in the range; true if any.
 */
static bool npt_zap(const struct lg_npt_format *fmt, u64 *table, int level,
		    u64 base, u64 start, u64 end)
{
	u64 span = 1ULL << (12 + 9 * (level - 1));
	bool zapped = false;
	int i;

	for (i = 0; i < 512; i++) {
		u64 b = base + i * span;

		if (b >= end || b + span <= start || !(table[i] & fmt->present))
			continue;
		if (level == 1 || (table[i] & NPT_HUGE)) {
			table[i] = 0;
			zapped = true;
		} else {
			zapped |= npt_zap(fmt, npt_table(table[i]), level - 1,
					  b, start, end);
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
		smp_mb__after_atomic();	/* pairs with the backend's run() */
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
			zapped |= npt_zap(vm->npt_fmt, vm->npt_root, vm->npt_levels, 0,
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

int lg_npt_init(struct lg_vm *vm, const struct lg_npt_format *fmt)
{
	vm->npt_fmt = fmt;
	vm->mn.ops = &lg_mmu_notifier_ops;
	vm->npt_levels = (__read_cr4() & X86_CR4_LA57) ? 5 : 4;
	vm->npt_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vm->npt_root)
		return -ENOMEM;
	vm->npt_root_pa = virt_to_phys(vm->npt_root);
	return 0;
}
