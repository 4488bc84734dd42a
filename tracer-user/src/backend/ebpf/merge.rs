//! One stream out of the per-CPU ring buffers, in the order the records were written.
//!
//! Each buffer is read in its own order (a CPU's records are written one after the other),
//! and the merge takes the oldest first by the time each record was written. A task's
//! next record is written after its last one was submitted, wherever it runs, so within
//! a task the order is exact. Across tasks, a record is let go once no buffer can still
//! hand over an older one: when every buffer has one waiting, or when it is older than
//! the start of the last read of all buffers by more than the window (the time a record
//! may take between its timestamp and its submission). A buffer that goes quiet thus
//! holds the others back by one read and the window, never longer.

use std::{
    cmp::Reverse,
    collections::{BinaryHeap, VecDeque},
    ops::Range,
};

/// The time a record may take from its timestamp to its submission (copies of tracee
/// memory, a preempted program): past it, a record is let go even if a quiet buffer may
/// still hand over an older one. A record later than that only misplaces it among other
/// tasks' lines.
pub const WINDOW_NS: u64 = 1_000_000;

pub struct Merge {
    /// Per buffer: its records not let go yet, with their times.
    queues: Vec<Queue>,
    /// The first record's time of each buffer that has one (the oldest on top).
    heads: BinaryHeap<Reverse<(u64, usize)>>,
    /// Per buffer: the time of its last record, for records without one of their own.
    last: Vec<u64>,
    window_ns: u64,
}

/// A buffer's records held back: their bytes as the kernel wrote them, one after the
/// other (parsed only when they go: a copy of the raw bytes is cheaper than moving
/// parsed records through the queue, and the memory is reused).
#[derive(Default)]
struct Queue {
    bytes: Vec<u8>,
    /// Each record's time and where its bytes are.
    spans: VecDeque<(u64, Range<usize>)>,
}

impl Queue {
    fn push(&mut self, ns: u64, record: &[u8]) {
        if self.spans.is_empty() {
            self.bytes.clear();
        } else if let Some((_, front)) = self.spans.front()
            && front.start >= COMPACT_AT
            && front.start * 2 >= self.bytes.len()
        {
            // A buffer that never empties (a storm): drop what went already.
            let gone = front.start;
            self.bytes.drain(..gone);
            for (_, span) in &mut self.spans {
                *span = span.start - gone..span.end - gone;
            }
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(record);
        self.spans.push_back((ns, start..self.bytes.len()));
    }

    fn records(&self) -> impl Iterator<Item = &[u8]> {
        self.spans.iter().map(|(_, span)| &self.bytes[span.clone()])
    }
}

/// Bytes of records gone from a queue past which it is compacted.
const COMPACT_AT: usize = 1 << 20;

impl Merge {
    pub fn new(buffers: usize, window_ns: u64) -> Self {
        Self {
            queues: (0..buffers).map(|_| Queue::default()).collect(),
            heads: BinaryHeap::new(),
            last: vec![0; buffers],
            window_ns,
        }
    }

    /// A record read from `buffer`, written at `ns`; one without a time of its own (a
    /// loss mark) keeps its place right after the buffer's previous record.
    pub fn push(&mut self, buffer: usize, ns: Option<u64>, record: &[u8]) {
        let ns = ns.unwrap_or(self.last[buffer]);
        self.last[buffer] = ns;
        let queue = &mut self.queues[buffer];
        if queue.spans.is_empty() {
            self.heads.push(Reverse((ns, buffer)));
        }
        queue.push(ns, record);
    }

    /// The next record in time order, if no buffer can still hand over an older one:
    /// `read_from` is when the read of every buffer that queued what is here began.
    pub fn pop(&mut self, read_from: u64) -> Option<&[u8]> {
        let &Reverse((ns, _)) = self.heads.peek()?;
        let all_waiting = self.heads.len() == self.queues.len();
        (all_waiting || ns.saturating_add(self.window_ns) <= read_from).then(|| self.take())
    }

    /// At the end of the trace: the next record in time order, whatever may follow.
    pub fn pop_any(&mut self) -> Option<&[u8]> {
        (!self.heads.is_empty()).then(|| self.take())
    }

    /// Whether a record held back is one `f` picks.
    pub fn holds(&self, f: impl Fn(&[u8]) -> bool) -> bool {
        self.queues.iter().flat_map(Queue::records).any(f)
    }

    /// When the oldest record held back may go without a new read (its time and the
    /// window); None when none is held.
    pub fn next_due(&self) -> Option<u64> {
        let &Reverse((ns, _)) = self.heads.peek()?;
        Some(ns.saturating_add(self.window_ns))
    }

    /// Records held back.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.queues.iter().map(|q| q.spans.len()).sum()
    }

    /// The oldest first record (the first buffer's on a tie); its buffer's next one
    /// becomes that buffer's head. Its bytes stay in place until the next push.
    fn take(&mut self) -> &[u8] {
        let Reverse((_, buffer)) = self.heads.pop().expect("a head");
        let queue = &mut self.queues[buffer];
        let (_, span) = queue.spans.pop_front().expect("a record");
        if let Some(&(ns, _)) = queue.spans.front() {
            self.heads.push(Reverse((ns, buffer)));
        }
        &queue.bytes[span]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u64 = 1_000;

    fn drain(m: &mut Merge, read_from: u64) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(r) = m.pop(read_from) {
            out.push(String::from_utf8(r.to_vec()).unwrap());
        }
        out
    }

