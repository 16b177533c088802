//! The ledger rules (台账): check lists and their answers, ledger versions and the hash a
//! sign-off binds, who signs what in which order, the baseline and what may reduce it,
//! removal reasons, progress against the baseline and its burn-down, campaigns.
//!
//! Pure: the store remembers versions, signatures and baseline rows; everything that
//! decides is here.

use crate::role::Role;
use crate::sentence::{Arg, Explain};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

pub use crate::campaign::{Campaign, CampaignError, DateOutsideCampaign, DateWindow, Milestone};

pub mod baseline_filter;
pub use baseline_filter::{
    BaselineFilter, BaselineFilterError, BaselineFilterField, BaselineQuery, BaselineSort, BaselineSource,
    BaselineStatus,
};
pub mod stream;
pub use stream::{LedgerPage, LedgerStream, OutOfOrder, RowSpill, StreamEnd, StreamPass, CHANGE_ROWS_HELD};

// ---------------------------------------------------------------------------
// Check lists and check reports
// ---------------------------------------------------------------------------

/// A handling department's answer for one pending item (核查情况).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckAnswer {
    pub check_result: String,
    pub responsible_person: String,
    pub acceptance_status: String,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckAnswerError {
    #[error("请填写：{}", .0.join("、"))]
    Missing(Vec<&'static str>),
    #[error("{0}过长（最多 {1} 个字符）")]
    TooLong(&'static str, usize),
}

impl Explain for CheckAnswerError {
    fn key(&self) -> &'static str {
        match self {
            CheckAnswerError::Missing(_) => "err-ledger-answer-missing",
            CheckAnswerError::TooLong(..) => "err-ledger-answer-too-long",
        }
    }
    /// `Missing`: `n` fields, `field1`… each a ledger field's label; `TooLong`: `field`, `max`.
    fn args(&self) -> Vec<(&'static str, Arg)> {
        const FIELD_ARGS: [&str; 4] = ["field1", "field2", "field3", "field4"];
        match self {
            CheckAnswerError::Missing(labels) => {
                let mut args = vec![("n", labels.len().into())];
                args.extend(FIELD_ARGS.iter().zip(labels).map(|(name, label)| (*name, field_arg(label))));
                args
            }
            CheckAnswerError::TooLong(label, max) => vec![("field", field_arg(label)), ("max", (*max).into())],
        }
    }
}

/// A ledger field named by its Chinese label, as the catalogues' `ledger-field-` label.
fn field_arg(label: &str) -> Arg {
    match LINE_FIELDS.iter().find(|(_, zh)| *zh == label) {
        Some((code, _)) => Arg::Label { prefix: "ledger-field", code },
        None => Arg::Text(label.to_string()),
    }
}

const ANSWER_MAX: usize = 500;

impl CheckAnswer {
    /// Trimmed, with every part present: result, responsible person, acceptance status
    /// and completion deadline.
    pub fn validated(self) -> Result<CheckAnswer, CheckAnswerError> {
        let a = CheckAnswer {
            check_result: self.check_result.trim().to_string(),
            responsible_person: self.responsible_person.trim().to_string(),
            acceptance_status: self.acceptance_status.trim().to_string(),
            due_on: self.due_on,
        };
        let mut missing = Vec::new();
        if a.check_result.is_empty() {
            missing.push("核查情况");
        }
        if a.responsible_person.is_empty() {
            missing.push("责任人");
        }
        if a.acceptance_status.is_empty() {
            missing.push("受理情况");
        }
        if a.due_on.is_none() {
            missing.push("完成时限");
        }
        if !missing.is_empty() {
            return Err(CheckAnswerError::Missing(missing));
        }
        for (label, v) in
            [("核查情况", &a.check_result), ("责任人", &a.responsible_person), ("受理情况", &a.acceptance_status)]
        {
            if v.chars().count() > ANSWER_MAX {
                return Err(CheckAnswerError::TooLong(label, ANSWER_MAX));
            }
        }
        Ok(a)
    }
}

/// Where one check-list row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerState {
    Answered,
    /// Not answered, due date not passed.
    Missing,
    /// Not answered and past its due date.
    Overdue,
}

impl AnswerState {
    pub fn of(answered: bool, due_on: NaiveDate, today: NaiveDate) -> AnswerState {
        if answered {
            AnswerState::Answered
        } else if today > due_on {
            AnswerState::Overdue
        } else {
            AnswerState::Missing
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AnswerState::Answered => "已反馈",
            AnswerState::Missing => "未反馈",
            AnswerState::Overdue => "逾期未反馈",
        }
    }
}

// ---------------------------------------------------------------------------
// Ledger versions: the canonical content and its hash
// ---------------------------------------------------------------------------

/// The version tag at the head of every canonical serialisation. A new layout gets a new tag.
pub const CANONICAL_TAG: &str = "qidi-ledger-v1";

/// One pending item as a department ledger lists it and a signature binds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    pub project_code: String,
    pub project_name: String,
    pub owner: Option<String>,
    /// Department code.
    pub initiating_department: Option<String>,
    /// Item type code.
    pub item_type: String,
    /// Department code.
    pub handling_department: String,
    pub check_result: Option<String>,
    pub responsible_person: Option<String>,
    pub acceptance_status: Option<String>,
    pub due_on: Option<NaiveDate>,
}

/// Which line of a department ledger: (project code, item type code). A project has
/// one pending item of each item type.
pub type LineKey = (String, String);

/// The fields of a ledger line in canonical order: (identifier, Chinese label).
pub const LINE_FIELDS: [(&str, &str); 10] = [
    ("project_code", "项目代码"),
    ("project_name", "项目名称"),
    ("owner", "项目单位"),
    ("initiating_department", "立项部门"),
    ("item_type", "待批事项"),
    ("handling_department", "办理部门"),
    ("check_result", "核查情况"),
    ("responsible_person", "责任人"),
    ("acceptance_status", "受理情况"),
    ("due_on", "完成时限"),
];

impl LedgerLine {
    pub fn key(&self) -> LineKey {
        (self.project_code.clone(), self.item_type.clone())
    }

    /// [`LedgerLine::key`], borrowed.
    pub fn key_ref(&self) -> (&str, &str) {
        (&self.project_code, &self.item_type)
    }

    /// The values in [`LINE_FIELDS`] order, as the canonical text writes them.
    pub fn fields(&self) -> [Option<String>; 10] {
        let due = self.due_text();
        self.values(due.as_deref()).map(|v| v.map(str::to_string))
    }

    /// [`LedgerLine::fields`], borrowed; `due` is the due date as [`LedgerLine::due_text`] writes it.
    fn values<'a>(&'a self, due: Option<&'a str>) -> [Option<&'a str>; 10] {
        [
            Some(&self.project_code),
            Some(&self.project_name),
            self.owner.as_deref(),
            self.initiating_department.as_deref(),
            Some(&self.item_type),
            Some(&self.handling_department),
            self.check_result.as_deref(),
            self.responsible_person.as_deref(),
            self.acceptance_status.as_deref(),
            due,
        ]
    }

    fn due_text(&self) -> Option<String> {
        self.due_on.map(date_text)
    }

    /// The values as [`LedgerLine::fields`] gives them, written without copying them:
    /// a ledger of 200,000 lines is written at each view of it.
    fn canonical(&self) -> CanonicalFields<'_> {
        CanonicalFields(self)
    }

    fn from_fields(f: Vec<Option<String>>) -> Option<LedgerLine> {
        let [code, name, owner, initiating, item_type, handling, result, person, acceptance, due]: [Option<String>;
            10] = f.try_into().ok()?;
        let due_on = match due {
            Some(d) => Some(NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()?),
            None => None,
        };
        Some(LedgerLine {
            project_code: code?,
            project_name: name?,
            owner,
            initiating_department: initiating,
            item_type: item_type?,
            handling_department: handling?,
            check_result: result,
            responsible_person: person,
            acceptance_status: acceptance,
            due_on,
        })
    }
}

/// A date as `%Y-%m-%d`, written directly: chrono parses its format string at each call,
/// and a view of a ledger of 200,000 lines writes each date three times.
fn date_text(d: NaiveDate) -> String {
    use chrono::Datelike;
    match d.year() {
        0..=9999 => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// A line serialised as the array of its [`LedgerLine::fields`], borrowing them.
struct CanonicalFields<'a>(&'a LedgerLine);

impl Serialize for CanonicalFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let due = self.0.due_text();
        self.0.values(due.as_deref()).serialize(s)
    }
}

/// Rows of a canonical text, each a JSON value ending in `\n`, after its head line.
fn canonical_text<T: Serialize>(head: String, rows: impl IntoIterator<Item = T>) -> String {
    let mut text = head.into_bytes();
    for row in rows {
        serde_json::to_writer(&mut text, &row).expect("strings serialise");
        text.push(b'\n');
    }
    String::from_utf8(text).expect("JSON is UTF-8")
}

/// Whether the check report of a ledger's pending item is still missing: no check
/// result written, or a check-list row for it that its handling department has not
/// answered yet.
pub fn check_missing(check_result: Option<&str>, unanswered_on_a_check_list: bool) -> bool {
    unanswered_on_a_check_list || check_result.is_none_or(|r| r.trim().is_empty())
}

/// What a banner ledger aggregates: one signed department ledger version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BannerPart {
    /// Department code.
    pub department: String,
    /// The content hash of the department's signed version.
    pub content_hash: String,
    pub items: u64,
}

/// A ledger's content, laid out so that the same content always gives the same bytes:
/// a head line (tag, kind, whose ledger), then one JSON array per line, sorted, each
/// ending in `\n`. Fields are in a fixed order; absent values are `null`; text is
/// exactly as stored (JSON escaping is deterministic); dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalLedger {
    pub text: String,
    pub items: u64,
}

