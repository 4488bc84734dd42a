//! `-yy`'s socket details, read by the ptrace backend while the tracee is stopped at
//! the call: a UNIX socket's peer and address as strace reads them (one
//! `NETLINK_SOCK_DIAG` request by inode, `unix_diag`: `/proc/net/unix` has no peer), an
//! internet socket's endpoints from the socket itself (a copy of the tracee's
//! descriptor, `pidfd_getfd`: `/proc/net/tcp` lists no socket that is only bound).

use std::{
    io,
    mem::size_of,
    os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd},
};

use tracer_common::UNIX_PATH_BYTES;

use super::procfs::InetSocket;

const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const UDIAG_SHOW_NAME: u32 = 1;
const UDIAG_SHOW_PEER: u32 = 4;
const UNIX_DIAG_NAME: u16 = 0;
const UNIX_DIAG_PEER: u16 = 2;
/// `struct nlmsghdr`, `struct unix_diag_msg`.
const NLMSG_HDR: usize = 16;
const UNIX_DIAG_MSG: usize = 16;

/// A UNIX socket's peer inode (0: none) and `sun_path` bytes (empty: unbound).
pub struct UnixSocket {
    pub peer: u32,
    pub path: Vec<u8>,
}

/// What `unix_diag` says of socket `inode` (in the tracer's network namespace).
pub fn unix(inode: u64) -> Option<UnixSocket> {
    let inode = u32::try_from(inode).ok()?;
    let reply = query(inode).ok()?;
    parse(&reply, inode)
}

fn query(inode: u32) -> io::Result<Vec<u8>> {
    // SAFETY: plain socket calls on a descriptor this function owns; the buffers are
    // local and their lengths passed.
    unsafe {
        let fd = libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            libc::NETLINK_SOCK_DIAG,
        );
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let fd = OwnedFd::from_raw_fd(fd);
        let request = request(inode);
        let mut to: libc::sockaddr_nl = std::mem::zeroed();
        to.nl_family = libc::AF_NETLINK as u16;
        let sent = libc::sendto(
            fd.as_raw_fd(),
            request.as_ptr().cast(),
            request.len(),
            0,
            (&raw const to).cast(),
            size_of::<libc::sockaddr_nl>() as u32,
        );
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut reply = vec![0u8; 8192];
        let n = libc::recv(fd.as_raw_fd(), reply.as_mut_ptr().cast(), reply.len(), 0);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        reply.truncate(n as usize);
        Ok(reply)
    }
}

/// A `nlmsghdr` and a `struct unix_diag_req` for one inode, any state, no cookie.
fn request(inode: u32) -> Vec<u8> {
    let mut r = Vec::with_capacity(NLMSG_HDR + 24);
    r.extend_from_slice(&((NLMSG_HDR + 24) as u32).to_ne_bytes());
    r.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    r.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    r.extend_from_slice(&1u32.to_ne_bytes()); // sequence
    r.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel's
    r.extend_from_slice(&[libc::AF_UNIX as u8, 0, 0, 0]); // family, protocol, pad
    r.extend_from_slice(&u32::MAX.to_ne_bytes()); // states
    r.extend_from_slice(&inode.to_ne_bytes());
    r.extend_from_slice(&(UDIAG_SHOW_NAME | UDIAG_SHOW_PEER).to_ne_bytes());
    r.extend_from_slice(&[0xff; 8]); // INET_DIAG_NOCOOKIE
    r
}

/// The reply's attributes, for the message that describes `inode`.
fn parse(reply: &[u8], inode: u32) -> Option<UnixSocket> {
    let u16_at =
        |b: &[u8], at: usize| Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?));
    let u32_at =
        |b: &[u8], at: usize| Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?));
    let len = u32_at(reply, 0)? as usize;
    let msg = reply.get(..len)?;
    if u16_at(msg, 4)? == NLMSG_ERROR || u32_at(msg, NLMSG_HDR + 4)? != inode {
        return None;
    }
    let mut socket = UnixSocket {
        peer: 0,
        path: Vec::new(),
    };
    let mut at = NLMSG_HDR + UNIX_DIAG_MSG;
    while at + 4 <= msg.len() {
        let (attr_len, kind) = (u16_at(msg, at)? as usize, u16_at(msg, at + 2)?);
        let data = msg.get(at + 4..at + attr_len.max(4))?;
        match kind {
            UNIX_DIAG_NAME => socket.path = data[..data.len().min(UNIX_PATH_BYTES)].to_vec(),
            UNIX_DIAG_PEER => socket.peer = u32_at(data, 0)?,
            _ => {}
        }
        at += attr_len.max(4).next_multiple_of(4);
    }
    Some(socket)
}

