//! A behaviour model of respondents, for simulations: honest officials answer at their own pace, day
//! and place, from their own browsers; chosen units interfere in one of five ways. The model only
//! plans (who does what, when, from which browser and network); a simulator carries the plan out,
//! either through the real HTTP pages or, for campaigns of national size, straight into traces.

use super::trace::{Event, Interner, ResponseTrace};
use crate::survey::QuestionnaireSet;
use crate::survey::answering::{PER_PAGE, page_range};
use crate::survey::paradata::event;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use crate::rng::Rng;

/// The ways a unit may interfere with its respondents' answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interference {
    /// One person answers many links, one after another, in one browser.
    OnePerson,
    /// Everyone answers on their own, but the answers were dictated to them.
    Dictated,
    /// A meeting room answers together on one network, within minutes.
    MeetingRoom,
    /// A unit officer answers links in the browser where the unit's account is signed in.
    OfficerSession,
    /// The unit tells its officials to tick the best option on every question: each answers on
    /// their own browser and network, within hours of the instruction, most without reading.
    DictatedBest,
}

impl Interference {
    pub const ALL: [Interference; 5] = [
        Interference::OnePerson,
        Interference::Dictated,
        Interference::MeetingRoom,
        Interference::OfficerSession,
        Interference::DictatedBest,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Interference::OnePerson => "one-person",
            Interference::Dictated => "dictated",
            Interference::MeetingRoom => "meeting-room",
            Interference::OfficerSession => "officer-session",
            Interference::DictatedBest => "dictated-best",
        }
    }

    pub fn parse(s: &str) -> Option<Interference> {
        Self::ALL.into_iter().find(|i| i.code() == s)
    }
}

/// For each respondent group, each question's options as their point fractions in order (`None` for
/// "don't know").
#[derive(Debug, Clone, Default)]
pub struct Shape(pub HashMap<String, Vec<Vec<Option<f64>>>>);

impl Shape {
    pub fn from_set(set: &QuestionnaireSet) -> Shape {
        Shape(
            set.questionnaires
                .iter()
                .map(|qn| {
                    let qs = qn
                        .questions
                        .iter()
                        .map(|q| {
                            set.options(q)
                                .iter()
                                .map(|o| {
                                    if o.dont_know {
                                        None
                                    } else {
                                        o.fraction.and_then(|f| f.to_string().parse().ok())
                                    }
                                })
                                .collect()
                        })
                        .collect();
                    (qn.group.clone(), qs)
                })
                .collect(),
        )
    }
}

impl Shape {
    /// For each question of `group`'s questionnaire, the position of the option worth the most
    /// points (the first of equals; [`NO_ANSWER`](super::NO_ANSWER) when none carries points).
    pub fn best(&self, group: &str) -> Vec<u8> {
        self.0
            .get(group)
            .map(|qs| qs.iter().map(|opts| best_of(opts)).collect())
            .unwrap_or_default()
    }
}

fn best_of(options: &[Option<f64>]) -> u8 {
    let mut best: Option<(usize, f64)> = None;
    for (i, f) in options.iter().enumerate() {
        if let Some(f) = *f
            && best.is_none_or(|(_, b)| f > b)
        {
            best = Some((i, f));
        }
    }
    best.and_then(|(i, _)| u8::try_from(i).ok())
        .unwrap_or(super::NO_ANSWER)
}

/// One unit to simulate: its links (an id and the respondent's group), how well it does, and whether
/// and how it interferes, on which share of its links.
#[derive(Debug, Clone)]
pub struct UnitSpec {
    pub unit_id: i64,
    /// The level whose questionnaires its respondents answer (a key of the shapes).
    pub level: String,
    pub links: Vec<(i64, String)>,
    pub quality: f64,
    pub interference: Option<(Interference, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Open,
    Start,
    ShowPage(usize),
    SavePage(usize),
    ShowCheck,
    Submit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub at: i64,
    /// Index into [`CampaignPlan::links`].
    pub link: usize,
    /// Index into [`CampaignPlan::devices`].
    pub device: usize,
    pub action: Action,
}

/// A browser: the network it is on, and whether a unit officer is signed in on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub network: u32,
    pub officer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPlan {
    pub id: i64,
    pub unit_id: i64,
    pub group: String,
    /// The option position chosen for each question.
    pub answers: Vec<u8>,
    /// The best option's position for each question.
    pub best: Vec<u8>,
    pub interfered: bool,
    /// Submitted by the end of the plan.
    pub answered: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CampaignPlan {
    pub links: Vec<LinkPlan>,
    pub devices: Vec<Device>,
    /// Every step of every link, in time order.
    pub steps: Vec<Step>,
    /// The units that interfere.
    pub interfering: BTreeSet<i64>,
}

/// The traces the survey pages would record for the plan's submitted links, without HTTP: what
/// campaigns of national size are measured with.
pub fn traces(plan: &CampaignPlan) -> Vec<ResponseTrace> {
    let mut by_link: HashMap<usize, Vec<(i64, &'static str, i64, usize)>> = HashMap::new();
    for s in &plan.steps {
        let (kind, page) = match s.action {
            Action::Open => (event::OPENED, 0),
            Action::Start => (event::STARTED, 0),
            Action::ShowPage(p) => (event::PAGE_SHOWN, p as i64),
            Action::SavePage(p) => (event::PAGE_SAVED, p as i64),
            Action::ShowCheck => (event::CHECK_SHOWN, 0),
            Action::Submit => (event::SUBMITTED, 0),
        };
        by_link
            .entry(s.link)
            .or_default()
            .push((s.at, kind, page, s.device));
    }
    let mut interner = Interner::default();
    let mut out = Vec::new();
    for (i, link) in plan.links.iter().enumerate() {
        let Some(steps) = by_link.get(&i).filter(|_| link.answered) else {
            continue;
        };
        let names: Vec<(String, String)> = steps
            .iter()
            .map(|(_, _, _, d)| {
                let net = plan.devices.get(*d).map(|x| x.network).unwrap_or(0);
                (format!("d{d}"), format!("n{net}"))
            })
            .collect();
        let events: Vec<Event<'_>> = steps
            .iter()
            .zip(&names)
            .map(|((at, kind, page, d), (session, network))| Event {
                at: *at,
                kind,
                page: *page,
                session,
                network,
                signed_in: plan.devices.get(*d).is_some_and(|x| x.officer),
            })
            .collect();
        let completed = steps
            .iter()
            .filter(|s| s.1 == event::SUBMITTED)
            .map(|s| s.0)
            .max()
            .unwrap_or(0);
        out.push(
            ResponseTrace::build(
                link.id,
                link.unit_id,
                &link.group,
                completed,
                link.answers.clone(),
                &events,
                &mut interner,
            )
            .with_best(&link.best),
        );
    }
    out
}

mod planner;
pub use planner::plan;
