//! The schema, as forward-only migrations numbered by SQLite's `user_version`.
//!
//! Never edit a migration that has shipped: append a new one. Each runs in its own
//! IMMEDIATE transaction together with the version bump, so a crash leaves the
//! database at a whole version.

/// Migration N (1-based) is `MIGRATIONS[N - 1]`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the foundation — people, the customer registry (§2), messages and where they sit,
    //    message ↔ customer matches, and the audit trail of record changes (§1, §2.4).
    r#"
CREATE TABLE users (
    login   TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    email   TEXT NOT NULL,
    role    TEXT NOT NULL CHECK (role IN ('sales','service','finance','manager')),
    team    TEXT,
    active  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE customers (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    legal_rep           TEXT,
    address             TEXT,
    phone               TEXT,
    fax                 TEXT,
    website             TEXT,
    business_scope      TEXT,
    country             TEXT,
    nature              TEXT,
    scale               TEXT,
    source              TEXT,
    stage               TEXT,
    owner               TEXT REFERENCES users(login) ON UPDATE CASCADE,
    product_categories  TEXT,
    purchase_frequency  TEXT,
    payment_terms       TEXT,
    price_sensitivity   TEXT,
    credit_rating       TEXT,
    credit_limit_minor  INTEGER,
    currency            TEXT,
    market_notes        TEXT,
    tags                TEXT,
    do_not_contact      TEXT,
    last_verified       TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX customers_owner ON customers(owner);
CREATE INDEX customers_country ON customers(country);

-- §3: the date of each development-stage change.
CREATE TABLE stage_history (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    actor       TEXT NOT NULL
);
CREATE INDEX stage_history_customer ON stage_history(customer_id);

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    title       TEXT,
    phones      TEXT,
    language    TEXT
);
CREATE INDEX contacts_customer ON contacts(customer_id);

CREATE TABLE contact_addresses (
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    address     TEXT NOT NULL,
    PRIMARY KEY (contact_id, address)
);
CREATE INDEX contact_addresses_address ON contact_addresses(address);

CREATE TABLE customer_domains (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    PRIMARY KEY (customer_id, domain)
);
CREATE INDEX customer_domains_domain ON customer_domains(domain);

-- §1 dynamic management, §2.4: every change to a customer record, field by field.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    field       TEXT NOT NULL,
    before      TEXT,
    after       TEXT
);
CREATE INDEX audit_log_customer ON audit_log(customer_id);

-- One row per email, however many mailboxes hold it (identity: Message-ID, or a header hash).
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    message_key     TEXT NOT NULL UNIQUE,
    message_id      TEXT,
    in_reply_to     TEXT,
    refs            TEXT,
    subject         TEXT NOT NULL DEFAULT '',
    date            TEXT,
    from_addr       TEXT,
    from_name       TEXT,
    direction       TEXT NOT NULL CHECK (direction IN ('inbound','outbound','internal')),
    headers         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    raw_size        INTEGER NOT NULL,
    is_list         INTEGER NOT NULL DEFAULT 0,
    is_auto         INTEGER NOT NULL DEFAULT 0,
    stored_at       TEXT NOT NULL
);
CREATE INDEX messages_date ON messages(date);
CREATE INDEX messages_message_id ON messages(message_id);

CREATE TABLE message_addresses (
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('from','sender','reply_to','to','cc','bcc')),
    address     TEXT NOT NULL,
    name        TEXT
);
CREATE INDEX message_addresses_message ON message_addresses(message_id);
CREATE INDEX message_addresses_address ON message_addresses(address);

CREATE TABLE attachments (
    message_id   INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    filename     TEXT,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    PRIMARY KEY (message_id, position)
);

