// SPDX-License-Identifier: GPL-2.0-only
/*
 * lg-eventfd: the ioeventfd, irqfd and exit-statistics extensions of
 * /dev/lguest, checked against a running guest.
 *
 *   lg-eventfd check       one "ok NAME" or "not ok NAME" line per check
 *                          (lguest(4)'s semantics and every error it
 *                          lists); exits non-zero if any is not ok.
 *   lg-eventfd stress N    N rounds of threads assigning, deassigning,
 *                          re-routing, signalling and closing eventfds
 *                          while the vCPU runs, then closing it all in
 *                          varying order; exits 0 when every call came
 *                          back (the scenario then checks the host log).
 *
 * The guest is assembled below and copied into RAM.  It reads a command
 * from a mailbox in its RAM: write a value @count times (MMIO of 1 to 8
 * bytes, or OUT of 1 to 4), then report on port DONE; or enable
 * interrupts and halt until the command changes, each interrupt's
 * handler reporting its vector on port IRQ and sending an EOI through
 * the xAPIC page; or loop writing and taking interrupts (the stress).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lg-guest.h"

#define RAM_SIZE	(4 << 20)
#define IDTR		0x8100
#define MAILBOX		0x8200	/* struct cmd */
#define IDT		0x9000
#define STACK_TOP	0xc000
#define CODE		0x10000
#define MMIO		0xd0000000ULL	/* below the APIC, above RAM */
#define PORT		0x500

#define PORT_DONE	0x81
#define PORT_IRQ	0x82
#define PORT_READY	0x83

/* The mailbox; op is the MMIO width, 0x10 + the OUT width, or: */
#define OP_IRQ		0x20
#define OP_MIXED	0x30
struct cmd {
	uint64_t addr, value;
	uint32_t count, pad0;
	uint32_t op, pad1;
	uint64_t port;		/* OP_MIXED's */
};

extern const uint8_t guest_start[], guest_stubs[], guest_end[];
asm(".pushsection .rodata\n"
	"guest_start:\n"
	"	lidt 0x8100\n"
	"	mov $0xfee000f0, %ebx\n"
	"	movl $0x1ff, (%rbx)\n"		/* SVR: APIC on */
	"guest_next:\n"
	"	cli\n"
	"	mov 0x8200, %rbx\n"
	"	mov 0x8208, %rax\n"
	"	mov 0x8210, %ecx\n"
	"	mov 0x8218, %esi\n"
	"	cmp $0x20, %esi\n"
	"	je guest_irq\n"
	"	cmp $0x30, %esi\n"
	"	je guest_mixed\n"
	"1:	test %ecx, %ecx\n"
	"	jz 9f\n"
	"	mov %ebx, %edx\n"
	"	cmp $1, %esi\n"
	"	jne 2f\n"
	"	movb %al, (%rbx)\n"
	"2:	cmp $2, %esi\n"
	"	jne 3f\n"
	"	movw %ax, (%rbx)\n"
	"3:	cmp $4, %esi\n"
	"	jne 4f\n"
	"	movl %eax, (%rbx)\n"
	"4:	cmp $8, %esi\n"
	"	jne 5f\n"
	"	movq %rax, (%rbx)\n"
	"5:	cmp $0x11, %esi\n"
	"	jne 6f\n"
	"	outb %al, %dx\n"
	"6:	cmp $0x12, %esi\n"
	"	jne 7f\n"
	"	outw %ax, %dx\n"
	"7:	cmp $0x14, %esi\n"
	"	jne 8f\n"
	"	outl %eax, %dx\n"
	"8:	dec %ecx\n"
	"	jmp 1b\n"
	"9:	out %al, $0x81\n"
	"	jmp guest_next\n"
	"guest_irq:\n"
	"	out %al, $0x83\n"
	"1:	sti\n"
	"	hlt\n"
	"	cli\n"
	"	cmpl $0x20, 0x8218\n"
	"	je 1b\n"
	"	jmp guest_next\n"
	"guest_mixed:\n"
	"	mov 0x8220, %edx\n"
	"1:	movw %ax, (%rbx)\n"
	"	outb %al, %dx\n"
	"	sti\n"
	"	nop\n"
	"	cli\n"
	"	cmpl $0x30, 0x8218\n"
	"	je 1b\n"
	"	jmp guest_next\n"
	/* Vectors 32-255, 16 bytes each: push the vector, report, EOI. */
	"	.balign 16\n"
	"guest_stubs:\n"
	"	.set vec, 32\n"
	"	.rept 224\n"
	"	.balign 16\n"
	"	push $vec\n"
	"	jmp guest_common\n"
	"	.set vec, vec + 1\n"
	"	.endr\n"
	"guest_common:\n"
	"	push %rax\n"
	"	push %rbx\n"
	"	mov 16(%rsp), %rax\n"
	"	out %al, $0x82\n"
	"	mov $0xfee000b0, %ebx\n"
	"	movl $0, (%rbx)\n"
	"	pop %rbx\n"
	"	pop %rax\n"
	"	add $8, %rsp\n"
	"	iretq\n"
	"guest_end:\n"
	".popsection");

