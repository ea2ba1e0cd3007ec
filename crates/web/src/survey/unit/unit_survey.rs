//! One unit's survey as its progress page and its export of who has not answered need it, loaded
//! in one call: the unit with its campaign and deadlines, its respondent groups, the counts per
//! group and organisation, when each response came in, who is still pending, and MoHA's decision.
//! Never an answer.

use crate::error::AppResult;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::unit_context::UnitContext;
use parindex_db::integrity::Decision;
use parindex_db::survey_progress::{self, Counts, Pending, ProgressRow};
use parindex_db::{respondents, survey};
use parindex_domain::DeadlineKind;
use parindex_domain::UnitId;
use parindex_domain::respondents::Group;
use parindex_domain::survey::ReminderPolicy;

pub(super) struct UnitSurvey {
    pub(super) uc: UnitContext,
    /// The groups of the unit's level, in the campaign's order.
    pub(super) groups: Vec<Group>,
    /// Counts per group and organisation.
    pub(super) rows: Vec<ProgressRow>,
    /// When each response was submitted (ms), oldest first.
    pub(super) completions: Vec<i64>,
    pub(super) pending: Vec<Pending>,
    pub(super) opened_at: Option<i64>,
    /// MoHA's decision in force on the unit's survey.
    pub(super) decision: Option<Decision>,
    /// Whether the survey still takes answers now (its deadline, with any extension).
    pub(super) answers_open: bool,
}

impl UnitSurvey {
    #[tracing::instrument(name = "unit_survey::load", skip(state))]
    pub(super) async fn load(state: &AppState, unit_id: UnitId) -> AppResult<UnitSurvey> {
        let uc = UnitContext::load(state, unit_id).await?;
        let groups = respondents::groups(&state.db, uc.campaign.id)
            .await?
            .for_level(uc.unit.level.as_str())
            .to_vec();
        let answers_open = uc
            .ensure_open(DeadlineKind::SurveyAnswers, state.clock.now())
            .is_ok();
        Ok(UnitSurvey {
            groups,
            rows: survey_progress::by_group(&state.db, unit_id).await?,
            completions: survey_progress::completion_times(&state.db, unit_id).await?,
            pending: survey_progress::pending(&state.db, unit_id).await?,
            opened_at: survey::opened_at(&state.db, unit_id).await?,
            decision: parindex_db::integrity::in_force(&state.db, uc.unit.campaign_id, unit_id)
                .await?,
            answers_open,
            uc,
        })
    }

    /// A group's name in `lang`, or its code if the campaign no longer has it.
    pub(super) fn group_name(&self, lang: Lang, code: &str) -> String {
        crate::ui::group_name::group_name(lang, &self.groups, code)
    }

    /// Each group's counts over its organisations, in the groups' order.
    pub(super) fn by_group(&self) -> Vec<(&Group, Counts)> {
        self.groups
            .iter()
            .map(|g| {
                let of = self.rows.iter().filter(|r| r.group_code == g.code);
                (g, Counts::total(of.map(|r| &r.counts)))
            })
            .collect()
    }

    /// The organisations' rows in the groups' own order, then by organisation the Vietnamese way.
    pub(super) fn organisations(&self) -> Vec<&ProgressRow> {
        let rank = |code: &str| {
            self.groups
                .iter()
                .position(|g| g.code == code)
                .unwrap_or(usize::MAX)
        };
        let mut ordered: Vec<&ProgressRow> = self.rows.iter().collect();
        ordered.sort_by(|a, b| {
            rank(&a.group_code).cmp(&rank(&b.group_code)).then_with(|| {
                parindex_domain::text::compare_titles(&a.organisation, &b.organisation)
            })
        });
        ordered
    }

    pub(super) fn total(&self) -> Counts {
        Counts::total(self.rows.iter().map(|r| &r.counts))
    }

    /// How many pending respondents the reminder policy says are due for a reminder at `now_ms`.
    pub(super) fn due_reminders(&self, policy: ReminderPolicy, now_ms: i64) -> usize {
        self.pending
            .iter()
            .filter(|p| policy.due(p.reminder(), now_ms))
            .count()
    }
}
