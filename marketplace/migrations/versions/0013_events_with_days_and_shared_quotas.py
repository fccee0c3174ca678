"""events with days and shared quotas

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:28:35.290982
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('title_fr', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('summary_fr', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('summary_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description_fr', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('venue', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published', 'sales_closed', 'cancelled')", name='ck_event_status'),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name='ck_event_capacity'),
    sa.CheckConstraint('ends_at >= starts_at', name='ck_event_dates'),
    sa.ForeignKeyConstraint(['cluster_id'], ['cluster.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug', name='uq_event_slug')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('eventday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('closes > opens', name='ck_event_day_hours'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'day', name='uq_event_day')
    )
    with op.batch_alter_table('eventday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eventday_event_id'), ['event_id'], unique=False)

    op.create_table('eventquota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('held_units', sa.Integer(), nullable=False),
    sa.Column('every_ticket', sa.Boolean(), nullable=False),
    sa.CheckConstraint('held_units >= 0 AND held_units <= size', name='ck_quota_held'),
    sa.CheckConstraint('size >= 0', name='ck_quota_size'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('eventquota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eventquota_event_id'), ['event_id'], unique=False)

    op.create_table('eventquotaoffer',
    sa.Column('quota_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.ForeignKeyConstraint(['quota_id'], ['eventquota.id'], ),
    sa.PrimaryKeyConstraint('quota_id', 'offer_id')
    )
    with op.batch_alter_table('eventquotaoffer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eventquotaoffer_offer_id'), ['offer_id'], unique=False)

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_offer_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key('fk_offer_event_id_event', 'event', ['event_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_constraint('fk_offer_event_id_event', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_offer_event_id'))
        batch_op.drop_column('event_id')

    with op.batch_alter_table('eventquotaoffer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eventquotaoffer_offer_id'))

    op.drop_table('eventquotaoffer')
    with op.batch_alter_table('eventquota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eventquota_event_id'))

    op.drop_table('eventquota')
    with op.batch_alter_table('eventday', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eventday_event_id'))

    op.drop_table('eventday')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_starts_at'))
        batch_op.drop_index(batch_op.f('ix_event_cluster_id'))

    op.drop_table('event')
