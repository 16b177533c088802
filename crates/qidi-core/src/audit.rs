//! The tamper-evident record: every event is a link of one SM3 hash chain, and a
//! signed checkpoint (检查点) fixes the chain's head outside the database.
//!
//! An event's hash is computed in two steps, so that a proof of inclusion never has to
//! show other events' content:
//!
//! ```text
//! content = SM3("qidi.event.content.v1\0" ‖ for each column, by name, whose value is not NULL:
//!                 u32be(len name) ‖ name ‖ u32be(len value) ‖ value)
//! hash    = SM3("qidi.event.link.v1\0" ‖ u64be(seq) ‖ prev_hash ‖ content)
//! ```
//!
//! `seq` counts from 1 without gaps; the first event's `prev_hash` is 32 zero bytes.
//! The columns are every column of `events` except `seq`, `prev_hash` and `hash`, values
//! as text (integers in decimal). A NULL column is left out, so a nullable column added
//! later does not change the hash of the events before it, while giving it a value does.
//!
//! [`Verifier`] walks the rows in `seq` order and reports the first break: an altered
//! record, a missing one (a gap), a forged insertion (a wrong sequence number or a
//! broken link), a backdated one, or a truncated tail (against the head and against
//! checkpoints). [`Checkpoint`]s are signed with Ed25519.

use ed25519_dalek::{Signature, Signer, Verifier as _};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};
use std::collections::BTreeMap;
use std::fmt;

/// A 32-byte SM3 digest.
pub type Hash = [u8; 32];

/// The longest request id kept on an event.
pub const MAX_REQUEST_ID: usize = 64;

/// Whether a client's `X-Request-Id` may go on the record as it is: 1 to 64 letters,
/// digits, `-`, `_`, `.` or `:`. Anything else (spaces, control characters, markup,
/// a megabyte of text) is replaced by one the server makes.
pub fn is_valid_request_id(id: &str) -> bool {
    (1..=MAX_REQUEST_ID).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The `prev_hash` of the first event.
pub const GENESIS: Hash = [0; 32];

/// The columns of `events` that carry the chain itself and are not content.
pub const CHAIN_COLUMNS: [&str; 3] = ["seq", "prev_hash", "hash"];

const CONTENT_DOMAIN: &[u8] = b"qidi.event.content.v1\0";
const LINK_DOMAIN: &[u8] = b"qidi.event.link.v1\0";
const CHECKPOINT_DOMAIN: &str = "qidi.audit.checkpoint.v1";

/// Lower-case hex of a hash.
pub fn hex_hash(h: &Hash) -> String {
    hex::encode(h)
}

/// A hash from 64 hex digits, or None.
pub fn parse_hash(s: &str) -> Option<Hash> {
    let bytes = hex::decode(s.trim()).ok()?;
    bytes.try_into().ok()
}

/// The canonical bytes of an event's content: columns sorted by name, NULLs and the
/// chain columns left out. Exposed for tests and for people who check by hand.
pub fn canonical_content<'a, I>(columns: I) -> Vec<u8>
where
    I: IntoIterator<Item = (&'a str, Option<&'a str>)>,
{
    let sorted: BTreeMap<&str, &str> = columns
        .into_iter()
        .filter(|(name, _)| !CHAIN_COLUMNS.contains(name))
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect();
    let mut out = Vec::with_capacity(CONTENT_DOMAIN.len() + sorted.len() * 48);
    out.extend_from_slice(CONTENT_DOMAIN);
    for (name, value) in sorted {
        push_field(&mut out, name.as_bytes());
        push_field(&mut out, value.as_bytes());
    }
    out
}

fn push_field(out: &mut Vec<u8>, bytes: &[u8]) {
    // A column longer than 4 GiB cannot be stored in either engine's text type.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The SM3 digest of an event's content (see [`canonical_content`]).
pub fn content_digest<'a, I>(columns: I) -> Hash
where
    I: IntoIterator<Item = (&'a str, Option<&'a str>)>,
{
    Sm3::digest(canonical_content(columns)).into()
}

/// The hash of the event with sequence number `seq`, linked to `prev`.
pub fn link_hash(seq: u64, prev: &Hash, content: &Hash) -> Hash {
    let mut h = Sm3::new();
    h.update(LINK_DOMAIN);
    h.update(seq.to_be_bytes());
    h.update(prev);
    h.update(content);
    h.finalize().into()
}

/// One row of the record as read back for verification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainRow {
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    /// Every other column by name, as text; None for NULL. Must contain `id` and `at`.
    pub columns: Vec<(String, Option<String>)>,
}

impl ChainRow {
    pub fn column(&self, name: &str) -> Option<&str> {
        self.columns.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.as_deref())
    }

    pub fn id(&self) -> &str {
        self.column("id").unwrap_or("?")
    }

    pub fn content_digest(&self) -> Hash {
        content_digest(self.columns.iter().map(|(n, v)| (n.as_str(), v.as_deref())))
    }

    /// The hash this row's content, sequence number and stored `prev_hash` give, or
    /// None when the sequence number or `prev_hash` is missing or malformed.
    pub fn computed_hash(&self) -> Option<Hash> {
        let seq = u64::try_from(self.seq?).ok()?;
        let prev = parse_hash(self.prev_hash.as_deref()?)?;
        Some(link_hash(seq, &prev, &self.content_digest()))
    }
}

