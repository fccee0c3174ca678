"""Budgets by origin, their actions, and the refund a credit note documents.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 21:40:42.466899
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=True),
    sa.Column('declared_total_cents', sa.BigInteger(), nullable=True),
    sa.Column('declared_ratio_permille', sa.Integer(), nullable=True),
    sa.Column('hourly_cost_cents', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['cluster.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cluster_id', 'year', name='uq_budget_cluster_year')
    )
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('budgetline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('scenario', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name='ck_budget_line_amount'),
    sa.ForeignKeyConstraint(['budget_id'], ['budget.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('budget_id', 'scenario', 'origin', name='uq_budget_line')
    )
    with op.batch_alter_table('budgetline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgetline_budget_id'), ['budget_id'], unique=False)

    op.create_table('budgetaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
    sa.Column('public_cap_permille', sa.Integer(), nullable=True),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('staff_hundredths', sa.Integer(), nullable=False),
    sa.Column('direct_costs_cents', sa.BigInteger(), nullable=False),
    sa.Column('subsidy_cents', sa.BigInteger(), nullable=False),
    sa.Column('other_revenue_cents', sa.BigInteger(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('staff_hundredths >= 0 AND direct_costs_cents >= 0 AND subsidy_cents >= 0 AND other_revenue_cents >= 0', name='ck_budget_action_amounts'),
    sa.ForeignKeyConstraint(['budget_id'], ['budget.id'], ),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('budgetaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgetaction_budget_id'), ['budget_id'], unique=False)

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_invoice_refund_id'), ['refund_id'], unique=False)
        batch_op.create_foreign_key('fk_invoice_refund_id_refund', 'refund', ['refund_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint('fk_invoice_refund_id_refund', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoice_refund_id'))
        batch_op.drop_column('refund_id')

    with op.batch_alter_table('budgetaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgetaction_budget_id'))

    op.drop_table('budgetaction')
    with op.batch_alter_table('budgetline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgetline_budget_id'))

    op.drop_table('budgetline')
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_cluster_id'))

    op.drop_table('budget')
