//! The OpenAPI 3.1 document: generated from the handlers, then completed
//! with the security scheme and the standard problem responses.

use std::collections::BTreeMap;
use utoipa::OpenApi;
use utoipa::openapi::path::{HttpMethod, Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};

use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Object, Schema, SchemaType};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, Required, ResponseBuilder, Type};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portfel",
        description = "Public investment project portfolio engine for Ukrainian territorial communities: \
            project passports, expert evaluation, the single project portfolio and the medium-term plan, \
            synchronised with DREAM.\n\nAll `/api/v1` endpoints need a bearer JWT (HS256) with `sub`, `org`, \
            `roles`, `exp`, `iat`, `aud` and `iss`. Errors are RFC 9457 problem documents. Writes to existing \
            resources need `If-Match` with the resource's `ETag`; `POST` accepts `Idempotency-Key`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    components(schemas(
        crate::problem::Problem,
        portfel_domain::FieldError,
        crate::routes::council::ExportFormat,
        crate::routes::programmes::ReportFormat,
        crate::routes::dream::FeedOrder,
        crate::routes::passports::ListView,
        crate::routes::rounds::results::CardFormat,
    )),
    tags(
        (name = "passports", description = "Project passports and their lifecycle"),
        (name = "evaluation", description = "Methodologies, evaluation rounds, expert scoring, results and sensitivity"),
        (name = "planning", description = "Single project portfolio and medium-term plan: versions, council approval, scenarios, exports"),
        (name = "dream", description = "DREAM interoperability: import, export and the change feed"),
        (name = "monitoring", description = "Implementation reports, local target programmes and their annual reports"),
        (name = "completion", description = "Completion reports, ex-post evaluations with their conclusions, initiators' track records"),
        (name = "reference", description = "Organisations, users, strategy documents, budget years, codelists"),
        (name = "audit", description = "The append-only audit log"),
        (name = "health", description = "Probes"),
    )
)]
struct ApiDoc;

