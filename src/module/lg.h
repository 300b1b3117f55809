/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the module share: the VM and vCPU structures and the
 * functions each file offers the others.  One VM per open of /dev/lguest;
 * its vCPUs each have an fd, a run page and the backend's hardware state
 * (a VMCB on SVM), which the core reaches only through backend.h.
 */
#ifndef LG_H
#define LG_H

#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "backend.h"
#include "lguest.h"
#include "lapic.h"
#include "mmio_decode.h"
#include "string_io.h"
#include "xstate.h"

#define LG_MAX_VCPUS	64

/* Where a vCPU is in the architectural start-up (SDM 8.4, "MP Init"). */
enum lg_mp_state {
	LG_MP_RUNNABLE,
	LG_MP_WAIT_SIPI,	/* after INIT, or created as an AP */
};

/* lg_vcpu.mp_events: set by other vCPUs, handled by the vCPU's thread. */
#define LG_MP_EV_INIT	0
#define LG_MP_EV_SIPI	1	/* with @sipi_vector */
#define LG_MP_EV_NMI	2
#define LG_MP_EV_UNHALT	3	/* a KVM_HC_KICK_CPU: end the next HLT */

struct lg_vm;

/* What a vCPU owes the guest when the launcher completes an exit. */
enum lg_pending {
	LG_PENDING_NONE,
	LG_PENDING_IO_IN,	/* put run->io.data into RAX */
	LG_PENDING_MMIO_READ,	/* go on with the MMIO instruction: emulate.c */
	LG_PENDING_IO_STR_IN,	/* INS: the run page's elements into memory */
};

/* The general registers, in the order of their encodings. */
enum lg_reg {
	LG_RAX, LG_RCX, LG_RDX, LG_RBX, LG_RSP, LG_RBP, LG_RSI, LG_RDI,
};

/* An I/O instruction's exit, as every backend reports it. */
struct lg_io {
	u16 port;
	u8 size;		/* 1, 2 or 4 */
	bool in, string, rep;
	u64 next_rip;		/* the instruction after it */
};

/* lg_handle_gpa_fault(): what the access that faulted was. */
#define LG_GPA_FETCH	BIT(0)	/* an instruction fetch */
#define LG_GPA_WALK	BIT(1)	/* the CPU's walk of the guest's page tables */

/* A vCPU, the first member of the backend's own (container_of). */
struct lg_vcpu {
	struct lg_vm *vm;
	u64 regs[16];		/* the guest's GPRs, enum lg_reg */
	u64 rip, rflags;
	u64 pat;		/* IA32_PAT, which the backend also loads */
	struct lg_sregs sregs;	/* emulate.c's copy of the rest, per exit */
	u8 *fpu;		/* a page: the guest's XSAVE (or FXSAVE) image */
	u64 xcr0;		/* the guest's XCR0 (fpu.c) */
	u64 bad_xcr0;		/* one it set past an absent intercept */
	struct lg_run *run;	/* the page shared with the launcher */
	struct task_struct *task;	/* the thread in LG_RUN, or NULL */
	int last_cpu;		/* where it runs, for TLB-flush IPIs */

	enum lg_pending pending;
	u8 pending_size;
	struct mmio_insn pending_insn;
	u64 pending_gpa;	/* LG_PENDING_MMIO_READ: where it read */
	struct string_io pending_sio;
	u64 pending_next_rip;

	bool bsp;		/* the first vCPU: started by LG_CREATE_VCPU */
	enum lg_mp_state mp_state;	/* the vCPU's thread's */
	unsigned long mp_events;	/* LG_MP_EV_*, with @kicked */
	u8 sipi_vector;
	u32 inits;		/* INITs taken, for HLT to notice one */
	bool pv_unhalted;	/* a kick came: the next HLT ends at once */
	bool parked;		/* asleep until an INIT, SIPI, NMI or kick */
	/*
	 * NMIs, the vCPU thread's: one can be pending; after one is
	 * injected more are blocked until the guest's IRET completes,
	 * which the backend sees and clears @nmi_masked for.
	 */
	bool nmi_pending;
	bool nmi_masked;

	/* Interrupts: set from any context, folded into the APIC model. */
	struct lg_lapic lapic;
	u32 xapic_icr_hi;
	unsigned long irq_pending[256 / BITS_PER_LONG];
	atomic_t kicked;	/* irq_pending or timer_fired changed */
	bool timer_fired;
	struct hrtimer timer;
	u64 timer_ns;		/* what @timer is armed for, 0 if not */
	wait_queue_head_t wq;
	atomic_t in_guest;
	atomic_t tlb_flush;

