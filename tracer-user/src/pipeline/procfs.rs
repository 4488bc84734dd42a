//! What `/proc` says about a process's descriptors and sockets: the `-y` names of
//! descriptors the trace did not see opened, and `-yy`'s socket endpoints.

use std::{
    fs,
    net::{Ipv4Addr, Ipv6Addr},
};

/// One descriptor as the fd table keeps it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub cloexec: bool,
    /// Socket inode, to look its endpoints up again after connect/bind.
    pub socket: Option<u64>,
    /// Which file the descriptor was seen to refer to (at a call, `FdFacts`, or in
    /// `/proc`): a later call's facts that differ mean the descriptor was reused by
    /// calls the trace did not see.
    pub id: Option<FileId>,
}

/// A file (a pipe, a socket...) as its inode and its filesystem's device tell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    pub ino: u64,
    /// The kernel's encoding ([`kernel_dev`]); 0: unknown.
    pub dev: u32,
}

impl FileId {
    pub fn of(facts: &tracer_common::FdFacts) -> Self {
        Self {
            ino: facts.ino,
            dev: facts.dev,
        }
    }

    /// Whether both name one file (a device one side does not know is no difference).
    pub fn same(self, other: Self) -> bool {
        self.ino == other.ino && (self.dev == other.dev || self.dev == 0 || other.dev == 0)
    }
}

/// A device number as `stat` gives it (glibc's encoding) in the kernel's own (`MKDEV`:
/// major << 20 | minor), as the kernel programs read it.
pub fn kernel_dev(dev: u64) -> u32 {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    ((major << 20) | minor) as u32
}

/// The device (the kernel's encoding) of pidfs, the filesystem of pidfds since Linux
/// 6.9 (its inodes have no type bits, nor a name the kernel programs read), which
/// `/proc` names `anon_inode:[pidfd]` as it named them when they were anonymous
/// inodes; `None` where they still are.
pub fn pidfs_dev() -> Option<u32> {
    use std::os::{fd::FromRawFd, unix::fs::MetadataExt};
    static DEV: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    *DEV.get_or_init(|| {
        // SAFETY: a plain syscall; a descriptor it returns is ours to own.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, std::process::id(), 0) };
        let fd = i32::try_from(fd).ok().filter(|&fd| fd >= 0)?;
        // SAFETY: `fd` was just opened and nothing else owns it.
        let file = unsafe { fs::File::from_raw_fd(fd) };
        const PIDFS_MAGIC: i64 = 0x5049_4446;
        // SAFETY: `statfs` is plain data, filled by the call.
        let mut fs_info: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: an open descriptor and a buffer of the right type.
        if unsafe { libc::fstatfs(fd, &mut fs_info) } != 0 || fs_info.f_type as i64 != PIDFS_MAGIC {
            return None;
        }
        Some(kernel_dev(file.metadata().ok()?.dev()))
    })
}

/// The close-on-exec flag in `open`'s and every `*_CLOEXEC` flag set (`SOCK_CLOEXEC`,
/// `EFD_CLOEXEC`...: the same bit).
pub const O_CLOEXEC: u64 = 0o2000000;

pub fn read_link(path: &str) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    fs::read_link(path)
        .ok()
        .map(|p| path_string(p.as_os_str().as_bytes()))
}

/// First of the private-use characters a path's bytes that are no UTF-8 are kept as.
const RAW_BYTE_BASE: u32 = 0x10_ff00;

/// A path's bytes as the fd table keeps names, as text: a byte that is no UTF-8 as a
/// private-use character (U+10FF80-U+10FFFF), so the path prints with its own bytes
/// (`decode::strings::path_bytes`).
pub fn path_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            out.push(char::from_u32(RAW_BYTE_BASE + u32::from(b)).expect("a private-use char"));
        }
    }
    out
}

/// A name [`path_string`] made, as the path it is.
pub fn path_bytes_os(name: &str) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStringExt;
    std::ffi::OsString::from_vec(path_bytes(name))
}

