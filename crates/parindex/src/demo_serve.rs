//! What `serve --demo [--simulate]` and `serve --now` add to the server: the demo campaign, its
//! accounts printed at start-up, links pointing at the demo's own address, a simulated clock, and the
//! whole campaign run through the server's own pages. Built only with the `demo` feature, so a
//! production build carries none of it.

use parindex_db::Db;
use parindex_domain::Clock;
use std::net::SocketAddr;
use std::sync::Arc;

/// The demo's flags of `serve` (built with the `demo` feature only).
#[derive(clap::Args, Default)]
pub struct Args {
    /// Add the demo 2023 campaign with an account for every role, and run as of 10/12/2023.
    #[arg(long)]
    demo: bool,
    /// With --demo: run the whole campaign (lists, survey answered through the pages, self-assessments,
    /// SIPAS) to a published result.
    #[arg(long, requires = "demo")]
    simulate: bool,
    /// With --simulate: which units interfere, how and on which share of their links, e.g.
    /// "HPG=one-person:0.5,DNG=meeting-room:0.6" ("none" for an honest campaign). Ways:
    /// one-person, dictated, meeting-room, officer-session, dictated-best.
    #[arg(long, requires = "simulate")]
    interfere: Option<String>,
    /// Run on a simulated clock from this instant (RFC 3339, e.g. 2023-12-10T09:00:00+07:00).
    #[arg(long)]
    now: Option<String>,
    /// With --demo: 2025 rolls 2023 over to today's structure, both years run (illustrative figures).
    #[arg(long, requires = "demo", value_parser = ["2023", "2025"])]
    year: Option<String>,
}

impl Args {
    /// The flags as the server's demo options.
    pub fn options(self) -> anyhow::Result<Options> {
        let now = match self.now {
            Some(s) => Some(
                time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
                    .map_err(|e| anyhow::anyhow!("--now {s}: {e}"))?,
            ),
            None if self.demo => Some(crate::demo::DEMO_NOW),
            None => None,
        };
        Ok(Options {
            demo: self.demo,
            simulate: self.simulate,
            interference: self.interfere,
            now,
            year: self.year.and_then(|y| y.parse().ok()),
        })
    }
}

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
    /// With the demo: 2025 builds the 2025 campaign in today's structure from the 2023 one, and runs
    /// both to a published result (see [`crate::demo::year_2025`]). Anything else: the 2023 demo.
    pub year: Option<i64>,
}

/// The demo, ready once the database is: the server's clock, and what to start once it listens.
pub struct Prepared {
    pub clock: Arc<dyn Clock>,
    demo: bool,
    year_2025: bool,
    simulation: Option<(crate::simulate::Options, parindex_domain::SteerableClock)>,
}

impl Options {
    /// Chooses the server's clock and seeds the demo campaign (once) when asked to.
    pub async fn prepare(self, db: &Db) -> anyhow::Result<Prepared> {
        let year_2025 = self.demo && self.year == Some(crate::demo::year_2025::YEAR);
        // The 2025 demo's figures come from running both years.
        let simulate = self.simulate || year_2025;
        let sim_options = match (self.demo && simulate, &self.interference) {
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
            year_2025,
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
        let year = if self.year_2025 {
            crate::demo::year_2025::YEAR
        } else {
            crate::demo::DEMO_YEAR
        };
        if self.demo {
            print_logins(year);
        }
        if let Some((o, c)) = self.simulation {
            spawn_simulation(db, format!("http://{addr}"), c, o, self.year_2025);
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

/// The simulation, run through the server's own pages once it listens: the 2023 campaign, or with
/// `year_2025` the 2025 demo (the 2023 campaign widened and run, rolled over to today's structure,
/// and that run too).
fn spawn_simulation(
    db: Db,
    base: String,
    clock: parindex_domain::SteerableClock,
    opts: crate::simulate::Options,
    year_2025: bool,
) {
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        let steer = clock.clone();
        let set_time = move |ms: i64| steer.set_ms(ms);
        let now_ms = clock.now_ms();
        if year_2025 {
            println!(
                "building the 2025 demo: the 2023 campaign with the 63 provinces and 19 ministries and bodies run to a result, then rolled over to 34 provinces and 14 ministries and bodies and run too, respondents answering through {base} …"
            );
            match crate::demo::year_2025::run(&db, &base, now_ms, &opts, &set_time).await {
                Ok(Some(built)) => {
                    if let Some(s) = &built.before {
                        report(s, crate::demo::DEMO_YEAR, &base);
                    }
                    report(&built.after, crate::demo::year_2025::YEAR, &base);
                }
                Ok(None) => println!("the 2025 demo campaign is already there"),
                Err(e) => return eprintln!("building the 2025 demo failed: {e:#}"),
            }
        } else {
            println!(
                "simulating the 2023 campaign: opening every survey, respondents answering through {base} over {} days …",
                opts.days
            );
            let run = async {
                let campaign = parindex_db::campaigns::by_year(&db, crate::demo::DEMO_YEAR).await?;
                crate::simulate::run(&db, &base, &campaign, now_ms, &opts, &set_time).await
            };
            match run.await {
                Ok(s) => report(&s, crate::demo::DEMO_YEAR, &base),
                Err(e) => return eprintln!("simulation failed: {e:#}"),
            }
        }
        println!(
            "simulation done in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    });
}

/// What a simulated campaign came to.
fn report(s: &crate::simulate::Summary, year: i64, base: &str) {
    println!(
        "{year}: interference detection flagged [{}], interfering [{}]: precision {:.0}%, recall {:.0}%, {} of {} honest units flagged ({} requests, {} server errors)",
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
        "{year}: {} of {} respondents answered; results published as version {} at {base}/results/{year}",
        s.answered, s.invited, s.version,
    );
}

fn print_logins(year: i64) {
    println!(
        "\nDemo accounts of {year} (password for all: {}):",
        crate::demo::DEMO_PASSWORD
    );
    for l in crate::demo::logins_in(year) {
        let unit = if l.unit.is_empty() {
            "MoHA".to_string()
        } else {
            l.unit.clone()
        };
        println!("  {:<18} {:<16} {}", l.username, l.role.as_str(), unit);
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
