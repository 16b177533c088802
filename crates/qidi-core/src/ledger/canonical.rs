//! Ledger versions: the lines, their canonical text, the banner's parts and the hash a sign-off binds.

use super::OutOfOrder;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

/// A line's key as a page's address or the API names it, `project_code/item_type` (an
/// item type code holds no slash); None when either part is missing.
pub fn parse_line_key(text: &str) -> Option<LineKey> {
    let (project, item_type) = text.rsplit_once('/')?;
    (!project.is_empty() && !item_type.is_empty()).then(|| (project.to_string(), item_type.to_string()))
}

/// A line's key as [`parse_line_key`] reads it.
pub fn line_key_text(project_code: &str, item_type: &str) -> String {
    format!("{project_code}/{item_type}")
}

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
    pub(super) fn canonical(&self) -> CanonicalFields<'_> {
        CanonicalFields(self)
    }

    /// A row of a department ledger's canonical text (its JSON, without the newline);
    /// None when it is not one.
    pub(super) fn parse_row(row: &[u8]) -> Option<LedgerLine> {
        LedgerLine::from_fields(serde_json::from_slice(row).ok()?)
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
pub(super) struct CanonicalFields<'a>(&'a LedgerLine);

impl Serialize for CanonicalFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let due = self.0.due_text();
        self.0.values(due.as_deref()).serialize(s)
    }
}

/// Rows of a canonical text, each a JSON value ending in `\n`, after its head line.
pub(super) fn canonical_text<T: Serialize>(head: String, rows: impl IntoIterator<Item = T>) -> String {
    let mut text = head.into_bytes();
    for row in rows {
        serde_json::to_writer(&mut text, &row).expect("strings serialise");
        text.push(b'\n');
    }
    String::from_utf8(text).expect("JSON is UTF-8")
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
        let sorted = in_key_order(lines);
        let items = sorted.len() as u64;
        let head = department_head(region, department);
        CanonicalLedger { text: canonical_text(head, sorted.into_iter().map(LedgerLine::canonical)), items }
    }

    /// The hash of [`CanonicalLedger::department`]'s text for `lines`, written a line at
    /// a time into the hash and never held: a region's signed content is hundreds of
    /// megabytes of text, and a page or a confirmation needs only its hash.
    pub fn department_hash<'a>(
        region: &str,
        department: &str,
        lines: impl IntoIterator<Item = &'a LedgerLine>,
    ) -> String {
        let mut hasher = Sha256::new_with_prefix(department_head(region, department));
        let mut row = Vec::new();
        for line in in_key_order(lines) {
            row.clear();
            serde_json::to_writer(&mut row, &line.canonical()).expect("strings serialise");
            row.push(b'\n');
            hasher.update(&row);
        }
        hex::encode(hasher.finalize())
    }

    /// The lines of a department ledger's canonical text, read back (the inverse of
    /// [`CanonicalLedger::department`]); `None` if the text is not one.
    pub fn parse_department(text: &str) -> Option<Vec<LedgerLine>> {
        let mut rows = text.split_terminator('\n');
        if !rows.next()?.starts_with(&format!("{CANONICAL_TAG} department ")) {
            return None;
        }
        rows.map(|row| LedgerLine::parse_row(row.as_bytes())).collect()
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

/// A department ledger's canonical text read back as it comes, a piece at a time (the
/// parts it is stored in): hashed, and its lines parsed, without holding the text. The
/// same as [`content_hash`] and [`CanonicalLedger::parse_department`] of the whole text,
/// wherever it is cut; a region's text is hundreds of megabytes beside its lines.
pub struct DepartmentReading {
    hasher: Sha256,
    /// The line begun and not yet ended.
    pending: Vec<u8>,
    head_seen: bool,
    /// The lines so far; None once the text is not a department ledger.
    lines: Option<Vec<LedgerLine>>,
    /// Whether the lines are kept, or only checked.
    keep: bool,
}

/// A department ledger's text as read: its hash, and its lines (kept, or checked only and
/// then empty), or None when it is not a department ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadText {
    pub hash: String,
    pub lines: Option<Vec<LedgerLine>>,
}

impl DepartmentReading {
    /// `keep`: keep the lines, or only check that the text is a department ledger.
    pub fn new(keep: bool) -> DepartmentReading {
        DepartmentReading {
            hasher: Sha256::new(),
            pending: Vec::new(),
            head_seen: false,
            lines: Some(Vec::new()),
            keep,
        }
    }

