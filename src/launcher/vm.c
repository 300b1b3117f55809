// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM: guest RAM and the /dev/lguest handle.
 *
 * Guest RAM is one anonymous, unreserved mapping, never touched up front:
 * the module faults pages in as the guest uses them, so a 1 GiB guest
 * that touches 40 MiB costs the host 40 MiB.  The guest sees it as RAM
 * from 0 up to 3 GiB and, for bigger guests, the rest from 4 GiB, which
 * leaves 3 - 4 GiB for MMIO (see boot/layout.h): two LG_SET_MEMORY
 * slots backed by the one mapping.
 *
 * Every guest address a device uses goes through guest_ptr(), whose
 * checks cannot overflow however large the address or length.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "launcher.h"
#include "vm.h"
#include "boot/layout.h"

static struct {
	int fd;
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t low_size, high_size;
	bool ioeventfd;			/* the module has LG_CAP_IOEVENTFD */
	bool irqfd;			/* and LG_CAP_IRQFD */
	bool logical_dest;		/* and LG_CAP_LOGICAL_DEST */
	pthread_t vcpu_threads[LG_LAUNCH_MAX_VCPUS];
	atomic_uint nr_vcpu_threads;
	atomic_int exit_claimed;	/* the first request wins */
	atomic_int exit_requested;
	atomic_int exit_status;
} vm = { .fd = -1 };

