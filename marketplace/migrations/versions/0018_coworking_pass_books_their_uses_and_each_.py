"""coworking pass books, their uses and each space's desk

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 17:54:57.635078
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('passdesk',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=False),
    sa.Column('desk_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('offer_id')
    )
    op.create_table('passbook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('holder_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('used_units', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('units >= 1 AND used_units >= 0 AND used_units <= units', name='ck_passbook_use'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.ForeignKeyConstraint(['order_line_id'], ['orderline.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', name='uq_passbook_code'),
    sa.UniqueConstraint('order_line_id', 'position', name='uq_passbook_position')
    )
    with op.batch_alter_table('passbook', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passbook_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passbook_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passbook_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passbook_user_id'), ['user_id'], unique=False)

    op.create_table('passredemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('book_id', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('by_staff', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['passbook.id'], ),
    sa.ForeignKeyConstraint(['by_user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('passredemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passredemption_book_id'), ['book_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_passredemption_used_at'), ['used_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('passredemption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passredemption_used_at'))
        batch_op.drop_index(batch_op.f('ix_passredemption_book_id'))

    op.drop_table('passredemption')
    with op.batch_alter_table('passbook', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passbook_user_id'))
        batch_op.drop_index(batch_op.f('ix_passbook_organization_id'))
        batch_op.drop_index(batch_op.f('ix_passbook_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_passbook_offer_id'))

    op.drop_table('passbook')
    op.drop_table('passdesk')
