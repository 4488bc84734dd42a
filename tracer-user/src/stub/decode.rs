#![allow(dead_code)]
//! TEMPORARY stub until the real decoders land.
use crate::event::Syscall;
use std::fmt::Write as _;
#[derive(Default, Clone, Debug)]
pub struct DecodeOptions {
    pub raw: bool,
    pub string_limit: usize,
}
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ArgsPart {
    All,
    Entering,
    Resumed,
}
pub fn write_args(out: &mut String, call: &Syscall, _o: &DecodeOptions, part: ArgsPart) {
    if part == ArgsPart::Resumed {
        return;
    }
    for (i, a) in call.args.iter().take(3).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{a:#x}");
    }
    if part == ArgsPart::Entering {
        out.push_str(", ");
    }
}
pub fn write_return(out: &mut String, call: &Syscall) {
    match call.ret {
        None => out.push('?'),
        Some(r) if (-4095..0).contains(&r) => {
            let e = nix::errno::Errno::from_raw(-r as i32);
            let _ = write!(out, "-1 {:?} ({})", e, e.desc());
        }
        Some(r) => {
            let _ = write!(out, "{r}");
        }
    }
}
pub fn signal_name(sig: i32) -> Option<&'static str> {
    nix::sys::signal::Signal::try_from(sig)
        .ok()
        .map(|s| s.as_str())
}
