//! Why a test failed, from its log (the script's stdout and stderr): the tracer's own
//! complaint when it printed one (an option it does not know names the cause), else the
//! first line of the diff between the expected and the actual trace, put in a broad class
//! by a few heuristics, else the harness's `failed test:` message.

use std::collections::HashMap;

/// The tracer's short options, from its `--help`: letter -> whether it takes a value. Tells
/// an unknown option from a known one whose attached value (`-eprctl`, `-s12`) was taken for
/// the command to run.
#[derive(Debug, Default)]
pub struct Known {
    short: HashMap<char, bool>,
}

impl Known {
    /// From clap's help lines: `  -s, --string-limit <N>`, `  -x...`, `  -e <EXPR>`.
    pub fn from_help(help: &str) -> Self {
        let short = help
            .lines()
            .filter_map(|line| {
                let mut chars = line.trim_start().strip_prefix('-')?.chars();
                let letter = chars.next().filter(char::is_ascii_alphanumeric)?;
                let next = chars.next();
                matches!(next, None | Some(',' | ' ' | '.')).then(|| (letter, line.contains('<')))
            })
            .collect();
        Self { short }
    }
}

/// A failed test's cause (for grouping) and the raw line it was derived from.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub cause: String,
    pub detail: String,
}

impl Failure {
    fn new(cause: impl Into<String>, detail: &str) -> Self {
        Self {
            cause: cause.into(),
            detail: detail.trim().to_owned(),
        }
    }
}

/// Classifies a failed test's log; `timed_out` when it ran out of time.
pub fn classify(log: &str, timed_out: bool, known: &Known) -> Failure {
    // run.sh's own limit shows in the log as init.sh's message.
    if timed_out || log.contains(": time limit (") {
        return Failure::new("timeout", last_failure(log).unwrap_or(""));
    }
    // Syntax tests expect an error message: what differs in it is the cause, whatever
    // else the tracer said.
    if first_change(log).is_some_and(|(expected, _)| expected.is_some_and(is_message)) {
        return diff_failure(log, known).expect("a first change");
    }
    if let Some(line) = complaint(log) {
        return Failure::new(complaint_cause(line, known), line);
    }
    if let Some(failure) = diff_failure(log, known).or_else(|| grep_failure(log)) {
        return failure;
    }
    match last_failure(log) {
        Some(msg) => Failure::new(harness_cause(msg), msg),
        None => Failure::new("no failure message", log.lines().last().unwrap_or("")),
    }
}

/// The tracer's first complaint: a `tracer: ...` line (not the attach/detach notes strace
/// prints too), or clap's `error: ...`.
fn complaint(log: &str) -> Option<&str> {
    log.lines().find(|l| is_complaint(l))
}

fn is_complaint(line: &str) -> bool {
    (line.starts_with("tracer: ") && !line.starts_with("tracer: Process "))
        || line.starts_with("error: ")
}

fn complaint_cause(line: &str, known: &Known) -> String {
    if let Some(arg) = refused_argument(line) {
        return argument_cause(arg, known);
    }
    if let Some(option) = quoted_after(line, "error: the argument '")
        && line.ends_with("cannot be used multiple times")
    {
        return format!(
            "repeated option {}",
            option.split(['[', ' ']).next().unwrap_or("")
        );
    }
    if let Some(option) = quoted_after(line, "' for '") {
        return format!("invalid value for {option}");
    }
    let msg = line
        .strip_prefix("tracer: ")
        .or_else(|| line.strip_prefix("error: "))
        .unwrap_or(line);
    format!("tracer: {}", generalize(msg))
}

/// An option tracer does not parse, taken for the command to run (`cannot run '-a22'`) or
/// refused by clap (`unexpected argument '--quiet=...' found`).
fn refused_argument(line: &str) -> Option<&str> {
    quoted_after(line, "cannot run '")
        .filter(|a| a.starts_with('-'))
        .or_else(|| quoted_after(line, "unexpected argument '"))
}

/// The text between `prefix` and the next `'`.
fn quoted_after<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &line[line.find(prefix)? + prefix.len()..];
    rest.split('\'').next()
}

/// Why tracer refused an argument: an option it does not know (`-a22` -> `-a`,
/// `--decode-pids=comm` -> `--decode-pids=`), or a value attached to one it knows
/// (`-eprctl`, `-einject=...`, `-s12`).
fn argument_cause(arg: &str, known: &Known) -> String {
    if let Some(long) = arg.strip_prefix("--") {
        return match long.split_once('=') {
            Some((name, _)) => format!("unrecognized option --{name}="),
            None => format!("unrecognized option --{long}"),
        };
    }
    let letters = arg.strip_prefix('-').unwrap_or(arg);
    for (i, letter) in letters.char_indices() {
        match known.short.get(&letter) {
            None => return format!("unrecognized option -{letter}"),
            Some(false) => continue,
            Some(true) => {
                let value = &letters[i + letter.len_utf8()..];
                return format!(
                    "attached value taken for the command: {}",
                    attached(letter, value)
                );
            }
        }
    }
    format!("taken for the command: {arg}")
}