impl CanonicalLedger {
    /// A department ledger: lines sorted by project code, then item type. The lines are
    /// borrowed, so a ledger of 200,000 lines is not copied to be written.
    pub fn department<'a>(
        region: &str,
        department: &str,
        lines: impl IntoIterator<Item = &'a LedgerLine>,
    ) -> CanonicalLedger {
        let mut sorted: Vec<&LedgerLine> = lines.into_iter().collect();
        sorted.sort_by(|a, b| a.key_ref().cmp(&b.key_ref()));
        let items = sorted.len() as u64;
        let head = department_head(region, department);
        CanonicalLedger { text: canonical_text(head, sorted.into_iter().map(LedgerLine::canonical)), items }
    }

    /// The lines of a department ledger's canonical text, read back (the inverse of
    /// [`CanonicalLedger::department`]); `None` if the text is not one.
    pub fn parse_department(text: &str) -> Option<Vec<LedgerLine>> {
        let mut rows = text.split_terminator('\n');
        if !rows.next()?.starts_with(&format!("{CANONICAL_TAG} department ")) {
            return None;
        }
        rows.map(|row| LedgerLine::from_fields(serde_json::from_str(row).ok()?)).collect()
    }

    /// A banner ledger: the signed department versions it aggregates, by department code.
    pub fn banner(region: &str, parts: &[BannerPart]) -> CanonicalLedger {
        let mut sorted: Vec<&BannerPart> = parts.iter().collect();
        sorted.sort_by(|a, b| a.department.cmp(&b.department));
        let mut text = format!("{CANONICAL_TAG} banner {}\n", json_str(region));
        for p in sorted {
            text.push_str(&serde_json::to_string(&(&p.department, &p.content_hash, p.items)).expect("serialises"));
            text.push('\n');
        }
        CanonicalLedger { text, items: parts.iter().map(|p| p.items).sum() }
    }

    /// SHA-256 of the canonical text, lowercase hex.
    pub fn hash(&self) -> String {
        content_hash(&self.text)
    }
}

/// The head line of a department ledger's canonical text.
fn department_head(region: &str, department: &str) -> String {
    format!("{CANONICAL_TAG} department {} {}\n", json_str(region), json_str(department))
}

/// The head line of a change set's text.
fn change_set_head(region: &str, department: &str, from_hash: &str, to_hash: &str) -> String {
    format!(
        "{CANONICAL_TAG} changes {} {} {} {}\n",
        json_str(region),
        json_str(department),
        json_str(from_hash),
        json_str(to_hash)
    )
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// SHA-256 of a canonical text, lowercase hex: what a signature binds.
pub fn content_hash(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// The first characters of a hash, for people to compare by eye.
pub fn short_hash(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

// ---------------------------------------------------------------------------
// Sign-off
// ---------------------------------------------------------------------------

/// Whose ledger: a department's (its initiating department) or the banner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    Department,
    Banner,
}

impl LedgerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Department => "department",
            LedgerKind::Banner => "banner",
        }
    }
    pub fn parse(s: &str) -> Option<LedgerKind> {
        match s {
            "department" => Some(LedgerKind::Department),
            "banner" => Some(LedgerKind::Banner),
            _ => None,
        }
    }
    /// The signatures a version needs, in the order they are given.
    pub fn capacities(self) -> &'static [Capacity] {
        match self {
            LedgerKind::Department => &[Capacity::DepartmentHead, Capacity::Leader],
            LedgerKind::Banner => &[Capacity::Office],
        }
    }
}

/// In which capacity someone signs a ledger version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// 部门主要负责人 of the initiating department.
    DepartmentHead,
    /// 分管旗长 (deputy banner head).
    Leader,
    /// 领导小组办公室, for the banner ledger.
    Office,
}

impl Capacity {
    pub fn as_str(self) -> &'static str {
        match self {
            Capacity::DepartmentHead => "department_head",
            Capacity::Leader => "leader",
            Capacity::Office => "office",
        }
    }
    pub fn parse(s: &str) -> Option<Capacity> {
        match s {
            "department_head" => Some(Capacity::DepartmentHead),
            "leader" => Some(Capacity::Leader),
            "office" => Some(Capacity::Office),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Capacity::DepartmentHead => "部门主要负责人",
            Capacity::Leader => "分管旗长",
            Capacity::Office => "领导小组办公室",
        }
    }
    /// The role that signs in this capacity.
    pub fn role(self) -> Role {
        match self {
            Capacity::DepartmentHead => Role::DepartmentHead,
            Capacity::Leader => Role::Leader,
            Capacity::Office => Role::Office,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("您的角色不能以“{}”身份签字", .0.label_zh())]
    WrongRole(Capacity),
    #[error("该台账不需要“{}”签字", .0.label_zh())]
    NotForThisLedger(Capacity),
    #[error("只能签署本部门的台账")]
    OtherDepartment,
    #[error("须先由“{}”签字", .0.label_zh())]
    OutOfOrder(Capacity),
    #[error("“{}”已签过这一版本", .0.label_zh())]
    AlreadySigned(Capacity),
    #[error("台账内容已变化，请刷新页面核对后再签字")]
    Stale,
    #[error("台账为空，无需签字")]
    Empty,
    #[error("本部门台账已签齐形成基线：此后的新增/变更在“新增/变更，待签认”中逐项签认，无需重签整本台账")]
    AlreadyFixed,
    #[error("台账尚未签齐形成基线，没有可签认的新增/变更")]
    NotFixed,
    #[error("没有待签认的新增/变更")]
    NoChanges,
    #[error("尚有 {0} 项待批事项缺少核查情况（核查清单未反馈或未填写核查情况）：请确认知悉后再签字")]
    MissingChecks(u64),
}

impl Explain for SignError {
    fn key(&self) -> &'static str {
        match self {
            SignError::WrongRole(_) => "err-ledger-sign-wrong-role",
            SignError::NotForThisLedger(_) => "err-ledger-sign-not-for-this-ledger",
            SignError::OtherDepartment => "err-ledger-sign-other-department",
            SignError::OutOfOrder(_) => "err-ledger-sign-out-of-order",
            SignError::AlreadySigned(_) => "err-ledger-sign-already-signed",
            SignError::Stale => "err-ledger-sign-stale",
            SignError::Empty => "err-ledger-sign-empty",
            SignError::AlreadyFixed => "err-ledger-sign-already-fixed",
            SignError::NotFixed => "err-ledger-sign-not-fixed",
            SignError::NoChanges => "err-ledger-sign-no-changes",
            SignError::MissingChecks(_) => "err-ledger-sign-missing-checks",
        }
    }
    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            SignError::WrongRole(c)
            | SignError::NotForThisLedger(c)
            | SignError::OutOfOrder(c)
            | SignError::AlreadySigned(c) => vec![("capacity", Arg::Label { prefix: "capacity", code: c.as_str() })],
            SignError::MissingChecks(n) => vec![("n", (*n).into())],
            _ => Vec::new(),
        }
    }
}

/// A request to sign: who asks, in which capacity, for which ledger, having seen which hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignRequest<'a> {
    pub role: Role,
    pub capacity: Capacity,
    pub kind: LedgerKind,
    /// The signer's department code.
    pub user_department: Option<&'a str>,
    /// The ledger's department code (None for the banner ledger).
    pub ledger_department: Option<&'a str>,
    /// The hash the signer was shown.
    pub seen_hash: &'a str,
    /// The signer was shown how many check results are missing and signs anyway.
    pub missing_checks_confirmed: bool,
}

/// The ledger (or the change set) as it stands when the signature is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerNow<'a> {
    pub hash: &'a str,
    /// Lines of the ledger; for a change set, the changes it confirms.
    pub items: u64,
    /// Capacities that have already signed the version (or change set) with this hash.
    pub signed: &'a [Capacity],
    /// Whether the department ledger is fixed: some version of it carries every signature.
    pub fixed: bool,
    /// Pending items it lists whose check report is missing ([`check_missing`]).
    pub missing_checks: u64,
}

/// The right role for the capacity, and a department head only for the own department.
fn check_signer(req: &SignRequest<'_>) -> Result<(), SignError> {
    let capacity = req.capacity;
    if !req.kind.capacities().contains(&capacity) {
        return Err(SignError::NotForThisLedger(capacity));
    }
    if req.role != capacity.role() {
        return Err(SignError::WrongRole(capacity));
    }
    if capacity == Capacity::DepartmentHead
        && (req.user_department.is_none() || req.user_department != req.ledger_department)
    {
        return Err(SignError::OtherDepartment);
    }
    Ok(())
}

/// Nobody twice, in order, and missing check results seen and confirmed.
fn check_turn(req: &SignRequest<'_>, now: &LedgerNow<'_>) -> Result<(), SignError> {
    let capacity = req.capacity;
    if now.signed.contains(&capacity) {
        return Err(SignError::AlreadySigned(capacity));
    }
    for c in req.kind.capacities() {
        if *c == capacity {
            break;
        }
        if !now.signed.contains(c) {
            return Err(SignError::OutOfOrder(*c));
        }
    }
    if now.missing_checks > 0 && !req.missing_checks_confirmed {
        return Err(SignError::MissingChecks(now.missing_checks));
    }
    Ok(())
}

/// Who may sign which ledger version in which capacity: the right role (a department
/// head only for the own department), the hash the signer saw is the current one, the
/// capacities before this one have signed the same version, nobody twice, and missing
/// check results confirmed. A department ledger is signed whole once: after it is fixed,
/// changes to it are confirmed as change sets ([`check_change_confirmation`]).
pub fn check_signature(req: &SignRequest<'_>, now: &LedgerNow<'_>) -> Result<(), SignError> {
    check_signer(req)?;
    if req.kind == LedgerKind::Department && now.fixed {
        return Err(SignError::AlreadyFixed);
    }
    if req.seen_hash != now.hash {
        return Err(SignError::Stale);
    }
    if now.items == 0 {
        return Err(SignError::Empty);
    }
    check_turn(req, now)
}

/// Who may confirm the changes to a fixed department ledger (新增/变更，待签认): the
/// signatories of the ledger, in the same order, each once, having seen this change
/// set's hash; only once the ledger is fixed, and only when there is something to confirm.
pub fn check_change_confirmation(req: &SignRequest<'_>, now: &LedgerNow<'_>) -> Result<(), SignError> {
    if req.kind != LedgerKind::Department {
        return Err(SignError::NotForThisLedger(req.capacity));
    }
    check_signer(req)?;
    if !now.fixed {
        return Err(SignError::NotFixed);
    }
    if req.seen_hash != now.hash {
        return Err(SignError::Stale);
    }
    if now.items == 0 {
        return Err(SignError::NoChanges);
    }
    check_turn(req, now)
}

/// Whether a version carries every signature its kind needs: then it is fixed.
pub fn fully_signed(kind: LedgerKind, signed: &[Capacity]) -> bool {
    kind.capacities().iter().all(|c| signed.contains(c))
}

/// How a signature stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureState {
    /// What was signed still holds: the ledger is the signed version, less what left
    /// it by reduction, plus changes the signatories confirmed.
    Matches,
    /// The signed version holds, and lines were added to it or changed since: those
    /// changes (not the whole ledger) wait for the signatories' confirmation.
    ChangesPending,
    /// A version that was never fixed, and the ledger has changed since: it must be
    /// signed again (or a change set its signatories no longer agree with).
    Outdated,
    /// The stored content no longer gives the signed hash: tampering.
    Broken,
}

