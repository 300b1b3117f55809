// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioeventfd and irqfd: virtio's doorbells and interrupts without a trip
 * through the launcher's run loop, as KVM's virt/kvm/eventfd.c does.
 *
 * An ioeventfd turns a guest write to one address into a signal of an
 * eventfd: the vCPU thread looks the write up in an RCU list on its exit
 * and, if it matches, signals and goes back into the guest.  An irqfd is
 * the other way round: our entry on the eventfd's wait queue delivers an
 * interrupt whenever anyone signals it, in whatever context they are.
 *
 * Both lists change only under vm->lock.  We hold a reference on each
 * eventfd, so one that userspace closes stays valid; an irqfd ignores the
 * EPOLLHUP of that close and stays registered until it is deassigned or
 * the VM goes, unlike KVM's, which detaches itself.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "compat.h"
#include "lg.h"

struct lg_ioeventfd_reg {
	struct list_head node;		/* vm->ioeventfds, RCU */
	struct eventfd_ctx *ctx;
	u64 addr;
	u64 datamatch;
	u32 len;
	u32 flags;			/* LG_IOEVENTFD_PIO, _DATAMATCH */
};

struct lg_irqfd_reg {
	struct list_head node;		/* vm->irqfds, under vm->lock */
	struct lg_vm *vm;
	struct eventfd_ctx *ctx;
	wait_queue_head_t *wqh;
	wait_queue_entry_t wait;
	poll_table pt;
	u64 route;			/* dest << 32 | vector, one word */
};

/* On the vCPU thread: true if an ioeventfd took the write. */
bool lg_ioeventfd_write(struct lg_vm *vm, u64 addr, u32 len, u64 val, bool pio)
{
	struct lg_ioeventfd_reg *r;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(r, &vm->ioeventfds, node) {
		if (r->addr != addr || r->len != len ||
		    !(r->flags & LG_IOEVENTFD_PIO) != !pio)
			continue;
		if ((r->flags & LG_IOEVENTFD_DATAMATCH) && r->datamatch != val)
			break;	/* nothing else overlaps it */
		lg_eventfd_signal(r->ctx);
		found = true;
		break;
	}
	rcu_read_unlock();
	return found;
}

static int lg_ioeventfd_check(const struct lg_ioeventfd *a)
{
	const u32 known = LG_IOEVENTFD_PIO | LG_IOEVENTFD_DATAMATCH |
			  LG_IOEVENTFD_DEASSIGN;
	bool pio = a->flags & LG_IOEVENTFD_PIO;

	if ((a->flags & ~known) || a->pad)
		return -EINVAL;
	if (a->len != 1 && a->len != 2 && a->len != 4 && a->len != 8)
		return -EINVAL;
	if (a->addr + a->len < a->addr)
		return -EINVAL;
	if (pio && (a->len == 8 || a->addr + a->len > 0x10000))
		return -EINVAL;
	/* A wider value than the write could never match. */
	if ((a->flags & LG_IOEVENTFD_DATAMATCH) && a->len < 8 &&
	    a->datamatch >> (a->len * 8))
		return -EINVAL;
	return 0;
}

static void lg_ioeventfd_free(struct lg_ioeventfd_reg *r)
{
	eventfd_ctx_put(r->ctx);
	kfree(r);
}

int lg_ioeventfd(struct lg_vm *vm, const struct lg_ioeventfd __user *arg)
{
	const u32 kept = LG_IOEVENTFD_PIO | LG_IOEVENTFD_DATAMATCH;
	struct lg_ioeventfd a;
	struct lg_ioeventfd_reg *r, *new;
	struct eventfd_ctx *ctx;
	int ret;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	ret = lg_ioeventfd_check(&a);
	if (ret)
		return ret;
	if (!(a.flags & LG_IOEVENTFD_DATAMATCH))
		a.datamatch = 0;
	ctx = eventfd_ctx_fdget(a.fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&vm->lock);
	if (a.flags & LG_IOEVENTFD_DEASSIGN) {
		ret = -ENOENT;
		list_for_each_entry(r, &vm->ioeventfds, node) {
			if (r->ctx == ctx && r->addr == a.addr && r->len == a.len &&
			    r->flags == (a.flags & kept) &&
			    r->datamatch == a.datamatch) {
				list_del_rcu(&r->node);
				vm->nr_ioeventfds--;
				ret = 0;
				break;
			}
		}
		mutex_unlock(&vm->lock);
		if (!ret) {
			synchronize_rcu();	/* no vCPU still looks at it */
			lg_ioeventfd_free(r);
		}
		eventfd_ctx_put(ctx);
		return ret;
	}

	ret = -EEXIST;
	list_for_each_entry(r, &vm->ioeventfds, node)
		if (!(r->flags & LG_IOEVENTFD_PIO) == !(a.flags & LG_IOEVENTFD_PIO) &&
		    a.addr < r->addr + r->len && r->addr < a.addr + a.len)
			goto fail;
	ret = -ENOSPC;
	if (vm->nr_ioeventfds == LG_MAX_IOEVENTFDS)
		goto fail;
	ret = -ENOMEM;
	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		goto fail;
	*new = (struct lg_ioeventfd_reg){
		.ctx = ctx, .addr = a.addr, .datamatch = a.datamatch,
		.len = a.len, .flags = a.flags & kept,
	};
	list_add_tail_rcu(&new->node, &vm->ioeventfds);
	vm->nr_ioeventfds++;
	mutex_unlock(&vm->lock);
	return 0;
fail:
	mutex_unlock(&vm->lock);
	eventfd_ctx_put(ctx);
	return ret;
}

