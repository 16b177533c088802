//! Signing a ledger and confirming the changes to a fixed department ledger, and what each did.

use super::lines::{
    banner_parts, confirmed_by, department_code, department_lines, fixed_content, is_fixed, kept_text_failed,
    out_of_order, reduced_keys, Fixed,
};
use super::texts::{Field, SpilledText, HELD_BYTES, PART_BYTES};
use crate::baseline::{actor_event, add_missing_additions, date_text, FixedNow};
use crate::events::append;
use crate::ledger_import::{Batch, Col, Val};
use crate::users::User;
use crate::{new_id, now_text, today, Backend, Store, StoreError};
use qidi_core::ledger::{
    check_change_confirmation, check_signature, fully_signed, CanonicalLedger, Capacity, DepartmentText, LedgerKind,
    LedgerNow, LedgerPage, LedgerStream, SignError, SignRequest, StreamEnd, StreamPass,
};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};

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

/// A department ledger now against its signed content: what confirming its changes
/// stores.
struct DepartmentNow {
    code: String,
    fixed: Option<Fixed>,
    /// The changes counted, and their change set kept.
    page: LedgerPage,
    /// The change set's text and the signed content it leads to, kept out of memory.
    kept_text: SpilledText,
    kept_result: SpilledText,
}

/// A department ledger now against its signed content, its lines streamed past core's
/// [`LedgerStream`] in canonical order: what is held is the signed content, not the
/// ledger now; the change set's texts go to their files as they are written.
async fn department_now(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    campaign_id: &str,
    department_id: &str,
) -> Result<DepartmentNow, StoreError> {
    let code = department_code(conn, department_id).await?;
    let reduced = reduced_keys(conn, campaign_id).await?;
    let mut fixed = fixed_content(conn, campaign_id, department_id).await?;
    let signed = fixed.as_mut().map(|f| f.signed(region, &code, &reduced));
    let (mut kept_text, mut kept_result) = (SpilledText::default(), SpilledText::default());
    let mut stream = LedgerStream::new(region, &code, signed, 0, StreamPass::First { held: 0 })
        .keeping_change_set(&mut kept_text, &mut kept_result);
    department_lines(conn, backend, region, campaign_id, department_id, &reduced, None, |l| {
        stream.push(&l.line, l.missing).map_err(out_of_order)
    })
    .await?;
    match stream.finish() {
        StreamEnd::Page(page) => Ok(DepartmentNow { code, fixed, page, kept_text, kept_result }),
        StreamEnd::Failed(e) => Err(kept_text_failed(e)),
        // A kept change set is never read again.
        _ => Err(sqlx::Error::Protocol("a kept change set asked for a second reading".into()).into()),
    }
}

/// A department ledger now, as signing it whole stores it.
struct Signable {
    /// The department's code.
    code: String,
    text: Bound,
    /// Its pending items, which join the baseline once it is fully signed.
    item_ids: Vec<String>,
    /// Lines whose check report is missing.
    missing: u64,
    /// Some version of it is fully signed: it is signed no more whole.
    fixed: bool,
}

/// What a signature binds: the canonical text's hash and line count, and the text, kept
/// out of memory. Only the signature that makes a version stores the text.
struct Bound {
    hash: String,
    items: u64,
    text: SpilledText,
}

impl Bound {
    fn held(canonical: CanonicalLedger) -> Bound {
        Bound { hash: canonical.hash(), items: canonical.items, text: SpilledText::held(canonical.text) }
    }
}

