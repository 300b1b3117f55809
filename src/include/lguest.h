/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one interface between the lg module and lguest-launch.
 *
 * open("/dev/lguest") gives a VM.  The launcher hands it guest RAM
 * (LG_SET_MEMORY: anonymous memory it mapped itself), creates a vCPU in
 * the 64-bit boot-protocol state (LG_CREATE_VCPU, which returns a vCPU
 * fd), mmap()s the vCPU's run page and calls LG_RUN on the vCPU fd.
 * LG_RUN returns whenever the guest does something only userspace can
 * finish; the run page then says what, as a plain record.  The launcher
 * completes it (for a read: by filling in the data) and calls LG_RUN
 * again.  It never needs the guest's registers.  Interrupts from the
 * launcher's devices (IOAPIC pins, MSI-X) reach the guest's local APIC
 * through LG_INTERRUPT, from any thread.  Closing the fds frees it all.
 *
 * LG_API_VERSION is the base every module of this version offers; bump it
 * only on an incompatible change.  What came later is an extension that a
 * launcher asks for with LG_CHECK_EXTENSION (a module without that ioctl
 * has none of them).  lguest(4) documents both.
 */
#ifndef LGUEST_H
#define LGUEST_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define LG_API_VERSION		2
#define LG_IOC_MAGIC		0xBC

/* Guest RAM: up to LG_MAX_SLOTS page-aligned, non-overlapping regions. */
#define LG_MAX_SLOTS		4
struct lg_memory {
	__u64 guest_phys;	/* where the guest sees it */
	__u64 size;		/* bytes, a multiple of 4096 */
	__u64 user_addr;	/* the launcher's mapping of it */
};

/*
 * The vCPU's first state.  The first vCPU created is the boot CPU and
 * starts in this state: the module builds flat 64-bit code and data
 * segments (__BOOT_CS 0x10, __BOOT_DS 0x18) itself; the launcher puts a
 * matching GDT, identity page tables and boot_params in guest memory.
 * Every later one is an application processor: all its fields but
 * apic_id are 0, and it waits, as on hardware, for the INIT and SIPI
 * IPIs the guest sends it, then starts in real mode at the SIPI vector.
 * At most 64 vCPUs, each with its own apic_id (-EEXIST).
 */
struct lg_vcpu_init {
	__u64 rip;
	__u64 rsp;
	__u64 rsi;		/* boot_params for the 64-bit boot protocol */
	__u64 cr0;
	__u64 cr3;
	__u64 cr4;
	__u64 efer;
	__u64 gdt_base;
	__u32 gdt_limit;
	__u32 apic_id;		/* x2APIC id of this vCPU, 0 for the BSP */
};

/*
 * Deliver a fixed interrupt (edge) to the vCPU whose APIC id is @dest.
 * With LG_CAP_LOGICAL_DEST, @vector may carry LG_INTERRUPT_LOGICAL (a
 * logical destination, matched as the guest's local APICs match one:
 * x2APIC cluster, or the xAPIC's LDR and DFR) and LG_INTERRUPT_LOWEST
 * (lowest-priority: only one of the destination's vCPUs gets it), as an
 * MSI's address and data or an IOAPIC entry say.
 */
#define LG_INTERRUPT_LOGICAL	(1u << 16)
#define LG_INTERRUPT_LOWEST	(1u << 17)
struct lg_interrupt {
	__u32 dest;
	__u32 vector;		/* 16..255, and LG_INTERRUPT_* */
};

/*
 * Extensions, for LG_CHECK_EXTENSION(LG_CAP_*): it returns 1 when the
 * module has the extension, 0 when it does not (LG_CAP_MAX_VCPUS: how
 * many vCPUs a VM may have; 0 means 1).
 */
#define LG_CAP_IOEVENTFD	1	/* LG_IOEVENTFD */
#define LG_CAP_IRQFD		2	/* LG_IRQFD */
#define LG_CAP_EXIT_STATS	3	/* the run page's stat_kind[] */
#define LG_CAP_MAX_VCPUS	4	/* application processors, INIT/SIPI */
#define LG_CAP_LOGICAL_DEST	5	/* LG_INTERRUPT_LOGICAL, _LOWEST */

/*
 * LG_IOEVENTFD: a guest write of exactly @len bytes to @addr (MMIO, or a
 * port with LG_IOEVENTFD_PIO) is completed in the module: it signals the
 * eventfd @fd and the guest goes on, without an exit to the launcher.
 * With LG_IOEVENTFD_DATAMATCH only a write of @datamatch does so.  Other
 * accesses to the address exit as before.  LG_IOEVENTFD_DEASSIGN removes
 * the registration with the same addr, len, flags, datamatch and fd.
 * Registrations may not overlap (-EEXIST); at most LG_MAX_IOEVENTFDS.
 */
#define LG_IOEVENTFD_PIO	(1u << 0)
#define LG_IOEVENTFD_DATAMATCH	(1u << 1)
#define LG_IOEVENTFD_DEASSIGN	(1u << 2)
#define LG_MAX_IOEVENTFDS	256
struct lg_ioeventfd {
	__u64 addr;
	__u32 len;		/* 1, 2, 4 or 8 (at most 4 for a port) */
	__s32 fd;
	__u32 flags;
	__u32 pad;		/* 0 */
	__u64 datamatch;
};

