#!/usr/bin/env bash
# bench/sync.sh — full sync of an N-message mailbox from the local Dovecot, three ways, one run:
#   1. tradewind sync --once   (the whole pipeline: fetch, parse, store, match) into a fresh data dir
#   2. mbsync (Debian isync)   copying the same mailbox to a Maildir (the plain-copy yardstick)
#   3. raw IMAP FETCH          python imaplib, UID FETCH BODY.PEEK[] in batches (the physical limit)
# and prints tradewind messages/s, peak RSS (/usr/bin/time -v) and the tradewind/mbsync ratio.
#
# Usage: bench/sync.sh            (N=100000; BENCH_N=20000 bench/sync.sh for a shorter run)
#        BENCH_USER=t-bench-20k bench/sync.sh   keeps that mail-stack user's generated Maildir
#                                  between runs (generated once); BENCH_ONLY=tradewind skips the
#                                  peers; BENCH_BIN=path skips the release build.
# Needs: a release build (built here), the mail stack (started here on 24xxx ports unless
#        TRADEWIND_MAILSTACK_ENV names a running one), mbsync (apt-get install isync), python3.
# Mail is generated (mixed plain/HTML/attachments, English and Chinese, UTF-8 and GBK) straight
# into a fresh test user's Maildir; nothing is copied into the repository.
set -euo pipefail

N=${BENCH_N:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/tw-bench}
rm -rf "$work" && mkdir -p "$work"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

command -v mbsync >/dev/null || { log "mbsync missing: apt-get install -y isync"; exit 1; }

if [[ -z "${TRADEWIND_MAILSTACK_ENV:-}" ]]; then
    stack=/tmp/tw-ms-bench
    TW_IMAP_PORT=24143 TW_IMAPS_PORT=24993 TW_LMTP_PORT=24024 TW_SMTP_PORT=24025 \
        TW_SUBMISSION_PORT=24587 TW_SUBMISSIONS_PORT=24465 "$root/scripts/mailstack" start "$stack" >&2
    trap '"$root/scripts/mailstack" stop "$stack" >&2' EXIT
    TRADEWIND_MAILSTACK_ENV=$stack/mailstack.env
fi
# shellcheck disable=SC1090
source "$TRADEWIND_MAILSTACK_ENV"

if [[ -n "${BENCH_BIN:-}" ]]; then
    bin=$BENCH_BIN
else
    log "building release binary"
    (cd "$root" && cargo build --release --quiet)
    bin=${CARGO_TARGET_DIR:-$root/target}/release/tradewind
fi

user="${BENCH_USER:-t-bench-$$-$RANDOM}@$MAILSTACK_DOMAIN"
local_part=${user%@*}
maildir=$MAILSTACK_MAIL_ROOT/$MAILSTACK_DOMAIN/$local_part/Maildir

if [[ -n "${BENCH_USER:-}" && -d "$maildir/cur" && $(find "$maildir/cur" -type f | wc -l) -eq $N ]]; then
    log "reusing the $N messages in $maildir"
else
rm -rf "$maildir"
log "generating $N messages into $maildir"
mkdir -p "$maildir"/{cur,new,tmp}
python3 - "$maildir/cur" "$N" <<'PY'
import base64, os, random, sys
from email.utils import formatdate
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
en = ("Dear Sir, please find our best offer for the torque wrenches below. Delivery FOB Ningbo "
      "within 35 days after deposit. Payment T/T 30% deposit, balance against B/L copy. ").split()
