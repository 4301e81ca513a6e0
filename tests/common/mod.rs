//! Helpers shared by the integration tests.
//!
//! Each file under `tests/` is its own crate and uses only some of these helpers, hence the
//! `dead_code` allowance.
#![allow(dead_code)]

pub mod cli;
pub mod mailstack;

#[allow(unused_imports)] // each test crate picks what it needs
pub use mailstack::{MailStack, Outgoing, TestUser};
