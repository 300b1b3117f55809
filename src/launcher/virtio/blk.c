// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (virtio 1.x, section 5.2): a disk on a raw image file or a
 * block device, one per --disk.
 *
 * Requests are parsed and checked by blk_req.c and served on the
 * device's thread with preadv/pwritev straight from and into guest
 * memory (no copies), fdatasync() for FLUSH, and fallocate() hole
 * punching or zeroing for DISCARD and WRITE_ZEROES (UNSUPP where the
 * file system cannot).  The file is locked while the VM runs, with an
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

#include "launcher.h"
#include "virtio/blk_req.h"
#include "virtio/devices.h"
#include "virtio/virtio.h"

struct blk {
	struct virtio_dev dev;
	int fd;
	bool ro;
	uint64_t sectors;
	char serial[BLK_ID_BYTES];
	char name[64];
	struct blk_req req;
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

static uint8_t blk_range_op(struct blk *b, const struct blk_range *r, bool zeroes)
{
	int mode = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE;

	if (zeroes && !r->unmap)
		mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	if (!r->sectors)
		return VIRTIO_BLK_S_OK;
	if (fallocate(b->fd, mode, r->sector * BLK_SECTOR,
		      (off_t)r->sectors * BLK_SECTOR) == 0)
		return VIRTIO_BLK_S_OK;
	return errno == EOPNOTSUPP ? VIRTIO_BLK_S_UNSUPP : VIRTIO_BLK_S_IOERR;
}

static uint32_t blk_serve(struct virtio_dev *dev, struct virtq_elem *elem)
{
	struct blk *b = dev->priv;
	struct blk_req *req = &b->req;
	int status = blk_req_parse(elem, b->sectors, b->ro, req);
	uint32_t written = 0;

	if (status < 0) {
		virtio_dev_broken(dev, "a request without a header or status byte");
		return 0;
	}
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
			status = blk_range_op(b, &req->range,
					      req->type == VIRTIO_BLK_T_WRITE_ZEROES);
			break;
		}
	}
	*req->status = status;
	return written + 1;
}

static void blk_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	virtio_serve(dev, q, blk_serve);
}

static const struct virtio_dev_ops blk_ops = {
	.queue_notify = blk_queue_notify,
};

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
	return virtio_pci_add(&b->dev, slot);
}
