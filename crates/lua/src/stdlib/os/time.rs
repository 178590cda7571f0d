//! Calendar arithmetic for `os.date`/`os.time`: broken-down times (C's `struct tm`),
//! `gmtime`/`localtime`/`mktime` equivalents and a `strftime` for the C locale that
//! formats like glibc's.
//!
//! Dates use the proleptic Gregorian calendar with astronomical year numbering, like
//! glibc. Local time follows the zone named by `TZ` or `/etc/localtime` (parsed by the
//! `tz-rs` crate); without zone information local time is UTC.

use std::sync::OnceLock;

/// Seconds in a day.
const DAY: i64 = 86_400;
/// `tm_year` counts from 1900.
const TM_YEAR_BASE: i64 = 1900;
/// Weekday of 1970-01-01 (Thursday, with Sunday = 0).
const EPOCH_WDAY: i64 = 4;

/// A broken-down time, as C's `struct tm` (fields hold the same ranges).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tm {
    pub sec: i64,
    pub min: i64,
    pub hour: i64,
    /// Day of the month, 1..31.
    pub mday: i64,
    /// Month, 0..11.
    pub mon: i64,
    /// Years since 1900.
    pub year: i64,
    /// Day of the week, 0..6 with Sunday = 0.
    pub wday: i64,
    /// Day of the year, 0..365.
    pub yday: i64,
    /// Daylight saving time in effect (C's `tm_isdst > 0`).
    pub isdst: bool,
    /// Offset east of UTC in seconds.
    pub gmtoff: i64,
    /// Zone abbreviation (`%Z`).
    pub zone: String,
}

/// Days from 1970-01-01 to the given civil date (month 1..12, day 1..31).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Count from 0000-03-01 so the leap day ends each 400-year era's year.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month 1..12, day 1..31) of a day counted from 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// UTC broken-down time of `t` shifted by `offset` seconds; None when the year does
/// not fit C's `int tm_year` (where glibc's gmtime fails).
fn breakdown(t: i64, offset: i64) -> Option<Tm> {
    let t = t.checked_add(offset)?;
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    let year = y - TM_YEAR_BASE;
    if year < i32::MIN as i64 || year > i32::MAX as i64 {
        return None;
    }
    Some(Tm {
        sec: secs % 60,
        min: secs / 60 % 60,
        hour: secs / 3600,
        mday: d,
        mon: m - 1,
        year,
        wday: (days + EPOCH_WDAY).rem_euclid(7),
        yday: days - days_from_civil(y, 1, 1),
        isdst: false,
        gmtoff: offset,
        zone: String::new(),
    })
}

/// Largest |time| handled; beyond it the year cannot fit an `int` anyway.
const MAX_TIME: i64 = 1 << 56;

/// C `gmtime`.
pub fn gmtime(t: i64) -> Option<Tm> {
    if t.unsigned_abs() > MAX_TIME as u64 {
        return None;
    }
    let mut tm = breakdown(t, 0)?;
    tm.zone = "GMT".to_string();
    Some(tm)
}

fn local_zone() -> Option<&'static tz::TimeZone> {
    static ZONE: OnceLock<Option<tz::TimeZone>> = OnceLock::new();
    ZONE.get_or_init(|| match std::env::var("TZ") {
        // Like glibc: an empty TZ is UTC, otherwise a zone name, file or POSIX rule.
        Ok(s) if s.is_empty() => None,
        Ok(s) => tz::TimeZone::from_posix_tz(&s).ok(),
        Err(_) => tz::TimeZone::local().ok(),
    })
    .as_ref()
}

/// Offset, DST flag and abbreviation of local time at `t`.
fn local_type(t: i64) -> (i64, bool, String) {
    if let Some(z) = local_zone() {
        if let Ok(lt) = z.find_local_time_type(t) {
            return (
                lt.ut_offset() as i64,
                lt.is_dst(),
                lt.time_zone_designation().to_string(),
            );
        }
    }
    (0, false, "UTC".to_string())
}

