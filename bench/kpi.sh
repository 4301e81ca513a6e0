#!/usr/bin/env bash
# Times `tradewind report kpi` (issue 8, §7) on a synthetic company written straight into a
# fresh store: SALES salespeople in 3 teams, CUSTOMERS customers, MESSAGES messages in
# threads of 2-4 (customer question, our reply or not, auto-replies), INVOICES invoices with
# payments, one ticket per 20 customers. Usage: bench/kpi.sh [MESSAGES] (default 100000).
# BENCH_BIN=PATH uses that binary (default: target/release/tradewind, built if missing).
# The config is replaced by a minimal one (no IMAP): only the store is used.
set -euo pipefail
MESSAGES=${1:-100000}
CUSTOMERS=${CUSTOMERS:-2000}
SALES=${SALES:-10}
INVOICES=${INVOICES:-20000}
cd "$(dirname "$0")/.."
BIN=${BENCH_BIN:-target/release/tradewind}
[ -x "$BIN" ] || cargo build --release
DIR=$(mktemp -d /tmp/tw-kpi-bench.XXXXXX)
"$BIN" init "$DIR" >/dev/null
CFG="$DIR/tradewind.toml"
python3 - "$CFG" "$SALES" <<'EOF'
import sys
cfg, n = sys.argv[1], int(sys.argv[2])
text = '[company]\nname = "Bench"\nhome_country = "CN"\ndomains = ["seawind-trade.cn"]\n\n[store]\ndata_dir = "data"\n'
text += ''.join(
    f'\n[[users]]\nlogin = "s{i}"\nname = "Sales {i}"\nemail = "s{i}@seawind-trade.cn"\nrole = "sales"\nteam = "t{i % 3}"\n'
    for i in range(n))
text += '\n[[mailboxes]]\nname = "s0"\nowner = "s0"\nrole = "sales"\naddress = "s0@seawind-trade.cn"\n'
text += '\n[reports]\ntimezone = "Asia/Shanghai"\n'
open(cfg, 'w').write(text)
EOF
# Open once so the users are recorded and the schema is current.
"$BIN" --config "$CFG" users list >/dev/null
python3 - "$DIR/data/tradewind.db" "$MESSAGES" "$CUSTOMERS" "$SALES" "$INVOICES" <<'EOF'
import random, sqlite3, sys, datetime as dt
db, nmsg, ncust, nsales, ninv = sys.argv[1], *map(int, sys.argv[2:])
r = random.Random(8)
c = sqlite3.connect(db)
start = dt.datetime(2025, 11, 1, tzinfo=dt.timezone.utc)
span = 365 * 24 * 3600
iso = lambda t: t.strftime('%Y-%m-%dT%H:%M:%SZ')
for i in range(ncust):
    created = start + dt.timedelta(seconds=r.randrange(span))
    c.execute("INSERT INTO customers (id, code, name, owner, created_at, updated_at, scale) VALUES (?,?,?,?,?,?,?)",
              (i + 1, f"C{i:05}", f"Customer <{i}> & Co", f"s{i % nsales}", iso(created), iso(created),
               r.choice(['large', 'medium', 'small'])))
mid = 0
while mid < nmsg:
    cust = r.randrange(ncust) + 1
    t = start + dt.timedelta(seconds=r.randrange(span))
    root = None
    for k in range(r.choice([2, 2, 3, 4])):
        if mid >= nmsg:
            break
        mid += 1
        inbound = k % 2 == 0
        auto = (not inbound) and r.random() < 0.05
        msgid = f"<m{mid}@bench>"
        c.execute("""INSERT INTO messages (id, message_key, message_id, subject, date, from_addr, direction,
                     headers, body_text, raw_size, is_auto, stored_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                  (mid, msgid, msgid, f"Subject {mid}", iso(t),
                   f"buyer@c{cust}.example" if inbound else "s0@seawind-trade.cn",
                   'inbound' if inbound else 'outbound', '', 'Can you quote 100 pcs?' if inbound else 'Price attached.',
                   1000, int(auto), iso(t)))
        c.execute("INSERT INTO message_customers VALUES (?,?,?,?)", (mid, cust, 'domain', 'bench'))
        if root:
            c.execute("INSERT INTO message_thread_refs VALUES (?,?)", (mid, root))
        root = root or msgid
        t += dt.timedelta(hours=r.choice([1, 3, 8, 30, 80]))
for i in range(ninv):
    cust = r.randrange(ncust) + 1
    issue = (start + dt.timedelta(seconds=r.randrange(span))).date()
    due = issue + dt.timedelta(days=30)
    amount = r.randrange(1000, 5000000)
    c.execute("""INSERT INTO invoices (id, number, customer_id, currency, amount_minor, issue_date, due_date, imported_at)
                 VALUES (?,?,?,?,?,?,?,?)""", (i + 1, f"I{i}", cust, 'CNY', amount, str(issue), str(due), '2026-11-29T00:00:00Z'))
    if r.random() < 0.7:
        paid = due + dt.timedelta(days=r.randrange(-20, 40))
        c.execute("INSERT INTO payments (id, reference, customer_id, date, currency, amount_minor, imported_at) VALUES (?,?,?,?,?,?,?)",
                  (i + 1, f"P{i}", cust, str(paid), 'CNY', amount, '2026-11-29T00:00:00Z'))
        c.execute("INSERT INTO payment_allocations VALUES (?,?,?)", (i + 1, i + 1, amount))
for i in range(ncust // 20):
    opened = start + dt.timedelta(seconds=r.randrange(span))
    c.execute("""INSERT INTO tickets (customer_id, status, number, category, severity, opened_at, acknowledged_at,
                 resolved_at, ack_due, resolve_due, rating, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
              (r.randrange(ncust) + 1, 'closed', f"T-B-{i}", 'quality', 'normal', iso(opened),
               iso(opened + dt.timedelta(hours=5)), iso(opened + dt.timedelta(hours=60)),
               iso(opened + dt.timedelta(hours=8)), iso(opened + dt.timedelta(hours=72)), r.randrange(1, 6), iso(opened)))
c.commit()
EOF
echo "data: $MESSAGES messages, $CUSTOMERS customers, $SALES salespeople, $INVOICES invoices in $DIR"
for fmt in table html; do
    /usr/bin/time -f "report kpi --period 2026-10 --format $fmt: %e s, peak RSS %M KB" \
        "$BIN" --config "$CFG" report kpi --period 2026-10 --format "$fmt" --out "$DIR/kpi.$fmt" 2>&1 | grep -v '^wrote'
done
/usr/bin/time -f "report kpi --period 2026 --format xlsx: %e s, peak RSS %M KB" \
    "$BIN" --config "$CFG" report kpi --period 2026 --format xlsx --out "$DIR/kpi.xlsx" 2>&1 | grep -v '^wrote'
