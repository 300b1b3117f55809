# SPDX-License-Identifier: GPL-2.0-only
# Multiboot (v1) kernels boot as with QEMU's -kernel: our test kernel
# (tests/vm/multiboot/mbtest.c), as a 32-bit ELF and as a flat image
# placed by its header's address fields, starts in 32-bit protected mode
# with paging and interrupts off and the boot magic, finds the memory
# sizes and map, its command line, the initrd as its module and the
# loader's name, and exits through QEMU's isa-debug-exit port: status
# (21 << 1) | 1.
# needs: launcher multiboot

lgtest_check insmod insmod "$LG_KO" || exit 0
printf 'the module says hello\nsecond line\n' >/tmp/module.txt
size=$(printf '%x' "$(wc -c </tmp/module.txt)")

for k in elf bin; do
	out=$(lguest-launch -m 64M -i /tmp/module.txt -a "exit=21" /multiboot/mbtest.$k 2>&1 </dev/null)
	rc=$?
	field() { printf '%s\n' "$out" | tr -d '\r' | sed -n "s/^MBTEST $1 //p" | head -n 1; }
	check() {	# NAME WHAT WANT
		[ "$(field "$2")" = "$3" ] && lgtest_pass "$k-$1" ||
			lgtest_fail "$k-$1" "$2 is '$(field "$2")', want '$3'"
	}
	[ $rc = 43 ] && lgtest_pass $k-isa-debug-exit-43 ||
		lgtest_fail $k-isa-debug-exit-43 "status $rc: $(printf '%s\n' "$out" | tail -n 3 | tr '\n' ' ')"
	check boot-magic magic 0x2badb002
	check protected-mode cr0-pe 0x1
	check paging-off cr0-pg 0x0
	check interrupts-off eflags-if 0x0
	check mem-lower mem-lower-kib 0x27c
	check mem-upper mem-upper-kib 0xfc00
	check cmdline cmdline "/multiboot/mbtest.$k exit=21"
	check one-module mods 0x1
	check module-size module-size 0x$size
	check module-text module-text "the module says hello"
	check module-name module-string /tmp/module.txt
	check loader-name loader lguest-launch
	mmap=$(printf '%s\n' "$out" | tr -d '\r' | sed -n 's/^MBTEST mmap //p' | tr '\n' ';')
	[ "$mmap" = "0x0 0x9f000 0x1;0x9f000 0x61000 0x2;0x100000 0x3f00000 0x1;" ] &&
		lgtest_pass $k-memory-map || lgtest_fail $k-memory-map "map '$mmap'"
	start=$(field module-start)
	[ $((start & 0xfff)) = 0 ] && [ $((start)) -ge $((0x100000)) ] &&
		lgtest_pass $k-module-page-aligned ||
		lgtest_fail $k-module-page-aligned "module at '$start'"
done

lgtest_host_clean
lgtest_check rmmod rmmod lg
