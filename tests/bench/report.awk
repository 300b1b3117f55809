# SPDX-License-Identifier: GPL-2.0-only
#
# Turns the benchmark's "LGRESULT FIGURE SIDE ROUND key=value..." lines
# (tests/bench/bench.sh) into its report: a table on stdout, every figure
# with its runs, median, min and max as JSON (-v json=FILE), and the
# lguest/QEMU ratios as a gnuplot data file (-v dat=FILE); -v complete=0
# says the scenario did not run to its end.  POSIX awk, so
# that busybox runs it too (the bench-smoke scenario).  Nothing here
# judges a figure against a threshold: a ratio says which side did
# better, that is all.

function num(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?$/ }
function add(key, v) { vals[key, ++cnt[key]] = v; keys[key] = 1 }
# stat(KEY): sets S_MED, S_MIN, S_MAX and S_N from KEY's values.
function stat(key,    n, i, j, a, t) {
	n = cnt[key] + 0
	S_N = n
	if (!n) return 0
	for (i = 1; i <= n; i++) a[i] = vals[key, i] + 0
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	S_MIN = a[1]; S_MAX = a[n]
	S_MED = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	return 1
}
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function jnum(v) { return sprintf("%.6g", v) }
function jstat(key,    i, s) {
	if (!stat(key)) return "null"
	s = "{\"runs\": ["
	for (i = 1; i <= cnt[key]; i++) s = s (i > 1 ? ", " : "") jnum(vals[key, i])
	return s "], \"median\": " jnum(S_MED) ", \"min\": " jnum(S_MIN) ", \"max\": " jnum(S_MAX) "}"
}
function fmt(v) { return v >= 100 ? sprintf("%.0f", v) : v >= 10 ? sprintf("%.1f", v) : sprintf("%.2f", v) }
function cell(key) { return stat(key) ? sprintf("%s [%s-%s]", fmt(S_MED), fmt(S_MIN), fmt(S_MAX)) : "-" }
# kinds(SIDE, PREFIX, TOTAL, SKIP): the hold runs' counters named PREFIX*
# for SIDE, medians, largest first, with their share of TOTAL's median.
function kinds(side, prefix, total, skip,    key, part, n, i, j, name, med, t, line, tot) {
	if (!stat("hold" SUBSEP side SUBSEP total)) return ""
	tot = S_MED
	n = 0
	for (key in keys) {
		split(key, part, SUBSEP)
		if (part[1] != "hold" || part[2] != side || index(part[3], prefix) != 1 ||
		    part[3] == total || part[3] == skip || !stat(key) || S_MED == 0) continue
		n++; name[n] = substr(part[3], length(prefix) + 1); med[n] = S_MED
	}
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && med[j - 1] < med[j]; j--) {
			t = med[j]; med[j] = med[j - 1]; med[j - 1] = t
			t = name[j]; name[j] = name[j - 1]; name[j - 1] = t
		}
	for (i = 1; i <= n; i++)
		line = line (i > 1 ? ", " : "") sprintf("%s %s (%d%%)", name[i], fmt(med[i]), 100 * med[i] / tot + 0.5)
	return line
}
function cmp(name, fig, lkey, qkey, unit, better) {
	nc++
	C_NAME[nc] = name; C_FIG[nc] = fig; C_L[nc] = fig SUBSEP "lguest" SUBSEP lkey
	C_Q[nc] = fig SUBSEP "qemu" SUBSEP qkey; C_UNIT[nc] = unit; C_BETTER[nc] = better
}

