//! RESP protocol.
