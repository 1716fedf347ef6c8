//! The rejects file: NDJSON in the input's own form, created on the first
//! line written (a clean run leaves no file behind).

use std::io::Write;
use std::path::PathBuf;

use braze_sdk::serde_json::{self, Value};

use crate::exit::Failure;

pub struct Rejects {
    path: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    lines: u64,
}

impl Rejects {
    pub fn new(path: PathBuf) -> Self {
        Rejects {
            path,
            file: None,
            lines: 0,
        }
    }

    fn file(&mut self) -> Result<&mut std::io::BufWriter<std::fs::File>, Failure> {
        if self.file.is_none() {
            let f = std::fs::File::create(&self.path).map_err(|e| {
                Failure::internal(format!(
                    "cannot create the rejects file {}: {e}",
                    self.path.display()
                ))
            })?;
            self.file = Some(std::io::BufWriter::new(f));
        }
        self.file
            .as_mut()
            .ok_or_else(|| Failure::internal("the rejects file is not open"))
    }

    fn fail(&self, e: std::io::Error) -> Failure {
        Failure::internal(format!(
            "cannot write the rejects file {}: {e}",
            self.path.display()
        ))
    }

    /// A body, as one line.
    pub fn write_value(&mut self, body: &Value) -> Result<(), Failure> {
        let text = serde_json::to_string(body).map_err(|e| Failure::internal(e.to_string()))?;
        self.write_raw(text.as_bytes())
    }

    /// A line as it was read (its newline, if any, is replaced by one).
    pub fn write_raw(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let file = self.file()?;
        let result = file.write_all(bytes).and_then(|()| file.write_all(b"\n"));
        result.map_err(|e| self.fail(e))?;
        self.lines += 1;
        Ok(())
    }

    pub fn finish(&mut self) -> Result<(), Failure> {
        if let Some(f) = self.file.as_mut() {
            let result = f.flush().and_then(|()| f.get_ref().sync_all());
            result.map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    pub fn written(&self) -> bool {
        self.file.is_some()
    }

    pub fn lines(&self) -> u64 {
        self.lines
    }
}