impl SignatureState {
    /// By hash: `signed_hash` is what the signature bound, `stored_content` the
    /// version's stored canonical text, `current_hash` the hash it must still have (the
    /// banner ledger's now, a department ledger's now while it is not fixed, a change
    /// set's own once confirmed).
    pub fn of(signed_hash: &str, stored_content: &str, current_hash: &str) -> SignatureState {
        if content_hash(stored_content) != signed_hash {
            SignatureState::Broken
        } else if signed_hash == current_hash {
            SignatureState::Matches
        } else {
            SignatureState::Outdated
        }
    }

    /// A signature of the version that fixed a department ledger: it holds while the
    /// stored content gives the signed hash. Reductions never touch it; changes to the
    /// signed content ([`diff_lines`]) not yet confirmed show as pending.
    pub fn of_fixed(signed_hash: &str, stored_content: &str, pending_changes: usize) -> SignatureState {
        if content_hash(stored_content) != signed_hash {
            SignatureState::Broken
        } else if pending_changes == 0 {
            SignatureState::Matches
        } else {
            SignatureState::ChangesPending
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            SignatureState::Matches => "与签字版本一致",
            SignatureState::ChangesPending => "新增/变更，待签认",
            SignatureState::Outdated => "与当前台账不一致（台账已变化）",
            SignatureState::Broken => "校验失败：签字版本内容被改动",
        }
    }
}

// ---------------------------------------------------------------------------
// Changes to the signed content, and the change sets that confirm them
// ---------------------------------------------------------------------------

/// How a line differs from the signed content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Not in the signed content: found later (补录, or a later import).
    Added,
    /// In the signed content with other values (a deadline, a check report …).
    Changed,
    /// In the signed content, no longer in the ledger, and not left by reduction.
    Dropped,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Dropped => "dropped",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ChangeKind::Added => "新增",
            ChangeKind::Changed => "变更",
            ChangeKind::Dropped => "不再列入",
        }
    }
}

/// One field of a line that differs: before → after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Its identifier in [`LINE_FIELDS`].
    pub field: &'static str,
    pub label: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One line of the ledger that differs from the signed content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineChange {
    pub kind: ChangeKind,
    pub project_code: String,
    pub item_type: String,
    /// As signed (None when added).
    pub before: Option<LedgerLine>,
    /// As now (None when dropped).
    pub after: Option<LedgerLine>,
}

impl LineChange {
    pub fn key(&self) -> LineKey {
        (self.project_code.clone(), self.item_type.clone())
    }

    /// [`LineChange::key`], borrowed.
    pub fn key_ref(&self) -> (&str, &str) {
        (&self.project_code, &self.item_type)
    }

    /// What differs, field by field, apart from the line's key (project code and item
    /// type): for an added line its values, for a dropped one what it had.
    pub fn fields(&self) -> Vec<FieldChange> {
        let none: [Option<String>; 10] = Default::default();
        let before = self.before.as_ref().map_or(none.clone(), LedgerLine::fields);
        let after = self.after.as_ref().map_or(none, LedgerLine::fields);
        LINE_FIELDS
            .iter()
            .zip(before.into_iter().zip(after))
            .filter(|((field, _), (b, a))| !matches!(*field, "project_code" | "item_type") && b != a)
            .map(|((field, label), (before, after))| FieldChange { field, label, before, after })
            .collect()
    }
}

/// The ledger now against its signed content, line by line by (project code, item
/// type). `reduced` are the lines that left the baseline by reduction (approved, or
/// removed with an approved removal), read from the baseline itself: they are never a
/// change, whether they are still listed or not. Every other difference is one: a line
/// added, a line with other values, a signed line that is gone. Sorted by key.
pub fn diff_lines<'a>(
    signed: &[LedgerLine],
    current: impl IntoIterator<Item = &'a LedgerLine>,
    reduced: &BTreeSet<LineKey>,
) -> Vec<LineChange> {
    // Keyed by borrowed keys: the ledger is not copied to be compared.
    let reduced: BTreeSet<(&str, &str)> = reduced.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let signed: BTreeMap<(&str, &str), &LedgerLine> =
        signed.iter().map(|l| (l.key_ref(), l)).filter(|(k, _)| !reduced.contains(k)).collect();
    let current: BTreeMap<(&str, &str), &LedgerLine> =
        current.into_iter().map(|l| (l.key_ref(), l)).filter(|(k, _)| !reduced.contains(k)).collect();
    let keys: BTreeSet<&(&str, &str)> = signed.keys().chain(current.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (before, after) = (signed.get(k).copied(), current.get(k).copied());
            let kind = match (before, after) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Dropped,
                (Some(b), Some(a)) if b != a => ChangeKind::Changed,
                _ => return None,
            };
            Some(LineChange {
                kind,
                project_code: k.0.to_string(),
                item_type: k.1.to_string(),
                before: before.cloned(),
                after: after.cloned(),
            })
        })
        .collect()
}

/// The signed content once `changes` are confirmed: added lines in, changed ones as
/// they are now, dropped ones out. Lines left by reduction stay as they were signed.
/// The lines are borrowed, by key, not copied.
pub fn apply_changes<'a>(
    signed: &'a [LedgerLine],
    changes: &'a [LineChange],
) -> BTreeMap<(&'a str, &'a str), &'a LedgerLine> {
    let mut lines: BTreeMap<(&str, &str), &LedgerLine> = signed.iter().map(|l| (l.key_ref(), l)).collect();
    for c in changes {
        match &c.after {
            Some(a) => lines.insert(c.key_ref(), a),
            None => lines.remove(&c.key_ref()),
        };
    }
    lines
}

/// A change set: the changes to a fixed department ledger that its signatories confirm
/// instead of signing the whole ledger again, bound to its own hash. The text is a head
/// line (tag, `changes`, region, department, the hash of the signed content it starts
/// from and the hash of the signed content once confirmed), then one JSON array per
/// change, sorted by key: `[kind, fields as signed or null, fields now or null]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    pub text: String,
    pub from_hash: String,
    pub to_hash: String,
    /// The signed content once confirmed.
    pub result: CanonicalLedger,
    pub changes: u64,
}

impl ChangeSet {
    /// The change set confirming `changes` to the signed content `signed`.
    pub fn of(region: &str, department: &str, signed: &[LedgerLine], changes: &[LineChange]) -> ChangeSet {
        let from_hash = CanonicalLedger::department(region, department, signed).hash();
        let result = CanonicalLedger::department(region, department, apply_changes(signed, changes).into_values());
        let to_hash = result.hash();
        let head = change_set_head(region, department, &from_hash, &to_hash);
        let mut sorted: Vec<&LineChange> = changes.iter().collect();
        sorted.sort_by(|a, b| a.key_ref().cmp(&b.key_ref()));
        let rows = sorted.into_iter().map(|c| {
            (c.kind, c.before.as_ref().map(LedgerLine::canonical), c.after.as_ref().map(LedgerLine::canonical))
        });
        let text = canonical_text(head, rows);
        ChangeSet { text, from_hash, to_hash, result, changes: changes.len() as u64 }
    }

    pub fn hash(&self) -> String {
        content_hash(&self.text)
    }

    /// The (from, to) hashes a change set's text names on its head line.
    pub fn ends(text: &str) -> Option<(String, String)> {
        let head = text.lines().next()?.strip_prefix(&format!("{CANONICAL_TAG} changes "))?;
        let parts: Vec<String> =
            serde_json::Deserializer::from_str(head).into_iter::<String>().collect::<Result<_, _>>().ok()?;
        match <[String; 4]>::try_from(parts) {
            Ok([_, _, from, to]) => Some((from, to)),
            Err(_) => None,
        }
    }

    /// Whether a stored change set holds together: its text gives the signed hash, and
    /// the stored result is the signed content its head line says it leads to.
    pub fn intact(signed_hash: &str, text: &str, result_text: &str) -> bool {
        content_hash(text) == signed_hash
            && Self::ends(text).is_some_and(|(_, to)| content_hash(result_text) == to)
            && CanonicalLedger::parse_department(result_text).is_some()
    }
}

// ---------------------------------------------------------------------------
// Baseline, reductions and removals
// ---------------------------------------------------------------------------

/// Why a project or a baseline entry is removed (R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// 不符合产业政策
    IndustrialPolicy,
    /// 不符合节约集约用地要求
    LandSaving,
    /// 项目不再实施
    NotGoingAhead,
    Other,
}

pub const REMOVAL_REASONS: [RemovalReason; 4] =
    [RemovalReason::IndustrialPolicy, RemovalReason::LandSaving, RemovalReason::NotGoingAhead, RemovalReason::Other];

impl RemovalReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalReason::IndustrialPolicy => "industrial_policy",
            RemovalReason::LandSaving => "land_saving",
            RemovalReason::NotGoingAhead => "not_going_ahead",
            RemovalReason::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<RemovalReason> {
        REMOVAL_REASONS.into_iter().find(|r| r.as_str() == s.trim())
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            RemovalReason::IndustrialPolicy => "不符合产业政策",
            RemovalReason::LandSaving => "不符合节约集约用地要求",
            RemovalReason::NotGoingAhead => "项目不再实施",
            RemovalReason::Other => "其他",
        }
    }
}

/// What a removal takes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalKind {
    /// The project leaves the library (in_library = false); its baseline entries go with it.
    Project,
    /// One pending item leaves the baseline.
    Item,
}

impl RemovalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalKind::Project => "project",
            RemovalKind::Item => "item",
        }
    }
    pub fn parse(s: &str) -> Option<RemovalKind> {
        match s {
            "project" => Some(RemovalKind::Project),
            "item" => Some(RemovalKind::Item),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            RemovalKind::Project => "移出项目库",
            RemovalKind::Item => "核减待批事项",
        }
    }
}

/// The office's decision on a proposed removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Proposed,
    Approved,
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Proposed => "proposed",
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "proposed" => Some(Decision::Proposed),
            "approved" => Some(Decision::Approved),
            "rejected" => Some(Decision::Rejected),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Decision::Proposed => "待办公室审核",
            Decision::Approved => "已批准",
            Decision::Rejected => "未批准",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemovalError {
    #[error("请说明移除理由")]
    NoReasonText,
    #[error("移除理由过长（最多 2000 个字符）")]
    ReasonTooLong,
    #[error("您的角色不能提出移除")]
    MayNotPropose,
    #[error("只有领导小组办公室可以批准或驳回移除")]
    MayNotDecide,
    #[error("该移除申请已有决定（{}），不能再改", .0.label_zh())]
    AlreadyDecided(Decision),
    #[error("决定只能是批准或驳回")]
    NotADecision,
}

