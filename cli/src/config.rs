//! Named profiles in a config file the tool creates with mode 0600.
//!
//! The file is JSON: `{"profiles": {"default": {"instance": "US-03",
//! "api_key": "..."}}}`, at `$BRAZE_CONFIG` or
//! `$XDG_CONFIG_HOME/braze/config.json` (else `~/.config/braze/config.json`).
//! `braze config set api-key` reads the key from stdin (never from the
//! command line, where `ps` and the shell history would see it) and never
//! prints it; `braze config show` says only whether a key is set. A file
//! that others may read is refused, as ssh refuses a private key.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use braze_sdk::serde_json::{self, Value, json};
use serde::{Deserialize, Serialize};

use crate::exit::Failure;

/// One profile. `Debug` leaves the key out.
#[derive(Clone, Default, Deserialize, Serialize)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("instance", &self.instance)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Config {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Where the config file is.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BRAZE_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("braze").join("config.json"))
}

/// The config at `path`; an absent file is an empty config.
pub fn load(path: &Path) -> Result<Config, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(Failure::config(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    check_private(path)?;
    serde_json::from_str(&text)
        .map_err(|e| Failure::config(format!("{} is not a valid config: {e}", path.display())))
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| Failure::config(format!("cannot read {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Failure::config(format!(
            "{} may be read by other users (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), Failure> {
    Ok(())
}

/// Writes `config` to `path` with mode 0600 (a new file, renamed over the
/// old one, so no reader sees half a file and the mode holds from the
/// first byte).
pub fn save(path: &Path, config: &Config) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::config(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let text =
        serde_json::to_string_pretty(config).map_err(|e| Failure::internal(e.to_string()))?;
    let mut file = options.open(&tmp).map_err(fail)?;
    #[cfg(unix)]
    {
        // An old temporary file keeps its mode when opened: set it again.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.write_all(b"\n").map_err(fail)?;
    file.sync_all().map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// `braze config set KEY [VALUE]` and `braze config show`.
pub fn run(
    action: &str,
    key: Option<&str>,
    value: Option<&str>,
    profile: &str,
) -> Result<Value, Failure> {
    let path =
        path().ok_or_else(|| Failure::config("no config location: set BRAZE_CONFIG or HOME"))?;
    let mut config = load(&path)?;
    match action {
        "show" => {
            let p = config.profiles.get(profile).cloned().unwrap_or_default();
            Ok(json!({
                "file": path.display().to_string(),
                "profile": profile,
                "instance": p.instance,
                "base_url": p.base_url,
                "api_key": if p.api_key.is_some() { "set" } else { "not set" },
            }))
        }
        "set" => {
            let key = key.unwrap_or_default();
            let entry = config.profiles.entry(profile.to_string()).or_default();
            match key {
                "api-key" => {
                    if value.is_some() {
                        return Err(Failure::usage(
                            "the key is not taken on the command line: pipe it on stdin \
                             (`braze config set api-key < key.txt`)",
                        ));
                    }
                    let mut key = String::new();
                    std::io::stdin().read_to_string(&mut key).map_err(|e| {
                        Failure::config(format!("cannot read the key from stdin: {e}"))
                    })?;
                    let key = key.trim();
                    if key.is_empty() {
                        return Err(Failure::usage("no key on stdin"));
                    }
                    entry.api_key = Some(key.to_string());
                }
                "instance" | "base-url" => {
                    let value = value.filter(|v| !v.is_empty()).ok_or_else(|| {
                        Failure::usage(format!("`config set {key}` needs a value"))
                    })?;
                    value
                        .parse::<braze_sdk::Instance>()
                        .map_err(Failure::usage)?;
                    if key == "instance" {
                        entry.instance = Some(value.to_string());
                    } else {
                        entry.base_url = Some(value.to_string());
                    }
                }
                other => {
                    return Err(Failure::usage(format!(
                        "unknown setting `{other}` (expected api-key, instance or base-url)"
                    )));
                }
            }
            save(&path, &config)?;
            Ok(json!({ "file": path.display().to_string(), "profile": profile, "set": key }))
        }
        other => Err(Failure::usage(format!("unknown config action `{other}`"))),
    }
}
