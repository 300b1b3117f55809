# SPDX-License-Identifier: GPL-2.0-only
# virtio-net.  User mode (libslirp): the guest gets its DHCP lease
# (10.0.2.15, gateway 10.0.2.2), fetches a page from an HTTP server on
# the test VM's loopback through the gateway, and the test VM fetches one
# from the guest's HTTP server through hostfwd; without --net a guest gets
# eth0 all the same, with --net none it gets none.  Tap: two guests on
# taps on one bridge ping each other, one with its own mac=.  Bad --net
# specs and a missing tap are one-line errors with status 1.
# needs: launcher guest-kernel guest-test
# timeout: 1500

lgtest_check insmod insmod "$LG_KO" || exit 0
ip link set lo up
field() { sed -n "s/^LGGUEST $2 //p" "$1" | tr -d '\r' | head -n 1; }
# launch LOG ARGS...: a guest in the background, its launcher's pid in
# LOG.pid and its status appended to LOG.
launch() {
	local log=$1
	shift
	(taskset -c 0 lguest-launch -m 128M -i /guest/test-initramfs "$@" /guest/bzImage \
		>"$log" 2>&1 </dev/null &
	 echo $! >"$log.pid"
	 wait $!
	 echo "LAUNCHER-EXIT $?" >>"$log") &
}
# finish LOG: waits for that guest's end; shows its console and kills it
# if it has not ended within 300 s.
finish() {
	lgtest_wait_for "$1" LAUNCHER-EXIT 300 && return
	echo "  $1 did not end:"
	tail -n 20 "$1" | sed 's/^/  > /'
	kill -9 "$(cat "$1.pid")"
}

# User mode: out through the gateway, in through hostfwd.
mkdir -p /tmp/www
echo "host-page-ok" >/tmp/www/hello.txt
httpd -p 127.0.0.1:8080 -h /tmp/www
launch /tmp/user.log -n user,hostfwd=tcp::10080-:80 \
	-a "lgtest=net-user LGTEST_PORT=8080 LGTEST_WAIT=120"
if lgtest_wait_for /tmp/user.log 'LGGUEST net-serving' 400; then
	grep LGGUEST /tmp/user.log | sed 's/^/  | /'
	[ "$(field /tmp/user.log net-addr)" = 10.0.2.15 ] && lgtest_pass user-dhcp ||
		lgtest_fail user-dhcp "address '$(field /tmp/user.log net-addr)'"
	[ "$(field /tmp/user.log net-route)" = 10.0.2.2 ] && lgtest_pass user-route ||
		lgtest_fail user-route "default route '$(field /tmp/user.log net-route)'"
	case $(field /tmp/user.log net-mac) in
	52:54:00:*) lgtest_pass user-default-mac ;;
	*) lgtest_fail user-default-mac "MAC '$(field /tmp/user.log net-mac)'" ;;
	esac
	[ "$(field /tmp/user.log net-fetched)" = host-page-ok ] && lgtest_pass user-outbound-http ||
		lgtest_fail user-outbound-http "fetched '$(field /tmp/user.log net-fetched)'"
	got=$(timeout 30 wget -q -O - http://127.0.0.1:10080/guest.txt 2>&1)
	[ "$got" = guest-page-42 ] && lgtest_pass user-hostfwd || lgtest_fail user-hostfwd "got '$got'"
else
	lgtest_fail user-dhcp "the guest did not get to serving: $(tail -n 5 /tmp/user.log)"
fi
kill "$(cat /tmp/user.log.pid)"
finish /tmp/user.log

# Without --net: user mode all the same; --net none: no eth0.
launch /tmp/default.log -a lgtest=net-none
finish /tmp/default.log
[ "$(field /tmp/default.log net-eth0)" = yes ] && lgtest_pass default-has-eth0 ||
	lgtest_fail default-has-eth0 "$(tail -n 3 /tmp/default.log)"
launch /tmp/none.log -n none -a lgtest=net-none
finish /tmp/none.log
[ "$(field /tmp/none.log net-eth0)" = no ] && lgtest_pass none-no-eth0 ||
	lgtest_fail none-no-eth0 "$(tail -n 3 /tmp/none.log)"
grep -q 'LAUNCHER-EXIT 0' /tmp/none.log && lgtest_pass none-exit-0 ||
	lgtest_fail none-exit-0 "$(tail -n 1 /tmp/none.log)"

# Tap: two guests on one bridge.
modprobe tun && modprobe bridge || lgtest_fail modules "no tun or bridge module"
brctl addbr br0 && ip link set br0 up
for n in 1 2; do
	tunctl -t tap$n >/dev/null && brctl addif br0 tap$n && ip link set tap$n up ||
		lgtest_fail tap-setup "tap$n"
done
launch /tmp/tap1.log -n tap=tap1,mac=52:54:00:12:34:01 \
	-a "lgtest=net-tap LGTEST_IP=192.168.77.1 LGTEST_PEER=192.168.77.2"
launch /tmp/tap2.log -n tap=tap2 \
	-a "lgtest=net-tap LGTEST_IP=192.168.77.2 LGTEST_PEER=192.168.77.1"
finish /tmp/tap1.log
finish /tmp/tap2.log
for n in 1 2; do
	grep LGGUEST /tmp/tap$n.log | sed 's/^/  | /'
	[ "$(field /tmp/tap$n.log tap-ping)" = ok ] && lgtest_pass tap-ping$n ||
		lgtest_fail tap-ping$n "$(tail -n 3 /tmp/tap$n.log)"
	grep -q 'LAUNCHER-EXIT 0' /tmp/tap$n.log && lgtest_pass tap-exit-0-$n ||
		lgtest_fail tap-exit-0-$n "$(tail -n 1 /tmp/tap$n.log)"
done
[ "$(field /tmp/tap1.log tap-up)" = 52:54:00:12:34:01 ] && lgtest_pass tap-mac ||
	lgtest_fail tap-mac "MAC '$(field /tmp/tap1.log tap-up)'"
[ "$(field /tmp/tap1.log tap-up)" != "$(field /tmp/tap2.log tap-up)" ] &&
	lgtest_pass tap-macs-differ || lgtest_fail tap-macs-differ "the same MAC twice"

# Bad specs and a missing tap: one line, status 1.
for bad in bogus tap=nosuch0 tap= user,hostfwd=tcp::99999-:80 user,hostfwd=tcp:80 \
	   user,bogus=1 user,mac=01:00:00:00:00:01 user,mac=52:54 tap=tap1,hostfwd=tcp::1-:1; do
	out=$(lguest-launch -n "$bad" /guest/bzImage 2>&1 </dev/null); rc=$?
	[ $rc = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && lgtest_pass "net-error:$bad" ||
		lgtest_fail "net-error:$bad" "status $rc: $out"
done
out=$(lguest-launch -n tap=nosuch0 /guest/bzImage 2>&1 </dev/null)
case $out in
*"ip tuntap add"*) lgtest_pass missing-tap-says-what-to-do ;;
*) lgtest_fail missing-tap-says-what-to-do "$out" ;;
esac
out=$(lguest-launch -n none -n user /guest/bzImage 2>&1 </dev/null); rc=$?
[ $rc = 1 ] && lgtest_pass none-alone || lgtest_fail none-alone "status $rc: $out"
lgtest_host_clean
lgtest_check rmmod rmmod lg
