//! Till's core: everything a shop does, with no UI and no Tauri.
//!
//! The desktop shell (`src-tauri/`), the `till` CLI and the benchmarks all
//! call into [`Store`]. See ARCHITECTURE.md for the map.

pub mod audit;
pub mod backup;
pub mod bundles;
pub mod cart;
pub mod catalog;
pub mod catalog_io;
pub mod checkout;
pub mod customers;
pub mod delivery;
pub mod demo;
pub mod doctor;
pub mod email;
pub mod error;
pub mod export;
pub mod field;
pub mod forms;
pub mod input;
pub mod inventory;
pub mod kits;
pub mod locale;
pub mod memberships;
pub mod money;
pub mod orders;
pub mod outbox;
pub mod pdf;
pub mod permissions;
pub mod plans;
pub mod pricing;
pub mod print_queue;
pub mod printing;
pub mod purchasing;
pub mod receipt;
pub mod referrals;
pub mod reorder;
pub mod reports;
pub mod roles;
pub mod save;
pub mod scan;
pub mod setting_changes;
pub mod settings;
pub mod setup;
pub mod shifts;
mod snapshot;
pub mod staff;
pub mod stock_counts;
pub mod store;
pub mod stored;
pub mod suppliers;
pub mod tax;
pub mod totals;

pub use error::{Error, Result};
pub use permissions::Authority;
pub use roles::{Member, Permission, Role};
pub use store::{Clock, Store};
