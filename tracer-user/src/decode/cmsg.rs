//! Ancillary data (`msg_control`): the `cmsghdr`s strace decodes, `SOL_SOCKET`'s
//! (passed descriptors, credentials, time stamps) and `SOL_IP`'s (packet info, TTL,
//! TOS, errors); other levels show their header only, as in strace.

use std::fmt::Write;
use std::net::Ipv4Addr;

use super::flags::{self, Xlat, write_enum};
use super::strings::quote;
use super::structs::{self, Bytes};
use super::{DecodeOptions, HexMode};
use crate::event::FdNames;
use crate::syscalls::layout::CMSGHDR_SIZE;
use crate::syscalls::plan::MSG_CONTROL_BYTES;
use std::sync::OnceLock;

const SOL_IP: u32 = 0;
const SOL_SOCKET: u32 = 1;

/// Whose descriptors `SCM_RIGHTS` passes (the caller's), and their names with `-y`.
#[derive(Clone, Copy)]
pub struct Owner<'a> {
    pub pid: u32,
    pub fds: Option<&'a dyn FdNames>,
}

/// `[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}]`, walked
/// as strace's `decode_msg_control` walks it: `controllen` bytes at `addr`, no more than
/// `net.core.optmem_max` of them (what the kernel takes), `, ... /* ADDR */` where bytes too
/// few for another header are left, `, ...` where the kernel's limit cut it. `data` is the
/// copy (at most the plan's bytes). `None` (the caller prints the pointer) when not even
/// one header was there to copy.
pub fn write_cmsgs(
    out: &mut String,
    data: &[u8],
    controllen: u64,
    addr: u64,
    owner: Owner,
    opts: &DecodeOptions,
) -> Option<()> {
    let control_len = controllen.min(optmem_max());
    let mut buf_len = control_len as usize;
    let copied = buf_len.min(MSG_CONTROL_BYTES);
    if buf_len < CMSGHDR_SIZE || data.len() < copied {
        return None;
    }
    let data = &data[..copied];
    let mut s = String::from("[");
    let mut pos = 0;
    while buf_len >= CMSGHDR_SIZE {
        if pos > 0 {
            s.push_str(", ");
        }
        // A header past what was copied: its place only.
        let Some(b) = data.get(pos..pos + CMSGHDR_SIZE).map(Bytes) else {
            s.push_str("...");
            buf_len = 0;
            break;
        };
        let (len, level, kind) = (b.u64(0)?, b.u32(8)?, b.u32(12)?);
        let _ = write!(s, "{{cmsg_len={len}, cmsg_level=");
        write_enum(&mut s, level as u64, flags::SOCKOPT_LEVELS, "SOL_???");
        s.push_str(", cmsg_type=");
        // What the header says, within what is left and was copied.
        let shown = len.min(buf_len as u64) as usize;
        let end = (pos + shown).min(data.len()).max(pos + CMSGHDR_SIZE);
        write_type_data(
            &mut s,
            level,
            kind,
            &data[pos + CMSGHDR_SIZE..end],
            owner,
            opts,
        );
        s.push('}');
        if shown < CMSGHDR_SIZE {
            buf_len -= CMSGHDR_SIZE;
            break;
        }
        let next = len.next_multiple_of(8);
        if next >= buf_len as u64 {
            buf_len = 0;
            break;
        }
        pos += next as usize;
        buf_len -= next as usize;
    }
    if buf_len != 0 {
        let _ = write!(s, ", ... /* {:#x} */", addr + control_len - buf_len as u64);
    } else if control_len < controllen {
        s.push_str(", ...");
    }
    s.push(']');
    out.push_str(&s);
    Some(())
}

/// The descriptors `SCM_RIGHTS` messages in `data` (a copy of `controllen` bytes of
/// ancillary data) carry: a received message's are the caller's new descriptors.
pub fn passed_fds(data: &[u8], controllen: u64) -> Vec<i32> {
    let data = &data[..data.len().min(controllen as usize)];
    let mut fds = Vec::new();
    let mut pos = 0;
    while let Some(b) = data.get(pos..pos + CMSGHDR_SIZE).map(Bytes) {
        let (Some(len), Some(level), Some(kind)) = (b.u64(0), b.u32(8), b.u32(12)) else {
            break;
        };
        if (len as usize) < CMSGHDR_SIZE {
            break;
        }
        let end = pos.saturating_add(len as usize).min(data.len());
        if (level, kind) == (SOL_SOCKET, 1) {
            fds.extend(
                data[pos + CMSGHDR_SIZE..end]
                    .chunks_exact(4)
                    .map(|c| i32::from_le_bytes(c.try_into().expect("4 bytes"))),
            );
        }
        pos = pos.saturating_add(len.next_multiple_of(8) as usize);
    }
    fds
}

