// The cases of `tests/sqlx_store.rs`, included once per database by a module that defines
// `Db` (the sqlx database), `Pool` and `async fn fresh()` (an empty database with the schema).
// Written once, compiled for each database with its concrete types.

pub(super) fn body(text: &str) -> Changes<'static, Db> {
    Changes::new().set("body", text.to_owned())
}

#[track_caller]
pub(super) fn assert_lost_to(error: WriteError, winner: Option<&impl Versioned>) {
    match error {
        WriteError::Rejected(rejection) => {
            assert_eq!(rejection.kind(), RejectionKind::PreconditionFailed);
            assert_eq!(rejection.status(), 412);
            let expected = winner.map(Versioned::validators);
            assert_eq!(rejection.etag(), expected.as_ref().and_then(|v| v.etag()));
            assert_eq!(
                rejection.last_modified(),
                expected.as_ref().and_then(|v| v.last_modified())
            );
        }
        other => panic!("expected a lost race, got {other:?}"),
    }
}

fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn create_update_delete_on(pool: &Pool) {
    assert_eq!(
        precond::sqlx::fetch::<_, Note, _>(pool, 1i64)
            .await
            .unwrap(),
        None
    );
    let created: Note = precond::sqlx::create(pool, 1i64, body("first"))
        .await
        .unwrap();
    assert_eq!(
        (created.id, created.body.as_str(), created.version),
        (1, "first", 1)
    );
    assert_eq!(created.etag(), ETag::from_version(1));
    let fetched = precond::sqlx::fetch::<_, Note, _>(pool, 1i64)
        .await
        .unwrap();
    assert_eq!(fetched.as_ref(), Some(&created));

    let updated: Note = precond::sqlx::update(pool, 1i64, &created, body("second"))
        .await
        .unwrap();
    assert_eq!((updated.body.as_str(), updated.version), ("second", 2));
    // `write` is `update` for a checked record, `create` for none.
    let written: Note = precond::sqlx::write(pool, 1i64, Some(&updated), body("third"))
        .await
        .unwrap();
    assert_eq!(written.version, 3);

    precond::sqlx::delete(pool, 1i64, &written).await.unwrap();
    assert_eq!(
        precond::sqlx::fetch::<_, Note, _>(pool, 1i64)
            .await
            .unwrap(),
        None
    );
}

async fn a_stale_version_gets_the_winners_validators_on(pool: &Pool) {
    let v1: Note = precond::sqlx::create(pool, 7i64, body("v1")).await.unwrap();
    let v2: Note = precond::sqlx::update(pool, 7i64, &v1, body("v2"))
        .await
        .unwrap();

    // A writer that checked v1 writes after v2 was stored: 412 with v2's ETag and date.
    let error = precond::sqlx::update::<_, Note, _>(pool, 7i64, &v1, body("lost"))
        .await
        .unwrap_err();
    assert_lost_to(error, Some(&v2));
    let error = precond::sqlx::delete(pool, 7i64, &v1).await.unwrap_err();
    assert_lost_to(error, Some(&v2));
    // Creating what exists: the 412 with the existing record's validators.
    let error = precond::sqlx::create::<_, Note, _>(pool, 7i64, body("again"))
        .await
        .unwrap_err();
    assert_lost_to(error, Some(&v2));
    let stored = precond::sqlx::fetch::<_, Note, _>(pool, 7i64)
        .await
        .unwrap();
    assert_eq!(stored, Some(v2.clone()));

    // Deleted in between: the 412 of a resource that does not exist, no validators.
    precond::sqlx::delete(pool, 7i64, &v2).await.unwrap();
    let error = precond::sqlx::update::<_, Note, _>(pool, 7i64, &v2, body("ghost"))
        .await
        .unwrap_err();
    assert_lost_to(error, None::<&Note>);
    assert!(
        precond::sqlx::fetch::<_, Note, _>(pool, 7i64)
            .await
            .unwrap()
            .is_none()
    );
}