/// What the record's chain head row says: the last sequence number and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: Option<String>,
}

/// The first thing wrong with the record. Its `Display` is one line that names the
/// kind of break and the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// A stored row with no sequence number or hash: written around the chain.
    OutsideChain { id: String },
    /// Sequence numbers `from..=to` are absent: records were deleted.
    Missing { from: i64, to: i64, after_id: Option<String>, before_id: String },
    /// A row whose sequence number is taken or out of order; `taken_by` is the row
    /// before it when that one carries the same number (one of the two is forged).
    WrongSeq { seq: i64, expected: i64, id: String, taken_by: Option<String> },
    /// A row whose content does not give its stored hash.
    Altered { seq: i64, id: String },
    /// A row whose `prev_hash` is not the stored hash of the row before it.
    BrokenLink { seq: i64, id: String, prev_id: String },
    /// A row dated before the row before it.
    Backdated { seq: i64, id: String, at: String, prev_at: String },
    /// A row beyond the chain head: appended without going through the head.
    BeyondHead { seq: i64, id: String, head_seq: i64 },
    /// The chain head row claims more events than the record holds.
    TruncatedHead { head_seq: i64, last_seq: i64 },
    /// The chain head row's hash is not the last row's hash.
    HeadMismatch { head_seq: i64 },
    /// A checkpoint counted more events than the record holds.
    TruncatedCheckpoint { checkpoint: String, count: i64, last_seq: i64 },
    /// The row at a checkpoint's sequence number does not have the checkpoint's hash.
    CheckpointMismatch { checkpoint: String, seq: i64, id: String },
    /// A checkpoint whose signature does not hold, or that is malformed.
    BadCheckpoint { checkpoint: String, reason: String },
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::OutsideChain { id } => write!(
                f,
                "forged insertion: event {id} has no sequence number or hash; it was written around the chain"
            ),
            Break::Missing { from, to, after_id, before_id } => {
                let which = if from == to { format!("seq {from}") } else { format!("seq {from}–{to}") };
                let after = after_id.as_deref().map(|a| format!("after event {a} ")).unwrap_or_default();
                write!(f, "missing record: {which} is gone ({after}before event {before_id}); records were deleted")
            }
            Break::WrongSeq { seq, id, taken_by: Some(other), .. } => write!(
                f,
                "forged insertion: events {other} and {id} both carry seq {seq}; one of them was inserted around the chain"
            ),
            Break::WrongSeq { seq, expected, id, taken_by: None } => write!(
                f,
                "forged insertion: event {id} carries seq {seq} where seq {expected} comes next (a sequence number out of order)"
            ),
            Break::Altered { seq, id } => {
                write!(f, "altered record: event {id} (seq {seq}) no longer matches its hash")
            }
            Break::BrokenLink { seq, id, prev_id } => write!(
                f,
                "forged insertion or replaced record: event {id} (seq {seq}) does not link to the hash of event {prev_id} (seq {})",
                seq - 1
            ),
            Break::Backdated { seq, id, at, prev_at } => write!(
                f,
                "forged insertion: event {id} (seq {seq}) is dated {at}, before the event before it ({prev_at}); a backdated record"
            ),
            Break::BeyondHead { seq, id, head_seq } => write!(
                f,
                "forged insertion: event {id} carries seq {seq}, beyond the chain head (seq {head_seq}); it was not appended by qidi"
            ),
            Break::TruncatedHead { head_seq, last_seq } => write!(
                f,
                "truncated tail: the chain head counts {head_seq} events but the record ends at seq {last_seq}"
            ),
            Break::HeadMismatch { head_seq } => write!(
                f,
                "altered record: the event at seq {head_seq} does not have the hash the chain head holds (the tail was replaced)"
            ),
            Break::TruncatedCheckpoint { checkpoint, count, last_seq } => write!(
                f,
                "truncated tail: {checkpoint} counted {count} events but the record ends at seq {last_seq}"
            ),
            Break::CheckpointMismatch { checkpoint, seq, id } => write!(
                f,
                "altered record: event {id} (seq {seq}) does not have the hash fixed by {checkpoint}; the record up to it was rewritten"
            ),
            Break::BadCheckpoint { checkpoint, reason } => write!(f, "bad checkpoint: {checkpoint}: {reason}"),
        }
    }
}

