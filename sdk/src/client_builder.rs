//! Building a [`Client`]: instance, key, timeouts, retries, throttle.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};

use crate::Client;
use crate::hook::Hook;
use crate::instance::Instance;
use crate::retry::RetryPolicy;
use crate::runtime::{ClientState, Clock, Settings};
use crate::throttle::{Throttle, ThrottleConfig};

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
#[non_exhaustive]
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
    /// The TLS configuration could not be created.
    Tls(String),
    /// The shared throttle store is misconfigured (e.g. a bad
    /// `BRAZE_THROTTLE_REDIS`); never shows a password.
    ThrottleStore(crate::throttle::StoreError),
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
            BuildError::Http(e) => write!(
                f,
                "cannot create the HTTP client: {}",
                crate::error::chain(e)
            ),
            BuildError::Tls(e) => write!(f, "cannot set up TLS: {e}"),
            BuildError::ThrottleStore(e) => write!(f, "cannot set up the shared throttle: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// Configures a [`Client`]. Start with [`Client::builder`].
///
/// The defaults, in one place (also in the README's "Limits, retries and
/// errors"):
///
/// | setting | default | change with |
/// |---|---|---|
/// | deadline of one call (throttle waits, attempts, backoff) | 60 s | [`ClientBuilder::deadline`], [`Client::with_deadline`] |
/// | timeout of one attempt (connect, send, whole body) | 30 s | [`ClientBuilder::timeout`], [`Client::with_attempt_timeout`] |
/// | connect timeout | 10 s | [`ClientBuilder::connect_timeout`] |
/// | retries | 3 ([`RetryPolicy::default`]) | [`ClientBuilder::retry_policy`], [`Client::with_retry_policy`] |
/// | backoff | 500 ms doubling, jittered, at most 30 s per wait | [`RetryPolicy`] |
/// | POST/PATCH retried | on connect errors and 429 only | [`RetryPolicy::retry_operation`], [`Client::retrying_non_idempotent`] |
/// | throttle | on, the spec's limits, corrected by `X-RateLimit-*` | [`ClientBuilder::throttle`] |
/// | TLS | rustls with ring and the platform's roots, for this client only | [`ClientBuilder::http_client`] |
#[derive(Clone)]
pub struct ClientBuilder {
    instance: Instance,
    key: ApiKey,
    user_agent: String,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Duration,
    retry: RetryPolicy,
    throttle: ThrottleConfig,
    extra_headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
    clock: Clock,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Default header names only: their values may be secrets.
        f.debug_struct("ClientBuilder")
            .field("instance", &self.instance)
            .field("key", &self.key)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("throttle", &self.throttle)
            .field(
                "default_headers",
                &self
                    .extra_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
            )
            .field("http", &self.http.is_some())
            .field("hooks", &self.hooks.len())
            .field("clock", &self.clock)
            .finish()
    }
}

