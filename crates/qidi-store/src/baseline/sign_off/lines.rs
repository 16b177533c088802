//! A department ledger's lines as read, the banner's parts, what its signatories signed, its page.

use super::texts::{read_text_with, Field, SpilledText};
use crate::baseline::parse_date;
use crate::{Backend, StoreError};
use futures_util::TryStreamExt;
// Named by doc links here; rustdoc only.
#[cfg(doc)]
use qidi_core::ledger::CHANGE_ROWS_HELD;
use qidi_core::ledger::{
    check_missing, fully_signed, BannerPart, Capacity, ChangeSet, ChangeSetCheck, DepartmentReading, LedgerKind,
    LedgerLine, LedgerPage, LedgerStream, LineKey, OutOfOrder, ReadText, RowSpill, Signed, StreamEnd, StreamPass,
};
use qidi_core::sentence::Sentence;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicU64, Ordering};

/// A pending item of a department ledger now.
pub(super) struct NowLine {
    pub(super) id: String,
    pub(super) line: LedgerLine,
    /// Its check report is missing (core `check_missing`).
    pub(super) missing: bool,
}

/// Pending items of a department ledger's projects in the library, less the lines that
/// left by reduction, handed to `each` in canonical order (project code, then item type,
/// byte by byte: PostgreSQL's own collation may be a language's) as they are read: a
/// department of a region holds a million lines, and no caller holds them twice. Every
/// row read, reduced or not, is counted into `read` when given.
#[allow(clippy::too_many_arguments)]
pub(super) async fn department_lines(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    campaign_id: &str,
    department_id: &str,
    reduced: &BTreeSet<LineKey>,
    read: Option<&AtomicU64>,
    mut each: impl FnMut(NowLine) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let order = match backend {
        Backend::Sqlite => "p.code, t.code",
        Backend::Postgres => "p.code COLLATE \"C\", t.code COLLATE \"C\"",
    };
    let sql = format!(
        "SELECT i.id, p.code, p.name, o.name, idd.code, t.code, hd.code, i.check_result, i.responsible_person,
                i.acceptance_status, i.due_on,
                EXISTS (SELECT 1 FROM check_list_items ci JOIN check_lists c ON c.id = ci.check_list_id
                        WHERE ci.pending_item_id = i.id AND ci.answered_at IS NULL AND c.campaign_id = $3)
         FROM pending_items i JOIN projects p ON p.id = i.project_id LEFT JOIN owners o ON o.id = p.owner_id
              JOIN departments idd ON idd.id = p.initiating_department_id JOIN item_types t ON t.id = i.item_type_id
              JOIN departments hd ON hd.id = i.handling_department_id
         WHERE p.region_code = $1 AND p.initiating_department_id = $2 AND p.in_library = TRUE AND i.status = 'pending'
         ORDER BY {order}"
    );
    // Looked up by borrowed key: no key is made for a line only to look it up.
    let reduced: BTreeSet<(&str, &str)> = reduced.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let mut rows = sqlx::query(&sql).bind(region).bind(department_id).bind(campaign_id).fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        if let Some(read) = read {
            read.fetch_add(1, Ordering::Relaxed);
        }
        let due: Option<String> = r.get(10);
        let line = LedgerLine {
            project_code: r.get(1),
            project_name: r.get(2),
            owner: r.get(3),
            initiating_department: r.get(4),
            item_type: r.get(5),
            handling_department: r.get(6),
            check_result: r.get(7),
            responsible_person: r.get(8),
            acceptance_status: r.get(9),
            due_on: due.as_deref().and_then(parse_date),
        };
        if reduced.contains(&line.key_ref()) {
            continue;
        }
        let missing = check_missing(line.check_result.as_deref(), crate::get_bool(&r, 11));
        each(NowLine { id: r.get(0), line, missing })?;
    }
    Ok(())
}

