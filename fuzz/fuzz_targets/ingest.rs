//! Fuzz target over the path every synced message takes (issue 9): parse → store → match →
//! complaint intake → index. One store and one index live for the whole run, as in the daemon;
//! the index catches up every few inputs so tantivy sees real batches.
//!
//! libfuzzer-sys turns any panic into an abort, including the ones `parse_mail` catches for
//! the daemon: a panic deep in the MIME parser is a finding here even though production
//! survives it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use tradewind::config::Config;
use tradewind::customers::{apply::apply_batch, import::read_customers};
use tradewind::index::Indexer;
use tradewind::ingest::direction;
use tradewind::matching::Matcher;
use tradewind::parse::parse_mail;
use tradewind::store::messages::{store_message, Location};
use tradewind::store::Store;

/// Inputs between two index catch-ups.
const INDEX_EVERY: u64 = 32;

struct Harness {
    _dir: tempfile::TempDir,
    config: Config,
    store: Store,
    indexer: Indexer,
    matcher: Matcher,
    intake: Option<tradewind::complaints::Intake>,
    runs: u64,
}

impl Harness {
    /// The demo company (customers, domains, complaint model) in a private temp dir.
    fn new() -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let company = tradewind::demo::generate::generate(dir.path(), 7).expect("demo company");
        let config = Config::load(&dir.path().join("tradewind.toml")).expect("demo config");
        let data_dir = &config.store.data_dir;
        std::fs::create_dir_all(data_dir).expect("data dir");
        let mut store = Store::open(&data_dir.join("tradewind.db")).expect("store");
        for csv in [&company.customers_csv, &company.customers_gbk_csv] {
            let batch = read_customers(csv).expect("demo customers");
            apply_batch(&mut store, batch, "fuzz", false).expect("customers stored");
        }
        let indexer = Indexer::open(data_dir).expect("index");
        Harness {
            matcher: Matcher::from_config(&config),
            intake: tradewind::complaints::Intake::from_config(&config),
            _dir: dir,
            config,
            store,
            indexer,
            runs: 0,
        }
    }

    fn ingest(&mut self, data: &[u8]) {
        self.runs += 1;
        if let Ok(mail) = parse_mail(data) {
            let tx = self.store.write().expect("write transaction");
            let location = Location {
                mailbox: self.config.mailboxes[0].name.get_ref(),
                folder: "INBOX",
                uidvalidity: Some(1),
                uid: Some(self.runs as u32),
                source_ref: None,
            };
            let stored = store_message(&tx, &mail, direction(&mail, &self.matcher), &location)
                .expect("a parsed message is always storable");
            if stored.new_message {
                self.matcher.refile(&tx, stored.id).expect("refile");
                if let Some(intake) = &self.intake {
                    intake.on_stored(&tx, stored.id).expect("complaint intake");
                }
            }
            tx.commit().expect("commit");
        }
        if self.runs % INDEX_EVERY == 0 {
            self.indexer
                .catch_up(&self.store)
                .expect("every stored message is indexable");
        }
    }
}

thread_local! {
    static HARNESS: RefCell<Option<Harness>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    HARNESS.with(|h| {
        h.borrow_mut()
            .get_or_insert_with(Harness::new)
            .ingest(data);
    });
});
