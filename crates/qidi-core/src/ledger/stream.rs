//! A department ledger's page, computed as its lines stream past in canonical order
//! (project code, then item type, byte by byte), so that what is held is the signed
//! content and the changes a page lists, not the ledger now. A department of a region
//! holds a million lines; its page shows two hundred of them.
//!
//! The figures are the same as the whole ledger's ([`CanonicalLedger::department`],
//! [`diff_lines`], [`ChangeSet::of`]); the tests hold them to it. One thing cannot be
//! streamed: a change set's head line names the signed content it leads to, which is
//! known only at the end. Its rows are held up to a limit; past it the lines are read a
//! second time, with that hash known ([`StreamPass::Again`]).

use super::{change_set_head, department_head, CanonicalLedger, ChangeKind, LedgerLine, LineChange, LineKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// How many bytes of a change set's rows a first pass holds before it gives them up
/// for a second pass: about 200,000 changes, a region's ledger imported into a fixed one.
pub const CHANGE_ROWS_HELD: usize = 64 << 20;

/// Which pass over the lines this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamPass {
    /// The first: a change set's rows are held up to this many bytes.
    First { held: usize },
    /// Again, the hash of the signed content once confirmed being known.
    Again { to_hash: String },
}

/// What a department ledger's page shows of it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPage {
    /// The hash of the ledger now ([`CanonicalLedger::department`]).
    pub current_hash: String,
    pub items: u64,
    /// Lines whose check report is missing.
    pub missing_checks: u64,
    /// The first changes to the signed content, in key order, each with whether its
    /// line now has its check report missing.
    pub changes: Vec<(LineChange, bool)>,
    pub changes_total: u64,
    /// Added or changed lines whose check report is missing.
    pub change_missing: u64,
    /// The hash of the change set confirming every change, when there are any.
    pub change_set_hash: Option<String>,
}

/// What [`LedgerStream::finish`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEnd {
    Page(LedgerPage),
    /// The change set's rows outgrew what a first pass holds: read the lines again.
    Again(StreamPass),
    /// A second pass saw another ledger than the first (it changed between them).
    Moved,
}

/// A line came out of canonical order: the reader's order is not the ledger's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfOrder {
    pub after: LineKey,
    pub line: LineKey,
}

/// The change set's rows as they come.
enum Rows {
    Held(Vec<u8>, usize),
    GivenUp,
    Hashing(Sha256, String),
}

/// The signed content a fixed ledger is compared with, and what is made of it.
struct Against<'a> {
    /// By key, the last of equal keys (as [`diff_lines`] and [`super::apply_changes`] take it).
    signed: Vec<&'a LedgerLine>,
    next: usize,
    reduced: BTreeSet<(&'a str, &'a str)>,
    region: &'a str,
    department: &'a str,
    from_hash: String,
    /// The signed content once confirmed, as its canonical text is hashed.
    result: Sha256,
    rows: Rows,
    listed: usize,
    changes: Vec<(LineChange, bool)>,
    total: u64,
    missing: u64,
}

/// A department ledger's page, fed its lines in canonical order.
pub struct LedgerStream<'a> {
    current: Sha256,
    items: u64,
    missing: u64,
    last: Option<LineKey>,
    against: Option<Against<'a>>,
}

fn write_row<T: Serialize>(out: &mut impl std::io::Write, row: &T) {
    serde_json::to_writer(&mut *out, row).expect("strings serialise");
    out.write_all(b"\n").expect("writes to memory");
}

