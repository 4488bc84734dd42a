//! The Debian archive the machine's own apt sources name: the harness fetches other
//! suites (and other architectures) from that same mirror, and from nowhere else.
//!
//! Both formats apt reads are understood: one-line `deb [options] URI SUITE COMPONENTS...`
//! (`/etc/apt/sources.list`, `sources.list.d/*.list`) and deb822 stanzas
//! (`sources.list.d/*.sources`: `Types:`, `URIs:`, `Suites:`, `Enabled:`).

use std::{fs, path::PathBuf};

use anyhow::{Result, bail};

const SOURCES_LIST: &str = "/etc/apt/sources.list";
const SOURCES_DIR: &str = "/etc/apt/sources.list.d";

/// Suites (and the aliases) of Debian's main archive. A source carrying one of them, or
/// one of their `-updates`/`-backports`/`-proposed-updates`, is a Debian mirror; the
/// `-security` suites live in a separate archive without the kernels of other suites.
const DEBIAN_SUITES: &[&str] = &[
    "buster",
    "bullseye",
    "bookworm",
    "trixie",
    "forky",
    "duke",
    "sid",
    "experimental",
    "oldoldstable",
    "oldstable",
    "stable",
    "testing",
    "unstable",
];

/// One `deb` entry: the archive's URI and its suites.
#[derive(Debug, PartialEq, Eq)]
struct Source {
    uri: String,
    suites: Vec<String>,
}

impl Source {
    fn is_debian_archive(&self) -> bool {
        self.suites.iter().any(|suite| {
            let (codename, pocket) = suite.split_once('-').unwrap_or((suite, ""));
            DEBIAN_SUITES.contains(&codename) && pocket != "security"
        })
    }
}

/// The URI of the first Debian archive in the machine's apt sources, without a trailing
/// slash; an error saying where it looked when there is none.
pub fn debian_mirror() -> Result<String> {
    let mut files = vec![PathBuf::from(SOURCES_LIST)];
    if let Ok(dir) = fs::read_dir(SOURCES_DIR) {
        let mut more: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
        more.sort();
        files.extend(more);
    }
    let mut sources = Vec::new();
    for file in &files {
        // apt reads only these two suffixes (files it renamed to disable are skipped).
        let parse = match file.extension().and_then(|e| e.to_str()) {
            Some("list") => one_line,
            Some("sources") => deb822,
            _ => continue,
        };
        if let Ok(text) = fs::read_to_string(file) {
            sources.extend(parse(&text));
        }
    }
    match sources.iter().find(|s| s.is_debian_archive()) {
        Some(source) => Ok(source.uri.trim_end_matches('/').to_owned()),
        None => bail!(
            "no Debian archive in the machine's apt sources ({SOURCES_LIST}, \
             {SOURCES_DIR}/*.list, {SOURCES_DIR}/*.sources): the kernels and their package \
             lists come from the mirror named there; add a `deb` source of a Debian suite \
             (e.g. bookworm) and run again"
        ),
    }
}

/// `deb [options] URI SUITE [COMPONENT...]` lines; `deb-src`, comments and others skipped.
fn one_line(text: &str) -> Vec<Source> {
    text.lines()
        .filter_map(|line| {
            let line = line.split('#').next()?.trim();
            let rest = line.strip_prefix("deb")?;
            if !rest.starts_with([' ', '\t']) {
                return None; // `deb-src`
            }
            let rest = rest.trim_start();
            // Options may hold spaces: `[ arch=amd64 signed-by=/path ]`.
            let rest = match rest.strip_prefix('[') {
                Some(options) => options.split_once(']')?.1,
                None => rest,
            };
            let mut words = rest.split_whitespace();
            let uri = words.next()?.to_owned();
            let suite = words.next()?.to_owned();
            Some(Source {
                uri,
                suites: vec![suite],
            })
        })
        .collect()
}

/// deb822 stanzas: one `deb` source per URI of each enabled stanza of type `deb`.
fn deb822(text: &str) -> Vec<Source> {
    let mut sources = Vec::new();
    for stanza in stanzas(text) {
        let field = |name: &str| -> Vec<String> {
            stanza
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let enabled = field("Enabled");
        if enabled
            .first()
            .is_some_and(|v| v.eq_ignore_ascii_case("no"))
        {
            continue;
        }
        if !field("Types").iter().any(|t| t == "deb") {
            continue;
        }
        let suites = field("Suites");
        for uri in field("URIs") {
            sources.push(Source {
                uri,
                suites: suites.clone(),
            });
        }
    }
    sources
}

/// The stanzas of a deb822 file as (field, value) pairs; continuation lines (starting
/// with white space) are joined to their field's value, `#` lines are comments.
fn stanzas(text: &str) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            current.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_debian(sources: Vec<Source>) -> Option<String> {
        sources
            .into_iter()
            .find(Source::is_debian_archive)
            .map(|s| s.uri)
    }

    #[test]
    fn one_line_format() {
        let text = "\
# deb http://old.example/debian buster main
deb-src http://src.example/debian bookworm main
deb [ arch=amd64 signed-by=/usr/share/keyrings/x.gpg ] http://nodes.example/node nodistro main
deb http://security.example/debian-security bookworm-security main
deb [arch=amd64] http://mirror.example/debian/ bookworm main contrib # a comment
";
        let sources = one_line(text);
        assert_eq!(sources.len(), 3, "{sources:?}");
        assert_eq!(sources[0].uri, "http://nodes.example/node");
        assert_eq!(
            first_debian(sources).as_deref(),
            Some("http://mirror.example/debian/")
        );
    }

    #[test]
    fn deb822_format() {
        let text = "\
Types: deb deb-src
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://off.example/debian
Suites: bookworm
Enabled: no

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm

# A comment between stanzas
Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
 http://second.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
";
        let sources = deb822(text);
        let uris: Vec<&str> = sources.iter().map(|s| s.uri.as_str()).collect();
        assert_eq!(
            uris,
            [
                "http://security.example/debian-security",
                "http://mirror.example/debian",
                "http://second.example/debian",
            ]
        );
        assert_eq!(
            first_debian(sources).as_deref(),
            Some("http://mirror.example/debian")
        );
    }

    #[test]
    fn suites_of_the_main_archive() {
        let source = |suite: &str| Source {
            uri: "u".into(),
            suites: vec![suite.into()],
        };
        for suite in ["sid", "stable", "trixie-updates", "bookworm-backports"] {
            assert!(source(suite).is_debian_archive(), "{suite}");
        }
        for suite in ["bookworm-security", "nodistro", "jammy", "stable/updates"] {
            assert!(!source(suite).is_debian_archive(), "{suite}");
        }
    }
}