-- Where a message sits: a mailbox's folder, by UID for IMAP or by file for an offline import.
CREATE TABLE message_locations (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    mailbox      TEXT NOT NULL,
    folder       TEXT NOT NULL,
    uidvalidity  INTEGER,
    uid          INTEGER,
    source_ref   TEXT,
    first_seen   TEXT NOT NULL,
    gone_at      TEXT,
    UNIQUE (message_id, mailbox, folder)
);
CREATE INDEX message_locations_uid ON message_locations(mailbox, folder, uidvalidity, uid);

-- Which customers a message belongs to, and the rule that said so.
CREATE TABLE message_customers (
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    PRIMARY KEY (message_id, customer_id)
);
CREATE INDEX message_customers_customer ON message_customers(customer_id);
"#,
    // 2: IMAP sync state (issue 3) — reserved; filled by the sync work.
    r#"
-- Per IMAP folder: where the sync stands. Committed in the same transaction as the messages
-- it covers, so a crash never advances it past unstored mail.
CREATE TABLE imap_folders (
    mailbox         TEXT NOT NULL,
    raw_name        TEXT NOT NULL,   -- the wire name (modified UTF-7), for EXAMINE
    name            TEXT NOT NULL,   -- decoded Unicode, as in message_locations.folder
    uidvalidity     INTEGER NOT NULL,
    highest_uid     INTEGER NOT NULL DEFAULT 0,
    highest_modseq  INTEGER,
    last_synced     TEXT,
    PRIMARY KEY (mailbox, raw_name)
);

-- Messages that could not be parsed: kept raw with the reason, never blocking the folder.
CREATE TABLE unparsed_messages (
    id           INTEGER PRIMARY KEY,
    mailbox      TEXT NOT NULL,
    folder       TEXT NOT NULL,
    uidvalidity  INTEGER NOT NULL,
    uid          INTEGER NOT NULL,
    error        TEXT NOT NULL,
    raw          BLOB NOT NULL,
    raw_size     INTEGER NOT NULL,
    stored_at    TEXT NOT NULL,
    gone_at      TEXT,
    UNIQUE (mailbox, folder, uidvalidity, uid)
);

-- Body text cut at the mailbox's size limit (headers are always kept whole).
ALTER TABLE messages ADD COLUMN body_truncated INTEGER NOT NULL DEFAULT 0;
-- With the attachment archive on: the content's SHA-256, its file under data_dir/attachments.
ALTER TABLE attachments ADD COLUMN content_sha256 TEXT;
"#,
    // 3: search index bookkeeping (issue 4, search) — reserved.
    r#"
-- The search index is derived (issue 4): everything above the watermark is not yet indexed.
-- It is advanced only after the tantivy commit, so a crash replays from here.
CREATE TABLE search_index_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    watermark   INTEGER NOT NULL DEFAULT 0
);
INSERT INTO search_index_state (id, watermark) VALUES (1, 0);

-- Already indexed messages whose filter fields changed (a new copy in another mailbox,
-- re-matching, a customer's owner or code): re-indexed by the next catch-up.
CREATE TABLE search_index_dirty (
    seq         INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL
);
CREATE TRIGGER search_dirty_location AFTER INSERT ON message_locations
WHEN NEW.message_id <= (SELECT watermark FROM search_index_state WHERE id = 1)
BEGIN
    INSERT INTO search_index_dirty (message_id) VALUES (NEW.message_id);
END;
CREATE TRIGGER search_dirty_match_add AFTER INSERT ON message_customers
WHEN NEW.message_id <= (SELECT watermark FROM search_index_state WHERE id = 1)
BEGIN
    INSERT INTO search_index_dirty (message_id) VALUES (NEW.message_id);
END;
CREATE TRIGGER search_dirty_match_remove AFTER DELETE ON message_customers
WHEN OLD.message_id <= (SELECT watermark FROM search_index_state WHERE id = 1)
BEGIN
    INSERT INTO search_index_dirty (message_id) VALUES (OLD.message_id);
END;
CREATE TRIGGER search_dirty_customer AFTER UPDATE OF owner, code ON customers
WHEN OLD.owner IS NOT NEW.owner OR OLD.code IS NOT NEW.code
BEGIN
    INSERT INTO search_index_dirty (message_id)
        SELECT message_id FROM message_customers WHERE customer_id = NEW.id;
END;
"#,
    // 4: matching rules, leads, duplicate check (issue 4, matching) — reserved.
    r#"
-- Manual matching rules (issue 4): an address or a domain (and its subdomains) → a customer.
CREATE TABLE match_rules (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('address','domain')),
    pattern     TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    actor       TEXT NOT NULL,
    UNIQUE (pattern, customer_id)
);
CREATE INDEX match_rules_pattern ON match_rules(pattern);