impl Explain for RemovalError {
    fn key(&self) -> &'static str {
        match self {
            RemovalError::NoReasonText => "err-ledger-removal-no-reason-text",
            RemovalError::ReasonTooLong => "err-ledger-removal-reason-too-long",
            RemovalError::MayNotPropose => "err-ledger-removal-may-not-propose",
            RemovalError::MayNotDecide => "err-ledger-removal-may-not-decide",
            RemovalError::AlreadyDecided(_) => "err-ledger-removal-already-decided",
            RemovalError::NotADecision => "err-ledger-removal-not-a-decision",
        }
    }
    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            RemovalError::ReasonTooLong => vec![("max", 2000u32.into())],
            RemovalError::AlreadyDecided(d) => {
                vec![("decision", Arg::Label { prefix: "removal-decision", code: d.as_str() })]
            }
            _ => Vec::new(),
        }
    }
}

/// The reason text, trimmed, present and not too long.
pub fn check_reason_text(text: &str) -> Result<String, RemovalError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(RemovalError::NoReasonText);
    }
    if t.chars().count() > 2000 {
        return Err(RemovalError::ReasonTooLong);
    }
    Ok(t.to_string())
}

/// Departments propose removals of what they answer for; the office may too.
pub fn may_propose_removal(role: Role) -> Result<(), RemovalError> {
    match role {
        Role::Office | Role::DepartmentHead | Role::Handler => Ok(()),
        _ => Err(RemovalError::MayNotPropose),
    }
}

/// Only the office decides, once, between approval and rejection.
/// Whether `role` decides proposed removals: the sweep office.
pub fn may_decide_removal(role: Role) -> bool {
    role == Role::Office
}

/// Why `role` may not change a ledger (push, answer, sign, propose, decide, add), if it
/// may not: discipline inspectors read only.
pub fn read_only_refusal(role: Role) -> Option<&'static str> {
    (role == Role::Inspector).then_some("派驻纪检组为只读权限，不能修改台账")
}

/// How many working days after the push a check list's answers are due by default
/// (the plan: lists on 8-20, answers with the ledgers signed on 8-23).
pub const CHECK_LIST_DEFAULT_DAYS: u32 = 3;

/// The due date a push form offers: [`CHECK_LIST_DEFAULT_DAYS`] working days after
/// `today` on the official calendar (the day itself not counted).
pub fn check_list_default_due(calendar: &crate::calendar::WorkCalendar, today: NaiveDate) -> NaiveDate {
    calendar.add_working_days(today, CHECK_LIST_DEFAULT_DAYS)
}

pub fn check_decision(role: Role, current: Decision, new: Decision) -> Result<(), RemovalError> {
    if !may_decide_removal(role) {
        return Err(RemovalError::MayNotDecide);
    }
    if current != Decision::Proposed {
        return Err(RemovalError::AlreadyDecided(current));
    }
    if new == Decision::Proposed {
        return Err(RemovalError::NotADecision);
    }
    Ok(())
}

/// How an entry leaves the baseline (核减).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// The pending item was granted: 审批1个核减1个.
    Approved,
    /// Removed with a reason and the office's approval.
    Removed,
}

impl Reduction {
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::Approved => "approved",
            Reduction::Removed => "removed",
        }
    }
    pub fn parse(s: &str) -> Option<Reduction> {
        match s {
            "approved" => Some(Reduction::Approved),
            "removed" => Some(Reduction::Removed),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Reduction::Approved => "已审批核减",
            Reduction::Removed => "移除核减",
        }
    }
}

/// The pending-item status that counts as approval.
pub const GRANTED: &str = "granted";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReductionError {
    #[error("该事项已核减，不能再变")]
    AlreadyReduced,
    #[error("只有审批通过的事项才能按审批核减")]
    NotGranted,
    #[error("移除核减须有办公室批准的移除决定")]
    RemovalNotApproved,
    #[error("移除核减须写明理由")]
    NoReason,
}

impl Explain for ReductionError {
    fn key(&self) -> &'static str {
        match self {
            ReductionError::AlreadyReduced => "err-ledger-reduction-already-reduced",
            ReductionError::NotGranted => "err-ledger-reduction-not-granted",
            ReductionError::RemovalNotApproved => "err-ledger-reduction-removal-not-approved",
            ReductionError::NoReason => "err-ledger-reduction-no-reason",
        }
    }
}

/// What a removal carries when it reduces a baseline entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovalFacts<'a> {
    pub decision: Decision,
    pub reason: RemovalReason,
    pub text: &'a str,
}

/// Whether a baseline entry may be reduced: by approval only if its item is granted;
/// by removal only with an approved decision and a stated reason. Nothing else.
pub fn check_reduction(
    already: Option<Reduction>,
    how: Reduction,
    item_status: &str,
    removal: Option<&RemovalFacts<'_>>,
) -> Result<(), ReductionError> {
    if already.is_some() {
        return Err(ReductionError::AlreadyReduced);
    }
    match how {
        Reduction::Approved if item_status == GRANTED => Ok(()),
        Reduction::Approved => Err(ReductionError::NotGranted),
        Reduction::Removed => match removal {
            Some(r) if r.decision == Decision::Approved => {
                if r.text.trim().is_empty() {
                    Err(ReductionError::NoReason)
                } else {
                    Ok(())
                }
            }
            _ => Err(ReductionError::RemovalNotApproved),
        },
    }
}

// ---------------------------------------------------------------------------
// Progress and burn-down
// ---------------------------------------------------------------------------

/// One baseline entry as progress counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineEntry {
    pub added_on: NaiveDate,
    /// Found after the baseline was fixed.
    pub addition: bool,
    pub reduced: Option<(Reduction, NaiveDate)>,
}

/// Baseline entries counted by day (the store keeps them so): `n` entries added on
/// `day` as `addition` (`reduction` is `None`), or `n` entries reduced on `day` as
/// `reduction`. A reduction counts on the day it was made, but never before the day
/// its entry was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineDay {
    pub day: NaiveDate,
    pub addition: bool,
    pub reduction: Option<Reduction>,
    pub n: u64,
}

impl BaselineDay {
    /// The days of `n` entries alike: the day they were added, and the day they were
    /// reduced if they were.
    pub fn of_entry(e: &BaselineEntry, n: u64) -> impl Iterator<Item = BaselineDay> {
        let added = BaselineDay { day: e.added_on, addition: e.addition, reduction: None, n };
        let reduced = e.reduced.map(|(r, on)| BaselineDay {
            day: on.max(e.added_on),
            addition: e.addition,
            reduction: Some(r),
            n,
        });
        std::iter::once(added).chain(reduced)
    }

    /// The day the baseline was fixed: the first day an entry of a signed ledger was
    /// added, else the first day any entry was.
    pub fn baseline_start<'a>(days: impl IntoIterator<Item = &'a BaselineDay> + Clone) -> Option<NaiveDate> {
        let added = |d: &&BaselineDay| d.reduction.is_none() && d.n > 0;
        days.clone()
            .into_iter()
            .filter(|d| added(d) && !d.addition)
            .map(|d| d.day)
            .min()
            .or_else(|| days.into_iter().filter(added).map(|d| d.day).min())
    }
}

/// Progress against the baseline: `remaining = baseline + additions − approved − removed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    /// Entries of the signed ledgers.
    pub baseline: u64,
    /// Entries added later.
    pub additions: u64,
    pub approved: u64,
    pub removed: u64,
    pub remaining: u64,
}

impl Progress {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a BaselineEntry>) -> Progress {
        let mut p = Progress::default();
        for e in entries {
            p.add(e);
        }
        p
    }

    /// Progress from entries counted by day.
    pub fn of_days<'a>(days: impl IntoIterator<Item = &'a BaselineDay>) -> Progress {
        let mut p = Progress::default();
        let mut reduced = 0u64;
        for d in days {
            match d.reduction {
                None => p.add_counted(d.addition, None, d.n),
                Some(Reduction::Approved) => p.approved += d.n,
                Some(Reduction::Removed) => p.removed += d.n,
            }
            reduced += if d.reduction.is_some() { d.n } else { 0 };
        }
        p.remaining = p.remaining.saturating_sub(reduced);
        p
    }

    pub fn add(&mut self, e: &BaselineEntry) {
        self.add_counted(e.addition, e.reduced.map(|(r, _)| r), 1);
    }

    /// Add `n` entries added as `addition` (or not) and reduced as `reduction` (or not
    /// yet), whatever their days.
    pub fn add_counted(&mut self, addition: bool, reduction: Option<Reduction>, n: u64) {
        if addition {
            self.additions += n;
        } else {
            self.baseline += n;
        }
        match reduction {
            Some(Reduction::Approved) => self.approved += n,
            Some(Reduction::Removed) => self.removed += n,
            None => self.remaining += n,
        }
    }

    pub fn total(&self) -> u64 {
        self.baseline + self.additions
    }

    /// Share of the entries reduced, in whole percent (0 when there are none).
    pub fn percent_done(&self) -> u64 {
        (self.total() - self.remaining).checked_mul(100).and_then(|d| d.checked_div(self.total())).unwrap_or(0)
    }

    pub fn merge(&mut self, o: &Progress) {
        self.baseline += o.baseline;
        self.additions += o.additions;
        self.approved += o.approved;
        self.removed += o.removed;
        self.remaining += o.remaining;
    }
}

/// The remaining count over time, and the straight line to zero at the campaign's end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurnDown {
    /// The day the baseline was fixed: where both lines start.
    pub start: NaiveDate,
    /// The campaign's end: where the ideal line reaches zero. May lie before `start`
    /// (a baseline fixed after the deadline: everything is already due).
    pub end: NaiveDate,
    /// Remaining at `start` (what the ideal line starts from).
    pub initial: u64,
    /// (day, remaining at the end of that day): `start`, every day the count changed,
    /// and the last day shown (today; a campaign that overruns its end keeps showing
    /// what is left). Ascending.
    pub actual: Vec<(NaiveDate, u64)>,
}

/// When the baseline would be cleared at the recent rate, as the leader's dashboard
/// says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "forecast", rename_all = "snake_case")]
pub enum Forecast {
    /// No baseline yet: nothing to clear.
    NoBaseline,
    /// Nothing remains.
    Done,
    /// At the rate of the last [`FORECAST_DAYS`] days, the last row goes on `on`.
    On { on: NaiveDate, per_week: u64 },
    /// Nothing was reduced in the last [`FORECAST_DAYS`] days: no finish in sight.
    Stalled,
}

/// How many calendar days back the forecast's rate is measured over.
pub const FORECAST_DAYS: i64 = 28;

