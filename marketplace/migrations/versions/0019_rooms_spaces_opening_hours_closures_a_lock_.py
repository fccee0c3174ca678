"""rooms: spaces, opening hours, closures, a lock per room and day

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 17:59:51.051307
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('roomclosure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('offer_id', 'day', name='uq_room_closure')
    )
    with op.batch_alter_table('roomclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roomclosure_offer_id'), ['offer_id'], unique=False)

    op.create_table('roomday',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('offer_id', 'day')
    )
    op.create_table('roomhours',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('weekday >= 0 AND weekday <= 6 AND closes > opens', name='ck_room_hours'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('offer_id', 'weekday')
    )
    op.create_table('roomspace',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('equipment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('cancel_free_days', sa.Integer(), nullable=False),
    sa.Column('cancel_fee_bps', sa.Integer(), nullable=False),
    sa.CheckConstraint('buffer_minutes >= 0 AND cancel_free_days >= 0 AND cancel_fee_bps >= 0 AND cancel_fee_bps <= 10000', name='ck_room_space'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('offer_id')
    )


def downgrade() -> None:
    op.drop_table('roomspace')
    op.drop_table('roomhours')
    op.drop_table('roomday')
    with op.batch_alter_table('roomclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roomclosure_offer_id'))

    op.drop_table('roomclosure')
