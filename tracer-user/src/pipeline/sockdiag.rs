//! `-yy`'s UNIX sockets as strace reads them: one `NETLINK_SOCK_DIAG` request by inode
//! (`unix_diag`), for the peer's inode and the bound address, which `/proc/net/unix`
//! does not show. The ptrace backend asks while the tracee is stopped at the call.

use std::{
    io,
    mem::size_of,
    os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd},
};

use tracer_common::UNIX_PATH_BYTES;

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
}
