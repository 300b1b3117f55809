# SPDX-License-Identifier: GPL-2.0-only
# The benchmark's test-VM side (make bench, tests/bench/run): lguest-launch
# against QEMU+KVM (microvm) on the same emulated SVM, the same guest
# kernel and initramfs (/bench, see tests/bench/guest-init), 1 vCPU (2
# for the "smp" boot figure) and BENCH_MEM MiB each, taking turns: every figure's rounds alternate the
# two, and which goes first alternates too.  The full-system figure
# ("debian") boots Debian 12 from the test VM's virtio disk (the
# debian-system scenario's image, tests/vm/debian-system/) to
# multi-user.target, with QEMU as a q35 PC: microvm has no PCI for
# Debian's initramfs, which loads virtio_pci.  lg and kvm_amd stay loaded:
# each holds AMD-V only while it has a VM (Debian 6.1's kvm_amd sets
# EFER.SVME at its first VM, see ../shared/design.md), and a launcher
# that found it held would exit 2, which is reported as an error.
# Prints one "LGRESULT FIGURE SIDE ROUND key=value..." line per run for
# tests/bench/report.awk; failures of a run are results too (error=...),
# only a broken set-up fails the scenario.
# needs: launcher qemu bench-guest debian-system
# smp: 2
# memory: 3072
# timeout: 5400

ROUNDS=${BENCH_ROUNDS:-5}
FIGURES=${BENCH_FIGURES:-boot smp memory exits cpu rate disk net debian}
MEM=${BENCH_MEM:-1024}
LOOP=${BENCH_LOOP:-200}
# Guests run on the test VM's CPU 1: the emulator loses guests now and
# then on CPU 0 (tests/vm/README.md, "Guests at once").
CPU=1
VM_TIMEOUT=180
DEBIAN_TIMEOUT=600
KVM_STATS="exits io_exits mmio_exits halt_exits irq_exits irq_window_exits
	nmi_window_exits request_irq_exits signal_exits insn_emulation hypercalls
	pf_taken pf_fixed pf_emulate pf_spurious halt_wakeup"
# The two sides in round R's order.
sides() { [ $(($1 % 2)) = 1 ] && echo "lguest qemu" || echo "qemu lguest"; }
want() { case " $FIGURES " in *" $1 "*) return 0 ;; esac; return 1; }

lgtest_check insmod insmod "$LG_KO" || exit 0
lgtest_check modprobe-kvm-amd modprobe kvm_amd || exit 0
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
lgtest_check qemu-runs qemu-system-x86_64 --version || exit 0
echo "LGRESULT env all 0 test_vm_cpus=$(nproc) kernel=$(uname -r)" \
	"qemu=$(qemu-system-x86_64 --version | head -n 1 | sed 's/.*version \([^ ]*\).*/\1/')" \
	"lguest=$(lguest-launch -V | sed 's/.* //')" "mem_mib=$MEM rounds=$ROUNDS"

# What the hold runs read at the guest's init, while the VMM still runs:
# its memory (total RSS, and the guest RAM mapping's, the largest
# mapping) and, for QEMU, KVM's exit counters (debugfs sums them over the
# VMs that exist: just this one).
cat >/tmp/snapshot <<EOF
awk '\$1 == "Size:" { s = \$2 }
     \$1 == "Rss:" { t += \$2; if (s > bs) { bs = s; br = \$2 } }
     END { printf "SNAP rss_kb=%d guest_map_kb=%d guest_rss_kb=%d overhead_kb=%d\n",
		  t, bs, br, t - br }' /proc/\$BENCH_PID/smaps
[ "\$SIDE" = lguest ] && exit 0
printf SNAP
for f in $(echo $KVM_STATS); do
	printf ' kvm_%s=%s' \$f "\$(cat /sys/kernel/debug/kvm/\$f)"
done
echo
EOF

dd if=/dev/zero of=/tmp/disk.img bs=1M count=256 2>/dev/null

# The Debian system's disk: the test VM's /dev/vda.
if want debian; then
	modprobe virtio_pci && modprobe virtio_blk &&
		lgtest_wait_for /proc/partitions ' vda$' 30 || lgtest_fail debian-disk "no /dev/vda"
fi

# The network figure's tap: tap0, 192.168.100.1 on the test VM's side.
if want net; then
	modprobe tun && tunctl -t tap0 >/dev/null && ip addr add 192.168.100.1/24 dev tap0 &&
		ip link set tap0 up && ip link set lo up || lgtest_fail tap-setup "no tap0"
fi

