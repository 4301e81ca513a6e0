//! `tradewind doctor [--json]` (issue 9): a table of OK / WARN / FAIL with the fix for each
//! problem; exit code 1 on any FAIL.

use std::path::Path;

use clap::Args;

use super::table;
use crate::config::Config;
use crate::doctor::{self, Check, Report, Status};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print the checks as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Returns whether everything passed (no FAIL); a config that does not load is itself the
/// answer, reported as a FAIL line rather than the usual exit code 2.
pub fn run(args: DoctorArgs, config_path: Option<&Path>) -> anyhow::Result<bool> {
    let report = match Config::locate(config_path).and_then(|p| Config::load(&p)) {
        Ok(config) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(doctor::examine(&config))
        }
        Err(e) => Report {
            checks: vec![Check {
                subject: "config".into(),
                check: "load".into(),
                status: Status::Fail,
                detail: e.to_string(),
                fix: Some("fix the config at the file, line and key named".into()),
            }],
        },
    };
    let passed = report.worst() != Status::Fail;
    if args.json {
        super::print_json(&serde_json::json!({
            "status": report.worst(),
            "checks": report.checks,
        }))?;
        return Ok(passed);
    }
    let rows: Vec<Vec<String>> = report
        .checks
        .iter()
        .map(|c| {
            vec![
                c.status.label().to_string(),
                c.subject.clone(),
                c.check.clone(),
                c.detail.clone(),
            ]
        })
        .collect();
    print!("{}", table::render(&["", "WHAT", "CHECK", "DETAIL"], &rows));
    let problems: Vec<&Check> = report
        .checks
        .iter()
        .filter(|c| c.status != Status::Ok)
        .collect();
    if !problems.is_empty() {
        println!();
        for c in problems {
            if let Some(fix) = &c.fix {
                println!("{} {} {}: {fix}", c.status.label(), c.subject, c.check);
            }
        }
    }
    let count = |s| report.checks.iter().filter(|c| c.status == s).count();
    println!(
        "\n{} OK, {} WARN, {} FAIL",
        count(Status::Ok),
        count(Status::Warn),
        count(Status::Fail)
    );
    Ok(passed)
}
