//! Ledger versions and sign-off: a ledger now, its signed versions and the change sets
//! that confirm changes to a fixed department ledger.
//!
//! A department ledger is signed whole until it is fixed (every capacity has signed one
//! version). From then on, what is signed is that version: approvals and approved
//! removals reduce it without touching a signature, and only changes to the signed
//! content itself are confirmed, as change sets bound to their own hash. The rules are
//! core's (`diff_lines`, `ChangeSet`, `check_signature`, `check_change_confirmation`).

use super::{actor_event, date_text, parse_date};
use crate::events::append;
use crate::users::User;
use crate::{new_id, now_text, today, Backend, Store, StoreError};
use futures_util::TryStreamExt;
use qidi_core::ledger::{
    check_change_confirmation, check_missing, check_signature, content_hash, diff_lines, fully_signed, BannerPart,
    CanonicalLedger, Capacity, ChangeKind, ChangeSet, FieldChange, LedgerKind, LedgerLine, LedgerNow, LedgerPage,
    LedgerStream, LineChange, LineKey, RowSpill, SignError, SignRequest, SignatureState, StreamEnd, StreamPass,
    CHANGE_ROWS_HELD,
};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};

/// One signature as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureView {
    pub capacity: Capacity,
    pub signer_name: String,
    pub signed_at: String,
    pub content_hash: String,
    pub state: SignatureState,
    /// Pending items whose check report was missing when this signature was given (the
    /// signer saw the count and confirmed).
    pub missing_checks: i64,
}

/// A stored version with its signatures.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub id: String,
    pub content_hash: String,
    pub items: i64,
    pub created_at: String,
    pub signatures: Vec<SignatureView>,
    pub fully_signed: bool,
    /// The version that fixed the department ledger: what its signatories signed.
    pub in_force: bool,
}

/// What the signatories of a fixed department ledger have signed, as it stands.
#[derive(Debug, Clone, Serialize)]
pub struct SignedContent {
    /// The version they signed whole.
    pub version_id: String,
    pub version_hash: String,
    /// The signed content in force: that version with the confirmed change sets.
    pub hash: String,
    /// Lines of the signed content.
    pub items: u64,
    /// Of those, the lines that have left by reduction (approved, or removed).
    pub reduced: u64,
    /// Change sets confirmed since the version was signed.
    pub confirmed_change_sets: u64,
}

/// A change to the signed content awaiting confirmation (新增/变更，待签认).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub kind: ChangeKind,
    pub project_code: String,
    pub project_name: String,
    /// Item type code, and its name.
    pub item_type: String,
    pub item_type_name: String,
    /// What differs: before → after (department fields hold department codes).
    pub fields: Vec<FieldChange>,
    /// Whether the line's check report is missing.
    pub missing_check: bool,
}

/// The change set that confirms the pending changes.
#[derive(Debug, Clone, Serialize)]
pub struct PendingChangeSet {
    /// The hash to sign.
    pub hash: String,
    pub changes: u64,
    /// Capacities that have confirmed this very change set.
    pub signed: Vec<Capacity>,
    /// Added or changed lines among them whose check report is missing.
    pub missing_checks: u64,
}

/// A stored change set with its confirmations.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeSetView {
    pub id: String,
    pub content_hash: String,
    pub from_hash: String,
    pub to_hash: String,
    pub changes: i64,
    pub created_at: String,
    /// Every capacity has confirmed it, and it is part of the signed content in force.
    pub confirmed: bool,
    pub signatures: Vec<SignatureView>,
}

