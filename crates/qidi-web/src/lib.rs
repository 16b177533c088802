//! qidi's web server: server-rendered pages in Simplified Chinese and a JSON API.
//!
//! Handlers are thin: they read the signed-in user, ask the store for what that
//! user's scope allows, and render. Rules live in `qidi-core`.

mod account_security;
mod admin_accounts;
mod api;
mod assessment;
mod auth;
mod bulletins;
mod calendar;
mod confirm;
mod error;
mod hotline;
pub mod i18n;
mod import_gate;
mod ledger;
mod library;
mod lookback;
mod messages;
mod organisation;
mod outside_approval;
mod pages;
mod public;
mod record;
mod second_factor;
mod security;
mod supervision;
mod throttle;
mod upload;
mod workflow;

use axum::routing::{get, post};
use axum::Router;
use qidi_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::{ApiError, PageError};
pub use ledger::LedgerSigning;
pub use public::{DEFAULT_PUBLIC_RATE, PUBLIC_RATE_ENV};
pub use qidi_core::auth::ThrottlePolicy;
pub use throttle::{EXPORT_RATE_ENV, LOGIN_RATE_ENV, SEARCH_RATE_ENV};

/// Settings the web layer needs.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Where uploaded files live (outside any web root), under server-made names.
    pub data_dir: std::path::PathBuf,
    /// How long a department's ledger page waits for its ledger to be read before it says
    /// how far the reading has come (None: five seconds). Tests set it to zero.
    pub ledger_reading_wait: Option<std::time::Duration>,
    /// How long a request to sign a department ledger, or confirm its changes, waits for
    /// the work before it answers that the work goes on (None: 25 seconds).
    pub ledger_signing_wait: Option<std::time::Duration>,
    /// The signatures this server works on, shared with whoever stops it, which waits for
    /// them ([`LedgerSigning::finish`]). None: the router makes its own.
    pub ledger_signing: Option<LedgerSigning>,
}

pub struct AppState {
    pub store: Store,
    pub config: WebConfig,
    /// Sign-in attempts per client address, for the page and the API alike.
    pub login_throttle: throttle::Throttle,
    /// Spreadsheet imports read at once.
    pub imports: import_gate::ImportGate,
    /// Requests to the public record (阳光审批) per client address.
    pub public_throttle: throttle::Throttle,
    /// Filtered library pages per client address and per account.
    pub search_throttle: throttle::Throttle,
    /// Exports and document downloads per client address and per account.
    pub export_throttle: throttle::Throttle,
    /// Readings of department ledgers that outlast their request.
    pub ledger_readings: ledger::LedgerReadings,
    /// Signatures and confirmations of department ledgers that outlast their request.
    pub ledger_signing: LedgerSigning,
}

pub type SharedState = Arc<AppState>;

/// Requests per minute per client address (and per account, where there is one) for
/// each throttled kind of request.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    /// Sign-in ([`LOGIN_RATE_ENV`], default 10).
    pub login: ThrottlePolicy,
    /// The public record ([`PUBLIC_RATE_ENV`], default 120).
    pub public: ThrottlePolicy,
    /// Filtered library pages ([`SEARCH_RATE_ENV`], default 60).
    pub search: ThrottlePolicy,
    /// Exports and document downloads ([`EXPORT_RATE_ENV`], default 20).
    pub export: ThrottlePolicy,
}

impl Rates {
    /// Each rate from its environment variable, or its default.
    pub fn from_env() -> Rates {
        let rate = |name, per_minute| throttle::policy_from(name, ThrottlePolicy { per_minute });
        Rates {
            login: throttle::policy_from_env(),
            public: rate(PUBLIC_RATE_ENV, DEFAULT_PUBLIC_RATE),
            search: rate(SEARCH_RATE_ENV, throttle::DEFAULT_SEARCH_RATE),
            export: rate(EXPORT_RATE_ENV, throttle::DEFAULT_EXPORT_RATE),
        }
    }
}

