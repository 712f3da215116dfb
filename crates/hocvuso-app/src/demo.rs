//! A clearly fictional demo: two communes with hamlets, a volunteer team, a few hundred residents with
//! generated names, and one account per role. Loading it twice changes nothing.

use hocvuso_domain::accounts::Role;
use hocvuso_domain::cccd::Cccd;
use hocvuso_domain::contests::questions::{Question, read_question_text};
use hocvuso_domain::contests::setup::{AttemptCounting, CccdRule, ContestSettings, ResultsShown};
use hocvuso_domain::contests::{DEFAULT_RANKING, DrawPlan, TopicQuota};
use hocvuso_domain::ids::{CommuneId, HamletId, UserId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::places::{HamletKind, NewHamlet};
use hocvuso_domain::privacy::{ConsentMethod, ConsentPurpose};
use hocvuso_domain::register::skills::SignOffMethod;
use hocvuso_domain::register::teams::TeamRole;
use hocvuso_domain::register::visits::{NewVisit, TargetGroup, VisitOutcome};
use hocvuso_domain::register::{Gender, NewResident};
use hocvuso_store::NewUser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::Duration;

use crate::{AppError, Ctx};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "hocvuso-demo-2026";

/// The demo's province (Nghệ An) and its two communes (Xã Quỳ Châu, Xã Châu Bình): real units, invented people.
pub const DEMO_PROVINCE: &str = "40";
/// The first demo commune.
pub const DEMO_COMMUNE_A: &str = "16777";
/// The second demo commune, used to show that communes never see each other's data.
pub const DEMO_COMMUNE_B: &str = "16804";

/// One demo account.
#[derive(Clone, Copy, Debug)]
pub struct DemoAccount {
    /// Sign-in phone number.
    pub phone: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Commune code, for commune-level roles.
    pub commune: Option<&'static str>,
    /// Index of the hamlet (of that commune's demo hamlets) a hamlet lead leads.
    pub hamlet_idx: Option<usize>,
}

const fn account(
    phone: &'static str,
    name: &'static str,
    role: Role,
    commune: Option<&'static str>,
    hamlet_idx: Option<usize>,
) -> DemoAccount {
    DemoAccount { phone, name, role, commune, hamlet_idx }
}

/// Every demo account. All use [`DEMO_PASSWORD`].
pub const DEMO_LOGINS: &[DemoAccount] = &[
    account("0900000001", "Quản trị hệ thống (demo)", Role::SuperAdmin, None, None),
    account("0900000002", "Cán bộ Sở KH&CN (demo)", Role::ProvinceStaff, None, None),
    account("0900000010", "Quản trị xã Quỳ Châu (demo)", Role::CommuneAdmin, Some(DEMO_COMMUNE_A), None),
    account("0900000011", "Cán bộ VH-XH Quỳ Châu (demo)", Role::CommuneStaff, Some(DEMO_COMMUNE_A), None),
    account("0900000012", "Trưởng thôn Đông (demo)", Role::HamletLead, Some(DEMO_COMMUNE_A), Some(0)),
    account("0900000013", "Tình nguyện viên Quỳ Châu (demo)", Role::Volunteer, Some(DEMO_COMMUNE_A), None),
    account("0900000014", "Người dân Quỳ Châu (demo)", Role::Resident, Some(DEMO_COMMUNE_A), None),
    account("0900000020", "Quản trị xã Châu Bình (demo)", Role::CommuneAdmin, Some(DEMO_COMMUNE_B), None),
    account("0900000021", "Cán bộ VH-XH Châu Bình (demo)", Role::CommuneStaff, Some(DEMO_COMMUNE_B), None),
    account("0900000022", "Trưởng bản Na Hương (demo)", Role::HamletLead, Some(DEMO_COMMUNE_B), Some(0)),
    account("0900000023", "Tình nguyện viên Châu Bình (demo)", Role::Volunteer, Some(DEMO_COMMUNE_B), None),
    account("0900000024", "Người dân Châu Bình (demo)", Role::Resident, Some(DEMO_COMMUNE_B), None),
];

const HAMLETS_A: &[(&str, HamletKind)] = &[
    ("Thôn Đông", HamletKind::Thon),
    ("Thôn Tây", HamletKind::Thon),
    ("Bản Hoa Tiến", HamletKind::Ban),
    ("Xóm Mới", HamletKind::Xom),
    ("Khối Tân Lạc", HamletKind::Khoi),
];
const HAMLETS_B: &[(&str, HamletKind)] =
    &[("Bản Na Hương", HamletKind::Ban), ("Bản Lâm Hội", HamletKind::Ban), ("Thôn Bình Quang", HamletKind::Thon)];

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
    "Lương", "Vi", "Lô", "Sầm",
];
const MIDDLE_MALE: &[&str] = &["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Đình", "Xuân"];
const MIDDLE_FEMALE: &[&str] = &["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Hồng", "Mai", "Thị Thu"];
const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phong", "Quân", "Sơn", "Tâm", "Thắng",
    "Tuấn", "Việt", "Lộc", "Toàn", "Chiến",
];
const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Ánh", "Bảo", "Châu", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương",
    "Thảo", "Trang", "Vân", "Yến", "Ân",
];

