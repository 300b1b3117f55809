# SPDX-License-Identifier: GPL-2.0-only
# More vCPUs than host CPUs: a 4-vCPU guest on test-VM CPUs 1 and 2,
# with a CPU hog of the test VM's on CPU 1, runs a ticket-lock workload
# (progs/spin-bench) on every vCPU for 10 s: twice each, alternating,
# with lg's defaults (steal time; no PAUSE exits, since QEMU's emulated
# SVM has no pause filter) and with pause_unfiltered=1 (a PAUSE exit and
# yield on every PAUSE), then once with steal_time=0.  Then the kernel's
# own spinlock (spin-bench -k: an eventfd all vCPUs share), twice each,
# alternating, with the guest's paravirtual spinlocks (waiters halt, the
# unlocker kicks them: KVM_FEATURE_PV_UNHALT) and with nopvspin (native
# queued spinlocks).  Checks that the guest's steal time is reported and
# grows, stays 0 when turned off, that PAUSE exits are counted only when
# asked for, and that PV spinlocks are on by default and kick (PV kick
# exits), and not with nopvspin; prints the workload's figures
# (LGTEST-FIGURE lines) for tests/vm/README.md ("More vCPUs than CPUs").
# The launchers stay off the test VM's CPU 0 (tests/vm/README.md,
# "Guests at once").
# needs: launcher guest-kernel guest-test
# smp: 3
# timeout: 900

filter=no
grep -qw pausefilter /proc/cpuinfo && filter=yes
echo "pause filter on the test VM's CPU: $filter"
lgtest_check insmod insmod "$LG_KO" || exit 0
rmmod lg

taskset -c 1 sh -c 'while :; do :; done' &
hog=$!

# run NAME GUEST-ARGS MODULE-PARAMETERS...: one guest; sets out, rc,
# rate, steal0/1, pauses, kicks
run() {
	local name=$1 args=$2
	shift 2
	insmod "$LG_KO" "$@" || { lgtest_fail "$name-insmod" "insmod $*"; return 1; }
	echo "$name: lg $* (pause_filter_count $(cat /sys/module/lg/parameters/pause_filter_count)), guest $args"
	out=$(taskset -c 1,2 lguest-launch -v -c 4 -m 128M \
		-a "lgtest=overcommit LGTEST_SECONDS=10 $args" \
		-i /guest/test-initramfs /guest/bzImage 2>&1 </dev/null)
	rc=$?
	rmmod lg
	field() { printf '%s\n' "$out" | sed -n "s/^LGGUEST $1 //p" | tr -d '\r' | head -n 1; }
	set -- $(field spin-bench) x x x
	rate=$3
	set -- $(field steal) x x x x
	steal0=$1 steal1=$3 share=x
	[ "$4" != x ] && [ "$4" -gt "$2" ] 2>/dev/null &&
		share=$(( (steal1 - steal0) * 100 / ($4 - $2) ))%
	pauses=$(printf '%s\n' "$out" | sed -n 's/.*exits by kind:.* PAUSE \([0-9]*\).*/\1/p')
	pauses=${pauses:-0}
	kicks=$(printf '%s\n' "$out" | sed -n 's/.*exits by kind:.* PV kick \([0-9]*\).*/\1/p')
	kicks=${kicks:-0}
	printf '%s\n' "$out" | grep -E '^LGGUEST|exits' | sed 's/^/  | /'
	if [ $rc = 0 ] && [ "$(field nproc)" = 4 ] && [ "$rate" != x ]; then
		lgtest_pass "$name-guest"
	else
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/  | /'
		lgtest_fail "$name-guest" "status $rc, nproc '$(field nproc)', spin-bench '$(field spin-bench)'"
		return 1
	fi
	echo "LGTEST-FIGURE $name spin-bench/s $rate steal-ticks $steal0..$steal1 steal-share $share pause-exits $pauses pv-kicks $kicks"
}

# Twice each, alternating, for the noise (tests/vm/README.md has figures).
for round in 1 2; do
	if run default$round ""; then
		[ "$steal1" -gt "$steal0" ] 2>/dev/null &&
			lgtest_pass steal-time-grows$round ||
			lgtest_fail steal-time-grows$round "steal ticks $steal0 before the workload, $steal1 after"
		[ $filter = yes ] || [ "$pauses" = 0 ] && lgtest_pass no-pause-exits-unfiltered$round ||
			lgtest_fail no-pause-exits-unfiltered$round "$pauses PAUSE exits without a pause filter"
	fi
	if run pause$round "" pause_unfiltered=1; then
		[ "$pauses" -gt 0 ] && lgtest_pass pause-exits-counted$round ||
			lgtest_fail pause-exits-counted$round "no PAUSE exits in the launcher's statistics"
		[ "$steal1" -gt "$steal0" ] 2>/dev/null && lgtest_pass steal-time-with-pause$round ||
			lgtest_fail steal-time-with-pause$round "steal ticks $steal0 .. $steal1"
	fi
done
if run no-steal "" steal_time=0; then
	[ "$steal0" = 0 ] && [ "$steal1" = 0 ] && lgtest_pass steal-time-off ||
		lgtest_fail steal-time-off "steal ticks $steal0 .. $steal1 with steal_time=0"
fi

# The kernel's spinlock: paravirtual, then native, twice.
for round in 1 2; do
	if run kernel-pv$round LGTEST_KLOCK=1; then
		[ "$(field pvspin)" = yes ] && [ "$kicks" -gt 0 ] &&
			lgtest_pass pv-spinlocks-kick$round ||
			lgtest_fail pv-spinlocks-kick$round "pvspin '$(field pvspin)', $kicks PV kicks"
	fi
	if run kernel-native$round "LGTEST_KLOCK=1 nopvspin"; then
		[ "$(field pvspin)" = no ] && [ "$kicks" = 0 ] &&
			lgtest_pass nopvspin-no-kicks$round ||
			lgtest_fail nopvspin-no-kicks$round "pvspin '$(field pvspin)', $kicks PV kicks"
	fi
done

kill $hog
lgtest_host_clean
