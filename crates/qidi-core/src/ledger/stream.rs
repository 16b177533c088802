//! A department ledger's page, computed as its lines stream past in canonical order
//! (project code, then item type, byte by byte), beside the signed content read in the
//! same order ([`Signed`]), so that what is held is the changes a page lists, not the
//! ledger now nor what was signed. A department of a region holds a million lines; its
//! page shows two hundred of them.
//!
//! The figures are the same as the whole ledger's ([`CanonicalLedger::department`](super::CanonicalLedger::department),
//! [`diff_lines`](super::diff_lines), [`ChangeSet::of`](super::ChangeSet::of)); the tests
//! hold them to it. One thing cannot be streamed: a change set's head line names the
//! signed content it leads to, which is known only at the end. Its rows are held up to a
//! limit; past it they go to a file the caller provides ([`RowSpill`]), or, without one,
//! the lines are read a second time with that hash known ([`StreamPass::Again`]).

use super::{change_set_head, department_head, ChangeKind, LedgerLine, LineChange, LineKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Write as _;

mod signed;
pub use signed::Signed;

/// How many bytes of a change set's rows a first pass holds before it puts them in its
/// spill (or gives them up for a second pass): about 25,000 changes. A region's ledger
/// imported into a fixed one makes 200,000 and more, whose rows would cost the server
/// twice their size at the moment the buffer grows; a temporary file costs little.
pub const CHANGE_ROWS_HELD: usize = 8 << 20;

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
    /// The hash of the ledger now ([`CanonicalLedger::department`](super::CanonicalLedger::department)).
    pub current_hash: String,
    pub items: u64,
    /// Lines whose check report is missing.
    pub missing_checks: u64,
    /// The first changes to the signed content, in key order, each with whether its
    /// line now has its check report missing.
    pub changes: Vec<(LineChange, bool)>,
    pub changes_total: u64,
    /// Whether changes past those listed remain to be listed (the next page's start is
    /// the last listed change's key).
    pub more_changes: bool,
    /// Added or changed lines whose check report is missing.
    pub change_missing: u64,
    /// The hash of the change set confirming every change, when there are any.
    pub change_set_hash: Option<String>,
    /// The lines of the signed content, when the ledger is fixed, and how many of them
    /// left by reduction.
    pub signed_items: u64,
    pub signed_reduced: u64,
    /// That change set, when the stream was asked to keep it
    /// ([`LedgerStream::keeping_change_set`]): its texts are in the caller's [`KeptText`]s.
    pub change_set: Option<KeptChangeSet>,
}

/// A change set kept for confirming: what [`ChangeSet::of`](super::ChangeSet::of) gives,
/// but for its two texts, which were written as they came into the [`KeptText`]s the
/// caller gave [`LedgerStream::keeping_change_set`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptChangeSet {
    pub from_hash: String,
    /// The hash of the signed content once confirmed: the result text's.
    pub to_hash: String,
    /// The lines of the result.
    pub result_items: u64,
    pub changes: u64,
}

/// What [`LedgerStream::finish`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEnd {
    Page(LedgerPage),
    /// The change set's rows outgrew what a first pass holds: read the lines again.
    Again(StreamPass),
    /// A second pass saw another ledger than the first (it changed between them).
    Moved,
    /// A text kept for confirming could not be written or read back (its file).
    Failed(String),
}

/// A line came out of canonical order: the reader's order is not the ledger's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfOrder {
    pub after: LineKey,
    pub line: LineKey,
}

/// Where a first pass puts a change set's rows once they outgrow what it holds: a file
/// the caller provides (core does no I/O of its own), read back once at the end. If it
/// fails, the pass gives the rows up and asks for a second reading instead.
pub trait RowSpill: std::io::Write + Send {
    /// Copy everything written, from the start, into `into`.
    fn read_back(&mut self, into: &mut dyn std::io::Write) -> std::io::Result<()>;
}

/// Where a change set kept for confirming, and the signed content it leads to, are
/// written as they come: a region's are hundreds of megabytes each, so the caller gives a
/// file (core does no I/O of its own), or memory.
pub trait KeptText: RowSpill {
    /// Write `bytes` over the text's first bytes, as many: the change set's head line,
    /// once the hash it leads to is known.
    fn rewrite_start(&mut self, bytes: &[u8]) -> std::io::Result<()>;
}

