#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the booted test system (a systemd unit starts it once the
# system is up): what only a booted kernel can show.  lg must have been
# loaded by udev through its modalias, /dev/lguest must be root:lguest
# 0660, a member of the group boots the default guest with a bare
# `lguest-launch`, and a non-member gets a clear permission message.
# Prints "LGPKG PASS|FAIL name [detail]" lines and then LGPKG-DONE;
# tests/pkg/run turns them into its PASS:/FAIL: lines.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

result() { # result NAME OK DETAIL
	if [ "$2" = 0 ]; then echo "LGPKG PASS $1"; else echo "LGPKG FAIL $1 ${3:-}"; fi
}

udevadm settle -t 60
echo "LGPKG INFO kernel $(uname -r)"

grep -q '^lg ' /proc/modules
result module-loaded-by-modalias $? "lg is not loaded ($(dmesg | grep -i 'lg:' | tail -n 3 | tr '\n' ' '))"

perms=$(stat -c '%U:%G %a' /dev/lguest 2>&1)
[ "$perms" = "root:lguest 660" ]
result devnode-root-lguest-0660 $? "/dev/lguest is '$perms'"

# KVM's part of the bargain: on 6.12 it must not hold AMD-V while idle.
param=/sys/module/kvm/parameters/enable_virt_at_load
if [ -e $param ]; then
	[ "$(cat $param)" = N ]
	result kvm-enable-virt-at-load-off $? "$param is $(cat $param)"
fi

failed=$(systemctl --failed --no-legend --plain | awk '{print $1}' | tr '\n' ' ')
[ -z "$failed" ]
result no-failed-units $? "failed: $failed"

errors=$(journalctl -b -p err --no-pager -q -k | grep -iE 'lg|lguest|kvm|svm' | head -n 5)
[ -z "$errors" ]
result no-lguest-error-lines $? "$(echo "$errors" | tr '\n' '|')"

out=$(runuser -u bob -- lguest-launch </dev/null 2>&1)
rc=$?
echo "$out" | sed 's/^/LGPKG INFO bob: /'
[ $rc -ne 0 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] &&
	echo "$out" | grep -qi 'permission denied' && echo "$out" | grep -q lguest
result non-member-gets-permission-message $? "exit $rc"

# The whole point: a plain `lguest-launch` boots the packaged guest to
# its shell; the user types `exit` and the guest powers off.  A serial
# line has no end-of-file, so "typing" repeats until the shell is there.
{ while sleep 5; do echo exit || break; done; } |
	runuser -u alice -- timeout -k 5 180 lguest-launch >/tmp/alice.out 2>&1
rc=${PIPESTATUS[1]}
out=$(cat /tmp/alice.out)
echo "$out" | tail -n 15 | sed 's/^/LGPKG INFO alice: /'
[ $rc -eq 0 ] && echo "$out" | grep -q 'lguest-guest: init reached'
result member-boots-default-guest $? "exit $rc"

echo LGPKG-DONE