zh = "尊敬的客户您好感谢您的询价我们的报价如下交货期为收到定金后三十五天付款方式为电汇百分之三十定金余款见提单副本支付"
domains = ["hansa-tools.de", "acme-supply.com", "nordic-trade.se", "lima-import.pe", "gmail.com", "qq.com"]
def words(k): return " ".join(rng.choice(en) for _ in range(k))
def hanzi(k): return "".join(rng.choice(zh) for _ in range(k))
for i in range(n):
    kind = rng.random()
    frm = f"buyer{i % 997}@{rng.choice(domains)}"
    head = (f"From: Buyer {i % 997} <{frm}>\r\nTo: sales@seawind-trade.cn\r\n"
            f"Date: {formatdate(1_760_000_000 + i * 60)}\r\nMessage-ID: <bench-{i}@bench.example>\r\n"
            "MIME-Version: 1.0\r\n")
    if kind < 0.45:
        body = "\r\n".join(words(12) for _ in range(rng.randint(5, 60)))
        msg = (head + f"Subject: RFQ {i} torque wrench\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
               + body + "\r\n").encode()
    elif kind < 0.75:
        paras = "".join(f"<p>{hanzi(40)} {words(6)}</p>" for _ in range(rng.randint(5, 50)))
        msg = (head + f"Subject: =?UTF-8?B?{base64.b64encode(f'报价单 {i}'.encode()).decode()}?=\r\n"
               "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
               f"<html><body>{paras}</body></html>\r\n").encode()
    elif kind < 0.90:
        body = "\r\n".join(hanzi(30) for _ in range(rng.randint(5, 40)))
        msg = (head + f"Subject: =?GBK?B?{base64.b64encode(f'订单确认 {i}'.encode('gbk')).decode()}?=\r\n"
               "Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").encode() \
              + body.encode("gbk") + b"\r\n"
    else:
        blob = base64.encodebytes(os.urandom(rng.randint(20_000, 300_000))).decode().replace("\n", "\r\n")
        msg = (head + f"Subject: PI {i} with attachment\r\n"
               "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
               "Content-Type: text/plain; charset=utf-8\r\n\r\n" + words(80) + "\r\n--b1\r\n"
               f"Content-Type: application/pdf; name=\"PI-{i}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n"
               f"Content-Disposition: attachment; filename=\"PI-{i}.pdf\"\r\n\r\n{blob}--b1--\r\n").encode()
    # ",S=<size>" as real Maildir deliveries have: Dovecot reads RFC822.SIZE from the name.
    with open(os.path.join(out, f"{1_760_000_000 + i}.{i}.bench,S={len(msg)}:2,S"), "wb") as f:
        f.write(msg)
PY
chown -R 5000:5000 "$MAILSTACK_MAIL_ROOT/$MAILSTACK_DOMAIN/$local_part"
# mkdir -p may have created the domain folder as root; Dovecot (uid 5000) creates users there.
chown 5000:5000 "$MAILSTACK_MAIL_ROOT/$MAILSTACK_DOMAIN"
fi
bytes=$(du -sb "$maildir/cur" | cut -f1)
log "generated $N messages, $((bytes / 1024 / 1024)) MiB"

# Read the messages once so that none of the contenders pays for the disk (the first one
# run after the Maildir was written or evicted measured up to 1.7× slower), and let Dovecot
# index the Maildir (and cache sizes) once, for the same reason.
find "$maildir/cur" -type f -print0 | xargs -0 cat > /dev/null
python3 - <<PY
import imaplib, ssl
ctx = ssl.create_default_context(cafile="$MAILSTACK_CA_FILE")
m = imaplib.IMAP4("$MAILSTACK_HOST", $MAILSTACK_IMAP_PORT); m.starttls(ctx)
m.login("$user", "$MAILSTACK_PASSWORD"); print(m.select("INBOX", readonly=True))
m.uid("FETCH", "1:*", "(RFC822.SIZE FLAGS INTERNALDATE)"); m.logout()
PY

# 1. tradewind
mkdir -p "$work/tw"
cat > "$work/tw/tradewind.toml" <<TOML
[company]
name = "Bench"
home_country = "CN"
domains = ["seawind-trade.cn"]
[store]
data_dir = "data"
[[users]]
login = "sales"
name = "Sales"
email = "sales@seawind-trade.cn"
role = "sales"
[[mailboxes]]
name = "sales"
owner = "sales"
role = "sales"
address = "sales@seawind-trade.cn"
[mailboxes.imap]
host = "$MAILSTACK_HOST"
port = $MAILSTACK_IMAP_PORT
tls = "starttls"
username = "$user"
password = { env = "BENCH_PW" }
ca_file = "$MAILSTACK_CA_FILE"
TOML
timed() { # label, command...: runs under /usr/bin/time -v, writes "seconds rss_kib" to $work/label.res
    local label=$1; shift
    if ! /usr/bin/time -v -o "$work/$label.time" "$@" > "$work/$label.out" 2> "$work/$label.err"; then
        log "$label failed:"; tail -20 "$work/$label.err" >&2; exit 1
    fi
    local secs rss
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/$label.time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$label.time")
    echo "$secs $rss" > "$work/$label.res"
}
log "tradewind sync --once"
BENCH_PW=$MAILSTACK_PASSWORD timed tradewind "$bin" --config "$work/tw/tradewind.toml" sync --once --json
read -r tw_s tw_rss < "$work/tradewind.res"
tw_count=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/tw/data/tradewind.db').execute('select count(*) from messages').fetchone()[0])")
if [[ ${BENCH_ONLY:-} == tradewind ]]; then
    printf 'tradewind sync: %s messages in %.1f s (%.0f msg/s), peak RSS %d MiB, %s stored\n' \
        "$N" "$tw_s" "$(python3 -c "print($N/$tw_s)")" "$((tw_rss / 1024))" "$tw_count"
    exit 0
