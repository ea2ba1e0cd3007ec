//! Expands one query body once per engine. Inside the body, the named binding is the engine's pool or
//! connection, so `sqlx::query_as::<_, Row>(SQL).bind(x).fetch_one(p)` type-checks for both.

macro_rules! on_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::pool::Db::Sqlite($p, _) => $body,
            $crate::pool::Db::Postgres($p, _) => $body,
        }
    };
}

macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::pool::Tx::Sqlite(t, _) => {
                let $c = &mut **t;
                $body
            }
            $crate::pool::Tx::Postgres(t, _) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
