"""HR dashboard figures kept by the database: counts of current assignments per department,
course and what their status depends on, maintained by triggers, filled from today's rows.

Revision ID: 0017_compliance_counts
Revises: 0016_one_time_secrets
"""
from alembic import op
import sqlalchemy as sa


revision = "0017_compliance_counts"
down_revision = "0016_one_time_secrets"
branch_labels = None
depends_on = None

# The key of an assignment row `r` (docs/architecture.md, "HR figures"). Frozen here: the
# triggers must keep computing what this revision wrote, whatever the code does later;
# trainer/compliance/counts.py has the same definition in Python (a test holds them equal).
DELTA = "('major_change', 'regulation_update')"
NO_DATE = "'9999-12-31'"


def stage(r):
    return (f"CASE WHEN {r}.completed_on IS NOT NULL THEN 'completed' "
            f"WHEN {r}.closed_on IS NOT NULL THEN 'closed' "
            f"WHEN {r}.reason = 'refresher' THEN 'refresher' "
            f"WHEN {r}.reason IN {DELTA} THEN 'update' "
            f"WHEN {r}.started_on IS NOT NULL THEN 'started' ELSE 'not_started' END")


def due(r):
    return f"CASE WHEN {r}.completed_on IS NULL AND {r}.closed_on IS NULL THEN {r}.due_on ELSE {NO_DATE} END"


def expires(r):
    return (f"CASE WHEN {r}.completed_on IS NOT NULL OR ({r}.closed_on IS NULL AND {r}.reason IN {DELTA}) "
            f"THEN COALESCE({r}.expires_on, {NO_DATE}) ELSE {NO_DATE} END")


COLUMNS = "department_id, course_id, stage, due_on, expires_on, n, merged"
KEY = "department_id, course_id, stage, due_on, expires_on"


def keyed(r):
    return f"{r}.course_id AS course_id, {stage(r)} AS stage, {due(r)} AS due_on, {expires(r)} AS expires_on"


# --- SQLite: a row trigger per change adds +1/-1 into the key's merged row ----------------

def sqlite_add(r, sign):
    return (f"INSERT INTO compliance_counts ({COLUMNS}) "
            f"SELECT COALESCE(u.department_id, 0), {keyed(r)}, {sign}, 1 FROM users u "
            f"WHERE u.id = {r}.user_id AND u.active AND {r}.current "
            f"ON CONFLICT ({KEY}) WHERE merged DO UPDATE SET n = n + excluded.n;")


def sqlite_move(person, sign):
    return (f"INSERT INTO compliance_counts ({COLUMNS}) "
            f"SELECT COALESCE({person}.department_id, 0), {keyed('a')}, {sign} * COUNT(*), 1 "
            f"FROM assignments a WHERE a.user_id = {person}.id AND a.current AND {person}.active "
            f"GROUP BY 2, 3, 4, 5 "
            f"ON CONFLICT ({KEY}) WHERE merged DO UPDATE SET n = n + excluded.n;")


def same_key(old, new):
    return (f"{old}.current IS {new}.current AND {old}.user_id IS {new}.user_id "
            f"AND {old}.course_id IS {new}.course_id AND ({stage(old)}) IS ({stage(new)}) "
            f"AND ({due(old)}) IS ({due(new)}) AND ({expires(old)}) IS ({expires(new)})")


SQLITE_TRIGGERS = {
    "compliance_counts_assignment_inserted":
        f"AFTER INSERT ON assignments WHEN NEW.current BEGIN {sqlite_add('NEW', 1)} END",
    "compliance_counts_assignment_deleted":
        f"AFTER DELETE ON assignments WHEN OLD.current BEGIN {sqlite_add('OLD', -1)} END",
    "compliance_counts_assignment_updated":
        "AFTER UPDATE OF current, user_id, course_id, reason, due_on, started_on, completed_on, "
        f"expires_on, closed_on ON assignments WHEN NOT ({same_key('OLD', 'NEW')}) "
        f"BEGIN {sqlite_add('OLD', -1)} {sqlite_add('NEW', 1)} END",
    "compliance_counts_person_updated":
        "AFTER UPDATE OF department_id, active ON users "
        "WHEN OLD.department_id IS NOT NEW.department_id OR OLD.active IS NOT NEW.active "
        f"BEGIN {sqlite_move('OLD', -1)} {sqlite_move('NEW', 1)} END",
}


