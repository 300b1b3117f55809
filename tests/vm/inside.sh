# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for scenario scripts, sourced by the test VM's /init before it
# runs the scenario (so they are simply there).  They print the lines the
# host harness turns into PASS:/FAIL: results.  busybox sh.

# lgtest_pass NAME
lgtest_pass() {
	echo "LGTEST: PASS $1"
}

# lgtest_fail NAME REASON...
lgtest_fail() {
	local name=$1
	shift
	: >/tmp/.lgtest-failed
	echo "LGTEST: FAIL $name $*"
}

# lgtest_check NAME COMMAND...: runs COMMAND; passes if it succeeds,
# otherwise fails with its last line of output and shows all of it.
lgtest_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		lgtest_pass "$name"
	else
		echo "$out" | sed 's/^/  | /'
		lgtest_fail "$name" "'$*' failed: $(echo "$out" | tail -n 1)"
		return 1
	fi
}

# lgtest_check_fails NAME COMMAND...: the opposite.
lgtest_check_fails() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		lgtest_fail "$name" "'$*' succeeded but should not"
		return 1
	fi
	lgtest_pass "$name"
}

# lgtest_ok_lines LAST CMD...: runs a test program that prints "ok NAME"
# or "not ok NAME" per check (tests/vm/progs/), shows its output, turns
# each line into a result, and fails NAME-complete unless it got as far
# as its LAST check.
lgtest_ok_lines() {
	local last=$1 log=/tmp/ok-lines.log verdict name
	shift
	"$@" >$log 2>&1
	echo "$1 exited $?" >>$log
	sed 's/^/  | /' $log
	while read -r verdict name; do
		case $verdict in
		ok) lgtest_pass "$name" ;;
		"not") lgtest_fail "${name#ok }" "lguest(4) says otherwise" ;;
		esac
	done <$log
	grep -q "^ok $last" $log ||
		lgtest_fail "$1-complete" "$* did not finish: $(tail -n 1 $log)"
}

# lgtest_wait_for FILE PATTERN [SECONDS]: waits until FILE (a guest's
# console, written in the background) has a line matching PATTERN;
# fails after SECONDS (default 300).
lgtest_wait_for() {
	local i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		[ $i -lt "${3:-300}" ] || return 1
		sleep 1
		i=$((i + 1))
	done
}

# lgtest_host_clean: passes host-unharmed if the kernel logged no oops,
# warning, KASAN/KFENCE report or lockdep splat (they all start with
# "BUG:" or "WARNING:", or say "general protection" / "invalid opcode").
# A soft lockup of the idle task (swapper/N, a CPU halted with interrupts
# on, so nothing held it) is no such problem: it is the emulator's clock
# jumping after the host left that TCG vCPU thread unscheduled (seen on
# a machine running three test VMs and builds on two cores); it is shown,
# not counted.  A lockup of any other task still fails.
lgtest_host_clean() {
	local pat='BUG|Oops|WARNING|general protection|invalid opcode'
	local idle='BUG: soft lockup - CPU#[0-9]+ stuck for [0-9]+s! \[swapper/[0-9]+:0\]'

	dmesg | grep -E "$idle" | sed 's/^/  | emulator stall, not counted: /'
	if dmesg | grep -v -E "$idle" | grep -q -E "$pat"; then
		dmesg | grep -E -A8 "$pat" | head -30
		lgtest_fail host-unharmed "the host kernel logged a problem"
	else
		lgtest_pass host-unharmed
	fi
}
