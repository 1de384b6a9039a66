//! DREAM codelists (statuses, funding sources, sectors, strategy documents, ...),
//! embedded in the binary from the CSV files DREAM publishes.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The codelists Portfel knows, named as DREAM names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum Codelist {
    /// Funding source categories (local budget, state subsidies, donors, ...).
    #[serde(rename = "fundingSourceCategories")]
    FundingSourceCategories,
    /// Funding types (state funds, international partners, private investments).
    #[serde(rename = "fundingTypes")]
    FundingTypes,
    /// Project nature (construction, design, procurement, supervision).
    #[serde(rename = "initiationNature")]
    InitiationNature,
    /// Project purpose (restoration, development).
    #[serde(rename = "initiationPurpose")]
    InitiationPurpose,
    /// DREAM project statuses.
    #[serde(rename = "initiationStatuses")]
    InitiationStatuses,
    /// Project types (rehabilitation, construction, equipment, replacement).
    #[serde(rename = "initiationTypes")]
    InitiationTypes,
    /// Organisation kinds.
    #[serde(rename = "TED-TYPE")]
    TedType,
    /// Strategy document kinds.
    #[serde(rename = "UA-GIS")]
    UaGis,
    /// Economic sectors (World Bank classification).
    #[serde(rename = "WB-ECO")]
    WbEco,
}

impl Codelist {
    /// Every codelist.
    pub const ALL: [Codelist; 9] = [
        Codelist::FundingSourceCategories,
        Codelist::FundingTypes,
        Codelist::InitiationNature,
        Codelist::InitiationPurpose,
        Codelist::InitiationStatuses,
        Codelist::InitiationTypes,
        Codelist::TedType,
        Codelist::UaGis,
        Codelist::WbEco,
    ];

    /// DREAM's name of the list, also the CSV file stem.
    pub fn name(self) -> &'static str {
        match self {
            Codelist::FundingSourceCategories => "fundingSourceCategories",
            Codelist::FundingTypes => "fundingTypes",
            Codelist::InitiationNature => "initiationNature",
            Codelist::InitiationPurpose => "initiationPurpose",
            Codelist::InitiationStatuses => "initiationStatuses",
            Codelist::InitiationTypes => "initiationTypes",
            Codelist::TedType => "TED-TYPE",
            Codelist::UaGis => "UA-GIS",
            Codelist::WbEco => "WB-ECO",
        }
    }

    /// Looks a list up by DREAM's name.
    pub fn from_name(name: &str) -> Option<Codelist> {
        Codelist::ALL.into_iter().find(|c| c.name() == name)
    }

    fn csv(self) -> &'static str {
        match self {
            Codelist::FundingSourceCategories => {
                include_str!("../codelists/fundingSourceCategories.csv")
            }
            Codelist::FundingTypes => include_str!("../codelists/fundingTypes.csv"),
            Codelist::InitiationNature => include_str!("../codelists/initiationNature.csv"),
            Codelist::InitiationPurpose => include_str!("../codelists/initiationPurpose.csv"),
            Codelist::InitiationStatuses => include_str!("../codelists/initiationStatuses.csv"),
            Codelist::InitiationTypes => include_str!("../codelists/initiationTypes.csv"),
            Codelist::TedType => include_str!("../codelists/TED-TYPE.csv"),
            Codelist::UaGis => include_str!("../codelists/UA-GIS.csv"),
            Codelist::WbEco => include_str!("../codelists/WB-ECO.csv"),
        }
    }
}

/// One code with its Ukrainian and English labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CodelistEntry {
    /// The code as DREAM spells it (surrounding spaces trimmed).
    #[schema(example = "localBudget")]
    pub code: String,
    /// Ukrainian label.
    #[schema(example = "Місцевий бюджет (за виключенням субвенцій з державного бюджету)")]
    pub label_uk: String,
    /// English label.
    #[schema(example = "Local Budget")]
    pub label_en: String,
}

/// All codelists, parsed once.
#[derive(Debug, Clone)]
pub struct Codelists {
    lists: BTreeMap<Codelist, Vec<CodelistEntry>>,
}

static EMBEDDED: LazyLock<Codelists> = LazyLock::new(Codelists::parse_embedded);

impl Codelists {
    /// The codelists compiled into the binary.
    pub fn embedded() -> &'static Codelists {
        &EMBEDDED
    }

    fn parse_embedded() -> Codelists {
        let ua_gis_en = parse_csv(include_str!("../codelists/UA-GIS.en.csv"))
            .into_iter()
            .map(|row| (row[0].clone(), row[1].clone()))
            .collect::<HashMap<_, _>>();
        let lists = Codelist::ALL
            .into_iter()
            .map(|list| {
                let entries = parse_csv(list.csv())
                    .into_iter()
                    .map(|row| {
                        let code = row[0].clone();
                        let label_uk = row.get(1).cloned().unwrap_or_default();
                        let label_en = row
                            .get(2)
                            .cloned()
                            .or_else(|| ua_gis_en.get(&code).cloned())
                            .unwrap_or_else(|| code.clone());
                        CodelistEntry { code, label_uk, label_en }
                    })
                    .collect();
                (list, entries)
            })
            .collect();
        Codelists { lists }
    }

    /// Entries of one list, in DREAM's order.
    pub fn entries(&self, list: Codelist) -> &[CodelistEntry] {
        self.lists.get(&list).map(Vec::as_slice).unwrap_or(&[])
    }

    /// True when `code` is in `list`.
    pub fn contains(&self, list: Codelist, code: &str) -> bool {
        self.entries(list).iter().any(|e| e.code == code)
    }
}

/// Parses a codelist CSV (header skipped), trimming every cell.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("embedded codelist CSV is well-formed").iter().map(|cell| cell.trim().to_owned()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_loads_with_labels() {
        let c = Codelists::embedded();
        for list in Codelist::ALL {
            let entries = c.entries(list);
            assert!(!entries.is_empty(), "{} is empty", list.name());
            for e in entries {
                assert!(!e.code.is_empty() && !e.label_uk.is_empty() && !e.label_en.is_empty(), "{e:?}");
            }
        }
        assert_eq!(c.entries(Codelist::FundingSourceCategories).len(), 20);
        assert_eq!(c.entries(Codelist::WbEco).len(), 77);
    }

    #[test]
    fn codes_are_trimmed() {
        let c = Codelists::embedded();
        assert!(c.contains(Codelist::FundingSourceCategories, "liquidationFund"));
        assert!(c.contains(Codelist::InitiationStatuses, "unsuccessful"));
        assert!(!c.contains(Codelist::InitiationStatuses, "unsuccessful "));
    }

    #[test]
    fn ua_gis_has_english_labels() {
        let c = Codelists::embedded();
        let e = c.entries(Codelist::UaGis).iter().find(|e| e.code == "communityDevelopmentStrategy").unwrap();
        assert_eq!(e.label_en, "Territorial community development strategy");
    }

    #[test]
    fn embedded_copies_match_shared_reference() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/dream/codelists");
        if !dir.exists() {
            return;
        }
        for list in Codelist::ALL {
            let shared = std::fs::read_to_string(dir.join(format!("{}.csv", list.name()))).unwrap();
            assert_eq!(shared, list.csv(), "{} differs from the shared reference", list.name());
        }
    }
}
