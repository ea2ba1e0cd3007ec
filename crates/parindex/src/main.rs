//! `parindex`: serve, migrate, backup, audit verify (and, with the `demo` feature, the demo and the
//! load test).

/// mimalloc instead of the system's malloc: allocation and freeing were about a tenth of the
/// server's samples on the respondent path, and with mimalloc that path completed about 6% more
/// respondents a second in alternating runs (docs/operations.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use parindex::serve::{self, Options};
use parindex::settings::Settings;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "parindex",
    version,
    about = "Public Administration Reform Index (Chỉ số CCHC), end to end"
)]
struct Cli {
    /// A TOML configuration file (PARINDEX_* environment variables override it).
    #[arg(long, global = true, env = "PARINDEX_CONFIG")]
    config: Option<PathBuf>,
    /// Folder for the SQLite database and local files.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Log as JSON lines.
    #[arg(long, global = true)]
    json_logs: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve {
        /// Address to listen on.
        #[arg(long)]
        listen: Option<String>,
        #[cfg(feature = "demo")]
        #[command(flatten)]
        demo: parindex::demo_serve::Args,
        /// Do not apply pending migrations at start-up (run `parindex migrate` yourself).
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply pending database migrations, once, then exit.
    Migrate,
    /// Back the database up to FILE while the server runs (SQLite: a consistent copy;
    /// PostgreSQL: pg_dump --format=custom).
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty data folder (SQLite) or an empty database (PostgreSQL), then
    /// check it: integrity and the audit chain.
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
    /// Copy the SQLite database into an empty PostgreSQL database, then check every table row by row
    /// and the audit chain. Stop the server first.
    CopyToPostgres {
        /// postgres://user:password@host/database
        #[arg(long)]
        to: String,
    },
    /// Criteria sets (bộ tiêu chí) as data.
    Framework {
        #[command(subcommand)]
        command: FrameworkCommand,
    },
    /// Survey questionnaires (phiếu khảo sát) as data.
    Questionnaire {
        #[command(subcommand)]
        command: QuestionnaireCommand,
    },
    /// Compute the index of a campaign from the database, store it as the draft and print the
    /// ranking of each level.
    Compute {
        /// The campaign's year, e.g. 2023.
        #[arg(long)]
        campaign: i64,
        /// Also publish the computed draft as the next version. Refused while units flagged for
        /// interference have no decision, unless --acknowledge-flags is given too.
        #[arg(long)]
        publish: bool,
        /// Publish although flagged units have no integrity decision yet; the audit log records
        /// which ones.
        #[arg(long, requires = "publish")]
        acknowledge_flags: bool,
        /// Instead of computing: recompute every published version from its stored inputs and list
        /// each figure that differs from what was published, and why (exit code 1 if any). Writes
        /// nothing.
        #[arg(long, conflicts_with = "publish")]
        recheck: bool,
        /// First recount every submitted response from its raw answers and check that the stored
        /// survey tallies equal the recount; if not, list the differences and stop (exit code 1).
        #[arg(long)]
        verify_tallies: bool,
        /// Language of the report: vi (default) or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// Interference detection.
    Integrity {
        #[command(subcommand)]
        command: IntegrityCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Campaigns (kỳ đánh giá).
    Campaign {
        #[command(subcommand)]
        command: CampaignCommand,
    },
    /// Accounts, from the server itself.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Load tests (scripts/load.sh runs these; built with the `demo` feature only).
    #[cfg(feature = "demo")]
    Loadtest {
        #[command(subcommand)]
        command: LoadtestCommand,
    },
}

#[cfg(feature = "demo")]
#[derive(Subcommand)]
enum LoadtestCommand {
    /// In an empty data folder: seed the demo campaign, give the units with empty lists about N
    /// respondents, open their survey, and write every respondent's visit as requests to FILE.
    Prepare {
        #[arg(long, default_value_t = 2000)]
        respondents: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// How many of the prepared respondents' submissions are stored.
    Report,
    /// Walk the prepared visits (FILE from `prepare`) against a running server over HTTP, CONCURRENCY
    /// respondents at a time, each with their own cookies; print completed respondents a second
    /// (a submission counts once confirmed), request and whole-path latency, and the CPU the
    /// server (SERVER_PID) and this client used.
    Run {
        #[arg(long)]
        visits: PathBuf,
        /// The server's address, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        base: String,
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
        /// Stop taking new respondents after this many seconds.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// The server's process id, to measure the cores it used.
        #[arg(long)]
        server_pid: Option<u32>,
    },
}

#[derive(Subcommand)]
enum FrameworkCommand {
    /// Validate a criteria-set file and print its counts; exit code 1 lists every problem.
    Check {
        file: PathBuf,
        /// Language of the report: vi (default) or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum QuestionnaireCommand {
    /// Validate a questionnaire file against the criteria set it feeds and the respondent groups;
    /// print its counts, or every problem (exit code 1).
    Check {
        file: PathBuf,
        /// The criteria-set file the questions feed.
        #[arg(long)]
        criteria: PathBuf,
        /// A respondent-groups file; the 2023 defaults when left out.
        #[arg(long)]
        groups: Option<PathBuf>,
        /// Language of the report: vi (default) or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum IntegrityCommand {
    /// Run interference detection on the campaign's submitted responses in the configured
    /// database (stored and audited like "Run detection now") and print the review queue: units by
    /// risk, flagged first (!), their main signals and the decision in force. Can be scheduled
    /// outside the server.
    Run {
        /// The campaign's year, e.g. 2023.
        #[arg(long)]
        campaign: i64,
        /// Language of the report: vi (default) or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// Simulate campaigns of national size (honest units, units whose officials are satisfied with
    /// everything, and units that interfere in five ways) and
    /// report recall and false flags by unit size and share of interfered links, and the time of one
    /// detection pass over 60,000 responses. Touches no database.
    Evaluate {
        /// Simulated campaigns per cell.
        #[arg(long, default_value_t = 2)]
        seeds: u64,
        /// Unit sizes (links per unit), comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "20,50,100,300,720")]
        sizes: Vec<usize>,
        /// Shares of each interfering unit's links that are interfered with, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "0.1,0.25,0.5,1")]
        shares: Vec<f64>,
        /// Language of the report: vi (default) or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum CampaignCommand {
    /// Create next year's campaign from an earlier one's set-up, in one transaction (docs/year-two.md).
    Copy {
        /// The year of the campaign to copy, e.g. 2023.
        #[arg(long)]
        from: i64,
        /// The new campaign's year, e.g. 2024.
        #[arg(long)]
        year: i64,
        /// Language of the report: vi (default) or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Remove an account's second factor when no administrator can sign in to do it from the
    /// accounts page (the last administrator lost their phone and recovery codes). The account sets
    /// it up again at its next login; its sessions end. Audited as done from the command line.
    ResetSecondFactor {
        /// The account's username, e.g. moha.admin.
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the keyed hash chain and report the first broken link, if any (exit code 1).
    Verify {
        /// A checkpoint to hold the chain to, as `SEQ:HASH` from the checkpoint e-mail: the entry
        /// SEQ must still carry HASH (repeatable).
        #[arg(long = "expect", value_name = "SEQ:HASH")]
        expect: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("parindex: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("parindex: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    if let Some(d) = cli.data_dir {
        settings.data_dir = d;
    }
    if cli.json_logs {
        settings.log_format = "json".into();
    }
    parindex::telemetry::init_logs(&settings.log_format);
    match cli.command.unwrap_or(Command::Serve {
        listen: None,
        #[cfg(feature = "demo")]
        demo: parindex::demo_serve::Args::default(),
        no_migrate: false,
    }) {
        Command::Serve {
            listen,
            #[cfg(feature = "demo")]
            demo,
            no_migrate,
        } => {
            if let Some(l) = listen {
                settings.listen = l;
            }
            serve::run(
                settings,
                Options {
                    migrate: !no_migrate,
                    #[cfg(feature = "demo")]
                    demo: demo.options()?,
                },
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let db = serve::open_db(&settings).await?;
            db.migrate().await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { out } => {
            println!("{}", parindex::backup::backup(&settings, &out).await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { from } => {
            println!("{}", parindex::backup::restore(&settings, &from).await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::CopyToPostgres { to } => {
            print!(
                "{}",
                parindex::backup::copy_to_postgres(&settings, &to).await?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Framework {
            command: FrameworkCommand::Check { file, lang },
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let (report, ok) = parindex::framework_report::report(&text, lang == "en");
            print!("{report}");
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Questionnaire {
            command:
                QuestionnaireCommand::Check {
                    file,
                    criteria,
                    groups,
                    lang,
                },
        } => {
            let read = |p: &PathBuf| {
                std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
            };
            let groups_text = groups.as_ref().map(read).transpose()?;
            let (report, ok) = parindex::questionnaire_report::report(
                &read(&file)?,
                &read(&criteria)?,
                groups_text.as_deref(),
                lang == "en",
            );
            print!("{report}");
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Compute {
            campaign,
            publish,
            acknowledge_flags,
            recheck,
            verify_tallies,
            lang,
        } => {
            let db = serve::open_db(&settings).await?;
            if verify_tallies {
                let out =
                    parindex::compute_report::verify_tallies(&db, campaign, lang == "en").await?;
                print!("{}", out.text);
                if !out.holds {
                    return Ok(ExitCode::from(1));
                }
            }
            if recheck {
                let out = parindex::recheck_report::run(&db, campaign, lang == "en").await?;
                print!("{}", out.text);
                return Ok(if out.differs {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                });
            }
            let now_ms = parindex_domain::Clock::now_ms(&parindex_domain::SystemClock);
            let publish = if publish {
                parindex::compute_report::Publish::Yes { acknowledge_flags }
            } else {
                parindex::compute_report::Publish::No
            };
            let out = parindex::compute_report::run(
                &db,
                campaign,
                publish,
                lang == "en",
                now_ms,
                &settings.bootstrap(),
            )
            .await?;
            print!("{}", out.text);
            Ok(if out.refused {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Integrity {
            command: IntegrityCommand::Run { campaign, lang },
        } => {
            let db = serve::open_db(&settings).await?;
            let now_ms = parindex_domain::Clock::now_ms(&parindex_domain::SystemClock);
            print!(
                "{}",
                parindex::integrity_report::run(&db, campaign, lang == "en", now_ms).await?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Integrity {
            command:
                IntegrityCommand::Evaluate {
                    seeds,
                    sizes,
                    shares,
                    lang,
                },
        } => {
            let o = parindex::integrity_report::Options {
                seeds: seeds.max(1),
                sizes,
                shares,
                en: lang == "en",
            };
            print!("{}", parindex::integrity_report::evaluate(&o)?);
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "demo")]
        Command::Loadtest {
            command: LoadtestCommand::Prepare { respondents, out },
        } => {
            let db = serve::open_db(&settings).await?;
            db.migrate().await?;
            let p = parindex::loadtest::prepare(&db, respondents, &out).await?;
            let sent = parindex::loadtest::send_invitations(&db, &settings).await?;
            println!(
                "prepared {} respondents in {} units: {} requests in {}; {} invitations sent",
                p.respondents,
                p.units,
                p.requests,
                out.display(),
                sent
            );
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "demo")]
        Command::Loadtest {
            command:
                LoadtestCommand::Run {
                    visits,
                    base,
                    concurrency,
                    seconds,
                    server_pid,
                },
        } => {
            let out = parindex::loadtest::drive::run(
                &base,
                &visits,
                concurrency,
                std::time::Duration::from_secs(seconds),
                server_pid,
            )
            .await?;
            print!("{}", out.report(concurrency));
            Ok(if out.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        #[cfg(feature = "demo")]
        Command::Loadtest {
            command: LoadtestCommand::Report,
        } => {
            let db = serve::open_db(&settings).await?;
            print!("{}", parindex::loadtest::report(&db).await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Campaign {
            command: CampaignCommand::Copy { from, year, lang },
        } => {
            print!(
                "{}",
                parindex::campaign_copy::command(&settings, from, year, &lang).await?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Account {
            command: AccountCommand::ResetSecondFactor { username },
        } => {
            let db = serve::open_db(&settings).await?;
            parindex_db::audit::check_key(&db).await?;
            let Some(user) = parindex_db::users::by_username(&db, username.trim()).await? else {
                anyhow::bail!("no account is named {username}");
            };
            let now = parindex_domain::Clock::now_ms(&parindex_domain::SystemClock);
            parindex_db::second_factors::reset(&db, &parindex_db::Ctx::system(now), user.id)
                .await
                .map_err(|e| match e {
                    parindex_db::DbError::Refused(_) => {
                        anyhow::anyhow!("{username} has no second factor to reset")
                    }
                    e => e.into(),
                })?;
            println!(
                "The second factor of {username} was removed; it is set up again at the next login."
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify { expect },
        } => {
            let db = serve::open_db(&settings).await?;
            let v = parindex_db::audit::verify(&db).await?;
            let (said, ok) = parindex::audit_report::verification(&v);
            println!("{said}");
            let mut ok = ok;
            for e in &expect {
                let (said, held) = parindex::audit_report::checkpoint(&db, e).await?;
                println!("{said}");
                ok &= held;
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
