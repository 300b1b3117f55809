/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading kernel and initrd files.  Errors go to boot_error(), like the
 * loaders' own.
 */
#ifndef LG_BOOT_FILE_H
#define LG_BOOT_FILE_H

#include <stddef.h>
#include <stdint.h>

/* An fd for a regular file and its size, or -1. */
int file_open(const char *path, uint64_t *size);
int file_read_exact(int fd, const char *path, void *buf, uint64_t len);
/* The whole file in a malloc()ed buffer, or NULL. */
void *file_read_all(const char *path, size_t *len);

#endif /* LG_BOOT_FILE_H */