/// The bytes of a name [`path_string`] made.
pub fn path_bytes(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    for c in name.chars() {
        match u32::from(c).checked_sub(RAW_BYTE_BASE) {
            Some(b @ 0x80..=0xff) => out.push(b as u8),
            _ => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out
}

/// What `/proc/PID/fd/FD` names now, with its close-on-exec flag.
pub fn from_proc(pid: u32, fd: i32, detail: bool) -> Option<Entry> {
    let name = read_link(&format!("/proc/{pid}/fd/{fd}"))?;
    let socket = name
        .strip_prefix("socket:[")
        .and_then(|s| s.strip_suffix(']'))
        .and_then(|s| s.parse().ok());
    let cloexec = fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}"))
        .ok()
        .and_then(|info| {
            let flags = info.lines().find_map(|l| l.strip_prefix("flags:"))?;
            u64::from_str_radix(flags.trim(), 8).ok()
        })
        .is_some_and(|flags| flags & O_CLOEXEC != 0);
    // Which file it is, to tell a reused descriptor by: its inode. (Not `stat`'s
    // device, which is not always the superblock's the kernel programs read: a btrfs
    // subvolume's, an overlay's lower layer's.)
    let id = {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(format!("/proc/{pid}/fd/{fd}"))
            .ok()
            .map(|m| FileId {
                ino: m.ino(),
                dev: 0,
            })
    };
    // A file whose own name ends in " (deleted)", still there: marked as the ptrace
    // backend marks it (`decode::DELETED_SUFFIX`).
    let mut name = name;
    if name.ends_with(crate::decode::DELETED_SUFFIX)
        && let Some(id) = id
        && fs::symlink_metadata(path_bytes_os(&name)).is_ok_and(|m| {
            use std::os::unix::fs::MetadataExt;
            m.ino() == id.ino
        })
    {
        name.push('\0');
    }
    let name = match socket.filter(|_| detail) {
        Some(inode) => socket_details(pid, inode).unwrap_or(name),
        None if detail => with_device(name),
        None => name,
    };
    Some(Entry {
        name,
        cloexec,
        socket,
        id,
    })
}

/// strace's `-yy` text for a path: a device's numbers follow it
/// (`/dev/null<char 1:3>`, `/dev/sda<block 8:0>`); any other path is left as it is.
pub fn with_device(path: String) -> String {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Some(meta) = path
        .starts_with('/')
        .then(|| fs::metadata(&path).ok())
        .flatten()
    else {
        return path;
    };
    let kind = match meta.file_type() {
        t if t.is_char_device() => "char",
        t if t.is_block_device() => "block",
        _ => return path,
    };
    let dev = meta.rdev();
    // glibc's gnu_dev_major/gnu_dev_minor.
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    format!("{path}<{kind} {major}:{minor}>")
}

/// A name [`with_device`] made, without its device numbers; `None` for any other name.
pub fn strip_device(name: &str) -> Option<&str> {
    let (path, dev) = name.strip_suffix('>')?.rsplit_once('<')?;
    let (kind, numbers) = dev.split_once(' ')?;
    let (major, minor) = numbers.split_once(':')?;
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (matches!(kind, "char" | "block") && numeric(major) && numeric(minor)).then_some(path)
}

/// The device nodes under `/dev` (a few levels: `/dev/pts/0`, `/dev/input/event0`), by
/// device number in the kernel's encoding (major << 20 | minor) and inode: a device
/// descriptor's path when nothing else names it (the kernel programs read the numbers
/// at the call, not the path).
pub fn device_nodes() -> std::collections::HashMap<(u32, u64), String> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let mut nodes = std::collections::HashMap::new();
    let mut dirs = vec![(std::path::PathBuf::from("/dev"), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            let kind = meta.file_type();
            if kind.is_dir() && depth < 2 {
                dirs.push((entry.path(), depth + 1));
            } else if kind.is_char_device() || kind.is_block_device() {
                let key = (kernel_dev(meta.rdev()), meta.ino());
                nodes
                    .entry(key)
                    .or_insert_with(|| entry.path().to_string_lossy().into_owned());
            }
        }
    }
    nodes
}

/// An internet socket: its protocol as `/proc` files it (`TCP`, `UDPv6`; empty when
/// only the kernel's facts describe it), family (`AF_INET`, `AF_INET6`), local and
/// remote addresses (network order, 4 or 16 bytes) and ports.
pub struct InetSocket {
    pub proto: &'static str,
    pub family: u16,
    pub local: ([u8; 16], u16),
    pub remote: ([u8; 16], u16),
}