/// The measurement, at the store: 20 writers that all checked the same version and
/// write at once. A check-then-`UPDATE` let 7 of 20 through; here exactly one wins, and each
/// of the 19 others gets the 412 with the winner's ETag.
async fn concurrent_writers_holding_one_version_one_wins_on(pool: &Pool) {
    for round in 0..5i64 {
        let id = 100 + round;
        let checked: Note = precond::sqlx::create(pool, id, body("start"))
            .await
            .unwrap();
        let mut writers = tokio::task::JoinSet::new();
        for writer in 0..20 {
            let (pool, checked) = (pool.clone(), checked.clone());
            writers.spawn(async move {
                let text = format!("writer {writer}");
                precond::sqlx::update(&pool, id, &checked, body(&text)).await
            });
        }
        let mut winners = Vec::new();
        let mut losers = Vec::new();
        while let Some(result) = writers.join_next().await {
            match result.expect("a writer panicked") {
                Ok(note) => winners.push(note),
                Err(error) => losers.push(error),
            }
        }
        assert_eq!(
            winners.len(),
            1,
            "round {round}: {} writers won",
            winners.len()
        );
        let winner = &winners[0];
        assert_eq!(winner.version, 2);
        assert_eq!(losers.len(), 19);
        for error in losers {
            assert_lost_to(error, Some(winner));
        }
        let stored = precond::sqlx::fetch::<_, Note, _>(pool, id).await.unwrap();
        assert_eq!(stored.as_ref(), Some(winner));
    }
}

