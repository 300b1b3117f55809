// SPDX-License-Identifier: GPL-2.0-only
/*
 * hw-bp-count CPU WRITES: a host data breakpoint (perf, CPU-wide on CPU)
 * on a variable this program, pinned to CPU, writes WRITES times, with
 * pauses in which guests on the same CPU run.  The breakpoint must count
 * every write: a #VMEXIT disables DR7 (and lg loads a guest's DR0-3
 * when the guest arms them), so lg must give the host's debug registers
 * back each time.  Prints
 * "counted N of WRITES" and exits 0 only when they match.
 */
#define _GNU_SOURCE
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile uint32_t watched;

int main(int argc, char **argv)
{
	struct perf_event_attr attr;
	struct timespec pause = { 0, 2000000 };
	long cpu, writes, i;
	uint64_t count;
	cpu_set_t set;
	int fd;

	if (argc != 3)
		return 2;
	cpu = atol(argv[1]);
	writes = atol(argv[2]);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		return 1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_BREAKPOINT;
	attr.size = sizeof(attr);
	attr.bp_type = HW_BREAKPOINT_W;
	attr.bp_addr = (uintptr_t)&watched;
	attr.bp_len = HW_BREAKPOINT_LEN_4;
	attr.exclude_kernel = 1;
	fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1, 0);
	if (fd < 0) {
		perror("perf_event_open (breakpoint)");
		return 1;
	}
	for (i = 0; i < writes; i++) {
		watched = i;
		if (i % 10 == 0)
			nanosleep(&pause, NULL);
	}
	if (read(fd, &count, sizeof(count)) != sizeof(count)) {
		perror("read");
		return 1;
	}
	printf("counted %llu of %ld\n", (unsigned long long)count, writes);
	return count == (uint64_t)writes ? 0 : 1;
}
