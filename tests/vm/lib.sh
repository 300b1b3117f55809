# SPDX-License-Identifier: GPL-2.0-only
#
# The test VM harness.  This machine has no usable SVM, but QEMU's TCG
# emulates it (-cpu qemu64,+svm,+npt), so every VM test boots a stock
# Debian kernel in QEMU, loads lg.ko there and runs one scenario script
# (tests/vm/scenarios/NAME.sh) as the test VM's init job.  The script
# prints "LGTEST: PASS name" / "LGTEST: FAIL name reason" and the VM's
# init ends with "LGTEST-DONE"; this file turns that into the suite's
# "PASS: vm NAME name" lines.  A console without LGTEST-DONE (timeout,
# panic) is a failure.  README.md here documents the scenario format.
#
# Sourced by tests/vm/run and tests/vm/demo, which call vm_setup once and
# then vm_scenario per scenario.  Expensive inputs (the kernel .deb and
# the modules taken from it) are cached by package version under
# ~/.cache/lguest/kernel/; the rest (lg.ko, launcher, initramfs) is
# rebuilt in a scratch folder on every run, which takes seconds.

LG_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_DIR=$LG_REPO/tests/vm
# shellcheck source=debian-kernel.sh
. "$VM_DIR/debian-kernel.sh"
# shellcheck source=debian-rootfs.sh
. "$VM_DIR/debian-rootfs.sh"
# shellcheck source=debian-system/image.sh
. "$VM_DIR/debian-system/image.sh"
# shellcheck source=bochs.sh
. "$VM_DIR/bochs.sh"

VM_CPU_DEFAULT="qemu64,+svm,+npt"
# One test-VM CPU unless a scenario asks for more: the emulator's
# multi-threaded SVM loses guests now and then with two (README.md,
# "Guests at once").
VM_SMP_DEFAULT=1
VM_TIMEOUT_DEFAULT=300
VM_MEMORY_DEFAULT=2048
# Modules the test VM gets besides lg.ko, with everything they depend
# on: KVM for the coexistence test and the QEMU+KVM benchmark (kvm_intel
# for the same under Bochs), tun for
# the launcher's tap back-end, bridge to join taps, loop and ext4 to
# check the guests' disks, virtio_pci and virtio_blk for the disks QEMU
# gives the test VM.
VM_MODULES=${VM_MODULES:-"kvm_amd kvm_intel tun bridge loop ext4 virtio_pci virtio_blk"}
VM_LOGDIR=${LG_VM_LOGDIR:-${TMPDIR:-/tmp}/lguest-vm-logs}

vm_log() { echo "vm: $*" >&2; }

# ---------------------------------------------------------------------------
# The test VM's kernel: a Debian kernel image, by flavour (LG_TEST_KERNEL=
# "" for Debian 12's default, "6.12" for linux-image-6.12-amd64, "sid"
# for Debian unstable's newest, "debug" for our debug build).  Sets
# VM_KREL (uname -r inside), VM_KPKG, VM_KVER, VM_KCACHE, the cached
# folder with root/lib/modules/$VM_KREL (the modules above, uncompressed,
# depmod run), and VM_KIMAGE, the image QEMU boots: vmlinux when it can be
# had (see vm_extract_vmlinux), else vmlinuz.  VM_KDIR and VM_CHROOT are
# set where lg.ko is not built against the host's linux-headers package.
# Bump when the cached folder's layout or VM_MODULES change.  Each format
# has its own folder, so that runs of trees on different formats sharing
# one cache do not undo (and delete under) each other.
VM_KCACHE_FORMAT=6
vm_kernel() {
	local meta dir
	VM_KDIR=
	VM_CHROOT=
	case ${LG_TEST_KERNEL:-} in
	debug) vm_kernel_debug; return ;;
	sid) vm_kernel_sid; return ;;
	esac
	meta=$(lg_flavour_meta image "${LG_TEST_KERNEL:-}")
	read -r VM_KPKG VM_KVER <<<"$(lg_meta_target "$meta")"
	[ -n "$VM_KPKG" ] || return 1
	VM_KREL=${VM_KPKG#linux-image-}
	dir=$LG_CACHE/kernel/${VM_KPKG}_$VM_KVER-f$VM_KCACHE_FORMAT
	if [ ! -f "$dir/.ready-$VM_KCACHE_FORMAT" ]; then
		vm_log "fetching $VM_KPKG $VM_KVER (first run only)"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp/deb"
		(cd "$dir.tmp/deb" &&
			lg_apt_get -o APT::Sandbox::User=root download "$VM_KPKG=$VM_KVER" >&2)
		vm_kernel_unpack "$dir"
	fi
	vm_kernel_use "$dir"
}

vm_kernel_use() {
	VM_KCACHE=$1
	VM_KIMAGE=$1/vmlinuz
	[ ! -f "$1/vmlinux" ] || VM_KIMAGE=$1/vmlinux
}

