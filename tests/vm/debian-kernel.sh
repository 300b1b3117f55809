# SPDX-License-Identifier: GPL-2.0-only
#
# Finds Debian's kernels by their meta-packages, never by ABI number.
# Security updates move the ABI (linux-image-6.1.0-NN-amd64) and old
# packages leave the archive, so the module matrix and the test VM both
# ask apt at run time which real package a meta-package points to.
# Sourced by tests/vm/lib.sh and tests/matrix/run; needs `set -eu`.

LG_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/lguest
LG_SID_MIRROR=${LG_SID_MIRROR:-http://deb.debian.org/debian}

# apt-get waits for a dpkg lock held by a concurrent apt instead of failing.
lg_apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 "$@"
}

# The package a kernel meta-package depends on and its version, as
# "PKG VERSION", e.g. linux-image-amd64 -> "linux-image-6.1.0-56-amd64
# 6.1.192-2".  One apt-cache call (each takes seconds: this machine keeps
# no pkgcache.bin).  Runs apt-get update once if the lists do not know
# the meta-package.
lg_meta_target() {
	local meta=$1 out
	out=$(lg_meta_show "$meta")
	if [ -z "$out" ] && [ -z "${LG_APT_UPDATED:-}" ]; then
		LG_APT_UPDATED=1
		lg_apt_get update >&2
		out=$(lg_meta_show "$meta")
	fi
	[ -n "$out" ] || { echo "cannot resolve $meta with apt-cache" >&2; return 1; }
	echo "$out"
}

lg_meta_show() {
	apt-cache show --no-all-versions "$1" 2>/dev/null | awk '
		$1 == "Version:" && !ver { ver = $2 }
		$1 == "Depends:" && !dep {
			n = split(substr($0, 10), alts, /[,|]/)
			for (i = 1; i <= n; i++) {
				if (match(alts[i], /linux-(image|headers)-[^ (]+/)) {
					dep = substr(alts[i], RSTART, RLENGTH)
					if (match(alts[i], /\(= [^)]+\)/))
						depver = substr(alts[i], RSTART + 3, RLENGTH - 4)
					break
				}
			}
		}
		END { if (dep) print dep, (depver ? depver : ver) }'
}

# Meta-package suffix for a flavour: "" is Debian 12's default kernel,
# "6.12" is linux-*-6.12-amd64 from bookworm-security.
lg_flavour_meta() {
	local kind=$1 flavour=${2:-}
	if [ -z "$flavour" ] || [ "$flavour" = default ]; then
		echo "linux-$kind-amd64"
	else
		echo "linux-$kind-$flavour-amd64"
	fi
}

# Makes sure the headers for kernel release $1 (uname -r form) are on the
# host and prints their kbuild directory.
lg_host_headers() {
	local pkg="linux-headers-$1"
	if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
		echo "installing $pkg on the host" >&2
		lg_apt_get install -y --no-install-recommends "$pkg" >&2 ||
			{ lg_apt_get update >&2 &&
			  lg_apt_get install -y --no-install-recommends "$pkg" >&2; }
	fi
	[ -f "/usr/src/$pkg/Makefile" ] || { echo "no /usr/src/$pkg" >&2; return 1; }
	echo "/usr/src/$pkg"
}

# Copies the module's sources (not its build products) into $1, laid out
# as in the repository so Kbuild's relative paths still hold.
lg_copy_module_src() {
	local repo=$1 dst=$2
	mkdir -p "$dst/src"
	cp "$repo/VERSION" "$dst/"
	tar -C "$repo/src" --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	    --exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order \
	    --exclude=Module.symvers --exclude='.*.d' --exclude='*.tmp' \
	    -cf - module include | tar -C "$dst/src" -xf -
}

# Sets SID_ROOT to this week's sid chroot with gcc, make and
# linux-headers-amd64, bootstrapping it first if needed (shared by the
# module matrix and the test VM's sid kernel).  Called in an
# `if`, where bash ignores `set -e`: every step checks for itself.
lg_sid_chroot() {
	local base=$LG_CACHE/chroot root tmp old
	root=$base/sid-$(date -u +%G-W%V)
	SID_ROOT=$root
	mkdir -p "$base" || return 1
	exec 9>"$base/.lock"
	flock 9 || return 1
	if [ ! -f "$root/.lg-ready" ]; then
		tmp=$root.tmp
		if mountpoint -q "$tmp/proc"; then umount -l "$tmp/proc"; fi
		rm -rf --one-file-system "$tmp" || return 1
		echo "bootstrapping a sid chroot in $root (about a minute)"
		debootstrap --variant=minbase sid "$tmp" "$LG_SID_MIRROR" || return 1
		# apt in the chroot resolves the headers' dependencies (their
		# gcc-NN, kbuild, -common) better than debootstrap --include.
		# The archive this machine reaches may be a snapshot whose sid
		# Release is past its Valid-Until: debootstrap does not check
		# that, apt does.
		cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null
		mount -t proc proc "$tmp/proc" || return 1
		chroot "$tmp" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive \
			sh -c 'apt-get -q -o Acquire::Check-Valid-Until=false update &&
				apt-get -q install -y \
				--no-install-recommends gcc make linux-headers-amd64 &&
				apt-get clean' || { umount "$tmp/proc"; return 1; }
		umount "$tmp/proc" || return 1
		touch "$tmp/.lg-ready" && mv "$tmp" "$root" || return 1
		for old in "$base"/sid-*; do
			[ "$old" = "$root" ] || [ ! -d "$old" ] ||
				mountpoint -q "$old/proc" || rm -rf --one-file-system "$old"
		done
	fi
	flock -u 9
}
