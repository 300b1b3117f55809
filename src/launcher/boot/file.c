// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading the kernel and initrd files, with the launcher's one-line
 * errors.  The kernel is read whole into a buffer for the loaders; the
 * initrd goes straight into guest RAM, once it is known where.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "file.h"

int file_open(const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return boot_fail("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return boot_fail("%s: not a regular file", path);
	}
	*size = st.st_size;
	return fd;
}

int file_read_exact(int fd, const char *path, void *buf, uint64_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len > (1 << 30) ? (1 << 30) : len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return boot_fail("%s: %s", path, strerror(errno));
		if (n == 0)
			return boot_fail("%s: file shrank while being read", path);
		p += n;
		len -= n;
	}
	return 0;
}

void *file_read_all(const char *path, size_t *len)
{
	uint64_t size;
	void *buf;
	int fd = file_open(path, &size);

	if (fd < 0)
		return NULL;
	buf = size ? malloc(size) : NULL;
	if (!buf) {
		close(fd);
		boot_fail("%s: %s", path, size ? "out of memory" : "empty file");
		return NULL;
	}
	if (file_read_exact(fd, path, buf, size)) {
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	*len = size;
	return buf;
}
