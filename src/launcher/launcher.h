/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What main.c drives: the VM's memory and module handle (vm.c), the
 * vCPU and its run loop (vcpu.c), the exit codes, and die() for the
 * launcher's one-line errors.  Devices see only vm.h and bus.h.
 */
#ifndef LG_LAUNCHER_H
#define LG_LAUNCHER_H

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lguest.h"
#include "boot/boot.h"

/*
 * Exit codes of lguest-launch (also in --help and lguest-launch(1)):
 *	0	the guest powered off or reset itself (reboot)
 *	N	the value the guest wrote to the debug-exit port
 *	1	bad usage or input: options, kernel, initrd, memory size
 *	2	host problem: /dev/lguest, the lg module, AMD-V
 *	3	the guest crashed: triple fault, or the module stopped it
 *	128+N	killed by signal N (SIGINT, SIGTERM, SIGHUP)
 */
#define EXIT_BAD_INPUT		1
#define EXIT_HOST_ERROR		2
#define EXIT_GUEST_CRASH	3

/* vCPUs a guest may have: as many as the MP table holds. */
#define LG_LAUNCH_MAX_VCPUS	MPTABLE_MAX_CPUS

__attribute__((noreturn, format(printf, 2, 3)))
static inline void die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("lguest-launch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* Guest memory size from "-m": K, M (the default unit) or G; -EINVAL, -ERANGE. */
int parse_mem_size(const char *arg, uint64_t *bytes);
/* 0, -EINVAL when below LAYOUT_MIN_RAM, -E2BIG when above @host_ram. */
int check_mem_size(uint64_t bytes, uint64_t host_ram);
uint64_t host_ram_size(void);

/* Maps guest RAM (no module needed): 0 or -errno. */
int vm_map_ram(uint64_t size);
/* Releases it again (for the unit tests). */
void vm_unmap_ram(void);
void vm_get_ram(struct guest_ram *ram);
/* Opens /dev/lguest and hands it the RAM; dies with the reason. */
void vm_open(void);
int vm_fd(void);
/* Whether vm_request_exit() was called, and with which status. */
int vm_exit_requested(int *status);
/* The threads vm_request_exit() and vm_kick_vcpus() get out of LG_RUN. */
void vm_add_vcpu_thread(pthread_t thread);
void vm_kick_vcpus(void);

/* Explains a failed open or ioctl on the module in one line; dies. */
__attribute__((noreturn))
void die_host(const char *what, int err);

/* The boot CPU in @init's state, then @nr - 1 application processors. */
void vcpu_create(const struct lg_vcpu_init *init, unsigned int nr);
/* Runs the guest until it stops; returns lguest-launch's exit status. */
int vcpu_run(void);
void vcpu_print_stats(void);

/* Raw mode for a terminal on stdin, restored at exit; Ctrl-] quits. */
void term_setup(void);
void signals_setup(void);

#endif /* LG_LAUNCHER_H */
