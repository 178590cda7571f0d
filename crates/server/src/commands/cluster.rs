//! `CLUSTER`: this server never runs in cluster mode, so every subcommand answers the way
//! a Redis 7.0.15 started without `cluster-enabled` does. The subcommands still exist in
//! the command table with Redis's arity and flags, so arity errors, unknown-subcommand
//! errors, `noscript` refusals inside scripts (CLUSTER RESET) and ACL categories match.
//! Tests: `redis-tests/cluster.txt`.

use crate::error::{CmdError, CmdResult};
use crate::server::Ctx;
use resp::Args;

/// Every CLUSTER subcommand: cluster support is disabled.
pub fn cluster_disabled(_ctx: &mut Ctx, _a: &Args) -> CmdResult {
    Err(CmdError::msg(
        "ERR This instance has cluster support disabled",
    ))
}