/*
 * LG_IRQFD: each signal of the eventfd @fd delivers @vector (fixed, edge,
 * with the LG_INTERRUPT_* flags as for LG_INTERRUPT) to the vCPU with
 * APIC id @dest, from whichever thread signals it; an
 * eventfd already signalled when it is assigned delivers at once.
 * Assigning an fd that is already assigned changes its destination and
 * vector; LG_IRQFD_DEASSIGN removes it.  At most LG_MAX_IRQFDS.
 */
#define LG_IRQFD_DEASSIGN	(1u << 0)
#define LG_MAX_IRQFDS		256
struct lg_irqfd {
	__s32 fd;
	__u32 flags;
	__u32 dest;
	__u32 vector;		/* 16..255 */
};

#define LG_GET_API_VERSION	_IO(LG_IOC_MAGIC, 0x00)
#define LG_SET_MEMORY		_IOW(LG_IOC_MAGIC, 0x01, struct lg_memory)
#define LG_CREATE_VCPU		_IOW(LG_IOC_MAGIC, 0x02, struct lg_vcpu_init)
#define LG_INTERRUPT		_IOW(LG_IOC_MAGIC, 0x03, struct lg_interrupt)
#define LG_CHECK_EXTENSION	_IO(LG_IOC_MAGIC, 0x04)	/* arg: LG_CAP_* */
#define LG_IOEVENTFD		_IOW(LG_IOC_MAGIC, 0x05, struct lg_ioeventfd)
#define LG_IRQFD		_IOW(LG_IOC_MAGIC, 0x06, struct lg_irqfd)
#define LG_RUN			_IO(LG_IOC_MAGIC, 0x10)	/* on a vCPU fd */

/* The run page's stat_kind[]: #VMEXITs of this vCPU by what they were. */
enum lg_stat_kind {
	LG_STAT_IO,		/* port I/O passed to the launcher */
	LG_STAT_MMIO,		/* MMIO passed to the launcher */
	LG_STAT_IOEVENTFD,	/* writes completed by an ioeventfd */
	LG_STAT_HLT,
	LG_STAT_HOST_INTR,	/* host interrupts, NMIs, kicks */
	LG_STAT_NPF,		/* nested page faults on RAM, filled in */
	LG_STAT_MSR,
	LG_STAT_CPUID,
	LG_STAT_APIC,		/* xAPIC MMIO and x2APIC MSRs emulated in lg */
	LG_STAT_IRQ_WINDOW,	/* waiting for the guest to take an interrupt */
	LG_STAT_OTHER,
	LG_STAT_PAUSE,		/* a spinning vCPU gave way (PAUSE-loop exits) */
	LG_STAT_KICK,		/* KVM_HC_KICK_CPU: a spinlock's waiter woken */
	LG_STAT_NR = 16		/* room to grow */
};

/* Why LG_RUN returned (it returns -EINTR, not a record, on a signal). */
enum lg_exit_reason {
	LG_EXIT_IO = 1,		/* IN/OUT: complete it, run again */
	LG_EXIT_MMIO = 2,	/* access outside RAM: complete it, run again */
	LG_EXIT_SHUTDOWN = 3,	/* triple fault: the guest reset itself */
	LG_EXIT_POWEROFF = 4,	/* HLT with interrupts off, nothing can wake it */
	LG_EXIT_ERROR = 5,	/* the module stopped the VM; see error.reason */
};

/*
 * The run page: mmap(vcpu_fd, 0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED).
 * For a read (is_write == 0) the launcher stores the result in data
 * (little-endian, low @size/@len bytes) before the next LG_RUN.
 */
struct lg_run {
	__u32 exit_reason;
	/*
	 * Set by the launcher (typically in a signal handler): LG_RUN
	 * returns -EINTR before entering the guest.  This closes the window
	 * between checking for a signal and calling LG_RUN.
	 */
	__u8 immediate_exit;
	__u8 pad[3];
	union {
		struct {
			__u16 port;
			__u8 size;	/* 1, 2 or 4 */
			__u8 is_write;
			__u32 data;	/* the element, when count is 1 */
			/*
			 * Elements to move through the port one after the
			 * other: 1 for IN/OUT, up to LG_IO_BUF_SIZE / size
			 * for INS/OUTS, whose elements (more than one) are
			 * in the run page at LG_IO_BUF_OFFSET, in order.
			 */
			__u32 count;
		} io;
		struct {
			__u64 addr;	/* guest-physical */
			__u32 len;	/* 1, 2, 4 or 8 */
			__u8 is_write;
			__u8 pad[3];
			__u64 data;
		} mmio;
		struct {
			char reason[120];	/* NUL-terminated, one line */
		} error;
	};
	/* Statistics, for the benchmark and --verbose. */
	__u64 stat_exits;	/* every #VMEXIT, handled in the module or not */
	__u64 stat_user_exits;	/* those that came back to the launcher */
	__u64 stat_kind[LG_STAT_NR];	/* LG_CAP_EXIT_STATS: by kind */
};

/* Where string I/O elements are, in the run page. */
#define LG_IO_BUF_OFFSET	2048
#define LG_IO_BUF_SIZE		2048

#endif /* LGUEST_H */