BEGIN {
	cmp("boot: start to guest init", "boot", "init_ms", "init_ms", "ms", "lower")
	cmp("boot: start to VMM exit (init, reboot)", "boot", "exit_ms", "exit_ms", "ms", "lower")
	cmp("boot, 2 vCPUs: start to guest init", "smp", "init_ms", "init_ms", "ms", "lower")
	cmp("boot, 2 vCPUs: start to VMM exit", "smp", "exit_ms", "exit_ms", "ms", "lower")
	cmp("boot: Debian to multi-user.target (QEMU q35)", "debian", "multi_user_ms", "multi_user_ms", "ms", "lower")
	cmp("boot: Debian to VMM exit (poweroff, QEMU q35)", "debian", "exit_ms", "exit_ms", "ms", "lower")
	cmp("memory: total RSS at init", "hold", "rss_kb", "rss_kb", "KiB", "lower")
	cmp("memory: guest RAM resident", "hold", "guest_rss_kb", "guest_rss_kb", "KiB", "lower")
	cmp("memory: VMM overhead (RSS - guest RAM)", "hold", "overhead_kb", "overhead_kb", "KiB", "lower")
	cmp("exits to init: all", "hold", "lg_exits", "kvm_exits", "exits", "lower")
	cmp("exits to init: port I/O to userspace", "hold", "lg_io", "kvm_io_exits", "exits", "lower")
	cmp("exits to init: MMIO to userspace", "hold", "lg_mmio", "kvm_mmio_exits", "exits", "lower")
	cmp("exits to init: HLT", "hold", "lg_hlt", "kvm_halt_exits", "exits", "lower")
	cmp("exits to init: host interrupts", "hold", "lg_host_intr", "kvm_irq_exits", "exits", "lower")
	cmp("exits to init: nested page faults", "hold", "lg_npf", "kvm_pf_taken", "exits", "lower")
	cmp("cpu: loop time in the guest", "cpu", "loop_ms", "loop_ms", "ms", "lower")
	cmp("cpu: guest/native", "cpu", "vs_native", "vs_native", "x", "lower")
	cmp("start rate: one after another", "rate_seq", "per_min", "per_min", "VMs/min", "higher")
	cmp("start rate: 4 at once", "rate_par", "per_min", "per_min", "VMs/min", "higher")
	cmp("disk: sequential write", "disk", "seqwrite_mbs", "seqwrite_mbs", "MB/s", "higher")
	cmp("disk: sequential read", "disk", "seqread_mbs", "seqread_mbs", "MB/s", "higher")
	cmp("disk: 4 KiB random read", "disk", "randread_iops", "randread_iops", "IOPS", "higher")
	cmp("net user: TCP guest to test VM", "net_user", "up_mbit_s", "up_mbit_s", "Mbit/s", "higher")
	cmp("net user: TCP test VM to guest", "net_user", "down_mbit_s", "down_mbit_s", "Mbit/s", "higher")
	cmp("net user: ping to the gateway", "net_user", "ping_ms", "ping_ms", "ms", "lower")
	cmp("net tap: TCP guest to test VM", "net_tap", "up_mbit_s", "up_mbit_s", "Mbit/s", "higher")
	cmp("net tap: TCP test VM to guest", "net_tap", "down_mbit_s", "down_mbit_s", "Mbit/s", "higher")
	cmp("net tap: ping to the test VM", "net_tap", "ping_ms", "ping_ms", "ms", "lower")
}

$1 == "LGRESULT" {
	fig = $2; side = $3; r = $4
	if (fig == "env") {
		for (i = 5; i <= NF; i++) { split($i, kv, "="); env[kv[1]] = substr($i, length(kv[1]) + 2) }
		next
	}
	figs[fig] = 1; sides[fig, side] = 1
	for (i = 5; i <= NF; i++) {
		p = index($i, "="); if (!p) continue
		k = substr($i, 1, p - 1); v = substr($i, p + 1)
		if (k == "error") { nerr++; err[nerr] = fig " " side " round " r ": " v; continue }
		if (v == "x") { nerr++; err[nerr] = fig " " side " round " r ": no " k; continue }
		if (!num(v)) continue
		add(fig SUBSEP side SUBSEP k, v)
		round[fig, side, k, r] = v
		if (r > maxr) maxr = r
	}
}

