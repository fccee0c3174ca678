"""memberships joined online, renewals, reminders, grids by turnover, fees outside VAT

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:01:27.129942
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES_BEFORE = "category IN ('classic', 'discovery', 'partner', 'premium', 'basic', 'sector')"
CATEGORIES = "category IN ('classic', 'discovery', 'partner', 'premium', 'basic', 'sector', 'individual')"
STATUSES_BEFORE = "status IN ('pending', 'active', 'expired', 'excluded')"
STATUSES = "status IN ('pending', 'active', 'expired', 'lapsed', 'excluded')"


def upgrade() -> None:
    op.create_table('renewalrun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('index_bps', sa.Integer(), nullable=False),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('index_bps >= -10000', name='ck_renewal_index'),
    sa.ForeignKeyConstraint(['cluster_id'], ['cluster.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cluster_id', 'year', name='uq_renewal_run')
    )
    with op.batch_alter_table('renewalrun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renewalrun_cluster_id'), ['cluster_id'], unique=False)

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('renewal_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('grace_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_membership_order_id'), ['order_id'], unique=False)
        batch_op.create_foreign_key('fk_membership_order_id_order', 'order', ['order_id'], ['id'])
        batch_op.create_foreign_key('fk_membership_renewal_of_id_membership', 'membership',
                                    ['renewal_of_id'], ['id'])
        batch_op.drop_constraint('ck_membership_status', type_='check')
        batch_op.create_check_constraint('ck_membership_status', STATUSES)

    with op.batch_alter_table('membershiptier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                      server_default='headcount'))
        batch_op.add_column(sa.Column('min_turnover_euros', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('max_turnover_euros', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('vat_rate_bps', sa.Integer(), nullable=True))
        batch_op.drop_constraint('ck_tier_category', type_='check')
        batch_op.create_check_constraint('ck_tier_category', CATEGORIES)
        batch_op.create_check_constraint('ck_tier_basis', "basis IN ('headcount', 'turnover')")
        batch_op.create_check_constraint('ck_tier_turnover_band', 'min_turnover_euros >= 0 AND '
                                         '(max_turnover_euros IS NULL OR max_turnover_euros >= min_turnover_euros)')

    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('turnover_euros', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('turnover_euros')

    with op.batch_alter_table('membershiptier', schema=None) as batch_op:
        batch_op.drop_constraint('ck_tier_turnover_band', type_='check')
        batch_op.drop_constraint('ck_tier_basis', type_='check')
        batch_op.drop_constraint('ck_tier_category', type_='check')
        batch_op.create_check_constraint('ck_tier_category', CATEGORIES_BEFORE)
        batch_op.drop_column('vat_rate_bps')
        batch_op.drop_column('max_turnover_euros')
        batch_op.drop_column('min_turnover_euros')
        batch_op.drop_column('basis')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_constraint('ck_membership_status', type_='check')
        batch_op.create_check_constraint('ck_membership_status', STATUSES_BEFORE)
        batch_op.drop_constraint('fk_membership_renewal_of_id_membership', type_='foreignkey')
        batch_op.drop_constraint('fk_membership_order_id_order', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_membership_order_id'))
        batch_op.drop_column('paid_at')
        batch_op.drop_column('reminders_sent')
        batch_op.drop_column('grace_until')
        batch_op.drop_column('renewal_of_id')
        batch_op.drop_column('order_id')

    with op.batch_alter_table('renewalrun', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renewalrun_cluster_id'))

    op.drop_table('renewalrun')
