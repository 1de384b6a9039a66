//! Who may read which passport: the one rule every read that can reveal a
//! passport applies — the passport itself, its revisions and transitions, the
//! audit log, DREAM exports, score cards, completion reports and evaluations.

use std::collections::HashSet;

use portfel_domain::Status;
use portfel_domain::access::Visibility;
use portfel_domain::records::Passport;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::StoreResult;
use crate::entity::passport;

/// A reader: its login, what its roles let it see, and whether it is an expert
/// (who sees the passports assigned to it once it declared no conflict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// `sub` of the reader.
    pub sub: String,
    /// Passports visible through roles and organisation.
    pub visibility: Visibility,
    /// True when the reader has the expert role.
    pub expert: bool,
}

/// True when `viewer` may see `passport`.
pub async fn can_see<C: ConnectionTrait>(conn: &C, viewer: &Viewer, passport: &Passport) -> StoreResult<bool> {
    sees(conn, viewer, passport.meta.id, passport.organisation_id, passport.status).await
}

/// The rule: roles and organisation, an expert's assignment without a
/// conflict, or an expert named to evaluate the project ex post.
async fn sees<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    id: Uuid,
    organisation: Uuid,
    status: Status,
) -> StoreResult<bool> {
    if viewer.visibility.can_see(organisation, status) {
        return Ok(true);
    }
    if !viewer.expert {
        return Ok(false);
    }
    Ok(crate::rounds::expert_can_see(conn, &viewer.sub, id).await?
        || crate::evaluations::names(conn, &viewer.sub, id).await?)
}

/// The passports among `ids` that `viewer` may see.
pub async fn visible_ids<C: ConnectionTrait>(conn: &C, viewer: &Viewer, ids: &[Uuid]) -> StoreResult<HashSet<Uuid>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<(Uuid, Uuid, String)> = passport::Entity::find()
        .select_only()
        .column(passport::Column::Id)
        .column(passport::Column::OrganisationId)
        .column(passport::Column::Status)
        .filter(passport::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let mut visible = HashSet::new();
    for (id, organisation, status) in rows {
        if sees(conn, viewer, id, organisation, crate::passports::parse_status(&status)?).await? {
            visible.insert(id);
        }
    }
    Ok(visible)
}