-- Thread links, written when a message is filed: the Message-IDs it answers (In-Reply-To
-- and References), and its normalised subject, so replies find their thread by index.
CREATE TABLE message_thread_refs (
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    ref_id      TEXT NOT NULL,
    PRIMARY KEY (message_id, ref_id)
);
CREATE INDEX message_thread_refs_ref ON message_thread_refs(ref_id);
CREATE TABLE message_subjects (
    message_id  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    subject     TEXT NOT NULL
);
CREATE INDEX message_subjects_subject ON message_subjects(subject);

-- Possible impersonation: a sender whose domain imitates a customer's.
CREATE TABLE impersonation_flags (
    message_id      INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    customer_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    address         TEXT NOT NULL,
    customer_domain TEXT NOT NULL,
    reason          TEXT NOT NULL,
    flagged_at      TEXT NOT NULL,
    PRIMARY KEY (message_id, customer_id, address)
);
CREATE INDEX impersonation_flags_customer ON impersonation_flags(customer_id);

-- The public pool (公海): a locked customer never returns to the pool; every move is an event.
ALTER TABLE customers ADD COLUMN pool_locked INTEGER NOT NULL DEFAULT 0;
CREATE TABLE pool_events (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('warned','returned','claimed','released','locked','unlocked')),
    user        TEXT,
    actor       TEXT NOT NULL
);
CREATE INDEX pool_events_customer ON pool_events(customer_id);
CREATE INDEX pool_events_user ON pool_events(user, kind, at);
"#,
    // 5: daemon status per mailbox (issue 3, daemon) — reserved.
    r#"
-- What each mailbox task of `tradewind run` is doing, for `tradewind status` (a second
-- process reads it while the daemon writes it). One row per configured mailbox.
CREATE TABLE daemon_status (
    mailbox         TEXT PRIMARY KEY,
    state           TEXT NOT NULL
                    CHECK (state IN ('connecting','syncing','idle','backoff','error','stopped')),
    state_since     TEXT NOT NULL,
    pid             INTEGER,
    last_success    TEXT,
    last_error      TEXT,
    last_error_at   TEXT,
    failures        INTEGER NOT NULL DEFAULT 0,
    next_retry      TEXT,
    syncs           INTEGER NOT NULL DEFAULT 0,
    fetched_total   INTEGER NOT NULL DEFAULT 0,
    new_total       INTEGER NOT NULL DEFAULT 0
);
"#,
    // 6: complaint tickets (issue 5) — reserved. The core columns below are relied on by the
    //    outbound engine (no follow-up to a customer with an open ticket); extend, don't rename.
    r#"
