//! Cash-drawer shifts and prices set at the till, through the real `till`
//! binary on a real store file.

use crate::cli_support::{count, shop, text};

#[test]
fn a_shift_from_open_to_z_report() {
    let s = shop();
    s.run("product add --sku COF --name Coffee --price 3.40 --tax-rate 10 --stock 100");
    s.run("product add --sku MUG --name Mug --price 12.00 --tax-rate 20 --stock 10");

    let e = s.run_err("shift status", 2);
    assert_eq!(e["error"]["code"], "no_shift", "{e}");

    let open = s.run("--user ana shift open --float 100");
    for key in ["id", "opened_by", "opened_at", "float"] {
        assert!(open.get(key).is_some(), "{key} in {open}");
    }
    assert_eq!(open["opened_by"], "ana");
    assert_eq!(open["float"], "100.00");
    let opened_at = open["opened_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(opened_at).is_ok(),
        "{opened_at}"
    );
    let id = open["id"].as_str().unwrap().to_string();
    let e = s.run_err("shift open --float 5", 2);
    assert_eq!(e["error"]["code"], "conflict", "{e}");

    // 7.48 cash (10.00 given), 14.40 by card, then the card sale refunded.
    s.run("--user ana sale --item COFx2 --pay cash:10");
    let card = s.run("--user ben sale --item MUG --pay card:14.40");
    s.run(&format!(
        "--user ben order refund {}",
        card["number"].as_str().unwrap()
    ));
    s.run("--user ben shift cash --in 20 --reason 'change from the bank'");
    let x = s.run("--user ana shift cash --out 5.50 --reason 'window cleaner'");
    assert_eq!(x["cash_sales"], "7.48");
    assert_eq!(x["card_sales"], "14.40");
    assert_eq!(x["card_refunds"], "14.40");
    assert_eq!(x["cash_refunds"], "0.00");
    assert_eq!(x["cash_in"], "20.00");
    assert_eq!(x["cash_out"], "5.50");
    assert_eq!(x["expected_cash"], "121.98");
    assert_eq!(x["orders"], 2);
    assert_eq!(x["refunds"], 1);
    assert_eq!(x["tax"], "0.68");
    assert_eq!(x["net"], "6.80");
    assert_eq!(x["discounts"], "0.00");
    assert!(x["counted"].is_null() && x["variance"].is_null(), "{x}");
    assert_eq!(x["per_cashier"][0]["cashier"], "ana");
    assert_eq!(x["per_cashier"][1]["cashier"], "ben");
    assert_eq!(x["per_cashier"][1]["card_refunds"], "14.40");
    assert_eq!(x["cash_moves"][0]["reason"], "change from the bank");
    assert_eq!(s.run("shift status"), x);

    let human = text(&s.db, &["shift", "status"]);
    assert!(human.starts_with("X report of shift"), "{human}");
    assert!(
        human.contains("Expected cash") && human.contains("121.98"),
        "{human}"
    );
    assert!(human.contains("window cleaner"), "{human}");

    let z = s.run("--user ana shift close --counted 120");
    assert_eq!(z["counted"], "120.00");
    assert_eq!(z["variance"], "-1.98");
    assert_eq!(z["expected_cash"], "121.98");
    assert_eq!(z["closed_by"], "ana");
    // Kept as it was: a later sale (no shift open) does not move it.
    s.run("sale --item COF --pay cash:5");
    assert_eq!(s.run(&format!("shift show {id}")), z);
    let human = text(&s.db, &["shift", "show", &id]);
    assert!(human.starts_with("Z report of shift"), "{human}");
    assert!(
        human.contains("Variance") && human.contains("-1.98"),
        "{human}"
    );

    let list = s.run("shift list");
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["counted"], "120.00");
    assert_eq!(s.run_err("shift status", 2)["error"]["code"], "no_shift");
    assert_eq!(
        s.run_err("shift show nope", 2)["error"]["code"],
        "not_found"
    );
}

