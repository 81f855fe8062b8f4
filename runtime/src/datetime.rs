//! A point in time with nanosecond precision and the three wire formats Smithy uses:
//! RFC 3339 (`date-time`), IMF-fixdate (`http-date`) and `epoch-seconds`.
//!
//! The calendar arithmetic is done here (proleptic Gregorian, UTC) so that no date crate
//! is compiled into every SDK user's build.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years RFC 3339 can write.
const MIN_SECS: i64 = -62_135_596_800;
const MAX_SECS: i64 = 253_402_300_799;
const OUT_OF_RANGE: &str = "outside the years 0001 to 9999";
const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the Unix epoch plus a non-negative nanosecond part, so `-1.5 s` is
/// `secs = -2, subsec_nanos = 500_000_000` and ordering is plain field ordering.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

/// Why a timestamp could not be parsed or converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateTimeError {
    /// The text does not follow `format`; `reason` says which part is wrong.
    Invalid {
        /// The expected format: `RFC 3339`, `HTTP date` or `epoch-seconds`.
        format: &'static str,
        /// The text that was parsed.
        input: String,
        /// What is wrong with it, e.g. `expected 2-digit month`.
        reason: &'static str,
    },
    /// The instant cannot be represented by the target type.
    OutOfRange,
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid {
                format,
                input,
                reason,
            } => write!(f, "invalid {format} timestamp {input:?}: {reason}"),
            Self::OutOfRange => f.write_str("timestamp out of range for SystemTime"),
        }
    }
}

impl std::error::Error for DateTimeError {}

/// The three ways Smithy writes a timestamp (`smithy.api#timestampFormat`); which one a
/// member uses depends on where it travels unless the model says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 3339 `date-time`, e.g. `2014-04-29T18:30:38Z`: bodies of the XML protocols, URIs.
    DateTime,
    /// IMF-fixdate `http-date`, e.g. `Tue, 29 Apr 2014 18:30:38 GMT`: headers.
    HttpDate,
    /// Seconds since the epoch, e.g. `1398796238.5`: bodies of the JSON protocols.
    EpochSeconds,
}

impl DateTime {
    /// The instant `secs` whole seconds after 1970-01-01T00:00:00Z (before it when negative).
    pub const fn from_secs(secs: i64) -> Self {
        Self { secs, nanos: 0 }
    }

    /// Nanoseconds beyond one second carry into `secs`.
    pub const fn from_secs_and_nanos(secs: i64, nanos: u32) -> Self {
        Self {
            secs: secs.saturating_add((nanos / NANOS_PER_SEC) as i64),
            nanos: nanos % NANOS_PER_SEC,
        }
    }

    /// Reads the shortest decimal form of `value`, so `1398796238.123` becomes exactly
    /// 123 ms rather than the nearest binary fraction. Saturates at the `i64` range and maps
    /// NaN to the epoch, because JSON numbers arrive as `f64` and must never panic.
    pub fn from_fractional_secs(value: f64) -> Self {
        if value.is_nan() {
            return Self::from_secs(0);
        }
        if value.abs() >= 9.2e18 {
            return Self::from_secs(if value < 0.0 { i64::MIN } else { i64::MAX });
        }
        let magnitude = value.abs();
        // Below a nanosecond every digit that counts is zero (and Display would write up to
        // hundreds of them).
        if magnitude < 1e-9 {
            return Self::from_secs(0);
        }
        let mut digits = StackText::default();
        if fmt::Write::write_fmt(&mut digits, format_args!("{magnitude}")).is_err() {
            // Unreachable (at most 27 bytes: 17 significant digits after `0.00000000`, or
            // 19 whole digits); the whole seconds are still right.
            return Self::from_sign_and_parts(value < 0.0, magnitude as i64, 0);
        }
        let text = digits.as_str();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        // Display of a finite f64 below 9.2e18 is plain digits, so these cannot fail.
        let whole = whole.parse::<i64>().unwrap_or(0);
        Self::from_sign_and_parts(value < 0.0, whole, fraction_to_nanos(fraction.as_bytes()))
    }

