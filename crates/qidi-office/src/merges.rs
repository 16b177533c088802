//! The official sheet's per-project merged ranges, added after the workbook is saved.
//!
//! rust_xlsxwriter keeps one map entry per merged cell (to refuse overlaps), about
//! 40 MiB per 100,000 rows of the official sheet. So the writer only records each
//! project's first and last row, 8 bytes a project in a temporary file ([`RowSpans`]).
//! Once rust_xlsxwriter has saved the workbook, [`add_merges`] copies the zip entry by
//! entry, compressed bytes unchanged, except the official sheet: that one is inflated,
//! gets the `<mergeCell>` elements inserted into its `<mergeCells>` element as the XML
//! streams past, and is deflated again. Memory stays constant whatever the row count.

use crate::OfficeError;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The start of the element the new ranges go into. The official sheet always has
/// it: the title, 填报单位 and footer lines are merged by rust_xlsxwriter itself.
const MARKER: &[u8] = b"<mergeCells count=\"";

/// Bytes read from the sheet at a time.
const CHUNK: usize = 64 * 1024;

/// First and last row (0-based) of each project whose cells are merged, in order,
/// spilled to an anonymous temporary file as they come.
pub(crate) struct RowSpans {
    dir: Option<PathBuf>,
    file: Option<BufWriter<File>>,
    count: u64,
}

impl RowSpans {
    /// Spans kept in a temporary file in `dir` (the system's temp dir if `None`),
    /// created on the first span.
    pub(crate) fn new(dir: Option<&Path>) -> Self {
        RowSpans { dir: dir.map(Path::to_path_buf), file: None, count: 0 }
    }

    pub(crate) fn push(&mut self, first: u32, last: u32) -> Result<(), OfficeError> {
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(BufWriter::new(temp_file(self.dir.as_deref())?)),
        };
        file.write_all(&first.to_le_bytes()).and_then(|()| file.write_all(&last.to_le_bytes())).map_err(io_err)?;
        self.count += 1;
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many spans, and the spans back from the first.
    fn read(self) -> io::Result<(u64, Box<dyn Read>)> {
        let Some(file) = self.file else { return Ok((0, Box::new(io::empty()))) };
        let mut file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        Ok((self.count, Box::new(BufReader::new(file))))
    }
}

/// An anonymous temporary file in `dir` (or the system's temp dir): it has no name
/// and disappears when closed, even if the program stops halfway.
pub(crate) fn temp_file(dir: Option<&Path>) -> Result<File, OfficeError> {
    match dir {
        Some(d) => tempfile::tempfile_in(d),
        None => tempfile::tempfile(),
    }
    .map_err(io_err)
}

/// Copy the saved workbook `saved` into `out`, adding to the sheet called `sheet` one
/// merged range per span and column (column indexes, 0-based). Returns `out`.
pub(crate) fn add_merges<R: Read + Seek, W: Write + Seek>(
    saved: R,
    out: W,
    sheet: &str,
    columns: &[u16],
    spans: RowSpans,
) -> Result<W, OfficeError> {
    let mut zip = ZipArchive::new(saved).map_err(zip_err)?;
    let part = sheet_part(&mut zip, sheet)?;
    let (count, mut spans) = spans.read().map_err(io_err)?;
    let added = count * columns.len() as u64;
    let letters: Vec<String> = columns.iter().map(|&c| rust_xlsxwriter::utility::column_number_to_name(c)).collect();

    let mut out = ZipWriter::new(out);
    for i in 0..zip.len() {
        if zip.name_for_index(i) != Some(part.as_str()) {
            // Everything else keeps its compressed bytes.
            out.raw_copy_file(zip.by_index_raw(i).map_err(zip_err)?).map_err(zip_err)?;
            continue;
        }
        let entry = zip.by_index(i).map_err(zip_err)?;
        // At most ~40 bytes per range; ZIP64 is needed past 4 GiB.
        let large = entry.size().saturating_add(added.saturating_mul(40)) >= u64::from(u32::MAX);
        let mut options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(entry.last_modified().unwrap_or_default())
            .large_file(large);
        if let Some(mode) = entry.unix_mode() {
            options = options.unix_permissions(mode);
        }
        out.start_file(part.as_str(), options).map_err(zip_err)?;
        insert_merges(entry, &mut out, CHUNK, added, |w| write_ranges(w, &mut spans, count, &letters))
            .map_err(io_err)?;
    }
    out.finish().map_err(zip_err)
}

/// `<mergeCell ref="A4:A6"/>` for each of `count` spans and each column.
fn write_ranges(out: &mut dyn Write, spans: &mut impl Read, count: u64, letters: &[String]) -> io::Result<()> {
    let mut pair = [0u8; 8];
    for _ in 0..count {
        spans.read_exact(&mut pair)?;
        // Excel's row numbers start at 1.
        let first = u32::from_le_bytes([pair[0], pair[1], pair[2], pair[3]]) + 1;
        let last = u32::from_le_bytes([pair[4], pair[5], pair[6], pair[7]]) + 1;
        for col in letters {
            write!(out, "<mergeCell ref=\"{col}{first}:{col}{last}\"/>")?;
        }
    }
    Ok(())
}

