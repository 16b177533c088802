//! The demo's applications: the demo unit's pending items taken through the workflow
//! at dates relative to today, so the inbox shows green, yellow and red lamps, a
//! one-time notice, a paused review and an approval.

use crate::workflow::{ActRequest, WorkflowError};
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use qidi_core::ledger::Capacity;
use qidi_core::role::ScopeLimit;
use qidi_core::workflow::{Action, NoticeProblem, OneTimeNotice, PauseReason};
use qidi_core::{RegionCode, Role};
use std::path::Path;

fn at(day: NaiveDate) -> DateTime<FixedOffset> {
    crate::beijing()
        .from_local_datetime(&day.and_hms_opt(10, 0, 0).expect("10:00 exists"))
        .single()
        .expect("fixed offset")
}

fn step(action: Action) -> ActRequest {
    ActRequest { action, client_token: None, expected_version: None, reason: None }
}

impl Store {
    /// Sign the development and reform commission's ledger (its head, then the deputy
    /// banner head) and the banner ledger (the office), so the demo has a baseline that
    /// the approvals below reduce.
    async fn sign_demo_ledgers(&self, region: &RegionCode) -> Result<(), StoreError> {
        let fgw = self.department_id(region, "fgw").await?;
        let signers = [
            ("fgw_head", Some(fgw.as_str()), Capacity::DepartmentHead),
            ("leader", Some(fgw.as_str()), Capacity::Leader),
            ("office", None, Capacity::Office),
        ];
        // The demo runs today, so its campaign is extended past today for the burn-down.
        if let Some(office) = self.user_by_username("office").await? {
            self.set_campaign_end(region, crate::today() + Duration::days(90), &office).await?;
        }
        for (name, department, capacity) in signers {
            let Some(user) = self.user_by_username(name).await? else { continue };
            let state = self.ledger_state(region, department).await?;
            // The demo signs its ledgers as they are: the missing check results are acknowledged.
            self.sign_ledger(region, department, capacity, &state.current_hash, true, &user).await?;
        }
        Ok(())
    }

    /// Take the demo unit's pending items through the workflow. Returns how many
    /// applications were made; none when the demo unit has applications already.
    pub async fn load_demo_applications(&self, region: &RegionCode, data_dir: &Path) -> Result<usize, StoreError> {
        let fail = |e: WorkflowError| StoreError::invalid(format!("demo workflow: {e}"));
        let Some(unit) = self.user_by_username("applicant").await? else { return Ok(0) };
        let users = self.list_users().await?;
        let handler_of = |dept: &str| {
            users.iter().find(|u| {
                u.region_code == region.as_str()
                    && matches!(u.role, Role::Handler | Role::DepartmentHead)
                    && u.department_id.as_deref() == Some(dept)
            })
        };
        let items = self.list_pending_items(&unit.scope(), 200).await?;
        if !matches!(unit.scope().limit, ScopeLimit::Owner(_)) || items.is_empty() {
            return Ok(0);
        }
        let existing: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) FROM applications WHERE created_by = $1")
                .bind(&unit.id)
                .fetch_one(&self.pool)
                .await?,
            0,
        );
        if existing > 0 {
            return Ok(0);
        }
        self.sign_demo_ledgers(region).await?;
        let today = crate::today();
        let ago = |days: i64| today - Duration::days(days);
        let mut made = 0;
        for (i, item) in items.iter().enumerate() {
            let Some(handler) = handler_of(&item.handling_department_id) else { continue };
            let app = self.create_application(&unit, &item.id, None).await.map_err(fail)?.application;
            made += 1;
            let scenario = i % 6;
            if scenario == 0 {
                continue; // a draft the unit is still preparing
            }
            let detail = self.application_detail(&unit, &app.id).await.map_err(fail)?;
            for code in &detail.facts.required_materials {
                self.upload_material(
                    data_dir,
                    &unit,
                    &app.id,
                    code,
                    &format!("{code}.pdf"),
                    Some("application/pdf"),
                    b"%PDF-1.4 demo",
                )
                .await
                .map_err(fail)?;
            }
            let submitted_ago = match scenario {
                1 => 1,  // just submitted: green
                2 => 10, // never reviewed: red
                3 => 6,
                4 => 30,
                _ => 25,
            };
            let submit = Action::Submit { materials: Vec::new() };
            match self.act_at(&unit, &app.id, step(submit), at(ago(submitted_ago))).await {
                // Its prerequisite (land pre-review) is still pending: it stays a draft.
                Err(WorkflowError::Refused(e)) if e.code() == "unmet_prerequisites" => continue,
                other => {
                    other.map_err(fail)?;
                }
            }
            match scenario {
                1 | 2 => {}
                // Returned with a one-time notice; waiting for the unit.
                3 => {
                    let material = detail.facts.required_materials.first().cloned().unwrap_or_default();
                    let notice = OneTimeNotice {
                        problems: vec![NoticeProblem::new(&material, "材料缺少盖章页", "补充加盖单位公章的完整材料")],
                        suggestions: vec!["可预约帮办代办人员现场指导".into()],
                        number: None,
                    };
                    self.act_at(handler, &app.id, step(Action::Return { notice }), at(ago(4))).await.map_err(fail)?;
                }
                // Accepted and under review, with an expert review paused and resumed.
                4 => {
                    self.act_at(handler, &app.id, step(Action::Accept), at(ago(28))).await.map_err(fail)?;
                    let pause = Action::Pause { reason: PauseReason::ExpertReview, note: "组织专家评审".into() };
                    self.act_at(handler, &app.id, step(pause), at(ago(20))).await.map_err(fail)?;
                    self.act_at(handler, &app.id, step(Action::Resume), at(ago(12))).await.map_err(fail)?;
                }
                // Approved: the pending item is granted.
                _ => {
                    self.act_at(handler, &app.id, step(Action::Accept), at(ago(23))).await.map_err(fail)?;
                    let approve = Action::Approve {
                        document_number: format!("正审批字〔{}〕{}号", ago(5).format("%Y"), 100 + i),
                        decided_on: ago(5),
                    };
                    self.act_at(handler, &app.id, step(approve), at(ago(5))).await.map_err(fail)?;
                }
            }
        }
        Ok(made)
    }
}
