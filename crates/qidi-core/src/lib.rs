//! qidi's domain: the rules, and nothing else. No I/O, no async, no database.
//!
//! The store remembers and the web translates; every decision is made here so
//! that it has one home and one set of tests.

pub mod assessment;
pub mod audit;
pub mod auth;
pub mod bulletin;
pub mod calendar;
pub mod campaign;
pub mod catalogue;
pub mod credit_code;
pub mod deadline;
pub mod file_name;
pub mod hotline;
pub mod ledger;
pub mod ledger_file;
pub mod light;
pub mod lookback;
pub mod message;
pub mod names;
pub mod official;
pub mod organisation;
pub mod outside_approval;
pub mod progress_report;
pub mod project;
pub mod public;
pub mod record_query;
pub mod region;
pub mod role;
pub mod second_factor;
pub mod sentence;
pub mod supervision;
pub mod workflow;

pub use region::RegionCode;
pub use role::{Role, Scope};