-- §6: one complaint = one ticket, from intake to closing. Times are RFC 3339 UTC.
CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'new'
                    CHECK (status IN ('new','acknowledged','investigating','resolution_proposed',
                                      'resolved','closed','rejected')),
    number          TEXT NOT NULL UNIQUE,            -- T-2026-0001
    contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    contact_address TEXT,
    source_message  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    subject         TEXT NOT NULL DEFAULT '',
    thread_subject  TEXT NOT NULL DEFAULT '',        -- normalised, for replies without References
    category        TEXT NOT NULL CHECK (category IN ('quality','transit_damage','short_wrong_shipment',
                                      'late_delivery','documents','payment_dispute','service')),
    severity        TEXT NOT NULL CHECK (severity IN ('low','normal','high','critical')),
    score           REAL NOT NULL DEFAULT 0,
    language        TEXT,
    triggers        TEXT NOT NULL DEFAULT '[]',      -- JSON: the phrases that decided it
    severity_cues   TEXT NOT NULL DEFAULT '[]',
    products        TEXT NOT NULL DEFAULT '',        -- product codes found, space separated
    owner           TEXT REFERENCES users(login) ON UPDATE CASCADE,
    team            TEXT,
    root_cause      TEXT,
    responsibility  TEXT CHECK (responsibility IN ('factory','forwarder','staff','customer','unknown')),
    opened_at       TEXT NOT NULL,                   -- the complaint's date
    acknowledged_at TEXT,
    plan_at         TEXT,                            -- resolution proposed
    resolved_at     TEXT,
    closed_at       TEXT,
    ack_due         TEXT,
    plan_due        TEXT,
    resolve_due     TEXT,
    rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_note     TEXT,
    reopened        INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL
);
CREATE INDEX tickets_customer ON tickets(customer_id, status);
CREATE INDEX tickets_opened ON tickets(opened_at);

-- The messages of a ticket's thread: the complaint, the customer's later mail, staff replies.
CREATE TABLE ticket_messages (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('source','customer','staff')),
    attached_at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, message_id)
);

-- Full history: who, when, what.
CREATE TABLE ticket_events (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,      -- opened, attached, status, assigned, note, rated, reopened, breach, measure
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id);

-- Resolution measures (§6): return/exchange, resend/replenish, discount, compensation.
CREATE TABLE ticket_measures (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('return_exchange','resend','discount','compensation')),
    amount_minor INTEGER,
    currency     TEXT,
    note         TEXT,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL
);

-- Mail the outbound engine is to send (§4.2/§4.3 keeping the customer informed, SLA breach
-- notices). Recorded here when due; the outbox sets queued_at when it takes one.
CREATE TABLE ticket_notices (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('acknowledgement','breach','followup')),
    stage       TEXT NOT NULL DEFAULT '',      -- for breaches: acknowledge, plan, resolve
    recipient   TEXT NOT NULL,                 -- an address, or a user login for staff notices
    language    TEXT,
    due_at      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    queued_at   TEXT,
    cancelled_at TEXT,
    UNIQUE (ticket_id, kind, stage, recipient)
);
CREATE INDEX ticket_notices_pending ON ticket_notices(queued_at, cancelled_at);

-- A rejected ticket ("not a complaint") and other corrections: labelled examples for the model.
CREATE TABLE complaint_labels (
    message_id  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    label       TEXT NOT NULL CHECK (label IN ('complaint','not_complaint')),
    category    TEXT,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);
"#,
    // 7: the outbox (issue 6, outbound engine): every planned email, exactly once.
    r#"
-- One row per planned email. `key` (purpose/rule, customer, due date or occasion) makes
-- planning idempotent. States: planned (waits for approval) → approved → sending →
-- sent | drafted | failed | cancelled; 'uncertain' when a crash left a row 'sending' (the
-- SMTP hand-over may or may not have happened): a person confirms it, it is never resent.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    purpose         TEXT NOT NULL,
    customer_id     INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    mailbox         TEXT NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('send','draft','approve')),
    state           TEXT NOT NULL CHECK (state IN ('planned','approved','sending','sent',
                        'drafted','failed','cancelled','uncertain')),
    from_addr       TEXT NOT NULL,
    from_name       TEXT,
    reply_to        TEXT,
    to_addrs        TEXT NOT NULL,   -- JSON array of addresses
    cc_addrs        TEXT NOT NULL DEFAULT '[]',
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    template        TEXT,            -- file(s) it was rendered from
    language        TEXT,
    message_id      TEXT NOT NULL UNIQUE,
    in_reply_to     TEXT,
    refs            TEXT,            -- space-separated Message-IDs
    due_date        TEXT,            -- the day it is due (YYYY-MM-DD)
    cancel_on_reply_after TEXT,      -- an inbound mail from the customer after this cancels it
    not_before      TEXT NOT NULL,   -- planned send time, UTC RFC 3339
    timezone        TEXT NOT NULL,   -- recipient's IANA zone, for the local time shown
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    raw             BLOB,            -- the exact bytes handed to SMTP / APPENDed
    sending_pid     INTEGER,
    sending_at      TEXT,
    sent_at         TEXT,
    smtp_reply      TEXT,
    copy_folder     TEXT,            -- Sent or Drafts folder the copy went to
    copy_pending    INTEGER NOT NULL DEFAULT 0, -- sent, the Sent copy still to APPEND
    approved_by     TEXT,
    approved_at     TEXT,
    closed_reason   TEXT,            -- why cancelled / failed / confirmed
    answered_at     TEXT,            -- the customer replied to it
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, not_before);
CREATE INDEX outbox_customer ON outbox(customer_id, purpose);
CREATE INDEX outbox_mailbox_sent ON outbox(mailbox, sent_at);