/// `net.core.optmem_max`: the most ancillary data the kernel takes, and strace reads.
fn optmem_max() -> u64 {
    static MAX: OnceLock<u64> = OnceLock::new();
    *MAX.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/net/core/optmem_max")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|&m| m > 0)
            // strace's fallback: sizeof(long long) * (2 * UIO_MAXIOV + 512).
            .unwrap_or(8 * (2 * 1024 + 512))
    })
}

/// SOL_SOCKET's control message types (strace's `scmvals`).
const SCM_TYPES: Xlat = &[
    (1, "SCM_RIGHTS"),
    (2, "SCM_CREDENTIALS"),
    (3, "SCM_SECURITY"),
    (41, "SO_WIFI_STATUS"),
    (61, "SO_TXTIME"),
    (29, "SO_TIMESTAMP_OLD"),
    (35, "SO_TIMESTAMPNS_OLD"),
    (37, "SO_TIMESTAMPING_OLD"),
    (63, "SO_TIMESTAMP_NEW"),
    (64, "SO_TIMESTAMPNS_NEW"),
    (65, "SO_TIMESTAMPING_NEW"),
    (0x36, "SCM_TIMESTAMPING_OPT_STATS"),
    (0x3a, "SCM_TIMESTAMPING_PKTINFO"),
];

/// SOL_IP's (strace's `ip_cmsg_types`).
const IP_TYPES: Xlat = &[
    (1, "IP_TOS"),
    (2, "IP_TTL"),
    (6, "IP_RECVOPTS"),
    (7, "IP_RETOPTS"),
    (8, "IP_PKTINFO"),
    (11, "IP_RECVERR"),
    (20, "IP_ORIGDSTADDR"),
    (23, "IP_CHECKSUM"),
    (3, "SCM_SECURITY"),
];

/// The type, then `, cmsg_data=...` for the types strace decodes when their data is
/// long enough.
fn write_type_data(
    out: &mut String,
    level: u32,
    kind: u32,
    data: &[u8],
    owner: Owner,
    opts: &DecodeOptions,
) {
    match level {
        SOL_SOCKET => write_enum(out, kind as u64, SCM_TYPES, "SCM_???"),
        SOL_IP => write_enum(out, kind as u64, IP_TYPES, "IP_???"),
        _ => return super::write_hex(out, kind as u64),
    }
    let mut d = String::new();
    if write_data(&mut d, level, kind, data, owner, opts).is_some() {
        let _ = write!(out, ", cmsg_data={d}");
    }
}

fn write_data(
    d: &mut String,
    level: u32,
    kind: u32,
    data: &[u8],
    owner: Owner,
    opts: &DecodeOptions,
) -> Option<()> {
    let b = Bytes(data);
    match (level, kind) {
        // SCM_RIGHTS: descriptors, named as strace's `printfd` names them.
        (SOL_SOCKET, 1) if data.len() >= 4 => write_ints(d, data, opts, |fd| {
            let mut s = String::new();
            super::write_plain_fd(&mut s, owner.pid, fd, owner.fds);
            s
        }),
        // SCM_CREDENTIALS: struct ucred.
        (SOL_SOCKET, 2) if data.len() >= 12 => {
            let _ = write!(
                d,
                "{{pid={}, uid={}, gid={}}}",
                b.i32(0)?,
                b.u32(4)?,
                b.u32(8)?
            );
            Some(())
        }
        // SCM_SECURITY, which strace's SOL_IP table has too.
        (SOL_SOCKET | SOL_IP, 3) if !data.is_empty() => {
            quote(d, data, opts.hex, false);
            Some(())
        }
        // Time stamps: a timeval, a timespec, three timespecs (the old and the new,
        // 64-bit time, forms are alike on 64-bit).
        // (Shorter than their struct: strace's `???`.)
        (SOL_SOCKET, 29 | 35 | 63 | 64) if !data.is_empty() && data.len() < 16 => {
            d.push_str("???");
            Some(())
        }
        (SOL_SOCKET, 37 | 65) if !data.is_empty() && data.len() < 48 => {
            d.push_str("???");
            Some(())
        }
        (SOL_SOCKET, 29 | 63) => time(d, &b, 0, "tv_usec"),
        (SOL_SOCKET, 35 | 64) => time(d, &b, 0, "tv_nsec"),
        (SOL_SOCKET, 37 | 65) if !data.is_empty() => {
            d.push('[');
            for n in 0..3 {
                if n > 0 {
                    d.push_str(", ");
                }
                time(d, &b, 16 * n, "tv_nsec")?;
            }
            d.push(']');
            Some(())
        }
        // IP_TOS, IP_RECVOPTS, IP_RETOPTS: bytes in hex.
        (SOL_IP, 1 | 6 | 7) if !data.is_empty() => {
            d.push('[');
            for (n, byte) in data.iter().enumerate() {
                if n > 0 {
                    d.push_str(", ");
                }
                if n >= array_limit(opts) {
                    d.push_str("...");
                    break;
                }
                super::write_hex(d, *byte as u64);
            }
            d.push(']');
            Some(())
        }
        // IP_TTL, IP_CHECKSUM: unsigned ints.
        (SOL_IP, 2 | 23) if data.len() >= 4 => {
            write_ints(d, data, opts, |v| (v as u32).to_string())
        }
        (SOL_IP, 8) if data.len() >= 12 => write_pktinfo(d, &b),
        (SOL_IP, 11) if data.len() >= 32 => write_recverr(d, &b, data, opts),
        (SOL_IP, 20) if data.len() >= 16 => {
            structs::write_sockaddr(d, &data[..data.len().min(128)], opts)
        }
        _ => None,
    }
}

