// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-disk: the benchmark's disk figure (tests/bench/), in the guest on
 * its virtio-blk disk: sequential writes and reads of the whole device
 * in 1 MiB requests, then 4 KiB reads at random aligned offsets for a
 * few seconds, all with O_DIRECT (one request in flight, no guest page
 * cache), which is what fio's psync engine would do, without fio.
 *
 *   bench-disk DEVICE [SECONDS]     (random reads for SECONDS, default 5)
 *
 * Prints "LGBENCH-DISK seqwrite_mbs=W seqread_mbs=R randread_iops=I", or
 * "LGBENCH-DISK error ..." and exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	printf("LGBENCH-DISK error %s: %m\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 5, t, w_mbs, r_mbs;
	const size_t big = 1 << 20, small = 4096;
	uint64_t size, off, ops = 0, x = 88172645463325252ull;
	void *buf;
	int fd;

	if (argc < 2)
		return fprintf(stderr, "usage: bench-disk DEVICE [SECONDS]\n"), 2;
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0)
		return fail(argv[1]);
	if (ioctl(fd, BLKGETSIZE64, &size) || size < big)
		return fail("BLKGETSIZE64");
	size &= ~(uint64_t)(big - 1);
	if (posix_memalign(&buf, 4096, big))
		return fail("posix_memalign");
	memset(buf, 0x5a, big);

	t = now_s();
	for (off = 0; off < size; off += big)
		if (pwrite(fd, buf, big, off) != (ssize_t)big)
			return fail("pwrite");
	if (fdatasync(fd))
		return fail("fdatasync");
	w_mbs = size / 1e6 / (now_s() - t);

	t = now_s();
	for (off = 0; off < size; off += big)
		if (pread(fd, buf, big, off) != (ssize_t)big)
			return fail("pread");
	r_mbs = size / 1e6 / (now_s() - t);

	t = now_s();
	while (now_s() - t < secs) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (pread(fd, buf, small, (x % (size / small)) * small) != (ssize_t)small)
			return fail("pread 4k");
		ops++;
	}
	printf("LGBENCH-DISK seqwrite_mbs=%.1f seqread_mbs=%.1f randread_iops=%.0f\n",
	       w_mbs, r_mbs, ops / (now_s() - t));
	return 0;
}
