# SPDX-License-Identifier: GPL-2.0-only
# The device bus and the legacy PC devices of lguest-launch, each driven
# through the bus exactly as the vCPU loop drives it.
LEGACY_DIR := $(ROOT)/src/launcher/legacy
LEGACY_COMMON := test_legacy_vm.c $(ROOT)/src/launcher/bus.c

UNIT_TESTS += test_bus test_legacy_serial test_legacy_i8042 test_legacy_rtc \
	      test_legacy_debug_exit test_legacy_testdev test_legacy_ioapic test_legacy_pci

test_bus_SRCS := test_bus.c $(LEGACY_COMMON)
test_legacy_serial_SRCS := test_legacy_serial.c $(LEGACY_COMMON) \
	$(LEGACY_DIR)/serial.c $(LEGACY_DIR)/ioapic.c
test_legacy_i8042_SRCS := test_legacy_i8042.c $(LEGACY_COMMON) $(LEGACY_DIR)/i8042.c
test_legacy_rtc_SRCS := test_legacy_rtc.c $(LEGACY_COMMON) $(LEGACY_DIR)/rtc.c
test_legacy_debug_exit_SRCS := test_legacy_debug_exit.c $(LEGACY_COMMON) \
	$(LEGACY_DIR)/debug_exit.c
test_legacy_testdev_SRCS := test_legacy_testdev.c $(LEGACY_COMMON) \
	$(LEGACY_DIR)/testdev.c
test_legacy_ioapic_SRCS := test_legacy_ioapic.c $(LEGACY_COMMON) $(LEGACY_DIR)/ioapic.c
test_legacy_pci_SRCS := test_legacy_pci.c $(LEGACY_COMMON) $(LEGACY_DIR)/pci.c
