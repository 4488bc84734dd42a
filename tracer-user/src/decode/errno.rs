//! errno names (strace's) and messages (glibc's `strerror`), and the return-value text.

use crate::syscalls::RetKind;

/// errno 1..=133: strace's name and glibc's message. 41 and 58 are unused on Linux.
static ERRNOS: [Option<(&str, &str)>; 133] = [
    Some(("EPERM", "Operation not permitted")),
    Some(("ENOENT", "No such file or directory")),
    Some(("ESRCH", "No such process")),
    Some(("EINTR", "Interrupted system call")),
    Some(("EIO", "Input/output error")),
    Some(("ENXIO", "No such device or address")),
    Some(("E2BIG", "Argument list too long")),
    Some(("ENOEXEC", "Exec format error")),
    Some(("EBADF", "Bad file descriptor")),
    Some(("ECHILD", "No child processes")),
    Some(("EAGAIN", "Resource temporarily unavailable")),
    Some(("ENOMEM", "Cannot allocate memory")),
    Some(("EACCES", "Permission denied")),
    Some(("EFAULT", "Bad address")),
    Some(("ENOTBLK", "Block device required")),
    Some(("EBUSY", "Device or resource busy")),
    Some(("EEXIST", "File exists")),
    Some(("EXDEV", "Invalid cross-device link")),
    Some(("ENODEV", "No such device")),
    Some(("ENOTDIR", "Not a directory")),
    Some(("EISDIR", "Is a directory")),
    Some(("EINVAL", "Invalid argument")),
    Some(("ENFILE", "Too many open files in system")),
    Some(("EMFILE", "Too many open files")),
    Some(("ENOTTY", "Inappropriate ioctl for device")),
    Some(("ETXTBSY", "Text file busy")),
    Some(("EFBIG", "File too large")),
    Some(("ENOSPC", "No space left on device")),
    Some(("ESPIPE", "Illegal seek")),
    Some(("EROFS", "Read-only file system")),
    Some(("EMLINK", "Too many links")),
    Some(("EPIPE", "Broken pipe")),
    Some(("EDOM", "Numerical argument out of domain")),
    Some(("ERANGE", "Numerical result out of range")),
    Some(("EDEADLK", "Resource deadlock avoided")),
    Some(("ENAMETOOLONG", "File name too long")),
    Some(("ENOLCK", "No locks available")),
    Some(("ENOSYS", "Function not implemented")),
    Some(("ENOTEMPTY", "Directory not empty")),
    Some(("ELOOP", "Too many levels of symbolic links")),
    None,
    Some(("ENOMSG", "No message of desired type")),
    Some(("EIDRM", "Identifier removed")),
    Some(("ECHRNG", "Channel number out of range")),
    Some(("EL2NSYNC", "Level 2 not synchronized")),
    Some(("EL3HLT", "Level 3 halted")),
    Some(("EL3RST", "Level 3 reset")),
    Some(("ELNRNG", "Link number out of range")),
    Some(("EUNATCH", "Protocol driver not attached")),
    Some(("ENOCSI", "No CSI structure available")),
    Some(("EL2HLT", "Level 2 halted")),
    Some(("EBADE", "Invalid exchange")),
    Some(("EBADR", "Invalid request descriptor")),
    Some(("EXFULL", "Exchange full")),
    Some(("ENOANO", "No anode")),
    Some(("EBADRQC", "Invalid request code")),
    Some(("EBADSLT", "Invalid slot")),
    None,
    Some(("EBFONT", "Bad font file format")),
    Some(("ENOSTR", "Device not a stream")),
    Some(("ENODATA", "No data available")),
    Some(("ETIME", "Timer expired")),
    Some(("ENOSR", "Out of streams resources")),
    Some(("ENONET", "Machine is not on the network")),
    Some(("ENOPKG", "Package not installed")),
    Some(("EREMOTE", "Object is remote")),
    Some(("ENOLINK", "Link has been severed")),
    Some(("EADV", "Advertise error")),
    Some(("ESRMNT", "Srmount error")),
    Some(("ECOMM", "Communication error on send")),
    Some(("EPROTO", "Protocol error")),
    Some(("EMULTIHOP", "Multihop attempted")),
    Some(("EDOTDOT", "RFS specific error")),
    Some(("EBADMSG", "Bad message")),
    Some(("EOVERFLOW", "Value too large for defined data type")),
    Some(("ENOTUNIQ", "Name not unique on network")),
    Some(("EBADFD", "File descriptor in bad state")),
    Some(("EREMCHG", "Remote address changed")),
    Some(("ELIBACC", "Can not access a needed shared library")),
    Some(("ELIBBAD", "Accessing a corrupted shared library")),
    Some(("ELIBSCN", ".lib section in a.out corrupted")),
    Some(("ELIBMAX", "Attempting to link in too many shared libraries")),
    Some(("ELIBEXEC", "Cannot exec a shared library directly")),
    Some((
        "EILSEQ",
        "Invalid or incomplete multibyte or wide character",
    )),
    Some(("ERESTART", "Interrupted system call should be restarted")),
    Some(("ESTRPIPE", "Streams pipe error")),
    Some(("EUSERS", "Too many users")),
    Some(("ENOTSOCK", "Socket operation on non-socket")),
    Some(("EDESTADDRREQ", "Destination address required")),
    Some(("EMSGSIZE", "Message too long")),
    Some(("EPROTOTYPE", "Protocol wrong type for socket")),
    Some(("ENOPROTOOPT", "Protocol not available")),
    Some(("EPROTONOSUPPORT", "Protocol not supported")),
    Some(("ESOCKTNOSUPPORT", "Socket type not supported")),
    Some(("EOPNOTSUPP", "Operation not supported")),
    Some(("EPFNOSUPPORT", "Protocol family not supported")),
    Some(("EAFNOSUPPORT", "Address family not supported by protocol")),
    Some(("EADDRINUSE", "Address already in use")),
    Some(("EADDRNOTAVAIL", "Cannot assign requested address")),
    Some(("ENETDOWN", "Network is down")),
    Some(("ENETUNREACH", "Network is unreachable")),
    Some(("ENETRESET", "Network dropped connection on reset")),
    Some(("ECONNABORTED", "Software caused connection abort")),
    Some(("ECONNRESET", "Connection reset by peer")),
    Some(("ENOBUFS", "No buffer space available")),
    Some(("EISCONN", "Transport endpoint is already connected")),
    Some(("ENOTCONN", "Transport endpoint is not connected")),
    Some(("ESHUTDOWN", "Cannot send after transport endpoint shutdown")),
    Some(("ETOOMANYREFS", "Too many references: cannot splice")),
    Some(("ETIMEDOUT", "Connection timed out")),
    Some(("ECONNREFUSED", "Connection refused")),
    Some(("EHOSTDOWN", "Host is down")),
    Some(("EHOSTUNREACH", "No route to host")),
    Some(("EALREADY", "Operation already in progress")),
    Some(("EINPROGRESS", "Operation now in progress")),
    Some(("ESTALE", "Stale file handle")),
    Some(("EUCLEAN", "Structure needs cleaning")),
    Some(("ENOTNAM", "Not a XENIX named type file")),
    Some(("ENAVAIL", "No XENIX semaphores available")),
    Some(("EISNAM", "Is a named type file")),
    Some(("EREMOTEIO", "Remote I/O error")),
    Some(("EDQUOT", "Disk quota exceeded")),
    Some(("ENOMEDIUM", "No medium found")),
    Some(("EMEDIUMTYPE", "Wrong medium type")),
    Some(("ECANCELED", "Operation canceled")),
    Some(("ENOKEY", "Required key not available")),
    Some(("EKEYEXPIRED", "Key has expired")),
    Some(("EKEYREVOKED", "Key has been revoked")),
    Some(("EKEYREJECTED", "Key was rejected by service")),
    Some(("EOWNERDEAD", "Owner died")),
    Some(("ENOTRECOVERABLE", "State not recoverable")),
    Some(("ERFKILL", "Operation not possible due to RF-kill")),
    Some(("EHWPOISON", "Memory page has hardware error")),
];