# Unpacks the image package (or, as in sid, the packages its kernel and
# modules are split into) downloaded into DIR.tmp/deb into the cached
# folder DIR: the kernel and the modules the test VM loads.
vm_kernel_unpack() {
	local dir=$1 tmp=$1.tmp x moddir m
	x=$tmp/x
	for m in "$tmp"/deb/*.deb; do dpkg-deb -x "$m" "$x"; done
	# sid keeps the kernel with its modules.
	m=$x/boot/vmlinuz-$VM_KREL
	[ -f "$m" ] || m=$x/usr/lib/modules/$VM_KREL/vmlinuz
	cp "$m" "$tmp/vmlinuz"
	vm_extract_vmlinux "$tmp/vmlinuz" "$tmp/vmlinux" || rm -f "$tmp/vmlinux"
	# Newer kernels ship /usr/lib/modules; depmod -b wants lib/modules.
	if [ ! -d "$x/lib/modules/$VM_KREL" ]; then
		mkdir -p "$x/lib"
		ln -s ../usr/lib/modules "$x/lib/modules"
	fi
	moddir=$x/lib/modules/$VM_KREL
	depmod -b "$x" "$VM_KREL"
	mkdir -p "$tmp/root/lib/modules/$VM_KREL"
	for m in $VM_MODULES; do
		modprobe -d "$x" -S "$VM_KREL" --show-depends "$m" |
			awk '$1 == "insmod" { print $2 }'
	done | sort -u | while read -r m; do
		m=${m#"$moddir"/}
		mkdir -p "$tmp/root/lib/modules/$VM_KREL/${m%/*}"
		cp "$moddir/$m" "$tmp/root/lib/modules/$VM_KREL/$m"
	done
	# busybox's modprobe reads plain .ko only.
	find "$tmp/root" -name '*.ko.xz' -exec xz -d {} +
	find "$tmp/root" -name '*.ko.zst' -exec zstd -q -d --rm {} +
	find "$tmp/root" -name '*.ko.gz' -exec gzip -d {} +
	for m in modules.builtin modules.builtin.modinfo modules.order; do
		[ ! -f "$moddir/$m" ] || cp "$moddir/$m" "$tmp/root/lib/modules/$VM_KREL/"
	done
	depmod -b "$tmp/root" "$VM_KREL"
	rm -rf "$x" "$tmp/deb"
	touch "$tmp/.ready-$VM_KCACHE_FORMAT"
	rm -rf "$dir"
	mv "$tmp" "$dir"
}

# LG_TEST_KERNEL=sid: the newest Debian unstable kernel, the one the module
# matrix builds for.  Its image comes through this week's sid chroot (the
# matrix's, tests/vm/debian-kernel.sh), and lg.ko is built in that chroot
# against its headers with its compiler (VM_CHROOT, VM_KDIR).
vm_kernel_sid() {
	local hdr dir dl
	lg_sid_chroot >"${TMPDIR:-/tmp}/lg-sid-chroot.log" 2>&1 ||
		{ tail -n 20 "${TMPDIR:-/tmp}/lg-sid-chroot.log" >&2; return 1; }
	VM_CHROOT=$SID_ROOT
	hdr=$(chroot "$VM_CHROOT" apt-cache depends linux-headers-amd64 |
	      awk '$1 == "Depends:" && $2 ~ /^linux-headers-/ { print $2; exit }')
	[ -n "$hdr" ] || { echo "no linux-headers in $VM_CHROOT" >&2; return 1; }
	VM_KREL=${hdr#linux-headers-}
	VM_KPKG=linux-image-$VM_KREL
	VM_KVER=$(chroot "$VM_CHROOT" dpkg-query -W -f='${Version}' "$hdr")
	VM_KDIR=/usr/src/$hdr
	dir=$LG_CACHE/kernel/sid-${VM_KPKG}_$VM_KVER-f$VM_KCACHE_FORMAT
	if [ ! -f "$dir/.ready-$VM_KCACHE_FORMAT" ]; then
		vm_log "fetching $VM_KPKG (sid) through $VM_CHROOT (first run only)"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp/deb"
		dl=$(mktemp -d "$VM_CHROOT/tmp/lg-dl.XXXXXX")
		# sid splits the image into linux-binary-REL and linux-modules-REL.
		chroot "$VM_CHROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin sh -c \
			"cd /tmp/${dl##*/} && apt-get -q -o APT::Sandbox::User=root download \
			 \$(apt-cache depends $VM_KPKG | awk '\$1 == \"Depends:\" &&
			   \$2 ~ /^linux-(binary|modules)-/ { print \$2 }') $VM_KPKG" >&2 ||
			{ rm -rf "$dl"; return 1; }
		mv "$dl"/*.deb "$dir.tmp/deb/"
		rm -rf "$dl"
		vm_kernel_unpack "$dir"
	fi
	vm_kernel_use "$dir"
}

# LG_TEST_KERNEL=debug: our own build of Debian's linux-source-6.1 with
# KASAN, KFENCE, lockdep and friends (debug-host.config), by
# guest/build-kernel, which caches it with a tree to build lg.ko against
# (VM_KDIR).  It has no modules of its own: scenarios that need kvm_amd
# do not run on it.
vm_kernel_debug() {
	local image dir
	vm_log "debug host kernel: guest/build-kernel --fragment debug-host.config (minutes the first time, then cached)"
	image=$("$LG_REPO/guest/build-kernel" --fragment "$VM_DIR/debug-host.config" \
		--module-tree 2>"${TMPDIR:-/tmp}/lg-debug-kernel.log" | tail -n 1) ||
		{ tail -n 20 "${TMPDIR:-/tmp}/lg-debug-kernel.log" >&2; return 1; }
	dir=$(dirname "$image")
	VM_KIMAGE=$image
	VM_KDIR=$dir/build
	VM_KREL=$(cat "$VM_KDIR/include/config/kernel.release")
	VM_KPKG=debug
	VM_KVER=$(basename "$dir")
	VM_KCACHE=$dir/vm
	mkdir -p "$VM_KCACHE/root/lib/modules/$VM_KREL"
}

# Under TCG a Debian bzImage spends 10-15 s decompressing itself before
# its first line.  The same kernel's vmlinux, booted by QEMU through its
# PVH entry (CONFIG_PVH, Debian has it), skips that: the test VM reaches
# init in about 5 s instead of 20.  Finds the compressed payload by its
# magic, as the kernel's scripts/extract-vmlinux does; succeeds only with
# an ELF that has the PVH note (Xen note type 0x12).
vm_extract_vmlinux() {
	local in=$1 out=$2 magic off
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		for off in $(LC_ALL=C grep -obUaP "${magic#*:}" "$in" | cut -d: -f1 | head -n 3); do
			tail -c +$((off + 1)) "$in" | "${magic%%:*}" -dc >"$out" 2>/dev/null || true
			if readelf -n "$out" 2>/dev/null | grep -q 'Xen.*0x00000012'; then
				return 0
			fi
		done
	done
	return 1
}

# ---------------------------------------------------------------------------
# What gets built each run, into $VM_BUILD.

# lg.ko for the test VM's kernel, from a scratch copy of the sources.
# Kept under ~/.cache/lguest/lg-ko/ keyed by the sources, the headers'
# version and the compiler, so runs that change only the launcher or the
# tests skip kbuild (10-20 s).
vm_build_module() {
	local kdir src=$VM_BUILD/module key cache
	if [ -n "$VM_KDIR" ]; then kdir=$VM_KDIR; else kdir=$(lg_host_headers "$VM_KREL"); fi
	lg_copy_module_src "$LG_REPO" "$src"
	key=$( (cd "$src" && find . -type f | LC_ALL=C sort | xargs sha256sum
		[ -n "$VM_KDIR" ] && echo "$VM_KPKG $VM_KVER" ||
			dpkg-query -W -f='${Version}' "linux-headers-$VM_KREL"
		${VM_CHROOT:+chroot "$VM_CHROOT"} gcc --version | head -n 1) |
		sha256sum | cut -c1-16)
	cache=$LG_CACHE/lg-ko/$VM_KREL-$key
	VM_LGKO=$cache/lg.ko
	[ ! -f "$VM_LGKO" ] || { touch "$cache"; return 0; }
	if [ -n "$VM_CHROOT" ]; then
		vm_build_module_chroot "$src" "$cache" && return 0
		cat "$VM_BUILD/module.log" >&2
		echo "lg.ko does not build for $VM_KREL" >&2
		return 1
	fi
	if ! make -C "$kdir" M="$src/src/module" modules >"$VM_BUILD/module.log" 2>&1; then
		cat "$VM_BUILD/module.log" >&2
		echo "lg.ko does not build for $VM_KREL" >&2
		return 1
	fi
	vm_keep_module "$src/src/module/lg.ko" "$cache"
}

# lg.ko for the sid kernel, built inside the sid chroot (objtool there
# reads /proc), then kept as vm_keep_module does.
vm_build_module_chroot() {
	local src=$1 cache=$2 in rc=0
	in=$(mktemp -d "$VM_CHROOT/tmp/lg-mod.XXXXXX")
	cp -a "$src/." "$in/"
	mount -t proc proc "$VM_CHROOT/proc" || { rm -rf "$in"; return 1; }
	chroot "$VM_CHROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
		make -C "$VM_KDIR" M="/tmp/${in##*/}/src/module" modules \
		>"$VM_BUILD/module.log" 2>&1 || rc=1
	umount "$VM_CHROOT/proc"
	[ $rc = 0 ] && vm_keep_module "$in/src/module/lg.ko" "$cache" || rc=1
	rm -rf "$in"
	return $rc
}

