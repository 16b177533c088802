//! Checks made on an uploaded file before any spreadsheet parser sees it
//! (SECURITY.md, "Input and files"): size, container type, zip-bomb caps measured
//! on the real decompressed stream, and no DTDs in the XML parts.

use crate::OfficeError;
use std::io::{Cursor, Read};

/// Caps applied before parsing. The defaults fit a 1,000,000-row ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Largest file accepted, in bytes (default 100 MiB).
    pub max_file_bytes: u64,
    /// Most zip entries (default 10,000; Excel writes a few dozen).
    pub max_entries: usize,
    /// Most bytes all entries may decompress to, declared and real (default 2 GiB).
    pub max_uncompressed_bytes: u64,
    /// Highest ratio decompressed : compressed for any entry larger than
    /// `ratio_floor_bytes`, declared and real (default 250; sheet XML is 5–50).
    pub max_ratio: u64,
    /// Entries that decompress to at most this many bytes are not ratio-checked (default 1 MiB).
    pub ratio_floor_bytes: u64,
    /// Most bytes the shared-strings part may decompress to (default 128 MiB). A parser
    /// holds every shared string in memory at once, so this part bounds an import's
    /// memory more than any other: a small file within the ratio cap can still inflate
    /// to gigabytes of strings.
    pub max_shared_strings_bytes: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_file_bytes: 100 << 20,
            max_entries: 10_000,
            max_uncompressed_bytes: 2 << 30,
            max_ratio: 250,
            ratio_floor_bytes: 1 << 20,
            max_shared_strings_bytes: 128 << 20,
        }
    }
}

/// Set by whoever asked for an import when they are gone (a web request that ended or
/// timed out): the reader stops at its next check, within one row or 64 KiB of
/// decompressed data, instead of parsing on for nobody.
#[derive(Debug, Clone, Default)]
pub struct Cancel(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn check(&self) -> Result<(), OfficeError> {
        if self.is_cancelled() {
            Err(OfficeError::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// What kind of container a file is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    /// A zip archive: .xlsx.
    Zip,
    /// An OLE compound file: .xls (or an encrypted .xlsx).
    Cfb,
}

pub(crate) fn sniff(bytes: &[u8]) -> Result<Container, OfficeError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Ok(Container::Zip)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Ok(Container::Cfb)
    } else {
        Err(OfficeError::NotExcel)
    }
}

pub(crate) fn check_size(len: u64, limits: &ArchiveLimits) -> Result<(), OfficeError> {
    if len > limits.max_file_bytes {
        return Err(OfficeError::FileTooLarge { size: len, max: limits.max_file_bytes });
    }
    Ok(())
}

/// Walk every entry of the zip: caps on entry count, declared sizes and ratios,
/// then decompress each entry in a stream, counting the real bytes against the same
/// caps (declared sizes can lie) and scanning XML parts for `<!DOCTYPE`/`<!ENTITY`.
/// Nothing is kept in memory beyond one buffer.
///
/// While the bytes stream past, it also keeps what the importer needs and would
/// otherwise have to decompress again: the workbook part, its relationships, and the
/// merged ranges of each worksheet part.
pub(crate) fn check_zip(bytes: &[u8], limits: &ArchiveLimits, cancel: &Cancel) -> Result<ZipFacts, OfficeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(OfficeError::corrupt)?;
    let count = zip.len();
    if count > limits.max_entries {
        return Err(OfficeError::TooManyEntries { count, max: limits.max_entries });
    }
    if count == 0 {
        return Err(OfficeError::NotExcel);
    }

    // Declared sizes first: cheap, and rejects most bombs without inflating anything.
    let mut declared_total: u64 = 0;
    let mut names = std::collections::HashSet::new();
    for i in 0..count {
        let f = zip.by_index_raw(i).map_err(OfficeError::corrupt)?;
        if f.encrypted() {
            return Err(OfficeError::Encrypted);
        }
        if !names.insert(f.name().to_string()) {
            return Err(OfficeError::corrupt(format!("duplicate entry {}", f.name())));
        }
        declared_total = declared_total.saturating_add(f.size());
        if declared_total > limits.max_uncompressed_bytes {
            return Err(OfficeError::Uncompressed { max: limits.max_uncompressed_bytes });
        }
        ratio_ok(f.name(), f.size(), f.compressed_size(), limits)?;
        shared_strings_ok(f.name(), f.size(), limits)?;
    }

    // Then the real bytes.
    let mut facts = ZipFacts::default();
    let mut buf = vec![0u8; 64 * 1024];
    let mut real_total: u64 = 0;
    for i in 0..count {
        let mut f = zip.by_index(i).map_err(OfficeError::corrupt)?;
        let name = f.name().to_string();
        let declared = f.size();
        let compressed = f.compressed_size();
        let scan = is_xml_part(&name);
        let mut scanner = DtdScanner::default();
        let mut merges = (scan && name.contains("worksheets/")).then(MergeScanner::default);
        let keep = (name == "xl/workbook.xml" || name == "xl/_rels/workbook.xml.rels") && declared <= 16 << 20;
        let mut kept = Vec::new();
        let mut real: u64 = 0;
        loop {
            cancel.check()?;
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(OfficeError::corrupt(format!("{name}: {e}"))),
            };
            real += n as u64;
            real_total += n as u64;
            if real_total > limits.max_uncompressed_bytes {
                return Err(OfficeError::Uncompressed { max: limits.max_uncompressed_bytes });
            }
            ratio_ok(&name, real, compressed, limits)?;
            shared_strings_ok(&name, real, limits)?;
            if real > declared {
                return Err(OfficeError::corrupt(format!("{name}: more data than declared")));
            }
            if scan && scanner.feed(&buf[..n], real == n as u64) {
                return Err(OfficeError::ForbiddenXml { entry: name });
            }
            if let Some(m) = merges.as_mut() {
                m.feed(&buf[..n]);
            }
            if keep {
                kept.extend_from_slice(&buf[..n]);
            }
        }
        if real != declared {
            return Err(OfficeError::corrupt(format!("{name}: less data than declared")));
        }
        if let Some(m) = merges {
            facts.merges.insert(name.clone(), m.found);
        }
        if keep {
            if name.ends_with(".rels") {
                facts.workbook_rels = Some(kept);
            } else {
                facts.workbook = Some(kept);
            }
        }
    }
    Ok(facts)
}

