# SPDX-License-Identifier: GPL-2.0-only
#
# The benchmark's chart (build/bench.svg), from report.awk's data file:
# one bar per figure, the median lguest/QEMU ratio on a log scale, green
# where lguest did better, red where it lost (for times, memory and exits
# lower is better; for rates and throughput higher), grey where equal.
#   gnuplot -e "dat='FILE'; out='build/bench.svg'; sub='...'" tests/bench/chart.gp
set terminal svg size 1100,700 dynamic font "sans,11" background "white"
set output out
set title "lguest-launch / QEMU microvm+KVM, medians (1 = equal)\n{/*0.8 ".sub."}"
set style fill solid 0.8 border -1
set boxwidth 0.7
set logscale y 2
set yrange [*:*]
set ylabel "ratio lguest / QEMU"
set xtics rotate by -40 left nomirror font ",9"
set grid ytics
set bmargin 14
set rmargin 16
unset key
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" dt 2
plot dat using 1:3:($4 > 1.5 ? 0x999999 : $4 > 0.5 ? 0x2e8b57 : 0xc0392b):xtic(2) with boxes lc rgb variable, \
     dat using 1:3:(sprintf("%.2f", $3)) with labels offset 0,0.7 font ",9"