/// C `localtime`.
pub fn localtime(t: i64) -> Option<Tm> {
    if t.unsigned_abs() > MAX_TIME as u64 {
        return None;
    }
    let (off, dst, zone) = local_type(t);
    let mut tm = breakdown(t, off)?;
    tm.isdst = dst;
    tm.zone = zone;
    Some(tm)
}

/// C `mktime`: the time of the local broken-down time given by the fields (which may be
/// out of range: they are normalized). `isdst` < 0 means "find out"; otherwise a time
/// given in the other kind of time (standard vs daylight) is shifted by an hour, as
/// glibc does. None where C returns -1 (unrepresentable).
pub fn mktime(
    year: i64,
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
    isdst: i64,
) -> Option<i64> {
    let y = year + TM_YEAR_BASE + mon.div_euclid(12);
    let m = mon.rem_euclid(12) + 1;
    if y.abs() > (1 << 40) {
        return None;
    }
    let days = days_from_civil(y, m, 1) + mday - 1;
    let local = days
        .checked_mul(DAY)?
        .checked_add(hour.checked_mul(3600)?)?
        .checked_add(min.checked_mul(60)?)?
        .checked_add(sec)?;
    // Find t with t + offset(t) == local: start from the offset at `local`, refine once.
    let (off0, _, _) = local_type(local);
    let mut t = local - off0;
    let (off1, dst, _) = local_type(t);
    if off1 != off0 {
        t = local - off1;
    }
    if isdst >= 0 && (isdst > 0) != dst {
        // The time was given in the other kind of time: use the offset of the nearest
        // period of that kind (glibc looks around the date the same way), or assume
        // DST is one hour ahead when the zone has none.
        t = match nearest_offset_with_dst(t, isdst > 0) {
            Some(off) => local - off,
            None if isdst > 0 => t - 3600,
            None => t + 3600,
        };
    }
    localtime(t)?;
    Some(t)
}

/// How far `mktime` looks for a period of the requested DST kind (about a year, in
/// steps of a week, as glibc).
const DST_SEARCH_STEP: i64 = 7 * DAY;
const DST_SEARCH_STEPS: i64 = 53;

fn nearest_offset_with_dst(t: i64, want_dst: bool) -> Option<i64> {
    for k in 1..=DST_SEARCH_STEPS {
        for probe in [t - k * DST_SEARCH_STEP, t + k * DST_SEARCH_STEP] {
            let (off, dst, _) = local_type(probe);
            if dst == want_dst {
                return Some(off);
            }
        }
    }
    None
}

const DAY_ABBR: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAY_NAME: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MON_ABBR: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MON_NAME: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// ISO 8601 week-based year and week number (`%G`, `%V`).
fn iso_week(tm: &Tm) -> (i64, i64) {
    let year = tm.year + TM_YEAR_BASE;
    // Monday-based weekday 0..6.
    let wd = (tm.wday + 6) % 7;
    // Week 1 contains the year's first Thursday.
    let week = (tm.yday - wd + 10) / 7;
    if week < 1 {
        let py = year - 1;
        let pdays = if is_leap(py) { 366 } else { 365 };
        let p_yday = tm.yday + pdays;
        return (py, (p_yday - wd + 10) / 7);
    }
    let days = if is_leap(year) { 366 } else { 365 };
    if week == 53 && tm.yday - wd + 3 >= days {
        // The week's Thursday falls in the next year.
        return (year + 1, 1);
    }
    (year, week)
}

