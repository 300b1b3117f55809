// SPDX-License-Identifier: GPL-2.0-only
/*
 * pty-run: runs a command on a new pseudo-terminal, as a terminal user
 * would, to test what lguest-launch does with one (hvc0's size).
 *
 *   pty-run COLS ROWS NEWCOLS NEWROWS MARK CMD [ARG...]
 *
 * The terminal starts at COLSxROWS; once the command has printed MARK,
 * it is resized to NEWCOLSxNEWROWS, which sends the command SIGWINCH.
 * Everything the command prints is copied to stdout; pty-run exits with
 * the command's status.
 */
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct winsize ws = { 0 };
	char buf[4096], seen[8192] = "";
	int master, status, resized = 0;
	ssize_t n;
	pid_t pid;

	if (argc < 7) {
		fprintf(stderr, "usage: pty-run COLS ROWS NEWCOLS NEWROWS MARK CMD [ARG...]\n");
		return 2;
	}
	ws.ws_col = atoi(argv[1]);
	ws.ws_row = atoi(argv[2]);
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[6], &argv[6]);
		perror(argv[6]);
		_exit(127);
	}
	for (;;) {
		n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EIO: the command closed the terminal */
		fwrite(buf, 1, n, stdout);
		fflush(stdout);
		if (resized)
			continue;
		/* Look for MARK in what came so far (the tail is enough). */
		if (strlen(seen) + n >= sizeof(seen))
			memmove(seen, seen + sizeof(seen) / 2, strlen(seen + sizeof(seen) / 2) + 1);
		strncat(seen, buf, n < (ssize_t)(sizeof(seen) - strlen(seen) - 1) ?
			(size_t)n : sizeof(seen) - strlen(seen) - 1);
		if (strstr(seen, argv[5])) {
			ws.ws_col = atoi(argv[3]);
			ws.ws_row = atoi(argv[4]);
			ioctl(master, TIOCSWINSZ, &ws);
			resized = 1;
		}
	}
	if (waitpid(pid, &status, 0) < 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
