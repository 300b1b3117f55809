# SPDX-License-Identifier: GPL-2.0-only
# Guests with several vCPUs (lguest-launch -c): a 4-vCPU guest on a test
# VM with fewer CPUs for it boots its application processors through
# INIT and SIPI, runs a job pinned to each of its CPUs, takes cpu1
# offline and brings it back, gets a backtrace from every CPU through NMI
# IPIs (sysrq l), and exits 0; then two 2-vCPU guests at
# once; a 2-vCPU guest in xAPIC mode, whose IPIs and MSI-X use logical
# destinations.  The launchers stay on test-VM CPUs 1 and 2
# (tests/vm/README.md, "Guests at once").  Bad -c values are one-line
# errors.
# needs: launcher guest-kernel guest-test
# smp: 3
# timeout: 1200

lgtest_check insmod insmod "$LG_KO" || exit 0

out=$(taskset -c 1,2 lguest-launch -c 4 -m 128M -a lgtest=smp \
	-i /guest/test-initramfs /guest/bzImage 2>&1 </dev/null)
rc=$?
field() { printf '%s\n' "$out" | sed -n "s/^LGGUEST $1 //p" | tr -d '\r' | head -n 1; }
[ $rc = 0 ] && lgtest_pass four-vcpus-exit-0 ||
	lgtest_fail four-vcpus-exit-0 "status $rc: $(printf '%s\n' "$out" | tail -n 3 | tr '\n' ' ')"
[ "$(field nproc)" = 4 ] && lgtest_pass nproc-4 ||
	lgtest_fail nproc-4 "nproc said '$(field nproc)'"
for c in 0 1 2 3; do
	[ "$(field "ran-on $c")" = $c ] && lgtest_pass job-on-cpu$c ||
		lgtest_fail job-on-cpu$c "a job pinned to CPU $c ran on '$(field "ran-on $c")'"
done
[ "$(field online-after-offline)" = 0,2-3 ] && lgtest_pass cpu1-offline ||
	lgtest_fail cpu1-offline "online CPUs '$(field online-after-offline)'"
[ "$(field online-after-online)" = 0-3 ] && lgtest_pass cpu1-online ||
	lgtest_fail cpu1-online "online CPUs '$(field online-after-online)'"
[ "$(field cpu1-again)" = 1 ] && lgtest_pass cpu1-runs-again ||
	lgtest_fail cpu1-runs-again "a job pinned to CPU 1 ran on '$(field cpu1-again)'"
[ "$(field nmi-backtraces)" = 4 ] && lgtest_pass nmi-ipi-backtraces ||
	lgtest_fail nmi-ipi-backtraces "backtraces from '$(field nmi-backtraces)' of 4 CPUs"
if [ $rc = 0 ]; then
	printf '%s\n' "$out" | grep '^LGGUEST' | sed 's/^/  | /'
else
	printf '%s\n' "$out" | tail -n 30 | sed 's/^/  | /'
fi

for n in 1 2; do
	(taskset -c $n lguest-launch -c 2 -m 96M -a "lgtest=smp" \
		-i /guest/test-initramfs /guest/bzImage >/tmp/s$n.log 2>&1 </dev/null
	 echo "LAUNCHER-EXIT $?" >>/tmp/s$n.log) &
done
wait
for n in 1 2; do
	grep -q 'LAUNCHER-EXIT 0' /tmp/s$n.log && grep -q '^LGGUEST nproc 2' /tmp/s$n.log &&
		grep -q '^LGGUEST online-after-online 0-1' /tmp/s$n.log &&
		lgtest_pass two-vcpu-guest$n ||
		{ tail -n 8 /tmp/s$n.log | sed 's/^/  | /'
		  lgtest_fail two-vcpu-guest$n "$(tail -n 1 /tmp/s$n.log)"; }
done

# xAPIC mode (nox2apic): the APs start through the APIC page's ICR, and
# Linux's flat logical destinations reach the right vCPU, IPIs and MSI-X
# alike (the entropy device answers).
out=$(taskset -c 1,2 lguest-launch -c 2 -m 96M -a "lgtest=smp nox2apic" \
	-i /guest/test-initramfs /guest/bzImage 2>&1 </dev/null)
rc=$?
[ $rc = 0 ] && [ "$(field nproc)" = 2 ] && [ "$(field online-after-online)" = 0-1 ] &&
	[ "$(field nmi-backtraces)" = 2 ] &&
	! printf '%s\n' "$out" | grep -q 'x2apic enabled' &&
	lgtest_pass xapic-two-vcpus ||
	lgtest_fail xapic-two-vcpus "status $rc, nproc '$(field nproc)', online '$(field online-after-online)', NMI backtraces '$(field nmi-backtraces)'"
out=$(taskset -c 1,2 lguest-launch -c 2 -m 96M -a "lgtest=rng nox2apic" \
	-i /guest/test-initramfs /guest/bzImage 2>&1 </dev/null)
rc=$?
[ $rc = 0 ] && [ "$(field rng-bytes)" = 256 ] && ! printf '%s\n' "$out" | grep -q dropping &&
	lgtest_pass xapic-msix-logical ||
	{ printf '%s\n' "$out" | tail -n 8 | sed 's/^/  | /'
	  lgtest_fail xapic-msix-logical "status $rc, rng-bytes '$(field rng-bytes)'"; }

for bad in 0 x 65 -1; do
	out=$(lguest-launch -c $bad /guest/bzImage 2>&1)
	rc=$?
	[ $rc = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
		lgtest_pass "bad-cpus-$bad" ||
		lgtest_fail "bad-cpus-$bad" "status $rc: $out"
done

lgtest_host_clean
lgtest_check rmmod rmmod lg
