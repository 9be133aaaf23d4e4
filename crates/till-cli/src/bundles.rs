//! `till bundles …`: mining baskets for items bought together.

use till_core::bundles::{BundleInput, BundleOffer, BundleUpdate, SuggestParams};
use till_core::input::time as parse_time;
use till_core::input::Field;
use till_core::{Error, Result, Store};
use till_mining::{mine, no_progress, MiningResult, Params, Transactions};

use crate::cli::{BundleCmd, BundleOfferArgs, BundleWindowArgs, BundlesCmd, KitCmd};
use crate::print;
use crate::run::Ctx;

/// Mining errors are the user's input (a file, a threshold): exit 2.
fn mining_err(field: Field, e: till_mining::Error) -> Error {
    Error::invalid(field, e.to_string())
}

pub fn run(ctx: &Ctx, store: Option<&mut Store>, cmd: BundlesCmd) -> Result<()> {
    match cmd {
        BundlesCmd::Mine {
            input,
            format,
            min_support,
            min_confidence,
            max_len,
        } => {
            let max_len = max_len
                .map(|m| {
                    m.trim().parse::<usize>().map_err(|_| {
                        Error::invalid(Field::MaxLen, format!("{m:?} is not a whole number"))
                    })
                })
                .transpose()?;
            let params = Params::parse(&min_support, &min_confidence, max_len)
                .map_err(|e| mining_err(Field::Thresholds, e))?;
            let transactions = match (&input, store) {
                (Some(path), _) => {
                    let fmt = till_core::bundles::basket_format(path, format.as_deref())?;
                    till_mining::read_file(path, fmt)
                        .map_err(|e| mining_err(Field::BasketFile, e))?
                }
                (None, Some(store)) => {
                    let baskets = store.basket_transactions()?;
                    if baskets.is_empty() {
                        return Err(Error::Refused(
                            "the store has no completed orders to learn from yet".into(),
                        ));
                    }
                    Transactions::from_baskets(&baskets)
                }
                (None, None) => {
                    return Err(Error::invalid(
                        Field::Mining,
                        "give a basket file or a store",
                    ))
                }
            };
            let result = mine(&transactions, &params, &no_progress)
                .map_err(|e| mining_err(Field::Mining, e))?;
            ctx.out(&result, human)
        }
        BundlesCmd::Suggest {
            sku,
            min_support,
            min_confidence,
            limit,
        } => {
            let store = need(store)?;
            let r = store.bundle_suggestions(&SuggestParams {
                min_support,
                min_confidence,
                sku,
                limit: count(Field::Limit, &limit)?,
            })?;
            ctx.out(&r, |v| print::suggestions(v, &ctx.human))
        }
        BundlesCmd::Approve {
            key,
            name,
            offer,
            window,
        } => {
            let store = need(store)?;
            let o = offer_of(store, &offer)?;
            let (from, until) = window_of(&window)?;
            let b = store.approve_suggestion(&key, name, o, from.flatten(), until.flatten())?;
            ctx.out(&b, |v| print::bundle(v, &ctx.human))
        }
        BundlesCmd::Dismiss { key } => {
            let store = need(store)?;
            let key = store.dismiss_suggestion(&key)?;
            ctx.out(&serde_json::json!({ "dismissed": key }), |_| {
                format!("{key} will not be suggested again")
            })
        }
        BundlesCmd::Companions { sku, limit } => {
            let store = need(store)?;
            let list = store.companions(&sku, &[], count(Field::Limit, &limit)?)?;
            ctx.out(&list, |l| print::companions(l, &ctx.human))
        }
    }
}

fn need(store: Option<&mut Store>) -> Result<&mut Store> {
    store.ok_or_else(|| Error::invalid(Field::Db, "this command needs a store"))
}

fn count(field: Field, text: &str) -> Result<usize> {
    match till_core::input::whole(field, text)? {
        n if n >= 1 => Ok(n as usize),
        n => Err(Error::invalid(field, format!("{n} must be at least 1"))),
    }
}

fn offer_of(store: &Store, a: &BundleOfferArgs) -> Result<Option<BundleOffer>> {
    BundleOffer::parse(
        &store.settings().currency,
        a.percent_off.as_deref(),
        a.price.as_deref(),
    )
}

/// Each end: None = not given, Some(None) = "" (clear), Some(Some(t)).
type WindowEnd = Option<Option<chrono::DateTime<chrono::Utc>>>;

fn window_of(w: &BundleWindowArgs) -> Result<(WindowEnd, WindowEnd)> {
    let end = |field: Field, v: &Option<String>| -> Result<WindowEnd> {
        v.as_deref()
            .map(|t| {
                if t.trim().is_empty() {
                    Ok(None)
                } else {
                    parse_time(field, t).map(Some)
                }
            })
            .transpose()
    };
    Ok((end(Field::From, &w.from)?, end(Field::Until, &w.until)?))
}

