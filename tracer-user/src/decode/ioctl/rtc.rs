//! Real-time clocks' requests (type `p`), as strace's `rtc.c` prints them: the
//! interrupt switches (no argument), times, alarms, the PLL, the voltage flags and the
//! parameters.

use std::fmt::Write;

use super::{Ctx, Shape, need};
use crate::decode::flags::{Xlat, write_enum, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::write_hex;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // RTC_AIE_ON, AIE_OFF, UIE_ON, UIE_OFF, PIE_ON, PIE_OFF, WIE_ON, WIE_OFF, VL_CLR
        0x7001..=0x7006 | 0x700f | 0x7010 | 0x7014 => Shape::None,
        // RTC_ALM_SET, RTC_SET_TIME; RTC_ALM_READ, RTC_RD_TIME
        0x4024_7007 | 0x4024_700a => Shape::In(time),
        0x8024_7008 | 0x8024_7009 => Shape::Out(time),
        // RTC_IRQP_SET, RTC_EPOCH_SET: the value; RTC_IRQP_READ, RTC_EPOCH_READ
        0x4008_700c | 0x4008_700e => Shape::Ulong,
        0x8008_700b | 0x8008_700d => Shape::Out(|out, b, _| {
            let _ = write!(out, "[{}]", b.u64(0)?);
            Some(())
        }),
        // RTC_WKALM_SET, RTC_WKALM_RD
        0x4028_700f => Shape::In(wkalrm),
        0x8028_7010 => Shape::Out(wkalrm),
        // RTC_PLL_SET, RTC_PLL_GET
        0x4020_7012 => Shape::In(pll_info),
        0x8020_7011 => Shape::Out(pll_info),
        // RTC_VL_READ
        0x8004_7013 => Shape::Out(|out, b, _| {
            out.push('[');
            write_flags(out, b.u32(0)?.into(), VL_FLAGS, None, "RTC_VL_???");
            out.push(']');
            Some(())
        }),
        // RTC_PARAM_GET (read and written, whatever its direction says; ` => addr` when
        // it failed), RTC_PARAM_SET
        0x4018_7013 => Shape::Updated(
            |out, b, _| param(out, b, true, false),
            |out, b, _| param(out, b, false, true),
        ),
        0x4018_7014 => Shape::In(|out, b, _| param(out, b, true, true)),
        _ => return None,
    })
}

/// `struct rtc_time` at `off`: nine ints, the last three unless abbreviated.
fn write_time(out: &mut String, b: &Bytes, off: usize, ctx: &Ctx) -> Option<()> {
    const NAMES: [&str; 9] = [
        "tm_sec", "tm_min", "tm_hour", "tm_mday", "tm_mon", "tm_year", "tm_wday", "tm_yday",
        "tm_isdst",
    ];
    let shown = if ctx.opts.abbreviate { 6 } else { 9 };
    out.push('{');
    for (n, name) in NAMES.iter().take(shown).enumerate() {
        let sep = if n > 0 { ", " } else { "" };
        let _ = write!(out, "{sep}{name}={}", b.i32(off + 4 * n)?);
    }
    if ctx.opts.abbreviate {
        out.push_str(", ...");
    }
    out.push('}');
    Some(())
}

fn time(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 36)?;
    write_time(out, b, 0, ctx)
}

/// `struct rtc_wkalrm`: enabled, pending (bytes), the time from offset 4.
fn wkalrm(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 40)?;
    let _ = write!(out, "{{enabled={}, pending={}, time=", b.0[0], b.0[1]);
    write_time(out, b, 4, ctx)?;
    out.push('}');
    Some(())
}

/// `struct rtc_pll_info`: six ints and a long.
fn pll_info(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 32)?;
    let _ = write!(
        out,
        "{{pll_ctrl={}, pll_value={}, pll_max={}, pll_min={}, pll_posmult={}, \
         pll_negmult={}, pll_clock={}}}",
        b.i32(0)?,
        b.i32(4)?,
        b.i32(8)?,
        b.i32(12)?,
        b.i32(16)?,
        b.i32(20)?,
        b.i64(24)?
    );
    Some(())
}

/// `struct rtc_param` (param, a u64 value, index, padding): at entry the parameter,
/// the value when the kernel reads it (`value`) and the index; at exit only the value.
fn param(out: &mut String, b: &Bytes, entry: bool, value: bool) -> Option<()> {
    need(b, 24)?;
    let (param, v, index, pad) = (b.u64(0)?, b.u64(8)?, b.u32(16)?, b.u32(20)?);
    out.push('{');
    if entry {
        out.push_str("param=");
        write_enum(out, param, PARAMS, "RTC_PARAM_???");
    }
    if value {
        if entry {
            out.push_str(", ");
        }
        match param {
            0 => {
                out.push_str("uvalue=");
                write_flags(out, v, FEATURES, None, "1<<RTC_FEATURE_???");
            }
            1 => {
                let _ = write!(out, "svalue={}", v as i64);
            }
            2 => {
                out.push_str("uvalue=");
                write_enum(out, v, BACKUP_SWITCH_MODES, "RTC_BSM_???");
            }
            _ => {
                out.push_str("uvalue=");
                write_hex(out, v);
            }
        }
    }
    if entry {
        let _ = write!(out, ", index={index}");
    }
    if pad != 0 {
        let _ = write!(out, ", __pad={pad:#x}");
    }
    out.push('}');
    Some(())
}

const VL_FLAGS: Xlat = &[
    (1 << 0, "RTC_VL_DATA_INVALID"),
    (1 << 1, "RTC_VL_BACKUP_LOW"),
    (1 << 2, "RTC_VL_BACKUP_EMPTY"),
    (1 << 3, "RTC_VL_ACCURACY_LOW"),
    (1 << 4, "RTC_VL_BACKUP_SWITCH"),
];

const PARAMS: Xlat = &[
    (0, "RTC_PARAM_FEATURES"),
    (1, "RTC_PARAM_CORRECTION"),
    (2, "RTC_PARAM_BACKUP_SWITCH_MODE"),
];

const FEATURES: Xlat = &[
    (1 << 0, "1<<RTC_FEATURE_ALARM"),
    (1 << 1, "1<<RTC_FEATURE_ALARM_RES_MINUTE"),
    (1 << 2, "1<<RTC_FEATURE_NEED_WEEK_DAY"),
    (1 << 3, "1<<RTC_FEATURE_ALARM_RES_2S"),
    (1 << 4, "1<<RTC_FEATURE_UPDATE_INTERRUPT"),
    (1 << 5, "1<<RTC_FEATURE_CORRECTION"),
    (1 << 6, "1<<RTC_FEATURE_BACKUP_SWITCH_MODE"),
    (1 << 7, "1<<RTC_FEATURE_ALARM_WAKEUP_ONLY"),
];

const BACKUP_SWITCH_MODES: Xlat = &[
    (0, "RTC_BSM_DISABLED"),
    (1, "RTC_BSM_DIRECT"),
    (2, "RTC_BSM_LEVEL"),
    (3, "RTC_BSM_STANDBY"),
];
