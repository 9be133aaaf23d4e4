//! The role matrix: every command of `till`, run by every role (owner,
//! manager, cashier) and by nobody signed in, on a store with staff. Each
//! is either allowed or refused with exit 4 and the code `forbidden`;
//! nothing else. Each run gets its own copy of one prepared store, so what
//! one command changes never decides another's answer.
//!
//! A command `till --help` lists that has no row here fails the test: a new
//! command gets its row, with the least role that may run it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::Value;

use crate::cli_support::{ok_json, run, text, till_with};
use crate::license_support::{pro_license, test_seed};
use crate::staff::{add_member, CASHIER, MANAGER, OWNER};

/// The least role that may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    /// Anyone, signed in or not: it shows no figures of the shop and
    /// changes nothing.
    Anyone,
    Cashier,
    Manager,
    Owner,
}

/// A member's name and PIN; None: nobody signed in.
type Who = Option<(&'static str, &'static str)>;

/// Who runs it: nobody signed in, or a member of this role.
const ACTORS: [(Need, Who); 4] = [
    (Need::Anyone, None),
    (Need::Cashier, Some(CASHIER)),
    (Need::Manager, Some(MANAGER)),
    (Need::Owner, Some(OWNER)),
];

struct Row {
    /// The command line, with `{name}` for the prepared store's ids and files.
    line: &'static str,
    need: Need,
    /// The exit code when allowed: 0, else what the command answers on a
    /// store of the test (None: anything but 4).
    ok: Option<i32>,
    /// More environment variables.
    env: &'static [(&'static str, &'static str)],
    /// Run on a path with no store yet (`init`) instead of the copy.
    fresh: bool,
    /// A command the owner runs on the copy first (what the row needs,
    /// such as an open shift).
    setup: Option<&'static str>,
}

const fn row(line: &'static str, need: Need) -> Row {
    Row {
        line,
        need,
        ok: Some(0),
        env: &[],
        fresh: false,
        setup: None,
    }
}

const fn answers(line: &'static str, need: Need, ok: Option<i32>) -> Row {
    Row {
        line,
        need,
        ok,
        env: &[],
        fresh: false,
        setup: None,
    }
}

/// A row that needs the owner to run `setup` first.
const fn after(setup: &'static str, line: &'static str, need: Need) -> Row {
    Row {
        line,
        need,
        ok: Some(0),
        env: &[],
        fresh: false,
        setup: Some(setup),
    }
}

use Need::*;

