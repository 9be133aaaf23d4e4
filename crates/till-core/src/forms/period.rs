//! Report and billing periods as the front ends take them: a billing
//! month by name (`2026-11`), or from and to times, each with its default.
//! Blank text is "not given".

use chrono::{DateTime, Utc};

use crate::error::{Field, Result};
use crate::input::given;
use crate::Store;

impl Store {
    /// A report's period from the front end's `from` and `to`: each a date
    /// (`2026-11-01`: the whole local day in the store's time zone, so `to`
    /// includes its day) or an RFC 3339 time (`to` exclusive). Returns
    /// [from, to); a `to` before `from` is refused.
    pub fn report_range(&self, from: &str, to: &str) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        let tz = crate::locale::parse_time_zone(&self.settings.time_zone)?;
        let read = |field: Field, text: &str, end: bool| -> Result<DateTime<Utc>> {
            let t = text.trim();
            if t.is_empty() {
                return Err(crate::error::Error::invalid(
                    field,
                    "is missing: give a date like 2026-11-01 or an RFC 3339 time",
                ));
            }
            match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Ok(d) if t.len() == 10 => {
                    let d = if end { d.succ_opt().unwrap_or(d) } else { d };
                    crate::input::check_time(field, crate::locale::day_start(tz, d))
                }
                // Neither form: say both, not only what RFC 3339 wants.
                _ if DateTime::parse_from_rfc3339(t).is_err() => Err(crate::error::Error::invalid(
                    field,
                    format!(
                        "{t:?} is neither a date like 2026-11-01 nor an RFC 3339 time like 2026-11-01T09:00:00Z"
                    ),
                )),
                _ => crate::input::time(field, t),
            }
        };
        let (f, t) = (read(Field::From, from, false)?, read(Field::To, to, true)?);
        // A date `to` names its whole day: it must not be a day before `from`.
        if t < f || (t == f && read(Field::To, to, false)? < f) {
            return Err(crate::error::Error::invalid(
                Field::To,
                format!(
                    "{:?} is before the start of the period, {:?}",
                    to.trim(),
                    from.trim()
                ),
            ));
        }
        Ok((f, t))
    }

    /// The period a name gives, in the store's time zone, as of the store's
    /// clock: `today`, `yesterday`, `this-week` and `last-week` (weeks start
    /// on Monday), `this-month`, `last-month`. Returns [from, to).
    pub fn report_preset(&self, name: &str) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        use chrono::{Datelike, Duration};
        let tz = crate::locale::parse_time_zone(&self.settings.time_zone)?;
        let today = self.now().with_timezone(&tz).date_naive();
        let start = |d: chrono::NaiveDate| crate::locale::day_start(tz, d);
        let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
        let first = today.with_day(1).unwrap_or(today);
        let (f, t) = match name.trim() {
            "today" => (today, today + Duration::days(1)),
            "yesterday" => (today - Duration::days(1), today),
            "this-week" => (monday, monday + Duration::days(7)),
            "last-week" => (monday - Duration::days(7), monday),
            "this-month" => (first, first + chrono::Months::new(1)),
            "last-month" => (first - chrono::Months::new(1), first),
            other => {
                return Err(crate::error::Error::invalid(
                    Field::Period,
                    format!("{other:?} is not a period; use today, yesterday, this-week, last-week, this-month or last-month"),
                ))
            }
        };
        Ok((start(f), start(t)))
    }

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
