//! Calls, processes and totals as OpenTelemetry's own protobuf messages
//! (`opentelemetry-proto`). Attribute names follow the semantic conventions where they
//! have one (`host.name`, `process.pid`, `process.executable.name`, `thread.id`,
//! `container.id`, `container.runtime`, `k8s.pod.uid`, `error.type`); the syscall's own
//! facts are under `syscall.*`.

use std::sync::Arc;

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

/// One completed call as the export needs it. Decoded on the tracing thread (only it
/// knows the fd names), as one string and a few numbers so that it costs little there;
/// the export thread makes the OTLP messages from it.
pub struct CallFacts {
    tid: u32,
    start_ns: u64,
    end_ns: u64,
    /// As the program sees it (-1 on error).
    ret: i64,
    errno: Option<&'static str>,
    /// `name(arg, arg) = retval`, strace's line: the log's body.
    text: String,
    /// Where each argument is in `text`.
    args: Vec<std::ops::Range<u32>>,
    /// The span's ids, when the call is also a span.
    pub span: Option<SpanIds>,
}

impl CallFacts {
    pub fn new(call: &Syscall, ctx: &Context, decode: &DecodeOptions, clock: &Clock) -> Self {
        let mut text = String::with_capacity(128);
        match syscalls::name(call.nr) {
            Some(name) => text.push_str(name),
            None => {
                let _ =
                    std::fmt::Write::write_fmt(&mut text, format_args!("syscall_{:#x}", call.nr));
            }
        }
        text.push('(');
        let args = decode::write_each_arg(&mut text, call, decode, ctx.fds);
        text.push_str(") = ");
        decode::write_result(&mut text, call, decode, ctx.fds);
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
            text,
            args,
            span: None,
        }
    }

    fn name(&self) -> &str {
        &self.text[..self.text.find('(').unwrap_or(0)]
    }

    fn attributes(&self) -> Vec<KeyValue> {
        let args = self
            .args
            .iter()
            .map(|r| AnyValue {
                value: Some(string(&self.text[r.start as usize..r.end as usize])),
            })
            .collect();
        let mut attributes = Vec::with_capacity(7);
        attributes.extend([
            kv("syscall.name", string(self.name())),
            kv(
                "syscall.args",
                Value::ArrayValue(ArrayValue { values: args }),
            ),
            kv("syscall.return", Value::IntValue(self.ret)),
            kv(
                "syscall.duration_ns",
                Value::IntValue(self.end_ns.saturating_sub(self.start_ns) as i64),
            ),
            kv("thread.id", Value::IntValue(self.tid.into())),
        ]);
        if let Some(errno) = self.errno {
            attributes.push(kv("syscall.errno", string(errno)));
            attributes.push(kv("error.type", string(errno)));
        }
        attributes
    }

    /// The call as a span with its real start and end (when it is one).
    pub fn span(&self) -> Option<Span> {
        let ids = self.span.as_ref()?;
        Some(Span {
            trace_id: ids.trace.to_vec(),
            span_id: ids.span.to_vec(),
            name: self.name().to_owned(),
            kind: SpanKind::Internal as i32,
            start_time_unix_nano: self.start_ns,
            end_time_unix_nano: self.end_ns,
            attributes: self.attributes(),
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

    /// The call as a log record, tied to its span when it has one.
    pub fn log(self) -> LogRecord {
        let severity = if self.errno.is_some() {
            SeverityNumber::Warn
        } else {
            SeverityNumber::Info
        };
        let attributes = self.attributes();
        LogRecord {
            time_unix_nano: self.start_ns,
            observed_time_unix_nano: self.end_ns,
            severity_number: severity as i32,
            severity_text: severity
                .as_str_name()
                .trim_start_matches("SEVERITY_NUMBER_")
                .into(),
            attributes,
            trace_id: self
                .span
                .as_ref()
                .map_or_else(Vec::new, |s| s.trace.to_vec()),
            span_id: self
                .span
                .as_ref()
                .map_or_else(Vec::new, |s| s.span.to_vec()),
            event_name: "syscall".into(),
            body: Some(AnyValue {
                value: Some(Value::StringValue(self.text)),
            }),
            ..Default::default()
        }
    }
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
mod tests {
    use super::*;

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
