//! The demo company behind the README's `demo` command: a deterministic, realistic
//! sample of an export company's customer register, configuration and mailboxes
//! (see [`generate`]), so tradewind can be tried without real mail or credentials.

pub mod generate;
