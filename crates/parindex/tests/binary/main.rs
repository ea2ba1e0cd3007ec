//! The real `parindex` binary, run as a process: the command line, backups and the move to
//! PostgreSQL, the deployment files, crash safety under `kill -9`, dependency faults, two servers
//! behind nginx, and evidence on S3-compatible storage. One test binary, so the application is
//! linked once; run one part with a filter, for example
//! `cargo test -p parindex --test binary -- crash:: --nocapture`.

#![allow(clippy::unwrap_used)]

mod backup;
mod cli;
mod crash;
mod deploy;
mod faults;
mod s3;
mod servers;