    /// Parses the `epoch-seconds` wire form: `1398796238`, `-1.5`, `1398796238.123`.
    pub fn parse_epoch_seconds(input: &str) -> Result<Self, DateTimeError> {
        let err = |reason| DateTimeError::Invalid {
            format: "epoch-seconds",
            input: input.to_owned(),
            reason,
        };
        let (negative, unsigned) = match input.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || (unsigned.contains('.') && !all_digits(fraction)) {
            return Err(err("expected digits with an optional '.' fraction"));
        }
        let whole = whole.parse::<i64>().map_err(|_| err(OUT_OF_RANGE))?;
        Self::from_sign_and_parts(negative, whole, fraction_to_nanos(fraction.as_bytes()))
            .in_range(err)
    }

    /// Builds the floored representation from a sign and a magnitude `whole.nanos`.
    fn from_sign_and_parts(negative: bool, whole: i64, nanos: u32) -> Self {
        match (negative, nanos) {
            (false, _) => Self { secs: whole, nanos },
            (true, 0) => Self::from_secs(-whole),
            (true, _) => Self {
                secs: -whole - 1,
                nanos: NANOS_PER_SEC - nanos,
            },
        }
    }

    /// Whether the instant lies in the years 0001 to 9999, which RFC 3339 can write. The
    /// parsers refuse timestamps outside them: a peer's `1e300` must not become the
    /// year 292277026596.
    pub fn is_in_rfc3339_range(&self) -> bool {
        (MIN_SECS..=MAX_SECS).contains(&self.secs)
    }

    /// `self` when [in range](Self::is_in_rfc3339_range), else `err`'s error.
    fn in_range(
        self,
        err: impl FnOnce(&'static str) -> DateTimeError,
    ) -> Result<Self, DateTimeError> {
        match self.is_in_rfc3339_range() {
            true => Ok(self),
            false => Err(err(OUT_OF_RANGE)),
        }
    }

    /// The current time of the system clock.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Whole seconds since the Unix epoch, rounded down: `-1.5 s` gives `-2`.
    pub const fn secs(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds after [`secs`](Self::secs), always in `0..1_000_000_000`: `-1.5 s`
    /// gives `500_000_000`.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the Unix epoch as `f64`, e.g. `-1.5`. Not exact to the nanosecond:
    /// for present-day times, `f64` resolves about a quarter of a microsecond.
    pub fn as_fractional_secs(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / f64::from(NANOS_PER_SEC)
    }

    /// `2015-01-01T00:00:00Z`, with `.123` only when the fraction is non-zero.
    pub fn to_rfc3339(&self) -> String {
        let civil = Civil::from_epoch_secs(self.secs);
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            civil.year, civil.month, civil.day, civil.hour, civil.minute, civil.second
        );
        push_fraction(&mut out, self.nanos);
        out.push('Z');
        out
    }

    /// SigV4's `X-Amz-Date` form, `20150830T123600Z` (whole seconds); `None` for a year
    /// outside 0000 to 9999, which the form cannot hold. Written digit by digit: it is
    /// formatted for every signed request.
    pub(crate) fn to_amz_date(self) -> Option<String> {
        let civil = Civil::from_epoch_secs(self.secs);
        let year = u32::try_from(civil.year)
            .ok()
            .filter(|year| *year <= 9999)?;
        fn digits(out: &mut String, value: u32, width: u32) {
            for place in (0..width).rev() {
                out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
            }
        }
        let mut out = String::with_capacity(16);
        digits(&mut out, year, 4);
        digits(&mut out, civil.month, 2);
        digits(&mut out, civil.day, 2);
        out.push('T');
        digits(&mut out, civil.hour, 2);
        digits(&mut out, civil.minute, 2);
        digits(&mut out, civil.second, 2);
        out.push('Z');
        Some(out)
    }

    /// Accepts `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`, `t`/`z` in either case.
    pub fn parse_rfc3339(input: &str) -> Result<Self, DateTimeError> {
        let err = |reason| DateTimeError::Invalid {
            format: "RFC 3339",
            input: input.to_owned(),
            reason,
        };
        let mut cursor = Cursor::new(input);
        let year = cursor
            .digits(4)
            .ok_or_else(|| err("expected 4-digit year"))?;
        cursor
            .expect(b'-')
            .ok_or_else(|| err("expected '-' after year"))?;
        let month = cursor
            .digits(2)
            .ok_or_else(|| err("expected 2-digit month"))?;
        cursor
            .expect(b'-')
            .ok_or_else(|| err("expected '-' after month"))?;
        let day = cursor
            .digits(2)
            .ok_or_else(|| err("expected 2-digit day"))?;
        if !matches!(cursor.next(), Some(b'T' | b't')) {
            return Err(err("expected 'T' between date and time"));
        }
        let (hour, minute, second, nanos) = cursor.time_of_day().map_err(err)?;
        let offset_secs = match cursor.next() {
            Some(b'Z' | b'z') => 0,
            Some(sign @ (b'+' | b'-')) => {
                let hours = cursor
                    .digits(2)
                    .ok_or_else(|| err("expected offset hours"))?;
                cursor
                    .expect(b':')
                    .ok_or_else(|| err("expected ':' in offset"))?;
                let minutes = cursor
                    .digits(2)
                    .ok_or_else(|| err("expected offset minutes"))?;
                if hours > 23 || minutes > 59 {
                    return Err(err("offset out of range"));
                }
                let magnitude = i64::from(hours * 3600 + minutes * 60);
                if sign == b'+' { magnitude } else { -magnitude }
            }
            _ => return Err(err("expected 'Z' or a ±hh:mm offset")),
        };
        if !cursor.is_empty() {
            return Err(err("unexpected trailing characters"));
        }
        let civil = Civil {
            year: i64::from(year),
            month,
            day,
            hour,
            minute,
            second,
        };
        let local = civil.to_epoch_secs().map_err(err)?;
        Self {
            secs: local - offset_secs,
            nanos,
        }
        .in_range(err)
    }

    /// IMF-fixdate, e.g. `Tue, 29 Apr 2014 18:30:38 GMT`. The format has no fraction, so
    /// sub-second precision is dropped.
    pub fn to_http_date(&self) -> String {
        let civil = Civil::from_epoch_secs(self.secs);
        let weekday = (self.secs.div_euclid(SECS_PER_DAY) + 4).rem_euclid(7) as usize;
        format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            DAY_NAMES[weekday],
            civil.day,
            MONTH_NAMES[civil.month as usize - 1],
            civil.year,
            civil.hour,
            civil.minute,
            civil.second
        )
    }