fi

# 2. mbsync
mkdir -p "$work/mbsync/Maildir"
cat > "$work/mbsync/rc" <<RC
# No fsync per message: tradewind's SQLite (WAL, synchronous=NORMAL) does not fsync per message
# either, and mbsync's default (FSync yes) is several times slower — the stricter yardstick.
FSync no

IMAPAccount bench
# mbsync 1.4 does not match IP addresses in certificates; the stack's has DNS:localhost.
Host localhost
Port $MAILSTACK_IMAP_PORT
User $user
Pass $MAILSTACK_PASSWORD
SSLType STARTTLS
CertificateFile $MAILSTACK_CA_FILE

IMAPStore far
Account bench

MaildirStore near
Path $work/mbsync/Maildir/
Inbox $work/mbsync/Maildir/INBOX

Channel bench
Far :far:INBOX
Near :near:
Sync Pull
Create Near
SyncState $work/mbsync/
RC
log "mbsync"
timed mbsync mbsync -c "$work/mbsync/rc" bench
read -r mb_s mb_rss < "$work/mbsync.res"
mb_count=$(find "$work/mbsync/Maildir/INBOX/cur" "$work/mbsync/Maildir/INBOX/new" -type f | wc -l)

# 3. raw FETCH
log "raw IMAP UID FETCH BODY.PEEK[]"
cat > "$work/raw.py" <<PY
import imaplib, ssl
ctx = ssl.create_default_context(cafile="$MAILSTACK_CA_FILE")
m = imaplib.IMAP4("$MAILSTACK_HOST", $MAILSTACK_IMAP_PORT); m.starttls(ctx)
m.login("$user", "$MAILSTACK_PASSWORD"); m.select("INBOX", readonly=True)
uids = [int(u) for u in m.uid("SEARCH", None, "ALL")[1][0].split()]
got = 0
for i in range(0, len(uids), 500):
    chunk = uids[i:i + 500]
    typ, data = m.uid("FETCH", f"{chunk[0]}:{chunk[-1]}", "(BODY.PEEK[])")
    got += sum(1 for d in data if isinstance(d, tuple))
print(got); m.logout()
PY
timed raw python3 "$work/raw.py"
read -r raw_s raw_rss < "$work/raw.res"
raw_count=$(cat "$work/raw.out")

ratio=$(python3 -c "print(f'{$tw_s / $mb_s:.2f}')")
cat <<REPORT

tradewind sync benchmark: $N messages, $((bytes / 1024 / 1024)) MiB, $(nproc) cores, $(uname -r)
                       seconds   messages/s   peak RSS MiB   messages
  tradewind sync      $(printf '%8.1f %12.0f %14.0f %10s' "$tw_s" "$(python3 -c "print($N/$tw_s)")" "$((tw_rss / 1024))" "$tw_count")
  mbsync (Maildir)    $(printf '%8.1f %12.0f %14.0f %10s' "$mb_s" "$(python3 -c "print($N/$mb_s)")" "$((mb_rss / 1024))" "$mb_count")
  raw UID FETCH       $(printf '%8.1f %12.0f %14.0f %10s' "$raw_s" "$(python3 -c "print($N/$raw_s)")" "$((raw_rss / 1024))" "$raw_count")
  ratio tradewind / mbsync: $ratio  (goal ≤ 1.0; peak RSS goal < 300 MiB)
REPORT
