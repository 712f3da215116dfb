//! Types and rules of Học vụ số. No I/O, no async, no clock: `now` is always a parameter.
//!
//! Values that arrive from outside (phone numbers, CCCD numbers, names, dates) are parsed into newtypes
//! here once, so every other layer handles only valid, NFC-normalised data.

pub mod accounts;
pub mod calendar;
pub mod cccd;
pub mod contests;
pub mod guides;
pub mod ids;
pub mod person_name;
pub mod phone;
pub mod places;
pub mod privacy;
pub mod register;
pub mod text;