/// Kernel-internal codes 512..=530 that leak to tracers (restarts and the like).
static KERNEL_ERRNOS: [Option<&str>; 19] = [
    Some("ERESTARTSYS"),
    Some("ERESTARTNOINTR"),
    Some("ERESTARTNOHAND"),
    Some("ENOIOCTLCMD"),
    Some("ERESTART_RESTARTBLOCK"),
    Some("EPROBE_DEFER"),
    Some("EOPENSTALE"),
    None,
    None,
    Some("EBADHANDLE"),
    Some("ENOTSYNC"),
    Some("EBADCOOKIE"),
    Some("ENOTSUPP"),
    Some("ETOOSMALL"),
    Some("ESERVERFAULT"),
    Some("EBADTYPE"),
    Some("EJUKEBOX"),
    Some("EIOCBQUEUED"),
    Some("ERECALLCONFLICT"),
];

const ERESTARTSYS: i64 = 512;
const ERESTARTNOINTR: i64 = 513;
const ERESTARTNOHAND: i64 = 514;
const ERESTART_RESTARTBLOCK: i64 = 516;

/// strace's name for an errno value (`ENOENT`), including the kernel-internal ones.
pub fn errno_name(e: i32) -> Option<&'static str> {
    match e {
        1..=133 => ERRNOS[e as usize - 1].map(|(name, _)| name),
        512..=530 => KERNEL_ERRNOS[e as usize - 512],
        _ => None,
    }
}

