//! `--export otlp=URL`: the trace sent to an OpenTelemetry collector as well as to the
//! normal output. On the tracing thread this sink only decodes each call once (what the
//! fd names and task facts say is known only there) and offers the calls to a bounded
//! queue, never waiting: when the queue is full they are dropped and counted. A thread
//! of its own (`sender`, a tokio runtime) makes the OTLP messages (`otlp`), batches and
//! posts them over OTLP/HTTP and retries with backoff, so a slow or dead collector costs
//! memory up to the queue's bound and a loss count, never the trace.

mod otlp;
mod sender;
mod transport;

use std::{
    collections::HashMap,
    io,
    sync::{Arc, atomic::Ordering},
    time::Instant,
};

use anyhow::Result;
use opentelemetry_proto::tonic::resource::v1::Resource;
use tokio::sync::{mpsc, watch};

use crate::{
    config::{Config, ExportOptions},
    decode::DecodeOptions,
    event::{Context, Event, Sink, Totals},
    output::time::Clock,
};
use otlp::Chunk;
use sender::{Counters, Item, Sender, Snapshot};

/// Calls handed to the export thread at a time: one queue operation (and at most one
/// wake-up of that thread) per this many calls, or per drained batch.
const CHUNK: usize = 256;

pub struct Exporter {
    opts: ExportOptions,
    /// Calls become records (not with `-c` alone: counts only, as metrics).
    calls: bool,
    /// Calls not handed over yet (up to [`CHUNK`]).
    pending: Chunk<Item>,
    decode: DecodeOptions,
    clock: Clock,
    queue: mpsc::Sender<Chunk<Item>>,
    metrics: watch::Sender<Option<Snapshot>>,
    counters: Arc<Counters>,
    sender: Option<Sender>,
    host: String,
    /// Each process's resource (its pid, name and container), made once.
    resources: HashMap<u32, Arc<Resource>>,
    last: Option<(u32, Arc<Resource>)>,
    ids: otlp::Ids,
    totals: Totals,
    /// The kernel counts (`-c`): its totals replace the ones counted here.
    kernel_totals: bool,
    start_ns: i64,
    last_metrics: Instant,
    /// The collector's state last reported on stderr.
    reported_down: bool,
    /// Outages told so far (`Counters::outages`).
    reported_outages: u64,
}

impl Exporter {
    pub fn new(cfg: &Config, opts: &ExportOptions) -> Result<Self> {
        // The bound is in calls; the queue holds chunks of them.
        let (queue, rx) = mpsc::channel(opts.queue.div_ceil(CHUNK));
        let (metrics, metrics_rx) = watch::channel(None);
        let counters = Arc::new(Counters::default());
        let host = hostname();
        let sender = Sender::start(opts, rx, metrics_rx, counters.clone(), host.clone())?;
        let clock = Clock::new();
        Ok(Self {
            opts: opts.clone(),
            calls: cfg.shows_calls(),
            pending: Chunk::with_capacity(CHUNK),
            decode: cfg.decode.clone(),
            start_ns: clock.now_ns(),
            clock,
            queue,
            metrics,
            counters,
            sender: Some(sender),
            host,
            resources: HashMap::new(),
            last: None,
            ids: otlp::Ids::new(),
            totals: Totals::default(),
            kernel_totals: false,
            last_metrics: Instant::now(),
            reported_down: false,
            reported_outages: 0,
        })
    }

    fn offer(&mut self, item: Item) {
        self.pending.calls.push(item);
        if self.pending.calls.len() >= CHUNK {
            self.hand_over();
        }
    }

    /// Queues the pending calls if there is room; drops and counts them if not.
    fn hand_over(&mut self) {
        if self.pending.calls.is_empty() {
            return;
        }
        let chunk = std::mem::replace(&mut self.pending, Chunk::with_capacity(CHUNK));
        if let Err(e) = self.queue.try_send(chunk) {
            let n = match e {
                mpsc::error::TrySendError::Full(c) | mpsc::error::TrySendError::Closed(c) => {
                    c.calls.len()
                }
            };
            self.counters
                .dropped_full
                .fetch_add(n as u64, Ordering::Relaxed);
        }
    }