    /// Parses IMF-fixdate (`Tue, 29 Apr 2014 18:30:38 GMT`), also with a fraction after the
    /// seconds as some services send. The day name must be valid but is not cross-checked.
    pub fn parse_http_date(input: &str) -> Result<Self, DateTimeError> {
        let err = |reason| DateTimeError::Invalid {
            format: "HTTP date",
            input: input.to_owned(),
            reason,
        };
        let mut cursor = Cursor::new(input);
        let day_name = cursor.take(3).ok_or_else(|| err("expected day name"))?;
        if !DAY_NAMES.iter().any(|d| d.as_bytes() == day_name) {
            return Err(err("unknown day name"));
        }
        cursor
            .expect(b',')
            .ok_or_else(|| err("expected ',' after day name"))?;
        cursor
            .expect(b' ')
            .ok_or_else(|| err("expected ' ' after ','"))?;
        let day = cursor
            .digits(2)
            .ok_or_else(|| err("expected 2-digit day"))?;
        cursor
            .expect(b' ')
            .ok_or_else(|| err("expected ' ' after day"))?;
        let month_name = cursor.take(3).ok_or_else(|| err("expected month name"))?;
        let month = MONTH_NAMES
            .iter()
            .position(|m| m.as_bytes() == month_name)
            .ok_or_else(|| err("unknown month name"))? as u32
            + 1;
        cursor
            .expect(b' ')
            .ok_or_else(|| err("expected ' ' after month"))?;
        let year = cursor
            .digits(4)
            .ok_or_else(|| err("expected 4-digit year"))?;
        cursor
            .expect(b' ')
            .ok_or_else(|| err("expected ' ' after year"))?;
        let (hour, minute, second, nanos) = cursor.time_of_day().map_err(err)?;
        if cursor.rest() != b" GMT" {
            return Err(err("expected ' GMT' at the end"));
        }
        let civil = Civil {
            year: i64::from(year),
            month,
            day,
            hour,
            minute,
            second,
        };
        Self {
            secs: civil.to_epoch_secs().map_err(err)?,
            nanos,
        }
        .in_range(err)
    }