/// How many elements of an array strace's `print_array` shows: `-s` of them, unless
/// the call is not abbreviated (`-v`).
fn array_limit(opts: &DecodeOptions) -> usize {
    if opts.abbreviate {
        opts.string_limit
    } else {
        usize::MAX
    }
}

/// `[3, 7]`: the whole `int`s in `data` (`-s` of them, then `...`, when abbreviated).
fn write_ints(
    out: &mut String,
    data: &[u8],
    opts: &DecodeOptions,
    show: impl Fn(i32) -> String,
) -> Option<()> {
    let mut items: Vec<String> = data
        .chunks_exact(4)
        .take(array_limit(opts).saturating_add(1))
        .map(|c| show(i32::from_le_bytes(c.try_into().expect("4 bytes"))))
        .collect();
    if items.len() > array_limit(opts) {
        items.truncate(array_limit(opts));
        items.push("...".into());
    }
    let _ = write!(out, "[{}]", items.join(", "));
    Some(())
}

fn time(out: &mut String, b: &Bytes, off: usize, frac: &str) -> Option<()> {
    let _ = write!(
        out,
        "{{tv_sec={}, {frac}={}}}",
        b.i64(off)?,
        b.i64(off + 8)?
    );
    Some(())
}

/// `struct in_pktinfo`: `{ipi_ifindex=if_nametoindex("lo"), ipi_spec_dst=...,
/// ipi_addr=...}`.
fn write_pktinfo(out: &mut String, b: &Bytes) -> Option<()> {
    let addr = |off: usize| -> Option<Ipv4Addr> {
        Some(Ipv4Addr::from(
            <[u8; 4]>::try_from(b.0.get(off..off + 4)?).ok()?,
        ))
    };
    out.push_str("{ipi_ifindex=");
    write_ifindex(out, b.u32(0)?);
    let _ = write!(
        out,
        ", ipi_spec_dst=inet_addr(\"{}\"), ipi_addr=inet_addr(\"{}\")}}",
        addr(4)?,
        addr(8)?
    );
    Some(())
}

/// An interface index as strace shows it: `if_nametoindex("lo")` when this machine has
/// an interface of that index, the number otherwise.
pub(crate) fn write_ifindex(out: &mut String, index: u32) {
    let mut name = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: `name` has the IF_NAMESIZE bytes the function may write.
    let found = unsafe { !libc::if_indextoname(index, name.as_mut_ptr()).is_null() };
    if found {
        let len = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        let bytes: Vec<u8> = name[..len].iter().map(|&c| c as u8).collect();
        out.push_str("if_nametoindex(");
        quote(out, &bytes, HexMode::None, false);
        out.push(')');
    } else {
        let _ = write!(out, "{index}");
    }
}

