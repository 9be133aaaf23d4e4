//! The shop's locale: how dates and times are written for the people in
//! the shop ("02.12.2026, 14:05" in a German shop, "12/2/2026, 2:05 PM" in
//! an American one). A BCP 47 tag ("de-DE", "fr-FR", "en-GB") for which
//! Till has CLDR date formats: the same data the window's `Intl` uses, so
//! the CLI and the window write a date the same way.
//!
//! Only how things read depends on it. Stored times, JSON output and the
//! sync protocol stay RFC 3339.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use icu_datetime::fieldsets::{YMD, YMDT};
use icu_datetime::input::{Date, DateTime as CalendarTime, Time};
use icu_datetime::options::YearStyle;
use icu_datetime::provider::semantic_skeletons::DatetimePatternsDateGregorianV1;
use icu_datetime::DateTimeFormatter;
use icu_locale_core::Locale;
use icu_provider::prelude::*;

use crate::error::{Error, Result};
use crate::field::Field;

/// The locale when the machine names none Till can use (unset, "C",
/// "POSIX", or one without date formats): English words with the day
/// first and a 24-hour clock, which reads unambiguously to most of the
/// world, unlike the month-first US form.
pub const FALLBACK: &str = "en-GB";

/// Checks a locale tag the owner gives and returns it in its canonical
/// form ("de-de" -> "de-DE"). Refused: text that is not a BCP 47 tag, and
/// tags Till has no date formats for (they would silently print ISO dates).
pub fn parse(field: Field, text: &str) -> Result<String> {
    let t = text.trim();
    let locale: Locale = t.parse().map_err(|_| {
        Error::invalid(
            field,
            format!("{text:?} is not a locale tag such as de-DE, fr-FR or en-GB"),
        )
    })?;
    if !has_date_formats(&locale) {
        return Err(Error::invalid(
            field,
            format!(
                "Till has no date formats for {t:?}; give a locale such as de-DE, fr-FR or en-GB"
            ),
        ));
    }
    Ok(locale.to_string())
}

/// Checks an IANA time zone name ("Europe/Paris").
pub fn parse_time_zone(name: &str) -> Result<chrono_tz::Tz> {
    name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        Error::invalid(
            Field::TimeZone,
            format!("{name:?} is not an IANA time zone such as Europe/Paris"),
        )
    })
}

/// Whether Till can write dates in `locale`: CLDR has date patterns for it
/// or for a parent ("de-AT" -> "de"), not only the root's ISO form.
fn has_date_formats(locale: &Locale) -> bool {
    if locale.id.language.is_unknown() {
        return false;
    }
    let data_locale = DataLocale::from(locale);
    let request = DataRequest {
        id: DataIdentifierBorrowed::for_marker_attributes_and_locale(
            // The year-month-day skeleton, which every locale with date
            // formats has.
            DataMarkerAttributes::from_str_or_panic("ym0d"),
            &data_locale,
        ),
        ..Default::default()
    };
    let found: std::result::Result<DataResponse<DatetimePatternsDateGregorianV1>, _> =
        icu_datetime::provider::Baked.load(request);
    match found {
        // `metadata.locale` names the locale the data came from when it is
        // not the one asked for; the root ("und") means no data of its own.
        Ok(r) => r.metadata.locale.is_none_or(|l| !l.is_unknown()),
        Err(_) => false,
    }
}

/// The machine's locale as a tag, from the POSIX variables that decide how
/// times read (`LC_ALL`, then `LC_TIME`, then `LANG`): "de_DE.UTF-8" ->
/// "de-DE". [`FALLBACK`] when none is set, or the one set is "C", "POSIX"
/// or a locale Till has no formats for.
pub fn system_default() -> String {
    from_environment(|key| std::env::var(key).ok())
}

/// [`system_default`] over any source of environment variables.
pub fn from_environment(var: impl Fn(&str) -> Option<String>) -> String {
    // As POSIX has it: the first of these that is set and not empty wins,
    // even when it names nothing usable.
    ["LC_ALL", "LC_TIME", "LANG"]
        .iter()
        .find_map(|key| var(key).filter(|v| !v.trim().is_empty()))
        .and_then(|v| from_posix(&v))
        .unwrap_or_else(|| FALLBACK.to_string())
}

/// "de_DE.UTF-8@euro" -> "de-DE"; None for "C", "POSIX" and names that are
/// no locale Till can format.
fn from_posix(value: &str) -> Option<String> {
    let name = value
        .trim()
        .split(['.', '@'])
        .next()
        .unwrap_or_default()
        .replace('_', "-");
    if name.is_empty() || name == "C" || name == "POSIX" {
        return None;
    }
    parse(Field::Locale, &name).ok()
}

/// Writes times and dates for a shop: in its locale, and times in its time
/// zone (a receipt says when the sale was where the shop is).
pub struct TimeFormat {
    date_time: DateTimeFormatter<YMDT>,
    date: DateTimeFormatter<YMD>,
    zone: chrono_tz::Tz,
}

impl TimeFormat {
    /// `locale` and `time_zone` as the settings hold them (already checked).
    pub fn new(locale: &str, time_zone: &str) -> Result<TimeFormat> {
        let parsed: Locale = parse(Field::Locale, locale)?.parse().map_err(|_| {
            Error::invalid(Field::Locale, format!("{locale:?} is not a locale tag"))
        })?;
        let zone = parse_time_zone(time_zone)?;
        let date = YMD::short().with_year_style(YearStyle::Full);
        let cannot = |e: icu_datetime::DateTimeFormatterLoadError| {
            Error::Internal(format!("no date formats for {locale}: {e}"))
        };
        Ok(TimeFormat {
            date_time: DateTimeFormatter::try_new(parsed.clone().into(), date.with_time_hm())
                .map_err(cannot)?,
            date: DateTimeFormatter::try_new(parsed.into(), date).map_err(cannot)?,
            zone,
        })
    }

