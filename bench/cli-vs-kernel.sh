#!/usr/bin/env bash
# The scale workload, whole process, side by side: `cowscope run` (the jar, with the build's
# class-data-sharing archive) against a C program doing the same in the real kernel
# (src/test/c/kernel_cow_bench.c): populate N pages of anonymous private memory, fork, the child writes
# every page (N copy-on-write faults), the child exits, the parent rewrites every page.
# Alternating kernel / simulator, REPS rounds (default 3); prints the medians and their ratio.
#
#   mvn -B -ntp package -DskipTests -Dfrontend.skip=true     # target/cowscope.jar and .jsa
#   bench/cli-vs-kernel.sh                 # 1 GiB and 2 GiB (262144 and 524288 pages)
#   REPS=5 bench/cli-vs-kernel.sh 262144   # one size, five rounds
#
# COWSCOPE_JAR=PATH measures another jar (its archive: the same name ending .jsa). Needs gcc. Each measure is the wall time of the whole process (JVM start-up included).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${COWSCOPE_JAR:-target/cowscope.jar}
jsa=${COWSCOPE_JSA:-${jar%.jar}.jsa}
reps=${REPS:-3}
[ -f "$jar" ] || { echo "no $jar: build it first (mvn -B -ntp package -DskipTests -Dfrontend.skip=true)" >&2; exit 2; }
out=target/bench
mkdir -p "$out"
gcc -O2 -o "$out/kernel_cow_bench" src/test/c/kernel_cow_bench.c
java_cmd=(java)
if [ -f "$jsa" ]; then java_cmd+=(-XX:SharedArchiveFile="$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off); fi

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(262144 524288)
for pages in "${sizes[@]}"; do
  cow="$out/scale-$pages.cow"
  cat > "$cow" <<COW
title "scale workload: $pages pages"
process parent
parent: buf = mmap $pages
parent: write buf "A"
parent: fork child
child: write buf "B"
expect child.buf[0] == "B"
child: exit
parent: write buf "C"
expect parent.buf[$((pages - 1))] == "C"
COW
  : > "$out/k.$pages"; : > "$out/s.$pages"
  for ((r = 1; r <= reps; r++)); do
    t0=$(now); "$out/kernel_cow_bench" "$pages" > "$out/kernel-$pages.json"; t1=$(now)
    echo $(( (t1 - t0) / 1000000 )) >> "$out/k.$pages"
    t0=$(now); "${java_cmd[@]}" -jar "$jar" run "$cow" --quiet > "$out/sim-$pages.txt"; t1=$(now)
    echo $(( (t1 - t0) / 1000000 )) >> "$out/s.$pages"
  done
  grep -q "2 passed, 0 failed" "$out/sim-$pages.txt" || { echo "the simulator's run failed:" >&2; cat "$out/sim-$pages.txt" >&2; exit 1; }
  k=$(median < "$out/k.$pages"); s=$(median < "$out/s.$pages")
  printf '{"pages":%d,"gib":%s,"rounds":%d,"kernel_ms":[%s],"cowscope_ms":[%s],"kernel_median_ms":%d,"cowscope_median_ms":%d,"ratio":%s,"loadavg":"%s"}\n' \
    "$pages" "$(awk "BEGIN{printf \"%.2f\", $pages*4096/2^30}")" "$reps" \
    "$(paste -sd, "$out/k.$pages")" "$(paste -sd, "$out/s.$pages")" "$k" "$s" \
    "$(awk "BEGIN{printf \"%.3f\", $s/$k}")" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