/// A ledger now, and what has been signed of it.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerState {
    pub kind: LedgerKind,
    /// Department id (None for the banner).
    pub department_id: Option<String>,
    /// The ledger as it is now: for a department, its pending items less those that
    /// left the baseline by reduction. What is signed while it is not fixed.
    pub current_hash: String,
    pub items: u64,
    /// Signatures of the current content, by capacity.
    pub signed_now: Vec<Capacity>,
    /// Versions that carry signatures, newest first.
    pub versions: Vec<VersionView>,
    /// Whether some version of this ledger is fully signed (the baseline is fixed).
    pub locked: bool,
    /// The banner ledger's parts (departments with a fully signed version).
    pub parts: Vec<BannerPart>,
    /// Pending items of the department ledger whose check report is missing.
    pub missing_checks: u64,
    /// Once the department ledger is fixed: what its signatories signed.
    pub signed: Option<SignedContent>,
    /// Changes to the signed content awaiting confirmation, by project code and item type:
    /// every one, or the first of them as [`Store::ledger_state_listing`] was asked.
    pub changes: Vec<ChangeView>,
    /// How many changes await confirmation in all.
    pub changes_total: u64,
    /// Whether changes past those listed remain: the next page of them starts after the
    /// last one listed ([`Store::ledger_state_after`]).
    pub more_changes: bool,
    /// The change set confirming them, when there are any.
    pub change_set: Option<PendingChangeSet>,
    /// Change sets that carry confirmations, newest first.
    pub change_sets: Vec<ChangeSetView>,
}

/// What a signature did.
#[derive(Debug, Clone, Serialize)]
pub struct SignOutcome {
    pub version_id: String,
    pub content_hash: String,
    pub fully_signed: bool,
    /// Entries newly in the baseline.
    pub baseline_added: u64,
}

/// What a confirmation of changes did.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeOutcome {
    pub change_set_id: String,
    pub content_hash: String,
    pub changes: u64,
    /// Every capacity has confirmed: the changes are part of the signed content.
    pub confirmed: bool,
}

/// A pending item of a department ledger now.
struct NowLine {
    id: String,
    line: LedgerLine,
    /// Its check report is missing (core `check_missing`).
    missing: bool,
}

