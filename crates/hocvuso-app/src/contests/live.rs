//! Live mode ("trò chơi trực tiếp", issue #5 item 6): staff run a game from the commune's question bank on a
//! screen in the hall; anyone joins with the game's code and a nickname and answers on their phone.
//!
//! Everything is in the database (migration 0015): a restarted server, or another server of a province, carries on.
//! What the hall polls is a [`Board`], a snapshot of the game rebuilt only when its version changes and kept in
//! memory ([`LiveBoards`]), so a poll costs no query at all most of the time and one primary-key read at most every
//! [`CHECK_EVERY`] per game and server: nothing here grows with the number of players but the scoreboard, built once
//! per question. The design, the scoring formula and the limits: `docs/decisions/0015-live-mode.md`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hocvuso_domain::accounts::Actor;
use hocvuso_domain::contests::live::{
    DEFAULT_SECONDS, GRACE, LiveAnswer, LiveGame, LiveGameId, LivePhase, LivePlayerId, MAX_SECONDS, MIN_SECONDS,
    Nickname, places, points,
};
use hocvuso_domain::contests::questions::Question;
use hocvuso_domain::ids::{CommuneId, QuestionId};
use hocvuso_domain::text;
use hocvuso_store::StoreError;
use rand::Rng;
use rand::seq::SliceRandom;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use super::random_code;
use crate::{AppError, Ctx};

/// How long a board is served from memory before the game's version is read again (a change made through this
/// server is seen at once; one made through another server of a province within this).
pub const CHECK_EVERY: Duration = Duration::milliseconds(500);

/// Characters of a join code.
pub const JOIN_CODE_CHARS: usize = 6;

/// Most questions in one game.
pub const MAX_GAME_QUESTIONS: usize = 100;

/// How many players the scoreboard of the host's screen shows.
pub const TOP: usize = 10;

fn manage(actor: &Actor, commune_id: CommuneId) -> Result<(), AppError> {
    if actor.can_manage_contests(commune_id) { Ok(()) } else { Err(AppError::NotFound) }
}

/// The questions a live game can ask: one tap answers, so only questions with exactly one right option.
fn playable(question: &Question) -> bool {
    question.correct.len() == 1
}

/// A topic of the bank with how many playable questions it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveTopic {
    /// The topic (empty: no topic).
    pub topic: String,
    /// Playable questions of it.
    pub n: usize,
}

/// The topics a game can be drawn from, in the bank's order of first appearance.
pub async fn live_topics(ctx: &Ctx, actor: &Actor, commune_id: CommuneId) -> Result<Vec<LiveTopic>, AppError> {
    manage(actor, commune_id)?;
    let mut tx = ctx.store.read().await?;
    let bank = tx.list_questions(commune_id).await?;
    let mut topics: Vec<LiveTopic> = Vec::new();
    for (_, question) in bank.iter().filter(|(_, q)| playable(q)) {
        match topics.iter_mut().find(|t| t.topic == question.topic) {
            Some(topic) => topic.n += 1,
            None => topics.push(LiveTopic { topic: question.topic.clone(), n: 1 }),
        }
    }
    Ok(topics)
}

/// The set-up form of a game, as typed.
#[derive(Clone, Debug, Default)]
pub struct LiveGameForm {
    /// One topic, or empty for every topic.
    pub topic: String,
    /// How many questions; empty for all the topic's.
    pub count: String,
    /// Seconds per question; empty for [`DEFAULT_SECONDS`].
    pub seconds: String,
}

