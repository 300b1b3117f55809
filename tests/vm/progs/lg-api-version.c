// SPDX-License-Identifier: GPL-2.0-only
/*
 * lg-api-version: the smallest user of /dev/lguest.  Opens it, asks
 * LG_GET_API_VERSION and checks that the module speaks the ABI of the
 * lguest.h it was compiled with.  Used by the api-version scenario, which
 * runs it inside the test VM; exits 0 on a match.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lguest.h"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/lguest";
	int fd, version;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return 1;
	}
	version = ioctl(fd, LG_GET_API_VERSION);
	if (version < 0) {
		fprintf(stderr, "LG_GET_API_VERSION: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	if (version != LG_API_VERSION) {
		fprintf(stderr, "module speaks API %d, lguest.h says %d\n",
			version, LG_API_VERSION);
		return 1;
	}
	printf("API version %d\n", version);
	return 0;
}
