//! The per-CPU ring buffers: made at `--buffer-size` each and put in the programs'
//! `EVENTS` by CPU number (so producers on different CPUs never take the same lock), and
//! read into one stream in time order (`merge`).

use std::{
    io,
    os::fd::{AsFd, AsRawFd, RawFd},
};

use anyhow::Result;
use aya::{
    maps::{Map, MapData, MapError, RingBuf},
    sys::SyscallError,
};

use super::{
    loader::LoadError,
    merge::{Merge, WINDOW_NS},
    records::{self, Record},
};
use crate::event::now_ns;

/// At most this many buffers; CPUs past it share them (a ring buffer takes any number
/// of producers, under its lock), so a very large machine does not multiply the memory.
const MAX_RINGS: usize = 128;

/// `BPF_MAP_TYPE_RINGBUF`.
const RINGBUF: u32 = 27;

pub struct Rings {
    rings: Vec<RingBuf<MapData>>,
    merge: Merge,
    /// The last read found a full batch in a buffer: records are streaming in, and the
    /// next wake-up comes soon without a timer of the merge's own.
    busy: bool,
}

/// The buffers made and not yet mapped nor put in `EVENTS`: made first (the kernel's
/// work, beside the read of its BTF; nothing in them depends on the programs), then
/// mapped and put in `EVENTS` while the programs are verified.
pub struct NewRings {
    maps: Vec<MapData>,
    /// The buffer of each possible CPU.
    slots: Vec<usize>,
}

impl NewRings {
    /// Makes the buffers, `size` bytes each.
    pub fn make(size: u32) -> Result<Self, LoadError> {
        let err = |e| LoadError::Map("EVENTS", e);
        let possible = aya::util::nr_cpus().unwrap_or(1);
        let online = aya::util::online_cpus().unwrap_or_default();
        let (count, slots) = slots(possible, &online, MAX_RINGS);
        let maps = (0..count)
            .map(|_| {
                let def = aya_obj::Map::new_from_params(RINGBUF, 0, 0, size, 0);
                MapData::create(def, "EVENTS_CPU", None).map_err(err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { maps, slots })
    }

    /// Puts the buffers in `EVENTS` (`outer`) for every possible CPU (before any program
    /// is attached: a record never finds no buffer) and maps them.
    pub fn place(self, outer: RawFd) -> Result<Rings, LoadError> {
        let err = |e| LoadError::Map("EVENTS", e);
        let Self { maps, slots } = self;
        let fds: Vec<RawFd> = maps.iter().map(|m| m.fd().as_fd().as_raw_fd()).collect();
        // Each update of an array of maps waits for an RCU grace period (the kernel makes
        // sure no program still sees the old entry): ~10 ms here, one CPU after the other
        // half a second on a large machine. Made side by side, the waits overlap, and
        // the buffers are mapped meanwhile.
        const THREADS: usize = 64;
        let (rings, put) = std::thread::scope(|s| {
            let workers: Vec<_> = (0..THREADS.min(slots.len()))
                .map(|first| {
                    let (slots, fds) = (&slots, &fds);
                    s.spawn(move || {
                        (first..slots.len())
                            .step_by(THREADS)
                            .try_for_each(|cpu| put(outer, cpu as u32, fds[slots[cpu]]))
                    })
                })
                .collect();
            let rings = (maps.into_iter())
                .map(|map| RingBuf::try_from(Map::RingBuf(map)).map_err(err))
                .collect::<Result<Vec<_>, _>>();
            let put =
                (workers.into_iter()).try_for_each(|w| w.join().expect("EVENTS update thread"));
            (rings, put)
        });
        put.map_err(|io_error| {
            err(MapError::SyscallError(SyscallError {
                call: "bpf_map_update_elem",
                io_error,
            }))
        })?;
        let rings = rings?;
        let merge = Merge::new(rings.len(), WINDOW_NS);
        Ok(Rings {
            rings,
            merge,
            busy: false,
        })
    }
}

impl Rings {
    /// The buffers' descriptors, readable when the kernel woke the consumer.
    pub fn fds(&self) -> impl Iterator<Item = RawFd> + '_ {
        self.rings.iter().map(AsRawFd::as_raw_fd)
    }

    /// Reads every buffer and hands over, in time order, the records no buffer can
    /// still precede; at the end of the trace (`all`), every record. Reads repeat until
    /// one finds the buffers empty (records written while the last ones were formatted
    /// would otherwise make the next poll return at once), each a batch per buffer at
    /// most, so one that never empties (a storm) neither starves the others nor grows
    /// the merge without bound.
    pub fn drain(&mut self, all: bool, mut record: impl FnMut(Record) -> Result<()>) -> Result<()> {
        const BATCH: usize = 4096;
        self.busy = false;
        loop {
            let read_from = now_ns();
            let (mut read, mut full) = (0, false);
            for (i, ring) in self.rings.iter_mut().enumerate() {
                let mut n = 0;
                while n < BATCH
                    && let Some(item) = ring.next()
                {
                    n += 1;
                    self.merge.push(i, records::written_ns(&item), &item);
                }
                read += n;
                full |= n == BATCH;
            }
            while let Some(bytes) = self.merge.pop(read_from) {
                parse_into(bytes, &mut record)?;
            }
            self.busy |= full;
            if read == 0 {
                break;
            }
        }
        while all && let Some(bytes) = self.merge.pop_any() {
            parse_into(bytes, &mut record)?;
        }
        Ok(())
    }
}

fn parse_into(bytes: &[u8], record: &mut impl FnMut(Record) -> Result<()>) -> Result<()> {
    match records::parse(bytes) {
        Ok(parsed) => record(parsed),
        Err(e) => {
            log::warn!("skipping a malformed ring buffer record: {e}");
            Ok(())
        }
    }
}

impl Rings {
    /// Whether a record of process `tgid` is held back by the merge.
    pub fn holds_process(&self, tgid: u32) -> bool {
        self.merge
            .holds(|bytes| records::parse(bytes).is_ok_and(|r| r.tgid() == Some(tgid)))
    }

