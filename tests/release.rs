//! The facade, the engine and the macros are one release: the generated code names
//! `precond::__private`, which any release may change, so the facade depends on the exact
//! versions of the other two (as serde pins serde_derive).

const MANIFEST: &str = include_str!("../Cargo.toml");

fn workspace_version() -> &'static str {
    MANIFEST
        .lines()
        .skip_while(|line| *line != "[workspace.package]")
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("[workspace.package] version")
}

#[test]
fn macros_and_engine_are_pinned_to_this_release() {
    let version = workspace_version();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    for krate in ["precond-core", "precond-macros"] {
        let line = MANIFEST
            .lines()
            .find(|line| line.starts_with(&format!("{krate} = {{")))
            .unwrap_or_else(|| panic!("no {krate} in [workspace.dependencies]"));
        assert!(
            line.contains(&format!("version = \"={version}\"")),
            "{krate} must be pinned to ={version}: {line}"
        );
    }
}
