//! Where mail comes from: an offline export (Maildir, mbox, .eml folder) or an IMAP mailbox.

pub mod imap;
pub mod offline;