/// The lines that have left the campaign's baseline by reduction, by (project code,
/// item type): read from the baseline, not guessed from absence.
pub(super) async fn reduced_keys(conn: &mut AnyConnection, campaign_id: &str) -> Result<BTreeSet<LineKey>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.code, t.code FROM baseline_items b JOIN pending_items i ON i.id = b.pending_item_id
              JOIN projects p ON p.id = i.project_id JOIN item_types t ON t.id = i.item_type_id
         WHERE b.campaign_id = $1 AND b.reduction IS NOT NULL",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub(super) async fn department_code(conn: &mut AnyConnection, department_id: &str) -> Result<String, StoreError> {
    sqlx::query("SELECT code FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.get(0))
        .ok_or_else(|| StoreError::NotFound("部门不存在".into()))
}

/// The newest fully signed version of each department: what the banner ledger aggregates.
pub(super) async fn banner_parts(conn: &mut AnyConnection, campaign_id: &str) -> Result<Vec<BannerPart>, StoreError> {
    let rows = sqlx::query(
        "SELECT v.id, d.code, v.content_hash, v.item_count, v.created_at, s.capacity
         FROM ledger_versions v JOIN departments d ON d.id = v.department_id
              JOIN ledger_signatures s ON s.ledger_version_id = v.id
         WHERE v.campaign_id = $1 AND v.kind = 'department'
         ORDER BY v.created_at, v.id",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut versions: BTreeMap<String, (String, String, i64, String, Vec<Capacity>)> = BTreeMap::new();
    for r in &rows {
        let e = versions.entry(r.get(0)).or_insert_with(|| (r.get(1), r.get(2), r.get(3), r.get(4), Vec::new()));
        if let Some(c) = Capacity::parse(&r.get::<String, _>(5)) {
            e.4.push(c);
        }
    }
    let mut newest: BTreeMap<String, (String, BannerPart)> = BTreeMap::new();
    for (_, (dept, hash, items, created, caps)) in versions {
        if !fully_signed(LedgerKind::Department, &caps) {
            continue;
        }
        let part = BannerPart { department: dept.clone(), content_hash: hash, items: items.max(0) as u64 };
        match newest.get(&dept) {
            Some((at, _)) if *at >= created => {}
            _ => {
                newest.insert(dept, (created, part));
            }
        }
    }
    Ok(newest.into_values().map(|(_, p)| p).collect())
}

/// A stored text, hashed a part at a time: a region's is hundreds of megabytes.
async fn text_hash(
    conn: &mut AnyConnection,
    owner_id: &str,
    field: Field,
    inline: String,
    parts: i64,
) -> Result<String, StoreError> {
    let mut hasher = Sha256::new();
    read_text_with(conn, owner_id, field, inline, parts, |part| hasher.update(part)).await?;
    Ok(hex::encode(hasher.finalize()))
}

/// A stored department ledger text, a part at a time: its hash, and whether it is a
/// department ledger (its lines checked, not kept).
async fn department_reading(
    conn: &mut AnyConnection,
    owner_id: &str,
    field: Field,
    inline: String,
    parts: i64,
) -> Result<ReadText, StoreError> {
    let mut reading = DepartmentReading::new(false);
    read_text_with(conn, owner_id, field, inline, parts, |part| reading.feed(part.as_bytes())).await?;
    Ok(reading.finish())
}

/// [`department_reading`], the text also copied as it comes into a [`SpilledText`]
/// (a file past a megabyte), to be read again a line at a time: a region's signed
/// content, parsed and held, was a gigabyte.
async fn department_content(
    conn: &mut AnyConnection,
    owner_id: &str,
    field: Field,
    inline: String,
    parts: i64,
) -> Result<(ReadText, SpilledText), StoreError> {
    let (mut reading, mut text, mut failed) = (DepartmentReading::new(false), SpilledText::default(), None);
    read_text_with(conn, owner_id, field, inline, parts, |part| {
        reading.feed(part.as_bytes());
        if failed.is_none() {
            failed = text.push(part.as_bytes()).err();
        }
    })
    .await?;
    match failed {
        Some(e) => Err(e),
        None => Ok((reading.finish(), text)),
    }
}

/// A ledger version's stored content: (inline, parts).
async fn version_row(conn: &mut AnyConnection, version_id: &str) -> Result<(String, i64), StoreError> {
    let row = sqlx::query("SELECT content, content_parts FROM ledger_versions WHERE id = $1")
        .bind(version_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// The hash of what a ledger version signed, its canonical text as stored.
pub(super) async fn version_stored_hash(conn: &mut AnyConnection, version_id: &str) -> Result<String, StoreError> {
    let (inline, parts) = version_row(conn, version_id).await?;
    text_hash(conn, version_id, Field::Content, inline, parts).await
}

/// The newest fully signed version of a department ledger: its id and content hash.
async fn fixed_version_id(
    conn: &mut AnyConnection,
    campaign_id: &str,
    department_id: &str,
) -> Result<Option<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT v.id, v.content_hash, s.capacity
         FROM ledger_versions v JOIN ledger_signatures s ON s.ledger_version_id = v.id
         WHERE v.campaign_id = $1 AND v.scope_key = $2 AND v.kind = 'department'
         ORDER BY v.created_at, v.id",
    )
    .bind(campaign_id)
    .bind(department_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut versions: Vec<(String, String, Vec<Capacity>)> = Vec::new();
    for r in &rows {
        let id: String = r.get(0);
        if versions.last().is_none_or(|v| v.0 != id) {
            versions.push((id, r.get(1), Vec::new()));
        }
        let v = versions.last_mut().expect("pushed above");
        v.2.extend(Capacity::parse(&r.get::<String, _>(2)));
    }
    Ok(versions.into_iter().rev().find(|v| fully_signed(LedgerKind::Department, &v.2)).map(|v| (v.0, v.1)))
}

/// Whether some version of a department ledger is fully signed (it is fixed), without
/// reading what was signed.
pub(super) async fn is_fixed(
    conn: &mut AnyConnection,
    campaign_id: &str,
    department_id: &str,
) -> Result<bool, StoreError> {
    Ok(fixed_version_id(conn, campaign_id, department_id).await?.is_some())
}

/// A stored change set with its signatures.
pub(super) struct ChangeSetRow {
    pub(super) id: String,
    pub(super) hash: String,
    /// What its texts give, worked out as they were read. Its texts are not kept: a
    /// region's are hundreds of megabytes each, and only the last set's result is used.
    pub(super) check: ChangeSetCheck,
    pub(super) from_hash: String,
    pub(super) to_hash: String,
    pub(super) changes: i64,
    pub(super) created_at: String,
    /// (capacity, signer name, signed at, signed hash, missing checks)
    pub(super) signatures: Vec<(Capacity, String, String, String, i64)>,
}

impl ChangeSetRow {
    fn capacities(&self) -> Vec<Capacity> {
        self.signatures.iter().map(|s| s.0).collect()
    }
}

/// At most this much of a change set's text is kept for its head line.
const HEAD_BYTES: usize = 4096;

/// A version's change sets that carry confirmations, oldest first. Each set's texts are
/// read and hashed once, not with each of its signatures: a region's are hundreds of
/// megabytes.
async fn change_sets(conn: &mut AnyConnection, version_id: &str) -> Result<Vec<ChangeSetRow>, StoreError> {
    let signatures = sqlx::query(
        "SELECT s.change_set_id, s.capacity, s.signer_name, s.signed_at, s.content_hash, s.missing_checks
         FROM ledger_change_signatures s JOIN ledger_change_sets cs ON cs.id = s.change_set_id
         WHERE cs.ledger_version_id = $1
         ORDER BY s.signed_at",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    let rows = sqlx::query(
        "SELECT id, content_hash, content, result, from_hash, to_hash, change_count, created_at, content_parts, result_parts
         FROM ledger_change_sets WHERE ledger_version_id = $1
         ORDER BY created_at, id",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut sets: Vec<ChangeSetRow> = Vec::new();
    for r in &rows {
        let id: String = r.get(0);
        let signed: Vec<_> = signatures
            .iter()
            .filter(|s| s.get::<String, _>(0) == id)
            .filter_map(|s| {
                Capacity::parse(&s.get::<String, _>(1)).map(|c| (c, s.get(2), s.get(3), s.get(4), s.get(5)))
            })
            .collect();
        // As before, a set none has confirmed is not one.
        if signatures.iter().all(|s| s.get::<String, _>(0) != id) {
            continue;
        }
        // A part at a time: the text's hash and its head line, the result's hash and
        // whether it is a department ledger.
        let (mut hasher, mut head) = (Sha256::new(), Vec::new());
        read_text_with(conn, &id, Field::Content, r.try_get(2)?, r.try_get(8)?, |part| {
            hasher.update(part);
            if !head.contains(&b'\n') && head.len() < HEAD_BYTES {
                head.extend_from_slice(&part.as_bytes()[..part.len().min(HEAD_BYTES)]);
            }
        })
        .await?;
        let stored_hash = hex::encode(hasher.finalize());
        let result = department_reading(conn, &id, Field::Result, r.try_get(3)?, r.try_get(9)?).await?;
        let hash: String = r.get(1);
        let check = ChangeSet::checked(&hash, stored_hash, &String::from_utf8_lossy(&head), &result);
        sets.push(ChangeSetRow {
            id,
            hash,
            check,
            from_hash: r.get(4),
            to_hash: r.get(5),
            changes: r.get(6),
            created_at: r.get(7),
            signatures: signed,
        });
    }
    Ok(sets)
}

/// What the signatories of a fixed department ledger signed, as it stands.
pub(super) struct Fixed {
    pub(super) version_id: String,
    pub(super) version_hash: String,
    /// The hash of the version's stored content, as read: its signatures hold while it
    /// is `version_hash`.
    pub(super) version_stored_hash: String,
    /// The signed content in force, as its canonical text, with the hash that text gives;
    /// None when it is not a department ledger.
    content: Option<(SpilledText, String)>,
    /// The hash of the signed content in force, and the change sets (ids) it went through.
    pub(super) hash: String,
    pub(super) chain: Vec<String>,
    pub(super) sets: Vec<ChangeSetRow>,
}

/// What the signatories of a fixed department ledger signed, as it stands: the version,
/// then each confirmed change set in turn from the content it was made for. A set that
/// does not hold together is not followed, so its changes show as pending again.
pub(super) async fn fixed_content(
    conn: &mut AnyConnection,
    campaign_id: &str,
    department_id: &str,
) -> Result<Option<Fixed>, StoreError> {
    let Some((version_id, version_hash)) = fixed_version_id(conn, campaign_id, department_id).await? else {
        return Ok(None);
    };
    let sets = change_sets(conn, &version_id).await?;
    let mut hash = version_hash.clone();
    let mut chain = Vec::new();
    let mut last = None;
    while let Some(s) = sets.iter().find(|s| {
        !chain.contains(&s.id)
            && fully_signed(LedgerKind::Department, &s.capacities())
            && s.check.from_hash.as_deref() == Some(hash.as_str())
            && s.check.intact
            && s.signatures.iter().all(|g| g.3 == s.hash)
    }) {
        hash = s.check.result_hash.clone();
        chain.push(s.id.clone());
        last = Some(s);
    }
    // Read a part at a time, each text once: the version's for its hash, and the content
    // in force (the version's, or the last set's result, read again) into a file, to be
    // read from there a line at a time.
    let (inline, parts) = version_row(conn, &version_id).await?;
    let (version_stored_hash, (read, text)) = match last {
        Some(s) => {
            let stored = text_hash(conn, &version_id, Field::Content, inline, parts).await?;
            let row = sqlx::query("SELECT result, result_parts FROM ledger_change_sets WHERE id = $1")
                .bind(&s.id)
                .fetch_one(&mut *conn)
                .await?;
            let result = department_content(conn, &s.id, Field::Result, row.try_get(0)?, row.try_get(1)?).await?;
            // Read on one snapshot, and stored texts are never changed (0037): the same text.
            if result.0.hash != s.check.result_hash {
                let what = format!("the result of change set {} changed while it was read", s.id);
                return Err(sqlx::Error::Protocol(what).into());
            }
            (stored, result)
        }
        None => {
            let version = department_content(conn, &version_id, Field::Content, inline, parts).await?;
            (version.0.hash.clone(), version)
        }
    };
    let content = read.lines.is_some().then_some((text, read.hash));
    Ok(Some(Fixed { version_id, version_hash, version_stored_hash, content, hash, chain, sets }))
}

impl Fixed {
    /// The signed content in force, for core's [`LedgerStream`]: read again from its text
    /// a line at a time, once for each pass over the ledger now.
    pub(super) fn signed<'a>(
        &'a mut self,
        region: &str,
        department: &str,
        reduced: &'a BTreeSet<LineKey>,
    ) -> Signed<'a> {
        match &mut self.content {
            Some((text, hash)) => {
                let lines = BufReader::with_capacity(1 << 20, text.reader());
                Signed::read(hash.clone(), Box::new(lines), reduced)
            }
            // Not a department ledger (its signatures show as broken): nothing signed stands.
            None => Signed::held(region, department, &[], reduced),
        }
    }
}

/// Which of a ledger's pending changes a state describes: at most `listed`, after the
/// key `after` when there is one; and where to count the lines as they are read.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ChangeListing<'a> {
    pub after: Option<&'a LineKey>,
    pub listed: usize,
    pub reading: Option<&'a LedgerReading>,
}