/// Creates a game in its lobby: `count` questions drawn at random from the playable questions of the topic (all
/// of them when `count` is empty), in random order, with a fresh join code.
pub async fn create_game(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    form: &LiveGameForm,
) -> Result<LiveGameId, AppError> {
    manage(actor, commune_id)?;
    let now = ctx.now();
    let mut rejections = Vec::new();
    let seconds = match text::clean(&form.seconds).as_str() {
        "" => Some(DEFAULT_SECONDS),
        typed => typed.parse::<u32>().ok().filter(|s| (MIN_SECONDS..=MAX_SECONDS).contains(s)),
    };
    if seconds.is_none() {
        rejections.push(crate::Rejection { field: "seconds", code: "live_seconds_invalid" });
    }
    let count = match text::clean(&form.count).as_str() {
        "" => Some(None),
        typed => typed.parse::<usize>().ok().filter(|n| (1..=MAX_GAME_QUESTIONS).contains(n)).map(Some),
    };
    if count.is_none() {
        rejections.push(crate::Rejection { field: "count", code: "live_count_invalid" });
    }
    let (Some(seconds), Some(count)) = (seconds, count) else {
        return Err(AppError::Invalid(rejections));
    };
    let topic = text::clean(&form.topic);
    let mut tx = ctx.store.write().await?;
    let bank = tx.list_questions(commune_id).await?;
    let mut pool: Vec<QuestionId> =
        bank.iter().filter(|(_, q)| playable(q) && (topic.is_empty() || q.topic == topic)).map(|(id, _)| *id).collect();
    let wanted = count.unwrap_or(pool.len().min(MAX_GAME_QUESTIONS));
    if pool.is_empty() || pool.len() < wanted {
        return Err(AppError::invalid("count", "live_not_enough_questions"));
    }
    pool.shuffle(&mut rand::rng());
    pool.truncate(wanted);
    for _ in 0..5 {
        let code = random_code(JOIN_CODE_CHARS);
        match tx.insert_live_game(commune_id, &code, seconds, &pool, Some(actor.user_id), now).await {
            Ok(id) => {
                tx.commit().await?;
                tracing::info!(commune = %commune_id, game = %id, questions = pool.len(), "live game created");
                return Ok(id);
            }
            // A code in use (31^6 ≈ 887 million of them): draw another.
            Err(StoreError::Conflict) => {
                tx = ctx.store.write().await?;
            }
            Err(err) => return Err(err.into()),
        }
    }
    Err(AppError::Conflict("live_code_exhausted"))
}

/// The commune's latest games (for the set-up page).
pub async fn commune_games(ctx: &Ctx, actor: &Actor, commune_id: CommuneId) -> Result<Vec<LiveGame>, AppError> {
    manage(actor, commune_id)?;
    let mut tx = ctx.store.read().await?;
    Ok(tx.list_live_games(commune_id, 20).await?)
}

/// One player on the scoreboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked {
    /// Place; equal scores share one.
    pub place: u32,
    /// The player.
    pub player_id: LivePlayerId,
    /// Their nickname.
    pub nickname: String,
    /// Points so far.
    pub score: u64,
}

/// The question on the screen, without its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownQuestion {
    /// The question.
    pub text: String,
    /// The options, in the bank's order.
    pub options: Vec<String>,
}

/// What everyone may see once a question is closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reveal {
    /// The right option.
    pub right: usize,
    /// How many players chose each option.
    pub counts: Vec<usize>,
    /// Why (may be empty).
    pub explanation: String,
}

/// A snapshot of a game for the screens: the same for every player, rebuilt when the game's version changes.
#[derive(Clone, Debug)]
pub struct Board {
    /// The game as stored.
    pub game: LiveGame,
    /// The question shown (open or closed), if any.
    pub question: Option<ShownQuestion>,
    /// Its key and the counts, once it is closed.
    pub reveal: Option<Reveal>,
    /// Every player, placed, once a question is closed or the game ended (empty while a question is open).
    pub ranking: Vec<Ranked>,
    by_player: HashMap<LivePlayerId, usize>,
    answers: HashMap<LivePlayerId, LiveAnswer>,
    /// The right option of the question shown: never in what a page or the JSON shows while it is open.
    key: Option<usize>,
}

impl Board {
    /// A player's line of the scoreboard.
    pub fn standing(&self, player_id: LivePlayerId) -> Option<&Ranked> {
        self.by_player.get(&player_id).and_then(|&i| self.ranking.get(i))
    }

    /// The first [`TOP`] of the scoreboard.
    pub fn top(&self) -> &[Ranked] {
        &self.ranking[..self.ranking.len().min(TOP)]
    }
}

struct Cached {
    board: Option<(Arc<Board>, OffsetDateTime)>,
    /// Held while the board is checked or rebuilt, so a hall of phones polling at once makes one query, not
    /// thousands.
    refresh: Arc<tokio::sync::Mutex<()>>,
}

/// The boards of the games being played, in memory (one per game; dropped an hour after the last poll).
#[derive(Default)]
pub struct LiveBoards {
    games: Mutex<HashMap<LiveGameId, Cached>>,
}

impl std::fmt::Debug for LiveBoards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveBoards")
    }
}

/// Most games kept in memory before the ones not polled for an hour are dropped.
const MAX_CACHED_GAMES: usize = 256;

