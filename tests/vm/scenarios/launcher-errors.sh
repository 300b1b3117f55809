# SPDX-License-Identifier: GPL-2.0-only
# Bad input and a missing module each get one line on stderr that says
# what to do, and a non-zero exit status (1 for the user's input, 2 for
# the host), without the guest ever starting.
# needs: launcher guest-kernel guest-test

# expect NAME STATUS PATTERN -- lguest-launch ARGS...
expect() {
	local name=$1 want=$2 pattern=$3 out rc
	shift 4
	out=$(lguest-launch "$@" 2>&1 </dev/null)
	rc=$?
	echo "  | $out"
	if [ "$rc" != "$want" ]; then
		lgtest_fail "$name" "exit status $rc, want $want"
	elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
		lgtest_fail "$name" "want one line, got $(printf '%s\n' "$out" | wc -l)"
	elif ! printf '%s\n' "$out" | grep -q -- "$pattern"; then
		lgtest_fail "$name" "no '$pattern' in the message"
	else
		lgtest_pass "$name"
	fi
}

expect no-module 2 "is the lg module loaded" -- /guest/bzImage
lgtest_check insmod insmod "$LG_KO" || exit 0
expect missing-kernel 1 "/nonexistent" -- /nonexistent
expect not-a-kernel 1 "/init" -- /init
expect missing-initrd 1 "/nonexistent" -- -i /nonexistent /guest/bzImage
expect memory-too-large 1 "more than this host" -- -m 100G /guest/bzImage
expect memory-too-small 1 "too small" -- -m 1M /guest/bzImage
expect memory-bad-syntax 1 "bad memory size" -- -m lots /guest/bzImage
expect unknown-option 1 "lguest-launch --help" -- --frobnicate /guest/bzImage
lgtest_check help lguest-launch --help
lgtest_check version lguest-launch --version