/// How far a reading of a department ledger has come, for a page that says so while a
/// region-sized ledger is read (its lines are read one by one, a minute and more for
/// two million on SQLite). Shared with the reader: it counts as it reads.
#[derive(Debug, Default)]
pub struct LedgerReading {
    lines: AtomicU64,
    lines_read: AtomicU64,
}

impl LedgerReading {
    /// A reading about to begin, of about `lines` lines (the kept count, known before).
    pub fn expecting(lines: u64) -> Self {
        LedgerReading { lines: AtomicU64::new(lines), lines_read: AtomicU64::new(0) }
    }

    /// The ledger's lines, from the kept counts before the reading begins: its pending
    /// items in the library, of which those that left by reduction are passed over.
    /// Zero until known.
    pub fn lines(&self) -> u64 {
        self.lines.load(Ordering::Relaxed)
    }

    /// Lines read so far in this pass (a second pass, when the change set could not be
    /// kept, starts again from zero).
    pub fn lines_read(&self) -> u64 {
        self.lines_read.load(Ordering::Relaxed)
    }
}

/// A change set's rows past what a page holds, in an unnamed temporary file made when
/// the first row comes (it is gone once closed, even if the server is killed).
#[derive(Default)]
struct FileSpill(Option<BufWriter<File>>);

