//! The trace set: `-e trace=SET` in strace's syntax, resolved against the syscall table
//! into the set of numbers the kernel side keeps.

use anyhow::{Context as _, Result, bail};
use regex::Regex;

use crate::syscalls::{self, Class};

/// Which syscall numbers are traced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceSet {
    numbers: Vec<bool>,
    /// Whether numbers the table does not know are traced too.
    unknown: bool,
}

impl Default for TraceSet {
    fn default() -> Self {
        Self::all()
    }
}

impl TraceSet {
    pub fn all() -> Self {
        Self {
            numbers: vec![true; syscalls::TABLE_LEN],
            unknown: true,
        }
    }

    fn none() -> Self {
        Self {
            numbers: vec![false; syscalls::TABLE_LEN],
            unknown: false,
        }
    }

    pub fn contains(&self, nr: u32) -> bool {
        self.numbers
            .get(nr as usize)
            .copied()
            .unwrap_or(self.unknown)
    }

    pub fn traces_unknown(&self) -> bool {
        self.unknown
    }

    /// Whether every syscall is traced (no filter at all).
    pub fn is_all(&self) -> bool {
        self.unknown && self.numbers.iter().all(|&b| b)
    }

    /// Numbers in the set that the table knows.
    pub fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        syscalls::all()
            .map(|sc| sc.nr)
            .filter(|&nr| self.contains(nr))
    }

    /// Parses the value of `trace=`: `[!]item[,item...]` where an item is a name, a
    /// `%class` (or a bare class name), `/regex`, `all` or `none`; `?item` ignores an item
    /// that matches nothing, as strace does.
    pub fn parse(spec: &str) -> Result<Self> {
        let (negated, list) = match spec.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, spec),
        };
        let mut set = Self::none();
        for item in list.split(',') {
            let (optional, item) = match item.strip_prefix('?') {
                Some(rest) => (true, rest),
                None => (false, item),
            };
            if !set.add(item)? && !optional {
                bail!("invalid system call '{item}'");
            }
        }
        if negated {
            set.numbers.iter_mut().for_each(|b| *b = !*b);
            set.unknown = !set.unknown;
        }
        Ok(set)
    }

    /// Adds what `item` names; false when it names nothing.
    fn add(&mut self, item: &str) -> Result<bool> {
        match item {
            "" => return Ok(false),
            "all" => {
                *self = Self::all();
                return Ok(true);
            }
            "none" => return Ok(true),
            _ => {}
        }
        if let Some(pattern) = item.strip_prefix('/') {
            let re = Regex::new(pattern)
                .with_context(|| format!("invalid regular expression '{pattern}'"))?;
            return Ok(self.add_matching(|sc| re.is_match(sc.name)));
        }
        if let Some(sc) = syscalls::by_name(item) {
            self.numbers[sc.nr as usize] = true;
            return Ok(true);
        }
        if let Some(class) = Class::from_name(item) {
            return Ok(self.add_matching(|sc| sc.class.contains(class)));
        }
        Ok(false)
    }

    fn add_matching(&mut self, pred: impl Fn(&syscalls::Syscall) -> bool) -> bool {
        let mut any = false;
        for sc in syscalls::all().filter(|sc| pred(sc)) {
            self.numbers[sc.nr as usize] = true;
            any = true;
        }
        any
    }
}

/// Options given with `-e`, resolved.
#[derive(Debug, Default)]
pub struct Qualifiers {
    pub trace: TraceSet,
}

impl Qualifiers {
    /// Applies `-e EXPR` options in order; as in strace, a later `trace=` replaces an
    /// earlier one.
    pub fn parse<'a>(exprs: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let mut q = Self::default();
        for expr in exprs {
            let (qualifier, value) = expr.split_once('=').unwrap_or(("trace", expr));
            match qualifier {
                "trace" | "t" => q.trace = TraceSet::parse(value)?,
                other => bail!("-e {other}=: qualifier not supported yet"),
            }
        }
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nr(name: &str) -> u32 {
        syscalls::by_name(name).unwrap().nr
    }

    #[test]
    fn names_classes_regexes_and_negation() {
        let set = TraceSet::parse("openat,read").unwrap();
        assert!(set.contains(nr("openat")) && set.contains(nr("read")));
        assert!(!set.contains(nr("write")) && !set.traces_unknown());

        let set = TraceSet::parse("%network").unwrap();
        assert!(set.contains(nr("connect")) && set.contains(nr("sendto")));
        assert!(!set.contains(nr("openat")));
        assert_eq!(TraceSet::parse("%net").unwrap(), set);

        let set = TraceSet::parse("!openat").unwrap();
        assert!(!set.contains(nr("openat")) && set.contains(nr("read")) && set.traces_unknown());

        let set = TraceSet::parse("/^getp").unwrap();
        assert!(
            set.contains(nr("getpid"))
                && set.contains(nr("getppid"))
                && !set.contains(nr("setpgid"))
        );

        assert!(TraceSet::parse("all").unwrap().is_all());
        assert!(!TraceSet::parse("!read").unwrap().is_all());
        assert_eq!(TraceSet::parse("none").unwrap().numbers().count(), 0);
        assert!(TraceSet::parse("%file").unwrap().contains(nr("openat")));
    }

    #[test]
    fn unknown_names_are_errors_unless_optional() {
        let err = TraceSet::parse("openat,nosuch").unwrap_err().to_string();
        assert_eq!(err, "invalid system call 'nosuch'");
        assert!(TraceSet::parse("%nosuch").is_err());
        assert!(TraceSet::parse("openat,?nosuch").is_ok());
    }

    #[test]
    fn the_last_trace_expression_wins() {
        let q = Qualifiers::parse(["trace=close", "openat"]).unwrap();
        assert!(q.trace.contains(nr("openat")) && !q.trace.contains(nr("close")));
        assert!(Qualifiers::parse(["verbose=all"]).is_err());
    }
}
