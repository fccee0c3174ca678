"""event tickets, attendees, one attachment per email

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 16:41:22.526610
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('attendee_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('attendee_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('issued', 'void')", name='ck_ticket_status'),
    sa.ForeignKeyConstraint(['checked_in_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], ),
    sa.ForeignKeyConstraint(['order_line_id'], ['orderline.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', name='uq_ticket_code'),
    sa.UniqueConstraint('order_line_id', 'position', name='uq_ticket_position')
    )
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_order_line_id'), ['order_line_id'], unique=False)

    with op.batch_alter_table('orderline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holders_json', sa.Text(), nullable=False, server_default='[]'))

    with op.batch_alter_table('outboxemail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('attachment_type', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('attachment_data', sa.LargeBinary(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('outboxemail', schema=None) as batch_op:
        batch_op.drop_column('attachment_data')
        batch_op.drop_column('attachment_type')
        batch_op.drop_column('attachment_name')

    with op.batch_alter_table('orderline', schema=None) as batch_op:
        batch_op.drop_column('holders_json')

    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_offer_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_event_id'))

    op.drop_table('ticket')
