//! The texts a signature binds, stored in parts (migration 0037).
//!
//! A region's department ledger is hundreds of megabytes of canonical text, and a change
//! set with its result as much again. Bound as one value each, SQLite copied the value and
//! built the row whole (three gigabytes at two million lines), and PostgreSQL refuses a
//! value, or a statement's values together, of a gigabyte. So a text is written as parts
//! of at most [`PART_BYTES`], cut after a line where one ends within the part, and read
//! back joined in order. Its row says how many parts it has; a row written before keeps
//! its text in its own column, with no parts.

use crate::StoreError;
use qidi_core::ledger::{KeptText, RowSpill};
use sqlx::{AnyConnection, Row};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;

/// At most this many bytes of text to a part.
pub(super) const PART_BYTES: usize = 4 << 20;

/// Which text of its row a part belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    /// A version's canonical text, or a change set's.
    Content,
    /// A change set's result: the content it leads to.
    Result,
}

impl Field {
    fn as_str(self) -> &'static str {
        match self {
            Field::Content => "content",
            Field::Result => "result",
        }
    }
}

/// The rule a [`SpilledText`] is cut by, for a text held whole: what its tests hold it to.
/// Where `text` is cut into parts of at most `max` bytes: after the last line end within
/// each part, or, in a line longer than `max`, at the last character boundary. The parts
/// joined are the text; an empty text has no parts.
#[cfg(test)]
fn cuts(text: &str, max: usize) -> Vec<Range<usize>> {
    let max = max.max(4); // room for any one character
    let mut parts = Vec::with_capacity(text.len() / max + 1);
    let mut start = 0;
    while start < text.len() {
        let end = start + part_len(&text.as_bytes()[start..text.len().min(start + max + 1)], max);
        parts.push(start..end);
        start = end;
    }
    parts
}

/// How long the part is that begins `window`: the rest of a text from the part's start,
/// or its first `max + 1` bytes (one past the part, to see whether a character begins there).
fn part_len(window: &[u8], max: usize) -> usize {
    if window.len() <= max {
        return window.len();
    }
    match window[..max].iter().rposition(|&b| b == b'\n') {
        Some(i) => i + 1,
        // No UTF-8 character begins with a continuation byte (0b10xxxxxx).
        None => (1..=max).rev().find(|&i| window[i] & 0xC0 != 0x80).unwrap_or(max),
    }
}

