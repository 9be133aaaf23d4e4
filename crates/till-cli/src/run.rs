//! Runs one parsed command against the store.

use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::Serialize;
use till_core::catalog::{NewProduct, ProductUpdate};
use till_core::checkout::{SaleLine, SaleRequest, Tender};
use till_core::input::time as parse_time;
use till_core::money::parse_decimal;
use till_core::money::Currency;
use till_core::orders::RefundRequest;
use till_core::pricing::{Condition, Effect, FlashEffect, FlashSaleInput, RuleInput, Scope};
use till_core::settings::{Settings, SettingsUpdate};
use till_core::tax::parse_rate;
use till_core::totals::Discount;
use till_core::{Error, Result, Store};

use crate::cli::*;
use crate::human::Human;
use crate::print;

/// The store path: --db, else Till's one default (`till_core::location`:
/// $TILL_DB, else the OS user data folder), the same file the app opens.
fn store_path(cli_db: &Option<PathBuf>) -> Result<PathBuf> {
    match cli_db {
        Some(p) => Ok(p.clone()),
        None => till_core::location::default_path(),
    }
}

pub(crate) struct Ctx {
    pub(crate) json: bool,
    /// How human output writes times, money and statuses.
    pub(crate) human: Human,
}

impl Ctx {
    /// Says on stderr which rows of a list cannot be read (the store is
    /// damaged there) and what to do about each; `then` gets the row id.
    pub(crate) fn warn_damaged(
        &self,
        damaged: &[till_core::stored::Damage],
        then: impl Fn(&str) -> String,
    ) {
        for d in damaged {
            let id = d.row.as_deref().unwrap_or("?");
            let message = format!(
                "{} {id} cannot be read ({d}): {}",
                print::row_kind(&d.table),
                then(id)
            );
            if self.json {
                eprintln!(
                    "{}",
                    serde_json::json!({ "warning": { "code": "store_damaged", "message": message, "damage": d } })
                );
            } else {
                eprintln!("till: warning: {message}");
            }
        }
    }