# vmm SIDE BENCH [-c CPUS] [-e CMD] [-d] [-n user|tap] [-a ARGS]: one VM
# under bench-timer, its output on stdout: bench=BENCH for the guest's
# init, -c with CPUS vCPUs (all on test-VM CPU $CPU) instead of 1, -e CMD
# at its init (then SIGTERM), -d with /tmp/disk.img as its disk, -n with a
# network card on user-mode networking or on tap0, -a more guest
# arguments.  BENCH "debian" is the full system instead (debian_vmm).
vmm() {
	local side=$1 what=$2 cpus=1 at='' disk='' net='' more='' args
	shift 2
	[ "$what" != debian ] || { debian_vmm "$side"; return; }
	while [ $# -gt 0 ]; do
		case $1 in
		-c) cpus=$2; shift ;;
		-e) at=$2; shift ;;
		-d) disk=1 ;;
		-n) net=$2; shift ;;
		-a) more=$2; shift ;;
		esac
		shift
	done
	# initcall_blacklist=cmos_init on both sides: with microvm's rtc=off
	# the guest's rtc_cmos would poll the missing RTC for a second of
	# guest time before giving up (10000 reads, about 10 s here), and
	# with QEMU's RTC it gives up the same way; the guests do the same
	# work when neither probes one (README.md, "Benchmark").
	args="quiet initcall_blacklist=cmos_init bench=$what bench_loop=$LOOP $more"
	export SIDE=$side
	set -- bench-timer -t $VM_TIMEOUT
	[ -z "$at" ] || set -- "$@" -e "$at"
	set -- "$@" -- taskset -c $CPU
	if [ "$side" = lguest ]; then
		set -- "$@" lguest-launch -m ${MEM}M -c $cpus -i /bench/initramfs -a "$args"
		case $net in
		user) set -- "$@" -n user,hostfwd=tcp::5002-:5002 ;;
		tap) set -- "$@" -n tap=tap0 ;;
		*) set -- "$@" -n none ;;
		esac
		[ -z "$at" ] || set -- "$@" -v
		[ -z "$disk" ] || set -- "$@" -d /tmp/disk.img
		set -- "$@" /bench/bzImage
	else
		# As QEMU's docs/system/i386/microvm.rst recommends for a fast
		# boot; the virtio devices match lguest's console and entropy.
		# acpi=off, as the guest has no ACPI: QEMU then names the
		# virtio-mmio devices on the guest's command line.
		set -- "$@" qemu-system-x86_64 -M microvm,x-option-roms=off,pit=off,pic=off,rtc=off,acpi=off \
			-enable-kvm -cpu host -m ${MEM}M -smp $cpus -nodefaults -no-user-config \
			-display none -no-reboot -serial stdio \
			-chardev null,id=con0 -device virtio-serial-device \
			-device virtconsole,chardev=con0 -device virtio-rng-device \
			-kernel /bench/bzImage -initrd /bench/initramfs \
			-append "console=ttyS0 reboot=t panic=-1 $args"
		[ -z "$disk" ] || set -- "$@" -drive file=/tmp/disk.img,format=raw,if=none,id=d0 \
			-device virtio-blk-device,drive=d0
		case $net in
		user) set -- "$@" -netdev user,id=n0,hostfwd=tcp::5002-:5002 ;;
		tap) set -- "$@" -netdev tap,id=n0,ifname=tap0,script=no,downscript=no ;;
		esac
		[ -z "$net" ] || set -- "$@" -device virtio-net-device,netdev=n0
	fi
	"$@" </dev/null 2>&1
}

# debian_vmm SIDE: Debian 12 from /dev/vda to multi-user.target, where
# its lgdebian-bench.service prints LGBENCH-INIT and powers off; no
# network card on either side, a virtio console and entropy source as in
# the other figures.  QEMU is a q35 PC with SeaBIOS loading the kernel.
debian_vmm() {
	local side=$1 args="root=/dev/vda rw quiet lgdebian.bench"
	set -- bench-timer -t $DEBIAN_TIMEOUT -- taskset -c $CPU
	if [ "$side" = lguest ]; then
		set -- "$@" lguest-launch -m ${MEM}M -c 1 -n none -i /system/initrd.img \
			-d /dev/vda -a "$args" /system/vmlinuz
	else
		set -- "$@" qemu-system-x86_64 -M q35 -enable-kvm -cpu host -m ${MEM}M -smp 1 \
			-nodefaults -no-user-config -display none -no-reboot -serial stdio \
			-chardev null,id=con0 -device virtio-serial-pci \
			-device virtconsole,chardev=con0 -device virtio-rng-pci \
			-drive file=/dev/vda,format=raw,if=virtio,cache=none \
			-kernel /system/vmlinuz -initrd /system/initrd.img \
			-append "console=ttyS0 $args"
	fi
	"$@" </dev/null 2>&1
}

