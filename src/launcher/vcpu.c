// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vCPU and its run loop, and the terminal and signals around it.
 *
 * LG_RUN returns with a record on the run page for what only userspace
 * can finish: port I/O and MMIO go to the device bus, after which the
 * loop runs the guest again; shutdown, power-off and module errors end
 * the loop with lguest-launch's exit status.  A device stops the guest
 * with vm_request_exit(), checked after every exit.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP set a flag and, installed without
 * SA_RESTART, make LG_RUN fail with EINTR (the module returns at once on
 * a pending signal); the loop then returns 128 + the signal, and exit()
 * restores the terminal through atexit().  A terminal on stdin is put in
 * raw mode, so that the guest gets every key (Ctrl-C included); Ctrl-]
 * is the one key left to the host: it sends SIGINT and quits.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ttydefaults.h>
#include <termios.h>
#include <unistd.h>

#include "bus.h"
#include "launcher.h"
#include "vm.h"

struct vcpu {
	int fd;
	struct lg_run *run;
	pthread_t thread;
};

/* Filled before any vCPU runs; the signal handler reads them. */
static struct vcpu vcpus[LG_LAUNCH_MAX_VCPUS];
static unsigned int nr_vcpus;

static volatile sig_atomic_t term_signal;
static struct termios term_saved;
static int term_raw;

static void vcpu_add(const struct lg_vcpu_init *init)
{
	struct vcpu *v = &vcpus[nr_vcpus];
	void *page;

	v->fd = ioctl(vm_fd(), LG_CREATE_VCPU, init);
	if (v->fd < 0)
		die_host("cannot start the guest (LG_CREATE_VCPU)", errno);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (page == MAP_FAILED)
		die_host("cannot map the vCPU's run page", errno);
	v->run = page;
	__atomic_store_n(&nr_vcpus, nr_vcpus + 1, __ATOMIC_RELEASE);
}

void vcpu_create(const struct lg_vcpu_init *init, unsigned int nr)
{
	int max = ioctl(vm_fd(), LG_CHECK_EXTENSION, LG_CAP_MAX_VCPUS);
	unsigned int i;

	if (max <= 0)
		max = 1;
	if (nr > (unsigned int)max)
		die(EXIT_HOST_ERROR, "this lg module runs at most %d vCPU%s per guest — use -c %d, or install a newer lguest",
		    max, max == 1 ? "" : "s", max);
	vcpu_add(init);
	for (i = 1; i < nr; i++) {
		struct lg_vcpu_init ap = { .apic_id = i };

		vcpu_add(&ap);
	}
}

/*
 * IN/OUT move one element in io.data; INS/OUTS up to a buffer's worth,
 * each through the port in turn, from the run page's buffer.
 */
static int vcpu_handle_io(struct lg_run *run)
{
	unsigned int size = run->io.size, count = run->io.count, i;
	uint8_t *buf = (uint8_t *)run + LG_IO_BUF_OFFSET;

	if (size != 1 && size != 2 && size != 4)
		return -1;
	if (count == 1) {
		if (!run->io.is_write)
			run->io.data = 0;
		bus_dispatch_pio(run->io.port, &run->io.data, size, run->io.is_write);
		return 0;
	}
	if (count == 0 || count > LG_IO_BUF_SIZE / size)
		return -1;
	for (i = 0; i < count; i++) {
		uint32_t v = 0;

		if (run->io.is_write)
			memcpy(&v, buf + i * size, size);
		bus_dispatch_pio(run->io.port, &v, size, run->io.is_write);
		if (!run->io.is_write)
			memcpy(buf + i * size, &v, size);
	}
	return 0;
}

static int vcpu_handle_mmio(struct lg_run *run)
{
	unsigned int len = run->mmio.len;

	if (len != 1 && len != 2 && len != 4 && len != 8)
		return -1;
	if (!run->mmio.is_write)
		run->mmio.data = 0;
	bus_dispatch_mmio(run->mmio.addr, &run->mmio.data, len,
			  run->mmio.is_write);
	return 0;
}

/* Copies the module's reason, trusting neither its NUL nor its bytes. */
static void vcpu_print_error(const struct lg_run *run)
{
	char reason[sizeof(run->error.reason)];
	size_t i;

	memcpy(reason, run->error.reason, sizeof(reason));
	reason[sizeof(reason) - 1] = '\0';
	for (i = 0; reason[i]; i++)
		if ((unsigned char)reason[i] < ' ')
			reason[i] = ' ';
	while (i > 0 && reason[i - 1] == ' ')
		reason[--i] = '\0';
	fprintf(stderr, "lguest-launch: the lg module stopped the guest: %s\n",
		reason[0] ? reason : "(no reason given)");
}

