//! Changes to a fixed ledger's signed content, and the change sets that confirm them.

use super::canonical::{canonical_text, change_set_head, DepartmentReading, ReadText};
use super::{content_hash, CanonicalLedger, LedgerLine, LineKey, CANONICAL_TAG, LINE_FIELDS};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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

/// One field of a line that differs: before → after. Read back (a ledger's state kept
/// while its page waits for it) only with a field of [`LINE_FIELDS`], whose label it
/// takes from there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Its identifier in [`LINE_FIELDS`].
    pub field: &'static str,
    pub label: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A [`FieldChange`] as read, before its field is found in [`LINE_FIELDS`].
#[derive(Deserialize)]
struct FieldChangeText {
    field: String,
    before: Option<String>,
    after: Option<String>,
}

// By hand: a derived one would borrow the `&'static str`s from the input.
impl<'de> Deserialize<'de> for FieldChange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = FieldChangeText::deserialize(d)?;
        let (field, label) = LINE_FIELDS
            .iter()
            .find(|(f, _)| *f == t.field)
            .ok_or_else(|| serde::de::Error::custom(format!("not a field of a ledger line: {}", t.field)))?;
        Ok(FieldChange { field, label, before: t.before, after: t.after })
    }
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
        let from_hash = CanonicalLedger::department_hash(region, department, signed);
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

    /// What a stored change set's texts give, worked out once as they are read.
    pub fn check(signed_hash: &str, text: &str, result_text: &str) -> ChangeSetCheck {
        let mut result = DepartmentReading::new(false);
        result.feed(result_text.as_bytes());
        Self::checked(signed_hash, content_hash(text), text, &result.finish())
    }

    /// [`ChangeSet::check`] from what the texts gave as they were read a part at a time:
    /// the text's hash and its start (its head line), and the result read back.
    pub fn checked(signed_hash: &str, stored_hash: String, text_start: &str, result: &ReadText) -> ChangeSetCheck {
        let ends = Self::ends(text_start);
        let intact = stored_hash == signed_hash
            && ends.as_ref().is_some_and(|(_, to)| *to == result.hash)
            && result.lines.is_some();
        ChangeSetCheck { stored_hash, from_hash: ends.map(|(from, _)| from), result_hash: result.hash.clone(), intact }
    }
}

/// What a stored change set's texts give. A region's texts are hundreds of megabytes and
/// a page asks this of each set more than once, so it is worked out once, when they are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetCheck {
    /// The hash of the stored text: its signatures hold while it is theirs.
    pub stored_hash: String,
    /// The signed content the text's head line says it was made for.
    pub from_hash: Option<String>,
    /// The hash of the stored result.
    pub result_hash: String,
    /// Whether the set holds together: its text gives the signed hash, and the stored
    /// result is the signed content its head line says it leads to.
    pub intact: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::fixtures::{line, lines, ymd};
    use crate::ledger::SignatureState;

    fn key(code: &str, item: &str) -> LineKey {
        (code.to_string(), item.to_string())
    }

    /// The state of a fixed version's signature with the ledger as `current`.
    fn state_now(signed: &[LedgerLine], current: &[LedgerLine], reduced: &BTreeSet<LineKey>) -> SignatureState {
        let text = CanonicalLedger::department("152529", "fgw", signed).text;
        let stored = content_hash(&text);
        SignatureState::of_fixed(&stored, &stored, diff_lines(signed, current, reduced).len())
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
        let check = ChangeSet::check(&set.hash(), &set.text, &set.result.text);
        assert!(check.intact);
        assert_eq!(check.stored_hash, set.hash());
        assert_eq!(check.from_hash.as_deref(), Some(set.from_hash.as_str()));
        assert_eq!(check.result_hash, set.to_hash);
        let edited = set.text.replace("2022-12-31", "2023-12-31");
        let check = ChangeSet::check(&set.hash(), &edited, &set.result.text);
        assert!(!check.intact);
        assert_eq!(check.stored_hash, content_hash(&edited));
        assert!(!ChangeSet::check(&set.hash(), &set.text, &set.result.text.replace("fgw", "gxj")).intact);
        // A result that hashes as named but is not a department ledger does not hold.
        let not_a_ledger = "not a ledger\n";
        let text = set.text.replacen(&set.to_hash, &content_hash(not_a_ledger), 1);
        assert!(!ChangeSet::check(&content_hash(&text), &text, not_a_ledger).intact);
        assert!(ChangeSet::check(&content_hash(&text), &text, not_a_ledger).from_hash.is_some());
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
    fn a_field_change_reads_back_as_written_and_only_with_a_line_field() {
        let signed = lines();
        let mut current = signed.clone();
        current[0].due_on = Some(ymd(2027, 1, 15));
        current[0].check_result = None;
        let changes = diff_lines(&signed, &current, &BTreeSet::new());
        let fields = changes[0].fields();
        assert_eq!(fields.len(), 2, "{fields:?}");
        let text = serde_json::to_string(&fields).unwrap();
        assert_eq!(serde_json::from_str::<Vec<FieldChange>>(&text).unwrap(), fields);
        let unknown = r#"{"field":"password","label":"项目代码","before":null,"after":"x"}"#;
        let refused = serde_json::from_str::<FieldChange>(unknown).unwrap_err().to_string();
        assert!(refused.contains("not a field of a ledger line: password"), "{refused}");
        // The label is the field's own, whatever was written beside it.
        let relabelled = r#"{"field":"due_on","label":"项目代码","before":null,"after":"x"}"#;
        assert_eq!(serde_json::from_str::<FieldChange>(relabelled).unwrap().label, "完成时限");
    }
}
