//! The connection settings (global flags, environment, profile) and the
//! SDK client built from them.
//!
//! Order of precedence: `--base-url` / `--instance`, then `BRAZE_INSTANCE`
//! (an instance name or a URL), then the profile's `base_url` / `instance`.
//! The key comes from `BRAZE_API_KEY`, else the profile (`--profile`,
//! `BRAZE_PROFILE`, default `default`); it is never a flag.

use std::time::Duration;

use braze_sdk::{Client, Instance, RetryPolicy};

use crate::config::{self, Profile};
use crate::exit::Failure;

/// The global flags.
#[derive(Clone, Debug, Default)]
pub struct Globals {
    pub instance: Option<String>,
    pub base_url: Option<String>,
    pub profile: String,
    pub deadline: Option<Duration>,
    pub retries: Option<u32>,
}

/// `30s`, `500ms`, `2m`, `1h`, or a number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or((t, "s"), |i| (&t[..i], &t[i..]));
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 30s, 500ms, 2m)"))?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{text}`: unknown unit `{unit}` (ms, s, m, h)")),
    };
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 86_400.0 * 7.0 {
        return Err(format!(
            "`{text}` is out of range (more than 0, at most a week)"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

impl Globals {
    fn profile(&self) -> Result<Profile, Failure> {
        let Some(path) = config::path() else {
            return Ok(Profile::default());
        };
        let config = config::load(&path)?;
        Ok(config
            .profiles
            .get(&self.profile)
            .cloned()
            .unwrap_or_default())
    }

    /// The instance to talk to, if one is configured anywhere.
    pub fn instance(&self) -> Result<Option<Instance>, Failure> {
        let given = self
            .base_url
            .clone()
            .or_else(|| self.instance.clone())
            .or_else(|| {
                std::env::var("BRAZE_INSTANCE")
                    .ok()
                    .filter(|s| !s.is_empty())
            });
        let given = match given {
            Some(g) => Some(g),
            None => {
                let p = self.profile()?;
                p.base_url.or(p.instance)
            }
        };
        match given {
            None => Ok(None),
            Some(g) => {
                if self.base_url.as_deref() == Some(g.as_str())
                    && !(g.starts_with("http://") || g.starts_with("https://"))
                {
                    return Err(Failure::usage(format!(
                        "--base-url `{g}` is not an http(s) URL"
                    )));
                }
                g.parse::<Instance>().map(Some).map_err(Failure::usage)
            }
        }
    }

    /// The API key: `BRAZE_API_KEY`, else the profile's.
    fn key(&self) -> Result<String, Failure> {
        if let Ok(k) = std::env::var("BRAZE_API_KEY")
            && !k.trim().is_empty()
        {
            return Ok(k.trim().to_string());
        }
        self.profile()?.api_key.ok_or_else(|| {
            Failure::config(format!(
                "no API key: set BRAZE_API_KEY or pipe one into `braze config set api-key` (profile `{}`)",
                self.profile
            ))
        })
    }

    /// A client for a real call: instance, key, deadline and retries.
    pub fn client(&self) -> Result<Client, Failure> {
        let instance = self.instance()?.ok_or_else(|| {
            Failure::config(
                "no Braze instance: give --instance US-03 or --base-url URL, set BRAZE_INSTANCE, \
                 or run `braze config set instance US-03`",
            )
        })?;
        let key = self.key()?;
        self.build(Client::builder(instance, key))
    }

    /// A client for `--dry-run`: no key needed, sends to `capture_url`.
    pub fn dry_run_client(&self, capture_url: &str) -> Result<Client, Failure> {
        self.build(
            Client::builder(Instance::custom(capture_url), "dry-run")
                .throttle(braze_sdk::ThrottleConfig::disabled()),
        )
    }

    fn build(&self, mut builder: braze_sdk::ClientBuilder) -> Result<Client, Failure> {
        builder = builder.user_agent(concat!("braze-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(d) = self.deadline {
            builder = builder.deadline(d);
            // One attempt never outlives the whole call.
            if d < braze_sdk::DEFAULT_ATTEMPT_TIMEOUT {
                builder = builder.timeout(d);
            }
        }
        if let Some(r) = self.retries {
            builder = builder.retry_policy(RetryPolicy {
                max_retries: r,
                ..RetryPolicy::default()
            });
        }
        builder
            .build()
            .map_err(|e| Failure::config(format!("cannot build the client: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_have_units_and_bounds() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3d").is_err());
    }
}