/// What an unbroken record looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub count: i64,
    pub head_hash: Option<String>,
    pub checkpoints: usize,
}

/// A checkpoint's seq and hash, with a name for messages ("checkpoint line 3 of FILE").
#[derive(Debug, Clone)]
pub struct CheckpointMark {
    pub seq: i64,
    pub hash: Hash,
    pub name: String,
}

/// Walks the rows in `seq` order and stops at the first break.
#[derive(Debug)]
pub struct Verifier {
    expected: i64,
    prev_hash: Hash,
    prev_hash_text: Option<String>,
    prev_id: Option<String>,
    prev_at: Option<String>,
    marks: BTreeMap<i64, Vec<CheckpointMark>>,
    n_marks: usize,
}

impl Verifier {
    pub fn new(marks: Vec<CheckpointMark>) -> Verifier {
        let n_marks = marks.len();
        let mut by_seq: BTreeMap<i64, Vec<CheckpointMark>> = BTreeMap::new();
        for m in marks {
            by_seq.entry(m.seq).or_default().push(m);
        }
        Verifier {
            expected: 1,
            prev_hash: GENESIS,
            prev_hash_text: None,
            prev_id: None,
            prev_at: None,
            marks: by_seq,
            n_marks,
        }
    }

    /// The sequence number the next row must carry.
    pub fn next_seq(&self) -> i64 {
        self.expected
    }

    /// Check the next row (rows must come in `seq` order; a row without `seq` is a break).
    pub fn push(&mut self, row: &ChainRow) -> Result<(), Break> {
        let id = row.id().to_string();
        let (Some(seq), Some(_), Some(stored)) = (row.seq, row.prev_hash.as_deref(), row.hash.as_deref()) else {
            return Err(Break::OutsideChain { id });
        };
        if seq > self.expected {
            return Err(Break::Missing {
                from: self.expected,
                to: seq - 1,
                after_id: self.prev_id.clone(),
                before_id: id,
            });
        }
        if seq < self.expected {
            let taken_by = if seq == self.expected - 1 { self.prev_id.clone() } else { None };
            return Err(Break::WrongSeq { seq, expected: self.expected, id, taken_by });
        }
        // Compared as text: the stored form is lower-case hex, and `A` for `a` is a change.
        let hash = match row.computed_hash() {
            Some(c) if hex_hash(&c) == stored => c,
            _ => return Err(Break::Altered { seq, id }),
        };
        if row.prev_hash.as_deref() != Some(hex_hash(&self.prev_hash).as_str()) {
            return Err(Break::BrokenLink {
                seq,
                id,
                prev_id: self.prev_id.clone().unwrap_or_else(|| "(none)".into()),
            });
        }
        let at = row.column("at").map(str::to_string);
        if let (Some(at), Some(prev_at)) = (&at, &self.prev_at) {
            if at < prev_at {
                return Err(Break::Backdated { seq, id, at: at.clone(), prev_at: prev_at.clone() });
            }
        }
        if let Some(marks) = self.marks.get(&seq) {
            if let Some(m) = marks.iter().find(|m| m.hash != hash) {
                return Err(Break::CheckpointMismatch { checkpoint: m.name.clone(), seq, id });
            }
        }
        self.expected = seq + 1;
        self.prev_hash = hash;
        self.prev_hash_text = Some(stored.to_string());
        self.prev_id = Some(id);
        if at.is_some() {
            self.prev_at = at;
        }
        Ok(())
    }

