# SPDX-License-Identifier: GPL-2.0-only
# The ioeventfd, irqfd and exit-statistics extensions against a running
# guest (tests/vm/progs/lg-eventfd.c): each semantic and error lguest(4)
# gives them, then a race of threads assigning, re-routing, signalling
# and closing eventfds under the running vCPU.  The host kernel must log
# nothing, and lg must unload afterwards.
# also-on: debug
# timeout: 900

lgtest_check insmod insmod "$LG_KO" || exit 0
lgtest_ok_lines vm-closed-with-registrations lg-eventfd check
if out=$(lg-eventfd stress 8 2>&1); then
	lgtest_pass stress-returned
else
	lgtest_fail stress-returned "status $?: $(printf '%s\n' "$out" | tail -n 1)"
fi
printf '%s\n' "$out" | tail -n 3 | sed 's/^/  | /'
lgtest_host_clean
lgtest_check rmmod rmmod lg
