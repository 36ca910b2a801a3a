//! Links the release binary as a fixed-address (non-PIE) executable: the
//! dynamic loader then has no relocations to apply at start-up, and a
//! `kubectl chart` run is short enough for that to show.

fn main() {
    if std::env::var("PROFILE").as_deref() == Ok("release")
        && std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
    {
        println!("cargo:rustc-link-arg-bin=kubectl-chart=-no-pie");
    }
}
