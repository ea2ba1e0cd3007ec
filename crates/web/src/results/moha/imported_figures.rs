//! Imported figures (SIPAS and the like): the template to fill and the upload, all or nothing.

use super::*;
use parindex_domain::CampaignId;
use parindex_domain::UnitId;

/// unit code → the imported items of its level's criteria set.
pub(super) async fn items_by_unit(
    state: &AppState,
    campaign_id: CampaignId,
    all_units: &[units::Unit],
) -> AppResult<HashMap<String, HashSet<String>>> {
    let mut by_level: HashMap<Level, HashSet<String>> = HashMap::new();
    for (level, stored) in criteria_sets::pinned(&state.db, campaign_id).await? {
        let tree = state.criteria_tree(stored.id).await?;
        by_level.insert(
            level,
            tree.leaves()
                .into_iter()
                .filter(|l| l.method == Some(Method::Imported))
                .map(|l| l.code.clone())
                .collect(),
        );
    }
    Ok(all_units
        .iter()
        .map(|u| {
            let items = by_level.get(&u.level).cloned().unwrap_or_default();
            (u.code.clone(), items)
        })
        .collect())
}

pub async fn import_figures(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    mp: Multipart,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let bytes = crate::ui::upload::file_field(mp, "file").await?;
    let all_units = units::list(&state.db, campaign_id).await?;
    let items = items_by_unit(&state, campaign_id, &all_units).await?;
    let lang = meta.lang;
    let problems: Vec<String> = match figures::parse(&bytes, &items) {
        Ok(rows) => {
            let ids: HashMap<&str, UnitId> =
                all_units.iter().map(|u| (u.code.as_str(), u.id)).collect();
            let stored: Vec<(UnitId, String, Decimal, String)> = rows
                .into_iter()
                .filter_map(|f| {
                    ids.get(f.unit_code.as_str())
                        .map(|id| (*id, f.leaf_code, f.value, f.source))
                })
                .collect();
            let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
            results::store_imported(&state.db, &ctx, campaign_id, &stored).await?;
            return Ok(Redirect::to(&format!(
                "/admin/campaigns/{campaign_id}/results?done=figures-imported"
            ))
            .into_response());
        }
        Err(FiguresError::File(e)) => vec![lang.t(e.message_key())],
        Err(FiguresError::Rows(rows)) => rows
            .iter()
            .map(|p| {
                lang.t_args(
                    "fig-row-problem",
                    &[
                        ("row", p.row.to_string()),
                        ("column", p.column.to_string()),
                        ("reason", lang.t(p.key)),
                    ],
                )
            })
            .collect(),
    };
    let mut p = moha_page(&state, &meta, &admin, campaign_id, None).await?;
    p.page.error("file", "fig-import-failed");
    p.figure_problems = problems;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
}

pub async fn figures_template(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(_user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
) -> AppResult<Response> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let all_units = units::list(&state.db, campaign_id).await?;
    let items = items_by_unit(&state, campaign_id, &all_units).await?;
    let current: HashMap<(UnitId, String), (Decimal, String)> =
        results::imported_figures(&state.db, campaign_id)
            .await?
            .into_iter()
            .map(|f| ((f.unit_id, f.leaf_code), (f.value, f.source)))
            .collect();
    let mut rows = Vec::new();
    for u in &all_units {
        let mut leaves: Vec<&String> = items
            .get(&u.code)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        leaves.sort();
        for leaf in leaves {
            let cur = current.get(&(u.id, leaf.clone()));
            rows.push((
                u.code.clone(),
                u.short_name.clone(),
                leaf.clone(),
                cur.map(|c| c.0),
                cur.map(|c| c.1.clone()).unwrap_or_default(),
            ));
        }
    }
    let lang = meta.lang;
    let headers: Vec<String> = lang.t_each(&[
        "fig-col-unit",
        "fig-col-item",
        "fig-col-value",
        "fig-col-source",
        "fig-col-name",
    ]);
    let bytes = figures::template(&lang.t("fig-sheet"), &headers, &rows)
        .map_err(|e| AppError::internal("building the figures template", e))?;
    Ok(xlsx(&format!("so-lieu-nhap-{}.xlsx", campaign.year), bytes))
}