impl InetSocket {
    /// strace's `-yy` text, under protocol `proto`: `TCP:[127.0.0.1:5432->127.0.0.1:40000]`
    /// connected, `TCP:[127.0.0.1:5432]` bound, `TCP:[INODE]` with no local port (not
    /// in the kernel's tables: unbound, or closed by a reset).
    pub fn describe(&self, proto: &str, inode: u64) -> String {
        let endpoint = |(bytes, port): &([u8; 16], u16)| -> String {
            if self.family == 2 {
                let v4 = Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]);
                return format!("{v4}:{port}");
            }
            match Ipv6Addr::from(*bytes).to_ipv4_mapped() {
                Some(v4) => format!("{v4}:{port}"),
                None => format!("[{}]:{port}", Ipv6Addr::from(*bytes)),
            }
        };
        match (self.local.1, self.remote.1) {
            (0, _) => format!("{proto}:[{inode}]"),
            (_, 0) => format!("{proto}:[{}]", endpoint(&self.local)),
            _ => format!(
                "{proto}:[{}->{}]",
                endpoint(&self.local),
                endpoint(&self.remote)
            ),
        }
    }
}

/// Process `pid`'s internet socket `inode`, as `/proc/PID/net/{tcp,udp}{,6}` list it
/// (bound or connected ones only).
pub fn inet_socket(pid: u32, inode: u64) -> Option<InetSocket> {
    for (file, proto, family) in [
        ("tcp", "TCP", 2),
        ("tcp6", "TCPv6", 10),
        ("udp", "UDP", 2),
        ("udp6", "UDPv6", 10),
    ] {
        let Ok(table) = fs::read_to_string(format!("/proc/{pid}/net/{file}")) else {
            continue;
        };
        for line in table.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 10 || f[9].parse() != Ok(inode) {
                continue;
            }
            return Some(InetSocket {
                proto,
                family,
                local: inet_address(f[1])?,
                remote: inet_address(f[2])?,
            });
        }
    }
    None
}

/// `0100007F:1538` (address words in host order, port in hex): the address's bytes in
/// network order and the port.
fn inet_address(field: &str) -> Option<([u8; 16], u16)> {
    let (addr, port) = field.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let mut bytes = [0u8; 16];
    for (i, word) in addr.as_bytes().chunks(8).enumerate().take(4) {
        let word = u32::from_str_radix(std::str::from_utf8(word).ok()?, 16).ok()?;
        bytes[4 * i..4 * i + 4].copy_from_slice(&word.to_ne_bytes());
    }
    Some((bytes, port))
}

/// strace's `-yy` socket text from `/proc`: `TCP:[127.0.0.1:5432->127.0.0.1:40000]`,
/// `UDPv6:[[::1]:53]`, `UNIX:[12345,"/run/x.sock"]`.
pub fn socket_details(pid: u32, inode: u64) -> Option<String> {
    if let Some(socket) = inet_socket(pid, inode) {
        return Some(socket.describe(socket.proto, inode));
    }
    let unix = fs::read_to_string(format!("/proc/{pid}/net/unix")).ok()?;
    let found = unix.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        (f.len() >= 7 && f[6].parse() == Ok(inode)).then(|| match f.get(7) {
            Some(path) => format!("UNIX:[{inode},\"{path}\"]"),
            None => format!("UNIX:[{inode}]"),
        })
    });
    found.or_else(|| netlink_details(pid, inode))
}

/// A bound netlink socket's protocol, by its inode (`/proc/PID/net/netlink`: protocol
/// second, inode last).
pub fn netlink_protocol(pid: u32, inode: u64) -> Option<u16> {
    let table = fs::read_to_string(format!("/proc/{pid}/net/netlink")).ok()?;
    table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        (f.len() >= 10 && f[f.len() - 1].parse() == Ok(inode))
            .then(|| f[1].parse().ok())
            .flatten()
    })
}