fn items_of(store: &Store, items: &[String]) -> Result<Vec<(String, i64)>> {
    items.iter().map(|i| store.item(i)).collect()
}

pub fn bundle(ctx: &Ctx, store: &mut Store, cmd: BundleCmd) -> Result<()> {
    match cmd {
        BundleCmd::Create {
            name,
            items,
            offer,
            window,
        } => {
            let offer = offer_of(store, &offer)?;
            let (from, until) = window_of(&window)?;
            let b = store.create_bundle(BundleInput {
                name,
                items: items_of(store, &items)?,
                offer,
                valid_from: from.flatten(),
                valid_until: until.flatten(),
            })?;
            ctx.out(&b, |v| print::bundle(v, &ctx.human))
        }
        BundleCmd::List { all } => {
            let list = store.bundle_list(all)?;
            ctx.warn_damaged(&list.damaged, |id| {
                format!("it is left out of checkout; `till bundle edit {id} --active false` takes it off")
            });
            let list = list.bundles;
            ctx.out(&list, |l| print::bundles(l, &ctx.human))
        }
        BundleCmd::Show { id } => {
            let b = store.bundle(till_core::input::whole(Field::Id, &id)?)?;
            ctx.out(&b, |v| print::bundle(v, &ctx.human))
        }
        BundleCmd::Edit {
            id,
            name,
            items,
            offer,
            window,
            active,
        } => {
            let id = till_core::input::whole(Field::Id, &id)?;
            let only_active = name.is_none()
                && items.is_empty()
                && offer.percent_off.is_none()
                && offer.price.is_none()
                && window.from.is_none()
                && window.until.is_none();
            if let (true, Some(active)) = (only_active, active) {
                // Switching a bundle on or off reads nothing else, so it
                // works on a bundle that cannot be read too.
                store.set_bundle_active(id, active)?;
                return match store.bundle(id) {
                    Ok(b) => ctx.out(&b, |v| print::bundle(v, &ctx.human)),
                    Err(Error::Damaged(d)) => ctx.out(
                        &serde_json::json!({ "id": id, "active": active, "damaged": true }),
                        |_| {
                            format!(
                                "bundle {id} switched {} (it cannot be read: {d})",
                                if active { "on" } else { "off" }
                            )
                        },
                    ),
                    Err(e) => Err(e),
                };
            }
            let offer = offer_of(store, &offer)?;
            let (valid_from, valid_until) = window_of(&window)?;
            let b = store.update_bundle(
                id,
                BundleUpdate {
                    name,
                    items: if items.is_empty() {
                        None
                    } else {
                        Some(items_of(store, &items)?)
                    },
                    offer,
                    valid_from,
                    valid_until,
                    active,
                },
            )?;
            ctx.out(&b, |v| print::bundle(v, &ctx.human))
        }
    }
}

pub fn kit(ctx: &Ctx, store: &mut Store, cmd: KitCmd) -> Result<()> {
    match cmd {
        KitCmd::Set { sku, items } => {
            let k = store.set_kit(&sku, &items_of(store, &items)?)?;
            ctx.out(&k, |v| print::kit(v, &ctx.human))
        }
        KitCmd::Clear { sku } => {
            let p = store.clear_kit(&sku)?;
            ctx.out(&p, |v| print::product(v, &ctx.human))
        }
        KitCmd::Show { sku } => {
            let k = store.kit(&sku)?;
            ctx.out(&k, |v| print::kit(v, &ctx.human))
        }
        KitCmd::List => {
            let list = store.kits()?;
            ctx.out(&list, |l| {
                if l.is_empty() {
                    "no kits".into()
                } else {
                    l.iter()
                        .map(|k| print::kit(k, &ctx.human))
                        .collect::<Vec<_>>()
                        .join("")
                }
            })
        }
    }
}

fn human(r: &MiningResult) -> String {
    let mut s = format!(
        "{} transactions, {} frequent itemsets, {} rules\n",
        r.transactions,
        r.itemsets.len(),
        r.rules.len()
    );
    let mut rules: Vec<_> = r.rules.iter().collect();
    rules.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.confidence.total_cmp(&a.confidence))
    });
    if !rules.is_empty() {
        s.push_str("strongest rules (by lift):\n");
    }
    for rule in rules.iter().take(15) {
        s.push_str(&format!(
            "  {} -> {}   confidence {:.3}, lift {:.2}, {} baskets\n",
            rule.antecedent.join(" + "),
            rule.consequent.join(" + "),
            rule.confidence,
            rule.lift,
            rule.support_count
        ));
    }
    s
}
