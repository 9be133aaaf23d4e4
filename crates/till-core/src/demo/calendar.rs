//! When the demo café is open and when its customers come: opening hours
//! per weekday, a morning rush, a lunch peak, a quiet Sunday. All in the
//! store's time zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::Rng;

/// The earliest opening and latest closing hour of any day (local time):
/// every sale of the demo's history falls in between.
pub const OPENS: u32 = 7;
pub const CLOSES: u32 = 18;

/// What customers come for, by the time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Moment {
    Morning,
    Lunch,
    Afternoon,
}

impl Moment {
    pub fn at_hour(hour: u32) -> Moment {
        match hour {
            0..=10 => Moment::Morning,
            11..=13 => Moment::Lunch,
            _ => Moment::Afternoon,
        }
    }
}

/// Relative footfall per opening hour (the hour starting at the first
/// number): a weekday's morning rush and lunch, a later Saturday, a short
/// Sunday. Every hour lies within `OPENS..CLOSES`.
fn footfall(day: Weekday) -> &'static [(u32, u32)] {
    match day {
        Weekday::Sat => &[
            (8, 8),
            (9, 12),
            (10, 12),
            (11, 10),
            (12, 10),
            (13, 9),
            (14, 7),
            (15, 7),
            (16, 5),
            (17, 4),
        ],
        Weekday::Sun => &[(9, 8), (10, 10), (11, 10), (12, 8), (13, 6)],
        _ => &[
            (7, 12),
            (8, 16),
            (9, 11),
            (10, 7),
            (11, 6),
            (12, 10),
            (13, 9),
            (14, 5),
            (15, 6),
            (16, 5),
            (17, 4),
        ],
    }
}

/// How many sales a day of the week brings, give or take a few.
pub(crate) fn sales_on(day: Weekday, rng: &mut StdRng) -> usize {
    let base: i64 = match day {
        Weekday::Sat => 19,
        Weekday::Sun => 8,
        _ => 15,
    };
    (base + rng.random_range(-3..=3)).max(1) as usize
}

/// A local wall-clock time on `date`, in UTC; None when the clock skips it
/// (a DST gap, never inside opening hours).
pub(crate) fn local(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// `count` sale times on `date`, in order, spread over its opening hours by
/// footfall, to the second.
pub(crate) fn sale_times(
    tz: Tz,
    date: NaiveDate,
    count: usize,
    rng: &mut StdRng,
) -> Vec<DateTime<Utc>> {
    let hours = footfall(date.weekday());
    let total: u32 = hours.iter().map(|(_, w)| w).sum();
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut pick = rng.random_range(0..total);
        let mut hour = hours[0].0;
        for (h, w) in hours {
            if pick < *w {
                hour = *h;
                break;
            }
            pick -= w;
        }
        let time = NaiveTime::from_hms_opt(hour, rng.random_range(0..60), rng.random_range(0..60));
        if let Some(t) = time.and_then(|t| local(tz, date, t)) {
            out.push(t);
        }
    }
    out.sort();
    out
}

/// `count` sale times in the last hour before `now` (not before the local
/// midnight that starts its day), in order: a history made before the shop
/// opens still has a few sales today, so today's figures are not empty.
pub(crate) fn just_before(
    tz: Tz,
    now: DateTime<Utc>,
    count: usize,
    rng: &mut StdRng,
) -> Vec<DateTime<Utc>> {
    let midnight = local(tz, now.with_timezone(&tz).date_naive(), NaiveTime::MIN);
    let from = (now - Duration::hours(1)).max(midnight.unwrap_or(now));
    let span = (now - from).num_seconds();
    if span <= 0 {
        return Vec::new();
    }
    let mut out: Vec<_> = (0..count)
        .map(|_| from + Duration::seconds(rng.random_range(0..span)))
        .collect();
    out.sort();
    out
}

/// A time within `date`'s opening hours, for something that happens at the
/// counter but is not a sale (a refund).
pub(crate) fn during_opening(tz: Tz, date: NaiveDate, rng: &mut StdRng) -> Option<DateTime<Utc>> {
    sale_times(tz, date, 1, rng).pop()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use rand::SeedableRng;

    #[test]
    fn every_hour_of_footfall_is_within_opening_hours() {
        for day in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ] {
            for (h, w) in footfall(day) {
                assert!((OPENS..CLOSES).contains(h), "{day}: {h}");
                assert!(*w > 0);
            }
        }
    }

    #[test]
    fn sale_times_are_in_order_and_on_the_day() {
        let tz: Tz = "Europe/Paris".parse().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(); // a DST change
        let mut rng = StdRng::seed_from_u64(3);
        let times = sale_times(tz, date, 50, &mut rng);
        assert_eq!(times.len(), 50);
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        for t in times {
            let l = t.with_timezone(&tz);
            assert_eq!(l.date_naive(), date);
            assert!((OPENS..CLOSES).contains(&l.hour()));
        }
    }

    #[test]
    fn just_before_stays_in_the_last_hour_of_the_same_day() {
        let tz: Tz = "Europe/Paris".parse().unwrap();
        let mut rng = StdRng::seed_from_u64(3);
        let early: DateTime<Utc> = "2026-03-10T23:20:00Z".parse().unwrap(); // 00:20 local
        let times = just_before(tz, early, 3, &mut rng);
        assert_eq!(times.len(), 3);
        let midnight: DateTime<Utc> = "2026-03-10T23:00:00Z".parse().unwrap();
        assert!(
            times.iter().all(|t| *t >= midnight && *t < early),
            "{times:?}"
        );
        let at_midnight = just_before(tz, midnight, 3, &mut rng);
        assert!(at_midnight.is_empty());
    }
}
