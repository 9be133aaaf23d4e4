//! `till report sales|tax|margin|heatmap|playbooks|stock`: sales made with `till sale`
//! around local midnight in Berlin and a refund on a later day, read back
//! by day, hour and product, against the previous period, per tax rate;
//! the same figures as CSV (read back with the csv crate) and as PDF (read
//! back with poppler's `pdftotext`); bad input exits 2, a gated breakdown 3.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::cli_support::{pdftotext, shop, till, Shop};
use crate::license_support::pro_license;

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

fn sum(values: impl IntoIterator<Item = Decimal>) -> Decimal {
    values.into_iter().sum()
}

/// Moves an order (by receipt number) or a refund (by id) to `at`, as if
/// made then; before any report has read them.
fn made_at(db: &Path, table: &str, column: &str, key: &str, at: &str) {
    let n = rusqlite::Connection::open(db)
        .unwrap()
        .execute(
            &format!("UPDATE {table} SET created_at = ?1 WHERE {column} = ?2"),
            [at, key],
        )
        .unwrap();
    assert_eq!(n, 1, "{table} {key}");
}

struct Sales {
    s: Shop,
    orders: Vec<Value>,
    refund: Value,
}

/// A Pro shop in Berlin (UTC+1 in November), tax added to prices:
/// * 2026-11-09 23:30 local: 2 coffee and a tea;
/// * 2026-11-10 00:30 local (still the 9th in UTC): a coffee;
/// * 2026-11-10 11:15 local: 3 teas, 10 % off the order;
/// * 2026-11-11 10:00 local: the first order's tea refunded.
fn berlin_sales() -> Sales {
    let s = shop();
    let dir = s.db.parent().unwrap();
    let license = dir.join("license.json");
    std::fs::write(&license, pro_license("L-R1", "Reports test")).unwrap();
    s.run(&format!("license install {}", license.display()));
    s.run("settings set --time-zone Europe/Berlin --tax-mode exclusive");
    s.run("product add --sku COF --name Coffee --price 2.50 --cost 0.80 --tax-rate 19 --stock 50");
    s.run("product add --sku TEA --name Tea --price 2.00 --cost 0.50 --tax-rate 7 --stock 50");
    let orders = vec![
        s.run("sale --item COFx2 --item TEA --pay cash:20"),
        s.run("sale --item COF --pay card:2.98"),
        s.run("sale --item TEAx3 --discount 10% --pay cash:20"),
    ];
    for (o, at) in orders.iter().zip([
        "2026-11-09T22:30:00.000Z",
        "2026-11-09T23:30:00.000Z",
        "2026-11-10T10:15:00.000Z",
    ]) {
        made_at(&s.db, "orders", "number", o["number"].as_str().unwrap(), at);
    }
    let refund = s.run(&format!(
        "order refund {} --item TEA",
        orders[0]["number"].as_str().unwrap()
    ));
    made_at(
        &s.db,
        "refunds",
        "id",
        refund["id"].as_str().unwrap(),
        "2026-11-11T09:00:00.000Z",
    );
    Sales { s, orders, refund }
}

const PERIOD: &str = "--from 2026-11-09 --to 2026-11-11";

