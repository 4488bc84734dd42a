//! Types and decisions shared by the kernel programs and userspace.
//!
//! Everything that crosses the kernel/user boundary is `#[repr(C)]`, uses fixed-width
//! integers only and carries explicit padding, so the eBPF object and the userspace
//! binary agree on every byte; sizes are asserted at compile time. The items are
//! re-exported at the crate root.
#![no_std]

pub mod arch;
pub mod config;
pub mod path;
pub mod plan;
pub mod record;
pub mod trace;

pub use arch::*;
pub use config::*;
pub use path::*;
pub use plan::*;
pub use record::*;
pub use trace::*;
