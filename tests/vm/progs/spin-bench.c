// SPDX-License-Identifier: GPL-2.0-only
/*
 * spin-bench [-k] SECONDS [THREADS]: a lock-heavy workload for measuring
 * what a hypervisor does for guests whose vCPUs outnumber the host's
 * CPUs.  THREADS threads (default: one per CPU, each pinned to its own)
 * take turns at one ticket spinlock for SECONDS, waiting with PAUSE as
 * Linux's spinlocks do, and prints "spin-bench THREADS ACQUISITIONS
 * PER_SECOND".  A ticket lock is first come, first served: when the
 * host deschedules the vCPU whose turn it is, every other vCPU spins
 * until the host runs it again, unless PAUSE-loop exits let a spinning
 * vCPU give its host CPU away.
 *
 * With -k the lock is the kernel's: each turn writes and reads one
 * eventfd that all threads share, whose wait-queue spinlock the kernel
 * takes with interrupts off, so the guest kernel's own spinlocks
 * (native, or paravirtual ones that halt and get kicked) are what is
 * measured.  Exits 1 on a bad argument.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define HOLD	64	/* steps inside the lock */
#define AWAY	256	/* steps outside it */

static volatile unsigned int next_ticket, serving, started;
static volatile unsigned long shared;
static volatile int stop;
static unsigned long total;
static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;
static int efd = -1;	/* -k: the shared eventfd */

static void spin_lock(void)
{
	unsigned int me = __atomic_fetch_add(&next_ticket, 1, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&serving, __ATOMIC_ACQUIRE) != me)
		__builtin_ia32_pause();
}

static void spin_unlock(void)
{
	__atomic_store_n(&serving, serving + 1, __ATOMIC_RELEASE);
}

static void *worker(void *arg)
{
	long cpu = (long)arg;
	unsigned long n = 0;
	volatile unsigned long local = 0;
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);	/* best effort */
	__atomic_fetch_add(&started, 1, __ATOMIC_RELEASE);
	while (!stop) {
		if (efd >= 0) {
			uint64_t v = 1;

			if (write(efd, &v, sizeof(v)) == sizeof(v))
				shared++;
			if (read(efd, &v, sizeof(v)) < 0)
				v = 0;	/* another thread took it first */
		} else {
			spin_lock();
			for (i = 0; i < HOLD; i++)
				shared++;
			spin_unlock();
		}
		for (i = 0; i < AWAY; i++)
			local++;
		n++;
	}
	pthread_mutex_lock(&total_lock);
	total += n;
	pthread_mutex_unlock(&total_lock);
	return NULL;
}

int main(int argc, char **argv)
{
	long seconds, threads, i;
	pthread_t *tid;
	struct timespec t0, t1;
	double elapsed;

	if (argc > 1 && !strcmp(argv[1], "-k")) {
		efd = eventfd(0, EFD_NONBLOCK);
		if (efd < 0)
			return 1;
		argc--;
		argv++;
	}
	if (argc < 2 || argc > 3 || (seconds = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: spin-bench [-k] SECONDS [THREADS]\n");
		return 1;
	}
	threads = argc == 3 ? atol(argv[2]) : sysconf(_SC_NPROCESSORS_ONLN);
	if (threads <= 0 || threads > 256)
		return 1;
	tid = calloc(threads, sizeof(*tid));
	if (!tid)
		return 1;
	for (i = 0; i < threads; i++)
		if (pthread_create(&tid[i], NULL, worker, (void *)i))
			return 1;
	while (started < threads)
		sched_yield();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sleep(seconds);
	stop = 1;
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	elapsed = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("spin-bench %ld %lu %.0f\n", threads, total, total / elapsed);
	return shared == 0;
}
