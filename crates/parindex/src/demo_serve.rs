//! What `serve --demo [--simulate]` and `serve --now` add to the server: the demo campaign, its
//! accounts printed at start-up, links pointing at the demo's own address, a simulated clock, and the
//! whole campaign run through the server's own pages. Built only with the `demo` feature, so a
//! production build carries none of it.

use parindex_db::Db;
use parindex_domain::Clock;
use std::net::SocketAddr;
use std::sync::Arc;

/// The demo's options, as `serve` was given them.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub demo: bool,
    /// With the demo: run the whole campaign to a published result through the server's own pages.
    pub simulate: bool,
    /// With the simulation: which units interfere (`CODE=way:share,…`), or the demo's default.
    pub interference: Option<String>,
    /// Run on a simulated clock starting at this instant (demos, training).
    pub now: Option<time::OffsetDateTime>,
}

/// The demo, ready once the database is: the server's clock, and what to start once it listens.
pub struct Prepared {
    pub clock: Arc<dyn Clock>,
    demo: bool,
    simulation: Option<(crate::simulate::Options, parindex_domain::SteerableClock)>,
}

impl Options {
    /// Chooses the server's clock and seeds the demo campaign (once) when asked to.
    pub async fn prepare(self, db: &Db) -> anyhow::Result<Prepared> {
        let sim_options = match (self.demo && self.simulate, &self.interference) {
            (false, _) => None,
            (true, None) => Some(crate::simulate::Options::default()),
            (true, Some(spec)) => Some(crate::simulate::Options {
                interference: crate::simulate::parse_interference(spec)?,
                ..crate::simulate::Options::default()
            }),
        };
        // The simulation moves the server's clock through the survey's days.
        let steer = sim_options.as_ref().map(|_| {
            parindex_domain::SteerableClock::starting_at(
                self.now.unwrap_or_else(time::OffsetDateTime::now_utc),
            )
        });
        let clock: Arc<dyn Clock> = match (&steer, self.now) {
            (Some(c), _) => Arc::new(c.clone()),
            (None, Some(t)) => Arc::new(parindex_domain::ShiftedClock::starting_at(t)),
            (None, None) => Arc::new(parindex_domain::SystemClock),
        };
        if self.demo && crate::demo::seed(db, clock.now_ms()).await? {
            tracing::info!("demo campaign {} created", crate::demo::DEMO_YEAR);
        }
        Ok(Prepared {
            clock,
            demo: self.demo,
            simulation: sim_options.zip(steer),
        })
    }
}

impl Prepared {
    /// The demo's links point at the address it listens on, unless `public_origin` is set.
    pub fn with_origin(
        &self,
        mut web: parindex_web::WebConfig,
        addr: SocketAddr,
    ) -> parindex_web::WebConfig {
        if self.demo && web.public_origin.is_none() {
            web.public_origin = Some(demo_origin(addr));
        }
        web
    }

    /// Once the server listens: prints the demo's accounts and starts the simulation, if asked.
    pub fn started(self, db: Db, addr: SocketAddr) {
        if self.demo {
            print_logins();
        }
        if let Some((o, c)) = self.simulation {
            spawn_simulation(db, format!("http://{addr}"), c, o);
        }
    }
}

/// `http://` and the address the demo listens on (the loopback address when it listens on all).
fn demo_origin(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    format!("http://{addr}")
}

/// The whole demo campaign, run through the server's own pages once it listens.
fn spawn_simulation(
    db: Db,
    base: String,
    clock: parindex_domain::SteerableClock,
    opts: crate::simulate::Options,
) {
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        println!(
            "simulating the 2023 campaign: opening every survey, respondents answering through {base} over {} days …",
            opts.days
        );
        let now_ms = clock.now_ms();
        let steer = clock.clone();
        let set_time = move |ms: i64| steer.set_ms(ms);
        match crate::simulate::run(&db, &base, now_ms, &opts, &set_time).await {
            Ok(s) => {
                println!(
                    "interference detection: flagged [{}], interfering [{}]: precision {:.0}%, recall {:.0}%, {} of {} honest units flagged ({} requests, {} server errors)",
                    s.flagged.join(", "),
                    s.interfering.join(", "),
                    s.score.precision() * 100.0,
                    s.score.recall() * 100.0,
                    s.score.false_flags,
                    s.score.units - s.score.interfering,
                    s.requests,
                    s.errors
                );
                println!(
                    "simulation done in {:.1} s: {} of {} respondents answered; results published as version {} at {base}/results/{}",
                    started.elapsed().as_secs_f64(),
                    s.answered,
                    s.invited,
                    s.version,
                    crate::demo::DEMO_YEAR
                )
            }
            Err(e) => eprintln!("simulation failed: {e:#}"),
        }
    });
}

fn print_logins() {
    println!(
        "\nDemo accounts (password for all: {}):",
        crate::demo::DEMO_PASSWORD
    );
    for l in crate::demo::logins() {
        let unit = if l.unit.is_empty() {
            "MoHA".to_string()
        } else {
            l.unit.clone()
        };
        println!("  {:<16} {:<16} {}", l.username, l.role.as_str(), unit);
    }
    println!("\nMoHA accounts also ask for a code from an authenticator app; add these to one:");
    for l in crate::demo::logins() {
        if parindex_domain::second_factor::required(l.role) {
            println!(
                "  {:<16} {}",
                l.username,
                crate::demo::second_factor(&l.username).otpauth_uri(&l.username)
            );
        }
    }
    println!();
}
