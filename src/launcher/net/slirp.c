// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user-mode back-end (--net user, the default): libslirp's TCP/IP
 * stack in the launcher, as QEMU and kvmtool have it.  The guest is
 * 10.0.2.15 on 10.0.2.0/24 (from slirp's DHCP), with the gateway 10.0.2.2
 * (which is also this host's loopback) and a DNS forwarder on 10.0.2.3;
 * its connections become ordinary sockets of this process, so it needs
 * no privilege.  hostfwd= forwards a host port to a guest port.
 *
 * libslirp is not thread-safe and runs on timers and a poll loop of its
 * own (its set of sockets changes all the time, far beyond the device's
 * VIRTIO_MAX_FDS), so it gets a thread of its own, and every call into
 * it is made with @lock held: the slirp thread's polling and timers,
 * and the device thread's slirp_input() for transmitted frames.  Frames
 * for the guest go from slirp's send_packet callback into a ring, and an
 * eventfd (the back-end's rx_fd) tells the device thread they are there.
 * A full ring drops frames, as a busy wire would; TCP sends them again.
 *
 * No offloads: slirp wants whole, checksummed frames and gives them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <libslirp.h>

#include "launcher.h"
#include "net/net.h"
#include "virtio/net_hdr.h"
#include "virtio/virtio.h"

#define RING_FRAMES	128
#define FRAME_MAX	(NET_FRAME_MAX + 4)	/* room for a VLAN tag */

struct slirp_timer {
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms;	/* -1: not armed */
	struct slirp_timer *next;
};

struct slirp_be {
	struct net_backend be;
	Slirp *slirp;
	pthread_mutex_t lock;		/* around every call into slirp */
	int wake_fd;			/* makes the slirp thread poll again */
	struct pollfd *pfd;		/* the slirp thread's, refilled each round */
	unsigned int nr_pfd, max_pfd;
	struct slirp_timer *timers;

	/* Frames for the guest, under ring_lock; rx_fd is readable while any wait. */
	pthread_mutex_t ring_lock;
	struct {
		size_t len;
		uint8_t data[FRAME_MAX];
	} ring[RING_FRAMES];
	unsigned int head, tail;	/* free-running; head - tail frames wait */
};

static int64_t slirp_clock_ns(void *opaque)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void slirp_wake(struct slirp_be *s)
{
	uint64_t one = 1;

	if (write(s->wake_fd, &one, sizeof(one)) < 0)
		perror("lguest-launch: waking the slirp thread");
}

/* slirp's callbacks, all called with s->lock held. */
static ssize_t slirp_send_packet(const void *buf, size_t len, void *opaque)
{
	struct slirp_be *s = opaque;
	uint64_t one = 1;

	pthread_mutex_lock(&s->ring_lock);
	if (len <= FRAME_MAX && s->head - s->tail < RING_FRAMES) {
		s->ring[s->head % RING_FRAMES].len = len;
		memcpy(s->ring[s->head % RING_FRAMES].data, buf, len);
		if (s->head++ == s->tail && write(s->be.rx_fd, &one, sizeof(one)) < 0)
			perror("lguest-launch: slirp: signalling a frame");
	}
	pthread_mutex_unlock(&s->ring_lock);
	return len;
}

static void slirp_guest_error(const char *msg, void *opaque)
{
	fprintf(stderr, "lguest-launch: user-mode network: %s\n", msg);
}

static void *slirp_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct slirp_be *s = opaque;
	struct slirp_timer *t = calloc(1, sizeof(*t));

	if (!t)
		die(EXIT_HOST_ERROR, "out of memory");
	*t = (struct slirp_timer){ cb, cb_opaque, -1, s->timers };
	s->timers = t;
	return t;
}

static void slirp_timer_free(void *timer, void *opaque)
{
	struct slirp_be *s = opaque;
	struct slirp_timer **p;

	for (p = &s->timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = (*p)->next;
			free(timer);
			return;
		}
	}
}

static void slirp_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	((struct slirp_timer *)timer)->expire_ms = expire_ms;
	slirp_wake(opaque);
}

