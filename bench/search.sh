#!/usr/bin/env bash
# Search benchmark (issue 4): tradewind `import mail` + index vs `notmuch new` and `mu index`
# on one Maildir, then a fixed query set vs `notmuch search` and `mu find`, in one run.
#
#   bench/search.sh [MESSAGES] [WORKDIR]      (defaults: 100000, /tmp/tw-bench-search)
#   REUSE=1 bench/search.sh ...               (keep WORKDIR's Maildir and indexes: queries only)
#   REUSE=tw bench/search.sh ...              (keep the Maildir and the peers' indexes and
#                                              figures; index again with tradewind, then query)
#   BENCH_BIN=path bench/search.sh ...        (that binary instead of a fresh release build)
#
# The Maildir is built in WORKDIR (never in the repository) from ../shared/corpora
# (usrp-users and spamassassin: 11,718 real messages). Beyond that it repeats
# them with a copy number in the Message-ID and an X-Bench-Copy header, so every
# message is distinct for all three tools. Needs: notmuch, maildir-utils (mu), perl,
# python3-notmuch2 (Debian's libnotmuch bindings, for notmuch's in-process query time).
# Queries are timed as whole commands twice: answered by a running `tradewind run` (its
# search socket; what a search costs on a server running tradewind) and with `--local`.
set -euo pipefail

N=${1:-100000}
WORK=${2:-/tmp/tw-bench-search}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
RUNS=${RUNS:-7}

for tool in notmuch mu perl; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing (apt-get install notmuch maildir-utils)" >&2; exit 2; }
done
/usr/bin/python3 -c 'import notmuch2' 2>/dev/null || { echo "bench: python3-notmuch2 is missing (apt-get install python3-notmuch2)" >&2; exit 2; }

if [[ -n "${BENCH_BIN:-}" ]]; then
    TW=$BENCH_BIN
else
    echo "== building tradewind (release)"
    (cd "$ROOT" && cargo build --release --quiet)
    TW="${CARGO_TARGET_DIR:-$ROOT/target}/release/tradewind"
fi

ms() { date +%s%N; }
elapsed() { echo $(( ($(ms) - $1) / 1000000 )); }   # milliseconds since $1

if [[ ${REUSE:-0} != 1 ]]; then
if [[ ${REUSE:-0} == tw ]]; then
    eval "$(cat "$WORK/indexing.env")"
    rm -rf "$WORK/tw"
else
rm -rf "$WORK"
mkdir -p "$WORK/maildir/cur" "$WORK/maildir/new" "$WORK/maildir/tmp"
echo "== building a Maildir of $N messages in $WORK/maildir"
find "$CORPORA/usrp-users/cur" "$CORPORA/spamassassin/cur" -type f | sort > "$WORK/sources"
perl -e '
    my ($n, $dir, $list) = @ARGV;
    open my $fh, "<", $list or die; my @src = <$fh>; chomp @src;
    my $i = 0;
    COPY: for (my $copy = 0; ; $copy++) {
        for my $f (@src) {
            last COPY if $i >= $n;
            open my $in, "<:raw", $f or next; local $/; my $m = <$in>; close $in;
            if ($copy > 0) {
                $m =~ s/^(Message-ID:\s*<)/$1c$copy./mi;
                $m = "X-Bench-Copy: $copy\r\n" . $m;
            }
            open my $out, ">:raw", sprintf("%s/cur/%d.bench%d.host:2,S", $dir, $i, $copy) or die;
            print $out $m; close $out; $i++;
        }
    }' "$N" "$WORK/maildir" "$WORK/sources"
BYTES=$(du -sb "$WORK/maildir" | cut -f1)
echo "   $(ls "$WORK/maildir/cur" | wc -l) files, $((BYTES / 1048576)) MB"
fi

