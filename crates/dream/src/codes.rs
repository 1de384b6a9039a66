//! Code mappings between Portfel and DREAM's schema enumerations.

use portfel_domain::Status;

/// DREAM's `financeCategory` for a Portfel funding source, and its `financeType`.
/// Sources outside DREAM's enumeration map to the nearest category; `none`
/// (no funding) has none: an uncovered part is simply not financed in DREAM.
pub fn finance_category(source: &str) -> Option<(&'static str, &'static str)> {
    let category = match source {
        "localBudget" => "localBudget",
        "stateCentralBudget" | "centralBudget" => "stateCentralBudget",
        "united24" => "united24",
        "liquidationFund" => "liquidationFund",
        "stateReserve" => "stateReserve",
        "stateSubsidies" => "stateSubsidies",
        "stateSpecialBudget" => "stateSpecialBudget",
        "naturalPerson" | "fundraisingPlatforms" => "naturalPerson",
        "legalEntity" | "charityFunds" => "legalEntity",
        "abroadState" | "bilateralSupport" => "abroadState",
        "abroadEntity" => "abroadEntity",
        "abroadPerson" => "abroadPerson",
        "internationalOrganization" | "donorFunds" | "techAssistance" => "internationalOrganization",
        _ => return None,
    };
    let kind = match category {
        "internationalOrganization" | "abroadState" | "abroadEntity" | "abroadPerson" => "internationalPartners",
        "naturalPerson" | "legalEntity" => "privateInvestments",
        _ => "stateFunds",
    };
    Some((category, kind))
}

/// DREAM project type for a Portfel one (DREAM's schema has no `replacement`,
/// which shares its label with `rehabilitation`).
pub fn project_type(code: &str) -> &str {
    if code == "replacement" { "rehabilitation" } else { code }
}

/// The Portfel state for DREAM's `status` and `statusDetails`.
pub fn status(status: &str, details: Option<&str>) -> Option<Status> {
    Status::ALL.into_iter().find(|s| s.dream() == (status, details)).or(match status {
        "pending" => Some(Status::Submitted),
        "active" => Some(Status::Implementation),
        "complete" => Some(Status::Completed),
        "cancelled" => Some(Status::Cancelled),
        "unsuccessful" => Some(Status::Unsuccessful),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use portfel_domain::{Codelist, Codelists};

    #[test]
    fn every_funding_source_but_none_has_a_dream_category() {
        for e in Codelists::embedded().entries(Codelist::FundingSourceCategories) {
            assert_eq!(finance_category(&e.code).is_none(), e.code == "none", "{}", e.code);
        }
    }

    #[test]
    fn statuses_map_both_ways() {
        for s in Status::ALL {
            let (st, details) = s.dream();
            assert_eq!(status(st, details), Some(s));
        }
        assert_eq!(status("pending", Some("structuring")), Some(Status::Submitted));
        assert_eq!(status("unknown", None), None);
    }
}
