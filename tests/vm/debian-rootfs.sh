# SPDX-License-Identifier: GPL-2.0-only
#
# Debian 12 systems made with debootstrap, for the tests that boot or
# install into a real distribution: the packaging test's user machine
# (tests/pkg/rootfs.sh) and the full system lguest-launch boots
# (tests/vm/debian-system/image.sh).  Making one takes minutes, so each is
# made once per set of inputs (the recipe and the versions apt resolves
# today for the packages it names) and kept under the lguest cache.
# Sourced after tests/vm/debian-kernel.sh; needs bash, runs as root.

LG_DEBIAN_MIRROR=${LG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
LG_DEBIAN_SECURITY=${LG_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

# Mounts what kbuild, DKMS and maintainer scripts need inside a chroot and
# records it so lg_chroot_umount can undo it in reverse order.
LG_CHROOT_MOUNTS=()
lg_chroot_mount() {
	local root=$1 d
	for d in proc sys dev dev/pts; do
		mkdir -p "$root/$d"
		case $d in
		proc) mount -t proc proc "$root/proc" ;;
		sys) mount -t sysfs sys "$root/sys" ;;
		dev) mount --bind /dev "$root/dev" ;;
		dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
		esac
		LG_CHROOT_MOUNTS=("$root/$d" "${LG_CHROOT_MOUNTS[@]}")
	done
}

lg_chroot_umount() {
	local m
	for m in "${LG_CHROOT_MOUNTS[@]}"; do
		umount -l "$m" 2>/dev/null || true
	done
	LG_CHROOT_MOUNTS=()
}

# Runs a command in the chroot, without network unless LG_CHROOT_NET=1:
# the packaging test's user story says the install works offline, so the
# test proves it.
lg_chroot() {
	local root=$1
	shift
	local net=(unshare --net)
	[ "${LG_CHROOT_NET:-0}" = 1 ] && net=()
	"${net[@]}" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		chroot "$root" "$@"
}

# The real package behind a kernel meta-package, e.g. linux-image-amd64
# -> linux-image-6.1.0-56-amd64 (lg_meta_target prints it first).
lg_kernel_package() {
	local out
	out=$(lg_meta_target "$1") || return 1
	echo "${out%% *}"
}

# The version apt would install of a package (its candidate).
lg_candidate_version() {
	apt-cache policy "$1" | awk '$1 == "Candidate:" { print $2; exit }'
}

# lg_debian_cached NAME INCLUDES SETUP PACK INPUT...: prints the cached
# folder $LG_CACHE/NAME-KEY, making it if needed (and removing those
# of other keys unused for two weeks).  Making it is
# debootstrap --variant=minbase --include=INCLUDES, apt's sources with
# bookworm-updates and -security (where Debian's current kernels are,
# which debootstrap cannot use), then SETUP ROOT with the chroot mounted
# and apt's lists fetched (run lg_chroot with LG_CHROOT_NET=1 for apt),
# then PACK ROOT DIR unmounted, to leave the products in DIR.  KEY hashes
# this file, SETUP and PACK, and each INPUT: a file's contents, else a
# package's candidate version.
lg_debian_cached() {
	local name=$1 includes=$2 setup=$3 pack=$4 key dir tmp i
	shift 4
	key=$( { cat "${BASH_SOURCE[0]}"
		 declare -f "$setup" "$pack"
		 for i in "$@"; do
			 if [ -f "$i" ]; then cat "$i"; else echo "$i $(lg_candidate_version "$i")"; fi
		 done; } | sha256sum | cut -c1-16)
	dir=$LG_CACHE/$name-$key
	if [ -d "$dir" ]; then
		touch "$dir"
		echo "$dir"
		return 0
	fi
	mkdir -p "$LG_CACHE"
	tmp=$(mktemp -d "$LG_CACHE/$name.XXXXXX")
	# A subshell for the cleanup trap.  Steps are chained with &&, not
	# set -e, which is ignored in the left of "||".
	(
	trap 'lg_chroot_umount; rm -rf --one-file-system "$tmp"' EXIT
	echo "building $name in $tmp (once per set of inputs)" >&2
	debootstrap --variant=minbase --include="$includes" \
		bookworm "$tmp/root" "$LG_DEBIAN_MIRROR" >&2 &&
	printf 'deb %s %s main\n' "$LG_DEBIAN_MIRROR" bookworm "$LG_DEBIAN_MIRROR" \
		bookworm-updates "$LG_DEBIAN_SECURITY" bookworm-security \
		>"$tmp/root/etc/apt/sources.list" &&
	lg_chroot_mount "$tmp/root" &&
	LG_CHROOT_NET=1 lg_chroot "$tmp/root" apt-get -q update >&2 &&
	"$setup" "$tmp/root" &&
	lg_chroot_umount &&
	mkdir "$tmp/out" &&
	"$pack" "$tmp/root" "$tmp/out" &&
	# -T: if a concurrent run made it first, keep that one.
	{ mv -T "$tmp/out" "$dir" 2>/dev/null || [ -d "$dir" ]; }
	) || return 1
	# Those of other inputs, unused for two weeks (hundreds of MiB each).
	find "$LG_CACHE" -mindepth 1 -maxdepth 1 -name "$name-*" -mtime +14 \
		-exec rm -rf --one-file-system {} +
	echo "$dir"
}