/// The whole application as one router, ready for `axum::serve` or `oneshot`, with the
/// rates from the environment ([`Rates::from_env`]).
pub fn router(store: Store, config: WebConfig) -> Router {
    router_with_rates(store, config, Rates::from_env())
}

/// [`router`] with the sign-in rate given.
pub fn router_with_login_rate(store: Store, config: WebConfig, login: ThrottlePolicy) -> Router {
    router_with_rates(store, config, Rates { login, ..Rates::from_env() })
}

/// [`router`] with every rate given.
pub fn router_with_rates(store: Store, config: WebConfig, rates: Rates) -> Router {
    // Messages to a person are worded from the pages' catalogues, in their language (the
    // binary sets this for every command; here for a router made elsewhere, as in tests).
    qidi_store::messages::set_wording(i18n::word_in);
    let ledger_signing = config.ledger_signing.clone().unwrap_or_else(|| LedgerSigning::for_backend(store.backend()));
    let state = Arc::new(AppState {
        store,
        config,
        login_throttle: throttle::Throttle::new(rates.login),
        imports: import_gate::ImportGate::from_env(),
        public_throttle: throttle::Throttle::new(rates.public),
        search_throttle: throttle::Throttle::new(rates.search),
        export_throttle: throttle::Throttle::new(rates.export),
        ledger_readings: ledger::LedgerReadings::default(),
        ledger_signing,
    });
    let x_request_id = axum::http::HeaderName::from_static("x-request-id");
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/language", post(i18n::switch))
        .route("/password", get(pages::password_form).post(pages::change_password))
        .route("/projects", get(library::projects))
        .route("/projects/export", get(library::export))
        .route("/projects/{id}", get(pages::project))
        .route("/static/qidi.css", get(pages::stylesheet))
        .route("/static/qidi.js", get(pages::script))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(api::readyz))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/summary", get(api::summary))
        .route("/api/v1/projects", get(api::projects))
        .route("/api/v1/projects/{id}", get(api::project))
        .route("/api/v1/pending-items", get(api::pending_items))
        .route("/api/v1/login", post(api::login))
        .route("/admin/calendar", get(calendar::admin_page).post(calendar::admin_import))
        .route("/api/v1/calendar/add", get(calendar::add))
        .route("/api/v1/calendar/{date}", get(calendar::day))
        .merge(workflow::routes())
        .merge(ledger::routes())
        .merge(outside_approval::routes())
        .merge(messages::routes())
        .merge(bulletins::routes())
        .merge(hotline::routes())
        .merge(supervision::routes())
        .merge(public::routes())
        .merge(assessment::routes())
        .merge(lookback::routes())
        .merge(second_factor::routes())
        .merge(record::routes())
        .merge(account_security::routes())
        .merge(admin_accounts::routes())
        .merge(organisation::routes())
        .fallback(pages::not_found)
        // Inside the cross-site refusal: another site's form is refused, never asked.
        .layer(axum::middleware::from_fn(confirm::ask_first))
        .layer(axum::middleware::from_fn(security::same_origin_writes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::record_refusals))
        .layer(axum::middleware::from_fn(security::request_context))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        // Uploads need room; every other route keeps axum's 2 MB default on what it reads.
        .layer(RequestBodyLimitLayer::new(workflow::MAX_REQUEST_BYTES))
        .layer(TimeoutLayer::new(Duration::from_secs(30)))
        // Outside the limits, so that their 413 and 408 are reshaped too.
        .layer(axum::middleware::from_fn(error::api_errors_as_json))
        // Outside every layer that answers by itself (the cross-site refusal, the limits,
        // the API's reshaped errors) and every handler, so that all of them speak the
        // request's language.
        .layer(axum::middleware::from_fn(i18n::negotiate))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn(security::plain_request_id))
        .with_state(state)
}