    /// After the last row: compare the end of the record with the head row and the
    /// checkpoints.
    pub fn finish(self, head: Option<&Head>) -> Result<Summary, Break> {
        let last_seq = self.expected - 1;
        if let Some((_, marks)) = self.marks.range(last_seq + 1..).next() {
            let m = &marks[0];
            return Err(Break::TruncatedCheckpoint { checkpoint: m.name.clone(), count: m.seq, last_seq });
        }
        if let Some(head) = head {
            if head.seq > last_seq {
                return Err(Break::TruncatedHead { head_seq: head.seq, last_seq });
            }
            if head.seq == last_seq && last_seq > 0 && head.hash.as_deref().and_then(parse_hash) != Some(self.prev_hash)
            {
                return Err(Break::HeadMismatch { head_seq: head.seq });
            }
        }
        Ok(Summary { count: last_seq, head_hash: self.prev_hash_text, checkpoints: self.n_marks })
    }
}

/// A signed checkpoint (检查点): the head of the record at a moment, one JSON line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Always `qidi.audit.checkpoint.v1`; tells a reader what the line is.
    pub kind: String,
    /// The last event's sequence number.
    pub seq: i64,
    /// The last event's hash (hex).
    pub head_hash: String,
    /// How many events the record held (equal to `seq`: the chain has no gaps).
    pub count: i64,
    /// When the checkpoint was made (RFC 3339).
    pub at: String,
    /// The Ed25519 public key that signed it (hex).
    pub public_key: String,
    /// The Ed25519 signature (hex) of [`Checkpoint::signed_text`].
    pub signature: String,
}

impl Checkpoint {
    /// The exact text that is signed.
    pub fn signed_text(seq: i64, head_hash: &str, count: i64, at: &str) -> String {
        format!("{CHECKPOINT_DOMAIN}\nseq={seq}\nhead_hash={head_hash}\ncount={count}\nat={at}\n")
    }

    pub fn sign(key: &SigningKey, seq: i64, head_hash: &str, count: i64, at: &str) -> Checkpoint {
        let sig = key.sign(Self::signed_text(seq, head_hash, count, at).as_bytes());
        Checkpoint {
            kind: CHECKPOINT_DOMAIN.to_string(),
            seq,
            head_hash: head_hash.to_string(),
            count,
            at: at.to_string(),
            public_key: hex::encode(key.verifying_key().as_bytes()),
            signature: hex::encode(sig.to_bytes()),
        }
    }

