use super::*;
use crate::ledger::{content_hash, diff_lines, CanonicalLedger, ChangeSet};
use proptest::prelude::*;
use std::collections::BTreeMap;

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

/// A spill as a file would take it: in memory, or failing to write past `room`
/// bytes (a full disk), or failing to be read back.
struct TestSpill {
    written: Vec<u8>,
    room: usize,
    readable: bool,
}

impl std::io::Write for TestSpill {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written.len() + buf.len() > self.room {
            return Err(std::io::Error::other("disk full"));
        }
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl RowSpill for TestSpill {
    fn read_back(&mut self, into: &mut dyn std::io::Write) -> std::io::Result<()> {
        if !self.readable {
            return Err(std::io::Error::other("unreadable"));
        }
        into.write_all(&self.written)
    }
}

/// Which spill a first pass is given.
#[derive(Debug, Clone, Copy)]
enum Spill {
    None,
    Memory,
    Full,
    Unreadable,
}

/// The signed content `lines`, held or read from its canonical text (which holds one
/// line per key).
fn signed_of<'a>(lines: &'a [LedgerLine], reduced: &'a BTreeSet<LineKey>, read: bool) -> Signed<'a> {
    if !read {
        return Signed::held("150000", "fgw", lines, reduced);
    }
    let text = CanonicalLedger::department("150000", "fgw", lines).text;
    Signed::read(content_hash(&text), Box::new(std::io::Cursor::new(text.into_bytes())), reduced)
}

/// The page streamed over `now`, both passes when the first gives up, and how many
/// passes it took; the signed content held or read.
fn streamed(
    signed: Option<(&[LedgerLine], &BTreeSet<LineKey>, bool)>,
    now: &[(LedgerLine, bool)],
    listed: usize,
    after: Option<LineKey>,
    held: usize,
    spill: Spill,
) -> (LedgerPage, usize) {
    let mut pass = StreamPass::First { held };
    for passes in 1.. {
        let signed = signed.map(|(lines, reduced, read)| signed_of(lines, reduced, read));
        let mut s = LedgerStream::new("150000", "fgw", signed, listed, pass.clone()).listing_after(after.clone());
        let (room, readable) = match spill {
            Spill::None => (0, false),
            Spill::Memory => (usize::MAX, true),
            Spill::Full => (600, true),
            Spill::Unreadable => (usize::MAX, false),
        };
        if !matches!(spill, Spill::None) && matches!(pass, StreamPass::First { .. }) {
            s = s.spilling_into(Box::new(TestSpill { written: Vec::new(), room, readable }));
        }
        for (l, m) in now {
            s.push(l, *m).unwrap();
        }
        match s.finish() {
            StreamEnd::Page(p) => return (p, passes),
            StreamEnd::Again(again) => pass = again,
            StreamEnd::Moved => panic!("the lines did not change"),
            StreamEnd::Failed(e) => panic!("nothing is kept: {e}"),
        }
    }
    unreachable!()
}

fn lines_strategy() -> impl Strategy<Value = Vec<(u8, u8, u8, bool)>> {
    proptest::collection::vec((0u8..30, 0u8..3, 0u8..3, any::<bool>()), 0..60)
}

proptest! {
    /// Streamed, the page's figures are those of the whole ledger: the current hash,
    /// the changes in order with their missing flags (from any key on), and the
    /// change set's hash, whether its rows are held, spilled, or read again (when the
    /// spill fails to be written or read back), and whether the signed content is held
    /// or read from its text.
    #[test]
    fn streaming_gives_the_whole_ledgers_figures(
        signed in lines_strategy(),
        now in lines_strategy(),
        reduced in proptest::collection::vec((0u8..30, 0u8..3), 0..10),
        listed in 0usize..8,
        after in proptest::option::of((0u8..30, 0u8..3)),
        held in prop_oneof![Just(0usize), Just(usize::MAX)],
        spill in prop_oneof![Just(Spill::None), Just(Spill::Memory), Just(Spill::Full), Just(Spill::Unreadable)],
        fixed in any::<bool>(),
        read in any::<bool>(),
    ) {
        let mut signed: Vec<LedgerLine> = signed.iter().map(|&(c, i, v, k)| line(c, i, v, k)).collect();
        if read {
            // A signed text holds one line per key: the last of equal keys.
            let by_key: BTreeMap<LineKey, LedgerLine> = signed.into_iter().map(|l| (l.key(), l)).collect();
            signed = by_key.into_values().rev().collect();
        }
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
        let after = after.map(|(c, i)| line(c, i, 0, false).key());
        let (page, passes) =
            streamed(fixed.then_some((signed.as_slice(), &reduced, read)), &now, listed, after.clone(), held, spill);
        // Rows spilled are read back, not read again.
        if matches!(spill, Spill::Memory) || held == usize::MAX {
            prop_assert_eq!(passes, 1);
        }

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
        let past: Vec<(LineChange, bool)> =
            flagged.iter().filter(|c| after.as_ref().is_none_or(|a| c.0.key_ref() > (a.0.as_str(), a.1.as_str()))).cloned().collect();
        prop_assert_eq!(&page.changes[..], &past[..listed.min(past.len())]);
        prop_assert_eq!(page.more_changes, past.len() > listed);
        prop_assert_eq!(page.changes_total, changes.len() as u64);
        prop_assert_eq!(page.change_missing, flagged.iter().filter(|c| c.1).count() as u64);
        let whole = (!changes.is_empty()).then(|| ChangeSet::of("150000", "fgw", &signed, &changes));
        prop_assert_eq!(&page.change_set_hash, &whole.as_ref().map(ChangeSet::hash));
        prop_assert!(page.change_set.is_none(), "kept only when asked");
        let signed_keys: BTreeSet<LineKey> = signed.iter().map(LedgerLine::key).collect();
        prop_assert_eq!(page.signed_items, signed_keys.len() as u64);
        prop_assert_eq!(page.signed_reduced, signed_keys.intersection(&reduced).count() as u64);

        // Kept for confirming, the change set is the whole ledger's, its texts written
        // where the caller said.
        let (mut text, mut result) = (Vec::new(), Vec::new());
        let mut s = LedgerStream::new("150000", "fgw", Some(signed_of(&signed, &reduced, read)), 0, StreamPass::First { held: 0 })
            .keeping_change_set(&mut text, &mut result);
        for (l, m) in &now {
            s.push(l, *m).unwrap();
        }
        let StreamEnd::Page(kept) = s.finish() else { panic!("a kept change set is never read again") };
        prop_assert_eq!(&kept.change_set_hash, &page.change_set_hash);
        let kept = kept.change_set.map(|k| (k.from_hash, k.to_hash, k.result_items, k.changes));
        prop_assert_eq!(kept, whole.as_ref().map(|w| (w.from_hash.clone(), w.to_hash.clone(), w.result.items, w.changes)));
        if let Some(w) = whole {
            prop_assert_eq!(String::from_utf8(text).unwrap(), w.text);
            prop_assert_eq!(String::from_utf8(result).unwrap(), w.result.text);
        }
    }
}

/// A file that takes `room` bytes, then refuses.
struct Full(Vec<u8>, usize);

impl std::io::Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > self.1 {
            return Err(std::io::Error::other("no space left"));
        }
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl RowSpill for Full {
    fn read_back(&mut self, into: &mut dyn std::io::Write) -> std::io::Result<()> {
        into.write_all(&self.0)
    }
}

impl KeptText for Full {
    fn rewrite_start(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.0.rewrite_start(bytes)
    }
}

#[test]
fn a_kept_text_that_cannot_be_written_fails_the_stream() {
    let signed = vec![line(1, 0, 0, true)];
    let reduced = BTreeSet::new();
    let kept = |text_room, result_room| {
        let (mut text, mut result) = (Full(Vec::new(), text_room), Full(Vec::new(), result_room));
        let signed = Signed::held("150000", "fgw", &signed, &reduced);
        let mut s = LedgerStream::new("150000", "fgw", Some(signed), 0, StreamPass::First { held: 0 })
            .keeping_change_set(&mut text, &mut result);
        for l in [line(1, 0, 1, true), line(2, 0, 0, true), line(4, 0, 0, true)] {
            s.push(&l, false).unwrap();
        }
        (s.finish(), text.0)
    };
    for (text_room, result_room) in [(10_000, 150), (150, 10_000), (10, 10_000), (10_000, 10)] {
        let (end, _) = kept(text_room, result_room);
        assert!(
            matches!(&end, StreamEnd::Failed(e) if e.contains("no space left")),
            "{text_room} {result_room}: {end:?}"
        );
    }
    // With room, the same ledger is kept.
    let (StreamEnd::Page(page), text) = kept(10_000, 10_000) else { panic!("kept") };
    assert_eq!(page.change_set.map(|c| c.changes), Some(3));
    assert_eq!(page.change_set_hash, Some(crate::ledger::content_hash(std::str::from_utf8(&text).unwrap())));
}

/// Reads `text`, then fails: a file that cannot be read on.
struct BrokenOff(std::io::Cursor<Vec<u8>>);

impl std::io::Read for BrokenOff {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(std::io::Error::other("the file cannot be read")),
            n => Ok(n),
        }
    }
}

