//! The demo shop's catalog: a small café and corner store.

use rust_decimal::Decimal;
use std::str::FromStr;

use crate::catalog::NewProduct;
use crate::error::{Error, Result};
use crate::store::Store;

/// How a product comes back on the shelf in the demo's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Supply {
    /// Baked or made for the day: delivered every morning but Sunday.
    Fresh,
    /// Delivered on Mondays.
    Weekly,
}

/// One product of the demo catalog. `stock` is the opening stock and the
/// level each delivery tops it up to.
pub(crate) struct Item {
    pub sku: &'static str,
    pub name: &'static str,
    pub barcode: &'static str,
    pub price: &'static str,
    pub cost: &'static str,
    /// Percent.
    pub tax: &'static str,
    pub category: &'static str,
    pub stock: i64,
    pub supply: Supply,
}

#[allow(clippy::too_many_arguments)]
const fn item(
    sku: &'static str,
    name: &'static str,
    barcode: &'static str,
    price: &'static str,
    cost: &'static str,
    tax: &'static str,
    category: &'static str,
    stock: i64,
    supply: Supply,
) -> Item {
    Item {
        sku,
        name,
        barcode,
        price,
        cost,
        tax,
        category,
        stock,
        supply,
    }
}

use Supply::{Fresh, Weekly};

#[rustfmt::skip]
pub(crate) const CATALOG: &[Item] = &[
    item("ESP", "Espresso", "2000000000015", "2.20", "0.40", "10", "coffee", 400, Weekly),
    item("CAP", "Cappuccino", "2000000000022", "3.40", "0.70", "10", "coffee", 400, Weekly),
    item("LAT", "Caffè latte", "2000000000039", "3.60", "0.75", "10", "coffee", 400, Weekly),
    item("FLW", "Flat white", "2000000000046", "3.50", "0.72", "10", "coffee", 400, Weekly),
    item("TEA", "Pot of tea", "2000000000053", "2.80", "0.30", "10", "tea", 300, Weekly),
    item("CHAI", "Chai latte", "2000000000060", "3.70", "0.80", "10", "tea", 200, Weekly),
    item("CROI", "Butter croissant", "2000000000077", "2.10", "0.65", "10", "bakery", 80, Fresh),
    item("PAIN", "Pain au chocolat", "2000000000084", "2.40", "0.75", "10", "bakery", 60, Fresh),
    item("MUF", "Blueberry muffin", "2000000000091", "2.90", "0.90", "10", "bakery", 50, Fresh),
    item("BAN", "Banana bread slice", "2000000000107", "3.10", "0.85", "10", "bakery", 40, Fresh),
    item("SCONE", "Scone with jam", "2000000000114", "3.20", "0.95", "10", "bakery", 40, Fresh),
    item("SAND-HC", "Ham & cheese sandwich", "2000000000121", "5.90", "2.10", "10", "deli", 30, Fresh),
    item("SAND-VG", "Hummus & veg wrap", "2000000000138", "5.50", "1.90", "10", "deli", 30, Fresh),
    item("SOUP", "Soup of the day", "2000000000145", "4.80", "1.20", "10", "deli", 25, Fresh),
    item("OJ", "Fresh orange juice", "2000000000152", "3.90", "1.10", "10", "drinks", 60, Fresh),
    item("WAT", "Still water 0.5 l", "4006381333931", "1.50", "0.25", "10", "drinks", 120, Weekly),
    item("SPK", "Sparkling water 0.5 l", "4006381333948", "1.60", "0.27", "10", "drinks", 120, Weekly),
    item("COLA", "Cola 0.33 l", "5449000000996", "2.20", "0.55", "10", "drinks", 150, Weekly),
    item("BEANS-H", "House blend beans 250 g", "2000000000169", "8.90", "3.80", "10", "retail", 40, Weekly),
    // A single-origin roast the roaster sends a few bags of at a time: its
    // stock stays under the demo's "below 10 on hand" rule.
    item("BEANS-E", "Ethiopia Yirgacheffe 250 g", "2000000000176", "11.50", "5.10", "10", "retail", 8, Weekly),
    item("MUG", "Till café mug", "2000000000183", "12.00", "4.20", "20", "merch", 20, Weekly),
    item("CUP-R", "Reusable cup", "2000000000190", "9.50", "3.10", "20", "merch", 30, Weekly),
    item("CHOC", "Dark chocolate bar", "2000000000206", "2.60", "0.95", "10", "snacks", 70, Weekly),
    item("COOK", "Oat cookie", "2000000000213", "1.80", "0.40", "10", "snacks", 90, Weekly),
    item("NUTS", "Salted almonds 100 g", "2000000000220", "3.30", "1.30", "10", "snacks", 45, Weekly),
];

fn dec(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|e| Error::Internal(format!("demo catalog: {s:?}: {e}")))
}

/// Fills an empty store with the demo catalog (opening stock included).
pub fn seed_catalog(store: &mut Store) -> Result<usize> {
    store.require(crate::roles::Permission::ManageSettings)?;
    for i in CATALOG {
        store.add_product(NewProduct {
            sku: i.sku.into(),
            name: i.name.into(),
            price: dec(i.price)?,
            cost: Some(dec(i.cost)?),
            barcode: Some(i.barcode.into()),
            tax_rate: Some(dec(i.tax)?),
            category: Some(i.category.into()),
            stock: Some(i.stock),
            ..Default::default()
        })?;
    }
    Ok(CATALOG.len())
}
