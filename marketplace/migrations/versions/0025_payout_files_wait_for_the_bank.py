"""SEPA payout files wait for the bank: a file is prepared, then executed or cancelled; its settlements are
"prepared" until the treasurer confirms execution.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 22:13:17.584084
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAYOUT_STATUSES = "payout_status IN ('none', 'carried', 'pending', 'prepared', 'paid')"
OLD_PAYOUT_STATUSES = "payout_status IN ('none', 'carried', 'pending', 'paid')"


def upgrade() -> None:
    # Files made before this revision were posted as paid when they were made: they stand as executed that day.
    with op.batch_alter_table('payoutfile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                      server_default='executed'))
        batch_op.add_column(sa.Column('executed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_payoutfile_closed_by', 'user', ['closed_by'], ['id'])
        batch_op.create_check_constraint('ck_payoutfile_status', "status IN ('prepared', 'executed', 'cancelled')")
    op.execute("UPDATE payoutfile SET executed_on = CAST(created_at AS DATE), closed_at = created_at")
    with op.batch_alter_table('payoutfile', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
    with op.batch_alter_table('settlement', schema=None) as batch_op:
        batch_op.drop_constraint('ck_settlement_payout_status', type_='check')
        batch_op.create_check_constraint('ck_settlement_payout_status', PAYOUT_STATUSES)


def downgrade() -> None:
    op.execute("UPDATE settlement SET payout_status = 'pending', payout_file_id = NULL "
               "WHERE payout_status = 'prepared'")
    with op.batch_alter_table('settlement', schema=None) as batch_op:
        batch_op.drop_constraint('ck_settlement_payout_status', type_='check')
        batch_op.create_check_constraint('ck_settlement_payout_status', OLD_PAYOUT_STATUSES)
    with op.batch_alter_table('payoutfile', schema=None) as batch_op:
        batch_op.drop_constraint('ck_payoutfile_status', type_='check')
        batch_op.drop_constraint('fk_payoutfile_closed_by', type_='foreignkey')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('executed_on')
        batch_op.drop_column('status')
