//! The respondent path's events are written in batches: many requests' events share one transaction,
//! every one is stored, and a bad event fails only its own request.

use super::*;
use parindex_db::survey::{self, Trace};
use parindex_db::survey_events::{Event, EventWriter};

fn event(invitation_id: i64, at: i64, opens: bool) -> Event {
    Event {
        invitation_id,
        event: parindex_domain::survey::paradata::event::PAGE_SHOWN,
        page: 1,
        trace: Trace {
            session_hash: format!("s{at}"),
            ..Trace::default()
        },
        at,
        opens,
    }
}

/// Commits made so far (SQLite's fence counts them; PostgreSQL has none to count).
fn commits(db: &Db) -> Option<u64> {
    match db {
        Db::Sqlite(_, gate) => Some(gate.fence.counts().0),
        Db::Postgres(_) => None,
    }
}

async fn many_requests_events_share_transactions_and_all_are_stored(engine: Engine) {
    let db = fresh_db(engine).await;
    let now = 1_702_000_000_000;
    parindex::demo::seed(&db, now).await.unwrap();
    let (_, tokens) =
        parindex_tests::survey::open_listed_unit(&db, "BTP", 2, now, "http://127.0.0.1").await;
    let mut ids = Vec::new();
    for t in &tokens {
        ids.push(
            survey::by_token(&db, t)
                .await
                .unwrap()
                .unwrap()
                .invitation_id,
        );
    }
    let writer = EventWriter::new(db.clone());
    let rows = |db: Db| async move {
        match &db {
            Db::Sqlite(p, _) => {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM survey_paradata")
                    .fetch_one(p)
                    .await
                    .unwrap()
            }
            Db::Postgres(p) => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM survey_paradata")
                .fetch_one(p)
                .await
                .unwrap(),
        }
    };
    let before = rows(db.clone()).await;
    let commits_before = commits(&db);

    // 200 requests at once, each link's first event opening it.
    let n = 200usize;
    let all = (0..n).map(|i| {
        let w = writer.clone();
        let (id, opens) = (ids[i % ids.len()], i < ids.len());
        tokio::spawn(async move { w.record(event(id, now + i as i64, opens)).await })
    });
    for r in futures_util::future::join_all(all).await {
        r.unwrap().unwrap();
    }
    assert_eq!(rows(db.clone()).await - before, n as i64);
    for t in &tokens {
        let v = survey::by_token(&db, t).await.unwrap().unwrap();
        assert!(v.opened_at.is_some(), "every link is marked opened");
    }
    if let (Some(a), Some(b)) = (commits_before, commits(&db)) {
        assert!(b - a < n as u64 / 4, "{} commits for {n} events", b - a);
    }

    // A bad event (no such invitation) beside good ones: only its own request fails.
    let before = rows(db.clone()).await;
    let mixed = (0..41).map(|i| {
        let w = writer.clone();
        let id = if i == 20 { -1 } else { ids[i % ids.len()] };
        tokio::spawn(async move { (i, w.record(event(id, now + 1_000 + i as i64, false)).await) })
    });
    for r in futures_util::future::join_all(mixed).await {
        let (i, r) = r.unwrap();
        assert_eq!(r.is_err(), i == 20, "event {i}: {r:?}");
    }
    assert_eq!(rows(db.clone()).await - before, 40);
}

on_both_engines!(many_requests_events_share_transactions_and_all_are_stored);