    /// The timestamp written in `format`.
    pub fn format(&self, format: Format) -> String {
        match format {
            Format::DateTime => self.to_rfc3339(),
            Format::HttpDate => self.to_http_date(),
            Format::EpochSeconds => self.to_epoch_seconds_string(),
        }
    }

    /// Parses a timestamp written in `format`.
    pub fn parse(input: &str, format: Format) -> Result<Self, DateTimeError> {
        match format {
            Format::DateTime => Self::parse_rfc3339(input),
            Format::HttpDate => Self::parse_http_date(input),
            Format::EpochSeconds => Self::parse_epoch_seconds(input),
        }
    }

    /// `1398796238`, or `1398796238.123` when there is a fraction (trailing zeros trimmed).
    pub fn to_epoch_seconds_string(&self) -> String {
        if self.nanos == 0 {
            return self.secs.to_string();
        }
        // Negative instants are stored floored; print them as sign + magnitude.
        let mut out = if self.secs < 0 {
            format!("-{}", -(self.secs + 1))
        } else {
            self.secs.to_string()
        };
        let nanos = if self.secs < 0 {
            NANOS_PER_SEC - self.nanos
        } else {
            self.nanos
        };
        push_fraction(&mut out, nanos);
        out
    }
}

/// Decimal fraction digits (already checked to be ASCII digits) as nanoseconds; digits past
/// the ninth are truncated.
/// A number's Display form written on the stack: timestamps in JSON arrive as `f64`, one per
/// field, and a heap `String` for each cost more than reading its digits.
#[derive(Default)]
struct StackText {
    bytes: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are copied in, so the bytes are UTF-8.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn fraction_to_nanos(digits: &[u8]) -> u32 {
    (0..9).fold(0, |nanos, i| {
        nanos * 10 + digits.get(i).map_or(0, |b| u32::from(b.wrapping_sub(b'0')))
    })
}

/// Appends `.ddd` with trailing zeros trimmed; nothing when `nanos` is zero.
fn push_fraction(out: &mut String, nanos: u32) {
    if nanos == 0 {
        return;
    }
    let digits = format!("{nanos:09}");
    out.push('.');
    out.push_str(digits.trim_end_matches('0'));
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({})", self.to_rfc3339())
    }
}

impl From<SystemTime> for DateTime {
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Self {
                secs: i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
                nanos: after.subsec_nanos(),
            },
            Err(before) => {
                let before = before.duration();
                let secs = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                match before.subsec_nanos() {
                    0 => Self::from_secs(-secs),
                    nanos => Self {
                        secs: -secs - 1,
                        nanos: NANOS_PER_SEC - nanos,
                    },
                }
            }
        }
    }
}

impl TryFrom<DateTime> for SystemTime {
    type Error = DateTimeError;

    fn try_from(time: DateTime) -> Result<Self, DateTimeError> {
        let nanos = Duration::from_nanos(u64::from(time.nanos));
        let shifted = if time.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_secs(time.secs.unsigned_abs()))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_secs(time.secs.unsigned_abs()))
        };
        shifted
            .and_then(|t| t.checked_add(nanos))
            .ok_or(DateTimeError::OutOfRange)
    }
}

