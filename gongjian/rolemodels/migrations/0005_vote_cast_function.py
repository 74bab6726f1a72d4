"""On PostgreSQL a vote is stored by one call of ``rolemodels_vote_cast``, a PL/pgSQL function
holding the same INSERT as the SQLite path (services._INSERT_VOTE): the function keeps the
statement's plan for its session, where the plain statement was parsed and planned again for every
vote (about 0.1 ms of PostgreSQL's CPU, more than half of what the INSERT itself costs). When
nothing is stored it also says why in the same call, so a refused like costs no second query.

Sequential scans are off inside the function: the plan is kept, and one made while the table is
still nearly empty must not scan the whole table once it has grown; every read here goes by the
unique constraints' indexes (round, voter first)."""

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION rolemodels_vote_cast(
    p_round bigint, p_candidate bigint, p_voter bigint, p_day date, p_per_candidate integer,
    p_per_day integer, p_created_at timestamptz, p_client_ip inet, p_device_hash varchar
) RETURNS bigint LANGUAGE plpgsql SET enable_seqscan = off AS $$
-- The stored vote's id; or, with nothing stored, -1 when the voter is blocked (or unknown),
-- -2 when this candidate's daily limit is used up, -3 when the daily total is.
DECLARE
    vote_id bigint;
    here bigint;
BEGIN
    INSERT INTO rolemodels_vote (round_id, candidate_id, voter_id, day, candidate_slot, day_slot,
        candidate_limit, day_limit, created_at, client_ip, device_hash)
    SELECT p_round, p_candidate, p_voter, p_day, s.here, s.total, p_per_candidate, p_per_day,
        p_created_at, p_client_ip, p_device_hash
    FROM (SELECT COUNT(*) FILTER (WHERE candidate_id = p_candidate) AS here, COUNT(*) AS total
          FROM rolemodels_vote WHERE round_id = p_round AND voter_id = p_voter AND day = p_day) s
    WHERE s.here < p_per_candidate AND s.total < p_per_day
      AND EXISTS (SELECT 1 FROM rolemodels_voter v WHERE v.id = p_voter AND NOT v.is_blocked)
    RETURNING id INTO vote_id;
    IF vote_id IS NOT NULL THEN
        RETURN vote_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM rolemodels_voter v WHERE v.id = p_voter AND NOT v.is_blocked) THEN
        RETURN -1;
    END IF;
    SELECT COUNT(*) INTO here FROM rolemodels_vote
    WHERE round_id = p_round AND voter_id = p_voter AND day = p_day AND candidate_id = p_candidate;
    RETURN CASE WHEN here >= p_per_candidate THEN -2 ELSE -3 END;
END
$$
"""

DROP = """
DROP FUNCTION IF EXISTS rolemodels_vote_cast(bigint, bigint, bigint, date, integer, integer, timestamptz, inet, varchar)
"""


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("rolemodels", "0004_vote_fewer_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
