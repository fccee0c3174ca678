"""invitation codes, exhibitor and sponsor profiles, sponsor packages, most per order

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 17:17:01.699733
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invitationcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('used_units', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_uses >= 1 AND used_units >= 0 AND used_units <= max_uses', name='ck_invitation_uses'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', name='uq_invitation_code')
    )
    with op.batch_alter_table('invitationcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitationcode_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitationcode_offer_id'), ['offer_id'], unique=False)

    op.create_table('sponsorpackage',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('invitations', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('offer_id')
    )
    op.create_table('eventprofile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('company', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('stand_number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.CheckConstraint("role IN ('exhibitor', 'sponsor')", name='ck_profile_role'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.ForeignKeyConstraint(['order_line_id'], ['orderline.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_line_id', 'position', name='uq_profile_position')
    )
    with op.batch_alter_table('eventprofile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eventprofile_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_eventprofile_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_eventprofile_order_line_id'), ['order_line_id'], unique=False)

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_per_order', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_column('max_per_order')

    with op.batch_alter_table('eventprofile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eventprofile_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_eventprofile_offer_id'))
        batch_op.drop_index(batch_op.f('ix_eventprofile_event_id'))

    op.drop_table('eventprofile')
    op.drop_table('sponsorpackage')
    with op.batch_alter_table('invitationcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitationcode_offer_id'))
        batch_op.drop_index(batch_op.f('ix_invitationcode_event_id'))

    op.drop_table('invitationcode')
