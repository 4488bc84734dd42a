//! Namespace descriptors' requests (type 0xb7), as strace's `nsfs.c` prints them: the
//! owner's uid; the results (a new descriptor, the namespace's type) are `ret`'s.

use super::Shape;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE
        0xb701..=0xb703 => Shape::None,
        // NS_GET_OWNER_UID
        0xb704 => Shape::Out(|out, b, _| {
            match b.u32(0)? {
                u32::MAX => out.push_str("[-1]"),
                uid => {
                    use std::fmt::Write;
                    let _ = write!(out, "[{uid}]");
                }
            }
            Some(())
        }),
        _ => return None,
    })
}
