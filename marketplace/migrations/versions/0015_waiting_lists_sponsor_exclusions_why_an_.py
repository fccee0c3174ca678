"""waiting lists, sponsor exclusions, why an order waits for approval

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 17:01:47.140643
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sponsorexclusion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('siret', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['cluster.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cluster_id', 'siret', name='uq_sponsor_exclusion')
    )
    with op.batch_alter_table('sponsorexclusion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sponsorexclusion_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('waitlistentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('waiting', 'offered', 'served', 'withdrawn')", name='ck_waitlist_status'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('waitlistentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlistentry_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_waitlistentry_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_waitlistentry_offer_id'), ['offer_id'], unique=False)

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True))
        batch_op.add_column(sa.Column('review_decision', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('review_decision')
        batch_op.drop_column('review_reason')

    with op.batch_alter_table('waitlistentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waitlistentry_offer_id'))
        batch_op.drop_index(batch_op.f('ix_waitlistentry_event_id'))
        batch_op.drop_index(batch_op.f('ix_waitlistentry_created_at'))

    op.drop_table('waitlistentry')
    with op.batch_alter_table('sponsorexclusion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sponsorexclusion_cluster_id'))

    op.drop_table('sponsorexclusion')