vm_keep_module() {
	local ko=$1 cache=$2
	mkdir -p "$cache.tmp"
	cp "$ko" "$cache.tmp/"
	rm -rf "$cache"
	mv "$cache.tmp" "$cache"
	find "$LG_CACHE/lg-ko" -mindepth 1 -maxdepth 1 -mtime +14 -exec rm -rf {} +
}

# lguest-launch from a scratch copy.  The test VM has no libc, and
# libslirp has no static library in Debian, so VM_LAUNCHER_LIBS lists the
# shared libraries it needs (ld.so among them), which go in at the same
# paths.  It may not build yet: then scenarios that need it fail with
# VM_LAUNCHER_ERR and the others still run.
vm_build_launcher() {
	local dst=$VM_BUILD/launcher
	VM_LAUNCHER=
	VM_LAUNCHER_LIBS=
	VM_LAUNCHER_ERR=
	mkdir -p "$dst/src"
	cp "$LG_REPO/VERSION" "$dst/"
	cp -r "$LG_REPO/src/launcher" "$LG_REPO/src/include" "$dst/src/"
	find "$dst/src/launcher" \( -name '*.o' -o -name lguest-launch \) -delete
	if make -C "$dst/src/launcher" lguest-launch >"$VM_BUILD/launcher.log" 2>&1 &&
			[ -x "$dst/src/launcher/lguest-launch" ]; then
		VM_LAUNCHER=$dst/src/launcher/lguest-launch
		VM_LAUNCHER_LIBS=$(ldd "$VM_LAUNCHER" |
			awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }')
	else
		VM_LAUNCHER_ERR="lguest-launch does not build (log: $VM_BUILD/launcher.log)"
	fi
}

