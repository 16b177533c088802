//! Department assessment (考核): the facts of a closed period read from the record,
//! scored by core `assessment` under the office's profile. Nothing of the result is
//! stored: asking again recomputes it from the same facts. Stored are the profiles
//! (every edit a new version) and the initiating departments' scored entries (R16).
//!
//! The clock facts are read by the bulletin's own readers (`bulletins::clock_facts`,
//! `listed`, `notice_breaches`) over the period's span.

use crate::bulletins::{clock_facts, listed, notice_breaches};
use crate::events::{append, NewEvent};
use crate::users::User;
use crate::{new_id, now_text, Store, StoreError};
use chrono::NaiveDate;
use qidi_core::assessment::{
    assess, check_entry, Assessment, AssessmentError, CountedFact, DepartmentRef, EndedClock, EntryError, EntryFact,
    Facts, Link, Period, Profile, Rating,
};
use qidi_core::bulletin::{items_between, ListedFact};
use qidi_core::sentence::Sentence;
use qidi_core::RegionCode;
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// A profile as stored: version 0 is core's default, never saved.
#[derive(Debug, Clone, Serialize)]
pub struct StoredProfile {
    pub version: i64,
    pub profile: Profile,
    pub created_at: Option<String>,
}

/// An assessment and the profile version it was computed with.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentResult {
    pub profile_version: i64,
    pub assessment: Assessment,
}

/// An initiating department's scored entry, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct EntryRow {
    pub id: String,
    pub assessed_department: String,
    pub assessor_department: String,
    pub assessed_on: String,
    pub score: i64,
    pub comment: String,
    pub project_code: Option<String>,
}

/// A new entry: the department assessed (id or code), 0–100 points in hundredths,
/// a comment, and optionally the project it concerns (by code).
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub department: &'a str,
    pub score: i64,
    pub comment: &'a str,
    pub project_code: Option<&'a str>,
}

fn listed_fact(code: String, f: ListedFact) -> CountedFact {
    CountedFact {
        department_code: code,
        link: Link { label: format!("{} {} {}（{}）", f.project_code, f.item_type, f.detail, f.on), href: f.link },
    }
}

/// `[first, last + 1 day)` as text bounds for RFC 3339 timestamps (`+08:00`).
fn time_bounds(period: &Period) -> (String, String) {
    let after = period.last_day().succ_opt().unwrap_or(period.last_day());
    (period.first_day().to_string(), after.to_string())
}

/// Late or missing progress reports (信息报送) per department: reports due in the
/// period and filed late, or not filed by its last day.
async fn late_progress_reports(
    conn: &mut AnyConnection,
    calendar: &qidi_core::calendar::WorkCalendar,
    region: &str,
    period: &Period,
) -> Result<Vec<CountedFact>, StoreError> {
    let Ok(region) = RegionCode::parse(region) else { return Ok(Vec::new()) };
    let lapses =
        crate::progress_reports::span_lapses(conn, calendar, &region, period.first_day(), period.last_day()).await?;
    Ok(lapses
        .into_iter()
        .map(|l| CountedFact {
            department_code: l.department_code,
            link: Link {
                label: format!("{}（{}）{}", l.period_label, l.state.label_zh(), l.department), href: l.link
            },
        })
        .collect())
}

/// 12345 work orders as counted facts: `sql` selects (department code, order id, order
/// number, date) for a region (`$1`) between two dates (`$2`, `$3`, inclusive).
async fn order_facts(
    conn: &mut AnyConnection,
    sql: &str,
    (region, first, last): (&str, NaiveDate, NaiveDate),
    finding: &str,
) -> Result<Vec<CountedFact>, StoreError> {
    let rows =
        sqlx::query(sql).bind(region).bind(first.to_string()).bind(last.to_string()).fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|row| CountedFact {
            department_code: row.get(0),
            link: Link {
                label: format!("工单 {}{finding}（{}）", row.get::<String, _>(2), row.get::<String, _>(3)),
                href: format!("/hotline/{}", row.get::<String, _>(1)),
            },
        })
        .collect())
}

impl Store {
    /// A period by its key: `2026-05`, `2026-Q2`, or `campaign` (the region's current
    /// campaign's span).
    pub async fn assessment_period(&self, region: &RegionCode, key: &str) -> Result<Period, StoreError> {
        if key.trim() == "campaign" {
            let c = self.campaign(region).await?.campaign;
            return Ok(Period::Campaign { code: c.code, name: c.name, first: c.starts_on, last: c.ends_on });
        }
        Period::parse(key).map_err(|e| StoreError::invalid(&e))
    }

