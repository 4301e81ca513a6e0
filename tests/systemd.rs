//! The shipped systemd unit (issue 9): hardened to an exposure of at most 2.0 as scored by
//! `systemd-analyze security --offline=true`, and carrying the directives the daemon relies on.

use std::path::Path;
use std::process::Command;

const UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/systemd/tradewind.service");

/// The "Overall exposure level for tradewind.service: 1.2 OK" figure.
fn exposure(report: &str) -> Option<f64> {
    let line = report
        .lines()
        .find(|l| l.contains("Overall exposure level"))?;
    let after = line.split(':').nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}

#[test]
fn unit_exposure_is_at_most_two() {
    assert!(Path::new(UNIT).exists(), "{UNIT} is missing");
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager", UNIT])
        .output()
        .expect("systemd-analyze (Debian package systemd) must be installed to check the unit");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let level = exposure(&text).unwrap_or_else(|| panic!("no exposure level in:\n{text}"));
    assert!(
        level <= 2.0,
        "systemd exposure {level} > 2.0; what is still open:\n{}",
        text.lines()
            .filter(|l| l.contains('✗'))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn unit_has_the_directives_the_daemon_relies_on() {
    let unit = std::fs::read_to_string(UNIT).unwrap();
    let directives: Vec<&str> = unit
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    for wanted in [
        "Type=notify",
        "WatchdogSec=",
        "Restart=on-failure",
        "RestartPreventExitStatus=2",
        "StateDirectory=tradewind",
        "ConfigurationDirectory=tradewind",
        "LoadCredential=",
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "NoNewPrivileges=yes",
        "RestrictAddressFamilies=",
        "SystemCallFilter=@system-service",
        "MemoryDenyWriteExecute=yes",
        "CapabilityBoundingSet=",
    ] {
        assert!(
            directives.iter().any(|l| l.starts_with(wanted)),
            "systemd/tradewind.service lacks {wanted}"
        );
    }
}

#[test]
fn exposure_figure_is_read_from_the_report() {
    assert_eq!(
        exposure("→ Overall exposure level for tradewind.service: 1.2 OK 🙂"),
        Some(1.2)
    );
    assert_eq!(exposure("no figure here"), None);
}