async fn insert_part(
    conn: &mut AnyConnection,
    owner_id: &str,
    field: Field,
    i: usize,
    text: String,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO ledger_text_parts (owner_id, field, part, text) VALUES ($1, $2, $3, $4)")
        .bind(owner_id)
        .bind(field.as_str())
        .bind(i as i64)
        .bind(text)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Past this many bytes, a [`SpilledText`] goes to its file.
pub(super) const HELD_BYTES: usize = 1 << 20;

/// A text being written for a signature, kept out of memory: a region's department ledger
/// is hundreds of megabytes, and the signature that completes a version stores nothing of
/// it. What is written goes to an unnamed temporary file once it passes [`HELD_BYTES`]
/// (the file is gone once closed, even if the server is killed); the text is the file's
/// bytes, then those held.
#[derive(Default)]
pub(super) struct SpilledText {
    file: Option<File>,
    file_len: u64,
    held: Vec<u8>,
}

impl SpilledText {
    /// A text held whole (a banner ledger's: one line per department).
    pub(super) fn held(text: String) -> SpilledText {
        SpilledText { held: text.into_bytes(), ..Default::default() }
    }

    /// Add `bytes` to the end of the text.
    pub(super) fn push(&mut self, bytes: &[u8]) -> Result<(), StoreError> {
        self.held.extend_from_slice(bytes);
        if self.held.len() > HELD_BYTES {
            let file = match &mut self.file {
                Some(f) => f,
                None => self.file.insert(tempfile::tempfile().map_err(io("cannot make a file for a signed text"))?),
            };
            // At its end, whatever was read of it before.
            file.seek(SeekFrom::End(0)).map_err(io("cannot write a signed text to its file"))?;
            file.write_all(&self.held).map_err(io("cannot write a signed text to its file"))?;
            self.file_len += self.held.len() as u64;
            self.held.clear();
        }
        Ok(())
    }

    fn len(&self) -> u64 {
        self.file_len + self.held.len() as u64
    }

    /// The text's bytes `range`, from the file and from what is held.
    fn read(&mut self, range: Range<u64>) -> Result<Vec<u8>, StoreError> {
        let mut out = vec![0; (range.end - range.start) as usize];
        self.read_into(range.start, &mut out).map_err(io("cannot read a signed text's file"))?;
        Ok(out)
    }

    /// The text's bytes from `start`, as many as `out` takes.
    fn read_into(&mut self, start: u64, out: &mut [u8]) -> std::io::Result<()> {
        let end = start + out.len() as u64;
        let in_file = self.file_len.min(end).saturating_sub(start) as usize;
        if in_file > 0 {
            let file = self.file.as_mut().expect("a text with bytes in its file has one");
            file.seek(SeekFrom::Start(start))?;
            file.read_exact(&mut out[..in_file])?;
        }
        if end > self.file_len {
            let from = (start.max(self.file_len) - self.file_len) as usize;
            out[in_file..].copy_from_slice(&self.held[from..(end - self.file_len) as usize]);
        }
        Ok(())
    }

    /// The text from its start, to be read as it is: the signed content a page compares
    /// the ledger now with, a line at a time.
    pub(super) fn reader(&mut self) -> TextReader<'_> {
        TextReader { text: self, at: 0 }
    }

    /// Where the text is cut into parts of at most `max` bytes, as [`cuts`] cuts a text
    /// held whole; read a part at a time.
    pub(super) fn cuts(&mut self, max: usize) -> Result<Vec<Range<u64>>, StoreError> {
        let max = max.max(4);
        let (len, mut start, mut parts) = (self.len(), 0u64, Vec::new());
        while start < len {
            let window = self.read(start..len.min(start + max as u64 + 1))?;
            let end = start + part_len(&window, max) as u64;
            parts.push(start..end);
            start = end;
        }
        Ok(parts)
    }

    /// Write the text as the parts `cuts` names, in order, for the row `owner_id`.
    pub(super) async fn write_parts(
        &mut self,
        conn: &mut AnyConnection,
        owner_id: &str,
        field: Field,
        cuts: &[Range<u64>],
    ) -> Result<(), StoreError> {
        for (i, r) in cuts.iter().enumerate() {
            let part = String::from_utf8(self.read(r.clone())?)
                .map_err(|e| sqlx::Error::Protocol(format!("a signed text's part {i} is not UTF-8: {e}")))?;
            insert_part(conn, owner_id, field, i, part).await?;
        }
        Ok(())
    }
}

/// A [`SpilledText`] read from its start ([`SpilledText::reader`]).
pub(super) struct TextReader<'a> {
    text: &'a mut SpilledText,
    at: u64,
}

impl Read for TextReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (self.text.len() - self.at).min(buf.len() as u64) as usize;
        self.text.read_into(self.at, &mut buf[..n])?;
        self.at += n as u64;
        Ok(n)
    }
}

