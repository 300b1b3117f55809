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
 * Bump LG_API_VERSION on any incompatible change; lguest(4) documents it.
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
 * The vCPU's first state.  The module builds flat 64-bit code and data
 * segments (__BOOT_CS 0x10, __BOOT_DS 0x18) itself; the launcher puts a
 * matching GDT, identity page tables and boot_params in guest memory.
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

/* Deliver a fixed interrupt (edge) to the vCPU whose x2APIC id is @dest. */
struct lg_interrupt {
	__u32 dest;
	__u32 vector;		/* 16..255 */
};

#define LG_GET_API_VERSION	_IO(LG_IOC_MAGIC, 0x00)
#define LG_SET_MEMORY		_IOW(LG_IOC_MAGIC, 0x01, struct lg_memory)
#define LG_CREATE_VCPU		_IOW(LG_IOC_MAGIC, 0x02, struct lg_vcpu_init)
#define LG_INTERRUPT		_IOW(LG_IOC_MAGIC, 0x03, struct lg_interrupt)
#define LG_RUN			_IO(LG_IOC_MAGIC, 0x10)	/* on a vCPU fd */

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
};

/* Where string I/O elements are, in the run page. */
#define LG_IO_BUF_OFFSET	2048
#define LG_IO_BUF_SIZE		2048

#endif /* LGUEST_H */
