//! Why a workflow request was not carried out: the workflow's error and its constructors.

use crate::StoreError;
use qidi_core::sentence::Sentence;
use qidi_core::workflow::TransitionError;

/// Why a workflow request was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// No such record, or not in the user's scope (the two look the same).
    #[error("未找到，或无权查看")]
    NotFound,
    /// The core refused the step; its kind says forbidden, conflict or invalid.
    #[error("{0}")]
    Refused(TransitionError),
    /// Not the user's to do, outside the state machine (catalogue edits, helpers).
    #[error("{0}")]
    Forbidden(Sentence),
    /// Someone else changed the record first, or the request clashes with it.
    #[error("{0}")]
    Conflict(Sentence),
    #[error("{0}")]
    Invalid(Sentence),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl WorkflowError {
    /// Not the user's to do: a [`Sentence`], a core error (`&e`), or plain text.
    pub fn forbidden(s: impl Into<Sentence>) -> Self {
        WorkflowError::Forbidden(s.into())
    }

    /// The request clashes with the record.
    pub fn conflict(s: impl Into<Sentence>) -> Self {
        WorkflowError::Conflict(s.into())
    }

    /// What was sent is incomplete or wrong.
    pub fn invalid(s: impl Into<Sentence>) -> Self {
        WorkflowError::Invalid(s.into())
    }
}

impl From<sqlx::Error> for WorkflowError {
    fn from(e: sqlx::Error) -> Self {
        WorkflowError::Store(e.into())
    }
}