/// glibc's `strerror` text, which is what strace prints in parentheses.
pub fn errno_message(e: i32) -> String {
    match e {
        1..=133 => ERRNOS[e as usize - 1].map(|(_, msg)| msg.to_owned()),
        _ => None,
    }
    .unwrap_or_else(|| format!("Unknown error {e}"))
}

/// The return value, as strace prints it after `= `. The kernel reports failure as
/// -4095..=-1; anything below is a value (e.g. a high `mmap` address).
pub fn write_return(out: &mut String, ret: Option<i64>, kind: RetKind) {
    use std::fmt::Write;
    let Some(ret) = ret.filter(|_| kind != RetKind::None) else {
        out.push('?');
        return;
    };
    let restart = match ret.wrapping_neg() {
        ERESTARTSYS => Some("ERESTARTSYS (To be restarted if SA_RESTART is set)"),
        ERESTARTNOINTR => Some("ERESTARTNOINTR (To be restarted)"),
        ERESTARTNOHAND => Some("ERESTARTNOHAND (To be restarted if no handler)"),
        ERESTART_RESTARTBLOCK => Some("ERESTART_RESTARTBLOCK (Interrupted by signal)"),
        _ => None,
    };
    if let Some(text) = restart {
        let _ = write!(out, "? {text}");
    } else if (-4095..0).contains(&ret) {
        let e = -ret as i32;
        let msg = errno_message(e);
        let _ = match errno_name(e) {
            Some(name) => write!(out, "-1 {name} ({msg})"),
            None => write!(out, "-1 ERRNO_{e} ({msg})"),
        };
    } else {
        let _ = match kind {
            RetKind::Hex => write!(out, "{:#x}", ret),
            RetKind::Oct => {
                super::flags::write_octal(out, ret as u64);
                Ok(())
            }
            // strace's default format (`RVAL_UDECIMAL`): a value outside the errno
            // range is unsigned (an injected `retval=0x8000000000000000`).
            _ => write!(out, "{}", ret as u64),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ret(r: Option<i64>, kind: RetKind) -> String {
        let mut s = String::new();
        write_return(&mut s, r, kind);
        s
    }

    #[test]
    fn every_errno_has_a_name_and_message() {
        for e in (1..=133).filter(|e| ![41, 58].contains(e)) {
            assert!(errno_name(e).is_some(), "{e}");
            assert!(!errno_message(e).starts_with("Unknown"), "{e}");
        }
        assert_eq!(errno_name(41), None);
        assert_eq!(errno_name(11), Some("EAGAIN"));
        assert_eq!(errno_name(133), Some("EHWPOISON"));
        assert_eq!(errno_name(524), Some("ENOTSUPP"));
    }

    #[test]
    fn returns() {
        assert_eq!(ret(Some(3), RetKind::Fd), "3");
        assert_eq!(
            ret(Some(-2), RetKind::Int),
            "-1 ENOENT (No such file or directory)"
        );
        assert_eq!(
            ret(Some(-13), RetKind::Hex),
            "-1 EACCES (Permission denied)"
        );
        assert_eq!(
            ret(Some(-41), RetKind::Int),
            "-1 ERRNO_41 (Unknown error 41)"
        );
        assert_eq!(
            ret(Some(-524), RetKind::Int),
            "-1 ENOTSUPP (Unknown error 524)"
        );
        assert_eq!(ret(Some(0x7f4e6c228000), RetKind::Hex), "0x7f4e6c228000");
        assert_eq!(ret(Some(0o22), RetKind::Oct), "022");
        assert_eq!(ret(Some(0), RetKind::Oct), "000");
        assert_eq!(ret(None, RetKind::Int), "?");
        assert_eq!(ret(Some(0), RetKind::None), "?");
        assert_eq!(
            ret(Some(-512), RetKind::Int),
            "? ERESTARTSYS (To be restarted if SA_RESTART is set)"
        );
        assert_eq!(
            ret(Some(-513), RetKind::Int),
            "? ERESTARTNOINTR (To be restarted)"
        );
        assert_eq!(
            ret(Some(-514), RetKind::Int),
            "? ERESTARTNOHAND (To be restarted if no handler)"
        );
        assert_eq!(
            ret(Some(-516), RetKind::Int),
            "? ERESTART_RESTARTBLOCK (Interrupted by signal)"
        );
    }
}
