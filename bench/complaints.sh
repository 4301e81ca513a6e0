#!/usr/bin/env bash
# bench/complaints.sh — complaint detection measured on labelled sets, one run:
#   1. the shipped evaluation set (tests/fixtures/complaints/eval.csv, business mail);
#   2. the three hand-written sets (holdout*.csv; each was held out for its first measurement,
#      then used for tuning — see the README for the figures before and after);
#   3. the shared dev set ../shared/complaints/complaints_dev.csv when it exists — social-media
#      text read at run time, never copied into the repo: we only report its figures.
# Prints precision and recall per language and category, and the scoring speed.
#
# Usage: bench/complaints.sh   (DEV_SET=/path/to/other.csv to measure another labelled CSV)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dev=${DEV_SET:-$root/../shared/complaints/complaints_dev.csv}
[[ -f $dev ]] || dev=/work/shared/complaints/complaints_dev.csv
if [[ -z "${TW_BIN:-}" ]]; then
    (cd "$root" && cargo build --release --quiet)
    TW_BIN=$root/target/release/tradewind
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/tradewind.toml" <<TOML
[company]
name = "Bench Trading Co., Ltd."
home_country = "CN"
domains = ["bench-trade.cn"]
TOML

fixtures=$root/tests/fixtures/complaints
for set in "$fixtures/eval.csv" "$fixtures/holdout.csv" "$fixtures/holdout2.csv" "$fixtures/holdout3.csv" "$dev"; do
    [[ -f $set ]] || { echo "(no $set)"; continue; }
    echo "== $set"
    start=$(date +%s.%N)
    "$TW_BIN" --config "$work/tradewind.toml" tickets evaluate "$set" 2>"$work/err"
    end=$(date +%s.%N)
    rows=$(grep -o '^[0-9]*' "$work/err" | tail -1)
    awk -v s="$start" -v e="$end" -v n="$rows" 'BEGIN { printf "%d messages in %.2f s, %d messages/s (incl. start-up)\n\n", n, e - s, n / (e - s) }'
done
