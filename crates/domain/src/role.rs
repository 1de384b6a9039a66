//! Who a user is in the public investment process.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A role carried in an access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Staff of an executive body (department, utility company) that initiates projects.
    Initiator,
    /// The unit that runs the public investment process (e.g. economic development department).
    PimUnit,
    /// An expert who scores projects.
    Expert,
    /// A member of the local investment council.
    Council,
    /// System administrator.
    Admin,
    /// An integration script (DREAM sync).
    Integration,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] =
        [Role::Initiator, Role::PimUnit, Role::Expert, Role::Council, Role::Admin, Role::Integration];

    /// The role's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Initiator => "initiator",
            Role::PimUnit => "pim_unit",
            Role::Expert => "expert",
            Role::Council => "council",
            Role::Admin => "admin",
            Role::Integration => "integration",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            format!("unknown role {s:?}; expected one of initiator, pim_unit, expert, council, admin, integration")
        })
    }
}
