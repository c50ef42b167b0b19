"""Households come by appointment: a visit booked on a slot of the opening hours (booked, came,
absent, cancelled)

Revision ID: 0016_appointments
Revises: 0015_parcels_retired
Create Date: 2026-11-30 09:30:00

"""
import sqlalchemy as sa
from alembic import op

from app.orm import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0016_appointments'
down_revision = '0015_parcels_retired'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'appointments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', UTCDateTime(), nullable=False),
        sa.Column('status', sa.Enum('booked', 'came', 'no_show', 'cancelled',
                                    name='appointment_status', native_enum=False, length=24),
                  nullable=False),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.Column('booked_by_id', sa.Integer(), nullable=True),
        sa.Column('booked_at', UTCDateTime(), nullable=False),
        sa.Column('changed_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'],
                                name=op.f('fk_appointments_booked_by_id_users')),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name=op.f('fk_appointments_household_id_households')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments')),
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointments_household_id'), ['household_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_starts_at'), ['starts_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointments_starts_at'))
        batch_op.drop_index(batch_op.f('ix_appointments_household_id'))
    op.drop_table('appointments')