impl LiveBoards {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<LiveGameId, Cached>> {
        self.games.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The fresh board if there is one, else the lock to hold while refreshing it.
    fn fresh_or_lock(&self, id: LiveGameId, now: OffsetDateTime) -> Result<Arc<Board>, Arc<tokio::sync::Mutex<()>>> {
        let mut games = self.lock();
        if games.len() >= MAX_CACHED_GAMES && !games.contains_key(&id) {
            games.retain(|_, c| c.board.as_ref().is_some_and(|(_, at)| now - *at < Duration::HOUR));
        }
        let cached = games.entry(id).or_insert_with(|| Cached { board: None, refresh: Arc::default() });
        match &cached.board {
            Some((board, at)) if now >= *at && now - *at < CHECK_EVERY => Ok(Arc::clone(board)),
            _ => Err(Arc::clone(&cached.refresh)),
        }
    }

    fn cached(&self, id: LiveGameId) -> Option<Arc<Board>> {
        self.lock().get(&id).and_then(|c| c.board.as_ref().map(|(b, _)| Arc::clone(b)))
    }

    fn put(&self, board: Arc<Board>, now: OffsetDateTime) {
        if let Some(cached) = self.lock().get_mut(&board.game.id) {
            cached.board = Some((board, now));
        }
    }

    /// Forgets a game's board: the next look rebuilds it (after this server changed the game).
    fn forget(&self, id: LiveGameId) {
        if let Some(cached) = self.lock().get_mut(&id) {
            cached.board = None;
        }
    }
}

/// Builds a game's board from the database.
async fn build(ctx: &Ctx, game: LiveGame) -> Result<Board, AppError> {
    let mut tx = ctx.store.read().await?;
    let mut board = Board {
        question: None,
        reveal: None,
        ranking: Vec::new(),
        by_player: HashMap::new(),
        answers: HashMap::new(),
        key: None,
        game,
    };
    if let Some(position) = board.game.position {
        let questions = tx.live_questions(board.game.id).await?;
        let (_, question) = questions.get(position).ok_or(StoreError::Corrupt("live_item"))?;
        board.question = Some(ShownQuestion { text: question.text.clone(), options: question.options.clone() });
        board.key = question.correct.first().copied();
        if board.game.phase != LivePhase::Open {
            let answers = tx.live_answers_at(board.game.id, position).await?;
            let mut counts = vec![0usize; question.options.len()];
            for answer in &answers {
                if let Some(n) = counts.get_mut(answer.chosen) {
                    *n += 1;
                }
            }
            board.reveal = Some(Reveal {
                right: question.correct.first().copied().unwrap_or(0),
                counts,
                explanation: question.explanation.clone(),
            });
            board.answers = answers.into_iter().map(|a| (a.player_id, a)).collect();
        }
    }
    if board.game.phase != LivePhase::Open {
        let totals = tx.live_totals(board.game.id).await?;
        board.ranking = places(totals, |t| t.score, |t| t.player_id)
            .into_iter()
            .map(|(place, t)| Ranked {
                place,
                player_id: t.player_id,
                nickname: t.nickname.as_str().to_owned(),
                score: t.score,
            })
            .collect();
        board.by_player = board.ranking.iter().enumerate().map(|(i, r)| (r.player_id, i)).collect();
    }
    Ok(board)
}

/// The game's board now: from memory while fresh; else the game's row is read, an open question whose time and
/// grace are over is closed, and the board is rebuilt if the version changed.
pub async fn board(ctx: &Ctx, boards: &LiveBoards, id: LiveGameId) -> Result<Arc<Board>, AppError> {
    let now = ctx.now();
    let refresh = match boards.fresh_or_lock(id, now) {
        Ok(board) => return Ok(board),
        Err(refresh) => refresh,
    };
    let _guard = refresh.lock().await;
    // Another request may have refreshed it while this one waited.
    if let Ok(board) = boards.fresh_or_lock(id, now) {
        return Ok(board);
    }
    let mut game = {
        let mut tx = ctx.store.read().await?;
        tx.live_game(id).await?.ok_or(AppError::NotFound)?
    };
    if game.is_overdue(now)
        && let Some(position) = game.position
    {
        let mut tx = ctx.store.write().await?;
        tx.close_live_question(id, position).await?;
        game = tx.live_game(id).await?.ok_or(AppError::NotFound)?;
        tx.commit().await?;
    }
    let board = match boards.cached(id) {
        Some(board) if board.game.version == game.version => board,
        _ => Arc::new(build(ctx, game).await?),
    };
    boards.put(Arc::clone(&board), now);
    Ok(board)
}

/// What the host's screen shows.
#[derive(Clone, Debug)]
pub struct HostView {
    /// The game's board.
    pub board: Arc<Board>,
    /// Players who joined.
    pub n_players: i64,
    /// Players who answered the question shown.
    pub n_answered: i64,
}

/// The host's screen (staff of the game's commune only; others get "not found").
pub async fn host_view(ctx: &Ctx, boards: &LiveBoards, actor: &Actor, id: LiveGameId) -> Result<HostView, AppError> {
    let board = board(ctx, boards, id).await?;
    manage(actor, board.game.commune_id)?;
    let mut tx = ctx.store.read().await?;
    let n_players = tx.live_player_count(id).await?;
    let n_answered = match board.game.position {
        Some(position) => tx.live_answer_count(id, position).await?,
        None => 0,
    };
    Ok(HostView { board, n_players, n_answered })
}

/// What the host's buttons do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostAction {
    /// "Bắt đầu" in the lobby, "Câu tiếp theo" after a closed question: opens the next question.
    Next,
    /// "Dừng": closes the open question before its time is up.
    Close,
    /// "Kết thúc": ends the game (after its last question, or early).
    End,
}

