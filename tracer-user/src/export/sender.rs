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
    trace::v1::{ResourceSpans, ScopeSpans, Span},
};
use prost::Message as _;
use tokio::{
    sync::{mpsc, watch},
    time::{Instant, sleep, timeout},
};

use super::otlp;
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
/// After the trace: how long what is queued may still take to go out.
const DRAIN_LIMIT: Duration = Duration::from_secs(5);

/// What the tracing thread hands over.
pub enum Item {
    Log {
        resource: Arc<Resource>,
        record: LogRecord,
    },
    Span {
        resource: Arc<Resource>,
        span: Span,
    },
}

impl Item {
    pub fn records(&self) -> u64 {
        1
    }
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
}

pub struct Sender {
    thread: JoinHandle<()>,
}

impl Sender {
    pub fn start(
        opts: &ExportOptions,
        queue: mpsc::Receiver<Item>,
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
            client,
            endpoint: opts.endpoint.clone(),
            counters: counters.clone(),
            draining: None,
        };
        let thread = std::thread::Builder::new()
            .name("tracer-export".into())
            .spawn(move || {
                runtime.block_on(run(post, queue, metrics, counters, host));
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
    mut queue: mpsc::Receiver<Item>,
    mut metrics: watch::Receiver<Option<Snapshot>>,
    counters: Arc<Counters>,
    host: String,
) {
    let host_resource = otlp::host_resource(&host);
    let mut closed = false;
    while !closed {
        let mut batch = Vec::with_capacity(BATCH);
        let deadline = Instant::now() + FLUSH_EVERY;
        while batch.len() < BATCH {
            match timeout(
                deadline.saturating_duration_since(Instant::now()),
                queue.recv(),
            )
            .await
            {
                Ok(Some(item)) => batch.push(item),
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
        let (mut logs, mut spans) = (Vec::new(), Vec::new());
        for item in batch {
            match item {
                Item::Log { resource, record } => logs.push((resource, record)),
                Item::Span { resource, span } => spans.push((resource, span)),
            }
        }
        if !spans.is_empty() {
            let n = spans.len() as u64;
            let request = ExportTraceServiceRequest {
                resource_spans: otlp::by_resource(spans)
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
            if post.send("/v1/traces", request.encode_to_vec(), n).await {
                counters.spans_sent.fetch_add(n, Ordering::Relaxed);
            }
        }
        if !logs.is_empty() {
            let n = logs.len() as u64;
            let request = ExportLogsServiceRequest {
                resource_logs: otlp::by_resource(logs)
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
            if post.send("/v1/logs", request.encode_to_vec(), n).await {
                counters.logs_sent.fetch_add(n, Ordering::Relaxed);
            }
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
                if post.send("/v1/metrics", request.encode_to_vec(), 0).await {
                    counters.points_sent.fetch_add(points, Ordering::Relaxed);
                }
            }
        }
    }
}

/// Posting to the collector.
struct Post {
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
    /// Posts `body` until it is accepted, refused, or retried for too long; `records`
    /// are counted as dropped unless it is accepted.
    async fn send(&mut self, path: &str, body: Vec<u8>, records: u64) -> bool {
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
                    self.counters.down.store(true, Ordering::Relaxed);
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

    async fn post_once(&self, path: &str, body: Vec<u8>) -> Result<(), Failure> {
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
