//! End to end through TLS: a local HTTPS server on 127.0.0.1 with a
//! certificate made at test time (a throwaway CA and a leaf for 127.0.0.1),
//! and real SDK calls through the handshake. A client that trusts the CA
//! (through `ClientBuilder::http_client`) gets its answer decoded; a client
//! with the SDK's own TLS setup (the platform's roots) refuses the
//! certificate, at once, with the cause in the error's text.
//!
//! No process-wide rustls provider is installed here either: every
//! configuration names the ring provider (`sdk_runtime` checks that none
//! was installed).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use braze_sdk::{Client, Error, Instance, types};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "tls-test-rest-key-7f3a";
const ANSWER: &str = r#"{"message":"success","attributes_processed":1}"#;

/// A CA and a leaf certificate for 127.0.0.1 signed by it.
struct Pki {
    ca: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    leaf_key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "braze-sdk test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    Pki {
        ca: ca.der().clone(),
        leaf: leaf.der().clone(),
        leaf_key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into(),
    }
}

// The test server's provider: *ring*, like the SDK (deprecated since rustls
// 0.23.48 for lacking post-quantum key exchange; see the SDK's
// client_builder.rs for why it stays).
#[allow(deprecated)]
fn ring() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// What the server saw of each request it answered.
#[derive(Clone, Debug)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

struct TlsServer {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Handshakes that failed (the client refused the certificate).
    refused: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An HTTPS server on 127.0.0.1 answering every request with a
/// `/users/track` success (HTTP/1.1, `Content-Length`, keep-alive).
async fn start(pki: &Pki) -> TlsServer {
    let config = rustls::ServerConfig::builder_with_provider(ring())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![pki.leaf.clone()], pki.leaf_key.clone_key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let refused = Arc::new(Mutex::new(Vec::new()));
    let (seen_, refused_) = (seen.clone(), refused.clone());
    let task = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (acceptor, seen, refused) = (acceptor.clone(), seen_.clone(), refused_.clone());
            tokio::spawn(async move {
                match acceptor.accept(socket).await {
                    Ok(stream) => serve(stream, &seen).await,
                    Err(e) => refused.lock().unwrap().push(e.to_string()),
                }
            });
        }
    });
    TlsServer {
        url,
        seen,
        refused,
        task,
    }
}

async fn serve<S: AsyncReadExt + AsyncWriteExt + Unpin>(mut stream: S, seen: &Mutex<Vec<Seen>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buf.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buf[head_end..head_end + length].to_vec();
        buf.drain(..head_end + length);
        seen.lock().unwrap().push(Seen { head, body });
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ANSWER}",
            ANSWER.len()
        );
        if stream.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
        let _ = stream.flush().await;
    }
}

/// A `/users/track` body built from JSON (independent of the builders).
fn body() -> types::UsersTrackRequest {
    serde_json::from_value(serde_json::json!({
        "attributes": [{"external_id": "tls-user-1", "first_name": "Ada"}]
    }))
    .unwrap()
}

#[tokio::test]
async fn a_client_trusting_the_ca_talks_https_end_to_end() {
    let pki = pki();
    let server = start(&pki).await;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca.clone()).unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(ring())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap();
    let client = Client::builder(Instance::custom(&server.url), KEY)
        .http_client(http)
        .build()
        .unwrap();

    for _ in 0..2 {
        let response = client.users_track(body()).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.message, "success");
        assert_eq!(response.attributes_processed, Some(1));
    }

    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for request in &seen {
        assert!(
            request.head.starts_with("POST /users/track HTTP/1.1\r\n"),
            "{}",
            request.head
        );
        let auth = request
            .head
            .lines()
            .find_map(|l| l.strip_prefix("authorization: "))
            .unwrap_or_else(|| panic!("no Authorization header in {}", request.head));
        assert_eq!(auth, format!("Bearer {KEY}"));
        let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(sent["attributes"][0]["external_id"], "tls-user-1");
    }
    assert!(server.refused.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_default_trust_refuses_a_self_signed_certificate_at_once() {
    let pki = pki();
    let server = start(&pki).await;
    // The SDK's own TLS configuration: the platform's roots, which do not
    // hold this test's CA. Retries are the defaults.
    let client = Client::builder(Instance::custom(&server.url), KEY)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.users_track(body()).send().await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(matches!(err, Error::CommunicationError(_)), "{err:?}");

    let text = err.to_string();
    assert!(
        text.contains("certificate"),
        "the cause is not shown: {text}"
    );
    assert!(text.contains("UnknownIssuer"), "{text}");
    assert!(!text.contains(KEY), "the key leaked into: {text}");
    assert!(
        !format!("{err:?}").contains(KEY),
        "the key leaked into Debug"
    );
    // A certificate the client refuses is not a passing fault: one attempt,
    // no backoff (the default policy would otherwise wait 0.5 + 1 + 2 s).
    assert_eq!(err.attempts(), Some(1), "{text}");
    assert!(elapsed < Duration::from_millis(400), "{elapsed:?}");
    // ... and the error agrees with the policy: retrying it later is no use.
    assert!(!err.is_retryable(), "{text}");
    assert!(
        server.seen.lock().unwrap().is_empty(),
        "no request got through"
    );
    // The server sees the handshake fail a moment after the client gave up.
    let waited = Instant::now();
    while server.refused.lock().unwrap().is_empty() && waited.elapsed() < Duration::from_secs(2) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let refused = server.refused.lock().unwrap().clone();
    assert_eq!(refused.len(), 1, "one handshake, refused: {refused:?}");
}
