//! The planner: who answers what, when, and from which browser and network, honest or not.

use super::*;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Colleagues behind one office network.
const OFFICE: usize = 25;

struct Planner<'a> {
    rng: Rng,
    shapes: &'a BTreeMap<String, Shape>,
    shape: Shape,
    start: i64,
    days: i64,
    plan: CampaignPlan,
    networks: u32,
}

impl Planner<'_> {
    fn network(&mut self) -> u32 {
        self.networks += 1;
        self.networks
    }

    fn device(&mut self, network: u32, officer: bool) -> usize {
        self.plan.devices.push(Device { network, officer });
        self.plan.devices.len() - 1
    }

    fn questions(&self, group: &str) -> &[Vec<Option<f64>>] {
        self.shape.0.get(group).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The option nearest to `target` among those with points.
    fn nearest(options: &[Option<f64>], target: f64) -> u8 {
        options
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.map(|f| ((f - target).abs(), i)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|x| u8::try_from(x.1).unwrap_or(0))
            .unwrap_or(0)
    }

    /// An honest respondent's answers: near the unit's quality with personal noise, "don't know" now
    /// and then.
    fn honest_answers(&mut self, group: &str, quality: f64) -> Vec<u8> {
        let qs = self.questions(group).to_vec();
        let lean = self.rng.normal() * 0.12;
        qs.iter()
            .map(|opts| {
                let dk = opts.iter().position(Option::is_none);
                if let Some(dk) = dk
                    && self.rng.unit() < 0.06
                {
                    return u8::try_from(dk).unwrap_or(0);
                }
                let target = (quality + lean + (self.rng.unit() - 0.5) * 0.5).clamp(0.0, 1.0);
                Self::nearest(opts, target)
            })
            .collect()
    }

    /// `base` with each answer replaced by a random option with probability `p`.
    fn perturb(&mut self, group: &str, base: &[u8], p: f64) -> Vec<u8> {
        let qs = self.questions(group).to_vec();
        base.iter()
            .zip(&qs)
            .map(|(&a, opts)| {
                if self.rng.unit() < p {
                    u8::try_from(self.rng.range(0, opts.len() as i64)).unwrap_or(a)
                } else {
                    a
                }
            })
            .collect()
    }

    /// A moment on `day` during office hours (or, now and then, the evening).
    fn moment(&mut self, day: i64) -> i64 {
        let base = self.start + day * DAY;
        if self.rng.unit() < 0.15 {
            base + 10 * HOUR + self.rng.range(0, 3 * HOUR)
        } else {
            base + self.rng.range(0, 8 * HOUR)
        }
    }

    /// The day an honest respondent answers: most soon after the invitation, more after a reminder.
    fn honest_day(&mut self) -> i64 {
        const WEIGHTS: [f64; 10] = [0.3, 0.17, 0.1, 0.14, 0.08, 0.06, 0.05, 0.04, 0.03, 0.03];
        let days = usize::try_from(self.days)
            .unwrap_or(1)
            .clamp(1, WEIGHTS.len());
        let total: f64 = WEIGHTS[..days].iter().sum();
        let mut x = self.rng.unit() * total;
        for (d, w) in WEIGHTS[..days].iter().enumerate() {
            if x < *w {
                return d as i64;
            }
            x -= w;
        }
        0
    }

    /// Milliseconds per question for an honest respondent.
    fn honest_pace(&mut self) -> f64 {
        if self.rng.unit() < 0.03 {
            1_300.0 + self.rng.unit() * 500.0
        } else {
            (6_500f64.ln() + 0.45 * self.rng.normal()).exp()
        }
    }

    /// Plans one link's answering from `at`: open, start, every page shown then saved, the check
    /// page, submit. Pages from `switch_at` on are answered on `second` (a second browser, hours
    /// later). Returns when the respondent is done.
    fn answer(
        &mut self,
        link: usize,
        device: usize,
        mut at: i64,
        pace: f64,
        second: Option<(usize, usize)>,
    ) -> i64 {
        let n = self.plan.links[link].answers.len();
        let pages = n.div_ceil(PER_PAGE).max(1);
        let push = |plan: &mut CampaignPlan, at: i64, device: usize, action: Action| {
            plan.steps.push(Step {
                at,
                link,
                device,
                action,
            })
        };
        push(&mut self.plan, at, device, Action::Open);
        at += self.rng.range(5_000, 90_000);
        push(&mut self.plan, at, device, Action::Start);
        let mut dev = device;
        for p in 1..=pages {
            if let Some((from, d2)) = second
                && p == from
            {
                dev = d2;
                at += self.rng.range(2 * HOUR, 6 * HOUR);
                push(&mut self.plan, at, dev, Action::Open);
                at += self.rng.range(3_000, 20_000);
            }
            at += self.rng.range(500, 2_500);
            push(&mut self.plan, at, dev, Action::ShowPage(p));
            let items = page_range(n, p).len() as f64;
            let jitter = 0.7 + self.rng.unit() * 0.6;
            at += (items * pace * jitter) as i64;
            push(&mut self.plan, at, dev, Action::SavePage(p));
        }
        at += self.rng.range(1_000, 3_000);
        push(&mut self.plan, at, dev, Action::ShowCheck);
        at += self.rng.range(5_000, 40_000);
        push(&mut self.plan, at, dev, Action::Submit);
        self.plan.links[link].answered = true;
        at
    }

    fn add_link(&mut self, unit_id: i64, id: i64, group: &str, answers: Vec<u8>) -> usize {
        let best = self.shape.best(group);
        self.plan.links.push(LinkPlan {
            id,
            unit_id,
            group: group.to_string(),
            answers,
            best,
            interfered: false,
            answered: false,
        });
        self.plan.links.len() - 1
    }

    fn unit(&mut self, u: &UnitSpec) {
        self.shape = self.shapes.get(&u.level).cloned().unwrap_or_default();
        let n = u.links.len();
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = usize::try_from(self.rng.range(0, i as i64 + 1)).unwrap_or(0);
            order.swap(i, j);
        }
        let (kind, share) = u.interference.unwrap_or((Interference::Dictated, 0.0));
        let bent = ((share.clamp(0.0, 1.0) * n as f64).round() as usize).min(n);
        let bent: BTreeSet<usize> = order[..bent].iter().copied().collect();
        if !bent.is_empty() {
            self.plan.interfering.insert(u.unit_id);
        }
        let offices: Vec<u32> = (0..n.div_ceil(OFFICE)).map(|_| self.network()).collect();
        let office_of = |i: usize| offices[i / OFFICE];
        // A mail gateway that opens every link as the invitations arrive, in some units.
        let scanner = (self.rng.unit() < 0.3).then(|| self.network());
        let mut honest_devices: Vec<usize> = Vec::new();
        // The interfering side's shared parts.
        let actor_net = offices.first().copied().unwrap_or(0);
        let actor = match kind {
            Interference::OnePerson => self.device(actor_net, false),
            Interference::OfficerSession => self.device(actor_net, true),
            _ => 0,
        };
        let meeting_net = self.network();
        let day_one = (self.days - 1).clamp(0, 1);
        let mut actor_at = self.start + day_one * DAY + 5 * HOUR + self.rng.range(0, HOUR);
        let meeting_at = self.start + day_one * DAY + 5 * HOUR + self.rng.range(0, 2 * HOUR);
        // When the unit's instruction (a meeting, an e-mail) reaches its officials.
        let told_at = self.start + day_one * DAY + self.rng.range(HOUR, 6 * HOUR);
        let dictated: HashMap<String, Vec<u8>> = u
            .links
            .iter()
            .map(|(_, g)| g.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|g| {
                let qs = self.questions(&g).to_vec();
                // The script: the best answer mostly, the second best here and there, so that
                // it looks natural.
                let base = qs
                    .iter()
                    .map(|o| {
                        let target = if self.rng.unit() < 0.75 { 1.0 } else { 0.67 };
                        Self::nearest(o, target)
                    })
                    .collect();
                (g, base)
            })
            .collect();
        for (i, (id, group)) in u.links.iter().enumerate() {
            if let Some(net) = scanner {
                let d = self.device(net, false);
                let at = self.start + self.rng.range(0, MINUTE);
                // The link about to be added below.
                let link = self.plan.links.len();
                self.plan.steps.push(Step {
                    at,
                    link,
                    device: d,
                    action: Action::Open,
                });
            }
            if bent.contains(&i) {
                let answers = match kind {
                    Interference::OnePerson => {
                        let base = dictated.get(group).cloned().unwrap_or_default();
                        self.perturb(group, &base, 0.12)
                    }
                    Interference::Dictated => {
                        let base = dictated.get(group).cloned().unwrap_or_default();
                        self.perturb(group, &base, 0.04)
                    }
                    Interference::MeetingRoom => self.honest_answers(group, u.quality + 0.15),
                    Interference::OfficerSession => self.honest_answers(group, 0.95),
                    Interference::DictatedBest => self.best_answers(group),
                };
                let link = self.add_link(u.unit_id, *id, group, answers);
                self.plan.links[link].interfered = true;
                match kind {
                    Interference::OnePerson | Interference::OfficerSession => {
                        let pace = 2_500.0 + self.rng.unit() * 2_000.0;
                        let end = self.answer(link, actor, actor_at, pace, None);
                        actor_at = end + self.rng.range(30_000, 120_000);
                    }
                    Interference::MeetingRoom => {
                        let d = self.device(meeting_net, false);
                        let at = meeting_at + self.rng.range(0, 15 * MINUTE);
                        let pace = (5_500f64.ln() + 0.3 * self.rng.normal()).exp();
                        self.answer(link, d, at, pace, None);
                    }
                    Interference::Dictated => self.honest(link, i, &office_of, &mut honest_devices),
                    Interference::DictatedBest => {
                        self.told(link, i, told_at, &office_of, &mut honest_devices)
                    }
                }
                continue;
            }
            let answers = if self.rng.unit() < 0.03 {
                let line = self.honest_answers(group, u.quality);
                let a = line.first().copied().unwrap_or(0);
                vec![a; line.len()]
            } else {
                self.honest_answers(group, u.quality)
            };
            let link = self.add_link(u.unit_id, *id, group, answers);
            if self.rng.unit() < 0.12 {
                // Never answers; maybe opens the e-mail.
                if self.rng.unit() < 0.4 {
                    let net = self.network();
                    let d = self.device(net, false);
                    let day = self.honest_day();
                    let at = self.moment(day);
                    self.plan.steps.push(Step {
                        at,
                        link,
                        device: d,
                        action: Action::Open,
                    });
                }
                continue;
            }
            self.honest(link, i, &office_of, &mut honest_devices);
        }
    }

    /// The network a respondent answers from: a phone network of their own (four in ten) or
    /// their office's.
    fn home_network(&mut self, i: usize, office_of: &dyn Fn(usize) -> u32) -> u32 {
        if self.rng.unit() < 0.4 {
            self.network()
        } else {
            office_of(i)
        }
    }

    /// Told to tick the best option everywhere: nearly all do exactly that (one in ten slips on a
    /// question to the next best).
    fn best_answers(&mut self, group: &str) -> Vec<u8> {
        let qs = self.questions(group).to_vec();
        let mut out: Vec<u8> = qs.iter().map(|o| best_of(o)).collect();
        if self.rng.unit() < 0.1 && !qs.is_empty() {
            let q = usize::try_from(self.rng.range(0, qs.len() as i64)).unwrap_or(0);
            out[q] = Self::nearest(&qs[q], 0.67);
        }
        out
    }

    /// A respondent who was told what to answer at `told_at`: their own browser and network as
    /// an honest one, answering within hours of the instruction (half-life about two hours);
    /// seven in ten tick through without reading, the others read at their usual pace.
    fn told(
        &mut self,
        link: usize,
        i: usize,
        told_at: i64,
        office_of: &dyn Fn(usize) -> u32,
        honest_devices: &mut Vec<usize>,
    ) {
        let net = self.home_network(i, office_of);
        let device = self.device(net, false);
        honest_devices.push(device);
        let delay = -(self.rng.unit().max(1e-9)).ln() * 3.0 * HOUR as f64;
        let at = told_at + delay as i64;
        let pace = if self.rng.unit() < 0.7 {
            (2_800f64.ln() + 0.35 * self.rng.normal()).exp()
        } else {
            self.honest_pace()
        };
        self.answer(link, device, at, pace, None);
    }

    /// An honest respondent: their own browser (now and then a colleague's shared computer, or a
    /// second device later), at the office or on a phone network, on their own day and pace.
    fn honest(
        &mut self,
        link: usize,
        i: usize,
        office_of: &dyn Fn(usize) -> u32,
        honest_devices: &mut Vec<usize>,
    ) {
        let net = self.home_network(i, office_of);
        // Now and then an officer answers their own link where they are signed in; officers'
        // browsers are not lent to colleagues.
        let device = if self.rng.unit() < 0.005 {
            self.device(net, true)
        } else if !honest_devices.is_empty() && self.rng.unit() < 0.015 {
            let k = self.rng.range(0, honest_devices.len() as i64);
            honest_devices[usize::try_from(k).unwrap_or(0)]
        } else {
            let d = self.device(net, false);
            honest_devices.push(d);
            d
        };
        let second = if self.rng.unit() < 0.08 {
            let n2 = self.network();
            Some((2, self.device(n2, false)))
        } else {
            None
        };
        let day = self.honest_day();
        let at = self.moment(day);
        let pace = self.honest_pace();
        self.answer(link, device, at, pace, second);
    }
}

/// Plans a campaign: invitations sent at `start`, answered over `days` days. `shapes` holds each
/// level's questionnaires.
pub fn plan(
    units: &[UnitSpec],
    shapes: &BTreeMap<String, Shape>,
    start: i64,
    days: u32,
    seed: u64,
) -> CampaignPlan {
    let mut p = Planner {
        rng: Rng(seed),
        shapes,
        shape: Shape::default(),
        start,
        days: i64::from(days.max(1)),
        plan: CampaignPlan::default(),
        networks: 0,
    };
    for u in units {
        p.unit(u);
    }
    p.plan.steps.sort_by_key(|s| s.at);
    p.plan
}
