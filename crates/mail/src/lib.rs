//! parindex e-mail: the invitation and reminder messages (Vietnamese, plain text and HTML), the
//! transports (SMTP through lettre with pooled connections, or `.eml` files in a folder when no SMTP
//! server is configured), and the worker that drains the durable outbox.

pub mod message;
pub mod relay;
pub mod transport;
pub mod worker;

pub use message::UnitMail;
pub use transport::Transport;
pub use worker::{Worker, WorkerSettings};