# tradewind: a company with one customer (a frequent non-list sender domain of the corpus) and one mailbox.
mkdir -p "$WORK/tw"
cat > "$WORK/tw/tradewind.toml" <<TOML
[company]
name = "Bench Trading Co."
home_country = "CN"
domains = ["bench-trade.cn"]
[store]
data_dir = "data"
[[users]]
login = "li.wei"
name = "Li Wei"
email = "li.wei@bench-trade.cn"
role = "sales"
[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "li.wei@bench-trade.cn"
TOML
printf 'code,name,country,nature,scale,owner,domains\nINSMAIL,InsuranceMail,US,trading,large,li.wei,insurancemail.net\n' > "$WORK/tw/customers.csv"
twc() { "$TW" --config "$WORK/tw/tradewind.toml" "$@"; }
twc import customers "$WORK/tw/customers.csv" >/dev/null

sync; echo "== indexing"
t=$(ms); twc import mail "$WORK/maildir" --mailbox li.wei --json > "$WORK/tw/import.json" 2>"$WORK/tw/import.err"; TW_MS=$(elapsed $t)
TW_SIZE=$(du -sb "$WORK/tw/data/index" | cut -f1)
TW_DB=$(du -sb "$WORK/tw/data" | cut -f1)
TW_DOCS=$(perl -ne 'print $1 if /"new_messages":\s*(\d+)/' "$WORK/tw/import.json")

export NOTMUCH_CONFIG="$WORK/notmuch-config"
MUHOME="$WORK/mu"
if [[ ${REUSE:-0} != tw ]]; then
printf '[database]\npath=%s\n[new]\ntags=inbox;\n[search]\nexclude_tags=\n' "$WORK/maildir" > "$NOTMUCH_CONFIG"
t=$(ms); notmuch new --quiet >/dev/null 2>&1; NM_MS=$(elapsed $t)
NM_SIZE=$(du -sb "$WORK/maildir/.notmuch" | cut -f1)
NM_DOCS=$(notmuch count '*')

mu init --quiet --maildir="$WORK/maildir" --muhome="$MUHOME" >/dev/null 2>&1
t=$(ms); mu index --quiet --muhome="$MUHOME" >/dev/null 2>&1; MU_MS=$(elapsed $t)
MU_SIZE=$(du -sb "$MUHOME" | cut -f1)
MU_DOCS=$(mu find --muhome="$MUHOME" --fields=i '' 2>/dev/null | wc -l || true)
fi
printf 'TW_MS=%s TW_SIZE=%s TW_DB=%s TW_DOCS=%s NM_MS=%s NM_SIZE=%s NM_DOCS=%s MU_MS=%s MU_SIZE=%s MU_DOCS=%s\n' \
    "$TW_MS" "$TW_SIZE" "$TW_DB" "$TW_DOCS" "$NM_MS" "$NM_SIZE" "$NM_DOCS" "$MU_MS" "$MU_SIZE" "$MU_DOCS" > "$WORK/indexing.env"
else
    twc() { "$TW" --config "$WORK/tw/tradewind.toml" "$@"; }
    export NOTMUCH_CONFIG="$WORK/notmuch-config"; MUHOME="$WORK/mu"
    eval "$(cat "$WORK/indexing.env")"
fi

per() { echo $(( $1 / ($2 > 0 ? $2 : 1) )); }
ratio() { perl -e 'printf "%.1f", $ARGV[0] / ($ARGV[1] || 1)' "$1" "$2"; }
echo
printf '%-10s %10s %10s %14s %12s\n' tool "index ms" "messages" "index B/msg" "vs tradewind"
printf '%-10s %10s %10s %14s %12s\n' tradewind "$TW_MS" "$TW_DOCS" "$(per $TW_SIZE $TW_DOCS)" "1.0"
printf '%-10s %10s %10s %14s %12s\n' notmuch "$NM_MS" "$NM_DOCS" "$(per $NM_SIZE $NM_DOCS)" "$(ratio $NM_MS $TW_MS)x slower"
printf '%-10s %10s %10s %14s %12s\n' mu "$MU_MS" "$MU_DOCS" "$(per $MU_SIZE $MU_DOCS)" "$(ratio $MU_MS $TW_MS)x slower"
echo "(tradewind's figure includes parsing and storing every message in SQLite: $((TW_DB / 1048576)) MB data dir in all)"

# The fixed query set: name | tradewind args | notmuch query | mu query
QUERIES=(
  "english word|frequency|frequency|frequency"
  "phrase|\"sample rate\"|\"sample rate\"|\"sample rate\""
  "chinese word|公司|公司|公司"
  "chinese phrase|质量问题|质量问题|质量问题"
  "from:address|from:martin.braun@ettus.com|from:martin.braun@ettus.com|from:martin.braun@ettus.com"
  "dates+customer|--customer INSMAIL --from 2002-07-01 --to 2002-12-31|date:2002-07-01..2002-12-31 and (from:insurancemail.net or to:insurancemail.net)|date:20020701..20021231 and (from:insurancemail.net or to:insurancemail.net)"
)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Whole commands are timed from python (spawn to exit, median of $RUNS): timing them in bash
# between two `date` calls counted a `date` process start inside every sample (~1 ms here),
# which flattened every ratio. TIMER_FLOOR below is what a command that does nothing costs.
time_runs() { # command...: prints the median wall time in ms over $RUNS runs
    python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time, statistics
runs, cmd = int(sys.argv[1]), sys.argv[2:]
samples = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(samples):.1f}")
PY
}
TIMER_FLOOR=$(time_runs /bin/true)

