//! The item-type catalogue's page (`/catalogue`): every item type with its limits and
//! checklist, and the office's forms to add, edit, retire and restore one. A refused
//! form comes back beside itself, with its message, its status and what was typed.

use super::pages::{bad, field, limit_days, list};
use crate::auth::PageUser;
use crate::error::{in_place, render, PageError, RefusedForm};
use crate::i18n::{t, t1, tc};
use crate::SharedState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qidi_core::catalogue::{AuthorityLevel, LimitUnit};
use qidi_store::users::User;
use qidi_store::workflow::{ItemType, ItemTypeEdit, MaterialSpec, NewItemType};
use std::collections::HashMap;

/// The page's name for the form that adds an item type.
const NEW_FORM: &str = "new";

/// The page's name for the edit form of item type `id`.
fn edit_form(id: &str) -> String {
    format!("edit-{id}")
}

/// The page's name for the retire (or restore) button of item type `id`.
fn retire_form(id: &str) -> String {
    format!("retire-{id}")
}

struct ItemTypeView {
    t: ItemType,
    level_label: String,
    statutory_limit: String,
    promised_limit: String,
    extension_limit: String,
    prerequisites_text: String,
    aliases_text: String,
    edit_form: String,
    retire_form: String,
    /// What the edit form shows: the item type's values, or what was typed into it
    /// when it was refused.
    values: HashMap<String, String>,
}

