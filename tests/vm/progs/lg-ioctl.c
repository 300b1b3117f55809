// SPDX-License-Identifier: GPL-2.0-only
/*
 * lg-ioctl: /dev/lguest driven by a hostile caller.
 *
 *   lg-ioctl errors       provokes each error lguest(4) lists that a
 *                         caller can cause, one "ok NAME" or "not ok NAME"
 *                         line each; exits non-zero if any is not ok.
 *   lg-ioctl stress N     N ioctl calls at least, from several threads
 *                         at once, against VMs whose vCPU really runs a
 *                         tiny guest: wild arguments for every ioctl,
 *                         madvise(DONTNEED) and munmap of guest RAM under
 *                         the running vCPU, vCPU fds closed mid-run, and
 *                         fork.  Exits 0 when every call came back; the
 *                         scenario then checks the host kernel's log.
 *
 * The guest is written here, not loaded: a 64-bit loop that writes to
 * every page of its RAM (nested page faults; at offset 0x800, clear of
 * its code and tables) and does an OUT (an exit to us) per round, on
 * page tables built like lguest-launch's.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lg-guest.h"

#define RAM_SIZE	(4 << 20)
#define CODE		0x1000

static int failures;

static void check(const char *name, int cond)
{
	printf("%s %s\n", cond ? "ok" : "not ok", name);
	if (!cond)
		failures++;
}

/* ioctl() fails with @err. */
static int fails_with(int fd, unsigned long req, void *arg, int err)
{
	return ioctl(fd, req, arg) < 0 && errno == err;
}

/*
 * The guest: for (;;) { touch every page; out %al, $0x80; }.  Its page
 * tables map 1 GiB with 2 MiB pages, so a page we munmap faults in the
 * module, never in the guest's own walk.
 */
static void guest_setup(uint8_t *ram, struct lg_vcpu_init *init)
{
	static const uint8_t code[] = {
		0x48, 0x31, 0xdb,			/* 0: xor %rbx,%rbx */
		0x88, 0x83, 0x00, 0x08, 0x00, 0x00,	/* 3: mov %al,0x800(%rbx) */
		0x48, 0x81, 0xc3, 0x00, 0x10, 0x00, 0x00, /* add $4096,%rbx */
		0x48, 0x81, 0xfb, 0x00, 0x00, 0x40, 0x00, /* cmp $RAM_SIZE,%rbx */
		0x72, 0xea,				/* jb 3 */
		0xe6, 0x80,				/* out %al,$0x80 */
		0xeb, 0xe3,				/* jmp 0 */
	};

	memcpy(ram + CODE, code, sizeof(code));
	guest_long_mode(ram, init, CODE, 0x8000, 1);
}

struct vm {
	int fd, vcpu;
	uint8_t *ram;
	struct lg_run *run;
};

/*
 * RAM_SIZE of guest RAM as lguest-launch has it: 2 MiB aligned and
 * advised as transparent huge pages, so that lg maps it 2 MiB at a time
 * and the hammer's DONTNEED of one page splits a huge page under the
 * running vCPU.
 */
static uint8_t *huge_ram(void)
{
	const uintptr_t huge = 2 << 20;
	uint8_t *p = mmap(NULL, RAM_SIZE + huge, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t head;

	if (p == MAP_FAILED)
		return p;
	head = -(uintptr_t)p & (huge - 1);
	if (head)
		munmap(p, head);
	munmap(p + head + RAM_SIZE, huge - head);
	madvise(p + head, RAM_SIZE, MADV_HUGEPAGE);
	return p + head;
}

/* A VM with RAM and a vCPU; 0 or -errno. */
static int vm_open(struct vm *vm)
{
	struct lg_vcpu_init init;
	struct lg_memory m;

	vm->fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);
	if (vm->fd < 0)
		return -errno;
	vm->ram = huge_ram();
	if (vm->ram == MAP_FAILED)
		return -errno;
	guest_setup(vm->ram, &init);
	m = (struct lg_memory){ 0, RAM_SIZE, (uintptr_t)vm->ram };
	if (ioctl(vm->fd, LG_SET_MEMORY, &m) < 0)
		return -errno;
	vm->vcpu = ioctl(vm->fd, LG_CREATE_VCPU, &init);
	if (vm->vcpu < 0)
		return -errno;
	vm->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	return vm->run == MAP_FAILED ? -errno : 0;
}