# tests/vm/progs/*.c, static.  Sets VM_PROGS to "path path ..."; a program
# that does not compile is reported and left out.
vm_build_progs() {
	local c name
	VM_PROGS=
	mkdir -p "$VM_BUILD/progs"
	for c in "$VM_DIR"/progs/*.c; do
		[ -f "$c" ] || continue
		name=$(basename "$c" .c)
		if gcc -static -O2 -Wall -Wextra -Werror -I"$LG_REPO/src/include" \
				-o "$VM_BUILD/progs/$name" "$c" \
				>"$VM_BUILD/progs/$name.log" 2>&1; then
			VM_PROGS="$VM_PROGS $VM_BUILD/progs/$name"
		else
			echo "FAIL: vm prog $name (does not compile)"
			sed 's/^/    /' "$VM_BUILD/progs/$name.log"
			VM_SETUP_FAILED=1
		fi
	done
}

# The guest kit (guest/build-kernel prints a cached bzImage's path;
# guest/build-initramfs builds the default guest's initramfs).  Built only
# when a scenario asks for it, since a cold guest kernel takes minutes.
vm_guest_kernel() {
	[ -z "${VM_GUEST_KERNEL+x}" ] || return 0
	VM_GUEST_KERNEL=
	VM_GUEST_KERNEL_ERR=
	if [ ! -x "$LG_REPO/guest/build-kernel" ]; then
		VM_GUEST_KERNEL_ERR="guest/build-kernel does not exist yet"
		return 0
	fi
	vm_log "guest kernel: guest/build-kernel (minutes the first time, then cached)"
	if VM_GUEST_KERNEL=$("$LG_REPO/guest/build-kernel" 2>"$VM_BUILD/guest-kernel.log") &&
			VM_GUEST_KERNEL=$(printf '%s\n' "$VM_GUEST_KERNEL" | tail -n 1) &&
			[ -f "$VM_GUEST_KERNEL" ]; then
		return 0
	fi
	VM_GUEST_KERNEL=
	VM_GUEST_KERNEL_ERR="guest/build-kernel failed (log: $VM_BUILD/guest-kernel.log)"
}

vm_guest_initramfs() {
	[ -z "${VM_GUEST_INITRAMFS+x}" ] || return 0
	VM_GUEST_INITRAMFS=
	VM_GUEST_INITRAMFS_ERR=
	if [ ! -x "$LG_REPO/guest/build-initramfs" ]; then
		VM_GUEST_INITRAMFS_ERR="guest/build-initramfs does not exist yet"
		return 0
	fi
	if VM_GUEST_INITRAMFS=$("$LG_REPO/guest/build-initramfs" \
			2>"$VM_BUILD/guest-initramfs.log") &&
			VM_GUEST_INITRAMFS=$(printf '%s\n' "$VM_GUEST_INITRAMFS" | tail -n 1) &&
			[ -f "$VM_GUEST_INITRAMFS" ]; then
		return 0
	else
		VM_GUEST_INITRAMFS=
		VM_GUEST_INITRAMFS_ERR="guest/build-initramfs failed (log: $VM_BUILD/guest-initramfs.log)"
	fi
}

# The host tools the harness uses (tests/deps/vm.list installs them).
# Prints the missing ones and fails if any is.
vm_missing_tools() {
	local t missing=
	for t in qemu-system-x86_64 cpio gzip xz zstd depmod modprobe gcc make \
			readelf apt-get dpkg-deb timeout; do
		command -v "$t" >/dev/null || missing="$missing $t"
	done
	dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing busybox-static"
	[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || missing="$missing libc6-dev"
	[ -z "$missing" ] || { echo "$missing"; return 1; }
}

# Everything every scenario shares.  Progress goes to stderr.
vm_setup() {
	local missing
	VM_SETUP_FAILED=
	if ! missing=$(vm_missing_tools); then
		echo "missing:$missing (run tests/install-deps)" >&2
		return 1
	fi
	mkdir -p "$VM_LOGDIR"
	VM_BUILD=$(mktemp -d "${TMPDIR:-/tmp}/lg-vm.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$VM_BUILD'" EXIT
	vm_kernel || { echo "no test VM kernel" >&2; return 1; }
	vm_log "test VM kernel $VM_KREL ($VM_KPKG $VM_KVER)"
	vm_build_module || return 1
	# The kernel's modules plus lg.ko in extra/, depmod run: in the test
	# VM both `modprobe kvm_amd` and `modprobe lg` work.
	cp -a "$VM_KCACHE/root" "$VM_BUILD/mods"
	mkdir -p "$VM_BUILD/mods/lib/modules/$VM_KREL/extra"
	cp "$VM_LGKO" "$VM_BUILD/mods/lib/modules/$VM_KREL/extra/lg.ko"
	depmod -b "$VM_BUILD/mods" "$VM_KREL"
	vm_build_launcher
	[ -z "$VM_LAUNCHER_ERR" ] || vm_log "$VM_LAUNCHER_ERR"
	vm_build_progs
	vm_pack_base
}

# ---------------------------------------------------------------------------
# Scenario headers: "# KEY: VALUE" lines in the script's first comment
# block (see README.md).  Prints the values of KEY, one per line.
vm_header() {
	awk -v key="$2" '
		!/^#/ { exit }
		{ line = $0; sub(/^#[ \t]*/, "", line) }
		index(line, key ":") == 1 {
			v = substr(line, length(key) + 2); sub(/^[ \t]+/, "", v); print v
		}' "$1"
}

