#!/usr/bin/env bash
# bench/matching.sh — the matching step on a generated company, one run:
#   1. import customers  (C customers with domains and contacts; duplicate check on)
#   2. import mail       (N messages: contacts, subdomains, free-mail, threads, lookalikes,
#                         newsletters, strangers) — parse, store and match
#   3. rematch           (every message re-filed from scratch)
#   4. leads list        (unfiled inbound mail grouped into leads)
# and prints seconds and messages/s for each step.
#
# Usage: bench/matching.sh   (N=20000 C=500; BENCH_N=100000 BENCH_C=2000 for a larger run)
#        TW_BIN=target/debug/tradewind bench/matching.sh to time a debug build instead.
set -euo pipefail

N=${BENCH_N:-20000}
C=${BENCH_C:-500}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/tw-bench-matching}
rm -rf "$work" && mkdir -p "$work/mail/cur"
if [[ -z "${TW_BIN:-}" ]]; then
    (cd "$root" && cargo build --release --quiet)
    TW_BIN=$root/target/release/tradewind
fi

cat >"$work/tradewind.toml" <<TOML
[company]
name = "Bench Trading Co., Ltd."
home_country = "CN"
domains = ["bench-trade.cn"]

[store]
data_dir = "data"

[[users]]
login = "sales"
name = "Sales"
email = "sales@bench-trade.cn"
role = "sales"

[[mailboxes]]
name = "sales"
owner = "sales"
role = "sales"
address = "sales@bench-trade.cn"
TOML

python3 - "$work" "$N" "$C" <<'PY'
import random, sys, os
work, n, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(2026)
words = ["nova", "terra", "polar", "atlas", "delta", "vista", "prime", "orbit", "lumen", "sigma",
         "hansa", "nordic", "pacific", "iberia", "sahara", "baltic", "andes", "alpine", "coral", "ember"]
tlds = ["de", "com", "fr", "es", "it", "co.uk", "com.br", "pl", "se", "ae", "in", "us"]
custs = []
with open(f"{work}/customers.csv", "w") as f:
    f.write("code,name,domains,contact_name,contact_email,owner\n")
    for i in range(c):
        d = f"{rnd.choice(words)}-{rnd.choice(words)}{i}.{rnd.choice(tlds)}"
        custs.append(d)
        f.write(f"C{i:05},{d.split('.')[0].title()} GmbH,{d},Buyer {i},buyer{i}@{d},sales\n")
free = ["gmail.com", "hotmail.com", "163.com", "qq.com", "yahoo.fr"]
for k in range(n):
    d = rnd.choice(custs)
    r = rnd.random()
    irt = ""
    if r < 0.35:
        frm, to = f"buyer{custs.index(d)}@{d}", "sales@bench-trade.cn"
    elif r < 0.55:
        frm, to = "sales@bench-trade.cn", f"buyer{custs.index(d)}@{d}"
    elif r < 0.65:
        frm, to = f"someone{k}@mail.{d}", "sales@bench-trade.cn"
    elif r < 0.75 and k > 0:
        frm, to = f"p{k % 300}@{rnd.choice(free)}", "sales@bench-trade.cn"
        irt = f"In-Reply-To: <m{rnd.randrange(k)}@bench>\n"
    elif r < 0.80:
        label, tld = d.split(".", 1)
        frm, to = f"billing@{label}-co.{tld}", "sales@bench-trade.cn"
    elif r < 0.88:
        frm, to = f"news@newsletter{k % 50}.com", "sales@bench-trade.cn"
    else:
        frm, to = f"info@stranger{k % 2000}.{rnd.choice(tlds)}", "sales@bench-trade.cn"
    lst = "List-Id: <news.example>\n" if frm.startswith("news@") else ""
    day = 1 + k % 28
    with open(f"{work}/mail/cur/{k}.bench:2,S", "w") as f:
        f.write(f"From: {frm}\nTo: {to}\nSubject: Order {k % 997}\nDate: Mon, {day:02} Jun 2026 10:{k % 60:02}:00 +0000\n"
                f"Message-ID: <m{k}@bench>\n{irt}{lst}\nHello, order {k}.\n")
PY

cd "$work"
t() { local s=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $s" | bc; }
s1=$(t "$TW_BIN" --config tradewind.toml import customers customers.csv --json)
s2=$(t "$TW_BIN" --config tradewind.toml import mail mail --mailbox sales --json)
s3=$(t "$TW_BIN" --config tradewind.toml rematch --json)
s4=$(t "$TW_BIN" --config tradewind.toml leads list --json)
filed=$("$TW_BIN" --config tradewind.toml rematch --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["matched"])')
flags=$("$TW_BIN" --config tradewind.toml leads list --suspicious --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
printf 'customers %d, messages %d (filed %s, flagged lookalike %s) on %s, %s cores\n' "$C" "$N" "$filed" "$flags" "$(uname -m)" "$(nproc)"
printf 'import customers  %6.2f s\n' "$s1"
printf 'import mail       %6.2f s  %8.0f msg/s\n' "$s2" "$(echo "$N / $s2" | bc -l)"
printf 'rematch           %6.2f s  %8.0f msg/s\n' "$s3" "$(echo "$N / $s3" | bc -l)"
printf 'leads list        %6.2f s\n' "$s4"