    /// The next piece of the text.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        self.hasher.update(bytes);
        while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            if self.pending.is_empty() {
                self.line(&bytes[..end]);
            } else {
                self.pending.extend_from_slice(&bytes[..end]);
                let line = std::mem::take(&mut self.pending);
                self.line(&line);
            }
            bytes = &bytes[end + 1..];
        }
        self.pending.extend_from_slice(bytes);
    }

    fn line(&mut self, line: &[u8]) {
        let Some(lines) = &mut self.lines else { return };
        let Ok(line) = std::str::from_utf8(line) else {
            self.lines = None;
            return;
        };
        if !self.head_seen {
            self.head_seen = true;
            if !line.starts_with(&format!("{CANONICAL_TAG} department ")) {
                self.lines = None;
            }
            return;
        }
        match LedgerLine::parse_row(line.as_bytes()) {
            Some(l) if self.keep => lines.push(l),
            Some(_) => {}
            None => self.lines = None,
        }
    }

    pub fn finish(mut self) -> ReadText {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.line(&line);
        }
        let lines = if self.head_seen { self.lines } else { None };
        ReadText { hash: hex::encode(self.hasher.finalize()), lines }
    }
}

/// Lines by project code, then item type; equal keys in the order they came.
fn in_key_order<'a>(lines: impl IntoIterator<Item = &'a LedgerLine>) -> Vec<&'a LedgerLine> {
    let mut sorted: Vec<&LedgerLine> = lines.into_iter().collect();
    sorted.sort_by(|a, b| a.key_ref().cmp(&b.key_ref()));
    sorted
}

/// A department ledger's canonical text written as its lines come, in canonical order
/// (project code, then item type, byte by byte): what signing stores, without holding
/// the lines. [`CanonicalLedger::department`] gives the same text for the same lines.
/// The text is hashed as it is written, so a caller may take what is written as it goes
/// ([`DepartmentText::take_written`]) and keep a region's text out of memory.
pub struct DepartmentText {
    text: Vec<u8>,
    hasher: Sha256,
    items: u64,
    last: Option<LineKey>,
}

/// A department ledger's canonical text once written: its hash and line count, and what
/// of the text was not taken as it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenText {
    pub hash: String,
    pub items: u64,
    pub rest: Vec<u8>,
}

impl DepartmentText {
    pub fn new(region: &str, department: &str) -> DepartmentText {
        let head = department_head(region, department).into_bytes();
        DepartmentText { hasher: Sha256::new_with_prefix(&head), text: head, items: 0, last: None }
    }

    /// The next line; one out of order (or a key twice) is refused, and nothing written.
    pub fn push(&mut self, line: &LedgerLine) -> Result<(), OutOfOrder> {
        if let Some(last) = &self.last {
            if (last.0.as_str(), last.1.as_str()) >= line.key_ref() {
                return Err(OutOfOrder { after: last.clone(), line: line.key() });
            }
        }
        self.last = Some(line.key());
        let start = self.text.len();
        serde_json::to_writer(&mut self.text, &line.canonical()).expect("strings serialise");
        self.text.push(b'\n');
        self.hasher.update(&self.text[start..]);
        self.items += 1;
        Ok(())
    }

    /// How many bytes of text are held: written and not taken.
    pub fn held(&self) -> usize {
        self.text.len()
    }

    /// The text written since it was last taken: whole lines. The hash still covers it.
    pub fn take_written(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.text)
    }

    pub fn finish(self) -> WrittenText {
        WrittenText { hash: hex::encode(self.hasher.finalize()), items: self.items, rest: self.text }
    }
}

/// The head line of a department ledger's canonical text.
pub(super) fn department_head(region: &str, department: &str) -> String {
    format!("{CANONICAL_TAG} department {} {}\n", json_str(region), json_str(department))
}