    /// Prints `value` as JSON, or as text through `human`.
    pub(crate) fn out<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&T) -> String,
    ) -> Result<()> {
        let text = if self.json {
            serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?
        } else {
            human(value).trim_end().to_string()
        };
        if text.is_empty() {
            return Ok(());
        }
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{text}").and_then(|_| out.flush()) {
            // The reader went away (`till … | head`): the work is done, so
            // is the output; not an error, and never a panic.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Error::Internal(format!("cannot write the output: {e}"))),
            Ok(()) => Ok(()),
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let mut ctx = Ctx {
        json: cli.json,
        human: Human::plain(),
    };
    let path = store_path(&cli.db)?;
    if let Command::Init(args) = &cli.command {
        return init(&ctx, &path, args);
    }
    // Mining a basket file needs no store.
    if let Command::Bundles(BundlesCmd::Mine { input: Some(_), .. }) = &cli.command {
        let Command::Bundles(cmd) = cli.command else {
            unreachable!()
        };
        return crate::bundles::run(&ctx, None, cmd);
    }
    let mut store = match (Store::open(&path), &cli.command) {
        // A store whose settings cannot be read does not open; the doctor
        // still examines it, read-only.
        (Err(Error::Damaged(_)), Command::Doctor) => {
            return doctor(&ctx, till_core::doctor::examine_file(&path)?)
        }
        (s, _) => s?,
    };
    if let Some(u) = &cli.user {
        store.set_user(u)?;
    }
    ctx.human = Human::of(store.settings())?;
    match cli.command {
        Command::Init(_) => unreachable!("handled above"),
        Command::Product(cmd) => product(&ctx, &mut store, cmd),
        Command::Stock(cmd) => stock(&ctx, &mut store, cmd),
        Command::Sale(args) => sale(&ctx, &mut store, args),
        Command::Order(cmd) => order(&ctx, &mut store, cmd),
        Command::Price(PriceCmd::Show { sku, at }) => {
            let at = match at {
                Some(t) => parse_time("--at", &t)?,
                None => store.now(),
            };
            let q = store.quote(&sku, at)?;
            ctx.out(&q, |v| print::quote(v, &ctx.human))
        }
        Command::Demo(DemoCmd::Sales { count, seed }) => {
            let count = parse_count("--count", &count)?;
            let seed = till_core::demo::parse_seed("--seed", &seed)?;
            let summary = till_core::demo::run_sales(&mut store, count as usize, seed)?;
            ctx.out(&summary, |s| {
                format!(
                    "{} demo sales, {} items, revenue {} ({} restocks)",
                    s.orders,
                    s.items,
                    ctx.human.money(s.revenue),
                    s.restocks
                )
            })
        }
        Command::Settings(SettingsCmd::Show) => ctx.out(store.settings(), print::settings),
        Command::Settings(SettingsCmd::Set {
            name,
            tax_mode,
            default_tax_rate,
            allow_negative_stock,
            time_zone,
            locale,
            floor_at_cost,
            price_ceiling,
        }) => {
            let update = SettingsUpdate {
                store_name: name,
                tax_mode: tax_mode.map(|m| m.parse()).transpose()?,
                default_tax_rate: default_tax_rate
                    .map(|r| {
                        if r.trim().is_empty() {
                            Ok(None)
                        } else {
                            parse_rate(&r).map(Some)
                        }
                    })
                    .transpose()?,
                allow_negative_stock,
                time_zone,
                locale,
                floor_at_cost,
                price_ceiling: price_ceiling
                    .map(|c| {
                        if c.trim().is_empty() {
                            Ok(None)
                        } else {
                            parse_decimal("--price-ceiling", &c).map(Some)
                        }
                    })
                    .transpose()?,
            };
            let s = store.update_settings(update)?;
            ctx.out(&s, print::settings)
        }
        Command::Pricing(PricingCmd::Rule(cmd)) => pricing_rule(&ctx, &mut store, cmd),
        Command::Flash(cmd) => flash(&ctx, &mut store, cmd),
        Command::Bundles(cmd) => crate::bundles::run(&ctx, Some(&mut store), cmd),
        Command::Bundle(cmd) => crate::bundles::bundle(&ctx, &mut store, cmd),
        Command::Kit(cmd) => crate::bundles::kit(&ctx, &mut store, cmd),
        Command::Sync(cmd) => crate::sync::run(&ctx, &mut store, cmd),
        Command::Customer(cmd) => crate::referrals::customer(&ctx, &mut store, cmd),
        Command::Affiliate(cmd) => crate::referrals::affiliate(&ctx, &mut store, cmd),
        Command::Referral(cmd) => crate::referrals::referral(&ctx, &mut store, cmd),
        Command::Program(cmd) => crate::referrals::program(&ctx, &mut store, cmd),
        Command::Commission(cmd) => crate::referrals::commission(&ctx, &mut store, cmd),
        Command::Payout(cmd) => crate::referrals::payout(&ctx, &mut store, cmd),
        Command::Plan(cmd) => crate::plans::plan(&ctx, &mut store, cmd),
        Command::License(cmd) => crate::plans::license(&ctx, &mut store, cmd),
        Command::Feature(FeatureCmd::Check { key }) => crate::plans::feature(&ctx, &store, &key),
        Command::Limit(LimitCmd::Check { key }) => crate::plans::limit(&ctx, &store, &key),
        Command::Usage(cmd) => crate::plans::usage(&ctx, &mut store, cmd),
        Command::Membership(cmd) => crate::plans::membership(&ctx, &mut store, cmd),
        Command::Report(cmd) => crate::plans::report(&ctx, &store, cmd),
        Command::Doctor => doctor(&ctx, store.doctor()?),
    }
}

fn doctor(ctx: &Ctx, report: till_core::doctor::Report) -> Result<()> {
    ctx.out(&report, print::doctor)?;
    if report.is_healthy() {
        Ok(())
    } else {
        Err(Error::Refused("the store failed its checks".into()))
    }
}

