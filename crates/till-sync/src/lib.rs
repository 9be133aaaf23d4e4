//! Till's sync client: delivers the outbox to an upstream over protocol v1
//! (`docs/sync-protocol.md`), exactly once from the upstream's point of view.
//!
//! * `plan` decides, purely, what goes in the next batch and how long to back off;
//! * `client` speaks HTTP and turns answers into [`client::Outcome`]s;
//! * `engine` runs the loop against a store of its own (never the counter's
//!   connection, so a sale never waits for the network);
//! * `token` keeps the device token in the OS keyring, never in the store.
//!
//! Exactly once rests on two facts: an event leaves the outbox only after the
//! upstream said it stored it (so a crash at any point resends, never loses),
//! and the upstream stores each event id once (so a resend is harmless).

pub mod client;
pub mod engine;
pub mod error;
pub mod plan;
pub mod token;

pub use engine::{push_until_empty, run_forever, RunEnd, SyncOptions};
pub use error::SyncError;