static int failures;

static void check(const char *name, int cond)
{
	printf("%s %s\n", cond ? "ok" : "not ok", name);
	fflush(stdout);
	if (!cond)
		failures++;
}

static int fails_with(int fd, unsigned long req, void *arg, int err)
{
	return ioctl(fd, req, arg) < 0 && errno == err;
}

struct vm {
	int fd, vcpu;
	uint8_t *ram;
	struct lg_run *run;
	struct cmd *cmd;
};

static void guest_setup(uint8_t *ram, struct lg_vcpu_init *init)
{
	uint64_t *idt = (uint64_t *)(ram + IDT);
	uint64_t stubs = CODE + (guest_stubs - guest_start);
	int v;

	memcpy(ram + CODE, guest_start, guest_end - guest_start);
	for (v = 32; v < 256; v++) {
		uint64_t h = stubs + 16 * (v - 32);

		/* A 64-bit interrupt gate to __BOOT_CS:h. */
		idt[2 * v] = (h & 0xffff) | 0x10ULL << 16 | 0x8eULL << 40 |
			     (h >> 16 & 0xffff) << 48;
		idt[2 * v + 1] = h >> 32;
	}
	*(uint16_t *)(ram + IDTR) = 256 * 16 - 1;
	memcpy(ram + IDTR + 2, &(uint64_t){ IDT }, 8);
	guest_long_mode(ram, init, CODE, STACK_TOP, 4);	/* the APIC is at 4 GiB - 20 MiB */
}

static int vm_open(struct vm *vm)
{
	struct lg_vcpu_init init;
	struct lg_memory m;

	memset(vm, 0, sizeof(*vm));
	vm->fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);
	if (vm->fd < 0)
		return -1;
	vm->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->ram == MAP_FAILED)
		return -1;
	guest_setup(vm->ram, &init);
	vm->cmd = (struct cmd *)(vm->ram + MAILBOX);
	m = (struct lg_memory){ 0, RAM_SIZE, (uintptr_t)vm->ram };
	if (ioctl(vm->fd, LG_SET_MEMORY, &m) < 0)
		return -1;
	vm->vcpu = ioctl(vm->fd, LG_CREATE_VCPU, &init);
	if (vm->vcpu < 0)
		return -1;
	vm->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	return vm->run == MAP_FAILED ? -1 : 0;
}

static void vm_close(struct vm *vm)
{
	munmap(vm->run, 4096);
	munmap(vm->ram, RAM_SIZE);
	close(vm->vcpu);
	close(vm->fd);
}

/* Exits to us on the way, as they came. */
struct trip {
	int mmio, io;
	uint64_t last_data;
};

/*
 * A watchdog: LG_RUN returns -EINTR on a signal, and the test VM's debug
 * kernel has no POSIX timers (setitimer, alarm), so a thread sends it.
 */
static pthread_t vcpu_thread;
static long deadline_ms;	/* 0: not armed */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		long d = __atomic_load_n(&deadline_ms, __ATOMIC_ACQUIRE);

		if (d && now_ms() > d &&
		    __atomic_compare_exchange_n(&deadline_ms, &d, 0, 0,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			pthread_kill(vcpu_thread, SIGUSR1);
		usleep(10000);
	}
	return NULL;
}