# --- PostgreSQL: a statement trigger appends the statement's net change, unmerged --------
# Appending takes no lock on existing rows, so concurrent writers never wait on each other
# here; trainer.compliance.counts.merge_counts folds the deltas in (under the sync lock).

def pg_rows(table, sign):
    return (f"SELECT COALESCE(u.department_id, 0) AS department_id, {keyed('a')}, {sign} AS d "
            f"FROM {table} a JOIN users u ON u.id = a.user_id WHERE a.current AND u.active")


def pg_append(select):
    return (f"INSERT INTO compliance_counts ({COLUMNS}) "
            f"SELECT department_id, course_id, stage, due_on, expires_on, SUM(d), false "
            f"FROM ({select}) AS change GROUP BY 1, 2, 3, 4, 5 HAVING SUM(d) <> 0;")


def pg_person_rows(table, sign):
    return (f"SELECT COALESCE(p.department_id, 0) AS department_id, {keyed('a')}, {sign} AS d "
            f"FROM {table} p JOIN assignments a ON a.user_id = p.id AND a.current "
            f"WHERE p.active AND p.id IN (SELECT o.id FROM old_people o JOIN new_people n ON n.id = o.id "
            f"WHERE o.department_id IS DISTINCT FROM n.department_id OR o.active IS DISTINCT FROM n.active)")


PG_FUNCTIONS = {
    "compliance_counts_assignments_inserted": pg_append(pg_rows("new_rows", 1)),
    "compliance_counts_assignments_deleted": pg_append(pg_rows("old_rows", -1)),
    "compliance_counts_assignments_updated":
        pg_append(f"{pg_rows('old_rows', -1)} UNION ALL {pg_rows('new_rows', 1)}"),
    "compliance_counts_people_updated":
        pg_append(f"{pg_person_rows('old_people', -1)} UNION ALL {pg_person_rows('new_people', 1)}"),
}
PG_TRIGGERS = {
    "compliance_counts_assignments_inserted": "AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows",
    "compliance_counts_assignments_deleted": "AFTER DELETE ON assignments REFERENCING OLD TABLE AS old_rows",
    "compliance_counts_assignments_updated":
        "AFTER UPDATE ON assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "compliance_counts_people_updated":
        "AFTER UPDATE ON users REFERENCING OLD TABLE AS old_people NEW TABLE AS new_people",
}

BACKFILL = (f"INSERT INTO compliance_counts ({COLUMNS}) "
            f"SELECT COALESCE(u.department_id, 0), {keyed('a')}, COUNT(*), true "
            f"FROM assignments a JOIN users u ON u.id = a.user_id WHERE a.current AND u.active "
            f"GROUP BY 1, 2, 3, 4, 5")


def upgrade():
    op.create_table(
        "compliance_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_counts")),
    )
    op.create_index("uq_compliance_counts_key", "compliance_counts",
                    ["department_id", "course_id", "stage", "due_on", "expires_on"], unique=True,
                    sqlite_where=sa.text("merged"), postgresql_where=sa.text("merged"))
    op.create_index("ix_compliance_counts_read", "compliance_counts",
                    ["department_id", "course_id", "stage", "due_on", "expires_on", "n"])
    op.create_index("ix_compliance_counts_unmerged", "compliance_counts", ["id"],
                    sqlite_where=sa.text("NOT merged"), postgresql_where=sa.text("NOT merged"))
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == "postgresql":
        for name, body in PG_FUNCTIONS.items():
            op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {body} RETURN NULL; END $$")
            op.execute(f"CREATE TRIGGER {name} {PG_TRIGGERS[name]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, definition in PG_TRIGGERS.items():
            table = definition.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_compliance_counts_unmerged", table_name="compliance_counts")
    op.drop_index("ix_compliance_counts_read", table_name="compliance_counts")
    op.drop_index("uq_compliance_counts_key", table_name="compliance_counts")
    op.drop_table("compliance_counts")