fn init(ctx: &Ctx, path: &PathBuf, args: &InitArgs) -> Result<()> {
    let currency = Currency::from_code(&args.currency)?;
    let mut settings = Settings {
        currency,
        tax_mode: args.tax_mode.parse()?,
        ..Settings::default()
    };
    if let Some(tz) = &args.time_zone {
        settings.time_zone = till_core::settings::parse_time_zone(tz)?.name().to_string();
    }
    if let Some(tag) = &args.locale {
        settings.locale = till_core::input::locale("--locale", tag)?;
    }
    if let Some(name) = &args.name {
        if name.trim().is_empty() {
            return Err(Error::invalid("--name", "must not be empty"));
        }
        settings.store_name = name.trim().to_string();
    } else if args.demo {
        settings.store_name = "Till Demo Café".into();
    }
    let (store, products, demo) = if args.demo && !args.catalog_only {
        let options = till_core::demo::DemoOptions {
            seed: match &args.seed {
                Some(s) => till_core::demo::parse_seed("--seed", s)?,
                None => till_core::demo::DEFAULT_SEED,
            },
            now: match &args.at {
                Some(t) => parse_time("--at", t)?,
                None => till_core::Clock::System.now(),
            },
            license: match &args.license {
                Some(file) => Some(std::fs::read_to_string(file).map_err(|e| {
                    Error::invalid("--license", format!("cannot read {}: {e}", file.display()))
                })?),
                None => None,
            },
        };
        let (store, report) = till_core::demo::create(path, settings, &options)?;
        let products = store.products(None, true)?.len();
        (store, products, Some(report))
    } else {
        let mut store = Store::create(path, settings)?;
        let products = if args.demo {
            till_core::demo::seed_catalog(&mut store)?
        } else {
            0
        };
        (store, products, None)
    };
    let report = serde_json::json!({
        "path": store.path().display().to_string(),
        "store_id": store.settings().store_id,
        "device_id": store.settings().device_id,
        "currency": store.settings().currency.code,
        "products": products,
        "demo": demo,
    });
    ctx.out(&report, |_| {
        let mut text = format!(
            "created store {} ({}){}",
            store.path().display(),
            store.settings().currency.code,
            if products > 0 {
                format!(" with {products} demo products")
            } else {
                String::new()
            }
        );
        if let Some(d) = &demo {
            text.push_str(&crate::demo::report(d));
        }
        text
    })
}

fn parse_count(field: &str, text: &str) -> Result<i64> {
    match parse_int(field, text)? {
        n if n >= 1 => Ok(n),
        n => Err(Error::invalid(field, format!("{n} must be at least 1"))),
    }
}

/// Splits "SKUx3" into ("SKU", 3); "SKU" alone is one unit. The quantity is
/// what follows the last lowercase "x" when that is a number.
pub fn parse_item(text: &str) -> Result<(String, i64)> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid("--item", "must not be empty"));
    }
    if let Some(pos) = t.rfind('x') {
        let (code, qty) = (&t[..pos], &t[pos + 1..]);
        let numeric = !qty.is_empty()
            && qty
                .trim_start_matches(['-', '+'])
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.');
        if !code.is_empty() && numeric {
            return match qty.parse::<i64>() {
                Ok(q) if q >= 1 => Ok((code.to_string(), q)),
                Ok(q) => Err(Error::invalid(
                    format!("--item {t}"),
                    format!("quantity {q} must be at least 1"),
                )),
                Err(_) => Err(Error::invalid(
                    format!("--item {t}"),
                    format!("quantity {qty:?} must be a whole number"),
                )),
            };
        }
    }
    Ok((t.to_string(), 1))
}

fn product_sell_by(a: &ProductPricingArgs) -> Result<Option<Option<chrono::NaiveDate>>> {
    clearable(a.sell_by.clone())
        .map(|v| {
            v.map(|d| till_core::input::date("--sell-by", &d))
                .transpose()
        })
        .transpose()
}