/*
 * Run until the guest does an OUT to @port; other exits are completed
 * (reads as 0) and counted.  Returns its data, or -1 on anything else
 * or after @ms milliseconds.
 */
static int64_t run_to(struct vm *vm, int port, int ms, struct trip *t)
{
	struct lg_run *run = vm->run;
	int64_t ret = -1;
	int rc;

	memset(t, 0, sizeof(*t));
	__atomic_store_n(&deadline_ms, now_ms() + ms, __ATOMIC_RELEASE);
	while ((rc = ioctl(vm->vcpu, LG_RUN, 0)) == 0) {
		if (run->exit_reason == LG_EXIT_MMIO) {
			t->mmio++;
			t->last_data = run->mmio.data;
			run->mmio.data = 0;
			continue;
		}
		if (run->exit_reason != LG_EXIT_IO) {
			printf("# exit %u: %.120s\n", run->exit_reason,
			       run->exit_reason == LG_EXIT_ERROR ? run->error.reason : "");
			break;
		}
		if (run->io.port == port) {
			ret = run->io.data;
			break;
		}
		t->io++;
		t->last_data = run->io.data;
		run->io.data = 0;
	}
	__atomic_store_n(&deadline_ms, 0, __ATOMIC_RELEASE);
	if (rc && errno != EINTR)	/* EINTR: the watchdog's */
		printf("# LG_RUN: %s\n", strerror(errno));
	return ret;
}

/* Have the guest write @value @count times with @op, to DONE. */
static int do_writes(struct vm *vm, uint32_t op, uint64_t addr, uint64_t value,
		     uint32_t count, struct trip *t)
{
	*vm->cmd = (struct cmd){ .addr = addr, .value = value, .count = count, .op = op };
	return run_to(vm, PORT_DONE, 5000, t) >= 0;
}

/* Did the guest's writes exit as expected, and signal @efd @count times? */
static void check_trip(const char *name, int ok, const struct trip *t, int mmio,
		       int io, int efd, uint64_t count)
{
	uint64_t n = 0;
	int pass;

	if (read(efd, &n, 8) != 8)
		n = 0;
	pass = ok && t->mmio == mmio && t->io == io && n == count;
	check(name, pass);
	if (!pass)
		printf("# ran %d, MMIO exits %d (want %d), port exits %d (want %d), eventfd %llu (want %llu)\n",
		       ok, t->mmio, mmio, t->io, io, (unsigned long long)n,
		       (unsigned long long)count);
}

/* The eventfd's count, 0 if none (it is non-blocking). */
static uint64_t efd_count(int efd)
{
	uint64_t n = 0;

	return read(efd, &n, 8) == 8 ? n : 0;
}

static int ioeventfd(int vm, uint64_t addr, uint32_t len, int efd, uint32_t flags,
		     uint64_t datamatch)
{
	struct lg_ioeventfd a = {
		.addr = addr, .len = len, .fd = efd, .flags = flags, .datamatch = datamatch,
	};

	return ioctl(vm, LG_IOEVENTFD, &a) < 0 ? -errno : 0;
}

static int irqfd(int vm, int efd, uint32_t flags, uint32_t dest, uint32_t vector)
{
	struct lg_irqfd a = { .fd = efd, .flags = flags, .dest = dest, .vector = vector };

	return ioctl(vm, LG_IRQFD, &a) < 0 ? -errno : 0;
}

static uint64_t stat_sum(const struct lg_run *run)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < LG_STAT_NR; i++)
		sum += run->stat_kind[i];
	return sum;
}

