//! In-process tests of the router: every request goes through the same layers as in production,
//! on a fresh demo deployment per test, on SQLite and (when configured) PostgreSQL.

#![allow(unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod authorization;
mod field;
mod guides;
mod import;
mod pages;
mod privacy;
mod register;
// teams and moves
mod teams;
// contests: taking part
mod contests_take;
// contests: question bank and set-up
mod contests_bank;
// guide editor
mod guide_edits;
// contests: results
mod contests_results;
// contests: editing a question, pictures, links, revocation
mod contests_polish;
// contests: live mode
mod contests_live;

#[path = "../harness.rs"]
mod harness;

pub use harness::*;