#[test]
fn sales_by_day_hour_and_product_in_local_time_with_the_refund_on_its_day() {
    let Sales { s, orders, refund } = berlin_sales();
    let r = s.run(&format!("report sales {PERIOD} --by day"));
    // The period is three whole local days.
    assert_eq!(r["from"], "2026-11-08T23:00:00.000Z", "{r}");
    assert_eq!(r["to"], "2026-11-11T23:00:00.000Z", "{r}");
    assert_eq!(r["currency"], "EUR");
    assert!(r["compare"].is_null(), "{r}");

    // The totals, from the orders and the refund as `till` gave them.
    let gross = sum(orders.iter().map(|o| dec(&o["subtotal"])));
    let discounts = sum(orders.iter().map(|o| dec(&o["discount"])));
    // Refunds count as priced, before tax (tax is added to these prices).
    let refunded = sum(refund["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| dec(&l["amount"]) - dec(&l["tax"])));
    let tax = sum(orders.iter().map(|o| dec(&o["tax"]))) - dec(&refund["tax"]);
    let t = &r["totals"];
    assert_eq!(t["orders"], 3, "{t}");
    assert_eq!(t["items"], 6, "{t}"); // 7 sold, 1 refunded
    assert_eq!(dec(&t["gross"]), gross);
    assert_eq!(gross, Decimal::new(1550, 2));
    assert_eq!(dec(&t["discounts"]), discounts);
    assert_eq!(discounts, Decimal::new(60, 2));
    assert_eq!(dec(&t["refunds"]), refunded);
    assert_eq!(refunded, Decimal::new(200, 2));
    assert_eq!(dec(&t["net"]), gross - discounts - refunded);
    assert_eq!(dec(&t["tax"]), tax);
    // Cost at the sale: 3 coffees at 0.80 and 4 teas at 0.50, less the tea refunded.
    assert_eq!(dec(&t["cost"]), Decimal::new(390, 2));
    assert_eq!(
        dec(&t["margin"]),
        gross - discounts - refunded - Decimal::new(390, 2)
    );
    assert_eq!(
        dec(&t["average_basket"]),
        ((gross - discounts) / Decimal::from(3)).round_dp(2)
    );

    // Rows by local day: the 00:30 coffee is on the 10th, though it is the
    // 9th in UTC; the refund alone makes the 11th.
    let rows = r["rows"].as_array().unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["2026-11-09", "2026-11-10", "2026-11-11"], "{r}");
    let orders_per_day: Vec<i64> = rows.iter().map(|r| r["orders"].as_i64().unwrap()).collect();
    assert_eq!(orders_per_day, [1, 2, 0]);
    assert_eq!(dec(&rows[0]["gross"]), dec(&orders[0]["subtotal"]));
    assert_eq!(
        dec(&rows[1]["gross"]),
        dec(&orders[1]["subtotal"]) + dec(&orders[2]["subtotal"])
    );
    assert_eq!(dec(&rows[2]["gross"]), Decimal::ZERO);
    assert_eq!(dec(&rows[2]["refunds"]), refunded);
    assert_eq!(rows[2]["items"], -1);
    assert_eq!(dec(&rows[2]["net"]), -refunded);
    for key in [
        "orders",
        "items",
        "gross",
        "discounts",
        "refunds",
        "net",
        "tax",
        "cost",
        "margin",
    ] {
        let total: Decimal = rows
            .iter()
            .map(|row| match &row[key] {
                Value::Number(n) => Decimal::from(n.as_i64().unwrap()),
                v => dec(v),
            })
            .sum();
        let want = match &t[key] {
            Value::Number(n) => Decimal::from(n.as_i64().unwrap()),
            v => dec(v),
        };
        assert_eq!(total, want, "the days' {key} add up to the total");
    }

    // By local hour: 23, 00 and 11 for the sales, 10 for the refund.
    let r = s.run(&format!("report sales {PERIOD} --by hour"));
    let hours: BTreeMap<&str, i64> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r["orders"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        hours,
        BTreeMap::from([("00", 1), ("10", 0), ("11", 1), ("23", 1)]),
        "{r}"
    );

    // By product: the tea's refund is the tea's.
    let r = s.run(&format!("report sales {PERIOD} --by product"));
    let rows = r["rows"].as_array().unwrap();
    let by: BTreeMap<&str, &Value> = rows
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r))
        .collect();
    assert_eq!(by.len(), 2, "{r}");
    assert_eq!(by["COF"]["label"], "Coffee");
    assert_eq!(by["COF"]["items"], 3);
    assert_eq!(dec(&by["COF"]["net"]), Decimal::new(750, 2));
    assert_eq!(by["TEA"]["items"], 3);
    assert_eq!(dec(&by["TEA"]["refunds"]), refunded);
    assert_eq!(dec(&by["TEA"]["net"]), Decimal::new(540, 2));
    assert_eq!(by["COF"]["orders"], 2);
    assert_eq!(by["TEA"]["orders"], 2);
}

