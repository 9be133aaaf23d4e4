//! Staff roles and what each may do: pure values, no store. The defaults
//! below are the one place a permission is given to a role; the store asks
//! them (`permissions`) inside every operation, and the front ends only ask
//! for the PIN.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Field, Result};

/// A staff member's role, lowest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Cashier,
    Manager,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Manager, Role::Cashier];

    /// `owner`, `manager` or `cashier` (any case).
    pub fn parse(text: &str) -> Result<Role> {
        let t = text.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                Error::invalid(
                    Field::Role,
                    format!("{t:?} is not a role: owner, manager or cashier"),
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Cashier => "cashier",
        }
    }

    /// Whether this role may do `p` by the defaults: each role may do what
    /// the roles below it may.
    pub fn allows(self, p: Permission) -> bool {
        self >= p.least_role()
    }

    /// "a cashier", "an owner".
    fn with_article(self) -> String {
        match self {
            Role::Owner => "an owner".into(),
            r => format!("a {}", r.as_str()),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Role> {
        Role::parse(s)
    }
}

macro_rules! permissions {
    ($($(#[$doc:meta])* $variant:ident => $key:literal, $role:ident;)*) => {
        /// Something only some roles may do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
        #[serde(rename_all = "snake_case")]
        pub enum Permission {
            $($(#[$doc])* $variant,)*
        }

        impl Permission {
            const ALL: &'static [Permission] = &[$(Permission::$variant),*];

            /// The permission's name in snake case: `refund`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Permission::$variant => $key,)*
                }
            }

            /// The lowest role that has it by default.
            fn least_role(self) -> Role {
                match self {
                    $(Permission::$variant => Role::$role,)*
                }
            }
        }
    };
}

permissions! {
    // A cashier and up.
    /// Ring up sales (carts, checkout).
    Sell => "sell", Cashier;
    /// Void (discard) an open cart.
    VoidCart => "void_cart", Cashier;
    /// Discounts up to the store's approval threshold.
    Discount => "discount", Cashier;
    /// Look up products, prices, customers and orders.
    LookUp => "look_up", Cashier;
    AddCustomer => "add_customer", Cashier;
    OpenShift => "open_shift", Cashier;
    /// Cash into or out of the drawer, with a reason.
    CashInOut => "cash_in_out", Cashier;
    /// Open the cash drawer outside a sale (audited as `drawer.open`).
    OpenDrawer => "open_drawer", Cashier;
    /// Enter counted quantities in a stock count (committing it is
    /// `adjust_stock`).
    CountStock => "count_stock", Cashier;
    // A manager and up.
    Refund => "refund", Manager;
    /// Discounts above the store's approval threshold.
    DiscountAboveThreshold => "discount_above_threshold", Manager;
    /// A price other than the product's at the till.
    PriceOverride => "price_override", Manager;
    AdjustStock => "adjust_stock", Manager;
    /// Suppliers, purchase orders, receiving deliveries.
    Purchasing => "purchasing", Manager;
    /// Products and their prices, kits, bundles.
    ManageProducts => "manage_products", Manager;
    /// Pricing rules, flash sales, membership tiers, affiliates.
    ManagePricing => "manage_pricing", Manager;
    CloseShift => "close_shift", Manager;
    Reports => "reports", Manager;
    // The owner.
    ManageStaff => "manage_staff", Owner;
    ManageSettings => "manage_settings", Owner;
    /// The plan, the license, the tiers document, metered usage.
    ManagePlan => "manage_plan", Owner;
    /// The referral program's terms, approving and paying commissions.
    Payouts => "payouts", Owner;
    /// Backups and restore.
    Backup => "backup", Owner;
    Export => "export", Owner;
    SyncLogin => "sync_login", Owner;
    ViewAudit => "view_audit", Owner;
}

impl Permission {
    /// Every permission.
    pub fn all() -> &'static [Permission] {
        Permission::ALL
    }

    /// The roles that have it by default, highest first.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| r.allows(self)).collect()
    }

    /// The roles that have it, in words: "a manager or an owner", "a
    /// cashier, a manager or an owner".
    pub fn roles_in_words(self) -> String {
        let mut roles = self.roles();
        roles.reverse();
        let mut words: Vec<String> = roles.into_iter().map(Role::with_article).collect();
        match words.pop() {
            None => String::new(),
            Some(last) if words.is_empty() => last,
            Some(last) => format!("{} or {last}", words.join(", ")),
        }
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A staff member at work: who is acting, or who approves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Member {
    pub name: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_issues() {
        use Permission::*;
        let cashier = [
            Sell,
            VoidCart,
            Discount,
            LookUp,
            AddCustomer,
            OpenShift,
            CashInOut,
            OpenDrawer,
            CountStock,
        ];
        let manager = [
            Refund,
            DiscountAboveThreshold,
            PriceOverride,
            AdjustStock,
            Purchasing,
            ManageProducts,
            ManagePricing,
            CloseShift,
            Reports,
        ];
        for p in Permission::all() {
            assert!(Role::Owner.allows(*p), "{p}");
            assert_eq!(
                Role::Manager.allows(*p),
                cashier.contains(p) || manager.contains(p),
                "{p}"
            );
            assert_eq!(Role::Cashier.allows(*p), cashier.contains(p), "{p}");
        }
        assert_eq!(Permission::all().len(), 26);
    }

    #[test]
    fn roles_read_and_are_worded() {
        assert_eq!(Role::parse(" Manager ").unwrap(), Role::Manager);
        assert!(Role::parse("boss").is_err());
        assert_eq!(Permission::Refund.roles(), vec![Role::Owner, Role::Manager]);
        assert_eq!(Permission::Refund.roles_in_words(), "a manager or an owner");
        assert_eq!(
            Permission::Sell.roles_in_words(),
            "a cashier, a manager or an owner"
        );
        assert_eq!(Permission::ManageStaff.roles_in_words(), "an owner");
        assert_eq!(Permission::Backup.roles_in_words(), "an owner");
        assert_eq!(
            serde_json::to_value(Permission::VoidCart).unwrap(),
            "void_cart"
        );
        for r in Role::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
    }
}
