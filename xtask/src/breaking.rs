//! `cargo xtask breaking [--against REV]`: the exported spec against the same
//! file at an earlier revision (default: the last release recorded in
//! `releases/`, which a clone without tags has too; else the latest tag,
//! else the previous commit). Prints every change a generated client sees,
//! each with its reason, and fails unless each is intended:
//!
//! * a breaking change when the major version of `info.version` went up, or
//!   its line is in [`ACKNOWLEDGED`] (the comment above it is its reason);
//! * a widening (a new `2XX`, a response enum opened, a value made nullable:
//!   see [`breaking::Report`]) when the new document records an
//!   `x-braze-decision` on the value or on the schema holding it, or its line
//!   is in [`ACKNOWLEDGED`], or the major version went up.

use crate::git::git;
use std::path::Path;
use std::process::ExitCode;

use braze_openapi_generator::breaking;

/// Breaking changes declared intended, one per line exactly as
/// `cargo xtask breaking` prints them (after the `- `); a line starting with
/// `#`, or the rest of a line after ` # `, is a comment.
pub const ACKNOWLEDGED: &str = "tools/breaking-acknowledged.txt";
const SPEC: &str = "spec/dist/braze.json";

/// The revision to compare with when none is given.
fn default_rev(root: &Path) -> String {
    match git(root, &["describe", "--tags", "--abbrev=0", "HEAD"]) {
        Ok(tag) if !tag.trim().is_empty() => tag.trim().to_string(),
        _ => "HEAD~1".to_string(),
    }
}

pub fn run(root: &Path, against: Option<&str>) -> ExitCode {
    match compare(root, against) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("breaking: {e}");
            ExitCode::FAILURE
        }
    }
}

fn compare(root: &Path, against: Option<&str>) -> Result<ExitCode, String> {
    let release = against
        .is_none()
        .then(|| crate::release::version::latest_release(root))
        .flatten();
    let rev = match (&release, against) {
        (Some((v, _)), _) => format!("release {v} (releases/{v}/braze.json)"),
        (None, a) => a.map_or_else(|| default_rev(root), String::from),
    };
    let old_text = match &release {
        Some((_, path)) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        None => match git(root, &["show", &format!("{rev}:{SPEC}")]) {
            Ok(t) => t,
            Err(e)
                if against.is_none()
                    && git(
                        root,
                        &["rev-parse", "--verify", "--quiet", &format!("{rev}:{SPEC}")],
                    )
                    .is_err() =>
            {
                // No earlier revision has an exported spec (first commit, or a
                // shallow clone without history): nothing to compare with.
                eprintln!("breaking: no {SPEC} at {rev} ({e}); nothing to compare");
                return Ok(ExitCode::SUCCESS);
            }
            Err(e) => return Err(e),
        },
    };
    let new_text =
        std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("cannot read {SPEC}: {e}"))?;
    let old: serde_json::Value =
        serde_json::from_str(&old_text).map_err(|e| format!("{rev}:{SPEC} is not JSON: {e}"))?;
    let new: serde_json::Value =
        serde_json::from_str(&new_text).map_err(|e| format!("{SPEC} is not JSON: {e}"))?;
    let major_bump = matches!(
        (breaking::major_version(&old), breaking::major_version(&new)),
        (Some(o), Some(n)) if n > o
    );
    let ack_text = std::fs::read_to_string(root.join(ACKNOWLEDGED)).unwrap_or_default();
    let report = breaking::report(&old, &new);
    let verdict = judge(&report, &ack_text, major_bump);
    eprint!("{}", verdict.listing(&rev));
    if major_bump && !report.breaks.is_empty() {
        eprintln!(
            "breaking: {} change(s), intended by the major version bump {:?} -> {:?}",
            report.breaks.len(),
            old["info"]["version"],
            new["info"]["version"]
        );
    }
    if verdict.open == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "breaking: {} change(s) without a reason: bump the major version of info.version, \
             record an x-braze-decision on the widened value (or its schema), or copy each line \
             (without `- ` and the mark) into {ACKNOWLEDGED} with a comment saying why",
            verdict.open
        );
        Ok(ExitCode::FAILURE)
    }
}

/// How each change of a [`breaking::Report`] is judged.
#[derive(Debug, PartialEq, Eq)]
pub enum Mark {
    /// Intended, with the reason: an acknowledgement's comment, an
    /// `x-braze-decision` (with where it is), or the major version bump.
    Intended { reason: String, at: Option<String> },
    /// A breaking change nobody acknowledged.
    NotAcknowledged,
    /// A widening with no `x-braze-decision` and no acknowledgement.
    NoReason,
}

