// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (virtio 1.x, section 5.2): a disk on a raw image file or a
 * block device, one per --disk.
 *
 * Requests are parsed and checked by blk_req.c and served with reads and
 * writes straight from and into guest memory (no copies), fdatasync()
 * for FLUSH, and fallocate() hole punching or zeroing for DISCARD and
 * WRITE_ZEROES (UNSUPP where the file system cannot).  Up to BLK_INFLIGHT
 * requests are in flight at once through io_uring: the device's thread
 * submits them and reaps their completions when the ring's eventfd
 * fires, so a slow read does not hold up the others.  Where io_uring
 * cannot be had (an old kernel, or one that forbids it), each request is
 * served in turn on the device's thread with preadv/pwritev instead.  The file is locked while the VM runs, with an
 * open file description lock as QEMU takes: a shared lock for a
 * read-only disk, an exclusive one otherwise, so a second VM cannot
 * write an image another one uses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <liburing.h>
#include <sys/eventfd.h>

#include "launcher.h"
#include "virtio/blk_req.h"
#include "virtio/devices.h"
#include "virtio/virtio.h"

#define BLK_INFLIGHT	32
#define FD_RING		0	/* dev->fds[]: the ring's completion eventfd */

struct blk_slot {
	struct virtq_elem elem;
	struct blk_req req;
	bool busy;
	unsigned int gen;	/* the device's reset count when it was taken */
};

struct blk {
	struct virtio_dev dev;
	int fd;
	bool ro;
	uint64_t sectors;
	char serial[BLK_ID_BYTES];
	char name[64];
	struct blk_req req;		/* the synchronous path's */
	bool uring;			/* else the synchronous path */
	struct io_uring ring;
	unsigned int inflight;
	unsigned int gen;		/* resets so far */
	struct blk_slot slot[BLK_INFLIGHT];
};

static unsigned int nr_disks;

