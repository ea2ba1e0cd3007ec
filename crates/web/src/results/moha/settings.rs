//! MoHA's scoring settings form: parsed into the domain's settings, every field in error at once.

use super::*;
use parindex_domain::CampaignId;

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    pub averaging: String,
    pub weights: String,
    pub cancelled: String,
    pub rounding: String,
    pub tier_a: String,
    pub tier_b: String,
    pub tier_c: String,
    pub units_see_draft: Option<String>,
    /// Everything else: each group's weight, `weight_<code>`.
    #[serde(flatten)]
    pub per_group: HashMap<String, String>,
}

/// The weights typed one per group (`weight_<code>`), blank ones left out; `None` if none was
/// typed, `Some(Err)` if one is not a number.
fn group_weights_typed(f: &SettingsForm) -> Option<Result<String, ()>> {
    let mut pairs: Vec<(String, String)> = f
        .per_group
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(WEIGHT_PREFIX)?.to_string(), v.trim())))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    pairs.sort();
    if pairs.iter().any(|(_, v)| v.contains(['=', ';'])) {
        return Some(Err(()));
    }
    Some(Ok(pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")))
}

/// "hdnd=2; so=1" (or with commas between pairs and a decimal comma in values).
fn parse_weights(s: &str) -> Option<BTreeMap<String, Decimal>> {
    let mut out = BTreeMap::new();
    for pair in s
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (g, w) = pair.split_once('=')?;
        let w: Decimal = w.trim().replace(',', ".").parse().ok()?;
        if w.is_sign_negative() || g.trim().is_empty() {
            return None;
        }
        out.insert(g.trim().to_string(), w);
    }
    (!out.is_empty() && out.values().any(|w| !w.is_zero())).then_some(out)
}

/// The form as settings, or the fields in error with their message keys.
fn parse_settings(f: &SettingsForm) -> Result<ScoringSettings, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let averaging = match f.averaging.as_str() {
        "pooled" => GroupAveraging::Pooled,
        "weighted" => match match group_weights_typed(f) {
            Some(Ok(text)) => parse_weights(&text),
            Some(Err(())) => None,
            None => parse_weights(&f.weights),
        } {
            Some(w) => GroupAveraging::Weighted(w),
            None => {
                errors.push(("weights", "res-weights-invalid"));
                GroupAveraging::Equal
            }
        },
        _ => GroupAveraging::Equal,
    };
    let tiers = match (
        parse_percentage(&f.tier_a),
        parse_percentage(&f.tier_b),
        parse_percentage(&f.tier_c),
    ) {
        (Some(a), Some(b), Some(c)) if let Some(t) = TierBands::new(a, b, c) => t,
        _ => {
            errors.push(("tier_a", "res-tiers-invalid"));
            TierBands::default()
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ScoringSettings {
        averaging,
        cancelled_survey: if f.cancelled == "exclude" {
            CancelledSurvey::Exclude
        } else {
            CancelledSurvey::Zero
        },
        leaf_rounding: if f.rounding == "exact" {
            LeafRounding::Exact
        } else {
            LeafRounding::HalfUp
        },
        tiers,
    })
}

pub async fn save_settings(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let see = f.units_see_draft.as_deref() == Some("yes");
    match parse_settings(&f) {
        Ok(s) => {
            let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
            results::set_settings(&state.db, &ctx, campaign_id, &s, see).await?;
            Ok(Redirect::to(&format!(
                "/admin/campaigns/{campaign_id}/results?done=saved"
            ))
            .into_response())
        }
        Err(errors) => {
            let mut p = moha_page(&state, &meta, &admin, campaign_id, None).await?;
            let groups = parindex_db::respondents::groups(&state.db, campaign_id).await?;
            let typed = |code: &str| {
                f.per_group
                    .get(&format!("{WEIGHT_PREFIX}{code}"))
                    .cloned()
                    .unwrap_or_default()
            };
            p.settings = SettingsView {
                averaging: f.averaging.clone(),
                group_weights: group_weights(&groups, meta.lang, typed),
                cancelled: f.cancelled.clone(),
                rounding: f.rounding.clone(),
                tier_a: f.tier_a.clone(),
                tier_b: f.tier_b.clone(),
                tier_c: f.tier_c.clone(),
                units_see_draft: see,
            };
            for (field, key) in errors {
                p.page.error(field, key);
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
    }
}