#[test]
fn bad_shift_input_is_refused_naming_the_flag() {
    let s = shop();
    for (line, words) in [
        ("shift open --float -5", "--float"),
        ("shift open --float 1.234", "--float"),
        ("shift open --float abc", "--float"),
    ] {
        let e = s.run_err(line, 2);
        assert_eq!(e["error"]["code"], "invalid_input", "{line}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(words),
            "{line}: {e}"
        );
    }
    assert_eq!(count(&s.db, "shifts"), 0);
    let e = s.run_err("shift cash --in 5 --reason bank", 2);
    assert_eq!(e["error"]["code"], "no_shift", "{e}");
    s.run("shift open --float 0");
    for (line, code, words) in [
        (
            "shift cash --in 0 --reason bank",
            "invalid_input",
            "--in or --out",
        ),
        (
            "shift cash --out -1 --reason bank",
            "invalid_input",
            "--in or --out",
        ),
        (
            "shift cash --in 5 --reason '  '",
            "invalid_input",
            "--reason",
        ),
        ("shift cash --in 5", "usage", "required"),
        ("shift cash --in 5 --out 5 --reason x", "usage", ""),
        ("shift cash --reason x", "usage", ""),
        ("shift close --counted -0.01", "invalid_input", "--counted"),
    ] {
        let e = s.run_err(line, 2);
        assert_eq!(e["error"]["code"], code, "{line}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(words),
            "{line}: {e}"
        );
    }
    assert_eq!(count(&s.db, "shift_cash"), 0);
    assert!(s.run("shift status")["closed_at"].is_null());
}

#[test]
fn a_price_set_at_the_till_on_the_command_line() {
    let s = shop();
    s.run("product add --sku COF --name Coffee --price 3.40 --tax-rate 10 --stock 100");
    let r = s.run("--user maria sale --item COFx2@2.50 --item 3*COF@0 --item COF --pay cash:20");
    let lines = r["lines"].as_array().unwrap();
    assert_eq!(lines[0]["unit_price"], "2.50");
    assert_eq!(lines[0]["qty"], 2);
    assert_eq!(lines[0]["price_note"], "override by maria");
    assert_eq!(lines[1]["unit_price"], "0.00");
    assert_eq!(lines[1]["qty"], 3);
    assert_eq!(lines[2]["unit_price"], "3.40");
    assert!(lines[2]["price_note"].is_null());
    let human = text(&s.db, &["order", "show", r["id"].as_str().unwrap()]);
    assert!(human.contains("override by maria"), "{human}");

    let orders = count(&s.db, "orders");
    for (item, words) in [
        ("COF@abc", "COF@abc: price"),
        ("COF@2.555", "COF@2.555: price 2.555 has more decimals"),
        ("COF@-1", "must not be negative"),
        ("COF@", "a price must follow @"),
    ] {
        let e = s.run_err(&format!("sale --item {item} --pay cash:20"), 2);
        assert_eq!(e["error"]["code"], "invalid_input", "{item}: {e}");
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.contains("--item") && m.contains(words), "{item}: {m}");
    }
    assert_eq!(count(&s.db, "orders"), orders);
    // A refund gives back what was paid; its items take no price.
    let e = s.run_err(
        &format!("order refund {} --item COF@1", r["id"].as_str().unwrap()),
        2,
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("only for an item being sold"),
        "{e}"
    );
}

#[test]
fn a_store_that_requires_a_shift_says_so_at_the_sale() {
    let s = shop();
    s.run("product add --sku COF --name Coffee --price 3.40 --stock 100");
    s.run("settings set --require-shift true");
    let orders = count(&s.db, "orders");
    let e = s.run_err("sale --item COF --pay cash:5", 2);
    assert_eq!(e["error"]["code"], "no_shift", "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("till shift open --float"),
        "{e}"
    );
    assert_eq!(count(&s.db, "orders"), orders);
    s.run("shift open --float 10");
    s.run("sale --item COF --pay cash:5");
    assert_eq!(s.run("shift status")["cash_sales"], "3.40");
}

