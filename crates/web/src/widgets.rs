//! Form inputs with a label, the stored or posted value, and their errors
//! (tied with `aria-describedby` and `aria-invalid`).

use maud::{Markup, html};
use portfel_domain::codelist::{Codelist, Codelists};

use crate::forms::{Errors, Values};
use crate::layout::{error_id, field_errors};

/// The id of the input of field `name`.
pub fn input_id(name: &str) -> String {
    format!("f-{}", name.replace(['[', ']', '.'], "-"))
}

/// The `aria-describedby` and `aria-invalid` of field `name`'s input: its
/// errors, when it has some.
pub fn described(errors: &Errors, name: &str) -> (Option<String>, Option<&'static str>) {
    if errors.at(name).is_empty() { (None, None) } else { (Some(error_id(name)), Some("true")) }
}

/// A one-line text input (`kind`: text, number, date, email).
pub fn input(label: &str, name: &str, kind: &str, values: &Values, errors: &Errors) -> Markup {
    let (by, invalid) = described(errors, name);
    html! {
        div.field {
            label for=(input_id(name)) { (label) }
            input id=(input_id(name)) type=(kind) name=(name) value=(values.get(name))
                aria-describedby=[by] aria-invalid=[invalid];
            (field_errors(errors, name))
        }
    }
}

/// A cell input of a table row, labelled by `label` for screen readers.
pub fn cell(label: &str, name: &str, kind: &str, values: &Values, errors: &Errors) -> Markup {
    let (by, invalid) = described(errors, name);
    html! {
        td {
            input id=(input_id(name)) type=(kind) name=(name) value=(values.get(name)) aria-label=(label)
                aria-describedby=[by] aria-invalid=[invalid];
            (field_errors(errors, name))
        }
    }
}

/// A cell input of a decimal number (a score, an amount): text with the
/// decimal keypad on phones, so both "4,5" and "4.5" are taken as typed.
pub fn decimal_cell(label: &str, name: &str, values: &Values, errors: &Errors) -> Markup {
    let (by, invalid) = described(errors, name);
    html! {
        td {
            input id=(input_id(name)) type="text" inputmode="decimal" name=(name) value=(values.get(name).replace('.', ","))
                aria-label=(label) aria-describedby=[by] aria-invalid=[invalid] autocomplete="off" size="6";
            (field_errors(errors, name))
        }
    }
}

/// A text area: one text, or a list of items one per line (every item is
/// shown, so a save keeps them all).
pub fn area(label: &str, name: &str, values: &Values, errors: &Errors) -> Markup {
    let (by, invalid) = described(errors, name);
    html! {
        div.field {
            label for=(input_id(name)) { (label) }
            textarea id=(input_id(name)) name=(name) aria-describedby=[by] aria-invalid=[invalid] { (values.lines(name)) }
            (field_errors(errors, name))
        }
    }
}

/// A select of `options` (value, label) with an empty first choice. A stored
/// value that is none of the options (a code imported from DREAM, say) is
/// offered as it is and stays chosen, so saving the form never drops it.
pub fn select(
    label: Option<&str>,
    name: &str,
    options: &[(String, String)],
    values: &Values,
    errors: &Errors,
) -> Markup {
    let (by, invalid) = described(errors, name);
    let current = values.get(name);
    html! {
        @if let Some(l) = label { label for=(input_id(name)) { (l) } }
        select id=(input_id(name)) name=(name) aria-label=[label.is_none().then_some(name)]
            aria-describedby=[by] aria-invalid=[invalid] {
            option value="" { "—" }
            @if !current.is_empty() && !options.iter().any(|(value, _)| value == current) {
                option value=(current) selected { (current) }
            }
            @for (value, text) in options { option value=(value) selected[current == value] { (text) } }
        }
        (field_errors(errors, name))
    }
}

/// The options of a DREAM codelist, with Ukrainian labels.
pub fn codelist(list: Codelist) -> Vec<(String, String)> {
    Codelists::embedded().entries(list).iter().map(|e| (e.code.clone(), crate::labels::code(list, &e.code))).collect()
}

/// Options from fixed pairs.
pub fn options(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(v, l)| ((*v).to_owned(), (*l).to_owned())).collect()
}

/// A checkbox.
pub fn checkbox(label: &str, name: &str, values: &Values) -> Markup {
    html! {
        div {
            input id=(input_id(name)) type="checkbox" name=(name) checked[values.on(name)];
            label.inline for=(input_id(name)) { (label) }
        }
    }
}

/// A link to a stored document: an anchor only for an absolute `http`/`https`
/// address; anything else (a link stored before that rule) is shown as text,
/// never followed.
pub fn link(url: &portfel_domain::WebLink, text: &str) -> Markup {
    html! {
        @if url.is_web() {
            a href=(url.as_str()) rel="noopener noreferrer" { (text) }
        } @else {
            (text) " (" span.muted { (url.as_str()) } ")"
        }
    }
}
