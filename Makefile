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

install: launcher
	$(MAKE) -C src/launcher install DESTDIR=$(DESTDIR) BINDIR=$(BINDIR)

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

module-matrix:
	tests/check matrix

check-pkg:
	tests/check pkg

# The main job: boot a guest through lg and lguest-launch in the test VM.
demo:
	tests/vm/demo

clean:
	$(MAKE) -C src/launcher clean
	-$(MAKE) -C src/module clean KDIR=$(KDIR)
	$(MAKE) -C tests/unit clean

.PHONY: all launcher module install deps check check-unit check-vm \
	module-matrix check-pkg demo clean