static void vm_close(struct vm *vm)
{
	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, 4096);
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, RAM_SIZE);
	close(vm->vcpu);
	close(vm->fd);
}

static int errors(void)
{
	struct lg_vcpu_init init, ap;
	struct lg_interrupt irq;
	struct lg_memory m;
	struct vm vm = { 0 };
	uint8_t *ram;
	int fd, ret, i, ok;
	pid_t pid;

	fd = open("/dev/lguest", O_RDWR | O_CLOEXEC);
	check("open", fd >= 0);
	check("api-version", ioctl(fd, LG_GET_API_VERSION) == LG_API_VERSION);
	check("unknown-ioctl-enotty", fails_with(fd, _IO(LG_IOC_MAGIC, 0x7f), NULL, ENOTTY));
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	guest_setup(ram, &init);
	check("vcpu-before-ram-einval", fails_with(fd, LG_CREATE_VCPU, &init, EINVAL));
	check("bad-pointer-efault", fails_with(fd, LG_SET_MEMORY, (void *)8, EFAULT));
	m = (struct lg_memory){ 0, 4095, (uintptr_t)ram };
	check("unaligned-size-einval", fails_with(fd, LG_SET_MEMORY, &m, EINVAL));
	m = (struct lg_memory){ 0, 0, (uintptr_t)ram };
	check("zero-size-einval", fails_with(fd, LG_SET_MEMORY, &m, EINVAL));
	m = (struct lg_memory){ 1ULL << 48, 4096, (uintptr_t)ram };
	check("gpa-beyond-npt-einval", fails_with(fd, LG_SET_MEMORY, &m, EINVAL));
	m = (struct lg_memory){ 0, 4096, 0xffff800000000000ULL };
	check("kernel-address-einval", fails_with(fd, LG_SET_MEMORY, &m, EINVAL));
	m = (struct lg_memory){ 0, RAM_SIZE, (uintptr_t)ram };
	check("set-memory", ioctl(fd, LG_SET_MEMORY, &m) == 0);
	m = (struct lg_memory){ 4096, 4096, (uintptr_t)ram };
	check("overlap-eexist", fails_with(fd, LG_SET_MEMORY, &m, EEXIST));
	m.guest_phys = 1ULL << 32;
	for (ret = 1; ret < LG_MAX_SLOTS; ret++, m.guest_phys += 4096)
		ioctl(fd, LG_SET_MEMORY, &m);
	check("slots-full-enospc", fails_with(fd, LG_SET_MEMORY, &m, ENOSPC));

	init.cr4 |= 1 << 18;	/* OSXSAVE */
	check("cr4-osxsave-einval", fails_with(fd, LG_CREATE_VCPU, &init, EINVAL));
	init.cr4 &= ~(1 << 18);
	init.efer = 0;
	check("not-long-mode-einval", fails_with(fd, LG_CREATE_VCPU, &init, EINVAL));
	init.efer = 0x500;
	init.apic_id = 255;
	check("apic-id-einval", fails_with(fd, LG_CREATE_VCPU, &init, EINVAL));
	init.apic_id = 0;
	ret = ioctl(fd, LG_CREATE_VCPU, &init);
	check("create-vcpu", ret >= 0);
	/* Later vCPUs are application processors: only an apic_id. */
	init.apic_id = 1;
	check("ap-with-state-einval", fails_with(fd, LG_CREATE_VCPU, &init, EINVAL));
	memset(&ap, 0, sizeof(ap));
	check("ap-same-apic-id-eexist", fails_with(fd, LG_CREATE_VCPU, &ap, EEXIST));
	check("max-vcpus-64", ioctl(fd, LG_CHECK_EXTENSION, LG_CAP_MAX_VCPUS) == 64);
	for (i = 1, ok = 1; i < 64; i++) {
		ap.apic_id = i;
		ok &= ioctl(fd, LG_CREATE_VCPU, &ap) >= 0;
	}
	check("aps-created", ok);
	ap.apic_id = 64;
	check("vcpu-65-enospc", fails_with(fd, LG_CREATE_VCPU, &ap, ENOSPC));
	check("set-memory-after-vcpu-ebusy", fails_with(fd, LG_SET_MEMORY, &m, EBUSY));
	check("run-with-arg-enotty", fails_with(ret, LG_RUN, (void *)1, ENOTTY));
	check("mmap-offset-einval",
	      mmap(NULL, 4096, PROT_READ, MAP_SHARED, ret, 4096) == MAP_FAILED &&
	      errno == EINVAL);
	check("mmap-private-einval",
	      mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ret, 0) == MAP_FAILED &&
	      errno == EINVAL);

	irq = (struct lg_interrupt){ 0, 15 };
	check("vector-below-16-einval", fails_with(fd, LG_INTERRUPT, &irq, EINVAL));
	irq = (struct lg_interrupt){ 200, 32 };
	check("unknown-apic-enoent", fails_with(fd, LG_INTERRUPT, &irq, ENOENT));
	irq = (struct lg_interrupt){ 0, 32 | 1u << 18 };
	check("unknown-flag-einval", fails_with(fd, LG_INTERRUPT, &irq, EINVAL));
	/* The vCPUs' APICs have no logical id yet (xAPIC, LDR 0). */
	irq = (struct lg_interrupt){ 0x80, 32 | LG_INTERRUPT_LOGICAL };
	check("logical-no-match-enoent", fails_with(fd, LG_INTERRUPT, &irq, ENOENT));

	/* Another process, even a child sharing the fd, may not drive it. */
	pid = fork();
	if (pid == 0) {
		irq = (struct lg_interrupt){ 0, 32 };
		_exit(fails_with(fd, LG_INTERRUPT, &irq, EPERM) &&
		      fails_with(ret, LG_RUN, NULL, EPERM) ? 0 : 1);
	}
	check("other-process-eperm", waitpid(pid, &pid, 0) > 0 && WIFEXITED(pid) &&
	      WEXITSTATUS(pid) == 0);
	close(ret);
	close(fd);
	munmap(ram, RAM_SIZE);

	/* A running guest: LG_RUN comes back with its OUT, and on a signal. */
	ret = vm_open(&vm);
	check("vm-open", ret == 0);
	if (!ret) {
		ret = ioctl(vm.vcpu, LG_RUN, 0);
		check("run-io-exit", ret == 0 && vm.run->exit_reason == LG_EXIT_IO &&
		      vm.run->io.port == 0x80 && vm.run->io.is_write);
		vm.run->immediate_exit = 1;
		check("immediate-exit-eintr", fails_with(vm.vcpu, LG_RUN, NULL, EINTR));
		vm.run->immediate_exit = 0;
		/* RAM gone under the guest: the VM stops, the host is fine. */
		munmap(vm.ram, RAM_SIZE);
		vm.ram = NULL;
		while (ioctl(vm.vcpu, LG_RUN, 0) == 0 && vm.run->exit_reason == LG_EXIT_IO)
			;
		check("ram-unmapped-stops", vm.run->exit_reason == LG_EXIT_ERROR);
		vm_close(&vm);
	}
	return failures ? 1 : 0;
}

