namespace CityCard.Storage.Sql;

/// <summary>
/// The schema as numbered migrations. A migration is never edited once released; a change is a new migration.
/// <c>{blob}</c> becomes the engine's byte-string type; <c>{without_rowid}</c> clusters a SQLite table on its primary key.
/// Records have two partial indexes on their natural key, so an accepted record (the common case) updates only the
/// unique one; lookups by key query both halves with UNION ALL. Money is BIGINT fen; ASNs are stored as signed 64-bit numbers;
/// instants as Unix seconds; business days as the number yyyyMMdd.
/// </summary>
internal static class Schema
{
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new Migration(
            1,
            "registry, batches, records, ledger, settlement",
            [
                "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
                "CREATE TABLE merchants (merchant_id BIGINT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, commission_bps BIGINT NOT NULL, registered_utc BIGINT NOT NULL)",
                "CREATE TABLE devices (device_id BIGINT PRIMARY KEY, kind BIGINT NOT NULL, operator_id BIGINT NOT NULL REFERENCES merchants (merchant_id), psam_terminal BIGINT NOT NULL, status BIGINT NOT NULL, blacklist_version BIGINT NOT NULL, registered_utc BIGINT NOT NULL)",
                "CREATE INDEX devices_psam ON devices (psam_terminal)",
                """
                CREATE TABLE cards (asn BIGINT PRIMARY KEY, city BIGINT NOT NULL, card_type BIGINT NOT NULL, status BIGINT NOT NULL,
                  deposit_fen BIGINT NOT NULL, opening_balance_fen BIGINT NOT NULL, shadow_balance_fen BIGINT NOT NULL, chain_balance_fen BIGINT NOT NULL,
                  tip_time BIGINT NOT NULL, tip_kind BIGINT NOT NULL, tip_counter BIGINT NOT NULL,
                  offline_start BIGINT NOT NULL, offline_next BIGINT NOT NULL, offline_seen_next BIGINT NOT NULL,
                  online_start BIGINT NOT NULL, online_next BIGINT NOT NULL, online_seen_next BIGINT NOT NULL,
                  open_gaps BIGINT NOT NULL, blacklisted_version BIGINT NULL, registered_utc BIGINT NOT NULL)
                """,
                "CREATE TABLE blacklist (version BIGINT PRIMARY KEY, asn BIGINT NOT NULL, action BIGINT NOT NULL, reason TEXT NOT NULL, added_utc BIGINT NOT NULL)",
                """
                CREATE TABLE batches (batch_id BIGINT PRIMARY KEY, device_id BIGINT NOT NULL, batch_number BIGINT NOT NULL, device_kind BIGINT NOT NULL,
                  psam_terminal BIGINT NOT NULL, operator_id BIGINT NOT NULL, parameter_version BIGINT NOT NULL, created_utc BIGINT NOT NULL,
                  business_date BIGINT NOT NULL, received_utc BIGINT NOT NULL, file_sha256 TEXT NOT NULL, declared_records BIGINT NOT NULL, declared_fen BIGINT NOT NULL,
                  accepted BIGINT NOT NULL, accepted_fen BIGINT NOT NULL, duplicate BIGINT NOT NULL, duplicate_fen BIGINT NOT NULL,
                  rejected BIGINT NOT NULL, rejected_fen BIGINT NOT NULL, suspect BIGINT NOT NULL, suspect_fen BIGINT NOT NULL,
                  ledger_transaction_id BIGINT NULL, settled_on BIGINT NULL, UNIQUE (device_id, batch_number))
                """,
                "CREATE INDEX batches_unsettled ON batches (settled_on, business_date)",
                """
                CREATE TABLE records (batch_id BIGINT NOT NULL, idx BIGINT NOT NULL, asn BIGINT NOT NULL, counter_kind BIGINT NOT NULL, counter BIGINT NOT NULL,
                  order_time BIGINT NOT NULL, kind BIGINT NOT NULL, reason BIGINT NOT NULL, outcome BIGINT NOT NULL, amount_fen BIGINT NOT NULL,
                  balance_before_fen BIGINT NOT NULL, balance_after_fen BIGINT NOT NULL, party_id BIGINT NOT NULL, full_fare_fen BIGINT NOT NULL,
                  subsidy_fen BIGINT NOT NULL, commission_fen BIGINT NOT NULL, commission_bps BIGINT NOT NULL, raw {blob} NOT NULL,
                  PRIMARY KEY (batch_id, idx)){without_rowid}
                """,
                "CREATE UNIQUE INDEX records_accepted_key ON records (asn, counter_kind, counter) WHERE outcome = 1",
                "CREATE INDEX records_held_key ON records (asn, counter_kind, counter) WHERE outcome <> 1",
                "CREATE INDEX records_held ON records (outcome, batch_id) WHERE outcome <> 1",
                "CREATE TABLE gaps (asn BIGINT NOT NULL, counter_kind BIGINT NOT NULL, counter BIGINT NOT NULL, PRIMARY KEY (asn, counter_kind, counter))",
                """
                CREATE TABLE refused_files (file_sha256 TEXT NOT NULL, refusal BIGINT NOT NULL, device_id BIGINT NULL, batch_number BIGINT NULL,
                  business_date BIGINT NULL, message TEXT NOT NULL, received_utc BIGINT NOT NULL, bytes {blob} NOT NULL, PRIMARY KEY (file_sha256, refusal))
                """,
                "CREATE TABLE ledger_transactions (transaction_id BIGINT PRIMARY KEY, kind BIGINT NOT NULL, business_date BIGINT NOT NULL, reference TEXT NOT NULL, reverses BIGINT NULL)",
                "CREATE TABLE postings (transaction_id BIGINT NOT NULL REFERENCES ledger_transactions (transaction_id), line BIGINT NOT NULL, account BIGINT NOT NULL, sub BIGINT NOT NULL, amount_fen BIGINT NOT NULL, PRIMARY KEY (transaction_id, line))",
                "CREATE INDEX postings_account ON postings (account, sub)",
                "CREATE TABLE settlements (business_date BIGINT PRIMARY KEY, created_utc BIGINT NOT NULL, batches BIGINT NOT NULL, differences TEXT NOT NULL, ledger_transaction_id BIGINT NULL)",
                """
                CREATE TABLE settlement_statements (business_date BIGINT NOT NULL, merchant_id BIGINT NOT NULL, commission_bps BIGINT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL,
                  purchases BIGINT NOT NULL, gross_fen BIGINT NOT NULL, discount_fen BIGINT NOT NULL, subsidy_fen BIGINT NOT NULL, revenue_fen BIGINT NOT NULL,
                  commission_fen BIGINT NOT NULL, net_fen BIGINT NOT NULL, loads BIGINT NOT NULL, loads_fen BIGINT NOT NULL,
                  PRIMARY KEY (business_date, merchant_id, commission_bps))
                """,
            ],
            [
                "CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END",
                "CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END",
                "CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END",
                "CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END",
            ],
            [
                "CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the ledger is append-only: correct by reversal'; END $$",
                "CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION ledger_append_only()",
                "CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings FOR EACH ROW EXECUTE FUNCTION ledger_append_only()",
            ]),
        new Migration(
            2,
            "suspect review",
            [
                """
                CREATE TABLE reviews (batch_id BIGINT NOT NULL, idx BIGINT NOT NULL, decision BIGINT NOT NULL, note TEXT NOT NULL, reviewed_utc BIGINT NOT NULL,
                  ledger_transaction_id BIGINT NULL, PRIMARY KEY (batch_id, idx))
                """,
            ],
            [],
            []),
        new Migration(
            3,
            "online loads",
            [
                """
                CREATE TABLE pending_loads (asn BIGINT NOT NULL, online_counter BIGINT NOT NULL, device_id BIGINT NOT NULL, terminal BIGINT NOT NULL,
                  balance_before_fen BIGINT NOT NULL, amount_fen BIGINT NOT NULL, host_time BIGINT NOT NULL, mac2 BIGINT NOT NULL, status BIGINT NOT NULL,
                  authorised_utc BIGINT NOT NULL, PRIMARY KEY (asn, online_counter))
                """,
            ],
            [],
            []),
        new Migration(
            4,
            "parameter publication and pickups; time a gap was opened",
            [
                "CREATE TABLE parameter_contents (content_version BIGINT PRIMARY KEY, content TEXT NOT NULL, note TEXT NOT NULL, set_utc BIGINT NOT NULL)",
                """
                CREATE TABLE parameter_versions (version BIGINT PRIMARY KEY, content_version BIGINT NOT NULL, blacklist_version BIGINT NOT NULL,
                  published_utc BIGINT NOT NULL, payload_sha256 TEXT NOT NULL)
                """,
                """
                CREATE TABLE parameter_pickups (device_id BIGINT NOT NULL, version BIGINT NOT NULL, blacklist_version BIGINT NOT NULL, delta BIGINT NOT NULL,
                  picked_up_utc BIGINT NOT NULL, PRIMARY KEY (device_id, version))
                """,
                "CREATE INDEX parameter_pickups_blacklist ON parameter_pickups (device_id, blacklist_version)",
                // NULL = opened before this migration and not back-filled; the migration sets those to the time it ran.
                "ALTER TABLE gaps ADD COLUMN opened_utc BIGINT NULL",
            ],
            ["UPDATE gaps SET opened_utc = CAST(strftime('%s', 'now') AS INTEGER) WHERE opened_utc IS NULL"],
            ["UPDATE gaps SET opened_utc = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) WHERE opened_utc IS NULL"]),
        new Migration(
            5,
            "card lifecycle: products and holders, pending credits, operator log, idempotent requests, approvals",
            [
                """
                CREATE TABLE card_profiles (asn BIGINT PRIMARY KEY, product TEXT NOT NULL, holder_name TEXT NULL, id_number TEXT NULL,
                  valid_until BIGINT NOT NULL, concession_valid_until BIGINT NULL, lost_utc BIGINT NULL, lost_balance_fen BIGINT NULL,
                  closed_as TEXT NULL, closed_utc BIGINT NULL, replaced_by BIGINT NULL, replaces BIGINT NULL, statement TEXT NULL)
                """,
                """
                CREATE TABLE pending_credits (credit_id BIGINT PRIMARY KEY, asn BIGINT NOT NULL, source TEXT NOT NULL, reference TEXT NOT NULL UNIQUE,
                  amount_fen BIGINT NOT NULL, status BIGINT NOT NULL, created_utc BIGINT NOT NULL, load_counter BIGINT NULL, load_device BIGINT NULL,
                  settled_utc BIGINT NULL)
                """,
                "CREATE INDEX pending_credits_card ON pending_credits (asn)",
                "CREATE INDEX pending_credits_open ON pending_credits (status, created_utc)",
                """
                CREATE TABLE operator_log (sequence BIGINT PRIMARY KEY, operator TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, at_utc BIGINT NOT NULL,
                  before_state TEXT NOT NULL, after_state TEXT NOT NULL, request_id TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL)
                """,
                "CREATE TABLE operations (request_id TEXT PRIMARY KEY, operation TEXT NOT NULL, fingerprint TEXT NOT NULL, answer TEXT NOT NULL, created_utc BIGINT NOT NULL)",
                """
                CREATE TABLE approvals (approval_id BIGINT PRIMARY KEY, operation TEXT NOT NULL, subject TEXT NOT NULL, amount_fen BIGINT NOT NULL, maker TEXT NOT NULL,
                  request_id TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, checker TEXT NULL, created_utc BIGINT NOT NULL, decided_utc BIGINT NULL)
                """,
                "ALTER TABLE pending_loads ADD COLUMN mac1 BIGINT NULL",
                "CREATE INDEX pending_loads_open ON pending_loads (status, authorised_utc)",
                "CREATE INDEX pending_loads_card ON pending_loads (asn, status)",
            ],
            [
                "CREATE TRIGGER operator_log_no_update BEFORE UPDATE ON operator_log BEGIN SELECT RAISE(ABORT, 'the operator log is append-only'); END",
                "CREATE TRIGGER operator_log_no_delete BEFORE DELETE ON operator_log BEGIN SELECT RAISE(ABORT, 'the operator log is append-only'); END",
            ],
            [
                "CREATE FUNCTION operator_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the operator log is append-only'; END $$",
                "CREATE TRIGGER operator_log_append_only BEFORE UPDATE OR DELETE ON operator_log FOR EACH ROW EXECUTE FUNCTION operator_log_append_only()",
            ]),
        new Migration(
            6,
            "settlement statements count the loads that claimed pending credits (no cash taken)",
            [
                // 0 for settlements run before: they asked the outlets to remit every load (docs/clearing.md).
                "ALTER TABLE settlement_statements ADD COLUMN claims BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE settlement_statements ADD COLUMN claims_fen BIGINT NOT NULL DEFAULT 0",
            ],
            [],
            []),
        new Migration(
            7,
            "settlement audit checkpoint: the last ledger transaction a settlement checked, with the postings and card float sums up to it",
            [
                // NULL for settlements run before: the next settlement then checks the ledger from its first transaction.
                "ALTER TABLE settlements ADD COLUMN audited_transaction BIGINT NULL",
                "ALTER TABLE settlements ADD COLUMN audited_postings_fen BIGINT NULL",
                "ALTER TABLE settlements ADD COLUMN audited_card_float_fen BIGINT NULL",
            ],
            [],
            []),
        new Migration(
            8,
            "batch totals: each batch's records summed by party, rate, outcome and kind when it is stored (settlement reads these)",
            [
                // Append-only: the lines written with the batch, then a pair of lines (the old sums taken out, the new put in)
                // for every review that changes one of its records.
                """
                CREATE TABLE batch_totals (batch_id BIGINT NOT NULL, line BIGINT NOT NULL, party_id BIGINT NOT NULL, commission_bps BIGINT NOT NULL,
                  outcome BIGINT NOT NULL, kind BIGINT NOT NULL, records BIGINT NOT NULL, amount_fen BIGINT NOT NULL, full_fare_fen BIGINT NOT NULL,
                  subsidy_fen BIGINT NOT NULL, commission_fen BIGINT NOT NULL, PRIMARY KEY (batch_id, line))
                """,
                // Batches stored before: their totals from their records as they are now.
                """
                INSERT INTO batch_totals (batch_id, line, party_id, commission_bps, outcome, kind, records, amount_fen, full_fare_fen, subsidy_fen, commission_fen)
                SELECT batch_id, ROW_NUMBER() OVER (PARTITION BY batch_id ORDER BY party_id, commission_bps, outcome, kind), party_id, commission_bps, outcome, kind,
                  COUNT(*), SUM(amount_fen), SUM(full_fare_fen), SUM(subsidy_fen), SUM(commission_fen)
                FROM records GROUP BY batch_id, party_id, commission_bps, outcome, kind
                """,
            ],
            [],
            []),
        new Migration(
            9,
            "back-office operators: a name, a role and the SHA-256 of the bearer token (never the token)",
            [
                "CREATE TABLE operators (name TEXT PRIMARY KEY, role BIGINT NOT NULL, token_sha256 TEXT NOT NULL UNIQUE, created_utc BIGINT NOT NULL, revoked_utc BIGINT NULL)",
            ],
            [],
            []),
        new Migration(
            10,
            "SQLite: records clustered by batch and then card key, so a batch stored in key order is appended and visits the key index in order",
            [],
            [
                // The clustered key was (batch_id, idx): a batch's records had to go in in file order, and each one then went into
                // another card's stretch of the accepted-key index. Now both the table and that index are written in key order.
                // (batch_id, idx) is kept unique by the writer (SqlSession.SaveBatch checks the positions); an index on it, written
                // in file order beside a table written in key order, cost about a sixth of the rate. PostgreSQL keeps its heap and
                // (batch_id, idx) primary key.
                """
                CREATE TABLE records_by_key (batch_id BIGINT NOT NULL, idx BIGINT NOT NULL, asn BIGINT NOT NULL, counter_kind BIGINT NOT NULL, counter BIGINT NOT NULL,
                  order_time BIGINT NOT NULL, kind BIGINT NOT NULL, reason BIGINT NOT NULL, outcome BIGINT NOT NULL, amount_fen BIGINT NOT NULL,
                  balance_before_fen BIGINT NOT NULL, balance_after_fen BIGINT NOT NULL, party_id BIGINT NOT NULL, full_fare_fen BIGINT NOT NULL,
                  subsidy_fen BIGINT NOT NULL, commission_fen BIGINT NOT NULL, commission_bps BIGINT NOT NULL, raw BLOB NOT NULL,
                  PRIMARY KEY (batch_id, asn, counter_kind, counter, idx)) WITHOUT ROWID
                """,
                $"INSERT INTO records_by_key ({RecordColumns}) SELECT {RecordColumns} FROM records ORDER BY batch_id, asn, counter_kind, counter, idx",
                "DROP TABLE records",
                "ALTER TABLE records_by_key RENAME TO records",
                "CREATE UNIQUE INDEX records_accepted_key ON records (asn, counter_kind, counter) WHERE outcome = 1",
                "CREATE INDEX records_held_key ON records (asn, counter_kind, counter) WHERE outcome <> 1",
                "CREATE INDEX records_held ON records (outcome, batch_id) WHERE outcome <> 1",
            ],
            []),
        new Migration(
            11,
            "PostgreSQL: records without the (batch_id, idx) primary key; a BRIN index on batch_id finds a batch's rows",
            [],
            [],
            [
                // (batch_id, idx) is unique by construction, as on SQLite since migration 10 (SqlSession.SaveBatch checks the
                // positions). Its B-tree was written out of order (a batch goes in in card-key order) and cost about a quarter
                // of the server's work per record. Batch ids grow with the heap's insertion order, so a BRIN index (a few pages
                // for millions of rows, little to keep up) narrows a batch or a range of batches to its blocks.
                "ALTER TABLE records DROP CONSTRAINT records_pkey",
                "CREATE INDEX records_batch ON records USING brin (batch_id)",
            ]),
        new Migration(
            12,
            "PostgreSQL: a posting's ledger transaction checked once per statement instead of once per row",
            [],
            [],
            [
                // The foreign key ran one lookup query per posting row; a batch posts to each of its cards (50,000 rows for
                // a batch of 50,000 different cards), all naming the same transaction. The statement-level trigger looks up
                // each distinct transaction of the inserted rows once. Ledger transactions can be neither deleted nor
                // changed (ledger_append_only), so checking inserts covers everything the foreign key guarded. SQLite
                // keeps its foreign key (checked per row, but in-process and cheap).
                "ALTER TABLE postings DROP CONSTRAINT postings_transaction_id_fkey",
                """
                CREATE FUNCTION postings_name_transactions() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE named BIGINT;
                BEGIN
                  -- One primary-key probe per distinct transaction, whatever the planner knows of the tables' sizes.
                  FOR named IN SELECT DISTINCT transaction_id FROM new_postings LOOP
                    PERFORM 1 FROM ledger_transactions WHERE transaction_id = named;
                    IF NOT FOUND THEN
                      RAISE EXCEPTION 'a posting names ledger transaction %, which does not exist', named USING ERRCODE = 'foreign_key_violation';
                    END IF;
                  END LOOP;
                  RETURN NULL;
                END $$
                """,
                "CREATE TRIGGER postings_transaction_exists AFTER INSERT ON postings REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION postings_name_transactions()",
            ]),
        new Migration(
            13,
            "postings without the (account, sub) index",
            [
                // A batch posts once to each of its cards, so with many cards a batch wrote as many entries into this index
                // as it has records, each at a random place (by card). Only the whole-database audit read by account, and it
                // reads every posting anyway; a scan serves it. Postings stay findable by transaction (the primary key).
                "DROP INDEX postings_account",
            ],
            [],
            []),
        new Migration(
            14,
            "SQLite: cards keyed by their ASN as the table's own key",
            [],
            [
                // "asn BIGINT PRIMARY KEY" made SQLite keep a hidden row id and a separate unique index on asn: every card read
                // or written by ASN went down two B-trees. "INTEGER PRIMARY KEY" makes the ASN the row id (ASNs above 2^63 are
                // stored as negative numbers, which a row id allows), one B-tree, and the same uniqueness. Every row is copied,
                // in ASN order, in the migration's transaction. PostgreSQL's table and primary key are unchanged.
                """
                CREATE TABLE cards_by_asn (asn INTEGER PRIMARY KEY, city BIGINT NOT NULL, card_type BIGINT NOT NULL, status BIGINT NOT NULL,
                  deposit_fen BIGINT NOT NULL, opening_balance_fen BIGINT NOT NULL, shadow_balance_fen BIGINT NOT NULL, chain_balance_fen BIGINT NOT NULL,
                  tip_time BIGINT NOT NULL, tip_kind BIGINT NOT NULL, tip_counter BIGINT NOT NULL,
                  offline_start BIGINT NOT NULL, offline_next BIGINT NOT NULL, offline_seen_next BIGINT NOT NULL,
                  online_start BIGINT NOT NULL, online_next BIGINT NOT NULL, online_seen_next BIGINT NOT NULL,
                  open_gaps BIGINT NOT NULL, blacklisted_version BIGINT NULL, registered_utc BIGINT NOT NULL)
                """,
                $"INSERT INTO cards_by_asn ({CardColumns}) SELECT {CardColumns} FROM cards ORDER BY asn",
                "DROP TABLE cards",
                "ALTER TABLE cards_by_asn RENAME TO cards",
            ],
            []),
        new Migration(
            15,
            "SQLite: postings clustered by (transaction, line)",
            [],
            [
                // The table kept a hidden row id and, for its primary key, a second B-tree: every posting went into both, and a
                // range of transactions was read through the index with a table lookup per posting. Clustered by its key, a
                // posting is one entry appended to one B-tree, and the settlement reads the day's transactions as one stretch.
                // The foreign key and the append-only triggers are made again on the new table. Every row is copied in key order
                // in the migration's transaction. PostgreSQL is unchanged.
                "CREATE TABLE postings_by_key (transaction_id BIGINT NOT NULL REFERENCES ledger_transactions (transaction_id), line BIGINT NOT NULL, account BIGINT NOT NULL, sub BIGINT NOT NULL, amount_fen BIGINT NOT NULL, PRIMARY KEY (transaction_id, line)) WITHOUT ROWID",
                "INSERT INTO postings_by_key (transaction_id, line, account, sub, amount_fen) SELECT transaction_id, line, account, sub, amount_fen FROM postings ORDER BY transaction_id, line",
                "DROP TABLE postings",
                "ALTER TABLE postings_by_key RENAME TO postings",
                "CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END",
                "CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END",
            ],
            []),
    ];

    public static int LatestVersion => Migrations[^1].Version;

    // Migration 14 copies every card column by name (the card columns as of migration 1).
    private const string CardColumns = "asn, city, card_type, status, deposit_fen, opening_balance_fen, shadow_balance_fen, chain_balance_fen, tip_time, tip_kind, tip_counter, offline_start, offline_next, offline_seen_next, online_start, online_next, online_seen_next, open_gaps, blacklisted_version, registered_utc";

    // Migration 10 copies every column by name (the record columns as of migration 1).
    private const string RecordColumns = "batch_id, idx, asn, counter_kind, counter, order_time, kind, reason, outcome, amount_fen, balance_before_fen, balance_after_fen, party_id, full_fare_fen, subsidy_fen, commission_fen, commission_bps, raw";
}
