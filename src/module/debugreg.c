// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's breakpoints and the host's, around each entry on either
 * backend: the guest's DR0-3 (kept by lg_emulate_mov_dr(), which sees
 * every access) go into the CPU only while its DR7, which the CPU loads
 * on entry, enables a breakpoint; otherwise the host's (ptrace, perf)
 * stay there undisturbed.  Interrupts are off throughout.
 */
#include <linux/sched.h>
#include <asm/debugreg.h>

#include "lg.h"

/* Returns whether it loaded the guest's, the host's saved in @host. */
bool lg_dr_load_guest(struct lg_vcpu *vcpu, u64 guest_dr7, unsigned long host[4])
{
	if (!(guest_dr7 & 0xff))	/* L0-L3, G0-G3 */
		return false;
	get_debugreg(host[0], 0);
	get_debugreg(host[1], 1);
	get_debugreg(host[2], 2);
	get_debugreg(host[3], 3);
	set_debugreg(vcpu->dr[0], 0);
	set_debugreg(vcpu->dr[1], 1);
	set_debugreg(vcpu->dr[2], 2);
	set_debugreg(vcpu->dr[3], 3);
	return true;
}

/*
 * After the exit, which leaves DR7 disabled: the host's breakpoints come
 * back.  hw_breakpoint_restore() would do it, but from 7.x only KVM may
 * call it, so we restore what we saved and DR7 from the per-CPU copy the
 * kernel keeps.
 */
void lg_dr_restore_host(bool guest_dr, const unsigned long host[4])
{
	if (guest_dr) {
		set_debugreg(host[0], 0);
		set_debugreg(host[1], 1);
		set_debugreg(host[2], 2);
		set_debugreg(host[3], 3);
	}
	if (guest_dr || hw_breakpoint_active()) {
		set_debugreg(DR6_RESERVED, 6);
		set_debugreg(__this_cpu_read(cpu_dr7), 7);
	}
}