/// The judged changes, in printing order, and how many are not intended.
#[derive(Debug)]
pub struct Verdict {
    pub breaks: Vec<(String, Mark)>,
    pub widenings: Vec<(String, Mark)>,
    pub open: usize,
}

/// Judges every change: a break is intended when acknowledged (or under a
/// major bump); a widening when the new document records a decision for it,
/// or it is acknowledged, or under a major bump.
pub fn judge(report: &breaking::Report, ack_text: &str, major_bump: bool) -> Verdict {
    let reasons = crate::release::changelog::reasons(ack_text);
    let acked = |line: &str| {
        reasons.get(line).map(|r| {
            if r.is_empty() {
                format!("listed in {ACKNOWLEDGED}")
            } else {
                format!("{r} ({ACKNOWLEDGED})")
            }
        })
    };
    let bump = || "the major version went up".to_string();
    let mut open = 0;
    let breaks = report
        .breaks
        .iter()
        .map(|b| {
            let line = b.to_string();
            let mark = match acked(&line) {
                Some(reason) => Mark::Intended { reason, at: None },
                None if major_bump => Mark::Intended {
                    reason: bump(),
                    at: None,
                },
                None => {
                    open += 1;
                    Mark::NotAcknowledged
                }
            };
            (line, mark)
        })
        .collect();
    let widenings = report
        .widenings
        .iter()
        .map(|w| {
            let line = w.change.to_string();
            let mark = match (&w.reason, acked(&line)) {
                (Some(r), _) => Mark::Intended {
                    reason: r.text.clone(),
                    at: Some(r.at.clone()),
                },
                (None, Some(reason)) => Mark::Intended { reason, at: None },
                (None, None) if major_bump => Mark::Intended {
                    reason: bump(),
                    at: None,
                },
                (None, None) => {
                    open += 1;
                    Mark::NoReason
                }
            };
            (line, mark)
        })
        .collect();
    Verdict {
        breaks,
        widenings,
        open,
    }
}

impl Verdict {
    /// What `cargo xtask breaking` prints: each change with its mark; the
    /// reason of a run of changes sharing it is printed once, above them.
    pub fn listing(&self, rev: &str) -> String {
        let mut s = String::new();
        if self.breaks.is_empty() && self.widenings.is_empty() {
            s.push_str(&format!("breaking: none against {rev}\n"));
            return s;
        }
        let section = |s: &mut String, title: String, items: &[(String, Mark)]| {
            if items.is_empty() {
                return;
            }
            s.push_str(&title);
            // Intended changes grouped by reason (in order of first
            // appearance), the reason printed once above its group.
            let mut groups: Vec<(&str, Vec<&str>, Vec<&str>)> = Vec::new();
            for (line, mark) in items {
                if let Mark::Intended { reason, at } = mark {
                    let i = match groups.iter().position(|(g, _, _)| *g == reason.as_str()) {
                        Some(i) => i,
                        None => {
                            groups.push((reason, Vec::new(), Vec::new()));
                            groups.len() - 1
                        }
                    };
                    groups[i].1.push(line);
                    if let Some(at) = at
                        && !groups[i].2.contains(&at.as_str())
                    {
                        groups[i].2.push(at);
                    }
                }
            }
            for (reason, lines, places) in groups {
                s.push_str(&format!("  why: {reason}\n"));
                match places.as_slice() {
                    [] => {}
                    [one] => s.push_str(&format!("  (x-braze-decision at {one})\n")),
                    [first, rest @ ..] => s.push_str(&format!(
                        "  (x-braze-decision at {first} and {} other place(s))\n",
                        rest.len()
                    )),
                }
                for line in lines {
                    s.push_str(&format!("- {line}    [intended]\n"));
                }
            }
            for (line, mark) in items {
                let tag = match mark {
                    Mark::Intended { .. } => continue,
                    Mark::NotAcknowledged => "NOT ACKNOWLEDGED",
                    Mark::NoReason => "NO REASON RECORDED",
                };
                s.push_str(&format!("- {line}    [{tag}]\n"));
            }
        };
        section(
            &mut s,
            format!("breaking changes against {rev}:\n"),
            &self.breaks,
        );
        section(
            &mut s,
            format!(
                "widenings against {rev} (nothing that worked fails on the wire; generated clients' types change):\n"
            ),
            &self.widenings,
        );
        let intended = |v: &[(String, Mark)]| {
            v.iter()
                .filter(|(_, m)| matches!(m, Mark::Intended { .. }))
                .count()
        };
        s.push_str(&format!(
            "breaking: {} breaking change(s) ({} intended), {} widening(s) ({} intended)\n",
            self.breaks.len(),
            intended(&self.breaks),
            self.widenings.len(),
            intended(&self.widenings)
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::{Mark, judge};
    use braze_openapi_generator::breaking;

    /// tests/fixtures/breaking/widened: a 2XX added, a response enum
    /// opened, three values made nullable (one of them in a schema with no
    /// decision of its own) and one response field removed.
    fn widened() -> breaking::Report {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/breaking/widened");
        let load = |f: &str| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
        };
        breaking::report(&load("old.json"), &load("new.json"))
    }

    fn mark<'a>(items: &'a [(String, Mark)], line: &str) -> &'a Mark {
        &items
            .iter()
            .find(|(l, _)| l == line)
            .unwrap_or_else(|| panic!("no {line:?} in {items:#?}"))
            .1
    }

