# SPDX-License-Identifier: GPL-2.0-only
# Guest RAM is faulted in, not pinned: a 1 GiB guest that has booted to
# init costs its launcher less than 64 MiB of resident memory.  The test
# VM's kernel has transparent huge pages (on madvise, as Debian's), so lg
# maps the guest's RAM 2 MiB at a time: its boot takes a few hundred
# nested page faults, not the thousands of one fault per 4 KiB page.
# needs: launcher guest-kernel guest-test
# timeout: 600

lgtest_check insmod insmod "$LG_KO" || exit 0
lguest-launch -v -m 1G -a "lgtest=wait LGTEST_WAIT=30" -i /guest/test-initramfs \
	/guest/bzImage >/tmp/mem.log 2>&1 &
pid=$!
lgtest_wait_for /tmp/mem.log 'LGGUEST waiting'
rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status)
echo "  | launcher RSS: ${rss} kB"
if [ -n "$rss" ] && [ "$rss" -lt 65536 ]; then
	lgtest_pass rss-under-64m
else
	lgtest_fail rss-under-64m "VmRSS ${rss:-?} kB"
fi
wait $pid
lgtest_check exit-0 [ $? = 0 ]
npf=$(sed -n 's/.*exits by kind:.* page fault \([0-9]*\).*/\1/p' /tmp/mem.log)
echo "  | nested page faults: ${npf:-?}"
if [ -n "$npf" ] && [ "$npf" -lt 2000 ]; then
	lgtest_pass huge-nested-mappings
else
	lgtest_fail huge-nested-mappings "${npf:-no} nested page faults to init and back"
fi
