# SPDX-License-Identifier: GPL-2.0-only
# Top-level entry points: build, install, tests, demo, packages.
VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
KDIR ?= /lib/modules/$(shell uname -r)/build

all: launcher module

launcher:
	$(MAKE) -C src/launcher

module:
	$(MAKE) -C src/module KDIR=$(KDIR)

# Installation, laid out as a packager expects: everything below PREFIX
# and DESTDIR, each directory overridable on the command line.  udev,
# sysusers.d and modprobe.d are read only below /usr (or /lib on
# Debian 12), so packages install with PREFIX=/usr.  The module source
# goes to DKMSDIR (DKMS reads /usr/src only).  The default guest
# (bzImage, initramfs, the config it was built from) is installed only
# when DEFAULT_GUEST names the folder `make default-guest` filled.
DATADIR ?= $(PREFIX)/share
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
MODPROBEDIR ?= $(PREFIX)/lib/modprobe.d
BASHCOMPDIR ?= $(shell pkg-config --define-variable=datadir=$(DATADIR) \
	--variable=completionsdir bash-completion 2>/dev/null || \
	echo $(DATADIR)/bash-completion/completions)
DKMSDIR ?= /usr/src/lguest-$(VERSION)
DEFAULT_GUEST ?=
# The man pages name the installed paths.
MANSUBST = -e 's|@VERSION@|$(VERSION)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
	-e 's|@UDEVRULESDIR@|$(UDEVRULESDIR)|g' -e 's|@MODPROBEDIR@|$(MODPROBEDIR)|g'

install: install-bin install-data install-dkms

install-bin: launcher
	$(MAKE) -C src/launcher install DESTDIR=$(DESTDIR) BINDIR=$(BINDIR)

install-data:
	for page in man/*.[1-8]; do \
		sec=$${page##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$sec && \
		sed $(MANSUBST) $$page > $(DESTDIR)$(MANDIR)/man$$sec/$${page#man/} || exit 1; \
	done
	install -D -m 0644 completion/lguest-launch $(DESTDIR)$(BASHCOMPDIR)/lguest-launch
	install -D -m 0644 data/60-lguest.rules $(DESTDIR)$(UDEVRULESDIR)/60-lguest.rules
	install -D -m 0644 data/lguest.sysusers $(DESTDIR)$(SYSUSERSDIR)/lguest.conf
	install -D -m 0644 data/lguest-modprobe.conf $(DESTDIR)$(MODPROBEDIR)/lguest.conf
	install -d $(DESTDIR)$(DATADIR)/lguest
	install -m 0644 guest/config.fragment $(DESTDIR)$(DATADIR)/lguest/
	install -m 0755 guest/build-kernel guest/build-initramfs guest/init \
		$(DESTDIR)$(DATADIR)/lguest/
	if [ -n "$(DEFAULT_GUEST)" ]; then \
		install -m 0644 $(DEFAULT_GUEST)/bzImage $(DEFAULT_GUEST)/initramfs.cpio.gz \
			$(DEFAULT_GUEST)/config-6.1 $(DESTDIR)$(DATADIR)/lguest/; \
	elif [ -f guest/config-6.1 ]; then \
		install -m 0644 guest/config-6.1 $(DESTDIR)$(DATADIR)/lguest/; \
	fi

# Only the module's sources: never a build product of the work tree.
install-dkms:
	install -d $(DESTDIR)$(DKMSDIR)
	sed 's|@VERSION@|$(VERSION)|g' dkms.conf > $(DESTDIR)$(DKMSDIR)/dkms.conf
	install -m 0644 VERSION $(DESTDIR)$(DKMSDIR)/
	find src/module src/include -type f \( -name '*.[chS]' -o -name Kbuild \
		-o -name Makefile \) ! -name '*.mod.c' \
		-exec install -D -m 0644 {} $(DESTDIR)$(DKMSDIR)/{} \;

# The packaged default guest: the guest kit's kernel (cached by
# guest/build-kernel, minutes the first time), the config it was built
# from, and the busybox initramfs.
DEFAULT_GUEST_OUT ?= build/default-guest
default-guest:
	mkdir -p $(DEFAULT_GUEST_OUT)
	kernel=$$(guest/build-kernel --save-config $(DEFAULT_GUEST_OUT)/config-6.1) && \
		cp "$$kernel" $(DEFAULT_GUEST_OUT)/bzImage
	guest/build-initramfs -o $(DEFAULT_GUEST_OUT)/initramfs.cpio.gz

# Packages, built from a clean copy of the sources (no build products of
# the work tree can leak in) into OUT.
OUT ?= out
deb:
	OUT=$(OUT) debian/build-deb

rpm:
	OUT=$(OUT) rpm/build-rpm

# Installs every build and test dependency from Debian's archive.
deps:
	tests/install-deps

# Everything CI runs; ends with "N passed, N failed".
check:
	tests/check

check-unit:
	tests/check unit

check-vm:
	tests/check vm

check-fuzz:
	tests/check fuzz

module-matrix:
	tests/check matrix

check-pkg:
	tests/check pkg

# lguest-launch against QEMU+KVM in the test VM: a table, build/bench.json
# and build/bench.svg (tests/bench/run; README.md, "Benchmark").
bench:
	tests/bench/run

bench-smoke:
	tests/bench/run --smoke

# The main job: boot a guest through lg and lguest-launch in the test VM.
demo:
	tests/vm/demo

clean:
	$(MAKE) -C src/launcher clean
	-$(MAKE) -C src/module clean KDIR=$(KDIR)
	$(MAKE) -C tests/unit clean

.PHONY: all launcher module install install-bin install-data install-dkms \
	default-guest deb rpm deps check check-unit check-vm check-fuzz \
	module-matrix check-pkg bench bench-smoke demo clean
