#!/usr/bin/env bash
# Sweep throughput and memory, measured with the release CLI as users run it.
#
# 1. Showcase 1 (oral NMN/NR/Nam, 0–2000 mg/day once or twice daily, ages 25–85, 28 days, the
#    human NAD+ model): a Latin hypercube over daily dose and age crossed with substance ×
#    schedule, 10^3 and 10^4 scenarios on all cores, and 10^3 on one core, with the default
#    (bdf, four scenarios at a time in SIMD lanes); then 10^3 with bdf --no-lanes (one at a time),
#    rodas5p (in lanes) and rodas5p --no-lanes, on 1 and all cores.
# 2. Scaling and memory of the sweep machinery itself: the one-compartment example model
#    (Models/examples/one-compartment-oral.yaml, cheap runs) for 10^3 … 10^6 scenarios with
#    summary output; wall time and peak RSS (GNU time's %M).
#
# Writes Benchmarks/results/sweep-scaling.md. Usage: Benchmarks/sweep-scaling.sh [--quick]
# (--quick: 10^3 only for showcase 1, up to 10^5 for the scaling runs).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}
scripts/setup >/dev/null
swift build -c release --product nadsim >/dev/null
nadsim=.build/release/nadsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "sweep-scaling: needs GNU time (apt-get install time)" >&2; exit 1; }

run() {  # label scenarios jobs -- sweep arguments; prints a markdown row
  local label=$1 scenarios=$2 jobs=$3; shift 4
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time" "$nadsim" sweep "$@" --jobs "$jobs" --out "$work/out" --quiet
  read -r seconds rss <"$work/time"
  local rows; rows=$(($(wc -l <"$work/out/summary.csv") - 1))
  [[ $rows == "$scenarios" ]] || { echo "sweep-scaling: expected $scenarios rows, found $rows" >&2; exit 1; }
  awk -v l="$label" -v n="$scenarios" -v j="$jobs" -v s="$seconds" -v m="$rss" \
    'BEGIN { printf "| %s | %d | %d | %.1f | %.1f | %.1f | %.0f |\n", l, n, j, s, n / s, n / s / j, m / 1024 }'
}

showcase=(--model Models/nad-human.yaml --fixed route=oral --axis substance=NMN,NR,Nam
          --axis "schedule=once daily,twice daily" --axis daily_dose=0mg..2000mg --axis age=25..85
          --design latin_hypercube --seed 1 --until 28d --every 6h
          --observable whole_blood_nad,nad_liver,nad_muscle,nad_skin)
cheap=(--model Models/examples/one-compartment-oral.yaml --fixed route=oral --fixed substance=drug
       --axis dose=1mg..1000mg --axis body_weight=40..120 --design latin_hypercube --seed 1 --until 24h --every 1h)

out=Benchmarks/results/sweep-scaling.md
{
  echo "# Sweep throughput and memory"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "nadsim $(git rev-parse --short HEAD), release build, by \`Benchmarks/sweep-scaling.sh $quick\`."
  echo "Wall time includes start-up, model compilation and writing the files. Showcase 1 scenario"
  echo "counts are 6 substance × schedule combinations times the Latin hypercube samples."
  echo
  echo "| sweep | scenarios | jobs | wall s | scenarios/s | per core | peak RSS MiB |"
  echo "|---|---|---|---|---|---|---|"
  run "showcase 1 (nad-human, 28 d), bdf (lanes)" 1002 1 -- "${showcase[@]}" --samples 167
  run "showcase 1 (nad-human, 28 d), bdf (lanes)" 1002 "$(nproc)" -- "${showcase[@]}" --samples 167
  if [[ $quick != --quick ]]; then
    run "showcase 1 (nad-human, 28 d), bdf (lanes)" 10002 "$(nproc)" -- "${showcase[@]}" --samples 1667
  fi
  for variant in "bdf --no-lanes" "rodas5p" "rodas5p --no-lanes"; do
    read -r -a flags <<<"--method $variant"
    run "showcase 1 (nad-human, 28 d), $variant" 1002 1 -- "${showcase[@]}" --samples 167 "${flags[@]}"
    run "showcase 1 (nad-human, 28 d), $variant" 1002 "$(nproc)" -- "${showcase[@]}" --samples 167 "${flags[@]}"
  done
  for n in 1000 10000 100000 1000000; do
    [[ $quick == --quick && $n == 1000000 ]] && continue
    run "one-compartment (24 h)" "$n" "$(nproc)" -- "${cheap[@]}" --samples "$n"
  done
} | tee "$out"
echo "wrote $out" >&2
