//! Calls, processes and totals as OpenTelemetry's own protobuf messages
//! (`opentelemetry-proto`). Attribute names follow the semantic conventions where they
//! have one (`host.name`, `process.pid`, `process.executable.name`, `thread.id`,
//! `container.id`, `container.runtime`, `k8s.pod.uid`, `error.type`); the syscall's own
//! facts are under `syscall.*`.

use std::{ops::Range, sync::Arc};

use opentelemetry_proto::tonic::{
    common::v1::{AnyValue, ArrayValue, InstrumentationScope, KeyValue, any_value::Value},
    logs::v1::{LogRecord, SeverityNumber},
    metrics::v1::{
        AggregationTemporality, Histogram, HistogramDataPoint, Metric, NumberDataPoint, Sum,
        metric::Data, number_data_point,
    },
    resource::v1::Resource,
    trace::v1::{Span, Status, span::SpanKind, status::StatusCode},
};
use tracer_common::HIST_BUCKETS;

use crate::{
    container::Identity,
    decode::{self, DecodeOptions},
    event::{Context, Syscall, Totals},
    output::time::Clock,
    syscalls,
};

pub fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn string(s: impl Into<String>) -> Value {
    Value::StringValue(s.into())
}

/// Who produced the telemetry: the tracer, named on every batch.
pub fn scope() -> InstrumentationScope {
    InstrumentationScope {
        name: "tracer".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    }
}

/// A traced process as an OpenTelemetry resource.
pub fn resource(
    host: &str,
    pid: u32,
    comm: Option<&str>,
    container: Option<&Identity>,
) -> Resource {
    let mut attributes = vec![
        kv("host.name", string(host)),
        kv("process.pid", Value::IntValue(pid.into())),
    ];
    if let Some(comm) = comm {
        attributes.push(kv("process.executable.name", string(comm)));
        attributes.push(kv("service.name", string(comm)));
    }
    if let Some(c) = container {
        attributes.push(kv("container.id", string(&c.id)));
        attributes.push(kv("container.runtime", string(c.runtime.name())));
        if let Some(uid) = &c.pod_uid {
            attributes.push(kv("k8s.pod.uid", string(uid)));
        }
    }
    Resource {
        attributes,
        ..Default::default()
    }
}

/// Whether `r` still describes a process with this name and container (an exec renames).
pub fn resource_matches(r: &Resource, comm: Option<&str>, container: Option<&Identity>) -> bool {
    let get = |key: &str| {
        r.attributes
            .iter()
            .find(|a| a.key == key)
            .and_then(|a| match &a.value {
                Some(AnyValue {
                    value: Some(Value::StringValue(s)),
                }) => Some(s.as_str()),
                _ => None,
            })
    };
    get("process.executable.name") == comm
        && get("container.id") == container.map(|c| c.id.as_str())
}

/// The metrics' resource: the host (they sum every traced process).
pub fn host_resource(host: &str) -> Resource {
    Resource {
        attributes: vec![
            kv("host.name", string(host)),
            kv("service.name", string("tracer")),
        ],
        ..Default::default()
    }
}

/// Trace and span ids: random per tracer run, then counted, so ids never repeat.
pub struct Ids {
    seed: [u8; 16],
    next: u64,
}

/// A span's trace and span id.
pub struct SpanIds {
    pub trace: [u8; 16],
    pub span: [u8; 8],
}

impl Ids {
    pub fn new() -> Self {
        let mut seed = [0u8; 16];
        if std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut seed))
            .is_err()
        {
            let t = Clock::new().now_ns() as u128 ^ (u128::from(std::process::id()) << 64);
            seed = t.to_le_bytes();
        }
        Self { seed, next: 1 }
    }

    pub fn next(&mut self) -> SpanIds {
        let n = self.next;
        self.next += 1;
        let mut trace = self.seed;
        // The seed's first half, the count in the second: unique within the run.
        for (b, c) in trace[8..].iter_mut().zip(n.to_be_bytes()) {
            *b ^= c;
        }
        let mut span = [0u8; 8];
        span.copy_from_slice(&trace[8..]);
        span[0] |= 1; // never all zero
        SpanIds { trace, span }
    }
}

/// Calls handed over together (up to the tracing side's chunk size): their texts in one
/// string and their arguments' places in one vector, so that a call costs the tracing
/// thread no allocation of its own.
pub struct Chunk<T> {
    pub text: String,
    pub args: Vec<Range<u32>>,
    pub calls: Vec<T>,
}

