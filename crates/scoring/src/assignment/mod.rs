//! An expert's assignment to a project: who is chosen ([`staffing`]) and
//! what the expert may do once assigned ([`work`]).

pub mod staffing;
pub mod work;

pub use staffing::{
    ExpertLookup, NewAssignment, ProjectToStaff, add_expert, check_screened, choose_experts, experts_needed,
};
pub use work::{Refusal, ScoringRefusal};
