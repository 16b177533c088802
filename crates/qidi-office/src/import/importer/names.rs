//! Department and item type names as written, resolved by the name table; names that match nothing.

use super::Importer;
use qidi_core::ledger_file::UnknownName;
use qidi_core::names::{did_you_mean, NameKind};
use qidi_core::sentence::Sentence;

impl<'o> Importer<'o> {
    pub(super) fn department(&mut self, written: &str) -> Option<String> {
        if let Some(hit) = self.dept_cache.get(written) {
            return hit.clone();
        }
        let code = self.opts.names.department_code(written).map(str::to_string);
        if self.dept_cache.len() < 10_000 {
            self.dept_cache.insert(written.to_string(), code.clone());
        }
        code
    }

    pub(super) fn item_type(&mut self, written: &str) -> Option<(String, String)> {
        if let Some(hit) = self.item_cache.get(written) {
            return hit.clone();
        }
        let t = self.opts.names.item_type(written).map(|(c, d)| (c.to_string(), d.to_string()));
        if self.item_cache.len() < 10_000 {
            self.item_cache.insert(written.to_string(), t.clone());
        }
        t
    }

    /// The error for a name that matches nothing, with the closest known names; the
    /// name is kept for the office to map.
    pub(super) fn unknown_name(&mut self, kind: NameKind, written: &str, row: u32) -> Sentence {
        let key = (kind, self.opts.names.key(written));
        let i = match self.unknown_index.get(&key) {
            Some(&i) => i,
            None => {
                let suggestions =
                    self.opts.names.suggest(kind, written, 3).into_iter().map(str::to_string).collect::<Vec<_>>();
                self.unknown.push(UnknownName { kind, written: written.to_string(), rows: Vec::new(), suggestions });
                if self.unknown.len() < 10_000 {
                    self.unknown_index.insert(key, self.unknown.len() - 1);
                }
                self.unknown.len() - 1
            }
        };
        let u = &mut self.unknown[i];
        if u.rows.last() != Some(&row) && u.rows.len() < 10_000 {
            u.rows.push(row);
        }
        let suggestions: Vec<&str> = u.suggestions.iter().map(String::as_str).collect();
        unknown_name_sentence(kind, written, &suggestions)
    }
}

/// The error for a department or item type name that matches nothing: the closest
/// known names, if any, and how the office maps it.
fn unknown_name_sentence(kind: NameKind, written: &str, suggestions: &[&str]) -> Sentence {
    let hint = did_you_mean(suggestions);
    let stop = if hint.is_empty() { "" } else { "。" };
    let s = match (kind, suggestions.is_empty()) {
        (NameKind::Department, true) => Sentence::new(
            "err-import-unknown-department",
            format!("部门“{written}”不在部门目录中（领导小组办公室可在导入检查页把它对应到已有部门，或请管理员添加别名）"),
        ),
        (NameKind::Department, false) => Sentence::new(
            "err-import-unknown-department-suggest",
            format!("部门“{written}”不在部门目录中{stop}{hint}（领导小组办公室可在导入检查页把它对应到已有部门，或请管理员添加别名）"),
        ),
        (NameKind::ItemType, true) => Sentence::new(
            "err-import-unknown-item-type",
            format!("待批事项“{written}”不在审批事项目录中（领导小组办公室可在导入检查页把它对应到已有事项，或请管理员添加别名）"),
        ),
        (NameKind::ItemType, false) => Sentence::new(
            "err-import-unknown-item-type-suggest",
            format!("待批事项“{written}”不在审批事项目录中{stop}{hint}（领导小组办公室可在导入检查页把它对应到已有事项，或请管理员添加别名）"),
        ),
    };
    let s = s.arg("written", written);
    if suggestions.is_empty() {
        s
    } else {
        s.arg("suggestions", suggestions.join(", "))
    }
}
