"""room photos

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 19:22:59.048042
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('roomphoto',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('caption', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('roomphoto', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roomphoto_offer_id'), ['offer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('roomphoto', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roomphoto_offer_id'))

    op.drop_table('roomphoto')
