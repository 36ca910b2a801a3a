//! Links the release binary as a fixed-address (non-PIE) executable: the
//! dynamic loader then has no relocations to apply at start-up, and a
//! `kubectl chart` run is short enough for that to show. A statically
//! linked build (`scripts/build-pgo`) gets the same from
//! `-Crelocation-model=static`; there `-no-pie` would clash with rustc's
//! `-static-pie` and produce a binary that cannot start.

fn main() {
    let crt_static = std::env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|f| f.split(',').any(|f| f == "crt-static"));
    if std::env::var("PROFILE").as_deref() == Ok("release")
        && std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && !crt_static
    {
        println!("cargo:rustc-link-arg-bin=kubectl-chart=-no-pie");
    }
}
