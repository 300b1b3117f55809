// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-timer: the benchmark's stopwatch (tests/bench/), timing a VMM from
 * the outside as Firecracker's boot timer does.  It starts CMD with its
 * stdout and stderr on a pipe and passes every line through, prefixed
 * with the milliseconds since just before the fork when the line holds
 * "LGBENCH" (what the bench guest's init prints, tests/bench/guest-init):
 *
 *   bench-timer [-t SECONDS] [-e SHELL-CMD] -- CMD [ARG]...
 *
 * With -e, when the first "LGBENCH-INIT" line arrives SHELL-CMD runs
 * (sh -c, BENCH_PID set to CMD's pid, its output ours) and then CMD gets
 * SIGTERM: a VMM stopped right at the guest's init, with its memory and
 * its exit counters read in between.  -t kills CMD (SIGKILL) after
 * SECONDS.  Last line: "BENCH-TIMER init_ms=A exit_ms=B status=S", A -1
 * when no init line came, S the exit status (128+N after signal N).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static struct timespec t0;

static double ms_since_start(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6;
}

static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	kill(child, SIGKILL);
}

int main(int argc, char **argv)
{
	const char *at_init = NULL;
	double init_ms = -1;
	unsigned int timeout = 0;
	char line[4096];
	int p[2], opt, status;
	FILE *in;

	while ((opt = getopt(argc, argv, "t:e:")) != -1) {
		switch (opt) {
		case 't': timeout = atoi(optarg); break;
		case 'e': at_init = optarg; break;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: bench-timer [-t S] [-e CMD] -- CMD [ARG]...\n");
		return 2;
	}
	if (pipe(p))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execvp(argv[optind], argv + optind);
		perror(argv[optind]);
		_exit(127);
	}
	close(p[1]);
	signal(SIGALRM, on_alarm);
	alarm(timeout);
	in = fdopen(p[0], "r");
	while (fgets(line, sizeof(line), in)) {
		double now = ms_since_start();

		if (!strstr(line, "LGBENCH")) {
			fputs(line, stdout);
			continue;
		}
		printf("%.1f %s", now, line);
		if (init_ms < 0 && strstr(line, "LGBENCH-INIT")) {
			init_ms = now;
			if (at_init) {
				char pid[16];

				snprintf(pid, sizeof(pid), "%d", (int)child);
				setenv("BENCH_PID", pid, 1);
				fflush(stdout);
				if (system(at_init) != 0)
					printf("bench-timer: '%s' failed\n", at_init);
				kill(child, SIGTERM);
			}
		}
	}
	waitpid(child, &status, 0);
	printf("BENCH-TIMER init_ms=%.1f exit_ms=%.1f status=%d\n", init_ms, ms_since_start(),
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
