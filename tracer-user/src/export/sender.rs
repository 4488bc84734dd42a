//! The export thread: a single-threaded tokio runtime that batches the queue, encodes
//! each batch as one OTLP request (prost) and sends it to the collector (`transport`:
//! OTLP/HTTP or OTLP/gRPC), with retries and exponential backoff. It shares only the queue, the latest metrics and the
//! counters with the tracing thread.

use std::{
    sync::{
        Arc, OnceLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    thread::JoinHandle,
    time::Duration,
};

use anyhow::{Context as _, Result};
use opentelemetry_proto::tonic::{
    collector::{
        logs::v1::ExportLogsServiceRequest, metrics::v1::ExportMetricsServiceRequest,
        trace::v1::ExportTraceServiceRequest,
    },
    logs::v1::{LogRecord, ResourceLogs, ScopeLogs},
    metrics::v1::{ResourceMetrics, ScopeMetrics},
    resource::v1::Resource,
    trace::v1::{ResourceSpans, ScopeSpans},
};
use prost::Message as _;
use tokio::{
    sync::{Semaphore, mpsc, watch},
    time::{Instant, sleep, timeout},
};

use super::{
    otlp::{self, ByResource, Chunk},
    transport::{Failure, Signal, Transport},
};
use crate::{config::ExportOptions, event::Totals};

/// Records per request, at most.
const BATCH: usize = 4096;
/// A batch goes out at least this often.
const FLUSH_EVERY: Duration = Duration::from_millis(500);
/// A request's own time limit.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Retries of one batch wait from `BACKOFF_FIRST`, doubling up to `BACKOFF_MAX`; a batch
/// not accepted within `GIVE_UP_AFTER` is dropped (and counted) to make room.
const BACKOFF_FIRST: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
const GIVE_UP_AFTER: Duration = Duration::from_secs(30);
/// Requests out at once: a collector's answer takes a while, the next batch need not wait.
const IN_FLIGHT: usize = 4;
/// While the collector is down: how often the end of the trace is looked for.
const SETTLE_POLL: Duration = Duration::from_millis(100);
/// After the trace: how long what is queued may still take to go out.
const DRAIN_LIMIT: Duration = Duration::from_secs(5);

/// What the tracing thread hands over: a call of a process.
pub struct Item {
    pub resource: Arc<Resource>,
    pub call: otlp::CallFacts,
}

/// The per-syscall totals at one moment (cumulative).
#[derive(Clone)]
pub struct Snapshot {
    pub totals: Totals,
    pub start_ns: i64,
    pub now_ns: i64,
}

/// What both threads count.
#[derive(Default)]
pub struct Counters {
    pub logs_sent: AtomicU64,
    pub spans_sent: AtomicU64,
    pub points_sent: AtomicU64,
    /// Offered while the queue was full.
    pub dropped_full: AtomicU64,
    /// Given up after retries, refused by the collector, or left at exit.
    pub dropped_failed: AtomicU64,
    /// The collector's last request failed.
    pub down: AtomicBool,
    /// Times it went from answering to failing: an outage shorter than the tracing
    /// thread's look at `down` is still told.
    pub outages: AtomicU64,
}

pub struct Sender {
    thread: JoinHandle<()>,
}

impl Sender {
    pub fn start(
        opts: &ExportOptions,
        queue: mpsc::Receiver<Chunk<Item>>,
        metrics: watch::Receiver<Option<Snapshot>>,
        counters: Arc<Counters>,
        host: String,
    ) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .enable_io()
            .build()
            .context("starting the export runtime")?;
        let transport = {
            let _runtime = runtime.enter();
            Transport::new(opts, REQUEST_TIMEOUT)?
        };
        let post = Post {
            in_flight: Arc::new(Semaphore::new(IN_FLIGHT)),
            transport,
            counters: counters.clone(),
            draining: Arc::default(),
        };
        let thread = std::thread::Builder::new()
            .name("tracer-export".into())
            .spawn(move || {
                runtime.block_on(run(post, queue, metrics, host));
            })
            .context("starting the export thread")?;
        Ok(Self { thread })
    }

    /// Waits for the thread, which ends once the queue is closed and drained.
    pub fn join(self) {
        let _ = self.thread.join();
    }
}

