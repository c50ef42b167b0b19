"""Ressourcerie: editable lists of origin areas, collection types and collection points; each
intake records its type, its area and its point (an outflow its point). The intakes recorded
before keep their source, turned into the matching collection type.

Revision ID: 0020_ressourcerie_origins
Revises: 0019_weight_corrections
Create Date: 2026-11-30 11:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_ressourcerie_origins'
down_revision = '0019_weight_corrections'
branch_labels = None
depends_on = None

TYPES = ("Apport volontaire", "Collecte à domicile", "Déchèterie", "Vide-maison", "Partenaire")
FROM_SOURCE = {"decheterie": "Déchèterie", "donation": "Apport volontaire",
               "clearance": "Vide-maison"}


def upgrade():
    op.create_table(
        'ressourcerie_choices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('area', 'type', 'point', name='choice_kind', native_enum=False,
                                  length=24), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ressourcerie_choices')),
        sa.UniqueConstraint('kind', 'name', name=op.f('uq_ressourcerie_choices_kind')),
    )
    choices = sa.table('ressourcerie_choices', sa.column('kind', sa.String),
                       sa.column('name', sa.String), sa.column('is_active', sa.Boolean))
    op.bulk_insert(choices, [{'kind': 'type', 'name': name, 'is_active': True} for name in TYPES]
                   + [{'kind': 'point', 'name': 'Boutique', 'is_active': True}])
    with op.batch_alter_table('ressourcerie_intakes', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=24), nullable=True)
        for column in ('collection_type_id', 'area_id', 'point_id'):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_ressourcerie_intakes_{column}'), [column])
            batch_op.create_foreign_key(
                batch_op.f(f'fk_ressourcerie_intakes_{column}_ressourcerie_choices'),
                'ressourcerie_choices', [column], ['id'])
    with op.batch_alter_table('ressourcerie_outflows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('point_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ressourcerie_outflows_point_id'), ['point_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_ressourcerie_outflows_point_id_ressourcerie_choices'),
            'ressourcerie_choices', ['point_id'], ['id'])
    for source, name in FROM_SOURCE.items():
        op.execute(sa.text(
            "UPDATE ressourcerie_intakes SET collection_type_id = (SELECT id FROM "
            "ressourcerie_choices WHERE kind = 'type' AND name = :name) WHERE source = :source"
        ).bindparams(name=name, source=source))


def downgrade():
    with op.batch_alter_table('ressourcerie_outflows', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_ressourcerie_outflows_point_id_ressourcerie_choices'),
            type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ressourcerie_outflows_point_id'))
        batch_op.drop_column('point_id')
    with op.batch_alter_table('ressourcerie_intakes', schema=None) as batch_op:
        for column in ('collection_type_id', 'area_id', 'point_id'):
            batch_op.drop_constraint(
                batch_op.f(f'fk_ressourcerie_intakes_{column}_ressourcerie_choices'),
                type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_ressourcerie_intakes_{column}'))
            batch_op.drop_column(column)
    op.drop_table('ressourcerie_choices')
