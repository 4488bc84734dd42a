//! `-P`'s path hash, computed the same way by the kernel programs (over captured bytes in
//! place) and by userspace (over the paths given and the ptrace backend's captures).

/// `-P` compares paths by a hash of their first bytes and their length: equal paths hash
/// equal, and a 64-bit collision at worst shows one call too many.
pub const PATH_HASH_BYTES: usize = 256;
/// Most `-P` paths (each given path and its canonical form count once).
pub const MAX_PATH_FILTERS: usize = 4;

/// FNV-1a-style over the first `PATH_HASH_BYTES` bytes taken as little-endian words,
/// bytes past the path counted as zero, then the full length. The kernel side runs the
/// same steps over captured bytes in place, a word at a time and with bytes past the
/// string masked by [`path_word_mask`]; the fixed number of steps keeps its loop free of
/// data-dependent exits, which the verifier needs.
pub fn path_hash(bytes: &[u8]) -> u64 {
    let mut h = PATH_HASH_SEED;
    for w in 0..PATH_HASH_BYTES / 8 {
        let mut word = [0u8; 8];
        for (k, b) in word.iter_mut().enumerate() {
            *b = bytes.get(8 * w + k).copied().unwrap_or(0);
        }
        h = path_hash_step(h, u64::from_le_bytes(word));
    }
    path_hash_finish(h, bytes.len())
}

/// The bytes of word `w` that lie inside a string of `len` bytes, as a mask, computed
/// without branches.
#[inline(always)]
pub fn path_word_mask(w: usize, len: usize) -> u64 {
    let rem = len as i64 - 8 * w as i64;
    let before = (rem >> 63) as u64; // the string ended before this word
    let whole = ((7 - rem) >> 63) as u64; // it covers the whole word
    let part = (1u64 << ((rem as u64 & 7) * 8)).wrapping_sub(1);
    !before & (whole | part)
}

pub const PATH_HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

#[inline(always)]
pub fn path_hash_step(h: u64, word: u64) -> u64 {
    (h ^ word).wrapping_mul(0x0100_0000_01b3)
}

#[inline(always)]
pub fn path_hash_finish(h: u64, len: usize) -> u64 {
    // Never 0: 0 marks an unused filter slot.
    path_hash_step(h ^ len as u64, 0xff) | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_masks_cover_the_string_exactly() {
        assert_eq!(path_word_mask(0, 0), 0);
        assert_eq!(path_word_mask(0, 3), 0xff_ffff);
        assert_eq!(path_word_mask(0, 8), u64::MAX);
        assert_eq!(path_word_mask(1, 8), 0);
        assert_eq!(path_word_mask(1, 11), 0xff_ffff);
        assert_eq!(path_word_mask(2, 300), u64::MAX);
    }

    /// The kernel hashes the words of its buffer, masked, where bytes past the string are
    /// whatever was there before; userspace hashes the path itself. They must agree.
    #[test]
    fn masked_words_hash_like_the_path() {
        let path = b"/etc/hostname";
        let mut buf = [0xaau8; PATH_HASH_BYTES];
        buf[..path.len()].copy_from_slice(path);
        let mut h = PATH_HASH_SEED;
        for w in 0..PATH_HASH_BYTES / 8 {
            let word = u64::from_le_bytes(buf[8 * w..8 * w + 8].try_into().unwrap());
            h = path_hash_step(h, word & path_word_mask(w, path.len()));
        }
        assert_eq!(path_hash_finish(h, path.len()), path_hash(path));
        assert_ne!(path_hash(b"/etc/hostnamf"), path_hash(path));
        assert_ne!(path_hash(b"/etc/hostname/"), path_hash(path));
    }
}
