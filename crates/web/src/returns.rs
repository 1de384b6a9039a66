//! A return to the initiator on the pages, shared by implementation,
//! quarterly programme and completion reports: the form's day to submit
//! again by, the body the API's return takes, and the reason and day shown
//! on the report with the overdue mark.

use chrono::NaiveDate;
use maud::{Markup, html};
use portfel_api::extract::JsonBody;
use portfel_api::routes::reports::ReturnReason;
use serde_json::json;

use crate::forms::{Errors, Fields, Values};
use crate::layout::field_errors;
use crate::widgets::described;

/// The field's name, as the API names it.
const FIELD: &str = "resubmit_by";

/// The optional day to submit again by, as `values` hold it; `id` is the
/// input's, unique on its page.
pub fn back_by_input(id: &str, values: &Values, errors: &Errors) -> Markup {
    let (by, invalid) = described(errors, FIELD);
    html! {
        div.field {
            label for=(id) { "Подати знову до (необов'язково)" }
            input id=(id) type="date" name=(FIELD) value=(values.get(FIELD)) aria-describedby=[by] aria-invalid=[invalid];
            (field_errors(errors, FIELD))
        }
    }
}

/// The API's return body from the posted reason and day.
pub fn body(fields: &Fields) -> JsonBody<ReturnReason> {
    JsonBody::from_value(json!({ "reason": fields.text("reason").unwrap_or_default(), FIELD: fields.text(FIELD) }))
}

/// What a returned report's page says of its return: the reason, and the
/// day to submit it again by while it is still returned.
pub fn notice(reason: Option<&str>, by: Option<NaiveDate>) -> Markup {
    let today = portfel_domain::calendar::local_date(chrono::Utc::now());
    html! {
        @if let Some(reason) = reason {
            div.notice.bad role="status" { strong { "Повернуто: " } (reason)
                @if let Some(by) = by { "; " (back_by(by, today)) } }
        }
    }
}

/// «подати знову до 10.05.2027», marked when it has passed on `today`.
pub fn back_by(by: NaiveDate, today: NaiveDate) -> Markup {
    html! {
        "подати знову до " strong { (by.format("%d.%m.%Y")) }
        @if portfel_domain::comeback::overdue(Some(by), today) { " " strong.overdue { "прострочено" } }
    }
}