/// Does what the host pressed, if the game still stands at `version` (the version the host's screen showed): a
/// second press of the same button, or a press on a stale screen, is `live_state_changed` and changes nothing.
pub async fn host_action(
    ctx: &Ctx,
    boards: &LiveBoards,
    actor: &Actor,
    id: LiveGameId,
    action: HostAction,
    version: i64,
) -> Result<(), AppError> {
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let game = tx.live_game(id).await?.ok_or(AppError::NotFound)?;
    manage(actor, game.commune_id)?;
    if game.version != version {
        return Err(AppError::Conflict("live_state_changed"));
    }
    let done = match (action, game.phase) {
        (HostAction::Next, LivePhase::Lobby | LivePhase::Closed) => {
            let position = game.position.map_or(0, |p| p + 1);
            if position >= game.n_questions {
                return Err(AppError::Conflict("live_no_more_questions"));
            }
            let closes_at = now + Duration::seconds(i64::from(game.seconds_per_question));
            tx.open_live_question(id, version, position, now, closes_at).await?
        }
        (HostAction::Close, LivePhase::Open) => match game.position {
            Some(position) => tx.close_live_question(id, position).await?,
            None => false,
        },
        (HostAction::End, LivePhase::Lobby | LivePhase::Closed) => tx.end_live_game(id, version).await?,
        (_, LivePhase::Ended) => return Err(AppError::Conflict("live_game_ended")),
        _ => false,
    };
    if !done {
        return Err(AppError::Conflict("live_state_changed"));
    }
    tx.commit().await?;
    boards.forget(id);
    Ok(())
}

/// The QR code of a game's join address as inline SVG markup for the host's screen (the XML declaration dropped),
/// hidden from screen readers: the code and the address are written next to it. Empty if it cannot be drawn.
pub fn join_qr_svg(url: &str) -> String {
    match hocvuso_print::pdf::qr_svg(url) {
        Ok(bytes) => {
            let svg = String::from_utf8_lossy(&bytes);
            let start = svg.find("<svg").unwrap_or(0);
            svg.get(start..).unwrap_or_default().replacen(
                "<svg",
                "<svg aria-hidden=\"true\" focusable=\"false\" class=\"live-qr\"",
                1,
            )
        }
        Err(_) => String::new(),
    }
}

/// Upper case without spaces: how a typed join code is compared.
pub fn normalise_join_code(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase()
}

