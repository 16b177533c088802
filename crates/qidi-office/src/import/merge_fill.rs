//! Vertically merged item cells carried down their region.

use super::layout::Layout;
use crate::cells::Val;
use crate::headers::Field;
use crate::safety::MergedRange;
use std::collections::HashMap;

/// Vertically merged item cells: the value of the top cell carried down the region.
///
/// Project columns are not filled: an empty project cell under a project already
/// means "the project above", merged or not.
pub(super) struct MergeFill<'a> {
    starts: HashMap<u32, Vec<(u32, u32)>>,
    active: Vec<(u32, u32, Val<'a>)>,
}

impl<'a> MergeFill<'a> {
    pub(super) fn new(merges: Vec<MergedRange>, layout: &Layout) -> Self {
        let item_cols: Vec<u32> =
            Field::ALL.iter().filter(|f| !f.is_project_field()).filter_map(|f| layout.col(*f)).collect();
        let mut starts: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
        for ((r1, c1), (r2, _)) in merges {
            if r2 > r1 && r1 > layout.header_row && item_cols.contains(&c1) {
                starts.entry(r1).or_default().push((c1, r2));
            }
        }
        MergeFill { starts, active: Vec::new() }
    }

    pub(super) fn apply(&mut self, row: u32, cells: &mut Vec<(u32, Val<'a>)>) {
        if self.active.is_empty() && self.starts.is_empty() {
            return;
        }
        self.active.retain(|a| a.1 >= row);
        for (col, _, val) in &self.active {
            match cells.binary_search_by_key(col, |c| c.0) {
                Ok(i) if cells[i].1.is_empty() => cells[i].1 = val.clone(),
                Ok(_) => {}
                Err(i) => cells.insert(i, (*col, val.clone())),
            }
        }
        if let Some(starts) = self.starts.remove(&row) {
            for (col, end) in starts {
                if let Ok(i) = cells.binary_search_by_key(&col, |c| c.0) {
                    self.active.push((col, end, cells[i].1.clone()));
                }
            }
        }
    }
}
