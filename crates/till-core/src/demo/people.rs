//! The demo café's people: a blog that sends customers (an affiliate), a
//! regular who refers her friends, and the regulars who come in during the
//! first week, some of them referred, some of them members.

use crate::customers::{CustomerKind, NewCustomer};
use crate::error::Result;
use crate::store::Store;

/// Who sent a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Referrer {
    /// The affiliate.
    Blog,
    /// The regular who refers her friends.
    Ann,
}

/// A membership the customer takes at their first visit (when the plan has
/// memberships).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Joins {
    /// With no end.
    Open,
    /// Until this many days after joining: lapsed before the history ends.
    ForDays(i64),
}

/// A regular, first seen on day `day` of the history.
pub(crate) struct Regular {
    pub name: &'static str,
    pub email: &'static str,
    pub day: usize,
    pub referred_by: Option<Referrer>,
    pub joins: Option<Joins>,
}

const fn regular(
    name: &'static str,
    email: &'static str,
    day: usize,
    referred_by: Option<Referrer>,
    joins: Option<Joins>,
) -> Regular {
    Regular {
        name,
        email,
        day,
        referred_by,
        joins,
    }
}

use Referrer::{Ann, Blog};

/// First visits fall in the first week, so that the commissions they earn
/// are past the return window (approved, then paid) before the history
/// ends, while the same customers' later visits earn pending ones.
#[rustfmt::skip]
pub(crate) const REGULARS: &[Regular] = &[
    regular("Ben Okafor", "ben.okafor@example.com", 0, Some(Blog), None),
    regular("Chloé Martin", "chloe.martin@example.com", 1, Some(Ann), None),
    regular("Dev Patel", "dev.patel@example.com", 1, None, Some(Joins::Open)),
    regular("Eva Novak", "eva.novak@example.com", 2, Some(Blog), Some(Joins::Open)),
    regular("Femi Adeyemi", "femi.adeyemi@example.com", 2, None, None),
    regular("Grace Kim", "grace.kim@example.com", 3, Some(Ann), None),
    regular("Hugo Silva", "hugo.silva@example.com", 3, Some(Blog), None),
    regular("Inès Garcia", "ines.garcia@example.com", 4, None, Some(Joins::ForDays(9))),
    regular("Jonas Berg", "jonas.berg@example.com", 5, None, None),
];

/// The referrers, with a code each.
pub(crate) struct Referrers {
    pub blog_id: String,
    pub blog_code: String,
    pub ann_id: String,
    pub ann_code: String,
}

impl Referrers {
    pub fn code(&self, r: Referrer) -> &str {
        match r {
            Blog => &self.blog_code,
            Ann => &self.ann_code,
        }
    }
}

/// Adds the affiliate and the referring regular, with their codes.
pub(crate) fn referrers(store: &mut Store) -> Result<Referrers> {
    let blog = store.add_customer(
        CustomerKind::Affiliate,
        NewCustomer {
            name: "Corner blog".into(),
            email: Some("hello@cornerblog.example".into()),
            notes: Some("Writes about the neighbourhood's cafés".into()),
            ..Default::default()
        },
    )?;
    let ann = store.add_customer(
        CustomerKind::Customer,
        NewCustomer {
            name: "Ann Lee".into(),
            email: Some("ann.lee@example.com".into()),
            phone: Some("+44 20 7946 0018".into()),
            ..Default::default()
        },
    )?;
    let blog_code = store.issue_referral_code(&blog.id, None)?.code;
    let ann_code = store.issue_referral_code(&ann.id, None)?.code;
    Ok(Referrers {
        blog_id: blog.id,
        blog_code,
        ann_id: ann.id,
        ann_code,
    })
}

/// Adds a regular at their first visit.
pub(crate) fn add(store: &mut Store, r: &Regular) -> Result<String> {
    Ok(store
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: r.name.into(),
                email: Some(r.email.into()),
                ..Default::default()
            },
        )?
        .id)
}

const BULK_FIRST: &[&str] = &[
    "Alice", "Bruno", "Camille", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Katia", "Leo", "Maya", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
];
const BULK_LAST: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Garcia", "Moreau", "Laurent", "Simon", "Michel", "Lefebvre",
    "Leroy", "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
];

/// The `i`th customer of a bulk history: a first name and a surname,
/// distinct for the first 360.
pub(crate) fn bulk_name(i: usize) -> String {
    let first = BULK_FIRST[i % BULK_FIRST.len()];
    let last = BULK_LAST[(i / BULK_FIRST.len()) % BULK_LAST.len()];
    format!("{first} {last}")
}
