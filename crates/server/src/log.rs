//! The server log, in Redis's line format:
//! `<pid>:<role> <dd> <Mon> <yyyy> <HH:MM:SS.mmm> <mark> <message>`, where the mark is
//! `.` debug, `-` verbose, `*` notice, `#` warning. Times are UTC.

use std::io::Write;

pub const DEBUG: usize = 0;
pub const VERBOSE: usize = 1;
pub const NOTICE: usize = 2;
pub const WARNING: usize = 3;

pub struct Logger {
    pub level: usize,
    file: Option<std::fs::File>,
    pid: u32,
    /// `C` before the server is initialised, `M` (master) after.
    pub role: char,
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `23 Nov 2026 22:12:54.648` for a Unix time in milliseconds.
pub fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        d,
        MONTHS[(m - 1) as usize],
        y,
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
        ms.rem_euclid(1000)
    )
}

impl Logger {
    /// Logs to `logfile`, or standard output when empty.
    pub fn new(level: usize, logfile: &str) -> std::io::Result<Logger> {
        let file = if logfile.is_empty() {
            None
        } else {
            Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(logfile)?,
            )
        };
        Ok(Logger {
            level,
            file,
            pid: std::process::id(),
            role: 'C',
        })
    }

    pub fn log(&mut self, level: usize, msg: &str) {
        if level < self.level {
            return;
        }
        let mark = ['.', '-', '*', '#'][level.min(3)];
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let line = format!(
            "{}:{} {} {} {}\n",
            self.pid,
            self.role,
            format_time(now),
            mark,
            msg
        );
        let _ = match &mut self.file {
            Some(f) => f.write_all(line.as_bytes()),
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(line.as_bytes()).and_then(|_| out.flush())
            }
        };
    }

    pub fn notice(&mut self, msg: &str) {
        self.log(NOTICE, msg)
    }
    pub fn warning(&mut self, msg: &str) {
        self.log(WARNING, msg)
    }
    pub fn verbose(&mut self, msg: &str) {
        self.log(VERBOSE, msg)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn time_format() {
        assert_eq!(super::format_time(0), "01 Jan 1970 00:00:00.000");
        assert_eq!(
            super::format_time(1_795_471_974_648),
            "23 Nov 2026 22:12:54.648"
        );
    }
}