    /// Every fact of `period` the assessment reads, for the region's departments.
    pub async fn assessment_facts(&self, region: &RegionCode, period: &Period) -> Result<Facts, StoreError> {
        let calendar = self.work_calendar().await?;
        let departments = self.departments(region).await?;
        let r = region.as_str();
        let (first, last) = (period.first_day(), period.last_day());
        let (from, until) = time_bounds(period);
        let mut conn = self.pool.acquire().await?;
        let conn: &mut AnyConnection = &mut conn;
        let mut facts = Facts {
            departments: departments
                .iter()
                .map(|d| DepartmentRef { code: d.code.clone(), name: d.name.clone() })
                .collect(),
            ..Default::default()
        };

        // Clocks that ended in the period, with their outcome and days used.
        let rows = sqlx::query(
            "SELECT d.code, r.kind, r.outcome, t.name, r.days_used, a.id, p.code, r.ended_on, r.ended_by
             FROM clock_records r JOIN applications a ON a.id = r.application_id
                  JOIN pending_items i ON i.id = r.pending_item_id JOIN item_types t ON t.id = i.item_type_id
                  JOIN projects p ON p.id = a.project_id JOIN departments d ON d.id = r.handling_department_id
             WHERE r.region_code = $1 AND r.ended_on >= $2 AND r.ended_on <= $3",
        )
        .bind(r)
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let (kind, outcome, item_type): (String, String, String) = (row.get(1), row.get(2), row.get(3));
            facts.ended_clocks.push(EndedClock {
                department_code: row.get(0),
                link: Link {
                    label: format!(
                        "{} {} {kind} {outcome}（{}）",
                        row.get::<String, _>(6),
                        item_type,
                        row.get::<String, _>(7)
                    ),
                    href: format!("/applications/{}", row.get::<String, _>(5)),
                },
                kind,
                ended_by: row.get(8),
                outcome,
                item_type,
                days_used: row.get(4),
            });
        }

        // The bulletin's readers, over the period's span.
        for (code, f) in notice_breaches(conn, r, (first, last)).await? {
            facts.breaches.push(listed_fact(code, f));
        }
        for (code, f) in listed(conn, "r.outcome = 'deemed'", r, (first, last), &calendar).await? {
            facts.deemed.push(listed_fact(code, f));
        }
        let clocks = clock_facts(conn, r, first, last).await?;
        let overdue = items_between(&calendar, first, last, &clocks);
        for f in &clocks {
            if let Some(i) = overdue.iter().find(|i| i.link == f.link && i.clock == f.clock && i.due_on == f.due_on) {
                facts.overdue.push(CountedFact {
                    department_code: f.department_code.clone(),
                    link: Link {
                        label: format!(
                            "{} {} 时限 {}，超期 {} 个工作日{}",
                            i.project_code,
                            i.item_type,
                            i.due_on,
                            i.overdue_working_days,
                            i.closed_on.map_or_else(|| "，期末未办结".to_string(), |d| format!("，{d} 办结"))
                        ),
                        href: i.link.clone(),
                    },
                });
            }
        }