    fn pop_any(m: &mut Merge) -> Option<String> {
        m.pop_any().map(|r| String::from_utf8(r.to_vec()).unwrap())
    }

    #[test]
    fn a_task_that_moves_between_cpus_keeps_its_order() {
        let mut m = Merge::new(2, W);
        // Task A ran on CPU 1, then on CPU 0; its records sit in both buffers.
        m.push(0, Some(300), b"A enter getpid");
        m.push(1, Some(100), b"A write");
        m.push(1, Some(200), b"A exit read");
        m.push(0, Some(400), b"A exit getpid");
        assert_eq!(
            drain(&mut m, 10_000),
            ["A write", "A exit read", "A enter getpid", "A exit getpid"]
        );
    }

    #[test]
    fn across_buffers_in_time_order_once_every_buffer_has_spoken() {
        let mut m = Merge::new(2, W);
        m.push(0, Some(10), b"a");
        m.push(0, Some(30), b"c");
        m.push(1, Some(20), b"b");
        // Both buffers have records: everything older than the other's first goes.
        assert_eq!(drain(&mut m, 0), ["a", "b"]);
        // Buffer 1 is empty now: "c" waits, as buffer 1 may still hold an older record.
        assert_eq!(m.len(), 1);
        m.push(1, Some(25), b"b2");
        assert_eq!(drain(&mut m, 0), ["b2"]);
    }

    #[test]
    fn records_wait_only_within_the_window() {
        let mut m = Merge::new(2, W);
        m.push(0, Some(5_000), b"x");
        // Read at 5,500: buffer 1 may still submit a record written before 5,000.
        assert_eq!(drain(&mut m, 5_500), Vec::<String>::new());
        // A read that began a window after it: nothing older can come any more.
        assert_eq!(drain(&mut m, 6_000), ["x"]);
    }

    #[test]
    fn a_quiet_buffer_does_not_hold_the_others_back() {
        // Eight buffers, one busy: its records go out a window after they were written.
        let mut m = Merge::new(8, W);
        for (i, name) in ["p", "q", "r"].into_iter().enumerate() {
            m.push(3, Some(1_000 * (i as u64 + 1)), name.as_bytes());
        }
        assert_eq!(drain(&mut m, 2_500), ["p"]);
        assert_eq!(drain(&mut m, 4_000), ["q", "r"]);
        assert_eq!(m.len(), 0);
    }

    #[test]
    fn a_late_record_still_goes_before_newer_ones() {
        let mut m = Merge::new(2, W);
        m.push(0, Some(1_000), b"new");
        // A record written earlier is read later from the other buffer, within the window.
        assert_eq!(drain(&mut m, 1_500), Vec::<String>::new());
        m.push(1, Some(900), b"older");
        assert_eq!(drain(&mut m, 2_000), ["older", "new"]);
    }

    #[test]
    fn what_is_held_back_and_until_when() {
        let mut m = Merge::new(2, W);
        assert_eq!(m.next_due(), None);
        m.push(1, Some(5_000), b"b");
        m.push(0, Some(7_000), b"a");
        assert_eq!(m.next_due(), Some(6_000));
        assert!(m.holds(|r| r == b"a"));
        assert!(!m.holds(|r| r == b"c"));
    }

    #[test]
    fn a_record_without_a_time_keeps_its_place_in_its_buffer() {
        let mut m = Merge::new(2, W);
        m.push(0, Some(100), b"call");
        m.push(0, None, b"lost mark");
        m.push(0, Some(300), b"next call");
        m.push(1, Some(200), b"other");
        assert_eq!(pop_any(&mut m).as_deref(), Some("call"));
        assert_eq!(pop_any(&mut m).as_deref(), Some("lost mark"));
        assert_eq!(pop_any(&mut m).as_deref(), Some("other"));
        assert_eq!(pop_any(&mut m).as_deref(), Some("next call"));
        assert_eq!(pop_any(&mut m), None);
    }

    #[test]
    fn a_buffer_keeps_its_own_order_even_if_its_times_do_not() {
        // Timestamps are taken before a slot is reserved: a program preempted in between
        // can submit after a younger record of the same CPU. The buffer's order stands.
        let mut m = Merge::new(1, W);
        m.push(0, Some(200), b"first in buffer");
        m.push(0, Some(150), b"second in buffer");
        assert_eq!(drain(&mut m, 0), ["first in buffer", "second in buffer"]);
    }

    #[test]
    fn the_end_lets_everything_go_in_order() {
        let mut m = Merge::new(3, W);
        m.push(2, Some(30), b"c");
        m.push(0, Some(10), b"a");
        m.push(1, Some(20), b"b");
        m.push(1, Some(40), b"d");
        // Buffer 0 has nothing after "a": the rest would wait for it.
        assert_eq!(drain(&mut m, 0), ["a"]);
        assert_eq!(
            std::iter::from_fn(|| pop_any(&mut m)).collect::<Vec<_>>(),
            ["b", "c", "d"]
        );
    }

    #[test]
    fn a_buffer_that_never_empties_reuses_its_memory() {
        let mut m = Merge::new(2, W);
        let record = [7u8; 4096];
        m.push(0, Some(0), &record);
        for ns in 1..4 * COMPACT_AT as u64 / 4096 {
            // One record always waits behind the one that goes.
            m.push(0, Some(ns * 10), &record);
            assert_eq!(m.pop(ns * 10 + 2 * W), Some(&record[..]));
        }
        assert_eq!(m.len(), 1);
        assert!(m.queues[0].bytes.len() <= 2 * COMPACT_AT + 2 * record.len());
    }
}
