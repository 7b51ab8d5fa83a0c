#!/usr/bin/env bash
# Rerun every benchmark in benchmarks/ and write benchmarks/results/<name>.json
# (and the printed tables to <name>.txt). Run it alone on the machine:
#
#   bash benchmarks/run.sh            # full size (about two and a half hours on 2 cores)
#   bash benchmarks/run.sh --quick    # smoke size, a few minutes; writes <name>-quick.*
#   bash benchmarks/run.sh tutorial overhead   # only the named scripts
#
# Environments, created on first use (set the variables to reuse others):
#   BENCH_VENV   sklstm + benchmarks/requirements.txt   (default: benchmarks/.venv)
#   PEERS_VENV   sklstm + benchmarks/requirements-peers.txt, for peers.py only
#                (darts, neuralforecast; default: benchmarks/.venv-peers)
# Every install uses the project's constraints.txt, so torch stays at the pinned version.
# BENCH_SKIP_INSTALL=1 skips the pip installs into existing environments.
set -uo pipefail
cd "$(dirname "$0")/.."

quick=()
names=()
for arg in "$@"; do
    case "$arg" in
        --quick) quick=(--quick) ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) names+=("${arg%.py}") ;;
    esac
done
# The order they run in; a script that is missing is reported, not fatal.
all=(tutorial seeds overhead scale parallel_search predict_memory ensemble_cost backtest accuracy competitions intervals global_model covariates peers)
[ ${#names[@]} -eq 0 ] && names=("${all[@]}")

BENCH_VENV=${BENCH_VENV:-benchmarks/.venv}
PEERS_VENV=${PEERS_VENV:-benchmarks/.venv-peers}
PYTHON=${PYTHON:-python3}

make_env() {  # make_env DIR REQUIREMENTS-FILE...
    local dir=$1
    shift
    if [ ! -x "$dir/bin/python" ]; then
        echo "== creating $dir"
        "$PYTHON" -m venv "$dir" || return 1
    fi
    [ "${BENCH_SKIP_INSTALL:-0}" = 1 ] && return 0
    local reqs=()
    for file in "$@"; do
        [ -f "$file" ] && reqs+=(-r "$file")
    done
    echo "== installing into $dir: sklstm ${reqs[*]}"
    "$dir/bin/pip" install --quiet -c constraints.txt -e . "${reqs[@]}"
}

main_ready=0
peers_ready=0
failed=()
mkdir -p benchmarks/results
suffix=${quick:+-quick}
for name in "${names[@]}"; do
    script=benchmarks/$name.py
    if [ ! -f "$script" ]; then
        echo "== $name: $script not found, skipped"
        failed+=("$name (missing)")
        continue
    fi
    if [ "$name" = peers ]; then
        if [ $peers_ready = 0 ]; then
            make_env "$PEERS_VENV" benchmarks/requirements-peers.txt && peers_ready=1 || peers_ready=-1
        fi
        [ $peers_ready = 1 ] || { failed+=("peers (install)"); continue; }
        python=$PEERS_VENV/bin/python
    else
        if [ $main_ready = 0 ]; then
            make_env "$BENCH_VENV" benchmarks/requirements.txt && main_ready=1 || main_ready=-1
        fi
        [ $main_ready = 1 ] || { failed+=("$name (install)"); continue; }
        python=$BENCH_VENV/bin/python
    fi
    echo "== $name ($(date '+%H:%M:%S'))"
    start=$SECONDS
    out=benchmarks/results/$name$suffix
    if "$python" "$script" "${quick[@]}" --output "$out.json" 2>&1 | tee "$out.txt"; then
        echo "== $name done in $((SECONDS - start)) s"
    else
        echo "== $name FAILED after $((SECONDS - start)) s"
        failed+=("$name")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "== not completed: ${failed[*]}"
    exit 1
fi
echo "== all benchmarks completed; results in benchmarks/results/"