/// Every command, with the least role that may run it (README, "Staff and
/// permissions"). Keep them in the order of `till --help`.
const ROWS: &[Row] = &[
    Row {
        line: "init",
        need: Anyone,
        ok: Some(0),
        env: &[],
        fresh: true,
        setup: None,
    },
    row("store path", Anyone),
    row("product add --sku N --name New --price 1.00", Manager),
    row("product list", Cashier),
    row("product show A", Cashier),
    row("product edit A --price 6.00", Manager),
    row("stock adjust A --by 5 --reason restock", Manager),
    row("stock show A", Cashier),
    row("stock history A", Cashier),
    row("stock low", Cashier),
    // No supplier in the prepared store: refused as not found when allowed.
    answers("stock reorder --supplier Orchard", Manager, Some(2)),
    // A cashier counts; a manager commits or cancels.
    row("count start", Cashier),
    row("count start --sku A --sku B", Cashier),
    after("count start", "count set 1 A 3", Cashier),
    after("count start", "count scan 1 A", Cashier),
    after("count start", "count show 1", Cashier),
    after("count start", "count commit 1", Manager),
    after("count start", "count cancel 1", Manager),
    row("count list", Cashier),
    row("sale --item A --pay cash:10", Cashier),
    // Within the approval threshold (10 %), and above it.
    row("sale --item Ax2 --discount 5% --pay cash:20", Cashier),
    row("sale --item Ax2 --discount 50% --pay cash:20", Manager),
    // A price set at the till.
    row("sale --item A@1.00 --pay cash:10", Manager),
    row("order show {order}", Cashier),
    row("order list", Cashier),
    row("order refund {order} --item Ax1", Manager),
    // Whoever may see an order may read its receipt.
    row("receipt text {order}", Cashier),
    row("receipt text {order} --gift --copy --width 32", Cashier),
    row("receipt print {order} --to file:{dir}/receipt.bin", Cashier),
    row("label text A", Cashier),
    row("label print A --copies 2 --to file:{dir}/labels.bin", Cashier),
    row("price show A", Cashier),
    row("demo sales --count 2", Owner),
    row("demo history --orders 20 --days 2", Owner),
    row("export all --out {dir}/export", Owner),
    // The settings hold no figures of the shop; the lock screen reads them.
    row("settings show", Anyone),
    row("settings set --name Renamed", Owner),
    row("settings history", Owner),
    row("pricing rule add --when-stock-below 3 --multiplier 1.1", Manager),
    row("pricing rule list", Cashier),
    row("pricing rule remove {rule}", Manager),
    row(
        "flash create --name Later --sku A --multiplier 0.5 --start 2030-01-01T10:00:00Z --end 2030-01-01T12:00:00Z",
        Manager,
    ),
    row(
        "flash edit {flash} --name Moved --sku A --multiplier 0.5 --start 2030-02-01T10:00:00Z --end 2030-02-01T12:00:00Z",
        Manager,
    ),
    row("flash list", Cashier),
    row("flash cancel {flash}", Manager),
    row("flash delete {flash}", Manager),
    row("bundles mine --min-support 0.5 --min-confidence 0.5", Manager),
    row(
        "bundles mine --input {baskets} --min-support 0.5 --min-confidence 0.5",
        Anyone,
    ),
    row("bundles suggest", Manager),
    row("bundles approve A+B --percent-off 5", Manager),
    row("bundles dismiss A+B", Manager),
    row("bundles companions A", Cashier),
    row("bundle create --name Pair --item A --item B --price 7.00", Manager),
    row("bundle list", Cashier),
    row("bundle show {bundle}", Cashier),
    row("bundle edit {bundle} --active false", Manager),
    row("kit set GIFT --item A --item Bx2", Manager),
    row("kit clear GIFT", Manager),
    row("kit show GIFT", Cashier),
    row("kit list", Cashier),
    Row {
        line: "sync login --endpoint http://127.0.0.1:9",
        need: Owner,
        ok: Some(0),
        env: &[("TILL_SYNC_TOKEN", "till_test")],
        fresh: false,
        setup: None,
    },
    answers(
        "sync run --once --endpoint http://127.0.0.1:9 --deadline 1 --timeout 1",
        Owner,
        None,
    ),
    // Connected or not and how many events wait: the status bar's.
    row("sync status", Anyone),
    row("sync dead-letters", Owner),
    answers("sync retry 00000000-0000-7000-8000-000000000000", Owner, None),
    answers("sync discard 00000000-0000-7000-8000-000000000000", Owner, None),
    row("backup create --out {dir}/new-backup.db", Owner),
    row("backup list", Owner),
    row("backup verify {backup}", Anyone),
    row("backup restore {backup}", Owner),
    row("customer add --name Bea", Cashier),
    row("customer list", Cashier),
    row("customer show {cust}", Cashier),
    row("customer edit {cust} --phone '+44 20 7946 0000'", Cashier),
    row("affiliate add --name Blog", Manager),
    row("affiliate list", Manager),
    row("referral code {cust}", Cashier),
    row("referral list", Manager),
    row("referral show {cust}", Manager),
    row("program set --percent 5", Owner),
    row("program show", Cashier),
    row("commission list", Manager),
    row("commission approve-due", Owner),
    answers("payout create --referrer {cust} --method cash", Owner, None),
    row("plan load {tiers}", Owner),
    // What the plan allows: the window shows it to everyone.
    row("plan show", Anyone),
    row("plan set --billing-day 5", Owner),
    row("license install {license}", Owner),
    row("license show", Anyone),
    row("feature check memberships", Anyone),
    row("limit check products", Anyone),
    row("usage record --metric api_calls --quantity 1", Owner),
    row("usage report", Manager),
    row("membership tier add --id gold --name Gold --discount 5", Manager),
    row("membership tier load {member_tiers}", Manager),
    row("membership tier list", Cashier),
    row("membership enroll {cust} club", Cashier),
    row("membership show {cust}", Cashier),
    row("report sales --period today --by product --compare previous", Manager),
    row("report tax --period this-month --format pdf --out {dir}/tax.pdf", Manager),
    row("report margin --from 2026-01-01 --to 2030-12-31", Manager),
    row("report playbooks --period this-month --format csv --out {dir}/playbooks.csv", Manager),
    row("report stock", Manager),
    row("report heatmap --period last-week", Manager),
    row("report products", Manager),
    row("shift open --float 100.00", Cashier),
    after("shift open --float 100.00", "shift cash --in 10.00 --reason change", Cashier),
    after("shift open --float 100.00", "shift status", Cashier),
    after("shift open --float 100.00", "shift close --counted 100.00", Manager),
    row("shift list", Manager),
    row("shift show {shift}", Manager),
    row("supplier add --name New --lead-days 3", Manager),
    row("supplier list", Manager),
    row("supplier show Acme", Manager),
    row("supplier edit Acme --contact Ada", Manager),
    row("po create --supplier Acme --item Ax2@1.00", Manager),
    row("po list", Manager),
    row("po show {po}", Manager),
    row("po send {po}", Manager),
    row("po receive {po} --item Ax2", Manager),
    row("po cancel {po}", Manager),
    row("po export {po} --format pdf --out {dir}/po.pdf", Manager),
    Row {
        line: "staff add --name New --role cashier",
        need: Owner,
        ok: Some(0),
        env: &[("TILL_NEW_PIN", "13579")],
        fresh: false,
        setup: None,
    },
    row("staff list", Owner),
    row("staff set-role Cara --role manager", Owner),
    row("staff disable Max", Owner),
    row("staff enable Max", Owner),
    Row {
        // Someone else's PIN (a member may change their own).
        line: "staff set-pin Nia",
        need: Owner,
        ok: Some(0),
        env: &[("TILL_NEW_PIN", "13579")],
        fresh: false,
        setup: None,
    },
    row("printer set --to file:{dir}/printer.bin --width 42", Owner),
    row("printer show", Anyone),
    row("printer test --to file:{dir}/test.bin", Cashier),
    row("printer queue", Cashier),
    row("printer retry", Cashier),
    after("printer set --to file:{dir}/drawer.bin", "drawer open", Cashier),
    row("audit list", Owner),
    row("audit verify", Owner),
    row("receipt pdf {order} --out {dir}/receipt.pdf", Cashier),
    row("receipt email {order} --to ann@example.com", Cashier),
    // No mail server is set up: refused (2) once allowed.
    answers("receipt send-queued", Cashier, None),
    row("label pdf A B --out {dir}/labels.pdf", Cashier),
    row("email set --host smtp.example.com --from shop@example.com", Owner),
    // Holds no secret and no figure of the shop.
    row("email show", Anyone),
    row("email queue", Cashier),
    answers("email retry 1", Cashier, None),
    row("doctor", Owner),
    row("import products {products}", Manager),
    row("import products {products} --dry-run", Manager),
    row("export products --format shopify --out {dir}/exported.csv", Manager),
];