// A change set kept for confirming is written straight into its file by core's stream.
impl Write for SpilledText {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.push(buf).map_err(std::io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl RowSpill for SpilledText {
    fn read_back(&mut self, into: &mut dyn Write) -> std::io::Result<()> {
        let (len, mut at) = (self.len(), 0u64);
        while at < len {
            let to = len.min(at + HELD_BYTES as u64);
            into.write_all(&self.read(at..to).map_err(std::io::Error::other)?)?;
            at = to;
        }
        Ok(())
    }
}

impl KeptText for SpilledText {
    fn rewrite_start(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if bytes.len() as u64 > self.len() {
            return Err(std::io::Error::other("a kept text is shorter than its head line"));
        }
        let in_file = (bytes.len() as u64).min(self.file_len) as usize;
        if in_file > 0 {
            let file = self.file.as_mut().expect("a text with bytes in its file has one");
            file.seek(SeekFrom::Start(0))?;
            file.write_all(&bytes[..in_file])?;
        }
        self.held[..bytes.len() - in_file].copy_from_slice(&bytes[in_file..]);
        Ok(())
    }
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> StoreError {
    move |source| StoreError::Io { what: what.into(), source }
}

/// A row's text: its `parts` parts joined in order when it has any, else its own column
/// (`inline`). The database lets no part be added, changed or removed; a text found with
/// a part missing (its guards dropped) is an error, not a shorter text.
#[cfg(test)]
pub(super) async fn read_text(
    conn: &mut AnyConnection,
    owner_id: &str,
    field: Field,
    inline: String,
    parts: i64,
) -> Result<String, StoreError> {
    let mut text = String::new();
    read_text_with(conn, owner_id, field, inline, parts, |part| text.push_str(part)).await?;
    Ok(text)
}

/// [`read_text`] a part at a time, each given to `each` in order: a region's text is
/// hundreds of megabytes, and its readers hash and parse it as it comes. Each part is
/// its own query: fetched as one stream, SQLite's driver read up to 50 rows ahead of the
/// reader, 200 MB of parts held in its channel.
pub(super) async fn read_text_with(
    conn: &mut AnyConnection,
    owner_id: &str,
    field: Field,
    inline: String,
    parts: i64,
    mut each: impl FnMut(&str),
) -> Result<(), StoreError> {
    if parts == 0 {
        each(&inline);
        return Ok(());
    }
    for part in 0..parts {
        let row = sqlx::query(crate::baseline::LEDGER_TEXT_PART)
            .bind(owner_id)
            .bind(field.as_str())
            .bind(part)
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = row else {
            let what = format!("the signed {} of {owner_id} lacks part {part} of {parts}", field.as_str());
            return Err(sqlx::Error::Protocol(what).into());
        };
        each(row.try_get::<&str, _>(0)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn joined(text: &str, max: usize) -> String {
        cuts(text, max).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn a_text_is_cut_after_its_lines_and_within_the_limit() {
        let text = "甲,1\n乙,22\n丙,333\n";
        let parts: Vec<&str> = cuts(text, 13).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["甲,1\n乙,22\n", "丙,333\n"]);
        let parts: Vec<&str> = cuts(text, 12).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["甲,1\n", "乙,22\n", "丙,333\n"]);
        assert!(cuts("", 12).is_empty());
        // A line longer than a part is cut between characters, never inside one.
        let long = "项目".repeat(10);
        assert!(cuts(&long, 7).iter().all(|r| r.len() <= 7 && r.len() % 3 == 0));
        assert_eq!(joined(&long, 7), long);
    }

    #[test]
    fn a_text_past_what_is_held_goes_to_its_file_and_reads_back_whole() {
        let line = "2022-152529-44-01-000101,项目,eia\n";
        let n = HELD_BYTES / line.len() + 10;
        let mut t = SpilledText::default();
        for _ in 0..n {
            t.push(line.as_bytes()).unwrap();
        }
        assert!(t.file.is_some() && t.file_len > 0, "spilled");
        assert!(t.held.len() <= HELD_BYTES);
        let whole = line.repeat(n);
        let parts = t.cuts(PART_BYTES / 8).unwrap();
        let wanted: Vec<Range<u64>> =
            cuts(&whole, PART_BYTES / 8).into_iter().map(|r| r.start as u64..r.end as u64).collect();
        assert_eq!(parts, wanted);
        let read: Vec<u8> = parts.iter().flat_map(|r| t.read(r.clone()).unwrap()).collect();
        assert_eq!(String::from_utf8(read).unwrap(), whole);
        // Written to again after a reading, it goes on at its end.
        for _ in 0..n {
            t.push(line.as_bytes()).unwrap();
        }
        let len = t.len();
        let read = t.read(0..len).unwrap();
        assert_eq!(String::from_utf8(read).unwrap(), line.repeat(2 * n));
    }

    proptest! {
        /// Cut as it is stored, part by part from its file and what is held, a text is cut
        /// as when held whole; read from its start, in reads of any size, it is the text.
        #[test]
        fn a_spilled_text_is_cut_as_a_whole_one(
            pieces in proptest::collection::vec("[a-z,\n项目甲乙😀]{0,40}", 0..20),
            in_file in 0usize..20,
            max in 1usize..64,
            read_size in 1usize..100,
        ) {
            let whole: String = pieces.concat();
            let mut t = SpilledText::default();
            for (i, p) in pieces.iter().enumerate() {
                t.held.extend_from_slice(p.as_bytes());
                if i < in_file {
                    // As `push` does past HELD_BYTES.
                    let file = t.file.get_or_insert_with(|| tempfile::tempfile().unwrap());
                    file.write_all(&t.held).unwrap();
                    t.file_len += t.held.len() as u64;
                    t.held.clear();
                }
            }
            let wanted: Vec<Range<u64>> = cuts(&whole, max).into_iter().map(|r| r.start as u64..r.end as u64).collect();
            prop_assert_eq!(t.cuts(max).unwrap(), wanted);
            let read: Vec<u8> = t.cuts(max).unwrap().into_iter().flat_map(|r| t.read(r).unwrap()).collect();
            prop_assert_eq!(&String::from_utf8(read).unwrap(), &whole);
            let (mut reader, mut buf, mut read) = (t.reader(), vec![0; read_size], Vec::new());
            loop {
                match reader.read(&mut buf).unwrap() {
                    0 => break,
                    n => read.extend_from_slice(&buf[..n]),
                }
            }
            prop_assert_eq!(String::from_utf8(read).unwrap(), whole);
        }

        /// A change set's head line written over its start, wherever the file ends, reads
        /// back as the text with that head; what is written after goes on at the end.
        #[test]
        fn a_kept_text_takes_its_head_in_place(
            pieces in proptest::collection::vec("[a-z,\n项目甲乙😀]{0,40}", 1..20),
            in_file in 0usize..20,
            head_len in 0usize..80,
        ) {
            let mut whole: String = pieces.concat();
            let mut t = SpilledText::default();
            for (i, p) in pieces.iter().enumerate() {
                t.write_all(p.as_bytes()).unwrap();
                if i < in_file {
                    let file = t.file.get_or_insert_with(|| tempfile::tempfile().unwrap());
                    file.seek(SeekFrom::End(0)).unwrap();
                    file.write_all(&t.held).unwrap();
                    t.file_len += t.held.len() as u64;
                    t.held.clear();
                }
            }
            let head = "h".repeat(head_len);
            if head_len > whole.len() || !whole.is_char_boundary(head_len) {
                prop_assert!(head_len <= whole.len() || t.rewrite_start(head.as_bytes()).is_err());
                return Ok(());
            }
            t.rewrite_start(head.as_bytes()).unwrap();
            whole.replace_range(..head_len, &head);
            t.write_all("末\n".as_bytes()).unwrap();
            whole.push_str("末\n");
            let mut back = Vec::new();
            t.read_back(&mut back).unwrap();
            prop_assert_eq!(String::from_utf8(back).unwrap(), whole);
        }

        #[test]
        fn the_parts_joined_are_the_text(text in "[a-z,\n项目甲乙😀]{0,300}", max in 1usize..64) {
            let parts = cuts(&text, max);
            prop_assert_eq!(joined(&text, max), text.clone());
            prop_assert!(parts.iter().all(|r| !r.is_empty() && r.len() <= max.max(4)));
            // Each part but the last ends a line when one ends within it.
            for w in parts.windows(2) {
                let part = &text[w[0].clone()];
                let next_line_end = text[w[0].start..].find('\n').map(|i| w[0].start + i);
                if next_line_end.is_some_and(|e| e < w[0].end) {
                    prop_assert!(part.ends_with('\n'), "{:?}", part);
                }
            }
        }
    }
}

#[cfg(test)]
mod stored {
    use super::*;
    use crate::testing::{banner, on_each_backend};

    /// A banner ledger version whose content has `parts` parts.
    async fn version(store: &crate::Store, id: &str, parts: i64) {
        let campaign = store.campaign(&banner()).await.unwrap().id;
        sqlx::query(
            "INSERT INTO ledger_versions (id, region_code, campaign_id, kind, scope_key, content_hash, content,
                 content_parts, item_count, created_at)
             VALUES ($1, '152529', $2, 'banner', $1, 'h', '', $3, 0, '2026-12-05T09:00:00+08:00')",
        )
        .bind(id)
        .bind(campaign)
        .bind(parts)
        .execute(store.pool())
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn a_text_in_many_parts_reads_back_whole_and_gains_no_part_later() {
        on_each_backend(|store| async move {
            let text: String =
                (0..200).map(|i| format!("项目{i:04},eia,pending,2026-12-{:02}\n", i % 28 + 1)).collect();
            let parts = cuts(&text, 100);
            assert!(parts.len() > 50);
            let n = parts.len() as i64;
            version(&store, "v-1", n).await;
            let mut conn = store.pool().acquire().await.unwrap();
            let parts: Vec<Range<u64>> = parts.into_iter().map(|r| r.start as u64..r.end as u64).collect();
            SpilledText::held(text.clone()).write_parts(&mut conn, "v-1", Field::Content, &parts).await.unwrap();
            assert_eq!(read_text(&mut conn, "v-1", Field::Content, String::new(), n).await.unwrap(), text);
            // A row without parts is its own column, as rows written before parts were.
            assert_eq!(read_text(&mut conn, "v-1", Field::Content, "旧".into(), 0).await.unwrap(), "旧");

            // No part past the count, of a field the row lacks, or of no row at all.
            for (owner, field, part) in [("v-1", "content", n), ("v-1", "result", 0), ("v-0", "content", 0)] {
                let e = sqlx::query(
                    "INSERT INTO ledger_text_parts (owner_id, field, part, text) VALUES ($1, $2, $3, '多出的一行')",
                )
                .bind(owner)
                .bind(field)
                .bind(part)
                .execute(&mut *conn)
                .await
                .unwrap_err();
                assert!(e.to_string().contains("only the parts its row names"), "{owner} {field} {part}: {e}");
            }
            assert_eq!(read_text(&mut conn, "v-1", Field::Content, String::new(), n).await.unwrap(), text);

            // A text written as it came, most of it in its file, reads back whole.
            let line = "2022-152529-44-01-000101,项目,eia\n";
            let lines = HELD_BYTES / line.len() * 3;
            let mut spilled = SpilledText::default();
            for _ in 0..lines {
                spilled.push(line.as_bytes()).unwrap();
            }
            let cuts = spilled.cuts(64 << 10).unwrap();
            assert!(cuts.len() > 10);
            version(&store, "v-3", cuts.len() as i64).await;
            spilled.write_parts(&mut conn, "v-3", Field::Content, &cuts).await.unwrap();
            let read = read_text(&mut conn, "v-3", Field::Content, String::new(), cuts.len() as i64).await.unwrap();
            assert_eq!(read, line.repeat(lines));

            // A text short of a part is not read as a shorter text.
            version(&store, "v-2", 3).await;
            let mut two = SpilledText::held("甲\n乙\n".into());
            two.write_parts(&mut conn, "v-2", Field::Content, &[0..4, 4..8]).await.unwrap();
            let e = read_text(&mut conn, "v-2", Field::Content, String::new(), 3).await.unwrap_err();
            assert!(e.to_string().contains("lacks part 2 of 3"), "{e}");
        })
        .await;
    }
}