    /// Check the signature against `trusted` (never against the key the line names,
    /// which anyone can write) and the fields against each other.
    pub fn check(&self, trusted: &VerifyingKey) -> Result<Hash, String> {
        if self.kind != CHECKPOINT_DOMAIN {
            return Err(format!("not a qidi checkpoint (kind `{}`)", self.kind));
        }
        if self.public_key != hex::encode(trusted.as_bytes()) {
            return Err(format!(
                "signed by another key ({}…), not the audit key in use ({}…)",
                self.public_key.get(..16).unwrap_or(&self.public_key),
                hex::encode(&trusted.as_bytes()[..8])
            ));
        }
        let sig = hex::decode(&self.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
            .ok_or_else(|| "the signature is malformed".to_string())?;
        trusted
            .verify(Self::signed_text(self.seq, &self.head_hash, self.count, &self.at).as_bytes(), &sig)
            .map_err(|_| "the signature is invalid: the checkpoint was altered or forged".to_string())?;
        if self.count != self.seq || self.seq < 0 {
            return Err(format!("count {} and seq {} disagree", self.count, self.seq));
        }
        parse_hash(&self.head_hash).ok_or_else(|| "the head hash is malformed".to_string())
    }

    /// Parse one line of a checkpoints file.
    pub fn parse_line(line: &str) -> Result<Checkpoint, String> {
        serde_json::from_str(line).map_err(|e| format!("not a checkpoint line ({e})"))
    }
}

/// A public key from 64 hex digits.
pub fn parse_public_key(s: &str) -> Option<VerifyingKey> {
    let b: [u8; 32] = hex::decode(s.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&b).ok()
}

/// A signing key from the text of a key file: 64 hex digits (the Ed25519 seed).
pub fn parse_signing_key(text: &str) -> Option<SigningKey> {
    let b: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&b))
}

/// The text of a key file for `seed`.
pub fn signing_key_text(seed: &[u8; 32]) -> String {
    format!("{}\n", hex::encode(seed))
}

/// One step of an inclusion proof: an event after the proved one, by its sequence
/// number and content digest only (its content stays private).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofStep {
    pub seq: i64,
    pub content: String,
}

/// Check an inclusion proof: from the proved event's hash, each step's link hash must
/// lead to the checkpoint's head hash at the checkpoint's sequence number. Returns the
/// first problem.
pub fn check_proof(
    event_seq: i64,
    event_hash: &str,
    steps: &[ProofStep],
    checkpoint_seq: i64,
    head_hash: &str,
) -> Result<(), String> {
    let mut h = parse_hash(event_hash).ok_or("the event hash is malformed")?;
    let mut seq = event_seq;
    for s in steps {
        if s.seq != seq + 1 {
            return Err(format!("step seq {} does not follow seq {seq}", s.seq));
        }
        let content = parse_hash(&s.content).ok_or_else(|| format!("step seq {}: malformed content digest", s.seq))?;
        let n = u64::try_from(s.seq).map_err(|_| format!("step seq {} is negative", s.seq))?;
        h = link_hash(n, &h, &content);
        seq = s.seq;
    }
    if seq != checkpoint_seq {
        return Err(format!("the steps end at seq {seq}, the checkpoint is at seq {checkpoint_seq}"));
    }
    if Some(h) != parse_hash(head_hash) {
        return Err("the steps do not lead to the checkpoint's head hash".into());
    }
    Ok(())
}

/// What `qidi audit prove` prints: one event, its place in the chain, and the way
/// from it to a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    /// Always `qidi.audit.proof.v1`.
    pub kind: String,
    /// Every column of the event except the chain's, as stored (NULL as null).
    pub event: BTreeMap<String, Option<String>>,
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    /// The events after it up to the checkpoint: sequence number and content digest.
    pub steps: Vec<ProofStep>,
    pub checkpoint: Checkpoint,
}

pub const PROOF_KIND: &str = "qidi.audit.proof.v1";