/// The prepared store and the files and ids the rows name.
struct Fixture {
    _dir: tempfile::TempDir,
    template: PathBuf,
    vars: Vec<(&'static str, String)>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("template.db");
    let file = |name: &str, content: &str| {
        let p = d.join(name);
        std::fs::write(&p, content).unwrap();
        p.display().to_string()
    };
    ok_json(&db, &["init"]);
    let license = file("license.json", &pro_license("lic-roles", "Roles shop"));
    ok_json(&db, &["license", "install", &license]);
    let key = till_core::plans::license::signing_key(&test_seed()).unwrap();
    let tiers = file(
        "tiers.json",
        &till_core::plans::tiers::sign(till_core::plans::tiers::DEFAULT_TIERS, "test", &key)
            .unwrap(),
    );
    let member_tiers = file(
        "member-tiers.json",
        r#"{"tiers":[{"id":"silver","name":"Silver","price_monthly":0,"features":[],"limits":{},"discount_percent":3}]}"#,
    );
    let baskets = file("baskets.csv", "A,B\nA,B\nA\n");
    let products = file("products.csv", "sku,name,price\nNEW1,New one,1.50\n");
    run(
        &db,
        "product add --sku A --name Apple --price 5.00 --stock 100",
    );
    run(
        &db,
        "product add --sku B --name Bun --price 2.00 --stock 100",
    );
    run(&db, "product add --sku GIFT --name Gift --price 8.00");
    run(&db, "kit set GIFT --item A --item B");
    let cust = text(&db, &["customer", "add", "--name", "Ann"]);
    text(&db, &["referral", "code", &cust]);
    run(
        &db,
        "membership tier add --id club --name Club --discount 10",
    );
    ok_json(&db, &["membership", "enroll", &cust, "club"]);
    let order = run(&db, "sale --item Ax3 --item B --pay cash:20")["id"]
        .as_str()
        .unwrap()
        .to_string();
    run(&db, "sale --item A --item B --pay cash:20");
    let rule = run(
        &db,
        "pricing rule add --when-stock-below 2 --multiplier 1.2",
    )["id"]
        .to_string();
    let flash = run(
        &db,
        "flash create --name Soon --sku B --multiplier 0.5 --start 2030-01-01T10:00:00Z --end 2030-01-01T12:00:00Z",
    )["id"]
        .to_string();
    let bundle = run(
        &db,
        "bundle create --name Duo --item A --item B --price 6.50",
    )["id"]
        .to_string();
    let shift = run(&db, "shift open --float 50.00")["id"]
        .as_str()
        .unwrap()
        .to_string();
    run(&db, "shift close --counted 50.00");
    run(&db, "supplier add --name Acme");
    let po = run(&db, "po create --supplier Acme --item Ax10@1.00")["number"]
        .as_str()
        .unwrap()
        .to_string();
    let backup = d.join("backup.db").display().to_string();
    ok_json(&db, &["backup", "create", "--out", &backup]);
    add_member(&db, None, OWNER, "owner");
    add_member(&db, Some(OWNER), MANAGER, "manager");
    add_member(&db, Some(OWNER), CASHIER, "cashier");
    add_member(&db, Some(OWNER), ("Nia", "97531"), "cashier");
    let vars = vec![
        ("dir", d.display().to_string()),
        ("order", order),
        ("cust", cust),
        ("rule", rule),
        ("flash", flash),
        ("bundle", bundle),
        ("shift", shift),
        ("po", po),
        ("backup", backup),
        ("tiers", tiers),
        ("license", license),
        ("member_tiers", member_tiers),
        ("baskets", baskets),
        ("products", products),
    ];
    Fixture {
        _dir: dir,
        template: db,
        vars,
    }
}

impl Fixture {
    fn words(&self, line: &str) -> Vec<String> {
        let mut line = line.to_string();
        for (name, value) in &self.vars {
            line = line.replace(&format!("{{{name}}}"), &shlex::try_quote(value).unwrap());
        }
        assert!(!line.contains('{'), "unknown placeholder in {line}");
        crate::cli_support::words(&line)
    }

