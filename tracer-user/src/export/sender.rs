//! The export thread: a single-threaded tokio runtime that batches the queue, encodes
//! each batch as one OTLP request (prost) and posts it to the collector (reqwest), with
//! retries and exponential backoff. It shares only the queue, the latest metrics and the
//! counters with the tracing thread.

use std::{
    sync::{
        Arc,
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

use super::otlp::{self, ByResource, Chunk};
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
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("making the export's HTTP client")?;
        let post = Post {
            in_flight: Arc::new(Semaphore::new(IN_FLIGHT)),
            client,
            endpoint: opts.endpoint.clone(),
            counters: counters.clone(),
            draining: None,
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
    mut post: Post,
    mut queue: mpsc::Receiver<Chunk<Item>>,
    mut metrics: watch::Receiver<Option<Snapshot>>,
    host: String,
) {
    let host_resource = otlp::host_resource(&host);
    let mut closed = false;
    let mut encoder = Encoder::default();
    while !closed {
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
            post.draining = Some(Instant::now() + DRAIN_LIMIT);
        }
        let (spans, logs) = encoder.encode(batch);
        if let Some((body, n)) = spans {
            post.spawn("/v1/traces", body, n, Sent::Spans(n)).await;
        }
        if let Some((body, n)) = logs {
            post.spawn("/v1/logs", body, n, Sent::Logs(n)).await;
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
                    "/v1/metrics",
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
    /// The log records of the batches sent, to be written over: most of a record's
    /// strings keep their room, so a record costs no allocation once the first batches
    /// are out.
    spare: Vec<LogRecord>,
}

/// An encoded request and the records in it.
type Request = Option<(Vec<u8>, u64)>;

impl Encoder {
    /// The batch's spans and log records, each as one request (when there are any).
    pub fn encode(&mut self, batch: Vec<Chunk<Item>>) -> (Request, Request) {
        let (mut logs, mut spans) = (ByResource::default(), ByResource::default());
        for chunk in &batch {
            for Item { resource, call } in &chunk.calls {
                if let Some(span) = call.span(chunk) {
                    spans.push(resource, span);
                }
                let mut record = self.spare.pop().unwrap_or_default();
                call.write_log(chunk, &mut record);
                logs.push(resource, record);
            }
        }
        drop(batch);
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
        let mut sent_logs = None;
        if logs.len() > 0 {
            let n = logs.len() as u64;
            let mut request = ExportLogsServiceRequest {
                resource_logs: logs
                    .into_groups()
                    .into_iter()
                    .map(|(r, log_records)| ResourceLogs {
                        resource: Some((*r).clone()),
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
            for group in request.resource_logs.iter_mut() {
                for scope in group.scope_logs.iter_mut() {
                    // Not the rare long ones: what is kept stays small.
                    self.spare
                        .extend(scope.log_records.drain(..).filter(otlp::small));
                }
            }
            sent_logs = Some((body, n));
        }
        (sent_spans, sent_logs)
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
    client: reqwest::Client,
    endpoint: String,
    counters: Arc<Counters>,
    /// After the trace: retries stop at this time.
    draining: Option<Instant>,
}

enum Failure {
    /// Worth another try (no connection, timeout, 429, 502-504).
    Retry,
    /// The collector refused the data itself.
    Refused,
}

impl Post {
    /// Posts `body` on a task of its own once fewer than [`IN_FLIGHT`] requests are out,
    /// counting it as `sent` when it is accepted.
    async fn spawn(&self, path: &'static str, body: Vec<u8>, records: u64, sent: Sent) {
        let permit = self
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let mut post = self.clone();
        tokio::spawn(async move {
            if post.send(path, body, records).await {
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
    async fn send(&mut self, path: &str, body: Vec<u8>, records: u64) -> bool {
        // Retries share the encoded bytes.
        let body = bytes::Bytes::from(body);
        let give_up = Instant::now() + GIVE_UP_AFTER;
        let mut wait = BACKOFF_FIRST;
        loop {
            match self.post_once(path, body.clone()).await {
                Ok(()) => {
                    self.counters.down.store(false, Ordering::Relaxed);
                    return true;
                }
                Err(Failure::Refused) => break,
                Err(Failure::Retry) => {
                    if !self.counters.down.swap(true, Ordering::Relaxed) {
                        self.counters.outages.fetch_add(1, Ordering::Relaxed);
                    }
                    let limit = self.draining.map_or(give_up, |d| d.min(give_up));
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

    async fn post_once(&self, path: &str, body: bytes::Bytes) -> Result<(), Failure> {
        let response = self
            .client
            .post(format!("{}{path}", self.endpoint))
            .header("content-type", "application/x-protobuf")
            .body(body)
            .send()
            .await
            .map_err(|_| Failure::Retry)?;
        match response.status().as_u16() {
            200..=299 => Ok(()),
            429 | 502..=504 => Err(Failure::Retry),
            _ => Err(Failure::Refused),
        }
    }
}