static void check_extensions(int fd)
{
	check("api-version-2", ioctl(fd, LG_GET_API_VERSION) == 2);
	check("cap-ioeventfd", ioctl(fd, LG_CHECK_EXTENSION, LG_CAP_IOEVENTFD) == 1);
	check("cap-irqfd", ioctl(fd, LG_CHECK_EXTENSION, LG_CAP_IRQFD) == 1);
	check("cap-exit-stats", ioctl(fd, LG_CHECK_EXTENSION, LG_CAP_EXIT_STATS) == 1);
	check("cap-logical-dest", ioctl(fd, LG_CHECK_EXTENSION, LG_CAP_LOGICAL_DEST) == 1);
	check("cap-unknown-0", ioctl(fd, LG_CHECK_EXTENSION, 0) == 0 &&
	      ioctl(fd, LG_CHECK_EXTENSION, 6) == 0 &&
	      ioctl(fd, LG_CHECK_EXTENSION, ~0UL) == 0);
}

static void check_ioeventfd(struct vm *vm)
{
	const uint32_t pio = LG_IOEVENTFD_PIO, dm = LG_IOEVENTFD_DATAMATCH;
	const uint32_t de = LG_IOEVENTFD_DEASSIGN;
	int e1 = eventfd(0, EFD_NONBLOCK), e2 = eventfd(0, EFD_NONBLOCK);
	int e3 = eventfd(0, EFD_NONBLOCK), null = open("/dev/null", O_RDONLY);
	uint64_t before, total;
	struct trip t;
	int i, n, ok;

	check("ioeventfd-assign", ioeventfd(vm->fd, MMIO, 2, e1, 0, 0) == 0);
	before = vm->run->stat_kind[LG_STAT_IOEVENTFD];
	ok = do_writes(vm, 2, MMIO, 0xbeef, 100, &t);
	check_trip("ioeventfd-mmio-no-exit", ok, &t, 0, 0, e1, 100);
	check("stat-ioeventfd-count",
	      vm->run->stat_kind[LG_STAT_IOEVENTFD] - before == 100);
	ok = do_writes(vm, 4, MMIO, 0xbeef, 3, &t);
	check_trip("ioeventfd-other-len-exits", ok, &t, 3, 0, e1, 0);
	ok = do_writes(vm, 1, MMIO + 1, 0xbe, 2, &t);
	check_trip("ioeventfd-other-addr-exits", ok, &t, 2, 0, e1, 0);

	check("ioeventfd-datamatch-assign",
	      ioeventfd(vm->fd, MMIO + 0x100, 4, e2, dm, 0x1234) == 0);
	ok = do_writes(vm, 4, MMIO + 0x100, 0x1234, 5, &t);
	check_trip("ioeventfd-datamatch-hit", ok, &t, 0, 0, e2, 5);
	ok = do_writes(vm, 4, MMIO + 0x100, 0x1235, 2, &t);
	check_trip("ioeventfd-datamatch-miss-exits", ok && t.last_data == 0x1235,
		   &t, 2, 0, e2, 0);

	check("ioeventfd-pio-assign", ioeventfd(vm->fd, PORT, 1, e3, pio, 0) == 0);
	ok = do_writes(vm, 0x11, PORT, 7, 10, &t);
	check_trip("ioeventfd-pio-no-exit", ok, &t, 0, 0, e3, 10);
	ok = do_writes(vm, 0x12, PORT, 7, 2, &t);
	check_trip("ioeventfd-pio-other-len-exits", ok, &t, 0, 2, e3, 0);
	check("ioeventfd-spaces-apart", ioeventfd(vm->fd, PORT, 1, e1, 0, 0) == 0 &&
	      ioeventfd(vm->fd, PORT, 1, e1, de, 0) == 0);

	/* Errors. */
	check("ioeventfd-len3-einval", ioeventfd(vm->fd, MMIO + 0x200, 3, e1, 0, 0) == -EINVAL);
	check("ioeventfd-len0-einval", ioeventfd(vm->fd, MMIO + 0x200, 0, e1, 0, 0) == -EINVAL);
	check("ioeventfd-flags-einval",
	      ioeventfd(vm->fd, MMIO + 0x200, 2, e1, 1u << 3, 0) == -EINVAL &&
	      ioeventfd(vm->fd, MMIO + 0x200, 2, e1, 1u << 31, 0) == -EINVAL);
	{
		struct lg_ioeventfd a = { .addr = MMIO + 0x200, .len = 2, .fd = e1, .pad = 1 };

		check("ioeventfd-pad-einval", fails_with(vm->fd, LG_IOEVENTFD, &a, EINVAL));
	}
	check("ioeventfd-pio-len8-einval", ioeventfd(vm->fd, 0x600, 8, e1, pio, 0) == -EINVAL);
	check("ioeventfd-pio-beyond-einval",
	      ioeventfd(vm->fd, 0xffff, 2, e1, pio, 0) == -EINVAL &&
	      ioeventfd(vm->fd, 0x10000, 1, e1, pio, 0) == -EINVAL);
	check("ioeventfd-pio-last-port", ioeventfd(vm->fd, 0xffff, 1, e1, pio, 0) == 0 &&
	      ioeventfd(vm->fd, 0xffff, 1, e1, pio | de, 0) == 0);
	check("ioeventfd-wrap-einval", ioeventfd(vm->fd, ~0ULL, 2, e1, 0, 0) == -EINVAL &&
	      ioeventfd(vm->fd, ~0ULL - 6, 8, e1, 0, 0) == -EINVAL);
	check("ioeventfd-datamatch-wide-einval",
	      ioeventfd(vm->fd, MMIO + 0x200, 2, e1, dm, 0x10000) == -EINVAL);
	check("ioeventfd-bad-fd-ebadf", ioeventfd(vm->fd, MMIO + 0x200, 2, -1, 0, 0) == -EBADF &&
	      ioeventfd(vm->fd, MMIO + 0x200, 2, 9999, 0, 0) == -EBADF);
	check("ioeventfd-not-eventfd-einval",
	      ioeventfd(vm->fd, MMIO + 0x200, 2, null, 0, 0) == -EINVAL);
	check("ioeventfd-efault", fails_with(vm->fd, LG_IOEVENTFD, (void *)8, EFAULT));
	check("ioeventfd-same-eexist", ioeventfd(vm->fd, MMIO, 2, e1, 0, 0) == -EEXIST);
	check("ioeventfd-overlap-eexist",
	      ioeventfd(vm->fd, MMIO + 1, 1, e2, 0, 0) == -EEXIST &&
	      ioeventfd(vm->fd, MMIO - 4, 8, e2, 0, 0) == -EEXIST &&
	      ioeventfd(vm->fd, MMIO, 2, e2, dm, 5) == -EEXIST &&
	      ioeventfd(vm->fd, PORT, 2, e2, pio, 0) == -EEXIST);
	check("ioeventfd-adjacent-ok", ioeventfd(vm->fd, MMIO + 2, 2, e2, 0, 0) == 0 &&
	      ioeventfd(vm->fd, MMIO + 2, 2, e2, de, 0) == 0);
	check("ioeventfd-deassign-unknown-enoent",
	      ioeventfd(vm->fd, MMIO + 0x100, 4, e2, dm | de, 0x1235) == -ENOENT &&
	      ioeventfd(vm->fd, MMIO + 0x100, 4, e1, dm | de, 0x1234) == -ENOENT &&
	      ioeventfd(vm->fd, MMIO + 0x100, 4, e2, de, 0) == -ENOENT &&
	      ioeventfd(vm->fd, MMIO, 4, e1, de, 0) == -ENOENT);

	/* Up to LG_MAX_IOEVENTFDS: we have 3, one fd may serve many. */
	for (i = 3, n = 0; i < LG_MAX_IOEVENTFDS; i++)
		n += ioeventfd(vm->fd, 0x1000 + i, 1, e3, pio, 0) == 0;
	check("ioeventfd-max", n == LG_MAX_IOEVENTFDS - 3);
	check("ioeventfd-full-enospc", ioeventfd(vm->fd, 0x2000, 1, e3, pio, 0) == -ENOSPC);
	for (i = 3, n = 0; i < LG_MAX_IOEVENTFDS; i++)
		n += ioeventfd(vm->fd, 0x1000 + i, 1, e3, pio | de, 0) == 0;
	check("ioeventfd-deassign-many", n == LG_MAX_IOEVENTFDS - 3);

	check("ioeventfd-deassign", ioeventfd(vm->fd, MMIO, 2, e1, de, 0) == 0);
	ok = do_writes(vm, 2, MMIO, 0xbeef, 2, &t);
	check_trip("ioeventfd-deassigned-exits", ok, &t, 2, 0, e1, 0);
	check("ioeventfd-deassign-again-enoent", ioeventfd(vm->fd, MMIO, 2, e1, de, 0) == -ENOENT);

	/* Closed while registered: lg keeps its own reference. */
	close(e2);
	ok = do_writes(vm, 4, MMIO + 0x100, 0x1234, 3, &t);
	check("ioeventfd-closed-eventfd", ok && t.mmio == 0 && t.io == 0);

	/* Every exit counted once, by kind. */
	total = vm->run->stat_exits;
	check("stat-kinds-sum", stat_sum(vm->run) == total && total > 0);
	check("stat-mmio-io", vm->run->stat_kind[LG_STAT_MMIO] > 0 &&
	      vm->run->stat_kind[LG_STAT_IO] > 0 && vm->run->stat_kind[LG_STAT_APIC] > 0);
	close(e1);
	close(e3);
	close(null);
}

