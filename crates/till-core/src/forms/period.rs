//! Report and billing periods as the front ends take them: a billing
//! month by name (`2026-11`), or from and to times, each with its default.
//! Blank text is "not given".

use chrono::{DateTime, Utc};

use crate::error::{Field, Result};
use crate::input::given;
use crate::Store;

impl Store {
    /// The period of a sales report: from `from` (default: the start of
    /// the current billing period) to `to` (default: now, inclusive).
    pub fn report_period(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        let now = self.now();
        let from = match given(from) {
            Some(f) => crate::input::time(Field::From, f)?,
            None => self.billing_period(now)?.0,
        };
        let to = match given(to) {
            Some(t) => crate::input::time(Field::To, t)?,
            None => now + chrono::Duration::milliseconds(1),
        };
        Ok((from, to))
    }

    /// The period of a usage report and its label: the billing month
    /// `period` names, else `from` to `to` when both are given, else the
    /// current billing period.
    pub fn usage_period(
        &self,
        period: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>, String)> {
        match (given(period), given(from), given(to)) {
            (Some(p), _, _) => self.billing_period_named(p),
            (None, Some(f), Some(t)) => {
                let (f, t) = (
                    crate::input::time(Field::From, f)?,
                    crate::input::time(Field::To, t)?,
                );
                let label = format!("{}..{}", crate::store::ts(f), crate::store::ts(t));
                Ok((f, t, label))
            }
            _ => self.billing_period(self.now()),
        }
    }
}