	u64 dr[4];		/* the guest's DR0-3, loaded while DR7 uses them */
	u64 pvclock_gpa;	/* MSR_KVM_SYSTEM_TIME_NEW, bit 0 = enabled */
	u64 steal_msr;		/* MSR_KVM_STEAL_TIME, bit 0 = enabled */
	u64 steal_run_delay;	/* the thread's run_delay when last published */
	bool steal_stale;	/* the guest's page needs writing (steal_time.c) */
	struct mutex run_lock;	/* one LG_RUN at a time */
	bool dead;		/* stopped with LG_EXIT_ERROR */
	enum lg_stat_kind exit_kind;	/* the exit being handled, for stat_kind[] */
};

struct lg_slot {
	u64 gpa, size, uaddr;
};

/*
 * How the backend's nested page tables spell an entry.  The frame
 * address is bits 51:12 and a 2 MiB leaf has bit 7 in both AMD's and
 * Intel's formats; the permission and type bits differ.
 */
struct lg_npt_format {
	u64 present;	/* an entry with none of these maps nothing */
	u64 table;	/* an entry pointing to the next level's table */
	u64 leaf;	/* an entry mapping 4 KiB, or 2 MiB with bit 7 */
};

struct lg_vm {
	struct kref ref;
	struct mutex lock;		/* slots, vCPU creation */
	struct mm_struct *mm;		/* the launcher's, grabbed */
	struct mmu_notifier mn;
	bool mn_registered;
	struct lg_slot slots[LG_MAX_SLOTS];
	int nr_slots;

	spinlock_t npt_lock;		/* the nested page table and: */
	unsigned long mmu_seq;		/* bumped by every invalidation */
	int mmu_invalidating;		/* invalidations in progress */
	u64 *npt_root;
	u64 npt_root_pa;
	int npt_levels;
	const struct lg_npt_format *npt_fmt;
	u64 *npt_spare[4];		/* zeroed tables for the next mapping */
	int npt_nr_spare;

	u64 boot_ns;			/* host monotonic time at creation */
	u64 tsc_offset;			/* guest TSC = host TSC + this */
	struct lg_vcpu *vcpus[LG_MAX_VCPUS];
	int nr_vcpus;

	/* eventfd.c, changed under @lock */
	struct list_head ioeventfds;	/* read under RCU by the vCPUs */
	int nr_ioeventfds;
	struct list_head irqfds;
	int nr_irqfds;
};

/* vCPUs that other threads may look at (vcpus[] is filled first). */
static inline int lg_nr_vcpus(struct lg_vm *vm)
{
	return smp_load_acquire(&vm->nr_vcpus);	/* pairs with lg_create_vcpu() */
}

/* The first guest-physical address the nested tables cannot map. */
static inline u64 lg_gpa_limit(const struct lg_vm *vm)
{
	return 1ULL << min(52, 12 + 9 * vm->npt_levels);
}

/* lg_main.c */
void lg_vm_put(struct lg_vm *vm);

/* hw.c */
int lg_hw_init(void);
void lg_hw_exit(void);
int lg_hw_get(void);
void lg_hw_put(void);
int lg_hw_cpu_ready(void);
void lg_machine_check(void);

/* vcpu.c: the vCPU, its run loop and the exits every backend shares */
extern u64 lg_guest_cr4;
extern const u16 lg_verw_sel;
void lg_vcpu_cr4_init(void);
struct lg_vcpu *lg_vcpu_create(struct lg_vm *vm, const struct lg_vcpu_init *init);
void lg_vcpu_destroy(struct lg_vcpu *vcpu);
int lg_vcpu_run(struct lg_vcpu *vcpu);
void lg_vcpu_stop(struct lg_vcpu *vcpu, const char *fmt, ...) __printf(2, 3);
void lg_inject_gp(struct lg_vcpu *vcpu);
void lg_inject_ud(struct lg_vcpu *vcpu);
void lg_inject_pf(struct lg_vcpu *vcpu, u32 err);
void lg_skip(struct lg_vcpu *vcpu, unsigned int len);
void lg_vcpu_init_event(struct lg_vcpu *vcpu);
void lg_vcpu_sipi(struct lg_vcpu *vcpu, u8 vector);
int lg_handle_cpuid(struct lg_vcpu *vcpu);
int lg_handle_msr(struct lg_vcpu *vcpu, bool write);
int lg_handle_xsetbv(struct lg_vcpu *vcpu);
int lg_handle_io(struct lg_vcpu *vcpu, const struct lg_io *io);
int lg_handle_hlt(struct lg_vcpu *vcpu);
int lg_handle_pause(struct lg_vcpu *vcpu);
int lg_handle_wbinvd(struct lg_vcpu *vcpu);
int lg_handle_hypercall(struct lg_vcpu *vcpu, unsigned int len);
int lg_handle_gpa_fault(struct lg_vcpu *vcpu, u64 gpa, u32 flags);

