//! Pages read as a browser reads them: an HTML parser (scraper), never
//! substring matches. A form is submitted with exactly the fields a browser
//! would send for it as shown.

use scraper::{ElementRef, Html, Selector};

/// Parses a page.
pub fn parse(page: &str) -> Html {
    Html::parse_document(page)
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"))
}

/// Every element of `page` matching `css`.
pub fn select<'a>(page: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    page.select(&selector(css)).collect()
}

/// The text of an element, its white space folded.
pub fn text(element: &ElementRef<'_>) -> String {
    element.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A form as shown: where it posts and what a browser would send.
#[derive(Debug, Clone)]
pub struct Form {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl Form {
    /// The first value sent under `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Replaces the value of `name` (or adds the field).
    pub fn set(&mut self, name: &str, value: &str) {
        match self.fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_owned(),
            None => self.fields.push((name.to_owned(), value.to_owned())),
        }
    }

    /// The fields as pairs of strings, for posting.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
    }
}

/// The form of `page` posting to `action`, with the fields a browser would
/// submit: inputs with their values (checkboxes and radio buttons only when
/// checked, `on` without a value), each select's chosen option (or its
/// first; every chosen one of a multiple select, none when none is), each text area's text with its line breaks as CRLF; disabled
/// controls, buttons and unnamed controls are left out.
pub fn form(page: &str, action: &str) -> Form {
    let doc = parse(page);
    let forms = select(&doc, "form");
    let posts = |f: &&ElementRef<'_>| f.value().attr("method").is_some_and(|m| m.eq_ignore_ascii_case("post"));
    let found = forms
        .iter()
        .filter(posts)
        .find(|f| f.value().attr("action") == Some(action))
        .unwrap_or_else(|| panic!("no form posting to {action} in {page}"));
    Form { action: action.to_owned(), fields: fields_of(found) }
}

/// The first form posting from within the element `scope` (a CSS selector) of `page`.
pub fn form_in(page: &str, scope: &str) -> Form {
    let doc = parse(page);
    let css = format!("{scope} form[method=post]");
    let found = select(&doc, &css).into_iter().next().unwrap_or_else(|| panic!("no {css} in {page}"));
    Form { action: found.value().attr("action").unwrap_or_default().to_owned(), fields: fields_of(&found) }
}

/// What a browser would submit of form `found`.
fn fields_of(found: &ElementRef<'_>) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for control in found.select(&selector("input, select, textarea")) {
        let el = control.value();
        let Some(name) = el.attr("name") else { continue };
        if el.attr("disabled").is_some() {
            continue;
        }
        match el.name() {
            "input" => {
                let kind = el.attr("type").unwrap_or("text").to_ascii_lowercase();
                match kind.as_str() {
                    "submit" | "button" | "reset" | "image" | "file" => {}
                    "checkbox" | "radio" => {
                        if el.attr("checked").is_some() {
                            fields.push((name.to_owned(), el.attr("value").unwrap_or("on").to_owned()));
                        }
                    }
                    _ => fields.push((name.to_owned(), el.attr("value").unwrap_or_default().to_owned())),
                }
            }
            "select" if el.attr("multiple").is_some() => {
                for option in control.select(&selector("option")).filter(|o| o.value().attr("selected").is_some()) {
                    let value = option.value().attr("value").map_or_else(|| text(&option), str::to_owned);
                    fields.push((name.to_owned(), value));
                }
            }
            "select" => {
                let options: Vec<_> = control.select(&selector("option")).collect();
                let chosen = options.iter().find(|o| o.value().attr("selected").is_some()).or(options.first());
                if let Some(option) = chosen {
                    let value = option.value().attr("value").map_or_else(|| text(option), str::to_owned);
                    fields.push((name.to_owned(), value));
                }
            }
            _ => {
                let content: String = control.text().collect();
                fields.push((name.to_owned(), content.replace("\r\n", "\n").replace('\n', "\r\n")));
            }
        }
    }
    fields
}