impl<T> Chunk<T> {
    pub fn with_capacity(calls: usize) -> Self {
        Self {
            text: String::with_capacity(calls * 128),
            args: Vec::with_capacity(calls * 4),
            calls: Vec::with_capacity(calls),
        }
    }
}

/// One completed call as the export needs it. Decoded on the tracing thread (only it
/// knows the fd names) into its chunk's text, with a few numbers, so that it costs
/// little there; the export thread makes the OTLP messages from it.
pub struct CallFacts {
    tid: u32,
    start_ns: u64,
    end_ns: u64,
    /// As the program sees it (-1 on error).
    ret: i64,
    errno: Option<&'static str>,
    /// `name(arg, arg) = retval`, strace's line, in the chunk's text: the log's body.
    text: Range<u32>,
    /// The name's length (the text's start).
    name_len: u32,
    /// Its arguments' places in the chunk's text, in the chunk's `args`.
    args: Range<u32>,
    /// The span's ids, when the call is also a span.
    pub span: Option<SpanIds>,
}

impl CallFacts {
    /// Writes `call`'s text into `chunk`'s.
    pub fn new<T>(
        call: &Syscall,
        ctx: &Context,
        decode: &DecodeOptions,
        clock: &Clock,
        chunk: &mut Chunk<T>,
    ) -> Self {
        let text = &mut chunk.text;
        let start = text.len();
        match syscalls::name(call.nr) {
            Some(name) => text.push_str(name),
            None => {
                let _ = std::fmt::Write::write_fmt(text, format_args!("syscall_{:#x}", call.nr));
            }
        }
        let name_len = (text.len() - start) as u32;
        text.push('(');
        let args_start = chunk.args.len() as u32;
        decode::write_each_arg(text, &mut chunk.args, call, decode, ctx.fds);
        text.push_str(") = ");
        decode::write_result(text, call, decode, ctx.fds);
        Self {
            tid: call.tid,
            start_ns: clock.realtime_ns(call.enter_ns) as u64,
            end_ns: clock.realtime_ns(call.exit_ns.unwrap_or(call.enter_ns)) as u64,
            ret: if call.failed() {
                -1
            } else {
                call.ret.unwrap_or(0)
            },
            errno: decode::errno_of(call),
            text: start as u32..text.len() as u32,
            name_len,
            args: args_start..chunk.args.len() as u32,
            span: None,
        }
    }

