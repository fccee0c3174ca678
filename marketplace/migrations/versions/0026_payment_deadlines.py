"""Payment deadlines: an order knows whether it holds stock (a transfer keeps it for days, a service has a payment
term) and which reminders its buyer gets before the deadline. The federation's debt accounts are named after
their cluster.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 22:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The kinds whose lines hold stock when this revision was written.
HOLDING_KINDS = "('event_ticket', 'stand', 'sponsorship', 'coworking', 'room')"


def upgrade() -> None:
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holds_stock', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('reminder_days', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), nullable=False, server_default='0'))
    op.execute(f'UPDATE "order" SET holds_stock = true WHERE id IN '
               f'(SELECT order_id FROM orderline WHERE kind IN {HOLDING_KINDS})')
    # The federation's debt to a cluster is named after the cluster, not its number.
    op.execute("UPDATE ledgeraccount SET name = 'Dû à ' || (SELECT name FROM cluster WHERE cluster.id = "
               "ledgeraccount.cluster_id) WHERE key LIKE 'federation:467-c%'")


def downgrade() -> None:
    op.execute("UPDATE ledgeraccount SET name = 'Dû au cluster n° ' || CAST(cluster_id AS VARCHAR) "
               "WHERE key LIKE 'federation:467-c%'")
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('reminders_sent')
        batch_op.drop_column('reminder_days')
        batch_op.drop_column('holds_stock')