/// A UTC calendar date and time of day, the bridge between text and epoch seconds.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Civil {
    /// Days-to-civil conversion after Howard Hinnant's `civil_from_days`, valid for every
    /// `i64` second count (400-year eras keep the arithmetic exact).
    fn from_epoch_secs(secs: i64) -> Self {
        let days = secs.div_euclid(SECS_PER_DAY);
        let time_of_day = secs.rem_euclid(SECS_PER_DAY) as u32;
        let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Self {
            year,
            month,
            day,
            hour: time_of_day / 3600,
            minute: time_of_day / 60 % 60,
            second: time_of_day % 60,
        }
    }

    /// Validates every field (leap years included) and converts to epoch seconds.
    fn to_epoch_secs(&self) -> Result<i64, &'static str> {
        if !(1..=12).contains(&self.month) {
            return Err("month out of range");
        }
        if self.day == 0 || self.day > days_in_month(self.year, self.month) {
            return Err("day out of range for the month");
        }
        if self.hour > 23 || self.minute > 59 || self.second > 59 {
            return Err("time of day out of range");
        }
        let year = self.year - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5
            + i64::from(self.day)
            - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        let days = era * 146_097 + day_of_era - 719_468;
        Ok(days * SECS_PER_DAY + i64::from(self.hour * 3600 + self.minute * 60 + self.second))
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Byte cursor for the fixed-layout timestamp grammars.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn new(input: &'a str) -> Self {
        Self {
            bytes: input.as_bytes(),
        }
    }

    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(first)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let head = self.take(n)?;
        head.iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    }

    /// `HH:MM:SS[.fraction]`; digits past nanoseconds are accepted and truncated.
    fn time_of_day(&mut self) -> Result<(u32, u32, u32, u32), &'static str> {
        let hour = self.digits(2).ok_or("expected 2-digit hour")?;
        self.expect(b':').ok_or("expected ':' after hour")?;
        let minute = self.digits(2).ok_or("expected 2-digit minute")?;
        self.expect(b':').ok_or("expected ':' after minute")?;
        let second = self.digits(2).ok_or("expected 2-digit second")?;
        let mut nanos = 0;
        if self.bytes.first() == Some(&b'.') {
            self.next();
            let count = self.bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if count == 0 {
                return Err("expected digits after '.'");
            }
            let fraction = self.take(count).ok_or("expected digits after '.'")?;
            nanos = fraction_to_nanos(fraction);
        }
        Ok((hour, minute, second, nanos))
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(s: &str) -> DateTime {
        DateTime::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn formats_the_sigv4_date_within_years_0000_to_9999() {
        let amz = |secs| DateTime::from_secs(secs).to_amz_date();
        let (first, last) = (-62_167_219_200, 253_402_300_799); // 0000-01-01, 9999-12-31T23:59:59
        assert_eq!(amz(1_440_938_160).as_deref(), Some("20150830T123600Z"));
        assert_eq!(amz(0).as_deref(), Some("19700101T000000Z"));
        assert_eq!(amz(first).as_deref(), Some("00000101T000000Z"));
        assert_eq!(amz(last).as_deref(), Some("99991231T235959Z"));
        assert_eq!(amz(last + 1), None);
        assert_eq!(amz(first - 1), None);
    }

    #[test]
    fn formats_rfc3339_with_trimmed_fraction() {
        assert_eq!(
            DateTime::from_secs(1_420_070_400).to_rfc3339(),
            "2015-01-01T00:00:00Z"
        );
        assert_eq!(
            DateTime::from_secs_and_nanos(1_420_070_400, 123_000_000).to_rfc3339(),
            "2015-01-01T00:00:00.123Z"
        );
        assert_eq!(
            DateTime::from_secs_and_nanos(0, 1).to_rfc3339(),
            "1970-01-01T00:00:00.000000001Z"
        );
        assert_eq!(DateTime::from_secs(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            format!("{:?}", DateTime::from_secs(0)),
            "DateTime(1970-01-01T00:00:00Z)"
        );
    }

    #[test]
    fn parses_rfc3339_variants() {
        assert_eq!(
            rfc("2015-01-01T00:00:00Z"),
            DateTime::from_secs(1_420_070_400)
        );
        assert_eq!(
            rfc("2015-01-01t00:00:00z"),
            DateTime::from_secs(1_420_070_400)
        );
        assert_eq!(
            rfc("2015-01-01T00:00:00.5Z"),
            DateTime::from_secs_and_nanos(1_420_070_400, 500_000_000)
        );
        assert_eq!(
            rfc("2015-01-01T00:00:00.1234567891Z"),
            DateTime::from_secs_and_nanos(1_420_070_400, 123_456_789)
        );
        assert_eq!(
            rfc("2015-01-01T01:30:00+01:30"),
            DateTime::from_secs(1_420_070_400)
        );
        assert_eq!(
            rfc("2014-12-31T23:00:00-01:00"),
            DateTime::from_secs(1_420_070_400)
        );
    }

    #[test]
    fn round_trips_edges() {
        for text in [
            "0001-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "1900-02-28T12:00:00Z",
            "2000-02-29T00:00:00Z",
            "2024-02-29T23:59:59Z",
            "9999-12-31T23:59:59.999999999Z",
        ] {
            assert_eq!(rfc(text).to_rfc3339(), text);
        }
        assert_eq!(rfc("9999-12-31T23:59:59Z").secs(), 253_402_300_799);
        assert_eq!(rfc("0001-01-01T00:00:00Z").secs(), -62_135_596_800);
    }

    #[test]
    fn negative_epochs_are_floored() {
        let t = DateTime::from_fractional_secs(-1.5);
        assert_eq!((t.secs(), t.subsec_nanos()), (-2, 500_000_000));
        assert_eq!(t.as_fractional_secs(), -1.5);
        assert_eq!(t.to_epoch_seconds_string(), "-1.5");
        assert_eq!(t.to_rfc3339(), "1969-12-31T23:59:58.5Z");
        assert_eq!(
            DateTime::from_fractional_secs(-0.25).to_epoch_seconds_string(),
            "-0.25"
        );
        assert_eq!(
            DateTime::from_secs(-86_400).to_rfc3339(),
            "1969-12-31T00:00:00Z"
        );
    }

    #[test]
    fn fractional_seconds_read_as_their_shortest_text() {
        // The epoch-seconds parser reads the same digits from a heap String (within the years
        // 0001 to 9999 it accepts).
        let mut value = 1.234_567_890_123_456_7e-9_f64;
        while value < 6e10 {
            for v in [value, -value, value * 1.000_000_7] {
                let expected = DateTime::parse_epoch_seconds(&v.to_string()).unwrap();
                assert_eq!(DateTime::from_fractional_secs(v), expected, "{v}");
            }
            value *= 3.7;
        }
    }

    #[test]
    fn fractional_seconds_round_and_saturate() {
        assert_eq!(
            DateTime::from_fractional_secs(1_398_796_238.123),
            DateTime::from_secs_and_nanos(1_398_796_238, 123_000_000)
        );
        assert_eq!(
            DateTime::from_fractional_secs(0.9999999999),
            DateTime::from_secs_and_nanos(0, 999_999_999)
        );
        assert_eq!(
            DateTime::from_fractional_secs(f64::NAN),
            DateTime::from_secs(0)
        );
        assert_eq!(
            DateTime::from_fractional_secs(f64::INFINITY).secs(),
            i64::MAX
        );
        assert_eq!(DateTime::from_fractional_secs(-1e30).secs(), i64::MIN);
        // The widest texts Display writes below the saturation bound, read from the stack.
        assert_eq!(
            DateTime::from_fractional_secs(9.1e18),
            DateTime::from_secs(9_100_000_000_000_000_000)
        );
        assert_eq!(
            DateTime::from_fractional_secs(1.2345678901234567e-9),
            DateTime::from_secs_and_nanos(0, 1)
        );
        assert_eq!(
            DateTime::from_fractional_secs(-0.12345678901234567),
            DateTime::from_secs_and_nanos(-1, 876_543_211)
        );
        // Below a nanosecond, whichever the sign: the epoch.
        assert_eq!(
            DateTime::from_fractional_secs(1e-300),
            DateTime::from_secs(0)
        );
        assert_eq!(
            DateTime::from_fractional_secs(-1e-10),
            DateTime::from_secs(0)
        );
        assert_eq!(
            DateTime::from_secs_and_nanos(1, 1_500_000_000),
            DateTime::from_secs_and_nanos(2, 500_000_000)
        );
    }

    #[test]
    fn epoch_seconds_string() {
        assert_eq!(
            DateTime::from_secs(1_398_796_238).to_epoch_seconds_string(),
            "1398796238"
        );
        assert_eq!(
            DateTime::from_secs_and_nanos(1_398_796_238, 123_000_000).to_epoch_seconds_string(),
            "1398796238.123"
        );
        for text in ["0", "-1", "-1.5", "1398796238.123", "0.000000001"] {
            assert_eq!(
                DateTime::parse_epoch_seconds(text)
                    .unwrap()
                    .to_epoch_seconds_string(),
                text
            );
        }
        for bad in [
            "",
            "-",
            "1.",
            ".5",
            "1e3",
            "+1",
            "1.5x",
            "99999999999999999999",
        ] {
            assert!(DateTime::parse_epoch_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn http_dates() {
        let t = DateTime::from_secs(1_398_796_238);
        assert_eq!(t.to_http_date(), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(
            DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38 GMT").unwrap(),
            t
        );
        assert_eq!(
            DateTime::parse_http_date("Tue, 29 Apr 2014 18:30:38.25 GMT").unwrap(),
            DateTime::from_secs_and_nanos(1_398_796_238, 250_000_000)
        );
        assert_eq!(
            DateTime::from_secs(0).to_http_date(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            DateTime::from_secs(-1).to_http_date(),
            "Wed, 31 Dec 1969 23:59:59 GMT"
        );
        assert_eq!(
            rfc("9999-12-31T23:59:59Z").to_http_date(),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
    }

    #[test]
    fn invalid_input_is_a_typed_error() {
        for bad in [
            "",
            "2015-01-01",
            "2015-01-01T00:00:00",
            "2015-13-01T00:00:00Z",
            "2015-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2015-01-01T24:00:00Z",
            "2015-01-01T00:60:00Z",
            "2015-01-01T00:00:00.Z",
            "2015-01-01T00:00:00+0100",
            "2015-01-01T00:00:00Zjunk",
            "２015-01-01T00:00:00Z",
            "+2015-01-01T00:00:00Z",
        ] {
            let err = DateTime::parse_rfc3339(bad).unwrap_err();
            assert!(matches!(err, DateTimeError::Invalid { .. }), "{bad}");
            assert!(err.to_string().contains("RFC 3339"), "{err}");
        }
        for bad in [
            "",
            "Tue, 29 Apr 2014 18:30:38",
            "Tue, 29 Foo 2014 18:30:38 GMT",
            "Xyz, 29 Apr 2014 18:30:38 GMT",
            "Tue, 31 Apr 2014 18:30:38 GMT",
            "Tue, 29 Apr 2014 18:30:38 UTC",
        ] {
            assert!(DateTime::parse_http_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_outside_the_years_rfc3339_writes_are_refused() {
        for bad in [
            DateTime::parse_epoch_seconds("253402300800"),
            DateTime::parse_epoch_seconds("-62135596801"),
            DateTime::parse_rfc3339("0000-12-31T00:00:00Z"),
            DateTime::parse_rfc3339("9999-12-31T23:59:59-00:01"),
            DateTime::parse_rfc3339("0001-01-01T00:00:00+00:01"),
            DateTime::parse_http_date("Fri, 31 Dec 0000 00:00:00 GMT"),
        ] {
            let error = bad.unwrap_err();
            assert!(error.to_string().contains("0001 to 9999"), "{error}");
        }
        assert!(DateTime::parse_epoch_seconds("253402300799").is_ok());
        assert!(DateTime::parse_epoch_seconds("-62135596800").is_ok());
        assert!(!DateTime::from_fractional_secs(1e300).is_in_rfc3339_range());
    }

    #[test]
    fn system_time_conversions() {
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        let t = DateTime::from(before);
        assert_eq!((t.secs(), t.subsec_nanos()), (-2, 500_000_000));
        assert_eq!(SystemTime::try_from(t).unwrap(), before);
        let after = UNIX_EPOCH + Duration::new(1_398_796_238, 7);
        assert_eq!(SystemTime::try_from(DateTime::from(after)).unwrap(), after);
        assert!(DateTime::now() > rfc("2020-01-01T00:00:00Z"));
    }
}
