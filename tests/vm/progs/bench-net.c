// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-net: the benchmark's TCP throughput figure (tests/bench/), without
 * iperf3 (which would bring its shared libraries into the guest).  One
 * side receives, the other sends 128 KiB writes for a few seconds; the
 * receiver acknowledges the end with one byte, so the sender's time
 * covers every byte's arrival.
 *
 *   bench-net recv PORT           accept one connection, read to its end
 *   bench-net send ADDR PORT SECS connect, send, print the rate
 *
 * The sender prints "LGBENCH-NET mbit_s=R" (or "LGBENCH-NET error ...");
 * the receiver prints "bench-net: received N bytes" and exits.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

static char buf[128 << 10];

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int recv_side(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0), c;
	long long total = 0;
	ssize_t n;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1))
		return perror("bench-net: bind/listen"), 1;
	c = accept(s, NULL, NULL);
	if (c < 0)
		return perror("bench-net: accept"), 1;
	while ((n = read(c, buf, sizeof(buf))) > 0)
		total += n;
	if (write(c, "k", 1) != 1)
		perror("bench-net: ack");
	printf("bench-net: received %lld bytes\n", total);
	close(c);
	return 0;
}

static int send_side(const char *addr, int port, double secs)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), tries;
	long long total = 0;
	double t0, t;
	ssize_t n;
	char ack;

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return printf("LGBENCH-NET error bad address %s\n", addr), 1;
	/* The receiver may still be starting. */
	for (tries = 0; connect(s, (struct sockaddr *)&a, sizeof(a)); tries++) {
		if (tries == 50)
			return printf("LGBENCH-NET error connect: %m\n"), 1;
		close(s);
		s = socket(AF_INET, SOCK_STREAM, 0);
		usleep(200000);
	}
	memset(buf, 0x5a, sizeof(buf));
	t0 = now_s();
	while (now_s() - t0 < secs) {
		n = write(s, buf, sizeof(buf));
		if (n <= 0)
			return printf("LGBENCH-NET error write: %m\n"), 1;
		total += n;
	}
	shutdown(s, SHUT_WR);
	if (read(s, &ack, 1) != 1)
		return printf("LGBENCH-NET error no acknowledgement\n"), 1;
	t = now_s() - t0;
	printf("LGBENCH-NET mbit_s=%.1f bytes=%lld\n", total * 8 / t / 1e6, total);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "recv"))
		return recv_side(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_side(argv[2], atoi(argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: bench-net recv PORT | bench-net send ADDR PORT SECS\n");
	return 2;
}
