//! Look-back reviews (回头看): the office opens a review over closed items or removals
//! chosen by a rule or by a seeded sample (core `lookback::choose`), reviewers record
//! findings, corrections are tracked to closure with lights, and the review closes
//! with a summary (exported by `qidi-office`).

use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::light::{Light, LightPolicy};
use qidi_core::lookback::{
    check_finding, choose, correction_light, may_read, may_run, summarize, Candidate, CorrectionClock, Finding, Report,
    ReviewedItem, Rule, Sample, Summary,
};
use qidi_core::sentence::{Arg, Sentence};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// A review as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: String,
    pub region_code: String,
    pub title: String,
    pub rule: Rule,
    pub sample: Option<Sample>,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// One item under review, with its light on the day it was read.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub object_type: String,
    pub object_id: String,
    pub position: i64,
    pub department_code: String,
    pub label: String,
    pub link: String,
    pub finding: Option<Finding>,
    pub note: String,
    pub correction: String,
    pub clock: Option<CorrectionClock>,
    pub corrected_on: Option<NaiveDate>,
    pub corrected_note: Option<String>,
    pub light: Option<Light>,
}

/// A review with its items and summary on `today`.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub review: Review,
    pub items: Vec<Item>,
    pub summary: Summary,
}

/// What a reviewer records on one item.
#[derive(Debug, Clone)]
pub struct NewFinding<'a> {
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub finding: Finding,
    pub note: &'a str,
    pub correction: &'a str,
    pub deadline: Option<NaiveDate>,
}

fn date(r: &sqlx::any::AnyRow, i: usize) -> Option<NaiveDate> {
    r.get::<Option<String>, _>(i).and_then(|s| s.parse().ok())
}

const CLOSED_APPLICATIONS: &str =
    "SELECT 'application', a.id, d.code, p.code || ' ' || p.name || ' ' || t.name, a.state
     FROM applications a JOIN pending_items i ON i.id = a.pending_item_id JOIN projects p ON p.id = a.project_id
          JOIN item_types t ON t.id = i.item_type_id JOIN departments d ON d.id = i.handling_department_id
     WHERE a.region_code = $1 AND a.closed_at IS NOT NULL";

const REMOVALS: &str = "SELECT 'removal', r.id, COALESCE(d.code, ''), p.code || ' ' || p.name || '（移出：' || r.reason_text || '）', r.kind
     FROM removals r JOIN projects p ON p.id = r.project_id
          LEFT JOIN pending_items i ON i.id = r.pending_item_id
          LEFT JOIN departments d ON d.id = COALESCE(i.handling_department_id, p.initiating_department_id)
     WHERE r.region_code = $1 AND r.decision = 'approved'";

/// What a rule covers, read from the record.
async fn candidates(conn: &mut AnyConnection, region: &str, rule: &Rule) -> Result<Vec<Candidate>, StoreError> {
    let (sql, dept) = match rule {
        Rule::DepartmentItems { department_code } => {
            (format!("{CLOSED_APPLICATIONS} AND d.code = $2"), Some(department_code.clone()))
        }
        Rule::AllRemovals => (REMOVALS.to_string(), None),
        Rule::LateApprovals => (
            format!(
                "{CLOSED_APPLICATIONS} AND a.state IN ('approved', 'higher_approved')
                 AND EXISTS (SELECT 1 FROM clock_records c WHERE c.application_id = a.id
                             AND c.kind IN ('review', 'extension') AND c.outcome = 'late')"
            ),
            None,
        ),
        Rule::AllClosed => (format!("{CLOSED_APPLICATIONS} UNION ALL {REMOVALS}"), None),
    };
    let mut q = sqlx::query(&sql).bind(region);
    if let Some(d) = &dept {
        q = q.bind(d);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let (kind, id): (String, String) = (r.get(0), r.get(1));
            let link =
                if kind == "application" { format!("/applications/{id}") } else { "/ledger/removals".to_string() };
            Candidate { object_type: kind, object_id: id, department_code: r.get(2), label: r.get(3), link }
        })
        .collect())
}

