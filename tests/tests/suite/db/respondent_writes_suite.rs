//! The respondent path's events and writes are committed in batches: many requests share their
//! transactions and their waits for the disk, every one is stored, and a failure reaches only its own
//! request.

use super::*;
use parindex_db::survey::{self, Trace};
use parindex_db::survey_events::{Event, EventWriter};
use parindex_db::write_queue::WriteQueue;
use std::collections::HashMap;

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

/// Syncs of the WAL made so far: each request waits for one, and many share it (SQLite's fence
/// counts them; PostgreSQL has none to count).
fn syncs(db: &Db) -> Option<u64> {
    commits_and_syncs(db).map(|(_, s)| s)
}

/// Commits and syncs of the WAL made so far, on SQLite.
fn commits_and_syncs(db: &Db) -> Option<(u64, u64)> {
    match db {
        Db::Sqlite(_, side) => {
            let (commits, syncs, _) = side.fence.counts();
            Some((commits, syncs))
        }
        Db::Postgres(..) => None,
    }
}

/// The demo seeded at `NOW`, with Bộ Tư pháp's survey open: the database, the links' tokens and
/// their invitations' ids.
async fn open_survey(engine: Engine) -> (parindex_tests::TestDb, Vec<String>, Vec<i64>) {
    let db = fresh_db(engine).await;
    parindex::demo::seed(&db, NOW).await.unwrap();
    let (_, tokens) =
        parindex_tests::survey::open_listed_unit(&db, "BTP", 2, NOW, "http://127.0.0.1").await;
    let mut ids = Vec::new();
    for t in &tokens {
        let view = survey::by_token(&db, t).await.unwrap().unwrap();
        ids.push(view.invitation_id);
    }
    (db, tokens, ids)
}

const NOW: i64 = 1_702_000_000_000;

async fn many_requests_events_share_transactions_and_all_are_stored(engine: Engine) {
    let (db, tokens, ids) = open_survey(engine).await;
    let now = NOW;
    let writer = EventWriter::new(WriteQueue::new(db.clone()));
    let before = db.scalar("SELECT COUNT(*) FROM survey_paradata").await;
    let counts_before = commits_and_syncs(&db);

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
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM survey_paradata").await - before,
        n as i64
    );
    for t in &tokens {
        let v = survey::by_token(&db, t).await.unwrap().unwrap();
        assert!(v.opened_at.is_some(), "every link is marked opened");
    }
    if let (Some((c0, s0)), Some((c1, s1))) = (counts_before, commits_and_syncs(&db)) {
        assert!(s1 - s0 < n as u64 / 4, "{} syncs for {n} events", s1 - s0);
        // The writer gathers while a sync runs and commits once it ends: about one commit per
        // sync, not several small ones that would wait for the same next sync.
        assert!(
            c1 - c0 <= s1 - s0 + 1,
            "{} commits for {} syncs",
            c1 - c0,
            s1 - s0
        );
    }

    // A bad event (no such invitation) beside good ones: only its own request fails.
    let before = db.scalar("SELECT COUNT(*) FROM survey_paradata").await;
    let mixed = (0..41).map(|i| {
        let w = writer.clone();
        let id = if i == 20 { -1 } else { ids[i % ids.len()] };
        tokio::spawn(async move { (i, w.record(event(id, now + 1_000 + i as i64, false)).await) })
    });
    for r in futures_util::future::join_all(mixed).await {
        let (i, r) = r.unwrap();
        assert_eq!(r.is_err(), i == 20, "event {i}: {r:?}");
    }
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM survey_paradata").await - before,
        40
    );
}

/// Page saves from many requests at once share transactions; a save on a submitted response is
/// refused as `Stale` alone, and every other save in its batch is stored.
async fn many_requests_writes_share_transactions_and_a_refusal_stays_its_own(engine: Engine) {
    let (db, _, ids) = open_survey(engine).await;
    let now = NOW;
    let writes = WriteQueue::new(db.clone());
    let t = Trace::default();
    // The first response is submitted; the second started.
    assert!(survey::submit(&writes, ids[0], &t, now).await.unwrap());
    assert!(
        !survey::submit(&writes, ids[0], &t, now + 1).await.unwrap(),
        "only once"
    );
    survey::start(&writes, ids[1], &t, now).await.unwrap();

    // 120 saves at once on open responses: a handful of transactions.
    let syncs_before = syncs(&db);
    let open: Vec<i64> = ids[1..].to_vec();
    let all = (0..120usize).map(|i| {
        let w = writes.clone();
        let id = open[i % open.len()];
        tokio::spawn(async move {
            let answer = vec![(format!("p{i}"), "B".to_string())];
            survey::save_answers(&w, id, 1, &answer, &Trace::default(), now + 5).await
        })
    });
    for r in futures_util::future::join_all(all).await {
        r.unwrap().unwrap();
    }
    if let (Some(a), Some(b)) = (syncs_before, syncs(&db)) {
        assert!(b - a < 30, "{} syncs for 120 saves", b - a);
    }
    let mut stored = 0;
    for id in &open {
        stored += survey::answers(&db, *id).await.unwrap().len();
    }
    assert_eq!(stored, 120);

    // The same beside saves on the submitted response: those alone are refused.

    let n = 120usize;
    let all = (0..n).map(|i| {
        let w = writes.clone();
        let id = ids[i % ids.len()];
        let answer = vec![(format!("q{i}"), "A".to_string())];
        tokio::spawn(async move {
            let r = survey::save_answers(&w, id, 1, &answer, &Trace::default(), now + 10).await;
            (id, r)
        })
    });
    let mut saved = 0;
    for r in futures_util::future::join_all(all).await {
        let (id, r) = r.unwrap();
        if id == ids[0] {
            assert!(matches!(r, Err(DbError::Stale)), "{r:?}");
        } else {
            r.unwrap();
            saved += 1;
        }
    }
    let mut stored = 0;
    for id in &ids {
        stored += survey::answers(&db, *id).await.unwrap().len();
    }
    assert_eq!(stored, 120 + saved, "every save but the refused ones");
    assert!(survey::answers(&db, ids[0]).await.unwrap().is_empty());
}