impl InclusionProof {
    /// Check everything a project unit can: the event's content gives its hash, the
    /// steps lead from it to the checkpoint's head hash, and the checkpoint is signed
    /// by `trusted`, qidi's published audit key.
    pub fn check(&self, trusted: &VerifyingKey) -> Result<(), String> {
        if self.kind != PROOF_KIND {
            return Err(format!("not a qidi inclusion proof (kind `{}`)", self.kind));
        }
        let row = ChainRow {
            seq: Some(self.seq),
            prev_hash: Some(self.prev_hash.clone()),
            hash: Some(self.hash.clone()),
            columns: self.event.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        };
        match row.computed_hash() {
            Some(h) if hex_hash(&h) == self.hash => {}
            _ => return Err("the event's content does not give its hash".into()),
        }
        self.checkpoint.check(trusted).map_err(|e| format!("checkpoint: {e}"))?;
        check_proof(self.seq, &self.hash, &self.steps, self.checkpoint.seq, &self.checkpoint.head_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row(seq: i64, prev: &Hash, id: &str, at: &str, payload: &str) -> ChainRow {
        let columns = vec![
            ("id".to_string(), Some(id.to_string())),
            ("at".to_string(), Some(at.to_string())),
            ("action".to_string(), Some("x.y".to_string())),
            ("actor_id".to_string(), None),
            ("payload".to_string(), Some(payload.to_string())),
        ];
        let mut r = ChainRow { seq: Some(seq), prev_hash: Some(hex_hash(prev)), hash: None, columns };
        r.hash = Some(hex_hash(&r.computed_hash().unwrap()));
        r
    }

    fn chain(n: i64) -> Vec<ChainRow> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|i| {
                let r = row(i, &prev, &format!("e{i}"), &format!("2026-01-01T00:00:{i:02}.000000+08:00"), "{}");
                prev = parse_hash(r.hash.as_deref().unwrap()).unwrap();
                r
            })
            .collect()
    }

    fn verify(rows: &[ChainRow], head: Option<&Head>, marks: Vec<CheckpointMark>) -> Result<Summary, Break> {
        let mut v = Verifier::new(marks);
        for r in rows {
            v.push(r)?;
        }
        v.finish(head)
    }

    fn head_of(rows: &[ChainRow]) -> Head {
        let last = rows.last().unwrap();
        Head { seq: last.seq.unwrap(), hash: last.hash.clone() }
    }

