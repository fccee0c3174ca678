"""room quotes

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 19:15:00.382396
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('roomquote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('half', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=True),
    sa.Column('staff_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('requested', 'proposed', 'accepted', 'declined')", name='ck_room_quote_status'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('roomquote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roomquote_offer_id'), ['offer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('roomquote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roomquote_offer_id'))

    op.drop_table('roomquote')