/// The head line of a change set's text.
pub(super) fn change_set_head(region: &str, department: &str, from_hash: &str, to_hash: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::fixtures::{line, lines};

    #[test]
    fn a_text_read_in_pieces_needs_its_head() {
        let read = |text: &str| {
            let mut r = DepartmentReading::new(true);
            r.feed(text.as_bytes());
            r.finish().lines
        };
        assert_eq!(read(""), None);
        assert_eq!(read("qidi-ledger-v1 banner \"152529\"\n"), None);
        assert_eq!(read("qidi-ledger-v1 department \"152529\" \"fgw\""), Some(vec![]));
        assert_eq!(read("qidi-ledger-v1 department \"152529\" \"fgw\"\n[1]\n"), None);
    }

    #[test]
    fn a_line_out_of_order_or_twice_is_refused() {
        let mut text = DepartmentText::new("152529", "fgw");
        text.push(&line("2022-152529-44-01-000002", "land")).unwrap();
        let before = DepartmentText::new("152529", "fgw").finish();
        assert!(text.push(&line("2022-152529-44-01-000001", "land")).is_err(), "an earlier project");
        assert!(text.push(&line("2022-152529-44-01-000002", "eia")).is_err(), "an earlier item type");
        assert!(text.push(&line("2022-152529-44-01-000002", "land")).is_err(), "the same line twice");
        text.push(&line("2022-152529-44-01-000002", "water")).unwrap();
        let done = text.finish();
        assert_eq!(done.items, 2);
        assert_eq!(done.rest.split(|&b| b == b'\n').count(), before.rest.split(|&b| b == b'\n').count() + 2);
        let whole = CanonicalLedger::department(
            "152529",
            "fgw",
            &[line("2022-152529-44-01-000002", "land"), line("2022-152529-44-01-000002", "water")],
        );
        assert_eq!(done.hash, whole.hash(), "nothing written of the refused");
    }

    proptest::proptest! {
        /// Written line by line in key order, a department ledger is the text the whole
        /// ledger gives, whatever order its lines were in.
        #[test]
        fn a_ledger_written_as_it_comes_is_the_whole_ledger(
            keys in proptest::strategy::Strategy::prop_shuffle(proptest::strategy::Strategy::prop_map(
                proptest::collection::btree_set(("[0-9-]{1,6}", "[a-z_]{1,4}"), 0..40),
                |keys| keys.into_iter().collect::<Vec<_>>(),
            )),
        ) {
            let shuffled: Vec<LedgerLine> = keys.iter().map(|(p, t)| line(p, t)).collect();
            let whole = CanonicalLedger::department("152529", "fgw", &shuffled);
            let mut sorted = shuffled.clone();
            sorted.sort_by(|a, b| a.key_ref().cmp(&b.key_ref()));
            let mut text = DepartmentText::new("152529", "fgw");
            for l in &sorted {
                text.push(l).unwrap();
            }
            let done = text.finish();
            // Hashed without its text, in any order, it is the same hash.
            proptest::prop_assert_eq!(&CanonicalLedger::department_hash("152529", "fgw", &shuffled), &whole.hash());
            proptest::prop_assert_eq!((done.hash, done.items, done.rest), (whole.hash(), whole.text.lines().count() as u64 - 1, whole.text.into_bytes()));
        }

        /// Read back a piece at a time, cut anywhere, a text gives the hash and the lines
        /// it gives read whole; so does a text that is not a department ledger.
        #[test]
        fn a_text_read_in_pieces_is_the_text_read_whole(
            keys in proptest::collection::btree_set(("[0-9-]{1,6}", "[a-z_]{1,4}"), 0..12),
            damage in proptest::option::of((0usize..2000, "[\\[\\]\n\"a,]{0,3}")),
            cuts in proptest::collection::vec(0usize..2000, 0..6),
            keep in proptest::bool::ANY,
        ) {
            let lines: Vec<LedgerLine> = keys.iter().map(|(p, t)| line(p, t)).collect();
            let mut text = CanonicalLedger::department("152529", "fgw", &lines).text;
            if let Some((at, with)) = damage {
                let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                text.insert_str(at, &with);
            }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(text.len())).collect();
            cuts.sort();
            let mut reading = DepartmentReading::new(keep);
            let mut from = 0;
            for c in cuts.into_iter().chain([text.len()]) {
                reading.feed(&text.as_bytes()[from..c]);
                from = c;
            }
            let read = reading.finish();
            let whole = CanonicalLedger::parse_department(&text);
            proptest::prop_assert_eq!(&read.hash, &content_hash(&text));
            proptest::prop_assert_eq!(read.lines.is_some(), whole.is_some());
            if keep {
                proptest::prop_assert_eq!(read.lines, whole);
            } else {
                proptest::prop_assert!(read.lines.is_none_or(|l| l.is_empty()));
            }
        }

        /// Taken as it is written, whenever, the text is still the whole ledger's, and so
        /// is its hash.
        #[test]
        fn a_text_taken_as_it_is_written_is_the_whole_text(
            keys in proptest::collection::btree_set(("[0-9-]{1,6}", "[a-z_]{1,4}"), 0..40),
            takes in proptest::collection::vec(proptest::bool::ANY, 40),
        ) {
            let lines: Vec<LedgerLine> = keys.iter().map(|(p, t)| line(p, t)).collect();
            let whole = CanonicalLedger::department("152529", "fgw", &lines);
            let mut text = DepartmentText::new("152529", "fgw");
            let mut taken = Vec::new();
            for (l, take) in lines.iter().zip(&takes) {
                text.push(l).unwrap();
                if *take {
                    taken.extend(text.take_written());
                    proptest::prop_assert_eq!(text.held(), 0);
                }
            }
            let done = text.finish();
            taken.extend(done.rest);
            proptest::prop_assert_eq!(done.hash, whole.hash());
            proptest::prop_assert_eq!(String::from_utf8(taken).unwrap(), whole.text);
        }

        #[test]
        fn a_date_is_written_as_chrono_writes_it(days in -1_000_000i64..4_000_000) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Duration::days(days);
            proptest::prop_assert_eq!(date_text(d), d.format("%Y-%m-%d").to_string());
        }

        /// A key written as text reads back as itself, whatever its project code holds.
        #[test]
        fn a_line_key_reads_back_as_written(project in "[^\\n]{1,30}", item_type in "[a-z_]{1,20}") {
            let text = line_key_text(&project, &item_type);
            proptest::prop_assert_eq!(parse_line_key(&text), Some((project, item_type)));
        }
    }

    #[test]
    fn a_line_key_needs_both_parts() {
        for text in ["", "/", "2019-150102-44-01-012345", "2019-150102-44-01-012345/", "/energy_review"] {
            assert_eq!(parse_line_key(text), None, "{text:?}");
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
}
