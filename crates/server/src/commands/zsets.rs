//! Sorted-set commands.
