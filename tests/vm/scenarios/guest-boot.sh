# SPDX-License-Identifier: GPL-2.0-only
# Boots our guest kernel through lg and lguest-launch and checks what a
# user would: it reaches init, keeps time with kvm-clock (or the
# invariant TSC kvm-clock defers to) at the host's rate and date, runs
# its APIC in x2APIC mode, and "reboot -f" ends the launcher with
# status 0.
# also-on: sid bochs
# needs: launcher guest-kernel guest-test
# timeout: 600

lgtest_check insmod insmod "$LG_KO" || exit 0

# Each console line stamped with the test VM's clock as it arrives.
(lguest-launch -a lgtest=boot -i /guest/test-initramfs /guest/bzImage 2>&1
 echo "LAUNCHER-EXIT $?") | while IFS= read -r line; do
	echo "$(cut -d' ' -f1 /proc/uptime) $line"
done >/tmp/boot.log
host_now=$(date +%s)
sed 's/^/  | /' /tmp/boot.log | tail -n 15

field() { sed -n "s/^[0-9.]* LGGUEST $1 //p" /tmp/boot.log | tr -d '\r'; }
stamp() { sed -n "s/^\([0-9.]*\) LGGUEST $1.*/\1/p" /tmp/boot.log; }

if grep -q 'lguest-guest: init reached' /tmp/boot.log; then
	lgtest_pass init-reached
else
	lgtest_fail init-reached "the guest never printed 'init reached'"
fi

# kvm-clock, or the TSC it defers to where the CPU says its TSC is
# invariant (Bochs's Haswell does; KVM guests do the same).
cs=$(field clocksource)
case "$cs $(field clocksources) " in
kvm-clock*|"tsc "*" kvm-clock "*) lgtest_pass kvm-clock ;;
*) lgtest_fail kvm-clock "clocksource is '$cs' of '$(field clocksources)'" ;;
esac

guest_date=$(field date)
if [ -n "$guest_date" ] && [ $((host_now - guest_date)) -ge -5 ] &&
   [ $((host_now - guest_date)) -le 120 ]; then
	lgtest_pass date
else
	lgtest_fail date "guest date '$guest_date', host $host_now"
fi

[ "$(field x2apic)" = yes ] && lgtest_pass x2apic ||
	lgtest_fail x2apic "no 'x2apic enabled' in the guest's log"

t0=$(stamp sleep-start)
t1=$(stamp sleep-end)
if [ -n "$t0" ] && [ -n "$t1" ] &&
   awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; exit !(d >= 1.8 && d <= 2.2) }'; then
	lgtest_pass time-rate
else
	lgtest_fail time-rate "guest 'sleep 2' took $t0..$t1 on the host's clock"
fi

rc=$(sed -n 's/.*LAUNCHER-EXIT //p' /tmp/boot.log)
[ "$rc" = 0 ] && lgtest_pass reboot-exit-0 ||
	lgtest_fail reboot-exit-0 "lguest-launch exited $rc after reboot -f"
