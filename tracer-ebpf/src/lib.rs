#![no_std]
// The programs live in the `tracer` binary target (src/main.rs); this library only exists so
// tooling that expects one has something to build.
