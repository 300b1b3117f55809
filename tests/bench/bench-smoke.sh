# SPDX-License-Identifier: GPL-2.0-only
# The benchmark's smoke run (make bench-smoke: tests/bench/run --smoke),
# a test VM scenario as tests/vm/scenarios/ has them: one round of
# its boot figures on each side, lguest-launch and QEMU microvm+KVM, each
# with a boot time and a guest that found its virtio console and entropy
# source (and, with 2 vCPUs, both CPUs), and report.awk's JSON of them
# well-formed (about 40 s).  Only that
# the harness works is checked, never a figure.
# needs: launcher qemu bench-guest
# smp: 2
# memory: 3072
# timeout: 600
# add: tests/bench/bench.sh:/lgtest/bench.sh
# add: tests/bench/report.awk:/lgtest/report.awk

BENCH_ROUNDS=1 BENCH_FIGURES="boot smp"
( . /lgtest/bench.sh ) | tee /tmp/bench.out
for side in lguest qemu; do
	grep -q "^LGRESULT boot $side 1 init_ms=[0-9].* virtio_devices=[2-9]" /tmp/bench.out &&
		lgtest_pass boot-$side ||
		lgtest_fail boot-$side "no boot time: $(grep "LGRESULT boot $side" /tmp/bench.out)"
	grep -q "^LGRESULT smp $side 1 init_ms=[0-9].* cpus=2" /tmp/bench.out &&
		lgtest_pass smp-boot-$side ||
		lgtest_fail smp-boot-$side "no 2-vCPU boot: $(grep "LGRESULT smp $side" /tmp/bench.out)"
done
awk -v json=/tmp/bench.json -f /lgtest/report.awk /tmp/bench.out
lgtest_check json-well-formed json-check </tmp/bench.json