/* preadv/pwritev until all of @iov is done; false on an error or EOF. */
static bool blk_rw(int fd, struct iovec *iov, unsigned int n, off_t off, bool write)
{
	ssize_t done;

	while (n) {
		done = write ? pwritev(fd, iov, n, off) : preadv(fd, iov, n, off);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return false;
		off += done;
		while (n && (size_t)done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
	return true;
}

/* DISCARD and WRITE_ZEROES with unmap punch a hole; plain zeroing zeroes. */
static int blk_falloc_mode(const struct blk_req *req)
{
	if (req->type == VIRTIO_BLK_T_WRITE_ZEROES && !req->range.unmap)
		return FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	return FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
}

static uint8_t blk_range_op(struct blk *b, const struct blk_req *req)
{
	const struct blk_range *r = &req->range;
	int mode = blk_falloc_mode(req);

	if (!r->sectors)
		return VIRTIO_BLK_S_OK;
	if (fallocate(b->fd, mode, r->sector * BLK_SECTOR,
		      (off_t)r->sectors * BLK_SECTOR) == 0)
		return VIRTIO_BLK_S_OK;
	return errno == EOPNOTSUPP ? VIRTIO_BLK_S_UNSUPP : VIRTIO_BLK_S_IOERR;
}

/* Parses @elem into @req; -1 if the device broke. */
static int blk_parse(struct blk *b, struct virtq_elem *elem, struct blk_req *req)
{
	int status = blk_req_parse(elem, b->sectors, b->ro, req);

	if (status < 0)
		virtio_dev_broken(&b->dev, "a request without a header or status byte");
	return status;
}

/* The bytes a request wrote into guest memory, status byte included. */
static uint32_t blk_finish(const struct blk_req *req, uint8_t status, uint32_t written)
{
	*req->status = status;
	return written + 1;
}

static uint32_t blk_serve(struct virtio_dev *dev, struct virtq_elem *elem)
{
	struct blk *b = dev->priv;
	struct blk_req *req = &b->req;
	int status = blk_parse(b, elem, req);
	uint32_t written = 0;

	if (status < 0)
		return 0;
	if (status == VIRTIO_BLK_S_OK) {
		switch (req->type) {
		case VIRTIO_BLK_T_IN:
		case VIRTIO_BLK_T_OUT:
			if (!blk_rw(b->fd, req->data, req->data_num, req->offset,
				    req->type == VIRTIO_BLK_T_OUT))
				status = VIRTIO_BLK_S_IOERR;
			else if (req->type == VIRTIO_BLK_T_IN)
				written = req->data_len;
			break;
		case VIRTIO_BLK_T_FLUSH:
			if (fdatasync(b->fd))
				status = VIRTIO_BLK_S_IOERR;
			break;
		case VIRTIO_BLK_T_GET_ID:
			written = iov_from_buf(req->data, req->data_num, 0, b->serial,
					       sizeof(b->serial));
			break;
		case VIRTIO_BLK_T_DISCARD:
		case VIRTIO_BLK_T_WRITE_ZEROES:
			status = blk_range_op(b, req);
			break;
		}
	}
	return blk_finish(req, status, written);
}

/* Whether a request that parsed OK needs I/O, or is answered at once. */
static bool blk_needs_io(const struct blk_req *req)
{
	switch (req->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
	case VIRTIO_BLK_T_FLUSH:
		return true;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return req->range.sectors;
	}
	return false;		/* GET_ID */
}

static void blk_prep(struct blk *b, const struct blk_req *req, struct io_uring_sqe *sqe)
{
	const struct blk_range *r = &req->range;

	switch (req->type) {
	case VIRTIO_BLK_T_IN:
		io_uring_prep_readv(sqe, b->fd, req->data, req->data_num, req->offset);
		break;
	case VIRTIO_BLK_T_OUT:
		io_uring_prep_writev(sqe, b->fd, req->data, req->data_num, req->offset);
		break;
	case VIRTIO_BLK_T_FLUSH:
		io_uring_prep_fsync(sqe, b->fd, IORING_FSYNC_DATASYNC);
		break;
	default:
		io_uring_prep_fallocate(sqe, b->fd, blk_falloc_mode(req),
					r->sector * BLK_SECTOR,
					(off_t)r->sectors * BLK_SECTOR);
		break;
	}
}

/* Answers a request without I/O: GET_ID, an empty range, or an error. */
static void blk_answer_now(struct blk *b, struct blk_slot *s, int status)
{
	uint32_t written = 0;

	if (status == VIRTIO_BLK_S_OK && s->req.type == VIRTIO_BLK_T_GET_ID)
		written = iov_from_buf(s->req.data, s->req.data_num, 0, b->serial,
				       sizeof(b->serial));
	vq_push(&b->dev.vq[0], &s->elem, blk_finish(&s->req, status, written));
}

/* Takes requests while slots are free and submits their I/O. */
static void blk_submit(struct blk *b)
{
	struct virtqueue *vq = &b->dev.vq[0];
	unsigned int i = 0, queued = 0;
	bool answered = false;
	struct io_uring_sqe *sqe;
	struct blk_slot *s;
	const char *why;
	int ret, status;

	do {
		while (b->inflight < BLK_INFLIGHT) {
			while (b->slot[i].busy)
				i = (i + 1) % BLK_INFLIGHT;
			s = &b->slot[i];
			ret = vq_pop(vq, &s->elem, &why);
			if (ret < 0) {
				virtio_dev_broken(&b->dev, "queue 0: %s", why);
				goto out;
			}
			if (!ret)
				break;
			status = blk_parse(b, &s->elem, &s->req);
			if (status < 0)
				goto out;
			if (status != VIRTIO_BLK_S_OK || !blk_needs_io(&s->req)) {
				blk_answer_now(b, s, status);
				answered = true;
				continue;
			}
			/* The ring has a slot's worth of entries: never NULL. */
			sqe = io_uring_get_sqe(&b->ring);
			blk_prep(b, &s->req, sqe);
			io_uring_sqe_set_data(sqe, s);
			s->busy = true;
			s->gen = b->gen;
			b->inflight++;
			queued++;
		}
	} while (b->inflight < BLK_INFLIGHT && vq_wait_for_kicks(vq));
out:
	if (queued)
		io_uring_submit(&b->ring);
	if (answered)
		virtio_queue_interrupt(&b->dev, 0);
}

static uint8_t blk_io_status(const struct blk_req *req, int res)
{
	if (req->type == VIRTIO_BLK_T_IN || req->type == VIRTIO_BLK_T_OUT)
		return res >= 0 && (size_t)res == req->data_len ? VIRTIO_BLK_S_OK :
		       VIRTIO_BLK_S_IOERR;
	if (res == -EOPNOTSUPP)
		return VIRTIO_BLK_S_UNSUPP;
	return res ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* The ring's eventfd fired: answer what completed, then take more. */
static void blk_reap(struct blk *b)
{
	struct io_uring_cqe *cqe;
	bool answered = false;
	struct blk_slot *s;
	uint8_t status;
	uint64_t n;

	if (read(b->dev.fds[FD_RING].fd, &n, sizeof(n)) < 0)
		n = 0;	/* nothing new; the CQ says for sure */
	while (io_uring_peek_cqe(&b->ring, &cqe) == 0) {
		s = io_uring_cqe_get_data(cqe);
		status = blk_io_status(&s->req, cqe->res);
		io_uring_cqe_seen(&b->ring, cqe);
		s->busy = false;
		b->inflight--;
		/* A request from before a reset has nowhere to go. */
		if (s->gen != b->gen || !virtio_dev_running(&b->dev))
			continue;
		vq_push(&b->dev.vq[0], &s->elem,
			blk_finish(&s->req, status, s->req.type == VIRTIO_BLK_T_IN &&
				   status == VIRTIO_BLK_S_OK ? s->req.data_len : 0));
		answered = true;
	}
	if (answered)
		virtio_queue_interrupt(&b->dev, 0);
	if (virtio_dev_running(&b->dev))
		blk_submit(b);
}

static void blk_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct blk *b = dev->priv;

	if (b->uring)
		blk_submit(b);
	else
		virtio_serve(dev, q, blk_serve);
}

static void blk_fd_ready(struct virtio_dev *dev, unsigned int i, short revents)
{
	blk_reap(dev->priv);
}

/* Requests still in flight complete into nothing (blk_reap). */
static void blk_reset(struct virtio_dev *dev)
{
	struct blk *b = dev->priv;

	b->gen++;
}

static const struct virtio_dev_ops blk_ops = {
	.queue_notify = blk_queue_notify,
	.fd_ready = blk_fd_ready,
	.reset = blk_reset,
};

/* io_uring with its completions on an eventfd; false if it cannot be had. */
static bool blk_uring_init(struct blk *b)
{
	int efd;

	if (io_uring_queue_init(BLK_INFLIGHT, &b->ring, 0))
		return false;
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0 || io_uring_register_eventfd(&b->ring, efd)) {
		if (efd >= 0)
			close(efd);
		io_uring_queue_exit(&b->ring);
		return false;
	}
	b->dev.fds[FD_RING] = (struct pollfd){ .fd = efd, .events = POLLIN };
	return true;
}

/* "FILE[,ro][,serial=ID]" */
static void blk_parse_spec(const char *spec, char **path, bool *ro, char *serial)
{
	char *copy = strdup(spec), *opt, *save = NULL;

	if (!copy)
		die(EXIT_HOST_ERROR, "out of memory");
	*path = strtok_r(copy, ",", &save);
	if (!*path || !**path || spec[0] == ',')
		die(EXIT_BAD_INPUT, "--disk '%s': give a file, e.g. --disk disk.img[,ro][,serial=ID]",
		    spec);
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strcmp(opt, "ro")) {
			*ro = true;
		} else if (!strncmp(opt, "serial=", 7)) {
			if (strlen(opt + 7) > BLK_ID_BYTES)
				die(EXIT_BAD_INPUT, "--disk %s: a serial has at most %d characters",
				    *path, BLK_ID_BYTES);
			strncpy(serial, opt + 7, BLK_ID_BYTES);
		} else {
			die(EXIT_BAD_INPUT, "--disk %s: unknown option '%s' (known: ro, serial=ID)",
			    *path, opt);
		}
	}
}