impl Store {
    /// Open a review over what `rule` covers, or a sample of `sample_size` of it drawn
    /// with `seed` (a fresh random seed when none is given; it is stored either way).
    pub async fn open_lookback(
        &self,
        user: &User,
        title: &str,
        rule: &Rule,
        sample_size: Option<u32>,
        seed: Option<u64>,
    ) -> Result<String, StoreError> {
        if !may_run(user.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-lookback-office-opens",
                "只有领导小组办公室可以组织回头看",
            )));
        }
        if title.trim().is_empty() {
            return Err(StoreError::invalid(Sentence::new("err-lookback-title-blank", "回头看名称不能为空")));
        }
        if let Rule::DepartmentItems { department_code } = rule {
            self.department_id(
                &qidi_core::RegionCode::parse(&user.region_code).map_err(|e| StoreError::invalid(e.to_string()))?,
                department_code,
            )
            .await
            .map_err(|_| {
                StoreError::invalid(
                    Sentence::new("err-lookback-department-unknown", format!("部门“{department_code}”不存在"))
                        .arg("department", department_code),
                )
            })?;
        }
        let sample = sample_size.map(|size| Sample { size, seed: seed.unwrap_or_else(rand::random) });
        let today = crate::today();
        let mut tx = self.begin_write().await?;
        let chosen = choose(&candidates(&mut tx, &user.region_code, rule).await?, sample);
        if chosen.is_empty() {
            let text = format!("按“{}”没有可检查的已办结事项或移出项目", rule.label_zh());
            let label = |code| {
                Sentence::new("err-lookback-nothing-to-check", text.clone())
                    .arg("rule", Arg::Label { prefix: "lookback-rule", code })
            };
            return Err(StoreError::invalid(match rule {
                Rule::DepartmentItems { department_code } => {
                    Sentence::new("err-lookback-nothing-in-department", text.clone()).arg("department", department_code)
                }
                Rule::AllRemovals => label("all_removals"),
                Rule::LateApprovals => label("late_approvals"),
                Rule::AllClosed => label("all_closed"),
            }));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO lookback_reviews (id, region_code, title, rule, sample_size, seed, opened_by, opened_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&user.region_code)
        .bind(title.trim())
        .bind(serde_json::to_string(rule).map_err(|e| StoreError::invalid(e.to_string()))?)
        .bind(sample.map(|s| i64::from(s.size)))
        .bind(sample.map(|s| s.seed.to_string()))
        .bind(&user.id)
        .bind(today.to_string())
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        for (n, c) in chosen.iter().enumerate() {
            sqlx::query(
                "INSERT INTO lookback_items (review_id, object_type, object_id, position, region_code, department_code, label, link)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(&c.object_type)
            .bind(&c.object_id)
            .bind(n as i64 + 1)
            .bind(&user.region_code)
            .bind(&c.department_code)
            .bind(&c.label)
            .bind(&c.link)
            .execute(&mut *tx)
            .await?;
        }
        append(
            &mut tx,
            &event(
                user,
                "lookback.open",
                &id,
                serde_json::json!({ "rule": rule, "sample": sample, "items": chosen.len() }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The reviews of the user's region, newest first.
    pub async fn lookback_reviews(&self, user: &User) -> Result<Vec<Review>, StoreError> {
        if !may_read(user.role) {
            return Err(StoreError::forbidden(Sentence::new("err-lookback-may-not-read", "无权查看回头看")));
        }
        let rows = sqlx::query(
            "SELECT id, region_code, title, rule, sample_size, seed, opened_on, closed_on FROM lookback_reviews
             WHERE region_code = $1 ORDER BY opened_on DESC, id DESC",
        )
        .bind(&user.region_code)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(review_from_row).collect()
    }

    /// A review with its items and their lights on `today`; not found outside the
    /// user's region.
    pub async fn lookback(&self, user: &User, id: &str, today: NaiveDate) -> Result<ReviewView, StoreError> {
        if !may_read(user.role) {
            return Err(StoreError::NotFound("回头看不存在".into()));
        }
        let row = sqlx::query(
            "SELECT id, region_code, title, rule, sample_size, seed, opened_on, closed_on FROM lookback_reviews
             WHERE id = $1 AND region_code = $2",
        )
        .bind(id)
        .bind(&user.region_code)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound("回头看不存在".into()))?;
        let review = review_from_row(&row)?;
        let rows = sqlx::query(
            "SELECT object_type, object_id, position, department_code, label, link, finding, note, correction,
                    correction_started_on, correction_due_on, correction_warn_on, corrected_on, corrected_note
             FROM lookback_items WHERE review_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let items: Vec<Item> = rows
            .iter()
            .map(|r| {
                let clock = match (date(r, 9), date(r, 10), date(r, 11)) {
                    (Some(started_on), Some(due_on), Some(warn_on)) => {
                        Some(CorrectionClock { started_on, due_on, warn_on })
                    }
                    _ => None,
                };
                let corrected_on = date(r, 12);
                Item {
                    object_type: r.get(0),
                    object_id: r.get(1),
                    position: r.get(2),
                    department_code: r.get(3),
                    label: r.get(4),
                    link: r.get(5),
                    finding: r.get::<Option<String>, _>(6).as_deref().and_then(Finding::parse),
                    note: r.get(7),
                    correction: r.get(8),
                    light: clock.as_ref().and_then(|c| correction_light(c, corrected_on, today)),
                    clock,
                    corrected_on,
                    corrected_note: r.get(13),
                }
            })
            .collect();
        let summary = summarize(&reviewed(&items), today);
        Ok(ReviewView { review, items, summary })
    }

    /// Record a finding on one item of an open review (the office's reviewers).
    pub async fn record_lookback_finding(
        &self,
        user: &User,
        review_id: &str,
        f: &NewFinding<'_>,
    ) -> Result<(), StoreError> {
        if !may_run(user.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-lookback-office-records-findings",
                "只有领导小组办公室的检查人员可以记录检查结论",
            )));
        }
        let today = crate::today();
        let calendar = self.work_calendar().await?;
        let clock =
            check_finding(&calendar, &LightPolicy::default(), f.finding, f.note, f.correction, f.deadline, today)
                .map_err(|e| StoreError::invalid(&e))?;
        let mut tx = self.begin_write().await?;
        open_review(&mut tx, &user.region_code, review_id).await?;
        let n = sqlx::query(
            "UPDATE lookback_items SET finding = $1, note = $2, correction = $3, correction_started_on = $4,
                 correction_due_on = $5, correction_warn_on = $6, reviewed_by = $7, reviewed_at = $8
             WHERE review_id = $9 AND object_type = $10 AND object_id = $11 AND corrected_on IS NULL",
        )
        .bind(f.finding.as_str())
        .bind(f.note.trim())
        .bind(if clock.is_some() { f.correction.trim() } else { "" })
        .bind(clock.map(|c| c.started_on.to_string()))
        .bind(clock.map(|c| c.due_on.to_string()))
        .bind(clock.map(|c| c.warn_on.to_string()))
        .bind(&user.id)
        .bind(now_text())
        .bind(review_id)
        .bind(f.object_type)
        .bind(f.object_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("该事项不在本次回头看中，或其整改已完成".into()));
        }
        append(
            &mut tx,
            &event(
                user,
                "lookback.finding",
                review_id,
                serde_json::json!({ "object_type": f.object_type, "object_id": f.object_id, "finding": f.finding,
                    "note": f.note.trim(), "correction": f.correction.trim(), "due_on": clock.map(|c| c.due_on) }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Close the correction of one item, dated today.
    pub async fn close_lookback_correction(
        &self,
        user: &User,
        review_id: &str,
        object_type: &str,
        object_id: &str,
        note: &str,
    ) -> Result<(), StoreError> {
        if !may_run(user.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-lookback-office-confirms-corrections",
                "只有领导小组办公室可以确认整改完成",
            )));
        }
        if note.trim().is_empty() {
            return Err(StoreError::invalid(Sentence::new(
                "err-lookback-corrected-note-blank",
                "确认整改完成须写明整改情况",
            )));
        }
        let mut tx = self.begin_write().await?;
        open_review(&mut tx, &user.region_code, review_id).await?;
        let n = sqlx::query(
            "UPDATE lookback_items SET corrected_on = $1, corrected_note = $2
             WHERE review_id = $3 AND object_type = $4 AND object_id = $5 AND correction_due_on IS NOT NULL AND corrected_on IS NULL",
        )
        .bind(crate::today().to_string())
        .bind(note.trim())
        .bind(review_id)
        .bind(object_type)
        .bind(object_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::invalid(Sentence::new(
                "err-lookback-no-open-correction",
                "该事项没有待完成的整改",
            )));
        }
        append(
            &mut tx,
            &event(
                user,
                "lookback.corrected",
                review_id,
                serde_json::json!({ "object_type": object_type, "object_id": object_id, "note": note.trim() }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// End a review; its summary stays as the record says.
    pub async fn close_lookback(&self, user: &User, review_id: &str) -> Result<(), StoreError> {
        if !may_run(user.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-lookback-office-closes",
                "只有领导小组办公室可以结束回头看",
            )));
        }
        let mut tx = self.begin_write().await?;
        open_review(&mut tx, &user.region_code, review_id).await?;
        sqlx::query("UPDATE lookback_reviews SET closed_on = $1 WHERE id = $2")
            .bind(crate::today().to_string())
            .bind(review_id)
            .execute(&mut *tx)
            .await?;
        append(&mut tx, &event(user, "lookback.close", review_id, serde_json::json!({}))).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The review's summary for export, as of `today`.
    pub async fn lookback_report(&self, user: &User, id: &str, today: NaiveDate) -> Result<Report, StoreError> {
        let v = self.lookback(user, id, today).await?;
        let region_name: String = sqlx::query("SELECT name FROM regions WHERE code = $1")
            .bind(&v.review.region_code)
            .fetch_optional(&self.pool)
            .await?
            .map_or_else(|| v.review.region_code.clone(), |r| r.get(0));
        Ok(Report {
            title: v.review.title.clone(),
            issuing_body: format!("{region_name}待批项目清理工作领导小组办公室"),
            rule: v.review.rule.label_zh(),
            sample: v.review.sample,
            opened_on: v.review.opened_on,
            closed_on: v.review.closed_on,
            made_on: today,
            summary: v.summary,
            items: reviewed(&v.items),
        })
    }
}

fn reviewed(items: &[Item]) -> Vec<ReviewedItem> {
    items
        .iter()
        .map(|i| ReviewedItem {
            label: i.label.clone(),
            department_code: i.department_code.clone(),
            finding: i.finding,
            note: i.note.clone(),
            correction: i.correction.clone(),
            clock: i.clock,
            corrected_on: i.corrected_on,
        })
        .collect()
}

/// The review, in the region and still open; else not found / refused.
async fn open_review(conn: &mut AnyConnection, region: &str, id: &str) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT closed_on FROM lookback_reviews WHERE id = $1 AND region_code = $2")
        .bind(id)
        .bind(region)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound("回头看不存在".into()))?;
    if row.get::<Option<String>, _>(0).is_some() {
        return Err(StoreError::conflict(Sentence::new("err-lookback-closed", "该回头看已结束，不能再修改")));
    }
    Ok(())
}

