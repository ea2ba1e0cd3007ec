//! Carries out a behaviour-model plan through the server's real pages: every step of every link, in
//! time order, with the server's clock moved to the step's instant first. Each simulated browser is
//! its own HTTP client (its own cookies and user agent) bound to a loopback address of its own
//! network (127.a.b.c), so the server records sessions and addresses exactly as it would for real
//! respondents. A browser where a unit officer is signed in logs in first with the officer's account.

use parindex_domain::integrity::model::{Action, CampaignPlan};
use parindex_domain::survey::QuestionnaireSet;
use parindex_domain::survey::answering;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

/// One link the plan refers to by index: its token, and its questionnaires.
pub struct LinkRef {
    pub token: String,
    pub set: Arc<QuestionnaireSet>,
}

/// The loopback address of a network (never 127.0.0.1, which the server itself uses).
pub fn address(network: u32) -> IpAddr {
    let a = 10 + (network / 62_500) % 200;
    let b = (network / 250) % 250 + 1;
    let c = network % 250 + 2;
    IpAddr::V4(Ipv4Addr::new(127, a as u8, b as u8, c as u8))
}

pub struct Outcome {
    pub requests: usize,
    pub submitted: usize,
    /// Requests the server answered with a 5xx.
    pub errors: usize,
}

/// Runs `plan` against `base`. `officers` gives, for a unit id, the account an officer signs in with;
/// `set_time` moves the server's clock.
pub async fn execute(
    plan: &CampaignPlan,
    links: &[LinkRef],
    base: &str,
    officers: &HashMap<i64, (String, String)>,
    set_time: &(dyn Fn(i64) + Send + Sync),
) -> anyhow::Result<Outcome> {
    let mut clients: HashMap<usize, reqwest::Client> = HashMap::new();
    let mut out = Outcome {
        requests: 0,
        submitted: 0,
        errors: 0,
    };
    for step in &plan.steps {
        let (Some(link), Some(lp)) = (links.get(step.link), plan.links.get(step.link)) else {
            continue;
        };
        set_time(step.at);
        let device = plan.devices.get(step.device).copied();
        let client = match clients.get(&step.device) {
            Some(c) => c.clone(),
            None => {
                let net = device.map(|d| d.network).unwrap_or(0);
                let c = reqwest::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(format!(
                        "Mozilla/5.0 (simulated browser {}) parindex-demo",
                        step.device % 40
                    ))
                    .local_address(address(net))
                    .build()?;
                if device.is_some_and(|d| d.officer)
                    && let Some((user, password)) = officers.get(&lp.unit_id)
                {
                    c.post(format!("{base}/login"))
                        .form(&[
                            ("username", user.as_str()),
                            ("password", password),
                            ("next", "/"),
                        ])
                        .send()
                        .await?;
                }
                clients.insert(step.device, c.clone());
                c
            }
        };
        let url = format!("{base}/s/{}", link.token);
        let r = match step.action {
            Action::Open => client.get(&url).send().await?,
            Action::Start => post(&client, base, format!("{url}/start"), Vec::new()).await?,
            Action::ShowPage(p) => client.get(format!("{url}/page/{p}")).send().await?,
            Action::SavePage(p) => {
                let form = page_form(&link.set, &lp.group, &lp.answers, p);
                post(&client, base, format!("{url}/page/{p}"), form).await?
            }
            Action::ShowCheck => client.get(format!("{url}/check")).send().await?,
            Action::Submit => {
                let r = post(&client, base, format!("{url}/submit"), Vec::new()).await?;
                if r.status().is_success() || r.status().is_redirection() {
                    out.submitted += 1;
                }
                r
            }
        };
        out.requests += 1;
        if r.status().is_server_error() {
            out.errors += 1;
        }
    }
    Ok(out)
}

fn post(
    client: &reqwest::Client,
    base: &str,
    url: String,
    form: Vec<(String, String)>,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
    client.post(url).header("origin", base).form(&form).send()
}

/// The page's answers as the form posts them: `q_{code}` = the option key at the planned position.
fn page_form(
    set: &QuestionnaireSet,
    group: &str,
    answers: &[u8],
    page: usize,
) -> Vec<(String, String)> {
    let Some(qn) = set.for_group(group) else {
        return Vec::new();
    };
    let range = answering::page_range(qn.questions.len(), page);
    answering::page(qn, page)
        .iter()
        .zip(range)
        .filter_map(|(q, i)| {
            let pos = usize::from(*answers.get(i)?);
            let o = set.options(q).get(pos)?;
            Some((answering::field_name(&q.code), o.key.clone()))
        })
        .collect()
}
