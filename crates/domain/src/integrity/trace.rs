//! One submitted response as the checks see it, built from the paradata the survey pages record
//! (salted hashes only) and the answers, each as the position of the chosen option.

use crate::survey::answering::{PER_PAGE, page_range};
use crate::survey::paradata::event;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An answer position that means "not answered".
pub const NO_ANSWER: u8 = u8::MAX;

/// One paradata event of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    pub at: i64,
    pub kind: &'a str,
    pub page: i64,
    /// The respondent's browser session (salted hash; empty before Start).
    pub session: &'a str,
    /// The network address (salted hash).
    pub network: &'a str,
    /// A parindex account was signed in on the same browser.
    pub signed_in: bool,
}

/// Gives each distinct hash a small number (0 for "unknown") so that responses compare cheaply.
#[derive(Debug, Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
}

impl Interner {
    pub fn id(&mut self, value: &str) -> u32 {
        if value.is_empty() {
            return 0;
        }
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = u32::try_from(self.ids.len() + 1).unwrap_or(u32::MAX);
        self.ids.insert(value.to_string(), id);
        id
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseTrace {
    pub invitation_id: i64,
    pub unit_id: i64,
    pub group: String,
    pub completed_at: i64,
    /// Milliseconds from showing each page to saving it, in page order (0 when not seen).
    pub page_ms: Vec<u32>,
    /// The chosen option's position for each question, in questionnaire order.
    pub answers: Vec<u8>,
    /// The distinct browser sessions that started, saved or submitted this response.
    pub devices: Vec<u32>,
    /// The network the response was submitted from.
    pub submit_network: u32,
    /// Some step was taken in a browser where a parindex account (a unit officer) was signed in.
    pub officer_session: bool,
    /// The unit sent the invitation to another address before it was answered.
    #[serde(default)]
    pub readdressed: bool,
    /// How many answers chose the option worth the most points of their question.
    #[serde(default)]
    pub at_best: u32,
}

impl ResponseTrace {
    /// Builds the trace from the response's events (any order) and its answers.
    pub fn build(
        invitation_id: i64,
        unit_id: i64,
        group: &str,
        completed_at: i64,
        answers: Vec<u8>,
        events: &[Event<'_>],
        interner: &mut Interner,
    ) -> ResponseTrace {
        let pages = answers.len().div_ceil(PER_PAGE).max(1);
        let mut page_ms = vec![0u32; pages];
        let mut shown: Vec<Option<i64>> = vec![None; pages];
        let mut devices = Vec::new();
        let mut submit_network = 0;
        let mut officer_session = false;
        let mut readdressed = false;
        let mut order: Vec<&Event<'_>> = events.iter().collect();
        order.sort_by_key(|e| e.at);
        for e in order {
            let slot = usize::try_from(e.page - 1).ok().filter(|&p| p < pages);
            let answering = matches!(
                e.kind,
                event::STARTED | event::PAGE_SAVED | event::SUBMITTED
            );
            match (e.kind, slot) {
                (event::PAGE_SHOWN, Some(p)) => shown[p] = Some(e.at),
                (event::PAGE_SAVED, Some(p)) => {
                    if let Some(t) = shown[p].take() {
                        let ms = u32::try_from((e.at - t).max(0)).unwrap_or(u32::MAX);
                        page_ms[p] = page_ms[p].saturating_add(ms);
                    }
                }
                (event::SUBMITTED, _) => submit_network = interner.id(e.network),
                _ => {}
            }
            if answering {
                let d = interner.id(e.session);
                if d != 0 && !devices.contains(&d) {
                    devices.push(d);
                }
            }
            officer_session |= e.signed_in && e.kind != event::OPENED;
            readdressed |= e.kind == event::READDRESSED;
        }
        ResponseTrace {
            invitation_id,
            unit_id,
            group: group.to_string(),
            completed_at,
            page_ms,
            answers,
            devices,
            submit_network,
            officer_session,
            readdressed,
            at_best: 0,
        }
    }

    /// Counts the answers on their question's best option; `best` holds that option's position for
    /// each question ([`NO_ANSWER`] where no option carries points).
    pub fn with_best(mut self, best: &[u8]) -> ResponseTrace {
        self.at_best = self
            .answers
            .iter()
            .zip(best)
            .filter(|(a, b)| **a != NO_ANSWER && a == b)
            .count() as u32;
        self
    }

    /// The questions answered.
    pub fn answered(&self) -> usize {
        self.answers.iter().filter(|&&a| a != NO_ANSWER).count()
    }

    /// The number of questions on page `page` (0-based, as `page_ms` is indexed).
    pub fn items_on(&self, page: usize) -> usize {
        page_range(self.answers.len(), page + 1).len()
    }
}