    #[test]
    fn known_answer_sm3() {
        // GB/T 32905-2016, example 1.
        let h: Hash = Sm3::digest(b"abc").into();
        assert_eq!(hex_hash(&h), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }

    #[test]
    fn content_ignores_order_nulls_and_chain_columns() {
        let a = content_digest([("b", Some("2")), ("a", Some("1")), ("c", None), ("hash", Some("zz"))]);
        let b = content_digest([("a", Some("1")), ("b", Some("2"))]);
        assert_eq!(a, b);
        // A NULL becoming a value, even empty, changes it.
        assert_ne!(b, content_digest([("a", Some("1")), ("b", Some("2")), ("c", Some(""))]));
        // Field boundaries are part of the encoding.
        assert_ne!(content_digest([("a", Some("1b"))]), content_digest([("a", Some("1")), ("b", Some(""))]));
    }

    #[test]
    fn untouched_chain_verifies() {
        let rows = chain(5);
        let s = verify(&rows, Some(&head_of(&rows)), vec![]).unwrap();
        assert_eq!(s.count, 5);
        assert_eq!(s.head_hash, rows[4].hash);
        assert_eq!(verify(&[], Some(&Head { seq: 0, hash: None }), vec![]).unwrap().count, 0);
    }

    #[test]
    fn altered_payload_is_named() {
        let mut rows = chain(5);
        rows[2].columns[4].1 = Some("{\"x\":1}".into());
        assert_eq!(verify(&rows, None, vec![]), Err(Break::Altered { seq: 3, id: "e3".into() }));
    }

    #[test]
    fn altered_and_rehashed_breaks_the_next_link() {
        let mut rows = chain(5);
        rows[2].columns[4].1 = Some("{\"x\":1}".into());
        rows[2].hash = Some(hex_hash(&rows[2].computed_hash().unwrap()));
        assert_eq!(
            verify(&rows, None, vec![]),
            Err(Break::BrokenLink { seq: 4, id: "e4".into(), prev_id: "e3".into() })
        );
    }

    #[test]
    fn deletion_is_a_gap() {
        let mut rows = chain(5);
        rows.remove(1);
        let err = verify(&rows, None, vec![]).unwrap_err();
        assert_eq!(err, Break::Missing { from: 2, to: 2, after_id: Some("e1".into()), before_id: "e3".into() });
        assert!(err.to_string().starts_with("missing record: seq 2 "), "{err}");
    }

    #[test]
    fn duplicate_seq_and_backdating() {
        let rows = chain(3);
        let mut forged = row(3, &GENESIS, "f", "2026-01-01T00:00:03.000000+08:00", "{}");
        forged.prev_hash = rows[1].hash.clone();
        forged.hash = Some(hex_hash(&forged.computed_hash().unwrap()));
        let mut with_dup = rows.clone();
        with_dup.push(forged);
        assert_eq!(
            verify(&with_dup, None, vec![]),
            Err(Break::WrongSeq { seq: 3, expected: 4, id: "f".into(), taken_by: Some("e3".into()) })
        );

        let prev = parse_hash(rows[2].hash.as_deref().unwrap()).unwrap();
        let mut backdated = rows.clone();
        backdated.push(row(4, &prev, "old", "2025-06-01T09:00:00.000000+08:00", "{}"));
        assert!(matches!(verify(&backdated, None, vec![]), Err(Break::Backdated { seq: 4, .. })));
    }

    #[test]
    fn truncation_against_head_and_checkpoint() {
        let rows = chain(6);
        let head = head_of(&rows);
        assert_eq!(verify(&rows[..4], Some(&head), vec![]), Err(Break::TruncatedHead { head_seq: 6, last_seq: 4 }));
        // The head rewound too: only a checkpoint sees it.
        let short_head = head_of(&rows[..4]);
        assert!(verify(&rows[..4], Some(&short_head), vec![]).is_ok());
        let mark =
            CheckpointMark { seq: 6, hash: parse_hash(rows[5].hash.as_deref().unwrap()).unwrap(), name: "cp".into() };
        assert_eq!(
            verify(&rows[..4], Some(&short_head), vec![mark.clone()]),
            Err(Break::TruncatedCheckpoint { checkpoint: "cp".into(), count: 6, last_seq: 4 })
        );
        assert!(verify(&rows, Some(&head), vec![mark]).is_ok());
    }

    #[test]
    fn rewritten_chain_fails_at_the_checkpoint() {
        let rows = chain(4);
        let mark =
            CheckpointMark { seq: 3, hash: parse_hash(rows[2].hash.as_deref().unwrap()).unwrap(), name: "cp".into() };
        // Rewrite everything from seq 2 on, consistently.
        let mut rewritten = rows[..1].to_vec();
        let mut prev = parse_hash(rows[0].hash.as_deref().unwrap()).unwrap();
        for i in 2..=4 {
            let r = row(i, &prev, &format!("e{i}"), &format!("2026-01-01T00:00:{i:02}.000000+08:00"), "{\"edited\":1}");
            prev = parse_hash(r.hash.as_deref().unwrap()).unwrap();
            rewritten.push(r);
        }
        assert!(verify(&rewritten, None, vec![]).is_ok());
        assert_eq!(
            verify(&rewritten, None, vec![mark]),
            Err(Break::CheckpointMismatch { checkpoint: "cp".into(), seq: 3, id: "e3".into() })
        );
    }

    #[test]
    fn rows_outside_the_chain_and_malformed_hashes_do_not_panic() {
        let mut rows = chain(2);
        rows[1].hash = Some("not hex".into());
        assert!(matches!(verify(&rows, None, vec![]), Err(Break::Altered { seq: 2, .. })));
        rows[1].prev_hash = None;
        assert!(matches!(verify(&rows, None, vec![]), Err(Break::OutsideChain { .. })));
        let mut neg = chain(1);
        neg[0].seq = Some(-5);
        assert!(matches!(verify(&neg, None, vec![]), Err(Break::WrongSeq { seq: -5, .. })));
    }

    #[test]
    fn checkpoint_signature_and_proof() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let rows = chain(5);
        let head = rows[4].hash.clone().unwrap();
        let cp = Checkpoint::sign(&key, 5, &head, 5, "2026-01-01T00:00:10+08:00");
        let line = serde_json::to_string(&cp).unwrap();
        let back = Checkpoint::parse_line(&line).unwrap();
        assert_eq!(back.check(&key.verifying_key()).unwrap(), parse_hash(&head).unwrap());
        assert!(back.check(&other.verifying_key()).unwrap_err().contains("another key"));
        let mut forged = back.clone();
        forged.count = 9;
        forged.seq = 9;
        assert!(forged.check(&key.verifying_key()).unwrap_err().contains("invalid"));
        assert!(Checkpoint::parse_line("{").is_err());

        let steps: Vec<ProofStep> = rows[2..]
            .iter()
            .map(|r| ProofStep { seq: r.seq.unwrap(), content: hex_hash(&r.content_digest()) })
            .collect();
        check_proof(2, rows[1].hash.as_deref().unwrap(), &steps, 5, &head).unwrap();
        assert!(check_proof(2, rows[0].hash.as_deref().unwrap(), &steps, 5, &head).is_err());
        assert!(check_proof(2, rows[1].hash.as_deref().unwrap(), &steps[..2], 5, &head).is_err());
        check_proof(5, &head, &[], 5, &head).unwrap();
    }

