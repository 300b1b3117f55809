# SPDX-License-Identifier: GPL-2.0-only
# On a CPU with AVX, XSAVE and PKU (QEMU's -cpu max), lg switches only
# the x87/SSE state, so a guest must not reach the rest: setting
# CR4.OSXSAVE or CR4.PKE gives it #GP, AVX and XGETBV give #UD, so it
# never sees the host's YMM registers, XCR0 or PKRU.  Meanwhile a host
# process on the same CPU keeps a pattern in all its YMM registers and
# checks it after every time the guests ran: it must stay intact.
# needs: launcher hostile
# cpu: max
# timeout: 600

lgtest_check insmod insmod "$LG_KO" || exit 0
grep -qw avx /proc/cpuinfo && grep -qw pku /proc/cpuinfo ||
	lgtest_fail cpu-has-avx-pku "the test VM's CPU lacks AVX or PKU"
ymm-keep 0 20 >/tmp/ymm.log 2>&1 &
keeper=$!

# exits NAME CASE STATUS: a hostile guest, pinned to the keeper's CPU.
exits() {
	local out rc
	out=$(taskset -c 0 lguest-launch -m 64M /hostile/case$2 2>&1 </dev/null)
	rc=$?
	[ "$rc" = "$3" ] && lgtest_pass "$1" ||
		lgtest_fail "$1" "exit status $rc, want $3: $out"
}
i=0
while [ $i -lt 5 ]; do
	exits cr4-osxsave-gp-$i 11 113
	exits cr4-pke-gp-$i 12 113
	exits avx-ud-$i 13 106
	exits xgetbv-ud-$i 21 106
	exits many-exits-$i 20 42
	i=$((i + 1))
done
wait $keeper
rc=$?
sed 's/^/  | /' /tmp/ymm.log
[ $rc = 0 ] && lgtest_pass host-ymm-intact ||
	lgtest_fail host-ymm-intact "$(cat /tmp/ymm.log)"
lgtest_check rmmod rmmod lg
