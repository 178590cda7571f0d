//! RESP2/RESP3 protocol handling for `rlua51-server`, without any I/O.
//!
//! * [`request`] frames client requests (multibulk `*N\r\n$len\r\n...` and inline
//!   `SET a b\r\n` commands) out of a query buffer, zero-copy: arguments are byte ranges
//!   into the buffer, and protocol errors carry the exact text Redis 7.0 replies with.
//! * [`inline`] splits inline command lines the way Redis does (quotes, `\xHH` escapes).
//! * [`reply`] encodes replies into a reusable byte buffer, in RESP2 or RESP3; RESP3-only
//!   types (maps, sets, doubles, booleans, ...) degrade to their RESP2 forms.
//! * [`number`] formats integers and doubles the way Redis prints them.
//! * [`frame`] parses replies (the client side), used by tests and transcript tools.
//!
//! Tests live beside each module and in `tests/` (round trips, malformed input, and
//! property tests that no input makes the parser panic).

pub mod frame;
pub mod inline;
pub mod number;
pub mod reply;
pub mod request;

pub use frame::{Frame, FrameError};
pub use reply::{Proto, ReplyWriter};
pub use request::{Args, Limits, ParseStatus, ProtocolError, RequestParser};