    /// How long until a record held back may go without a new read: None when none is
    /// held, or while records stream in (the reader is woken often enough then, and a
    /// timer of its own would only take CPU from the traced threads).
    pub fn next_due(&self) -> Option<std::time::Duration> {
        if self.busy {
            return None;
        }
        let due = self.merge.next_due()?;
        Some(std::time::Duration::from_nanos(
            due.saturating_sub(now_ns()),
        ))
    }
}

/// `BPF_MAP_UPDATE_ELEM` of `outer[cpu] = inner` (aya's needs the map mutably, one
/// update at a time).
fn put(outer: RawFd, cpu: u32, inner: RawFd) -> io::Result<()> {
    /// `union bpf_attr` as `BPF_MAP_UPDATE_ELEM` reads it.
    #[repr(C)]
    struct Update {
        map_fd: u32,
        key: u64,
        value: u64,
        flags: u64,
    }
    const BPF_MAP_UPDATE_ELEM: libc::c_long = 2;
    let value = inner as u32;
    let attr = Update {
        map_fd: outer as u32,
        key: (&raw const cpu) as u64,
        value: (&raw const value) as u64,
        flags: 0,
    };
    // SAFETY: `attr` points at `cpu` and `value`, which outlive the call; the kernel
    // reads `size_of::<Update>()` bytes of it.
    let r = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            BPF_MAP_UPDATE_ELEM,
            &raw const attr,
            size_of::<Update>() as libc::c_uint,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// How many buffers, and which one each possible CPU writes to: its own for each online
/// CPU up to `max`; CPUs past it, and CPUs offline at the start (which may come online
/// later), share them.
fn slots(possible: usize, online: &[u32], max: usize) -> (usize, Vec<usize>) {
    let own: Vec<u32> = online
        .iter()
        .copied()
        .filter(|&c| (c as usize) < possible)
        .take(max)
        .collect();
    let count = own.len().max(1);
    let slots = (0..possible)
        .map(|cpu| {
            own.iter()
                .position(|&c| c as usize == cpu)
                .unwrap_or(cpu % count)
        })
        .collect();
    (count, slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_online_cpu_has_a_buffer_of_its_own() {
        assert_eq!(slots(4, &[0, 1, 2, 3], 128), (4, vec![0, 1, 2, 3]));
    }

    #[test]
    fn cpus_offline_at_the_start_share_one() {
        // Possible 0-7, online 0 and 2: CPU 2 has the second buffer of its own.
        let (count, slots) = slots(8, &[0, 2], 128);
        assert_eq!(count, 2);
        assert_eq!(slots[0], 0);
        assert_eq!(slots[2], 1);
        assert!(slots.iter().all(|&s| s < count));
    }

    #[test]
    fn past_the_bound_cpus_share() {
        let online: Vec<u32> = (0..6).collect();
        let (count, slots) = slots(6, &online, 4);
        assert_eq!(count, 4);
        assert_eq!(slots, [0, 1, 2, 3, 0, 1]);
    }

    #[test]
    fn without_the_online_list_one_buffer_for_all() {
        assert_eq!(slots(3, &[], 128), (1, vec![0, 0, 0]));
    }
}