    #[test]
    fn widenings_are_intended_with_their_recorded_reason_and_the_rest_fails() {
        let v = judge(&widened(), "", false);
        let intended = |r: &str, at: &str| Mark::Intended {
            reason: r.to_string(),
            at: (!at.is_empty()).then(|| at.to_string()),
        };
        assert_eq!(
            mark(
                &v.widenings,
                "new success response: POST /users/track response 2XX"
            ),
            &intended(
                "Braze counts every 2xx as success.",
                "POST /users/track response 2XX"
            )
        );
        assert_eq!(
            mark(
                &v.widenings,
                "response enum opened: GET /subscription/status/get response 200 body.status \
                 (any string besides the values of Status)"
            ),
            &intended(
                "Braze adds values and sends other cases.",
                "#/components/schemas/StatusReceived"
            )
        );
        assert_eq!(
            mark(
                &v.widenings,
                "now nullable: POST /users/track response 201 body.stats.sent (a response may carry null)"
            ),
            &intended(
                "Braze's own models type the counters as nullable.",
                "#/components/schemas/Stats"
            )
        );
        assert_eq!(
            mark(
                &v.widenings,
                "now nullable: POST /messages/send request body.campaign_id (a request may send null)"
            ),
            &intended(
                "Integrations send an explicit null.",
                "POST /messages/send request body.campaign_id"
            )
        );
        // `Other` has no decision; the one of `TrackResponse`, which holds
        // it, is about something else and is not taken.
        let other = "now nullable: POST /users/track response 201 body.other.count (a response may carry null)";
        assert_eq!(mark(&v.widenings, other), &Mark::NoReason);
        let gone = "removed field: POST /users/track response 201 body.other.gone";
        assert_eq!(mark(&v.breaks, gone), &Mark::NotAcknowledged);
        assert_eq!((v.breaks.len(), v.widenings.len(), v.open), (1, 5, 2));

        let listing = v.listing("fixture");
        assert!(
            listing.contains(
                "  why: Braze adds values and sends other cases.\n  \
                 (x-braze-decision at #/components/schemas/StatusReceived)\n- response enum opened"
            ),
            "{listing}"
        );
        assert!(
            listing.contains(&format!("- {other}    [NO REASON RECORDED]")),
            "{listing}"
        );
        assert!(
            listing.contains(&format!("- {gone}    [NOT ACKNOWLEDGED]")),
            "{listing}"
        );

        // Acknowledged with a comment: both intended, with the comment as
        // their reason (a line after ` # ` is a comment too).
        let ack = format!("# Fixture: the field was never sent.\n{gone}\n\n{other}  # seen null\n");
        let v = judge(&widened(), &ack, false);
        assert_eq!(v.open, 0);
        assert_eq!(
            mark(&v.breaks, gone),
            &intended(
                "Fixture: the field was never sent. (tools/breaking-acknowledged.txt)",
                ""
            )
        );
        assert_eq!(
            mark(&v.widenings, other),
            &intended("seen null (tools/breaking-acknowledged.txt)", "")
        );

        // A major bump marks every change intended.
        let v = judge(&widened(), "", true);
        assert_eq!(v.open, 0);
    }

    #[test]
    fn nothing_to_list_says_so() {
        let v = judge(&breaking::Report::default(), "", false);
        assert_eq!(v.open, 0);
        assert_eq!(v.listing("v1"), "breaking: none against v1\n");
    }
}
