//! The one settings global, written by userspace before the programs load.

use tracer_common::KernelConfig;

#[unsafe(no_mangle)]
static CONFIG: KernelConfig = KernelConfig::DEFAULT;

/// The settings. The pointer passes through a volatile read so the compiler cannot fold
/// in the default values (the loader rewrites the global before the programs load); the
/// verifier, which sees a frozen read-only map, still knows every value and prunes the
/// code that a setting switches off.
#[inline(always)]
pub fn config() -> &'static KernelConfig {
    let p: *const KernelConfig = &raw const CONFIG;
    // SAFETY: reads a local; the pointer is CONFIG's, valid for as long as the program.
    unsafe { &*core::ptr::read_volatile(&p) }
}