/// Appends the expansion of one `%c` conversion (`spec` is the byte after `%`), as
/// glibc's strftime does in the C locale. `%` followed by a byte glibc does not know
/// is copied as is.
pub fn strftime_one(out: &mut Vec<u8>, spec: u8, tm: &Tm) {
    let mut push = |s: &str| out.extend_from_slice(s.as_bytes());
    let year = tm.year + TM_YEAR_BASE;
    let h12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
    match spec {
        b'a' => push(DAY_ABBR.get(tm.wday as usize).copied().unwrap_or("?")),
        b'A' => push(DAY_NAME.get(tm.wday as usize).copied().unwrap_or("?")),
        b'b' | b'h' => push(MON_ABBR.get(tm.mon as usize).copied().unwrap_or("?")),
        b'B' => push(MON_NAME.get(tm.mon as usize).copied().unwrap_or("?")),
        b'c' => {
            for &c in b"a b e H:M:S Y" {
                if c.is_ascii_alphabetic() {
                    strftime_one(out, c, tm);
                } else {
                    out.push(c);
                }
            }
        }
        b'C' => push(&(year.div_euclid(100)).to_string()),
        b'd' => push(&format!("{:02}", tm.mday)),
        b'D' => expand(out, b"m/d/y", tm),
        b'e' => push(&format!("{:2}", tm.mday)),
        b'F' => expand(out, b"Y-m-d", tm),
        b'g' => push(&format!("{:02}", iso_week(tm).0.rem_euclid(100))),
        b'G' => push(&iso_week(tm).0.to_string()),
        b'H' => push(&format!("{:02}", tm.hour)),
        b'I' => push(&format!("{:02}", h12)),
        b'j' => push(&format!("{:03}", tm.yday + 1)),
        b'k' => push(&format!("{:2}", tm.hour)),
        b'l' => push(&format!("{:2}", h12)),
        b'm' => push(&format!("{:02}", tm.mon + 1)),
        b'M' => push(&format!("{:02}", tm.min)),
        b'n' => push("\n"),
        b'p' => push(if tm.hour < 12 { "AM" } else { "PM" }),
        b'P' => push(if tm.hour < 12 { "am" } else { "pm" }),
        b'r' => expand(out, b"I:M:S p", tm),
        b'R' => expand(out, b"H:M", tm),
        b's' => {
            let t = mktime(
                tm.year,
                tm.mon,
                tm.mday,
                tm.hour,
                tm.min,
                tm.sec,
                i64::from(tm.isdst),
            )
            .unwrap_or(-1);
            push(&t.to_string())
        }
        b'S' => push(&format!("{:02}", tm.sec)),
        b't' => push("\t"),
        b'T' => expand(out, b"H:M:S", tm),
        b'u' => push(&(if tm.wday == 0 { 7 } else { tm.wday }).to_string()),
        b'U' => push(&format!("{:02}", (tm.yday + 7 - tm.wday) / 7)),
        b'V' => push(&format!("{:02}", iso_week(tm).1)),
        b'w' => push(&tm.wday.to_string()),
        b'W' => push(&format!("{:02}", (tm.yday + 7 - (tm.wday + 6) % 7) / 7)),
        b'x' => expand(out, b"m/d/y", tm),
        b'X' => expand(out, b"H:M:S", tm),
        b'y' => push(&format!("{:02}", year.rem_euclid(100))),
        b'Y' => push(&year.to_string()),
        b'z' => {
            let off = tm.gmtoff;
            let sign = if off < 0 { '-' } else { '+' };
            let a = off.abs() / 60;
            push(&format!("{}{:02}{:02}", sign, a / 60, a % 60))
        }
        b'Z' => push(&tm.zone),
        b'%' => push("%"),
        // A width with nothing to apply it to: glibc pads the text "%N" to N columns.
        b'1'..=b'9' => {
            let w = (spec - b'0') as usize;
            push(&format!("{:>w$}", format!("%{}", spec as char), w = w))
        }
        other => {
            out.push(b'%');
            out.push(other);
        }
    }
}

/// Expands a format made of conversion letters and literal punctuation.
fn expand(out: &mut Vec<u8>, fmt: &[u8], tm: &Tm) {
    for &c in fmt {
        if c.is_ascii_alphabetic() {
            strftime_one(out, c, tm);
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for d in [-1_000_000i64, -719_468, -1, 0, 1, 10_957, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn gmtime_known_instant() {
        let tm = gmtime(1_000_000_000).unwrap();
        assert_eq!(
            (tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec),
            (101, 8, 9, 1, 46, 40)
        );
        assert_eq!((tm.wday, tm.yday), (0, 251));
        let mut out = Vec::new();
        strftime_one(&mut out, b'c', &tm);
        assert_eq!(out, b"Sun Sep  9 01:46:40 2001");
    }
}