-- Addresses mail must not go to: a delivery status notification (DSN) said they fail.
CREATE TABLE bad_addresses (
    address     TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    evidence    TEXT,                -- the DSN's Message-ID
    marked_at   TEXT NOT NULL
);

-- How far the bounce scan has read the messages table.
CREATE TABLE outbox_scan_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    dsn_watermark INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_scan_state (id, dsn_watermark) VALUES (1, 0);

-- Per customer: an IANA time zone overriding the one of its country (send windows).
ALTER TABLE customers ADD COLUMN timezone TEXT;
"#,
    // 8: receivables ledger, credit and dunning (issue 7, §5).
    r#"
-- §5 receivables ledger: amounts are integers in the currency's minor units (never floats).
CREATE TABLE invoices (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
    currency     TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    issue_date   TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    terms        TEXT,
    order_ref    TEXT,
    salesperson  TEXT,
    imported_at  TEXT NOT NULL
);
CREATE INDEX invoices_customer ON invoices(customer_id);

-- A payment is allocated to one or more invoices of its currency (one row per invoice).
CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
    date         TEXT NOT NULL,
    currency     TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    imported_at  TEXT NOT NULL
);
CREATE TABLE payment_allocations (
    payment_id   INTEGER NOT NULL REFERENCES payments(id) ON DELETE CASCADE,
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id) ON DELETE RESTRICT,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (payment_id, invoice_id)
);
CREATE INDEX payment_allocations_invoice ON payment_allocations(invoice_id);

-- Credit notes and write-offs (bad debt) against one invoice each.
CREATE TABLE invoice_adjustments (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('credit_note','write_off')),
    reference    TEXT NOT NULL,
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id) ON DELETE RESTRICT,
    date         TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reason       TEXT,
    imported_at  TEXT NOT NULL,
    UNIQUE (kind, reference)
);
CREATE INDEX invoice_adjustments_invoice ON invoice_adjustments(invoice_id);

-- Base-currency units per one unit of `currency` from `date` on, as exact decimal text.
CREATE TABLE exchange_rates (
    currency TEXT NOT NULL,
    date     TEXT NOT NULL,
    rate     TEXT NOT NULL,
    PRIMARY KEY (currency, date)
);

-- §5.1 scorecard: the indicators finance scores by hand (0-100), and every grade reached.
CREATE TABLE credit_indicator_scores (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    indicator   TEXT NOT NULL,
    score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    scored_at   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    PRIMARY KEY (customer_id, indicator)
);
CREATE TABLE credit_grades (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    as_of       TEXT NOT NULL,
    score       INTEGER NOT NULL,
    grade       TEXT NOT NULL CHECK (grade IN ('excellent','good','average','poor')),
    detail      TEXT NOT NULL,
    actor       TEXT NOT NULL
);
CREATE INDEX credit_grades_customer ON credit_grades(customer_id, id);