/// `struct sock_extended_err` and the offender's address after it.
fn write_recverr(out: &mut String, b: &Bytes, data: &[u8], opts: &DecodeOptions) -> Option<()> {
    let _ = write!(
        out,
        "{{ee_errno={}, ee_origin={}, ee_type={}, ee_code={}, ee_info={}, ee_data={}, \
         offender=",
        b.u32(0)?,
        data[4],
        data[5],
        data[6],
        b.u32(8)?,
        b.u32(12)?
    );
    structs::write_sockaddr(out, &data[16..32], opts)?;
    out.push('}');
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_OWNER: Owner = Owner { pid: 0, fds: None };

    fn cmsg(level: u32, kind: u32, payload: &[u8]) -> Vec<u8> {
        let mut c = ((16 + payload.len()) as u64).to_le_bytes().to_vec();
        c.extend_from_slice(&level.to_le_bytes());
        c.extend_from_slice(&kind.to_le_bytes());
        c.extend_from_slice(payload);
        c.resize(c.len().next_multiple_of(8), 0);
        c
    }

    fn decode(data: &[u8]) -> Option<String> {
        let mut s = String::new();
        write_cmsgs(
            &mut s,
            data,
            data.len() as u64,
            0x1000,
            NO_OWNER,
            &DecodeOptions::default(),
        )
        .map(|_| s)
    }

    fn words(v: &[u32]) -> Vec<u8> {
        v.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn passed_descriptors_and_credentials() {
        let data = [cmsg(1, 1, &words(&[3, 7])), cmsg(1, 2, &words(&[42, 0, 0]))].concat();
        assert_eq!(
            decode(&data).unwrap(),
            "[{cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3, 7]}, \
             {cmsg_len=28, cmsg_level=SOL_SOCKET, cmsg_type=SCM_CREDENTIALS, \
             cmsg_data={pid=42, uid=0, gid=0}}]"
        );
        assert_eq!(decode(&[0; 8]), None, "shorter than a header");
    }

    /// What strace 6.1 prints for a UDP socket with IP_PKTINFO, IP_RECVTTL, IP_RECVTOS
    /// and SO_TIMESTAMP on (as its tests' msg_control.c and a recvmsg on `lo` show).
    #[test]
    fn time_stamps_and_ip_level_data() {
        let tv = [1_796_537_557u64.to_le_bytes(), 858_731u64.to_le_bytes()].concat();
        let lo = [127, 0, 0, 1];
        let pktinfo = [&1u32.to_le_bytes()[..], &lo, &lo].concat();
        let data = [
            cmsg(1, 29, &tv),
            cmsg(0, 8, &pktinfo),
            cmsg(0, 2, &64u32.to_le_bytes()),
            cmsg(0, 1, &[0x10]),
        ]
        .concat();
        let mut want = String::from(
            "[{cmsg_len=32, cmsg_level=SOL_SOCKET, cmsg_type=SO_TIMESTAMP_OLD, \
             cmsg_data={tv_sec=1796537557, tv_usec=858731}}, \
             {cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=",
        );
        write_ifindex(&mut want, 1);
        want.push_str(
            ", ipi_spec_dst=inet_addr(\"127.0.0.1\"), ipi_addr=inet_addr(\"127.0.0.1\")}}, \
             {cmsg_len=20, cmsg_level=SOL_IP, cmsg_type=IP_TTL, cmsg_data=[64]}, \
             {cmsg_len=17, cmsg_level=SOL_IP, cmsg_type=IP_TOS, cmsg_data=[0x10]}]",
        );
        assert_eq!(decode(&data).unwrap(), want);
        let ns = [5u64.to_le_bytes(), 6u64.to_le_bytes()].concat();
        assert_eq!(
            decode(&cmsg(1, 35, &ns)).unwrap(),
            "[{cmsg_len=32, cmsg_level=SOL_SOCKET, cmsg_type=SO_TIMESTAMPNS_OLD, \
             cmsg_data={tv_sec=5, tv_nsec=6}}]"
        );
    }

    #[test]
    fn other_levels_show_their_header() {
        let data = [cmsg(41, 0x32, &[0; 20]), cmsg(41, 0x34, &[0; 4])].concat();
        assert_eq!(
            decode(&data).unwrap(),
            "[{cmsg_len=36, cmsg_level=SOL_IPV6, cmsg_type=0x32}, \
             {cmsg_len=20, cmsg_level=SOL_IPV6, cmsg_type=0x34}]"
        );
        // A type strace knows without data it decodes.
        assert_eq!(
            decode(&cmsg(0, 6, &[])).unwrap(),
            "[{cmsg_len=16, cmsg_level=SOL_IP, cmsg_type=IP_RECVOPTS}]"
        );
    }

    /// msg_control.c's cases: a header with a length too short for itself ends the
    /// walk, bytes too few for another header show where they are, descriptors past
    /// `-s` are `...` unless the call is verbose.
    #[test]
    fn walks_and_limits_as_strace() {
        let mut short = cmsg(1, 1, &[]);
        short[0] = 3;
        assert_eq!(
            decode(&short).unwrap(),
            "[{cmsg_len=3, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS}]"
        );
        let tail = [cmsg(1, 1, &words(&[5])), vec![0; 8]].concat();
        assert_eq!(
            decode(&tail).unwrap(),
            "[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[5]}, \
             ... /* 0x1018 */]"
        );
        let many = cmsg(1, 1, &words(&[9; 33]));
        let got = decode(&many).unwrap();
        assert!(
            got.ends_with(&format!("{}, ...]}}]", "9, ".repeat(31) + "9")),
            "{got}"
        );
        let verbose = DecodeOptions {
            abbreviate: false,
            ..DecodeOptions::default()
        };
        let mut all = String::new();
        write_cmsgs(&mut all, &many, many.len() as u64, 0, NO_OWNER, &verbose).unwrap();
        assert!(
            all.ends_with(&format!("{}]}}]", "9, ".repeat(32) + "9")),
            "{all}"
        );
    }
}
