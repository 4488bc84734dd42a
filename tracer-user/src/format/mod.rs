//! Formatters turn [`Event`]s into output. They share one interface so the run loop does
//! not care which one the user picked.

pub mod text;

use std::io;

use crate::event::Event;

pub trait Sink {
    fn event(&mut self, event: &Event) -> io::Result<()>;
    /// Called when the backend has drained a batch: a good moment to flush.
    fn flush(&mut self) -> io::Result<()>;
}
