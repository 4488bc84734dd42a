//! Where the trace goes: stderr, a file (`-A` appends; `--output-max-size` rotates it), or
//! a command's stdin (`-o '|CMD'`). Every destination counts the bytes it was given, for
//! the status line, and names itself in its errors.

use std::{
    cell::Cell,
    fs::{self, File, OpenOptions},
    io::{self, BufWriter, IsTerminal as _, Write},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    rc::Rc,
    sync::atomic::{AtomicU64, Ordering},
};

const BUFFER: usize = 1 << 16;

/// Bumped by [`reopen_files`]; each file reopens before its next line once it sees a
/// new value.
static REOPEN: AtomicU64 = AtomicU64::new(0);

/// Every `-o` file is closed and opened again by name before its next line (SIGHUP in
/// the long-running mode: logrotate has moved the file away and wants a new one).
pub fn reopen_files() {
    REOPEN.fetch_add(1, Ordering::Relaxed);
}

/// Bytes handed to the outputs of one run, shared by all of them (`-ff`).
pub type ByteCount = Rc<Cell<u64>>;

/// A write that failed, with the destination it was for.
#[derive(Debug, thiserror::Error)]
#[error("{target}: {source}")]
pub struct WriteError {
    target: String,
    #[source]
    source: io::Error,
}

impl WriteError {
    /// `source`, saying which destination it concerns (`'trace.txt'`, `can't open ...`).
    pub fn wrap(target: String, source: io::Error) -> io::Error {
        io::Error::new(source.kind(), Self { target, source })
    }
}

/// Size-bounded rotation: at most `keep` files of at most `max` bytes. Files change only
/// between lines (formatters write a line in one write), so a line is never split; a
/// line longer than `max`, or an unfinished call completed later, can exceed it.
#[derive(Clone, Copy, Debug)]
pub struct Rotation {
    pub max: u64,
    pub keep: usize,
}

/// File settings.
#[derive(Clone, Copy, Debug)]
pub struct FileOptions {
    pub append: bool,
    pub rotation: Option<Rotation>,
}

pub struct Output {
    dest: Dest,
    name: String,
    bytes: ByteCount,
    /// A terminal: each write goes out at once, so lines appear as the calls happen
    /// (and, with ptrace, before the traced program runs on). Files and pipes are
    /// written in batches.
    prompt: bool,
}

enum Dest {
    Stderr(BufWriter<io::Stderr>),
    File(LogFile),
    Pipe(Pipe),
}

impl Output {
    pub fn stderr(bytes: ByteCount) -> Self {
        Self {
            dest: Dest::Stderr(BufWriter::with_capacity(BUFFER, io::stderr())),
            name: "stderr".into(),
            bytes,
            prompt: io::stderr().is_terminal(),
        }
    }

    pub fn file(path: &Path, opts: FileOptions, bytes: ByteCount) -> io::Result<Self> {
        let file = LogFile::open(path, opts)?;
        Ok(Self {
            prompt: file.file.get_ref().is_terminal(),
            dest: Dest::File(file),
            name: format!("'{}'", path.display()),
            bytes,
        })
    }