/// `-e` values by strace's qualifier (`-einject=`, `-eSYSCALL`), others as `-sN`.
fn attached(letter: char, value: &str) -> String {
    match (letter, value.split_once('=')) {
        ('e', Some((qualifier, _))) => format!("-e{qualifier}="),
        ('e', None) => "-eSYSCALL".into(),
        _ if value.bytes().all(|b| b.is_ascii_digit()) => format!("-{letter}N"),
        _ => format!("-{letter}VALUE"),
    }
}

/// Numbers become `N` and quoted values `'…'`, so messages about different values group.
fn generalize(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut quoted = false;
    let mut last_digit = false;
    for c in msg.chars() {
        match c {
            '\'' if !quoted => {
                quoted = true;
                out.push_str("'…'");
            }
            '\'' => quoted = false,
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !last_digit {
                    out.push('N');
                }
            }
            c => out.push(c),
        }
        last_digit = c.is_ascii_digit();
    }
    out
}

/// The first changed line of a `diff -u` in the log: (expected, actual), either absent
/// when the change is a pure insertion or deletion.
fn first_change(log: &str) -> Option<(Option<&str>, Option<&str>)> {
    let mut lines = log.lines().skip_while(|l| !l.starts_with("@@ "));
    lines.next()?;
    let mut lines = lines.skip_while(|l| l.starts_with(' '));
    let first = lines.next()?;
    if let Some(expected) = first.strip_prefix('-') {
        let actual = lines
            .find(|l| !l.starts_with('-'))
            .and_then(|l| l.strip_prefix('+'));
        Some((Some(expected), actual))
    } else {
        Some((None, first.strip_prefix('+')))
    }
}

fn diff_failure(log: &str, known: &Known) -> Option<Failure> {
    let (expected, actual) = first_change(log)?;
    // Syntax tests diff the tracer's stderr: a refused argument says more than the diff;
    // a message where one is expected differs in its wording.
    if let Some(line) = actual.filter(|a| is_complaint(a))
        && (refused_argument(line).is_some() || !expected.is_some_and(is_message))
    {
        return Some(Failure::new(complaint_cause(line, known), line));
    }
    let detail = match (expected, actual) {
        (Some(e), Some(a)) => format!("-{e} | +{a}"),
        (Some(e), None) => format!("-{e}"),
        (None, a) => format!("+{}", a.unwrap_or("")),
    };
    Some(Failure::new(
        format!("output differs: {}", difference(expected, actual)),
        &detail,
    ))
}

/// A broad class of the first difference between an expected and an actual line.
fn difference(expected: Option<&str>, actual: Option<&str>) -> &'static str {
    match (expected, actual) {
        (Some(e), None) => match kind(e) {
            Kind::Call(_) => "a call missing",
            Kind::Signal => "a signal line missing",
            Kind::Exit => "an exit line missing",
            Kind::Message => "an error message missing",
            Kind::Other => "a line missing",
        },
        (None, Some(a)) => match kind(a) {
            Kind::Call(_) => "an extra call",
            Kind::Signal => "an extra signal line",
            Kind::Exit => "an extra exit line",
            Kind::Message => "an extra error message",
            Kind::Other => "an extra line",
        },
        (Some(e), Some(a)) => match (kind(e), kind(a)) {
            (Kind::Call(x), Kind::Call(y)) if x == y => call_difference(e, a),
            (Kind::Call(_), Kind::Call(_)) => "another call",
            (Kind::Signal, Kind::Signal) => "signal line",
            (Kind::Exit, Kind::Exit) => "exit line",
            (Kind::Message, _) => "an error message",
            _ => "another line",
        },
        (None, None) => "empty output",
    }
}

enum Kind<'a> {
    /// A syscall line, with the call's name.
    Call(&'a str),
    Signal,
    Exit,
    /// The program's own message: `strace: ...`, `/path/to/tracer-ebpf: ...`.
    Message,
    Other,
}

/// `strace: ...`, `/path/to/tracer-ebpf: ...`, `tracer: ...`.
fn is_message(line: &str) -> bool {
    line.split_once(": ")
        .is_some_and(|(who, _)| who.ends_with("strace") || who.contains("tracer"))
}