static uint64_t blk_size(int fd, const char *path)
{
	struct stat st;
	uint64_t size;

	if (fstat(fd, &st))
		die(EXIT_BAD_INPUT, "--disk %s: %s", path, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size))
			die(EXIT_BAD_INPUT, "--disk %s: cannot get its size: %s", path,
			    strerror(errno));
		return size;
	}
	if (!S_ISREG(st.st_mode))
		die(EXIT_BAD_INPUT, "--disk %s: not a regular file or block device", path);
	return st.st_size;
}

static void blk_lock(int fd, const char *path, bool ro)
{
	struct flock fl = { .l_type = ro ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return;
	if (errno == EAGAIN || errno == EACCES)
		die(EXIT_BAD_INPUT, "--disk %s is in use by another VM; stop it, or give this one the disk with ,ro if both only read it",
		    path);
	die(EXIT_HOST_ERROR, "--disk %s: cannot lock it: %s", path, strerror(errno));
}

int virtio_blk_add(const char *spec, unsigned int slot)
{
	struct virtio_blk_config cfg = { 0 };
	struct blk *b = calloc(1, sizeof(*b));
	char *path;

	if (!b)
		die(EXIT_HOST_ERROR, "out of memory");
	blk_parse_spec(spec, &path, &b->ro, b->serial);
	b->fd = open(path, (b->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0)
		die(EXIT_BAD_INPUT, "--disk %s: %s%s", path, strerror(errno),
		    errno == EACCES || errno == EROFS ? " (add ,ro to use it read-only)" : "");
	blk_lock(b->fd, path, b->ro);
	b->sectors = blk_size(b->fd, path) / BLK_SECTOR;

	cfg.capacity = b->sectors;
	cfg.seg_max = VIRTIO_MAX_SEGS - 2;	/* header and status take two */
	cfg.blk_size = BLK_SECTOR;
	cfg.max_discard_sectors = cfg.max_write_zeroes_sectors = BLK_MAX_DWZ_SECTORS;
	cfg.max_discard_seg = cfg.max_write_zeroes_seg = BLK_MAX_DWZ_SEGS;
	cfg.discard_sector_alignment = 1;
	cfg.write_zeroes_may_unmap = 1;

	snprintf(b->name, sizeof(b->name), "virtio-blk vd%c", 'a' + nr_disks++ % 26);
	b->dev.name = b->name;
	b->dev.device_id = VIRTIO_ID_BLOCK;
	b->dev.pci_class = 0x018000;
	b->dev.features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
			  1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_DISCARD |
			  1ull << VIRTIO_BLK_F_WRITE_ZEROES;
	if (b->ro)
		b->dev.features |= 1ull << VIRTIO_BLK_F_RO;
	b->dev.num_queues = 1;
	memcpy(b->dev.config, &cfg, sizeof(cfg));
	b->dev.config_len = sizeof(cfg);
	b->dev.ops = &blk_ops;
	b->dev.priv = b;
	b->uring = blk_uring_init(b);
	return virtio_pci_add(&b->dev, slot);
}