#[test]
fn signed_content_that_is_not_what_was_signed_fails_the_stream() {
    let reduced = BTreeSet::new();
    let signed = [line(1, 0, 0, true), line(2, 0, 0, true), line(4, 1, 0, true)];
    let text = CanonicalLedger::department("150000", "fgw", &signed).text;
    let hash = content_hash(&text);
    let page = |text: &str, hash: &str| {
        let read = Signed::read(hash.to_string(), Box::new(std::io::Cursor::new(text.to_string())), &reduced);
        let mut s = LedgerStream::new("150000", "fgw", Some(read), 5, StreamPass::First { held: usize::MAX });
        for l in [line(3, 0, 0, true), line(2, 0, 1, true)] {
            s.push(&l, false).unwrap();
        }
        s.finish()
    };
    let StreamEnd::Page(whole) = page(&text, &hash) else { panic!("the signed text as signed") };
    assert_eq!((whole.changes_total, whole.signed_items), (4, 3));

    let rows: Vec<&str> = text.split_inclusive('\n').collect();
    let swapped = [rows[0], rows[2], rows[1], rows[3]].concat();
    let other_head = text.replacen("\"fgw\"", "\"gxj\"", 1);
    let not_a_line = text.replacen(rows[2], "[\"a-01\"]\n", 1);
    for (what, text, hash, says) in [
        ("out of order", swapped.clone(), content_hash(&swapped), "comes after"),
        ("another department's", other_head.clone(), content_hash(&other_head), "not this department's"),
        ("not ledger lines", not_a_line.clone(), content_hash(&not_a_line), "not a ledger line"),
        ("not the hash signed", text.clone(), content_hash("another text"), "not the"),
        ("cut short", rows[..3].concat(), hash.clone(), "not the"),
    ] {
        let end = page(&text, &hash);
        assert!(matches!(&end, StreamEnd::Failed(e) if e.contains(says)), "{what}: {end:?}");
    }

    // A text that cannot be read to its end fails the stream, kept or not.
    let broken = || Box::new(std::io::BufReader::new(BrokenOff(std::io::Cursor::new(rows[..2].concat().into_bytes()))));
    let mut s = LedgerStream::new(
        "150000",
        "fgw",
        Some(Signed::read(hash.clone(), broken(), &reduced)),
        5,
        StreamPass::First { held: 0 },
    );
    s.push(&line(5, 0, 0, true), false).unwrap();
    assert!(matches!(s.finish(), StreamEnd::Failed(e) if e.contains("cannot be read")));
    let (mut kept, mut result) = (Vec::new(), Vec::new());
    let mut s = LedgerStream::new(
        "150000",
        "fgw",
        Some(Signed::read(hash, broken(), &reduced)),
        0,
        StreamPass::First { held: 0 },
    )
    .keeping_change_set(&mut kept, &mut result);
    s.push(&line(5, 0, 0, true), false).unwrap();
    assert!(matches!(s.finish(), StreamEnd::Failed(e) if e.contains("cannot be read")));
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
    let mut s = LedgerStream::new(
        "150000",
        "fgw",
        Some(Signed::held("150000", "fgw", &signed, &reduced)),
        1,
        StreamPass::First { held: 0 },
    );
    first.iter().for_each(|l| s.push(l, false).unwrap());
    let StreamEnd::Again(again) = s.finish() else { panic!("a first pass holding nothing gives up") };
    // Between the passes a line was added.
    let mut s = LedgerStream::new("150000", "fgw", Some(Signed::held("150000", "fgw", &signed, &reduced)), 1, again);
    for l in [line(2, 0, 0, true), line(4, 0, 0, true)] {
        s.push(&l, false).unwrap();
    }
    assert_eq!(s.finish(), StreamEnd::Moved);
}