# A "need" adds files to the test VM's initramfs (SRC:DST entries of
# VM_ADDS), maybe with arguments to its QEMU (VM_QEMU_ARGS), or fails
# with the reason in VM_NEED_ERR.  One function per need: adding a kind
# of need is adding a vm_need_NAME function (a dash in NAME becomes an
# underscore).
vm_need_launcher() {
	[ -n "$VM_LAUNCHER" ] || { VM_NEED_ERR=$VM_LAUNCHER_ERR; return 1; }
	VM_ADDS+=("$VM_LAUNCHER:/usr/bin/lguest-launch")
	local lib
	for lib in $VM_LAUNCHER_LIBS; do VM_ADDS+=("$lib:$lib"); done
}
vm_need_guest_kernel() {
	vm_guest_kernel
	[ -n "$VM_GUEST_KERNEL" ] || { VM_NEED_ERR=$VM_GUEST_KERNEL_ERR; return 1; }
	VM_ADDS+=("$VM_GUEST_KERNEL:/guest/bzImage")
}
# The default guest with tests/vm/guest/test.sh as its /test.sh: one
# initramfs for every scenario, which picks the guest's part with
# "lguest-launch -a lgtest=WHAT" (see that script).
vm_need_guest_test() {
	local out
	[ -z "${VM_GUEST_TEST:-}" ] || { VM_ADDS+=("$VM_GUEST_TEST:/guest/test-initramfs"); return 0; }
	if [ ! -x "$LG_REPO/guest/build-initramfs" ]; then
		VM_NEED_ERR="guest/build-initramfs does not exist yet"
		return 1
	fi
	if ! out=$("$LG_REPO/guest/build-initramfs" --add "$VM_DIR/guest/test.sh:/test.sh" \
			--add "$VM_BUILD/progs/avx-check:/bin/avx-check" \
			--add "$VM_BUILD/progs/spin-bench:/bin/spin-bench" \
			2>"$VM_BUILD/guest-test.log") || [ ! -f "$(printf '%s\n' "$out" | tail -n 1)" ]; then
		VM_NEED_ERR="guest/build-initramfs failed (log: $VM_BUILD/guest-test.log)"
		return 1
	fi
	VM_GUEST_TEST=$(printf '%s\n' "$out" | tail -n 1)
	VM_ADDS+=("$VM_GUEST_TEST:/guest/test-initramfs")
}
# Tiny misbehaving guests, one ELF "vmlinux" per CASE of
# tests/vm/hostile/hostile.S, at /hostile/caseN.
# The multiboot test kernel (tests/vm/multiboot/mbtest.c), at
# /multiboot/mbtest.elf (a 32-bit ELF) and /multiboot/mbtest.bin (a flat
# image the header's address fields place).
vm_need_multiboot() {
	local out=$VM_BUILD/multiboot src=$VM_DIR/multiboot
	local cc=(gcc -m32 -ffreestanding -fno-pic -no-pie -fno-stack-protector -I"$VM_DIR"
		  -nostdlib -static -O2 -Wall -Wextra -Werror
		  -Wl,-T,"$src/mbtest.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments)
	if [ ! -d "$out" ]; then
		mkdir -p "$out"
		if ! "${cc[@]}" -o "$out/mbtest.elf" "$src/mbtest.c" 2>>"$VM_BUILD/multiboot.log" ||
		   ! "${cc[@]}" -DAOUT -o "$out/mbtest.aout" "$src/mbtest.c" 2>>"$VM_BUILD/multiboot.log" ||
		   ! objcopy -O binary "$out/mbtest.aout" "$out/mbtest.bin"; then
			VM_NEED_ERR="cannot build the multiboot test kernel (log: $VM_BUILD/multiboot.log)"
			rm -rf "$out"
			return 1
		fi
		rm "$out/mbtest.aout"
	fi
	VM_ADDS+=("$out:/multiboot")
}
# /disk/base.img: a 96 MiB ext4 image made here with mkfs.ext4 -d,
# holding /known (1 MiB of random bytes), and /disk/known.sha256, its
# checksum, for the disk scenarios to compare with what a guest reads.
vm_need_ext4_image() {
	local d=$VM_BUILD/ext4
	[ -f "$d/base.img" ] || {
		mkdir -p "$d/root" &&
			head -c 1048576 /dev/urandom >"$d/root/known" &&
			sha256sum <"$d/root/known" >"$d/known.sha256" &&
			truncate -s 96M "$d/base.img" &&
			mkfs.ext4 -q -F -d "$d/root" "$d/base.img" >"$d/mkfs.log" 2>&1
	} || { VM_NEED_ERR="mkfs.ext4 failed (log: $d/mkfs.log)"; return 1; }
	VM_ADDS+=("$d/base.img:/disk/base.img" "$d/known.sha256:/disk/known.sha256")
}
vm_need_hostile() {
	local c out=$VM_BUILD/hostile
	if [ ! -d "$out" ]; then
		mkdir -p "$out"
		for c in $(sed -n 's/^#.*if CASE == \([0-9]*\).*/\1/p' "$VM_DIR/hostile/hostile.S" | sort -un); do
			# Case 37, the conformance guest, is mostly C.
			gcc -nostdlib -static -no-pie -Wl,--build-id=none \
				-Wl,-Ttext=0x1000000 -Wl,-e,_start -DCASE="$c" \
				-O2 -ffreestanding -fno-pic -mno-red-zone -mgeneral-regs-only \
				-fno-stack-protector -Wall -Werror -I"$VM_DIR" \
				-o "$out/case$c" "$VM_DIR/hostile/hostile.S" \
				$([ "$c" = 37 ] && echo "$VM_DIR/hostile/conform.c") \
				2>>"$VM_BUILD/hostile.log" ||
				{ VM_NEED_ERR="cannot build hostile guest $c (log: $VM_BUILD/hostile.log)"; rm -rf "$out"; return 1; }
		done
	fi
	VM_ADDS+=("$out:/hostile")
}
# /system/vmlinuz and /system/initrd.img: Debian 12's kernel and its
# initramfs-tools initramfs; their root file system is the test VM's
# /dev/vda (QEMU's snapshot=on keeps the cached image unchanged).  See
# tests/vm/debian-system/image.sh; a few minutes the first time.
vm_need_debian_system() {
	local d
	vm_log "Debian system image: debootstrap (minutes the first time, then cached)"
	d=$(lg_debian_system 2>"$VM_BUILD/debian-system.log") ||
		{ VM_NEED_ERR="cannot make the Debian system (log: $VM_BUILD/debian-system.log)"; return 1; }
	VM_ADDS+=("$d/vmlinuz:/system/vmlinuz" "$d/initrd.img:/system/initrd.img")
	VM_QEMU_ARGS+=(-drive "file=$d/root.img,format=raw,if=virtio,snapshot=on")
}
# /usr/bin/qemu-system-x86_64 with the shared libraries ldd names and the
# firmware microvm (qboot) and q35 (SeaBIOS, linuxboot_dma) boot with:
# QEMU+KVM in the test VM, for the benchmark (tests/bench/).
vm_need_qemu() {
	local q lib f
	q=$(command -v qemu-system-x86_64) || { VM_NEED_ERR="no qemu-system-x86_64"; return 1; }
	VM_ADDS+=("$q:/usr/bin/qemu-system-x86_64")
	for lib in $(ldd "$q" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
		VM_ADDS+=("$lib:$lib")
	done
	for f in /usr/share/qemu/qboot.rom /usr/share/qemu/bios-microvm.bin \
		 /usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin \
		 /usr/share/seabios/bios-256k.bin /usr/share/seabios/bios-microvm.bin; do
		[ ! -e "$f" ] || VM_ADDS+=("$f:$f")
	done
}
# The benchmark's guest (tests/bench/): /bench/bzImage, the guest kit's
# kernel with virtio-mmio added (tests/bench/virtio-mmio.fragment) so that
# it boots unchanged on lguest and on QEMU's microvm (minutes the first
# time, then cached), and /bench/initramfs, busybox with
# tests/bench/guest-init as /init and the bench programs.
vm_need_bench_guest() {
	local frag=$VM_BUILD/bench.fragment out
	if [ -z "${VM_BENCH_KERNEL:-}" ]; then
		cat "$LG_REPO/guest/config.fragment" "$LG_REPO/tests/bench/virtio-mmio.fragment" >"$frag"
		vm_log "bench guest kernel: guest/build-kernel --fragment (minutes the first time, then cached)"
		out=$("$LG_REPO/guest/build-kernel" --fragment "$frag" 2>"$VM_BUILD/bench-kernel.log") &&
			VM_BENCH_KERNEL=$(printf '%s\n' "$out" | tail -n 1) && [ -f "$VM_BENCH_KERNEL" ] ||
			{ VM_BENCH_KERNEL=; VM_NEED_ERR="guest/build-kernel failed (log: $VM_BUILD/bench-kernel.log)"; return 1; }
		out=$("$LG_REPO/guest/build-initramfs" --init "$LG_REPO/tests/bench/guest-init" \
			--add "$VM_BUILD/progs/bench-loop:/usr/bin/bench-loop" \
			--add "$VM_BUILD/progs/bench-disk:/usr/bin/bench-disk" \
			--add "$VM_BUILD/progs/bench-net:/usr/bin/bench-net" \
			2>"$VM_BUILD/bench-initramfs.log") &&
			VM_BENCH_INITRAMFS=$(printf '%s\n' "$out" | tail -n 1) && [ -f "$VM_BENCH_INITRAMFS" ] ||
			{ VM_BENCH_KERNEL=; VM_NEED_ERR="guest/build-initramfs failed (log: $VM_BUILD/bench-initramfs.log)"; return 1; }
	fi
	VM_ADDS+=("$VM_BENCH_KERNEL:/bench/bzImage" "$VM_BENCH_INITRAMFS:/bench/initramfs")
}
vm_need_guest_initramfs() {
	vm_guest_initramfs
	[ -n "$VM_GUEST_INITRAMFS" ] || { VM_NEED_ERR=$VM_GUEST_INITRAMFS_ERR; return 1; }
	VM_ADDS+=("$VM_GUEST_INITRAMFS:/guest/initramfs")
}

# ---------------------------------------------------------------------------
# Packing.  The test VM's initramfs is two gzipped newc archives, one after
# the other (the kernel unpacks them in turn): a base shared by all
# scenarios, packed once per run, and a small overlay per scenario.
#
# vm_pack_initramfs OUT INIT SRC:DST... packs the base: a static busybox,
# INIT as /init and each SRC (file or folder) at DST.  It is the guest
# kit's guest/build-initramfs when that exists (one packer for the
# project; LG_VM_OWN_PACKER=1 picks the fallback), else vm_pack_own.
vm_pack_initramfs() {
	local out=$1 init=$2 a
	shift 2
	if [ -x "$LG_REPO/guest/build-initramfs" ] && [ -z "${LG_VM_OWN_PACKER:-}" ]; then
		local args=()
		for a in "$@"; do args+=(--add "$a"); done
		"$LG_REPO/guest/build-initramfs" -o "$out" --init "$init" "${args[@]}" >/dev/null
	else
		vm_pack_own "$out" "$init" "$@"
	fi
}

vm_pack_own() {
	local out=$1 init=$2 stage
	shift 2
	stage=$(mktemp -d "$VM_BUILD/stage.XXXXXX")
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root}
	cp /bin/busybox "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	mknod "$stage/dev/console" c 5 1
	install -m 0755 "$init" "$stage/init"
	vm_pack_files "$out" "$stage" "$@"
}

# vm_pack_files OUT STAGE SRC:DST...: copies each SRC to STAGE/DST and packs
# STAGE as OUT.  Alone, it packs the per-scenario overlays: cpio and gzip
# of a few files take a fraction of a second.
vm_pack_files() {
	local out=$1 stage=$2 a src dst
	shift 2
	for a in "$@"; do
		src=${a%:*} dst=$stage/${a##*:}
		mkdir -p "$(dirname "$dst")"
		if [ -d "$src" ]; then
			mkdir -p "$dst"
			cp -a "$src/." "$dst/"
		else
			cp -L --preserve=mode "$src" "$dst"
		fi
	done
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$out"
	rm -rf "$stage"
}

# The base: what every scenario has (README.md lists the paths).
vm_pack_base() {
	local f adds=("$VM_BUILD/mods/lib/modules:/lib/modules"
		      "$VM_DIR/inside.sh:/lgtest/lib.sh")
	for f in $VM_PROGS; do adds+=("$f:/usr/bin/${f##*/}"); done
	VM_BASE_INITRD=$VM_BUILD/base.cpio.gz
	vm_pack_initramfs "$VM_BASE_INITRD" "$VM_DIR/init" "${adds[@]}"
}

# ---------------------------------------------------------------------------
# vm_scenario_files SCRIPT DIR: meets SCRIPT's needs and wants and sets
# VM_FILES to the SRC:DST entries its test VM needs: what the needs and
# add: lines bring, and the script and its settings as DIR/scenario.sh
# and DIR/env.  Sets VM_NAME; prints the FAIL line and returns non-zero
# when a need cannot be met.
vm_scenario_files() {
	local script=$1 dir=$2 need f env
	VM_NAME=$(basename "$script" .sh)${VM_TAG:-}
	# Needs must be met; wants are added when they can be.
	for need in $(vm_header "$script" needs) $(vm_header "$script" wants); do
		if ! declare -F "vm_need_${need//-/_}" >/dev/null; then
			echo "FAIL: vm $VM_NAME (unknown need '$need')"
			return 1
		fi
	done
	VM_ADDS=()
	VM_QEMU_ARGS=()
	for need in $(vm_header "$script" needs); do
		if ! "vm_need_${need//-/_}"; then
			echo "FAIL: vm $VM_NAME (needs $need: $VM_NEED_ERR)"
			[ "$need" != launcher ] || tail -n 20 "$VM_BUILD/launcher.log" | sed 's/^/    /'
			return 1
		fi
	done
	for need in $(vm_header "$script" wants); do
		"vm_need_${need//-/_}" || vm_log "$VM_NAME: without $need: $VM_NEED_ERR"
	done
	VM_FILES=(${VM_ADDS[@]+"${VM_ADDS[@]}"})
	for f in $(vm_header "$script" add); do
		case $f in /*) VM_FILES+=("$f") ;; *) VM_FILES+=("$LG_REPO/$f") ;; esac
	done
	env=$VM_BUILD/env-$VM_NAME
	{
		echo "LGTEST_NAME='$VM_NAME'"
		echo "LG_KO=/lib/modules/$VM_KREL/extra/lg.ko"
		# Someone at a terminal watches (and may type into) the console.
		if [ -n "${VM_LIVE:-}" ] && [ -t 0 ]; then echo LGTEST_INTERACTIVE=1; fi
	} >"$env"
	VM_FILES+=("$script:$dir/scenario.sh" "$env:$dir/env")
}

# vm_initrd OUT SRC:DST...: the base and an overlay of these files.
vm_initrd() {
	local out=$1
	shift
	vm_pack_files "$VM_BUILD/overlay.cpio.gz" "$(mktemp -d "$VM_BUILD/stage.XXXXXX")" "$@" ||
		return 1
	cat "$VM_BASE_INITRD" "$VM_BUILD/overlay.cpio.gz" >"$out"
}

# vm_verdict NAME LOG RC TIMEOUT: prints the PASS:/FAIL: lines of the
# scenario whose console (or its part of a batch's) is LOG, RC and
# TIMEOUT being how the emulator ended.  Returns non-zero on a failure.
# The console has \r\n and may have kernel messages interleaved, so
# markers are found anywhere in a line.
vm_verdict() {
	local name=$1 log=$2 rc=$3 timeout=$4 results done_seen ok=1
	results=$(tr -d '\r' <"$log" | grep -o 'LGTEST: \(PASS\|FAIL\) .*' |
		  sed -e "s/^LGTEST: PASS \\([^ ]*\\)/PASS: vm $name \\1/" \
		      -e "s/^LGTEST: FAIL \\([^ ]*\\) *\\(.*\\)/FAIL: vm $name \\1 (\\2)/") || true
	tr -d '\r' <"$log" | grep -q 'LGTEST-DONE\|LGTEST-END' && done_seen=1 || done_seen=
	[ -z "$results" ] || echo "$results"
	if [ -z "$done_seen" ]; then
		if [ "$rc" = 124 ]; then
			echo "FAIL: vm $name (no LGTEST-DONE: timed out after ${timeout}s)"
		else
			echo "FAIL: vm $name (no LGTEST-DONE: the emulator exited with status $rc)"
		fi
		ok=
	elif [ -z "$results" ]; then
		echo "FAIL: vm $name (the scenario reported no results)"
		ok=
	elif echo "$results" | grep -q '^FAIL: '; then
		ok=
	fi
	[ -n "$ok" ]
}

# vm_scenario [--live] SCRIPT: boots the test VM with SCRIPT as its job and
# prints its PASS:/FAIL: lines.  --live also shows the console as it goes.
# Returns non-zero if anything failed.
vm_scenario() {
	local live='' script name cpu timeout mem smp kargs qargs accel
	local log initrd rc=0
	if [ "$1" = --live ]; then live=1; shift; fi
	script=$1
	cpu=$(vm_header "$script" cpu | tail -n 1)
	timeout=$(vm_header "$script" timeout | tail -n 1)
	timeout=${timeout:-$VM_TIMEOUT_DEFAULT}
	mem=$(vm_header "$script" memory | tail -n 1)
	smp=$(vm_header "$script" smp | tail -n 1)
	kargs=$(vm_header "$script" kernel-args | tr '\n' ' ')
	qargs=$(vm_header "$script" qemu-args | tr '\n' ' ')
	accel=$(vm_header "$script" accel | tail -n 1)

	VM_LIVE=$live vm_scenario_files "$script" /lgtest || return 1
	name=$VM_NAME
	initrd=$VM_BUILD/initrd-$name.cpio.gz
	if ! vm_initrd "$initrd" "${VM_FILES[@]}"; then
		echo "FAIL: vm $name (could not pack the test VM's initramfs)"
		return 1
	fi

	log=$VM_LOGDIR/$name.log
	local qemu=(qemu-system-x86_64 -accel "${accel:-tcg}" -M pc
		-cpu "${cpu:-$VM_CPU_DEFAULT}" -m "${mem:-$VM_MEMORY_DEFAULT}"
		-smp "${smp:-$VM_SMP_DEFAULT}" -nographic -nic none -no-reboot
		-kernel "$VM_KIMAGE" -initrd "$initrd"
		-append "console=ttyS0 panic=-1 $kargs")
	# shellcheck disable=SC2206
	qemu+=($qargs ${VM_QEMU_ARGS[@]+"${VM_QEMU_ARGS[@]}"})
	vm_log "$name: booting ($VM_KREL, -cpu ${cpu:-$VM_CPU_DEFAULT}, timeout ${timeout}s, console in $log)"
	local t0=$SECONDS
	if [ -n "$live" ]; then
		timeout --foreground -k 5 "$timeout" "${qemu[@]}" | tee "$log"
		rc=${PIPESTATUS[0]}
	else
		timeout -k 5 "$timeout" "${qemu[@]}" </dev/null >"$log" 2>&1 || rc=$?
	fi
	vm_log "$name: QEMU ended after $((SECONDS - t0))s (status $rc)"
	if ! vm_verdict "$name" "$log" "$rc" "$timeout"; then
		[ -n "$live" ] || { echo "    --- last 40 lines of $log ---"
			tr -d '\r' <"$log" | tail -n 40 | sed 's/^/    /'; }
		return 1
	fi
}