# net_down ADDR: once the net figure's guest listens (LGBENCH-NET-LISTEN
# in /tmp/net.log), 5 s of TCP to its port 5002 at ADDR.
net_down() {
	local i=0
	until grep -q LGBENCH-NET-LISTEN /tmp/net.log; do
		i=$((i + 1))
		[ $i -lt 1200 ] || return
		sleep 0.1
	done
	bench-net send "$1" 5002 5
}

# timer_field LOG KEY: KEY's value on bench-timer's last line.
timer_field() {
	sed -n "s/^BENCH-TIMER.* $2=\([^ ]*\).*/\1/p" "$1" | tail -n 1
}
# stamp LOG MARKER: the time bench-timer gave the line with MARKER.
stamp() {
	awk -v m="$2" 'index($0, m) { print $1; exit }' "$1"
}
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
# failed LOG: why a run did not give its figure, in one word-ish line.
failed() {
	local st
	st=$(timer_field "$1" status)
	[ "$(timer_field "$1" init_ms)" != -1.0 ] || { echo "error=no-init(status-$st)"; return; }
	echo "error=status-$st"
}
# result FIGURE SIDE ROUND LOG KEY=VALUE...: prints the line, or the
# error and the log's end when LOG's VM did not reach init or did not end
# with a status in $WANT (0; a run stopped with -e: SIGTERM, which
# lguest-launch answers with 143 and QEMU with 0).
WANT=0
result() {
	local fig=$1 side=$2 r=$3 log=$4 st
	shift 4
	st=$(timer_field "$log" status)
	if echo " $WANT " | grep -q " $st " && [ "$(timer_field "$log" init_ms)" != -1.0 ]; then
		echo "LGRESULT $fig $side $r $*"
	else
		echo "LGRESULT $fig $side $r $(failed "$log")"
		tail -n 15 "$log" | sed 's/^/  | /'
	fi
}