# The daemon keeps the index and the database open and answers `tradewind search` on its
# socket: what a manager's search costs on a server running tradewind. `--local` runs the
# same search in a process of its own (start, open SQLite and the index, search, print).
"$TW" --config "$WORK/tw/tradewind.toml" run > "$WORK/tw/daemon.log" 2>&1 &
DAEMON=$!
trap 'kill $DAEMON 2>/dev/null || true' EXIT
for _ in $(seq 200); do
    [[ -S "$WORK/tw/data/search.sock" ]] && break
    sleep 0.05
done
[[ -S "$WORK/tw/data/search.sock" ]] || { echo "bench: the daemon did not open its search socket" >&2; cat "$WORK/tw/daemon.log" >&2; exit 1; }
sleep 5 # let its start-up work (index catch-up, planning passes) finish before timing

# notmuch in-process, the yardstick for tradewind's in-process figure: libnotmuch through
# Debian's python3-notmuch2, the database opened once, then per run the count and the 20
# newest messages' subject and date (what tradewind's search returns, minus snippets).
nm_inproc() {
    /usr/bin/python3 - "$WORK/maildir" "$1" "$RUNS" <<'PY'
import sys, time, statistics, notmuch2
path, query, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = notmuch2.Database(path, mode=notmuch2.Database.MODE.READ_ONLY)
samples = []
for _ in range(runs):
    t = time.perf_counter()
    db.count_messages(query)
    for i, m in enumerate(db.messages(query, sort=notmuch2.Database.SORT.NEWEST_FIRST)):
        if i == 20:
            break
        m.header("subject"); m.date
    samples.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(samples):.2f}")
PY
}