        // Complaints against a department received in the period, and those found true.
        facts.complaints = order_facts(
            conn,
            "SELECT d.code, o.id, o.order_number, o.received_on FROM hotline_orders o
                 JOIN departments d ON d.id = o.complained_department_id
             WHERE o.region_code = $1 AND o.received_on >= $2 AND o.received_on <= $3",
            (r, first, last),
            "",
        )
        .await?;
        facts.substantiated = order_facts(
            conn,
            "SELECT d.code, o.id, o.order_number, s.recorded_on FROM hotline_substantiations s
                 JOIN hotline_orders o ON o.id = s.order_id JOIN departments d ON d.id = s.handling_department_id
             WHERE s.region_code = $1 AND s.recorded_on >= $2 AND s.recorded_on <= $3",
            (r, first, last),
            " 属实",
        )
        .await?;
        // Follow-up ratings of complaints against a department, from the event record.
        let rows = sqlx::query(
            "SELECT d.code, o.id, o.order_number, e.payload, e.at FROM events e
                 JOIN hotline_orders o ON o.id = e.object_id JOIN departments d ON d.id = o.complained_department_id
             WHERE e.region_code = $1 AND e.action = 'hotline.follow_up' AND e.at >= $2 AND e.at < $3
                   AND e.object_type = 'hotline_order'",
        )
        .bind(r)
        .bind(&from)
        .bind(&until)
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let payload: serde_json::Value = serde_json::from_str(&row.get::<String, _>(3)).unwrap_or_default();
            let satisfied = payload["satisfied"].as_bool() == Some(true);
            let at: String = row.get(4);
            facts.ratings.push(Rating {
                department_code: row.get(0),
                satisfied,
                link: Link {
                    label: format!(
                        "工单 {} 回访{}（{}）",
                        row.get::<String, _>(2),
                        if satisfied { "满意" } else { "不满意" },
                        at.get(..10).unwrap_or(&at)
                    ),
                    href: format!("/hotline/{}", row.get::<String, _>(1)),
                },
            });
        }

        facts.late_reports = late_progress_reports(conn, &calendar, r, period).await?;

        // Handling online: applications whose clock started in the period (submitted or
        // accepted on qidi), ended or still running.
        let rows = sqlx::query(
            "SELECT DISTINCT d.code, a.id, p.code FROM clock_records r JOIN applications a ON a.id = r.application_id
                 JOIN projects p ON p.id = a.project_id JOIN departments d ON d.id = r.handling_department_id
             WHERE r.region_code = $1 AND r.ended_on >= $2 AND r.started_on >= $2 AND r.started_on <= $3
             UNION
             SELECT d.code, a.id, p.code FROM deadline_clocks c JOIN applications a ON a.id = c.object_id
                 JOIN pending_items i ON i.id = a.pending_item_id JOIN projects p ON p.id = a.project_id
                 JOIN departments d ON d.id = i.handling_department_id
             WHERE c.object_type = 'application' AND c.region_code = $1 AND c.started_on >= $2 AND c.started_on <= $3",
        )
        .bind(r)
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_all(&mut *conn)
        .await?;
        let mut online: Vec<(String, String, String)> = rows.iter().map(|x| (x.get(0), x.get(1), x.get(2))).collect();
        online.sort();
        online.dedup();
        for (code, id, project) in online {
            facts.online.push(CountedFact {
                department_code: code,
                link: Link { label: format!("{project} 网上申请"), href: format!("/applications/{id}") },
            });
        }

        // The initiating departments' scored entries of the period.
        let rows = sqlx::query(
            "SELECT d.code, b.name, e.score, e.comment, e.id, e.assessed_on FROM assessment_entries e
                 JOIN departments d ON d.id = e.assessed_department_id JOIN departments b ON b.id = e.assessor_department_id
             WHERE e.region_code = $1 AND e.assessed_on >= $2 AND e.assessed_on <= $3",
        )
        .bind(r)
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let by: String = row.get(1);
            facts.entries.push(EntryFact {
                department_code: row.get(0),
                link: Link {
                    label: format!(
                        "{by} 评 {} 分（{}）",
                        qidi_core::assessment::centi_text(row.get(2)),
                        row.get::<String, _>(5)
                    ),
                    href: format!("/assessment/entries#{}", row.get::<String, _>(4)),
                },
                by_department: by,
                score: row.get(2),
                comment: row.get(3),
            });
        }
        Ok(facts)
    }

    /// The assessment of a closed `period` under the profile in force (or the stored
    /// `version`), recomputed from the record.
    pub async fn assessment(
        &self,
        region: &RegionCode,
        period: &Period,
        version: Option<i64>,
        today: NaiveDate,
    ) -> Result<AssessmentResult, StoreError> {
        period.check_closed(today).map_err(|e| StoreError::invalid(&e))?;
        let profile = match version {
            Some(v) => self.assessment_profile_version(region, v).await?,
            None => self.assessment_profile(region).await?,
        };
        let facts = self.assessment_facts(region, period).await?;
        Ok(AssessmentResult { profile_version: profile.version, assessment: assess(period, &profile.profile, &facts) })
    }

    /// The profile in force: the latest saved, or core's default (version 0).
    pub async fn assessment_profile(&self, region: &RegionCode) -> Result<StoredProfile, StoreError> {
        let row = sqlx::query(
            "SELECT version, content, created_at FROM assessment_profiles WHERE region_code = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(region.as_str())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => profile_from_row(&r),
            None => Ok(StoredProfile { version: 0, profile: Profile::default(), created_at: None }),
        }
    }

    pub async fn assessment_profile_version(
        &self,
        region: &RegionCode,
        version: i64,
    ) -> Result<StoredProfile, StoreError> {
        if version == 0 {
            return Ok(StoredProfile { version: 0, profile: Profile::default(), created_at: None });
        }
        let row = sqlx::query(
            "SELECT version, content, created_at FROM assessment_profiles WHERE region_code = $1 AND version = $2",
        )
        .bind(region.as_str())
        .bind(version)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("考核方案第 {version} 版不存在")))?;
        profile_from_row(&row)
    }

    /// Save an edited profile as the next version (the office only). Returns its version.
    pub async fn save_assessment_profile(&self, user: &User, profile: &Profile) -> Result<i64, StoreError> {
        if !qidi_core::assessment::may_edit_profile(user.role) {
            return Err(StoreError::forbidden(Sentence::new(
                "err-assessment-office-edits-profile",
                "只有领导小组办公室可以修改考核方案",
            )));
        }
        profile.check().map_err(|e| StoreError::invalid(&e))?;
        let content = serde_json::to_string(profile).map_err(|e| StoreError::invalid(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let version: i64 =
            sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 FROM assessment_profiles WHERE region_code = $1")
                .bind(&user.region_code)
                .fetch_one(&mut *tx)
                .await?
                .get(0);
        let id = new_id();
        sqlx::query(
            "INSERT INTO assessment_profiles (id, region_code, version, content, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&user.region_code)
        .bind(version)
        .bind(&content)
        .bind(&user.id)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &NewEvent::by(
                user,
                user.region_code.clone(),
                "assessment.profile",
                "assessment_profile",
                Some(id),
                serde_json::json!({ "version": version, "profile": profile }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// An initiating department's scored assessment of a handling department, dated
    /// today (R16). Returns the entry's id.
    pub async fn record_assessment_entry(&self, user: &User, entry: &NewEntry<'_>) -> Result<String, StoreError> {
        let region = user.region_code.clone();
        let own = match &user.department_id {
            Some(d) => sqlx::query("SELECT initiates FROM departments WHERE id = $1")
                .bind(d)
                .fetch_optional(&self.pool)
                .await?
                .is_some_and(|r| crate::get_bool(&r, 0)),
            None => false,
        };
        let assessed: String =
            sqlx::query("SELECT id FROM departments WHERE region_code = $1 AND (id = $2 OR code = $2)")
                .bind(&region)
                .bind(entry.department.trim())
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.get(0))
                .ok_or_else(|| {
                    StoreError::invalid(
                        Sentence::new(
                            "err-assessment-entry-department-unknown",
                            format!("被评价部门“{}”不存在", entry.department.trim()),
                        )
                        .arg("department", entry.department.trim()),
                    )
                })?;
        check_entry(user.role, own, user.department_id.as_deref(), &assessed, entry.score, entry.comment).map_err(
            |e| match e {
                AssessmentError::BadEntry(refusal @ EntryError::NotInitiating) => StoreError::forbidden(&refusal),
                other => StoreError::invalid(&other),
            },
        )?;
        let project_id: Option<String> = match entry.project_code.map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => Some(
                sqlx::query("SELECT id FROM projects WHERE region_code = $1 AND code = $2")
                    .bind(&region)
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| r.get(0))
                    .ok_or_else(|| {
                        StoreError::invalid(
                            Sentence::new("err-assessment-entry-project-unknown", format!("项目代码“{code}”不存在"))
                                .arg("code", code),
                        )
                    })?,
            ),
            None => None,
        };
        let assessor = user.department_id.clone().unwrap_or_default();
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO assessment_entries (id, region_code, assessed_department_id, assessor_department_id, assessed_on,
                 score, comment, project_id, recorded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(&region)
        .bind(&assessed)
        .bind(&assessor)
        .bind(crate::today().to_string())
        .bind(entry.score)
        .bind(entry.comment.trim())
        .bind(&project_id)
        .bind(&user.id)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &NewEvent::by(user, region, "assessment.entry", "assessment_entry", Some(id.clone()), serde_json::json!({ "assessed_department_id": assessed, "score": entry.score, "comment": entry.comment.trim() })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Entries of the period: all of them for the office, the leader and inspectors;
    /// a department sees those it made and those about it.
    pub async fn assessment_entries(&self, user: &User, period: &Period) -> Result<Vec<EntryRow>, StoreError> {
        let all = qidi_core::assessment::may_see_all(user.role);
        let rows = sqlx::query(
            "SELECT e.id, d.name, b.name, e.assessed_on, e.score, e.comment, p.code FROM assessment_entries e
                 JOIN departments d ON d.id = e.assessed_department_id JOIN departments b ON b.id = e.assessor_department_id
                 LEFT JOIN projects p ON p.id = e.project_id
             WHERE e.region_code = $1 AND e.assessed_on >= $2 AND e.assessed_on <= $3
                   AND ($4 OR e.assessed_department_id = $5 OR e.assessor_department_id = $5)
             ORDER BY e.assessed_on, e.id",
        )
        .bind(&user.region_code)
        .bind(period.first_day().to_string())
        .bind(period.last_day().to_string())
        .bind(all)
        .bind(user.department_id.clone().unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| EntryRow {
                id: r.get(0),
                assessed_department: r.get(1),
                assessor_department: r.get(2),
                assessed_on: r.get(3),
                score: r.get(4),
                comment: r.get(5),
                project_code: r.get(6),
            })
            .collect())
    }
}

fn profile_from_row(r: &sqlx::any::AnyRow) -> Result<StoredProfile, StoreError> {
    let content: String = r.get(1);
    let profile: Profile = serde_json::from_str(&content).map_err(|e| {
        let version = r.get::<i64, _>(0);
        StoreError::invalid(
            Sentence::new("err-assessment-profile-unreadable", format!("考核方案第 {version} 版无法读取：{e}"))
                .arg("version", version)
                .arg("reason", e.to_string()),
        )
    })?;
    Ok(StoredProfile { version: r.get(0), profile, created_at: r.get(2) })
}
