//! Sign-off: whose ledger, in which capacity, who signs when, and how a signature stands.

// Named by doc links here; rustdoc only.
#[cfg(doc)]
use super::{check_missing, content_hash, diff_lines};
use crate::role::Role;
use crate::sentence::{Arg, Explain};
use serde::{Deserialize, Serialize};

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

/// Whether `role` of `user_department` may sign a `kind` ledger of `ledger_department`
/// in `capacity`: a capacity of that ledger, the signer's own role, and a department
/// head only for their own department. The two departments are named alike (both
/// codes, or both ids).
pub fn may_sign(
    kind: LedgerKind,
    capacity: Capacity,
    role: Role,
    user_department: Option<&str>,
    ledger_department: Option<&str>,
) -> Result<(), SignError> {
    if !kind.capacities().contains(&capacity) {
        return Err(SignError::NotForThisLedger(capacity));
    }
    if role != capacity.role() {
        return Err(SignError::WrongRole(capacity));
    }
    if capacity == Capacity::DepartmentHead && (user_department.is_none() || user_department != ledger_department) {
        return Err(SignError::OtherDepartment);
    }
    Ok(())
}

fn check_signer(req: &SignRequest<'_>) -> Result<(), SignError> {
    may_sign(req.kind, req.capacity, req.role, req.user_department, req.ledger_department)
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// By hash: `signed_hash` is what the signature bound, `stored_hash` the hash of the
    /// version's stored canonical text ([`content_hash`], taken once however many
    /// signatures it carries), `current_hash` the hash it must still have (the banner
    /// ledger's now, a department ledger's now while it is not fixed, a change set's own
    /// once confirmed).
    pub fn of(signed_hash: &str, stored_hash: &str, current_hash: &str) -> SignatureState {
        if stored_hash != signed_hash {
            SignatureState::Broken
        } else if signed_hash == current_hash {
            SignatureState::Matches
        } else {
            SignatureState::Outdated
        }
    }

    /// A signature of the version that fixed a department ledger: it holds while the
    /// stored content gives the signed hash (`stored_hash`, as for [`SignatureState::of`]).
    /// Reductions never touch it; changes to the signed content ([`diff_lines`]) not yet
    /// confirmed show as pending.
    pub fn of_fixed(signed_hash: &str, stored_hash: &str, pending_changes: usize) -> SignatureState {
        if stored_hash != signed_hash {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{check_missing, content_hash};

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

    #[test]
    fn signature_state() {
        let text = "qidi-ledger-v1 banner \"152529\"\n";
        let h = content_hash(text);
        assert_eq!(SignatureState::of(&h, &content_hash(text), &h), SignatureState::Matches);
        assert_eq!(SignatureState::of(&h, &content_hash(text), "other"), SignatureState::Outdated);
        assert_eq!(SignatureState::of(&h, &content_hash("tampered"), &h), SignatureState::Broken);
    }
}
