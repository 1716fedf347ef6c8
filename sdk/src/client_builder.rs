//! Building a [`Client`]: instance, key, timeouts, retries.

use std::fmt;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use crate::Client;
use crate::instance::Instance;
use crate::retry::RetryPolicy;
use crate::runtime::ClientState;

/// The user agent sent unless [`ClientBuilder::user_agent`] replaces it.
pub const DEFAULT_USER_AGENT: &str = concat!("braze-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// A REST API key (or SCIM token). Never shown by `Debug` or `Display`.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for the rare code that must send it elsewhere.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl<S: Into<String>> From<S> for ApiKey {
    fn from(s: S) -> Self {
        Self::new(s)
    }
}

/// Why a client could not be built. Never contains the key.
#[derive(Debug)]
pub enum BuildError {
    /// The key is empty or has characters an HTTP header cannot carry.
    InvalidApiKey,
    /// The user agent has characters an HTTP header cannot carry.
    InvalidUserAgent,
    /// A default header's name or value cannot be sent (the name is given;
    /// the value is not, as it may be a secret).
    InvalidHeader(String),
    /// The base URL is not an absolute http(s) URL.
    InvalidBaseUrl(String),
    /// The HTTP client could not be created.
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidApiKey => {
                f.write_str("the API key is empty or not a valid header value")
            }
            BuildError::InvalidHeader(name) => write!(
                f,
                "the default header `{name}` has an invalid name or value"
            ),
            BuildError::InvalidUserAgent => {
                f.write_str("the user agent is not a valid header value")
            }
            BuildError::InvalidBaseUrl(u) => write!(f, "`{u}` is not an absolute http(s) URL"),
            BuildError::Http(e) => write!(f, "cannot create the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Configures a [`Client`]. Start with [`Client::builder`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    instance: Instance,
    key: ApiKey,
    user_agent: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    extra_headers: Vec<(String, String)>,
}

impl Client {
    /// Starts building a client for `instance`, authenticated with a REST API
    /// key (or, for the SCIM operations, a SCIM token).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use braze_sdk::{Client, Instance};
    /// let client = Client::builder(Instance::Us03, "my-rest-api-key").build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder(instance: Instance, key: impl Into<ApiKey>) -> ClientBuilder {
        ClientBuilder {
            instance,
            key: key.into(),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            extra_headers: Vec::new(),
        }
    }

    /// The instance's base URL this client sends to.
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }
}

impl ClientBuilder {
    /// Replaces the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Total time allowed for one attempt of a request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Replaces the retry policy ([`RetryPolicy::none`] disables retries).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Adds a header sent with every request (e.g. `X-Request-Origin` for a
    /// client used for SCIM calls).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base = self.instance.base_url();
        if !(base.starts_with("https://") || base.starts_with("http://"))
            || base.len() <= "https://".len()
        {
            return Err(BuildError::InvalidBaseUrl(base.to_string()));
        }
        let mut headers = HeaderMap::new();
        if self.key.0.trim().is_empty() {
            return Err(BuildError::InvalidApiKey);
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", self.key.0))
            .map_err(|_| BuildError::InvalidApiKey)?;
        // Sensitive values are shown as `Sensitive` by HeaderMap's Debug.
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        for (name, value) in &self.extra_headers {
            let invalid = || BuildError::InvalidHeader(name.clone());
            let header =
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
            headers.append(header, value);
        }
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(user_agent)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(BuildError::Http)?;
        let state = ClientState {
            retry: self.retry,
            limiter: Default::default(),
        };
        Ok(Client::new_with_client(base, http, state))
    }
}

/// reqwest is built without a default TLS crypto provider (ring builds much
/// faster than aws-lc); install ring as the process default unless the
/// application already chose one.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another thread installing one is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
