"""room booking horizon

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 19:34:35.016818
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('roomspace', schema=None) as batch_op:
        batch_op.add_column(sa.Column('horizon_days', sa.Integer(), nullable=False, server_default='365'))


def downgrade() -> None:
    with op.batch_alter_table('roomspace', schema=None) as batch_op:
        batch_op.drop_column('horizon_days')

