//! Shared plumbing of the release commands: connecting to the cluster from
//! the global flags, picking the storage driver (`HELM_DRIVER`), Go
//! durations, output formats, the `--wait` progress display and Ctrl-C.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use chart_core::action::Configuration;
use chart_core::json::value_from_json;
use chart_core::kube::KubeClient;
use chart_core::kube::client::Client;
use chart_core::kube::config::ConnectOptions;
use chart_core::kube::wait::{CANCELLED, Pending};
use chart_core::storage::{Storage, driver_for};

use crate::args::GlobalArgs;

/// Connects with the global flags; `all_namespaces` lists across namespaces.
pub fn configuration(global: &GlobalArgs, all_namespaces: bool) -> Result<Configuration> {
    let opts = ConnectOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: global.kube_context.clone(),
        namespace: global.namespace.clone(),
        api_server: global.kube_apiserver.clone(),
        token: global.kube_token.clone(),
        ca_file: global.kube_ca_file.clone(),
        insecure_skip_tls_verify: global.kube_insecure_skip_tls_verify,
        tls_server_name: global.kube_tls_server_name.clone(),
        as_user: global.kube_as_user.clone(),
        as_groups: global.kube_as_group.clone(),
    };
    let client: Arc<dyn KubeClient> = Arc::new(Client::connect(&opts).map_err(|e| anyhow!("{e}"))?);
    let ns = if all_namespaces {
        String::new()
    } else {
        client.namespace().to_string()
    };
    let driver_name = std::env::var("HELM_DRIVER").unwrap_or_default();
    let driver = driver_for(&driver_name, client.clone(), &ns).map_err(|e| anyhow!(e))?;
    let mut cfg = Configuration::new(client, Storage::new(driver));
    if global.debug {
        cfg.log = Box::new(|m: &str| eprintln!("{m}"));
    }
    cfg.progress = progress_display();
    Ok(cfg)
}

/// The `--wait` display: on a terminal a live list of what is still
/// pending and why (redrawn in place on stderr); otherwise one plain line
/// whenever that list changes.
fn progress_display() -> chart_core::action::ProgressFn {
    let tty = std::io::stderr().is_terminal();
    let last = std::sync::Mutex::new((Vec::<Pending>::new(), 0usize));
    Box::new(move |pending: &[Pending]| {
        let Ok(mut state) = last.lock() else { return };
        if state.0 == pending {
            return;
        }
        let mut err = std::io::stderr().lock();
        if tty {
            // Erase the previous block, then draw the new one.
            for _ in 0..state.1 {
                let _ = write!(err, "\x1b[1A\x1b[2K");
            }
            let mut lines = 0;
            if !pending.is_empty() {
                let _ = writeln!(err, "waiting for {} resource(s):", pending.len());
                lines += 1;
                for p in pending {
                    let _ = writeln!(err, "  {:<40} {}", p.what, p.reason);
                    lines += 1;
                }
            }
            state.1 = lines;
        } else {
            for p in pending {
                let _ = writeln!(err, "waiting for {}: {}", p.what, p.reason);
            }
        }
        state.0 = pending.to_vec();
    })
}

/// Makes Ctrl-C cancel a running operation the way Helm does (the release
/// is marked failed with "context canceled"); a second Ctrl-C exits.
pub fn handle_interrupt(release: &str) {
    let release = release.to_string();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                println!("Release {release} has been cancelled.");
                CANCELLED.store(true, Ordering::SeqCst);
            }
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        });
    });
}

/// Parses a Go duration (`5m0s`, `300s`, `1h30m`, `500ms`, `0`).
pub fn parse_duration(s: &str) -> Result<Duration> {
    let bad = || anyhow!("time: invalid duration {:?}", s);
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    if rest.is_empty() || rest.starts_with('-') {
        return Err(bad());
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let num: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += num * scale;
        rest = &rest[unit_len..];
    }
    Ok(Duration::from_secs_f64(total))
}

/// `-o/--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Yaml,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<OutputFormat, String> {
        match s {
            "table" => Ok(OutputFormat::Table),
            "json" => Ok(OutputFormat::Json),
            "yaml" => Ok(OutputFormat::Yaml),
            _ => Err("invalid format type".to_string()),
        }
    }
}

/// Go-encoded JSON text → `sigs.k8s.io/yaml.Marshal` output.
pub fn json_to_yaml(json: &str) -> Result<String> {
    let v: serde_json::Value = serde_json::from_str(json)?;
    chart_core::yaml::marshal(&value_from_json(&v))
        .map_err(|e| anyhow!("unable to write YAML output: {e}"))
}

/// Writes JSON (with Helm's trailing newline) or YAML of a Go-encoded JSON text.
pub fn write_encoded(format: OutputFormat, json: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        OutputFormat::Json => writeln!(out, "{json}")?,
        OutputFormat::Yaml => write!(out, "{}", json_to_yaml(json)?)?,
        OutputFormat::Table => bail!("table output is not JSON"),
    }
    Ok(())
}

/// A `gosuri/uitable` table as Helm prints it: cells padded to the column
/// width, joined by tabs, rows by newlines, plus a final newline.
pub fn table(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let w = cell.chars().count();
            if i >= widths.len() {
                widths.push(w);
            } else if w > widths[i] {
                widths[i] = w;
            }
        }
    }
    let mut lines = Vec::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths[i].saturating_sub(c.chars().count());
                format!("{c}{}", " ".repeat(pad))
            })
            .collect();
        lines.push(cells.join("\t"));
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}