    /// A moment as the shop's clock shows it, to the minute:
    /// "02.12.2026, 14:05".
    pub fn time(&self, t: DateTime<Utc>) -> String {
        let local = t.with_timezone(&self.zone).naive_local();
        let date = Date::try_new_iso(local.year(), local.month() as u8, local.day() as u8);
        let time = Time::try_new(local.hour() as u8, local.minute() as u8, 0, 0);
        match (date, time) {
            (Ok(date), Ok(time)) => self
                .date_time
                .format(&CalendarTime { date, time })
                .to_string(),
            _ => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// A calendar day: "02.12.2026".
    pub fn date(&self, d: NaiveDate) -> String {
        match Date::try_new_iso(d.year(), d.month() as u8, d.day() as u8) {
            Ok(date) => self.date.format(&date).to_string(),
            Err(_) => d.to_string(),
        }
    }

    /// A time or a day as the core hands them out (RFC 3339, or
    /// YYYY-MM-DD); anything else is shown as it is.
    pub fn text(&self, value: &str) -> String {
        if let Ok(t) = DateTime::parse_from_rfc3339(value.trim()) {
            return self.time(t.with_timezone(&Utc));
        }
        match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
            Ok(d) => self.date(d),
            Err(_) => value.to_string(),
        }
    }
}

/// The first moment of local day `d` in `tz`, in UTC. Midnight may not
/// exist on a DST day (some zones change at 00:00): then the first moment
/// of the day after the gap.
pub fn day_start(tz: chrono_tz::Tz, d: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let mut naive = d.and_time(chrono::NaiveTime::MIN);
    // A gap is at most a few hours; each step is an hour.
    for _ in 0..24 {
        if let Some(t) = tz.from_local_datetime(&naive).earliest() {
            return t.with_timezone(&chrono::Utc);
        }
        naive += chrono::Duration::hours(1);
    }
    // No zone skips a whole day at midnight; read it as UTC rather than fail.
    naive.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn tags_are_checked_and_made_canonical() {
        assert_eq!(parse(Field::Locale, "de-DE").unwrap(), "de-DE");
        assert_eq!(parse(Field::Locale, " de-de ").unwrap(), "de-DE");
        assert_eq!(parse(Field::Locale, "fr").unwrap(), "fr");
        assert_eq!(parse(Field::Locale, "de-AT").unwrap(), "de-AT");
        for bad in ["", "German", "de_DE.UTF-8", "12-34"] {
            let e = parse(Field::Locale, bad).unwrap_err().to_string();
            assert!(e.contains("not a locale tag"), "{bad}: {e}");
        }
        for unknown in ["und", "xx-YY", "tlh"] {
            let e = parse(Field::Locale, unknown).unwrap_err().to_string();
            assert!(e.contains("no date formats"), "{unknown}: {e}");
        }
    }

    #[test]
    fn the_machine_locale_comes_from_posix_variables() {
        fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
            let owned: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            move |key| owned.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        }
        assert_eq!(from_environment(env(&[("LANG", "de_DE.UTF-8")])), "de-DE");
        assert_eq!(
            from_environment(env(&[("LANG", "de_DE.UTF-8"), ("LC_TIME", "fr_FR.UTF-8")])),
            "fr-FR"
        );
        assert_eq!(
            from_environment(env(&[("LC_ALL", "en_US.UTF-8"), ("LC_TIME", "fr_FR")])),
            "en-US"
        );
        assert_eq!(from_environment(env(&[("LANG", "de_DE@euro")])), "de-DE");
        assert_eq!(
            from_environment(env(&[("LC_ALL", ""), ("LANG", "sv_SE")])),
            "sv-SE"
        );
        for unusable in ["C", "POSIX", "C.UTF-8", "tlh_XX.UTF-8", "gibberish!"] {
            assert_eq!(
                from_environment(env(&[("LANG", unusable)])),
                FALLBACK,
                "{unusable}"
            );
        }
        // The first set variable decides, even when it names nothing usable.
        assert_eq!(
            from_environment(env(&[("LC_ALL", "C"), ("LANG", "de_DE.UTF-8")])),
            FALLBACK
        );
        assert_eq!(from_environment(env(&[])), FALLBACK);
    }

    #[test]
    fn times_read_in_the_shop_locale_and_time_zone() {
        let t = Utc.with_ymd_and_hms(2026, 12, 2, 13, 5, 0).unwrap();
        let de = TimeFormat::new("de-DE", "Europe/Berlin").unwrap();
        assert_eq!(de.time(t), "02.12.2026, 14:05");
        assert_eq!(de.date(t.date_naive()), "02.12.2026");
        let us = TimeFormat::new("en-US", "America/New_York").unwrap();
        assert_eq!(us.time(t), "12/2/2026, 8:05\u{202f}AM");
        assert_eq!(us.text("2026-12-02"), "12/2/2026");
        assert_eq!(
            us.text("2026-12-02T13:05:00.000Z"),
            "12/2/2026, 8:05\u{202f}AM"
        );
        assert_eq!(us.text("not a time"), "not a time");
        let gb = TimeFormat::new("en-GB", "UTC").unwrap();
        assert_eq!(gb.time(t), "02/12/2026, 13:05");
    }
}
