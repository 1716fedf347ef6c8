//! Lines merged and re-split into Braze's per-request limits, streaming.
//!
//! Each checked line is a request body: its splittable arrays (the body
//! type's `Batchable::LISTS`) are queued item by item, each item tagged with
//! its line; the other fields (the envelope, e.g. a subscription group id)
//! are common to a piece, so a line with another envelope first sends what
//! is queued. A piece is cut as soon as one array reaches its limit (with
//! `together`, the next chunk of every array goes with it, as
//! `Batchable::split` does; otherwise one array per piece), so at most one
//! piece's worth of items waits here whatever the file's size.

use std::collections::{BTreeMap, VecDeque};

use braze_sdk::serde_json::{Map, Value};

/// One item of a splittable array and the line it came from.
#[derive(Debug)]
struct Item {
    line: u64,
    value: Value,
}

/// A request body ready to send, and where each of its items came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The JSON body: the envelope plus a chunk of each array.
    pub body: Value,
    /// For each array the piece carries: its name and the line of each item.
    pub lines: Vec<(&'static str, Vec<u64>)>,
}

impl Piece {
    /// Items carried, all arrays together.
    pub fn items(&self) -> usize {
        self.lines.iter().map(|(_, l)| l.len()).sum()
    }

    /// The body as lines of the input file: for each line that has items
    /// here, the envelope and those of its items that `keep` selects (by
    /// array and index in the piece), in line order. Feeding these back
    /// sends exactly the selected items again.
    pub fn as_lines(&self, keep: impl Fn(&str, usize) -> bool) -> Vec<(u64, Value)> {
        let envelope: Map<String, Value> = self
            .body
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| !self.lines.iter().any(|(name, _)| name == k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut by_line: BTreeMap<u64, Map<String, Value>> = BTreeMap::new();
        for (name, lines) in &self.lines {
            let items = self.body.get(*name).and_then(Value::as_array);
            for (i, line) in lines.iter().enumerate() {
                if !keep(name, i) {
                    continue;
                }
                let Some(item) = items.and_then(|a| a.get(i)) else {
                    continue;
                };
                let entry = by_line.entry(*line).or_insert_with(|| envelope.clone());
                let list = entry
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(a) = list {
                    a.push(item.clone());
                }
            }
        }
        by_line
            .into_iter()
            .map(|(line, body)| (line, Value::Object(body)))
            .collect()
    }
}

/// The merging and splitting state.
pub struct Packer {
    lists: &'static [(&'static str, usize)],
    together: bool,
    envelope: Option<Map<String, Value>>,
    queues: Vec<VecDeque<Item>>,
}

