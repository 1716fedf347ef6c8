//! Running the external tools of the publish gates: every command's output
//! goes to a log file (printed in part when it fails), and servers are
//! started on 127.0.0.1 and stopped by their process id.

use std::fs::{self, File};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Lines of a failed command's log shown in the error.
const TAIL_LINES: usize = 40;

/// Runs `cmd` with its stdout and stderr written to `log`; returns the log's
/// text when it exits 0, else an error with the end of the log.
pub fn run(cmd: &mut Command, log: &Path) -> Result<String, String> {
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot share {}: {e}", log.display()))?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| format!("cannot start {}: {e}", describe(cmd)))?;
    let text = fs::read_to_string(log).unwrap_or_default();
    if status.success() {
        Ok(text)
    } else {
        Err(format!(
            "{} failed ({status}); end of {}:\n{}",
            describe(cmd),
            log.display(),
            tail(&text, TAIL_LINES)
        ))
    }
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args().take(3) {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// A server process started by a gate; stopped (by its process id, and its
/// process group, which it leads) when dropped, whatever the gate's outcome.
pub struct Server {
    child: Child,
}

impl Server {
    /// Starts `cmd` in a process group of its own, logging to `log`, and waits
    /// until 127.0.0.1:`port` accepts connections or `deadline` passes.
    pub fn start(
        cmd: &mut Command,
        log: &Path,
        port: u16,
        deadline: Duration,
    ) -> Result<Server, String> {
        use std::os::unix::process::CommandExt;
        if let Some(dir) = log.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", describe(cmd)))?;
        let mut server = Server { child };
        let started = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                let text = fs::read_to_string(log).unwrap_or_default();
                return Err(format!(
                    "{} exited ({status}) before listening on 127.0.0.1:{port}:\n{}",
                    describe(cmd),
                    tail(&text, TAIL_LINES)
                ));
            }
            if started.elapsed() > deadline {
                return Err(format!(
                    "{} did not listen on 127.0.0.1:{port} within {deadline:?}",
                    describe(cmd)
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id();
        // SIGTERM to the group the server leads (its own pid), then reap it;
        // SIGKILL by pid if it has not gone within 5 s.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released for the server).
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}