/// The failure, reproduced: the same 20 writers, each checking the version in Rust and
/// then writing with a plain `UPDATE` 50 ms later (a store with a 50 ms write), let several
/// through. This is what the conditional statement above prevents; if this ever stops
/// failing, the test above proves nothing.
async fn a_check_then_plain_update_loses_updates_on(pool: &Pool) {
    let checked: Note = precond::sqlx::create(pool, 200i64, body("start"))
        .await
        .unwrap();
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..20 {
        let (pool, checked) = (pool.clone(), checked.clone());
        writers.spawn(async move {
            let stored = precond::sqlx::fetch::<_, Note, _>(&pool, 200i64)
                .await
                .unwrap();
            if stored.map(|note| note.version) != Some(checked.version) {
                return false; // the check: 412
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            sqlx::query("UPDATE notes SET body = $1, version = version + 1 WHERE id = $2")
                .bind(format!("writer {writer}"))
                .bind(200i64)
                .execute(&pool)
                .await
                .unwrap();
            true
        });
    }
    let mut answered_200 = 0;
    while let Some(result) = writers.join_next().await {
        answered_200 += u32::from(result.unwrap());
    }
    assert!(
        answered_200 > 1,
        "only {answered_200} of 20 got through the naive check"
    );
}

/// 50 creates of one new key at once (`If-None-Match: *`): exactly one, the others 412.
async fn concurrent_creates_one_wins_on(pool: &Pool) {
    let mut creators = tokio::task::JoinSet::new();
    for creator in 0..50 {
        let pool = pool.clone();
        creators.spawn(async move {
            let text = format!("creator {creator}");
            precond::sqlx::create::<_, Note, _>(&pool, 500i64, body(&text)).await
        });
    }
    let mut created = Vec::new();
    let mut refused = Vec::new();
    while let Some(result) = creators.join_next().await {
        match result.expect("a creator panicked") {
            Ok(note) => created.push(note),
            Err(error) => refused.push(error),
        }
    }
    assert_eq!(created.len(), 1);
    assert_eq!(refused.len(), 49);
    for error in refused {
        assert_lost_to(error, Some(&created[0]));
    }
}

/// A deleted row stays as a tombstone: invisible, but its version goes on when the key is
/// created again, so the old ETag `"1"` can never match the new record.
async fn tombstones_continue_the_version_on(pool: &Pool) {
    let v1: Note = precond::sqlx::create(pool, 3i64, body("old"))
        .await
        .unwrap();
    precond::sqlx::delete(pool, 3i64, &v1).await.unwrap();
    assert!(
        precond::sqlx::fetch::<_, Note, _>(pool, 3i64)
            .await
            .unwrap()
            .is_none()
    );
    // Deleting again, or writing, with the dead version: 412 as for an absent resource.
    assert_lost_to(
        precond::sqlx::delete(pool, 3i64, &v1).await.unwrap_err(),
        None::<&Note>,
    );
    let reborn: Note = precond::sqlx::create(pool, 3i64, body("new"))
        .await
        .unwrap();
    assert_eq!(reborn.version, 2, "the deleted v1, then the new record");
    assert!(reborn.modified > v1.modified);
    assert_lost_to(
        precond::sqlx::update::<_, Note, _>(pool, 3i64, &v1, body("stale"))
            .await
            .unwrap_err(),
        Some(&reborn),
    );
}

async fn plain_deletes_delete_on(pool: &Pool) {
    let v1: PlainNote = precond::sqlx::create(pool, 9i64, body("x")).await.unwrap();
    let v2: PlainNote = precond::sqlx::update(pool, 9i64, &v1, body("y"))
        .await
        .unwrap();
    assert_lost_to(
        precond::sqlx::delete(pool, 9i64, &v1).await.unwrap_err(),
        Some(&v2),
    );
    precond::sqlx::delete(pool, 9i64, &v2).await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plain_notes")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(count, 0, "the row itself is gone");
    assert_lost_to(
        precond::sqlx::delete(pool, 9i64, &v2).await.unwrap_err(),
        None::<&PlainNote>,
    );
}

/// `If-Unmodified-Since` has one-second precision, so no two states of a row may share a
/// second, and a write within second T is stamped after T (a client that sends the `Date` T of
/// its read is refused). Ten writes in a burst: ten distinct, increasing stamps, each after the
/// second it was made in.
async fn every_write_is_a_new_second_on(pool: &Pool) {
    let before = now_seconds();
    let mut note: Note = precond::sqlx::create(pool, 11i64, body("0")).await.unwrap();
    assert!(
        note.modified.0 > before,
        "a create within second {before} is stamped after it"
    );
    for n in 1..=10 {
        let second = now_seconds();
        let next: Note = precond::sqlx::update(pool, 11i64, &note, body(&n.to_string()))
            .await
            .unwrap();
        assert!(next.modified > note.modified, "{next:?} after {note:?}");
        assert!(
            next.modified.0 > second,
            "a write within second {second}: {next:?}"
        );
        note = next;
    }
    // The stored date ran ahead of the clock; the engine sees it as the current Last-Modified,
    // so any date a client can have read before these writes is stale.
    let validators = note.validators();
    let stamped = validators.last_modified().unwrap();
    assert!(stamped > SystemTime::now() + Duration::from_secs(5));
}

// Each case is a `#[tokio::test]` against a fresh database (`fresh`, the including module's).

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_update_delete() {
    create_update_delete_on(&fresh().await.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_version_gets_the_winners_validators() {
    a_stale_version_gets_the_winners_validators_on(&fresh().await.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_holding_one_version_one_wins() {
    concurrent_writers_holding_one_version_one_wins_on(&fresh().await.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_then_plain_update_loses_updates() {
    a_check_then_plain_update_loses_updates_on(&fresh().await.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_one_wins() {
    concurrent_creates_one_wins_on(&fresh().await.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tombstones_continue_the_version() {
    tombstones_continue_the_version_on(&fresh().await.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_deletes_delete() {
    plain_deletes_delete_on(&fresh().await.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_a_new_second() {
    every_write_is_a_new_second_on(&fresh().await.pool).await;
}
