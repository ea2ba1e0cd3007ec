//! `parindex backup`, `parindex restore` and `parindex copy-to-postgres`.
//!
//! - SQLite: the backup is a consistent copy made while the server runs (`VACUUM INTO`); restoring
//!   puts it in an empty data folder and checks it (`PRAGMA integrity_check`, the audit chain).
//! - PostgreSQL: the backup is `pg_dump --format=custom`; restoring runs `pg_restore` into an empty
//!   database and checks the audit chain.
//! - Moving from SQLite to PostgreSQL copies every table and checks the copy row by row.

use crate::settings::Settings;
use anyhow::{Context, bail};
use parindex_db::Db;
use std::path::Path;
use std::process::Command;

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Runs an external tool, failing with what it printed.
fn run(tool: &str, args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new(tool).args(args).output().with_context(|| {
        format!("cannot run {tool} (install PostgreSQL's client tools, or set its path)")
    })?;
    if !out.status.success() {
        bail!(
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// Writes a backup of the configured database to `out`, which must not exist yet.
pub async fn backup(settings: &Settings, out: &Path) -> anyhow::Result<String> {
    if out.exists() {
        bail!("{} already exists; choose a new file", out.display());
    }
    let url = settings.database();
    if is_postgres(&url) {
        let file = out.to_string_lossy();
        run(
            &settings.pg_dump,
            &["--format=custom", "--no-owner", "--file", &file, &url],
        )?;
        return Ok(format!("backup written to {} (pg_dump)", out.display()));
    }
    let db = crate::serve::open_db(settings).await?;
    parindex_db::backup::sqlite_copy(&db, out).await?;
    db.close().await;
    Ok(format!("backup written to {}", out.display()))
}

/// What a restored database holds: the audit chain, verified, and its rows.
async fn check(db: &Db) -> anyhow::Result<String> {
    let ok = parindex_db::backup::integrity_check(db).await?;
    if ok != "ok" {
        bail!("the restored database is damaged: {ok}");
    }
    let v = parindex_db::audit::verify(db).await?;
    let (said, ok) = crate::audit_report::verification(&v);
    if !ok {
        bail!("the restored {said}");
    }
    Ok(said)
}

/// Restores `from` into the configured database, which must be empty, and checks it.
pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<String> {
    if !from.is_file() {
        bail!("{} is not a file", from.display());
    }
    crate::audit_key::require(settings)?;
    let url = settings.database();
    if is_postgres(&url) {
        let db = Db::connect(&url).await?;
        if parindex_db::backup::table_count(&db).await? > 0 {
            bail!("the database already has tables; restore into a new, empty database");
        }
        let file = from.to_string_lossy();
        run(
            &settings.pg_restore,
            &[
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                &url,
                &file,
            ],
        )?;
        db.migrate().await?;
        let said = check(&db).await?;
        db.close().await;
        return Ok(format!(
            "restored from {} (pg_restore); {said}",
            from.display()
        ));
    }
    let target = settings.data_dir.join("parindex.db");
    if target.exists() {
        bail!(
            "{} already exists; restore into an empty data folder",
            target.display()
        );
    }
    std::fs::create_dir_all(&settings.data_dir)?;
    // Copied under another name and renamed, so a failed copy never leaves a half file in place.
    let partial = settings.data_dir.join("parindex.db.restoring");
    std::fs::copy(from, &partial).with_context(|| format!("copying {}", from.display()))?;
    std::fs::rename(&partial, &target)?;
    let db = crate::serve::open_db(settings).await?;
    let said = match check(&db).await {
        Ok(s) => s,
        Err(e) => {
            db.close().await;
            let _ = std::fs::remove_file(&target);
            return Err(e);
        }
    };
    db.migrate().await?;
    db.close().await;
    Ok(format!(
        "restored from {} into {}; {said}",
        from.display(),
        target.display()
    ))
}

/// Copies the configured SQLite database into the empty PostgreSQL database at `to` and checks it.
pub async fn copy_to_postgres(settings: &Settings, to: &str) -> anyhow::Result<String> {
    let from = settings.database();
    if is_postgres(&from) {
        bail!("the configured database is already PostgreSQL; copy from the SQLite data folder");
    }
    if !is_postgres(to) {
        bail!("--to must be a postgres:// URL");
    }
    let src = crate::serve::open_db(settings).await?;
    let dst = Db::connect(to).await?;
    dst.migrate().await?;
    let mut lines = String::new();
    let mut progress = |table: &str, rows: u64| {
        println!("  {table:<28} {rows:>9} rows");
    };
    let report = parindex_db::copy::sqlite_to_postgres(&src, &dst, &mut progress).await?;
    let rows: u64 = report.tables.iter().map(|t| t.rows).sum();
    lines.push_str(&format!(
        "copied {} tables, {rows} rows; every table checked row by row (SHA-256); \
         audit chain intact on PostgreSQL: {} entries verified\n",
        report.tables.len(),
        report.audit_entries
    ));
    src.close().await;
    dst.close().await;
    Ok(lines)
}
