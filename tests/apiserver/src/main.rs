//! A test Kubernetes API server (see issue: release lifecycle).

fn main() {
    eprintln!("chart-test-apiserver: not implemented yet");
    std::process::exit(1);
}
