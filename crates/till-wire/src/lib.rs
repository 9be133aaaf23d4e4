//! The wire format of Till's sync protocol (`docs/sync-protocol.md`), in one
//! place for both ends: the device writes and sends it (till-core builds
//! the payloads, till-sync the batches), the upstream reads it
//! (till-upstream). Nothing here knows the rest of Till.
//!
//! * [`batch`]: the request and response of `POST /v1/batches`;
//! * [`event`]: one event as it travels, and the kinds of events;
//! * [`payload`]: what each kind of event carries;
//! * [`reject`]: why an upstream refuses an event, as a code devices act on.
//!
//! Compatibility: protocol v1 devices and upstreams keep working. Fields are
//! only ever added; a field a reader does not know is ignored, and a
//! rejection without a `code` (an upstream that predates codes) reads as
//! [`RejectCode::Other`].

pub mod batch;
pub mod event;
pub mod payload;
pub mod reject;

pub use batch::{BatchRequest, BatchResponse};
pub use event::{Event, EventKind, Payload};
pub use payload::*;
pub use reject::{RejectCode, Rejection};
