"""The audit log of staff writes in the console.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 23:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('who', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=True),
    sa.Column('request', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('table_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=True),
    sa.Column('changes_json', sa.Text(), nullable=False),
    sa.CheckConstraint("action IN ('created', 'changed', 'deleted')", name='ck_auditentry_action'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditentry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditentry_user_id'))
        batch_op.drop_index(batch_op.f('ix_auditentry_cluster_id'))
        batch_op.drop_index(batch_op.f('ix_auditentry_at'))
    op.drop_table('auditentry')
