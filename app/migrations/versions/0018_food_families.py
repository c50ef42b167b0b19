"""Product categories carry the food bank's family (for the Banque Alimentaire / ANDES yearly
figures)

Revision ID: 0018_food_families
Revises: 0017_purchasing
Create Date: 2026-11-30 10:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_food_families'
down_revision = '0017_purchasing'
branch_labels = None
depends_on = None

FAMILIES = ('fruits_legumes', 'laitiers', 'viandes_poissons_oeufs', 'feculents',
            'epicerie_salee', 'epicerie_sucree', 'matieres_grasses', 'boissons',
            'plats_prepares', 'bebe', 'hygiene_entretien', 'autres')


def upgrade():
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('food_family', sa.Enum(*FAMILIES, name='food_family',
                                                             native_enum=False, length=24),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('food_family')
