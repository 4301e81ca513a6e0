//! The config file: found in the documented places, and any mistake stops everything
//! with one message naming file, line and key, and exit code 2.

mod common;

use common::cli::{describe, stderr, tradewind, Company, CONFIG};

#[test]
fn a_wrong_value_names_file_line_and_key_and_exits_2() {
    let company = Company::new();
    std::fs::write(
        &company.config,
        CONFIG.replacen("role = \"finance\"\n", "role = \"accountant\"\n", 1),
    )
    .unwrap();
    let out = company.run(&["customers", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = stderr(&out);
    let expected = format!("{}:29: users.role:", company.config.display());
    assert!(err.contains(&expected), "wanted {expected:?} in:\n{err}");
    assert!(err.contains("accountant"), "{err}");
    assert_eq!(
        err.lines().count(),
        1,
        "one clear error, not a cascade:\n{err}"
    );
    assert!(
        !company.dir.path().join("data").exists(),
        "nothing may start on a broken config"
    );
}

#[test]
fn an_inline_password_is_refused() {
    let company = Company::new();
    let text = format!(
        "{CONFIG}\n[smtp]\nhost = \"smtp.example.com\"\ntls = \"implicit\"\nusername = \"x\"\npassword = \"plaintext-secret\"\n"
    );
    std::fs::write(&company.config, text).unwrap();
    let out = company.run(&["users", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = stderr(&out);
    assert!(err.contains("smtp.password"), "{err}");
    assert!(
        !err.contains("plaintext-secret"),
        "a secret reached the terminal: {err}"
    );
}

#[test]
fn a_syntax_error_and_a_missing_file_exit_2() {
    let company = Company::new();
    std::fs::write(&company.config, "[company\nname = 1\n").unwrap();
    let out = company.run(&["users", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr(&out).contains("tradewind.toml:1:"),
        "{}",
        stderr(&out)
    );

    let empty = tempfile::tempdir().unwrap();
    let out = tradewind(&["customers", "list"], empty.path());
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr(&out).contains("no config file found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_config_is_found_through_the_environment_and_the_working_directory() {
    let company = Company::new();
    // ./tradewind.toml in the working directory
    let out = tradewind(&["users", "list", "--json"], company.dir.path());
    assert!(out.status.success(), "{}", describe(&out));
    let users: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(users.as_array().unwrap().len(), 3);
    // $TRADEWIND_CONFIG from anywhere
    let elsewhere = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tradewind"))
        .args(["users", "list"])
        .current_dir(elsewhere.path())
        .env("TRADEWIND_CONFIG", &company.config)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("zhang.min"));
}

#[test]
fn init_writes_a_config_that_loads_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("acme");
    let out = tradewind(&["init", target.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", describe(&out));
    assert!(target.join("data/tradewind.db").is_file());
    let config = target.join("tradewind.toml");
    let out = tradewind(
        &[
            "--config",
            config.to_str().unwrap(),
            "users",
            "list",
            "--json",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", describe(&out));
    let out = tradewind(&["init", target.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(stderr(&out).contains("already exists"));
}

/// Issue 9: a password file the group or others can read stops the daemon before it starts,
/// with the fix in the message, and the password itself never appears.
#[test]
fn the_daemon_refuses_a_password_file_others_can_read() {
    use std::os::unix::fs::PermissionsExt as _;
    let company = Company::new();
    let pw = company.write("imap.pw", b"hunter2-very-secret\n");
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o644)).unwrap();
    let text = format!(
        "{CONFIG}\n[[mailboxes]]\nname = \"sales-li\"\nowner = \"li.wei\"\nrole = \"sales\"\n\
         address = \"li.wei@seawind-trade.cn\"\n[mailboxes.imap]\nhost = \"127.0.0.1\"\nport = 1\n\
         tls = \"plain\"\nusername = \"li.wei\"\npassword = {{ file = \"{}\" }}\n",
        pw.display()
    );
    std::fs::write(&company.config, text).unwrap();
    let out = company.run(&["run"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = stderr(&out);
    assert!(err.contains("mailbox sales-li"), "{err}");
    assert!(err.contains("readable by others"), "{err}");
    assert!(
        err.contains(&format!("chmod 600 {}", pw.display())),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "the secret leaked: {err}");

    // Group-readable is refused too; private is accepted (the daemon then gets as far as
    // connecting, which fails on port 1 — but not because of the file).
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o640)).unwrap();
    let err = stderr(&company.run(&["run"]));
    assert!(err.contains("readable by its group"), "{err}");
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = company.run(&["sync", "--once"]);
    let err = stderr(&out);
    assert!(!err.contains("readable by"), "{err}");
    assert!(!err.contains("hunter2"), "the secret leaked: {err}");
}