/// Default timeout of one attempt.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default deadline of one call, retries and waits included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

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
            timeout: DEFAULT_ATTEMPT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            retry: RetryPolicy::default(),
            throttle: ThrottleConfig::default(),
            extra_headers: Vec::new(),
            http: None,
            hooks: Vec::new(),
            clock: Clock::system(),
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

    /// Total time allowed for one attempt of a request, from connecting to
    /// the end of the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect (default 10 s). Not used with
    /// [`ClientBuilder::http_client`]: that client's own setting applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Longest total time of one call: throttle waits, every attempt and the
    /// waits between them (default 60 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Replaces the retry policy ([`RetryPolicy::none`] disables retries).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Replaces the client-side throttle's configuration
    /// ([`ThrottleConfig::disabled`] turns it off).
    pub fn throttle(mut self, throttle: ThrottleConfig) -> Self {
        self.throttle = throttle;
        self
    }

    /// Adds a header sent with every request (e.g. `X-Request-Origin` for a
    /// client used for SCIM calls).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    /// Sends through this `reqwest::Client` (a proxy, extra root
    /// certificates, ...; see [`tls_client_config`] for its TLS). The key, user agent and default headers are still
    /// added to every request, and the attempt timeout still applies; the
    /// client's own connect timeout and TLS settings are used.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Adds a [`Hook`] run around every request of the client (and its
    /// clones): before each attempt, after it, at the end of the call. Hooks
    /// run in the order they were added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Where the client reads the time ([`Clock::system`] by default;
    /// [`Clock::starting_at`] lets a test drive it with tokio's clock).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
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
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        headers.insert(USER_AGENT, user_agent);
        for (name, value) in &self.extra_headers {
            let invalid = || BuildError::InvalidHeader(name.clone());
            let header =
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            let mut value = HeaderValue::from_str(value).map_err(|_| invalid())?;
            // A default header may carry a secret too.
            value.set_sensitive(true);
            headers.append(header, value);
        }
        // A client the SDK builds adds the key and default headers itself
        // (reqwest merges its default headers into each request as it
        // sends it): the request a retry keeps a copy of is then smaller,
        // and nothing is merged twice. A caller's own client gets them per
        // request, from `ClientState::headers`; so does a default header
        // given several values (reqwest's merge keeps only a name's first).
        let names = headers.keys_len();
        let repeated = headers.len() != names;
        let (http, http_timeout, per_request) = match self.http {
            Some(http) => (http, None, headers),
            None => {
                let builder = reqwest::Client::builder()
                    .tls_backend_preconfigured(tls_client_config()?)
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout);
                let (builder, per_request) = if repeated {
                    (builder, headers)
                } else {
                    (builder.default_headers(headers), HeaderMap::new())
                };
                (
                    builder.build().map_err(BuildError::Http)?,
                    Some(self.timeout),
                    per_request,
                )
            }
        };
        let state = ClientState {
            settings: Arc::new(Settings {
                retry: self.retry,
                deadline: self.deadline,
                attempt_timeout: self.timeout,
            }),
            throttle: Arc::new(
                Throttle::for_workspace(&self.throttle, base, &self.key.0)
                    .map_err(BuildError::ThrottleStore)?,
            ),
            headers: Arc::new(per_request),
            http_timeout,
            hooks: self.hooks.into(),
            clock: self.clock,
        };
        Ok(Client::new_with_client(base, http, state))
    }
}

/// rustls's provider on *ring*.
///
/// rustls 0.23.48 deprecates it ("no support for post-quantum algorithms":
/// the hybrid post-quantum key exchange is only in the aws-lc-rs provider).
/// The SDK keeps *ring* on purpose: aws-lc-rs needs a C toolchain and CMake
/// to build and adds minutes to a clean build, and the key exchange Braze's
/// endpoints offer (X25519, P-256) is what ring provides. The deprecation is
/// allowed here, in this one place, so the SDK builds without warnings
/// against the newest compatible rustls too; an application that wants the
/// post-quantum exchange builds its own `reqwest::Client` on aws-lc-rs and
/// passes it to [`ClientBuilder::http_client`].
#[allow(deprecated)]
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// The TLS configuration [`ClientBuilder::build`] gives its HTTP client:
/// rustls with the ring provider and the platform's certificate verifier,
/// without installing a process-wide default provider (that choice belongs
/// to the application). For an own `reqwest::Client` (a proxy, ...), pass it
/// to `reqwest::ClientBuilder::tls_backend_preconfigured`:
///
/// ```
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let http = reqwest::Client::builder()
///     .tls_backend_preconfigured(braze_sdk::tls_client_config()?)
///     .build()?;
/// let client = braze_sdk::Client::builder(braze_sdk::Instance::Us03, "key")
///     .http_client(http)
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
pub fn tls_client_config() -> Result<rustls::ClientConfig, BuildError> {
    // Loading the platform's roots costs milliseconds; clients share one
    // configuration (a ClientConfig clone shares its parts).
    static CONFIG: std::sync::OnceLock<Result<rustls::ClientConfig, String>> =
        std::sync::OnceLock::new();
    CONFIG
        .get_or_init(|| new_tls_config().map_err(|e| e.to_string()))
        .clone()
        .map_err(BuildError::Tls)
}

fn new_tls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(ring_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}