impl<'a> LedgerStream<'a> {
    /// `signed`: the signed content when the ledger is fixed, with the lines left by
    /// reduction; `listed`: how many changes the page describes.
    pub fn new(
        region: &'a str,
        department: &'a str,
        signed: Option<(&'a [LedgerLine], &'a BTreeSet<LineKey>)>,
        listed: usize,
        pass: StreamPass,
    ) -> LedgerStream<'a> {
        let head = department_head(region, department);
        let against = signed.map(|(lines, reduced)| {
            let by_key: BTreeMap<(&str, &str), &LedgerLine> = lines.iter().map(|l| (l.key_ref(), l)).collect();
            let from_hash = CanonicalLedger::department(region, department, lines).hash();
            let rows = match pass {
                StreamPass::First { held } => Rows::Held(Vec::new(), held),
                StreamPass::Again { to_hash } => {
                    let mut h = Sha256::new();
                    h.update(change_set_head(region, department, &from_hash, &to_hash));
                    Rows::Hashing(h, to_hash)
                }
            };
            Against {
                signed: by_key.into_values().collect(),
                next: 0,
                reduced: reduced.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect(),
                region,
                department,
                from_hash,
                result: Sha256::new_with_prefix(&head),
                rows,
                listed,
                changes: Vec::new(),
                total: 0,
                missing: 0,
            }
        });
        LedgerStream { current: Sha256::new_with_prefix(head), items: 0, missing: 0, last: None, against }
    }

    /// The next line of the ledger now, and whether its check report is missing.
    pub fn push(&mut self, line: &LedgerLine, missing: bool) -> Result<(), OutOfOrder> {
        if let Some(last) = &self.last {
            if (last.0.as_str(), last.1.as_str()) >= line.key_ref() {
                return Err(OutOfOrder { after: last.clone(), line: line.key() });
            }
        }
        self.last = Some(line.key());
        write_row(&mut self.current, &line.canonical());
        self.items += 1;
        self.missing += u64::from(missing);
        if let Some(a) = &mut self.against {
            a.push(line, missing);
        }
        Ok(())
    }

    pub fn finish(self) -> StreamEnd {
        let mut page = LedgerPage {
            current_hash: hex::encode(self.current.finalize()),
            items: self.items,
            missing_checks: self.missing,
            changes: Vec::new(),
            changes_total: 0,
            change_missing: 0,
            change_set_hash: None,
        };
        let Some(mut a) = self.against else { return StreamEnd::Page(page) };
        a.signed_before(None);
        let to_hash = hex::encode(a.result.finalize());
        page.changes = a.changes;
        page.changes_total = a.total;
        page.change_missing = a.missing;
        if a.total > 0 {
            page.change_set_hash = Some(match a.rows {
                Rows::Held(rows, _) => {
                    let mut h =
                        Sha256::new_with_prefix(change_set_head(a.region, a.department, &a.from_hash, &to_hash));
                    h.update(&rows);
                    hex::encode(h.finalize())
                }
                Rows::GivenUp => return StreamEnd::Again(StreamPass::Again { to_hash }),
                Rows::Hashing(_, known) if known != to_hash => return StreamEnd::Moved,
                Rows::Hashing(h, _) => hex::encode(h.finalize()),
            });
        }
        StreamEnd::Page(page)
    }
}

impl<'a> Against<'a> {
    fn push(&mut self, line: &LedgerLine, missing: bool) {
        let key = line.key_ref();
        self.signed_before(Some(key));
        let signed = self.signed.get(self.next).copied().filter(|s| s.key_ref() == key);
        if signed.is_some() {
            self.next += 1;
        }
        if self.reduced.contains(&key) {
            // Left by reduction: never a change, and it stays as signed.
            if let Some(s) = signed {
                write_row(&mut self.result, &s.canonical());
            }
            return;
        }
        write_row(&mut self.result, &line.canonical());
        match signed {
            None => self.change(ChangeKind::Added, None, Some(line), missing),
            Some(s) if s != line => self.change(ChangeKind::Changed, Some(s), Some(line), missing),
            Some(_) => {}
        }
    }

    /// The signed lines before `key` (all that are left, for None): none of them is in
    /// the ledger now.
    fn signed_before(&mut self, key: Option<(&str, &str)>) {
        while let Some(s) = self.signed.get(self.next).copied() {
            if key.is_some_and(|k| s.key_ref() >= k) {
                break;
            }
            self.next += 1;
            if self.reduced.contains(&s.key_ref()) {
                write_row(&mut self.result, &s.canonical());
            } else {
                self.change(ChangeKind::Dropped, Some(s), None, false);
            }
        }
    }