/// Pending items of a department ledger's projects in the library, less the lines that
/// left by reduction, handed to `each` in canonical order (project code, then item type,
/// byte by byte: PostgreSQL's own collation may be a language's) as they are read: a
/// department of a region holds a million lines, and no caller holds them twice.
async fn department_lines(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    campaign_id: &str,
    department_id: &str,
    reduced: &BTreeSet<LineKey>,
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
async fn reduced_keys(conn: &mut AnyConnection, campaign_id: &str) -> Result<BTreeSet<LineKey>, StoreError> {
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

async fn department_code(conn: &mut AnyConnection, department_id: &str) -> Result<String, StoreError> {
    sqlx::query("SELECT code FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.get(0))
        .ok_or_else(|| StoreError::NotFound("部门不存在".into()))
}

/// The newest fully signed version of each department: what the banner ledger aggregates.
async fn banner_parts(conn: &mut AnyConnection, campaign_id: &str) -> Result<Vec<BannerPart>, StoreError> {
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

/// The version that fixed a department ledger: the newest fully signed one (the one
/// the banner ledger aggregates). (id, content hash, content).
async fn fixed_version(
    conn: &mut AnyConnection,
    campaign_id: &str,
    department_id: &str,
) -> Result<Option<(String, String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT v.id, v.content_hash, v.content, s.capacity
         FROM ledger_versions v JOIN ledger_signatures s ON s.ledger_version_id = v.id
         WHERE v.campaign_id = $1 AND v.scope_key = $2 AND v.kind = 'department'
         ORDER BY v.created_at, v.id",
    )
    .bind(campaign_id)
    .bind(department_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut versions: Vec<(String, String, String, Vec<Capacity>)> = Vec::new();
    for r in &rows {
        let id: String = r.get(0);
        if versions.last().is_none_or(|v| v.0 != id) {
            versions.push((id, r.get(1), r.get(2), Vec::new()));
        }
        let v = versions.last_mut().expect("pushed above");
        v.3.extend(Capacity::parse(&r.get::<String, _>(3)));
    }
    Ok(versions.into_iter().rev().find(|v| fully_signed(LedgerKind::Department, &v.3)).map(|v| (v.0, v.1, v.2)))
}

/// A stored change set with its signatures.
struct ChangeSetRow {
    id: String,
    hash: String,
    content: String,
    result: String,
    from_hash: String,
    to_hash: String,
    changes: i64,
    created_at: String,
    /// (capacity, signer name, signed at, signed hash, missing checks)
    signatures: Vec<(Capacity, String, String, String, i64)>,
}

impl ChangeSetRow {
    fn capacities(&self) -> Vec<Capacity> {
        self.signatures.iter().map(|s| s.0).collect()
    }
}

async fn change_sets(conn: &mut AnyConnection, version_id: &str) -> Result<Vec<ChangeSetRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT cs.id, cs.content_hash, cs.content, cs.result, cs.from_hash, cs.to_hash, cs.change_count, cs.created_at,
                s.capacity, s.signer_name, s.signed_at, s.content_hash, s.missing_checks
         FROM ledger_change_sets cs JOIN ledger_change_signatures s ON s.change_set_id = cs.id
         WHERE cs.ledger_version_id = $1
         ORDER BY cs.created_at, cs.id, s.signed_at",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut sets: Vec<ChangeSetRow> = Vec::new();
    for r in &rows {
        let id: String = r.get(0);
        if sets.last().is_none_or(|s| s.id != id) {
            sets.push(ChangeSetRow {
                id,
                hash: r.get(1),
                content: r.get(2),
                result: r.get(3),
                from_hash: r.get(4),
                to_hash: r.get(5),
                changes: r.get(6),
                created_at: r.get(7),
                signatures: Vec::new(),
            });
        }
        if let Some(c) = Capacity::parse(&r.get::<String, _>(8)) {
            let s = sets.last_mut().expect("pushed above");
            s.signatures.push((c, r.get(9), r.get(10), r.get(11), r.get(12)));
        }
    }
    Ok(sets)
}

/// What the signatories of a fixed department ledger signed, as it stands.
struct Fixed {
    version_id: String,
    version_hash: String,
    /// The signed content in force, its hash, and the change sets (ids) it went through.
    lines: Vec<LedgerLine>,
    hash: String,
    chain: Vec<String>,
    sets: Vec<ChangeSetRow>,
}

/// A department ledger now, and against what it was signed.
struct DepartmentNow {
    code: String,
    /// Pending items less those that left by reduction.
    lines: Vec<NowLine>,
    canonical: CanonicalLedger,
    missing: u64,
    fixed: Option<Fixed>,
    changes: Vec<LineChange>,
    change_set: Option<ChangeSet>,
    /// Added or changed lines whose check report is missing.
    change_missing: u64,
}

/// What the signatories of a fixed department ledger signed, as it stands: the version,
/// then each confirmed change set in turn from the content it was made for. A set that
/// does not hold together is not followed, so its changes show as pending again.
async fn fixed_content(
    conn: &mut AnyConnection,
    campaign_id: &str,
    department_id: &str,
) -> Result<Option<Fixed>, StoreError> {
    let Some((version_id, version_hash, version_content)) = fixed_version(conn, campaign_id, department_id).await?
    else {
        return Ok(None);
    };
    let sets = change_sets(conn, &version_id).await?;
    let mut signed = CanonicalLedger::parse_department(&version_content).unwrap_or_default();
    let mut hash = version_hash.clone();
    let mut chain = Vec::new();
    while let Some(s) = sets.iter().find(|s| {
        !chain.contains(&s.id)
            && fully_signed(LedgerKind::Department, &s.capacities())
            && ChangeSet::ends(&s.content).is_some_and(|(from, _)| from == hash)
            && ChangeSet::intact(&s.hash, &s.content, &s.result)
            && s.signatures.iter().all(|g| g.3 == s.hash)
    }) {
        signed = CanonicalLedger::parse_department(&s.result).unwrap_or_default();
        hash = content_hash(&s.result);
        chain.push(s.id.clone());
    }
    Ok(Some(Fixed { version_id, version_hash, lines: signed, hash, chain, sets }))
}

/// A department ledger now, whole: what signing and confirming store.
async fn department_now(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    campaign_id: &str,
    department_id: &str,
) -> Result<DepartmentNow, StoreError> {
    let code = department_code(conn, department_id).await?;
    let reduced = reduced_keys(conn, campaign_id).await?;
    let mut lines = Vec::new();
    department_lines(conn, backend, region, campaign_id, department_id, &reduced, |l| {
        lines.push(l);
        Ok(())
    })
    .await?;
    let canonical = CanonicalLedger::department(region, &code, lines.iter().map(|l| &l.line));
    let missing = lines.iter().filter(|l| l.missing).count() as u64;
    let fixed = fixed_content(conn, campaign_id, department_id).await?;
    let (changes, change_set) = match &fixed {
        Some(f) => {
            let changes = diff_lines(&f.lines, lines.iter().map(|l| &l.line), &reduced);
            let set = (!changes.is_empty()).then(|| ChangeSet::of(region, &code, &f.lines, &changes));
            (changes, set)
        }
        None => (Vec::new(), None),
    };
    let missing_keys = missing_keys(&lines);
    let change_missing =
        changes.iter().filter(|c| c.after.is_some() && missing_keys.contains(&c.key_ref())).count() as u64;
    Ok(DepartmentNow { code, lines, canonical, missing, fixed, changes, change_set, change_missing })
}

/// Which of a ledger's pending changes a state describes: at most `listed`, after the
/// key `after` when there is one.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ChangeListing<'a> {
    pub after: Option<&'a LineKey>,
    pub listed: usize,
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
struct DepartmentPage {
    reduced: BTreeSet<LineKey>,
    fixed: Option<Fixed>,
    page: LedgerPage,
}

/// A department ledger's page, its lines read in canonical order and streamed past core's
/// [`LedgerStream`]: what is held is the signed content and the changes listed. When the
/// change set's rows outgrow `held` bytes ([`CHANGE_ROWS_HELD`]), they go to a temporary
/// file; only if it fails are the lines read a second time, which the caller reads on the
/// same snapshot.
async fn department_page(
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
    let fixed = fixed_content(conn, campaign_id, department_id).await?;
    let signed = fixed.as_ref().map(|f| (f.lines.as_slice(), &reduced));
    let mut pass = StreamPass::First { held };
    let page = loop {
        let first = matches!(pass, StreamPass::First { .. });
        let mut stream =
            LedgerStream::new(region, &code, signed, listed.listed, pass).listing_after(listed.after.cloned());
        if first {
            stream = stream.spilling_into(Box::new(FileSpill::default()));
        }
        department_lines(conn, backend, region, campaign_id, department_id, &reduced, |l| {
            // The order is the database's: a line out of it is the database's fault.
            stream.push(&l.line, l.missing).map_err(|e| {
                sqlx::Error::Protocol(format!("ledger lines read out of order: {:?} after {:?}", e.line, e.after))
                    .into()
            })
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
        }
    };
    Ok(DepartmentPage { reduced, fixed, page })
}

/// The lines whose check report is missing, by borrowed key.
fn missing_keys(lines: &[NowLine]) -> BTreeSet<(&str, &str)> {
    lines.iter().filter(|l| l.missing).map(|l| l.line.key_ref()).collect()
}

/// Capacities that have confirmed the change set with this hash.
fn confirmed_by(fixed: Option<&Fixed>, hash: &str) -> Vec<Capacity> {
    fixed.and_then(|f| f.sets.iter().find(|s| s.hash == hash)).map(ChangeSetRow::capacities).unwrap_or_default()
}

impl Store {
    /// A department's ledger now (`department_id` Some) or the banner's (None), with
    /// every signed version and how each signature stands: for a fixed department
    /// ledger, against what was signed (reductions never touch it; changes to the signed
    /// content are listed until confirmed).
    pub async fn ledger_state(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
    ) -> Result<LedgerState, StoreError> {
        self.ledger_state_listing(region, department_id, usize::MAX).await
    }

    /// [`Store::ledger_state`] with the pending changes listed from after the key `after`
    /// (project code, item type), at most `listed` of them: a page of a long list. The
    /// change set, `changes_total` and `more_changes` still cover every change.
    pub async fn ledger_state_after(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        after: Option<&LineKey>,
        listed: usize,
    ) -> Result<LedgerState, StoreError> {
        let listing = ChangeListing { after, listed };
        self.ledger_state_holding(region, department_id, listing, CHANGE_ROWS_HELD).await
    }

    /// [`Store::ledger_state`] with only the first `listed` pending changes described (a
    /// page shows a page of them; the change set and `changes_total` still cover all).
    pub async fn ledger_state_listing(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        listed: usize,
    ) -> Result<LedgerState, StoreError> {
        self.ledger_state_after(region, department_id, None, listed).await
    }

    /// [`Store::ledger_state_listing`] holding at most `held` bytes of the change set's
    /// rows before it reads the lines again: for the tests of that second reading.
    #[doc(hidden)]
    pub async fn ledger_state_holding(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        listed: ChangeListing<'_>,
        held: usize,
    ) -> Result<LedgerState, StoreError> {
        let campaign = self.campaign(region).await?;
        let mut conn = self.pool.acquire().await?;
        let mut tx = self.begin_read_on(&mut conn).await?;
        let state = self.read_ledger_state(&mut tx, region, &campaign.id, department_id, listed, held).await?;
        tx.commit().await?;
        Ok(state)
    }

    /// [`Store::ledger_state_holding`] on a read snapshot.
    async fn read_ledger_state(
        &self,
        conn: &mut AnyConnection,
        region: &RegionCode,
        campaign_id: &str,
        department_id: Option<&str>,
        listed: ChangeListing<'_>,
        held: usize,
    ) -> Result<LedgerState, StoreError> {
        let rc = region.as_str();
        let (current_hash, items, parts, dept) = match department_id {
            Some(d) => {
                let now = department_page(conn, self.backend(), rc, campaign_id, d, listed, held).await?;
                (now.page.current_hash.clone(), now.page.items, Vec::new(), Some(now))
            }
            None => {
                let parts = banner_parts(conn, campaign_id).await?;
                let canonical = CanonicalLedger::banner(rc, &parts);
                (canonical.hash(), canonical.items, parts, None)
            }
        };
        let kind = if department_id.is_some() { LedgerKind::Department } else { LedgerKind::Banner };
        let scope_key = department_id.unwrap_or("banner");
        let rows = sqlx::query(
            "SELECT v.id, v.content_hash, v.item_count, v.created_at, v.content, s.capacity, s.signer_name, s.signed_at,
                    s.content_hash, s.missing_checks
             FROM ledger_versions v JOIN ledger_signatures s ON s.ledger_version_id = v.id
             WHERE v.campaign_id = $1 AND v.scope_key = $2
             ORDER BY v.created_at DESC, v.id, s.signed_at",
        )
        .bind(campaign_id)
        .bind(scope_key)
        .fetch_all(&mut *conn)
        .await?;
        let fixed = dept.as_ref().and_then(|d| d.fixed.as_ref());
        let pending = dept.as_ref().map_or(0, |d| d.page.changes_total as usize);
        let mut versions: Vec<VersionView> = Vec::new();
        for r in &rows {
            let id: String = r.get(0);
            if versions.last().is_none_or(|v| v.id != id) {
                versions.push(VersionView {
                    id: id.clone(),
                    content_hash: r.get(1),
                    items: r.get(2),
                    created_at: r.get(3),
                    signatures: Vec::new(),
                    fully_signed: false,
                    in_force: fixed.is_some_and(|f| f.version_id == id),
                });
            }
            let content: String = r.get(4);
            let signed_hash: String = r.get(8);
            let Some(capacity) = Capacity::parse(&r.get::<String, _>(5)) else { continue };
            let state = match fixed {
                Some(f) if f.version_id == id => SignatureState::of_fixed(&signed_hash, &content, pending),
                // A version the fixed one superseded.
                Some(f) => SignatureState::of(&signed_hash, &content, &f.version_hash),
                None => SignatureState::of(&signed_hash, &content, &current_hash),
            };
            let v = versions.last_mut().expect("pushed above");
            v.signatures.push(SignatureView {
                capacity,
                signer_name: r.get(6),
                signed_at: r.get(7),
                state,
                content_hash: signed_hash,
                missing_checks: r.get(9),
            });
        }
        let mut locked = false;
        let mut signed_now = Vec::new();
        for v in &mut versions {
            let caps: Vec<Capacity> = v.signatures.iter().map(|s| s.capacity).collect();
            v.fully_signed = fully_signed(kind, &caps);
            locked |= v.fully_signed;
            if v.content_hash == current_hash {
                signed_now = caps;
            }
        }
        let mut state = LedgerState {
            kind,
            department_id: department_id.map(str::to_string),
            current_hash,
            items,
            signed_now,
            versions,
            locked,
            parts,
            missing_checks: 0,
            signed: None,
            changes: Vec::new(),
            changes_total: 0,
            more_changes: false,
            change_set: None,
            change_sets: Vec::new(),
        };
        let Some(d) = dept else { return Ok(state) };
        state.missing_checks = d.page.missing_checks;
        let Some(f) = &d.fixed else { return Ok(state) };
        state.signed = Some(SignedContent {
            version_id: f.version_id.clone(),
            version_hash: f.version_hash.clone(),
            hash: f.hash.clone(),
            items: f.lines.len() as u64,
            reduced: f.lines.iter().filter(|l| d.reduced.contains(&l.key())).count() as u64,
            confirmed_change_sets: f.chain.len() as u64,
        });
        let type_names: BTreeMap<String, String> =
            sqlx::query("SELECT code, name FROM item_types WHERE region_code = $1")
                .bind(rc)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        state.changes_total = d.page.changes_total;
        state.more_changes = d.page.more_changes;
        state.changes = d
            .page
            .changes
            .iter()
            .map(|(c, missing)| ChangeView {
                kind: c.kind,
                project_code: c.project_code.clone(),
                project_name: c
                    .after
                    .as_ref()
                    .or(c.before.as_ref())
                    .map(|l| l.project_name.clone())
                    .unwrap_or_default(),
                item_type_name: type_names.get(&c.item_type).cloned().unwrap_or_else(|| c.item_type.clone()),
                item_type: c.item_type.clone(),
                fields: c.fields(),
                missing_check: *missing,
            })
            .collect();
        let pending_hash = d.page.change_set_hash.clone();
        state.change_set = pending_hash.as_ref().map(|hash| PendingChangeSet {
            hash: hash.clone(),
            changes: d.page.changes_total,
            signed: confirmed_by(Some(f), hash),
            missing_checks: d.page.change_missing,
        });
        state.change_sets = f
            .sets
            .iter()
            .rev()
            .map(|s| {
                let in_chain = f.chain.contains(&s.id);
                let intact = ChangeSet::intact(&s.hash, &s.content, &s.result);
                // A confirmed set holds as itself; one still being confirmed holds while
                // it is the set of the changes pending now.
                let reference = if in_chain || pending_hash.as_deref() == Some(s.hash.as_str()) { &s.hash } else { "" };
                ChangeSetView {
                    id: s.id.clone(),
                    content_hash: s.hash.clone(),
                    from_hash: s.from_hash.clone(),
                    to_hash: s.to_hash.clone(),
                    changes: s.changes,
                    created_at: s.created_at.clone(),
                    confirmed: in_chain,
                    signatures: s
                        .signatures
                        .iter()
                        .map(|(capacity, name, at, signed_hash, missing)| SignatureView {
                            capacity: *capacity,
                            signer_name: name.clone(),
                            signed_at: at.clone(),
                            content_hash: signed_hash.clone(),
                            state: if intact {
                                SignatureState::of(signed_hash, &s.content, reference)
                            } else {
                                SignatureState::Broken
                            },
                            missing_checks: *missing,
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(state)
    }

    /// Sign the ledger as it is now. `seen_hash` is the hash the signer was shown: if
    /// the ledger changed since, nothing is signed. With check results missing, the
    /// signer must have been shown how many and confirmed (`confirm_missing_checks`).
    /// The signature binds the version's content hash. When the version carries every
    /// signature its kind needs, its items join the baseline; a department ledger is
    /// then fixed, and its later changes are confirmed with [`Store::confirm_changes`].
    pub async fn sign_ledger(
        &self,
        region: &RegionCode,
        department_id: Option<&str>,
        capacity: Capacity,
        seen_hash: &str,
        confirm_missing_checks: bool,
        actor: &User,
    ) -> Result<SignOutcome, StoreError> {
        let campaign = self.campaign(region).await?;
        let rc = region.as_str();
        if actor.region_code != rc {
            return Err(StoreError::NotFound("台账不存在".into()));
        }
        let kind = if department_id.is_some() { LedgerKind::Department } else { LedgerKind::Banner };
        let scope_key = department_id.unwrap_or("banner");
        let mut tx = self.begin_write().await?;
        let (canonical, item_ids, fixed, missing) = match department_id {
            Some(d) => {
                let now = department_now(&mut tx, self.backend(), rc, &campaign.id, d).await?;
                let ids: Vec<String> = now.lines.iter().map(|l| l.id.clone()).collect();
                (now.canonical, ids, now.fixed.is_some(), now.missing)
            }
            None => {
                let parts = banner_parts(&mut tx, &campaign.id).await?;
                (CanonicalLedger::banner(rc, &parts), Vec::new(), false, 0)
            }
        };
        let hash = canonical.hash();
        let existing = sqlx::query(
            "SELECT id FROM ledger_versions WHERE campaign_id = $1 AND scope_key = $2 AND content_hash = $3",
        )
        .bind(&campaign.id)
        .bind(scope_key)
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.get::<String, _>(0));
        let mut signed: Vec<Capacity> = Vec::new();
        if let Some(v) = &existing {
            for r in sqlx::query("SELECT capacity FROM ledger_signatures WHERE ledger_version_id = $1")
                .bind(v)
                .fetch_all(&mut *tx)
                .await?
            {
                signed.extend(Capacity::parse(&r.get::<String, _>(0)));
            }
        }
        let user_dept_code = match &actor.department_id {
            Some(d) => Some(department_code(&mut tx, d).await?),
            None => None,
        };
        let ledger_dept_code = match department_id {
            Some(d) => Some(department_code(&mut tx, d).await?),
            None => None,
        };
        let req = SignRequest {
            role: actor.role,
            capacity,
            kind,
            user_department: user_dept_code.as_deref(),
            ledger_department: ledger_dept_code.as_deref(),
            seen_hash,
            missing_checks_confirmed: confirm_missing_checks,
        };
        let now = LedgerNow { hash: &hash, items: canonical.items, signed: &signed, fixed, missing_checks: missing };
        check_signature(&req, &now).map_err(|e| StoreError::conflict(&e))?;
        let at = now_text();
        let version_id = match existing {
            Some(v) => v,
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO ledger_versions (id, region_code, campaign_id, kind, scope_key, department_id, content_hash, content, item_count, created_at, created_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(&id)
                .bind(rc)
                .bind(&campaign.id)
                .bind(kind.as_str())
                .bind(scope_key)
                .bind(department_id)
                .bind(&hash)
                .bind(&canonical.text)
                .bind(canonical.items as i64)
                .bind(&at)
                .bind(&actor.id)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        sqlx::query(
            "INSERT INTO ledger_signatures (id, region_code, ledger_version_id, capacity, content_hash, signer_id, signer_name, signed_at, missing_checks)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id())
        .bind(rc)
        .bind(&version_id)
        .bind(capacity.as_str())
        .bind(&hash)
        .bind(&actor.id)
        .bind(&actor.display_name)
        .bind(&at)
        .bind(missing as i64)
        .execute(&mut *tx)
        .await?;
        signed.push(capacity);
        let complete = fully_signed(kind, &signed);
        let mut baseline_added = 0u64;
        if complete && kind == LedgerKind::Department {
            // The version that fixes the ledger forms the baseline.
            let day = date_text(today());
            for item in &item_ids {
                let res = sqlx::query(
                    "INSERT INTO baseline_items (id, region_code, campaign_id, pending_item_id, ledger_version_id, is_addition, added_on, added_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (campaign_id, pending_item_id) DO NOTHING",
                )
                .bind(new_id())
                .bind(rc)
                .bind(&campaign.id)
                .bind(item)
                .bind(&version_id)
                .bind(false)
                .bind(&day)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
                baseline_added += res.rows_affected();
            }
        }
        append(
            &mut tx,
            &actor_event(
                actor,
                "ledger.sign",
                "ledger_version",
                &version_id,
                serde_json::json!({
                    "kind": kind.as_str(),
                    "department": ledger_dept_code,
                    "capacity": capacity.as_str(),
                    "content_hash": hash,
                    "items": canonical.items,
                    "missing_checks": missing,
                    "fully_signed": complete,
                    "baseline_added": baseline_added,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(SignOutcome { version_id, content_hash: hash, fully_signed: complete, baseline_added })
    }

    /// Confirm the changes to a fixed department ledger's signed content (新增/变更，
    /// 待签认) as they are now: `seen_hash` is the change set's hash the signer was
    /// shown. The department head first, then the leader, as for the ledger; with the
    /// leader's confirmation the changes become part of the signed content, and the
    /// ledger's signatures (and the banner ledger's) hold again. One transaction with
    /// its record.
    pub async fn confirm_changes(
        &self,
        region: &RegionCode,
        department_id: &str,
        capacity: Capacity,
        seen_hash: &str,
        confirm_missing_checks: bool,
        actor: &User,
    ) -> Result<ChangeOutcome, StoreError> {
        let campaign = self.campaign(region).await?;
        let rc = region.as_str();
        if actor.region_code != rc {
            return Err(StoreError::NotFound("台账不存在".into()));
        }
        let mut tx = self.begin_write().await?;
        let now = department_now(&mut tx, self.backend(), rc, &campaign.id, department_id).await?;
        let set_hash = now.change_set.as_ref().map(ChangeSet::hash).unwrap_or_default();
        let signed = confirmed_by(now.fixed.as_ref(), &set_hash);
        let user_dept_code = match &actor.department_id {
            Some(d) => Some(department_code(&mut tx, d).await?),
            None => None,
        };
        let req = SignRequest {
            role: actor.role,
            capacity,
            kind: LedgerKind::Department,
            user_department: user_dept_code.as_deref(),
            ledger_department: Some(&now.code),
            seen_hash,
            missing_checks_confirmed: confirm_missing_checks,
        };
        let ledger_now = LedgerNow {
            hash: &set_hash,
            items: now.changes.len() as u64,
            signed: &signed,
            fixed: now.fixed.is_some(),
            missing_checks: now.change_missing,
        };
        check_change_confirmation(&req, &ledger_now).map_err(|e| StoreError::conflict(&e))?;
        let (Some(fixed), Some(set)) = (&now.fixed, &now.change_set) else {
            return Err(StoreError::conflict(&SignError::NoChanges));
        };
        let at = now_text();
        sqlx::query(
            "INSERT INTO ledger_change_sets (id, region_code, campaign_id, department_id, ledger_version_id, from_hash, to_hash,
                content_hash, content, result, change_count, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (ledger_version_id, content_hash) DO NOTHING",
        )
        .bind(new_id())
        .bind(rc)
        .bind(&campaign.id)
        .bind(department_id)
        .bind(&fixed.version_id)
        .bind(&set.from_hash)
        .bind(&set.to_hash)
        .bind(&set_hash)
        .bind(&set.text)
        .bind(&set.result.text)
        .bind(set.changes as i64)
        .bind(&at)
        .bind(&actor.id)
        .execute(&mut *tx)
        .await?;
        let set_id: String =
            sqlx::query("SELECT id FROM ledger_change_sets WHERE ledger_version_id = $1 AND content_hash = $2")
                .bind(&fixed.version_id)
                .bind(&set_hash)
                .fetch_one(&mut *tx)
                .await?
                .get(0);
        sqlx::query(
            "INSERT INTO ledger_change_signatures (id, region_code, change_set_id, ledger_version_id, from_hash, capacity,
                content_hash, missing_checks, signer_id, signer_name, signed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new_id())
        .bind(rc)
        .bind(&set_id)
        .bind(&fixed.version_id)
        .bind(&set.from_hash)
        .bind(capacity.as_str())
        .bind(&set_hash)
        .bind(now.change_missing as i64)
        .bind(&actor.id)
        .bind(&actor.display_name)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                StoreError::conflict(Sentence::new(
                    "err-ledger-changes-confirmed-meanwhile",
                    "这些新增/变更已由他人签认，请刷新页面核对",
                ))
            } else {
                e.into()
            }
        })?;
        let mut caps = signed;
        caps.push(capacity);
        let confirmed = fully_signed(LedgerKind::Department, &caps);
        append(
            &mut tx,
            &actor_event(
                actor,
                "ledger.confirm_changes",
                "ledger_change_set",
                &set_id,
                serde_json::json!({
                    "department": now.code,
                    "capacity": capacity.as_str(),
                    "content_hash": set_hash,
                    "from": set.from_hash,
                    "to": set.to_hash,
                    "changes": set.changes,
                    "missing_checks": now.change_missing,
                    "confirmed": confirmed,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ChangeOutcome { change_set_id: set_id, content_hash: set_hash, changes: set.changes, confirmed })
    }
}