fn product_floor(c: &Currency, a: &ProductPricingArgs) -> Result<Option<Option<Decimal>>> {
    clearable(a.floor.clone())
        .map(|v| v.map(|f| c.parse_non_negative("--floor", &f)).transpose())
        .transpose()
}

fn product_ceiling(a: &ProductPricingArgs) -> Result<Option<Option<Decimal>>> {
    clearable(a.ceiling.clone())
        .map(|v| v.map(|x| parse_decimal("--ceiling", &x)).transpose())
        .transpose()
}

use till_core::input::whole as parse_int;

fn parse_id(text: &str) -> Result<i64> {
    parse_int("ID", text)
}

fn pricing_rule(ctx: &Ctx, store: &mut Store, cmd: RuleCmd) -> Result<()> {
    match cmd {
        RuleCmd::Add(a) => {
            let condition = match (
                &a.when.when_stock_below,
                &a.when.when_stock_above,
                &a.when.within_days_of_sell_by,
            ) {
                (Some(n), _, _) => Condition::StockBelow(parse_int("--when-stock-below", n)?),
                (_, Some(n), _) => Condition::StockAbove(parse_int("--when-stock-above", n)?),
                (_, _, Some(n)) => {
                    Condition::WithinDaysOfSellBy(parse_int("--within-days-of-sell-by", n)?)
                }
                _ => return Err(Error::invalid(
                    "rule",
                    "give one of --when-stock-below, --when-stock-above, --within-days-of-sell-by",
                )),
            };
            let effect = match (&a.effect.multiplier, &a.effect.amount) {
                (Some(m), _) => Effect::Multiplier(parse_decimal("--multiplier", m)?),
                (_, Some(x)) => {
                    Effect::Amount(store.settings().currency.parse_amount("--amount", x)?)
                }
                _ => return Err(Error::invalid("rule", "give --multiplier or --amount")),
            };
            let scope = match (a.sku, a.category) {
                (Some(s), _) => Scope::Sku(s),
                (_, Some(c)) => Scope::Category(c),
                _ => Scope::All,
            };
            let hysteresis = parse_int("--hysteresis", &a.hysteresis)?;
            let rule = store.add_pricing_rule(RuleInput {
                condition,
                effect,
                scope,
                hysteresis,
            })?;
            let c = store.settings().currency.clone();
            ctx.out(&rule, |r| format!("rule {}: {}", r.id, print::rule(r, &c)))
        }
        RuleCmd::List => {
            let list = store.pricing_rule_list()?;
            ctx.warn_damaged(&list.damaged, |id| {
                format!("it is left out of pricing; `till pricing rule remove {id}` removes it")
            });
            let rules = list.rules;
            let c = store.settings().currency.clone();
            ctx.out(&rules, |rs| {
                if rs.is_empty() {
                    "no pricing rules".into()
                } else {
                    rs.iter()
                        .map(|r| format!("{:>4}  {}", r.id, print::rule(r, &c)))
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            })
        }
        RuleCmd::Remove { id } => {
            let id = parse_id(&id)?;
            store.remove_pricing_rule(id)?;
            ctx.out(&serde_json::json!({ "removed": id }), |_| {
                format!("rule {id} removed")
            })
        }
    }
}

fn flash_input(store: &Store, a: FlashArgs) -> Result<FlashSaleInput> {
    let effect = match (&a.effect.multiplier, &a.effect.price) {
        (Some(m), _) => FlashEffect::Multiplier(parse_decimal("--multiplier", m)?),
        (_, Some(p)) => {
            FlashEffect::Price(store.settings().currency.parse_non_negative("--price", p)?)
        }
        _ => return Err(Error::invalid("flash sale", "give --multiplier or --price")),
    };
    Ok(FlashSaleInput {
        name: a.name,
        skus: a.skus,
        categories: a.categories,
        effect,
        starts_at: parse_time("--start", &a.start)?,
        ends_at: parse_time("--end", &a.end)?,
        weekly: a.weekly,
    })
}

fn flash(ctx: &Ctx, store: &mut Store, cmd: FlashCmd) -> Result<()> {
    let now = store.now();
    match cmd {
        FlashCmd::Create(a) => {
            let input = flash_input(store, a)?;
            let sale = store.create_flash_sale(input)?;
            let view = sale.view(now);
            ctx.out(&view, |v| print::flash(v, &ctx.human))
        }
        FlashCmd::Edit { id, args } => {
            let id = parse_id(&id)?;
            let input = flash_input(store, args)?;
            let view = store.update_flash_sale(id, input)?.view(now);
            ctx.out(&view, |v| print::flash(v, &ctx.human))
        }
        FlashCmd::List { at } => {
            let at = at
                .map(|t| parse_time("--at", &t))
                .transpose()?
                .unwrap_or(now);
            let list = store.flash_sales(at)?;
            ctx.warn_damaged(&list.damaged, |id| {
                format!("it is left out of pricing; `till flash delete {id}` removes it, `till flash edit {id} …` rewrites it")
            });
            let list = list.sales;
            ctx.out(&list, |l| {
                if l.is_empty() {
                    "no flash sales".into()
                } else {
                    l.iter()
                        .map(|f| print::flash(f, &ctx.human))
                        .collect::<Vec<_>>()
                        .join("")
                }
            })
        }
        FlashCmd::Cancel { id } => {
            let id = parse_id(&id)?;
            match store.cancel_flash_sale(id)? {
                Some(sale) => ctx.out(&sale.view(now), |v| print::flash(v, &ctx.human)),
                None => ctx.out(
                    &serde_json::json!({ "id": id, "status": "cancelled", "damaged": true }),
                    |_| format!("flash sale {id} cancelled (it cannot be read; `till flash delete {id}` removes it)"),
                ),
            }
        }
        FlashCmd::Delete { id } => {
            let id = parse_id(&id)?;
            store.delete_flash_sale(id)?;
            ctx.out(&serde_json::json!({ "deleted": id }), |_| {
                format!("flash sale {id} deleted")
            })
        }
    }
}

fn opt_amount(c: &Currency, field: &str, v: &Option<String>) -> Result<Option<Decimal>> {
    v.as_deref()
        .map(|s| c.parse_non_negative(field, s))
        .transpose()
}

/// "" clears an optional field; anything else sets it.
fn clearable(v: Option<String>) -> Option<Option<String>> {
    v.map(|s| if s.trim().is_empty() { None } else { Some(s) })
}

fn product(ctx: &Ctx, store: &mut Store, cmd: ProductCmd) -> Result<()> {
    let c = store.settings().currency.clone();
    match cmd {
        ProductCmd::Add(a) => {
            let stock = a
                .stock
                .as_deref()
                .map(|s| parse_int("--stock", s))
                .transpose()?;
            let p = store.add_product(NewProduct {
                sku: a.sku,
                name: a.name,
                price: c.parse_non_negative("--price", &a.price)?,
                cost: opt_amount(&c, "--cost", &a.cost)?,
                barcode: a.barcode,
                tax_rate: a.tax_rate.as_deref().map(parse_rate).transpose()?,
                category: a.category,
                stock,
                sell_by: product_sell_by(&a.pricing)?.flatten(),
                price_floor: product_floor(&c, &a.pricing)?.flatten(),
                price_ceiling: product_ceiling(&a.pricing)?.flatten(),
            })?;
            ctx.out(&p, |v| print::product(v, &ctx.human))
        }
        ProductCmd::List { search, all } => {
            let list = store.products(search.as_deref(), all)?;
            ctx.out(&list, |l| print::products(l, &ctx.human))
        }
        ProductCmd::Show { sku } => {
            let p = store.product(&sku)?;
            ctx.out(&p, |v| print::product(v, &ctx.human))
        }
        ProductCmd::Edit(a) => {
            let cost = match clearable(a.cost) {
                Some(Some(v)) => Some(Some(c.parse_non_negative("--cost", &v)?)),
                Some(None) => Some(None),
                None => None,
            };
            let p = store.update_product(
                &a.sku,
                ProductUpdate {
                    name: a.name,
                    price: opt_amount(&c, "--price", &a.price)?,
                    cost,
                    barcode: clearable(a.barcode),
                    tax_rate: a.tax_rate.as_deref().map(parse_rate).transpose()?,
                    category: clearable(a.category),
                    active: a.active,
                    sell_by: product_sell_by(&a.pricing)?,
                    price_floor: product_floor(&c, &a.pricing)?,
                    price_ceiling: product_ceiling(&a.pricing)?,
                },
            )?;
            ctx.out(&p, |v| print::product(v, &ctx.human))
        }
    }
}

fn stock(ctx: &Ctx, store: &mut Store, cmd: StockCmd) -> Result<()> {
    match cmd {
        StockCmd::Adjust {
            sku,
            by,
            reason,
            note,
        } => {
            let by = parse_int("--by", &by)?;
            let level = store.adjust_stock(&sku, by, reason.parse()?, note.as_deref())?;
            ctx.out(&level, |l| format!("{}: {} on hand", l.sku, l.on_hand))
        }
        StockCmd::Show { sku } => {
            let level = store.stock(&sku)?;
            ctx.out(&level, |l| format!("{}: {} on hand", l.sku, l.on_hand))
        }
        StockCmd::History { sku } => {
            let moves = store.movements(&sku)?;
            ctx.out(&moves, |m| print::movements(m, &ctx.human))
        }
    }
}

fn sale(ctx: &Ctx, store: &mut Store, a: SaleArgs) -> Result<()> {
    let c = store.settings().currency.clone();
    let lines = a
        .items
        .iter()
        .map(|i| {
            parse_item(i).map(|(code, qty)| SaleLine {
                code,
                qty,
                discount: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let tenders = a
        .pays
        .iter()
        .map(|p| Tender::parse(p, &c))
        .collect::<Result<Vec<_>>>()?;
    let order_discount = a
        .discount
        .as_deref()
        .map(|d| Discount::parse("--discount", d, &c))
        .transpose()?;
    let receipt = store.sell(SaleRequest {
        key: a.key,
        lines,
        order_discount,
        tenders,
        customer_id: a.customer,
        referral_code: a.referral,
    })?;
    ctx.out(&receipt, |v| print::receipt(v, &ctx.human))
}

fn order(ctx: &Ctx, store: &mut Store, cmd: OrderCmd) -> Result<()> {
    match cmd {
        OrderCmd::Show { id } => {
            let r = store.order(&id)?;
            ctx.out(&r, |v| print::receipt(v, &ctx.human))
        }
        OrderCmd::List { from, to, limit } => {
            let from = from.map(|t| parse_time("--from", &t)).transpose()?;
            let to = to.map(|t| parse_time("--to", &t)).transpose()?;
            let limit = limit.map(|l| parse_count("--limit", &l)).transpose()?;
            let list = store.orders(from, to, limit)?;
            ctx.out(&list, |l| print::orders(l, &ctx.human))
        }
        OrderCmd::Refund { id, items, key } => {
            let items = if items.is_empty() {
                None
            } else {
                Some(
                    items
                        .iter()
                        .map(|i| parse_item(i))
                        .collect::<Result<Vec<_>>>()?,
                )
            };
            let r = store.refund(RefundRequest {
                order: id,
                items,
                key,
            })?;
            ctx.out(&r, |v| print::refund(v, &ctx.human))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_item;

    #[test]
    fn items_parse() {
        assert_eq!(parse_item("ESPx3").unwrap(), ("ESP".into(), 3));
        assert_eq!(parse_item("ESP").unwrap(), ("ESP".into(), 1));
        assert_eq!(parse_item("BOX").unwrap(), ("BOX".into(), 1));
        assert_eq!(parse_item("boxx2").unwrap(), ("box".into(), 2));
        assert!(parse_item("ESPx0").is_err());
        assert!(parse_item("ESPx-1").is_err());
        assert!(parse_item("ESPx1.5").is_err());
        assert!(parse_item("").is_err());
    }
}
