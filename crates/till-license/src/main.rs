//! `till-license`: the vendor's side of licensing. Generates signing keys
//! and signs license files that Till verifies offline
//! (`till_core::plans::license`). It lives in the workspace, not in the
//! desktop app: shops never get the signing half.

use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine;
use clap::{Parser, Subcommand};
use till_core::plans::license::{self, LicensePayload, Unlock, DEFAULT_GRACE_DAYS};

#[derive(Parser)]
#[command(
    name = "till-license",
    version,
    about = "Issue Till licenses (vendor tool)"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Make a new signing key: writes the base64 seed to FILE, prints the public key.
    Keygen { file: PathBuf },
    /// Sign a license.
    Sign {
        /// The base64 seed file of the signing key.
        #[arg(long)]
        key: PathBuf,
        /// The key's id as Till knows it ("vendor-2026"; "test" for tests).
        #[arg(long)]
        key_id: String,
        #[arg(long)]
        tier: String,
        #[arg(long)]
        issued_to: String,
        /// Bind the license to one store id.
        #[arg(long)]
        store: Option<String>,
        /// RFC 3339; none: no end.
        #[arg(long)]
        expires: Option<String>,
        #[arg(long, default_value_t = DEFAULT_GRACE_DAYS)]
        grace_days: i64,
        /// FEATURE (one-time) or FEATURE:monthly:RFC3339_END. Repeatable.
        #[arg(long = "unlock")]
        unlocks: Vec<String>,
        /// RFC 3339 issue time (default: now).
        #[arg(long)]
        issued_at: Option<String>,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a license file against the keys this build trusts.
    Verify { file: PathBuf },
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("till-license: {msg}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Cmd::Keygen { file } => {
            let seed: [u8; 32] = rand::random();
            let b64 = base64::engine::general_purpose::STANDARD.encode(seed);
            if file.exists() {
                return fail(format!("{} exists; not overwriting a key", file.display()));
            }
            if let Err(e) = std::fs::write(&file, &b64) {
                return fail(format!("cannot write {}: {e}", file.display()));
            }
            match license::signing_key(&b64) {
                Ok(k) => println!("{}", license::public_of(&k)),
                Err(e) => return fail(e),
            }
            ExitCode::SUCCESS
        }
        Cmd::Sign {
            key,
            key_id,
            tier,
            issued_to,
            store,
            expires,
            grace_days,
            unlocks,
            issued_at,
            out,
        } => {
            let seed = match std::fs::read_to_string(&key) {
                Ok(s) => s,
                Err(e) => return fail(format!("cannot read {}: {e}", key.display())),
            };
            let signing = match license::signing_key(&seed) {
                Ok(k) => k,
                Err(e) => return fail(e),
            };
            let mut parsed = Vec::new();
            for u in &unlocks {
                let mut parts = u.splitn(3, ':');
                let feature = parts.next().unwrap_or_default().to_string();
                let billing = parts.next().unwrap_or("one_time").to_string();
                let expires_at = parts.next().map(String::from);
                if feature.is_empty() || (billing == "monthly" && expires_at.is_none()) {
                    return fail(format!("--unlock {u}: give FEATURE or FEATURE:monthly:END"));
                }
                parsed.push(Unlock {
                    feature,
                    billing,
                    expires_at,
                });
            }
            let payload = LicensePayload {
                license_id: uuid::Uuid::now_v7().to_string(),
                issued_to,
                store_id: store,
                tier,
                unlocks: parsed,
                issued_at: issued_at.unwrap_or_else(|| till_core::store::ts(chrono::Utc::now())),
                expires_at: expires,
                grace_days,
            };
            let text = license::sign(&payload, &key_id, &signing);
            match out {
                Some(path) => {
                    if let Err(e) = std::fs::write(&path, &text) {
                        return fail(format!("cannot write {}: {e}", path.display()));
                    }
                }
                None => println!("{text}"),
            }
            ExitCode::SUCCESS
        }
        Cmd::Verify { file } => {
            let text = match std::fs::read_to_string(&file) {
                Ok(s) => s,
                Err(e) => return fail(format!("cannot read {}: {e}", file.display())),
            };
            match license::verify(&text) {
                Ok(p) => {
                    println!("{}", serde_json::to_string_pretty(&p).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}