/// Stream the sheet XML `src` to `dst`, `chunk` bytes at a time, raising the count of
/// `<mergeCells count="N">` by `added` and calling `write_new` right after that start
/// tag (the order of `mergeCell`s inside does not matter). The marker may straddle
/// two reads, so the tail of each read that could be its beginning is held back.
fn insert_merges<R: Read, W: Write>(
    mut src: R,
    dst: W,
    chunk: usize,
    added: u64,
    write_new: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let missing = || io::Error::new(io::ErrorKind::InvalidData, "no <mergeCells count=\"N\"> in the sheet");
    let mut out = BufWriter::with_capacity(CHUNK, dst);
    let mut buf = Vec::with_capacity(chunk + MARKER.len());
    let at = loop {
        if let Some(i) = memchr::memmem::find(&buf, MARKER) {
            break i;
        }
        let keep = buf.len().saturating_sub(MARKER.len() - 1);
        out.write_all(&buf[..keep])?;
        buf.drain(..keep);
        if read_more(&mut src, &mut buf, chunk)? == 0 {
            return Err(missing());
        }
    };
    out.write_all(&buf[..at])?;
    buf.drain(..at + MARKER.len());

    // The old count, then `">`, the end of the start tag.
    let end = loop {
        if let Some(i) = memchr::memchr(b'>', &buf) {
            break i;
        }
        if buf.len() > 32 || read_more(&mut src, &mut buf, chunk)? == 0 {
            return Err(missing());
        }
    };
    let old: u64 = std::str::from_utf8(&buf[..end])
        .ok()
        .and_then(|s| s.strip_suffix('"'))
        .and_then(|s| s.parse().ok())
        .ok_or_else(missing)?;
    write!(out, "<mergeCells count=\"{}\">", old + added)?;
    write_new(&mut out)?;
    out.write_all(&buf[end + 1..])?;
    io::copy(&mut src, &mut out)?;
    out.flush()
}

/// Append up to `chunk` bytes from `src` to `buf`. Returns how many (0 at the end).
fn read_more(src: &mut impl Read, buf: &mut Vec<u8>, chunk: usize) -> io::Result<usize> {
    let start = buf.len();
    buf.resize(start + chunk, 0);
    let n = loop {
        match src.read(&mut buf[start..]) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => break r,
        }
    };
    buf.truncate(start + n.as_ref().map_or(0, |n| *n));
    n
}

/// The zip entry of the sheet called `name`. rust_xlsxwriter numbers worksheet parts in
/// the order of the sheets in `xl/workbook.xml` (`sheet1.xml` is the first), and the
/// workbook has no chart sheets, so the sheet's position there names its part.
fn sheet_part<R: Read + Seek>(zip: &mut ZipArchive<R>, name: &str) -> Result<String, OfficeError> {
    let mut read = |entry: &str| -> Result<Vec<u8>, OfficeError> {
        let mut bytes = Vec::new();
        zip.by_name(entry).map_err(zip_err)?.read_to_end(&mut bytes).map_err(io_err)?;
        Ok(bytes)
    };
    let (workbook, rels) = (read("xl/workbook.xml")?, read("xl/_rels/workbook.xml.rels")?);
    let part = crate::safety::sheet_part(&workbook, &rels, name).ok_or_else(internal)?;
    if zip.index_for_name(&part).is_none() {
        return Err(internal());
    }
    Ok(part)
}

fn internal() -> OfficeError {
    OfficeError::MergeLayout
}

/// I/O while writing. `InvalidData` comes from our own file not being what we wrote.
pub(crate) fn io_err(e: io::Error) -> OfficeError {
    if e.kind() == io::ErrorKind::InvalidData {
        return internal();
    }
    OfficeError::WriteIo
}

fn zip_err(e: ZipError) -> OfficeError {
    match e {
        ZipError::Io(e) => io_err(e),
        _ => internal(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(xml: &[u8], chunk: usize, added: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        insert_merges(xml, &mut out, chunk, added, |w| w.write_all(b"<mergeCell ref=\"A4:A6\"/>"))?;
        Ok(out)
    }

    #[test]
    fn inserts_after_the_start_tag_whatever_the_chunks() {
        let xml = br#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCells count="</t></is></c></row></sheetData><mergeCells count="5"><mergeCell ref="A1:O1"/></mergeCells><pageMargins/>"#;
        let want = br#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCells count="</t></is></c></row></sheetData><mergeCells count="6"><mergeCell ref="A4:A6"/><mergeCell ref="A1:O1"/></mergeCells><pageMargins/>"#;
        for chunk in (1..=xml.len() + 1).chain([CHUNK]) {
            assert_eq!(insert(xml, chunk, 1).unwrap(), want, "chunks of {chunk}");
        }
        // A count that changes width.
        let xml = br#"<mergeCells count="9"></mergeCells>"#;
        for chunk in 1..=xml.len() {
            let got = insert(xml, chunk, 1_000_000).unwrap();
            assert_eq!(got, br#"<mergeCells count="1000009"><mergeCell ref="A4:A6"/></mergeCells>"#);
        }
    }

    #[test]
    fn refuses_a_sheet_without_merge_cells() {
        for xml in [&b"<sheetData/><pageMargins/>"[..], b"<mergeCells count=\"x\">", b"<mergeCells count=\"1"] {
            for chunk in [1, 3, CHUNK] {
                let e = insert(xml, chunk, 1).unwrap_err();
                assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{}", String::from_utf8_lossy(xml));
            }
        }
    }

    #[test]
    fn ranges_from_spans() {
        let mut spans = RowSpans::new(None);
        assert!(spans.is_empty());
        spans.push(3, 5).unwrap();
        spans.push(99, 1_048_574).unwrap();
        let (count, mut r) = spans.read().unwrap();
        let mut out = Vec::new();
        write_ranges(&mut out, &mut r, count, &["A".into(), "AB".into()]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<mergeCell ref="A4:A6"/><mergeCell ref="AB4:AB6"/><mergeCell ref="A100:A1048575"/><mergeCell ref="AB100:AB1048575"/>"#
        );
    }
}