struct signaller {
	int efd, delay_ms;
};

static void *signal_later(void *arg)
{
	struct signaller *s = arg;

	usleep(s->delay_ms * 1000);
	eventfd_write(s->efd, 1);
	return NULL;
}

/* Signal @efd from another thread while the guest halts; the vector it got. */
static int64_t irq_from_thread(struct vm *vm, int efd)
{
	struct signaller s = { efd, 50 };
	struct trip t;
	pthread_t th;
	int64_t v;

	pthread_create(&th, NULL, signal_later, &s);
	v = run_to(vm, PORT_IRQ, 3000, &t);
	pthread_join(th, NULL);
	return v;
}

static void check_irqfd(struct vm *vm)
{
	int e4 = eventfd(0, EFD_NONBLOCK), e5 = eventfd(0, EFD_NONBLOCK);
	int null = open("/dev/null", O_RDONLY), efds[LG_MAX_IRQFDS];
	struct trip t;
	int i, n, ok;

	*vm->cmd = (struct cmd){ .op = OP_IRQ };
	check("irq-guest-ready", run_to(vm, PORT_READY, 3000, &t) >= 0);

	check("irqfd-assign", irqfd(vm->fd, e4, 0, 0, 0x40) == 0);
	for (i = 0, ok = 1; i < 5; i++)
		ok &= irq_from_thread(vm, e4) == 0x40;
	check("irqfd-delivers", ok);
	check("irqfd-consumes-count", efd_count(e4) == 0);
	check("irqfd-reroute", irqfd(vm->fd, e4, 0, 0, 0x41) == 0 &&
	      irq_from_thread(vm, e4) == 0x41);
	check("irqfd-reroute-high", irqfd(vm->fd, e4, 0, 0, 255) == 0 &&
	      irq_from_thread(vm, e4) == 255);

	eventfd_write(e5, 3);
	check("irqfd-presignalled-assign", irqfd(vm->fd, e5, 0, 0, 0x42) == 0);
	check("irqfd-presignalled-delivers", run_to(vm, PORT_IRQ, 3000, &t) == 0x42);
	check("irqfd-presignalled-consumed", efd_count(e5) == 0);

	/* Another destination: accepted, delivered nowhere. */
	check("irqfd-other-dest", irqfd(vm->fd, e5, 0, 7, 0x43) == 0 &&
	      irq_from_thread(vm, e5) == -1);

	check("irqfd-deassign", irqfd(vm->fd, e4, LG_IRQFD_DEASSIGN, 0, 0) == 0);
	check("irqfd-deassigned-silent", irq_from_thread(vm, e4) == -1 && efd_count(e4) == 1);
	check("irqfd-deassign-again-enoent", irqfd(vm->fd, e4, LG_IRQFD_DEASSIGN, 0, 0) == -ENOENT);

	check("irqfd-vector-einval", irqfd(vm->fd, e4, 0, 0, 15) == -EINVAL &&
	      irqfd(vm->fd, e4, 0, 0, 0) == -EINVAL && irqfd(vm->fd, e4, 0, 0, 256) == -EINVAL &&
	      irqfd(vm->fd, e4, 0, 0, ~0u) == -EINVAL);
	check("irqfd-flags-einval", irqfd(vm->fd, e4, 2, 0, 0x40) == -EINVAL &&
	      irqfd(vm->fd, e4, 1u << 31, 0, 0x40) == -EINVAL);
	check("irqfd-bad-fd-ebadf", irqfd(vm->fd, -1, 0, 0, 0x40) == -EBADF &&
	      irqfd(vm->fd, 9999, 0, 0, 0x40) == -EBADF);
	check("irqfd-not-eventfd-einval", irqfd(vm->fd, null, 0, 0, 0x40) == -EINVAL);
	check("irqfd-efault", fails_with(vm->fd, LG_IRQFD, (void *)8, EFAULT));

	/* Up to LG_MAX_IRQFDS (e5 is one). */
	for (i = 0, n = 0; i < LG_MAX_IRQFDS; i++) {
		efds[i] = eventfd(0, EFD_NONBLOCK);
		n += i < LG_MAX_IRQFDS - 1 && irqfd(vm->fd, efds[i], 0, 0, 0x50) == 0;
	}
	check("irqfd-max", n == LG_MAX_IRQFDS - 1);
	check("irqfd-full-enospc", irqfd(vm->fd, efds[LG_MAX_IRQFDS - 1], 0, 0, 0x50) == -ENOSPC);
	check("irqfd-full-reroute-ok", irqfd(vm->fd, efds[0], 0, 0, 0x51) == 0);
	check("irqfd-one-of-many", irq_from_thread(vm, efds[0]) == 0x51);
	for (i = 1, n = 0; i < LG_MAX_IRQFDS - 1; i += 2)
		n += irqfd(vm->fd, efds[i], LG_IRQFD_DEASSIGN, 0, 0) == 0;
	check("irqfd-deassign-many", n == (LG_MAX_IRQFDS - 1) / 2);

	/* Closed while assigned: it stays, and nothing breaks. */
	for (i = 0; i < LG_MAX_IRQFDS; i += 3)
		close(efds[i]);
	check("irqfd-closed-eventfd", irqfd(vm->fd, efds[0], LG_IRQFD_DEASSIGN, 0, 0) == -EBADF);

	*vm->cmd = (struct cmd){ .op = 0 };	/* out of the halt loop */
	close(e4);
	close(e5);
	close(null);
	/* The rest stay assigned until the VM goes. */
}

