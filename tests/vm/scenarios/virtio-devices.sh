# SPDX-License-Identifier: GPL-2.0-only
# The virtio devices a guest gets: a disk made on the host side (its file
# reads back intact; a 32 MiB file the guest writes and syncs is on the
# image afterwards, for two guests at once, and also when the launcher is
# SIGKILLed right after the sync; fstrim punches holes in the image), a
# read-only disk that refuses writes, a second launcher refused an image
# in use, entropy from /dev/hwrng, and hvc0: commands typed into
# the console run and their output comes back, the end of a piped stdin
# ends the shell, and on a terminal hvc0 has the terminal's size and
# follows it.
# needs: launcher guest-kernel guest-initramfs guest-test ext4-image
# memory: 2048
# timeout: 1200

lgtest_check insmod insmod "$LG_KO" || exit 0
modprobe loop && modprobe ext4 || lgtest_fail modules "no loop or ext4 module"
known=$(cut -d' ' -f1 /disk/known.sha256)
guest() {
	lguest-launch -m 128M -i /guest/test-initramfs "$@" /guest/bzImage 2>&1 </dev/null
}
# img_sha IMG FILE: the checksum of FILE in the ext4 image IMG.
img_sha() {
	mkdir -p /tmp/mnt
	mount -o loop "$1" /tmp/mnt || return 1
	sha256sum </tmp/mnt/"$2" | cut -d' ' -f1
	umount /tmp/mnt
}
field() { printf '%s\n' "$out" | sed -n "s/^LGGUEST $1 //p" | tr -d '\r' | cut -d' ' -f1; }

# The disk: read what the host wrote, write, sync, power off; a second
# guest does the same on its own image at the same time.
cp /disk/base.img /tmp/d1.img
cp /disk/base.img /tmp/d4.img
guest -d /tmp/d4.img -a lgtest=blk >/tmp/g4.log &
pid=$!
out=$(guest -d /tmp/d1.img,serial=lgdisk1 -a lgtest=blk); rc=$?
printf '%s\n' "$out" | grep LGGUEST | sed 's/^/  | /'
[ $rc = 0 ] && lgtest_pass blk-exit-0 || lgtest_fail blk-exit-0 "status $rc"
printf '%s\n' "$out" | grep -q "^LGGUEST disk 196608 0 lgdisk1" && lgtest_pass blk-size-serial ||
	lgtest_fail blk-size-serial "$(printf '%s\n' "$out" | grep 'LGGUEST disk')"
[ "$(field known)" = "$known" ] && lgtest_pass blk-read || lgtest_fail blk-read "guest read $(field known), wanted $known"
written=$(field written)
[ -n "$written" ] && [ "$(img_sha /tmp/d1.img written)" = "$written" ] &&
	lgtest_pass blk-write || lgtest_fail blk-write "the image does not hold what the guest wrote"
# fstrim discarded the free space: holes in the image, for all its 96 MiB.
trimmed=$(field trimmed)
[ "${trimmed:-0}" -gt $((16 << 20)) ] && [ "$(du -k /tmp/d1.img | cut -f1)" -lt $((80 << 10)) ] &&
	lgtest_pass blk-discard ||
	lgtest_fail blk-discard "trimmed '$trimmed' bytes, $(du -k /tmp/d1.img | cut -f1) KiB allocated"
wait $pid
out=$(cat /tmp/g4.log)
written=$(field written)
[ -n "$written" ] && [ "$(img_sha /tmp/d4.img written)" = "$written" ] &&
	lgtest_pass blk-write-second-guest ||
	lgtest_fail blk-write-second-guest "$(printf '%s\n' "$out" | tail -n 2)"
rm -f /tmp/d1.img /tmp/d4.img

# SIGKILL right after the guest's sync returned: the data is on the image.
cp /disk/base.img /tmp/d2.img
lguest-launch -m 128M -i /guest/test-initramfs -d /tmp/d2.img \
	-a "lgtest=blk LGTEST_KILL=1" /guest/bzImage >/tmp/kill.log 2>&1 </dev/null &
pid=$!
if lgtest_wait_for /tmp/kill.log 'LGGUEST synced' 300; then
	kill -9 $pid
	wait $pid
	out=$(cat /tmp/kill.log)
	written=$(field written)
	[ -n "$written" ] && [ "$(img_sha /tmp/d2.img written)" = "$written" ] &&
		lgtest_pass blk-sigkill-after-sync ||
		lgtest_fail blk-sigkill-after-sync "the synced file is not on the image"
else
	kill -9 $pid
	lgtest_fail blk-sigkill-after-sync "the guest never synced: $(tail -n 3 /tmp/kill.log)"