/// The document's base: info, tags, shared schemas.
pub(crate) fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The complete document, as served at `/openapi.json` and committed in `openapi/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    finish(crate::raw_spec())
}

/// Adds the bearer scheme, security requirements, header patterns and
/// problem responses, and lets stored records extend their input schemas.
pub(crate) fn finish(spec: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut spec = open_extended_inputs(spec);
    let text = text_pattern();
    if let Some(components) = spec.components.as_mut() {
        components.schemas.values_mut().for_each(|s| forbid_control_characters(s, &text));
    }
    let components = spec.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(Http::builder().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    for (path, item) in spec.paths.paths.iter_mut() {
        let secured = path.starts_with("/api/");
        let has_params = path.contains('{');
        for (method, op) in [
            (HttpMethod::Get, item.get.as_mut()),
            (HttpMethod::Post, item.post.as_mut()),
            (HttpMethod::Put, item.put.as_mut()),
            (HttpMethod::Delete, item.delete.as_mut()),
        ] {
            let Some(op) = op else { continue };
            // Uploads are streamed, not fingerprinted: they take no Idempotency-Key.
            let keyed = !path.starts_with("/api/v1/attachments");
            complete(op, method, Route { secured, has_params, keyed }, &text);
        }
    }
    spec
}

/// A record such as `Organisation` is `allOf` its `Meta` and its input
/// schema; an input refuses unknown fields (`additionalProperties: false`),
/// which would refuse the record's own `id` and `version`. Such references are
/// replaced by a copy of the input without that restriction.
fn open_extended_inputs(mut spec: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let Some(components) = spec.components.as_mut() else { return spec };
    let closed: BTreeMap<String, Object> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            RefOr::T(Schema::Object(object))
                if matches!(object.additional_properties.as_deref(), Some(AdditionalProperties::FreeForm(false))) =>
            {
                let mut open = object.clone();
                open.additional_properties = None;
                Some((name.clone(), open))
            }
            _ => None,
        })
        .collect();
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::AllOf(all_of)) = schema else { continue };
        for part in &mut all_of.items {
            if let RefOr::Ref(reference) = part
                && let Some(open) = reference.ref_location.rsplit('/').next().and_then(|name| closed.get(name))
            {
                *part = RefOr::T(Schema::Object(open.clone()));
            }
        }
    }
    spec
}

/// Pattern of text the server accepts: none of
/// [`portfel_domain::text::FORBIDDEN_CONTROLS`] and
/// [`portfel_domain::text::DIRECTION_CONTROLS`].
fn text_pattern() -> String {
    let escape = |c: char| format!("\\u{:04x}", u32::from(c));
    let class: String = portfel_domain::text::FORBIDDEN_CONTROLS
        .iter()
        .chain(&portfel_domain::text::DIRECTION_CONTROLS)
        .map(|&(first, last)| match u32::from(last) - u32::from(first) {
            0 => escape(first),
            1 => format!("{}{}", escape(first), escape(last)),
            _ => format!("{}-{}", escape(first), escape(last)),
        })
        .collect();
    format!("^[^{class}]*$")
}

/// Adds the [`text_pattern`] to every free-text string of `schema` (one with
/// no format, enumeration or pattern of its own), however deeply nested.
fn forbid_control_characters(schema: &mut RefOr<Schema>, pattern: &str) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(object) => {
            let is_string = matches!(&object.schema_type, SchemaType::Type(Type::String))
                || matches!(&object.schema_type, SchemaType::Array(types) if types.contains(&Type::String));
            if is_string && object.format.is_none() && object.enum_values.is_none() && object.pattern.is_none() {
                object.pattern = Some(pattern.to_owned());
            }
            object.properties.values_mut().for_each(|p| forbid_control_characters(p, pattern));
            if let Some(additional) = object.additional_properties.as_deref_mut()
                && let AdditionalProperties::RefOr(inner) = additional
            {
                forbid_control_characters(inner, pattern);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                forbid_control_characters(items, pattern);
            }
        }
        Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(|s| forbid_control_characters(s, pattern)),
        Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(|s| forbid_control_characters(s, pattern)),
        Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(|s| forbid_control_characters(s, pattern)),
        _ => {}
    }
}

/// What [`complete`] needs to know of an operation's path.
#[derive(Clone, Copy)]
struct Route {
    /// Under `/api/`, behind a token.
    secured: bool,
    /// With path parameters.
    has_params: bool,
    /// Takes an `Idempotency-Key` when a POST.
    keyed: bool,
}

fn complete(op: &mut Operation, method: HttpMethod, route: Route, text: &str) {
    let Route { secured, has_params, keyed } = route;
    for param in op.parameters.iter_mut().flatten() {
        if let RefOr::T(param) = param
            && let Some(schema) = param.schema.as_mut()
        {
            forbid_control_characters(schema, text);
        }
    }
    let mut add = |code: &str, description: &str| {
        op.responses.responses.entry(code.to_owned()).or_insert_with(|| problem(description));
    };
    add("400", "Malformed request: bad JSON syntax, header or query parameter");
    add("408", "The request's body stopped arriving");
    add("431", "The request's headers are too large");
    if secured {
        add("401", "Missing, expired or invalid token");
        add("403", "The token lacks the role or organisation this needs");
    }
    if has_params || secured {
        add("404", "No such resource, or one the request refers to");
    }
    let writes = method == HttpMethod::Post || method == HttpMethod::Put;
    if writes {
        add("409", "The write conflicts with the resource's state");
        add("413", "Body over the configured limit");
        add("415", "Body is not JSON");
        add("422", "Input breaks a rule; `errors` names every failing field");
    }
    let versioned = op.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.name == "If-Match"));
    if versioned {
        add("412", "If-Match names an old version; `current_version` gives the stored one");
        add("428", "If-Match is missing");
    }
    add("503", "The database is unavailable, or the request took too long; retry later");
    let exports = op.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.name == "format"));
    if exports && let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") {
        use crate::routes::council::{CSV, XLSX};
        use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
        let text = || ObjectBuilder::new().schema_type(Type::String);
        ok.content.insert(CSV.into(), RefOr::T(ContentBuilder::new().schema(Some(text())).build()));
        let binary = text().format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)));
        ok.content.insert(XLSX.into(), RefOr::T(ContentBuilder::new().schema(Some(binary)).build()));
    }
    if secured {
        op.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
    if method == HttpMethod::Post && secured && keyed {
        let param = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some("Makes retries safe: a repeat with the same key and body returns the first response"))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String).pattern(Some(crate::idempotency::KEY_PATTERN))))
            .build();
        op.parameters.get_or_insert_with(Vec::new).push(RefOr::T(param));
    }
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
            )
            .build(),
    )
}
