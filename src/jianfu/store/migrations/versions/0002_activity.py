"""activity: daily figures, login events and assessed health

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activity_days',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tool_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('active_users', sa.Float(), nullable=True),
    sa.Column('new_posts', sa.Float(), nullable=True),
    sa.Column('page_views', sa.Float(), nullable=True),
    sa.Column('logins', sa.Float(), nullable=True),
    sa.Column('interactions', sa.Float(), nullable=True),
    sa.Column('replies_to_public', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_days')),
    sa.UniqueConstraint('tool_id', 'day', name='uq_activity_days_tool_day')
    )
    op.create_table('login_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tool_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_events')),
    sa.UniqueConstraint('tool_id', 'at', name='uq_login_events_tool_at')
    )
    op.create_table('tool_health',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tool_id', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assessed_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_health')),
    sa.UniqueConstraint('tool_id', 'as_of', name='uq_tool_health_tool_as_of')
    )
    op.create_index(op.f('ix_tool_health_status'), 'tool_health', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_tool_health_status'), table_name='tool_health')
    op.drop_table('tool_health')
    op.drop_table('login_events')
    op.drop_table('activity_days')