#[test]
fn the_previous_period_comes_with_the_change() {
    let Sales { s, orders, .. } = berlin_sales();
    let r = s.run("report sales --from 2026-11-10 --to 2026-11-10 --compare previous");
    let c = &r["compare"];
    assert!(c.is_object(), "{r}");
    // The local day before: the 9th in Berlin.
    assert_eq!(c["from"], "2026-11-08T23:00:00.000Z", "{c}");
    assert_eq!(c["to"], "2026-11-09T23:00:00.000Z", "{c}");
    assert_eq!(c["totals"]["orders"], 1);
    assert_eq!(dec(&c["totals"]["gross"]), dec(&orders[0]["subtotal"]));
    assert!(c["compare"].is_null());
    assert_eq!(r["totals"]["orders"], 2);
    // Two orders against one: +100 %.
    assert_eq!(dec(&r["change"]["orders"]), Decimal::from(100));
    // Human output: the table, the totals and the change in percent.
    let text = crate::cli_support::text(
        &s.db,
        &[
            "report",
            "sales",
            "--from",
            "2026-11-10",
            "--to",
            "2026-11-10",
            "--compare",
            "previous",
        ],
    );
    for words in [
        "Sales by day",
        "2026-11-10",
        "Total",
        "Average basket:",
        "EUR",
        "+100",
    ] {
        assert!(text.contains(words), "{words:?} in\n{text}");
    }
    // Last year: nothing sold then.
    let r = s.run("report sales --from 2026-11-10 --to 2026-11-10 --compare last-year");
    assert_eq!(r["compare"]["from"], "2025-11-09T23:00:00.000Z");
    assert_eq!(r["compare"]["totals"]["orders"], 0);
}

#[test]
fn tax_per_rate_is_the_sales_tax_less_the_refunded_tax() {
    let Sales { s, orders, refund } = berlin_sales();
    let r = s.run(&format!("report tax {PERIOD}"));
    // The orders' own tax lines, per rate.
    let mut want: BTreeMap<Decimal, (Decimal, Decimal)> = BTreeMap::new();
    for o in &orders {
        for t in o["taxes"].as_array().unwrap() {
            let e = want.entry(dec(&t["rate"]).normalize()).or_default();
            e.0 += dec(&t["base"]);
            e.1 += dec(&t["tax"]);
        }
    }
    let rates = r["rates"].as_array().unwrap();
    let got: BTreeMap<Decimal, (Decimal, Decimal)> = rates
        .iter()
        .map(|x| {
            (
                dec(&x["rate"]).normalize(),
                (dec(&x["taxable"]), dec(&x["tax"])),
            )
        })
        .collect();
    assert_eq!(got, want, "{r}");
    let seven = rates
        .iter()
        .find(|x| dec(&x["rate"]) == Decimal::from(7))
        .unwrap();
    assert_eq!(dec(&seven["refunded_taxable"]), Decimal::new(200, 2));
    assert_eq!(dec(&seven["refunded_tax"]), dec(&refund["tax"]));
    let total: Decimal =
        orders.iter().map(|o| dec(&o["tax"])).sum::<Decimal>() - dec(&refund["tax"]);
    assert_eq!(dec(&r["total_tax"]), total);

    // The same as a PDF: the title, the rates and the total tax are text.
    let pdf = s.db.parent().unwrap().join("tax.pdf");
    let saved = s.run(&format!(
        "report tax {PERIOD} --format pdf --out {}",
        pdf.display()
    ));
    assert_eq!(saved["format"], "pdf");
    assert_eq!(saved["path"], pdf.display().to_string());
    let text = pdftotext(&pdf);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for w in [
        "Tax by rate",
        "2026-11-09 to 2026-11-11 (Europe/Berlin), amounts in EUR",
        "Page 1 of 1",
    ] {
        assert!(words.contains(w), "{w:?} in\n{text}");
    }
    for x in rates {
        let line = format!(
            "{} {} {}",
            x["rate"].as_str().unwrap(),
            x["taxable"].as_str().unwrap(),
            x["tax"].as_str().unwrap()
        );
        assert!(words.contains(&line), "{line:?} in\n{text}");
    }
    let total_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("Total"))
        .unwrap();
    assert!(
        total_line
            .trim_end()
            .ends_with(r["total_tax"].as_str().unwrap()),
        "{total_line}"
    );
}

/// A CSV's records as header -> cell maps.
fn csv_records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

