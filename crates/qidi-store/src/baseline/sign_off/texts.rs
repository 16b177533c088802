//! The texts a signature binds, stored in parts (migration 0037).
//!
//! A region's department ledger is hundreds of megabytes of canonical text, and a change
//! set with its result as much again. Bound as one value each, SQLite copied the value and
//! built the row whole (three gigabytes at two million lines), and PostgreSQL refuses a
//! value, or a statement's values together, of a gigabyte. So a text is written as parts
//! of at most [`PART_BYTES`], cut after a line where one ends within the part, and read
//! back joined in order. Its row says how many parts it has; a row written before keeps
//! its text in its own column, with no parts.

use crate::StoreError;
use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Row};
use std::ops::Range;

/// At most this many bytes of text to a part.
pub(super) const PART_BYTES: usize = 4 << 20;

/// Which text of its row a part belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    /// A version's canonical text, or a change set's.
    Content,
    /// A change set's result: the content it leads to.
    Result,
}

impl Field {
    fn as_str(self) -> &'static str {
        match self {
            Field::Content => "content",
            Field::Result => "result",
        }
    }
}

/// Where `text` is cut into parts of at most `max` bytes: after the last line end within
/// each part, or, in a line longer than `max`, at the last character boundary. The parts
/// joined are the text; an empty text has no parts.
pub(super) fn cuts(text: &str, max: usize) -> Vec<Range<usize>> {
    let max = max.max(4); // room for any one character
    let mut parts = Vec::with_capacity(text.len() / max + 1);
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + max).min(text.len());
        if end < text.len() {
            end = match text.as_bytes()[start..end].iter().rposition(|&b| b == b'\n') {
                Some(i) => start + i + 1,
                None => (start + 1..=end).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(end),
            };
        }
        parts.push(start..end);
        start = end;
    }
    parts
}

