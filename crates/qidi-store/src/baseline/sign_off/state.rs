//! A ledger's state as its page shows it: versions, signatures, what was signed, changes to confirm.

use super::lines::{
    banner_parts, confirmed_by, department_page, kept_lines, version_stored_hash, ChangeListing, LedgerReading,
};
use crate::{Store, StoreError};
use qidi_core::ledger::{
    fully_signed, line_key_text, BannerPart, CanonicalLedger, Capacity, ChangeKind, FieldChange, LedgerKind, LineKey,
    SignatureState, CHANGE_ROWS_HELD,
};
use qidi_core::RegionCode;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

/// A ledger now, and what has been signed of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

impl LedgerState {
    /// The key the next page of pending changes starts after (`project_code/item_type`),
    /// when more follow those listed.
    pub fn next_after(&self) -> Option<String> {
        let last = self.changes.last().filter(|_| self.more_changes)?;
        Some(line_key_text(&last.project_code, &last.item_type))
    }
}

/// One signature as the page shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
        let listing = ChangeListing { after, listed, reading: None };
        self.ledger_state_holding(region, department_id, listing, CHANGE_ROWS_HELD).await
    }

    /// A department ledger's lines before reduction, from the kept counts: about how
    /// many lines a reading of it reads.
    pub async fn kept_ledger_lines(&self, region: &RegionCode, department_id: &str) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        kept_lines(&mut conn, region.as_str(), department_id).await
    }

    /// [`Store::ledger_state_after`] of a department, counting its lines into `reading`
    /// as they are read, for a page that says how far a long reading has come.
    pub async fn ledger_state_read(
        &self,
        region: &RegionCode,
        department_id: &str,
        after: Option<&LineKey>,
        listed: usize,
        reading: &LedgerReading,
    ) -> Result<LedgerState, StoreError> {
        let listing = ChangeListing { after, listed, reading: Some(reading) };
        self.ledger_state_holding(region, Some(department_id), listing, CHANGE_ROWS_HELD).await
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
            "SELECT v.id, v.content_hash, v.item_count, v.created_at, s.capacity, s.signer_name, s.signed_at,
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
            let Some(capacity) = Capacity::parse(&r.get::<String, _>(4)) else { continue };
            let v = versions.last_mut().expect("pushed above");
            v.signatures.push(SignatureView {
                capacity,
                signer_name: r.get(5),
                signed_at: r.get(6),
                // Judged below, against the version's stored content.
                state: SignatureState::Broken,
                content_hash: r.get(7),
                missing_checks: r.get(8),
            });
        }
        for v in &mut versions {
            // Read and hashed once per version, not with each signature: a region's is
            // hundreds of megabytes. The fixed version's was, with the ledger.
            let stored = match fixed {
                Some(f) if f.version_id == v.id => f.version_stored_hash.clone(),
                _ => version_stored_hash(conn, &v.id).await?,
            };
            for g in &mut v.signatures {
                g.state = match fixed {
                    Some(f) if f.version_id == v.id => SignatureState::of_fixed(&g.content_hash, &stored, pending),
                    // A version the fixed one superseded.
                    Some(f) => SignatureState::of(&g.content_hash, &stored, &f.version_hash),
                    None => SignatureState::of(&g.content_hash, &stored, &current_hash),
                };
            }
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
            items: d.page.signed_items,
            reduced: d.page.signed_reduced,
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
                let (intact, stored) = (s.check.intact, &s.check.stored_hash);
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
                                SignatureState::of(signed_hash, stored, reference)
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
}
