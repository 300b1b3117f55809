# SPDX-License-Identifier: GPL-2.0-only
#
# The Intel test bed: QEMU's TCG has no VMX, Debian's Bochs 2.7 has it
# (with EPT, VPID and unrestricted guest on the Haswell model), so the
# scenarios whose header says "run: bochs" (or "also-on: bochs") boot the
# same test VM kernel and initramfs under Bochs.  Bochs cannot load a
# kernel itself: it boots a GRUB ISO (grub-mkrescue) holding them.  A
# boot takes a minute or more, so one boot runs a batch of scenarios
# (/lgtest/batch/ in the test VM, see init), and the console is split
# into each scenario's part by their LGTEST-END lines.  Bochs does
# not end by itself when the test VM resets (it boots GRUB again), so the
# console is watched and Bochs stopped after LGTEST-DONE.
#
# Sourced by lib.sh; the measured facts behind the settings are in
# shared/design.md's "Testing VT-x without VT-x: Bochs".

VM_BOCHS_CPU=corei7_haswell_4770

vm_bochs_missing_tools() {
	local t missing=
	for t in bochs grub-mkrescue xorriso mformat; do
		command -v "$t" >/dev/null || missing="$missing $t"
	done
	[ -d /usr/lib/grub/i386-pc ] || missing="$missing grub-pc-bin"
	[ -z "$missing" ] || { echo "$missing"; return 1; }
}

# vm_bochs_iso OUT INITRD: the GRUB ISO that boots the test VM kernel.
vm_bochs_iso() {
	local out=$1 initrd=$2 iso=$VM_BUILD/iso
	rm -rf "$iso"
	mkdir -p "$iso/boot/grub"
	cp "$VM_KCACHE/vmlinuz" "$iso/boot/vmlinuz"
	cp "$initrd" "$iso/boot/initrd"
	cat >"$iso/boot/grub/grub.cfg" <<-EOF
	serial --unit=0 --speed=115200
	terminal_input serial
	terminal_output serial
	set timeout=0
	menuentry lgtest {
		linux /boot/vmlinuz console=ttyS0 panic=-1 cryptomgr.notests=1 loglevel=4
		initrd /boot/initrd
	}
	EOF
	grub-mkrescue -o "$out" "$iso" >"$VM_BUILD/grub-mkrescue.log" 2>&1
}

# vm_bochs_config DIR ISO CPUS MEGS: DIR/bochsrc for a headless Bochs
# (its VNC display waits for nobody; sound off: its mixer thread aborts
# without a sound card) with the console in DIR/serial.log.
vm_bochs_config() {
	cat >"$1/bochsrc" <<-EOF
	megs: $4
	cpu: model=$VM_BOCHS_CPU, count=$3, ips=200000000, reset_on_triple_fault=0, ignore_bad_msrs=1
	pci: enabled=1, chipset=i440fx
	ata0-master: type=cdrom, path=$2, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=$1/serial.log
	clock: sync=none, time0=local
	panic: action=fatal
	display_library: rfb, options="timeout=0"
	sound: driver=dummy
	log: $1/bochs.log
	EOF
	echo c >"$1/debugger.rc"	# the built-in debugger's "continue"
}

# vm_bochs_batch SCRIPT...: one Bochs boot runs these scenarios in turn;
# prints their PASS:/FAIL: lines, named NAME@bochs.  Returns non-zero if
# anything failed.
vm_bochs_batch() {
	local script files=() names=() timeout=300 cpus=1 t n i=0 status=0
	local dir=$VM_BUILD/bochs log rc=0 pid name part missing prev
	if ! missing=$(vm_bochs_missing_tools); then
		echo "FAIL: vm bochs (missing:$missing; run tests/install-deps)"
		return 1
	fi
	mkdir -p "$dir"
	for script in "$@"; do
		# In order, as the folders sort: 01-NAME@bochs, 02-...
		i=$((i + 1))
		name=$(printf %02d $i)-$(basename "$script" .sh)@bochs
		VM_TAG=@bochs vm_scenario_files "$script" "/lgtest/batch/$name" ||
			{ status=1; continue; }
		files+=("${VM_FILES[@]}")
		names+=("$name")
		t=$(vm_header "$script" timeout | tail -n 1)
		timeout=$((timeout + ${t:-$VM_TIMEOUT_DEFAULT}))
		n=$(vm_header "$script" smp | tail -n 1)
		[ "${n:-1}" -le "$cpus" ] || cpus=$n
	done
	[ ${#names[@]} -gt 0 ] || return $status
	if ! vm_initrd "$dir/initrd" "${files[@]}" || ! vm_bochs_iso "$dir/boot.iso" "$dir/initrd"; then
		echo "FAIL: vm bochs (could not pack the ISO)"
		return 1
	fi
	vm_bochs_config "$dir" "$dir/boot.iso" "$cpus" 2048
	log=$VM_LOGDIR/bochs.log
	: >"$dir/serial.log"
	vm_log "bochs: booting ${#names[@]} scenarios ($VM_KREL, $VM_BOCHS_CPU x$cpus, timeout ${timeout}s, console in $log)"
	local t0=$SECONDS
	timeout -k 5 "$timeout" bochs -q -f "$dir/bochsrc" -rc "$dir/debugger.rc" \
		</dev/null >"$dir/bochs.out" 2>&1 &
	pid=$!
	# Done, or reset (a second boot), or Bochs gone: stop watching.
	while kill -0 $pid 2>/dev/null; do
		if grep -q 'LGTEST-DONE' "$dir/serial.log" ||
		   [ "$(grep -c 'LGTEST-BOOTED' "$dir/serial.log")" -gt 1 ]; then
			kill $pid 2>/dev/null
			break
		fi
		sleep 2
	done
	wait $pid || rc=$?
	grep -q 'LGTEST-DONE' "$dir/serial.log" && rc=0
	tr -d '\r' <"$dir/serial.log" >"$log"
	vm_log "bochs: ended after $((SECONDS - t0))s (status $rc)"
	# A scenario's part: from the end of the one before to its own end
	# (kernel messages can split a line, so no more is asked of them).
	prev=LGTEST-BOOTED
	for name in "${names[@]}"; do
		part=$VM_LOGDIR/${name#*-}.log
		awk -v b="$prev" -v e="LGTEST-END $name" \
			'on { print } index($0, b) { on = 1 } index($0, e) { exit }' "$log" >"$part"
		prev="LGTEST-END $name"
		if ! vm_verdict "${name#*-}" "$part" "$rc" "$timeout"; then
			echo "    --- last 40 lines of $part ---"
			tail -n 40 "$part" | sed 's/^/    /'
			status=1
		fi
	done
	return $status
}
