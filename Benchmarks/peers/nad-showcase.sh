# Sourced by compare-nad-roadrunner.sh and compare-nad-accuracy.sh: the human NAD+ model's
# showcase 1 as both compare it, and their common set-up. Expects ROOT and PEERS; the functions
# also a `log` function.

MODEL="Models/nad-human.yaml"
UNTIL_H=672     # 28 d; the model's time unit is h
EVERY_H=6
# The benchmark's tolerances, matched in both tools (atol in nadsim's working units).
RTOL=1e-6
ATOL=1e-9

# Builds nadsim (release) and the peers' Python venv with libRoadRunner; sets NADSIM and PY.
nad_build() {
    cd "$ROOT"
    scripts/setup >/dev/null
    log "swift build -c release --product nadsim"
    swift build -c release --product nadsim >&2
    NADSIM="$ROOT/.build/release/nadsim"
    PY="$("$PEERS/python-venv.sh" "import numpy, roadrunner" numpy libroadrunner | tail -n 1)"
}

# Sets `design` to showcase 1's sweep arguments with SAMPLES Latin hypercube samples (6 scenarios
# each: 3 substances x 2 schedules), without tolerances: oral NMN/NR/Nam once or twice daily,
# 0-2000 mg/day, ages 25-85, seed 1, UNTIL_H hours recorded every EVERY_H hours.
nad_design() {
    design=(--model "$MODEL" --fixed route=oral --axis substance=NMN,NR,Nam --axis "schedule=once daily,twice daily"
            --axis daily_dose=0mg..2000mg --axis age=25..85 --design latin_hypercube --seed 1 --samples "$1"
            --until "${UNTIL_H}h" --every "${EVERY_H}h")
}

# Writes libRoadRunner's inputs (not timed) into DIR: the SBML export and every row's constants,
# starting state and doses (`nadsim export scenarios` with `design` and any further arguments).
nad_export() {
    local dir=$1; shift
    log "nadsim export sbml / export scenarios"
    "$NADSIM" export sbml --model "$MODEL" --out "$dir/nad-human.xml"
    "$NADSIM" export scenarios "${design[@]}" "$@" --out "$dir/inputs"
}