impl ItemTypeView {
    /// The edit form's value of field `k`.
    fn value(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

/// The edit form's fields as the item type fills them.
fn edit_values(t: &ItemType, aliases: &str, materials: &str, prerequisites: &str) -> HashMap<String, String> {
    [
        ("name", t.name.clone()),
        ("aliases", aliases.to_string()),
        ("department_code", t.department_code.clone()),
        ("promised_limit", t.promised_limit.to_string()),
        ("statutory_limit", t.statutory_limit.to_string()),
        ("extension_limit", t.extension_limit.to_string()),
        ("limit_unit", t.limit_unit.as_str().to_string()),
        ("authority_level", t.authority_level.as_str().to_string()),
        ("limit_source", t.limit_source.clone()),
        ("limit_confirmed", if t.limit_confirmed { "on" } else { "" }.to_string()),
        ("materials", materials.to_string()),
        ("prerequisites", prerequisites.to_string()),
        ("warn_days", t.light_policy.warn_days.to_string()),
        ("warn_ratio_percent", t.light_policy.warn_ratio_percent.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[derive(Template)]
#[template(path = "workflow_catalogue.html")]
struct CataloguePage<'a> {
    user: &'a User,
    items: Vec<ItemTypeView>,
    can_edit: bool,
    levels: Vec<(&'static str, String)>,
    /// Departments an item type may be given: (code, name), not retired.
    departments: Vec<(String, String)>,
    /// The form just refused: which, why, and what was typed into it.
    refused: Option<RefusedForm>,
}

impl CataloguePage<'_> {
    /// The refusal to show in form `form`, if that form was refused.
    fn refused_for(&self, form: &str) -> Option<&str> {
        self.refused.as_ref().and_then(|r| r.message_for(form))
    }

    /// What was typed into field `name` of the refused form `form` (else empty).
    fn typed(&self, form: &str, name: &str) -> &str {
        self.refused.as_ref().map_or("", |r| r.typed(form, name))
    }

    /// A refusal whose form this page does not show (the reader may not edit, or the
    /// item type is not listed): shown at the top instead, never lost.
    fn refused_without_form(&self) -> Option<&str> {
        let r = self.refused.as_ref()?;
        let shown = self.can_edit
            && (r.form == NEW_FORM || self.items.iter().any(|v| r.form == v.edit_form || r.form == v.retire_form));
        (!shown).then_some(r.message.as_str())
    }
}

/// The catalogue; after a refused form, with the refusal beside it, what was typed
/// kept, and the refusal's status.
async fn catalogue_page(
    state: &SharedState,
    user: &User,
    refused: Option<(StatusCode, RefusedForm)>,
) -> Result<Response, PageError> {
    use qidi_core::catalogue::AuthorityLevel as L;
    let (status, refused) = RefusedForm::split(refused);
    let items = state
        .store
        .item_types(user)
        .await?
        .into_iter()
        .map(|t| {
            let materials_text =
                t.required_materials.iter().map(|m| format!("{} {}", m.code, m.name)).collect::<Vec<_>>().join("\n");
            let prerequisites_text = t.prerequisites.join(" ");
            let aliases_text = list(&t.aliases);
            let edit_form = edit_form(&t.id);
            let values = match &refused {
                Some(r) if r.form == edit_form => r.typed.clone(),
                _ => edit_values(&t, &aliases_text, &materials_text, &prerequisites_text),
            };
            ItemTypeView {
                level_label: tc("authority-level", t.authority_level.as_str()),
                statutory_limit: limit_days(t.statutory_limit, t.limit_unit),
                promised_limit: limit_days(t.promised_limit, t.limit_unit),
                extension_limit: limit_days(t.extension_limit, t.limit_unit),
                prerequisites_text,
                aliases_text,
                edit_form,
                retire_form: retire_form(&t.id),
                values,
                t,
            }
        })
        .collect();
    let departments = state
        .store
        .department_list(&user.region())
        .await?
        .into_iter()
        .filter(|d| d.retired_at.is_none())
        .map(|d| (d.code, d.name))
        .collect();
    let levels = [L::Banner, L::League, L::Region, L::National]
        .iter()
        .map(|l| (l.as_str(), tc("authority-level", l.as_str())))
        .collect();
    let page = CataloguePage {
        user,
        items,
        can_edit: qidi_core::catalogue::may_keep_catalogue(user.role).is_ok(),
        levels,
        departments,
        refused,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn catalogue(State(state): State<SharedState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    catalogue_page(&state, &user, None).await
}

/// After a write from form `form`: to the item type's card, or the catalogue with the
/// refusal in that form and what was typed kept. Any error that is not a refusal (an
/// item type out of scope, the database) stays an error page.
async fn after(
    state: &SharedState,
    user: &User,
    form: String,
    typed: HashMap<String, String>,
    done: Result<ItemType, PageError>,
) -> Result<Response, PageError> {
    match done {
        Ok(t) => Ok(Redirect::to(&format!("/catalogue#item-{}", t.code)).into_response()),
        Err(e) => {
            let (status, message) = in_place(e)?;
            catalogue_page(state, user, Some((status, RefusedForm::new(form, message, typed)))).await
        }
    }
}

/// Names as the office writes them in one field: separated by 、 , ， ； or new lines.
pub(crate) fn names_from_text(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', '；', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn prerequisites_from_text(text: &str) -> Vec<String> {
    text.split([' ', ',', '，', '、']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// The whole number in field `k`, or none when it is blank; `label` is the message key
/// of the field's name, for the refusal (422).
fn number(f: &HashMap<String, String>, k: &str, label: &str) -> Result<Option<u32>, PageError> {
    match field(f, k) {
        "" => Ok(None),
        v => v.parse().map(Some).map_err(|_| bad(t1("workflow-error-not-integer", "field", t(label)))),
    }
}

/// The checklist as the form writes it: one material a line, its code, a space, its name.
fn materials_from_text(text: &str) -> Result<Vec<MaterialSpec>, PageError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            let (code, name) = l
                .split_once(|c: char| c.is_whitespace())
                .ok_or_else(|| bad(t1("workflow-error-materials-line", "line", i + 1)))?;
            Ok(MaterialSpec { code: code.trim().to_string(), name: name.trim().to_string() })
        })
        .collect()
}

/// The new item type's form, read; what does not read is refused (422) naming the field.
fn new_item_type(f: &HashMap<String, String>) -> Result<NewItemType, PageError> {
    Ok(NewItemType {
        code: field(f, "code").to_string(),
        name: field(f, "name").to_string(),
        aliases: names_from_text(field(f, "aliases")),
        department_code: field(f, "department_code").to_string(),
        authority_level: AuthorityLevel::parse(field(f, "authority_level"))
            .ok_or_else(|| bad(t("workflow-error-choose-level")))?,
        statutory_limit: number(f, "statutory_limit", "workflow-statutory-limit")?
            .ok_or_else(|| bad(t("workflow-error-statutory-limit-required")))?,
        limit_unit: LimitUnit::parse(field(f, "limit_unit")).ok_or_else(|| bad(t("workflow-error-choose-unit")))?,
        promised_limit: number(f, "promised_limit", "workflow-promised-limit")?
            .ok_or_else(|| bad(t("workflow-error-promised-limit-required")))?,
        extension_limit: number(f, "extension_limit", "workflow-field-extension-limit")?.unwrap_or(0),
        limit_source: field(f, "limit_source").to_string(),
        required_materials: materials_from_text(field(f, "materials"))?,
        prerequisites: prerequisites_from_text(field(f, "prerequisites")),
    })
}

/// An item type's edit form, read: a field left out leaves the value as it is.
fn item_type_edit(f: &HashMap<String, String>) -> Result<ItemTypeEdit, PageError> {
    Ok(ItemTypeEdit {
        name: f.get("name").cloned(),
        aliases: f.get("aliases").map(|t| names_from_text(t)),
        department_code: f.get("department_code").cloned(),
        promised_limit: number(f, "promised_limit", "workflow-promised-limit")?,
        statutory_limit: number(f, "statutory_limit", "workflow-statutory-limit")?,
        extension_limit: number(f, "extension_limit", "workflow-field-extension-limit")?,
        limit_unit: LimitUnit::parse(field(f, "limit_unit")),
        authority_level: AuthorityLevel::parse(field(f, "authority_level")),
        limit_source: f.get("limit_source").cloned(),
        limit_confirmed: Some(field(f, "limit_confirmed") == "on"),
        required_materials: f.get("materials").map(|t| materials_from_text(t)).transpose()?,
        prerequisites: f.get("prerequisites").map(|t| prerequisites_from_text(t)),
        warn_days: number(f, "warn_days", "workflow-field-warn-days")?,
        warn_ratio_percent: number(f, "warn_ratio_percent", "workflow-field-warn-ratio")?,
    })
}

pub async fn create_item_type(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let done = match new_item_type(&f) {
        Ok(new) => state.store.create_item_type(&user, &new).await.map_err(PageError::from),
        Err(e) => Err(e),
    };
    after(&state, &user, NEW_FORM.to_string(), f, done).await
}

pub async fn update_item_type(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    // Out of scope is a 404 before anything in the form is looked at.
    state.store.item_type(&user, &id).await?;
    let done = match item_type_edit(&f) {
        Ok(edit) => state.store.update_item_type(&user, &id, &edit).await.map_err(PageError::from),
        Err(e) => Err(e),
    };
    after(&state, &user, edit_form(&id), f, done).await
}

async fn set_retired(state: &SharedState, user: &User, id: &str, retire: bool) -> Result<Response, PageError> {
    let done = state.store.set_item_type_retired(user, id, retire).await.map_err(PageError::from);
    after(state, user, retire_form(id), HashMap::new(), done).await
}

pub async fn retire_item_type(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_retired(&state, &user, &id, true).await
}

pub async fn restore_item_type(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_retired(&state, &user, &id, false).await
}
