//! How an encoded OTLP request reaches the collector: OTLP/HTTP (a POST of the protobuf
//! to `/v1/logs`...) or OTLP/gRPC (the same bytes as a unary call of the collector's
//! `Export` service, over tonic's HTTP/2 channel). Both say whether a failure is worth
//! another try, as the OTLP specification lists them.

use std::time::Duration;

use anyhow::{Context as _, Result};
use bytes::{Buf as _, BufMut as _, Bytes};
use tonic::{
    Code, Status,
    codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder},
    transport::{Channel, Endpoint},
};

use crate::config::{ExportOptions, ExportProtocol};

/// What kind of data a request carries.
#[derive(Clone, Copy, Debug)]
pub enum Signal {
    Logs,
    Traces,
    Metrics,
}

impl Signal {
    fn http_path(self) -> &'static str {
        match self {
            Self::Logs => "/v1/logs",
            Self::Traces => "/v1/traces",
            Self::Metrics => "/v1/metrics",
        }
    }

    fn grpc_method(self) -> &'static str {
        match self {
            Self::Logs => "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
            Self::Traces => "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            Self::Metrics => "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
        }
    }
}

/// Why a request failed.
pub enum Failure {
    /// Worth another try (no connection, a timeout, the collector busy or restarting).
    Retry,
    /// The collector refused the data itself.
    Refused,
}

#[derive(Clone)]
pub enum Transport {
    Http {
        client: reqwest::Client,
        endpoint: String,
    },
    Grpc(tonic::client::Grpc<Channel>),
}

impl Transport {
    /// Made inside the export runtime (the gRPC channel connects lazily on it).
    pub fn new(opts: &ExportOptions, timeout: Duration) -> Result<Self> {
        Ok(match opts.protocol {
            ExportProtocol::Http => Self::Http {
                client: reqwest::Client::builder()
                    .timeout(timeout)
                    .build()
                    .context("making the export's HTTP client")?,
                endpoint: opts.endpoint.clone(),
            },
            ExportProtocol::Grpc => {
                // The channel speaks HTTP/2 in the clear: its address is the `http://` one.
                let address = opts.endpoint.replacen("grpc://", "http://", 1);
                let channel = Endpoint::from_shared(address)
                    .context("the export's gRPC endpoint")?
                    .timeout(timeout)
                    .connect_timeout(timeout)
                    .connect_lazy();
                Self::Grpc(tonic::client::Grpc::new(channel))
            }
        })
    }

    /// Sends one encoded request.
    pub async fn send(&self, signal: Signal, body: Bytes) -> Result<(), Failure> {
        match self {
            Self::Http { client, endpoint } => {
                let response = client
                    .post(format!("{endpoint}{}", signal.http_path()))
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
            Self::Grpc(grpc) => {
                let mut grpc = grpc.clone();
                grpc.ready().await.map_err(|_| Failure::Retry)?;
                let method =
                    tonic::codegen::http::uri::PathAndQuery::from_static(signal.grpc_method());
                match grpc.unary(tonic::Request::new(body), method, Raw).await {
                    Ok(_) => Ok(()),
                    Err(status) if retryable(&status) => Err(Failure::Retry),
                    Err(_) => Err(Failure::Refused),
                }
            }
        }
    }
}

/// The gRPC codes OTLP says to retry.
fn retryable(status: &Status) -> bool {
    matches!(
        status.code(),
        Code::Cancelled
            | Code::DeadlineExceeded
            | Code::ResourceExhausted
            | Code::Aborted
            | Code::OutOfRange
            | Code::Unavailable
            | Code::DataLoss
    )
}

/// A codec of already-encoded requests; the answer (an `Export...ServiceResponse`,
/// whose partial-success counts are not used) is skipped.
#[derive(Clone, Copy, Default)]
struct Raw;

impl Codec for Raw {
    type Encode = Bytes;
    type Decode = ();
    type Encoder = Raw;
    type Decoder = Raw;

    fn encoder(&mut self) -> Raw {
        Raw
    }

    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = ();
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<()>, Status> {
        src.advance(src.remaining());
        Ok(Some(()))
    }
}