static void slirp_notify(void *opaque)
{
	slirp_wake(opaque);
}

/* slirp registers its fds through pollfds_fill each round instead. */
static void slirp_poll_fd(int fd, void *opaque)
{
}

static const SlirpCb slirp_cb = {
	.send_packet = slirp_send_packet,
	.guest_error = slirp_guest_error,
	.clock_get_ns = slirp_clock_ns,
	.timer_new = slirp_timer_new,
	.timer_free = slirp_timer_free,
	.timer_mod = slirp_timer_mod,
	.register_poll_fd = slirp_poll_fd,
	.unregister_poll_fd = slirp_poll_fd,
	.notify = slirp_notify,
};

static int slirp_add_poll(int fd, int events, void *opaque)
{
	struct slirp_be *s = opaque;
	short ev = 0;

	if (s->nr_pfd == s->max_pfd) {
		s->max_pfd *= 2;
		s->pfd = realloc(s->pfd, s->max_pfd * sizeof(*s->pfd));
		if (!s->pfd)
			die(EXIT_HOST_ERROR, "out of memory");
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	s->pfd[s->nr_pfd] = (struct pollfd){ .fd = fd, .events = ev };
	return s->nr_pfd++;
}

static int slirp_get_revents(int idx, void *opaque)
{
	struct slirp_be *s = opaque;
	short rev = s->pfd[idx].revents;

	return (rev & POLLIN ? SLIRP_POLL_IN : 0) | (rev & POLLOUT ? SLIRP_POLL_OUT : 0) |
	       (rev & POLLPRI ? SLIRP_POLL_PRI : 0) | (rev & POLLERR ? SLIRP_POLL_ERR : 0) |
	       (rev & POLLHUP ? SLIRP_POLL_HUP : 0);
}

/* Runs the timers that are due; returns ms until the next one, or INT_MAX. */
static int slirp_run_timers(struct slirp_be *s)
{
	int64_t now = slirp_clock_ns(s) / 1000000, next = INT_MAX;
	struct slirp_timer *t;

again:
	for (t = s->timers; t; t = t->next) {
		if (t->expire_ms < 0)
			continue;
		if (t->expire_ms <= now) {
			t->expire_ms = -1;
			t->cb(t->cb_opaque);	/* may free or arm timers */
			goto again;
		}
		if (t->expire_ms - now < next)
			next = t->expire_ms - now;
	}
	return next;
}

static void *slirp_thread(void *arg)
{
	struct slirp_be *s = arg;
	uint32_t timeout;
	uint64_t n;
	int ret;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		s->nr_pfd = 0;
		slirp_add_poll(s->wake_fd, SLIRP_POLL_IN, s);
		timeout = slirp_run_timers(s);
		slirp_pollfds_fill(s->slirp, &timeout, slirp_add_poll, s);
		pthread_mutex_unlock(&s->lock);

		ret = poll(s->pfd, s->nr_pfd, timeout > INT_MAX ? INT_MAX : (int)timeout);

		pthread_mutex_lock(&s->lock);
		if (ret > 0 && s->pfd[0].revents && read(s->wake_fd, &n, sizeof(n)) < 0)
			n = 0;
		slirp_pollfds_poll(s->slirp, ret < 0, slirp_get_revents, s);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

static bool slirp_be_send(struct net_backend *be, const struct iovec *iov, unsigned int n)
{
	struct slirp_be *s = (struct slirp_be *)be;
	uint8_t frame[FRAME_MAX];
	size_t len = iov_to_buf(iov, n, NET_HDR_LEN, frame, sizeof(frame));

	if (len == sizeof(frame) && iov_size(iov, n) > NET_HDR_LEN + sizeof(frame))
		return false;	/* longer than the MTU: net_hdr.c lets no such frame by */
	pthread_mutex_lock(&s->lock);
	slirp_input(s->slirp, frame, len);
	pthread_mutex_unlock(&s->lock);
	slirp_wake(s);		/* it may have opened a socket to poll */
	return true;
}

static size_t slirp_be_recv(struct net_backend *be, const struct iovec *iov, unsigned int n)
{
	struct slirp_be *s = (struct slirp_be *)be;
	size_t len = 0;
	uint64_t count;

	pthread_mutex_lock(&s->ring_lock);
	if (s->head != s->tail) {
		len = s->ring[s->tail % RING_FRAMES].len;
		iov_from_buf(iov, n, NET_HDR_LEN, s->ring[s->tail % RING_FRAMES].data, len);
		s->tail++;
		len += NET_HDR_LEN;
	}
	if (s->head == s->tail && read(be->rx_fd, &count, sizeof(count)) < 0)
		count = 0;	/* nothing was signalled: fine */
	pthread_mutex_unlock(&s->ring_lock);
	return len;
}

/* "hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" (udp: too). */
static void slirp_hostfwd(struct slirp_be *s, const char *opt)
{
	char proto[4], haddr[16] = "", gaddr[16] = "";
	unsigned int hport, gport;
	struct in_addr host = { INADDR_ANY }, guest;
	int used = -1;

	inet_aton("10.0.2.15", &guest);
	if ((sscanf(opt, "hostfwd=%3[a-z]:%15[0-9.]:%u-%15[0-9.]:%u%n", proto, haddr, &hport,
		    gaddr, &gport, &used) != 5 &&
	     sscanf(opt, "hostfwd=%3[a-z]::%u-%15[0-9.]:%u%n", proto, &hport, gaddr, &gport,
		    &used) != 4 &&
	     sscanf(opt, "hostfwd=%3[a-z]:%15[0-9.]:%u-:%u%n", proto, haddr, &hport, &gport,
		    &used) != 4 &&
	     sscanf(opt, "hostfwd=%3[a-z]::%u-:%u%n", proto, &hport, &gport, &used) != 3) ||
	    used != (int)strlen(opt) || (strcmp(proto, "tcp") && strcmp(proto, "udp")) ||
	    (*haddr && !inet_aton(haddr, &host)) || (*gaddr && !inet_aton(gaddr, &guest)) ||
	    !hport || hport > 65535 || !gport || gport > 65535)
		die(EXIT_BAD_INPUT, "--net user: bad '%s': give hostfwd=tcp::HOSTPORT-:GUESTPORT (or udp, or with addresses: tcp:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT)",
		    opt);
	if (slirp_add_hostfwd(s->slirp, !strcmp(proto, "udp"), host, hport, guest, gport))
		die(EXIT_HOST_ERROR, "--net user: cannot forward host port %u: %s", hport,
		    strerror(errno));
}

struct net_backend *net_slirp_open(const char *opts)
{
	SlirpConfig cfg = { .version = 1, .in_enabled = true };
	struct slirp_be *s = calloc(1, sizeof(*s));
	char *copy = strdup(opts), *opt, *save;
	pthread_t thread;

	if (!s || !copy)
		die(EXIT_HOST_ERROR, "out of memory");
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->ring_lock, NULL);
	inet_aton("10.0.2.0", &cfg.vnetwork);
	inet_aton("255.255.255.0", &cfg.vnetmask);
	inet_aton("10.0.2.2", &cfg.vhost);
	inet_aton("10.0.2.15", &cfg.vdhcp_start);
	inet_aton("10.0.2.3", &cfg.vnameserver);
	s->slirp = slirp_new(&cfg, &slirp_cb, s);
	s->be.rx_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->max_pfd = 16;
	s->pfd = malloc(s->max_pfd * sizeof(*s->pfd));
	if (!s->slirp || s->be.rx_fd < 0 || s->wake_fd < 0 || !s->pfd)
		die(EXIT_HOST_ERROR, "cannot set up user-mode networking");
	for (opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		if (strncmp(opt, "hostfwd=", 8))
			die(EXIT_BAD_INPUT, "--net user: unknown option '%s'; it takes hostfwd= and mac=",
			    opt);
		slirp_hostfwd(s, opt);
	}
	free(copy);
	if (pthread_create(&thread, NULL, slirp_thread, s))
		die(EXIT_HOST_ERROR, "cannot start the user-mode network's thread");
	s->be.send = slirp_be_send;
	s->be.recv = slirp_be_recv;
	return &s->be;
}
