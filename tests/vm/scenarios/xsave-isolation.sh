# SPDX-License-Identifier: GPL-2.0-only
# On a CPU with AVX, XSAVE, PKU and RDPID (QEMU's -cpu max), lg switches
# the x87, SSE and AVX state and XCR0, and nothing else.  A guest enables
# AVX, finds only zeros in the upper halves of its YMM registers, and
# its own pattern in all sixteen after 20,000 exits, while a host
# process on the same CPU checks its own pattern after every time the
# guests ran.  What lg does not switch it does not offer: CR4.PKE gives
# #GP, as does an XCR other than XCR0; AVX and XGETBV without OSXSAVE
# give #UD.  An XCR0 with PKRU gives #GP on a CPU that intercepts XSETBV;
# QEMU's emulated SVM does not (fpu.c), so here lg finds the value after
# the next exit, puts the host's XCR0 back and stops the guest.
# (TSC_AUX, which lg switches too, is scenario rdpid's.)
# needs: launcher hostile
# cpu: max
# timeout: 600

lgtest_check insmod insmod "$LG_KO" || exit 0
for f in avx xsave pku; do
	grep -qw $f /proc/cpuinfo || lgtest_fail cpu-has-$f "the test VM's CPU lacks $f"
done
ymm-keep 0 20 >/tmp/ymm.log 2>&1 &
keeper=$!

# exits NAME CASE STATUS [PATTERN]: a hostile guest, pinned to the
# keeper's CPU, exits with STATUS and, if given, prints PATTERN.
exits() {
	local out rc
	out=$(taskset -c 0 lguest-launch -m 64M /hostile/case$2 2>&1 </dev/null)
	rc=$?
	case $rc:$out in
	"$3":*"$4"*) lgtest_pass "$1" ;;
	*) lgtest_fail "$1" "exit status $rc, want $3 ${4:+and '$4'}: $out" ;;
	esac
}
i=0
while [ $i -lt 5 ]; do
	exits avx-state-own-$i 11 42
	exits cr4-pke-gp-$i 12 113
	exits avx-without-osxsave-ud-$i 13 106
	exits xgetbv-without-osxsave-ud-$i 21 106
	exits xcr0-pkru-refused-$i 22 3 "without an XSETBV exit"
	exits xcr1-gp-$i 23 113
	exits many-exits-$i 20 42
	i=$((i + 1))
done
wait $keeper
rc=$?
sed 's/^/  | /' /tmp/ymm.log
[ $rc = 0 ] && lgtest_pass host-ymm-intact ||
	lgtest_fail host-ymm-intact "$(cat /tmp/ymm.log)"
lgtest_check rmmod rmmod lg
