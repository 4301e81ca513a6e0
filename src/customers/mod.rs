//! The customer registry (§2): the record, its vocabularies, and reading customer lists.

pub mod apply;
pub mod import;
pub mod model;
