//! The coverage register: households, residents, the skills each person has, and volunteers' visits.

pub mod field;
pub mod help;
pub mod import;
pub mod skills;
pub mod visits;
// teams and moves
pub mod teams;

use serde::Serialize;
use time::OffsetDateTime;

use crate::cccd::Cccd;
use crate::ids::{CommuneId, HamletId, HouseholdId, ResidentId};
use crate::person_name::PersonName;
use crate::phone::PhoneNumber;

/// Gender as the person states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Gender {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Gender> {
        match name {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// A household of the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Household {
    /// Identifier.
    pub id: HouseholdId,
    /// Commune (tenant and shard key).
    pub commune_id: CommuneId,
    /// Hamlet.
    pub hamlet_id: HamletId,
    /// Address within the hamlet.
    pub address: String,
}

/// A person of the register. `Debug` never shows their name, phone or CCCD (they must not reach logs).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Resident {
    /// Identifier.
    pub id: ResidentId,
    /// Commune.
    pub commune_id: CommuneId,
    /// Household.
    pub household_id: HouseholdId,
    /// Hamlet of the household.
    pub hamlet_id: HamletId,
    /// Full name; after erasure, `None`.
    pub full_name: Option<PersonName>,
    /// Year of birth (kept after erasure: statistics need age groups).
    pub birth_year: Option<i32>,
    /// Gender (kept after erasure).
    pub gender: Option<Gender>,
    /// Phone, optional.
    pub phone: Option<PhoneNumber>,
    /// CCCD number, optional, never required.
    pub cccd: Option<Cccd>,
    /// Set when the person's identifying data was erased.
    #[serde(with = "time::serde::rfc3339::option")]
    pub erased_at: Option<OffsetDateTime>,
    /// Whether the person has a smartphone (`None`: not asked yet).
    pub has_smartphone: Option<bool>,
    /// When someone confirmed the person's skills are recorded on VNeID.
    #[serde(with = "time::serde::rfc3339::option")]
    pub vneid_confirmed_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for Resident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resident")
            .field("id", &self.id)
            .field("commune_id", &self.commune_id)
            .field("household_id", &self.household_id)
            .finish_non_exhaustive()
    }
}

/// A resident to add to a household.
#[derive(Clone, PartialEq, Eq)]
pub struct NewResident {
    /// Household.
    pub household_id: HouseholdId,
    /// Full name.
    pub full_name: PersonName,
    /// Year of birth.
    pub birth_year: Option<i32>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Phone.
    pub phone: Option<PhoneNumber>,
    /// CCCD.
    pub cccd: Option<Cccd>,
}

/// Counts shown on dashboards; the same numbers go into every export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegisterFigures {
    /// Hamlets.
    pub n_hamlets: i64,
    /// Households.
    pub n_households: i64,
    /// Residents not erased.
    pub n_residents: i64,
    /// Residents aged 60 or more in the reference year.
    pub n_elderly: i64,
}