/// A page reads its link and the answers saved on it at once; the link is the same as read alone,
/// and a page save's paradata row is stored with it (on PostgreSQL written at commit).
async fn a_link_is_read_with_its_answers(engine: Engine) {
    let (db, tokens, ids) = open_survey(engine).await;
    let writes = WriteQueue::new(db.clone());
    let t = Trace::default();
    survey::start(&writes, ids[1], &t, NOW).await.unwrap();
    let answers = vec![
        ("q1".to_string(), "A".to_string()),
        ("q2".to_string(), "B".to_string()),
        ("q1".to_string(), "C".to_string()),
    ];
    let paradata = "SELECT COUNT(*) FROM survey_paradata WHERE invitation_id = ";
    let before = db.scalar(&format!("{paradata}{}", ids[1])).await;
    survey::save_answers(&writes, ids[1], 1, &answers, &t, NOW + 1)
        .await
        .unwrap();
    assert_eq!(
        db.scalar(&format!("{paradata}{}", ids[1])).await,
        before + 1
    );

    let (link, saved) = survey::by_token_with_answers(&db, &tokens[1])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        link,
        survey::by_token(&db, &tokens[1]).await.unwrap().unwrap()
    );
    assert!(link.started_at.is_some());
    let want: HashMap<String, String> = [("q1", "C"), ("q2", "B")]
        .iter()
        .map(|(q, o)| (q.to_string(), o.to_string()))
        .collect();
    assert_eq!(saved, want, "a question given twice keeps its last answer");
    assert_eq!(saved, survey::answers(&db, ids[1]).await.unwrap());

    let (other, none) = survey::by_token_with_answers(&db, &tokens[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.invitation_id, ids[0]);
    assert!(none.is_empty());
    assert!(
        survey::by_token_with_answers(&db, &"0".repeat(64))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        survey::by_token_with_answers(&db, "short")
            .await
            .unwrap()
            .is_none()
    );
}

on_both_engines!(
    many_requests_events_share_transactions_and_all_are_stored,
    many_requests_writes_share_transactions_and_a_refusal_stays_its_own,
    a_link_is_read_with_its_answers
);

/// On PostgreSQL the link read every request makes is planned once per connection and then run on
/// that plan: left to choose, PostgreSQL could plan its eight-table join afresh on every run, which
/// cost more than the run itself.
#[tokio::test]
async fn postgres_reads_a_link_on_one_generic_plan() {
    let (db, tokens, _) = open_survey(Engine::Postgres).await;
    assert!(!tokens.is_empty());
    let one = Db::connect(&db.url).await.unwrap();
    for _ in 0..8 {
        for t in &tokens {
            assert!(survey::by_token(&one, t).await.unwrap().is_some());
        }
    }
    let Db::Postgres(pool, kept) = &one else {
        unreachable!()
    };
    // Each connection prepared the read for itself: hold every one of them and add up.
    kept.hand_back();
    let mut held = Vec::new();
    while held.len() < pool.size() as usize {
        held.push(pool.acquire().await.unwrap());
    }
    let (mut custom, mut generic) = (0, 0);
    for conn in &mut held {
        let (mode,): (String,) = sqlx::query_as("SHOW plan_cache_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(mode, "force_generic_plan");
        let (c, g): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(custom_plans), 0)::bigint, COALESCE(SUM(generic_plans), 0)::bigint \
             FROM pg_prepared_statements WHERE statement LIKE '%FROM survey\\_links l%'",
        )
        .fetch_one(&mut **conn)
        .await
        .unwrap();
        (custom, generic) = (custom + c, generic + g);
    }
    assert_eq!(custom, 0, "no run planned afresh");
    let reads = 8 * i64::try_from(tokens.len()).unwrap();
    assert_eq!(
        generic, reads,
        "every read ran on its connection's one plan"
    );
}
