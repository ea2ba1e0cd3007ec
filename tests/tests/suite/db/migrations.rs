//! Migrations: applied twice without harm, and the two engines' folders saying the same thing.

use super::*;

async fn migrations_apply_twice_without_harm(engine: Engine) {
    let db = fresh_db(engine).await;
    db.migrate().await.unwrap();
    db.ping().await.unwrap();
}

#[test]
fn both_engines_have_the_same_migrations() {
    let s = Db::migration_versions(Engine::Sqlite);
    let p = Db::migration_versions(Engine::Postgres);
    assert!(!s.is_empty());
    assert_eq!(
        s, p,
        "migrations/sqlite and migrations/postgres must hold the same versions"
    );
}

/// The two folders say the same thing: once the one spelling that differs (an identity key) is
/// written the same way, every file is equal line for line.
#[test]
fn both_engines_migrations_differ_only_in_the_identity_key() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/db/migrations");
    let normalise = |text: String| {
        text.replace(
            "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "INTEGER PRIMARY KEY",
        )
    };
    let mut files: Vec<_> = std::fs::read_dir(root.join("sqlite"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    assert!(files.len() >= 14);
    for name in files {
        let read = |engine: &str| std::fs::read_to_string(root.join(engine).join(&name)).unwrap();
        let (sqlite, postgres) = (read("sqlite"), normalise(read("postgres")));
        for (n, (a, b)) in sqlite.lines().zip(postgres.lines()).enumerate() {
            assert_eq!(
                a,
                b,
                "{name:?} line {}: the engines' migrations differ",
                n + 1
            );
        }
        assert_eq!(
            sqlite.lines().count(),
            postgres.lines().count(),
            "{name:?}: the engines' migrations differ in length"
        );
    }
}

on_both_engines!(migrations_apply_twice_without_harm,);