    fn body<'c, T>(&self, chunk: &'c Chunk<T>) -> &'c str {
        &chunk.text[self.text.start as usize..self.text.end as usize]
    }

    fn name<'c, T>(&self, chunk: &'c Chunk<T>) -> &'c str {
        &self.body(chunk)[..self.name_len as usize]
    }

    fn args<'c, T>(&self, chunk: &'c Chunk<T>) -> impl Iterator<Item = &'c str> {
        chunk.args[self.args.start as usize..self.args.end as usize]
            .iter()
            .map(|r| &chunk.text[r.start as usize..r.end as usize])
    }

    /// The call's attributes written over `attributes`: records are reused from one
    /// batch to the next, and their attributes keep their keys and strings' room.
    fn write_attributes<T>(&self, chunk: &Chunk<T>, attributes: &mut Vec<KeyValue>) {
        set_str(slot(attributes, 0, "syscall.name"), self.name(chunk));
        let args = slot(attributes, 1, "syscall.args");
        if !matches!(args, Some(Value::ArrayValue(_))) {
            *args = Some(Value::ArrayValue(ArrayValue::default()));
        }
        if let Some(Value::ArrayValue(array)) = args {
            let values = &mut array.values;
            let mut n = 0;
            for arg in self.args(chunk) {
                if n == values.len() {
                    values.push(AnyValue::default());
                }
                set_str(&mut values[n].value, arg);
                n += 1;
            }
            values.truncate(n);
        }
        *slot(attributes, 2, "syscall.return") = Some(Value::IntValue(self.ret));
        *slot(attributes, 3, "syscall.duration_ns") = Some(Value::IntValue(
            self.end_ns.saturating_sub(self.start_ns) as i64,
        ));
        *slot(attributes, 4, "thread.id") = Some(Value::IntValue(self.tid.into()));
        match self.errno {
            Some(errno) => {
                set_str(slot(attributes, 5, "syscall.errno"), errno);
                set_str(slot(attributes, 6, "error.type"), errno);
                attributes.truncate(7);
            }
            None => attributes.truncate(5),
        }
    }

    /// The call as a span with its real start and end (when it is one).
    pub fn span<T>(&self, chunk: &Chunk<T>) -> Option<Span> {
        let ids = self.span.as_ref()?;
        let mut attributes = Vec::with_capacity(7);
        self.write_attributes(chunk, &mut attributes);
        Some(Span {
            trace_id: ids.trace.to_vec(),
            span_id: ids.span.to_vec(),
            name: self.name(chunk).to_owned(),
            kind: SpanKind::Internal as i32,
            start_time_unix_nano: self.start_ns,
            end_time_unix_nano: self.end_ns,
            attributes,
            status: Some(match self.errno {
                Some(errno) => Status {
                    message: errno.into(),
                    code: StatusCode::Error as i32,
                },
                None => Status::default(),
            }),
            ..Default::default()
        })
    }

    /// The call as a log record, tied to its span when it has one, written over `record`
    /// (a record of an earlier batch, or a new one: the result is the same).
    pub fn write_log<T>(&self, chunk: &Chunk<T>, record: &mut LogRecord) {
        let severity = if self.errno.is_some() {
            SeverityNumber::Warn
        } else {
            SeverityNumber::Info
        };
        record.time_unix_nano = self.start_ns;
        record.observed_time_unix_nano = self.end_ns;
        record.severity_number = severity as i32;
        replace(
            &mut record.severity_text,
            if self.errno.is_some() { "WARN" } else { "INFO" },
        );
        self.write_attributes(chunk, &mut record.attributes);
        record.trace_id.clear();
        record.span_id.clear();
        if let Some(s) = &self.span {
            record.trace_id.extend_from_slice(&s.trace);
            record.span_id.extend_from_slice(&s.span);
        }
        replace(&mut record.event_name, "syscall");
        set_str(
            &mut record.body.get_or_insert_with(AnyValue::default).value,
            self.body(chunk),
        );
    }
}

/// Whether a record is worth keeping for the next batch: its body (and so each of its
/// arguments) was never long.
pub fn small(record: &LogRecord) -> bool {
    matches!(&record.body, Some(AnyValue { value: Some(Value::StringValue(s)) }) if s.capacity() <= 1024)
}

/// `s` made `to`, in the room it has.
fn replace(s: &mut String, to: &str) {
    s.clear();
    s.push_str(to);
}

/// `v` made the string `to`, in the room it has when it is a string already.
fn set_str(v: &mut Option<Value>, to: &str) {
    match v {
        Some(Value::StringValue(s)) => replace(s, to),
        _ => *v = Some(string(to)),
    }
}

/// The value of attribute `i`, `key` (pushed when there are only `i`): only
/// `write_attributes` writes a record's attributes, always the same key at the same place.
fn slot<'a>(attributes: &'a mut Vec<KeyValue>, i: usize, key: &str) -> &'a mut Option<Value> {
    if i == attributes.len() {
        attributes.push(KeyValue {
            key: key.to_owned(),
            ..Default::default()
        });
    }
    let a = &mut attributes[i];
    debug_assert_eq!(a.key, key);
    &mut a.value.get_or_insert_with(AnyValue::default).value
}

/// `-c`'s totals as metrics: per syscall a latency histogram (the kernel's log2 buckets,
/// in seconds; its count is the number of calls) and an error count; cumulative since
/// the trace started.
pub fn metrics(totals: &Totals, start_ns: i64, now_ns: i64) -> Vec<Metric> {
    // Bucket b of the kernel's histogram holds durations of b significant bits:
    // [2^(b-1), 2^b) ns; OTLP's bucket i holds (bound[i-1], bound[i]].
    let bounds: Vec<f64> = (0..HIST_BUCKETS - 1)
        .map(|b| ((1u64 << b) - 1) as f64 / 1e9)
        .collect();
    let mut durations = Vec::new();
    let mut errors = Vec::new();
    for (&nr, t) in &totals.by_nr {
        let name = syscalls::name(nr).map_or_else(|| format!("syscall_{nr:#x}"), str::to_owned);
        let attributes = vec![kv("syscall.name", string(name))];
        durations.push(HistogramDataPoint {
            attributes: attributes.clone(),
            start_time_unix_nano: start_ns as u64,
            time_unix_nano: now_ns as u64,
            count: t.calls,
            sum: Some(t.total_ns as f64 / 1e9),
            bucket_counts: t.hist.to_vec(),
            explicit_bounds: bounds.clone(),
            max: Some(t.max_ns as f64 / 1e9),
            ..Default::default()
        });
        errors.push(NumberDataPoint {
            attributes,
            start_time_unix_nano: start_ns as u64,
            time_unix_nano: now_ns as u64,
            value: Some(number_data_point::Value::AsInt(t.errors as i64)),
            ..Default::default()
        });
    }
    let cumulative = AggregationTemporality::Cumulative as i32;
    vec![
        Metric {
            name: "syscall.duration".into(),
            description: "Time from a syscall's entry to its exit, per syscall".into(),
            unit: "s".into(),
            data: Some(Data::Histogram(Histogram {
                data_points: durations,
                aggregation_temporality: cumulative,
            })),
            ..Default::default()
        },
        Metric {
            name: "syscall.errors".into(),
            description: "Syscalls that returned an error, per syscall".into(),
            unit: "{call}".into(),
            data: Some(Data::Sum(Sum {
                data_points: errors,
                aggregation_temporality: cumulative,
                is_monotonic: true,
            })),
            ..Default::default()
        },
    ]
}