/* Another process, even one sharing the fd, may not drive the VM. */
static void check_owner(struct vm *vm)
{
	int efd = eventfd(0, 0), status;
	pid_t pid = fork();

	if (pid == 0) {
		_exit(ioeventfd(vm->fd, MMIO, 2, efd, 0, 0) == -EPERM &&
		      irqfd(vm->fd, efd, 0, 0, 0x40) == -EPERM &&
		      ioctl(vm->fd, LG_CHECK_EXTENSION, LG_CAP_IRQFD) == 1 ? 0 : 1);
	}
	check("other-process-eperm", waitpid(pid, &status, 0) > 0 && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	close(efd);
}

static int check_all(void)
{
	struct vm vm;

	if (vm_open(&vm)) {
		perror("vm_open");
		return 1;
	}
	check_extensions(vm.fd);
	check_ioeventfd(&vm);
	check_irqfd(&vm);
	check_owner(&vm);
	vm_close(&vm);
	check("vm-closed-with-registrations", 1);
	return failures ? 1 : 0;
}

/* ---- stress ---- */

#define POOL	16

static struct {
	struct vm vm;
	int efd[POOL];
	int stop;			/* __atomic */
	unsigned long irqs, ioeventfds;	/* what the guest saw and did */
} st;

static void *st_runner(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&st.stop, __ATOMIC_RELAXED)) {
		if (ioctl(st.vm.vcpu, LG_RUN, 0) < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		if (st.vm.run->exit_reason == LG_EXIT_IO && st.vm.run->io.port == PORT_IRQ)
			st.irqs++;
	}
	st.ioeventfds += st.vm.run->stat_kind[LG_STAT_IOEVENTFD];
	return NULL;
}

