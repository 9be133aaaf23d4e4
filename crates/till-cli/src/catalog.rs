//! `till import products` and `till export products`: the catalog as
//! Shopify's product CSV or Till's own (till-core `catalog_io`).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use till_core::catalog_io::{ImportFormat, ImportProgress, ImportReport, ImportStage, Issue};
use till_core::{Result, Store};

use crate::run::{Ctx, Outcome};

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Products from a CSV file: Shopify's product CSV (a Handle column)
    /// or Till's own (sku,name,price,...). Matched by SKU: new SKUs are
    /// added, existing ones updated; all rows or none are written. JSON:
    /// {"created","updated","unchanged","warnings":[{"line","column","message"}],
    /// "errors":[...],"format","file","dry_run","committed","import_id","rows"}.
    /// Exits 2 when any row has an error (nothing is written).
    Products(ImportProducts),
}

#[derive(Debug, Args)]
pub struct ImportProducts {
    /// The CSV file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// shopify or till; without it, a Handle column means shopify.
    #[arg(long)]
    pub format: Option<String>,
    /// Check every row and say what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportProducts {
    /// shopify or till.
    #[arg(long)]
    pub format: String,
    /// The CSV file to write (written whole or not at all).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

fn format(text: &str) -> Result<ImportFormat> {
    text.parse::<ImportFormat>()
}

pub fn import(ctx: &Ctx, store: &mut Store, cmd: ImportCmd) -> Result<Outcome> {
    let ImportCmd::Products(args) = cmd;
    let format = args.format.as_deref().map(format).transpose()?;
    // Progress on stderr only where someone watches it, and only for a
    // file big enough to take a while.
    let show = std::io::stderr().is_terminal();
    let mut last = None;
    let report = store.import_products(
        &args.file,
        format,
        args.dry_run,
        &mut |p: ImportProgress| {
            if show && p.total >= 5_000 {
                let pct = p.done * 100 / p.total.max(1);
                if last != Some((p.stage, pct / 10)) {
                    last = Some((p.stage, pct / 10));
                    let stage = match p.stage {
                        ImportStage::Checking => "checking",
                        ImportStage::Writing => "writing",
                    };
                    eprintln!("{stage}: {}/{} rows ({pct}%)", p.done, p.total);
                }
            }
            true
        },
    )?;
    ctx.out(&report, human)?;
    Ok(if report.errors.is_empty() {
        Outcome::Done
    } else {
        Outcome::Invalid
    })
}

fn issues(out: &mut String, kind: &str, list: &[Issue]) {
    for i in list {
        let column = i
            .column
            .as_deref()
            .map(|c| format!(", column {c}"))
            .unwrap_or_default();
        out.push_str(&format!("\n{kind}: line {}{column}: {}", i.line, i.message));
    }
}

fn human(r: &ImportReport) -> String {
    let verb = if r.committed {
        "imported"
    } else if r.dry_run && r.errors.is_empty() {
        "dry run, nothing written"
    } else if r.dry_run {
        "dry run: fix the errors before importing"
    } else {
        "not imported: fix the errors and import again; nothing was written"
    };
    let mut out = format!(
        "{} ({}, {verb}): {} created, {} updated, {} unchanged, {} warning(s), {} error(s)",
        r.file,
        r.format,
        r.created,
        r.updated,
        r.unchanged,
        r.warnings.len(),
        r.errors.len()
    );
    issues(&mut out, "error", &r.errors);
    issues(&mut out, "warning", &r.warnings);
    out
}

#[derive(serde::Serialize)]
struct Exported {
    format: ImportFormat,
    file: PathBuf,
    products: usize,
}

pub fn export(ctx: &Ctx, store: &Store, args: ExportProducts) -> Result<()> {
    let format = format(&args.format)?;
    let products = store.export_products(format, &args.out)?;
    let out = Exported {
        format,
        file: args.out,
        products,
    };
    ctx.out(&out, |o| {
        format!(
            "{} products written to {} ({})",
            o.products,
            o.file.display(),
            o.format
        )
    })
}
