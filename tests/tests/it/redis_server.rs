//! A real `redis-server` per test: Debian's package (installed by
//! `tools/install`), started on a free 127.0.0.1 port without persistence
//! and stopped by its pid. Where the binary is missing, a test says so and
//! is skipped; under `CI=true` it fails instead.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `redis-server` binary, or `None` (after saying so) when it is
/// missing outside CI. Panics when it is missing in CI.
pub fn binary(test: &str) -> Option<String> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("redis-server"))
            .find(|p| p.is_file())
    });
    match found {
        Some(p) => Some(p.to_string_lossy().into_owned()),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "{test}: redis-server is not installed; tools/install installs it (Debian package redis-server)"
            )
        }
        None => {
            eprintln!(
                "{test}: SKIPPED: redis-server is not installed (tools/install installs it; CI=true makes this a failure)"
            );
            None
        }
    }
}

/// A running `redis-server`, stopped when dropped.
pub struct RedisServer {
    binary: String,
    pub port: u16,
    child: Option<Child>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl RedisServer {
    /// Starts one on a free port; `None` when the binary is missing outside
    /// CI.
    pub fn start(test: &str) -> Option<Self> {
        let binary = binary(test)?;
        let mut server = Self {
            binary,
            port: free_port(),
            child: None,
        };
        server.spawn();
        Some(server)
    }

    fn spawn(&mut self) {
        let child = Command::new(&self.binary)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(["--daemonize", "no", "--loglevel", "warning"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        let started = Instant::now();
        while redis::Client::open(self.url().as_str())
            .and_then(|c| c.get_connection())
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not answer on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// A plain connection, for commands the tests send themselves.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url().as_str())
            .unwrap()
            .get_connection_with_timeout(Duration::from_secs(5))
            .unwrap()
    }

    /// Stops it (SIGKILL by pid: no shutdown, like a crash).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port: empty, no script cached.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
