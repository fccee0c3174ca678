"""tax receipts of gifts, numbered apart; offers created exempt of VAT stored as exempt; stands in packages

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 17:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = "kind IN ('invoice', 'credit_note')"
KINDS = "kind IN ('invoice', 'credit_note', 'tax_receipt')"


def upgrade() -> None:
    op.create_table('receiptsequence',
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['cluster.id'], ),
    sa.PrimaryKeyConstraint('cluster_id', 'year')
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint('ck_invoice_kind', type_='check')
        batch_op.create_check_constraint('ck_invoice_kind', KINDS)
    # An offer created exempt of VAT was stored at 20 % (the column's default replaced its None on INSERT); its
    # exemption mention, which the catalogue clears whenever a rate is set, tells such rows apart.
    with op.batch_alter_table('sponsorpackage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stands', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE offer SET vat_rate_bps = NULL WHERE vat_exempt_mention IS NOT NULL AND vat_rate_bps = 2000")


def downgrade() -> None:
    with op.batch_alter_table('sponsorpackage', schema=None) as batch_op:
        batch_op.drop_column('stands')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint('ck_invoice_kind', type_='check')
        batch_op.create_check_constraint('ck_invoice_kind', KINDS_BEFORE)
    op.drop_table('receiptsequence')
