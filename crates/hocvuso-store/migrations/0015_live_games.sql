-- Live mode of contests (issue #5, item 6; docs/decisions/0015-live-mode.md): a game the host runs from the
-- commune's question bank, its players (a nickname and the hash of the token in their phone's cookie) and their
-- answers, each committed before it is acknowledged, at most one per player and question (the first counts).
CREATE TABLE live_game (
    game_id {{id}},
    commune_id BIGINT NOT NULL CONSTRAINT live_game_commune_fkey REFERENCES commune (commune_id),
    -- The code people type to join (6 characters); unique for ever, so an old code says "this game has ended".
    join_code TEXT NOT NULL,
    seconds_per_question INTEGER NOT NULL,
    n_questions INTEGER NOT NULL,
    -- lobby | open | closed | ended
    phase TEXT NOT NULL,
    -- The question shown, from 0; NULL in the lobby.
    position INTEGER,
    opened_at BIGINT,
    closes_at BIGINT,
    -- One more at every change of phase or question: what the pollers compare.
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT CONSTRAINT live_game_created_by_fkey REFERENCES app_user (user_id),
    CONSTRAINT live_game_join_code_key UNIQUE (join_code)
);
CREATE INDEX live_game_commune_idx ON live_game (commune_id, created_at);

-- The questions of a game, in the order asked (the bank's rows: a retired question stays readable).
CREATE TABLE live_item (
    game_id BIGINT NOT NULL CONSTRAINT live_item_game_fkey REFERENCES live_game (game_id),
    position INTEGER NOT NULL,
    question_id BIGINT NOT NULL CONSTRAINT live_item_question_fkey REFERENCES contest_question (question_id),
    CONSTRAINT live_item_pkey PRIMARY KEY (game_id, position)
);

CREATE TABLE live_player (
    player_id {{id}},
    game_id BIGINT NOT NULL CONSTRAINT live_player_game_fkey REFERENCES live_game (game_id),
    nickname TEXT NOT NULL,
    -- The folded nickname: two players of a game may not look the same on the scoreboard.
    nickname_key TEXT NOT NULL,
    -- SHA-256 of the random token kept in the player's cookie.
    token_hash TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    CONSTRAINT live_player_token_key UNIQUE (token_hash),
    CONSTRAINT live_player_nickname_key UNIQUE (game_id, nickname_key)
);

CREATE TABLE live_answer (
    player_id BIGINT NOT NULL CONSTRAINT live_answer_player_fkey REFERENCES live_player (player_id),
    position INTEGER NOT NULL,
    game_id BIGINT NOT NULL CONSTRAINT live_answer_game_fkey REFERENCES live_game (game_id),
    -- The option chosen, as its index in the bank's question.
    chosen INTEGER NOT NULL,
    -- Points by the server's clock (0 when wrong): 500 + 500 × time left ÷ time allowed.
    points INTEGER NOT NULL,
    answered_at BIGINT NOT NULL,
    CONSTRAINT live_answer_pkey PRIMARY KEY (player_id, position)
);
CREATE INDEX live_answer_game_idx ON live_answer (game_id, position);