    fn resource(&mut self, ctx: &Context, pid: u32, tid: u32) -> Arc<Resource> {
        let comm = ctx.tasks.comm(tid);
        let container = ctx.tasks.container(tid);
        if let Some(r) = self.resources.get(&pid)
            && otlp::resource_matches(r, comm, container.map(|c| &**c))
        {
            return r.clone();
        }
        let r = Arc::new(otlp::resource(
            &self.host,
            pid,
            comm,
            container.map(|c| &**c),
        ));
        self.resources.insert(pid, r.clone());
        r
    }

    fn publish_metrics(&mut self) {
        let snapshot = Snapshot {
            totals: self.totals.clone(),
            start_ns: self.start_ns,
            now_ns: self.clock.now_ns(),
        };
        self.metrics.send_replace(Some(snapshot));
        self.last_metrics = Instant::now();
    }

    /// Says once on stderr when the collector goes away and when it is back (on the
    /// tracing thread, between batches, so it never splits a trace line).
    fn report_state(&mut self) {
        let outages = self.counters.outages.load(Ordering::Relaxed);
        if outages > self.reported_outages {
            self.reported_outages = outages;
            self.reported_down = true;
            eprintln!(
                "tracer: export: collector at {} unreachable; retrying what was sent, holding up to \
                 {} more records, dropping and counting the rest",
                self.opts.endpoint, self.opts.queue
            );
        }
        if self.reported_down && !self.counters.down.load(Ordering::Relaxed) {
            self.reported_down = false;
            eprintln!(
                "tracer: export: collector at {} reachable again",
                self.opts.endpoint
            );
        }
    }

    /// Sends what is queued (waiting a few seconds at most) and says what was sent and
    /// dropped.
    pub fn finish(mut self) {
        self.hand_over();
        self.publish_metrics();
        self.report_state();
        let Some(sender) = self.sender.take() else {
            return;
        };
        let counters = self.counters.clone();
        let endpoint = self.opts.endpoint.clone();
        // Closing the queue tells the sender to finish.
        drop(self);
        sender.join();
        let c = &counters;
        let dropped_full = c.dropped_full.load(Ordering::Relaxed);
        let dropped_failed = c.dropped_failed.load(Ordering::Relaxed);
        let mut line = format!(
            "tracer: export: {} log records, {} spans, {} metric points sent to {endpoint}",
            c.logs_sent.load(Ordering::Relaxed),
            c.spans_sent.load(Ordering::Relaxed),
            c.points_sent.load(Ordering::Relaxed),
        );
        if dropped_full + dropped_failed > 0 {
            line += &format!(
                "; {} dropped ({dropped_full} with the queue full, {dropped_failed} not \
                 accepted by the collector)",
                dropped_full + dropped_failed
            );
        }
        eprintln!("{line}");
    }
}

impl Sink for Exporter {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        match event {
            Event::Completed(call) if call.ret.is_some() => {
                let duration = call.duration_ns().unwrap_or(0);
                if !self.kernel_totals {
                    self.totals
                        .add_call(call.nr, duration, duration, call.failed());
                }
                if !self.calls {
                    return Ok(());
                }
                let resource = self.resource(ctx, call.pid, call.tid);
                let mut facts =
                    otlp::CallFacts::new(call, ctx, &self.decode, &self.clock, &mut self.pending);
                let slow = duration >= self.opts.span_min_duration.as_nanos() as u64;
                if slow || (self.opts.span_failed && call.failed()) {
                    facts.span = Some(self.ids.next());
                }
                self.offer(Item {
                    resource,
                    call: facts,
                });
            }
            Event::Totals { totals, .. } => {
                self.kernel_totals = true;
                self.totals = totals.clone();
            }
            Event::Exited {
                pid, group: true, ..
            } => {
                self.resources.remove(pid);
                self.last = None;
            }
            _ => {}
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.hand_over();
        if self.last_metrics.elapsed() >= self.opts.interval {
            self.publish_metrics();
        }
        self.report_state();
        Ok(())
    }
}

/// This host's name (`host.name`).
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim_end().to_owned())
        .unwrap_or_else(|_| "unknown".into())
}
