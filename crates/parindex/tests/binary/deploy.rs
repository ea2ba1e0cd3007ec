//! The deployment files in docs/deploy stay true: the documented settings file loads with the values
//! it promises, and every command line in the systemd unit and the compose file is one this binary
//! accepts. (nginx.conf is exercised in servers.rs, which starts nginx with it.)

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_parindex");

fn deploy(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/deploy")
        .join(file)
}

fn read(file: &str) -> String {
    std::fs::read_to_string(deploy(file)).unwrap()
}

/// `parindex ARGS --help` exits 0 only when every subcommand and flag in ARGS exists.
fn accepted(args: &[&str]) -> bool {
    let out = Command::new(BIN)
        .args(args)
        .arg("--help")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    out.status.success()
}

#[test]
fn the_documented_settings_file_loads_with_its_values() {
    let s = parindex::settings::Settings::load(Some(&deploy("parindex.toml"))).unwrap();
    assert_eq!(s.listen, "0.0.0.0:8080");
    assert!(s.secure_cookies && s.trust_proxy);
    assert_eq!(s.public_origin, "https://cchc.example.gov.vn");
    assert_eq!(s.files_url, "s3://parindex-evidence/2023");
    assert_eq!(s.log_format, "json");
    assert!(s.mail_rate > 0);
    let secrets = read("secrets.env.example");
    for key in [
        "DATABASE_URL=postgres://",
        "PARINDEX_SMTP_URL=smtp://",
        "AWS_ACCESS_KEY_ID=",
    ] {
        assert!(secrets.contains(key), "{key}");
    }
}

#[test]
fn the_systemd_unit_and_compose_file_run_commands_parindex_has() {
    assert!(
        !accepted(&["serve", "--no-such-flag"]),
        "the check can fail"
    );
    assert!(!accepted(&["no-such-command"]));
    let unit = read("parindex.service");
    let mut checked = 0;
    for line in unit.lines() {
        let Some(cmd) = line
            .strip_prefix("ExecStartPre=")
            .or_else(|| line.strip_prefix("ExecStart="))
        else {
            continue;
        };
        let mut words = cmd.split_whitespace();
        assert_eq!(words.next(), Some("/usr/local/bin/parindex"));
        let args: Vec<&str> = words.collect();
        assert!(accepted(&args), "{cmd}");
        checked += 1;
    }
    assert_eq!(checked, 2);
    assert!(unit.contains("Environment=PARINDEX_CONFIG=/etc/parindex/parindex.toml"));
    assert!(unit.contains("ReadWritePaths=/var/lib/parindex"));

    let compose = read("compose.yaml");
    let docker = read("Dockerfile");
    let mut commands: Vec<Vec<String>> = compose
        .lines()
        .filter_map(|l| l.trim().strip_prefix("command: "))
        .chain(docker.lines().filter_map(|l| l.strip_prefix("CMD ")))
        .map(|list| {
            list.trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|w| w.trim().trim_matches('"').to_string())
                .collect()
        })
        .collect();
    commands.dedup();
    assert!(commands.len() >= 3, "{commands:?}");
    for c in commands {
        let args: Vec<&str> = c.iter().map(String::as_str).collect();
        assert!(accepted(&args), "{c:?}");
    }
}