static void *st_hammer(void *arg)
{
	unsigned int seed = (uintptr_t)arg;
	int i;

	for (i = 0; !__atomic_load_n(&st.stop, __ATOMIC_RELAXED) && i < 3000; i++) {
		int k = rand_r(&seed) % POOL, fd = st.efd[k];
		uint32_t r = rand_r(&seed);
		struct lg_ioeventfd a;

		switch (r % 9) {
		case 0:
			ioeventfd(st.vm.fd, MMIO + (r >> 8) % 4 * 2, 2, fd,
				  r & 16 ? LG_IOEVENTFD_DEASSIGN : 0, 0);
			break;
		case 1:
			ioeventfd(st.vm.fd, PORT, 1, fd, LG_IOEVENTFD_PIO |
				  (r & 16 ? LG_IOEVENTFD_DEASSIGN : 0), 0);
			break;
		case 2:
		case 3:
			irqfd(st.vm.fd, fd, 0, r >> 16 & 1, 32 + (r >> 8) % 224);
			break;
		case 4:
			irqfd(st.vm.fd, fd, LG_IRQFD_DEASSIGN, 0, 0);
			break;
		case 5:
		case 6:
			eventfd_write(fd, 1);
			break;
		case 7:
			/* Close it mid-use; another thread may use the number. */
			close(fd);
			st.efd[k] = eventfd(0, EFD_NONBLOCK);
			break;
		case 8:
			memset(&a, 0, sizeof(a));
			a.addr = (uint64_t)rand_r(&seed) << 32 | r;
			a.len = r >> 4 & 15;
			a.fd = r & 1 ? fd : (int)r;
			a.flags = r >> 8 & 15;
			a.datamatch = r;
			ioctl(st.vm.fd, LG_IOEVENTFD, &a);
			ioctl(st.vm.fd, LG_IRQFD, &a);
			break;
		}
	}
	return NULL;
}