fn event(user: &User, action: &str, id: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        region_code: user.region_code.clone(),
        actor_id: Some(user.id.clone()),
        actor_role: Some(user.role.as_str().into()),
        action: action.into(),
        object_type: "lookback_review".into(),
        object_id: Some(id.into()),
        payload,
        ..Default::default()
    }
}

fn review_from_row(r: &sqlx::any::AnyRow) -> Result<Review, StoreError> {
    // `w` names the value in Chinese, `what` in the record's columns.
    let bad = |w: &str, what: &str| {
        StoreError::invalid(
            Sentence::new("err-lookback-record-unreadable", format!("回头看记录的{w}无法读取")).arg("what", what),
        )
    };
    let rule: Rule = serde_json::from_str(&r.get::<String, _>(3)).map_err(|_| bad("选取规则", "rule"))?;
    let sample = match (r.get::<Option<i64>, _>(4), r.get::<Option<String>, _>(5)) {
        (Some(size), Some(seed)) => Some(Sample {
            size: u32::try_from(size).map_err(|_| bad("抽样数", "sample_size"))?,
            seed: seed.parse().map_err(|_| bad("随机种子", "seed"))?,
        }),
        _ => None,
    };
    Ok(Review {
        id: r.get(0),
        region_code: r.get(1),
        title: r.get(2),
        rule,
        sample,
        opened_on: date(r, 6).ok_or_else(|| bad("开始日期", "opened_on"))?,
        closed_on: date(r, 7),
    })
}
