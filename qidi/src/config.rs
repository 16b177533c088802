//! Settings from flags, the environment (`QIDI_…`) and an optional TOML file, in that
//! order of precedence.

use anyhow::{bail, Context};
use qidi_core::RegionCode;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub region: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub secure_cookies: Option<bool>,
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    pub morning: Option<String>,
    pub public_url: Option<String>,
    /// Roles that must sign in with a second factor, as `QIDI_TOTP_ROLES`.
    pub totp_roles: Option<String>,
    /// `mlps` (the default) or `standard`, as `QIDI_PROFILE`.
    pub profile: Option<String>,
    /// Days before a password must be changed, or `off`, as `QIDI_PASSWORD_MAX_AGE_DAYS`.
    pub password_max_age_days: Option<String>,
}

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<FileConfig> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
    }
}

/// Everything resolved.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub region: RegionCode,
    pub data_dir: PathBuf,
    pub listen: String,
    pub secure_cookies: bool,
    /// Email: `QIDI_SMTP_URL` and `QIDI_SMTP_FROM`; none means no email is sent.
    pub smtp: Option<qidi_notify::SmtpSettings>,
    /// When the daily light run is due.
    pub schedule: qidi_notify::Schedule,
    /// Where people reach this server, for links in messages.
    pub public_url: String,
    /// Roles that must sign in with a second factor: `QIDI_TOTP_ROLES` (a comma-separated
    /// list of roles, or `staff`).
    pub second_factor: qidi_core::second_factor::SecondFactorPolicy,
    /// Reuse and expiry of passwords: `QIDI_PROFILE=mlps` turns them on.
    pub password_age: qidi_core::auth::PasswordAgePolicy,
}

pub struct Sources {
    pub database_url: Option<String>,
    pub region: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub config_file: Option<PathBuf>,
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    pub morning: Option<String>,
    pub public_url: Option<String>,
}

impl Config {
    pub fn resolve(s: Sources) -> anyhow::Result<Config> {
        let file = match &s.config_file {
            Some(p) => FileConfig::load(p)?,
            None => FileConfig::default(),
        };
        let data_dir = s.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("qidi-data"));
        let region_text = s.region.or(file.region).unwrap_or_else(|| "152529".into());
        let Ok(region) = RegionCode::parse(&region_text) else {
            bail!("region `{region_text}` is not a six-digit GB/T 2260 code such as 152529");
        };
        let database_url = match s.database_url.or(file.database_url).filter(|u| !u.trim().is_empty()) {
            Some(u) => u,
            None => {
                std::fs::create_dir_all(&data_dir)
                    .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
                format!("sqlite://{}", data_dir.join("qidi.db").display())
            }
        };
        let smtp = match (s.smtp_url.or(file.smtp_url).filter(|u| !u.trim().is_empty()), s.smtp_from.or(file.smtp_from))
        {
            (Some(url), Some(from)) => Some(qidi_notify::SmtpSettings { url, from }),
            (Some(_), None) => bail!("QIDI_SMTP_URL is set but QIDI_SMTP_FROM is not: set the sender address"),
            (None, _) => None,
        };
        let schedule = match s.morning.or(file.morning) {
            Some(t) => match chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M") {
                Ok(morning) => qidi_notify::Schedule { morning },
                Err(_) => bail!("QIDI_MORNING `{t}` is not a time of day such as 08:30"),
            },
            None => qidi_notify::Schedule::default(),
        };
        let listen = s.listen.or(file.listen).unwrap_or_else(|| "127.0.0.1:8080".into());
        let public_url = s.public_url.or(file.public_url).unwrap_or_else(|| format!("http://{listen}"));
        let secure_cookies = match std::env::var("QIDI_SECURE_COOKIES").ok().filter(|v| !v.trim().is_empty()) {
            None => file.secure_cookies.unwrap_or(false),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => bail!("QIDI_SECURE_COOKIES `{v}` is not true or false"),
            },
        };
        let totp_roles = std::env::var("QIDI_TOTP_ROLES").ok().or(file.totp_roles).unwrap_or_default();
        let second_factor = match qidi_core::second_factor::SecondFactorPolicy::parse(&totp_roles) {
            Ok(p) => p,
            Err(e) => bail!("QIDI_TOTP_ROLES: {e}; name roles such as office,leader,admin, or staff"),
        };
        let profile = std::env::var("QIDI_PROFILE").ok().or(file.profile).unwrap_or_default();
        let mut password_age = match qidi_core::auth::PasswordAgePolicy::of_profile(&profile) {
            Ok(p) => p,
            Err(e) => bail!("QIDI_PROFILE: {e}"),
        };
        if let Some(days) = std::env::var("QIDI_PASSWORD_MAX_AGE_DAYS").ok().or(file.password_max_age_days) {
            password_age = match password_age.with_max_age(&days) {
                Ok(p) => p,
                Err(e) => bail!("QIDI_PASSWORD_MAX_AGE_DAYS: {e}"),
            };
        }
        Ok(Config {
            database_url,
            region,
            data_dir,
            listen,
            secure_cookies,
            smtp,
            schedule,
            public_url,
            second_factor,
            password_age,
        })
    }
}