impl Forecast {
    pub fn label_zh(self) -> String {
        match self {
            Forecast::NoBaseline => "尚未形成基线".into(),
            Forecast::Done => "基线事项已全部核减".into(),
            Forecast::On { on, per_week } => {
                format!("按近 4 周每周核减约 {per_week} 个的速度，预计 {on} 全部核减")
            }
            Forecast::Stalled => "近 4 周没有核减，按此速度无法办结".into(),
        }
    }
}

impl BurnDown {
    /// What is left on `today` and when it would be gone at the rate of the last
    /// [`FORECAST_DAYS`] days (rows reduced in that span, net of additions).
    pub fn forecast(&self, today: NaiveDate) -> Forecast {
        let at =
            |day: NaiveDate| self.actual.iter().take_while(|(d, _)| *d <= day).last().map_or(self.initial, |(_, n)| *n);
        if self.initial == 0 && self.actual.iter().all(|(_, n)| *n == 0) {
            return Forecast::NoBaseline;
        }
        let now = at(today);
        if now == 0 {
            return Forecast::Done;
        }
        let from = today - chrono::Duration::days(FORECAST_DAYS);
        let before = if from < self.start { self.initial } else { at(from) };
        let days = (today - from.max(self.start)).num_days().max(1);
        let reduced = before.saturating_sub(now);
        if reduced == 0 {
            return Forecast::Stalled;
        }
        // Days to go at `reduced / days` a day, rounded up.
        let to_go = (now * days as u64).div_ceil(reduced);
        let on = today + chrono::Duration::days(i64::try_from(to_go).unwrap_or(i64::MAX / 2).min(36_500));
        Forecast::On { on, per_week: (reduced * 7).div_ceil(days as u64) }
    }

    /// Burn-down from `start` (the day the baseline was fixed) towards `end`, up to `today`.
    pub fn of(entries: &[BaselineEntry], start: NaiveDate, end: NaiveDate, today: NaiveDate) -> BurnDown {
        let days: Vec<BaselineDay> = entries.iter().flat_map(|e| BaselineDay::of_entry(e, 1)).collect();
        BurnDown::of_days(&days, start, end, today)
    }

    /// The same from entries counted by day (kept counts).
    pub fn of_days<'a>(
        days: impl IntoIterator<Item = &'a BaselineDay>,
        start: NaiveDate,
        end: NaiveDate,
        today: NaiveDate,
    ) -> BurnDown {
        let last = today.max(start);
        // Changes per day: +n when entries are added, −n when they are reduced.
        let mut deltas: Vec<(NaiveDate, i64)> = days
            .into_iter()
            .map(|d| {
                let n = i64::try_from(d.n).unwrap_or(i64::MAX);
                (d.day.max(start), if d.reduction.is_some() { -n } else { n })
            })
            .collect();
        // Additions before reductions on the same day: the line starts from everything
        // fixed at `start`, and reductions on that day show as a drop.
        deltas.sort_by_key(|d| (d.0, std::cmp::Reverse(d.1)));
        let mut remaining: i64 = 0;
        let mut i = 0;
        while i < deltas.len() && deltas[i].0 <= start && deltas[i].1 > 0 {
            remaining += deltas[i].1;
            i += 1;
        }
        let initial = remaining.max(0) as u64;
        let mut actual = vec![(start, initial)];
        while i < deltas.len() && deltas[i].0 <= last {
            let day = deltas[i].0;
            while i < deltas.len() && deltas[i].0 == day {
                remaining += deltas[i].1;
                i += 1;
            }
            actual.push((day, remaining.max(0) as u64));
        }
        if actual.last().is_some_and(|p| p.0 < last) {
            actual.push((last, remaining.max(0) as u64));
        }
        BurnDown { start, end, initial, actual }
    }

    /// The last day a chart must show: the campaign's end or the last day counted.
    pub fn axis_end(&self) -> NaiveDate {
        let last = self.actual.last().map_or(self.start, |p| p.0);
        self.end.max(last).max(self.start)
    }

    /// The ideal remaining on a day: a straight line from `initial` at `start` to 0 at
    /// `end`, and 0 after it (everything is due once the campaign ends).
    pub fn ideal(&self, on: NaiveDate) -> f64 {
        let span = (self.end - self.start).num_days();
        if span <= 0 {
            return 0.0;
        }
        let done = (on - self.start).num_days().clamp(0, span) as f64;
        self.initial as f64 * (1.0 - done / span as f64)
    }

    /// Remaining on the last day shown.
    pub fn remaining(&self) -> u64 {
        self.actual.last().map_or(0, |p| p.1)
    }

    /// Whether the count is above the ideal line on the last day shown.
    pub fn behind(&self) -> bool {
        self.actual.last().is_some_and(|(d, r)| (*r as f64) > self.ideal(*d) + 1e-9)
    }
}

// ---------------------------------------------------------------------------
// Who may do what
// ---------------------------------------------------------------------------

/// Who may load spreadsheet ledgers into the database: the office, for the whole
/// region; a department's head or handler, for the projects their department
/// initiates (see [`import_refusal_reason`]).
pub fn may_import(role: Role) -> bool {
    matches!(role, Role::Office | Role::DepartmentHead | Role::Handler)
}

/// Why a person may not load one project of a spreadsheet ([`import_refusal_reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportRefusal {
    /// A department's staff member whose account names no department.
    NoDepartment,
    /// The file names another initiating department for the project.
    OtherDepartment,
    /// The project is on record with another initiating department.
    StoredOtherDepartment,
    /// The role does not import.
    NotAllowed,
}

impl ImportRefusal {
    /// The Chinese wording.
    pub fn message(self) -> &'static str {
        match self {
            ImportRefusal::NoDepartment => "账号未关联部门，不能导入台账",
            ImportRefusal::OtherDepartment => "只能导入本部门立项的项目：此项目的立项部门不是本部门",
            ImportRefusal::StoredOtherDepartment => {
                "系统中已有此项目，立项部门不是本部门，不能由本部门导入改写；请联系领导小组办公室"
            }
            ImportRefusal::NotAllowed => "无权导入台账",
        }
    }
}

impl std::fmt::Display for ImportRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl Explain for ImportRefusal {
    fn key(&self) -> &'static str {
        match self {
            ImportRefusal::NoDepartment => "err-ledger-import-no-department",
            ImportRefusal::OtherDepartment => "err-ledger-import-other-department",
            ImportRefusal::StoredOtherDepartment => "err-ledger-import-stored-other-department",
            ImportRefusal::NotAllowed => "err-ledger-import-not-allowed",
        }
    }
}

/// Why this person may not load one project of a spreadsheet, or `None` if they may.
/// `file_department` is the initiating department the file names for the project and
/// `stored_department` the one the database holds (`Some(None)`: the project exists
/// with none recorded; `None`: it is new). A department's staff load only their own
/// department's projects, so an import cannot rewrite another department's ledger.
pub fn import_refusal_reason(
    role: Role,
    user_department: Option<&str>,
    file_department: Option<&str>,
    stored_department: Option<Option<&str>>,
) -> Option<ImportRefusal> {
    match role {
        Role::Office => None,
        Role::DepartmentHead | Role::Handler => {
            let Some(own) = user_department else {
                return Some(ImportRefusal::NoDepartment);
            };
            if file_department != Some(own) {
                return Some(ImportRefusal::OtherDepartment);
            }
            match stored_department {
                Some(stored) if stored != Some(own) => Some(ImportRefusal::StoredOtherDepartment),
                _ => None,
            }
        }
        _ => Some(ImportRefusal::NotAllowed),
    }
}

/// Who may export a ledger: anyone who reads ledgers (a project unit has none).
pub fn may_export(role: Role) -> bool {
    role != Role::Applicant
}

/// Who may push check lists: the initiating department's own staff, or the office.
pub fn may_push_check_list(role: Role, user_department: Option<&str>, initiating_department: &str) -> bool {
    match role {
        Role::Office => true,
        Role::DepartmentHead | Role::Handler => user_department == Some(initiating_department),
        _ => false,
    }
}

/// Why a pending item found later (补录) may not be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddItemRefusal {
    /// Only the project's initiating department or the office adds items.
    NotAllowed,
    /// The project was removed from the library.
    NotInLibrary,
}

impl AddItemRefusal {
    pub fn message(self) -> &'static str {
        match self {
            AddItemRefusal::NotAllowed => "只有项目的立项部门或领导小组办公室可以补录待批事项",
            AddItemRefusal::NotInLibrary => "项目已移出项目库，不能再补录待批事项",
        }
    }
}

impl std::fmt::Display for AddItemRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl Explain for AddItemRefusal {
    fn key(&self) -> &'static str {
        match self {
            AddItemRefusal::NotAllowed => "err-ledger-add-item-not-allowed",
            AddItemRefusal::NotInLibrary => "err-ledger-add-item-not-in-library",
        }
    }
}

/// Whether this person may add a pending item found later (补录) to a project. The
/// people who push the project's check lists may — its initiating department's staff,
/// or the office — and only while it is in the project library.
pub fn add_item_refusal(
    role: Role,
    user_department: Option<&str>,
    initiating_department: Option<&str>,
    in_library: bool,
) -> Option<AddItemRefusal> {
    let allowed = match initiating_department {
        Some(d) => may_push_check_list(role, user_department, d),
        None => role == Role::Office,
    };
    if !allowed {
        Some(AddItemRefusal::NotAllowed)
    } else if !in_library {
        Some(AddItemRefusal::NotInLibrary)
    } else {
        None
    }
}

/// Whether a spreadsheet import by this person may change an existing pending item
/// (its handling department and the answers on it). The office's may; a department's
/// may change only the items it handles itself, because the others' answers are theirs
/// to give ([`may_answer`]). New items of a department's own projects are always added.
pub fn may_import_over_item(role: Role, user_department: Option<&str>, handling_department: &str) -> bool {
    role == Role::Office || may_answer(role, user_department, handling_department)
}

