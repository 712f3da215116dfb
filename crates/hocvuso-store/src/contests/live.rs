//! Live mode of contests: games, their questions, players and answers (migration 0015).
//!
//! A game's changes of phase are single `UPDATE`s guarded by the phase they start from, so a double press of a
//! host's button changes nothing the second time. An answer is an `INSERT … SELECT` from the game's row guarded by
//! the open question and its deadline; on PostgreSQL the row is read `FOR SHARE`, so closing a question waits for the
//! answers being written and no answer is taken after the close has committed (SQLite has one writer anyway).

use hocvuso_domain::contests::live::{
    LiveAnswer, LiveGame, LiveGameId, LivePhase, LivePlayer, LivePlayerId, LiveTotal, Nickname,
};
use hocvuso_domain::contests::questions::Question;
use hocvuso_domain::ids::{CommuneId, QuestionId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use super::{QUESTION_COLUMNS, index_i32, question_from_row};
use crate::{StoreError, Tx, from_ms, opt_from_ms, to_ms};

const GAME_COLUMNS: &str = "game_id, commune_id, join_code, seconds_per_question, n_questions, phase, position, \
                            opened_at, closes_at, version, created_at";

fn game_from_row(row: &AnyRow) -> Result<LiveGame, StoreError> {
    let phase: String = row.try_get("phase")?;
    let seconds: i32 = row.try_get("seconds_per_question")?;
    let n_questions: i32 = row.try_get("n_questions")?;
    let position: Option<i32> = row.try_get("position")?;
    Ok(LiveGame {
        id: LiveGameId(row.try_get("game_id")?),
        commune_id: CommuneId(row.try_get("commune_id")?),
        join_code: row.try_get("join_code")?,
        seconds_per_question: u32::try_from(seconds).map_err(|_| StoreError::Corrupt("live_game.seconds"))?,
        n_questions: usize::try_from(n_questions).map_err(|_| StoreError::Corrupt("live_game.n_questions"))?,
        phase: LivePhase::parse(&phase).ok_or(StoreError::Corrupt("live_game.phase"))?,
        position: position.map(usize::try_from).transpose().map_err(|_| StoreError::Corrupt("live_game.position"))?,
        opened_at: opt_from_ms(row.try_get("opened_at")?)?,
        closes_at: opt_from_ms(row.try_get("closes_at")?)?,
        version: row.try_get("version")?,
        created_at: from_ms(row.try_get("created_at")?)?,
    })
}

impl Tx {
    /// Creates a game in its lobby over the given questions of the commune's bank (in that order). `Conflict`
    /// when the join code is taken (draw another); `MissingReference` for a question not of the commune's bank.
    pub async fn insert_live_game(
        &mut self,
        commune_id: CommuneId,
        join_code: &str,
        seconds_per_question: u32,
        questions: &[QuestionId],
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<LiveGameId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO live_game (commune_id, join_code, seconds_per_question, n_questions, phase, version, \
             created_at, created_by) VALUES ($1, $2, $3, $4, 'lobby', 1, $5, $6) RETURNING game_id",
        )
        .bind(commune_id.0)
        .bind(join_code)
        .bind(i32::try_from(seconds_per_question).map_err(|_| StoreError::Corrupt("live_game.seconds"))?)
        .bind(index_i32(questions.len(), "live_game.n_questions")?)
        .bind(to_ms(now))
        .bind(by.map(|u| u.0))
        .fetch_one(self.conn())
        .await?;
        let game_id: i64 = row.try_get("game_id")?;
        for (position, question) in questions.iter().enumerate() {
            let inserted = sqlx::query(
                "INSERT INTO live_item (game_id, position, question_id) \
                 SELECT $1, $2, q.question_id FROM contest_question q WHERE q.question_id = $3 AND q.commune_id = $4",
            )
            .bind(game_id)
            .bind(index_i32(position, "live_item.position")?)
            .bind(question.0)
            .bind(commune_id.0)
            .execute(self.conn())
            .await?;
            if inserted.rows_affected() != 1 {
                return Err(StoreError::MissingReference);
            }
        }
        Ok(LiveGameId(game_id))
    }

    /// A game by id.
    pub async fn live_game(&mut self, id: LiveGameId) -> Result<Option<LiveGame>, StoreError> {
        let sql = format!("SELECT {GAME_COLUMNS} FROM live_game WHERE game_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(self.conn()).await?;
        row.as_ref().map(game_from_row).transpose()
    }

    /// A game by its join code (as typed, upper case).
    pub async fn live_game_by_code(&mut self, join_code: &str) -> Result<Option<LiveGame>, StoreError> {
        let sql = format!("SELECT {GAME_COLUMNS} FROM live_game WHERE join_code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(join_code).fetch_optional(self.conn()).await?;
        row.as_ref().map(game_from_row).transpose()
    }

    /// The commune's games, latest first, at most `limit`.
    pub async fn list_live_games(&mut self, commune_id: CommuneId, limit: u32) -> Result<Vec<LiveGame>, StoreError> {
        let sql = format!(
            "SELECT {GAME_COLUMNS} FROM live_game WHERE commune_id = $1 ORDER BY created_at DESC, game_id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(commune_id.0)
            .bind(i64::from(limit))
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(game_from_row).collect()
    }

    /// The questions of a game, in the order asked.
    pub async fn live_questions(&mut self, id: LiveGameId) -> Result<Vec<(QuestionId, Question)>, StoreError> {
        let sql = format!(
            "SELECT {} FROM live_item i JOIN contest_question q ON q.question_id = i.question_id \
             WHERE i.game_id = $1 ORDER BY i.position",
            QUESTION_COLUMNS.split(", ").map(|c| format!("q.{c}")).collect::<Vec<_>>().join(", ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_all(self.conn()).await?;
        rows.iter().map(question_from_row).collect()
    }

    /// Opens the question at `position` if the game stands at `from` (the lobby or the previous closed question).
    /// False when it does not (a second press, or another screen was quicker).
    pub async fn open_live_question(
        &mut self,
        id: LiveGameId,
        from_version: i64,
        position: usize,
        now: OffsetDateTime,
        closes_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE live_game SET phase = 'open', position = $3, opened_at = $4, closes_at = $5, version = version + 1 \
             WHERE game_id = $1 AND version = $2 AND phase IN ('lobby', 'closed') AND n_questions > $3",
        )
        .bind(id.0)
        .bind(from_version)
        .bind(index_i32(position, "live_game.position")?)
        .bind(to_ms(now))
        .bind(to_ms(closes_at))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Closes the open question at `position`; false when it is not open (already closed, by time or by the host).
    pub async fn close_live_question(&mut self, id: LiveGameId, position: usize) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE live_game SET phase = 'closed', version = version + 1 \
             WHERE game_id = $1 AND phase = 'open' AND position = $2",
        )
        .bind(id.0)
        .bind(index_i32(position, "live_game.position")?)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends a game that is not open (its last question closed, or the host stops early); false when it is open or
    /// already over.
    pub async fn end_live_game(&mut self, id: LiveGameId, from_version: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE live_game SET phase = 'ended', version = version + 1 \
             WHERE game_id = $1 AND version = $2 AND phase IN ('lobby', 'closed')",
        )
        .bind(id.0)
        .bind(from_version)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds a player. `Conflict` when the nickname (folded) is taken in this game.
    pub async fn insert_live_player(
        &mut self,
        game_id: LiveGameId,
        nickname: &Nickname,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<LivePlayerId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO live_player (game_id, nickname, nickname_key, token_hash, joined_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING player_id",
        )
        .bind(game_id.0)
        .bind(nickname.as_str())
        .bind(nickname.key())
        .bind(token_hash)
        .bind(to_ms(now))
        .fetch_one(self.conn())
        .await?;
        Ok(LivePlayerId(row.try_get("player_id")?))
    }

    /// A player of a game by the hash of their token.
    pub async fn live_player_by_token(
        &mut self,
        game_id: LiveGameId,
        token_hash: &str,
    ) -> Result<Option<LivePlayer>, StoreError> {
        let row =
            sqlx::query("SELECT player_id, game_id, nickname FROM live_player WHERE game_id = $1 AND token_hash = $2")
                .bind(game_id.0)
                .bind(token_hash)
                .fetch_optional(self.conn())
                .await?;
        row.map(|row| {
            Ok(LivePlayer {
                id: LivePlayerId(row.try_get("player_id")?),
                game_id: LiveGameId(row.try_get("game_id")?),
                nickname: Nickname::from_stored(row.try_get("nickname")?),
            })
        })
        .transpose()
    }

    /// How many players joined a game.
    pub async fn live_player_count(&mut self, game_id: LiveGameId) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM live_player WHERE game_id = $1")
            .bind(game_id.0)
            .fetch_one(self.conn())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Stores a player's answer to the question at `position` if, at `now`, that question is open and its deadline
    /// plus `grace_ms` has not passed, and the player has not answered it yet (the first answer counts). False
    /// when any of that does not hold: nothing is written.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_live_answer(
        &mut self,
        game_id: LiveGameId,
        player_id: LivePlayerId,
        position: usize,
        chosen: usize,
        points: u32,
        grace_ms: i64,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let lock = if self.conn().backend_name().starts_with("Postgres") { " FOR SHARE" } else { "" };
        let sql = format!(
            "INSERT INTO live_answer (player_id, position, game_id, chosen, points, answered_at) \
             SELECT $2, $3, g.game_id, $4, $5, $6 FROM live_game g \
             WHERE g.game_id = $1 AND g.phase = 'open' AND g.position = $3 AND g.closes_at + $7 >= $6{lock} \
             ON CONFLICT (player_id, position) DO NOTHING"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(game_id.0)
            .bind(player_id.0)
            .bind(index_i32(position, "live_answer.position")?)
            .bind(index_i32(chosen, "live_answer.chosen")?)
            .bind(i32::try_from(points).map_err(|_| StoreError::Corrupt("live_answer.points"))?)
            .bind(to_ms(now))
            .bind(grace_ms)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A player's answer to one question, if any.
    pub async fn live_answer_of(
        &mut self,
        player_id: LivePlayerId,
        position: usize,
    ) -> Result<Option<LiveAnswer>, StoreError> {
        let row =
            sqlx::query("SELECT player_id, chosen, points FROM live_answer WHERE player_id = $1 AND position = $2")
                .bind(player_id.0)
                .bind(index_i32(position, "live_answer.position")?)
                .fetch_optional(self.conn())
                .await?;
        row.as_ref().map(answer_from_row).transpose()
    }

    /// How many players answered the question at `position`.
    pub async fn live_answer_count(&mut self, game_id: LiveGameId, position: usize) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM live_answer WHERE game_id = $1 AND position = $2")
            .bind(game_id.0)
            .bind(index_i32(position, "live_answer.position")?)
            .fetch_one(self.conn())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Every answer to the question at `position`.
    pub async fn live_answers_at(
        &mut self,
        game_id: LiveGameId,
        position: usize,
    ) -> Result<Vec<LiveAnswer>, StoreError> {
        let rows =
            sqlx::query("SELECT player_id, chosen, points FROM live_answer WHERE game_id = $1 AND position = $2")
                .bind(game_id.0)
                .bind(index_i32(position, "live_answer.position")?)
                .fetch_all(self.conn())
                .await?;
        rows.iter().map(answer_from_row).collect()
    }

    /// Every player's total (players without a right answer score 0), in no particular order.
    pub async fn live_totals(&mut self, game_id: LiveGameId) -> Result<Vec<LiveTotal>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.player_id, p.nickname, COALESCE(SUM(a.points), 0) AS score FROM live_player p \
             LEFT JOIN live_answer a ON a.player_id = p.player_id WHERE p.game_id = $1 \
             GROUP BY p.player_id, p.nickname",
        )
        .bind(game_id.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|row| {
                let score: i64 = row.try_get("score")?;
                Ok(LiveTotal {
                    player_id: LivePlayerId(row.try_get("player_id")?),
                    nickname: Nickname::from_stored(row.try_get("nickname")?),
                    score: u64::try_from(score).map_err(|_| StoreError::Corrupt("live_answer.points"))?,
                })
            })
            .collect()
    }
}

fn answer_from_row(row: &AnyRow) -> Result<LiveAnswer, StoreError> {
    let chosen: i32 = row.try_get("chosen")?;
    let points: i32 = row.try_get("points")?;
    Ok(LiveAnswer {
        player_id: LivePlayerId(row.try_get("player_id")?),
        chosen: usize::try_from(chosen).map_err(|_| StoreError::Corrupt("live_answer.chosen"))?,
        points: u32::try_from(points).map_err(|_| StoreError::Corrupt("live_answer.points"))?,
    })
}