async fn run(
    post: Post,
    mut queue: mpsc::Receiver<Chunk<Item>>,
    mut metrics: watch::Receiver<Option<Snapshot>>,
    host: String,
) {
    let host_resource = otlp::host_resource(&host);
    let mut closed = false;
    let mut encoder = Encoder::default();
    while !closed {
        // While the collector fails, the requests out retry and nothing more is taken:
        // what arrives meanwhile waits in the queue up to its bound (the one memory
        // bound), the rest is dropped and counted.
        while post.counters.down.load(Ordering::Relaxed) && !queue.is_closed() {
            if timeout(SETTLE_POLL, post.settle()).await.is_ok() {
                break;
            }
        }
        let mut batch: Vec<Chunk<Item>> = Vec::new();
        let mut calls = 0;
        let deadline = Instant::now() + FLUSH_EVERY;
        // Chunks until the batch is full or it is time.
        while calls < BATCH {
            let left = deadline.saturating_duration_since(Instant::now());
            match timeout(left, queue.recv()).await {
                Ok(Some(chunk)) => {
                    calls += chunk.calls.len();
                    batch.push(chunk);
                }
                Ok(None) => {
                    closed = true;
                    break;
                }
                Err(_) => break,
            }
        }
        if closed {
            let _ = post.draining.set(Instant::now() + DRAIN_LIMIT);
        }
        let (spans, logs) = encoder.encode(batch);
        if let Some((body, n)) = spans {
            post.spawn(Signal::Traces, body, n, Sent::Spans(n)).await;
        }
        if let Some((body, n)) = logs {
            post.spawn(Signal::Logs, body, n, Sent::Logs(n)).await;
        }
        // The latest totals, once each; at the end whatever the tracing thread left.
        if metrics.has_changed().unwrap_or(false) || closed {
            let snapshot = metrics.borrow_and_update().clone();
            if let Some(s) = snapshot.filter(|s| !s.totals.by_nr.is_empty()) {
                let request = ExportMetricsServiceRequest {
                    resource_metrics: vec![ResourceMetrics {
                        resource: Some(host_resource.clone()),
                        scope_metrics: vec![ScopeMetrics {
                            scope: Some(otlp::scope()),
                            metrics: otlp::metrics(&s.totals, s.start_ns, s.now_ns),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }],
                };
                let points = 2 * s.totals.by_nr.len() as u64;
                post.spawn(
                    Signal::Metrics,
                    request.encode_to_vec(),
                    0,
                    Sent::Points(points),
                )
                .await;
            }
        }
    }
    post.settle().await;
}

/// Batches as OTLP requests.
#[derive(Default)]
pub struct Encoder {
    /// The log records of the batches sent, written over in place by the next: most of a
    /// record's strings keep their room, so a record costs no allocation (and with one
    /// resource in the batch, no move) once the first batches are out.
    records: Vec<LogRecord>,
}

/// An encoded request and the records in it.
type Request = Option<(Vec<u8>, u64)>;

impl Encoder {
    /// The batch's spans and log records, each as one request (when there are any).
    pub fn encode(&mut self, batch: Vec<Chunk<Item>>) -> (Request, Request) {
        // Each call's place, grouped by resource.
        let (mut order, mut spans) = (ByResource::default(), ByResource::default());
        for (c, chunk) in batch.iter().enumerate() {
            for (i, Item { resource, call }) in chunk.calls.iter().enumerate() {
                if let Some(span) = call.span(chunk) {
                    spans.push(resource, span);
                }
                order.push(resource, (c, i));
            }
        }
        let mut sent_spans = None;
        if spans.len() > 0 {
            let n = spans.len() as u64;
            let request = ExportTraceServiceRequest {
                resource_spans: spans
                    .into_groups()
                    .into_iter()
                    .map(|(r, spans)| ResourceSpans {
                        resource: Some((*r).clone()),
                        scope_spans: vec![ScopeSpans {
                            scope: Some(otlp::scope()),
                            spans,
                            ..Default::default()
                        }],
                        ..Default::default()
                    })
                    .collect(),
            };
            sent_spans = Some((request.encode_to_vec(), n));
        }
        let n = order.len();
        if n == 0 {
            return (sent_spans, None);
        }
        let groups = order.into_groups();
        let records = &mut self.records;
        for (at, &(c, i)) in groups.iter().flat_map(|(_, places)| places).enumerate() {
            if at == records.len() {
                records.push(LogRecord::default());
            }
            let chunk = &batch[c];
            chunk.calls[i].call.write_log(chunk, &mut records[at]);
        }
        drop(batch);
        // Records beyond this batch wait for the next; each resource's records are a
        // vector of their own, split off the end (nothing moves with one resource).
        let beyond = records.split_off(n);
        let mut first = std::mem::take(records);
        let mut rest: Vec<Vec<LogRecord>> = groups[1..]
            .iter()
            .rev()
            .map(|(_, places)| first.split_off(first.len() - places.len()))
            .collect();
        rest.reverse();
        let request = ExportLogsServiceRequest {
            resource_logs: groups
                .iter()
                .zip(std::iter::once(first).chain(rest))
                .map(|((r, _), log_records)| ResourceLogs {
                    resource: Some((**r).clone()),
                    scope_logs: vec![ScopeLogs {
                        scope: Some(otlp::scope()),
                        log_records,
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
        };
        let body = request.encode_to_vec();
        let mut lists = request
            .resource_logs
            .into_iter()
            .flat_map(|group| group.scope_logs)
            .map(|scope| scope.log_records);
        let mut kept = lists.next().unwrap_or_default();
        kept.extend(lists.flatten());
        kept.extend(beyond);
        // Not the rare long ones: what is kept stays small.
        kept.retain(otlp::small);
        self.records = kept;
        (sent_spans, Some((body, n as u64)))
    }
}

/// What an accepted request counts as sent.
#[derive(Clone, Copy)]
enum Sent {
    Logs(u64),
    Spans(u64),
    Points(u64),
}

/// Posting to the collector, up to [`IN_FLIGHT`] requests at a time.
#[derive(Clone)]
struct Post {
    in_flight: Arc<Semaphore>,
    transport: Transport,
    counters: Arc<Counters>,
    /// After the trace: retries stop at this time (shared with the requests out).
    draining: Arc<OnceLock<Instant>>,
}

impl Post {
    /// Posts `body` on a task of its own once fewer than [`IN_FLIGHT`] requests are out,
    /// counting it as `sent` when it is accepted.
    async fn spawn(&self, signal: Signal, body: Vec<u8>, records: u64, sent: Sent) {
        let permit = self
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let post = self.clone();
        tokio::spawn(async move {
            if post.send(signal, body, records).await {
                let c = &post.counters;
                match sent {
                    Sent::Logs(n) => c.logs_sent.fetch_add(n, Ordering::Relaxed),
                    Sent::Spans(n) => c.spans_sent.fetch_add(n, Ordering::Relaxed),
                    Sent::Points(n) => c.points_sent.fetch_add(n, Ordering::Relaxed),
                };
            }
            drop(permit);
        });
    }

    /// Waits until every request is answered or given up.
    async fn settle(&self) {
        let _ = self.in_flight.acquire_many(IN_FLIGHT as u32).await;
    }

    /// Posts `body` until it is accepted, refused, or retried for too long; `records`
    /// are counted as dropped unless it is accepted.
    async fn send(&self, signal: Signal, body: Vec<u8>, records: u64) -> bool {
        // Retries share the encoded bytes.
        let body = bytes::Bytes::from(body);
        let give_up = Instant::now() + GIVE_UP_AFTER;
        let mut wait = BACKOFF_FIRST;
        loop {
            match self.transport.send(signal, body.clone()).await {
                Ok(()) => {
                    self.counters.down.store(false, Ordering::Relaxed);
                    return true;
                }
                Err(Failure::Refused) => break,
                Err(Failure::Retry) => {
                    if !self.counters.down.swap(true, Ordering::Relaxed) {
                        self.counters.outages.fetch_add(1, Ordering::Relaxed);
                    }
                    let limit = self.draining.get().map_or(give_up, |&d| d.min(give_up));
                    if Instant::now() + wait > limit {
                        break;
                    }
                    sleep(wait).await;
                    wait = (wait * 2).min(BACKOFF_MAX);
                }
            }
        }
        self.counters
            .dropped_failed
            .fetch_add(records, Ordering::Relaxed);
        false
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value::Value};

    use super::*;
    use crate::{
        decode::DecodeOptions,
        event::{Context, Syscall},
        export::otlp::{
            CallFacts,
            tests::{Tasks, call},
        },
        output::time::Clock,
    };

    fn chunk(clock: &Clock, calls: &[(&Arc<Resource>, &Syscall)]) -> Chunk<Item> {
        let ctx = Context {
            tasks: &Tasks,
            fds: None,
            names: None,
        };
        let decode = DecodeOptions::default();
        let mut chunk = Chunk::with_capacity(calls.len());
        for (resource, c) in calls {
            let call = CallFacts::new(c, &ctx, &decode, clock, &mut chunk);
            chunk.calls.push(Item {
                resource: Arc::clone(resource),
                call,
            });
        }
        chunk
    }

    /// Each resource's pid and its records' bodies, in the request's order.
    fn bodies(body: &[u8]) -> Vec<(i64, Vec<String>)> {
        let request = ExportLogsServiceRequest::decode(body).unwrap();
        request
            .resource_logs
            .iter()
            .map(|g| {
                let pid = g.resource.as_ref().unwrap().attributes[1].value.clone();
                let Some(AnyValue {
                    value: Some(Value::IntValue(pid)),
                }) = pid
                else {
                    panic!("no pid");
                };
                let records = &g.scope_logs[0].log_records;
                let texts = records
                    .iter()
                    .map(|r| match &r.body {
                        Some(AnyValue {
                            value: Some(Value::StringValue(s)),
                        }) => s.clone(),
                        _ => panic!("no body"),
                    })
                    .collect();
                (pid, texts)
            })
            .collect()
    }

    #[test]
    fn batches_group_by_resource_and_reused_records_encode_as_new_ones() {
        let one = Arc::new(otlp::resource("host", 1, Some("a"), None));
        let two = Arc::new(otlp::resource("host", 2, Some("b"), None));
        let long = format!("/{}", "x".repeat(300));
        let openat = call("openat", [0xffffff9c, 0x1000, 0, 0, 0, 0], -2, Some(&long));
        let close = call("close", [3, 0, 0, 0, 0, 0], 0, None);
        let getpid = call("getpid", [0; 6], 7, None);
        let mixed = [
            (&one, &openat),
            (&two, &close),
            (&one, &getpid),
            (&two, &openat),
            (&one, &close),
        ];
        // One clock: the same calls get the same times.
        let clock = Clock::new();
        let fresh = |calls: &[(&Arc<Resource>, &Syscall)]| {
            Encoder::default()
                .encode(vec![chunk(&clock, calls)])
                .1
                .unwrap()
                .0
        };
        let mut encoder = Encoder::default();
        let first = encoder.encode(vec![chunk(&clock, &mixed)]).1.unwrap();
        assert_eq!(first.1, 5);
        let groups = bodies(&first.0);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, 1);
        assert_eq!(groups[1].0, 2);
        assert!(groups[0].1[0].starts_with("openat("));
        assert!(groups[0].1[1].starts_with("getpid("));
        assert!(groups[0].1[2].starts_with("close("));
        assert!(groups[1].1[0].starts_with("close("));
        assert!(groups[1].1[1].starts_with("openat("));
        // Fewer calls, one resource, then the first batch again, over reused records:
        // byte for byte what new records make.
        let few = [(&two, &getpid), (&two, &close)];
        let second = encoder.encode(vec![chunk(&clock, &few)]).1.unwrap();
        assert_eq!(second.1, 2);
        assert_eq!(second.0, fresh(&few));
        let third = encoder.encode(vec![chunk(&clock, &mixed[..2]), chunk(&clock, &mixed[2..])]);
        assert_eq!(third.1.unwrap().0, fresh(&mixed));
        assert!(
            third.0.is_none(),
            "no call was slow or failed with spans on"
        );
    }
}