    #[test]
    fn inclusion_proof_checks_content_steps_and_signature() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let rows = chain(4);
        let head = rows[3].hash.clone().unwrap();
        let r = &rows[1];
        let proof = InclusionProof {
            kind: PROOF_KIND.into(),
            event: r.columns.iter().cloned().collect(),
            seq: 2,
            prev_hash: r.prev_hash.clone().unwrap(),
            hash: r.hash.clone().unwrap(),
            steps: rows[2..]
                .iter()
                .map(|r| ProofStep { seq: r.seq.unwrap(), content: hex_hash(&r.content_digest()) })
                .collect(),
            checkpoint: Checkpoint::sign(&key, 4, &head, 4, "2026-01-01T00:01:00+08:00"),
        };
        proof.check(&key.verifying_key()).unwrap();
        let mut altered = proof.clone();
        altered.event.insert("payload".into(), Some("{\"x\":2}".into()));
        assert!(altered.check(&key.verifying_key()).unwrap_err().contains("content"));
        let mut unsigned = proof.clone();
        unsigned.checkpoint.head_hash = rows[2].hash.clone().unwrap();
        assert!(unsigned.check(&key.verifying_key()).is_err());
        assert!(proof.check(&SigningKey::from_bytes(&[1; 32]).verifying_key()).is_err());
    }

    #[test]
    fn key_text_round_trips() {
        let seed = [3u8; 32];
        let k = parse_signing_key(&signing_key_text(&seed)).unwrap();
        assert_eq!(k.to_bytes(), seed);
        assert!(parse_signing_key("short").is_none());
        assert_eq!(parse_public_key(&hex::encode(k.verifying_key().as_bytes())), Some(k.verifying_key()));
    }

    proptest! {
        /// Any single-byte change to any column of any row is detected.
        #[test]
        fn any_single_byte_change_is_detected(n in 1i64..8, pick in any::<prop::sample::Index>(), col in 0usize..5, pos in any::<prop::sample::Index>(), delta in 1u8..=255) {
            let mut rows = chain(n);
            let head = head_of(&rows);
            let i = pick.index(rows.len());
            // Columns 0..4 of the content, or (col 3 = actor_id is NULL) the hash itself.
            let target: &mut String = match col {
                3 => rows[i].hash.as_mut().unwrap(),
                c => rows[i].columns[c].1.as_mut().unwrap(),
            };
            let mut bytes = std::mem::take(target).into_bytes();
            let p = pos.index(bytes.len());
            bytes[p] = bytes[p].wrapping_add(delta);
            *target = String::from_utf8_lossy(&bytes).into_owned();
            prop_assert!(verify(&rows, Some(&head), vec![]).is_err());
        }
    }

    #[test]
    fn a_request_id_is_kept_only_when_it_is_short_plain_text() {
        for ok in ["0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "lb-01:req.42_x", "a"] {
            assert!(is_valid_request_id(ok), "{ok}");
        }
        let long = "a".repeat(MAX_REQUEST_ID + 1);
        for bad in ["", "a b", "id\r\nSet-Cookie: x", "<script>", "请求", long.as_str()] {
            assert!(!is_valid_request_id(bad), "{bad:?}");
        }
    }
}
