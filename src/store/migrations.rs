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
    "-- reserved: imap sync state",
    // 3: search index bookkeeping (issue 4, search) — reserved.
    "-- reserved: search index",
    // 4: matching rules, leads, duplicate check (issue 4, matching) — reserved.
    "-- reserved: matching rules and leads",
    // 5: daemon status per mailbox (issue 3, daemon) — reserved.
    "-- reserved: daemon status",
];