/// Write `text` as the parts `cuts` names, in order, for the row `owner_id`.
pub(super) async fn write_parts(
    conn: &mut AnyConnection,
    owner_id: &str,
    field: Field,
    text: &str,
    cuts: &[Range<usize>],
) -> Result<(), StoreError> {
    for (i, r) in cuts.iter().enumerate() {
        sqlx::query("INSERT INTO ledger_text_parts (owner_id, field, part, text) VALUES ($1, $2, $3, $4)")
            .bind(owner_id)
            .bind(field.as_str())
            .bind(i as i64)
            .bind(text[r.clone()].to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A row's text: its `parts` parts joined in order when it has any, else its own column
/// (`inline`). The database lets no part be added, changed or removed; a text found with
/// a part missing (its guards dropped) is an error, not a shorter text.
pub(super) async fn read_text(
    conn: &mut AnyConnection,
    owner_id: &str,
    field: Field,
    inline: String,
    parts: i64,
) -> Result<String, StoreError> {
    if parts == 0 {
        return Ok(inline);
    }
    let mut text = String::new();
    let mut rows = sqlx::query(
        "SELECT part, text FROM ledger_text_parts WHERE owner_id = $1 AND field = $2 AND part < $3 ORDER BY part",
    )
    .bind(owner_id)
    .bind(field.as_str())
    .bind(parts)
    .fetch(&mut *conn);
    let mut next = 0i64;
    while let Some(r) = rows.try_next().await? {
        if r.try_get::<i64, _>(0)? != next {
            break;
        }
        text.push_str(r.try_get::<&str, _>(1)?);
        next += 1;
    }
    if next != parts {
        let what = format!("the signed {} of {owner_id} lacks part {next} of {parts}", field.as_str());
        return Err(sqlx::Error::Protocol(what).into());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn joined(text: &str, max: usize) -> String {
        cuts(text, max).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn a_text_is_cut_after_its_lines_and_within_the_limit() {
        let text = "甲,1\n乙,22\n丙,333\n";
        let parts: Vec<&str> = cuts(text, 13).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["甲,1\n乙,22\n", "丙,333\n"]);
        let parts: Vec<&str> = cuts(text, 12).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["甲,1\n", "乙,22\n", "丙,333\n"]);
        assert!(cuts("", 12).is_empty());
        // A line longer than a part is cut between characters, never inside one.
        let long = "项目".repeat(10);
        assert!(cuts(&long, 7).iter().all(|r| r.len() <= 7 && r.len() % 3 == 0));
        assert_eq!(joined(&long, 7), long);
    }

    proptest! {
        #[test]
        fn the_parts_joined_are_the_text(text in "[a-z,\n项目甲乙😀]{0,300}", max in 1usize..64) {
            let parts = cuts(&text, max);
            prop_assert_eq!(joined(&text, max), text.clone());
            prop_assert!(parts.iter().all(|r| !r.is_empty() && r.len() <= max.max(4)));
            // Each part but the last ends a line when one ends within it.
            for w in parts.windows(2) {
                let part = &text[w[0].clone()];
                let next_line_end = text[w[0].start..].find('\n').map(|i| w[0].start + i);
                if next_line_end.is_some_and(|e| e < w[0].end) {
                    prop_assert!(part.ends_with('\n'), "{:?}", part);
                }
            }
        }
    }
}

#[cfg(test)]
mod stored {
    use super::*;
    use crate::testing::{banner, on_each_backend};

    /// A banner ledger version whose content has `parts` parts.
    async fn version(store: &crate::Store, id: &str, parts: i64) {
        let campaign = store.campaign(&banner()).await.unwrap().id;
        sqlx::query(
            "INSERT INTO ledger_versions (id, region_code, campaign_id, kind, scope_key, content_hash, content,
                 content_parts, item_count, created_at)
             VALUES ($1, '152529', $2, 'banner', $1, 'h', '', $3, 0, '2026-12-05T09:00:00+08:00')",
        )
        .bind(id)
        .bind(campaign)
        .bind(parts)
        .execute(store.pool())
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn a_text_in_many_parts_reads_back_whole_and_gains_no_part_later() {
        on_each_backend(|store| async move {
            let text: String =
                (0..200).map(|i| format!("项目{i:04},eia,pending,2026-12-{:02}\n", i % 28 + 1)).collect();
            let parts = cuts(&text, 100);
            assert!(parts.len() > 50);
            let n = parts.len() as i64;
            version(&store, "v-1", n).await;
            let mut conn = store.pool().acquire().await.unwrap();
            write_parts(&mut conn, "v-1", Field::Content, &text, &parts).await.unwrap();
            assert_eq!(read_text(&mut conn, "v-1", Field::Content, String::new(), n).await.unwrap(), text);
            // A row without parts is its own column, as rows written before parts were.
            assert_eq!(read_text(&mut conn, "v-1", Field::Content, "旧".into(), 0).await.unwrap(), "旧");

            // No part past the count, of a field the row lacks, or of no row at all.
            for (owner, field, part) in [("v-1", "content", n), ("v-1", "result", 0), ("v-0", "content", 0)] {
                let e = sqlx::query(
                    "INSERT INTO ledger_text_parts (owner_id, field, part, text) VALUES ($1, $2, $3, '多出的一行')",
                )
                .bind(owner)
                .bind(field)
                .bind(part)
                .execute(&mut *conn)
                .await
                .unwrap_err();
                assert!(e.to_string().contains("only the parts its row names"), "{owner} {field} {part}: {e}");
            }
            assert_eq!(read_text(&mut conn, "v-1", Field::Content, String::new(), n).await.unwrap(), text);

            // A text short of a part is not read as a shorter text.
            version(&store, "v-2", 3).await;
            write_parts(&mut conn, "v-2", Field::Content, "甲\n乙\n", &[0..4, 4..8]).await.unwrap();
            let e = read_text(&mut conn, "v-2", Field::Content, String::new(), 3).await.unwrap_err();
            assert!(e.to_string().contains("lacks part 2 of 3"), "{e}");
        })
        .await;
    }
}
