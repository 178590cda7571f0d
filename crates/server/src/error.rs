//! Command errors and their RESP error replies.
//!
//! Handlers return [`CmdError`]; [`error_reply`] is the one place that turns an error into
//! the bytes a client sees. Clients branch on these strings, so each is tested byte for
//! byte against what Redis 7.0.15 sends.

use std::borrow::Cow;
use std::fmt;

/// The text of `-OOM` (also the reason of an EXEC aborted for memory).
pub const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmdError {
    /// `ERR syntax error`
    Syntax,
    /// `ERR value is not an integer or out of range`
    NotInteger,
    /// `ERR value is not a valid float`
    NotFloat,
    /// `WRONGTYPE ...`
    WrongType,
    /// `ERR no such key`
    NoSuchKey,
    /// `ERR increment or decrement would overflow`
    Overflow,
    /// `ERR increment would produce NaN or Infinity`
    NanOrInfinity,
    /// `ERR invalid expire time in '<cmd>' command`
    InvalidExpire(&'static str),
    /// `ERR DB index is out of range`
    DbIndexOutOfRange,
    /// `ERR string exceeds maximum allowed size (proto-max-bulk-len)`
    StringTooLong,
    /// `ERR bit offset is not an integer or out of range`
    BitOffset,
    /// `ERR bit is not an integer or out of range`
    BitValue,
    /// `ERR offset is out of range`
    OffsetOutOfRange,
    /// `ERR wrong number of arguments for '<cmd>' command`
    WrongArity(String),
    /// `ERR unknown subcommand '<sub>'. Try <CMD> HELP.`
    UnknownSubcommand { sub: String, cmd: String },
    /// `OOM command not allowed when used memory > 'maxmemory'.`
    Oom,
    /// `NOAUTH Authentication required.`
    NoAuth,
    /// `WRONGPASS invalid username-password pair or user is disabled.`
    WrongPass,
    /// Any other message, code included (`ERR ...`, `NOPROTO ...`).
    Msg(Cow<'static, str>),
}

impl CmdError {
    /// An error with a fixed message (code included).
    pub fn msg(s: &'static str) -> CmdError {
        CmdError::Msg(Cow::Borrowed(s))
    }
    /// An error with a computed message (code included).
    pub fn owned(s: String) -> CmdError {
        CmdError::Msg(Cow::Owned(s))
    }
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmdError::Syntax => f.write_str("ERR syntax error"),
            CmdError::NotInteger => f.write_str("ERR value is not an integer or out of range"),
            CmdError::NotFloat => f.write_str("ERR value is not a valid float"),
            CmdError::WrongType => {
                f.write_str("WRONGTYPE Operation against a key holding the wrong kind of value")
            }
            CmdError::NoSuchKey => f.write_str("ERR no such key"),
            CmdError::Overflow => f.write_str("ERR increment or decrement would overflow"),
            CmdError::NanOrInfinity => f.write_str("ERR increment would produce NaN or Infinity"),
            CmdError::InvalidExpire(cmd) => write!(f, "ERR invalid expire time in '{cmd}' command"),
            CmdError::DbIndexOutOfRange => f.write_str("ERR DB index is out of range"),
            CmdError::StringTooLong => {
                f.write_str("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
            }
            CmdError::BitOffset => f.write_str("ERR bit offset is not an integer or out of range"),
            CmdError::BitValue => f.write_str("ERR bit is not an integer or out of range"),
            CmdError::OffsetOutOfRange => f.write_str("ERR offset is out of range"),
            CmdError::WrongArity(cmd) => {
                write!(f, "ERR wrong number of arguments for '{cmd}' command")
            }
            CmdError::UnknownSubcommand { sub, cmd } => {
                write!(f, "ERR unknown subcommand '{sub}'. Try {cmd} HELP.")
            }
            CmdError::Oom => f.write_str(OOM),
            CmdError::NoAuth => f.write_str("NOAUTH Authentication required."),
            CmdError::WrongPass => {
                f.write_str("WRONGPASS invalid username-password pair or user is disabled.")
            }
            CmdError::Msg(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for CmdError {}

/// The reply line (without `-` and CRLF) for an error.
pub fn error_reply(e: &CmdError) -> String {
    e.to_string()
}

/// The error code counted by `INFO errorstats` (`ERR`, `WRONGTYPE`, ...).
pub fn error_code(reply: &str) -> &str {
    reply.split(' ').next().unwrap_or("ERR")
}

/// Result type of command handlers.
pub type CmdResult = Result<(), CmdError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_strings_match_redis() {
        let cases: &[(CmdError, &str)] = &[
            (CmdError::Syntax, "ERR syntax error"),
            (
                CmdError::NotInteger,
                "ERR value is not an integer or out of range",
            ),
            (CmdError::NotFloat, "ERR value is not a valid float"),
            (
                CmdError::WrongType,
                "WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                CmdError::InvalidExpire("set"),
                "ERR invalid expire time in 'set' command",
            ),
            (
                CmdError::WrongArity("get".into()),
                "ERR wrong number of arguments for 'get' command",
            ),
            (
                CmdError::UnknownSubcommand {
                    sub: "foo".into(),
                    cmd: "CLIENT".into(),
                },
                "ERR unknown subcommand 'foo'. Try CLIENT HELP.",
            ),
            (
                CmdError::Oom,
                "OOM command not allowed when used memory > 'maxmemory'.",
            ),
            (CmdError::NoAuth, "NOAUTH Authentication required."),
            (
                CmdError::Overflow,
                "ERR increment or decrement would overflow",
            ),
        ];
        for (e, s) in cases {
            assert_eq!(error_reply(e), *s);
        }
        assert_eq!(error_code("WRONGTYPE Operation"), "WRONGTYPE");
    }
}