/// Who may answer a check-list row: the handling department's own staff.
pub fn may_answer(role: Role, user_department: Option<&str>, handling_department: &str) -> bool {
    matches!(role, Role::DepartmentHead | Role::Handler) && user_department == Some(handling_department)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_date_is_written_as_chrono_writes_it(days in -1_000_000i64..4_000_000) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Duration::days(days);
            proptest::prop_assert_eq!(date_text(d), d.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn the_finish_is_forecast_from_the_last_four_weeks() {
        let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
        let b = BurnDown {
            start: d(8, 25),
            end: d(12, 31),
            initial: 100,
            actual: vec![(d(8, 25), 100), (d(9, 1), 90), (d(9, 29), 62), (d(10, 10), 62)],
        };
        // 28 rows in the 28 days to 29 September: one a day, 62 days to go.
        assert_eq!(b.forecast(d(9, 29)), Forecast::On { on: d(11, 30), per_week: 7 });
        // From 10 October the last 28 days hold the same 28 rows: 62 more days.
        assert_eq!(b.forecast(d(10, 10)), Forecast::On { on: d(12, 11), per_week: 7 });
        // Nothing reduced since 29 September, seen from 28 October: stalled.
        assert_eq!(b.forecast(d(10, 28)), Forecast::Stalled);
        // A young baseline measures over the days it has: 10 rows in 7 days.
        assert_eq!(b.forecast(d(9, 1)), Forecast::On { on: d(11, 3), per_week: 10 });
        let done = BurnDown { actual: vec![(d(8, 25), 100), (d(9, 1), 0)], ..b.clone() };
        assert_eq!(done.forecast(d(9, 2)), Forecast::Done);
        let none = BurnDown { initial: 0, actual: vec![(d(8, 25), 0)], ..b.clone() };
        assert_eq!(none.forecast(d(9, 2)), Forecast::NoBaseline);
        assert!(b.forecast(d(9, 29)).label_zh().contains("预计 2022-11-30 全部核减"));
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn pending_items_found_later_are_added_by_the_initiating_department_or_the_office() {
        let fgw = Some("fgw-id");
        assert_eq!(add_item_refusal(Role::Office, None, fgw, true), None);
        assert_eq!(add_item_refusal(Role::Office, None, None, true), None);
        assert_eq!(add_item_refusal(Role::DepartmentHead, fgw, fgw, true), None);
        assert_eq!(add_item_refusal(Role::Handler, fgw, fgw, true), None);
        assert!(add_item_refusal(Role::Handler, Some("zrzy-id"), fgw, true).is_some());
        assert!(add_item_refusal(Role::Handler, fgw, None, true).is_some());
        assert!(add_item_refusal(Role::Inspector, None, fgw, true).is_some());
        assert!(add_item_refusal(Role::Leader, None, fgw, true).is_some());
        assert!(add_item_refusal(Role::Applicant, None, fgw, true).is_some());
        assert_eq!(add_item_refusal(Role::Office, None, fgw, false), Some(AddItemRefusal::NotInLibrary));
        assert_eq!(add_item_refusal(Role::Handler, Some("zrzy-id"), fgw, false), Some(AddItemRefusal::NotAllowed));
    }

    #[test]
    fn a_department_import_leaves_other_departments_answers_alone() {
        assert!(may_import_over_item(Role::Office, None, "zrzy-id"));
        assert!(may_import_over_item(Role::Handler, Some("zrzy-id"), "zrzy-id"));
        assert!(may_import_over_item(Role::DepartmentHead, Some("zrzy-id"), "zrzy-id"));
        assert!(!may_import_over_item(Role::Handler, Some("fgw-id"), "zrzy-id"));
        assert!(!may_import_over_item(Role::Leader, None, "zrzy-id"));
        assert!(!may_import_over_item(Role::Inspector, None, "zrzy-id"));
    }

    #[test]
    fn a_department_imports_only_its_own_projects() {
        let own = Some("fgw-id");
        // The office loads anything; readers and project units load nothing.
        assert_eq!(import_refusal_reason(Role::Office, None, Some("gxj-id"), Some(Some("slj-id"))), None);
        assert!(import_refusal_reason(Role::Inspector, None, own, None).is_some());
        assert!(import_refusal_reason(Role::Applicant, None, own, None).is_some());
        assert!(import_refusal_reason(Role::Leader, None, own, None).is_some());
        for role in [Role::DepartmentHead, Role::Handler] {
            assert_eq!(import_refusal_reason(role, own, own, None), None, "a new project of its own");
            assert_eq!(import_refusal_reason(role, own, own, Some(own)), None, "its own existing project");
            assert!(import_refusal_reason(role, own, Some("gxj-id"), None).is_some(), "another department's");
            assert!(import_refusal_reason(role, own, None, None).is_some(), "no initiating department named");
            assert!(import_refusal_reason(role, own, own, Some(Some("gxj-id"))).is_some(), "taking over another's");
            assert!(import_refusal_reason(role, own, own, Some(None)).is_some(), "claiming an unassigned project");
            assert!(import_refusal_reason(role, None, own, None).is_some(), "an account with no department");
        }
        assert!(may_import(Role::Handler) && may_import(Role::DepartmentHead) && may_import(Role::Office));
        assert!(!may_import(Role::Inspector) && !may_import(Role::Leader) && !may_import(Role::Applicant));
    }

    fn line(code: &str, item: &str) -> LedgerLine {
        LedgerLine {
            project_code: code.into(),
            project_name: "测试项目".into(),
            owner: Some("某公司".into()),
            initiating_department: Some("fgw".into()),
            item_type: item.into(),
            handling_department: "zrzy".into(),
            check_result: Some("材料齐全".into()),
            responsible_person: Some("王海".into()),
            acceptance_status: None,
            due_on: Some(ymd(2022, 9, 30)),
        }
    }

    #[test]
    fn canonical_text_ignores_order_and_binds_every_field() {
        let a = vec![line("2022-152529-44-01-000002", "eia"), line("2022-152529-44-01-000001", "land")];
        let mut b = a.clone();
        b.reverse();
        let ca = CanonicalLedger::department("152529", "fgw", &a);
        let cb = CanonicalLedger::department("152529", "fgw", &b);
        assert_eq!(ca, cb);
        assert_eq!(ca.items, 2);
        assert!(ca.text.starts_with("qidi-ledger-v1 department \"152529\" \"fgw\"\n"));
        assert_eq!(
            ca.text.lines().nth(1).unwrap(),
            r#"["2022-152529-44-01-000001","测试项目","某公司","fgw","land","zrzy","材料齐全","王海",null,"2022-09-30"]"#
        );
        assert_eq!(ca.hash().len(), 64);
        // Any field change changes the hash.
        let mut c = a.clone();
        c[0].responsible_person = Some("李娜".into());
        assert_ne!(CanonicalLedger::department("152529", "fgw", &c).hash(), ca.hash());
        let mut c = a.clone();
        c[1].due_on = None;
        assert_ne!(CanonicalLedger::department("152529", "fgw", &c).hash(), ca.hash());
        // Whose ledger is part of the content.
        assert_ne!(CanonicalLedger::department("152529", "gxj", &a).hash(), ca.hash());
        // An empty value and an absent one differ.
        let mut c = a.clone();
        c[0].acceptance_status = Some(String::new());
        assert_ne!(CanonicalLedger::department("152529", "fgw", &c).hash(), ca.hash());
        // Text that looks like the separator cannot forge another line.
        let mut c = a.clone();
        c[0].project_name = "x\n[\"y\"]".into();
        assert_eq!(CanonicalLedger::department("152529", "fgw", &c).text.lines().count(), 3);
        // Every line is its fields as `fields` gives them, absent values and escapes too.
        c[1].owner = None;
        c[1].due_on = None;
        c[1].check_result = Some("\"引号\"\t\\".into());
        let text = CanonicalLedger::department("152529", "fgw", &c).text;
        for (row, l) in text.lines().skip(1).zip([&c[1], &c[0]]) {
            assert_eq!(row, serde_json::to_string(&l.fields()).unwrap());
        }
    }

    #[test]
    fn known_hash() {
        // Pinned: a change to the layout must change the tag, never silently the hash.
        let c = CanonicalLedger::department("152529", "fgw", &[]);
        assert_eq!(c.text, "qidi-ledger-v1 department \"152529\" \"fgw\"\n");
        assert_eq!(c.hash(), content_hash("qidi-ledger-v1 department \"152529\" \"fgw\"\n"));
        assert_eq!(content_hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn banner_content() {
        let p = |d: &str, h: &str, n| BannerPart { department: d.into(), content_hash: h.into(), items: n };
        let a = CanonicalLedger::banner("152529", &[p("gxj", "bb", 3), p("fgw", "aa", 5)]);
        let b = CanonicalLedger::banner("152529", &[p("fgw", "aa", 5), p("gxj", "bb", 3)]);
        assert_eq!(a, b);
        assert_eq!(a.items, 8);
        assert_ne!(a.hash(), CanonicalLedger::banner("152529", &[p("fgw", "ab", 5), p("gxj", "bb", 3)]).hash());
    }

    #[test]
    fn signing_rules() {
        use Capacity::*;
        let sign = |role, cap, kind, ud: Option<&str>, ld: Option<&str>, already: &[Capacity], seen: &str| {
            let req = SignRequest {
                role,
                capacity: cap,
                kind,
                user_department: ud,
                ledger_department: ld,
                seen_hash: seen,
                missing_checks_confirmed: false,
            };
            check_signature(&req, &LedgerNow { hash: "h", items: 3, signed: already, fixed: false, missing_checks: 0 })
        };
        let dept = LedgerKind::Department;
        assert_eq!(sign(Role::DepartmentHead, DepartmentHead, dept, Some("fgw"), Some("fgw"), &[], "h"), Ok(()));
        assert_eq!(
            sign(Role::DepartmentHead, DepartmentHead, dept, Some("gxj"), Some("fgw"), &[], "h"),
            Err(SignError::OtherDepartment)
        );
        assert_eq!(
            sign(Role::Handler, DepartmentHead, dept, Some("fgw"), Some("fgw"), &[], "h"),
            Err(SignError::WrongRole(DepartmentHead))
        );
        assert_eq!(
            sign(Role::Leader, Leader, dept, None, Some("fgw"), &[], "h"),
            Err(SignError::OutOfOrder(DepartmentHead))
        );
        assert_eq!(sign(Role::Leader, Leader, dept, None, Some("fgw"), &[DepartmentHead], "h"), Ok(()));
        assert_eq!(
            sign(Role::Leader, Leader, dept, None, Some("fgw"), &[DepartmentHead, Leader], "h"),
            Err(SignError::AlreadySigned(Leader))
        );
        assert_eq!(
            sign(Role::DepartmentHead, DepartmentHead, dept, Some("fgw"), Some("fgw"), &[], "old"),
            Err(SignError::Stale)
        );
        assert_eq!(
            sign(Role::Office, Office, dept, None, Some("fgw"), &[], "h"),
            Err(SignError::NotForThisLedger(Office))
        );
        assert_eq!(sign(Role::Office, Office, LedgerKind::Banner, None, None, &[], "h"), Ok(()));
        assert_eq!(
            sign(Role::Inspector, Office, LedgerKind::Banner, None, None, &[], "h"),
            Err(SignError::WrongRole(Office))
        );
        assert_eq!(
            check_signature(
                &SignRequest {
                    role: Role::Office,
                    capacity: Office,
                    kind: LedgerKind::Banner,
                    user_department: None,
                    ledger_department: None,
                    seen_hash: "h",
                    missing_checks_confirmed: false,
                },
                &LedgerNow { hash: "h", items: 0, signed: &[], fixed: false, missing_checks: 0 }
            ),
            Err(SignError::Empty)
        );
        assert!(fully_signed(dept, &[Leader, DepartmentHead]));
        assert!(!fully_signed(dept, &[DepartmentHead]));
        assert!(fully_signed(LedgerKind::Banner, &[Office]));
    }

    fn head(seen: &str, confirmed: bool) -> SignRequest<'_> {
        SignRequest {
            role: Role::DepartmentHead,
            capacity: Capacity::DepartmentHead,
            kind: LedgerKind::Department,
            user_department: Some("fgw"),
            ledger_department: Some("fgw"),
            seen_hash: seen,
            missing_checks_confirmed: confirmed,
        }
    }

    #[test]
    fn missing_check_results_must_be_seen_and_confirmed_before_signing() {
        assert!(check_missing(None, false));
        assert!(check_missing(Some("  "), false));
        assert!(check_missing(Some("材料齐全"), true), "a check list not yet answered");
        assert!(!check_missing(Some("材料齐全"), false));
        let now = LedgerNow { hash: "h", items: 4, signed: &[], fixed: false, missing_checks: 2 };
        let refused = check_signature(&head("h", false), &now);
        assert_eq!(refused, Err(SignError::MissingChecks(2)));
        assert!(refused.unwrap_err().to_string().contains("尚有 2 项待批事项缺少核查情况"));
        assert_eq!(check_signature(&head("h", true), &now), Ok(()));
        // Other refusals come first: the count is asked for only when the rest is right.
        assert_eq!(check_signature(&head("old", false), &now), Err(SignError::Stale));
        let none_missing = LedgerNow { missing_checks: 0, ..now.clone() };
        assert_eq!(check_signature(&head("h", false), &none_missing), Ok(()));
        // The same for a change set whose lines lack check results.
        let set = LedgerNow { fixed: true, ..now };
        assert_eq!(check_change_confirmation(&head("h", false), &set), Err(SignError::MissingChecks(2)));
        assert_eq!(check_change_confirmation(&head("h", true), &set), Ok(()));
    }

    #[test]
    fn a_fixed_department_ledger_confirms_change_sets_instead_of_signing_again() {
        let fixed = LedgerNow { hash: "h", items: 4, signed: &[], fixed: true, missing_checks: 0 };
        assert_eq!(check_signature(&head("h", false), &fixed), Err(SignError::AlreadyFixed));
        let open = LedgerNow { fixed: false, ..fixed.clone() };
        assert_eq!(check_change_confirmation(&head("h", false), &open), Err(SignError::NotFixed));
        assert_eq!(check_change_confirmation(&head("h", false), &fixed), Ok(()));
        assert_eq!(check_change_confirmation(&head("x", false), &fixed), Err(SignError::Stale));
        let nothing = LedgerNow { items: 0, ..fixed.clone() };
        assert_eq!(check_change_confirmation(&head("h", false), &nothing), Err(SignError::NoChanges));
        // The leader second, once; the office never; the banner has no change sets.
        let leader =
            SignRequest { role: Role::Leader, capacity: Capacity::Leader, user_department: None, ..head("h", false) };
        assert_eq!(check_change_confirmation(&leader, &fixed), Err(SignError::OutOfOrder(Capacity::DepartmentHead)));
        let head_signed = LedgerNow { signed: &[Capacity::DepartmentHead], ..fixed.clone() };
        assert_eq!(check_change_confirmation(&leader, &head_signed), Ok(()));
        let both = LedgerNow { signed: &[Capacity::DepartmentHead, Capacity::Leader], ..fixed.clone() };
        assert_eq!(check_change_confirmation(&leader, &both), Err(SignError::AlreadySigned(Capacity::Leader)));
        let other = SignRequest { user_department: Some("gxj"), ..head("h", false) };
        assert_eq!(check_change_confirmation(&other, &fixed), Err(SignError::OtherDepartment));
        let office = SignRequest {
            role: Role::Office,
            capacity: Capacity::Office,
            kind: LedgerKind::Banner,
            user_department: None,
            ledger_department: None,
            ..head("h", false)
        };
        assert_eq!(check_change_confirmation(&office, &fixed), Err(SignError::NotForThisLedger(Capacity::Office)));
        // The banner ledger is signed again whenever its parts change.
        assert_eq!(check_signature(&office, &fixed), Ok(()));
    }

    fn lines() -> Vec<LedgerLine> {
        vec![
            line("2022-152529-44-01-000001", "land"),
            line("2022-152529-44-01-000001", "eia"),
            line("2022-152529-44-01-000002", "water"),
            line("2022-152529-44-01-000003", "forest"),
        ]
    }

    fn key(code: &str, item: &str) -> LineKey {
        (code.to_string(), item.to_string())
    }

    /// The state of a fixed version's signature with the ledger as `current`.
    fn state_now(signed: &[LedgerLine], current: &[LedgerLine], reduced: &BTreeSet<LineKey>) -> SignatureState {
        let text = CanonicalLedger::department("152529", "fgw", signed).text;
        SignatureState::of_fixed(&content_hash(&text), &text, diff_lines(signed, current, reduced).len())
    }

    #[test]
    fn reductions_never_change_what_was_signed() {
        let signed = lines();
        let mut reduced = BTreeSet::new();
        assert!(diff_lines(&signed, &signed, &reduced).is_empty());
        assert_eq!(state_now(&signed, &signed, &reduced), SignatureState::Matches);
        // Approved: the item is granted and leaves the ledger; the baseline says so.
        let mut current = signed.clone();
        current.remove(0);
        reduced.insert(key("2022-152529-44-01-000001", "land"));
        assert!(diff_lines(&signed, &current, &reduced).is_empty());
        assert_eq!(state_now(&signed, &current, &reduced), SignatureState::Matches);
        // Removed with an approved removal: the item may still be listed as pending.
        reduced.insert(key("2022-152529-44-01-000002", "water"));
        assert_eq!(state_now(&signed, &current, &reduced), SignatureState::Matches);
        // A project removed from the library: all of its lines go.
        current.retain(|l| l.project_code != "2022-152529-44-01-000003");
        reduced.insert(key("2022-152529-44-01-000003", "forest"));
        assert_eq!(state_now(&signed, &current, &reduced), SignatureState::Matches);
        // A reduced line that still changes (a late answer on a removed item) is no change either.
        let water = current.iter_mut().find(|l| l.item_type == "water").unwrap();
        water.due_on = Some(ymd(2023, 1, 1));
        assert_eq!(state_now(&signed, &current, &reduced), SignatureState::Matches);
    }

    #[test]
    fn absence_alone_is_not_a_reduction() {
        let signed = lines();
        let mut current = signed.clone();
        current.remove(0);
        let changes = diff_lines(&signed, &current, &BTreeSet::new());
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].kind, changes[0].item_type.as_str()), (ChangeKind::Dropped, "land"));
        assert_eq!(changes[0].after, None);
        assert_eq!(state_now(&signed, &current, &BTreeSet::new()), SignatureState::ChangesPending);
    }

    #[test]
    fn an_added_item_or_a_changed_deadline_is_a_change_listed_with_before_and_after() {
        let signed = lines();
        let reduced = BTreeSet::from([key("2022-152529-44-01-000001", "land")]);
        let mut current: Vec<LedgerLine> = signed[1..].to_vec();
        current.push(line("2022-152529-44-01-000002", "energy"));
        current[0].due_on = Some(ymd(2022, 12, 31));
        current[0].check_result = Some("环评报告书已受理".into());
        let changes = diff_lines(&signed, &current, &reduced);
        assert_eq!(state_now(&signed, &current, &reduced), SignatureState::ChangesPending);
        let summary: Vec<(ChangeKind, &str, &str)> =
            changes.iter().map(|c| (c.kind, c.project_code.as_str(), c.item_type.as_str())).collect();
        assert_eq!(
            summary,
            vec![
                (ChangeKind::Changed, "2022-152529-44-01-000001", "eia"),
                (ChangeKind::Added, "2022-152529-44-01-000002", "energy"),
            ]
        );
        let fields = changes[0].fields();
        assert_eq!(
            fields,
            vec![
                FieldChange {
                    field: "check_result",
                    label: "核查情况",
                    before: Some("材料齐全".into()),
                    after: Some("环评报告书已受理".into())
                },
                FieldChange {
                    field: "due_on",
                    label: "完成时限",
                    before: Some("2022-09-30".into()),
                    after: Some("2022-12-31".into())
                },
            ]
        );
        let added = changes[1].fields();
        assert!(added.iter().all(|f| f.before.is_none() && f.after.is_some()));
        assert!(added.iter().any(|f| f.label == "办理部门"));
        assert_eq!(ChangeKind::Added.label_zh(), "新增");
        assert_eq!(SignatureState::ChangesPending.label_zh(), "新增/变更，待签认");
        assert_eq!(SignatureState::Matches.label_zh(), "与签字版本一致");
    }

    #[test]
    fn a_confirmed_change_set_restores_validity() {
        let signed = lines();
        let reduced = BTreeSet::from([key("2022-152529-44-01-000001", "land")]);
        let mut current: Vec<LedgerLine> = signed[1..].to_vec();
        current[0].due_on = Some(ymd(2022, 12, 31));
        current.push(line("2022-152529-44-01-000002", "energy"));
        current.retain(|l| l.item_type != "forest");
        let changes = diff_lines(&signed, &current, &reduced);
        assert_eq!(changes.len(), 3);
        let set = ChangeSet::of("152529", "fgw", &signed, &changes);
        assert_eq!(set.changes, 3);
        assert_eq!(set.from_hash, CanonicalLedger::department("152529", "fgw", &signed).hash());
        assert_eq!(ChangeSet::ends(&set.text), Some((set.from_hash.clone(), set.to_hash.clone())));
        assert!(ChangeSet::intact(&set.hash(), &set.text, &set.result.text));
        assert!(!ChangeSet::intact(&set.hash(), &set.text.replace("2022-12-31", "2023-12-31"), &set.result.text));
        assert!(!ChangeSet::intact(&set.hash(), &set.text, &set.result.text.replace("fgw", "gxj")));
        // Confirmed: the signed content is the result, and nothing is pending.
        let confirmed = CanonicalLedger::parse_department(&set.result.text).unwrap();
        assert!(diff_lines(&confirmed, &current, &reduced).is_empty());
        assert_eq!(state_now(&confirmed, &current, &reduced), SignatureState::Matches);
        // The reduced line stays in the signed content as it was signed.
        assert!(confirmed.iter().any(|l| l.item_type == "land"));
        assert!(!confirmed.iter().any(|l| l.item_type == "forest"));
        // A change set is its content: another change, another hash; the order of the
        // changes does not matter.
        let mut reversed = changes.clone();
        reversed.reverse();
        assert_eq!(ChangeSet::of("152529", "fgw", &signed, &reversed).hash(), set.hash());
        assert_ne!(ChangeSet::of("152529", "fgw", &signed, &changes[..2]).hash(), set.hash());
        assert!(set.text.starts_with("qidi-ledger-v1 changes \"152529\" \"fgw\" "));
        assert_eq!(set.text.lines().nth(1).unwrap().split(',').next(), Some("[\"changed\""));
        // Each row is the change's kind and its lines' fields, as `fields` gives them.
        let mut by_key = changes.clone();
        by_key.sort_by_key(LineChange::key);
        for (row, c) in set.text.lines().skip(1).zip(&by_key) {
            let fields = (c.kind, c.before.as_ref().map(LedgerLine::fields), c.after.as_ref().map(LedgerLine::fields));
            assert_eq!(row, serde_json::to_string(&fields).unwrap());
        }
        assert_eq!(set.text.lines().count(), 1 + changes.len());
    }

    #[test]
    fn canonical_text_reads_back() {
        let mut l = lines();
        l[1].owner = None;
        l[2].due_on = None;
        l[3].project_name = "引号\"与\\反斜杠\n第二行 😀".into();
        let c = CanonicalLedger::department("152529", "fgw", &l);
        let back = CanonicalLedger::parse_department(&c.text).unwrap();
        assert_eq!(CanonicalLedger::department("152529", "fgw", &back), c);
        assert_eq!(back.len(), 4);
        assert_eq!(
            CanonicalLedger::parse_department(CanonicalLedger::department("152529", "fgw", &[]).text.as_str()),
            Some(vec![])
        );
        assert_eq!(CanonicalLedger::parse_department("qidi-ledger-v1 banner \"152529\"\n"), None);
        assert_eq!(CanonicalLedger::parse_department(&c.text.replace("2022-09-30", "2022-13-30")), None);
    }

    #[test]
    fn signature_state() {
        let text = "qidi-ledger-v1 banner \"152529\"\n";
        let h = content_hash(text);
        assert_eq!(SignatureState::of(&h, text, &h), SignatureState::Matches);
        assert_eq!(SignatureState::of(&h, text, "other"), SignatureState::Outdated);
        assert_eq!(SignatureState::of(&h, "tampered", &h), SignatureState::Broken);
    }

    #[test]
    fn reductions() {
        let approved =
            RemovalFacts { decision: Decision::Approved, reason: RemovalReason::LandSaving, text: "占地超标" };
        let proposed = RemovalFacts { decision: Decision::Proposed, ..approved.clone() };
        assert_eq!(check_reduction(None, Reduction::Approved, "granted", None), Ok(()));
        assert_eq!(check_reduction(None, Reduction::Approved, "pending", None), Err(ReductionError::NotGranted));
        assert_eq!(check_reduction(None, Reduction::Removed, "pending", Some(&approved)), Ok(()));
        assert_eq!(
            check_reduction(None, Reduction::Removed, "pending", Some(&proposed)),
            Err(ReductionError::RemovalNotApproved)
        );
        assert_eq!(check_reduction(None, Reduction::Removed, "pending", None), Err(ReductionError::RemovalNotApproved));
        let blank = RemovalFacts { text: "  ", ..approved.clone() };
        assert_eq!(check_reduction(None, Reduction::Removed, "pending", Some(&blank)), Err(ReductionError::NoReason));
        assert_eq!(
            check_reduction(Some(Reduction::Approved), Reduction::Removed, "granted", Some(&approved)),
            Err(ReductionError::AlreadyReduced)
        );
    }

    #[test]
    fn removal_rules() {
        for r in REMOVAL_REASONS {
            assert_eq!(RemovalReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(RemovalReason::parse("whim"), None);
        assert_eq!(check_reason_text("  "), Err(RemovalError::NoReasonText));
        assert_eq!(check_reason_text(" 用地超标 ").unwrap(), "用地超标");
        assert!(may_propose_removal(Role::Handler).is_ok());
        assert!(may_propose_removal(Role::Inspector).is_err());
        assert!(check_decision(Role::Office, Decision::Proposed, Decision::Approved).is_ok());
        assert_eq!(
            check_decision(Role::DepartmentHead, Decision::Proposed, Decision::Approved),
            Err(RemovalError::MayNotDecide)
        );
        assert_eq!(
            check_decision(Role::Office, Decision::Approved, Decision::Rejected),
            Err(RemovalError::AlreadyDecided(Decision::Approved))
        );
        assert_eq!(
            check_decision(Role::Office, Decision::Proposed, Decision::Proposed),
            Err(RemovalError::NotADecision)
        );
    }

    #[test]
    fn check_answers() {
        let a = CheckAnswer { check_result: " 已受理 ".into(), ..Default::default() };
        assert_eq!(a.validated(), Err(CheckAnswerError::Missing(vec!["责任人", "受理情况", "完成时限"])));
        let ok = CheckAnswer {
            check_result: "材料齐全".into(),
            responsible_person: "王海".into(),
            acceptance_status: "已受理".into(),
            due_on: Some(ymd(2022, 9, 30)),
        };
        assert_eq!(ok.clone().validated().unwrap(), ok);
        let today = ymd(2022, 8, 21);
        assert_eq!(AnswerState::of(false, ymd(2022, 8, 20), today), AnswerState::Overdue);
        assert_eq!(AnswerState::of(false, ymd(2022, 8, 21), today), AnswerState::Missing);
        assert_eq!(AnswerState::of(true, ymd(2022, 8, 20), today), AnswerState::Answered);
        assert!(may_answer(Role::Handler, Some("zrzy"), "zrzy"));
        assert!(!may_answer(Role::Handler, Some("slj"), "zrzy"));
        assert!(!may_answer(Role::Office, None, "zrzy"));
        assert!(may_push_check_list(Role::Office, None, "fgw"));
        assert!(may_push_check_list(Role::Handler, Some("fgw"), "fgw"));
        assert!(!may_push_check_list(Role::Handler, Some("zrzy"), "fgw"));
        assert!(!may_push_check_list(Role::Inspector, None, "fgw"));
    }

    #[test]
    fn progress_arithmetic() {
        let d = |m, day| ymd(2022, m, day);
        let e = |added, addition, reduced| BaselineEntry { added_on: added, addition, reduced };
        let entries = vec![
            e(d(8, 23), false, None),
            e(d(8, 23), false, Some((Reduction::Approved, d(9, 1)))),
            e(d(8, 23), false, Some((Reduction::Removed, d(9, 20)))),
            e(d(8, 23), false, Some((Reduction::Approved, d(9, 1)))),
            e(d(9, 5), true, None),
        ];
        let p = Progress::of(&entries);
        assert_eq!(p, Progress { baseline: 4, additions: 1, approved: 2, removed: 1, remaining: 2 });
        assert_eq!(p.total(), 5);
        assert_eq!(p.percent_done(), 60);
        assert_eq!(p.baseline + p.additions - p.approved - p.removed, p.remaining);
        assert_eq!(Progress::default().percent_done(), 0);

        let b = BurnDown::of(&entries, d(8, 23), d(12, 31), d(10, 1));
        assert_eq!(b.initial, 4);
        assert_eq!(b.actual, vec![(d(8, 23), 4), (d(9, 1), 2), (d(9, 5), 3), (d(9, 20), 2), (d(10, 1), 2)]);
        assert_eq!(b.remaining(), 2);
        assert_eq!(b.ideal(d(8, 23)), 4.0);
        assert_eq!(b.ideal(d(12, 31)), 0.0);
        assert_eq!(b.ideal(ymd(2023, 3, 1)), 0.0);
        assert!((b.ideal(d(10, 27)) - 2.0).abs() < 0.02);
        // The line is at 4 × (1 − 39/130) = 2.8 on 10-01: 2 left is ahead of it.
        assert!(!b.behind());
        let late = BurnDown::of(&entries, d(8, 23), d(12, 31), d(12, 1));
        assert!(late.behind(), "2 left on 12-01 is above the line (about 0.9)");
    }

    #[test]
    fn burn_down_edges() {
        let d = |m, day| ymd(2022, m, day);
        // Fixed and partly approved on the same day: the line starts from all of it.
        let same_day = [
            BaselineEntry { added_on: d(8, 23), addition: false, reduced: Some((Reduction::Approved, d(8, 23))) },
            BaselineEntry { added_on: d(8, 23), addition: false, reduced: None },
        ];
        let b = BurnDown::of(&same_day, d(8, 23), d(12, 31), d(8, 23));
        assert_eq!((b.initial, b.actual.clone()), (2, vec![(d(8, 23), 2), (d(8, 23), 1)]));
        assert_eq!(b.remaining(), 1);
        // Nothing yet.
        let b = BurnDown::of(&[], d(8, 23), d(12, 31), d(9, 1));
        assert_eq!(b.actual, vec![(d(8, 23), 0), (d(9, 1), 0)]);
        assert!(!b.behind());
        // Today past the end: the overrun stays visible, and everything is due.
        let entries = [BaselineEntry { added_on: d(8, 23), addition: false, reduced: None }];
        let b = BurnDown::of(&entries, d(8, 23), d(12, 31), ymd(2023, 2, 1));
        assert_eq!(b.actual, vec![(d(8, 23), 1), (ymd(2023, 2, 1), 1)]);
        assert_eq!(b.axis_end(), ymd(2023, 2, 1));
        assert_eq!(b.ideal(ymd(2023, 1, 15)), 0.0);
        assert!(b.behind());
        // A baseline fixed after the campaign's end: the line is at zero from the start.
        let late = [BaselineEntry { added_on: ymd(2023, 3, 1), addition: false, reduced: None }];
        let b = BurnDown::of(&late, ymd(2023, 3, 1), d(12, 31), ymd(2023, 3, 10));
        assert_eq!((b.initial, b.ideal(ymd(2023, 3, 1))), (1, 0.0));
        assert_eq!(b.axis_end(), ymd(2023, 3, 10));
        assert!(b.behind());
        // Today before the start: one point.
        let b = BurnDown::of(&entries, d(8, 23), d(12, 31), d(8, 1));
        assert_eq!(b.actual, vec![(d(8, 23), 1)]);
        assert_eq!(b.axis_end(), d(12, 31));
    }
}