fn kind(line: &str) -> Kind<'_> {
    if is_message(line) {
        return Kind::Message;
    }
    // Leading pid, time stamps: skip to the first letter-started word with a paren.
    let line = line.trim_start_matches(|c: char| !c.is_ascii_alphabetic() && c != '-' && c != '+');
    if line.starts_with("--- ") {
        return Kind::Signal;
    }
    if line.starts_with("+++ ") {
        return Kind::Exit;
    }
    match line.split_once('(') {
        Some((name, _)) if !name.is_empty() && name.bytes().all(is_name_byte) => Kind::Call(name),
        _ => Kind::Other,
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where in a call's line the first difference is and what it looks like: its return
/// value, an fd's `-y` decoration, a struct or array (not decoded, or inside), a string, the
/// number of arguments, a symbolic value printed as a number, another value.
fn call_difference(expected: &str, actual: &str) -> &'static str {
    let mut at = expected
        .bytes()
        .zip(actual.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    while !expected.is_char_boundary(at) || !actual.is_char_boundary(at) {
        at -= 1;
    }
    let (before, e, a) = (&expected[..at], &expected[at..], &actual[at..]);
    let in_return = |line: &str| line.rfind(") = ").or_else(|| line.rfind(" = "));
    if in_return(expected).is_some_and(|r| at > r) || in_return(actual).is_some_and(|r| at > r) {
        return "return value";
    }
    let opens = |open, close| before.matches(open).count() > before.matches(close).count();
    if e.starts_with('<') || a.starts_with('<') {
        "fd decoration (-y)"
    } else if e.starts_with(['{', '[']) && !a.starts_with(&e[..1]) {
        "struct or array not decoded"
    } else if decoded(e) && !decoded(a) {
        "string or set not decoded"
    } else if decoded(a) && !decoded(e) {
        "decoded where strace prints the address"
    } else if before.matches('"').count() % 2 == 1 {
        "string argument"
    } else if opens('{', '}') || opens('[', ']') {
        "inside a struct or array"
    } else if e.starts_with(')') || a.starts_with(')') {
        "number of arguments"
    } else if symbolic(e) && !symbolic(a) {
        "symbolic value printed as a number"
    } else {
        "argument value"
    }
}

/// Whether the value at the start of `text` is spelled with names (`O_RDONLY|0x8`,
/// `QCMD(Q_GETFMT, USRQUOTA)`, `0xbad /* Q_??? */`) rather than only digits.
fn symbolic(text: &str) -> bool {
    let value = text.split([',', ')']).next().unwrap_or("");
    value.bytes().any(|b| b.is_ascii_uppercase())
        && (!value.starts_with("0x") || value.contains("/*"))
}

/// Whether the value at the start of `text` shows memory: a struct, array, string or set.
fn decoded(text: &str) -> bool {
    text.starts_with(['{', '[', '"', '~'])
}

/// A failed `match_grep`: the first pattern that did not match.
fn grep_failure(log: &str) -> Option<Failure> {
    let mut lines = log
        .lines()
        .skip_while(|l| *l != "Failed patterns of expected output:");
    lines.next()?;
    let pattern = lines.next().unwrap_or("");
    Some(Failure::new(
        "output differs: a grep pattern unmatched",
        pattern,
    ))
}

/// init.sh's `NAME.test: failed test: MESSAGE` (the last one).
fn last_failure(log: &str) -> Option<&str> {
    log.lines()
        .rev()
        .find_map(|l| l.split_once(": failed test: ").map(|(_, msg)| msg))
}

/// The harness's message with `$STRACE` for the path of the program under test.
fn harness_cause(msg: &str) -> String {
    let msg: Vec<&str> = msg
        .split(' ')
        .map(|w| {
            if w.contains("/tracer-") || w.ends_with("/strace") {
                "$STRACE"
            } else {
                w
            }
        })
        .collect();
    let msg = msg.join(" ");
    if msg.ends_with("output mismatch") {
        return "output differs (checked by awk or grep, no diff)".into();
    }
    if let Some((_, code)) = msg.rsplit_once(" failed with code ") {
        let who = if msg.starts_with("$STRACE") {
            "$STRACE"
        } else {
            "the test program"
        };
        return format!("{who} exited with {code}");
    }
    format!("harness: {}", generalize(&msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELP: &str = "Options:\n  -p, --attach <PID>\n  -f, --follow-forks...\n  \
                        -s, --string-limit <N>\n  -x...\n  -e <EXPR>\n      --backend \
                        <BACKEND>\n          - auto:   eBPF\n  -V, --version\n";

    fn cause(log: &str) -> String {
        classify(log, false, &Known::from_help(HELP)).cause
    }

    #[test]
    fn help_names_short_options_and_whether_they_take_a_value() {
        let mut letters: Vec<_> = Known::from_help(HELP).short.into_iter().collect();
        letters.sort();
        let expected = [
            ('V', false),
            ('e', true),
            ('f', false),
            ('p', true),
            ('s', true),
            ('x', false),
        ];
        assert_eq!(letters, expected);
    }

    #[test]
    fn unknown_short_option_taken_for_the_command() {
        let log = "tracer: cannot run '-a22': No such file or directory\n\
                   accept.gen.test: failed test: ../bin/tracer-ebpf -a22 ../accept failed \
                   with code 127\n";
        assert_eq!(cause(log), "unrecognized option -a");
    }

    #[test]
    fn attached_values_of_known_options() {
        let log = |arg| format!("tracer: cannot run '{arg}': No such file or directory\n");
        let prefix = "attached value taken for the command: ";
        assert_eq!(cause(&log("-eprctl")), format!("{prefix}-eSYSCALL"));
        assert_eq!(
            cause(&log("-einject=x:retval=1")),
            format!("{prefix}-einject=")
        );
        assert_eq!(cause(&log("-s12")), format!("{prefix}-sN"));
        assert_eq!(cause(&log("-fv")), "unrecognized option -v");
    }

    #[test]
    fn clap_refusals_name_the_option() {
        let log = "error: unexpected argument '--decode-pids=comm' found\n\nUsage: ...\n";
        assert_eq!(cause(log), "unrecognized option --decode-pids=");
        let log = "error: the argument '--absolute-timestamps[=<SPEC>]' cannot be used \
                   multiple times\n";
        assert_eq!(cause(log), "repeated option --absolute-timestamps");
    }

    #[test]
    fn attach_notes_are_no_complaint() {
        let log = "tracer: Process 12 attached\n@@ -1 +1 @@\n-+++ exited with 0 +++\n";
        assert_eq!(cause(log), "output differs: an exit line missing");
    }

    #[test]
    fn complaints_in_the_diff() {
        let log = "@@ -1 +1 @@\n-/x/bin/tracer-ebpf: invalid descriptor ''\n\
                   +tracer: cannot run '-eread=': No such file or directory\n";
        assert_eq!(cause(log), "attached value taken for the command: -eread=");
        let log = "@@ -1 +1 @@\n-/x/bin/tracer-ebpf: Invalid process id: '0'\n\
                   +tracer: invalid process id: '0'\n";
        assert_eq!(cause(log), "output differs: an error message");
    }

    #[test]
    fn an_expected_message_is_compared_first() {
        let log = "tracer: must have PROG [ARGS] or -p PID\n@@ -1 +1 @@\n\
                   -/x/bin/tracer-ebpf: must have PROG [ARGS] or -p PID\n\
                   +tracer: must have PROG [ARGS] or -p PID\n";
        assert_eq!(cause(log), "output differs: an error message");
    }

    #[test]
    fn first_diff_line_of_a_call() {
        let log = "--- exp\n+++ out\n@@ -1,2 +1,2 @@\n chdir(\"/\") = 0\n\
                   -fstat(0, {st_mode=S_IFREG|0644, ...}) = 0\n\
                   +fstat(0, 0x7ffd1234) = 0\n fail\n";
        let failure = classify(log, false, &Known::default());
        assert_eq!(failure.cause, "output differs: struct or array not decoded");
        assert_eq!(
            failure.detail,
            "-fstat(0, {st_mode=S_IFREG|0644, ...}) = 0 | +fstat(0, 0x7ffd1234) = 0"
        );
    }

    #[test]
    fn kinds_of_argument_differences() {
        let differ = |e, a| call_difference(e, a);
        assert_eq!(differ("f(3</a>) = 0", "f(3) = 0"), "fd decoration (-y)");
        assert_eq!(differ("f(\"ab\") = 0", "f(\"ac\") = 0"), "string argument");
        assert_eq!(
            differ("f({a=1, b=2}) = 0", "f({a=1, b=3}) = 0"),
            "inside a struct or array"
        );
        assert_eq!(
            differ("f(1, 2) = 0", "f(1, 2, 3) = 0"),
            "number of arguments"
        );
        assert_eq!(
            differ("f(O_RDONLY) = 0", "f(0) = 0"),
            "symbolic value printed as a number"
        );
        assert_eq!(differ("f(1) = 0", "f(1) = -1 EBADF"), "return value");
        assert_eq!(differ("f(12) = 0", "f(13) = 0"), "argument value");
        assert_eq!(
            differ("f(0x7f00) = 0", "f([]) = 0"),
            "decoded where strace prints the address"
        );
        assert_eq!(
            differ("f(0xbad /* X_??? */) = 0", "f(2989) = 0"),
            "symbolic value printed as a number"
        );
    }

    #[test]
    fn missing_exit_line() {
        let log = "@@ -3 +2,0 @@\n-+++ exited with 0 +++\n";
        assert_eq!(cause(log), "output differs: an exit line missing");
    }

    #[test]
    fn numbers_and_quoted_values_generalized() {
        assert_eq!(generalize("bad value '12x' at 34"), "bad value '…' at N");
    }
}
