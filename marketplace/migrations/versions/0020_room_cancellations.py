"""room cancellations

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 18:04:05.597245
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('roomcancellation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('fee_cents', sa.Integer(), nullable=False),
    sa.Column('refunded_cents', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_user_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['order_line_id'], ['orderline.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_line_id', name='uq_room_cancellation')
    )
    with op.batch_alter_table('roomcancellation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roomcancellation_order_line_id'), ['order_line_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('roomcancellation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roomcancellation_order_line_id'))

    op.drop_table('roomcancellation')
