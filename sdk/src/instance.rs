//! Braze REST instances.
//!
//! Each Braze workspace lives on one instance; its REST API answers only
//! there (a key sent to another instance gets a 401). The instance is shown
//! by the dashboard URL: `dashboard-03.braze.com` is US-03.

use std::fmt;

/// A Braze REST instance, or any other base URL (a proxy, a test server).
///
/// Braze adds instances from time to time, so matching on this enum needs a
/// wildcard arm. The instances are the spec's `servers` (a test checks
/// both lists match).
///
/// A custom base URL goes through [`Instance::custom`], which normalises it:
///
/// ```
/// use braze_sdk::Instance;
/// let local = Instance::custom("http://127.0.0.1:8080/");
/// assert_eq!(local.base_url(), "http://127.0.0.1:8080");
/// ```
///
/// ```compile_fail
/// // Not outside the SDK: the variant is #[non_exhaustive].
/// let local = braze_sdk::Instance::Custom("http://127.0.0.1:8080/".to_string());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Instance {
    Us01,
    Us02,
    Us03,
    Us04,
    Us05,
    Us06,
    Us07,
    Us08,
    Us10,
    Eu01,
    Eu02,
    Au01,
    /// Any base URL, without a trailing slash (e.g. `http://127.0.0.1:8080`).
    /// Built by [`Instance::custom`] only, which removes the slash; read it
    /// with [`Instance::base_url`].
    #[non_exhaustive]
    Custom(String),
}

impl Instance {
    /// Every Braze instance (without `Custom`).
    pub const ALL: [Instance; 12] = [
        Instance::Us01,
        Instance::Us02,
        Instance::Us03,
        Instance::Us04,
        Instance::Us05,
        Instance::Us06,
        Instance::Us07,
        Instance::Us08,
        Instance::Us10,
        Instance::Eu01,
        Instance::Eu02,
        Instance::Au01,
    ];

    /// A custom base URL; a trailing slash is removed.
    pub fn custom(base_url: impl Into<String>) -> Self {
        let mut url = base_url.into();
        while url.ends_with('/') {
            url.pop();
        }
        Instance::Custom(url)
    }

    /// The REST endpoint's base URL.
    pub fn base_url(&self) -> &str {
        match self {
            Instance::Us01 => "https://rest.iad-01.braze.com",
            Instance::Us02 => "https://rest.iad-02.braze.com",
            Instance::Us03 => "https://rest.iad-03.braze.com",
            Instance::Us04 => "https://rest.iad-04.braze.com",
            Instance::Us05 => "https://rest.iad-05.braze.com",
            Instance::Us06 => "https://rest.iad-06.braze.com",
            Instance::Us07 => "https://rest.iad-07.braze.com",
            Instance::Us08 => "https://rest.iad-08.braze.com",
            Instance::Us10 => "https://rest.us-10.braze.com",
            Instance::Eu01 => "https://rest.fra-01.braze.eu",
            Instance::Eu02 => "https://rest.fra-02.braze.eu",
            Instance::Au01 => "https://rest.au-01.braze.com",
            Instance::Custom(url) => url,
        }
    }

    /// The instance's name as Braze writes it (`US-03`), or the custom URL.
    pub fn name(&self) -> &str {
        match self {
            Instance::Us01 => "US-01",
            Instance::Us02 => "US-02",
            Instance::Us03 => "US-03",
            Instance::Us04 => "US-04",
            Instance::Us05 => "US-05",
            Instance::Us06 => "US-06",
            Instance::Us07 => "US-07",
            Instance::Us08 => "US-08",
            Instance::Us10 => "US-10",
            Instance::Eu01 => "EU-01",
            Instance::Eu02 => "EU-02",
            Instance::Au01 => "AU-01",
            Instance::Custom(url) => url,
        }
    }
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Instance {
    type Err = String;
    /// Parses `US-03`, `us03`, `eu-01`...; anything starting with `http` is a
    /// custom base URL.
    fn from_str(s: &str) -> Result<Self, String> {
        if s.starts_with("http://") || s.starts_with("https://") {
            return Ok(Instance::custom(s));
        }
        let wanted: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase();
        Instance::ALL
            .into_iter()
            .find(|i| i.name().replace('-', "") == wanted)
            .ok_or_else(|| format!("unknown Braze instance `{s}` (expected e.g. US-03, EU-01, AU-01, or an http(s) URL)"))
    }
}
