# SPDX-License-Identifier: GPL-2.0-only
# A full system: Debian 12's own kernel and initramfs-tools initramfs boot
# a Debian root file system from a virtio disk (the test VM's own virtio
# disk /dev/vda, so the launcher's block-device back-end serves it) to
# systemd's multi-user target, its network comes up on user-mode
# networking (DHCP, then a page from a web server in the test VM through
# the gateway); the system's poweroff then ends lguest-launch with
# status 0.  The image's lgdebian-check.service
# reports the boot (tests/vm/debian-system/).
# needs: launcher debian-system
# timeout: 600

lgtest_check insmod insmod "$LG_KO" || exit 0
modprobe virtio_pci && modprobe virtio_blk || lgtest_fail modules "no virtio_pci or virtio_blk module"
lgtest_wait_for /proc/partitions ' vda$' 30 || lgtest_fail disk "the test VM has no /dev/vda"

# The guest's gateway is the test VM's loopback, which starts down.
ip link set lo up
mkdir -p /tmp/www
echo lgdebian-page-served >/tmp/www/lgdebian
httpd -p 127.0.0.1:8080 -h /tmp/www

t0=$(cut -d' ' -f1 /proc/uptime)
lguest-launch -m 512M -i /system/initrd.img -d /dev/vda \
	-a "root=/dev/vda rw lgdebian.check" /system/vmlinuz >/tmp/boot.log 2>&1 </dev/null
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
tr -d '\r' </tmp/boot.log >/tmp/boot.txt
grep -E 'LGDEBIAN|Kernel panic|FAILED|reboot: |lguest-launch' /tmp/boot.txt | sed 's/^/  | /'
grep -q '^LGDEBIAN' /tmp/boot.txt || tail -n 30 /tmp/boot.txt | sed 's/^/  | /'
echo "  launch to exit: $(awk "BEGIN { print $t1 - $t0 }") s"
field() { sed -n "s/^LGDEBIAN $1 //p" /tmp/boot.txt; }

[ "$(field multi-user.target)" = active ] && lgtest_pass multi-user-reached ||
	lgtest_fail multi-user-reached "no 'LGDEBIAN multi-user.target active'"
case $(field root) in
"/dev/vda ext4 rw"*) lgtest_pass root-on-vda ;;
*) lgtest_fail root-on-vda "root is '$(field root)'" ;;
esac
[ "$(field page)" = lgdebian-page-served ] && lgtest_pass network-up ||
	lgtest_fail network-up "no page through the gateway; address '$(field address)'"
[ "$(field state)" = running ] && lgtest_pass system-running ||
	lgtest_fail system-running "state '$(field state)', failed: $(field failed | tr '\n' ';')"
# Not a reset, which would also end the launcher with 0.  With acpi=off
# the kernel has no way to power off and halts instead.
grep -q 'reboot: System halted' /tmp/boot.txt && lgtest_pass guest-powered-off ||
	lgtest_fail guest-powered-off "no 'reboot: System halted' from the guest"
[ $rc = 0 ] && lgtest_pass poweroff-exit-0 || lgtest_fail poweroff-exit-0 "status $rc"
lgtest_host_clean
lgtest_check rmmod rmmod lg