r=1
while [ $r -le "$ROUNDS" ]; do
	for side in $(sides $r); do
		if want boot; then
			vmm $side boot >/tmp/boot.log
			result boot $side $r /tmp/boot.log "init_ms=$(timer_field /tmp/boot.log init_ms)" \
				"exit_ms=$(timer_field /tmp/boot.log exit_ms)" \
				"virtio_devices=$(sed -n 's/.*LGBENCH-VIRTIO \([0-9]*\).*/\1/p' /tmp/boot.log)"
		fi
		if want smp; then
			# Both CPUs must come up ("x", an error in the report, if not).
			vmm $side boot -c 2 >/tmp/smp.log
			n=$(sed -n 's/.*LGBENCH-CPUS \([0-9]*\).*/\1/p' /tmp/smp.log | tr -d '\r')
			result smp $side $r /tmp/smp.log "init_ms=$(timer_field /tmp/smp.log init_ms)" \
				"exit_ms=$(timer_field /tmp/smp.log exit_ms)" "cpus=$([ "$n" = 2 ] && echo 2 || echo x)"
		fi
		if want memory || want exits; then
			vmm $side hold -e 'sh /tmp/snapshot' >/tmp/hold.log
			snap=$(sed -n 's/^SNAP //p' /tmp/hold.log | tr '\n' ' ')
			if [ $side = lguest ]; then
				# lguest-launch -v, at SIGTERM: "N exits, M of them to the
				# launcher" and "exits by kind: port I/O 12 MMIO 3 ...".
				snap="$snap $(sed -n 's/^lguest-launch: \([0-9]*\) exits, \([0-9]*\) of them.*/lg_exits=\1 lg_user_exits=\2/p' /tmp/hold.log)"
				snap="$snap $(sed -n 's/^lguest-launch: exits by kind: //p' /tmp/hold.log |
					sed -e 's/port I\/O/io/; s/host interrupt/host_intr/; s/page fault/npf/' \
					    -e 's/interrupt window/irq_window/' |
					awk '{ for (i = 1; i < NF; i += 2) printf "lg_%s=%s ", tolower($i), $(i + 1) }')"
			fi
			WANT="0 143"
			result hold $side $r /tmp/hold.log "init_ms=$(timer_field /tmp/hold.log init_ms) $snap"
			WANT=0
		fi
		if want cpu; then
			[ $side = qemu ] || {
				bench-timer -- taskset -c $CPU bench-loop "$LOOP" >/tmp/native.log 2>&1
				s=$(stamp /tmp/native.log LOOP-START) e=$(stamp /tmp/native.log LOOP-END)
				if [ -n "$e" ]; then
					echo "LGRESULT cpu native $r loop_ms=$(awk "BEGIN { print $e - $s }")" \
						"inside_ms=$(sed -n 's/.*LOOP-END ms=\([^ ]*\).*/\1/p' /tmp/native.log)"
				else
					echo "LGRESULT cpu native $r error=bench-loop"
				fi
			}
			vmm $side cpu >/tmp/cpu.log
			s=$(stamp /tmp/cpu.log LOOP-START) e=$(stamp /tmp/cpu.log LOOP-END)
			result cpu $side $r /tmp/cpu.log "loop_ms=$(awk "BEGIN { print ${e:-0} - ${s:-0} }")" \
				"inside_ms=$(sed -n 's/.*LOOP-END ms=\([^ ]*\).*/\1/p' /tmp/cpu.log)"
		fi
		if want rate; then
			# Four VMs one after the other, then four at once; a VM counts
			# when it reached init and its VMM exited 0.
			for how in seq par; do
				t0=$(now_ms)
				for i in 1 2 3 4; do
					if [ $how = seq ]; then
						vmm $side boot >/tmp/rate$i.log
					else
						vmm $side boot >/tmp/rate$i.log &
					fi
				done
				wait
				ms=$(($(now_ms) - t0)) ok=0
				for i in 1 2 3 4; do
					[ "$(timer_field /tmp/rate$i.log status)" = 0 ] &&
						[ "$(timer_field /tmp/rate$i.log init_ms)" != -1.0 ] && ok=$((ok + 1))
				done
				echo "LGRESULT rate_$how $side $r vms=4 ok=$ok ms=$ms" \
					"per_min=$(awk "BEGIN { printf \"%.1f\", $ok * 60000 / $ms }")"
			done
		fi
		if want disk; then
			vmm $side disk -d >/tmp/disk.log
			result disk $side $r /tmp/disk.log "$(sed -n 's/.*LGBENCH-DISK //p' /tmp/disk.log |
				tr -d '\r' | sed 's/^error.*/error=bench-disk/')"
		fi
		if want net; then
			# TCP from the guest to the test VM and the guest's pings,
			# then TCP from the test VM into the guest: user mode (the
			# gateway, 10.0.2.2, is the test VM; libslirp answers the
			# pings itself, and forwards the test VM's port 5002 to the
			# guest's), then tap0.
			for mode in user tap; do
				if [ $mode = user ]; then
					ip=10.0.2.15 peer=10.0.2.2 guest=127.0.0.1
				else
					ip=192.168.100.2 peer=192.168.100.1 guest=$ip
				fi
				: >/tmp/net.log
				bench-net recv 5001 >/tmp/net-recv.log 2>&1 &
				recv=$!
				net_down $guest >/tmp/net-down.log 2>&1 &
				down=$!
				vmm $side net -n $mode -a "bench_ip=$ip bench_peer=$peer" >/tmp/net.log
				kill $recv $down 2>/dev/null
				wait $recv $down 2>/dev/null
				up=$(sed -n 's/.*LGBENCH-NET mbit_s=\([^ ]*\).*/\1/p' /tmp/net.log | tr -d '\r')
				dn=$(sed -n 's/.*LGBENCH-NET mbit_s=\([^ ]*\).*/\1/p' /tmp/net-down.log)
				ping=$(sed -n 's/.*round-trip min\/avg\/max = [^/]*\/\([^/]*\)\/.*/\1/p' /tmp/net.log)
				result net_$mode $side $r /tmp/net.log \
					"up_mbit_s=${up:-x} down_mbit_s=${dn:-x} ping_ms=${ping:-x}"
				[ -n "$up" ] && [ -n "$dn" ] && [ -n "$ping" ] || {
					tr -d '\r' </tmp/net.log | tail -n 8 | sed 's/^/  guest | /'
					sed 's/^/  test VM | /' /tmp/net-down.log
				}
			done
		fi
		if want debian; then
			vmm $side debian >/tmp/debian.log
			result debian $side $r /tmp/debian.log \
				"multi_user_ms=$(timer_field /tmp/debian.log init_ms)" \
				"exit_ms=$(timer_field /tmp/debian.log exit_ms)"
		fi
	done
	r=$((r + 1))
done
lgtest_host_clean
lgtest_pass bench-ran
