//! `till-license`: the vendor's side of licensing. Generates signing keys
//! and signs license files and tiers documents, which Till verifies
//! offline (`till_core::plans::signed`). It lives in the workspace, not in
//! the desktop app: shops never get the signing half.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64::Engine;
use clap::{Parser, Subcommand};
use till_core::plans::license::{self, LicensePayload, Unlock, DEFAULT_GRACE_DAYS};
use till_core::plans::signed::{self, SigningKey};
use till_core::plans::tiers;

#[derive(Parser)]
#[command(
    name = "till-license",
    version,
    about = "Issue Till licenses and tiers documents (vendor tool)"
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
    /// Sign a tiers document (the plans, their features and limits): Till
    /// loads only signed ones.
    SignTiers {
        /// The base64 seed file of the signing key.
        #[arg(long)]
        key: PathBuf,
        /// The key's id as Till knows it ("vendor-2026"; "test" for tests).
        #[arg(long)]
        key_id: String,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The tiers document: {"tiers":[{"id","name","price_monthly","features","limits"}]}.
        file: PathBuf,
    },
    /// Check a signed license or tiers document against the keys this build
    /// trusts, and print what it holds.
    Verify { file: PathBuf },
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("till-license: {msg}");
    ExitCode::from(2)
}

fn read(path: &Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read {}: {e}", path.display())))
}

fn read_key(path: &Path) -> Result<SigningKey, ExitCode> {
    license::signing_key(&read(path)?).map_err(|e| fail(format!("{}: {e}", path.display())))
}

/// Writes to `out`, or prints.
fn emit(text: &str, out: Option<PathBuf>) -> ExitCode {
    match out {
        Some(path) => match std::fs::write(&path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(format!("cannot write {}: {e}", path.display())),
        },
        None => {
            println!("{text}");
            ExitCode::SUCCESS
        }
    }
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
            let signing = match read_key(&key) {
                Ok(k) => k,
                Err(code) => return code,
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
            emit(&license::sign(&payload, &key_id, &signing), out)
        }
        Cmd::SignTiers {
            key,
            key_id,
            out,
            file,
        } => {
            let signing = match read_key(&key) {
                Ok(k) => k,
                Err(code) => return code,
            };
            let text = match read(&file) {
                Ok(t) => t,
                Err(code) => return code,
            };
            // The exact bytes of the file are signed, after checking them:
            // a document Till would refuse is never signed.
            match tiers::sign(&text, &key_id, &signing) {
                Ok(signed) => emit(&signed, out),
                Err(e) => fail(format!("{}: {e}", file.display())),
            }
        }
        Cmd::Verify { file } => {
            let text = match read(&file) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let checked = match signed::format_of(&text).as_deref() {
                Some(f) if f == signed::TIERS.format => tiers::verify(&text)
                    .map(|d| serde_json::to_string_pretty(&d).unwrap_or_default()),
                Some(f) if f == signed::LICENSE.format => license::verify(&text)
                    .map(|p| serde_json::to_string_pretty(&p).unwrap_or_default()),
                _ => {
                    return fail(format!(
                        "{} is neither a signed license ({}) nor a signed tiers document ({})",
                        file.display(),
                        signed::LICENSE.format,
                        signed::TIERS.format
                    ))
                }
            };
            match checked {
                Ok(shown) => emit(&shown, None),
                Err(e) => fail(e),
            }
        }
    }
}