/* One vCPU's loop; returns lguest-launch's exit status. */
static int vcpu_loop(struct vcpu *v)
{
	struct lg_run *run = v->run;
	int status;

	for (;;) {
		/*
		 * A signal handled after these checks sets immediate_exit,
		 * so LG_RUN returns at once instead of running the guest.
		 */
		__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		if (term_signal)
			return 128 + term_signal;
		if (vm_exit_requested(&status))
			return status;
		if (ioctl(v->fd, LG_RUN, 0) < 0) {
			if (errno != EINTR && errno != EAGAIN)
				die_host("LG_RUN", errno);
			continue;
		}

		switch (run->exit_reason) {
		case LG_EXIT_IO:
			if (vcpu_handle_io(run))
				goto bad_record;
			break;
		case LG_EXIT_MMIO:
			if (vcpu_handle_mmio(run))
				goto bad_record;
			break;
		case LG_EXIT_SHUTDOWN:
			fprintf(stderr, "lguest-launch: the guest triple-faulted (CPU shutdown)\n");
			return EXIT_GUEST_CRASH;
		case LG_EXIT_POWEROFF:
			return EXIT_SUCCESS;
		case LG_EXIT_ERROR:
			vcpu_print_error(run);
			return EXIT_GUEST_CRASH;
		default:
			goto bad_record;
		}
	}

bad_record:
	fprintf(stderr, "lguest-launch: LG_RUN returned a record this launcher does not know (exit %u) — lg module and lguest-launch do not match\n",
		run->exit_reason);
	return EXIT_HOST_ERROR;
}

/* Whichever vCPU stops first decides the status and stops the others. */
static void *vcpu_thread(void *arg)
{
	vm_request_exit(vcpu_loop(arg));
	return NULL;
}

int vcpu_run(void)
{
	unsigned int i;
	int err, status;

	vcpus[0].thread = pthread_self();
	vm_add_vcpu_thread(vcpus[0].thread);
	for (i = 1; i < nr_vcpus; i++) {
		err = pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]);
		if (err) {
			fprintf(stderr, "lguest-launch: cannot start a thread for vCPU %u: %s\n",
				i, strerror(err));
			vm_request_exit(EXIT_HOST_ERROR);
			break;
		}
		vm_add_vcpu_thread(vcpus[i].thread);
	}
	vcpu_thread(&vcpus[0]);
	while (--i > 0)
		pthread_join(vcpus[i].thread, NULL);
	vm_exit_requested(&status);
	return status;
}

void vcpu_print_stats(void)
{
	static const char *const kind[LG_STAT_NR] = {
		[LG_STAT_IO] = "port I/O", [LG_STAT_MMIO] = "MMIO",
		[LG_STAT_IOEVENTFD] = "ioeventfd", [LG_STAT_HLT] = "HLT",
		[LG_STAT_HOST_INTR] = "host interrupt", [LG_STAT_NPF] = "page fault",
		[LG_STAT_MSR] = "MSR", [LG_STAT_CPUID] = "CPUID", [LG_STAT_APIC] = "APIC",
		[LG_STAT_IRQ_WINDOW] = "interrupt window", [LG_STAT_OTHER] = "other",
		[LG_STAT_PAUSE] = "PAUSE", [LG_STAT_KICK] = "PV kick",
	};
	unsigned long long exits = 0, user = 0, by_kind[LG_STAT_NR] = { 0 };
	unsigned int i, k;

	if (!nr_vcpus)
		return;
	for (i = 0; i < nr_vcpus; i++) {
		exits += vcpus[i].run->stat_exits;
		user += vcpus[i].run->stat_user_exits;
		for (k = 0; k < LG_STAT_NR; k++)
			by_kind[k] += vcpus[i].run->stat_kind[k];
	}
	fprintf(stderr, "lguest-launch: %llu exits, %llu of them to the launcher (%u vCPU%s)\n",
		exits, user, nr_vcpus, nr_vcpus == 1 ? "" : "s");
	if (ioctl(vm_fd(), LG_CHECK_EXTENSION, LG_CAP_EXIT_STATS) <= 0)
		return;
	fputs("lguest-launch: exits by kind:", stderr);
	for (k = 0; k < LG_STAT_NR; k++)
		if (kind[k] && by_kind[k])
			fprintf(stderr, " %s %llu", kind[k], by_kind[k]);
	fputc('\n', stderr);
}

/*
 * A process-wide signal may land on any thread; every vCPU's LG_RUN
 * needs interrupting, so the thread that got it passes it on.  SIGUSR1
 * is that kick itself.
 */
static void on_signal(int sig)
{
	unsigned int i, n = __atomic_load_n(&nr_vcpus, __ATOMIC_ACQUIRE);

	if (sig != SIGUSR1)
		term_signal = sig;
	for (i = 0; i < n; i++)
		__atomic_store_n(&vcpus[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (sig != SIGUSR1)
		vm_kick_vcpus();
}

void signals_setup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: LG_RUN must return */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void term_restore(void)
{
	if (term_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &term_saved);
	term_raw = 0;
}

/*
 * Raw in and out: the guest's 8250 console and tty layer already send
 * "\r\n", so output processing would only double the carriage returns.
 * ISIG stays on with Ctrl-] as the interrupt key (Ctrl-C and Ctrl-Z go to
 * the guest), so the host user always has a way out.
 */
void term_setup(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &term_saved) < 0)
		return;
	t = term_saved;
	cfmakeraw(&t);
	t.c_lflag |= ISIG;
	t.c_cc[VINTR] = CTRL(']');
	t.c_cc[VQUIT] = _POSIX_VDISABLE;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	atexit(term_restore);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		term_raw = 1;
}