END {
	# The CPU loop against the same loop in the test VM, round by round.
	for (s = 1; s <= 2; s++) {
		side = s == 1 ? "lguest" : "qemu"
		for (r = 1; r <= maxr; r++)
			if (("cpu", side, "loop_ms", r) in round && ("cpu", "native", "loop_ms", r) in round &&
			    round["cpu", "native", "loop_ms", r] > 0)
				add("cpu" SUBSEP side SUBSEP "vs_native",
				    round["cpu", side, "loop_ms", r] / round["cpu", "native", "loop_ms", r])
	}

	printf "%-46s %-26s %-26s %8s  %s\n", "figure (median [min-max])", "lguest", "QEMU microvm+KVM", "lg/QEMU", ""
	for (c = 1; c <= nc; c++) {
		if (!(C_L[c] in keys) && !(C_Q[c] in keys)) continue
		l = stat(C_L[c]) ? S_MED : ""; q = stat(C_Q[c]) ? S_MED : ""
		ratio = l != "" && q != "" && q != 0 ? l / q : ""
		verdict = ""
		if (ratio != "" && ratio != 1)
			verdict = (C_BETTER[c] == "lower") == (ratio < 1) ? "lguest better" : "LGUEST LOSES"
		R[c] = ratio; V[c] = verdict
		printf "%-46s %-26s %-26s %8s  %s\n", C_NAME[c] " (" C_UNIT[c] ")", cell(C_L[c]), cell(C_Q[c]),
		       ratio == "" ? "-" : sprintf("%.2f", ratio), verdict
		if (dat != "" && ratio != "")
			printf "%d \"%s\" %.4f %d\n", c, C_NAME[c], ratio,
			       verdict == "lguest better" ? 1 : verdict == "" ? 2 : 0 > dat
	}
	if (("cpu" SUBSEP "native" SUBSEP "loop_ms") in keys)
		printf "%-46s %-26s\n", "cpu: loop time in the test VM itself (ms)", cell("cpu" SUBSEP "native" SUBSEP "loop_ms")
	# The why behind the exit figures: what the exits to init were.
	if ((line = kinds("lguest", "lg_", "lg_exits", "lg_user_exits")) != "")
		print "lguest exits to init by kind (medians, share of all): " line
	if ((line = kinds("qemu", "kvm_", "kvm_exits", "")) != "")
		print "KVM counters at init (medians, share of all exits; they overlap): " line
	for (i = 1; i <= nerr; i++) print "error: " err[i]
	if (complete == "0")
		print "INCOMPLETE: the test VM's scenario did not finish (its console has why): figures are missing"

	if (json == "") exit
	printf "{\n  \"where\": %s,\n", jstr("nested: both hypervisors run in one QEMU TCG test VM with emulated SVM; the figures are relative") > json
	printf "  \"complete\": %s,\n", complete == "0" ? "false" : "true" > json
	printf "  \"env\": {" > json
	n = 0
	for (k in env) printf "%s%s: %s", n++ ? ", " : "", jstr(k), env[k] ~ /^[0-9]+$/ ? env[k] : jstr(env[k]) > json
	printf "},\n  \"comparisons\": [" > json
	n = 0
	for (c = 1; c <= nc; c++) {
		if (!(C_L[c] in keys) && !(C_Q[c] in keys)) continue
		printf "%s\n    {\"name\": %s, \"unit\": %s, \"better\": %s, \"lguest\": %s, \"qemu\": %s, \"ratio_lguest_qemu\": %s, \"verdict\": %s}",
		       n++ ? "," : "", jstr(C_NAME[c]), jstr(C_UNIT[c]), jstr(C_BETTER[c]), jstat(C_L[c]),
		       jstat(C_Q[c]), R[c] == "" ? "null" : jnum(R[c]), jstr(V[c]) > json
	}
	printf "\n  ],\n  \"figures\": {" > json
	nf = 0
	for (f in figs) {
		printf "%s\n    %s: {", nf++ ? "," : "", jstr(f) > json
		ns = 0
		for (s = 1; s <= 3; s++) {
			side = s == 1 ? "lguest" : s == 2 ? "qemu" : "native"
			if (!((f, side) in sides)) continue
			printf "%s\n      %s: {", ns++ ? "," : "", jstr(side) > json
			nk = 0
			for (key in keys) {
				split(key, part, SUBSEP)
				if (part[1] != f || part[2] != side) continue
				printf "%s%s: %s", nk++ ? ", " : "", jstr(part[3]), jstat(key) > json
			}
			printf "}" > json
		}
		printf "\n    }" > json
	}
	printf "\n  },\n  \"errors\": [" > json
	for (i = 1; i <= nerr; i++) printf "%s%s", (i > 1 ? ", " : ""), jstr(err[i]) > json
	printf "]\n}\n" > json
}
