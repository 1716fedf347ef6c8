//! Embeds the example files the exported spec references
//! (`spec/dist/examples/*.json`, see the generator's `external_examples`)
//! beside the spec itself: `$OUT_DIR/external_examples.rs` lists each as
//! (`examples/<file>`, its text), so the mock and the tests that read the
//! spec through it see every example inline.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/dist/examples");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out =
        String::from("/// (path relative to the spec, text) of each referenced example file.\n");
    out.push_str("pub const EXTERNAL_EXAMPLES: &[(&str, &str)] = &[\n");
    for f in &files {
        let name = f.file_name().unwrap_or_default().to_string_lossy();
        let abs = f.canonicalize().unwrap_or_else(|_| f.clone());
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            format!("examples/{name}"),
            abs
        );
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("external_examples.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
