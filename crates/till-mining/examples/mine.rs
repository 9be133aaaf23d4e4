//! Mines a basket file and prints the result as JSON (the CLI's shape), with
//! timings on stderr. For benchmarks and the mlxtend comparison:
//!
//! ```text
//! cargo run --release --example mine -- FILE fimi|csv MIN_SUPPORT MIN_CONFIDENCE [MAX_LEN]
//! ```

use std::io::Write;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !(4..=5).contains(&args.len()) {
        eprintln!("usage: mine FILE fimi|csv MIN_SUPPORT MIN_CONFIDENCE [MAX_LEN]");
        std::process::exit(2);
    }
    let format: till_mining::Format = args[1].parse().unwrap_or_else(|e| fail(e));
    let max_len = args
        .get(4)
        .map(|s| s.parse::<usize>().unwrap_or_else(|e| fail(e)));
    let params =
        till_mining::Params::parse(&args[2], &args[3], max_len).unwrap_or_else(|e| fail(e));

    let start = Instant::now();
    let transactions = till_mining::read_file(&args[0], format).unwrap_or_else(|e| fail(e));
    let parsed = start.elapsed();
    let result = till_mining::mine(&transactions, &params, &till_mining::no_progress)
        .unwrap_or_else(|e| fail(e));
    let mined = start.elapsed();
    let json = serde_json::to_string(&result).unwrap_or_else(|e| fail(e));
    let mut out = std::io::stdout().lock();
    out.write_all(json.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .unwrap_or_else(|e| fail(e));
    eprintln!(
        "{} transactions, {} itemsets, {} rules; parse {:.1} ms, mine {:.1} ms, total with JSON {:.1} ms",
        result.transactions,
        result.itemsets.len(),
        result.rules.len(),
        parsed.as_secs_f64() * 1e3,
        (mined - parsed).as_secs_f64() * 1e3,
        start.elapsed().as_secs_f64() * 1e3,
    );
}

fn fail(error: impl std::fmt::Display) -> ! {
    eprintln!("error: {error}");
    std::process::exit(1);
}