static void lg_irqfd_fire(struct lg_irqfd_reg *q)
{
	u64 route = READ_ONCE(q->route);

	lg_irq_deliver(q->vm, route >> 32, (u32)route);
}

/*
 * A signal, or the close of the eventfd.  Called with the eventfd's
 * wait-queue lock held, from any context, hard interrupts included:
 * lg_irq_deliver() only sets a bit and kicks the vCPU.
 */
static int lg_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			   int sync, void *key)
{
	struct lg_irqfd_reg *q = container_of(wait, struct lg_irqfd_reg, wait);
	u64 cnt;

	if (key_to_poll(key) & EPOLLIN) {
		eventfd_ctx_do_read(q->ctx, &cnt);
		lg_irqfd_fire(q);
	}
	return 0;
}

static void lg_irqfd_queue(struct file *file, wait_queue_head_t *wqh,
			   poll_table *pt)
{
	struct lg_irqfd_reg *q = container_of(pt, struct lg_irqfd_reg, pt);

	q->wqh = wqh;
	add_wait_queue(wqh, &q->wait);
}

/* Off the wait queue: once this returns, lg_irqfd_wakeup() is not running. */
static void lg_irqfd_free(struct lg_irqfd_reg *q)
{
	u64 cnt;

	eventfd_ctx_remove_wait_queue(q->ctx, &q->wait, &cnt);
	eventfd_ctx_put(q->ctx);
	kfree(q);
}

/*
 * Assign @*ctx, or re-route it if it is assigned already.  Takes over
 * the reference (sets *ctx to NULL) when it makes a new registration.
 */
static int lg_irqfd_assign(struct lg_vm *vm, struct file *file,
			   struct eventfd_ctx **ctx, u64 route)
{
	struct lg_irqfd_reg *q;
	u64 cnt;

	list_for_each_entry(q, &vm->irqfds, node) {
		if (q->ctx == *ctx) {
			WRITE_ONCE(q->route, route);
			return 0;
		}
	}
	if (vm->nr_irqfds == LG_MAX_IRQFDS)
		return -ENOSPC;
	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		return -ENOMEM;
	q->vm = vm;
	q->ctx = *ctx;
	q->route = route;
	init_waitqueue_func_entry(&q->wait, lg_irqfd_wakeup);
	init_poll_funcptr(&q->pt, lg_irqfd_queue);
	vfs_poll(file, &q->pt);
	if (!q->wqh) {		/* cannot happen for an eventfd */
		kfree(q);
		return -EINVAL;
	}
	*ctx = NULL;
	list_add_tail(&q->node, &vm->irqfds);
	vm->nr_irqfds++;

	/* Signalled before we listened: deliver that now. */
	spin_lock_irq(&q->wqh->lock);
	eventfd_ctx_do_read(q->ctx, &cnt);
	if (cnt)
		lg_irqfd_fire(q);
	spin_unlock_irq(&q->wqh->lock);
	return 0;
}

static int lg_irqfd_deassign(struct lg_vm *vm, struct eventfd_ctx *ctx)
{
	struct lg_irqfd_reg *q;

	list_for_each_entry(q, &vm->irqfds, node) {
		if (q->ctx == ctx) {
			list_del(&q->node);
			vm->nr_irqfds--;
			lg_irqfd_free(q);
			return 0;
		}
	}
	return -ENOENT;
}

int lg_irqfd(struct lg_vm *vm, const struct lg_irqfd __user *arg)
{
	struct lg_irqfd a;
	struct eventfd_ctx *ctx;
	struct file *file;
	int ret;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.flags & ~LG_IRQFD_DEASSIGN)
		return -EINVAL;
	if (!(a.flags & LG_IRQFD_DEASSIGN) && !lg_irq_vector_valid(a.vector))
		return -EINVAL;
	file = fget(a.fd);
	if (!file)
		return -EBADF;
	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx)) {
		fput(file);
		return PTR_ERR(ctx);
	}

	mutex_lock(&vm->lock);
	if (a.flags & LG_IRQFD_DEASSIGN)
		ret = lg_irqfd_deassign(vm, ctx);
	else
		ret = lg_irqfd_assign(vm, file, &ctx, (u64)a.dest << 32 | a.vector);
	mutex_unlock(&vm->lock);
	if (ctx)
		eventfd_ctx_put(ctx);
	fput(file);
	return ret;
}

/* The VM is going: no vCPU runs and no ioctl can come. */
void lg_eventfd_free(struct lg_vm *vm)
{
	struct lg_ioeventfd_reg *r, *rn;
	struct lg_irqfd_reg *q, *qn;

	list_for_each_entry_safe(r, rn, &vm->ioeventfds, node)
		lg_ioeventfd_free(r);
	list_for_each_entry_safe(q, qn, &vm->irqfds, node)
		lg_irqfd_free(q);
}