/// The endpoints of internet socket `fd` of process `tgid`: local and remote address
/// (network order) and port, as the kernel programs read them from `struct sock`;
/// `None` for another family, or where `pidfd_getfd` is refused (before 5.6).
pub fn inet(tgid: u32, fd: i32) -> Option<InetSocket> {
    use nix::sys::socket::{SockaddrLike as _, SockaddrStorage, getpeername, getsockname};
    // SAFETY: plain syscalls; each descriptor returned is owned at once.
    let own = |fd: libc::c_long| (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as i32) });
    let pidfd = own(unsafe { libc::syscall(libc::SYS_pidfd_open, tgid, 0) })?;
    let copy = own(unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0) })?;
    let endpoint = |addr: Option<SockaddrStorage>| -> Option<([u8; 16], u16)> {
        let addr = addr?;
        let mut bytes = [0u8; 16];
        if let Some(v4) = addr.as_sockaddr_in() {
            bytes[..4].copy_from_slice(&v4.ip().octets());
            return Some((bytes, v4.port()));
        }
        let v6 = addr.as_sockaddr_in6()?;
        Some((v6.ip().octets(), v6.port()))
    };
    let local = getsockname::<SockaddrStorage>(copy.as_raw_fd()).ok()?;
    let family = local.family()? as i32 as u16;
    let local = endpoint(Some(local))?;
    // Not connected: no remote end (zeros, as the kernel keeps them).
    let remote =
        endpoint(getpeername::<SockaddrStorage>(copy.as_raw_fd()).ok()).unwrap_or(([0; 16], 0));
    Some(InetSocket {
        proto: "",
        family,
        local,
        remote,
    })
}

#[cfg(test)]
mod tests {
    use std::os::unix::{fs::MetadataExt as _, net::UnixStream};
    use std::os::{linux::net::SocketAddrExt as _, unix::net::SocketAddr};

    use super::*;

    fn inode(s: &impl std::os::fd::AsRawFd) -> u64 {
        std::fs::metadata(format!("/proc/self/fd/{}", s.as_raw_fd()))
            .unwrap()
            .ino()
    }

    #[test]
    fn a_pair_names_its_peer_and_a_bound_socket_its_address() {
        let (a, b) = UnixStream::pair().unwrap();
        let seen = unix(inode(&a)).expect("unix_diag answers");
        assert_eq!(seen.peer as u64, inode(&b));
        assert!(seen.path.is_empty());

        let name = format!("tracer-sockdiag-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let listener = std::os::unix::net::UnixListener::bind_addr(&addr).unwrap();
        let seen = unix(inode(&listener)).expect("unix_diag answers");
        assert_eq!(seen.peer, 0);
        assert_eq!(seen.path, [b"\0", name.as_bytes()].concat());
        assert!(unix(u32::MAX as u64 - 7).is_none());
    }

    #[test]
    fn an_internet_socket_shows_its_bound_and_connected_ends() {
        use std::os::fd::AsRawFd as _;
        let me = std::process::id();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = inet(me, listener.as_raw_fd()).expect("pidfd_getfd works here");
        assert_eq!((seen.family, seen.local.1, seen.remote.1), (2, port, 0));
        assert_eq!(seen.local.0[..4], [127, 0, 0, 1]);
        let client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let seen = inet(me, client.as_raw_fd()).unwrap();
        assert_eq!(seen.remote.1, port);
        assert_eq!(
            seen.describe("TCP", 1),
            format!("TCP:[127.0.0.1:{}->127.0.0.1:{port}]", seen.local.1)
        );
        let (a, _) = UnixStream::pair().unwrap();
        assert!(inet(me, a.as_raw_fd()).is_none(), "not an internet socket");
    }
}