    fn change(&mut self, kind: ChangeKind, before: Option<&LedgerLine>, after: Option<&LedgerLine>, missing: bool) {
        let missing = missing && after.is_some();
        self.total += 1;
        self.missing += u64::from(missing);
        let row = (kind, before.map(LedgerLine::canonical), after.map(LedgerLine::canonical));
        match &mut self.rows {
            Rows::Held(rows, held) => {
                write_row(rows, &row);
                if rows.len() > *held {
                    self.rows = Rows::GivenUp;
                }
            }
            Rows::GivenUp => {}
            Rows::Hashing(h, _) => write_row(h, &row),
        }
        if self.changes.len() < self.listed {
            let (project_code, item_type) = after.or(before).map(LedgerLine::key).unwrap_or_default();
            let change = LineChange { kind, project_code, item_type, before: before.cloned(), after: after.cloned() };
            self.changes.push((change, missing));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{diff_lines, ChangeSet};
    use proptest::prelude::*;

    fn line(code: u8, item: u8, version: u8, check: bool) -> LedgerLine {
        LedgerLine {
            // Codes that sort differently by bytes than by a language's collation.
            project_code: format!("{}-{code:02}", if code.is_multiple_of(3) { "Z" } else { "a" }),
            project_name: format!("项目{code}"),
            owner: code.is_multiple_of(2).then(|| "某公司\"测试\"".to_string()),
            initiating_department: Some("fgw".into()),
            item_type: format!("t{item}"),
            handling_department: "zrzyj".into(),
            check_result: check.then(|| format!("核查{version}")),
            responsible_person: None,
            acceptance_status: None,
            due_on: chrono::NaiveDate::from_ymd_opt(2026, 1 + u32::from(version % 12), 1),
        }
    }

    /// The page streamed over `now`, both passes when the first gives up.
    fn streamed(
        signed: Option<(&[LedgerLine], &BTreeSet<LineKey>)>,
        now: &[(LedgerLine, bool)],
        listed: usize,
        held: usize,
    ) -> LedgerPage {
        let mut pass = StreamPass::First { held };
        loop {
            let mut s = LedgerStream::new("150000", "fgw", signed, listed, pass);
            for (l, m) in now {
                s.push(l, *m).unwrap();
            }
            match s.finish() {
                StreamEnd::Page(p) => return p,
                StreamEnd::Again(again) => pass = again,
                StreamEnd::Moved => panic!("the lines did not change"),
            }
        }
    }

    fn lines_strategy() -> impl Strategy<Value = Vec<(u8, u8, u8, bool)>> {
        proptest::collection::vec((0u8..30, 0u8..3, 0u8..3, any::<bool>()), 0..60)
    }

    proptest! {
        /// Streamed, the page's figures are those of the whole ledger: the current hash,
        /// the changes in order with their missing flags, and the change set's hash,
        /// whether its rows are held or read again.
        #[test]
        fn streaming_gives_the_whole_ledgers_figures(
            signed in lines_strategy(),
            now in lines_strategy(),
            reduced in proptest::collection::vec((0u8..30, 0u8..3), 0..10),
            listed in 0usize..8,
            held in prop_oneof![Just(0usize), Just(usize::MAX)],
            fixed in any::<bool>(),
        ) {
            let signed: Vec<LedgerLine> = signed.iter().map(|&(c, i, v, k)| line(c, i, v, k)).collect();
            let reduced: BTreeSet<LineKey> = reduced.iter().map(|&(c, i)| line(c, i, 0, false).key()).collect();
            // The ledger now, as the store reads it: one line per key, in canonical
            // order, without the lines left by reduction.
            let mut by_key: BTreeMap<LineKey, (LedgerLine, bool)> = BTreeMap::new();
            for &(c, i, v, k) in &now {
                let l = line(c, i, v, k);
                by_key.insert(l.key(), (l, !k));
            }
            let now: Vec<(LedgerLine, bool)> = by_key.into_values().filter(|(l, _)| !reduced.contains(&l.key())).collect();
            let current: Vec<&LedgerLine> = now.iter().map(|(l, _)| l).collect();
            let page = streamed(fixed.then_some((signed.as_slice(), &reduced)), &now, listed, held);

            prop_assert_eq!(&page.current_hash, &CanonicalLedger::department("150000", "fgw", current.iter().copied()).hash());
            prop_assert_eq!(page.items, now.len() as u64);
            prop_assert_eq!(page.missing_checks, now.iter().filter(|(_, m)| *m).count() as u64);
            if !fixed {
                prop_assert!(page.changes.is_empty() && page.change_set_hash.is_none());
                return Ok(());
            }
            let changes = diff_lines(&signed, current.iter().copied(), &reduced);
            let missing: BTreeSet<(&str, &str)> = now.iter().filter(|(_, m)| *m).map(|(l, _)| l.key_ref()).collect();
            let flagged: Vec<(LineChange, bool)> = changes
                .iter()
                .map(|c| (c.clone(), c.after.is_some() && missing.contains(&c.key_ref())))
                .collect();
            prop_assert_eq!(&page.changes[..], &flagged[..listed.min(flagged.len())]);
            prop_assert_eq!(page.changes_total, changes.len() as u64);
            prop_assert_eq!(page.change_missing, flagged.iter().filter(|c| c.1).count() as u64);
            let whole = (!changes.is_empty()).then(|| ChangeSet::of("150000", "fgw", &signed, &changes).hash());
            prop_assert_eq!(page.change_set_hash, whole);
        }
    }

    #[test]
    fn a_line_out_of_order_is_refused() {
        let mut s = LedgerStream::new("150000", "fgw", None, 0, StreamPass::First { held: 0 });
        s.push(&line(1, 1, 0, true), false).unwrap();
        let err = s.push(&line(1, 0, 0, true), false).unwrap_err();
        assert_eq!(err.line, line(1, 0, 0, true).key());
        // The same key twice is out of order too: a ledger has one line per key.
        assert!(s.push(&line(1, 1, 0, true), false).is_err());
    }

    #[test]
    fn a_second_pass_over_another_ledger_is_seen() {
        let signed = vec![line(1, 0, 0, true)];
        let reduced = BTreeSet::new();
        let first = [line(2, 0, 0, true)];
        let mut s = LedgerStream::new("150000", "fgw", Some((&signed, &reduced)), 1, StreamPass::First { held: 0 });
        first.iter().for_each(|l| s.push(l, false).unwrap());
        let StreamEnd::Again(again) = s.finish() else { panic!("a first pass holding nothing gives up") };
        // Between the passes a line was added.
        let mut s = LedgerStream::new("150000", "fgw", Some((&signed, &reduced)), 1, again);
        for l in [line(2, 0, 0, true), line(4, 0, 0, true)] {
            s.push(&l, false).unwrap();
        }
        assert_eq!(s.finish(), StreamEnd::Moved);
    }
}
