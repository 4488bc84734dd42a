//! Makes one 32-bit (compat) syscall and exits with status 7 (`tracer_tests::compat32`):
//! `compat32 [DIR]`, DIR being where arm64's AArch32 program is written (default: the
//! temporary directory).

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(std::env::temp_dir, Into::into);
    tracer_tests::compat32::run(&dir);
}