/* "256M", "1G", "65536K"; a bare number is MiB, as with QEMU's -m. */
int parse_mem_size(const char *arg, uint64_t *bytes)
{
	unsigned long long n;
	unsigned int shift = 20;
	char *end;

	if (!arg || *arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if ((*end == 'i' || *end == 'I') && (end[1] == 'B' || end[1] == 'b'))
		end += 2;	/* "MiB" */
	else if (*end == 'B' || *end == 'b')
		end++;		/* "MB" */
	if (*end)
		return -EINVAL;
	if (n > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = ((uint64_t)n << shift) & ~0xfffULL;
	return 0;
}

int check_mem_size(uint64_t bytes, uint64_t host_ram)
{
	if (bytes < LAYOUT_MIN_RAM)
		return -EINVAL;
	if (host_ram && bytes > host_ram)
		return -E2BIG;
	return 0;
}

uint64_t host_ram_size(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages * size : 0;
}

/*
 * Guest RAM: anonymous memory, 2 MiB aligned and advised as transparent
 * huge pages, so that lg can map it 2 MiB at a time (one nested page
 * fault for each, and fewer TLB misses for the guest), as KVM does for
 * QEMU's.  Nothing is resident before the guest or the loader touches it.
 */
int vm_map_ram(uint64_t size)
{
	const uint64_t huge = 2ULL << 20;
	uint8_t *p = mmap(NULL, size + huge, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint64_t head;

	if (p == MAP_FAILED)
		return -errno;
	head = -(uintptr_t)p & (huge - 1);
	if (head)
		munmap(p, head);
	munmap(p + head + size, huge - head);
	p += head;
	madvise(p, size, MADV_HUGEPAGE);	/* a hint: without THP, 4 KiB */
	vm.ram = p;
	vm.ram_size = size;
	vm.low_size = size < LAYOUT_LOW_RAM_MAX ? size : LAYOUT_LOW_RAM_MAX;
	vm.high_size = size - vm.low_size;
	return 0;
}

void vm_unmap_ram(void)
{
	if (vm.ram)
		munmap(vm.ram, vm.ram_size);
	vm.ram = NULL;
	vm.ram_size = vm.low_size = vm.high_size = 0;
}

void vm_get_ram(struct guest_ram *ram)
{
	ram->base = vm.ram;
	ram->low_size = vm.low_size;
	ram->high_size = vm.high_size;
}

void *guest_ptr(uint64_t gpa, uint64_t len)
{
	if (gpa < vm.low_size) {
		if (len > vm.low_size - gpa)
			return NULL;
		return vm.ram + gpa;
	}
	if (gpa >= LAYOUT_4G && gpa - LAYOUT_4G < vm.high_size) {
		if (len > vm.high_size - (gpa - LAYOUT_4G))
			return NULL;
		return vm.ram + vm.low_size + (gpa - LAYOUT_4G);
	}
	return NULL;
}

/* What the host's CPU virtualizes with, and the KVM module that may hold it. */
struct host_virt {
	const char *name, *kvm;
};

static bool cpu_flag(const char *line, const char *flag)
{
	size_t n = strlen(flag);
	const char *p;

	for (p = strstr(line, flag); p; p = strstr(p + 1, flag))
		if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/*
 * AMD-V or VT-x, from /proc/cpuinfo's flags; NULL if the CPU lists
 * neither (no cpuinfo: assume AMD-V, what lg was first for).
 */
static const struct host_virt *host_virt(void)
{
	static const struct host_virt amd = { "AMD-V (SVM)", "kvm_amd" };
	static const struct host_virt intel = { "VT-x (VMX)", "kvm_intel" };
	const struct host_virt *v = NULL;
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return &amd;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		v = cpu_flag(line, "svm") ? &amd : cpu_flag(line, "vmx") ? &intel : NULL;
		break;
	}
	fclose(f);
	return v;
}

__attribute__((noreturn))
void die_host(const char *what, int err)
{
	const struct host_virt *v = host_virt();

	switch (err) {
	case ENOENT:
	case ENXIO:
		if (!v)
			die(EXIT_HOST_ERROR, "%s: no such device — this CPU has no AMD-V (SVM) or VT-x (VMX), which lguest needs (is it disabled in the firmware setup?)",
			    what);
		die(EXIT_HOST_ERROR, "%s: no such device — is the lg module loaded? try 'sudo modprobe lg'",
		    what);
	case EACCES:
	case EPERM:
		die(EXIT_HOST_ERROR, "%s: permission denied — add yourself to the 'lguest' group ('sudo adduser $USER lguest', then log in again)",
		    what);
	case EBUSY:
		die(EXIT_HOST_ERROR, "%s: another hypervisor (%s) holds %s; unload it ('sudo modprobe -r %s') or set 'options kvm enable_virt_at_load=0'",
		    what, v ? v->kvm : "kvm", v ? v->name : "the CPU's virtualization",
		    v ? v->kvm : "kvm");
	case ENODEV:
		die(EXIT_HOST_ERROR, "%s: this CPU has no %s, or it is disabled in the firmware setup; lguest needs it",
		    what, v ? v->name : "AMD-V (SVM) or VT-x (VMX)");
	case ENOMEM:
		die(EXIT_HOST_ERROR, "%s: out of memory on the host; try a smaller -m", what);
	default:
		die(EXIT_HOST_ERROR, "%s: %s", what, strerror(err));
	}
}

static void vm_add_memory(uint64_t gpa, uint64_t size, uint8_t *host)
{
	struct lg_memory mem = {
		.guest_phys = gpa, .size = size, .user_addr = (uintptr_t)host,
	};

	if (size && ioctl(vm.fd, LG_SET_MEMORY, &mem) < 0)
		die_host("cannot start the guest (LG_SET_MEMORY)", errno);
}

void vm_open(void)
{
	int version;

	vm.fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);
	if (vm.fd < 0)
		die_host("/dev/lguest", errno);
	version = ioctl(vm.fd, LG_GET_API_VERSION);
	if (version < 0)
		die_host("/dev/lguest (LG_GET_API_VERSION)", errno);
	if (version != LG_API_VERSION)
		die(EXIT_HOST_ERROR, "the lg module speaks API version %d, this lguest-launch version %d — install matching lguest packages (and reload the module)",
		    version, LG_API_VERSION);
	vm_add_memory(0, vm.low_size, vm.ram);
	vm_add_memory(LAYOUT_4G, vm.high_size, vm.ram + vm.low_size);
	/* A module without the query has no extensions: ioctl() fails. */
	vm.ioeventfd = ioctl(vm.fd, LG_CHECK_EXTENSION, LG_CAP_IOEVENTFD) > 0;
	vm.irqfd = ioctl(vm.fd, LG_CHECK_EXTENSION, LG_CAP_IRQFD) > 0;
	vm.logical_dest = ioctl(vm.fd, LG_CHECK_EXTENSION, LG_CAP_LOGICAL_DEST) > 0;
}

void vm_ioeventfd(uint64_t gpa, unsigned int len, int fd, bool assign)
{
	struct lg_ioeventfd io = {
		.addr = gpa, .len = len, .fd = fd,
		.flags = assign ? 0 : LG_IOEVENTFD_DEASSIGN,
	};

	if (vm.ioeventfd && ioctl(vm.fd, LG_IOEVENTFD, &io) < 0 && assign)
		fprintf(stderr, "lguest-launch: LG_IOEVENTFD at %#llx: %s\n",
			(unsigned long long)gpa, strerror(errno));
}

int vm_fd(void)
{
	return vm.fd;
}

/*
 * A module without LG_CAP_LOGICAL_DEST takes physical destinations only:
 * a logical one goes to APIC 0 if its bit 0 (the boot CPU's logical id
 * in flat and in cluster mode) is set.  False: drop it.
 */
static bool vm_route(uint32_t *dest, uint32_t *vector)
{
	if (vm.logical_dest || !(*vector & LG_INTERRUPT_LOGICAL)) {
		if (!vm.logical_dest)
			*vector &= ~LG_INTERRUPT_LOWEST;
		return true;
	}
	*vector &= ~(LG_INTERRUPT_LOGICAL | LG_INTERRUPT_LOWEST);
	if (!(*dest & 1))
		return false;
	*dest = 0;
	return true;
}

void vm_interrupt(uint32_t dest, uint32_t vector)
{
	struct lg_interrupt irq;
	static atomic_int warned;

	if (!vm_route(&dest, &vector))
		return;
	irq = (struct lg_interrupt){ .dest = dest, .vector = vector };
	if (ioctl(vm.fd, LG_INTERRUPT, &irq) < 0 && !atomic_exchange(&warned, 1))
		fprintf(stderr, "lguest-launch: LG_INTERRUPT(%u, %u): %s\n",
			dest, vector, strerror(errno));
}

/*
 * An irqfd per message source, made on first use; a new destination or
 * vector re-routes it.  Without the module's irqfd, LG_INTERRUPT.
 */
void vm_msi(struct vm_msi *msi, uint32_t dest, uint32_t vector)
{
	struct lg_irqfd irqfd;
	uint64_t one = 1;

	if (!vm_route(&dest, &vector))
		return;
	irqfd = (struct lg_irqfd){ .dest = dest, .vector = vector };
	if (!vm.irqfd)
		goto fallback;
	if (msi->fd < 0) {
		msi->fd = eventfd(0, EFD_CLOEXEC);
		if (msi->fd < 0)
			goto fallback;
		msi->routed = false;
	}
	if (!msi->routed || msi->dest != dest || msi->vector != vector) {
		irqfd.fd = msi->fd;
		if (ioctl(vm.fd, LG_IRQFD, &irqfd) < 0)
			goto fallback;
		msi->dest = dest;
		msi->vector = vector;
		msi->routed = true;
	}
	if (write(msi->fd, &one, sizeof(one)) == sizeof(one))
		return;
fallback:
	vm_interrupt(dest, vector);
}

void vm_add_vcpu_thread(pthread_t thread)
{
	unsigned int n = atomic_load(&vm.nr_vcpu_threads);

	vm.vcpu_threads[n] = thread;
	atomic_store(&vm.nr_vcpu_threads, n + 1);
}

/* SIGUSR1 (handled, without SA_RESTART) to every vCPU thread but ours. */
void vm_kick_vcpus(void)
{
	unsigned int i, n = atomic_load(&vm.nr_vcpu_threads);

	for (i = 0; i < n; i++)
		if (!pthread_equal(pthread_self(), vm.vcpu_threads[i]))
			pthread_kill(vm.vcpu_threads[i], SIGUSR1);
}

/*
 * From a device or a vCPU thread.  Each vCPU thread checks after every
 * exit; the others are kicked out of LG_RUN with EINTR.
 */
void vm_request_exit(int status)
{
	if (atomic_exchange(&vm.exit_claimed, 1))
		return;
	atomic_store(&vm.exit_status, status);
	atomic_store(&vm.exit_requested, 1);
	vm_kick_vcpus();
}

int vm_exit_requested(int *status)
{
	if (!atomic_load(&vm.exit_requested))
		return 0;
	*status = atomic_load(&vm.exit_status);
	return 1;
}