    /// A copy of the prepared store in a folder of its own.
    fn copy(&self, n: usize) -> PathBuf {
        let dir = self.template.parent().unwrap().join(format!("run-{n}"));
        std::fs::create_dir(&dir).unwrap();
        let db = dir.join("shop.db");
        std::fs::copy(&self.template, &db).unwrap();
        for ext in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{ext}", self.template.display()));
            if side.exists() {
                std::fs::copy(&side, format!("{}{ext}", db.display())).unwrap();
            }
        }
        db
    }
}

/// One run's answer: its exit code and, when it failed, the error's code.
fn answer(fx: &Fixture, n: usize, r: &Row, who: Option<(&str, &str)>) -> (Option<i32>, String) {
    let db = if r.fresh {
        fx.template.parent().unwrap().join(format!("fresh-{n}.db"))
    } else {
        fx.copy(n)
    };
    if let Some(setup) = r.setup {
        let words = fx.words(setup);
        let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
        args.extend(["--json", "--as", OWNER.0]);
        let out = till_with(&db, &args, &[("TILL_PIN", OWNER.1)], None);
        assert!(out.status.success(), "{setup}: {out:?}");
    }
    let words = fx.words(r.line);
    let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
    args.push("--json");
    let mut env: Vec<(&str, &str)> = r.env.to_vec();
    if let Some((name, pin)) = who {
        args.extend(["--as", name]);
        env.push(("TILL_PIN", pin));
    }
    let out = till_with(&db, &args, &env, None);
    let code = serde_json::from_slice::<Value>(&out.stderr)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
        .unwrap_or_default();
    let code = if code.is_empty() {
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()
    } else {
        code
    };
    (out.status.code(), code)
}