impl RowSpill for Vec<u8> {
    fn read_back(&mut self, into: &mut dyn std::io::Write) -> std::io::Result<()> {
        into.write_all(self)
    }
}

impl KeptText for Vec<u8> {
    fn rewrite_start(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let Some(start) = self.get_mut(..bytes.len()) else {
            return Err(std::io::Error::other("a kept text is shorter than its head line"));
        };
        start.copy_from_slice(bytes);
        Ok(())
    }
}

/// The change set's rows as they come.
enum Rows<'a> {
    Held(Vec<u8>, usize),
    Spilled(Box<dyn RowSpill + 'a>),
    GivenUp,
    Hashing(Sha256, String),
    /// The change set's whole text, for confirming it: its head line first, written with
    /// the hash it leads to unknown (as long as any hash), then every row.
    Kept(&'a mut dyn KeptText),
}

/// The signed content a fixed ledger is compared with, and what is made of it.
struct Against<'a> {
    signed: Signed<'a>,
    /// The signed line read and not yet compared.
    head: Option<LedgerLine>,
    signed_items: u64,
    signed_reduced: u64,
    reduced: BTreeSet<(&'a str, &'a str)>,
    region: &'a str,
    department: &'a str,
    from_hash: String,
    /// The signed content once confirmed, as its canonical text is hashed.
    result: Sha256,
    /// That text itself, when the change set is kept; and its lines.
    kept: Option<&'a mut dyn KeptText>,
    /// What went wrong reading the signed content or writing a kept text, if anything did.
    failed: Option<String>,
    result_items: u64,
    rows: Rows<'a>,
    spill: Option<Box<dyn RowSpill + 'a>>,
    listed: usize,
    /// Changes at or before this key are counted, not listed (a later page of them).
    listed_after: Option<LineKey>,
    changes: Vec<(LineChange, bool)>,
    more: bool,
    total: u64,
    missing: u64,
}

/// A department ledger's page, fed its lines in canonical order.
pub struct LedgerStream<'a> {
    current: Sha256,
    items: u64,
    missing: u64,
    /// The last line's key, its buffers kept from line to line.
    last: Option<LineKey>,
    /// The line being pushed as its canonical row is written, kept from line to line.
    row: Vec<u8>,
    against: Option<Against<'a>>,
}

/// One row of a canonical text: its JSON, then a newline.
fn try_write_row<T: Serialize>(out: &mut impl std::io::Write, row: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, row)?;
    out.write_all(b"\n")
}

/// [`try_write_row`] into memory or a hash, which cannot fail.
fn write_row<T: Serialize>(out: &mut impl std::io::Write, row: &T) {
    try_write_row(out, row).expect("strings serialise into memory");
}