/// strace's `-yy` text for a bound netlink socket: `NETLINK:[ROUTE:1234]`, its protocol
/// and port id (`/proc/PID/net/netlink`: protocol second, port id third, inode last; an
/// unbound socket is not listed).
fn netlink_details(pid: u32, inode: u64) -> Option<String> {
    let table = fs::read_to_string(format!("/proc/{pid}/net/netlink")).ok()?;
    table.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 || f[f.len() - 1].parse() != Ok(inode) {
            return None;
        }
        let proto: u64 = f[1].parse().ok()?;
        let port: u32 = f[2].parse().ok()?;
        Some(
            match crate::decode::flags::lookup(crate::decode::flags::NETLINK_PROTOCOLS, proto) {
                Some(name) => {
                    let name = name.strip_prefix("NETLINK_").unwrap_or(name);
                    format!("NETLINK:[{name}:{port}]")
                }
                None => format!("NETLINK:[{proto}]"),
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_carry_their_numbers() {
        assert_eq!(with_device("/dev/null".into()), "/dev/null<char 1:3>");
        assert_eq!(with_device("/etc/hostname".into()), "/etc/hostname");
        assert_eq!(with_device("pipe:[12]".into()), "pipe:[12]");
        assert_eq!(strip_device("/dev/null<char 1:3>"), Some("/dev/null"));
        assert_eq!(strip_device("/dev/sda<block 8:0>"), Some("/dev/sda"));
        assert_eq!(strip_device("/tmp/a<b>"), None);
        assert_eq!(strip_device("/etc/hostname"), None);
    }

    #[test]
    fn a_bound_netlink_socket_shows_its_protocol_and_port() {
        use std::os::fd::{AsRawFd, FromRawFd};
        // SAFETY: plain socket calls on a descriptor this test owns.
        let fd = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW, 4) };
        assert!(fd >= 0);
        // SAFETY: as above; the descriptor is owned and closed here.
        let owned = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
        let me = std::process::id();
        let inode = |fd: i32| {
            let link = read_link(&format!("/proc/{me}/fd/{fd}")).unwrap();
            link["socket:[".len()..link.len() - 1]
                .parse::<u64>()
                .unwrap()
        };
        let ino = inode(owned.as_raw_fd());
        assert_eq!(socket_details(me, ino), None, "unbound: not listed");
        // SAFETY: a zeroed sockaddr_nl asks the kernel for a port id.
        let bound = unsafe {
            let mut sa: libc::sockaddr_nl = std::mem::zeroed();
            sa.nl_family = libc::AF_NETLINK as u16;
            let len = std::mem::size_of::<libc::sockaddr_nl>() as u32;
            libc::bind(fd, (&raw const sa).cast(), len)
        };
        assert_eq!(bound, 0);
        let details = socket_details(me, ino).unwrap();
        assert!(details.starts_with("NETLINK:[SOCK_DIAG:"), "{details}");
    }

    #[test]
    fn proc_net_endpoints() {
        let socket = |family, local, remote| InetSocket {
            proto: "TCP",
            family,
            local: inet_address(local).unwrap(),
            remote: inet_address(remote).unwrap(),
        };
        let connected = socket(2, "0100007F:1538", "0100007F:9C40");
        assert_eq!(
            connected.describe("TCP", 7),
            "TCP:[127.0.0.1:5432->127.0.0.1:40000]"
        );
        let bound = socket(
            10,
            "00000000000000000000000001000000:0035",
            "00000000000000000000000000000000:0000",
        );
        assert_eq!(bound.describe("UDPv6", 7), "UDPv6:[[::1]:53]");
        let unbound = socket(2, "00000000:0000", "00000000:0000");
        assert_eq!(unbound.describe("TCP", 7), "TCP:[7]");
    }

    /// fsync-y.c's directory: bytes that are no UTF-8 print as themselves.
    #[test]
    fn paths_keep_bytes_that_are_no_utf8() {
        let raw = b"/d/~\x7f\x80\xff\xc3\xa9>";
        let name = path_string(raw);
        assert!(name.ends_with("\u{e9}>"), "{name:?}");
        assert_eq!(path_bytes(&name), raw);
        let mut shown = String::new();
        crate::decode::write_fd_name(&mut shown, &name);
        assert_eq!(shown, "</d/~\\177\\200\\377\\303\\251\\76>");
    }
}