impl Packer {
    pub fn new(lists: &'static [(&'static str, usize)], together: bool) -> Self {
        Packer {
            lists,
            together,
            envelope: None,
            queues: lists.iter().map(|_| VecDeque::new()).collect(),
        }
    }

    fn queued(&self) -> bool {
        self.queues.iter().any(|q| !q.is_empty())
    }

    /// Adds line `line` (a checked body, a JSON object); returns the pieces
    /// now full. A line with no item in any array is an error.
    pub fn push(&mut self, line: u64, body: Value) -> Result<Vec<Piece>, String> {
        let Value::Object(mut object) = body else {
            return Err("the line is not a JSON object".into());
        };
        let mut items: Vec<Vec<Value>> = Vec::with_capacity(self.lists.len());
        for (name, _) in self.lists {
            items.push(match object.remove(*name) {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a,
                // A single value where the body allows one or a list.
                Some(one) => vec![one],
            });
        }
        if items.iter().all(Vec::is_empty) {
            let names: Vec<&str> = self.lists.iter().map(|(n, _)| *n).collect();
            return Err(format!("no item to send in {}", names.join(", ")));
        }
        let mut out = Vec::new();
        if self.envelope.as_ref().is_some_and(|e| *e != object) {
            out.extend(self.flush());
        }
        self.envelope = Some(object);
        for (queue, values) in self.queues.iter_mut().zip(items) {
            queue.extend(values.into_iter().map(|value| Item { line, value }));
        }
        while let Some(piece) = self.full_piece() {
            out.push(piece);
        }
        Ok(out)
    }

    /// A piece if one array reached its limit.
    fn full_piece(&mut self) -> Option<Piece> {
        let full = self
            .queues
            .iter()
            .zip(self.lists)
            .position(|(q, (_, limit))| q.len() >= (*limit).max(1))?;
        Some(self.cut(if self.together { None } else { Some(full) }))
    }

    /// Every queued item, in pieces.
    pub fn flush(&mut self) -> Vec<Piece> {
        let mut out = Vec::new();
        while self.queued() {
            let only = if self.together {
                None
            } else {
                self.queues.iter().position(|q| !q.is_empty())
            };
            out.push(self.cut(only));
        }
        out
    }

    /// Takes up to a limit's worth of each array (or of array `only`).
    fn cut(&mut self, only: Option<usize>) -> Piece {
        let mut body = self.envelope.clone().unwrap_or_default();
        let mut lines = Vec::new();
        for (i, (queue, (name, limit))) in self.queues.iter_mut().zip(self.lists).enumerate() {
            if only.is_some_and(|o| o != i) || queue.is_empty() {
                continue;
            }
            let n = queue.len().min((*limit).max(1));
            let mut values = Vec::with_capacity(n);
            let mut from = Vec::with_capacity(n);
            for item in queue.drain(..n) {
                values.push(item.value);
                from.push(item.line);
            }
            body.insert(name.to_string(), Value::Array(values));
            lines.push((*name, from));
        }
        Piece {
            body: Value::Object(body),
            lines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use braze_sdk::serde_json::json;

    const TRACK: &[(&str, usize)] = &[("attributes", 2), ("events", 2)];
    const DELETE: &[(&str, usize)] = &[("external_ids", 2), ("braze_ids", 2)];

    #[test]
    fn lines_merge_into_full_pieces_and_keep_their_line_numbers() {
        let mut p = Packer::new(TRACK, true);
        assert!(p.push(1, json!({"events": [{"e": 1}]})).unwrap().is_empty());
        let full = p
            .push(
                2,
                json!({"events": [{"e": 2}, {"e": 3}], "attributes": [{"a": 1}]}),
            )
            .unwrap();
        assert_eq!(full.len(), 1);
        assert_eq!(
            full[0].body,
            json!({"attributes": [{"a": 1}], "events": [{"e": 1}, {"e": 2}]})
        );
        assert_eq!(
            full[0].lines,
            vec![("attributes", vec![2]), ("events", vec![1, 2])]
        );
        let rest = p.flush();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].body, json!({"events": [{"e": 3}]}));
        assert_eq!(rest[0].lines, vec![("events", vec![2])]);
        assert!(p.flush().is_empty());
    }

    #[test]
    fn exclusive_arrays_go_one_per_piece_and_envelopes_do_not_mix() {
        let mut p = Packer::new(DELETE, false);
        assert!(
            p.push(1, json!({"external_ids": ["a"], "braze_ids": ["x"]}))
                .unwrap()
                .is_empty()
        );
        let pieces = p.flush();
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].body, json!({"external_ids": ["a"]}));
        assert_eq!(pieces[1].body, json!({"braze_ids": ["x"]}));

        let mut s = Packer::new(&[("external_id", 50)], true);
        assert!(
            s.push(1, json!({"group": "g1", "external_id": "a"}))
                .unwrap()
                .is_empty()
        );
        let flushed = s
            .push(2, json!({"group": "g2", "external_id": ["b"]}))
            .unwrap();
        assert_eq!(
            flushed,
            vec![Piece {
                body: json!({"group": "g1", "external_id": ["a"]}),
                lines: vec![("external_id", vec![1])],
            }]
        );
        assert_eq!(
            s.flush()[0].body,
            json!({"group": "g2", "external_id": ["b"]})
        );
    }

    #[test]
    fn a_line_without_items_is_an_error() {
        let mut p = Packer::new(TRACK, true);
        assert!(p.push(1, json!({"events": []})).is_err());
        assert!(p.push(2, json!([1])).is_err());
    }

    #[test]
    fn pieces_turn_back_into_lines_with_the_selected_items() {
        let piece = Piece {
            body: json!({"g": 1, "events": [{"e": 1}, {"e": 2}, {"e": 3}], "attributes": [{"a": 1}]}),
            lines: vec![("events", vec![4, 4, 7]), ("attributes", vec![7])],
        };
        let all = piece.as_lines(|_, _| true);
        assert_eq!(
            all,
            vec![
                (4, json!({"g": 1, "events": [{"e": 1}, {"e": 2}]})),
                (
                    7,
                    json!({"g": 1, "events": [{"e": 3}], "attributes": [{"a": 1}]})
                ),
            ]
        );
        let some = piece.as_lines(|list, i| list == "events" && i == 1);
        assert_eq!(some, vec![(4, json!({"g": 1, "events": [{"e": 2}]}))]);
    }
}