#[test]
fn a_cashier_runs_the_drawer_and_a_manager_approves_the_close_and_prices() {
    use crate::staff::{
        as_member, err_as, err_out, json_out, ok_as, staffed_shop, CASHIER, MANAGER, OWNER,
    };
    let s = staffed_shop();
    // Nobody signed in: refused.
    let e = err_as(&s.db, None, &["shift", "open", "--float", "50"], 4);
    assert_eq!(e["error"]["code"], "forbidden");
    let open = ok_as(&s.db, Some(CASHIER), &["shift", "open", "--float", "50"]);
    assert_eq!(open["opened_by"], CASHIER.0);
    ok_as(
        &s.db,
        Some(CASHIER),
        &["shift", "cash", "--out", "4", "--reason", "milk"],
    );
    let x = ok_as(&s.db, Some(CASHIER), &["shift", "status"]);
    assert_eq!(x["expected_cash"], "46.00");

    // A price set at the till: a manager's, or a cashier's with approval.
    let sale = ["sale", "--item", "Ax2@4.50", "--pay", "cash:9"];
    let e = err_as(&s.db, Some(CASHIER), &sale, 4);
    assert_eq!(e["error"]["code"], "forbidden");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("price"),
        "{e}"
    );
    let mut approved = sale.to_vec();
    approved.extend(["--approve-by", MANAGER.0]);
    let out = as_member(
        &s.db,
        Some(CASHIER),
        &approved,
        &[("TILL_APPROVER_PIN", MANAGER.1)],
        None,
    );
    let r = json_out(&out, &approved);
    assert_eq!(r["lines"][0]["unit_price"], "4.50");
    assert_eq!(
        r["lines"][0]["price_note"],
        format!("override by {}", MANAGER.0)
    );
    assert_eq!(r["cashier"], CASHIER.0);

    // Closing is a manager's: refused to the cashier alone, done with
    // approval, and recorded with both names.
    let close = ["shift", "close", "--counted", "55"];
    assert_eq!(
        err_as(&s.db, Some(CASHIER), &close, 4)["error"]["code"],
        "forbidden"
    );
    let mut approved = close.to_vec();
    approved.extend(["--approve-by", MANAGER.0]);
    let out = as_member(
        &s.db,
        Some(CASHIER),
        &approved,
        &[("TILL_APPROVER_PIN", "0000")],
        None,
    );
    assert_eq!(err_out(&out, 4, &approved)["error"]["code"], "bad_pin");
    let out = as_member(
        &s.db,
        Some(CASHIER),
        &approved,
        &[("TILL_APPROVER_PIN", MANAGER.1)],
        None,
    );
    let z = json_out(&out, &approved);
    assert_eq!(z["closed_by"], CASHIER.0);
    assert_eq!(z["expected_cash"], "55.00");
    assert_eq!(z["variance"], "0.00");
    // The list and past reports: a manager's.
    let id = open["id"].as_str().unwrap();
    assert_eq!(
        err_as(&s.db, Some(CASHIER), &["shift", "show", id], 4)["error"]["code"],
        "forbidden"
    );
    assert_eq!(ok_as(&s.db, Some(MANAGER), &["shift", "show", id]), z);

    let entries = ok_as(&s.db, Some(OWNER), &["audit", "list", "--action", "shift"]);
    let who: Vec<(String, String, String)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["actor"].as_str().unwrap_or("").to_string(),
                e["approver"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let cara = CASHIER.0.to_string();
    let mut who = who;
    who.sort();
    assert_eq!(
        who,
        [
            ("shift.cash".to_string(), cara.clone(), String::new()),
            (
                "shift.close".to_string(),
                cara.clone(),
                MANAGER.0.to_string()
            ),
            ("shift.open".to_string(), cara.clone(), String::new()),
        ]
    );
    let prices = ok_as(&s.db, Some(OWNER), &["audit", "list", "--action", "price"]);
    assert_eq!(prices[0]["action"], "price.override");
    assert_eq!(prices[0]["approver"], MANAGER.0);
    assert_eq!(prices[0]["detail"]["old"], "5.00");
    assert_eq!(prices[0]["detail"]["new"], "4.50");
    assert_eq!(ok_as(&s.db, Some(OWNER), &["audit", "verify"])["ok"], true);
}
