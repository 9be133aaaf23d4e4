//! The `till` binary against real store files: the CLI contract (commands,
//! JSON keys, money as strings, exit codes) and bad input, one module per
//! scenario. One test binary, so the tests link once.

#[path = "../support/cli.rs"]
mod cli_support;
#[path = "../support/license.rs"]
mod license_support;

mod backup;
mod bad_input;
mod bulk_history;
mod bundles;
mod catalog;
mod counts;
mod export;
mod input;
mod pdf_email;
mod plans;
mod pricing;
mod printing;
mod purchasing;
mod receipts;
mod referrals;
mod refunds;
mod reports;
mod roles;
mod sales;
mod settings;
mod shift;
mod staff;
