//! `parindex campaign copy --from 2023 --year 2024`: the roll-over of the campaigns page, from the
//! command line. The new campaign takes the proposed names and last year's criteria sets; its
//! deadlines and copied contacts wait for MoHA's confirmation on the campaign's page.

use parindex_db::rollover::{self, Rollover};
use parindex_db::{Ctx, Db, DbError, campaigns};
use parindex_i18n::Lang;
use std::fmt::Write;
use std::time::Instant;

/// The command as the server runs it: its database (with the audit key checked), the system clock and
/// the language asked for (Vietnamese unless "en").
pub async fn command(
    settings: &crate::settings::Settings,
    from: i64,
    year: i64,
    lang: &str,
) -> anyhow::Result<String> {
    let db = crate::serve::open_db(settings).await?;
    parindex_db::audit::check_key(&db).await?;
    let lang = Lang::parse(lang).unwrap_or(Lang::Vi);
    let now = parindex_domain::Clock::now_ms(&parindex_domain::SystemClock);
    run(&db, from, year, lang, now).await
}

/// Copies the campaign of year `from` to `year` and says what was created, or why not.
pub async fn run(db: &Db, from: i64, year: i64, lang: Lang, now_ms: i64) -> anyhow::Result<String> {
    let old = campaigns::by_year(db, from).await.map_err(|e| match e {
        DbError::NotFound => {
            anyhow::anyhow!(lang.t_args("cli-copy-no-campaign", &[("year", from.to_string())]))
        }
        e => e.into(),
    })?;
    let refused = |e: DbError| match e {
        DbError::Refused(key) => anyhow::anyhow!(lang.t(key)),
        DbError::Conflict(_) => anyhow::anyhow!(lang.t("campaign-year-taken")),
        e => e.into(),
    };
    let preview = rollover::preview(db, old.id, year).await.map_err(refused)?;
    let r = Rollover {
        from: old.id,
        year,
        name_vi: preview.name_vi.clone(),
        name_en: preview.name_en.clone(),
        sets: preview.sets.iter().map(|(_, s)| s.id).collect(),
    };
    let started = Instant::now();
    let new = rollover::copy(db, &Ctx::system(now_ms), &r)
        .await
        .map_err(refused)?;
    let took = started.elapsed();
    let mut out = String::new();
    let args = [
        ("year", year.to_string()),
        ("from", from.to_string()),
        ("id", new.id.to_string()),
        ("units", preview.units.len().to_string()),
        ("accounts", preview.accounts.len().to_string()),
        ("ms", took.as_millis().to_string()),
    ];
    writeln!(out, "{}", lang.t_args("cli-copy-done", &args))?;
    for (kind, day) in &preview.deadlines {
        writeln!(out, "  {}: {day}", lang.t(&format!("deadline-{kind}")))?;
    }
    writeln!(out, "{}", lang.t_args("cli-copy-next", &args))?;
    Ok(out)
}