/// Residents per hamlet, roughly.
const HOUSEHOLDS_PER_HAMLET: usize = 16;

/// What loading the demo did.
#[derive(Clone, Debug, Default)]
pub struct DemoReport {
    /// Whether data was added (false if the demo was already there).
    pub loaded: bool,
    /// Residents added.
    pub n_residents: usize,
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// Loads the demo if it is not there yet. `progress(done, total)` is called as hamlets are filled.
pub async fn load_demo(ctx: &Ctx, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<DemoReport, AppError> {
    let commune_a = crate::places::serve_commune(ctx, DEMO_COMMUNE_A).await?;
    let commune_b = crate::places::serve_commune(ctx, DEMO_COMMUNE_B).await?;
    {
        let mut tx = ctx.store.read().await?;
        if !tx.list_hamlets(commune_a.id).await?.is_empty() {
            return Ok(DemoReport::default());
        }
    }
    let password_hash = ctx.hasher.hash(DEMO_PASSWORD).await?;
    let now = ctx.now();
    let mut rng = StdRng::seed_from_u64(2025);
    let mut tx = ctx.store.write().await?;
    let mut hamlets: Vec<(CommuneId, Vec<HamletId>)> = Vec::new();
    for (commune_id, names) in [(commune_a.id, HAMLETS_A), (commune_b.id, HAMLETS_B)] {
        let mut ids = Vec::new();
        for (name, kind) in names {
            ids.push(tx.insert_hamlet(&NewHamlet { commune_id, name: (*name).to_owned(), kind: *kind }, now).await?);
        }
        hamlets.push((commune_id, ids));
    }
    let mut volunteers: Vec<(CommuneId, UserId)> = Vec::new();
    let mut recorder: Vec<(CommuneId, UserId)> = Vec::new();
    let mut leads: Vec<(CommuneId, UserId)> = Vec::new();
    for DemoAccount { phone, name, role, commune, hamlet_idx } in DEMO_LOGINS {
        let commune_id = commune.and_then(CommuneId::parse);
        let hamlet_id = hamlet_idx.and_then(|idx| {
            hamlets.iter().find(|(c, _)| Some(*c) == commune_id).and_then(|(_, ids)| ids.get(idx).copied())
        });
        let phone = PhoneNumber::parse(phone).map_err(|_| AppError::Internal(anyhow::anyhow!("demo phone")))?;
        let user_id = tx
            .insert_user(
                &NewUser {
                    phone,
                    display_name: (*name).to_owned(),
                    password_hash: password_hash.clone(),
                    role: *role,
                    province_code: (*role == Role::ProvinceStaff)
                        .then(|| hocvuso_domain::ids::ProvinceCode::parse(DEMO_PROVINCE))
                        .flatten(),
                    commune_id,
                    hamlet_id,
                },
                now,
            )
            .await?;
        match (role, commune_id) {
            (Role::Volunteer, Some(c)) => volunteers.push((c, user_id)),
            (Role::CommuneStaff, Some(c)) => recorder.push((c, user_id)),
            (Role::HamletLead, Some(c)) => leads.push((c, user_id)),
            _ => {}
        }
    }
    // teams and moves: a team per hamlet; the first hamlet's is led by its hamlet lead, with the volunteer in it.
    for (commune_id, hamlet_ids) in &hamlets {
        let names = if *commune_id == commune_a.id { HAMLETS_A } else { HAMLETS_B };
        let Some(staff) = recorder.iter().find(|(c, _)| c == commune_id).map(|(_, u)| *u) else { continue };
        for (idx, (hamlet_id, (name, _))) in hamlet_ids.iter().zip(names).enumerate() {
            let team_name = format!("Tổ công nghệ số cộng đồng {name}");
            let team_id = tx.insert_team(*commune_id, Some(*hamlet_id), &team_name, staff, now).await?;
            if idx != 0 {
                continue;
            }
            for (people, role) in [(&leads, TeamRole::Leader), (&volunteers, TeamRole::Member)] {
                if let Some(user) = people.iter().find(|(c, _)| c == commune_id).map(|(_, u)| *u) {
                    tx.insert_team_member(*commune_id, team_id, user, role, staff, now).await?;
                }
            }
        }
    }
    let total: u64 = hamlets.iter().map(|(_, ids)| ids.len() as u64).sum();
    let mut done = 0;
    let mut n_residents = 0;
    for (commune_id, hamlet_ids) in &hamlets {
        let skills = tx.list_skills(*commune_id).await?;
        let volunteer = volunteers.iter().find(|(c, _)| c == commune_id).map(|(_, u)| *u);
        let staff = recorder.iter().find(|(c, _)| c == commune_id).map(|(_, u)| *u);
        for (hamlet_idx, hamlet_id) in hamlet_ids.iter().enumerate() {
            for house_idx in 0..HOUSEHOLDS_PER_HAMLET {
                let household_id =
                    tx.insert_household(*commune_id, *hamlet_id, &format!("Số nhà {}", house_idx * 3 + 1), now).await?;
                // The demo volunteer looks after the first eight households of the first hamlet.
                if hamlet_idx == 0
                    && house_idx < 8
                    && let Some(volunteer) = volunteer
                {
                    tx.assign_household(*commune_id, household_id, volunteer, now).await?;
                }
                let family = pick(&mut rng, FAMILY);
                let n_members = rng.random_range(1..=5);
                for member_idx in 0..n_members {
                    let is_female = rng.random_bool(0.52);
                    let (middle, given) = if is_female {
                        (pick(&mut rng, MIDDLE_FEMALE), pick(&mut rng, GIVEN_FEMALE))
                    } else {
                        (pick(&mut rng, MIDDLE_MALE), pick(&mut rng, GIVEN_MALE))
                    };
                    let name = PersonName::parse(&format!("{family} {middle} {given}"))
                        .map_err(|_| AppError::Internal(anyhow::anyhow!("demo name")))?;
                    let birth_year =
                        if member_idx == 0 { rng.random_range(1940..1990) } else { rng.random_range(1945..2012) };
                    let phone = rng
                        .random_bool(0.6)
                        .then(|| format!("09{}{:07}", rng.random_range(1..10), rng.random_range(0..10_000_000)))
                        .and_then(|p| PhoneNumber::parse(&p).ok());
                    let cccd = rng
                        .random_bool(0.3)
                        .then(|| {
                            let century_gender = match (birth_year >= 2000, is_female) {
                                (false, false) => 0,
                                (false, true) => 1,
                                (true, false) => 2,
                                (true, true) => 3,
                            };
                            format!("040{century_gender}{:02}{:06}", birth_year % 100, rng.random_range(0..1_000_000))
                        })
                        .and_then(|c| Cccd::parse(&c).ok());
                    let resident_id = tx
                        .insert_resident(
                            *commune_id,
                            &NewResident {
                                household_id,
                                full_name: name,
                                birth_year: Some(birth_year),
                                gender: Some(if is_female { Gender::Female } else { Gender::Male }),
                                phone,
                                cccd,
                            },
                            now,
                        )
                        .await?;
                    if let Some(staff) = staff {
                        let (register, written) = (ConsentPurpose::Register, ConsentMethod::Written);
                        tx.insert_consent(*commune_id, resident_id, register, written, staff, now).await?;
                        // About a third can do everything, a third some of it, a third nothing yet.
                        let share = rng.random_range(0..3);
                        for skill in &skills {
                            if share == 2 || (share == 1 && rng.random_bool(0.5)) {
                                let when = now - Duration::days(rng.random_range(1..200));
                                let observed = SignOffMethod::Observed;
                                tx.insert_sign_off(*commune_id, resident_id, skill.id, observed, "", staff, when)
                                    .await?;
                            }
                        }
                    }
                    let has_phone = match rng.random_range(0..10) {
                        0..=1 => Some(false),
                        2..=7 => Some(true),
                        _ => None,
                    };
                    tx.set_has_smartphone(*commune_id, resident_id, has_phone, now).await?;
                    if rng.random_bool(0.04) {
                        tx.set_resident_groups(*commune_id, resident_id, &[TargetGroup::Disability]).await?;
                    }
                    if let (Some(volunteer), true) = (volunteer, rng.random_bool(0.2)) {
                        let visit = NewVisit {
                            household_id,
                            resident_id: Some(resident_id),
                            visited_at: now - Duration::days(rng.random_range(1..120)),
                            outcome: if rng.random_bool(0.8) { VisitOutcome::Helped } else { VisitOutcome::NotHome },
                            practised: "Gọi video bằng Zalo".into(),
                            next_step: String::new(),
                        };
                        tx.insert_visit(*commune_id, &visit, volunteer, now).await?;
                    }
                    n_residents += 1;
                }
            }
            done += 1;
            progress(done, total);
        }
    }
    // contests: an open contest in the first commune, drawing 10 of the 20 demo questions.
    let staff_a = recorder.iter().find(|(c, _)| *c == commune_a.id).map(|(_, u)| *u);
    demo_contest(&mut tx, commune_a.id, staff_a, now).await?;
    // contests: results
    demo_closed_contest(&mut tx, commune_a.id, staff_a, now).await?;
    tx.commit().await?;
    Ok(DemoReport { loaded: true, n_residents })
}

/// The demo question file, in the organisers' plain-text form.
const DEMO_QUESTIONS: &str = include_str!("../../../content/contests/demo.txt");

/// The demo contests' settings: 15 minutes, one attempt, the prediction question, results after closing, the
/// default ranking, the first commune's hamlets as units.
fn demo_settings(
    title: &str,
    rules: &str,
    (opens_at, closes_at): (time::OffsetDateTime, time::OffsetDateTime),
    plan: DrawPlan,
) -> ContestSettings {
    ContestSettings {
        title: title.into(),
        rules: rules.into(),
        organiser: "UBND xã Quỳ Châu".into(),
        opens_at,
        closes_at,
        time_limit: Duration::minutes(15),
        attempts_allowed: 1,
        counting: AttemptCounting::Best,
        plan,
        shuffle_options: true,
        prediction_question: Some("Dự đoán có bao nhiêu người dự thi?".into()),
        results: ResultsShown::AfterClose,
        ranking: DEFAULT_RANKING.to_vec(),
        cccd: CccdRule::NotAsked,
        units: HAMLETS_A.iter().map(|(name, _)| (*name).to_owned()).collect(),
    }
}

/// The demo contest: open from now for 60 days, 10 questions in 15 minutes, one attempt, results after closing.
async fn demo_contest(
    tx: &mut hocvuso_store::Tx,
    commune_id: CommuneId,
    staff: Option<UserId>,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
    let demo = |what: &str| AppError::Internal(anyhow::anyhow!("demo contest: {what}"));
    let bank = read_question_text(DEMO_QUESTIONS);
    if !bank.is_clean() {
        return Err(demo("the question file has errors"));
    }
    let questions: Vec<Question> = bank.questions.into_iter().filter_map(|q| q.result.ok()).collect();
    let topics: Vec<&str> = questions.iter().map(|q| q.topic.as_str()).collect();
    let settings = demo_settings(
        "Tìm hiểu kỹ năng số cho mọi người dân 2026",
        "Mỗi người đăng ký một lần bằng số điện thoại của mình.\n\n\
         Bài thi có 10 câu hỏi trắc nghiệm, làm trong 15 phút. Mỗi câu trả lời được lưu ngay khi chọn; \
         nếu mất mạng, mở lại trang và nhập mã dự thi để làm tiếp.\n\n\
         Kết quả được công bố sau khi cuộc thi kết thúc.",
        (now, now + Duration::days(60)),
        DrawPlan { total: 10, quotas: vec![TopicQuota { topic: "An toàn trên mạng".into(), count: 3 }] },
    )
    .checked(&topics)
    .map_err(|_| demo("settings"))?;
    let ids = tx.insert_questions(commune_id, &questions, staff, now).await?;
    tx.insert_contest(commune_id, &settings, &ids, staff, now).await?;
    Ok(())
}

// contests: results
/// Title of the demo contest that has already closed.
pub const DEMO_CLOSED_CONTEST: &str = "Hội thi tìm hiểu an toàn trên mạng – Ngày Chuyển đổi số 2026";

/// People registered for the closed demo contest.
const CLOSED_CONTEST_ENTRANTS: usize = 60;

/// A demo contest that has already closed, with results to show: opened 30 days ago, closed 2 days ago, 10 of the
/// bank's questions in 15 minutes. Sixty generated people from the hamlets registered; most submitted an attempt
/// with varied answers, times and predictions, three answered implausibly fast, three left an attempt running (closed
/// as it stood when results are first counted) and a few never started.
async fn demo_closed_contest(
    tx: &mut hocvuso_store::Tx,
    commune_id: CommuneId,
    staff: Option<UserId>,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
    use hocvuso_domain::contests::attempts::AttemptItem;
    use hocvuso_domain::contests::setup::NewEntrant;
    use sha2::{Digest, Sha256};

    let demo = |what: &str| AppError::Internal(anyhow::anyhow!("demo closed contest: {what}"));
    let bank = tx.list_questions(commune_id).await?;
    let topics: Vec<&str> = bank.iter().map(|(_, q)| q.topic.as_str()).collect();
    let opens_at = now - Duration::days(30);
    let closes_at = now - Duration::days(2);
    let settings = demo_settings(
        DEMO_CLOSED_CONTEST,
        "Mỗi người thi một lần, 10 câu hỏi trong 15 phút.\n\n\
         Xếp hạng theo số câu đúng, rồi dự đoán gần đúng nhất số người dự thi, rồi thời gian làm bài.",
        (opens_at, closes_at),
        DrawPlan { total: 10, quotas: Vec::new() },
    )
    .checked(&topics)
    .map_err(|_| demo("settings"))?;
    let ids: Vec<_> = bank.iter().map(|(id, _)| *id).collect();
    let contest_id = tx.insert_contest(commune_id, &settings, &ids, staff, opens_at).await?;
    let mut rng = StdRng::seed_from_u64(1010);
    for index in 0..CLOSED_CONTEST_ENTRANTS {
        let is_female = rng.random_bool(0.5);
        let (middle, given) = if is_female {
            (pick(&mut rng, MIDDLE_FEMALE), pick(&mut rng, GIVEN_FEMALE))
        } else {
            (pick(&mut rng, MIDDLE_MALE), pick(&mut rng, GIVEN_MALE))
        };
        let name = format!("{} {middle} {given}", pick(&mut rng, FAMILY));
        let entrant = NewEntrant {
            contest_id,
            full_name: PersonName::parse(&name).map_err(|_| demo("name"))?,
            birth_year: rng.random_range(1950..2012),
            phone: PhoneNumber::parse(&format!("0977{index:06}")).map_err(|_| demo("phone"))?,
            cccd: None,
            unit: HAMLETS_A[rng.random_range(0..HAMLETS_A.len())].0.to_owned(),
        };
        let registered_at = opens_at + Duration::hours(rng.random_range(1..600));
        // Nobody knows these entry codes: the demo's participants never come back.
        let code_hash = hex::encode(Sha256::digest(format!("demo-closed-contest-{index}")));
        let entrant_id =
            tx.insert_entrant(&entrant, &code_hash, registered_at).await?.ok_or_else(|| demo("entrant"))?;
        if index % 15 == 14 {
            continue; // Registered, never started.
        }
        let drawn = settings.plan.draw(&topics, &mut rng).map_err(|_| demo("draw"))?;
        let items: Vec<AttemptItem> = drawn
            .iter()
            .map(|&item| AttemptItem { item, options: (0..bank[item].1.options.len()).collect() })
            .collect();
        let started_at = registered_at + Duration::minutes(rng.random_range(1..600));
        let attempt_id = tx
            .insert_attempt(entrant_id, 1, &items, started_at, started_at + settings.time_limit)
            .await?
            .ok_or_else(|| demo("attempt"))?;
        // Most know most answers; three answer everything in seconds.
        let too_fast = index % 20 == 3;
        let skill = rng.random_range(0.35..0.98);
        let mut score = 0;
        for (position, item) in items.iter().enumerate() {
            let question = &bank[item.item].1;
            let chosen = if rng.random_bool(skill) {
                question.correct.clone()
            } else {
                vec![(0..question.options.len()).find(|o| !question.correct.contains(o)).unwrap_or(0)]
            };
            if question.is_right(&chosen) {
                score += 1;
            }
            let answered_at = started_at + Duration::seconds(10 * (position as i64 + 1));
            tx.save_answer(attempt_id, position, &chosen, 1, answered_at).await?;
        }
        if index % 25 == 7 {
            continue; // Closed the page mid-way: the attempt is closed as it stands when results are counted.
        }
        let taken = if too_fast { Duration::seconds(12) } else { Duration::seconds(rng.random_range(90..880)) };
        let prediction = rng.random_bool(0.85).then(|| rng.random_range(20..120));
        tx.submit_attempt(attempt_id, score, prediction, started_at + taken).await?;
    }
    Ok(())
}