/// Items grouped by their resource (the same `Arc`), in first-seen order.
pub struct ByResource<T> {
    groups: Vec<(Arc<Resource>, Vec<T>)>,
    index: std::collections::HashMap<*const Resource, usize>,
}

impl<T> Default for ByResource<T> {
    fn default() -> Self {
        Self {
            groups: Vec::new(),
            index: std::collections::HashMap::new(),
        }
    }
}

impl<T> ByResource<T> {
    pub fn push(&mut self, resource: &Arc<Resource>, item: T) {
        let at = *self.index.entry(Arc::as_ptr(resource)).or_insert_with(|| {
            self.groups.push((resource.clone(), Vec::new()));
            self.groups.len() - 1
        });
        self.groups[at].1.push(item);
    }

    pub fn len(&self) -> usize {
        self.groups.iter().map(|(_, g)| g.len()).sum()
    }

    pub fn into_groups(self) -> Vec<(Arc<Resource>, Vec<T>)> {
        self.groups
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::decode::{Syscalls, XlatStyle};

    #[test]
    fn histograms_have_one_bucket_more_than_bounds() {
        let mut totals = Totals::default();
        for ns in [0, 1, 3, 1_000, 1_000_000] {
            totals.add_call(0, ns, ns, ns == 3);
        }
        let metrics = metrics(&totals, 1, 2);
        let Some(Data::Histogram(h)) = &metrics[0].data else {
            panic!("a histogram first");
        };
        let p = &h.data_points[0];
        assert_eq!(p.bucket_counts.len(), p.explicit_bounds.len() + 1);
        assert_eq!(p.count, 5);
        assert_eq!(p.bucket_counts.iter().sum::<u64>(), 5);
        // 1 µs has 10 significant bits: bucket 10, (1023 ns, 2047 ns].
        assert_eq!(p.bucket_counts[10], 1);
        assert!(p.explicit_bounds[9] < 1e-6 && 1e-6 <= p.explicit_bounds[10]);
        let Some(Data::Sum(errors)) = &metrics[1].data else {
            panic!("the error count second");
        };
        assert_eq!(
            errors.data_points[0].value,
            Some(number_data_point::Value::AsInt(1))
        );
    }

    pub(crate) struct Tasks;

    impl crate::event::TaskView for Tasks {
        fn many_at(&self, _: u64) -> bool {
            false
        }

        fn comm(&self, _: u32) -> Option<&str> {
            Some("worker")
        }

        fn container(&self, _: u32) -> Option<&Arc<Identity>> {
            None
        }
    }

    pub(crate) fn call(name: &str, args: [u64; 6], ret: i64, path: Option<&str>) -> Syscall {
        Syscall {
            tid: 8,
            pid: 7,
            nr: syscalls::by_name(name).unwrap().nr,
            args,
            enter_ns: 1_000,
            exit_ns: Some(3_500),
            ret: Some(ret),
            captures: path
                .map(|p| crate::event::Capture {
                    arg: 1,
                    kind: 1,
                    data: p.as_bytes().to_vec(),
                    ..Default::default()
                })
                .into_iter()
                .collect(),
            ..Default::default()
        }
    }

    fn attribute<'r>(r: &'r LogRecord, key: &str) -> Option<&'r Value> {
        r.attributes
            .iter()
            .find(|a| a.key == key)
            .and_then(|a| a.value.as_ref()?.value.as_ref())
    }

    #[test]
    fn a_reused_record_is_the_record_a_new_one_would_be() {
        let ctx = Context {
            tasks: &Tasks,
            fds: None,
            names: None,
        };
        let (decode, clock) = (DecodeOptions::default(), Clock::new());
        let mut chunk: Chunk<CallFacts> = Chunk::with_capacity(4);
        let long = "/a/path/long/enough/to/need/more/room/than/the/others".to_string();
        let calls = [
            call("openat", [0xffffff9c, 0x1000, 0, 0, 0, 0], -2, Some(&long)),
            call("close", [3, 0, 0, 0, 0, 0], 0, None),
            call("getpid", [0; 6], 7, None),
            call("openat", [0xffffff9c, 0x1000, 0, 0, 0, 0], 3, Some("/x")),
        ];
        for c in &calls {
            let mut facts = CallFacts::new(c, &ctx, &decode, &clock, &mut chunk);
            if c.ret == Some(-2) {
                facts.span = Some(Ids::new().next());
            }
            chunk.calls.push(facts);
        }
        let mut reused = LogRecord::default();
        for facts in &chunk.calls {
            let mut new = LogRecord::default();
            facts.write_log(&chunk, &mut new);
            facts.write_log(&chunk, &mut reused);
            assert_eq!(new, reused);
        }
        let mut first = LogRecord::default();
        chunk.calls[0].write_log(&chunk, &mut first);
        assert_eq!(
            first.body.as_ref().unwrap().value,
            Some(string(format!(
                "openat(AT_FDCWD, \"{long}\", O_RDONLY) = -1 ENOENT (No such file or directory)"
            )))
        );
        assert_eq!(attribute(&first, "syscall.name"), Some(&string("openat")));
        let Some(Value::ArrayValue(args)) = attribute(&first, "syscall.args") else {
            panic!("no arguments");
        };
        assert_eq!(args.values.len(), 3);
        assert_eq!(args.values[1].value, Some(string(format!("\"{long}\""))));
        assert_eq!(attribute(&first, "syscall.errno"), Some(&string("ENOENT")));
        assert_eq!(
            attribute(&first, "syscall.return"),
            Some(&Value::IntValue(-1))
        );
        assert_eq!(first.severity_text, "WARN");
        assert_eq!(first.trace_id.len(), 16);
        let mut last = LogRecord::default();
        chunk.calls[2].write_log(&chunk, &mut last);
        assert_eq!(attribute(&last, "syscall.errno"), None);
        assert!(last.trace_id.is_empty());
        assert_eq!(last.attributes.len(), 5);
    }

    #[test]
    fn a_record_is_written_as_the_text_line_is_with_every_decode_option() {
        let ctx = Context {
            tasks: &Tasks,
            fds: None,
            names: None,
        };
        let clock = Clock::new();
        let openat = call(
            "openat",
            [0xffffff9c, 0x1000, 0o101, 0o644, 0, 0],
            3,
            Some("/x"),
        );
        let mmap = call(
            "mmap",
            [0, 4096, 3, 0x22, u64::MAX, 0],
            0x7f00_0000_0000,
            None,
        );
        for xlat in [XlatStyle::Abbrev, XlatStyle::Raw, XlatStyle::Verbose] {
            let mut known = vec![false; mmap.nr as usize + 1];
            known[mmap.nr as usize] = true;
            let decode = DecodeOptions {
                xlat,
                raw: Syscalls::Only {
                    known: known.into(),
                    unknown: false,
                },
                ..Default::default()
            };
            for c in [&openat, &mmap] {
                let mut chunk: Chunk<CallFacts> = Chunk::with_capacity(1);
                let facts = CallFacts::new(c, &ctx, &decode, &clock, &mut chunk);
                let mut line = String::new();
                decode::write_args(&mut line, c, &decode, decode::ArgsPart::All, None);
                let body = facts.body(&chunk);
                assert!(
                    body.contains(&format!("({line})")),
                    "{xlat:?}: {body} vs {line}"
                );
            }
        }
    }

    #[test]
    fn span_ids_never_repeat_and_are_never_zero() {
        let mut ids = Ids::new();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let s = ids.next();
            assert_ne!(s.span, [0; 8]);
            assert!(seen.insert((s.trace, s.span)));
        }
    }
}