echo
printf '%-16s %10s %10s %8s %10s %10s %10s %10s %8s %8s %8s\n' query "tw in-proc" "nm in-proc" "nm/tw" "tw daemon" "tw local" "notmuch" "mu" "tw hits" "nm hits" "mu hits"
ALL_TW=(); ALL_NM=(); ALL_IN=(); ALL_LO=(); ALL_NI=(); SAME_RATIOS=(); SAME_WHOLE=()
for q in "${QUERIES[@]}"; do
    IFS='|' read -r name twq nmq muq <<<"$q"
    if [[ $twq == --* ]]; then eval "twargs=('' $twq)"; else twargs=("$twq"); fi
    tw_hits=$(twc search "${twargs[@]}" --limit 1 --json | perl -0ne 'print $1 if /"total":\s*(\d+)/')
    nm_hits=$(notmuch count -- "$nmq")
    mu_hits=$(mu find --muhome="$MUHOME" --fields=i -- "$muq" 2>/dev/null | wc -l || true)
    via=$(twc search "${twargs[@]}" --limit 1 --json | perl -0ne 'print $1 if /"via":\s*"(\w+)"/')
    [[ $via == daemon ]] || { echo "bench: the search was not answered by the daemon (via=$via)" >&2; exit 1; }
    in_ms=$(for _ in $(seq "$RUNS"); do twc search "${twargs[@]}" --limit 20 --json | perl -0ne 'print "$1\n" if /"micros":\s*(\d+)/'; done | median | awk '{printf "%.2f", $1 / 1000}')
    nm_in=$(nm_inproc "$nmq")
    tw_ms=$(time_runs "$TW" --config "$WORK/tw/tradewind.toml" search "${twargs[@]}" --limit 20)
    lo_ms=$(time_runs "$TW" --config "$WORK/tw/tradewind.toml" search "${twargs[@]}" --limit 20 --local)
    nm_ms=$(time_runs notmuch search --limit=20 -- "$nmq")
    mu_ms=$(time_runs mu find --muhome="$MUHOME" --maxnum=20 -- "$muq")
    ALL_IN+=("$in_ms"); ALL_NI+=("$nm_in"); ALL_TW+=("$tw_ms"); ALL_LO+=("$lo_ms"); ALL_NM+=("$nm_ms")
    in_ratio=$(ratio "$nm_in" "$in_ms")
    # Within 10 % of each other's hit count the two answered the same question (notmuch and
    # tradewind split a few words differently); a query notmuch cannot answer (Chinese: 0
    # hits in a few microseconds) says nothing about speed.
    if (( nm_hits > 0 && tw_hits * 10 >= nm_hits * 9 && tw_hits * 9 <= nm_hits * 10 )); then
        SAME_RATIOS+=("$in_ratio"); SAME_WHOLE+=("$(ratio "$nm_ms" "$tw_ms")")
    fi
    printf '%-16s %10s %10s %8s %10s %10s %10s %10s %8s %8s %8s\n' "$name" "$in_ms" "$nm_in" "${in_ratio}x" "$tw_ms" "$lo_ms" "$nm_ms" "$mu_ms" "$tw_hits" "$nm_hits" "$mu_hits"
done
TW_MED=$(printf '%s\n' "${ALL_TW[@]}" | median)
LO_MED=$(printf '%s\n' "${ALL_LO[@]}" | median)
NM_MED=$(printf '%s\n' "${ALL_NM[@]}" | median)
IN_MED=$(printf '%s\n' "${ALL_IN[@]}" | median)
NI_MED=$(printf '%s\n' "${ALL_NI[@]}" | median)
echo
echo "median query in-process (no process start): tradewind ${IN_MED} ms (search, hits, snippets), notmuch ${NI_MED} ms (count, 20 hits): notmuch/tradewind $(ratio "$NI_MED" "$IN_MED")x"
echo "median of the per-query in-process ratios where both find the same messages (${#SAME_RATIOS[@]} queries): notmuch/tradewind $(printf '%s\n' "${SAME_RATIOS[@]}" | median)x"
echo "median of the per-query whole-command ratios where both find the same messages: notmuch/tradewind (daemon) $(printf '%s\n' "${SAME_WHOLE[@]}" | median)x"
echo "median query, whole command: tradewind ${TW_MED} ms through the daemon, ${LO_MED} ms in-process (--local); notmuch ${NM_MED} ms: notmuch/tradewind $(ratio "$NM_MED" "$TW_MED")x and $(ratio "$NM_MED" "$LO_MED")x"
echo "(goal: median under 10 ms and at most a fifth of notmuch's; whole command = process start, search, printing 20 hits; --local also opens the store and index; /bin/true through the same timer: ${TIMER_FLOOR} ms)"
echo "indexing: notmuch $(ratio $NM_MS $TW_MS)x, mu $(ratio $MU_MS $TW_MS)x tradewind's time"
echo
echo "what the Chinese queries return (top 3 subjects):"
for qq in 公司 质量问题; do
    echo "  tradewind $qq:"; twc search "$qq" --limit 3 --sort relevance | grep -v '^    ' | head -3 | sed 's/^/    /'
    echo "  notmuch $qq:";   notmuch search --limit=3 -- "$qq" | sed 's/^/    /'
    echo "  mu $qq:";        (mu find --muhome="$MUHOME" --maxnum=3 --fields='d s' -- "$qq" 2>&1 || true) | sed 's/^/    /'
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