/// The game a join code opens. An unknown code is `live_code_unknown`; an ended game's, `live_game_ended`.
pub async fn game_by_code(ctx: &Ctx, code: &str) -> Result<LiveGame, AppError> {
    let code = normalise_join_code(code);
    if code.chars().count() != JOIN_CODE_CHARS {
        return Err(AppError::invalid("code", "live_code_unknown"));
    }
    let mut tx = ctx.store.read().await?;
    let game = tx.live_game_by_code(&code).await?.ok_or_else(|| AppError::invalid("code", "live_code_unknown"))?;
    if game.phase == LivePhase::Ended {
        return Err(AppError::Conflict("live_game_ended"));
    }
    Ok(game)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Joins a game with a nickname; gives the player's token (for the cookie; only its hash is stored). Refused
/// once the game has ended, and for a nickname that is empty, too long or taken in this game.
pub async fn join(ctx: &Ctx, id: LiveGameId, nickname: &str) -> Result<String, AppError> {
    let now = ctx.now();
    let nickname = Nickname::parse(nickname).map_err(|err| AppError::invalid("nickname", err.code()))?;
    let token = hex::encode(rand::rng().random::<[u8; 32]>());
    let mut tx = ctx.store.write().await?;
    let game = tx.live_game(id).await?.ok_or(AppError::NotFound)?;
    if game.phase == LivePhase::Ended {
        return Err(AppError::Conflict("live_game_ended"));
    }
    match tx.insert_live_player(id, &nickname, &token_hash(&token), now).await {
        Ok(_) => {}
        Err(StoreError::Conflict) => return Err(AppError::invalid("nickname", "live_nickname_taken")),
        Err(err) => return Err(err.into()),
    }
    tx.commit().await?;
    Ok(token)
}

/// What a player's phone shows.
#[derive(Clone, Debug)]
pub struct PlayerView {
    /// The game's board.
    pub board: Arc<Board>,
    /// The player.
    pub player_id: LivePlayerId,
    /// Their nickname.
    pub nickname: String,
    /// Their answer to the question shown, if they gave one (with its points once the question is closed).
    pub answer: Option<LiveAnswer>,
}

impl PlayerView {
    /// Their place and score, once a question is closed or the game ended.
    pub fn standing(&self) -> Option<&Ranked> {
        self.board.standing(self.player_id)
    }
}

/// A player's screen, by the token in their cookie. An unknown token is not found (the page asks to join).
pub async fn player_view(ctx: &Ctx, boards: &LiveBoards, id: LiveGameId, token: &str) -> Result<PlayerView, AppError> {
    let board = board(ctx, boards, id).await?;
    let mut tx = ctx.store.read().await?;
    let player = tx.live_player_by_token(id, &token_hash(token)).await?.ok_or(AppError::NotFound)?;
    let answer = match (board.game.phase, board.game.position) {
        (LivePhase::Open, Some(position)) => tx.live_answer_of(player.id, position).await?,
        _ => board.answers.get(&player.id).copied(),
    };
    Ok(PlayerView { player_id: player.id, nickname: player.nickname.as_str().to_owned(), answer, board })
}

/// An answer taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnswerTaken {
    /// The question answered.
    pub position: usize,
}

/// Takes a player's answer (the option's index) to the question at `position`. It is committed before this
/// returns. Refused, with nothing written: an ended game (`live_game_ended`), a question not open
/// (`live_question_not_open`), an option the question has not (`live_option_unknown`), a second answer
/// (`live_already_answered`: the first counts), an answer after the time plus [`GRACE`] by the server's clock
/// (`live_answer_late`).
pub async fn answer(
    ctx: &Ctx,
    boards: &LiveBoards,
    id: LiveGameId,
    token: &str,
    position: usize,
    option: usize,
) -> Result<AnswerTaken, AppError> {
    let now = ctx.now();
    let board = board(ctx, boards, id).await?;
    let game = &board.game;
    if game.phase == LivePhase::Ended {
        return Err(AppError::Conflict("live_game_ended"));
    }
    if game.phase != LivePhase::Open || game.position != Some(position) {
        return Err(AppError::Conflict("live_question_not_open"));
    }
    let options = board.question.as_ref().map_or(0, |q| q.options.len());
    if option >= options {
        return Err(AppError::invalid("option", "live_option_unknown"));
    }
    let mut tx = ctx.store.write().await?;
    let player = tx.live_player_by_token(id, &token_hash(token)).await?.ok_or(AppError::NotFound)?;
    if tx.live_answer_of(player.id, position).await?.is_some() {
        return Err(AppError::Conflict("live_already_answered"));
    }
    if !game.accepts(position, now) {
        return Err(AppError::Conflict("live_answer_late"));
    }
    let (limit, closes_at) = (Duration::seconds(i64::from(game.seconds_per_question)), game.closes_at.unwrap_or(now));
    let scored = points(board.key == Some(option), limit, closes_at - now);
    let grace_ms = i64::try_from(GRACE.whole_milliseconds()).unwrap_or(0);
    if !tx.insert_live_answer(id, player.id, position, option, scored, grace_ms, now).await? {
        // The host closed the question meanwhile (through another screen or server).
        return Err(AppError::Conflict("live_question_not_open"));
    }
    tx.commit().await?;
    Ok(AnswerTaken { position })
}