impl<'a> LedgerStream<'a> {
    /// `signed`: the signed content when the ledger is fixed, with the lines left by
    /// reduction; `listed`: how many changes the page describes.
    pub fn new(
        region: &'a str,
        department: &'a str,
        signed: Option<Signed<'a>>,
        listed: usize,
        pass: StreamPass,
    ) -> LedgerStream<'a> {
        let head = department_head(region, department);
        let against = signed.map(|signed| {
            let from_hash = signed.hash.clone();
            let rows = match pass {
                StreamPass::First { held } => Rows::Held(Vec::new(), held),
                StreamPass::Again { to_hash } => {
                    let mut h = Sha256::new();
                    h.update(change_set_head(region, department, &from_hash, &to_hash));
                    Rows::Hashing(h, to_hash)
                }
            };
            Against {
                reduced: signed.reduced.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect(),
                signed,
                head: None,
                signed_items: 0,
                signed_reduced: 0,
                region,
                department,
                from_hash,
                result: Sha256::new_with_prefix(&head),
                kept: None,
                failed: None,
                result_items: 0,
                rows,
                spill: None,
                listed,
                listed_after: None,
                changes: Vec::new(),
                more: false,
                total: 0,
                missing: 0,
            }
        });
        LedgerStream {
            current: Sha256::new_with_prefix(head),
            items: 0,
            missing: 0,
            last: None,
            row: Vec::new(),
            against,
        }
    }

    /// List only the changes after `key` in key order: a later page of them. The figures
    /// and the change set still cover every change.
    pub fn listing_after(mut self, key: Option<LineKey>) -> Self {
        if let Some(a) = &mut self.against {
            a.listed_after = key;
        }
        self
    }

    /// Put the change set's rows into `spill` once they outgrow what a first pass holds,
    /// rather than read the lines again.
    pub fn spilling_into(mut self, spill: Box<dyn RowSpill + 'a>) -> Self {
        if let Some(a) = &mut self.against {
            a.spill = Some(spill);
        }
        self
    }

    /// Keep the change set whole for confirming it: its text into `text`, and the signed
    /// content it leads to into `result`, both from their start; its rows are never held
    /// or read again. For a first pass.
    pub fn keeping_change_set(mut self, text: &'a mut dyn KeptText, result: &'a mut dyn KeptText) -> Self {
        if let Some(a) = &mut self.against {
            let unknown = "0".repeat(64);
            let head = change_set_head(a.region, a.department, &a.from_hash, &unknown);
            a.failed = text
                .write_all(head.as_bytes())
                .and_then(|()| result.write_all(department_head(a.region, a.department).as_bytes()))
                .err()
                .map(|e| e.to_string());
            a.kept = Some(result);
            a.rows = Rows::Kept(text);
        }
        self
    }

    /// The next line of the ledger now, and whether its check report is missing.
    pub fn push(&mut self, line: &LedgerLine, missing: bool) -> Result<(), OutOfOrder> {
        if let Some(last) = &self.last {
            if (last.0.as_str(), last.1.as_str()) >= line.key_ref() {
                return Err(OutOfOrder { after: last.clone(), line: line.key() });
            }
        }
        match &mut self.last {
            Some((code, item_type)) => {
                code.clear();
                code.push_str(&line.project_code);
                item_type.clear();
                item_type.push_str(&line.item_type);
            }
            None => self.last = Some(line.key()),
        }
        // Written once, hashed into the ledger now and, unless the line left by
        // reduction (the signed line stands), into the signed content once confirmed.
        self.row.clear();
        write_row(&mut self.row, &line.canonical());
        self.current.update(&self.row);
        self.items += 1;
        self.missing += u64::from(missing);
        if let Some(a) = &mut self.against {
            a.push(line, &self.row, missing);
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
            more_changes: false,
            change_missing: 0,
            change_set_hash: None,
            change_set: None,
            signed_items: 0,
            signed_reduced: 0,
        };
        let Some(mut a) = self.against else { return StreamEnd::Page(page) };
        a.signed_before(None);
        if a.failed.is_none() {
            a.failed = a.signed.check_end(a.region, a.department).err();
        }
        if let Some(e) = a.failed {
            return StreamEnd::Failed(e);
        }
        (page.signed_items, page.signed_reduced) = (a.signed_items, a.signed_reduced);
        let to_hash = hex::encode(a.result.finalize());
        page.changes = a.changes;
        page.changes_total = a.total;
        page.more_changes = a.more;
        page.change_missing = a.missing;
        if a.total > 0 {
            let head = change_set_head(a.region, a.department, &a.from_hash, &to_hash);
            let mut h = Sha256::new_with_prefix(&head);
            page.change_set_hash = Some(match a.rows {
                Rows::Held(rows, _) => hex::encode(h.chain_update(&rows).finalize()),
                Rows::Kept(text) => {
                    // The head line in place, then the whole text hashed as it reads back.
                    debug_assert_eq!(to_hash.len(), 64, "the head was written for a SHA-256 in hex");
                    let mut whole = Sha256::new();
                    let written = text
                        .flush()
                        .and_then(|()| a.kept.map_or(Ok(()), |r| r.flush()))
                        .and_then(|()| text.rewrite_start(head.as_bytes()))
                        .and_then(|()| text.read_back(&mut whole));
                    if let Err(e) = written {
                        return StreamEnd::Failed(e.to_string());
                    }
                    page.change_set = Some(KeptChangeSet {
                        from_hash: a.from_hash,
                        to_hash,
                        result_items: a.result_items,
                        changes: a.total,
                    });
                    hex::encode(whole.finalize())
                }
                Rows::Spilled(mut spill) => {
                    if spill.read_back(&mut h).is_err() {
                        return StreamEnd::Again(StreamPass::Again { to_hash });
                    }
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
    /// `row`: the line's canonical row, as written.
    fn push(&mut self, line: &LedgerLine, row: &[u8], missing: bool) {
        let key = line.key_ref();
        self.signed_before(Some(key));
        let signed = if self.head().is_some_and(|s| s.key_ref() == key) { self.take_head() } else { None };
        if self.reduced.contains(&key) {
            // Left by reduction: never a change, and it stays as signed.
            if let Some(s) = signed {
                self.add_signed_to_result(&s);
            }
            return;
        }
        self.add_to_result(row);
        match signed {
            None => self.change(ChangeKind::Added, None, Some(line), missing),
            Some(s) if s != *line => self.change(ChangeKind::Changed, Some(&s), Some(line), missing),
            Some(_) => {}
        }
    }

    /// The next signed line, read when first needed; None past the last, or once the
    /// signed content fails to be read.
    fn head(&mut self) -> Option<&LedgerLine> {
        if self.head.is_none() {
            match self.signed.next_line() {
                Ok(line) => self.head = line,
                Err(e) => _ = self.failed.get_or_insert(e),
            }
        }
        self.head.as_ref()
    }

    /// The signed line [`Against::head`] gave, taken to be compared, and counted.
    fn take_head(&mut self) -> Option<LedgerLine> {
        let line = self.head.take()?;
        self.signed_items += 1;
        self.signed_reduced += u64::from(self.reduced.contains(&line.key_ref()));
        Some(line)
    }

    /// A row of the signed content once confirmed.
    fn add_to_result(&mut self, row: &[u8]) {
        self.result.update(row);
        self.result_items += 1;
        if let Some(kept) = &mut self.kept {
            if let Err(e) = kept.write_all(row) {
                self.failed.get_or_insert(e.to_string());
            }
        }
    }

    /// A signed line that stays as signed, into the signed content once confirmed: written
    /// straight into the hash, as a page reads it, and again only when kept.
    fn add_signed_to_result(&mut self, line: &LedgerLine) {
        write_row(&mut self.result, &line.canonical());
        self.result_items += 1;
        if let Some(kept) = &mut self.kept {
            if let Err(e) = try_write_row(kept, &line.canonical()) {
                self.failed.get_or_insert(e.to_string());
            }
        }
    }

    /// The signed lines before `key` (all that are left, for None): none of them is in
    /// the ledger now.
    fn signed_before(&mut self, key: Option<(&str, &str)>) {
        while let Some(s) = self.head() {
            if key.is_some_and(|k| s.key_ref() >= k) {
                break;
            }
            let Some(s) = self.take_head() else { break };
            if self.reduced.contains(&s.key_ref()) {
                self.add_signed_to_result(&s);
            } else {
                self.change(ChangeKind::Dropped, Some(&s), None, false);
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
                    self.rows = match self.spill.take() {
                        Some(mut spill) => match spill.write_all(rows) {
                            Ok(()) => Rows::Spilled(spill),
                            Err(_) => Rows::GivenUp,
                        },
                        None => Rows::GivenUp,
                    };
                }
            }
            Rows::Spilled(spill) => {
                if try_write_row(spill, &row).is_err() {
                    self.rows = Rows::GivenUp;
                }
            }
            Rows::GivenUp => {}
            Rows::Hashing(h, _) => write_row(h, &row),
            Rows::Kept(text) => {
                if let Err(e) = try_write_row(text, &row) {
                    self.failed.get_or_insert(e.to_string());
                }
            }
        }
        let key = after.or(before).map(LedgerLine::key_ref).unwrap_or_default();
        if self.listed_after.as_ref().is_some_and(|(p, t)| key <= (p.as_str(), t.as_str())) {
            return;
        }
        if self.changes.len() < self.listed {
            let (project_code, item_type) = (key.0.to_string(), key.1.to_string());
            let change = LineChange { kind, project_code, item_type, before: before.cloned(), after: after.cloned() };
            self.changes.push((change, missing));
        } else {
            self.more = true;
        }
    }
}

#[cfg(test)]
mod tests;
