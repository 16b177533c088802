//! Alias tables: the names spreadsheets use for departments and item types,
//! mapped to their stable codes.

use qidi_core::catalogue::{normalise_name, DEPARTMENTS, ITEM_TYPES};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Department {
    code: String,
    name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ItemType {
    code: String,
    name: String,
    department: String,
}

/// Department code → names, item type code → (names, default handling department).
///
/// Names are compared after [`normalise_name`] (half-width, no spaces, no bracketed
/// note, no leading 旗/正镶白旗), so `旗发改委`, `发改委 ` and `正镶白旗发展和改革委员会`
/// all find `fgw`. A department's or item type's code matches too.
///
/// [`NameTable::shipped`] is built from `qidi_core::catalogue`; the store builds the
/// live table from the database with [`NameTable::new`], [`NameTable::add_department`],
/// [`NameTable::add_item_type`] and the alias methods.
#[derive(Debug, Clone, Default)]
pub struct NameTable {
    departments: Vec<Department>,
    item_types: Vec<ItemType>,
    dept_index: HashMap<String, usize>,
    item_index: HashMap<String, usize>,
}

impl NameTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The departments and item types shipped in `qidi_core::catalogue`, with their aliases.
    pub fn shipped() -> Self {
        let mut t = NameTable::new();
        for d in DEPARTMENTS {
            t.add_department(d.code, d.name);
            for a in d.aliases {
                t.add_department_alias(d.code, a);
            }
        }
        for it in ITEM_TYPES {
            t.add_item_type(it.code, it.name, it.department);
            for a in it.aliases {
                t.add_item_type_alias(it.code, a);
            }
        }
        t
    }

    /// Add a department (or rename it, if the code is known). The name is also an alias.
    pub fn add_department(&mut self, code: &str, name: &str) {
        let idx = match self.departments.iter().position(|d| d.code == code) {
            Some(i) => {
                self.departments[i].name = name.to_string();
                i
            }
            None => {
                self.departments.push(Department { code: code.to_string(), name: name.to_string() });
                self.departments.len() - 1
            }
        };
        insert_key(&mut self.dept_index, code, idx);
        insert_key(&mut self.dept_index, name, idx);
    }

    /// Another name for a department. An unknown code is added with the alias as its name.
    /// An alias already used for another department now means this one.
    pub fn add_department_alias(&mut self, code: &str, alias: &str) {
        match self.departments.iter().position(|d| d.code == code) {
            Some(idx) => insert_key(&mut self.dept_index, alias, idx),
            None => {
                self.add_department(code, alias);
            }
        }
    }

    /// Add an item type with its default handling department (or update it).
    pub fn add_item_type(&mut self, code: &str, name: &str, department: &str) {
        let idx = match self.item_types.iter().position(|t| t.code == code) {
            Some(i) => {
                self.item_types[i].name = name.to_string();
                self.item_types[i].department = department.to_string();
                i
            }
            None => {
                self.item_types.push(ItemType {
                    code: code.to_string(),
                    name: name.to_string(),
                    department: department.to_string(),
                });
                self.item_types.len() - 1
            }
        };
        insert_key(&mut self.item_index, code, idx);
        insert_key(&mut self.item_index, name, idx);
    }

    /// Another name for an item type. Ignored (returns false) if the code is unknown,
    /// because an item type needs a department.
    pub fn add_item_type_alias(&mut self, code: &str, alias: &str) -> bool {
        match self.item_types.iter().position(|t| t.code == code) {
            Some(idx) => {
                insert_key(&mut self.item_index, alias, idx);
                true
            }
            None => false,
        }
    }

    /// The department code for a name as written.
    pub fn department_code(&self, written: &str) -> Option<&str> {
        lookup(&self.dept_index, written).map(|i| self.departments[i].code.as_str())
    }

    /// The item type code and its default handling department for a name as written.
    pub fn item_type(&self, written: &str) -> Option<(&str, &str)> {
        lookup(&self.item_index, written).map(|i| {
            let t = &self.item_types[i];
            (t.code.as_str(), t.department.as_str())
        })
    }

    /// The name a department is written with in exports; the code itself if unknown.
    pub fn department_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.departments.iter().find(|d| d.code == code).map_or(code, |d| d.name.as_str())
    }

    /// The name an item type is written with in exports; the code itself if unknown.
    pub fn item_type_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.item_types.iter().find(|t| t.code == code).map_or(code, |t| t.name.as_str())
    }

    /// The default handling department of an item type.
    pub fn item_type_department(&self, code: &str) -> Option<&str> {
        self.item_types.iter().find(|t| t.code == code).map(|t| t.department.as_str())
    }
}

fn key(s: &str) -> String {
    normalise_name(s).to_lowercase()
}

fn insert_key(index: &mut HashMap<String, usize>, name: &str, idx: usize) {
    let k = key(name);
    if !k.is_empty() {
        index.insert(k, idx);
    }
}

fn lookup(index: &HashMap<String, usize>, written: &str) -> Option<usize> {
    let k = key(written);
    if k.is_empty() {
        return None;
    }
    index.get(&k).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_names_and_aliases() {
        let t = NameTable::shipped();
        assert_eq!(t.department_code("旗发改委"), Some("fgw"));
        assert_eq!(t.department_code("发改委"), Some("fgw"));
        assert_eq!(t.department_code("正镶白旗发展和改革委员会"), Some("fgw"));
        assert_eq!(t.department_code("ＦＧＷ"), Some("fgw"));
        assert_eq!(t.department_code("自然资源局 "), Some("zrzy"));
        assert_eq!(t.department_code("公安局"), None);
        assert_eq!(t.item_type("环评"), Some(("eia", "sthj")));
        assert_eq!(t.item_type("规划许可"), None);
        assert_eq!(t.department_name("fgw"), "旗发展和改革委员会");
        assert_eq!(t.department_name("xyz"), "xyz");
        assert_eq!(t.item_type_name("eia"), "环境影响评价");
    }

    #[test]
    fn aliases_can_be_added() {
        let mut t = NameTable::shipped();
        assert_eq!(t.department_code("锡林郭勒盟生态环境局正镶白旗分局"), None);
        t.add_department_alias("sthj", "锡林郭勒盟生态环境局正镶白旗分局");
        assert_eq!(t.department_code("锡林郭勒盟生态环境局正镶白旗分局"), Some("sthj"));
        assert!(t.add_item_type_alias("eia", "环境影响登记表"));
        assert_eq!(t.item_type("环境影响登记表"), Some(("eia", "sthj")));
        assert!(!t.add_item_type_alias("nope", "x"));
        t.add_department_alias("gaj", "公安局");
        assert_eq!(t.department_code("公安局"), Some("gaj"));
    }
}