impl Write for FileSpill {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.0 {
            Some(f) => f.write(buf),
            None => self.0.insert(BufWriter::with_capacity(1 << 20, tempfile::tempfile()?)).write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.as_mut().map_or(Ok(()), Write::flush)
    }
}

impl RowSpill for FileSpill {
    fn read_back(&mut self, into: &mut dyn Write) -> std::io::Result<()> {
        let Some(f) = &mut self.0 else { return Ok(()) };
        f.flush()?;
        let file = f.get_mut();
        file.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut BufReader::with_capacity(1 << 20, file), into)?;
        Ok(())
    }
}

/// A department ledger as its page shows it.
pub(super) struct DepartmentPage {
    pub(super) fixed: Option<Fixed>,
    pub(super) page: LedgerPage,
}

/// A department ledger's page, its lines read in canonical order and streamed past core's
/// [`LedgerStream`]: what is held is the signed content and the changes listed. When the
/// change set's rows outgrow `held` bytes ([`CHANGE_ROWS_HELD`]), they go to a temporary
/// file; only if it fails are the lines read a second time, which the caller reads on the
/// same snapshot.
pub(super) async fn department_page(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    campaign_id: &str,
    department_id: &str,
    listed: ChangeListing<'_>,
    held: usize,
) -> Result<DepartmentPage, StoreError> {
    let code = department_code(conn, department_id).await?;
    let reduced = reduced_keys(conn, campaign_id).await?;
    let mut fixed = fixed_content(conn, campaign_id, department_id).await?;
    if let Some(reading) = listed.reading {
        reading.lines.store(kept_lines(conn, region, department_id).await?, Ordering::Relaxed);
    }
    let mut pass = StreamPass::First { held };
    let page = loop {
        let first = matches!(pass, StreamPass::First { .. });
        let signed = fixed.as_mut().map(|f| f.signed(region, &code, &reduced));
        let mut stream =
            LedgerStream::new(region, &code, signed, listed.listed, pass).listing_after(listed.after.cloned());
        if first {
            stream = stream.spilling_into(Box::new(FileSpill::default()));
        }
        let read = listed.reading.map(|r| &r.lines_read);
        if let Some(read) = read {
            read.store(0, Ordering::Relaxed);
        }
        department_lines(conn, backend, region, campaign_id, department_id, &reduced, read, |l| {
            stream.push(&l.line, l.missing).map_err(out_of_order)
        })
        .await?;
        match stream.finish() {
            StreamEnd::Page(page) => break page,
            StreamEnd::Again(again) => pass = again,
            // Not on one snapshot; said plainly if it ever is not.
            StreamEnd::Moved => {
                return Err(StoreError::conflict(Sentence::new(
                    "err-ledger-moved-between-reads",
                    "台账在读取时发生变动，请刷新页面",
                )))
            }
            StreamEnd::Failed(e) => return Err(kept_text_failed(e)),
        }
    };
    Ok(DepartmentPage { fixed, page })
}

