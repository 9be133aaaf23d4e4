//! `till`: the headless command line over till-core.
//!
//! Exit codes: 0 ok; 2 bad input, bad usage or a refused operation; 3 a
//! feature the plan does not include or a limit reached; 4 a staff member
//! not signed in, a wrong PIN, a locked member or a role without the
//! permission (codes `bad_pin`, `locked`, `forbidden`); 1 any other
//! failure, and a check that found a fault (`audit verify`). Errors go to
//! stderr, as `{"error":{"code","message"}}` with `--json`.

mod audit;
mod backup;
mod bundles;
mod catalog;
mod cli;
mod counts;
mod demo;
mod email;
mod human;
mod plans;
mod print;
mod printer;
mod purchasing;
mod receipt;
mod referrals;
mod report;
mod run;
mod shift;
mod staff;
mod sync;
mod wording;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let wants_json = std::env::args().any(|a| a == "--json");
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if wants_json {
                let msg = e.render().to_string();
                let first = msg
                    .lines()
                    .next()
                    .unwrap_or("bad usage")
                    .trim_start_matches("error: ")
                    .to_string();
                print_json_error("usage", &first);
            } else {
                let _ = e.print();
            }
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TILL_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let json = cli.json;
    match run::run(cli) {
        Ok(run::Outcome::Done) => ExitCode::SUCCESS,
        Ok(run::Outcome::Failed) => ExitCode::FAILURE,
        Ok(run::Outcome::Invalid) => ExitCode::from(2),
        Err(e) => {
            let message = wording::message(&e);
            if json {
                print_json_error(e.code(), &message);
            } else {
                eprintln!("till: {message}");
                match &e {
                    till_core::Error::Damaged(_) => {
                        eprintln!("till: `till doctor` lists every value Till cannot read")
                    }
                    till_core::Error::DeadLetters(_) => {
                        eprintln!(
                            "till: `till sync dead-letters` lists them with the upstream's reasons"
                        )
                    }
                    _ => {}
                }
            }
            ExitCode::from(match &e {
                till_core::Error::Gated { .. } => 3,
                e if e.is_auth_error() => 4,
                e if e.is_user_error() => 2,
                _ => 1,
            })
        }
    }
}

fn print_json_error(code: &str, message: &str) {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    let _ = writeln!(std::io::stderr(), "{body}");
}