/// The shared-strings part (any case, wherever the workbook puts it) within its cap.
fn shared_strings_ok(name: &str, size: u64, limits: &ArchiveLimits) -> Result<(), OfficeError> {
    let shared = name.rsplit('/').next().is_some_and(|f| f.eq_ignore_ascii_case("sharedStrings.xml"));
    if shared && size > limits.max_shared_strings_bytes {
        return Err(OfficeError::SharedStrings { max: limits.max_shared_strings_bytes });
    }
    Ok(())
}

/// A merged range: (first row, first column), (last row, last column), 0-based.
pub(crate) type MergedRange = ((u32, u32), (u32, u32));

/// What the pre-check saw on the way through.
#[derive(Debug, Default)]
pub(crate) struct ZipFacts {
    /// `xl/workbook.xml`.
    pub workbook: Option<Vec<u8>>,
    /// `xl/_rels/workbook.xml.rels`.
    pub workbook_rels: Option<Vec<u8>>,
    /// Worksheet part name → its merged ranges.
    pub merges: std::collections::HashMap<String, Vec<MergedRange>>,
}

impl ZipFacts {
    /// The merged ranges of the sheet called `sheet`, if its part can be found the way
    /// the workbook names it (`None`: ask the parser instead).
    pub(crate) fn merges_of(&self, sheet: &str) -> Option<Vec<MergedRange>> {
        let part = sheet_part(self.workbook.as_deref()?, self.workbook_rels.as_deref()?, sheet)?;
        self.merges.get(&part).cloned()
    }
}