    /// `-o '|CMD'`: the trace is CMD's stdin (run by `sh -c`).
    pub fn pipe(command: &str, bytes: ByteCount) -> io::Result<Self> {
        let mut child = Command::new("/bin/sh")
            .args(["-c", command])
            .stdin(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().expect("stdin is piped");
        Ok(Self {
            dest: Dest::Pipe(Pipe {
                stdin: Some(BufWriter::with_capacity(BUFFER, stdin)),
                child,
            }),
            name: format!("'|{command}'"),
            bytes,
            prompt: false,
        })
    }

    fn named(&self, source: io::Error) -> io::Error {
        WriteError::wrap(self.name.clone(), source)
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = match &mut self.dest {
            Dest::Stderr(w) => w.write_all(buf),
            Dest::File(f) => f.write_all(buf),
            Dest::Pipe(p) => p.stdin.as_mut().map_or(Ok(()), |w| w.write_all(buf)),
        };
        result.map_err(|e| self.named(e))?;
        self.bytes.set(self.bytes.get() + buf.len() as u64);
        if self.prompt {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = match &mut self.dest {
            Dest::Stderr(w) => w.flush(),
            Dest::File(f) => f.file.flush(),
            Dest::Pipe(p) => p.stdin.as_mut().map_or(Ok(()), BufWriter::flush),
        };
        result.map_err(|e| self.named(e))
    }
}

struct Pipe {
    stdin: Option<BufWriter<ChildStdin>>,
    child: Child,
}

impl Drop for Pipe {
    /// Closes the command's stdin and waits for it to finish reading.
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

struct LogFile {
    path: PathBuf,
    file: BufWriter<File>,
    size: u64,
    rotation: Option<Rotation>,
    /// The last byte written ended a line: a rotation may happen here.
    at_line_start: bool,
    /// [`REOPEN`] when the file was opened.
    generation: u64,
}

impl LogFile {
    fn open(path: &Path, opts: FileOptions) -> io::Result<Self> {
        let file = open_appending(path, !opts.append)?;
        let size = file.metadata()?.len();
        Ok(Self {
            path: path.to_owned(),
            file: BufWriter::with_capacity(BUFFER, file),
            size,
            rotation: opts.rotation,
            at_line_start: true,
            generation: REOPEN.load(Ordering::Relaxed),
        })
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let generation = REOPEN.load(Ordering::Relaxed);
        if generation != self.generation && self.at_line_start {
            self.reopen()?;
            self.generation = generation;
        }
        if let Some(r) = self.rotation
            && self.at_line_start
            && self.size > 0
            && self.size + buf.len() as u64 > r.max
        {
            self.rotate(r.keep)?;
        }
        self.file.write_all(buf)?;
        self.size += buf.len() as u64;
        if let Some(&last) = buf.last() {
            self.at_line_start = last == b'\n';
        }
        Ok(())
    }

    /// The file at `path` now (a new one if it was moved away), appended to.
    fn reopen(&mut self) -> io::Result<()> {
        self.file.flush()?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.size = file.metadata()?.len();
        self.file = BufWriter::with_capacity(BUFFER, file);
        Ok(())
    }

    /// FILE becomes FILE.1, FILE.1 FILE.2 ..., the oldest beyond `keep` files is dropped.
    fn rotate(&mut self, keep: usize) -> io::Result<()> {
        self.file.flush()?;
        let numbered = |n: usize| {
            let mut name = self.path.clone().into_os_string();
            name.push(format!(".{n}"));
            PathBuf::from(name)
        };
        for n in (1..keep).rev() {
            let from = if n == 1 {
                self.path.clone()
            } else {
                numbered(n - 1)
            };
            match fs::rename(&from, numbered(n)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        self.file = BufWriter::with_capacity(BUFFER, open_appending(&self.path, true)?);
        self.size = 0;
        Ok(())
    }
}

/// Opens (creating) a trace file whose every write goes at its end: a report written
/// into the same file between two batches of lines (`-C --interval -o FILE`) is then
/// followed by the next batch, not overwritten by it.
/// `truncate`: emptied first (as `O_TRUNC` does, which devices such as /dev/null
/// ignore).
fn open_appending(path: &Path, truncate: bool) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    // O_APPEND by hand: std refuses `append` with `truncate`.
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(truncate)
        .custom_flags(libc::O_APPEND)
        .open(path)
}

/// Expands `%p` (pid), `%t` (start time, local `YYYYmmdd-HHMMSS`) and `%%` in an `-o` name.
pub fn expand(template: &str, pid: Option<u32>, start_secs: i64) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('p') => out.push_str(&pid.map_or_else(|| "0".into(), |p| p.to_string())),
            Some('t') => out.push_str(&super::time::file_stamp(start_secs)),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert_eq!(expand("trace.%p.txt", Some(42), 0), "trace.42.txt");
        assert_eq!(expand("100%%-%x", None, 0), "100%-%x");
        assert_eq!(expand("t-%t", None, 0).len(), "t-".len() + 15);
    }

    #[test]
    fn rotation_keeps_at_most_n_files_of_at_most_size() {
        let dir = std::env::temp_dir().join(format!("tracer-rotation-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log");
        let opts = FileOptions {
            append: false,
            rotation: Some(Rotation { max: 100, keep: 3 }),
        };
        let mut out = Output::file(&path, opts, ByteCount::default()).unwrap();
        for i in 0..100 {
            // As the formatters do: a line in one write.
            out.write_all(format!("line {i:04} of the trace\n").as_bytes())
                .unwrap();
        }
        out.flush().unwrap();
        let mut names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["log", "log.1", "log.2"]);
        for name in &names {
            assert!(fs::metadata(dir.join(name)).unwrap().len() <= 100);
        }
        let last = fs::read_to_string(&path).unwrap();
        assert!(last.ends_with("line 0099 of the trace\n"), "{last}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