static int stress(int rounds)
{
	const int nthreads = 3;
	pthread_t t[nthreads + 1];
	int r, i;

	for (r = 0; r < rounds; r++) {
		if (vm_open(&st.vm)) {
			perror("vm_open");
			return 1;
		}
		for (i = 0; i < POOL; i++)
			st.efd[i] = eventfd(0, EFD_NONBLOCK);
		*st.vm.cmd = (struct cmd){ .addr = MMIO, .op = OP_MIXED, .port = PORT };
		st.stop = 0;
		pthread_create(&t[0], NULL, st_runner, NULL);
		for (i = 1; i <= nthreads; i++)
			pthread_create(&t[i], NULL, st_hammer, (void *)(uintptr_t)(r * 7 + i));
		for (i = 1; i <= nthreads; i++)
			pthread_join(t[i], NULL);
		/* Then it all goes, in an order that varies. */
		if (r & 1) {
			close(st.vm.fd);
			st.vm.fd = -1;
			for (i = 0; i < POOL; i++)
				eventfd_write(st.efd[i], 1);
		}
		__atomic_store_n(&st.stop, 1, __ATOMIC_RELAXED);
		pthread_kill(t[0], SIGUSR1);
		pthread_join(t[0], NULL);
		if (r & 2)
			for (i = 0; i < POOL; i++)
				close(st.efd[i]);
		vm_close(&st.vm);
		if (!(r & 2))
			for (i = 0; i < POOL; i++) {
				eventfd_write(st.efd[i], 1);
				close(st.efd[i]);
			}
	}
	printf("%d rounds: the guest took %lu interrupts, %lu writes went to ioeventfds\n",
	       rounds, st.irqs, st.ioeventfds);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* No SA_RESTART: LG_RUN returns -EINTR on them. */
	sigaction(SIGUSR1, &sa, NULL);
	if (argc == 2 && !strcmp(argv[1], "check")) {
		pthread_t w;

		vcpu_thread = pthread_self();
		pthread_create(&w, NULL, watchdog, NULL);
		return check_all();
	}
	if (argc == 3 && !strcmp(argv[1], "stress"))
		return stress(atoi(argv[2]));
	fprintf(stderr, "usage: lg-eventfd check | lg-eventfd stress ROUNDS\n");
	return 2;
}