/// The zip entry of a sheet: `<sheet name=… r:id=…>` in the workbook, then the
/// relationship with that id.
pub(crate) fn sheet_part(workbook: &[u8], rels: &[u8], sheet: &str) -> Option<String> {
    use quick_xml::events::Event;
    let attrs = |e: &quick_xml::events::BytesStart<'_>| -> Vec<(Vec<u8>, String)> {
        e.attributes()
            .filter_map(Result::ok)
            .filter_map(|a| {
                let raw = std::str::from_utf8(&a.value).ok()?;
                let v = quick_xml::escape::unescape(raw).ok()?.into_owned();
                Some((a.key.local_name().as_ref().to_vec(), v))
            })
            .collect()
    };
    let get = |a: &[(Vec<u8>, String)], k: &[u8]| a.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut rid = None;
    let mut r = quick_xml::Reader::from_reader(workbook);
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sheet" => {
                let a = attrs(&e);
                if get(&a, b"name").as_deref() == Some(sheet) {
                    rid = get(&a, b"id");
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let rid = rid?;
    let mut r = quick_xml::Reader::from_reader(rels);
    loop {
        buf.clear();
        match r.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let a = attrs(&e);
                if get(&a, b"Id").as_deref() == Some(rid.as_str()) {
                    let target = get(&a, b"Target")?;
                    return Some(match target.strip_prefix('/') {
                        Some(abs) => abs.to_string(),
                        None => format!("xl/{target}"),
                    });
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Collects `<mergeCell ref="A4:A6"/>` elements from a stream of XML bytes.
#[derive(Default)]
struct MergeScanner {
    /// An unfinished tag from the end of the previous chunk.
    carry: Vec<u8>,
    found: Vec<MergedRange>,
}

impl MergeScanner {
    const MAX_TAG: usize = 512;

    fn feed(&mut self, chunk: &[u8]) {
        let mut from = 0;
        if !self.carry.is_empty() {
            // Finish the tag begun in the previous chunk.
            match memchr::memchr(b'>', chunk) {
                Some(end) if self.carry.len() + end < Self::MAX_TAG => {
                    let mut tag = std::mem::take(&mut self.carry);
                    tag.extend_from_slice(&chunk[..=end]);
                    self.tags(&tag);
                    from = end + 1;
                }
                Some(end) => {
                    self.carry.clear();
                    from = end + 1;
                }
                None => {
                    if self.carry.len() + chunk.len() < Self::MAX_TAG {
                        self.carry.extend_from_slice(chunk);
                    } else {
                        self.carry.clear();
                    }
                    return;
                }
            }
        }
        let rest = &chunk[from..];
        // A tag cut off at the end of this chunk waits for the next one.
        let complete = match memchr::memrchr(b'<', rest) {
            Some(lt) if memchr::memchr(b'>', &rest[lt..]).is_none() => {
                if rest.len() - lt < Self::MAX_TAG {
                    self.carry.extend_from_slice(&rest[lt..]);
                }
                &rest[..lt]
            }
            _ => rest,
        };
        self.tags(complete);
    }

    /// Every complete `mergeCell` tag in `data`.
    fn tags(&mut self, data: &[u8]) {
        for i in memchr::memmem::find_iter(data, b"mergeCell") {
            let before = if i > 0 { data[i - 1] } else { 0 };
            let after = data.get(i + 9).copied().unwrap_or(0);
            if !(before == b'<' || before == b':') || !(after.is_ascii_whitespace() || after == b'/' || after == b'>') {
                continue;
            }
            let Some(end) = memchr::memchr(b'>', &data[i..]) else { continue };
            let tag = &data[i..i + end];
            if let Some(r) = ref_attr(tag).and_then(parse_range) {
                self.found.push(r);
            }
        }
    }
}

/// The value of the `ref` attribute in a tag's text.
fn ref_attr(tag: &[u8]) -> Option<&[u8]> {
    let mut i = 0;
    while let Some(j) = memchr::memmem::find(&tag[i..], b"ref") {
        let at = i + j;
        i = at + 3;
        if at > 0 && !tag[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = &tag[at + 3..];
        let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
        let rest = rest.strip_prefix(b"=")?;
        let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
        let q = *rest.first()?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let end = memchr::memchr(q, &rest[1..])?;
        return Some(&rest[1..1 + end]);
    }
    None
}

/// `A4:B6` → ((3, 0), (5, 1)).
fn parse_range(r: &[u8]) -> Option<MergedRange> {
    let s = std::str::from_utf8(r).ok()?;
    let (a, b) = s.split_once(':')?;
    Some((parse_cell(a)?, parse_cell(b)?))
}

fn parse_cell(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().trim_start_matches('$');
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in s[..letters].bytes() {
        col = col * 26 + (b.to_ascii_uppercase() - b'A' + 1) as u32;
    }
    let row: u32 = s[letters..].trim_start_matches('$').parse().ok()?;
    if row == 0 || col == 0 {
        return None;
    }
    Some((row - 1, col - 1))
}

fn ratio_ok(name: &str, size: u64, compressed: u64, limits: &ArchiveLimits) -> Result<(), OfficeError> {
    if size > limits.ratio_floor_bytes && size / compressed.max(1) > limits.max_ratio {
        return Err(OfficeError::CompressionRatio { entry: name.to_string(), max_ratio: limits.max_ratio });
    }
    Ok(())
}

/// Parts an XML parser will read: everything except binary media.
fn is_xml_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let binary = [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".bin", ".tif", ".tiff", ".svg.gz"];
    !binary.iter().any(|e| lower.ends_with(e))
}

/// Finds `<!DOCTYPE` or `<!ENTITY` (any case) across buffer boundaries, and XML in
/// UTF-16, where a byte scan would miss them (Excel always writes UTF-8).
#[derive(Default)]
struct DtdScanner {
    tail: Vec<u8>,
}

impl DtdScanner {
    const KEEP: usize = 9; // len("<!DOCTYPE")

    /// Returns true if the data seen so far is forbidden.
    fn feed(&mut self, chunk: &[u8], first: bool) -> bool {
        if first
            && (chunk.starts_with(&[0xFF, 0xFE])
                || chunk.starts_with(&[0xFE, 0xFF])
                || chunk.starts_with(b"<\0")
                || chunk.starts_with(b"\0<"))
        {
            return true;
        }
        // The tail of the previous chunk joined to the start of this one.
        let prev_tail = std::mem::take(&mut self.tail);
        if !prev_tail.is_empty() {
            let mut joined = prev_tail.clone();
            joined.extend_from_slice(&chunk[..chunk.len().min(Self::KEEP)]);
            if Self::has_dtd(&joined) {
                return true;
            }
        }
        if Self::has_dtd(chunk) {
            return true;
        }
        // Keep the last KEEP-1 bytes seen, which may span several small chunks.
        if chunk.len() >= Self::KEEP - 1 {
            self.tail.extend_from_slice(&chunk[chunk.len() - (Self::KEEP - 1)..]);
        } else {
            self.tail = prev_tail;
            self.tail.extend_from_slice(chunk);
            let start = self.tail.len().saturating_sub(Self::KEEP - 1);
            self.tail.drain(..start);
        }
        false
    }

    fn has_dtd(data: &[u8]) -> bool {
        memchr::memmem::find_iter(data, b"<!").any(|i| {
            let rest = &data[i + 2..];
            let word = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
            word(b"DOCTYPE") || word(b"ENTITY")
        })
    }
}

/// Read a file from disk with the size cap checked before reading.
pub(crate) fn read_capped(path: &std::path::Path, limits: &ArchiveLimits) -> Result<Vec<u8>, OfficeError> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    check_size(len, limits)?;
    let mut bytes = Vec::with_capacity(len as usize);
    // The file may grow between the stat and the read: read one byte past the cap at most.
    file.take(limits.max_file_bytes + 1).read_to_end(&mut bytes)?;
    check_size(bytes.len() as u64, limits)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_finds_dtd_across_chunks() {
        let doc = b"<?xml version=\"1.0\"?><!DOCTYPE x><x/>";
        for split in 0..doc.len() {
            let mut s = DtdScanner::default();
            let hit = s.feed(&doc[..split], true) || s.feed(&doc[split..], split == 0);
            assert!(hit, "split at {split}");
        }
        let ok = b"<?xml version=\"1.0\"?><x><![CDATA[<!doc]]></x>";
        assert!(!DtdScanner::default().feed(ok, true));
        assert!(DtdScanner::default().feed(b"<!doctype x>", true));
        // One byte at a time.
        let mut s = DtdScanner::default();
        assert!(doc.iter().enumerate().any(|(i, b)| s.feed(std::slice::from_ref(b), i == 0)));
        let mut s = DtdScanner::default();
        assert!(!ok.iter().enumerate().any(|(i, b)| s.feed(std::slice::from_ref(b), i == 0)));
        assert!(DtdScanner::default().feed(b"\xFF\xFE<\0?\0", true));
    }

    #[test]
    fn merge_cells_across_chunks() {
        let xml = br#"<sheetData/><mergeCells count="3"><mergeCell ref="A4:A6"/><x:mergeCell ref='$B$10:C12' /><mergeCell ref="AA1:AB2"/></mergeCells>"#;
        let want = vec![((3, 0), (5, 0)), ((9, 1), (11, 2)), ((0, 26), (1, 27))];
        for size in [1, 2, 3, 7, 16, 1000] {
            let mut m = MergeScanner::default();
            for chunk in xml.chunks(size) {
                m.feed(chunk);
            }
            assert_eq!(m.found, want, "chunks of {size}");
        }
        assert_eq!(parse_cell("A1"), Some((0, 0)));
        assert_eq!(parse_cell("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell("1A"), None);
    }

    #[test]
    fn sheet_parts() {
        let wb = br#"<workbook xmlns:r="x"><sheets><sheet name="A&amp;B" sheetId="1" r:id="rId2"/><sheet name="Other" sheetId="2" r:id="rId1"/></sheets></workbook>"#;
        let rels = br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet2.xml"/><Relationship Id="rId2" Target="/xl/worksheets/sheet1.xml"/></Relationships>"#;
        assert_eq!(sheet_part(wb, rels, "A&B").as_deref(), Some("xl/worksheets/sheet1.xml"));
        assert_eq!(sheet_part(wb, rels, "Other").as_deref(), Some("xl/worksheets/sheet2.xml"));
        assert_eq!(sheet_part(wb, rels, "None"), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"PK\x03\x04rest").unwrap(), Container::Zip);
        assert_eq!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).unwrap(), Container::Cfb);
        assert!(matches!(sniff(b"hello"), Err(OfficeError::NotExcel)));
        assert!(matches!(sniff(b""), Err(OfficeError::NotExcel)));
    }
}
