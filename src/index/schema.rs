//! The search index's fields (issue 4, search).
//!
//! Field names are the query syntax: `from:`, `to:`, `subject:`, `customer:`,
//! `mailbox:`... so the README's examples work with tantivy's query parser as is.
//! Only the message id is stored: bodies and subjects are fetched from SQLite for
//! display and snippets (storing bodies nearly doubles the index, research §1.5).

use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
};

use super::tokenize;

/// The schema version; a different one on disk means "rebuild" (2: whole addresses as
/// keys, for `from:`/`to:` with a full address).
pub const VERSION: u32 = 2;

/// Handles to every field.
#[derive(Clone)]
pub struct Fields {
    pub schema: Schema,
    /// messages.id: stored, indexed (for delete-by-id), fast.
    pub id: Field,
    pub subject: Field,
    pub body: Field,
    /// Sender and From names and addresses.
    pub from: Field,
    /// To, Cc and Bcc names and addresses.
    pub to: Field,
    /// The From and Sender addresses whole (lower case): `from:buyer@acme.de` is one term
    /// here instead of a four-word phrase in `from` (issue 4, query time).
    pub from_address: Field,
    /// The To, Cc and Bcc addresses whole, for `to:buyer@acme.de`.
    pub to_address: Field,
    /// Attachment file names.
    pub attachment: Field,
    /// Customer codes the message is filed under (exact, case-insensitive).
    pub customer: Field,
    /// Customer ids the message is filed under.
    pub customer_id: Field,
    /// Owner logins of those customers.
    pub owner: Field,
    /// Mailboxes holding a copy.
    pub mailbox: Field,
    pub folder: Field,
    /// inbound/outbound/internal, plus the short in/out.
    pub direction: Field,
    pub date: Field,
    pub has_attachment: Field,
    /// Ticket ids (none yet: tickets come with issue 5).
    pub ticket: Field,
}

impl Fields {
    /// Builds the schema.
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenize::TEXT)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let key = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenize::KEY)
                .set_index_option(IndexRecordOption::Basic),
        );
        let multi_u64 = NumericOptions::default().set_indexed().set_fast();
        let id = b.add_u64_field("id", INDEXED | STORED | FAST);
        let subject = b.add_text_field("subject", text.clone());
        let body = b.add_text_field("body", text.clone());
        let from = b.add_text_field("from", text.clone());
        let to = b.add_text_field("to", text.clone());
        let attachment = b.add_text_field("attachment", text);
        let from_address = b.add_text_field("from_address", key.clone());
        let to_address = b.add_text_field("to_address", key.clone());
        let customer = b.add_text_field("customer", key.clone());
        let customer_id = b.add_u64_field("customer_id", multi_u64.clone());
        let owner = b.add_text_field("owner", key.clone());
        let mailbox = b.add_text_field("mailbox", key.clone());
        let folder = b.add_text_field("folder", key.clone());
        let direction = b.add_text_field("direction", key);
        let date = b.add_date_field(
            "date",
            DateOptions::default()
                .set_indexed()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        );
        let has_attachment = b.add_bool_field("has_attachment", INDEXED | FAST);
        let ticket = b.add_u64_field("ticket", multi_u64);
        Fields {
            schema: b.build(),
            id,
            subject,
            body,
            from,
            to,
            from_address,
            to_address,
            attachment,
            customer,
            customer_id,
            owner,
            mailbox,
            folder,
            direction,
            date,
            has_attachment,
            ticket,
        }
    }

    /// The fields a bare word is looked up in.
    pub fn default_fields(&self) -> Vec<Field> {
        vec![self.subject, self.body, self.from, self.to, self.attachment]
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}