/* ---- stress ---- */

static long calls_left;
static struct vm *shared;

static uint64_t wild(unsigned int *seed)
{
	static const uint64_t special[] = {
		0, 1, 4095, 4096, 1ULL << 32, 1ULL << 47, 1ULL << 48, 1ULL << 52,
		~0ULL, ~0ULL - 4095, 0x7ffffffff000ULL, 0xffff800000000000ULL,
	};
	uint64_t r = ((uint64_t)rand_r(seed) << 33) ^ ((uint64_t)rand_r(seed) << 12) ^
		     rand_r(seed);

	return rand_r(seed) & 1 ? special[r % 12] : r;
}

static void *hammer(void *arg)
{
	unsigned int seed = (uintptr_t)arg;
	struct vm *vm = shared;
	uint64_t buf[8];

	while (__atomic_sub_fetch(&calls_left, 1, __ATOMIC_RELAXED) > 0) {
		unsigned int i;

		for (i = 0; i < 8; i++)
			buf[i] = wild(&seed);
		switch (rand_r(&seed) % 8) {
		case 0:
			buf[2] = (uintptr_t)vm->ram + (buf[2] & (RAM_SIZE - 1) & ~4095ULL);
			ioctl(vm->fd, LG_SET_MEMORY, buf);
			break;
		case 1:
			ioctl(vm->fd, LG_CREATE_VCPU, buf);
			break;
		case 2:
			ioctl(vm->fd, LG_INTERRUPT, buf);
			break;
		case 3:
			ioctl(vm->fd, _IOC(rand_r(&seed) & 3, LG_IOC_MAGIC,
					   rand_r(&seed) & 0x1f, rand_r(&seed) & 0x7f), buf);
			break;
		case 4:
			/* Wild pointers: the module must fault cleanly. */
			ioctl(vm->fd, LG_SET_MEMORY, (void *)(uintptr_t)buf[0]);
			ioctl(vm->fd, LG_INTERRUPT, (void *)(uintptr_t)buf[1]);
			break;
		case 5:
			madvise(vm->ram + (buf[0] & (RAM_SIZE - 1) & ~4095ULL), 4096,
				MADV_DONTNEED);
			break;
		case 6:
			/* Scribble on the run page while LG_RUN may use it. */
			memcpy((uint8_t *)vm->run + (buf[0] & 2047), buf, sizeof(buf));
			vm->run->immediate_exit = 0;
			break;
		case 7:
			ioctl(vm->vcpu, LG_RUN, buf[0] & 1);
			break;
		}
	}
	return NULL;
}