-- §5.2 a limit set by hand (a grade-derived limit is computed, not stored).
CREATE TABLE credit_limits (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    limit_minor INTEGER NOT NULL CHECK (limit_minor >= 0),
    currency    TEXT NOT NULL,
    review_date TEXT,
    set_at      TEXT NOT NULL,
    actor       TEXT NOT NULL
);

-- §5.3 credit hold (stop shipment): at most one open hold per customer; its alert is
-- 'due' until the outbound engine has sent it.
CREATE TABLE credit_holds (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    since       TEXT NOT NULL,
    cleared_at  TEXT,
    cleared_by  TEXT,
    alert       TEXT NOT NULL DEFAULT 'due' CHECK (alert IN ('due','sent'))
);
CREATE UNIQUE INDEX credit_holds_open ON credit_holds(customer_id) WHERE cleared_at IS NULL;

-- Payment-fraud watch: inbound mail announcing new bank details or from a lookalike domain.
-- Never changes any stored bank detail; the alert email is 'due' until sent.
CREATE TABLE payment_alerts (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('bank_change','lookalike')),
    evidence    TEXT NOT NULL,
    raised_at   TEXT NOT NULL,
    alert       TEXT NOT NULL DEFAULT 'due' CHECK (alert IN ('due','sent')),
    UNIQUE (message_id, kind)
);

-- §5.4 dunning: a manual pause, and each level recorded once per cycle (a cycle ends when
-- the overdue invoices are cleared).
CREATE TABLE dunning_pauses (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    paused_at   TEXT NOT NULL,
    actor       TEXT NOT NULL
);
-- `dunning resume C` also acknowledges the customer's replies dated up to this day.
CREATE TABLE dunning_resumes (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    resumed_on  TEXT NOT NULL,
    actor       TEXT NOT NULL
);
CREATE TABLE dunning_letters (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    cycle         INTEGER NOT NULL,
    level         TEXT NOT NULL,
    days_past_due INTEGER NOT NULL,
    as_of         TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('planned','sent','task')),
    -- For the outbound engine: the finance mailbox, the contact, the owner (+ sales manager).
    from_addr     TEXT,
    to_addr       TEXT,
    cc            TEXT,
    subject       TEXT,
    body_text     TEXT,
    body_html     TEXT,
    cleared_at    TEXT,
    UNIQUE (customer_id, cycle, level)
);
CREATE INDEX dunning_letters_customer ON dunning_letters(customer_id, cycle);
"#,
    // 9: the outbox feeds (dunning letters, ticket notices → outbox): which outbox row each
    //    became, so it is queued once and a cleared cycle can cancel it before it is sent.
    r#"
ALTER TABLE dunning_letters ADD COLUMN outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL;
ALTER TABLE dunning_letters ADD COLUMN queued_at TEXT;
ALTER TABLE ticket_notices ADD COLUMN outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL;
"#,
    // 10: §7 performance figures (issue 8): supervisors' reviews, customers' recorded ratings,
    //     and the KPI reports queued per period and recipient (sent once).
    r#"
-- A manager's score (0-100) of a person for a period (2026-10, 2026-Q4, 2026); one per reviewer.
CREATE TABLE kpi_reviews (
    id          INTEGER PRIMARY KEY,
    login       TEXT NOT NULL,
    period      TEXT NOT NULL,
    score       REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment     TEXT,
    reviewer    TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (login, period, reviewer)
);
-- A customer's rating (1-5) from a survey or a visit (ticket ratings live on the ticket).
CREATE TABLE customer_ratings (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    rated_at    TEXT NOT NULL,
    comment     TEXT,
    actor       TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX customer_ratings_customer ON customer_ratings(customer_id);
-- The emailed KPI report: queued once per period and recipient.
CREATE TABLE kpi_report_runs (
    period      TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    outbox_id   INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
    queued_at   TEXT NOT NULL,
    PRIMARY KEY (period, recipient)
);
"#,
];
