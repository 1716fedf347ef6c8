//! Just enough HTTP/1.1 for a test server: keep-alive, bodies by
//! `Content-Length` or chunked, and answers written byte by byte so that a
//! fault can stop anywhere (a dropped connection, a truncated body), which a
//! server framework would not let a test do.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest request accepted (head and body): Braze's bodies are far smaller.
const MAX_REQUEST: usize = 32 * 1024 * 1024;

/// One request as received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The target as sent (path and query).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The client asked to close the connection after this request.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed the connection (or it broke) between requests.
    Closed,
    /// Not HTTP/1.1 as this server reads it; answered 400, then closed.
    Malformed(String),
}

/// Reads the next request from `io`; `buf` keeps bytes read past it
/// (pipelined requests). A client that sent `Expect: 100-continue` (curl
/// does for bodies over 1 KiB) is told to go on instead of waiting a second.
pub async fn read_request<R: AsyncRead + AsyncWrite + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
) -> Result<Request, ReadError> {
    let mut chunk = [0u8; 16 * 1024];
    let (head_len, method, target, headers) = loop {
        let mut slots = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut slots);
        match req.parse(buf) {
            Ok(httparse::Status::Complete(n)) => {
                let headers = req
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_string(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect::<Vec<_>>();
                break (
                    n,
                    req.method.unwrap_or("GET").to_string(),
                    req.path.unwrap_or("/").to_string(),
                    headers,
                );
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => return Err(ReadError::Malformed(format!("bad request head: {e}"))),
        }
        if buf.len() > MAX_REQUEST {
            return Err(ReadError::Malformed("request head too large".into()));
        }
        match io.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(ReadError::Closed),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    buf.drain(..head_len);
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    };
    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) && buf.is_empty() {
        io.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .map_err(|_| ReadError::Closed)?;
    }
    let body =
        if get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
            read_chunked(io, buf).await?
        } else {
            let length: usize = match get("content-length") {
                Some(v) => v
                    .parse()
                    .map_err(|_| ReadError::Malformed(format!("bad Content-Length {v:?}")))?,
                None => 0,
            };
            if length > MAX_REQUEST {
                return Err(ReadError::Malformed("request body too large".into()));
            }
            fill(io, buf, length).await?;
            buf.drain(..length).collect()
        };
    Ok(Request {
        method,
        target,
        headers,
        body,
    })
}

/// Reads until `buf` holds at least `n` bytes.
async fn fill<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
    n: usize,
) -> Result<(), ReadError> {
    let mut chunk = [0u8; 16 * 1024];
    while buf.len() < n {
        match io.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(ReadError::Closed),
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
        }
    }
    Ok(())
}

/// Reads one line (up to CRLF) from the front of `buf`.
async fn line<R: AsyncRead + Unpin>(io: &mut R, buf: &mut Vec<u8>) -> Result<String, ReadError> {
    loop {
        if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
            let text = String::from_utf8_lossy(&buf[..i]).into_owned();
            buf.drain(..i + 2);
            return Ok(text);
        }
        if buf.len() > 64 * 1024 {
            return Err(ReadError::Malformed("chunk line too long".into()));
        }
        let len = buf.len() + 1;
        fill(io, buf, len).await?;
    }
}

async fn read_chunked<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let size_line = line(io, buf).await?;
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| ReadError::Malformed(format!("bad chunk size {size_line:?}")))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !line(io, buf).await?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_REQUEST {
            return Err(ReadError::Malformed("request body too large".into()));
        }
        fill(io, buf, size + 2).await?;
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

/// A response to write.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Response {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).unwrap_or_default(),
        }
    }

    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Status line and headers (with `Content-Length` of the whole body).
    pub fn head(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (n, v) in &self.headers {
            out.push_str(&format!("{n}: {v}\r\n"));
        }
        out.push_str(&format!("content-length: {}\r\n\r\n", self.body.len()));
        out.into_bytes()
    }
}

/// Writes `response`, only its first `keep` body bytes if given (the head
/// still announces the whole body).
pub async fn write<W: AsyncWrite + Unpin>(
    io: &mut W,
    response: &Response,
    keep: Option<usize>,
) -> std::io::Result<()> {
    let mut bytes = response.head();
    let n = keep.unwrap_or(response.body.len()).min(response.body.len());
    bytes.extend_from_slice(&response.body[..n]);
    io.write_all(&bytes).await?;
    io.flush().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pipelined_and_chunked_requests_are_read_one_by_one() {
        let wire = b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n3\r\n\":1\r\n1\r\n}\r\n0\r\n\r\nGET /b?x=1 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
        let mut io = wire_of(wire).await;
        let mut buf = Vec::new();
        let a = read_request(&mut io, &mut buf).await.unwrap();
        assert_eq!(
            (a.method.as_str(), a.target.as_str(), &a.body[..]),
            ("POST", "/a", &b"{\"a\":1}"[..])
        );
        let b = read_request(&mut io, &mut buf).await.unwrap();
        assert_eq!((b.target.as_str(), &b.body[..]), ("/b?x=1", &b"hi"[..]));
        assert!(matches!(
            read_request(&mut io, &mut buf).await,
            Err(ReadError::Closed)
        ));
        let mut bad = wire_of(b"NOT HTTP\r\n\r\n").await;
        assert!(matches!(
            read_request(&mut bad, &mut Vec::new()).await,
            Err(ReadError::Malformed(_))
        ));
    }

    /// A stream that yields `bytes`, then the end.
    async fn wire_of(bytes: &[u8]) -> tokio::io::DuplexStream {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        client.write_all(bytes).await.unwrap();
        drop(client);
        server
    }

    #[tokio::test]
    async fn a_client_expecting_100_continue_is_told_to_go_on() {
        let (mut client, mut server) = tokio::io::duplex(64 * 1024);
        let head = b"POST /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
        client.write_all(head).await.unwrap();
        let reader = tokio::spawn(async move {
            read_request(&mut server, &mut Vec::new())
                .await
                .map(|r| r.body)
        });
        let mut answer = [0u8; 25];
        client.read_exact(&mut answer).await.unwrap();
        assert_eq!(&answer, b"HTTP/1.1 100 Continue\r\n\r\n");
        client.write_all(b"ok").await.unwrap();
        assert_eq!(reader.await.unwrap().unwrap(), b"ok");
    }
}