/// A change set's text that could not be kept in its file.
pub(super) fn kept_text_failed(e: String) -> StoreError {
    StoreError::Io { what: "cannot keep a change set's text in its file".into(), source: std::io::Error::other(e) }
}

/// A line read out of canonical order. The order is the database's (`department_lines`):
/// a line out of it is the database's fault.
pub(super) fn out_of_order(e: OutOfOrder) -> StoreError {
    sqlx::Error::Protocol(format!("ledger lines read out of order: {:?} after {:?}", e.line, e.after)).into()
}

pub(crate) const KEPT_LEDGER_LINES: &str = "SELECT CAST(COALESCE(SUM(pending_items), 0) AS BIGINT) FROM pending_counts
     WHERE region_code = $1 AND initiating_department_id = $2";

/// A department ledger's lines before reduction, from the kept counts (`crate::counts`):
/// the pending items of the projects in the library it initiates.
pub(super) async fn kept_lines(conn: &mut AnyConnection, region: &str, department_id: &str) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query(KEPT_LEDGER_LINES).bind(region).bind(department_id).fetch_one(&mut *conn).await?.get(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Capacities that have confirmed the change set with this hash.
pub(super) fn confirmed_by(fixed: Option<&Fixed>, hash: &str) -> Vec<Capacity> {
    fixed.and_then(|f| f.sets.iter().find(|s| s.hash == hash)).map(ChangeSetRow::capacities).unwrap_or_default()
}
