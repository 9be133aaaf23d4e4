//! Referral codes, customers and payouts through the CLI.

use crate::cli_support::{count, ok_json, shop, text, till};

#[test]
fn referrals_through_the_cli() {
    let s = shop();
    s.run("product add --sku BIG --name Big --price 150.00 --tax-rate 20 --stock 10");
    // `customer add` and `referral code` print just the id and the code.
    let ann = text(
        &s.db,
        &[
            "customer",
            "add",
            "--name",
            "Ann",
            "--email",
            "ann@example.com",
        ],
    );
    assert_eq!(ann.len(), 36, "{ann}");
    let code = text(&s.db, &["referral", "code", &ann]);
    assert!(code.starts_with("REF") && code.len() == 13, "{code}");
    let bob = text(
        &s.db,
        &[
            "customer",
            "add",
            "--name",
            "Bob",
            "--phone",
            "+1 555 0100 200",
        ],
    );
    let shown = ok_json(&s.db, &["customer", "show", &bob]);
    assert_eq!(shown["phone"], "+15550100200");
    assert_eq!(
        s.run("customer list --search '555 0100'")
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let aff = text(
        &s.db,
        &[
            "affiliate",
            "add",
            "--name",
            "Blog",
            "--email",
            "blog@example.com",
        ],
    );
    assert_eq!(s.run("affiliate list")[0]["id"], aff.as_str());

    // The brief: 150.00 net at 10 % -> one pending 15.00; full refund -> 0.00.
    let r = ok_json(
        &s.db,
        &[
            "sale",
            "--item",
            "BIG",
            "--customer",
            &bob,
            "--referral",
            &code.to_lowercase(),
            "--pay",
            "cash:200",
        ],
    );
    assert_eq!(r["referral_code"], code.as_str());
    let list = s.run("commission list --status pending");
    assert_eq!(list.as_array().unwrap().len(), 1);
    for key in ["id", "referrer_id", "order_id", "amount", "status"] {
        assert!(list[0].get(key).is_some(), "{key} missing");
    }
    assert_eq!(list[0]["amount"], "15.00");
    assert_eq!(list[0]["referrer_id"], ann.as_str());
    ok_json(&s.db, &["order", "refund", r["number"].as_str().unwrap()]);
    let mine = ok_json(&s.db, &["commission", "list", "--referrer", &ann]);
    let sum: f64 = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount"].as_str().unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(sum, 0.0);
    assert_eq!(
        s.run("commission list --status reversed")[0]["amount"],
        "-15.00"
    );
    let refs = s.run("referral list");
    let ann_row = refs
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == ann.as_str())
        .unwrap();
    assert_eq!(ann_row["balance"], "0.00");

    // Approve after the return window, then pay.
    s.run("program set --percent 5 --return-days 0");
    ok_json(
        &s.db,
        &[
            "sale",
            "--item",
            "BIG",
            "--customer",
            &bob,
            "--pay",
            "cash:200",
        ],
    );
    // Both accruals are past the return window; the refunded one is netted
    // by its reversal in the payout.
    let approved = s.run("commission approve-due");
    assert_eq!(approved.as_array().unwrap().len(), 2);
    assert_eq!(approved[1]["amount"], "7.50");
    let p = ok_json(
        &s.db,
        &[
            "payout",
            "create",
            "--referrer",
            &ann,
            "--method",
            "bank",
            "--reference",
            "TRF-9",
        ],
    );
    assert_eq!(p["amount"], "7.50");
    assert_eq!(p["entries"].as_array().unwrap().len(), 3);
    assert_eq!(
        s.run("commission list --status paid")
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Bad input: exit 2, a clear message, the sale not completed.
    let orders = count(&s.db, "orders");
    for (args, needle) in [
        (
            vec![
                "sale",
                "--item",
                "BIG",
                "--referral",
                "REFNOTACODE",
                "--pay",
                "cash:200",
            ],
            "not a referral code",
        ),
        (
            vec![
                "sale",
                "--item",
                "BIG",
                "--customer",
                &ann,
                "--referral",
                &code,
                "--pay",
                "cash:200",
            ],
            "self-referral",
        ),
        (
            vec![
                "sale",
                "--item",
                "BIG",
                "--customer",
                "nobody",
                "--pay",
                "cash:200",
            ],
            "customer",
        ),
        (
            vec![
                "sale",
                "--item",
                "BIG",
                "--customer",
                &aff,
                "--pay",
                "cash:200",
            ],
            "affiliate",
        ),
        (
            vec!["payout", "create", "--referrer", &ann, "--method", "cash"],
            "no approved commission",
        ),
        (
            vec!["program", "set", "--percent", "-5"],
            "between 0 and 100",
        ),
        (vec!["program", "set", "--amount", "-5"], "negative"),
        (
            vec!["program", "set", "--percent", "5", "--amount", "1"],
            "cannot be used with",
        ),
        (
            vec![
                "customer",
                "add",
                "--name",
                "Eve",
                "--email",
                "ann@example.com",
            ],
            "email",
        ),
        (
            vec!["customer", "add", "--name", "Eve", "--email", "nope"],
            "email address",
        ),
        (
            vec!["commission", "list", "--status", "lost"],
            "pending, approved",
        ),
        (vec!["referral", "code", "nobody"], "not found"),
    ] {
        let out = till(&s.db, &[args.clone(), vec!["--json"]].concat());
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(needle),
            "{args:?}: {err} should mention {needle}"
        );
    }
    assert_eq!(count(&s.db, "orders"), orders);
    // The cashier goes on without the code.
    s.run("sale --item BIG --pay cash:200");
}
