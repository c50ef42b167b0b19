"""Ressourcerie: a wrong intake or outflow weight is corrected by a linked correction (who,
when, why, before and after), never by editing the record

Revision ID: 0019_weight_corrections
Revises: 0018_food_families
Create Date: 2026-11-30 11:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.orm import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0019_weight_corrections'
down_revision = '0018_food_families'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ressourcerie_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('intake_id', sa.Integer(), nullable=True),
        sa.Column('outflow_id', sa.Integer(), nullable=True),
        sa.Column('old_net_grams', sa.Integer(), nullable=False),
        sa.Column('new_net_grams', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('corrected_by_id', sa.Integer(), nullable=False),
        sa.Column('corrected_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('(intake_id IS NULL) <> (outflow_id IS NULL)',
                           name=op.f('ck_ressourcerie_corrections_one_record_corrected')),
        sa.CheckConstraint('new_net_grams > 0',
                           name=op.f('ck_ressourcerie_corrections_new_net_positive')),
        sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id'],
                                name=op.f('fk_ressourcerie_corrections_corrected_by_id_users')),
        sa.ForeignKeyConstraint(
            ['intake_id'], ['ressourcerie_intakes.id'],
            name=op.f('fk_ressourcerie_corrections_intake_id_ressourcerie_intakes')),
        sa.ForeignKeyConstraint(
            ['outflow_id'], ['ressourcerie_outflows.id'],
            name=op.f('fk_ressourcerie_corrections_outflow_id_ressourcerie_outflows')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ressourcerie_corrections')),
    )
    with op.batch_alter_table('ressourcerie_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ressourcerie_corrections_intake_id'), ['intake_id'])
        batch_op.create_index(batch_op.f('ix_ressourcerie_corrections_outflow_id'),
                              ['outflow_id'])


def downgrade():
    op.drop_table('ressourcerie_corrections')