/// The id of the change set `hash` from the fixed version `version_id`, if it is stored.
async fn stored_change_set(
    conn: &mut AnyConnection,
    version_id: &str,
    hash: &str,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT id FROM ledger_change_sets WHERE ledger_version_id = $1 AND content_hash = $2")
        .bind(version_id)
        .bind(hash)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// A department ledger's canonical text written as its lines are read: a region's
/// department of two million lines is not held, only its item ids (its text goes to a
/// file as it is written).
async fn department_signable(
    conn: &mut AnyConnection,
    backend: Backend,
    region: &str,
    campaign_id: &str,
    department_id: &str,
) -> Result<Signable, StoreError> {
    let code = department_code(conn, department_id).await?;
    // A fixed ledger is signed no more whole: known before its lines are read, without
    // reading what was signed.
    let fixed = is_fixed(conn, campaign_id, department_id).await?;
    let reduced = reduced_keys(conn, campaign_id).await?;
    let mut text = DepartmentText::new(region, &code);
    let mut spilled = SpilledText::default();
    let (mut item_ids, mut missing) = (Vec::new(), 0u64);
    department_lines(conn, backend, region, campaign_id, department_id, &reduced, None, |l| {
        text.push(&l.line).map_err(out_of_order)?;
        if text.held() >= HELD_BYTES {
            spilled.push(&text.take_written())?;
        }
        missing += u64::from(l.missing);
        item_ids.push(l.id);
        Ok(())
    })
    .await?;
    let written = text.finish();
    spilled.push(&written.rest)?;
    let text = Bound { hash: written.hash, items: written.items, text: spilled };
    Ok(Signable { code, text, item_ids, missing, fixed })
}

/// The columns of `baseline_items` a fully signed department ledger writes.
const SIGNED_BASELINE: [(&str, Col); 8] = [
    ("id", Col::Text),
    ("region_code", Col::Text),
    ("campaign_id", Col::Text),
    ("pending_item_id", Col::Text),
    ("ledger_version_id", Col::Text),
    ("is_addition", Col::Bool),
    ("added_on", Col::Text),
    ("added_at", Col::Text),
];

/// What the signature that fixed a department ledger caught up with on PostgreSQL: what
/// happened to the department between its reading and its commit.
#[derive(Debug, Default, Clone, Copy)]
struct Meanwhile {
    /// Rows reduced because their item was granted.
    granted: u64,
    /// Rows reduced because their project or item was removed by an approved removal.
    removed: u64,
    /// Pending items added to the department, now in the baseline as additions.
    added: u64,
}

/// How long the signature asks for its department's lock without queueing for it: while
/// it queues, PostgreSQL refuses every new shared request (each grant of the department).
const LOCK_POLLED: std::time::Duration = std::time::Duration::from_secs(30);

/// On PostgreSQL, take the department's lock exclusively before the baseline rows are
/// written (migrations 0036, 0038): it waits for every grant, addition and approved
/// removal of the department under way, and refuses any after it until this transaction
/// ends. Taken before the rows, while the signature holds nothing another writer waits
/// for. SQLite's one writer held its lock from before the reading.
async fn lock_department(conn: &mut AnyConnection, backend: Backend, department_id: &str) -> Result<(), StoreError> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    let deadline = std::time::Instant::now() + LOCK_POLLED;
    while std::time::Instant::now() < deadline {
        let got: bool = sqlx::query("SELECT pg_try_advisory_xact_lock(hashtext('qidi.baseline'), hashtext($1))")
            .bind(department_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        if got {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('qidi.baseline'), hashtext($1))::text")
        .bind(department_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// On PostgreSQL, bring the baseline rows just written, under the department's lock, up
/// to what happened to the department since its ledger was read. Each statement sees
/// what committed before it: all of the department's.
async fn catch_up_meanwhile(
    conn: &mut AnyConnection,
    backend: Backend,
    fixed: &FixedNow<'_>,
    version_id: &str,
) -> Result<Meanwhile, StoreError> {
    if backend != Backend::Postgres {
        return Ok(Meanwhile::default());
    }
    let granted = sqlx::query(
        "UPDATE baseline_items b SET reduction = 'approved', reduced_on = $2
         FROM pending_items p
         WHERE b.ledger_version_id = $1 AND b.reduction IS NULL AND p.id = b.pending_item_id AND p.status = 'granted'",
    )
    .bind(version_id)
    .bind(fixed.day)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // As `decide_removal` reduces: a project's removal reduces its items' rows, an item's
    // its own, with the removal's reason; the removal decided first where two apply.
    // Driven from the campaign's approved removals (few), not from the rows (millions).
    let removed = sqlx::query(
        "UPDATE baseline_items b SET reduction = 'removed', reduced_on = $2, reason_category = r.reason_category,
                reason_text = r.reason_text, removal_id = r.id
         FROM (SELECT DISTINCT ON (i.id) i.id AS item_id, r.id, r.reason_category, r.reason_text
               FROM removals r JOIN pending_items i
                    ON i.project_id = r.project_id AND (r.kind = 'project' OR r.pending_item_id = i.id)
               WHERE r.campaign_id = $3 AND r.decision = 'approved'
               ORDER BY i.id, r.decided_at, r.id) r
         WHERE b.pending_item_id = r.item_id AND b.ledger_version_id = $1 AND b.reduction IS NULL",
    )
    .bind(version_id)
    .bind(fixed.day)
    .bind(fixed.campaign_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let added = add_missing_additions(conn, backend, fixed, None).await?;
    Ok(Meanwhile { granted, removed, added })
}

impl Store {
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
        let (ledger_dept_code, mut bound, item_ids, fixed, missing) = match department_id {
            Some(d) => {
                let now = department_signable(&mut tx, self.backend(), rc, &campaign.id, d).await?;
                (Some(now.code), now.text, now.item_ids, now.fixed, now.missing)
            }
            None => {
                let parts = banner_parts(&mut tx, &campaign.id).await?;
                (None, Bound::held(CanonicalLedger::banner(rc, &parts)), Vec::new(), false, 0)
            }
        };
        let hash = bound.hash.clone();
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
        let req = SignRequest {
            role: actor.role,
            capacity,
            kind,
            user_department: user_dept_code.as_deref(),
            ledger_department: ledger_dept_code.as_deref(),
            seen_hash,
            missing_checks_confirmed: confirm_missing_checks,
        };
        let now = LedgerNow { hash: &hash, items: bound.items, signed: &signed, fixed, missing_checks: missing };
        check_signature(&req, &now).map_err(|e| StoreError::conflict(&e))?;
        let at = now_text();
        let version_id = match existing {
            Some(v) => v,
            None => {
                let id = new_id();
                // In parts: a region's department ledger is hundreds of megabytes.
                let parts = bound.text.cuts(PART_BYTES)?;
                sqlx::query(
                    "INSERT INTO ledger_versions (id, region_code, campaign_id, kind, scope_key, department_id, content_hash, content, content_parts, item_count, created_at, created_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $10, $11)",
                )
                .bind(&id)
                .bind(rc)
                .bind(&campaign.id)
                .bind(kind.as_str())
                .bind(scope_key)
                .bind(department_id)
                .bind(&hash)
                .bind(parts.len() as i64)
                .bind(bound.items as i64)
                .bind(&at)
                .bind(&actor.id)
                .execute(&mut *tx)
                .await?;
                bound.text.write_parts(&mut tx, &id, Field::Content, &parts).await?;
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
        let (mut baseline_added, mut meanwhile) = (0u64, Meanwhile::default());
        if let (true, Some(d)) = (complete, department_id) {
            // The version that fixes the ledger forms the baseline.
            // Many rows to a statement: a region's department adds two million.
            lock_department(&mut tx, self.backend(), d).await?;
            let day = date_text(today());
            let text = |t: &str| Val::Text(Some(t.to_string()));
            let mut batch =
                Batch::new("baseline_items", &SIGNED_BASELINE).ignoring_conflicts("(campaign_id, pending_item_id)");
            for item in item_ids {
                batch.push([
                    Val::Text(Some(new_id())),
                    text(rc),
                    text(&campaign.id),
                    Val::Text(Some(item)),
                    text(&version_id),
                    Val::Bool(false),
                    text(&day),
                    text(&at),
                ]);
                if batch.is_full() {
                    baseline_added += batch.flush(&mut tx, self.backend()).await?;
                }
            }
            baseline_added += batch.flush(&mut tx, self.backend()).await?;
            let fixed = FixedNow { region: rc, campaign_id: &campaign.id, department_id: d, day: &day, at: &at };
            meanwhile = catch_up_meanwhile(&mut tx, self.backend(), &fixed, &version_id).await?;
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
                    "items": bound.items,
                    "missing_checks": missing,
                    "fully_signed": complete,
                    "baseline_added": baseline_added,
                    // After the ledger was read, before this commit (PostgreSQL).
                    "meanwhile": {
                        "granted": meanwhile.granted,
                        "removed": meanwhile.removed,
                        "added": meanwhile.added,
                    },
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
        let set_hash = now.page.change_set_hash.clone().unwrap_or_default();
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
            items: now.page.changes_total,
            signed: &signed,
            fixed: now.fixed.is_some(),
            missing_checks: now.page.change_missing,
        };
        check_change_confirmation(&req, &ledger_now).map_err(|e| StoreError::conflict(&e))?;
        let (Some(fixed), Some(set)) = (&now.fixed, now.page.change_set) else {
            return Err(StoreError::conflict(&SignError::NoChanges));
        };
        let at = now_text();
        let (mut text, mut result) = (now.kept_text, now.kept_result);
        // A set stored before (the head confirmed it; the leader confirms it now) has its
        // texts; otherwise they are stored in parts, cut from their files: a region's
        // change set and its result are hundreds of megabytes each.
        let set_id = match stored_change_set(&mut tx, &fixed.version_id, &set_hash).await? {
            Some(id) => id,
            None => {
                let (content_parts, result_parts) = (text.cuts(PART_BYTES)?, result.cuts(PART_BYTES)?);
                let new_set = new_id();
                let stored = sqlx::query(
            "INSERT INTO ledger_change_sets (id, region_code, campaign_id, department_id, ledger_version_id, from_hash, to_hash,
                content_hash, content, result, content_parts, result_parts, change_count, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '', $9, $10, $11, $12, $13)
             ON CONFLICT (ledger_version_id, content_hash) DO NOTHING",
        )
        .bind(&new_set)
        .bind(rc)
        .bind(&campaign.id)
        .bind(department_id)
        .bind(&fixed.version_id)
        .bind(&set.from_hash)
        .bind(&set.to_hash)
        .bind(&set_hash)
        .bind(content_parts.len() as i64)
        .bind(result_parts.len() as i64)
        .bind(set.changes as i64)
        .bind(&at)
        .bind(&actor.id)
        .execute(&mut *tx)
        .await?;
                if stored.rows_affected() > 0 {
                    text.write_parts(&mut tx, &new_set, Field::Content, &content_parts).await?;
                    result.write_parts(&mut tx, &new_set, Field::Result, &result_parts).await?;
                    new_set
                } else {
                    // Stored meanwhile by another confirmation (PostgreSQL), with its parts.
                    stored_change_set(&mut tx, &fixed.version_id, &set_hash).await?.ok_or(sqlx::Error::RowNotFound)?
                }
            }
        };
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
        .bind(now.page.change_missing as i64)
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
                    "missing_checks": now.page.change_missing,
                    "confirmed": confirmed,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ChangeOutcome { change_set_id: set_id, content_hash: set_hash, changes: set.changes, confirmed })
    }
}