/* The vCPU thread: runs the guest until told to stop, completes its OUTs. */
static void *runner(void *arg)
{
	struct vm *vm = arg;

	while (__atomic_load_n(&calls_left, __ATOMIC_RELAXED) > 0)
		if (ioctl(vm->vcpu, LG_RUN, 0) < 0 && errno != EINTR && errno != EBUSY)
			break;
	return NULL;
}

static int stress(long calls)
{
	const int nthreads = 4, rounds = 20;
	long per_round = calls / rounds;
	int r, i;

	for (r = 0; r < rounds; r++) {
		pthread_t t[nthreads + 1];
		struct vm vm = { 0 };
		pid_t pid;

		if (vm_open(&vm)) {
			perror("vm_open");
			return 1;
		}
		shared = &vm;
		calls_left = per_round;
		pthread_create(&t[0], NULL, runner, &vm);
		for (i = 1; i <= nthreads; i++)
			pthread_create(&t[i], NULL, hammer, (void *)(uintptr_t)(r * 31 + i));
		/* A child gets a copy of it all, and dies with it. */
		pid = fork();
		if (pid == 0) {
			ioctl(vm.vcpu, LG_RUN, 0);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		if (r % 4 == 3) {
			/* Guest RAM and the vCPU fd go away mid-run. */
			munmap(vm.ram, RAM_SIZE);
			vm.ram = NULL;
			close(vm.vcpu);
		}
		for (i = 1; i <= nthreads; i++)
			pthread_join(t[i], NULL);
		pthread_kill(t[0], SIGUSR1);
		pthread_join(t[0], NULL);
		vm_close(&vm);
	}
	printf("%ld calls in %d rounds\n", per_round * rounds, rounds);
	return 0;
}

static void on_usr1(int sig __attribute__((unused)))
{
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: LG_RUN returns */
	if (argc == 2 && !strcmp(argv[1], "errors"))
		return errors();
	if (argc == 3 && !strcmp(argv[1], "stress"))
		return stress(atol(argv[2]));
	fprintf(stderr, "usage: lg-ioctl errors | lg-ioctl stress CALLS\n");
	return 2;
}
