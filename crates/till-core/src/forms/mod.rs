//! Forms: what a front end gives for one domain input (a product, a
//! pricing rule, a flash sale, a payment, an item of a sale, a report
//! period, the cash of a shift), checked with the parts in `input` and
//! built into the type the domain takes. Above the modules whose inputs they build, so those
//! modules never import their own forms.

mod flash;
mod item;
mod period;
mod product;
mod purchasing;
mod rule;
mod settings;
mod setup;
pub mod shift;
mod smtp;
mod tender;

pub use flash::FlashForm;
pub use item::{item, ItemText, SaleItem};
pub use product::ProductForm;
pub use purchasing::{PoLineForm, PoReceiveForm};
pub use rule::RuleForm;
pub use settings::SettingsForm;
pub use setup::{Catalog, Setup, SetupForm};
pub use smtp::SmtpForm;
pub use tender::{tenders, TenderForm};
