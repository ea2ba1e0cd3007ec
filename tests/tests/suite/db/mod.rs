//! The database suite: every test runs on SQLite and on PostgreSQL, one module per area.

#![allow(clippy::unwrap_used)]

use parindex_db::campaigns::{self, CampaignInput};
use parindex_db::contacts::{self, FocalContacts, SupportContact};
use parindex_db::units::{self, UnitInput};
use parindex_db::users::{self, NewUser};
use parindex_db::{Ctx, Db, DbError, audit, deadlines, outbox, sessions, throttle};
use parindex_domain::UnitId;
use parindex_tests::{Engine, fresh_db, on_both_engines};

fn ctx(now_ms: i64) -> Ctx {
    Ctx {
        actor_id: Some(parindex_domain::UserId(1)),
        actor: "tester".into(),
        ip: "127.0.0.1".into(),
        user_agent: "suite".into(),
        now_ms,
    }
}

fn campaign_input(year: i64) -> CampaignInput {
    CampaignInput {
        year,
        name_vi: format!("Chỉ số CCHC năm {year}"),
        name_en: format!("PAR Index {year}"),
        legal_basis: "876/QĐ-BNV".into(),
        organiser: "Bộ Nội vụ".into(),
        min_group_size: 5,
        deadlines: vec![("respondent_list".into(), format!("{year}-12-15"))],
    }
}

fn unit_input(code: &str, short: &str) -> UnitInput {
    UnitInput {
        code: code.into(),
        level: parindex_domain::Level::Province,
        name: format!("Ủy ban nhân dân {short}"),
        short_name: short.into(),
        not_ranked: false,
        email_domains: "example.gov.vn".into(),
    }
}

fn new_user(username: &str, unit_id: Option<UnitId>) -> NewUser {
    NewUser {
        username: username.into(),
        full_name: "Nguyễn Văn An".into(),
        email: format!("{username}@example.gov.vn"),
        role: if unit_id.is_some() {
            parindex_domain::Role::UnitOfficer
        } else {
            parindex_domain::Role::MohaAdmin
        },
        unit_id,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        must_change_password: true,
    }
}

async fn audit_actions(db: &Db) -> Vec<String> {
    let mut v: Vec<String> = audit::list(db, &audit::Filter::default(), 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    v.reverse();
    v
}

mod audit_log;
mod campaign_reads;
mod campaign_records;
mod criteria_sets_suite;
mod deadline_rules;
mod engines;
mod kept_connections;
mod login_sessions;
mod migrations;
mod respondent_writes_suite;
mod rollover_suite;
mod unit_import_suite;