#[test]
fn every_command_by_every_role_is_allowed_or_refused_with_exit_4() {
    let fx = fixture();
    let jobs: Vec<(usize, &Row, Need, Who)> = ROWS
        .iter()
        .flat_map(|r| ACTORS.iter().map(move |(role, who)| (r, *role, *who)))
        .enumerate()
        .map(|(n, (r, role, who))| (n, r, role, who))
        .collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(n, r, role, who)) = jobs.get(i) else {
                    break;
                };
                let got = answer(&fx, n, r, who);
                results
                    .lock()
                    .unwrap()
                    .push((n, r.line, role, r.need, r.ok, got));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let mut table = String::new();
    let mut wrong = 0;
    for (_, line, role, need, ok, (exit, code)) in &results {
        let allowed = role >= need;
        let right = if allowed {
            match ok {
                Some(want) => *exit == Some(*want),
                None => *exit != Some(4),
            }
        } else {
            *exit == Some(4) && code == "forbidden"
        };
        if !right {
            wrong += 1;
        }
        table.push_str(&format!(
            "{} {:<8} {:<9} {:<10} exit {:<4} {:<16} {line}\n",
            if right { "  " } else { "✗ " },
            format!("{role:?}").replace("Anyone", "nobody"),
            format!("{need:?}"),
            if allowed { "allowed" } else { "forbidden" },
            exit.map_or("-".into(), |e| e.to_string()),
            code,
        ));
    }
    assert!(
        wrong == 0,
        "{wrong} answers are not as the matrix says:\n{table}"
    );
    eprintln!("{table}");
}

/// Every command `till --help` lists, as the words that reach it.
fn commands(path: &mut Vec<String>, out: &mut BTreeSet<String>) {
    let help = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(path.iter())
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let subs: Vec<String> = help
        .split("Commands:")
        .nth(1)
        .map(|rest| {
            rest.lines()
                .skip(1)
                .take_while(|l| l.starts_with("  "))
                .filter_map(|l| l.split_whitespace().next().map(str::to_string))
                .filter(|c| c != "help")
                .collect()
        })
        .unwrap_or_default();
    if subs.is_empty() {
        out.insert(path.join(" "));
    }
    for sub in subs {
        path.push(sub);
        commands(path, out);
        path.pop();
    }
}

#[test]
fn the_matrix_has_a_row_for_every_command() {
    let mut all = BTreeSet::new();
    commands(&mut Vec::new(), &mut all);
    assert!(all.len() > 80, "only {} commands found: {all:?}", all.len());
    let missing: Vec<&String> = all
        .iter()
        .filter(|c| {
            !ROWS
                .iter()
                .any(|r| r.line == c.as_str() || r.line.starts_with(&format!("{c} ")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "commands without a row in the role matrix: {missing:?}"
    );
}