fi

# Read-only: the guest sees it and cannot write; the image is unchanged.
cp /disk/base.img /tmp/d3.img
before=$(sha256sum </tmp/d3.img)
out=$(guest -d /tmp/d3.img,ro -a lgtest=blk-ro)
printf '%s\n' "$out" | grep LGGUEST | sed 's/^/  | /'
printf '%s\n' "$out" | grep -q '^LGGUEST disk 196608 1' && lgtest_pass ro-flag || lgtest_fail ro-flag "not read-only in the guest"
printf '%s\n' "$out" | grep -q 'LGGUEST ro-write refused' && lgtest_pass ro-write-refused ||
	lgtest_fail ro-write-refused "a write to the ro disk did not fail"
[ "$(field known)" = "$known" ] && lgtest_pass ro-read || lgtest_fail ro-read "guest read $(field known)"
[ "$(sha256sum </tmp/d3.img)" = "$before" ] && lgtest_pass ro-unchanged || lgtest_fail ro-unchanged "the image changed"

# A second launcher on an image in use is refused, with a clear error.
lguest-launch -m 64M -i /guest/test-initramfs -d /tmp/d3.img \
	-a "lgtest=hold LGTEST_WAIT=30" /guest/bzImage >/tmp/hold.log 2>&1 </dev/null &
pid=$!
if lgtest_wait_for /tmp/hold.log 'LGGUEST holding' 300; then
	out=$(guest -d /tmp/d3.img -a lgtest=blk); rc=$?
	case "$rc:$out" in
	1:*"in use by another VM"*) lgtest_pass image-locked ;;
	*) lgtest_fail image-locked "status $rc: $(printf '%s\n' "$out" | tail -n 1)" ;;
	esac
	out=$(guest -d /tmp/d3.img,ro -a lgtest=blk-ro); rc=$?
	[ $rc = 1 ] && lgtest_pass image-locked-ro || lgtest_fail image-locked-ro "status $rc"
else
	lgtest_fail image-locked "the first guest did not start: $(tail -n 3 /tmp/hold.log)"
fi
wait $pid
for bad in /nonexistent.img /tmp /tmp/d3.img,bogus; do
	out=$(lguest-launch -d "$bad" /guest/bzImage 2>&1 </dev/null); rc=$?
	[ $rc = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && lgtest_pass "disk-error:$bad" ||
		lgtest_fail "disk-error:$bad" "status $rc: $out"
done

# Entropy.
out=$(guest -a lgtest=rng)
printf '%s\n' "$out" | grep -q '^LGGUEST rng virtio_rng' && lgtest_pass rng-bound || lgtest_fail rng-bound "$(field rng)"
[ "$(field rng-bytes)" = 256 ] && lgtest_pass rng-read || lgtest_fail rng-read "read $(field rng-bytes) bytes"

# The console: the default guest's shell on hvc0, fed through a pipe.
out=$(printf 'tty\necho hvc-$((6 * 7))\n' |
	lguest-launch -m 64M -i /guest/initramfs /guest/bzImage 2>&1); rc=$?
printf '%s\n' "$out" | tail -n 4 | sed 's/^/  | /'
printf '%s\n' "$out" | grep -q '^/dev/hvc0' && lgtest_pass console-is-hvc0 || lgtest_fail console-is-hvc0 "no /dev/hvc0 from tty"
printf '%s\n' "$out" | grep -q '^hvc-42' && lgtest_pass console-command || lgtest_fail console-command "no hvc-42"
[ $rc = 0 ] && lgtest_pass console-eof-poweroff || lgtest_fail console-eof-poweroff "status $rc"
# On a terminal (tests/vm/progs/pty-run.c): hvc0 has its size, and
# follows it (SIGWINCH).
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
out=$(pty-run 100 30 132 43 'LGGUEST size1' lguest-launch -m 64M -i /guest/test-initramfs \
	-a lgtest=winsize /guest/bzImage 2>&1 | tr -d '\r')
printf '%s\n' "$out" | grep 'LGGUEST size' | sed 's/^/  | /'
printf '%s\n' "$out" | grep -q '^LGGUEST size1 30 100' && lgtest_pass console-size ||
	lgtest_fail console-size "$(printf '%s\n' "$out" | grep 'size1')"
printf '%s\n' "$out" | grep -q '^LGGUEST size2 43 132' && lgtest_pass console-resize ||
	lgtest_fail console-resize "$(printf '%s\n' "$out" | grep 'size2')"
lgtest_host_clean
lgtest_check rmmod rmmod lg