/* debugreg.c */
bool lg_dr_load_guest(struct lg_vcpu *vcpu, u64 guest_dr7, unsigned long host[4]);
void lg_dr_restore_host(bool guest_dr, const unsigned long host[4]);

/* npt.c */
int lg_npt_init(struct lg_vm *vm, const struct lg_npt_format *fmt);
void lg_npt_destroy(struct lg_vm *vm);
int lg_npt_fault(struct lg_vm *vm, u64 gpa);
const struct lg_slot *lg_gpa_slot(struct lg_vm *vm, u64 gpa, u64 len);
int lg_read_guest(struct lg_vm *vm, u64 gpa, void *buf, unsigned int len);
int lg_write_guest(struct lg_vm *vm, u64 gpa, const void *buf, unsigned int len);

/* fpu.c */
extern u64 lg_xfeatures;
extern struct xstate_layout lg_xlayout;
void lg_fpu_init(void);
void lg_fpu_reset(struct lg_vcpu *vcpu);
int lg_xsetbv(struct lg_vcpu *vcpu, u32 index, u64 val);
void lg_fpu_load(struct lg_vcpu *vcpu);
void lg_fpu_save(struct lg_vcpu *vcpu);
bool lg_xcr0_get(struct lg_vcpu *vcpu, u64 guest_cr4);
u64 lg_xcr0_put(struct lg_vcpu *vcpu, u64 guest_cr4, bool switched);

/* cpuid.c */
void lg_cpuid_init(void);
void lg_cpuid(struct lg_vcpu *vcpu, u32 leaf, u32 subleaf, u32 out[4]);

/* msr.c */
int lg_msr_read(struct lg_vcpu *vcpu, u32 msr, u64 *val);
int lg_msr_write(struct lg_vcpu *vcpu, u32 msr, u64 val);
int lg_apic_write(struct lg_vcpu *vcpu, u32 msr, u64 val);

/* pvclock.c */
void lg_pvclock_update(struct lg_vcpu *vcpu);
int lg_pvclock_wall_clock(struct lg_vcpu *vcpu, u64 gpa);
u64 lg_tsc_deadline_ns(struct lg_vm *vm, u64 deadline);

/* steal_time.c */
bool lg_steal_time_offered(void);
int lg_steal_time_set(struct lg_vcpu *vcpu, u64 val);
void lg_steal_time_reset(struct lg_vcpu *vcpu);
void lg_steal_time_update(struct lg_vcpu *vcpu);
void lg_steal_time_preempted(struct lg_vcpu *vcpu);

/* irq.c */
void lg_vcpu_kick(struct lg_vcpu *vcpu);
void lg_irq_init(struct lg_vcpu *vcpu);
void lg_irq_destroy(struct lg_vcpu *vcpu);
bool lg_irq_vector_valid(u32 vector_flags);
int lg_irq_deliver(struct lg_vm *vm, u32 dest, u32 vector_flags);
void lg_irq_sync(struct lg_vcpu *vcpu);
void lg_irq_inject(struct lg_vcpu *vcpu);
bool lg_irq_wakeup_due(struct lg_vcpu *vcpu);
void lg_irq_timer_rearm(struct lg_vcpu *vcpu);
void lg_irq_ipi(struct lg_vcpu *vcpu, const struct lapic_ipi *ipi);
void lg_irq_unhalt(struct lg_vm *vm, u32 apic_id);

/* eventfd.c */
int lg_ioeventfd(struct lg_vm *vm, const struct lg_ioeventfd __user *arg);
bool lg_ioeventfd_write(struct lg_vm *vm, u64 addr, u32 len, u64 val, bool pio);
int lg_irqfd(struct lg_vm *vm, const struct lg_irqfd __user *arg);
void lg_eventfd_free(struct lg_vm *vm);

/* msr.c, emulate.c: the local APIC's page while it is in xAPIC mode */
#define LG_APIC_BASE		0xfee00000ULL

/* emulate.c */
int lg_mmio_exit(struct lg_vcpu *vcpu, u64 gpa, u32 flags);
int lg_mmio_complete(struct lg_vcpu *vcpu, u64 data);
int lg_string_io_exit(struct lg_vcpu *vcpu, const struct lg_io *io);
void lg_string_io_complete(struct lg_vcpu *vcpu);
int lg_emulate_mov_dr(struct lg_vcpu *vcpu, unsigned int dr, bool write);
int lg_emulate_mov_cr4(struct lg_vcpu *vcpu);

#endif /* LG_H */
