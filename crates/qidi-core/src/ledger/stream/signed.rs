//! The signed content a fixed ledger is compared with, a line at a time in key order.
//!
//! A region's department signs two million lines. Held as [`LedgerLine`]s they took a
//! gigabyte (about 550 bytes each) for as long as a page, a signature or a confirmation
//! ran. Read from the signed content's canonical text as the stream needs them, a line
//! is held only while it is compared, or when a page lists it as changed.

use super::super::{department_head, CanonicalLedger, LedgerLine, LineKey};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::BufRead;

/// The signed content of a fixed department ledger, and the lines left by reduction.
pub struct Signed<'a> {
    /// The hash of the signed content's canonical text.
    pub(super) hash: String,
    lines: Lines<'a>,
    pub(super) reduced: &'a BTreeSet<LineKey>,
}

enum Lines<'a> {
    /// Held in memory, by key, the last of equal keys.
    Held(std::vec::IntoIter<&'a LedgerLine>),
    /// Read from the canonical text, checked as it comes.
    Read(Box<Reading<'a>>),
}

struct Reading<'a> {
    text: Box<dyn BufRead + Send + 'a>,
    /// The row being read, its buffer kept from row to row.
    row: Vec<u8>,
    /// The text read so far, hashed: at the end it must give the signed content's hash.
    hasher: Sha256,
    head: Option<Vec<u8>>,
    last: Option<LineKey>,
    ended: bool,
}

impl<'a> Signed<'a> {
    /// Lines held in memory, in any order: of equal keys the last stands, as
    /// [`diff_lines`](super::super::diff_lines) takes them.
    pub fn held(region: &str, department: &str, lines: &'a [LedgerLine], reduced: &'a BTreeSet<LineKey>) -> Signed<'a> {
        // A stable sort, then the last of equal keys; a vector, not a map.
        let mut signed: Vec<&LedgerLine> = lines.iter().collect();
        signed.sort_by(|a, b| a.key_ref().cmp(&b.key_ref()));
        signed.dedup_by(|later, kept| {
            let same = later.key_ref() == kept.key_ref();
            if same {
                *kept = *later;
            }
            same
        });
        let hash = CanonicalLedger::department_hash(region, department, lines);
        Signed { hash, lines: Lines::Held(signed.into_iter()), reduced }
    }

    /// The signed content's canonical text, from its head line, as the caller reads it
    /// (core does no I/O of its own); `hash` is what the text gives. Its lines are
    /// parsed as the stream comes to them and never held. A text that is not this
    /// department's ledger, whose lines are out of key order, or which does not give
    /// `hash`, fails the stream ([`StreamEnd::Failed`](super::StreamEnd::Failed)).
    pub fn read(hash: String, text: Box<dyn BufRead + Send + 'a>, reduced: &'a BTreeSet<LineKey>) -> Signed<'a> {
        let reading = Reading { text, row: Vec::new(), hasher: Sha256::new(), head: None, last: None, ended: false };
        Signed { hash, lines: Lines::Read(Box::new(reading)), reduced }
    }

    /// The next signed line in key order; None past the last, and after a failure.
    pub(super) fn next_line(&mut self) -> Result<Option<LedgerLine>, String> {
        match &mut self.lines {
            Lines::Held(lines) => Ok(lines.next().cloned()),
            Lines::Read(reading) => {
                let next = reading.next_line();
                // A text read wrong is read no further.
                reading.ended |= next.is_err();
                next
            }
        }
    }

    /// Once every line is read: whether the text read was this department's, and gave
    /// the hash it was given with.
    pub(super) fn check_end(&mut self, region: &str, department: &str) -> Result<(), String> {
        let Lines::Read(reading) = &mut self.lines else { return Ok(()) };
        if reading.head.as_deref() != Some(department_head(region, department).as_bytes()) {
            return Err("the signed content read is not this department's ledger".into());
        }
        let read = hex::encode(std::mem::take(&mut reading.hasher).finalize());
        if read != self.hash {
            return Err(format!("the signed content read gives {read}, not the {} it was signed as", self.hash));
        }
        Ok(())
    }
}

impl Reading<'_> {
    fn next_line(&mut self) -> Result<Option<LedgerLine>, String> {
        loop {
            if self.ended {
                return Ok(None);
            }
            self.row.clear();
            let read = self.text.read_until(b'\n', &mut self.row).map_err(|e| e.to_string());
            if read? == 0 {
                self.ended = true;
                return Ok(None);
            }
            self.hasher.update(&self.row);
            if self.head.is_none() {
                self.head = Some(self.row.clone());
                continue;
            }
            let row = self.row.strip_suffix(b"\n").unwrap_or(&self.row);
            let Some(line) = LedgerLine::parse_row(row) else {
                return Err(format!(
                    "a line of the signed content is not a ledger line: {}",
                    String::from_utf8_lossy(row)
                ));
            };
            match &mut self.last {
                Some(last) if (last.0.as_str(), last.1.as_str()) >= line.key_ref() => {
                    return Err(format!("the signed content's line {:?} comes after {last:?}", line.key()));
                }
                Some((code, item_type)) => {
                    code.clone_from(&line.project_code);
                    item_type.clone_from(&line.item_type);
                }
                None => self.last = Some(line.key()),
            }
            return Ok(Some(line));
        }
    }
}
