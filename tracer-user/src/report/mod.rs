//! Reports that consume the events like any other sink and are written at the end:
//! `-c`'s table and `--diagnose`'s findings.

pub mod diagnose;
pub mod summary;