/// A JSON value as the CSV writes it.
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn the_csv_holds_the_rows_of_the_json() {
    let Sales { s, .. } = berlin_sales();
    let json = s.run(&format!("report sales {PERIOD} --by product"));
    let file = s.db.parent().unwrap().join("sales.csv");
    let saved = s.run(&format!(
        "report sales {PERIOD} --by product --format csv --out {}",
        file.display()
    ));
    assert_eq!(saved["format"], "csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "section,key,label,orders,items,gross,discounts,refunds,net,tax,cost,margin"
    );
    let records = csv_records(&text);
    let rows: Vec<&BTreeMap<String, String>> =
        records.iter().filter(|r| r["section"] == "sales").collect();
    let want = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), want.len(), "{text}");
    for (got, want) in rows.iter().zip(want) {
        for (key, value) in got.iter().filter(|(k, _)| *k != "section") {
            assert_eq!(value, &cell(&want[key.as_str()]), "{key} in {text}");
        }
    }
    let totals: Vec<_> = records
        .iter()
        .filter(|r| r["section"] == "sales_total")
        .collect();
    assert_eq!(totals.len(), 1, "{text}");
    for key in [
        "orders",
        "items",
        "gross",
        "discounts",
        "refunds",
        "net",
        "tax",
        "cost",
        "margin",
    ] {
        assert_eq!(totals[0][key], cell(&json["totals"][key]), "{key}");
    }
    // `--out -`: the same CSV on stdout.
    let out = till(
        &s.db,
        &[
            "report",
            "sales",
            "--from",
            "2026-11-09",
            "--to",
            "2026-11-11",
            "--by",
            "product",
            "--format",
            "csv",
            "--out",
            "-",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);

    // With a comparison: the comparison's rows follow, in one header.
    let out = till(
        &s.db,
        &[
            "report",
            "sales",
            "--from",
            "2026-11-10",
            "--to",
            "2026-11-10",
            "--compare",
            "previous",
            "--format",
            "csv",
            "--out",
            "-",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let sections: Vec<String> = csv_records(&text)
        .into_iter()
        .map(|r| r["section"].clone())
        .collect();
    for s in ["sales", "sales_total", "compare", "compare_total", "change"] {
        assert!(sections.iter().any(|x| x == s), "{s} in {text}");
    }
    assert_eq!(
        text.lines().filter(|l| l.starts_with("section,")).count(),
        1
    );
}

#[test]
fn margin_and_heatmap_read_the_same_sales() {
    let Sales { s, .. } = berlin_sales();
    let m = s.run(&format!("report margin {PERIOD}"));
    assert_eq!(dec(&m["total"]["cost"]), Decimal::new(390, 2), "{m}");
    let skus: Vec<&str> = m["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert_eq!(skus.len(), 2);
    let cells = s.run(&format!("report heatmap {PERIOD}"));
    let orders: i64 = cells
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["orders"].as_i64().unwrap())
        .sum();
    assert_eq!(orders, 3, "{cells}");
    // 2026-11-10 is a Tuesday: the 00:30 coffee is at weekday 1, hour 0.
    assert!(
        cells
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["weekday"] == 1 && c["hour"] == 0 && c["orders"] == 1),
        "{cells}"
    );
    let pdf = s.db.parent().unwrap().join("margin.pdf");
    s.run(&format!(
        "report margin {PERIOD} --format pdf --out {}",
        pdf.display()
    ));
    let text = pdftotext(&pdf);
    for w in ["Margin by product", "Margin by category", "Coffee", "COF"] {
        assert!(text.contains(w), "{w:?} in\n{text}");
    }
}

#[test]
fn bad_input_exits_2_and_says_what_was_wrong() {
    let s = shop();
    let dir = s.db.parent().unwrap();
    let xls = dir.join("r.xls");
    for (line, needle) in [
        (
            "report sales --from 2026-11-10 --to 2026-11-09".to_string(),
            "--to",
        ),
        (format!("report sales {PERIOD} --by nonsense"), "--by"),
        (
            format!("report sales {PERIOD} --compare sometime"),
            "--compare",
        ),
        (
            format!("report sales {PERIOD} --format xls --out {}", xls.display()),
            "--format",
        ),
        (
            format!("report tax {PERIOD} --format xls --out {}", xls.display()),
            "--format",
        ),
        (
            "report sales --from 2026-11-31 --to 2026-12-01".to_string(),
            "--from",
        ),
        (
            "report tax --from yesterday-ish --to 2026-12-01".to_string(),
            "--from",
        ),
        ("report sales --period fortnight".to_string(), "--period"),
    ] {
        let e = s.run_err(&line, 2);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{line}: {msg}");
    }
    assert!(!xls.exists(), "nothing is written for a bad format");
    // The message lists what --by may be.
    let e = s.run_err(&format!("report sales {PERIOD} --by nonsense"), 2);
    let msg = e["error"]["message"].as_str().unwrap();
    for word in ["nonsense", "day", "customer"] {
        assert!(msg.contains(word), "{msg}");
    }
    // --format needs --out; --from needs --to.
    for args in [
        vec![
            "report",
            "sales",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
            "--format",
            "csv",
        ],
        vec!["report", "tax", "--from", "2026-11-01"],
    ] {
        let out = till(&s.db, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--out") || err.contains("--to"), "{err}");
    }
    // A file that cannot be written: exit 2 naming it, no file.
    let e = s.run_err(
        &format!(
            "report tax {PERIOD} --format csv --out {}",
            dir.join("missing/r.csv").display()
        ),
        2,
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("missing"),
        "{e}"
    );
}

#[test]
fn the_free_plan_has_totals_over_time_and_tax_not_the_breakdowns() {
    let s = shop();
    s.run("product add --sku A --name A --price 1.00 --stock 5");
    s.run("sale --item A --pay cash:1");
    s.run("report sales --period today --by day");
    s.run("report sales --period this-month --by week --compare previous");
    s.run("report tax --period today");
    for line in [
        "report sales --period today --by product",
        "report sales --period today --by hour",
        "report margin --period today",
        "report heatmap --period today",
    ] {
        let e = s.run_err(line, 3);
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Advanced reporting"),
            "{e}"
        );
    }
}

#[test]
fn playbooks_and_stock_as_json_csv_and_pdf() {
    let Sales { s, .. } = berlin_sales();
    let p = s.run(&format!("report playbooks {PERIOD}"));
    for key in [
        "dynamic_pricing",
        "flash_sales",
        "bundles",
        "referrals",
        "memberships",
    ] {
        assert!(!p[key].is_null(), "{key} in {p}");
    }
    let out = till(
        &s.db,
        &[
            "report",
            "playbooks",
            "--from",
            "2026-11-09",
            "--to",
            "2026-11-11",
            "--format",
            "csv",
            "--out",
            "-",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let records = csv_records(&text);
    for section in ["dynamic_pricing", "referrals", "memberships"] {
        assert!(
            records.iter().any(|r| r["section"] == section),
            "{section} in {text}"
        );
    }
    let referrals = records
        .iter()
        .find(|r| r["section"] == "referrals")
        .unwrap();
    assert_eq!(referrals["orders"], cell(&p["referrals"]["orders"]));
    assert_eq!(
        referrals["commissions_paid"],
        cell(&p["referrals"]["commissions_paid"])
    );

    let stock = s.run("report stock");
    let rows = stock["products"].as_array().unwrap();
    let on_hand: BTreeMap<&str, i64> = rows
        .iter()
        .map(|r| (r["sku"].as_str().unwrap(), r["on_hand"].as_i64().unwrap()))
        .collect();
    // 50 each; 3 coffees and 4 teas sold, one tea back in stock.
    assert_eq!(
        on_hand,
        BTreeMap::from([("COF", 47), ("TEA", 47)]),
        "{stock}"
    );
    let file = s.db.parent().unwrap().join("stock.csv");
    s.run(&format!(
        "report stock --format csv --out {}",
        file.display()
    ));
    let records = csv_records(&std::fs::read_to_string(&file).unwrap());
    let total = records
        .iter()
        .find(|r| r["section"] == "stock_total")
        .unwrap();
    assert_eq!(total["value"], cell(&stock["total_value"]));
    let pdf = s.db.parent().unwrap().join("playbooks.pdf");
    s.run(&format!(
        "report playbooks {PERIOD} --format pdf --out {}",
        pdf.display()
    ));
    let text = pdftotext(&pdf);
    for w in [
        "Dynamic pricing",
        "Flash sales",
        "Bundles",
        "Referrals",
        "Memberships",
    ] {
        assert!(text.contains(w), "{w:?} in\n{text}");
    }
    // Stock is on every plan, playbooks are advanced reporting.
    let free = shop();
    free.run("report stock");
    free.run_err("report playbooks --period today", 3);
}
